//! Demo pages: examples of the template's features, removable as a whole (delete this folder,
//! its `mod` line in `routes/mod.rs` and its routes in `app.rs`).

mod org_settings;
mod orgs;

pub use org_settings::{LoadOrgSettings, OrgSettings, OrgSettingsPage};
pub use orgs::{ActiveOrg, LoadActiveOrg, OrgsPage};
