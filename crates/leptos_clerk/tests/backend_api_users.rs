//! Every `users()` call against the stand-in Backend API: method, path, headers, body.
#![cfg(feature = "ssr")]

mod backend_api_support;

use axum::http::Method;
use backend_api_support::{user_json, Recorded, Reply, StandIn, SECRET_KEY};
use leptos_clerk::server::backend_api::{
    BackendApiError, CreateUser, ListUsersParams, MetadataPatch, UpdateUser,
};
use serde_json::{json, Value};

/// Answers like Clerk would for the users endpoints, echoing writes into the fixture.
fn users_endpoint(request: &Recorded, _: usize) -> Reply {
    let segments: Vec<&str> = request
        .path
        .trim_start_matches("/v1/users")
        .split('/')
        .collect();
    match (&request.method, segments.as_slice()) {
        (&Method::GET, [""]) => Reply::json(200, json!([user_json("user_a"), user_json("user_b")])),
        (&Method::GET, ["", "count"]) => {
            Reply::json(200, json!({ "object": "total_count", "total_count": 42 }))
        }
        (&Method::GET, ["", id]) => Reply::json(200, user_json(id)),
        (&Method::PATCH, ["", id] | ["", id, "metadata"]) => {
            let mut user = user_json(id);
            for (key, value) in request.json().as_object().expect("object body") {
                user[key] = value.clone();
            }
            Reply::json(200, user)
        }
        (&Method::DELETE, ["", id]) => {
            Reply::json(200, json!({ "object": "user", "id": id, "deleted": true }))
        }
        (&Method::POST, [""]) => {
            let body = request.json();
            let mut user = user_json("user_new");
            user["first_name"] = body["first_name"].clone();
            user["email_addresses"][1]["email_address"] = body["email_address"][0].clone();
            Reply::json(200, user)
        }
        _ => Reply::clerk_error(404, "resource_not_found", "not found", None),
    }
}

fn assert_clerk_headers(request: &Recorded) {
    let expected_authorization = format!("Bearer {SECRET_KEY}");
    assert_eq!(
        request.header("authorization"),
        Some(expected_authorization.as_str())
    );
    assert_eq!(request.header("clerk-api-version"), Some("2025-11-10"));
    let user_agent = request.header("user-agent").expect("user-agent");
    assert_eq!(
        user_agent,
        concat!("leptos-clerk/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn get_sends_authenticated_get_and_parses_the_user() {
    let stand_in = StandIn::start(users_endpoint).await;
    let user = stand_in
        .client()
        .users()
        .get("user_42")
        .await
        .expect("user");

    let request = stand_in.only_request();
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.path, "/v1/users/user_42");
    assert_clerk_headers(&request);
    assert!(request.body.is_empty());
    assert!(request.header("content-type").is_none());
    assert_eq!(user.id, "user_42");
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn ids_are_percent_encoded_into_one_path_segment() {
    let stand_in = StandIn::start(users_endpoint).await;
    stand_in
        .client()
        .users()
        .get("../jwks?x=1")
        .await
        .expect("user");

    assert_eq!(stand_in.only_request().path, "/v1/users/..%2Fjwks%3Fx=1");
}

#[tokio::test]
async fn empty_id_is_rejected_without_a_request() {
    let stand_in = StandIn::start(users_endpoint).await;
    let error = stand_in
        .client()
        .users()
        .delete(" ")
        .await
        .expect_err("empty id");

    assert!(matches!(
        error,
        BackendApiError::InvalidArgument {
            name: "user_id",
            ..
        }
    ));
    assert!(stand_in.requests().is_empty());
}

#[tokio::test]
async fn list_sends_filters_and_paging_as_repeated_query_parameters() {
    let stand_in = StandIn::start(users_endpoint).await;
    let params = ListUsersParams {
        limit: Some(20),
        offset: Some(40),
        order_by: Some("-created_at".to_owned()),
        email_address: vec!["a@example.test".to_owned(), "b+1@example.test".to_owned()],
        user_id: vec!["user_1".to_owned()],
        query: Some("ada love".to_owned()),
        ..ListUsersParams::default()
    };
    let users = stand_in
        .client()
        .users()
        .list(&params)
        .await
        .expect("users");

    let request = stand_in.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::GET, "/v1/users")
    );
    assert_clerk_headers(&request);
    assert_eq!(
        request.query_values("email_address"),
        ["a@example.test", "b+1@example.test"]
    );
    assert_eq!(request.query_values("user_id"), ["user_1"]);
    assert_eq!(request.query_values("query"), ["ada love"]);
    assert_eq!(request.query_values("limit"), ["20"]);
    assert_eq!(request.query_values("offset"), ["40"]);
    assert_eq!(request.query_values("order_by"), ["-created_at"]);
    let ids: Vec<&str> = users.iter().map(|user| user.id.as_str()).collect();
    assert_eq!(ids, ["user_a", "user_b"]);
}

#[tokio::test]
async fn count_sends_only_the_filters() {
    let stand_in = StandIn::start(users_endpoint).await;
    let params = ListUsersParams {
        limit: Some(5),
        order_by: Some("+username".to_owned()),
        query: Some("ada".to_owned()),
        ..ListUsersParams::default()
    };
    let count = stand_in
        .client()
        .users()
        .count(&params)
        .await
        .expect("count");

    let request = stand_in.only_request();
    assert_eq!(request.path, "/v1/users/count");
    assert_eq!(request.query, [("query".to_owned(), "ada".to_owned())]);
    assert_eq!(count, 42);
}

#[tokio::test]
async fn update_patches_only_the_fields_that_are_set() {
    let stand_in = StandIn::start(users_endpoint).await;
    let update = UpdateUser {
        first_name: Some("Augusta".to_owned()),
        public_metadata: Some(json!({ "plan": "team" })),
        ..UpdateUser::default()
    };
    let user = stand_in
        .client()
        .users()
        .update("user_1", &update)
        .await
        .expect("user");

    let request = stand_in.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::PATCH, "/v1/users/user_1")
    );
    assert_clerk_headers(&request);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({ "first_name": "Augusta", "public_metadata": { "plan": "team" } })
    );
    assert_eq!(user.first_name.as_deref(), Some("Augusta"));
    assert_eq!(user.public_metadata, json!({ "plan": "team" }));
}

#[tokio::test]
async fn update_metadata_patches_the_metadata_endpoint_keeping_nulls() {
    let stand_in = StandIn::start(users_endpoint).await;
    let patch = MetadataPatch {
        private_metadata: Some(json!({ "stripe_customer_id": null, "tier": 2 })),
        ..MetadataPatch::default()
    };
    stand_in
        .client()
        .users()
        .update_metadata("user_1", &patch)
        .await
        .expect("user");

    let request = stand_in.only_request();
    assert_eq!(request.method, Method::PATCH);
    assert_eq!(request.path, "/v1/users/user_1/metadata");
    assert_clerk_headers(&request);
    assert_eq!(
        request.json(),
        json!({ "private_metadata": { "stripe_customer_id": null, "tier": 2 } })
    );
}

#[tokio::test]
async fn delete_sends_delete_and_returns_the_deleted_object() {
    let stand_in = StandIn::start(users_endpoint).await;
    let deleted = stand_in
        .client()
        .users()
        .delete("user_9")
        .await
        .expect("deleted");

    let request = stand_in.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::DELETE, "/v1/users/user_9")
    );
    assert_clerk_headers(&request);
    assert_eq!(deleted.id.as_deref(), Some("user_9"));
    assert!(deleted.deleted);
}

#[tokio::test]
async fn create_posts_the_new_user() {
    let stand_in = StandIn::start(users_endpoint).await;
    let new_user = CreateUser {
        email_address: vec!["grace@example.test".to_owned()],
        password: Some("correct horse battery staple".to_owned()),
        first_name: Some("Grace".to_owned()),
        ..CreateUser::default()
    };
    let user = stand_in
        .client()
        .users()
        .create(&new_user)
        .await
        .expect("user");

    let request = stand_in.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/v1/users")
    );
    assert_clerk_headers(&request);
    let expected: Value = json!({
        "email_address": ["grace@example.test"],
        "password": "correct horse battery staple",
        "first_name": "Grace",
    });
    assert_eq!(request.json(), expected);
    assert_eq!(user.first_name.as_deref(), Some("Grace"));
    let primary = user.primary_email_address().expect("primary email");
    assert_eq!(primary.email_address, "grace@example.test");
}
