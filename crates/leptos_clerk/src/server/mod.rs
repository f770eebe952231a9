//! The server half (feature `ssr`): configuration, session-token verification,
//! `authenticate_request`, the axum layer and the Backend API client.
