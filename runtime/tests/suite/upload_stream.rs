//! Resumable uploads from files and pipes against a server started here on
//! 127.0.0.1 that checks every byte at its offset and fails chunks on
//! purpose: a dropped connection, a 308 that kept part of a chunk, a 5xx, a
//! session resumed by a new client from its session file, a session the
//! server no longer knows.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::upload_server::{Fault, UPLOAD, UploadServer, content, wrong_bytes};
use gapi_runtime::{Error, Media, Progress, Resumable, RetryPolicy};
use tokio::io::AsyncWriteExt;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

#[derive(Debug, serde::Deserialize)]
struct Uploaded {
    id: String,
    size: String,
}

impl gapi_runtime::__private::ResponseBody for Uploaded {
    fn from_json(json: &[u8]) -> Result<Self, gapi_runtime::__private::DecodeFailure> {
        gapi_runtime::__private::decode_json(json)
    }
}

/// A fresh folder under the temporary directory.
fn folder() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let folder = std::env::temp_dir().join(format!(
        "gapi-upload-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    folder
}

/// A file of `size` bytes of the content.
fn file(folder: &std::path::Path, size: u64) -> PathBuf {
    let path = folder.join("big.bin");
    std::fs::write(&path, content(size)).expect("the file is written");
    path
}

/// Uploads the file at `path` in chunks of 1 MiB, keeping the session in
/// `session_file`, with a new client that does not retry (a process that
/// stops at the first failure).
async fn with_session(
    server: &UploadServer,
    path: &std::path::Path,
    session_file: &std::path::Path,
    restart_if_gone: bool,
) -> Result<Uploaded, Error> {
    let media = Media::from_file("video/mp4", path).expect("file");
    let upload = Resumable::new(media)
        .chunk_size(MIB as usize)
        .session_file(session_file)
        .restart_if_gone(restart_if_gone);
    server.call(&server.client(RetryPolicy::never())).upload_resumable(&UPLOAD, upload).await
}

fn ranges(server: &UploadServer) -> Vec<String> {
    server.log(|log| log.puts.iter().map(|(range, _)| range.clone()).collect())
}

fn assert_whole(server: &UploadServer, size: u64) {
    server.log(|log| {
        assert!(log.violations.is_empty(), "{:?}", log.violations);
        assert_eq!(log.completed, Some(size), "the server has the whole content");
    });
}

#[tokio::test]
async fn a_pipe_of_unknown_length_is_sent_in_chunks_and_its_size_goes_with_the_last() {
    for size in [MIB + 300 * KIB, MIB] {
        let server = UploadServer::start(Vec::new()).await;
        let (mut writer, reader) = tokio::io::duplex(64 * 1024);
        tokio::spawn(async move {
            for piece in content(size).chunks(10_000) {
                writer.write_all(piece).await.expect("the pipe takes the content");
            }
        });
        let steps = Arc::new(Mutex::new(Vec::<Progress>::new()));
        let seen = Arc::clone(&steps);
        let upload = Resumable::new(Media::from_reader("application/octet-stream", reader))
            .chunk_size(256 * 1024)
            .progress(move |step| seen.lock().expect("steps").push(step));
        let uploaded: Uploaded = server
            .call(&server.client(RetryPolicy::default()))
            .upload_resumable(&UPLOAD, upload)
            .await
            .expect("the upload completes");

        assert_eq!((uploaded.id.as_str(), uploaded.size.clone()), ("file-1", size.to_string()));
        assert_whole(&server, size);
        server.log(|log| assert_eq!(log.announced, [None], "no length announced for a pipe"));
        let ranges = ranges(&server);
        let (last, earlier) = ranges.split_last().expect("chunks were sent");
        assert!(earlier.iter().all(|range| range.ends_with("/*")), "{ranges:?}");
        assert!(last.ends_with(&format!("/{size}")), "the last chunk says the size: {ranges:?}");
        assert_eq!(ranges.len() as u64, size.div_ceil(256 * KIB), "no empty closing request");
        let steps = steps.lock().expect("steps");
        assert!(steps.windows(2).all(|pair| pair[0].done <= pair[1].done));
        assert_eq!(steps.last().map(|step| (step.done, step.total)), Some((size, Some(size))));
    }
}

#[tokio::test]
async fn a_connection_dropped_mid_chunk_resumes_from_what_the_server_kept() {
    let folder = folder();
    let server = UploadServer::start(vec![Fault::None, Fault::DropAfter(600 * KIB)]).await;
    let upload =
        Resumable::new(Media::from_file("video/mp4", file(&folder, 3 * MIB)).expect("file"))
            .chunk_size(MIB as usize);
    let _: Uploaded = server
        .call(&server.client(RetryPolicy::default()))
        .upload_resumable(&UPLOAD, upload)
        .await
        .expect("the upload completes");

    assert_whole(&server, 3 * MIB);
    let kept = MIB + 512 * KIB;
    assert_eq!(
        ranges(&server),
        [
            format!("bytes 0-{}/{}", MIB - 1, 3 * MIB),
            format!("bytes {MIB}-{}/{}", 2 * MIB - 1, 3 * MIB),
            format!("bytes */{}", 3 * MIB),
            format!("bytes {kept}-{}/{}", kept + MIB - 1, 3 * MIB),
            format!("bytes {}-{}/{}", kept + MIB, 3 * MIB - 1, 3 * MIB),
        ],
        "after the drop the client asks what was kept and re-reads the file from there"
    );
    server.log(|log| assert_eq!(log.announced, [Some((3 * MIB).to_string())]));
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

#[tokio::test]
async fn a_308_that_kept_part_of_a_chunk_and_a_5xx_on_another_are_both_resumed() {
    let (mut writer, reader) = tokio::io::duplex(64 * 1024);
    let size = 2 * MIB;
    tokio::spawn(async move {
        writer.write_all(&content(size)).await.expect("the pipe takes the content");
    });
    let server = UploadServer::start(vec![Fault::KeepOnly(256 * KIB), Fault::Status(503)]).await;
    let upload = Resumable::new(Media::from_reader("video/mp4", reader)).chunk_size(MIB as usize);
    let _: Uploaded = server
        .call(&server.client(RetryPolicy::default()))
        .upload_resumable(&UPLOAD, upload)
        .await
        .expect("the upload completes");

    assert_whole(&server, size);
    assert_eq!(
        ranges(&server),
        [
            format!("bytes 0-{}/*", MIB - 1),
            // The rest of the held chunk, topped up from the pipe.
            format!("bytes {}-{}/*", 256 * KIB, 256 * KIB + MIB - 1),
            "bytes */*".to_owned(),
            format!("bytes {}-{}/*", 256 * KIB, 256 * KIB + MIB - 1),
            format!("bytes {}-{}/{size}", 256 * KIB + MIB, size - 1),
        ],
        "a 308 goes on from its range; a 503 asks first, then sends the same bytes"
    );
}

#[tokio::test]
async fn a_new_client_resumes_from_the_session_file_without_resending_what_the_server_has() {
    let folder = folder();
    let path = file(&folder, 3 * MIB);
    let session_file = folder.join("upload.session");
    let server = UploadServer::start(vec![Fault::None, Fault::DropAfter(0)]).await;
    let stopped = with_session(&server, &path, &session_file, false)
        .await
        .expect_err("the process stops at the dropped chunk");
    assert!(matches!(stopped, Error::Transport { .. }), "{stopped:?}");
    let shown = std::error::Error::source(&stopped).map(ToString::to_string).unwrap_or_default();
    assert!(shown.starts_with(&format!("at byte {MIB}")), "the error names the offset: {shown}");
    let saved = std::fs::read_to_string(&session_file).expect("the session was saved");
    let saved: serde_json::Value = serde_json::from_str(&saved).expect("JSON");
    assert_eq!(saved["offset"], MIB, "{saved}");
    assert_eq!(saved["method"], "files.files.create");
    assert!(!format!("{:?}", Resumable::new(Media::new("a/b", vec![]))).contains("session/"));

    let before = ranges(&server).len();
    let _ = with_session(&server, &path, &session_file, false)
        .await
        .expect("a new client goes on from the saved session");
    assert_whole(&server, 3 * MIB);
    assert_eq!(server.log(|log| log.sessions), 1, "no new session");
    assert_eq!(
        ranges(&server)[before..],
        [
            format!("bytes */{}", 3 * MIB),
            format!("bytes {MIB}-{}/{}", 2 * MIB - 1, 3 * MIB),
            format!("bytes {}-{}/{}", 2 * MIB, 3 * MIB - 1, 3 * MIB),
        ],
        "the new client asks, then sends only what the server lacks"
    );
    assert!(!session_file.exists(), "the session file goes when the upload ends");
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

#[tokio::test]
async fn a_saved_session_the_server_no_longer_knows_fails_with_404_unless_a_restart_is_allowed() {
    let folder = folder();
    let path = file(&folder, 300 * KIB);
    let session_file = folder.join("upload.session");
    let server = UploadServer::start(Vec::new()).await;
    let stale = serde_json::json!({
        "method": "files.files.create",
        "content_type": "video/mp4",
        "size": 300 * KIB,
        "uri": format!("{}session/99", server.base_url),
        "offset": 0,
    });
    std::fs::write(&session_file, stale.to_string()).expect("a stale session file");
    let gone =
        with_session(&server, &path, &session_file, false).await.expect_err("the session is gone");
    assert_eq!(gone.status(), Some(404), "{gone:?}");
    assert!(!session_file.exists(), "a useless session file is removed");
    assert_eq!(server.log(|log| log.sessions), 0, "no new session without the caller's leave");

    std::fs::write(&session_file, stale.to_string()).expect("a stale session file");
    let _ =
        with_session(&server, &path, &session_file, true).await.expect("a new session from byte 0");
    assert_whole(&server, 300 * KIB);
    assert_eq!(server.log(|log| log.sessions), 1);

    std::fs::write(&session_file, stale.to_string().replace("video/mp4", "image/png"))
        .expect("another upload's session");
    let media = Media::from_file("video/mp4", &path).expect("file");
    let refused = server
        .call(&server.client(RetryPolicy::default()))
        .upload_resumable::<Uploaded>(&UPLOAD, Resumable::new(media).session_file(&session_file))
        .await
        .expect_err("the session file is for another upload");
    assert!(matches!(refused, Error::Validation(_)), "{refused:?}");
    assert!(refused.to_string().contains("another upload"), "{refused}");
    std::fs::remove_dir_all(folder).expect("cleaned up");
}

#[test]
fn the_server_catches_bytes_sent_from_the_wrong_offset() {
    let piece = &content(3 * MIB)[MIB as usize..2 * MIB as usize];
    assert_eq!(wrong_bytes(MIB, piece), 0, "the right offset");
    assert!(wrong_bytes(MIB + 256 * KIB, piece) > MIB as usize / 2, "a chunk off by 256 KiB");
    assert!(wrong_bytes(MIB - 1, piece) > MIB as usize / 2, "off by one byte");
}
