//! HTTP batch against a server started on 127.0.0.1: the request's
//! structure (checked with multer, an independent multipart parser), answers
//! matched by `Content-ID` in any order, per-call errors, resends of the
//! calls that may be retried, the limit per request and one-at-a-time mutations.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gapi_runtime::__private::{Call, HttpMethod, MethodSpec};
use gapi_runtime::auth::StaticToken;
use gapi_runtime::{ApiInfo, Batch, Client, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

static API: ApiInfo = ApiInfo {
    id: "things:v1",
    base_url: "https://things.googleapis.com/",
    service_path: "",
    base_url_env: "GAPI_RUNTIME_BATCH_TESTS_BASE_URL",
    user_agent: "gapi-runtime-tests/1.0",
};
static BATCH: MethodSpec = spec("things.batch", HttpMethod::Post, "batch", false);
static GET: MethodSpec = spec("things.items.get", HttpMethod::Get, "v1/{+name}", false);
static CREATE: MethodSpec = spec("things.items.create", HttpMethod::Post, "v1/items", false);
static UPDATE: MethodSpec = spec("things.items.update", HttpMethod::Put, "v1/{+name}", true);

const fn spec(
    id: &'static str,
    http_method: HttpMethod,
    path: &'static str,
    sequential: bool,
) -> MethodSpec {
    MethodSpec {
        id,
        http_method,
        path,
        scopes: &["https://www.googleapis.com/auth/things"],
        warmup_query: None,
        sequential,
        keeps: None,
    }
}

fn client(base_url: String) -> Client {
    Client::builder(&API)
        .base_url(base_url)
        .authenticator(StaticToken::new("ya29.batch-token"))
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("client builds")
}

fn get(client: &Client, name: &str) -> Call {
    let mut call = Call::new(client, &GET);
    call.path_param("name", name.to_owned(), None);
    call.set_query("view", "FULL".to_owned());
    call
}

fn create(client: &Client, body: &Value) -> Call {
    let mut call = Call::new(client, &CREATE);
    call.set_json_body(body);
    call
}

fn update(client: &Client, name: &str) -> Call {
    let mut call = Call::new(client, &UPDATE);
    call.path_param("name", name.to_owned(), None);
    call.set_json_body(&json!({"name": name}));
    call
}

/// One part of a batch request as the server read it.
#[derive(Debug)]
struct Part {
    content_id: String,
    request_line: String,
    body: String,
}

/// Parses a batch request body the way a server would, with multer.
async fn parts_of(request: &Request) -> Vec<Part> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .expect("multipart/mixed with a boundary")
        .to_owned();
    let body = request.body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed part") {
        let part_type = field.headers().get("content-type").and_then(|v| v.to_str().ok());
        assert_eq!(part_type, Some("application/http"));
        let content_id = field
            .headers()
            .get("content-id")
            .and_then(|value| value.to_str().ok())
            .expect("a Content-ID")
            .to_owned();
        let inner = field.text().await.expect("the part's text");
        let (head, body) = inner.split_once("\r\n\r\n").expect("a blank line after the head");
        let request_line = head.lines().next().expect("a request line").to_owned();
        parts.push(Part { content_id, request_line, body: body.trim_end().to_owned() });
    }
    parts
}

/// The Content-IDs of a request body, for the answering side (a plain scan).
fn content_ids(body: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(body)
        .lines()
        .filter_map(|line| line.strip_prefix("Content-ID: "))
        .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
        .collect()
}

/// A batch answer: (content id of the request part, status, extra header, body).
fn answer(parts: &[(String, u16, Option<&str>, String)]) -> ResponseTemplate {
    let mut body = String::new();
    for (id, status, header, json) in parts {
        body.push_str("--batch_answer\r\nContent-Type: application/http\r\n");
        body.push_str(&format!("Content-ID: <response-{id}>\r\n\r\n"));
        body.push_str(&format!("HTTP/1.1 {status} Whatever\r\n"));
        body.push_str("Content-Type: application/json; charset=UTF-8\r\n");
        if let Some(header) = header {
            body.push_str(&format!("{header}\r\n"));
        }
        body.push_str(&format!("\r\n{json}\r\n"));
    }
    body.push_str("--batch_answer--\r\n");
    ResponseTemplate::new(200)
        .insert_header("content-type", "multipart/mixed; boundary=batch_answer")
        .set_body_bytes(body)
}

fn not_found() -> String {
    json!({"error": {"code": 404, "message": "Not found.", "status": "NOT_FOUND"}}).to_string()
}

#[tokio::test]
async fn a_batch_is_one_multipart_request_of_http_parts_and_answers_match_by_content_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/batch"))
        .respond_with(|request: &Request| {
            let ids = content_ids(&request.body);
            // Out of order, one 404, one answer that is not JSON.
            answer(&[
                (ids[2].clone(), 200, None, "not json".to_owned()),
                (ids[1].clone(), 404, None, not_found()),
                (ids[0].clone(), 200, None, json!({"name": "items/a"}).to_string()),
            ])
        })
        .expect(1)
        .mount(&server)
        .await;
    let client = client(server.uri());
    let mut batch = Batch::new(&client, &BATCH, 1000);
    let first = batch.add(get(&client, "items/a")).expect("added");
    let second = batch.add(create(&client, &json!({"title": "new"}))).expect("added");
    let third = batch.add(get(&client, "items/c")).expect("added");
    let mut results = batch.send().await;

    let received = server.received_requests().await.expect("recorded");
    let [request] = received.as_slice() else { panic!("one request: {received:?}") };
    let auth = request.headers.get("authorization").and_then(|value| value.to_str().ok());
    assert_eq!(auth, Some("Bearer ya29.batch-token"), "authorised once, on the outer request");
    let parts = parts_of(request).await;
    let lines: Vec<&str> = parts.iter().map(|part| part.request_line.as_str()).collect();
    assert_eq!(
        lines,
        [
            "GET /v1/items/a?view=FULL HTTP/1.1",
            "POST /v1/items HTTP/1.1",
            "GET /v1/items/c?view=FULL HTTP/1.1"
        ]
    );
    assert_eq!(parts[1].body, r#"{"title":"new"}"#);
    assert!(parts[0].body.is_empty() && parts[2].body.is_empty());
    let ids: std::collections::HashSet<&str> =
        parts.iter().map(|part| part.content_id.as_str()).collect();
    assert_eq!(ids.len(), 3, "each part has its own Content-ID");

    let first = results.take(first).expect("the first call succeeded");
    assert_eq!(first.get(), r#"{"name":"items/a"}"#, "as the server wrote it");
    match results.take(second) {
        Err(Error::Api { method, status, error }) => {
            assert_eq!((method, status), ("things.items.create", 404));
            assert_eq!(error.status.as_deref(), Some("NOT_FOUND"));
        }
        other => panic!("expected the part's 404, got {other:?}"),
    }
    match results.take(third) {
        Err(Error::Decode { method, status, .. }) => {
            assert_eq!((method, status), ("things.items.get", 200));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(results.requests(), 1);
}

/// Answers each batch request with `plan(request number, part number)` per part.
struct Planned {
    requests: Arc<Mutex<Vec<usize>>>,
    plan: fn(usize, usize) -> (u16, Option<&'static str>),
}

impl Respond for Planned {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let ids = content_ids(&request.body);
        let mut requests = self.requests.lock().expect("not poisoned");
        let number = requests.len();
        requests.push(ids.len());
        let parts: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(part, id)| {
                let (status, header) = (self.plan)(number, part);
                let body = match status {
                    200 => json!({"part": part}).to_string(),
                    429 => json!({"error": {"code": 429, "message": "Slow down.", "status": "RESOURCE_EXHAUSTED"}})
                        .to_string(),
                    _ => json!({"error": {"code": status, "message": "Oops.", "status": "UNAVAILABLE"}})
                        .to_string(),
                };
                (id.clone(), status, header, body)
            })
            .collect();
        answer(&parts)
    }
}

async fn planned(
    plan: fn(usize, usize) -> (u16, Option<&'static str>),
) -> (MockServer, Arc<Mutex<Vec<usize>>>) {
    let server = MockServer::start().await;
    let requests = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path("/batch"))
        .respond_with(Planned { requests: Arc::clone(&requests), plan })
        .mount(&server)
        .await;
    (server, requests)
}

#[tokio::test]
async fn a_part_answered_429_is_resent_alone_after_its_retry_after() {
    let (server, requests) = planned(|request, part| match (request, part) {
        (0, 1) => (429, Some("Retry-After: 0")),
        _ => (200, None),
    })
    .await;
    let client = client(server.uri());
    let mut batch = Batch::new(&client, &BATCH, 1000);
    let slots: Vec<_> = ["items/a", "items/b", "items/c"]
        .iter()
        .map(|name| batch.add(get(&client, name)).expect("added"))
        .collect();
    let mut results = batch.send().await;
    assert_eq!(*requests.lock().expect("not poisoned"), [3, 1], "only the 429 part is resent");
    for slot in slots {
        results.take(slot).expect("every call succeeds in the end");
    }
    assert_eq!(results.requests(), 2);
}

#[tokio::test]
async fn a_5xx_part_is_resent_only_when_its_call_is_safe_to_repeat() {
    let (server, requests) = planned(|request, _| match request {
        0 => (503, None),
        _ => (200, None),
    })
    .await;
    let client = client(server.uri());
    let mut batch = Batch::new(&client, &BATCH, 1000);
    let read = batch.add(get(&client, "items/a")).expect("added");
    let write = batch.add(create(&client, &json!({"title": "once"}))).expect("added");
    let mut results = batch.send().await;
    assert_eq!(*requests.lock().expect("not poisoned"), [2, 1], "the GET alone is resent");
    results.take(read).expect("the read is resent and succeeds");
    match results.take(write) {
        Err(Error::Api { method, status, .. }) => {
            assert_eq!((method, status), ("things.items.create", 503))
        }
        other => panic!("a POST that may have been applied is not resent: {other:?}"),
    }
}

#[tokio::test]
async fn calls_beyond_the_limit_and_one_at_a_time_mutations_go_in_later_requests_in_order() {
    let (server, requests) = planned(|_, _| (200, None)).await;
    let client = client(server.uri());
    let mut batch = Batch::new(&client, &BATCH, 3);
    let mut slots = Vec::new();
    for name in ["items/a", "items/b", "items/c", "items/d"] {
        slots.push(batch.add(get(&client, name)).expect("added"));
    }
    // Two mutations the API wants one at a time, then one more read.
    slots.push(batch.add(update(&client, "items/a")).expect("added"));
    slots.push(batch.add(update(&client, "items/b")).expect("added"));
    slots.push(batch.add(get(&client, "items/e")).expect("added"));
    let mut results = batch.send().await;
    assert_eq!(
        *requests.lock().expect("not poisoned"),
        [3, 2, 1, 1],
        "3 reads; a read and the first update; the second update; the read added after it"
    );
    for slot in slots {
        results.take(slot).expect("succeeded");
    }
    let received = server.received_requests().await.expect("recorded");
    let mut updates = Vec::new();
    for request in &received {
        let parts = parts_of(request).await;
        let in_this = parts.iter().filter(|part| part.request_line.starts_with("PUT")).count();
        assert!(in_this <= 1, "never two one-at-a-time mutations in one request");
        updates.extend(parts.into_iter().filter(|part| part.request_line.starts_with("PUT")));
    }
    let order: Vec<&str> = updates.iter().map(|part| part.request_line.as_str()).collect();
    assert_eq!(order, ["PUT /v1/items/a HTTP/1.1", "PUT /v1/items/b HTTP/1.1"]);
}

#[tokio::test]
async fn a_failed_batch_request_gives_each_call_its_error_and_a_foreign_call_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"code": 400, "message": "Bad batch.", "status": "INVALID_ARGUMENT"}}),
        ))
        .mount(&server)
        .await;
    let client = client(server.uri());
    let other = self::client(format!("{}/elsewhere/", server.uri()));
    let mut batch = Batch::new(&client, &BATCH, 1000);
    let refused = batch.add(get(&other, "items/a")).expect_err("another API's call");
    assert!(matches!(refused, Error::Validation(_)), "{refused}");
    let slot = batch.add(get(&client, "items/a")).expect("added");
    assert_eq!(batch.len(), 1);
    let mut results = batch.send().await;
    match results.take(slot) {
        Err(Error::Api { method, status, .. }) => {
            assert_eq!((method, status), ("things.items.get", 400))
        }
        other => panic!("expected the batch's 400 under the call's id, got {other:?}"),
    }
}
