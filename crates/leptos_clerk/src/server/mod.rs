//! The server half (feature `ssr`): configuration, session-token verification,
//! `authenticate_request`, the axum layer and the Backend API client.

pub mod backend_api;
pub mod webhooks;
