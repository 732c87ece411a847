//! Google's HTTP batch endpoint, `POST /batch`: multipart requests built by
//! hand as client libraries send them, and the multipart answers parsed
//! here: order, Content-IDs, part-level and outer errors, the part limit,
//! authorization, counting, and failures injected with `fail_next`.

use std::time::Duration;

use google_people_v1_fake::FakePeople;
use serde_json::{Value, json};

use crate::support::{Api, TOKEN, http_client};

const BOUNDARY: &str = "BOUNDARY";
const GET_ID: &str = "people.people.get";

/// One request part: its Content-ID and the HTTP request it holds.
struct Part {
    content_id: Option<String>,
    request: String,
}

fn get(content_id: &str, target: &str) -> Part {
    Part { content_id: Some(content_id.to_owned()), request: format!("GET {target} HTTP/1.1\r\n") }
}

fn post(content_id: &str, target: &str, body: &Value) -> Part {
    Part {
        content_id: Some(content_id.to_owned()),
        request: format!(
            "POST {target} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{body}\r\n"
        ),
    }
}

/// A part whose text after the part headers is exactly `request`.
fn raw(content_id: &str, request: &str) -> Part {
    Part { content_id: Some(content_id.to_owned()), request: request.to_owned() }
}

/// The multipart body with `BOUNDARY`, CRLF line endings.
fn envelope(parts: &[Part]) -> String {
    let mut body = String::new();
    for part in parts {
        body.push_str(&format!("--{BOUNDARY}\r\nContent-Type: application/http\r\n"));
        if let Some(content_id) = &part.content_id {
            body.push_str(&format!("Content-ID: <{content_id}>\r\n"));
        }
        body.push_str("\r\n");
        body.push_str(&part.request);
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    body
}

fn multipart() -> String {
    format!("multipart/mixed; boundary={BOUNDARY}")
}

/// The outer response.
struct Response {
    status: u16,
    content_type: String,
    text: String,
}

impl Response {
    /// The answer parts; asserts a 200 multipart response.
    #[track_caller]
    fn answers(&self) -> Vec<Answer> {
        assert_eq!(self.status, 200, "{}", self.text);
        parse_answers(&self.content_type, &self.text)
    }

    /// Asserts an outer Google error.
    #[track_caller]
    fn assert_error(&self, http_status: u16, status: &str) -> Value {
        assert_eq!(self.status, http_status, "{}", self.text);
        assert_eq!(self.content_type, "application/json; charset=UTF-8");
        let body: Value = serde_json::from_str(&self.text).expect("a JSON error body");
        assert_eq!(body["error"]["status"], status, "{}", self.text);
        body
    }
}

/// One answer part.
#[derive(Debug)]
struct Answer {
    content_id: Option<String>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    #[track_caller]
    fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{self:?}");
        &self.body
    }

    #[track_caller]
    fn assert_error(&self, http_status: u16, status: &str) {
        assert_eq!(self.status, http_status, "{self:?}");
        assert_eq!(self.body["error"]["code"], http_status, "{self:?}");
        assert_eq!(self.body["error"]["status"], status, "{self:?}");
    }
}

/// Parses a `multipart/mixed` batch response, insisting on CRLF.
fn parse_answers(content_type: &str, text: &str) -> Vec<Answer> {
    let boundary = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .expect("a multipart/mixed content type with a boundary");
    assert!(boundary.starts_with("batch_"), "{content_type}");
    let body = text.strip_suffix(&format!("--{boundary}--\r\n")).expect("the close delimiter");
    let delimiter = format!("--{boundary}\r\n");
    let mut parts = body.split(&delimiter);
    assert_eq!(parts.next(), Some(""), "no preamble");
    parts
        .map(|part| {
            let part = part.strip_suffix("\r\n").expect("a CRLF before the next delimiter");
            let (mime, http) = part.split_once("\r\n\r\n").expect("part headers");
            let mime = headers(mime);
            assert_eq!(mime[0], ("Content-Type".to_owned(), "application/http".to_owned()));
            let content_id = mime
                .iter()
                .find(|(field, _)| field == "Content-ID")
                .map(|(_, value)| value.clone());
            let (head, body) = http.split_once("\r\n\r\n").expect("response headers");
            let (status_line, head) = head.split_once("\r\n").unwrap_or((head, ""));
            let status = status_line
                .strip_prefix("HTTP/1.1 ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|code| code.parse().ok())
                .expect("a status line");
            let body = serde_json::from_str(body).expect("a JSON body");
            Answer { content_id, status, headers: headers(head), body }
        })
        .collect()
}

fn headers(head: &str) -> Vec<(String, String)> {
    head.split("\r\n")
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (name, value) = line.split_once(": ").expect("a header line");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// Sends `body` to `POST /batch` with this Content-Type and Authorization.
async fn send_batch_as(
    fake: &FakePeople,
    authorization: Option<&str>,
    content_type: &str,
    body: String,
) -> Response {
    let mut request = http_client()
        .post(format!("{}batch", fake.base_url()))
        .header("content-type", content_type)
        .body(body);
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("a body");
    Response { status, content_type, text }
}

async fn send_batch(api: &Api, parts: &[Part]) -> Response {
    let authorization = format!("Bearer {TOKEN}");
    send_batch_as(&api.fake, Some(&authorization), &multipart(), envelope(parts)).await
}

/// A fake with contacts c1, c2 and c3 (Ada, Grace, Alan).
async fn with_three_contacts() -> Api {
    let api = Api::start().await;
    for (given, family) in [("Ada", "Lovelace"), ("Grace", "Hopper"), ("Alan", "Turing")] {
        api.create_named(given, family).await;
    }
    api
}

fn given_name(person: &Value) -> &str {
    person["names"][0]["givenName"].as_str().expect("a given name")
}

#[tokio::test]
async fn gets_are_answered_in_order_with_their_content_ids() {
    let api = with_three_contacts().await;
    let response = send_batch(
        &api,
        &[
            get("item-0", "/v1/people/c3?personFields=names"),
            get("item-1", "https://people.googleapis.com/v1/people/c1?personFields=names"),
            get("item-2", "/v1/people/c2?personFields=names"),
        ],
    )
    .await;
    let answers = response.answers();
    assert_eq!(answers.len(), 3);
    for (index, (answer, given)) in answers.iter().zip(["Alan", "Ada", "Grace"]).enumerate() {
        assert_eq!(answer.content_id.as_deref(), Some(format!("<response-item-{index}>").as_str()));
        assert_eq!(answer.header("Content-Type"), Some("application/json; charset=UTF-8"));
        assert_eq!(answer.header("Retry-After"), None);
        assert_eq!(given_name(answer.ok()), given);
    }
    assert_eq!(answers[1].ok()["resourceName"], "people/c1");
}

#[tokio::test]
async fn bare_line_feeds_and_quoted_boundaries_are_accepted() {
    let api = with_three_contacts().await;
    let body = "--a b\n\
                Content-Type: application/http\n\
                \n\
                GET /v1/people/c2?personFields=names HTTP/1.1\n\
                \n\
                --a b\n\
                Content-Type: application/http\n\
                Content-ID: <x>\n\
                \n\
                GET /v1/people/c1?personFields=names HTTP/1.1\n\
                --a b--\n";
    let authorization = format!("Bearer {TOKEN}");
    let response = send_batch_as(
        &api.fake,
        Some(&authorization),
        "multipart/mixed; boundary=\"a b\"",
        body.to_owned(),
    )
    .await;
    let answers = response.answers();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0].content_id, None, "a part without Content-ID is answered without");
    assert_eq!(given_name(answers[0].ok()), "Grace");
    assert_eq!(answers[1].content_id.as_deref(), Some("<response-x>"));
    assert_eq!(given_name(answers[1].ok()), "Ada");
}

#[tokio::test]
async fn a_missing_contact_is_a_404_part_among_200s() {
    let api = with_three_contacts().await;
    let answers = send_batch(
        &api,
        &[
            get("a", "/v1/people/c1?personFields=names"),
            get("b", "/v1/people/c99?personFields=names"),
            get("c", "/v1/people/c2?personFields=names"),
        ],
    )
    .await
    .answers();
    assert_eq!(given_name(answers[0].ok()), "Ada");
    answers[1].assert_error(404, "NOT_FOUND");
    assert_eq!(answers[1].content_id.as_deref(), Some("<response-b>"));
    assert_eq!(given_name(answers[2].ok()), "Grace");
}

#[tokio::test]
async fn malformed_parts_are_400s_and_the_others_are_served() {
    let api = with_three_contacts().await;
    let answers = send_batch(
        &api,
        &[
            get("good-0", "/v1/people/c1?personFields=names"),
            raw("no-request-line", "\r\n"),
            raw("bad-request-line", "FETCH me please\r\n"),
            raw("nested", "POST /batch HTTP/1.1\r\n"),
            get("good-1", "/v1/people/c3?personFields=names"),
        ],
    )
    .await
    .answers();
    assert_eq!(answers.len(), 5);
    assert_eq!(given_name(answers[0].ok()), "Ada");
    for answer in &answers[1..4] {
        answer.assert_error(400, "INVALID_ARGUMENT");
    }
    assert!(answers[3].body["error"]["message"].as_str().unwrap_or_default().contains("batch"));
    assert_eq!(given_name(answers[4].ok()), "Alan");
    assert_eq!(api.fake.served(GET_ID), 2);
}

#[tokio::test]
async fn a_part_without_a_blank_line_after_its_headers_is_a_400() {
    let api = with_three_contacts().await;
    let body = format!(
        "--{BOUNDARY}\r\nContent-Type: application/http\r\nContent-ID: <headless>\r\n\
         GET /v1/people/c1?personFields=names HTTP/1.1\r\n\
         --{BOUNDARY}\r\nContent-Type: application/http\r\n\r\n\
         GET /v1/people/c2?personFields=names HTTP/1.1\r\n\
         --{BOUNDARY}--\r\n"
    );
    let authorization = format!("Bearer {TOKEN}");
    let answers =
        send_batch_as(&api.fake, Some(&authorization), &multipart(), body).await.answers();
    answers[0].assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(answers[0].content_id.as_deref(), Some("<response-headless>"));
    assert_eq!(given_name(answers[1].ok()), "Grace");
}

#[tokio::test]
async fn a_malformed_envelope_is_an_outer_400_and_runs_nothing() {
    let api = with_three_contacts().await;
    let authorization = format!("Bearer {TOKEN}");
    let one_get = envelope(&[get("a", "/v1/people/c1")]);
    let unclosed = one_get.replace(&format!("--{BOUNDARY}--\r\n"), "");
    for (content_type, body) in [
        ("multipart/mixed", one_get.clone()),
        ("application/json", one_get.clone()),
        (multipart().as_str(), unclosed),
        (multipart().as_str(), format!("--{BOUNDARY}--\r\n")),
        (multipart().as_str(), String::new()),
    ] {
        send_batch_as(&api.fake, Some(&authorization), content_type, body)
            .await
            .assert_error(400, "INVALID_ARGUMENT");
    }
    assert_eq!(api.fake.served(GET_ID), 0);
    assert_eq!(api.fake.served("batch"), 5, "refused batches count too");
}

#[tokio::test]
async fn a_batch_holds_at_most_1000_parts() {
    let api = with_three_contacts().await;
    let parts = |count: usize| -> Vec<Part> {
        (0..count)
            .map(|index| get(&index.to_string(), "/v1/people/c1?personFields=names"))
            .collect()
    };
    let refused = send_batch(&api, &parts(1001)).await.assert_error(400, "INVALID_ARGUMENT");
    assert!(refused["error"]["message"].as_str().unwrap_or_default().contains("1000"), "{refused}");
    assert_eq!(api.fake.served(GET_ID), 0);
    let answers = send_batch(&api, &parts(1000)).await.answers();
    assert_eq!(answers.len(), 1000);
    assert!(answers.iter().all(|answer| answer.status == 200));
    assert_eq!(answers[999].content_id.as_deref(), Some("<response-999>"));
}

#[tokio::test]
async fn served_counts_a_batch_once_and_its_parts_under_their_methods() {
    let api = with_three_contacts().await;
    let parts: Vec<Part> = (0..250)
        .map(|index| get(&format!("item-{index}"), "/v1/people/c2?personFields=names"))
        .collect();
    assert_eq!(send_batch(&api, &parts).await.answers().len(), 250);
    assert_eq!(api.fake.served("batch"), 1, "250 reads went in one request");
    assert_eq!(api.fake.served(GET_ID), 250);
}

#[tokio::test]
async fn a_contact_created_by_a_part_is_visible_to_a_later_part() {
    let api = Api::start().await;
    let person = json!({"names": [{"givenName": "Katherine", "familyName": "Johnson"}]});
    let answers = send_batch(
        &api,
        &[
            post("create", "/v1/people:createContact?personFields=names", &person),
            get("read", "/v1/people/c1?personFields=names"),
        ],
    )
    .await
    .answers();
    assert_eq!(answers[0].ok()["resourceName"], "people/c1");
    assert_eq!(given_name(answers[1].ok()), "Katherine");
    assert_eq!(api.fake.served("people.people.createContact"), 1);
    assert!(api.fake.contact("people/c1").is_some());
}

#[tokio::test]
async fn parts_use_the_outer_authorization_unless_they_carry_their_own() {
    let fake = FakePeople::builder().token(TOKEN).start().await.expect("the fake starts");
    let api = Api::with(fake);
    api.create_named("Ada", "Lovelace").await;
    let read = "GET /v1/people/c1?personFields=names HTTP/1.1\r\n";
    let parts = [
        raw("outer", read),
        raw("own-wrong", &format!("{read}Authorization: Bearer wrong\r\n")),
        raw("own-right", &format!("{read}Authorization: Bearer {TOKEN}\r\n")),
    ];
    let authorization = format!("Bearer {TOKEN}");
    let answers = send_batch_as(&api.fake, Some(&authorization), &multipart(), envelope(&parts))
        .await
        .answers();
    assert_eq!(given_name(answers[0].ok()), "Ada");
    answers[1].assert_error(401, "UNAUTHENTICATED");
    assert!(answers[1].header("WWW-Authenticate").is_some(), "{:?}", answers[1]);
    assert_eq!(given_name(answers[2].ok()), "Ada");

    let answers = send_batch_as(&api.fake, None, &multipart(), envelope(&parts)).await.answers();
    answers[0].assert_error(401, "UNAUTHENTICATED");
    answers[1].assert_error(401, "UNAUTHENTICATED");
    assert_eq!(given_name(answers[2].ok()), "Ada");
}

#[tokio::test]
async fn fail_next_fails_exactly_one_part_with_its_retry_after() {
    let api = with_three_contacts().await;
    api.fake.fail_next(GET_ID, 1, 429, Some(Duration::from_secs(1)));
    let parts = [
        get("0", "/v1/people/c1?personFields=names"),
        get("1", "/v1/people/c2?personFields=names"),
        get("2", "/v1/people/c3?personFields=names"),
    ];
    let answers = send_batch(&api, &parts).await.answers();
    answers[0].assert_error(429, "RESOURCE_EXHAUSTED");
    assert_eq!(answers[0].header("Retry-After"), Some("1"));
    assert_eq!(answers[0].body["error"]["details"][0]["retryDelay"], "1s");
    for answer in &answers[1..] {
        answer.ok();
        assert_eq!(answer.header("Retry-After"), None);
    }
    assert!(send_batch(&api, &parts).await.answers().iter().all(|answer| answer.status == 200));
    assert_eq!(api.fake.served(GET_ID), 6, "the failed part counts");
}

#[tokio::test]
async fn fail_next_fails_single_requests_without_running_them() {
    let api = Api::start().await;
    api.fake.fail_next("people.people.createContact", 2, 503, None);
    let person = json!({"names": [{"givenName": "Ada"}]});
    for _ in 0..2 {
        let reply = api.post("v1/people:createContact", person.clone()).await;
        reply.assert_error(503, "UNAVAILABLE");
        assert_eq!(reply.retry_after, None);
    }
    assert!(api.fake.snapshot().contacts.is_empty(), "failed requests change nothing");
    api.post("v1/people:createContact", person).await.ok();
    assert_eq!(api.fake.snapshot().contacts.len(), 1);

    api.fake.fail_next(GET_ID, 3, 500, None);
    api.fake.fail_next(GET_ID, 0, 500, None);
    api.get("v1/people/c1?personFields=names").await.ok();
}

#[tokio::test]
async fn fail_next_batch_fails_the_whole_batch() {
    let api = with_three_contacts().await;
    api.fake.fail_next("batch", 1, 503, Some(Duration::from_millis(1500)));
    let parts = [get("0", "/v1/people/c1?personFields=names")];
    let authorization = format!("Bearer {TOKEN}");
    let response = http_client()
        .post(format!("{}batch", api.fake.base_url()))
        .header("content-type", multipart())
        .header("authorization", authorization)
        .body(envelope(&parts))
        .send()
        .await
        .expect("the fake answers");
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(
        response.headers().get("retry-after").and_then(|value| value.to_str().ok()),
        Some("2"),
        "whole seconds, rounded up"
    );
    assert_eq!(api.fake.served(GET_ID), 0);
    send_batch(&api, &parts).await.answers()[0].ok();
}
