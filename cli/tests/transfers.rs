//! `--upload FILE` and `--output FILE` through the engine, against a server
//! started here: small content goes in one request, content over 5 MiB in a
//! resumable session read from the file; a download lands in the file. The
//! table is written here as a generator would emit it for a media API.

use std::process::ExitCode;

use gapi_cli::table::{Api, Kind, Method, Param, Resource};
use gapi_runtime::__private::{HttpMethod, MethodSpec, UploadSpec};
use gapi_runtime::ApiInfo;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

static INFO: ApiInfo = ApiInfo {
    id: "files:v1",
    base_url: "https://files.googleapis.com/files/v1/",
    service_path: "files/v1/",
    base_url_env: "",
    user_agent: "gapi-cli-tests/1.0",
};
static CREATE: MethodSpec = MethodSpec {
    id: "files.files.create",
    http_method: HttpMethod::Post,
    path: "files",
    scopes: &[],
    warmup_query: None,
    sequential: false,
    keeps: None,
};
static UPLOAD: UploadSpec =
    UploadSpec { path: "upload/files/v1/files", max_size: None, accept: &["*/*"] };
static GET: MethodSpec = MethodSpec {
    id: "files.files.get",
    http_method: HttpMethod::Get,
    path: "files/{fileId}",
    scopes: &[],
    warmup_query: None,
    sequential: false,
    keeps: None,
};
static API: Api = Api {
    command: "files",
    title: "Files API (v1)",
    description: "Files.",
    version: "1.0.0",
    info: &INFO,
    token_env: "GAPI_CLI_TRANSFERS_TOKEN",
    scopes: &[],
    methods: &[],
    resources: &[Resource {
        command: "files",
        wire_path: "files",
        deprecated: false,
        methods: &[
            Method {
                command: "create",
                spec: &CREATE,
                description: "Creates a file.",
                params: &[],
                body: None,
                response: Some("File"),
                pages: None,
                body_limits: &[],
                chunked_field: None,
                upload: Some(&UPLOAD),
                upload_resumable: true,
                download: false,
                deprecated: false,
            },
            Method {
                command: "get",
                spec: &GET,
                description: "Gets a file.",
                params: &[Param {
                    wire: "fileId",
                    flag: "file-id",
                    path: true,
                    required: true,
                    repeated: false,
                    kind: Kind::Text,
                    pattern: None,
                    description: "The file.",
                    deprecated: false,
                }],
                body: None,
                response: Some("File"),
                pages: None,
                body_limits: &[],
                chunked_field: None,
                upload: None,
                upload_resumable: false,
                download: true,
                deprecated: false,
            },
        ],
        resources: &[],
    }],
    batch: None,
    types: &[],
};

/// The program run with `args` (after its name), off the test's runtime.
async fn files(server: &MockServer, args: &[&str]) -> ExitCode {
    let mut all = vec!["files".to_owned(), "--base-url".to_owned(), format!("{}/", server.uri())];
    all.extend(["--token", "ya29.transfers"].map(str::to_owned));
    all.extend(args.iter().map(|arg| (*arg).to_owned()));
    tokio::task::spawn_blocking(move || gapi_cli::run(&API, all)).await.expect("the run ends")
}

fn succeeded(code: ExitCode) -> bool {
    format!("{code:?}") == format!("{:?}", ExitCode::SUCCESS)
}

fn content(size: usize) -> Vec<u8> {
    (0..size).map(|index| (index.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_goes_in_a_resumable_session_and_a_small_one_in_one_request() {
    let server = MockServer::start().await;
    let session = format!("{}/session/1", server.uri());
    Mock::given(method("POST"))
        .and(path("/upload/files/v1/files"))
        .and(query_param("uploadType", "resumable"))
        .respond_with(ResponseTemplate::new(200).insert_header("location", session.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let large = 6 * 1024 * 1024 + 1;
    Mock::given(method("PUT"))
        .and(path("/session/1"))
        .and(header("content-range", format!("bytes 0-{}/{large}", large - 1).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "f1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/upload/files/v1/files"))
        .and(query_param("uploadType", "media"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "f0"})))
        .expect(1)
        .mount(&server)
        .await;
    let folder = std::env::temp_dir().join(format!("gapi-cli-transfers-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let (big, small) = (folder.join("big.bin"), folder.join("small.bin"));
    std::fs::write(&big, content(large)).expect("written");
    std::fs::write(&small, content(1000)).expect("written");

    for file in [&big, &small] {
        let upload = file.display().to_string();
        let code = files(&server, &["files", "create", "--upload", &upload]).await;
        assert!(succeeded(code), "{code:?}");
    }

    let received = server.received_requests().await.expect("recorded");
    let bodies: Vec<(String, usize)> =
        received.iter().map(|request| (request.method.to_string(), request.body.len())).collect();
    assert_eq!(
        bodies,
        [("POST".to_owned(), 0), ("PUT".to_owned(), large), ("POST".to_owned(), 1000)],
        "the large file in a session, the small one in one request"
    );
    assert_eq!(received[1].body, content(large), "the file's bytes, in order");
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_with_output_writes_the_file() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/f1"))
        .and(query_param("alt", "media"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(content(300_000)))
        .expect(1)
        .mount(&server)
        .await;
    let target = std::env::temp_dir().join(format!("gapi-cli-output-{}.bin", std::process::id()));

    let output = target.display().to_string();
    let code = files(&server, &["files", "get", "f1", "--output", &output]).await;

    assert!(succeeded(code), "{code:?}");
    assert_eq!(std::fs::read(&target).expect("the file"), content(300_000));
    std::fs::remove_file(target).expect("cleaned up");
}
