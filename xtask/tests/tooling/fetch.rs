//! `cargo xtask fetch` against a local server: a good document replaces the
//! pinned copy and the API diff is printed; anything else leaves it untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PEOPLE_2018: &str = include_str!("../../../discovery/history/people.v1.20181111.json");
const PEOPLE_2024: &str =
    include_str!("../../../../shared/discovery/history/people/people.v1.20240313.json");

/// A fresh folder holding `people.v1.json` with the 2018 revision.
fn pinned_copy(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-fetch-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("people.v1.json");
    std::fs::write(&file, PEOPLE_2018).expect("seed file");
    file
}

async fn serving(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/people/rest"))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(&server)
        .await;
    server
}

fn fetch(server: &MockServer, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--api", "people", "--version", "v1", "--url"])
        .arg(format!("{}/people/rest", server.uri()))
        .arg("--out")
        .arg(out)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_revision_replaces_the_file_and_prints_the_api_diff() {
    let server = serving(200, PEOPLE_2024).await;
    let out = pinned_copy("new-revision");
    let output = fetch(&server, &out);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        PEOPLE_2024,
        "bytes kept as served"
    );
    assert!(stdout.contains("revision 20240313"), "{stdout}");
    assert!(
        stdout.contains("people.people.batchCreateContacts"),
        "the diff lists new methods: {stdout}"
    );
    assert!(stdout.contains("cargo xtask regen"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_document_is_reported_unchanged() {
    let server = serving(200, PEOPLE_2018).await;
    let out = pinned_copy("unchanged");
    let output = fetch(&server, &out);
    assert!(output.status.success());
    assert!(text(&output.stdout).contains("unchanged"), "{}", text(&output.stdout));
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_json_is_refused_and_the_pinned_file_is_untouched() {
    let server = serving(200, "{\"kind\": \"discovery#restDescription\", ").await;
    let out = pinned_copy("invalid-json");
    let output = fetch(&server, &out);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("not a valid discovery document"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), PEOPLE_2018);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_apis_document_is_refused() {
    let other = PEOPLE_2024.replacen("\"name\": \"people\"", "\"name\": \"peoplez\"", 1);
    assert_ne!(other, PEOPLE_2024, "the fixture names the API");
    let server = serving(200, &other).await;
    let out = pinned_copy("other-api");
    let output = fetch(&server, &out);
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("not people:v1"), "{}", text(&output.stderr));
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), PEOPLE_2018);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_http_error_is_reported_with_its_status() {
    let server = serving(503, "unavailable").await;
    let out = pinned_copy("http-error");
    let output = fetch(&server, &out);
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("503"), "{}", text(&output.stderr));
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), PEOPLE_2018);
}
