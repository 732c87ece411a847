//! The client against servers started on 127.0.0.1: retries, backoff,
//! timeouts, pagination, error decoding, credentials and redaction.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use gapi_runtime::__private::{Call, HttpMethod, MethodSpec, SyncParams};
use gapi_runtime::auth::{
    ApiKey, Authenticator, Credential, CredentialFuture, Secret, StaticToken,
};
use gapi_runtime::{ApiInfo, CallOptions, Client, Error, ErrorDetail, OnExpiry, RetryPolicy};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

static API: ApiInfo = ApiInfo {
    id: "things:v1",
    base_url: "https://things.googleapis.com/",
    service_path: "",
    base_url_env: "GAPI_RUNTIME_TESTS_BASE_URL",
    user_agent: "gapi-runtime-tests/1.0",
};
static GET: MethodSpec = MethodSpec {
    id: "things.items.get",
    http_method: HttpMethod::Get,
    path: "v1/{+name}",
    scopes: &["https://www.googleapis.com/auth/things"],
    warmup_query: None,
    sequential: false,
    keeps: None,
};
static CREATE: MethodSpec = MethodSpec {
    id: "things.items.create",
    http_method: HttpMethod::Post,
    path: "v1/items",
    scopes: &["https://www.googleapis.com/auth/things"],
    warmup_query: None,
    sequential: false,
    keeps: None,
};
static LIST: MethodSpec = MethodSpec {
    id: "things.items.list",
    http_method: HttpMethod::Get,
    path: "v1/items",
    scopes: &["https://www.googleapis.com/auth/things.readonly"],
    warmup_query: None,
    sequential: false,
    keeps: None,
};

/// Retries as the default policy does, but with millisecond waits.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(&API)
        .base_url(server.uri())
        .authenticator(StaticToken::new("ya29.test-token"))
        .retry(retry)
        .build()
        .expect("client builds")
}

fn get_item(client: &Client, name: &str) -> Call {
    let mut call = Call::new(client, &GET);
    call.path_param("name", name.to_owned(), Some("^items/[^/]+$"));
    call
}

/// Answers the first `failures` `verb` requests with `failure`, then one with
/// 200 and `success`; each is expected exactly that often.
async fn fails_then_succeeds(
    server: &MockServer,
    verb: &str,
    failure: ResponseTemplate,
    failures: u64,
    success: Value,
) {
    Mock::given(method(verb))
        .respond_with(failure)
        .up_to_n_times(failures)
        .expect(failures)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .respond_with(ResponseTemplate::new(200).set_body_json(success))
        .expect(1)
        .mount(server)
        .await;
}

fn google_error(code: u16, status: &str, message: &str) -> Value {
    json!({"error": {"code": code, "status": status, "message": message}})
}

#[tokio::test]
async fn a_get_is_retried_after_two_503s_and_succeeds() {
    let server = MockServer::start().await;
    fails_then_succeeds(
        &server,
        "GET",
        ResponseTemplate::new(503).set_body_json(google_error(503, "UNAVAILABLE", "try later")),
        2,
        json!({"name": "items/a"}),
    )
    .await;
    let item: Value =
        get_item(&client(&server, quick_retries()), "items/a").send().await.expect("succeeds");
    assert_eq!(item["name"], "items/a");
}

#[tokio::test]
async fn a_post_is_not_retried_after_a_503_by_default() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let mut call = Call::new(&client(&server, quick_retries()), &CREATE);
    call.set_json_body(&json!({"name": "x"}));
    let error = call.send::<Value>().await.expect_err("503 is returned");
    assert_eq!(error.status(), Some(503));
}

#[tokio::test]
async fn a_post_is_retried_after_a_503_when_the_caller_opts_in() {
    let server = MockServer::start().await;
    fails_then_succeeds(
        &server,
        "POST",
        ResponseTemplate::new(503),
        1,
        json!({"name": "items/new"}),
    )
    .await;
    let mut call = Call::new(&client(&server, RetryPolicy::never()), &CREATE);
    call.set_json_body(&json!({"name": "x"}));
    let created: Value = call
        .retry(quick_retries().retry_non_idempotent(true))
        .send()
        .await
        .expect("the per-call policy retries");
    assert_eq!(created["name"], "items/new");
}

#[tokio::test]
async fn a_post_is_retried_after_a_429_because_it_was_not_executed() {
    let server = MockServer::start().await;
    fails_then_succeeds(&server, "POST", ResponseTemplate::new(429), 1, json!({})).await;
    let mut call = Call::new(&client(&server, quick_retries()), &CREATE);
    call.set_json_body(&json!({}));
    call.send_empty().await.expect("retried once");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    fails_then_succeeds(
        &server,
        "GET",
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
        json!({}),
    )
    .await;
    let started = Instant::now();
    get_item(&client(&server, quick_retries()), "items/a").send_empty().await.expect("succeeds");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
}

#[tokio::test]
async fn retry_info_in_the_error_body_is_honoured() {
    let server = MockServer::start().await;
    let body = json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "slow down",
        "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.3s"}]}});
    fails_then_succeeds(
        &server,
        "GET",
        ResponseTemplate::new(429).set_body_json(body),
        1,
        json!({}),
    )
    .await;
    let started = Instant::now();
    get_item(&client(&server, quick_retries()), "items/a").send_empty().await.expect("succeeds");
    assert!(started.elapsed() >= Duration::from_millis(300), "waited {:?}", started.elapsed());
}

#[tokio::test]
async fn retries_give_up_after_the_attempt_bound_with_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(google_error(500, "INTERNAL", "boom")),
        )
        .expect(3)
        .mount(&server)
        .await;
    let error = get_item(&client(&server, quick_retries().with_max_attempts(3)), "items/a")
        .send_empty()
        .await
        .expect_err("gives up");
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.method(), "things.items.get");
}

#[tokio::test]
async fn retries_give_up_when_the_wait_would_pass_the_time_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "60"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let policy = quick_retries().with_max_elapsed(Duration::from_secs(5));
    let error =
        get_item(&client(&server, policy), "items/a").send_empty().await.expect_err("gives up");
    assert_eq!(error.status(), Some(503));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "did not wait for a retry it would not make"
    );
}

#[tokio::test]
async fn a_slow_response_times_out_with_the_call_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let call = get_item(&client(&server, RetryPolicy::never()), "items/a");
    let error = call.timeout(Duration::from_millis(200)).send_empty().await.expect_err("times out");
    assert!(
        matches!(error, Error::Timeout { method: "things.items.get", timeout } if timeout == Duration::from_millis(200)),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_error_body_decodes_into_typed_details() {
    let server = MockServer::start().await;
    let body = json!({"error": {
    "code": 400, "status": "INVALID_ARGUMENT", "message": "Invalid personFields mask path: \"nams\".",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
         "domain": "googleapis.com", "metadata": {"quota_limit": "ReadRequestsPerMinutePerUser"}},
        {"@type": "type.googleapis.com/google.rpc.BadRequest",
         "fieldViolations": [{"field": "person_fields", "description": "Invalid field mask path"}]},
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
         "violations": [{"subject": "project:123", "description": "Per-minute quota"}]},
        {"@type": "type.googleapis.com/google.rpc.Help",
         "links": [{"description": "Quotas", "url": "https://example.com/quotas"}]},
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en", "message": "Oops"}
    ]}});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(body))
        .mount(&server)
        .await;
    let error =
        get_item(&client(&server, quick_retries()), "items/a").send_empty().await.expect_err("400");
    let google = error.google_error().expect("a Google error");
    assert_eq!((google.code, google.status.as_deref()), (400, Some("INVALID_ARGUMENT")));
    assert_eq!(google.reason(), Some("RATE_LIMIT_EXCEEDED"));
    assert!(matches!(&google.details[1], ErrorDetail::BadRequest { field_violations }
        if field_violations[0].field == "person_fields"));
    assert!(matches!(&google.details[2], ErrorDetail::QuotaFailure { violations }
        if violations[0].subject == "project:123"));
    assert!(
        matches!(&google.details[3], ErrorDetail::Help { links } if links[0].description == "Quotas")
    );
    assert!(matches!(&google.details[4], ErrorDetail::Other(value) if value["locale"] == "en"));
    let shown = error.to_string();
    assert!(
        shown.contains("things.items.get") && shown.contains("400 INVALID_ARGUMENT"),
        "{shown}"
    );
}

#[tokio::test]
async fn helpers_classify_not_found_rate_limited_and_etag_conflicts() {
    let server = MockServer::start().await;
    for (name, status, code) in [
        ("items/gone", 404, "NOT_FOUND"),
        ("items/busy", 429, "RESOURCE_EXHAUSTED"),
        ("items/stale", 400, "FAILED_PRECONDITION"),
    ] {
        Mock::given(path(format!("/v1/{name}")))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(google_error(status, code, name)),
            )
            .mount(&server)
            .await;
    }
    let client = client(&server, RetryPolicy::never());
    let gone = get_item(&client, "items/gone").send_empty().await.expect_err("404");
    assert!(gone.is_not_found() && !gone.is_etag_conflict());
    let busy = get_item(&client, "items/busy").send_empty().await.expect_err("429");
    assert!(busy.is_rate_limited() && !busy.is_not_found());
    let stale = get_item(&client, "items/stale").send_empty().await.expect_err("400");
    assert!(stale.is_etag_conflict() && !stale.is_rate_limited());
}

#[tokio::test]
async fn a_non_json_error_body_is_kept_as_the_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .mount(&server)
        .await;
    let error = get_item(&client(&server, RetryPolicy::never()), "items/a")
        .send_empty()
        .await
        .expect_err("502");
    assert_eq!(error.google_error().map(|e| e.message.as_str()), Some("<html>Bad Gateway</html>"));
}

#[tokio::test]
async fn an_undecodable_success_body_is_a_decode_error_with_a_snippet_its_display_leaves_out() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
    }
    /// As a generated crate implements it for a response type.
    impl gapi_runtime::__private::ResponseBody for Item {
        fn from_json(json: &[u8]) -> Result<Self, gapi_runtime::__private::DecodeFailure> {
            gapi_runtime::__private::decode_json(json)
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!("{{\"nam\": \"{}\"}}", "x".repeat(2000))),
        )
        .mount(&server)
        .await;
    let error = get_item(&client(&server, RetryPolicy::never()), "items/a")
        .send::<Item>()
        .await
        .expect_err("missing field");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("xxxx"), "the body stays out of Display and Debug: {shown}");
    assert!(shown.contains("2011 bytes"), "{shown}");
    match error {
        Error::Decode { method, status, path, snippet, body_len, .. } => {
            assert_eq!((method, status, body_len), ("things.items.get", 200, 2011));
            assert_eq!(path, ".", "a missing field is missing from the body itself");
            let snippet = snippet.as_str();
            assert!(snippet.starts_with("{\"nam\"") && snippet.len() <= 512, "{snippet}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_success_body_decodes_as_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let value: Value =
        get_item(&client(&server, RetryPolicy::never()), "items/a").send().await.expect("{}");
    assert_eq!(value, json!({}));
}

#[tokio::test]
async fn a_pattern_mismatch_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let error = get_item(&client(&server, RetryPolicy::never()), "people/me")
        .send_empty()
        .await
        .expect_err("invalid name");
    assert!(
        matches!(&error, Error::Validation(v) if v.parameter == Some("name") && v.method == "things.items.get"),
        "{error:?}"
    );
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    #[serde(default)]
    items: Vec<String>,
    next_page_token: Option<String>,
}

/// As a generated crate implements it for a response type.
impl gapi_runtime::__private::ResponseBody for Page {
    fn from_json(json: &[u8]) -> Result<Self, gapi_runtime::__private::DecodeFailure> {
        gapi_runtime::__private::decode_json(json)
    }
}

async fn mount_three_pages(server: &MockServer) {
    let pages = [
        (None, json!({"items": ["a", "b"], "nextPageToken": "t1"})),
        (Some("t1"), json!({"items": ["c"], "nextPageToken": "t2"})),
        (Some("t2"), json!({"items": [], "nextPageToken": "t3"})),
        (Some("t3"), json!({"items": ["d", "e"]})),
    ];
    for (token, body) in pages {
        let mock =
            Mock::given(method("GET")).and(path("/v1/items")).and(query_param("pageSize", "2"));
        let mock = match token {
            Some(token) => mock.and(query_param("pageToken", token)),
            None => mock.and(wiremock::matchers::query_param_is_missing("pageToken")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(server)
            .await;
    }
}

fn list_call(server: &MockServer) -> Call {
    let mut call = Call::new(&client(server, RetryPolicy::never()), &LIST);
    call.set_query("pageSize", "2".into());
    call
}

#[tokio::test]
async fn pages_follow_next_page_tokens_to_the_end() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let pages: Vec<Page> = list_call(&server)
        .pages("pageToken", |page: &Page| page.next_page_token.clone())
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(pages.len(), 4);
    assert_eq!(pages[3].next_page_token, None);
}

#[tokio::test]
async fn items_flatten_every_page_including_empty_ones() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let items: Vec<String> = list_call(&server)
        .items("pageToken", |page: Page| (page.items, page.next_page_token))
        .try_collect()
        .await
        .expect("all items");
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    Mock::given(query_param("pageToken", "t1"))
        .respond_with(ResponseTemplate::new(400).set_body_json(google_error(
            400,
            "INVALID_ARGUMENT",
            "bad token",
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": ["a"], "nextPageToken": "t1"})),
        )
        .mount(&server)
        .await;
    let result: Result<Vec<String>, Error> = list_call(&server)
        .items("pageToken", |page: Page| (page.items, page.next_page_token))
        .try_collect()
        .await;
    assert_eq!(result.expect_err("second page fails").status(), Some(400));
}

/// A server whose every page names the same next token, `again`.
async fn server_repeating_the_page_token() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": ["a"], "nextPageToken": "again"})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_repeated_page_token_ends_the_pages_with_an_error_naming_it() {
    let server = server_repeating_the_page_token().await;
    let results: Vec<Result<Page, Error>> = list_call(&server)
        .pages("pageToken", |page: &Page| page.next_page_token.clone())
        .collect()
        .await;
    // The first page, the page asked with `again` (which names `again` again), the error.
    assert_eq!(results.len(), 3);
    assert!(results[..2].iter().all(Result::is_ok));
    let error = results[2].as_ref().expect_err("the repeated token ends it");
    assert!(matches!(error, Error::RepeatedPageToken { token, .. } if token == "again"), "{error}");
    assert_eq!(error.method(), "things.items.list");
    assert!(error.to_string().contains("`again`"), "{error}");
    assert_eq!(server.received_requests().await.map_or(0, |requests| requests.len()), 2);
}

#[tokio::test]
async fn a_sync_given_a_repeated_page_token_fails_naming_it() {
    let server = server_repeating_the_page_token().await;
    let params =
        SyncParams { page_token: "pageToken", sync_token: "syncToken", request_sync_token: None };
    let result = list_call(&server)
        .sync(params, None, OnExpiry::Fail, |page: Page| (page.items, page.next_page_token, None))
        .await;
    let error = result.expect_err("a repeated token is an error, not a short sync");
    assert!(
        matches!(&error, Error::RepeatedPageToken { token, .. } if token == "again"),
        "{error}"
    );
    assert_eq!(server.received_requests().await.map_or(0, |requests| requests.len()), 2);
}

#[tokio::test]
async fn requests_carry_the_bearer_token_user_agent_and_json_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("authorization", "Bearer ya29.test-token"))
        .and(header("user-agent", "gapi-runtime-tests/1.0"))
        .and(header("content-type", "application/json"))
        .and(wiremock::matchers::body_json(json!({"name": "x"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let mut call = Call::new(&client(&server, RetryPolicy::never()), &CREATE);
    call.set_json_body(&json!({"name": "x"}));
    call.send_empty().await.expect("matches");
}

#[tokio::test]
async fn an_api_key_goes_in_a_header_not_the_url() {
    let server = MockServer::start().await;
    Mock::given(header("x-goog-api-key", "AIza-test-key"))
        .and(wiremock::matchers::query_param_is_missing("key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(&API)
        .base_url(server.uri())
        .authenticator(ApiKey::new("AIza-test-key"))
        .build()
        .expect("builds");
    get_item(&client, "items/a").send_empty().await.expect("matches");
}

/// Hands out a new token on every call, as a provider does after expiry.
#[derive(Debug, Default)]
struct RotatingToken {
    issued: AtomicUsize,
}

impl Authenticator for RotatingToken {
    fn credential<'a>(&'a self, _scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        let number = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(Credential::Bearer(Secret::new(format!("token-{number}")))) })
    }
}

#[tokio::test]
async fn every_attempt_asks_the_authenticator_again() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let authenticator = Arc::new(RotatingToken::default());
    let client = Client::builder(&API)
        .base_url(server.uri())
        .authenticator(Arc::clone(&authenticator))
        .retry(quick_retries())
        .build()
        .expect("builds");
    get_item(&client, "items/a").send_empty().await.expect("second attempt succeeds");
    assert_eq!(authenticator.issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_connection_refused_is_a_transport_error_naming_the_method() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = unused.local_addr().expect("address");
    drop(unused);
    let client = Client::builder(&API)
        .base_url(format!("http://{address}/"))
        .authenticator(StaticToken::new("ya29.secret-token"))
        .retry(quick_retries().with_max_attempts(2))
        .build()
        .expect("builds");
    let error = get_item(&client, "items/a").send_empty().await.expect_err("refused");
    assert!(matches!(error, Error::Transport { method: "things.items.get", .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("Connection refused"), "{shown}");
    assert!(!shown.contains("secret-token"), "{shown}");
}

#[tokio::test]
async fn no_secret_shows_in_debug_or_display() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(google_error(
            401,
            "UNAUTHENTICATED",
            "bad token",
        )))
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::never());
    let error = get_item(&client, "items/a").send_empty().await.expect_err("401");
    let shown = format!("{client:?} {error:?} {error} {:?}", get_item(&client, "items/a"));
    assert!(!shown.contains("ya29.test-token"), "{shown}");
}

#[test]
fn the_base_url_comes_from_the_builder_then_the_environment_then_the_document() {
    let document =
        Client::builder(&API).authenticator(StaticToken::new("t")).build().expect("builds");
    assert_eq!(document.base_url(), "https://things.googleapis.com/");
    let explicit = Client::builder(&API)
        .base_url("http://127.0.0.1:9/prefix")
        .authenticator(StaticToken::new("t"))
        .build()
        .expect("builds");
    assert_eq!(explicit.base_url(), "http://127.0.0.1:9/prefix/");
    let invalid =
        Client::builder(&API).base_url("not a url").authenticator(StaticToken::new("t")).build();
    assert!(matches!(invalid, Err(Error::Config(message)) if message.contains("not a url")));
    let missing = Client::builder(&API).build();
    assert!(matches!(missing, Err(Error::Config(message)) if message.contains("authenticator")));
}

#[tokio::test]
async fn a_plain_http_base_url_to_another_host_is_refused_unless_the_caller_opts_in() {
    for url in ["http://things.example.com/", "http://10.0.0.8:8080/"] {
        let error = Client::builder(&API)
            .base_url(url)
            .authenticator(StaticToken::new("ya29.never-attached"))
            .build()
            .expect_err("refused");
        let message = error.to_string();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(
            message.contains("plain http") && message.contains("allow_plain_http"),
            "{message}"
        );
        assert!(!message.contains("never-attached"), "{message}");
        let opted_in = Client::builder(&API)
            .base_url(url)
            .authenticator(StaticToken::new("t"))
            .allow_plain_http(true)
            .build()
            .expect("opted in");
        assert_eq!(opted_in.base_url(), url);
    }
    for url in [
        "https://things.example.com/",
        "http://127.0.0.1:1/",
        "http://localhost:1/",
        "http://[::1]:1/",
    ] {
        Client::builder(&API)
            .base_url(url)
            .authenticator(StaticToken::new("t"))
            .build()
            .expect(url);
    }
}

#[tokio::test]
async fn default_headers_and_a_callers_http_client_reach_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/items/a"))
        .and(header("x-goog-user-project", "billing-project-7"))
        .and(header("x-set-by-the-callers-client", "yes"))
        .and(header("authorization", "Bearer ya29.test-token"))
        .and(header("user-agent", "the-callers-agent/2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "a"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut caller_headers = reqwest::header::HeaderMap::new();
    caller_headers.insert("x-set-by-the-callers-client", "yes".parse().expect("a header value"));
    let http = gapi_runtime::http_client_builder("the-callers-agent/2", Duration::from_secs(5))
        .expect("the runtime's TLS setup")
        .default_headers(caller_headers)
        .build()
        .expect("the caller's client");
    let client = Client::builder(&API)
        .base_url(server.uri())
        .authenticator(StaticToken::new("ya29.test-token"))
        .http_client(http)
        .default_header("x-goog-user-project", "billing-project-7")
        .retry(RetryPolicy::never())
        .build()
        .expect("client builds");
    get_item(&client, "items/a").send_empty().await.expect("the headers arrived");

    let error = Client::builder(&API)
        .authenticator(StaticToken::new("t"))
        .default_header("not a name", "v")
        .build()
        .expect_err("an invalid header name");
    assert!(error.to_string().contains("not a valid header name"), "{error}");
}

/// An API whose discovery document names no endpoint.
static NO_ENDPOINT: ApiInfo = ApiInfo {
    id: "nowhere:v1",
    base_url: "",
    service_path: "",
    base_url_env: "GAPI_RUNTIME_TESTS_NOWHERE_BASE_URL",
    user_agent: "gapi-runtime-tests/1.0",
};

#[test]
fn an_api_without_a_default_endpoint_needs_one_from_the_caller() {
    let built =
        Client::builder(&NO_ENDPOINT).authenticator(StaticToken::new("ya29.test-token")).build();
    let Err(Error::Config(error)) = built else {
        panic!("expected a configuration error, got {built:?}");
    };
    assert!(error.contains("nowhere:v1 has no default endpoint"), "{error}");
    assert!(error.contains("`ClientBuilder::base_url`"), "{error}");
    assert!(error.contains("`GAPI_RUNTIME_TESTS_NOWHERE_BASE_URL`"), "{error}");

    let client = Client::builder(&NO_ENDPOINT)
        .base_url("https://nowhere.example.com/v1")
        .authenticator(StaticToken::new("ya29.test-token"))
        .build()
        .expect("a client given an endpoint builds");
    assert_eq!(client.base_url(), "https://nowhere.example.com/v1/");
}

/// Gives `token-1`, and after each refusal the next number; counts refusals.
#[derive(Debug, Default)]
struct RenewableToken {
    current: AtomicUsize,
    refused: AtomicUsize,
}

impl Authenticator for RenewableToken {
    fn credential<'a>(&'a self, _scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        let number = self.current.load(Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(Credential::Bearer(Secret::new(format!("token-{number}")))) })
    }

    fn rejected<'a>(
        &'a self,
        _credential: &'a Credential,
    ) -> gapi_runtime::auth::RejectionFuture<'a> {
        self.refused.fetch_add(1, Ordering::SeqCst);
        self.current.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { true })
    }
}

fn unauthenticated() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(
        json!({"error": {"code": 401, "message": "Invalid Credentials", "status": "UNAUTHENTICATED"}}),
    )
}

#[tokio::test]
async fn a_refused_credential_is_renewed_once_and_the_call_sent_again_even_without_retries() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer token-1"))
        .respond_with(unauthenticated())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let authenticator = Arc::new(RenewableToken::default());
    let client = Client::builder(&API)
        .base_url(server.uri())
        .authenticator(Arc::clone(&authenticator))
        .retry(RetryPolicy::never())
        .build()
        .expect("builds");
    get_item(&client, "items/a").send_empty().await.expect("sent again with token-2");
    assert_eq!(authenticator.refused.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_second_refusal_or_a_fixed_token_ends_the_call_with_the_401() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(unauthenticated()).expect(3).mount(&server).await;
    let authenticator = Arc::new(RenewableToken::default());
    let renewing = Client::builder(&API)
        .base_url(server.uri())
        .authenticator(Arc::clone(&authenticator))
        .retry(quick_retries())
        .build()
        .expect("builds");
    let error = get_item(&renewing, "items/a").send_empty().await.expect_err("refused twice");
    assert_eq!(error.status(), Some(401));
    assert_eq!(authenticator.refused.load(Ordering::SeqCst), 2, "asked once more, then stopped");
    let fixed = client(&server, quick_retries());
    let error = get_item(&fixed, "items/a").send_empty().await.expect_err("a fixed token");
    assert_eq!(error.status(), Some(401), "one request: a StaticToken cannot be renewed");
}
