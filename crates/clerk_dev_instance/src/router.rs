//! The instance's complete router: FAPI, BAPI, OAuth, assets and the dev page behind the `Host`
//! check, to be nested at `/__clerk`.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::Method;
use axum::middleware;
use axum::Router;
use tower::ServiceBuilder;

use crate::instance::Instance;
use crate::local_only::{check_host, direct_only};
use crate::{assets, bapi, dev_page, fapi, oauth};

/// ClerkJS tunnels PATCH/DELETE as `POST ...?_method=PATCH`; route them as the real method.
fn tunnel_method(mut request: Request) -> Request {
    if request.method() == Method::POST {
        let tunnelled = request.uri().query().and_then(|query| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(query)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "_method")
                .map(|(_, v)| v.to_ascii_uppercase())
        });
        match tunnelled.as_deref() {
            Some("PATCH") => *request.method_mut() = Method::PATCH,
            Some("DELETE") => *request.method_mut() = Method::DELETE,
            Some("PUT") => *request.method_mut() = Method::PUT,
            _ => {}
        }
    }
    request
}

/// The complete router (FAPI, BAPI, assets, dev page), to be nested at `/__clerk`. Every
/// request, the fallback's included, first passes the `Host` check; the BAPI and the dev page
/// also refuse requests that came through a proxy.
pub(crate) fn router(state: Arc<Instance>) -> Router {
    let hosts = state.hosts.clone();
    let inner = Router::new()
        .merge(fapi::router(state.clone()))
        .merge(oauth::router())
        .nest(
            "/api",
            bapi::router(state.clone()).layer(middleware::from_fn(direct_only)),
        )
        .merge(assets::router())
        .merge(dev_page::router().layer(middleware::from_fn(direct_only)))
        .fallback(|| async { crate::ApiError::not_found("Endpoint") })
        .with_state(state);
    Router::new().fallback_service(
        ServiceBuilder::new()
            .layer(middleware::from_fn_with_state(hosts, check_host))
            .map_request(tunnel_method)
            .service(inner),
    )
}
