//! Media uploads (`uploadType=media`, `multipart`, `resumable`) and
//! downloads (`alt=media`) against servers started on 127.0.0.1 that check
//! the exact upload protocol.

use std::sync::Mutex;
use std::time::Duration;

use futures_util::TryStreamExt;
use gapi_runtime::__private::{Call, HttpMethod, MethodSpec, UploadSpec};
use gapi_runtime::auth::StaticToken;
use gapi_runtime::{ApiInfo, Client, Error, Media, Resumable, RetryPolicy};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{body_bytes, header, method, path, query_param};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

/// An API whose endpoint has a service path, as Drive's does: uploads go to
/// the root URL, not below the service path.
static API: ApiInfo = ApiInfo {
    id: "files:v1",
    base_url: "https://files.googleapis.com/files/v1/",
    service_path: "files/v1/",
    base_url_env: "",
    user_agent: "gapi-runtime-tests/1.0",
};
static CREATE: MethodSpec = MethodSpec {
    id: "files.files.create",
    http_method: HttpMethod::Post,
    path: "files",
    scopes: &["https://www.googleapis.com/auth/files"],
    warmup_query: None,
    sequential: false,
    keeps: None,
};
static UPLOAD: UploadSpec =
    UploadSpec { path: "upload/files/v1/files", max_size: Some(1_000_000), accept: &["image/*"] };
static GET: MethodSpec = MethodSpec {
    id: "files.files.get",
    http_method: HttpMethod::Get,
    path: "files/{fileId}",
    scopes: &["https://www.googleapis.com/auth/files"],
    warmup_query: None,
    sequential: false,
    keeps: None,
};

#[derive(Debug, Deserialize, PartialEq)]
struct File {
    id: String,
}

/// As a generated crate implements it for a response type.
impl gapi_runtime::__private::ResponseBody for File {
    fn from_json(json: &[u8]) -> Result<Self, gapi_runtime::__private::DecodeFailure> {
        gapi_runtime::__private::decode_json(json)
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder(&API)
        .base_url(format!("{}/files/v1/", server.uri()))
        .authenticator(StaticToken::new("ya29.media-token"))
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("client builds")
}

/// Deterministic content that is not all one byte, so misplaced ranges show.
fn picture(len: usize) -> Vec<u8> {
    (0..len).map(|index| (index % 251) as u8).collect()
}

fn created() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"id": "file-1"}))
}

#[tokio::test]
async fn a_call_without_a_body_uploads_the_media_alone_to_the_root_upload_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload/files/v1/files"))
        .and(query_param("uploadType", "media"))
        .and(header("authorization", "Bearer ya29.media-token"))
        .and(header("content-type", "image/png"))
        .and(body_bytes(picture(1000)))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;

    let file: File = Call::new(&client(&server), &CREATE)
        .upload(&UPLOAD, Media::new("image/png", picture(1000)))
        .await
        .expect("upload succeeds");

    assert_eq!(file, File { id: "file-1".into() });
}

#[tokio::test]
async fn a_call_with_a_body_sends_metadata_and_media_as_multipart_related() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/upload/files/v1/files"))
        .and(query_param("uploadType", "multipart"))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    let mut call = Call::new(&client(&server), &CREATE);
    call.set_json_body(&json!({"name": "cat.png"}));

    let _: File = call
        .upload(&UPLOAD, Media::new("image/png", b"PNG bytes".to_vec()))
        .await
        .expect("upload succeeds");

    let received = server.received_requests().await.expect("recording is on");
    let content_type = received[0].headers.get("content-type").expect("a content type");
    let boundary = content_type
        .to_str()
        .expect("ASCII")
        .strip_prefix("multipart/related; boundary=")
        .expect("multipart/related with a boundary")
        .to_owned();
    let expected = format!(
        "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n\
         {{\"name\":\"cat.png\"}}\r\n--{boundary}\r\nContent-Type: image/png\r\n\r\n\
         PNG bytes\r\n--{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&received[0].body), expected);
}

/// A resumable session as Google runs one: it keeps every byte it is sent,
/// answers 308 with the range it has until the last, and fails the chunk
/// numbered `fail_chunk` once with a 503 after keeping only part of it.
struct ResumableServer {
    total: usize,
    fail_chunk: Option<usize>,
    state: Mutex<SessionState>,
}

#[derive(Default)]
struct SessionState {
    kept: Vec<u8>,
    chunks_seen: usize,
    status_queries: usize,
}

impl Respond for ResumableServer {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let Ok(mut state) = self.state.lock() else {
            return ResponseTemplate::new(500);
        };
        let range = request
            .headers
            .get("content-range")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if range == format!("bytes */{}", self.total) {
            state.status_queries += 1;
        } else {
            let Some((start, _)) = range
                .strip_prefix("bytes ")
                .and_then(|rest| rest.split_once('-'))
                .and_then(|(start, rest)| Some((start.parse::<usize>().ok()?, rest)))
            else {
                return ResponseTemplate::new(400);
            };
            if start != state.kept.len() {
                // The protocol: a chunk starts where the kept bytes end.
                return ResponseTemplate::new(400);
            }
            state.chunks_seen += 1;
            if Some(state.chunks_seen) == self.fail_chunk {
                let half = request.body.len() / 2;
                state.kept.extend_from_slice(&request.body[..half]);
                return ResponseTemplate::new(503);
            }
            state.kept.extend_from_slice(&request.body);
        }
        if state.kept.len() == self.total {
            return created();
        }
        let template = ResponseTemplate::new(308);
        match state.kept.len() {
            0 => template,
            kept => template.insert_header("range", format!("bytes=0-{}", kept - 1).as_str()),
        }
    }
}

async fn start_session(server: &MockServer, total: usize) {
    Mock::given(method("POST"))
        .and(path("/upload/files/v1/files"))
        .and(query_param("uploadType", "resumable"))
        .and(header("x-upload-content-type", "image/jpeg"))
        .and(header("x-upload-content-length", total.to_string().as_str()))
        .and(header("content-type", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("location", format!("{}/session/abc", server.uri()).as_str()),
        )
        .expect(1)
        .mount(server)
        .await;
}

/// Uploads `total` bytes of `big.jpg` in chunks of `chunk_size` to a session
/// that fails the `fail_chunk`th PUT; returns each PUT's `Content-Range` and
/// body length, and the body of the request that opened the session.
async fn resumable_upload(
    total: usize,
    chunk_size: usize,
    fail_chunk: Option<usize>,
) -> (Vec<(String, usize)>, Vec<u8>) {
    let server = MockServer::start().await;
    start_session(&server, total).await;
    let session = ResumableServer { total, fail_chunk, state: Mutex::new(SessionState::default()) };
    Mock::given(method("PUT")).and(path("/session/abc")).respond_with(session).mount(&server).await;
    let mut call = Call::new(&client(&server), &CREATE);
    call.set_json_body(&json!({"name": "big.jpg"}));

    let file: File = call
        .upload_resumable(
            &UPLOAD,
            Resumable::new(Media::new("image/jpeg", picture(total))).chunk_size(chunk_size),
        )
        .await
        .expect("the upload succeeds");

    assert_eq!(file.id, "file-1");
    let received = server.received_requests().await.expect("recording is on");
    let puts = received
        .iter()
        .filter(|request| request.method.as_str() == "PUT")
        .map(|request| {
            let range = request
                .headers
                .get("content-range")
                .map_or(String::new(), |value| value.to_str().unwrap_or_default().to_owned());
            (range, request.body.len())
        })
        .collect();
    (puts, received[0].body.clone())
}

#[tokio::test]
async fn a_resumable_upload_sends_metadata_then_chunks_of_256_kib_multiples() {
    let (puts, initiation) = resumable_upload(600_000, 200_000, None).await;

    assert_eq!(
        puts,
        [
            ("bytes 0-262143/600000".to_owned(), 262_144),
            ("bytes 262144-524287/600000".to_owned(), 262_144),
            ("bytes 524288-599999/600000".to_owned(), 600_000 - 524_288),
        ],
        "200 000 rounds up to 256 KiB"
    );
    assert_eq!(initiation, br#"{"name":"big.jpg"}"#);
}

#[tokio::test]
async fn a_failed_chunk_is_resumed_from_what_the_server_kept() {
    let (puts, _) = resumable_upload(600_000, 256 * 1024, Some(2)).await;

    let half = 262_144 / 2;
    assert_eq!(
        puts,
        [
            ("bytes 0-262143/600000".to_owned(), 262_144),
            ("bytes 262144-524287/600000".to_owned(), 262_144),
            ("bytes */600000".to_owned(), 0),
            (format!("bytes {}-599999/600000", 262_144 + half), 600_000 - 262_144 - half),
        ],
        "after the 503 the client asks what was kept and sends only the rest"
    );
}

#[tokio::test]
async fn media_too_large_or_of_a_type_the_api_does_not_take_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(created()).expect(0).mount(&server).await;
    let client = client(&server);

    let too_large = Call::new(&client, &CREATE)
        .upload::<File>(&UPLOAD, Media::new("image/png", picture(1_000_001)))
        .await
        .expect_err("over max_size");
    let wrong_type = Call::new(&client, &CREATE)
        .upload::<File>(&UPLOAD, Media::new("text/plain", b"hi".to_vec()))
        .await
        .expect_err("not an image");

    for error in [too_large, wrong_type] {
        let Error::Validation(validation) = &error else {
            panic!("expected a validation error, got {error:?}");
        };
        assert_eq!(validation.method, "files.files.create");
        assert_eq!(validation.parameter, Some("media"));
    }
}

#[tokio::test]
async fn a_download_asks_for_alt_media_and_streams_the_body_after_a_retried_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/files/v1/files/file-1"))
        .and(query_param("alt", "media"))
        .and(header("authorization", "Bearer ya29.media-token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(picture(300_000), "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut call = Call::new(&client(&server), &GET);
    call.path_param("fileId", "file-1".to_owned(), None);

    let download = call.download().await.expect("download starts");
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    assert_eq!(download.content_length(), Some(300_000));
    let pieces: Vec<Vec<u8>> = download.into_stream().try_collect().await.expect("body streams");

    assert_eq!(pieces.concat(), picture(300_000));
}

#[tokio::test]
async fn a_download_preview_is_the_request_a_download_sends_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(picture(10), "image/png"))
        .mount(&server)
        .await;
    let mut call = Call::new(&client(&server), &GET);
    call.path_param("fileId", "file-1".to_owned(), None);

    let preview = call.preview_download().expect("a valid call previews");
    assert!(
        server.received_requests().await.unwrap_or_default().is_empty(),
        "a dry run sends nothing"
    );
    call.download().await.expect("download starts");
    let received = server.received_requests().await.unwrap_or_default();
    let [sent] = received.as_slice() else {
        panic!("{} requests, not one", received.len());
    };
    // wiremock rebuilds the URL's host from the Host header; the path and query are as sent.
    let sent_url =
        format!("{}{}?{}", server.uri(), sent.url.path(), sent.url.query().unwrap_or(""));
    assert_eq!((preview.method, preview.url.as_str()), ("GET", sent_url.as_str()));
    assert!(preview.url.ends_with("/files/v1/files/file-1?alt=media"), "{}", preview.url);
}
