//! One file per page. Each exports one component that `app.rs` mounts on a route.

mod home;
mod not_found;
mod profile;
mod sign_in;
mod sign_up;
mod unavailable;

// Groups of pages in a directory each.{%- if with_demo %}
pub mod demo; // the demo pages, removable as a whole{%- endif %}

pub use home::HomePage;
pub use not_found::NotFound;
pub use profile::ProfilePage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use unavailable::ServiceUnavailable;
