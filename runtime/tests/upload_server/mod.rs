//! A resumable-upload server for the tests, started on 127.0.0.1: it speaks
//! Google's resumable protocol (a POST opens a session, PUTs send chunks
//! with `Content-Range`, a 308 with `Range` says what it kept), reads each
//! body in small pieces (so that a test of the client's memory measures the
//! client), checks every byte against the content ([`content`]), and fails chunks as its
//! plan says.

#![allow(dead_code)] // Each test binary uses part of it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use gapi_runtime::__private::{Call, HttpMethod, MethodSpec, UploadSpec};
use gapi_runtime::auth::StaticToken;
use gapi_runtime::{ApiInfo, Client, RetryPolicy};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub static API: ApiInfo = ApiInfo {
    id: "files:v1",
    base_url: "https://files.googleapis.com/files/v1/",
    service_path: "files/v1/",
    base_url_env: "",
    user_agent: "gapi-runtime-tests/1.0",
};
pub static CREATE: MethodSpec = MethodSpec {
    id: "files.files.create",
    http_method: HttpMethod::Post,
    path: "files",
    scopes: &[],
    warmup_query: None,
    sequential: false,
    keeps: None,
};
pub static UPLOAD: UploadSpec =
    UploadSpec { path: "upload/files/v1/files", max_size: None, accept: &[] };

/// The content repeats a pattern whose length is a prime (no multiple of
/// the protocol's 256 KiB), so that a chunk sent from the wrong offset is
/// caught, and bytes can be made and checked a slice at a time (a byte at a
/// time is slow in a debug build, for 64 MiB).
const PERIOD: u64 = 1_000_003;

fn pattern() -> &'static [u8] {
    static PATTERN: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        (0..PERIOD).map(|index| (index.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
    })
}

/// The content from `offset` on, a slice at a time, endlessly.
fn slices_from(offset: u64) -> impl Iterator<Item = &'static [u8]> {
    let start = usize::try_from(offset % PERIOD).unwrap_or(0);
    std::iter::once(&pattern()[start..]).chain(std::iter::repeat(pattern()))
}

/// Writes `len` bytes of the content from `offset` on into `out`.
pub fn write_content(offset: u64, len: u64, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut left = len;
    for slice in slices_from(offset) {
        let take = usize::try_from(left.min(slice.len() as u64)).unwrap_or(0);
        out.write_all(&slice[..take])?;
        left -= take as u64;
        if left == 0 {
            break;
        }
    }
    Ok(())
}

/// `size` bytes of content.
pub fn content(size: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let _ = write_content(0, size, &mut bytes);
    bytes
}

/// How many bytes of `piece` differ from the content at `offset`.
pub fn wrong_bytes(offset: u64, piece: &[u8]) -> usize {
    let mut wrong = 0;
    let mut rest = piece;
    for expected in slices_from(offset) {
        let take = rest.len().min(expected.len());
        let (here, next) = rest.split_at(take);
        if here != &expected[..take] {
            wrong += here.iter().zip(expected).filter(|(got, want)| got != want).count();
        }
        rest = next;
        if rest.is_empty() {
            break;
        }
    }
    wrong
}

/// What the server does with a chunk (a PUT with a body), in order; chunks
/// after the plan are answered honestly.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Answers honestly.
    None,
    /// Reads this many bytes of the body, keeps them rounded down to 256 KiB
    /// (the fake's own rule, as Google keeps whole units), and closes the
    /// connection without an answer.
    DropAfter(u64),
    /// Reads the whole body, keeps only this many bytes, answers 308.
    KeepOnly(u64),
    /// Reads the whole body, keeps none of it, answers with this status.
    Status(u16),
}

/// What the server saw.
#[derive(Debug, Default)]
pub struct Log {
    /// Each PUT's `Content-Range` and body length, status queries included.
    pub puts: Vec<(String, u64)>,
    /// Sessions opened (POSTs).
    pub sessions: usize,
    /// The `X-Upload-Content-Length` of each POST.
    pub announced: Vec<Option<String>>,
    /// Bytes that were not the content's at their offset, or chunks that
    /// did not start where the server stood.
    pub violations: Vec<String>,
    /// The bytes kept, and the size once complete.
    pub kept: u64,
    pub completed: Option<u64>,
}

struct State {
    plan: VecDeque<Fault>,
    log: Log,
    session: u32,
}

pub struct UploadServer {
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

impl UploadServer {
    pub async fn start(plan: Vec<Fault>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}/", listener.local_addr().expect("address"));
        let state =
            Arc::new(Mutex::new(State { plan: plan.into(), log: Log::default(), session: 0 }));
        let shared = Arc::clone(&state);
        let origin = base_url.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = Arc::clone(&shared);
                let origin = origin.clone();
                tokio::spawn(async move { serve(socket, &state, &origin).await });
            }
        });
        Self { base_url, state }
    }

    pub fn log<T>(&self, read: impl FnOnce(&Log) -> T) -> T {
        read(&self.state.lock().expect("state").log)
    }

    /// Plans faults for the chunks to come.
    pub fn plan(&self, faults: Vec<Fault>) {
        self.state.lock().expect("state").plan = faults.into();
    }

    /// A client of the server, retrying at once.
    pub fn client(&self, policy: RetryPolicy) -> Client {
        Client::builder(&API)
            .base_url(self.base_url.clone())
            .authenticator(StaticToken::new("ya29.upload"))
            .retry(policy.with_initial_backoff(std::time::Duration::from_millis(1)))
            .build()
            .expect("client builds")
    }

    /// The create call, its metadata set.
    pub fn call(&self, client: &Client) -> Call {
        let mut call = Call::new(client, &CREATE);
        call.set_json_body(&serde_json::json!({"name": "big.bin"}));
        call
    }
}

async fn serve(socket: TcpStream, state: &Mutex<State>, origin: &str) {
    let mut reader = BufReader::new(socket);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        if line == "\r\n" {
            break;
        }
        head.push(line.trim_end().to_owned());
    }
    let request_line = head.first().cloned().unwrap_or_default();
    let header = |name: &str| {
        head.iter().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    };
    let length: u64 = header("content-length").and_then(|value| value.parse().ok()).unwrap_or(0);
    let answer = if request_line.starts_with("POST ") {
        let mut metadata = vec![0; usize::try_from(length).unwrap_or(0)];
        let _ = reader.read_exact(&mut metadata).await;
        let mut state = state.lock().expect("state");
        state.session += 1;
        state.log.sessions += 1;
        state.log.announced.push(header("x-upload-content-length"));
        state.log.kept = 0;
        let location = format!("{origin}session/{}", state.session);
        Some(Answer::empty(&format!("200 OK\r\nlocation: {location}")))
    } else {
        let session: u32 = request_line
            .split_whitespace()
            .nth(1)
            .and_then(|path| path.strip_prefix("/session/"))
            .and_then(|id| id.parse().ok())
            .unwrap_or(0);
        let range = header("content-range").unwrap_or_default();
        put(&mut reader, state, session, &range, length).await
    };
    if let Some(Answer { status, body }) = answer {
        let socket = reader.get_mut();
        let message = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = socket.write_all(message.as_bytes()).await;
        let _ = socket.flush().await;
    }
}

/// A response: the status line's end and any headers (without the last
/// line break), and the body.
struct Answer {
    status: String,
    body: String,
}

impl Answer {
    fn empty(status: &str) -> Self {
        Self { status: status.to_owned(), body: String::new() }
    }
}

/// A chunk or a status query; `None` to close the connection unanswered.
async fn put(
    reader: &mut BufReader<TcpStream>,
    state: &Mutex<State>,
    session: u32,
    range: &str,
    length: u64,
) -> Option<Answer> {
    let (kept, total, fault) = {
        let mut state = state.lock().expect("state");
        state.log.puts.push((range.to_owned(), length));
        if session != state.session {
            return Some(not_found());
        }
        let fault = if length > 0 { state.plan.pop_front() } else { None };
        (
            state.log.kept,
            range.rsplit('/').next().and_then(|total| total.parse::<u64>().ok()),
            fault,
        )
    };
    let start: Option<u64> = range
        .strip_prefix("bytes ")
        .and_then(|span| span.split_once('-'))
        .and_then(|(start, _)| start.parse().ok());
    if let Some(start) = start {
        if start != kept {
            let message = format!("a chunk from {start} when the server has {kept}");
            state.lock().expect("state").log.violations.push(message);
        }
    }
    // Read the body in pieces, checking each byte at its offset.
    let from = start.unwrap_or(kept);
    let readable = match fault {
        Some(Fault::DropAfter(bytes)) => bytes.min(length),
        _ => length,
    };
    let mut piece = vec![0; 64 * 1024];
    let mut read = 0;
    let mut wrong = 0;
    while read < readable {
        let want = usize::try_from((readable - read).min(piece.len() as u64)).unwrap_or(0);
        if reader.read_exact(&mut piece[..want]).await.is_err() {
            return None;
        }
        wrong += wrong_bytes(from + read, &piece[..want]);
        read += want as u64;
    }
    let mut state = state.lock().expect("state");
    if wrong > 0 {
        state.log.violations.push(format!("{wrong} wrong byte(s) in the chunk from {from}"));
    }
    let keep = match fault {
        Some(Fault::DropAfter(bytes)) => {
            state.log.kept = from + bytes / (256 * 1024) * (256 * 1024);
            return None;
        }
        Some(Fault::KeepOnly(bytes)) => bytes.min(length),
        Some(Fault::Status(status)) => {
            return Some(Answer::empty(&format!("{status} Failed")));
        }
        Some(Fault::None) | None => length,
    };
    if start.is_some() {
        state.log.kept = from + keep;
    }
    let kept = state.log.kept;
    if total == Some(kept) {
        state.log.completed = Some(kept);
        let body = format!(r#"{{"id":"file-1","size":"{kept}"}}"#);
        return Some(Answer { status: "200 OK".to_owned(), body });
    }
    Some(match kept {
        0 => Answer::empty("308 Resume Incomplete"),
        kept => Answer::empty(&format!("308 Resume Incomplete\r\nrange: bytes=0-{}", kept - 1)),
    })
}

fn not_found() -> Answer {
    let body = r#"{"error":{"code":404,"message":"No such upload session.","status":"NOT_FOUND"}}"#;
    Answer { status: "404 Not Found".to_owned(), body: body.to_owned() }
}
