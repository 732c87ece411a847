//! The memory a resumable upload holds: 256 MiB from a file to a sink
//! started here on 127.0.0.1, for several chunk sizes, the peak heap against
//! the chunk size (the runtime reads one chunk at a time).

use anyhow::{Context, Result, ensure};
use gapi_runtime::__private::{Call, HttpMethod, MethodSpec, UploadSpec};
use gapi_runtime::auth::StaticToken;
use gapi_runtime::{ApiInfo, Client, Media, Resumable};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::alloc::peak_during;
use crate::report::{Row, Section};

const MEMORY: &str = "5 memory";
const MIB: u64 = 1024 * 1024;
const SIZE: u64 = 256 * MIB;

static API: ApiInfo = ApiInfo {
    id: "files:v1",
    base_url: "https://files.googleapis.com/",
    service_path: "",
    base_url_env: "",
    user_agent: "bench-runner/0",
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
static UPLOAD: UploadSpec = UploadSpec { path: "upload/files", max_size: None, accept: &[] };

pub fn run(root: &std::path::Path) -> Result<Section> {
    let folder = root.join("bench/target");
    std::fs::create_dir_all(&folder)?;
    let path = folder.join("upload-256mib.bin");
    let piece: Vec<u8> =
        (0..MIB).map(|index| (index.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&path).context("cannot write the upload file")?;
        for _ in 0..SIZE / MIB {
            file.write_all(&piece)?;
        }
    }
    let mut section = Section::default();
    for chunk_mib in [1, 8, 32] {
        let chunk = chunk_mib * MIB;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let base_url = runtime.block_on(sink())?;
        let client = Client::builder(&API)
            .base_url(base_url)
            .authenticator(StaticToken::new("bench"))
            .build()?;
        let media = Media::from_file("application/octet-stream", &path)?;
        let upload = Resumable::new(media).chunk_size(chunk as usize);
        let (answer, heap) = peak_during(|| {
            runtime.block_on(
                Call::new(&client, &CREATE).upload_resumable::<serde_json::Value>(&UPLOAD, upload),
            )
        });
        let answer = answer?;
        ensure!(answer["size"] == SIZE, "the sink did not get 256 MiB: {answer}");
        let peak = heap.peak as f64 / MIB as f64;
        section.rows.push(
            Row::new(
                MEMORY,
                format!("Peak heap uploading 256 MiB from a file, {chunk_mib} MiB chunks"),
            )
            .ours(format!("{peak:.1} MiB"))
            .other(format!("{chunk_mib} MiB (the chunk)"), peak / chunk_mib as f64)
            .goal("≤ the chunk + 1 MiB", peak <= (chunk_mib + 1) as f64),
        );
    }
    std::fs::remove_file(&path)?;
    section.notes.push(
        "Upload memory: `upload_resumable` of a 256 MiB file (`Media::from_file`) to a sink on \
         127.0.0.1 that reads each chunk in 64 KiB pieces and answers 308 until the last, measured \
         by the counting allocator (the sink's own buffers included); the ratio is the peak \
         against one chunk; the goal is one chunk and at most 1 MiB besides."
            .to_owned(),
    );
    Ok(section)
}

/// A resumable-upload endpoint that keeps nothing but the count: opens a
/// session on POST, answers each chunk with 308 (or 200 with the size when
/// the chunk ends the content).
async fn sink() -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}/", listener.local_addr()?);
    let session = format!("{base_url}session");
    tokio::spawn(async move {
        let mut piece = vec![0u8; 64 * 1024];
        let mut kept = 0u64;
        while let Ok((socket, _)) = listener.accept().await {
            let mut reader = BufReader::new(socket);
            let mut length = 0u64;
            let mut range = String::new();
            let mut first = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if first.is_empty() {
                    first = line.clone();
                }
                let lower = line.to_ascii_lowercase();
                if let Some(value) = lower.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                } else if let Some(value) = lower.strip_prefix("content-range:") {
                    range = value.trim().to_owned();
                }
            }
            let mut left = length;
            while left > 0 {
                let want = left.min(piece.len() as u64) as usize;
                if reader.read_exact(&mut piece[..want]).await.is_err() {
                    break;
                }
                left -= want as u64;
            }
            let (head, body) = if first.starts_with("POST") {
                kept = 0;
                (format!("200 OK\r\nlocation: {session}"), String::new())
            } else {
                kept += length;
                if range.ends_with(&format!("/{kept}")) {
                    ("200 OK".to_owned(), format!(r#"{{"size":{kept}}}"#))
                } else {
                    let kept_range = format!("bytes=0-{}", kept.saturating_sub(1));
                    (format!("308 Resume Incomplete\r\nrange: {kept_range}"), String::new())
                }
            };
            let answer = format!(
                "HTTP/1.1 {head}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = reader.get_mut().write_all(answer.as_bytes()).await;
        }
    });
    Ok(base_url)
}
