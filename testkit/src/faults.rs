//! A fault-injecting HTTP/1 proxy on `127.0.0.1`, started by a test between
//! a client and a server (the fake People API): per request, by a seeded
//! schedule, it delays, breaks the connection before or after the server
//! acted, truncates the response body, answers 429, 500 or 503 itself, or
//! holds the request past the client's timeout. It counts what it injected.
//!
//! It is a proxy rather than a layer of the fake so that the faults are the
//! network's: the fake stays a model of Google, and the client meets broken
//! sockets and truncated bodies on the wire, as it would in production. It is
//! built on hyper 1 (server and client connections), hyper-util and
//! http-body-util, all already in the dependency tree (under reqwest,
//! wiremock and the fake); the schedule is a SplitMix64 of the seed and the
//! request's arrival number, so the same seed gives the n-th request the
//! same fate (with concurrent clients, which request arrives n-th is up to
//! the scheduler).
//!
//! A broken connection is the proxy closing it without an answer (or in the
//! middle of the body): the client sees the connection end before the
//! response, as it sees a reset. Nothing here panics on bad input: a request
//! the proxy cannot forward is answered 502.

use std::convert::Infallible;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{
    CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderValue, RETRY_AFTER, TRANSFER_ENCODING,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// What the proxy can do to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Waits (a few milliseconds to [`FaultPlan::max_delay`]), then forwards.
    Delay,
    /// Reads the request, then closes the connection: the server never sees it.
    ResetBeforeServer,
    /// Forwards the request, then closes the connection instead of answering:
    /// the server acted, the client does not know.
    ResetAfterServer,
    /// Forwards, then sends the response's head and half of its body and
    /// closes the connection.
    TruncateBody,
    /// Answers 429 `RESOURCE_EXHAUSTED` with `Retry-After` itself.
    TooManyRequests,
    /// Forwards, then answers 500 `INTERNAL` instead of the server's answer:
    /// the server acted.
    InternalAfterServer,
    /// Answers 503 `UNAVAILABLE` itself: the server never sees it.
    Unavailable,
    /// Holds the request for [`FaultPlan::hang_for`] (past the client's
    /// timeout), then closes the connection; the server never sees it.
    Hang,
}

impl Fault {
    /// Every kind, in a fixed order (the schedule draws from it).
    pub const ALL: [Fault; 8] = [
        Fault::Delay,
        Fault::ResetBeforeServer,
        Fault::ResetAfterServer,
        Fault::TruncateBody,
        Fault::TooManyRequests,
        Fault::InternalAfterServer,
        Fault::Unavailable,
        Fault::Hang,
    ];

    fn index(self) -> usize {
        Self::ALL.iter().position(|kind| *kind == self).unwrap_or(0)
    }

    /// A short name for reports: `reset-after-server`, ...
    pub fn name(self) -> &'static str {
        match self {
            Fault::Delay => "delay",
            Fault::ResetBeforeServer => "reset-before-server",
            Fault::ResetAfterServer => "reset-after-server",
            Fault::TruncateBody => "truncated-body",
            Fault::TooManyRequests => "429",
            Fault::InternalAfterServer => "500-after-server",
            Fault::Unavailable => "503",
            Fault::Hang => "hang",
        }
    }
}

/// Which requests get which fault.
#[derive(Clone, Debug)]
pub struct FaultPlan {
    /// The schedule's seed.
    pub seed: u64,
    /// The share of requests that get a fault, from 0 to 1.
    pub rate: f64,
    /// The kinds drawn from, equally likely.
    pub kinds: Vec<Fault>,
    /// The longest [`Fault::Delay`].
    pub max_delay: Duration,
    /// How long a [`Fault::Hang`] holds the request: longer than the
    /// client's timeout.
    pub hang_for: Duration,
    /// The `Retry-After` of a [`Fault::TooManyRequests`], in whole seconds.
    pub retry_after_seconds: u64,
    /// When not empty, the fate of the first requests in the order they
    /// arrive, instead of drawing (the ones after it get none): for tests of
    /// one fault.
    pub script: Vec<Option<Fault>>,
}

impl FaultPlan {
    /// Every kind at `rate`, with delays up to 100 ms, hangs of 3 s and
    /// `Retry-After: 1`.
    pub fn new(seed: u64, rate: f64) -> Self {
        Self {
            seed,
            rate,
            kinds: Fault::ALL.to_vec(),
            max_delay: Duration::from_millis(100),
            hang_for: Duration::from_secs(3),
            retry_after_seconds: 1,
            script: Vec::new(),
        }
    }

    /// The first requests get `faults`, in order; the others none.
    pub fn scripted(faults: impl IntoIterator<Item = Option<Fault>>) -> Self {
        Self { script: faults.into_iter().collect(), ..Self::new(0, 0.0) }
    }

    /// Only these kinds.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = Fault>) -> Self {
        self.kinds = kinds.into_iter().collect();
        self
    }

    /// Holds hung requests this long.
    pub fn hang_for(mut self, hang_for: Duration) -> Self {
        self.hang_for = hang_for;
        self
    }

    /// The fate of the request that arrived `number`-th (from 0), and a
    /// value for the fault's own choices (such as a delay's length).
    pub fn fate(&self, number: u64) -> (Option<Fault>, u64) {
        let first = split_mix(self.seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let second = split_mix(first);
        let third = split_mix(second);
        if !self.script.is_empty() {
            let scripted = usize::try_from(number).ok().and_then(|at| self.script.get(at));
            return (scripted.copied().flatten(), third);
        }
        // The top 53 bits as a number in [0, 1).
        let draw = (first >> 11) as f64 / (1u64 << 53) as f64;
        if draw >= self.rate || self.kinds.is_empty() {
            return (None, third);
        }
        let index = usize::try_from(second % self.kinds.len() as u64).unwrap_or(0);
        (self.kinds.get(index).copied(), third)
    }
}

/// SplitMix64's output function: a well-mixed 64-bit value of `state`.
fn split_mix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How many requests the proxy saw and what it did to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    /// Requests received.
    pub requests: u64,
    /// Faults injected, by kind (in [`Fault::ALL`] order).
    pub injected: [u64; 8],
}

impl FaultCounts {
    /// Faults of `kind` injected.
    pub fn of(&self, kind: Fault) -> u64 {
        self.injected[kind.index()]
    }

    /// Faults injected, all kinds.
    pub fn total(&self) -> u64 {
        self.injected.iter().sum()
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &FaultCounts) {
        self.requests += other.requests;
        for (mine, theirs) in self.injected.iter_mut().zip(other.injected) {
            *mine += theirs;
        }
    }
}

impl fmt::Display for FaultCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} requests, {} faults (", self.requests, self.total())?;
        for (number, kind) in Fault::ALL.iter().enumerate() {
            let separator = if number == 0 { "" } else { ", " };
            write!(f, "{separator}{} {}", kind.name(), self.of(*kind))?;
        }
        f.write_str(")")
    }
}

struct Shared {
    upstream: SocketAddr,
    plan: FaultPlan,
    next: AtomicU64,
    injected: [AtomicU64; 8],
}

/// A running proxy; it stops when dropped.
pub struct FaultProxy {
    base_url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultProxy").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Listens on a free port of `127.0.0.1` and forwards to `upstream` by
    /// `plan`. Must be called within a Tokio runtime.
    pub async fn start(upstream: SocketAddr, plan: FaultPlan) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream,
            plan,
            next: AtomicU64::new(0),
            injected: Default::default(),
        });
        let task = tokio::spawn(serve(listener, Arc::clone(&shared)));
        Ok(Self { base_url: format!("http://{address}/"), shared, task })
    }

    /// `http://127.0.0.1:PORT/`, for the client's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// What the proxy saw and did so far.
    pub fn counts(&self) -> FaultCounts {
        let mut counts = FaultCounts {
            requests: self.shared.next.load(Ordering::SeqCst),
            ..FaultCounts::default()
        };
        for (count, injected) in counts.injected.iter_mut().zip(&self.shared.injected) {
            *count = injected.load(Ordering::SeqCst);
        }
        counts
    }
}

type ProxyBody = BoxBody<Bytes, std::io::Error>;

/// Why the proxy ends a connection without an answer (the fault itself).
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by the fault proxy")
    }
}

impl std::error::Error for Dropped {}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = Arc::clone(&shared);
                    connections.spawn(async move {
                        let service = service_fn(move |request| handle(Arc::clone(&shared), request));
                        // A dropped connection is the point of most faults.
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<ProxyBody>, Dropped> {
    let number = shared.next.fetch_add(1, Ordering::SeqCst);
    let (fault, choice) = shared.plan.fate(number);
    if let Some(fault) = fault {
        shared.injected[fault.index()].fetch_add(1, Ordering::SeqCst);
    }
    let (parts, body) = request.into_parts();
    // The whole request is read first: every fault happens after the client sent it.
    let body = match body.collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Err(Dropped),
    };
    match fault {
        Some(Fault::ResetBeforeServer) => return Err(Dropped),
        Some(Fault::Hang) => {
            tokio::time::sleep(shared.plan.hang_for).await;
            return Err(Dropped);
        }
        Some(Fault::TooManyRequests) => {
            let mut response = google_error(429, "RESOURCE_EXHAUSTED", "Injected rate limit.");
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(shared.plan.retry_after_seconds));
            return Ok(response);
        }
        Some(Fault::Unavailable) => {
            return Ok(google_error(503, "UNAVAILABLE", "Injected unavailability."));
        }
        Some(Fault::Delay) => {
            let most = u64::try_from(shared.plan.max_delay.as_millis()).unwrap_or(u64::MAX);
            let millis = if most == 0 { 0 } else { choice % most + 1 };
            tokio::time::sleep(Duration::from_millis(millis)).await;
        }
        _ => {}
    }
    let forwarded = match forward(shared.upstream, parts, body).await {
        Ok(forwarded) => forwarded,
        Err(message) => return Ok(google_error(502, "UNAVAILABLE", &message)),
    };
    match fault {
        Some(Fault::ResetAfterServer) => Err(Dropped),
        Some(Fault::InternalAfterServer) => {
            Ok(google_error(500, "INTERNAL", "Injected internal error after the server acted."))
        }
        Some(Fault::TruncateBody) => {
            let (parts, body) = forwarded;
            let half = body.slice(..body.len() / 2);
            let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = vec![
                Ok(Frame::data(half)),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, Dropped)),
            ];
            let stream = futures_util::stream::iter(frames);
            let mut response = Response::from_parts(parts, StreamBody::new(stream).boxed());
            response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            Ok(response)
        }
        _ => {
            let (parts, body) = forwarded;
            let length = body.len();
            let mut response = Response::from_parts(parts, full(body));
            response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(length));
            Ok(response)
        }
    }
}

/// Sends the request to `upstream` on a new connection; returns the
/// response's head (without framing headers) and its whole body.
async fn forward(
    upstream: SocketAddr,
    mut parts: hyper::http::request::Parts,
    body: Bytes,
) -> Result<(hyper::http::response::Parts, Bytes), String> {
    let stream = TcpStream::connect(upstream).await.map_err(|error| error.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| error.to_string())?;
    tokio::spawn(async move {
        // Ends when the exchange is over or the server hangs up.
        let _ = connection.await;
    });
    parts.headers.remove(TRANSFER_ENCODING);
    parts.headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    if let Ok(host) = HeaderValue::try_from(upstream.to_string()) {
        parts.headers.insert(HOST, host);
    }
    let request = Request::from_parts(parts, Full::new(body));
    let response = sender.send_request(request).await.map_err(|error| error.to_string())?;
    let (mut parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|error| error.to_string())?.to_bytes();
    parts.headers.remove(TRANSFER_ENCODING);
    parts.headers.remove(CONTENT_LENGTH);
    Ok((parts, body))
}

fn full(body: Bytes) -> ProxyBody {
    Full::new(body).map_err(|never: Infallible| match never {}).boxed()
}

/// An answer of the proxy's own, in Google's error shape.
fn google_error(status: u16, name: &str, message: &str) -> Response<ProxyBody> {
    let body = serde_json::json!({"error": {"code": status, "message": message, "status": name}});
    let bytes = Bytes::from(body.to_string());
    let length = bytes.len();
    let mut response = Response::new(full(bytes));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(length));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_a_function_of_the_seed_and_hits_about_the_rate() {
        let plan = FaultPlan::new(7, 0.1);
        let fates: Vec<_> = (0..10_000).map(|number| plan.fate(number).0).collect();
        let again: Vec<_> =
            (0..10_000).map(|number| FaultPlan::new(7, 0.1).fate(number).0).collect();
        assert_eq!(fates, again, "same seed, same schedule");
        let faults = fates.iter().flatten().count();
        assert!((800..1200).contains(&faults), "{faults} faults in 10,000 at 10%");
        for kind in Fault::ALL {
            assert!(fates.contains(&Some(kind)), "{kind:?} is drawn");
        }
        let other: Vec<_> =
            (0..10_000).map(|number| FaultPlan::new(8, 0.1).fate(number).0).collect();
        assert_ne!(fates, other, "another seed, another schedule");
        assert!((0..1000).all(|number| FaultPlan::new(7, 0.0).fate(number).0.is_none()));
    }
}
