//! What every endpoint group shares: paging of list calls and the answer to a delete call.

use serde::{Deserialize, Serialize};

/// Paging of list calls (Clerk's defaults: 10 per page, at most 500).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// Page size.
    pub limit: Option<u32>,
    /// Number of items to skip.
    pub offset: Option<u32>,
}

impl Page {
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        query.extend(self.limit.map(|limit| ("limit", limit.to_string())));
        query.extend(self.offset.map(|offset| ("offset", offset.to_string())));
        query
    }
}

/// Clerk's answer to a delete call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedObject {
    /// Id of the deleted object.
    #[serde(default)]
    pub id: Option<String>,
    /// Kind of the deleted object (`user`).
    #[serde(default)]
    pub object: Option<String>,
    /// Whether it is gone.
    #[serde(default)]
    pub deleted: bool,
}
