//! One file per page. Each exports one component that `app.rs` mounts on a route.

mod client;
mod home;
mod not_found;
mod sign_in;
mod sign_up;

pub use client::ClientPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
