//! Components in the shape of `@clerk/clerk-react`'s.
//!
//! * control: [`Show`] (Clerk Core 3), and [`SignedIn`], [`SignedOut`], [`Protect`] over it;
//!   [`ClerkLoaded`],
//!   [`ClerkLoading`], [`ClerkFailed`];
//! * ClerkJS UI mounted into a placeholder `<div>`: [`SignIn`], [`SignUp`],
//!   [`UserButton`], [`UserProfile`], [`OrganizationSwitcher`], [`OrganizationProfile`],
//!   [`CreateOrganization`], [`OrganizationList`];
//! * buttons: [`SignInButton`], [`SignUpButton`], [`SignOutButton`];
//! * navigation: [`RedirectToSignIn`], [`RedirectToSignUp`].
//!
//! Every element this crate renders carries a stable `data-cl-*` attribute for
//! styling and end-to-end tests: `data-cl-mount="sign-in"` (plus
//! `data-cl-mounted="true"` once ClerkJS filled it), `data-cl-button="sign-out"`.

mod buttons;
mod control;
mod mounted;
mod redirect;

pub use buttons::{ButtonMode, SignInButton, SignOutButton, SignUpButton};
pub use control::{
    ClerkFailed, ClerkLoaded, ClerkLoading, Protect, Show, SignedIn, SignedOut, UnknownWhen, When,
};
pub use mounted::{
    CreateOrganization, OrganizationList, OrganizationProfile, OrganizationSwitcher, SignIn,
    SignUp, UserButton, UserProfile,
};
pub use redirect::{RedirectToSignIn, RedirectToSignUp};
