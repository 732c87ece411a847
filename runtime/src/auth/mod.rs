//! Credentials: what each request carries to prove who calls.
//!
//! [`Authenticator`] is the one trait the client needs. This module has the
//! simple ones ([`StaticToken`], [`ApiKey`], [`Anonymous`]); the OAuth flows
//! (installed app, service account, Application Default Credentials) are in
//! `OAuth`, behind the default `oauth` feature.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::Error;

#[cfg(feature = "oauth")]
mod oauth;
#[cfg(feature = "oauth")]
pub use oauth::OAuth;
/// The credentials crate under [`OAuth`], for its key and secret types.
#[cfg(feature = "oauth")]
pub use yup_oauth2;

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

/// Supplies the credential for each request.
///
/// `scopes` are the OAuth scopes the method accepts, any one of which grants
/// access (from the discovery document). Implementations cache tokens and
/// refresh them before they expire; the client asks again on every attempt.
/// `Debug` implementations must not print secrets.
pub trait Authenticator: Send + Sync + fmt::Debug + 'static {
    /// The credential for a call to a method accepting `scopes`.
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a>;
}

impl<A: Authenticator + ?Sized> Authenticator for Arc<A> {
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        (**self).credential(scopes)
    }
}

impl<A: Authenticator + ?Sized> Authenticator for Box<A> {
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        (**self).credential(scopes)
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
}
