//! Credentials: what each request carries to prove who calls.
//!
//! [`Authenticator`] is the one trait the client needs. This module has the
//! simple ones ([`StaticToken`], [`ApiKey`], [`Anonymous`]); the OAuth flows
//! (installed app, service account, Application Default Credentials, the
//! metadata server) are in `OAuth`, behind the default `oauth` feature.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::Error;

#[cfg(feature = "oauth")]
mod endpoint;
#[cfg(feature = "oauth")]
mod installed;
#[cfg(feature = "oauth")]
mod oauth;
#[cfg(feature = "oauth")]
mod service_account;
#[cfg(feature = "oauth")]
mod token_file;
#[cfg(feature = "oauth")]
pub use oauth::OAuth;
#[cfg(feature = "oauth")]
pub use service_account::ServiceAccountKey;

/// A secret string (token or key) that never shows in `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// What one request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credential {
    /// Nothing: the call is anonymous.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `X-Goog-Api-Key: <key>` (a header, so the key stays out of URLs and logs).
    ApiKey(Secret),
}

/// The future an [`Authenticator`] returns.
pub type CredentialFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credential, Error>> + Send + 'a>>;

/// The future [`Authenticator::rejected`] returns: whether the next
/// [`Authenticator::credential`] may give another credential.
pub type RejectionFuture<'a> = Pin<Box<dyn Future<Output = bool> + Send + 'a>>;

/// Supplies the credential for each request.
///
/// `scopes` are the OAuth scopes the method accepts, any one of which grants
/// access (from the discovery document). Implementations cache tokens and
/// refresh them before they expire; the client asks again on every attempt.
/// `Debug` implementations must not print secrets.
pub trait Authenticator: Send + Sync + fmt::Debug + 'static {
    /// The credential for a call to a method accepting `scopes`.
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a>;

    /// The API refused `credential` (HTTP 401: revoked, or expired early).
    /// An implementation that can get another forgets it and answers `true`;
    /// the client then sends the request once more. By default nothing
    /// changes and the 401 is the call's answer.
    fn rejected<'a>(&'a self, credential: &'a Credential) -> RejectionFuture<'a> {
        let _ = credential;
        Box::pin(async { false })
    }
}

impl<A: Authenticator + ?Sized> Authenticator for Arc<A> {
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        (**self).credential(scopes)
    }

    fn rejected<'a>(&'a self, credential: &'a Credential) -> RejectionFuture<'a> {
        (**self).rejected(credential)
    }
}

impl<A: Authenticator + ?Sized> Authenticator for Box<A> {
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        (**self).credential(scopes)
    }

    fn rejected<'a>(&'a self, credential: &'a Credential) -> RejectionFuture<'a> {
        (**self).rejected(credential)
    }
}

/// A fixed OAuth access token, for tests and short scripts (say, one printed
/// by `gcloud auth print-access-token`). It is never refreshed.
#[derive(Clone, Debug)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// Sends `token` as a bearer token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Secret::new(token))
    }
}

impl Authenticator for StaticToken {
    fn credential<'a>(&'a self, _scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        let credential = Credential::Bearer(self.0.clone());
        Box::pin(async move { Ok(credential) })
    }
}

/// An API key, for the public data some APIs serve without a user.
#[derive(Clone, Debug)]
pub struct ApiKey(Secret);

impl ApiKey {
    /// Sends `key` in the `X-Goog-Api-Key` header.
    pub fn new(key: impl Into<String>) -> Self {
        Self(Secret::new(key))
    }
}

impl Authenticator for ApiKey {
    fn credential<'a>(&'a self, _scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        let credential = Credential::ApiKey(self.0.clone());
        Box::pin(async move { Ok(credential) })
    }
}

/// Refuses a base URL on plain `http` to anything but this machine: every
/// request's credential would cross the network unencrypted.
pub(crate) fn refuse_plain_http(url: &reqwest::Url, api: &str, origin: &str) -> Result<(), Error> {
    if url.scheme() != "http" || is_loopback(url) {
        return Ok(());
    }
    Err(Error::Config(format!(
        "refusing the base URL {url} for {api} (from {origin}): plain http to {} would carry \
         credentials unencrypted; use https or a loopback address, or opt in with \
         `ClientBuilder::allow_plain_http(true)`",
        url.host_str().unwrap_or("(no host)")
    )))
}

/// `localhost`, `127.0.0.0/8` or `::1`.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback())
}

/// The narrowest of the scopes a method accepts, any one of which grants
/// access: a read-only scope whose full counterpart the method also lists
/// (`contacts.readonly` over `contacts`), else any read-only one, else the first.
pub(crate) fn narrowest_scope<'a>(scopes: &[&'a str]) -> Option<&'a str> {
    let full_of = |scope: &str| {
        scope.strip_suffix(".readonly").or_else(|| scope.strip_suffix(".read")).map(str::to_owned)
    };
    let read_only: Vec<&'a str> =
        scopes.iter().copied().filter(|scope| full_of(scope).is_some()).collect();
    read_only
        .iter()
        .find(|scope| full_of(scope).is_some_and(|full| scopes.contains(&full.as_str())))
        .or_else(|| read_only.first())
        .or_else(|| scopes.first())
        .copied()
}

/// No credential at all.
#[derive(Clone, Copy, Debug, Default)]
pub struct Anonymous;

impl Authenticator for Anonymous {
    fn credential<'a>(&'a self, _scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        Box::pin(async { Ok(Credential::None) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug() {
        let shown =
            format!("{:?} {:?}", StaticToken::new("ya29.very-secret"), ApiKey::new("AIza-secret"));
        assert!(!shown.contains("very-secret") && !shown.contains("AIza"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn the_narrowest_scope_is_the_read_only_twin_of_a_listed_scope() {
        const C: &str = "https://www.googleapis.com/auth/contacts";
        const CR: &str = "https://www.googleapis.com/auth/contacts.readonly";
        const COR: &str = "https://www.googleapis.com/auth/contacts.other.readonly";
        const DR: &str = "https://www.googleapis.com/auth/directory.readonly";
        assert_eq!(narrowest_scope(&[C, COR, CR, DR]), Some(CR));
        assert_eq!(narrowest_scope(&[DR, C]), Some(DR));
        assert_eq!(narrowest_scope(&[C]), Some(C));
        assert_eq!(narrowest_scope(&[]), None);
    }
}
