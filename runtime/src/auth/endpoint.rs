//! What every OAuth flow shares: the token endpoint's request and answer,
//! its errors (which never carry a secret), the plain-http check, randomness.

use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Secret, is_loopback};
use crate::error::Error;
use crate::json::Fields;

/// Google's token endpoint, where a file names none.
pub(crate) const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// How long before its expiry a token counts as expired, so that a call never
/// leaves with a token that dies on the way.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// An access token and what came with it.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) access: Secret,
    pub(crate) expires_at: SystemTime,
    pub(crate) refresh: Option<Secret>,
    /// The scopes the token grants (as the endpoint said, or as asked).
    pub(crate) scopes: Vec<String>,
}

impl Token {
    pub(crate) fn is_fresh(&self) -> bool {
        SystemTime::now() + EXPIRY_MARGIN < self.expires_at
    }

    pub(crate) fn covers(&self, scopes: &[String]) -> bool {
        scopes.iter().all(|scope| self.scopes.contains(scope))
    }

    /// Whether the token serves a call that wants `wanted`, or accepts any
    /// one of `accepted` (a token for `contacts` serves a read that would
    /// have asked for `contacts.readonly`).
    pub(crate) fn serves(&self, wanted: &[String], accepted: &[&str]) -> bool {
        self.covers(wanted) || self.scopes.iter().any(|scope| accepted.contains(&scope.as_str()))
    }
}

/// Why a token request failed: the transport, or the endpoint's OAuth error.
#[derive(Debug)]
pub(crate) enum EndpointError {
    /// The endpoint answered with an OAuth error such as `invalid_grant`.
    Refused { status: u16, error: String, description: String },
    /// Anything else: no answer, an answer that is not a token.
    Other(String),
}

impl EndpointError {
    pub(crate) fn is_invalid_grant(&self) -> bool {
        matches!(self, Self::Refused { error, .. } if error == "invalid_grant")
    }
}

impl std::fmt::Display for EndpointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused { status, error, description } if description.is_empty() => {
                write!(f, "the token endpoint answered HTTP {status} {error}")
            }
            Self::Refused { status, error, description } => {
                write!(f, "the token endpoint answered HTTP {status} {error} ({description})")
            }
            Self::Other(message) => f.write_str(message),
        }
    }
}

/// The JSON a token endpoint (or the metadata server) answers. Not `Debug`:
/// it holds the tokens until they are wrapped in [`Secret`]s.
struct TokenAnswer {
    access_token: String,
    expires_in: Option<u64>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

impl TokenAnswer {
    fn parse(body: &[u8]) -> Result<Self, String> {
        let fields = Fields::parse(body)?;
        Ok(Self {
            access_token: fields.required_text("access_token")?,
            expires_in: fields.number("expires_in")?,
            refresh_token: fields.text("refresh_token")?,
            scope: fields.text("scope")?,
        })
    }
}

/// An OAuth error answer: its `error` code and description.
fn error_answer(body: &[u8]) -> Option<(String, String)> {
    let fields = Fields::parse(body).ok()?;
    Some((fields.required_text("error").ok()?, fields.text_or_empty("error_description")))
}

/// POSTs `form` to a token endpoint and reads the token it answers;
/// `asked` are the scopes requested, kept when the answer does not list them.
pub(crate) async fn request_token(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
    asked: &[String],
) -> Result<Token, EndpointError> {
    let request = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(form));
    read_token(request, asked).await
}

/// Sends `request` and reads a token endpoint's answer.
pub(crate) async fn read_token(
    request: reqwest::RequestBuilder,
    asked: &[String],
) -> Result<Token, EndpointError> {
    let response = request.timeout(Duration::from_secs(30)).send().await.map_err(|error| {
        EndpointError::Other(format!("cannot reach the token endpoint: {}", causes(error)))
    })?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|error| {
        EndpointError::Other(format!("cannot read the token endpoint's answer: {}", causes(error)))
    })?;
    if !(200..300).contains(&status) {
        return Err(match error_answer(&body) {
            Some((error, description)) => EndpointError::Refused {
                status,
                error: printable(&error, 64),
                description: printable(&description, 200),
            },
            None => EndpointError::Other(format!(
                "the token endpoint answered HTTP {status} with a {}-byte body that is not an \
                 OAuth error",
                body.len()
            )),
        });
    }
    let answer = TokenAnswer::parse(&body).map_err(|error| {
        EndpointError::Other(format!(
            "the token endpoint's {}-byte answer is not a token ({error})",
            body.len()
        ))
    })?;
    let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
    let scopes = match answer.scope {
        Some(granted) if !granted.trim().is_empty() => {
            granted.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_owned).collect()
        }
        _ => asked.to_vec(),
    };
    Ok(Token {
        access: Secret::new(answer.access_token),
        expires_at: SystemTime::now() + lifetime,
        refresh: answer.refresh_token.map(Secret::new),
        scopes,
    })
}

/// `application/x-www-form-urlencoded` text of `pairs`.
pub(crate) fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn form_encode(text: &str) -> percent_encoding::PercentEncode<'_> {
    const FORM: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(text, FORM)
}

/// Refuses to send credentials over plain `http` to anything but this machine.
pub(crate) fn require_private_transport(url: &str, what: &str) -> Result<reqwest::Url, Error> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|error| Error::Config(format!("{what}: invalid URL {url:?}: {error}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        scheme => Err(Error::Config(format!(
            "{what}: refusing {scheme}:// to {}: credentials would travel unencrypted; use \
             https (plain http is accepted for loopback addresses only)",
            parsed.host_str().unwrap_or("(no host)")
        ))),
    }
}

/// `len` random bytes from the operating system, base64url without padding.
pub(crate) fn random_text(len: usize) -> Result<String, Error> {
    use ring::rand::SecureRandom;
    let mut bytes = vec![0; len];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::Config("the operating system's random generator failed".into()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// At most `limit` characters of text from a server, control characters removed.
fn printable(text: &str, limit: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(limit).collect()
}

/// A transport error and its causes, without its URL.
pub(crate) fn causes(error: reqwest::Error) -> String {
    crate::error::causes(&error.without_url())
}
