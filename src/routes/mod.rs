//! One file per page. Each exports one component that `app.rs` mounts on a route.

mod client;
pub mod demo;
mod home;
mod not_found;
mod oauth_demo;
mod profile;
mod protected;
mod sign_in;
mod sign_up;

pub use client::ClientPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use oauth_demo::{AppUser, OAuthDemoPage};
pub use profile::ProfilePage;
pub use protected::{ProtectedPage, ProtectedUserId};
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
