//! The OAuth service-account flow against a local token endpoint: tokens are
//! cached, refreshed when they expire, and never shown.
#![cfg(feature = "oauth")]

use std::time::Duration;

use gapi_runtime::__private::{Call, HttpMethod, MethodSpec};
use gapi_runtime::auth::{OAuth, ServiceAccountKey};
use gapi_runtime::{ApiInfo, Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

static API: ApiInfo = ApiInfo {
    id: "things:v1",
    base_url: "https://things.googleapis.com/",
    service_path: "",
    base_url_env: "",
    user_agent: "gapi-runtime-tests/1.0",
};
static GET: MethodSpec = MethodSpec {
    id: "things.items.get",
    http_method: HttpMethod::Get,
    path: "v1/items/current",
    scopes: &["https://www.googleapis.com/auth/things"],
    warmup_query: None,
    sequential: false,
    keeps: None,
};

/// A throwaway key made for these tests, its `token_uri` pointed at `server`.
fn service_account_key(server: &MockServer) -> ServiceAccountKey {
    let template = include_str!("../fixtures/throwaway_service_account.json");
    let key = template.replace("TOKEN_URI_PLACEHOLDER", &format!("{}/token", server.uri()));
    ServiceAccountKey::from_json(&key).expect("the fixture key parses")
}

async fn mount_token(server: &MockServer, token: &str, expires_in: u64) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": token, "token_type": "Bearer", "expires_in": expires_in
        })))
        .up_to_n_times(1)
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_api_expecting(server: &MockServer, token: &str, calls: u64) {
    Mock::given(method("GET"))
        .and(path("/v1/items/current"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(calls)
        .mount(server)
        .await;
}

async fn client(server: &MockServer) -> Client {
    let auth = OAuth::service_account_key(service_account_key(server), Some("user@example.com"))
        .await
        .expect("authenticator builds");
    Client::builder(&API)
        .base_url(server.uri())
        .authenticator(auth)
        .retry(RetryPolicy::never())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn a_token_is_fetched_once_and_reused_while_valid() {
    let server = MockServer::start().await;
    mount_token(&server, "sa-token-1", 3600).await;
    mount_api_expecting(&server, "sa-token-1", 2).await;
    let client = client(&server).await;
    for _ in 0..2 {
        Call::new(&client, &GET).send_empty().await.expect("call succeeds");
    }
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_before_the_next_call() {
    let server = MockServer::start().await;
    // Tokens within a minute of expiry count as expired: this one is, a second from now.
    mount_token(&server, "sa-token-1", 61).await;
    mount_api_expecting(&server, "sa-token-1", 1).await;
    let client = client(&server).await;
    Call::new(&client, &GET).send_empty().await.expect("first call");

    tokio::time::sleep(Duration::from_millis(1100)).await;
    mount_token(&server, "sa-token-2", 3600).await;
    mount_api_expecting(&server, "sa-token-2", 1).await;
    Call::new(&client, &GET).send_empty().await.expect("second call, new token");
}

#[tokio::test]
async fn a_token_the_api_refuses_is_replaced_by_a_new_one_and_the_call_sent_again() {
    let server = MockServer::start().await;
    // Each answers one token request, in this order.
    mount_token(&server, "sa-token-revoked", 3600).await;
    mount_token(&server, "sa-token-2", 3600).await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer sa-token-revoked"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"code": 401, "message": "Invalid Credentials", "status": "UNAUTHENTICATED"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    mount_api_expecting(&server, "sa-token-2", 1).await;
    let client = client(&server).await;
    Call::new(&client, &GET).send_empty().await.expect("sent again with a new token");
}

#[tokio::test]
async fn a_token_endpoint_failure_is_an_auth_error_naming_the_method() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant", "error_description": "Invalid JWT Signature."
        })))
        .mount(&server)
        .await;
    let error = Call::new(&client(&server).await, &GET).send_empty().await.expect_err("no token");
    assert!(
        matches!(&error, gapi_runtime::Error::Auth { method: "things.items.get", .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("invalid_grant"), "{error}");
}

#[tokio::test]
async fn the_authenticator_and_client_debug_output_hold_no_key_or_token() {
    let server = MockServer::start().await;
    mount_token(&server, "sa-token-secret", 3600).await;
    mount_api_expecting(&server, "sa-token-secret", 1).await;
    let client = client(&server).await;
    Call::new(&client, &GET).send_empty().await.expect("call succeeds");
    let shown = format!("{client:?}");
    assert!(shown.contains("service_account"), "{shown}");
    assert!(!shown.contains("sa-token-secret") && !shown.contains("PRIVATE KEY"), "{shown}");
}
