//! `--page-all` pages through the runtime's loop, the one under the
//! library's `pages()` and `items()`, so it stops where the library stops:
//! a server that keeps answering the same `nextPageToken` ends it with an
//! error instead of an endless listing.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Longer than the two requests take by far; an endless loop never ends in it.
const BOUND: Duration = Duration::from_secs(30);

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_all_stops_with_an_error_naming_a_page_token_the_server_repeats() -> TestResult {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/people/me/connections"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "connections": [{"resourceName": "people/c1"}],
            "nextPageToken": "same-page-token",
        })))
        .mount(&server)
        .await;

    let mut child = Command::new(env!("CARGO_BIN_EXE_people"))
        .env_remove("GOOGLE_PEOPLE_V1_BASE_URL")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env("GOOGLE_PEOPLE_V1_TOKEN", "paging-test-token")
        .args(["--base-url", &server.uri(), "--no-retry"])
        .args(["people", "connections", "list", "people/me", "--person-fields", "names"])
        .arg("--page-all")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    while child.try_wait()?.is_none() {
        if started.elapsed() > BOUND {
            child.kill()?;
            child.wait()?;
            return Err(format!("`people --page-all` still ran after {BOUND:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let output = child.wait_with_output()?;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));

    assert_eq!(output.status.code(), Some(1), "a failed call: {stderr}");
    assert!(stderr.contains("error: "), "{stderr}");
    assert!(stderr.contains("repeated the page token `same-page-token`"), "{stderr}");
    assert!(!stderr.contains("paging-test-token") && !stdout.contains("paging-test-token"));
    // The first page, then the page asked with the token, which names it again.
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2, "asked for the repeated token's page once");
    assert_eq!(
        requests[1]
            .url
            .query_pairs()
            .find(|(name, _)| name == "pageToken")
            .map(|(_, value)| value.into_owned()),
        Some("same-page-token".to_owned())
    );
    assert_eq!(stdout.lines().count(), 2, "both pages' items were printed: {stdout}");
    Ok(())
}
