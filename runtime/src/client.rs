//! The client: one connection pool, one authenticator, the retry loop.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::api::{ApiInfo, HttpMethod};
use crate::auth::{Authenticator, Credential};
use crate::error::{BodySnippet, DecodeCause, Error, GoogleError};
use crate::kept::{DEFAULT_KEPT_FOR, DEFAULT_KEPT_RESOURCES, Kept};
use crate::request::Request;
use crate::response_body::{DecodeFailure, ResponseBody};
use crate::retry::{Failure, RetryPolicy, parse_retry_after};
use crate::workflow::{DEFAULT_WARMUP_IDLE, Workflows};

/// The handle every generated call goes through. Cloning is cheap: clones
/// share the connection pool, the credentials and the settings.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// `base_url` without the API's service path: where upload paths start.
    root_url: String,
    api_id: &'static str,
    authenticator: Box<dyn Authenticator>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    workflows: Workflows,
    /// What writes answered, for the next merge of the same resource.
    kept: Kept,
    /// Sent with every request ([`ClientBuilder::default_header`]).
    default_headers: reqwest::header::HeaderMap,
    /// The `User-Agent` the runtime's own HTTP client sends; `None` with a
    /// caller's client ([`ClientBuilder::http_client`]), which sets its own.
    user_agent: Option<&'static str>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.inner.api_id)
            .field("base_url", &self.inner.base_url)
            .field("authenticator", &self.inner.authenticator)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("kept", &self.inner.kept)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]: endpoint, credentials, timeouts, retries.
#[must_use]
pub struct ClientBuilder {
    api: &'static ApiInfo,
    base_url: Option<String>,
    authenticator: Option<Box<dyn Authenticator>>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    sequential_mutations: bool,
    search_warmup: Option<Duration>,
    kept_resources: usize,
    kept_for: Duration,
    http: Option<reqwest::Client>,
    default_headers: Vec<(String, String)>,
    allow_plain_http: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api", &self.api.id)
            .field("base_url", &self.base_url)
            .field("authenticator", &self.authenticator)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for `api`.
    ///
    /// Defaults: the API's endpoint (or the URL in its `base_url_env`
    /// variable), a 60 s timeout per attempt, a 10 s connect timeout,
    /// [`RetryPolicy::default`], mutations sent one at a time where the API
    /// asks for it, search warm-ups where the API asks for them, and up to
    /// 1,000 resources kept from writes' answers for 10 minutes
    /// ([`ClientBuilder::kept_resources`]).
    pub fn builder(api: &'static ApiInfo) -> ClientBuilder {
        ClientBuilder {
            api,
            base_url: None,
            authenticator: None,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            sequential_mutations: true,
            search_warmup: Some(DEFAULT_WARMUP_IDLE),
            kept_resources: DEFAULT_KEPT_RESOURCES,
            kept_for: DEFAULT_KEPT_FOR,
            http: None,
            default_headers: Vec::new(),
            allow_plain_http: false,
        }
    }

    /// The endpoint every request path is joined to (ends in `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `request` and decodes its JSON response (an empty body decodes as `{}`).
    ///
    /// These take the request by reference, as every step below does, so
    /// that a call's future holds it once rather than once a level.
    pub(crate) async fn execute_json<T: ResponseBody>(
        &self,
        request: &Request,
    ) -> Result<T, Error> {
        let (status, _, body) = self.execute(request).await?;
        decode(request.spec().id, status, &body)
    }

    /// Like [`Self::execute_json`], with the response's status and headers.
    pub(crate) async fn execute_json_with_metadata<T: ResponseBody>(
        &self,
        request: &Request,
    ) -> Result<Response<T>, Error> {
        let (status, headers, body) = self.execute(request).await?;
        let body = decode(request.spec().id, status, &body)?;
        Ok(Response { status, headers: ResponseHeaders(headers), body })
    }

    /// Sends `request`, for methods whose response has no body.
    pub(crate) async fn execute_empty(&self, request: &Request) -> Result<(), Error> {
        self.execute(request).await.map(drop)
    }

    /// Like [`Self::execute_empty`], with the response's status and headers.
    pub(crate) async fn execute_empty_with_metadata(
        &self,
        request: &Request,
    ) -> Result<Response<()>, Error> {
        let (status, headers, _) = self.execute(request).await?;
        Ok(Response { status, headers: ResponseHeaders(headers), body: () })
    }

    /// What `request` would put on the wire first, as [`Self::attempt`]
    /// sends it, but for the credential: it is not fetched, so there is no
    /// `Authorization` header. Default headers, which may hold secrets,
    /// show as `[redacted]`.
    pub(crate) fn preview(&self, request: &Request) -> Result<Preview, Error> {
        let url = request.url(&self.inner.base_url)?;
        let mut headers = Vec::new();
        if let Some(user_agent) = self.inner.user_agent {
            headers.push(("user-agent".to_owned(), user_agent.to_owned()));
        }
        let body = request.body().map(<[u8]>::to_vec);
        if body.is_some() {
            headers.push(("content-type".to_owned(), Payload::JSON.to_owned()));
        }
        for name in self.inner.default_headers.keys() {
            headers.push((name.as_str().to_owned(), "[redacted]".to_owned()));
        }
        Ok(Preview { method: request.spec().http_method.as_str(), url, headers, body })
    }

    /// Sends `request` as its API's documentation asks: after the warm-up a
    /// search needs, in its turn when it is a mutation that must wait for the
    /// others; then with retries. Returns the status, headers and body of the
    /// successful attempt.
    async fn execute(
        &self,
        request: &Request,
    ) -> Result<(u16, reqwest::header::HeaderMap, bytes::Bytes), Error> {
        self.warm_up(request).await;
        let turn = self.workflows().turn(request.spec()).await;
        let result = self.send_once(request).await;
        drop(turn);
        self.after_call(request.spec(), result.is_ok());
        if let (Ok((_, _, answer)), Some(keep)) = (&result, &request.spec().keeps) {
            self.inner.kept.remember(request, keep, answer);
        }
        result
    }

    /// The client's state for its API's workflows.
    pub(crate) fn workflows(&self) -> &Workflows {
        &self.inner.workflows
    }

    /// The resources writes answered with, for merge helpers.
    pub(crate) fn kept(&self) -> &Kept {
        &self.inner.kept
    }

    /// Sends with retries; returns the status, headers and body of the successful attempt.
    pub(crate) async fn send_once(
        &self,
        request: &Request,
    ) -> Result<(u16, reqwest::header::HeaderMap, bytes::Bytes), Error> {
        let url = request.url(&self.inner.base_url)?;
        let body = request.body().map(|json| Payload::json(json.to_vec()));
        let spec = request.spec();
        let (status, (headers, body)) = self
            .with_retries(request, spec.http_method, || async {
                let outgoing = Outgoing::new(spec.http_method.to_reqwest(), &url, body.clone());
                let mut response = self.attempt(request, outgoing, &[]).await?;
                let headers = std::mem::take(response.headers_mut());
                let (status, body) = read_body(spec.id, response).await?;
                Ok((status, (headers, body)))
            })
            .await?;
        Ok((status, headers, body))
    }

    /// The retry loop around `once`, which makes one attempt: backoff,
    /// Retry-After, the policy's bounds, and the `gapi_call` span. `retry_as`
    /// is the verb whose safety decides whether a server error is retried.
    /// Returns the successful attempt's status and value.
    pub(crate) async fn with_retries<T, F, Fut>(
        &self,
        request: &Request,
        retry_as: HttpMethod,
        mut once: F,
    ) -> Result<(u16, T), Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<(u16, T), AttemptError>>,
    {
        let spec = request.spec();
        let policy = self.retry_policy(request);
        let span = tracing::info_span!(
            "gapi_call",
            method = spec.id,
            http_method = spec.http_method.as_str(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        async move {
            let started = Instant::now();
            let mut attempt = 1;
            let mut renewed = false;
            loop {
                let attempt_started = Instant::now();
                let outcome = once().await;
                let latency_ms = millis(attempt_started.elapsed());
                let AttemptError { error, failure, server_delay } = match outcome {
                    Ok((status, value)) => {
                        tracing::Span::current()
                            .record("status", status)
                            .record("attempts", attempt);
                        tracing::debug!(attempt, latency_ms, status, "call succeeded");
                        return Ok((status, value));
                    }
                    Err(failed) => failed,
                };
                if matches!(failure, Failure::Rejected) && !renewed {
                    renewed = true;
                    tracing::info!(
                        attempt,
                        latency_ms,
                        "credential refused; sending again with a new one"
                    );
                    attempt += 1;
                    continue;
                }
                let delay = policy.backoff(attempt).max(server_delay.unwrap_or_default());
                let retry = policy.allows(failure, retry_as)
                    && policy.fits(attempt, started.elapsed(), delay);
                tracing::Span::current().record("attempts", attempt);
                if let Some(status) = error.status() {
                    tracing::Span::current().record("status", status);
                }
                if !retry {
                    tracing::debug!(attempt, latency_ms, %error, "call failed");
                    return Err(error);
                }
                tracing::info!(attempt, latency_ms, delay_ms = millis(delay), %error, "retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt: credentials, the request, and the response's status
    /// checked. A 2xx, or a status in `also_ok`, is a success; anything else
    /// is an error that says how retryable it is and the delay the server asked for.
    pub(crate) async fn attempt(
        &self,
        request: &Request,
        outgoing: Outgoing<'_>,
        also_ok: &[u16],
    ) -> Result<reqwest::Response, AttemptError> {
        let spec = request.spec();
        let credential =
            self.inner.authenticator.credential(request.scopes()).await.map_err(|error| {
                let error = match error {
                    Error::Auth { message, .. } => Error::Auth { method: spec.id, message },
                    other => other,
                };
                AttemptError::final_error(error)
            })?;
        let timeout = request.timeout().or(self.inner.timeout);
        let mut builder = self.inner.http.request(outgoing.method.clone(), outgoing.url);
        builder = match &credential {
            Credential::None => builder,
            Credential::Bearer(token) => builder.header(
                reqwest::header::AUTHORIZATION,
                sensitive_value(&format!("Bearer {}", token.expose()))
                    .map_err(|()| invalid_credential(spec.id))?,
            ),
            Credential::ApiKey(key) => builder.header(
                "x-goog-api-key",
                sensitive_value(key.expose()).map_err(|()| invalid_credential(spec.id))?,
            ),
        };
        for (name, value) in outgoing.headers {
            builder = builder.header(name, value);
        }
        for (name, value) in &self.inner.default_headers {
            builder = builder.header(name, value.clone());
        }
        match outgoing.body {
            Some(payload) => {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, payload.content_type)
                    .body(payload.bytes);
            }
            // Google answers 411 to a POST without Content-Length.
            None if !matches!(outgoing.method, reqwest::Method::GET | reqwest::Method::DELETE) => {
                builder = builder.body(Vec::new());
            }
            None => {}
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        let response = builder
            .send()
            .await
            .map_err(|error| AttemptError::transport(spec.id, error, timeout))?;
        let status = response.status().as_u16();
        if response.status().is_success() || also_ok.contains(&status) {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_retry_after);
        let body = response
            .bytes()
            .await
            .map_err(|error| AttemptError::transport(spec.id, error, timeout))?;
        let mut error = GoogleError::from_body(status, &body);
        error.retry_after = retry_after;
        let server_delay = error.retry_delay();
        let failure = if status == 401 && self.inner.authenticator.rejected(&credential).await {
            Failure::Rejected
        } else {
            Failure::from_status(status)
        };
        Err(AttemptError {
            error: Error::Api { method: spec.id, status, error: Box::new(error) },
            failure,
            server_delay,
        })
    }

    /// Tells the authenticator that the credential it gives for `scopes`
    /// was refused; whether another may be had.
    pub(crate) async fn credential_refused(&self, scopes: &'static [&'static str]) -> bool {
        match self.inner.authenticator.credential(scopes).await {
            Ok(credential) => self.inner.authenticator.rejected(&credential).await,
            Err(_) => false,
        }
    }

    /// The retry policy of `request`: its own, or the client's.
    pub(crate) fn retry_policy(&self, request: &Request) -> RetryPolicy {
        request.retry().unwrap_or(self.inner.retry)
    }

    /// The URL an upload path (relative to the API's root, such as
    /// `upload/drive/v3/files`) resolves to: the base URL without the service path.
    pub(crate) fn root_url(&self) -> &str {
        &self.inner.root_url
    }
}

/// What one attempt sends, besides credentials.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: reqwest::Method,
    pub(crate) url: &'a str,
    pub(crate) body: Option<Payload>,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl<'a> Outgoing<'a> {
    pub(crate) fn new(method: reqwest::Method, url: &'a str, body: Option<Payload>) -> Self {
        Self { method, url, body, headers: Vec::new() }
    }
}

/// A request body and its media type; cloning shares the bytes.
#[derive(Clone)]
pub(crate) struct Payload {
    pub(crate) content_type: String,
    pub(crate) bytes: bytes::Bytes,
}

impl Payload {
    const JSON: &'static str = "application/json";

    pub(crate) fn json(bytes: Vec<u8>) -> Self {
        Self { content_type: Self::JSON.to_owned(), bytes: bytes.into() }
    }
}

/// A request as a call would send it, from `Call::preview` (a dry run).
/// Not `Debug`: the body may hold personal data.
#[non_exhaustive]
pub struct Preview {
    /// `GET`, `POST`, ...
    pub method: &'static str,
    /// The full URL, query included.
    pub url: String,
    /// The headers the runtime adds (lowercase names), but for the credential.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Option<Vec<u8>>,
}

/// A failed attempt: the error, how retryable it is, and the delay the server asked for.
pub(crate) struct AttemptError {
    pub(crate) error: Error,
    pub(crate) failure: Failure,
    pub(crate) server_delay: Option<Duration>,
}

impl AttemptError {
    pub(crate) fn final_error(error: Error) -> Self {
        Self { error, failure: Failure::Final, server_delay: None }
    }

    pub(crate) fn transport(
        method: &'static str,
        error: reqwest::Error,
        timeout: Option<Duration>,
    ) -> Self {
        let failure = if error.is_connect() {
            Failure::NotExecuted
        } else if error.is_builder() || error.is_decode() {
            Failure::Final
        } else {
            Failure::MaybeExecuted
        };
        let error = match (error.is_timeout(), timeout) {
            (true, Some(timeout)) => Error::Timeout { method, timeout },
            _ => Error::Transport { method, source: Box::new(error.without_url()) },
        };
        Self { error, failure, server_delay: None }
    }
}

/// A successful call's decoded body with the HTTP status and headers it came
/// with, from a call's `send_with_metadata()`: an `ETag`, quota or tracing
/// header without a second request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T> {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The HTTP headers (`ETag`, quota and tracing headers).
    pub headers: ResponseHeaders,
    /// The decoded response.
    pub body: T,
}

/// The headers of a response, looked up by name in any case.
#[derive(Clone, Debug, Default)]
pub struct ResponseHeaders(reqwest::header::HeaderMap);

impl ResponseHeaders {
    /// The first value of the header `name`, when it is text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|value| value.to_str().ok())
    }

    /// Every value of the header `name` that is text, in order.
    pub fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.get_all(name).into_iter().filter_map(|value| value.to_str().ok())
    }

    /// Every header whose value is text, as (lowercase name, value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
    }
}

/// Reads a successful response's whole body; a connection that breaks
/// meanwhile is a retryable transport failure.
pub(crate) async fn read_body(
    method: &'static str,
    response: reqwest::Response,
) -> Result<(u16, bytes::Bytes), AttemptError> {
    let status = response.status().as_u16();
    let body =
        response.bytes().await.map_err(|error| AttemptError::transport(method, error, None))?;
    Ok((status, body))
}

/// Decodes a JSON response body; an empty body decodes as `{}`.
pub(crate) fn decode<T: ResponseBody>(
    method: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    T::from_json(json).map_err(|DecodeFailure { path, source }| {
        let source = DecodeCause::from_serde(&source);
        tracing::debug!(method, status, body_len = body.len(), %path, "the response does not decode");
        Error::Decode { method, status, path, source, body_len: body.len(), snippet: BodySnippet::of(body) }
    })
}

impl ClientBuilder {
    /// Sends requests to `url` instead of the API's endpoint (a local fake, a
    /// regional endpoint). Takes precedence over the environment variable.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The credentials every request carries.
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticator = Some(Box::new(authenticator));
        self
    }

    /// The timeout of each attempt, from sending to the end of the body;
    /// `None` waits forever. Calls can override it.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest wait for a connection to open.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy of every call; calls can override it.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Whether the client sends the mutations of an API that asks for it (as
    /// People does: "Mutate requests for the same user should be sent
    /// sequentially") one at a time, each waiting for the one before; reads
    /// stay concurrent. On by default: a client is one signed-in user.
    pub fn sequential_mutations(mut self, sequential: bool) -> Self {
        self.sequential_mutations = sequential;
        self
    }

    /// Whether, before the first search of a method whose documentation asks
    /// for it (People's `searchContacts`: "send a warmup request with an empty
    /// query"), the client sends that warm-up; again after `idle` without a
    /// search and after any mutation through this client. `None` turns it
    /// off. Default: on, with 5 minutes.
    pub fn search_warmup(mut self, idle: Option<Duration>) -> Self {
        self.search_warmup = idle;
        self
    }

    /// How many resources the client keeps from the answers of writes (at
    /// most; the oldest goes first), so that a merge helper's next edit of
    /// the same resource starts from the copy and its etag instead of a
    /// read, as People's `updateContact` asks ("If making sequential updates
    /// to the same person, the etag from the `updateContact` response should
    /// be used"). A copy is used once, by the next merge of that resource,
    /// and only when it holds every field that merge changes; a stale one
    /// costs one refused update and a read. `0` keeps nothing: every merge
    /// reads first. Default: 1,000.
    pub fn kept_resources(mut self, capacity: usize) -> Self {
        self.kept_resources = capacity;
        self
    }

    /// How long a kept copy ([`Self::kept_resources`]) may be used after the
    /// write that answered with it; older ones are dropped. Default: 10 minutes.
    pub fn kept_for(mut self, max_age: Duration) -> Self {
        self.kept_for = max_age;
        self
    }

    /// Sends every request through `http`, a client the caller configured
    /// (proxies, custom roots, its own timeouts and user agent), instead of
    /// building one; [`http_client_builder`] starts from the runtime's TLS
    /// setup. [`Self::connect_timeout`] does not apply to it.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Adds a header to every request, such as `x-goog-user-project` naming
    /// the project billed for quota. The value is marked sensitive (HTTP
    /// debug output does not show it); an invalid name or value fails [`Self::build`].
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Accepts a base URL on plain `http` to a host other than this machine.
    /// Without it, such a URL is refused, since every request's credential
    /// would cross the network unencrypted; loopback addresses are always accepted.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Builds the client: checks the endpoint (plain `http` is refused but
    /// to a loopback address, see [`Self::allow_plain_http`]; an API without
    /// a default endpoint needs [`Self::base_url`] or its variable) and sets up TLS
    /// (rustls with the ring provider, trusting the platform's certificate store).
    pub fn build(self) -> Result<Client, Error> {
        let authenticator = self.authenticator.ok_or_else(|| {
            Error::Config(format!(
                "no authenticator for {}: pass one (use `auth::Anonymous` for calls without credentials)",
                self.api.id
            ))
        })?;
        let from_env = (!self.api.base_url_env.is_empty())
            .then(|| std::env::var(self.api.base_url_env).ok())
            .flatten()
            .filter(|url| !url.trim().is_empty());
        let origin = match (&self.base_url, &from_env) {
            (Some(_), _) => "ClientBuilder::base_url",
            (None, Some(_)) => self.api.base_url_env,
            (None, None) => "the API's endpoint",
        };
        if self.base_url.is_none() && from_env.is_none() && self.api.base_url.is_empty() {
            let variable = match self.api.base_url_env {
                "" => String::new(),
                name => format!(" or the `{name}` environment variable"),
            };
            return Err(Error::Config(format!(
                "{} has no default endpoint (its discovery document names none): give one with \
                 `ClientBuilder::base_url`{variable}",
                self.api.id
            )));
        }
        let mut base_url =
            self.base_url.or(from_env).unwrap_or_else(|| self.api.base_url.to_owned());
        let parsed = reqwest::Url::parse(&base_url).map_err(|error| {
            Error::Config(format!("invalid base URL {base_url:?} for {}: {error}", self.api.id))
        })?;
        if !self.allow_plain_http {
            crate::auth::refuse_plain_http(&parsed, self.api.id, origin)?;
        }
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &self.default_headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::Config(format!("default header {name:?} is not a valid header name"))
            })?;
            let value = sensitive_value(value).map_err(|_| {
                Error::Config(format!("default header {name}: the value is not valid"))
            })?;
            headers.append(name, value);
        }
        let (http, user_agent) = match self.http {
            Some(http) => (http, None),
            None => {
                (http_client(self.api.user_agent, self.connect_timeout)?, Some(self.api.user_agent))
            }
        };
        let root_url = base_url
            .strip_suffix(self.api.service_path)
            .filter(|root| root.ends_with('/'))
            .unwrap_or(&base_url)
            .to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                root_url,
                api_id: self.api.id,
                authenticator,
                timeout: self.timeout,
                retry: self.retry,
                workflows: Workflows::new(self.sequential_mutations, self.search_warmup),
                kept: Kept::new(self.kept_resources, self.kept_for),
                default_headers: headers,
                user_agent,
            }),
        })
    }
}

/// A header value that HTTP-level debug output never prints.
fn sensitive_value(value: &str) -> Result<reqwest::header::HeaderValue, ()> {
    let mut value = reqwest::header::HeaderValue::from_str(value).map_err(drop)?;
    value.set_sensitive(true);
    Ok(value)
}

fn invalid_credential(method: &'static str) -> AttemptError {
    AttemptError::final_error(Error::Auth {
        method,
        message: "the credential is not a valid header value".into(),
    })
}

/// A duration in whole milliseconds, for log fields.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The HTTP client every [`Client`] is built on: rustls with the ring
/// provider and the platform's certificate store, HTTP/2, gzip. Public for
/// tools that fetch other Google URLs (such as discovery documents) the same way.
pub fn http_client(user_agent: &str, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    http_client_builder(user_agent, connect_timeout)?
        .build()
        .map_err(|error| Error::Config(format!("cannot build the HTTP client: {error}")))
}

/// The builder of [`http_client`], for a caller's own client with the same
/// TLS setup plus its proxies, roots or headers, to pass to
/// [`ClientBuilder::http_client`]. (reqwest's own `Client::builder()` has
/// no TLS provider with the features this runtime enables.)
pub fn http_client_builder(
    user_agent: &str,
    connect_timeout: Duration,
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(reqwest::Client::builder()
        .user_agent(user_agent)
        .connect_timeout(connect_timeout)
        .tls_backend_preconfigured(tls_config()?))
}

fn tls_config() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| Error::Config(format!("TLS setup: {error}")))?
        .with_platform_verifier()
        .map(|builder| builder.with_no_client_auth())
        .map_err(|error| {
            Error::Config(format!("TLS setup: cannot load the platform's certificates: {error}"))
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn credential_header_values_are_marked_sensitive_so_http_debug_output_hides_them() {
        let value = super::sensitive_value("Bearer ya29.secret").expect("a header value");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("ya29"), "{value:?}");
    }
}
