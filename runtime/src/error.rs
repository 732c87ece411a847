//! One error type for every call: what failed, in which method, and why.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::json::Fields;

/// Everything a call can fail with. Every variant names the method id (such
/// as `people.people.get`) it happened in, except configuration errors,
/// which happen before any call.
///
/// No variant carries an access token, an API key or a request URL.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an HTTP error status; `error` is its decoded body.
    Api {
        /// The discovery method id.
        method: &'static str,
        /// The HTTP status code.
        status: u16,
        /// Google's error body (or, if the body was not one, its start).
        error: Box<GoogleError>,
    },
    /// The request could not be sent or its response not read: DNS, connect,
    /// TLS, a connection broken mid-way.
    Transport {
        /// The discovery method id.
        method: &'static str,
        /// The underlying error (its URL removed), from the HTTP stack.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No complete response arrived within the call's timeout.
    Timeout {
        /// The discovery method id.
        method: &'static str,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// A successful response whose body is not the JSON the method promises.
    /// `Display` and `Debug` give the body's length and the failing JSON
    /// path, never its contents (it may hold contact data); the caller can
    /// look at [`BodySnippet::as_str`].
    Decode {
        /// The discovery method id.
        method: &'static str,
        /// The HTTP status code.
        status: u16,
        /// Where in the body decoding failed, as a JSON path
        /// (`connections[3].names[0].metadata`; `.` for the body itself).
        path: String,
        /// What was wrong, with its line and column, the offending value left out.
        source: DecodeCause,
        /// The body's length in bytes.
        body_len: usize,
        /// The first bytes of the body (at most 512), for the caller to inspect.
        snippet: BodySnippet,
    },
    /// The server answered a page request with the page token it was sent
    /// as the next one: following it would fetch the same page forever, so
    /// paging stops here, after the pages already yielded.
    RepeatedPageToken {
        /// The discovery method id.
        method: &'static str,
        /// The token that came back (an opaque cursor of the server's, not a credential).
        token: String,
    },
    /// The request was refused on the client, before anything was sent.
    Validation(ValidationError),
    /// No credential could be obtained for the call.
    Auth {
        /// The discovery method id, or `""` when building an authenticator.
        method: &'static str,
        /// What went wrong, from the credentials provider.
        message: String,
    },
    /// The client or an authenticator could not be set up.
    Config(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { method, status, error } => {
                write!(f, "{method}: HTTP {status}{}: {}", status_suffix(error), error.message)
            }
            Self::Transport { method, source } => {
                write!(f, "{method}: transport error: {}", causes(&**source))
            }
            Self::Timeout { method, timeout } => {
                write!(f, "{method}: no response within {timeout:?}")
            }
            Self::Decode { method, status, path, source, body_len, .. } => write!(
                f,
                "{method}: cannot decode the HTTP {status} response ({body_len} bytes) at \
                 `{path}`: {source}"
            ),
            Self::RepeatedPageToken { method, token } => write!(
                f,
                "{method}: the server repeated the page token `{token}` as the next one; paging stopped"
            ),
            Self::Validation(error) => error.fmt(f),
            Self::Auth { method, message } => {
                write!(f, "{method}: authentication failed: {message}")
            }
            Self::Config(message) => write!(f, "configuration error: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(&**source),
            Self::Decode { source, .. } => Some(source),
            // Transparent: the validation error is the error itself.
            Self::Validation(error) => error.source(),
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Self::Validation(error)
    }
}

/// Why a body did not decode: serde's message with the value it found left
/// out (`invalid type: string "…", expected a boolean at line 1 column 30`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeCause {
    message: String,
    line: usize,
    column: usize,
}

impl fmt::Display for DecodeCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeCause {}

impl DecodeCause {
    pub(crate) fn from_serde(error: &serde_json::Error) -> Self {
        Self {
            message: redact_values(&error.to_string()),
            line: error.line(),
            column: error.column(),
        }
    }

    pub(crate) fn custom(message: &str) -> Self {
        Self { message: message.to_owned(), line: 0, column: 0 }
    }

    /// The line of the body where decoding failed (from 1; 0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column where decoding failed (from 1; 0 when unknown).
    pub fn column(&self) -> usize {
        self.column
    }
}

/// serde's message with the quoted values it found replaced by `…`; the
/// field names of `missing field` / `unknown field` / `duplicate field` stay.
fn redact_values(message: &str) -> String {
    let keep_backticks = ["missing field", "unknown field", "duplicate field"]
        .iter()
        .any(|start| message.starts_with(start));
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        let close = match c {
            '"' => '"',
            '`' if !keep_backticks => '`',
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push(c);
        out.push('…');
        let mut escaped = false;
        for inner in chars.by_ref() {
            if inner == close && !escaped {
                break;
            }
            escaped = inner == '\\' && !escaped;
        }
        out.push(close);
    }
    out
}

/// The start of an undecodable body. `Debug` shows its length only.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct BodySnippet(String);

impl BodySnippet {
    pub(crate) fn of(body: &[u8]) -> Self {
        Self(snippet(body))
    }

    /// The text: the body's first bytes (at most 512), cut at a character boundary.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BodySnippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodySnippet({} bytes)", self.0.len())
    }
}

/// How many bytes of an undecodable body an error keeps.
const SNIPPET_LIMIT: usize = 512;

/// An error and its sources, joined: reqwest's own message alone ("error
/// sending request") does not say that the connection was refused.
pub(crate) fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Whether `error` or one of its sources is the HTTP stack's failure to
/// open a connection, before anything was sent.
fn is_connect_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_connect) {
            return true;
        }
        current = error.source();
    }
    false
}

fn status_suffix(error: &GoogleError) -> String {
    error.status.as_deref().map(|status| format!(" {status}")).unwrap_or_default()
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Google's error body, for API errors.
    pub fn google_error(&self) -> Option<&GoogleError> {
        match self {
            Self::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The method the error happened in (empty for configuration errors).
    pub fn method(&self) -> &'static str {
        match self {
            Self::Api { method, .. }
            | Self::Transport { method, .. }
            | Self::Timeout { method, .. }
            | Self::Decode { method, .. }
            | Self::RepeatedPageToken { method, .. }
            | Self::Auth { method, .. } => method,
            Self::Validation(error) => error.method,
            Self::Config(_) => "",
        }
    }

    /// 404, or the `NOT_FOUND` status: the resource does not exist (or is not visible).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) || self.has_status("NOT_FOUND")
    }

    /// 429, or `RESOURCE_EXHAUSTED`: a quota or rate limit was hit; see [`Self::retry_delay`].
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429) || self.has_status("RESOURCE_EXHAUSTED")
    }

    /// Whether the server may have carried out the request although the call
    /// failed: the connection broke after the request was sent (a reset, a
    /// truncated answer), no answer came within the timeout, the server
    /// answered 500, 502, 503 or 504, or it answered success with a body
    /// that does not decode. False when the request was certainly not
    /// carried out: the connection could not be opened, a 429 or another 4xx,
    /// a request refused on the client, no credential. When the runtime cannot
    /// tell (a batch request that failed as a whole), true.
    ///
    /// The runtime does not send such a call again unless it is safe to
    /// repeat (GET, PUT, DELETE) or [`RetryPolicy::retry_non_idempotent`]
    /// says so, so a `createContact` is never made twice behind the caller's
    /// back; when this is true for one, check whether it took effect before
    /// sending it again: look the contact up by a value of your own that it
    /// carries (an `externalIds` or `clientData` entry, a name), with a
    /// listing or a search.
    ///
    /// [`RetryPolicy::retry_non_idempotent`]: crate::RetryPolicy::retry_non_idempotent
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Transport { source, .. } => !is_connect_failure(&**source),
            Self::Api { status, .. } => {
                crate::retry::Failure::from_status(*status) == crate::retry::Failure::MaybeExecuted
            }
            Self::Decode { status, .. } => (200..300).contains(status),
            Self::RepeatedPageToken { .. }
            | Self::Validation(_)
            | Self::Auth { .. }
            | Self::Config(_) => false,
        }
    }

    /// `FAILED_PRECONDITION` with HTTP 400: for `people.updateContact` and its
    /// kin, the etag sent in `metadata.sources` is stale because the contact
    /// changed since it was read. Read it again, reapply the change, resend.
    /// An expired sync token, which People answers with the same status, is
    /// not one ([`Self::is_sync_token_expired`]).
    pub fn is_etag_conflict(&self) -> bool {
        self.status() == Some(400)
            && self.has_status("FAILED_PRECONDITION")
            && !self.is_sync_token_expired()
    }

    /// How long the server asked to wait before retrying (`Retry-After` or `RetryInfo`).
    pub fn retry_delay(&self) -> Option<Duration> {
        self.google_error().and_then(GoogleError::retry_delay)
    }

    /// The sync token sent is too old (People's `EXPIRED_SYNC_TOKEN`, seven
    /// days after the full sync; HTTP 410 `GONE` in Calendar and others): only
    /// a full sync can go on.
    pub fn is_sync_token_expired(&self) -> bool {
        self.status() == Some(410)
            || self.google_error().is_some_and(|error| error.reason() == Some("EXPIRED_SYNC_TOKEN"))
    }

    pub(crate) fn has_status(&self, wanted: &str) -> bool {
        self.google_error()
            .and_then(|error| error.status.as_deref())
            .is_some_and(|status| status == wanted)
    }
}

/// A request refused on the client: a required path parameter missing, a
/// value not matching its documented pattern, a body that cannot be serialised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// The discovery method id.
    pub method: &'static str,
    /// The parameter at fault, if one is.
    pub parameter: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.method)?;
        if let Some(parameter) = self.parameter {
            write!(f, "parameter `{parameter}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Google's JSON error body: `{"error": {"code", "message", "status", "details"}}`
/// (AIP-193).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct GoogleError {
    /// The HTTP status code Google reports.
    pub code: u16,
    /// A developer-facing explanation.
    pub message: String,
    /// The canonical status name, such as `FAILED_PRECONDITION`.
    pub status: Option<String>,
    /// Machine-readable details.
    pub details: Vec<ErrorDetail>,
    /// The delay the response's `Retry-After` header asked for.
    pub retry_after: Option<Duration>,
}

/// One entry of [`GoogleError::details`], typed for the kinds Google documents.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// `google.rpc.ErrorInfo`: a stable reason code and its domain.
    ErrorInfo {
        /// Such as `RATE_LIMIT_EXCEEDED`.
        reason: String,
        /// Such as `googleapis.com`.
        domain: String,
        /// Extra facts, such as the quota limit's name.
        metadata: BTreeMap<String, String>,
    },
    /// `google.rpc.BadRequest`: which request fields are invalid.
    BadRequest {
        /// One entry per invalid field.
        field_violations: Vec<FieldViolation>,
    },
    /// `google.rpc.RetryInfo`: when to retry.
    RetryInfo {
        /// The delay the server asks for.
        retry_delay: Option<Duration>,
    },
    /// `google.rpc.QuotaFailure`: which quota was exceeded.
    QuotaFailure {
        /// One entry per exceeded quota.
        violations: Vec<QuotaViolation>,
    },
    /// `google.rpc.Help`: links to documentation.
    Help {
        /// The links.
        links: Vec<HelpLink>,
    },
    /// A detail of another type, kept as JSON (with its `@type`).
    Other(serde_json::Value),
}

/// A field of the request that is invalid, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldViolation {
    /// A path to the field, such as `contacts[3].contactPerson.names`.
    pub field: String,
    /// Why it is invalid.
    pub description: String,
}

/// A quota that was exceeded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct QuotaViolation {
    /// What the quota applies to, such as `project:123`.
    pub subject: String,
    /// Why it failed.
    pub description: String,
}

/// A link to documentation about an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HelpLink {
    /// What the link is about.
    pub description: String,
    /// The URL.
    pub url: String,
}

/// Reads the string fields of a detail's entry; a missing one is empty.
fn detail_entry<'de, D: Deserializer<'de>, const N: usize>(
    deserializer: D,
    names: [&str; N],
) -> Result<[String; N], D::Error> {
    let Some(fields) = Fields::of(Value::deserialize(deserializer)?) else {
        return Err(serde::de::Error::custom("expected an object"));
    };
    Ok(names.map(|name| fields.text_or_empty(name)))
}

impl<'de> Deserialize<'de> for FieldViolation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let [field, description] = detail_entry(deserializer, ["field", "description"])?;
        Ok(Self { field, description })
    }
}

impl<'de> Deserialize<'de> for QuotaViolation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let [subject, description] = detail_entry(deserializer, ["subject", "description"])?;
        Ok(Self { subject, description })
    }
}

impl<'de> Deserialize<'de> for HelpLink {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let [description, url] = detail_entry(deserializer, ["description", "url"])?;
        Ok(Self { description, url })
    }
}

impl GoogleError {
    /// Decodes an error response body. A body that is not Google's error JSON
    /// (a proxy's HTML page, say) becomes a `GoogleError` whose message is the
    /// body's start, so that nothing is lost.
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        let error = Fields::parse(body).ok().and_then(|mut envelope| envelope.take("error"));
        match error.and_then(Fields::of) {
            Some(mut error) => Self {
                code: error
                    .number("code")
                    .ok()
                    .flatten()
                    .and_then(|code| u16::try_from(code).ok())
                    .unwrap_or(status),
                message: error.text_or_empty("message"),
                status: error.text("status").ok().flatten(),
                details: match error.take("details") {
                    Some(Value::Array(details)) => {
                        details.into_iter().map(ErrorDetail::from_json).collect()
                    }
                    _ => Vec::new(),
                },
                retry_after: None,
            },
            None => Self {
                code: status,
                message: snippet(body),
                status: None,
                details: Vec::new(),
                retry_after: None,
            },
        }
    }

    /// The delay the server asked for: the longer of the `Retry-After`
    /// header's and a `RetryInfo` detail's.
    pub fn retry_delay(&self) -> Option<Duration> {
        let retry_info = self.details.iter().find_map(|detail| match detail {
            ErrorDetail::RetryInfo { retry_delay } => *retry_delay,
            _ => None,
        });
        retry_info.max(self.retry_after)
    }

    /// The `reason` of the first `ErrorInfo` detail, such as `RATE_LIMIT_EXCEEDED`.
    pub fn reason(&self) -> Option<&str> {
        self.details.iter().find_map(|detail| match detail {
            ErrorDetail::ErrorInfo { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
    }
}

impl fmt::Display for GoogleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.status.as_deref().unwrap_or("(no status)"))?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl ErrorDetail {
    fn from_json(value: Value) -> Self {
        let type_url = value.get("@type").and_then(Value::as_str).unwrap_or_default();
        let kind = type_url.rsplit('/').next().unwrap_or_default().to_owned();
        let Some(mut fields) = Fields::of(value.clone()) else {
            return Self::Other(value);
        };
        /// A field of the detail decoded as `T`; absent is the default.
        fn field<T: serde::de::DeserializeOwned + Default>(
            fields: &mut Fields,
            name: &str,
        ) -> Result<T, serde_json::Error> {
            fields.take(name).map_or_else(|| Ok(T::default()), serde_json::from_value)
        }
        let decoded = match kind.as_str() {
            "google.rpc.ErrorInfo" => {
                field(&mut fields, "metadata").map(|metadata| Self::ErrorInfo {
                    reason: fields.text_or_empty("reason"),
                    domain: fields.text_or_empty("domain"),
                    metadata,
                })
            }
            "google.rpc.BadRequest" => field(&mut fields, "fieldViolations")
                .map(|field_violations| Self::BadRequest { field_violations }),
            "google.rpc.RetryInfo" => {
                field::<Option<crate::wire::Duration>>(&mut fields, "retryDelay").map(|delay| {
                    Self::RetryInfo { retry_delay: delay.and_then(|delay| delay.to_std()) }
                })
            }
            "google.rpc.QuotaFailure" => {
                field(&mut fields, "violations").map(|violations| Self::QuotaFailure { violations })
            }
            "google.rpc.Help" => field(&mut fields, "links").map(|links| Self::Help { links }),
            _ => return Self::Other(value),
        };
        decoded.unwrap_or(Self::Other(value))
    }
}

/// The start of a body, cut at a character boundary, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_LIMIT)]);
    text.trim_end_matches('\u{fffd}').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(status: u16, body: &str) -> Error {
        Error::Api {
            method: "people.people.connections.list",
            status,
            error: Box::new(GoogleError::from_body(status, body.as_bytes())),
        }
    }

    #[test]
    fn an_expired_sync_token_is_not_taken_for_a_stale_etag() {
        let expired = api_error(
            400,
            r#"{"error": {"code": 400, "status": "FAILED_PRECONDITION", "message": "Sync token is expired.",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                             "reason": "EXPIRED_SYNC_TOKEN", "domain": "people.googleapis.com"}]}}"#,
        );
        assert!(expired.is_sync_token_expired());
        assert!(!expired.is_etag_conflict());
        let stale = api_error(
            400,
            r#"{"error": {"code": 400, "status": "FAILED_PRECONDITION", "message": "etag mismatch"}}"#,
        );
        assert!(stale.is_etag_conflict() && !stale.is_sync_token_expired());
    }

    #[test]
    fn the_retry_delay_is_the_longer_of_the_header_and_retry_info() {
        let mut error = GoogleError::from_body(
            429,
            br#"{"error": {"code": 429, "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2s"}]}}"#,
        );
        assert_eq!(error.retry_delay(), Some(Duration::from_secs(2)));
        error.retry_after = Some(Duration::from_secs(7));
        assert_eq!(error.retry_delay(), Some(Duration::from_secs(7)));
        let header_only =
            GoogleError { retry_after: Some(Duration::from_secs(3)), ..GoogleError::default() };
        assert_eq!(header_only.retry_delay(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn only_failures_after_the_request_was_sent_may_have_been_applied() {
        let method = "people.people.createContact";
        let broken = Error::Transport {
            method,
            source: "connection closed before message completed".into(),
        };
        assert!(broken.may_have_been_applied(), "a broken connection: the server may have acted");
        assert!(Error::Timeout { method, timeout: Duration::from_secs(1) }.may_have_been_applied());
        for status in [500, 502, 503, 504] {
            assert!(api_error(status, "{}").may_have_been_applied(), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 429] {
            assert!(!api_error(status, "{}").may_have_been_applied(), "{status}");
        }
        let undecodable = serde_json::from_str::<bool>("[").expect_err("not JSON");
        let decode = |status| Error::Decode {
            method,
            status,
            path: ".".into(),
            source: DecodeCause::from_serde(&undecodable),
            body_len: 1,
            snippet: BodySnippet::of(b"["),
        };
        assert!(decode(200).may_have_been_applied(), "a 200 says it was done");
        assert!(!Error::Config("no endpoint".into()).may_have_been_applied());
        let refused =
            ValidationError { method, parameter: None, message: "too many contacts".into() };
        assert!(!Error::Validation(refused).may_have_been_applied());
    }

    #[test]
    fn decode_causes_leave_out_the_values_they_found() {
        let error = serde_json::from_str::<Vec<bool>>(r#"[true, "alice@example.com"]"#)
            .expect_err("a string is not a boolean");
        let cause = DecodeCause::from_serde(&error);
        assert_eq!(
            cause.to_string(),
            "invalid type: string \"…\", expected a boolean at line 1 column 26"
        );
        assert_eq!((cause.line(), cause.column()), (1, 26));
        assert_eq!(redact_values("missing field `names`"), "missing field `names`");
        assert_eq!(
            redact_values("unknown variant `SECRET`, expected `A`"),
            "unknown variant `…`, expected `…`"
        );
        assert_eq!(
            redact_values(r#"invalid value: string "a\"b", expected x"#),
            "invalid value: string \"…\", expected x"
        );
        assert_eq!(
            format!("{:?}", BodySnippet::of(b"{\"email\": \"a@b\"}")),
            "BodySnippet(16 bytes)"
        );
    }
}
