//! [`ReplayableRequest`]: a server-function request that can be sent a second
//! time, so that [`super::ClerkFetchClient`] can retry once on `401`.
//!
//! server_fn's `BrowserRequest` can neither be cloned nor rebuilt from outside,
//! so this request keeps the recipe it was built from next to the first built
//! request. Streaming bodies cannot be replayed and are sent once.

use http::Method;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::{BrowserFormData, BrowserRequest};
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::Bytes;
use send_wrapper::SendWrapper;
use web_sys::FormData;

/// A server-function request in the browser that remembers how to rebuild itself.
pub struct ReplayableRequest {
    pub(crate) first: BrowserRequest,
    pub(crate) recipe: Option<Recipe>,
}

/// The arguments a [`BrowserRequest`] was built from.
pub(crate) struct Recipe {
    path: String,
    accepts: String,
    content_type: String,
    method: Method,
    body: Body,
}

enum Body {
    Query(String),
    Text(String),
    Bytes(Bytes),
    Form(SendWrapper<FormData>),
    Multipart(SendWrapper<FormData>),
}

impl Recipe {
    /// Builds a fresh request from the recipe.
    pub(crate) fn build<E: FromServerFnError>(&self) -> Result<BrowserRequest, E> {
        let (path, accepts, content_type) = (&self.path, &self.accepts, &self.content_type);
        let method = self.method.clone();
        match &self.body {
            Body::Query(query) => <BrowserRequest as ClientReq<E>>::try_new_req_query(
                path,
                content_type,
                accepts,
                query,
                method,
            ),
            Body::Text(text) => <BrowserRequest as ClientReq<E>>::try_new_req_text(
                path,
                content_type,
                accepts,
                text.clone(),
                method,
            ),
            Body::Bytes(bytes) => <BrowserRequest as ClientReq<E>>::try_new_req_bytes(
                path,
                content_type,
                accepts,
                bytes.clone(),
                method,
            ),
            Body::Form(form) => <BrowserRequest as ClientReq<E>>::try_new_req_form_data(
                path,
                accepts,
                content_type,
                BrowserFormData::from((**form).clone()),
                method,
            ),
            Body::Multipart(form) => <BrowserRequest as ClientReq<E>>::try_new_req_multipart(
                path,
                accepts,
                BrowserFormData::from((**form).clone()),
                method,
            ),
        }
    }
}

impl ReplayableRequest {
    fn from_recipe<E: FromServerFnError>(
        path: &str,
        accepts: &str,
        content_type: &str,
        method: Method,
        body: Body,
    ) -> Result<Self, E> {
        let recipe = Recipe {
            path: path.to_owned(),
            accepts: accepts.to_owned(),
            content_type: content_type.to_owned(),
            method,
            body,
        };
        Ok(Self {
            first: recipe.build()?,
            recipe: Some(recipe),
        })
    }
}

impl<E: FromServerFnError> ClientReq<E> for ReplayableRequest {
    type FormData = BrowserFormData;

    fn try_new_req_query(
        path: &str,
        content_type: &str,
        accepts: &str,
        query: &str,
        method: Method,
    ) -> Result<Self, E> {
        Self::from_recipe(
            path,
            accepts,
            content_type,
            method,
            Body::Query(query.to_owned()),
        )
    }

    fn try_new_req_text(
        path: &str,
        content_type: &str,
        accepts: &str,
        body: String,
        method: Method,
    ) -> Result<Self, E> {
        Self::from_recipe(path, accepts, content_type, method, Body::Text(body))
    }

    fn try_new_req_bytes(
        path: &str,
        content_type: &str,
        accepts: &str,
        body: Bytes,
        method: Method,
    ) -> Result<Self, E> {
        Self::from_recipe(path, accepts, content_type, method, Body::Bytes(body))
    }

    fn try_new_req_form_data(
        path: &str,
        accepts: &str,
        content_type: &str,
        body: Self::FormData,
        method: Method,
    ) -> Result<Self, E> {
        let form = SendWrapper::new(body.take());
        Self::from_recipe(path, accepts, content_type, method, Body::Form(form))
    }

    fn try_new_req_multipart(
        path: &str,
        accepts: &str,
        body: Self::FormData,
        method: Method,
    ) -> Result<Self, E> {
        let form = SendWrapper::new(body.take());
        Self::from_recipe(path, accepts, "", method, Body::Multipart(form))
    }

    fn try_new_req_streaming(
        path: &str,
        accepts: &str,
        content_type: &str,
        body: impl futures::Stream<Item = Bytes> + Send + 'static,
        method: Method,
    ) -> Result<Self, E> {
        let first = <BrowserRequest as ClientReq<E>>::try_new_req_streaming(
            path,
            accepts,
            content_type,
            body,
            method,
        )?;
        Ok(Self {
            first,
            recipe: None,
        })
    }
}
