//! HTTP batch: many calls of one API in one `multipart/mixed` request to the
//! API's `batchPath`, answered part by part.
//!
//! Every part is an ordinary call, authorised by the outer request's
//! credential and counted by Google as a request of its own. Parts answered
//! 429, or 5xx when the call is safe to repeat (the single-call rules of
//! [`RetryPolicy`](crate::RetryPolicy)), are sent again in a later batch
//! request after their backoff or `Retry-After`; parts that succeeded are
//! never sent again. A credential refused with 401, on the batch request or
//! on its parts, is renewed once when the authenticator can, and what it
//! covered is sent again. A mutation that the API asks to be sent one at a
//! time ends its batch request: the calls added after it wait for its answer.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::api::{HttpMethod, MethodSpec};
use crate::call::Call;
use crate::client::{Client, Outgoing, Payload, read_body};
use crate::error::{Error, GoogleError, ValidationError};
use crate::request::Request;
use crate::response_body::ResponseBody;
use crate::retry::{Failure, parse_retry_after};

/// At most this many calls per batch request, unless the API documents another limit.
pub const DEFAULT_MAX_CALLS: usize = 1000;

/// A call that can go in a [`Batch`]: every generated call type whose
/// answer is JSON. Media uploads and downloads cannot: they are sent by
/// `upload()` and `download()`, which consume the call.
pub trait Batchable {
    /// What the call's answer decodes into.
    type Response: ResponseBody;

    /// The call being assembled.
    #[doc(hidden)]
    fn __into_call(self) -> Call;
}

/// A bare call's answer stays as the server wrote it (the CLI engine prints it).
impl Batchable for Call {
    type Response = Box<serde_json::value::RawValue>;

    fn __into_call(self) -> Call {
        self
    }
}

/// Calls to send together; from the generated service's `batch()`.
///
/// ```ignore
/// let mut batch = people.batch();
/// let ada = batch.add(people.people().get("people/c1").person_fields(PersonField::Names))?;
/// let groups = batch.add(people.contact_groups().list())?;
/// let mut results = batch.send().await;
/// let ada = results.take(ada)?;
/// ```
#[derive(Debug)]
pub struct Batch {
    client: Client,
    spec: &'static MethodSpec,
    max_calls: usize,
    id: u64,
    calls: Vec<Request>,
}

/// Where one call's result will be in the [`BatchResults`], and its type.
#[derive(Debug)]
#[must_use = "the slot is how the call's result is taken from the results"]
pub struct Slot<T> {
    batch: u64,
    index: usize,
    response: PhantomData<fn() -> T>,
}

/// One result per call of a [`Batch`], taken by the [`Slot`] `add` returned.
#[derive(Debug)]
pub struct BatchResults {
    batch: u64,
    answers: Vec<Option<Answer>>,
    requests: usize,
}

/// A part's outcome before it is decoded. Not the body in `Debug`: it may
/// hold personal data.
enum Answer {
    Success { method: &'static str, status: u16, body: bytes::Bytes },
    Failure(Error),
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Success { method, status, body } => {
                write!(f, "Success({method}, {status}, {} bytes)", body.len())
            }
            Self::Failure(error) => write!(f, "Failure({error})"),
        }
    }
}

/// Tells batches apart, so that a slot is only ever taken from its own results.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

impl Batch {
    /// An empty batch sent through `client` to `spec.path` (relative to the
    /// API's root URL), at most `max_calls` calls per request.
    #[doc(hidden)]
    pub fn new(client: &Client, spec: &'static MethodSpec, max_calls: usize) -> Self {
        Self {
            client: client.clone(),
            spec,
            max_calls: max_calls.max(1),
            id: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            calls: Vec::new(),
        }
    }

    /// Adds `call`; its result will be in the slot returned. A call with a
    /// mistake (a path value not matching its pattern, too many items) or
    /// made through another API's client is refused here. A media upload or
    /// download cannot be added at all: `upload()` and `download()` consume
    /// the call and give a future, which is not [`Batchable`]:
    ///
    /// ```compile_fail,E0277
    /// # use gapi_runtime::__private::{Call, UploadSpec};
    /// # fn refused(batch: &mut gapi_runtime::Batch, call: Call, upload: &'static UploadSpec) {
    /// let media = gapi_runtime::Media::new("image/png", b"PNG".to_vec());
    /// batch.add(call.upload::<serde_json::Value>(upload, media));
    /// # }
    /// ```
    pub fn add<C: Batchable>(&mut self, call: C) -> Result<Slot<C::Response>, Error> {
        let (client, request) = call.__into_call().into_parts();
        let refuse = |message: String| {
            Error::Validation(ValidationError {
                method: request.spec().id,
                parameter: None,
                message,
            })
        };
        if client.base_url() != self.client.base_url() {
            return Err(refuse(format!(
                "the call goes to {}, but the batch to {}: a batch holds calls to one API",
                client.base_url(),
                self.client.base_url()
            )));
        }
        request.url(self.client.base_url()).map_err(Error::Validation)?;
        self.calls.push(request);
        Ok(Slot { batch: self.id, index: self.calls.len() - 1, response: PhantomData })
    }

    /// How many calls were added.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call was added.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Sends the calls, in as many batch requests as the limit and the
    /// one-at-a-time mutations need, resending the parts that may be
    /// retried. Every call gets a result: when a batch request itself fails
    /// (after its own retries), each of its calls and of those not yet sent
    /// has that error, under its own method id.
    pub async fn send(self) -> BatchResults {
        let Self { client, spec, max_calls, id, calls } = self;
        let mut answers: Vec<Option<Answer>> = calls.iter().map(|_| None).collect();
        let mut attempts = vec![0u32; calls.len()];
        // Calls resent once after their credential was refused (401).
        let mut renewed = vec![false; calls.len()];
        // (index, not before): the calls still to send, in the order added.
        let mut pending: Vec<(usize, Instant)> =
            (0..calls.len()).map(|index| (index, Instant::now())).collect();
        let started = Instant::now();
        let mut requests = 0;
        while !pending.is_empty() {
            let round = next_round(&calls, &pending, max_calls);
            let ready_at = pending
                .iter()
                .filter(|(index, _)| round.contains(index))
                .map(|(_, not_before)| *not_before)
                .max();
            if let Some(ready_at) = ready_at {
                tokio::time::sleep_until(ready_at.into()).await;
            }
            pending.retain(|(index, _)| !round.contains(index));
            let parts: Vec<&Request> = round.iter().map(|&index| &calls[index]).collect();
            let sequential = parts.iter().find(|request| request.spec().sequential);
            let turn = match sequential {
                Some(request) => client.workflows().turn(request.spec()).await,
                None => None,
            };
            let answered = send_round(&client, spec, id, &parts).await;
            drop(turn);
            requests += 1;
            let answered = match answered {
                Ok(answered) => answered,
                Err(error) => {
                    let unsent = pending.iter().map(|(index, _)| *index);
                    for index in round.iter().copied().chain(unsent) {
                        let failed = for_call(&error, calls[index].spec().id);
                        answers[index] = Some(Answer::Failure(failed));
                    }
                    break;
                }
            };
            let mut refused = Vec::new();
            for (&index, part) in round.iter().zip(answered) {
                let request = &calls[index];
                attempts[index] += 1;
                match part {
                    PartAnswer::Ok { status, body } => {
                        if let Some(keep) = &request.spec().keeps {
                            client.kept().remember(request, keep, &body);
                        }
                        answers[index] =
                            Some(Answer::Success { method: request.spec().id, status, body });
                    }
                    PartAnswer::Failed { error, .. }
                        if error.status() == Some(401) && !renewed[index] =>
                    {
                        refused.push((index, error));
                    }
                    PartAnswer::Failed { error, failure, server_delay } => {
                        let policy = client.retry_policy(request);
                        let delay =
                            policy.backoff(attempts[index]).max(server_delay.unwrap_or_default());
                        if policy.allows(failure, request.spec().http_method)
                            && policy.fits(attempts[index], started.elapsed(), delay)
                        {
                            tracing::info!(method = request.spec().id, %error, "resending a batch part");
                            pending.push((index, Instant::now() + delay));
                        } else {
                            answers[index] = Some(Answer::Failure(error));
                        }
                    }
                }
            }
            if let Some(&(first, _)) = refused.first() {
                // One new credential for all of them, as for the outer request.
                let renewable = client.credential_refused(calls[first].spec().scopes).await;
                for (index, error) in refused {
                    if renewable {
                        renewed[index] = true;
                        pending.push((index, Instant::now()));
                    } else {
                        answers[index] = Some(Answer::Failure(error));
                    }
                }
            }
            pending.sort_by_key(|(index, _)| *index);
        }
        BatchResults { batch: id, answers, requests }
    }
}

/// The failure of a whole batch request, as the result of one of its calls.
fn for_call(error: &Error, method: &'static str) -> Error {
    match error {
        Error::Api { status, error, .. } => {
            Error::Api { method, status: *status, error: error.clone() }
        }
        Error::Timeout { timeout, .. } => Error::Timeout { method, timeout: *timeout },
        Error::Validation(error) => Error::Validation(error.clone()),
        Error::Auth { message, .. } => Error::Auth { method, message: message.clone() },
        Error::Config(message) => Error::Config(message.clone()),
        other => Error::Transport { method, source: other.to_string().into() },
    }
}

impl BatchResults {
    /// The result of the call `slot` stands for, decoded as a single call's
    /// would be: the same errors, with the method's id and the part's status.
    pub fn take<T: ResponseBody>(&mut self, slot: Slot<T>) -> Result<T, Error> {
        let answer = (slot.batch == self.batch)
            .then(|| self.answers.get_mut(slot.index).and_then(Option::take))
            .flatten();
        match answer {
            Some(Answer::Success { method, status, body }) => {
                crate::client::decode(method, status, &body)
            }
            Some(Answer::Failure(error)) => Err(error),
            None => Err(Error::Validation(ValidationError {
                method: "batch",
                parameter: None,
                message: "the slot belongs to another batch".to_owned(),
            })),
        }
    }

    /// How many batch requests were sent, resends included.
    pub fn requests(&self) -> usize {
        self.requests
    }
}

/// The calls of the next request: the earliest pending calls, up to
/// `max_calls`, ending at the first mutation that must go one at a time.
/// Google may run a request's parts in any order, so the calls added after
/// such a mutation wait for its answer.
fn next_round(calls: &[Request], pending: &[(usize, Instant)], max_calls: usize) -> Vec<usize> {
    let mut round = Vec::new();
    for &(index, _) in pending.iter().take(max_calls) {
        round.push(index);
        if calls[index].spec().sequential {
            break;
        }
    }
    round
}

/// One part's answer.
enum PartAnswer {
    Ok { status: u16, body: bytes::Bytes },
    Failed { error: Error, failure: Failure, server_delay: Option<Duration> },
}

/// Sends one batch request of `parts` with the client's retry loop (a 429
/// or a failed connection is retried; a 5xx only when every part is safe to
/// repeat) and splits its answer by part.
async fn send_round(
    client: &Client,
    spec: &'static MethodSpec,
    id: u64,
    parts: &[&Request],
) -> Result<Vec<PartAnswer>, Error> {
    let boundary = format!("batch_{id:016x}_{:016x}", crate::random::u64());
    let body = encode(client, id, &boundary, parts)?;
    let mut outer = Request::new(spec);
    if let Some(first) = parts.first() {
        outer.set_scopes(first.spec().scopes);
    }
    let url = outer.url_for(client.root_url(), spec.path).map_err(Error::Validation)?;
    let retry_as = if parts.iter().all(|request| request.spec().http_method.is_idempotent()) {
        HttpMethod::Get
    } else {
        HttpMethod::Post
    };
    let payload = Payload {
        content_type: format!("multipart/mixed; boundary={boundary}"),
        bytes: body.into(),
    };
    let (_, (content_type, answer)) = client
        .with_retries(&outer, retry_as, || async {
            let outgoing = Outgoing::new(reqwest::Method::POST, &url, Some(payload.clone()));
            let response = client.attempt(&outer, outgoing, &[]).await?;
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let (status, body) = read_body(spec.id, response).await?;
            Ok((status, (content_type, body)))
        })
        .await?;
    decode_answer(spec.id, id, &content_type, &answer, parts)
}

/// The `multipart/mixed` body: one `application/http` part per call, each
/// an HTTP/1.1 request with the path and query relative to the host.
fn encode(client: &Client, id: u64, boundary: &str, parts: &[&Request]) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    for (number, request) in parts.iter().enumerate() {
        let url = request.url(client.base_url()).map_err(Error::Validation)?;
        let target = path_and_query(&url);
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(b"Content-Type: application/http\r\n");
        body.extend_from_slice(format!("Content-ID: <{id}+{number}>\r\n\r\n").as_bytes());
        let method = request.spec().http_method.as_str();
        body.extend_from_slice(format!("{method} {target} HTTP/1.1\r\n").as_bytes());
        match request.body() {
            Some(json) => {
                body.extend_from_slice(b"Content-Type: application/json\r\n");
                body.extend_from_slice(
                    format!("Content-Length: {}\r\n\r\n", json.len()).as_bytes(),
                );
                body.extend_from_slice(json);
                body.extend_from_slice(b"\r\n");
            }
            // The blank line that ends the (empty) head, then the line
            // break that belongs to the next delimiter.
            None => body.extend_from_slice(b"\r\n\r\n"),
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(body)
}

/// `https://host/v1/x?y` -> `/v1/x?y`.
fn path_and_query(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    url[after_scheme..].find('/').map_or("/", |at| &url[after_scheme + at..])
}

/// Splits the batch answer into one answer per part, matched by `Content-ID`
/// (`<response-ID+N>`), whatever order the parts come in. A part the answer
/// leaves out is an error of its own.
fn decode_answer(
    method: &'static str,
    id: u64,
    content_type: &str,
    answer: &[u8],
    parts: &[&Request],
) -> Result<Vec<PartAnswer>, Error> {
    let malformed = |message: String| Error::Api {
        method,
        status: 200,
        error: Box::new(GoogleError::from_body(200, message.as_bytes())),
    };
    let boundary = boundary_of(content_type).ok_or_else(|| {
        malformed(format!("the batch answer is not multipart/mixed: {content_type:?}"))
    })?;
    let mut answers: Vec<Option<PartAnswer>> = parts.iter().map(|_| None).collect();
    let prefix = format!("<response-{id}+");
    for part in split_parts(answer, &boundary) {
        let (headers, inner) = split_head(part);
        let number = header(headers, "content-id")
            .and_then(|value| value.strip_prefix(&prefix))
            .and_then(|value| value.strip_suffix('>'))
            .and_then(|value| value.parse::<usize>().ok());
        if let Some((number, request)) =
            number.and_then(|number| Some((number, parts.get(number)?)))
        {
            answers[number] = Some(part_answer(request.spec().id, inner));
        }
    }
    Ok(answers
        .into_iter()
        .zip(parts)
        .map(|(answer, request)| {
            answer.unwrap_or_else(|| PartAnswer::Failed {
                error: Error::Api {
                    method: request.spec().id,
                    status: 200,
                    error: Box::new(GoogleError::from_body(
                        200,
                        b"the batch answer has no part for this call",
                    )),
                },
                failure: Failure::MaybeExecuted,
                server_delay: None,
            })
        })
        .collect())
}

/// One part's inner HTTP response: status line, headers, body.
fn part_answer(method: &'static str, inner: &[u8]) -> PartAnswer {
    let (head, body) = split_head(inner);
    let status = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse::<u16>().ok());
    let Some(status) = status else {
        return PartAnswer::Failed {
            error: Error::Api {
                method,
                status: 200,
                error: Box::new(GoogleError::from_body(200, b"a batch part without a status line")),
            },
            failure: Failure::MaybeExecuted,
            server_delay: None,
        };
    };
    let body = bytes::Bytes::copy_from_slice(body);
    if (200..300).contains(&status) {
        return PartAnswer::Ok { status, body };
    }
    let mut error = GoogleError::from_body(status, &body);
    error.retry_after = header(head, "retry-after").and_then(parse_retry_after);
    let server_delay = error.retry_delay();
    PartAnswer::Failed {
        error: Error::Api { method, status, error: Box::new(error) },
        failure: Failure::from_status(status),
        server_delay,
    }
}

/// The `boundary` parameter of a `multipart/mixed` content type.
fn boundary_of(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let essence = params.next()?.trim();
    if !essence.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    params.find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// The parts between `--boundary` delimiters, up to `--boundary--`.
fn split_parts<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut rest = match find(body, delimiter) {
        Some(at) => &body[at + delimiter.len()..],
        None => return parts,
    };
    while !rest.starts_with(b"--") {
        let Some(end) = find(rest, delimiter) else { break };
        parts.push(trim_line_breaks(&rest[..end]));
        rest = &rest[end + delimiter.len()..];
    }
    parts
}

/// Headers and what follows the first blank line (CRLF or LF).
fn split_head(part: &[u8]) -> (&str, &[u8]) {
    let (head, body) = match (find(part, b"\r\n\r\n"), find(part, b"\n\n")) {
        (Some(crlf), Some(lf)) if lf < crlf => (&part[..lf], &part[lf + 2..]),
        (Some(crlf), _) => (&part[..crlf], &part[crlf + 4..]),
        (None, Some(lf)) => (&part[..lf], &part[lf + 2..]),
        (None, None) => (part, &part[part.len()..]),
    };
    (std::str::from_utf8(head).unwrap_or_default(), body)
}

/// The value of header `name` (any case) in `head`.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn trim_line_breaks(part: &[u8]) -> &[u8] {
    let start = part.iter().position(|byte| !matches!(byte, b'\r' | b'\n')).unwrap_or(part.len());
    let part = &part[start..];
    let end = part.iter().rposition(|byte| !matches!(byte, b'\r' | b'\n')).map_or(0, |at| at + 1);
    &part[..end]
}
