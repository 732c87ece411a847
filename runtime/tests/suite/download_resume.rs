//! Downloads to a file against a server started here on 127.0.0.1 that
//! breaks the connection part-way: the rest is asked for with `Range`, and
//! a server that answers the whole content again makes the file start over.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gapi_runtime::__private::{Call, HttpMethod, MethodSpec};
use gapi_runtime::auth::StaticToken;
use gapi_runtime::{ApiInfo, Client, Error, Progress, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

static API: ApiInfo = ApiInfo {
    id: "files:v1",
    base_url: "https://files.googleapis.com/",
    service_path: "",
    base_url_env: "GAPI_RUNTIME_DOWNLOAD_TESTS_BASE_URL",
    user_agent: "gapi-runtime-tests/1.0",
};
static GET: MethodSpec = MethodSpec {
    id: "files.files.get",
    http_method: HttpMethod::Get,
    path: "v1/files/report",
    scopes: &[],
    warmup_query: None,
    sequential: false,
    keeps: None,
};

/// A megabyte that is not the same byte over and over.
fn content() -> Vec<u8> {
    (0..1_048_576u32).map(|index| (index.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

/// How the server answers its `n`th request (from 0), given the `Range` start asked for.
#[derive(Clone, Copy)]
enum Answer {
    /// The whole content, the connection closed after this fraction of it.
    CutAt(f64),
    /// What was asked: 206 from the range's start, or all of it.
    Honest,
    /// Like `Honest`, the connection closed after this fraction of it.
    HonestCutAt(f64),
    /// The whole content with 200, whatever the range.
    IgnoresRange,
    /// 404, no content.
    Missing,
}

/// Serves `content` as `plan` says, one request per connection; counts requests.
async fn serve(content: Vec<u8>, plan: Vec<Answer>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let served = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&served);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let number = counter.fetch_add(1, Ordering::SeqCst);
            let answer = plan.get(number).copied().unwrap_or(Answer::Honest);
            let content = content.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_lowercase();
                let start: Option<usize> = head
                    .lines()
                    .find_map(|line| line.strip_prefix("range: bytes="))
                    .and_then(|range| range.trim_end_matches('-').parse().ok());
                let total = content.len();
                let (status, body, range) = match (answer, start) {
                    (Answer::Honest | Answer::HonestCutAt(_), Some(start)) => (
                        "206 Partial Content",
                        &content[start..],
                        Some(format!("content-range: bytes {start}-{}/{total}\r\n", total - 1)),
                    ),
                    (Answer::Missing, _) => ("404 Not Found", &content[..0], None),
                    _ => ("200 OK", &content[..], None),
                };
                let header = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n{}connection: close\r\n\r\n",
                    body.len(),
                    range.unwrap_or_default()
                );
                let _ = socket.write_all(header.as_bytes()).await;
                let sent = match answer {
                    Answer::CutAt(fraction) | Answer::HonestCutAt(fraction) => {
                        (body.len() as f64 * fraction) as usize
                    }
                    _ => body.len(),
                };
                let _ = socket.write_all(&body[..sent]).await;
                let _ = socket.flush().await;
                // Dropping the socket here closes the connection.
            });
        }
    });
    (format!("http://{address}/"), served)
}

fn client(base_url: String) -> Client {
    Client::builder(&API)
        .base_url(base_url)
        .authenticator(StaticToken::new("ya29.download"))
        .retry(RetryPolicy::default().with_max_attempts(3))
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn a_download_cut_at_sixty_percent_goes_on_with_range_and_the_file_is_whole() {
    let content = content();
    let (base_url, served) = serve(content.clone(), vec![Answer::CutAt(0.6)]).await;
    let folder = tempfile_dir();
    let file = folder.join("report.bin");
    let mut steps: Vec<Progress> = Vec::new();
    let report = Call::new(&client(base_url), &GET)
        .download_to_file(&file, |step| steps.push(step))
        .await
        .expect("the download completes");
    assert_eq!(std::fs::read(&file).expect("the file"), content);
    assert_eq!((report.bytes, report.resumed, report.restarted), (content.len() as u64, 1, 0));
    assert_eq!(served.load(Ordering::SeqCst), 2, "the whole, cut; then the rest");
    assert!(steps.windows(2).all(|pair| pair[0].done <= pair[1].done), "progress never goes back");
    let last = steps.last().expect("progress was reported");
    assert_eq!((last.done, last.total), (content.len() as u64, Some(content.len() as u64)));
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

#[tokio::test]
async fn a_server_answering_200_to_a_range_request_makes_the_file_start_over() {
    let content = content();
    let plan = vec![Answer::CutAt(0.6), Answer::IgnoresRange];
    let (base_url, served) = serve(content.clone(), plan).await;
    let folder = tempfile_dir();
    let file = folder.join("report.bin");
    let report = Call::new(&client(base_url), &GET)
        .download_to_file(&file, |_| {})
        .await
        .expect("the download completes");
    assert_eq!(std::fs::read(&file).expect("the file"), content, "no byte twice or out of place");
    assert_eq!((report.resumed, report.restarted, served.load(Ordering::SeqCst)), (1, 1, 2));
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

#[tokio::test]
async fn a_download_that_keeps_breaking_fails_naming_the_byte_it_reached() {
    let content = content();
    let plan = vec![Answer::CutAt(0.5), Answer::HonestCutAt(0.0), Answer::HonestCutAt(0.0)];
    let (base_url, _) = serve(content, plan).await;
    let folder = tempfile_dir();
    let error = Call::new(&client(base_url), &GET)
        .download_to_file(folder.join("report.bin"), |_| {})
        .await
        .expect_err("three breaks with three attempts allowed");
    assert!(matches!(error, Error::Transport { method: "files.files.get", .. }), "{error:?}");
    let shown = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
    assert!(shown.starts_with("at byte 524288"), "{shown}");
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

#[tokio::test]
async fn a_download_that_fails_leaves_no_file_behind() {
    let (base_url, _) = serve(content(), vec![Answer::Missing]).await;
    let folder = tempfile_dir();
    let file = folder.join("report.bin");
    let error =
        Call::new(&client(base_url), &GET).download_to_file(&file, |_| {}).await.expect_err("404");
    assert_eq!(error.status(), Some(404), "{error:?}");
    assert!(!file.exists(), "no empty file for a download that never started");
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

/// A fresh folder under the target's temporary directory.
fn tempfile_dir() -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let folder = std::env::temp_dir().join(format!(
        "gapi-download-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    folder
}
