//! OAuth 2.0 flows on yup-oauth2: the one maintained Rust crate with the
//! installed-app (consent) flow, token persistence and service-account
//! `subject` delegation.

use std::fmt;
use std::path::{Path, PathBuf};

use yup_oauth2::authenticator::DefaultAuthenticator;

use super::{Authenticator, Credential, CredentialFuture, Secret};
use crate::error::Error;

/// An OAuth 2.0 authenticator: tokens are fetched on first use, cached (in
/// memory, or on disk for the installed-app flow) and refreshed a minute
/// before they expire.
///
/// Scopes: with [`OAuth::with_scopes`], every call uses one token for those
/// scopes (one consent screen). Otherwise each call asks for the first scope
/// its method accepts.
pub struct OAuth {
    inner: DefaultAuthenticator,
    flow: &'static str,
    scopes: Vec<String>,
}

impl OAuth {
    /// The installed-application flow: on first use the user's browser opens
    /// Google's consent page and a local redirect receives the grant; tokens
    /// are kept in `token_cache` (a file) so that later runs do not ask again.
    /// `client_secret` is the JSON file downloaded from the Cloud console.
    pub async fn installed_app(
        client_secret: impl AsRef<Path>,
        token_cache: impl Into<PathBuf>,
    ) -> Result<Self, Error> {
        let path = client_secret.as_ref();
        let secret = yup_oauth2::read_application_secret(path).await.map_err(|error| {
            Error::Config(format!(
                "cannot read the OAuth client secret {}: {error}",
                path.display()
            ))
        })?;
        let inner = yup_oauth2::InstalledFlowAuthenticator::builder(
            secret,
            yup_oauth2::InstalledFlowReturnMethod::HTTPRedirect,
        )
        .persist_tokens_to_disk(token_cache)
        .build()
        .await
        .map_err(|error| Error::Config(format!("cannot set up the installed-app flow: {error}")))?;
        Ok(Self::wrap(inner, "installed_app"))
    }

    /// A service account's JSON key file. With `subject`, the account acts
    /// for that Workspace user (domain-wide delegation).
    pub async fn service_account(
        key_file: impl AsRef<Path>,
        subject: Option<&str>,
    ) -> Result<Self, Error> {
        let path = key_file.as_ref();
        let key = yup_oauth2::read_service_account_key(path).await.map_err(|error| {
            Error::Config(format!(
                "cannot read the service account key {}: {error}",
                path.display()
            ))
        })?;
        Self::service_account_key(key, subject).await
    }

    /// A service account from an already parsed key.
    pub async fn service_account_key(
        key: yup_oauth2::ServiceAccountKey,
        subject: Option<&str>,
    ) -> Result<Self, Error> {
        let mut builder = yup_oauth2::ServiceAccountAuthenticator::builder(key);
        if let Some(subject) = subject {
            builder = builder.subject(subject);
        }
        let inner = builder.build().await.map_err(|error| {
            Error::Config(format!("cannot set up the service account flow: {error}"))
        })?;
        Ok(Self::wrap(inner, "service_account"))
    }

    /// Application Default Credentials, in Google's order: the key file named
    /// by `GOOGLE_APPLICATION_CREDENTIALS` (service account or authorized
    /// user), then gcloud's `application_default_credentials.json`, then the
    /// metadata server of the Google Cloud machine the program runs on.
    pub async fn application_default() -> Result<Self, Error> {
        if let Some(path) = std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS") {
            return Self::from_credentials_file(Path::new(&path)).await;
        }
        if let Some(path) = gcloud_credentials_file().filter(|path| path.is_file()) {
            return Self::from_credentials_file(&path).await;
        }
        let builder = yup_oauth2::ApplicationDefaultCredentialsAuthenticator::builder(
            yup_oauth2::ApplicationDefaultCredentialsFlowOpts::default(),
        )
        .await;
        let inner = match builder {
            yup_oauth2::authenticator::ApplicationDefaultCredentialsTypes::ServiceAccount(
                builder,
            ) => builder.build().await,
            yup_oauth2::authenticator::ApplicationDefaultCredentialsTypes::InstanceMetadata(
                builder,
            ) => builder.build().await,
        }
        .map_err(|error| {
            Error::Config(format!("cannot set up the metadata server flow: {error}"))
        })?;
        Ok(Self::wrap(inner, "metadata_server"))
    }

    /// Requests tokens for exactly these scopes on every call.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    async fn from_credentials_file(path: &Path) -> Result<Self, Error> {
        let text = read_text(path)?;
        let kind = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|value| value.get("type").and_then(|kind| kind.as_str()).map(str::to_owned));
        match kind.as_deref() {
            Some("service_account") => {
                let key = yup_oauth2::parse_service_account_key(&text).map_err(|error| {
                    Error::Config(format!(
                        "{}: invalid service account key: {error}",
                        path.display()
                    ))
                })?;
                Self::service_account_key(key, None).await
            }
            Some("authorized_user") => {
                let secret = serde_json::from_str::<
                    yup_oauth2::authorized_user::AuthorizedUserSecret,
                >(&text)
                .map_err(|error| {
                    Error::Config(format!(
                        "{}: invalid authorized user credentials: {error}",
                        path.display()
                    ))
                })?;
                let inner = yup_oauth2::AuthorizedUserAuthenticator::builder(secret)
                    .build()
                    .await
                    .map_err(|error| {
                        Error::Config(format!("cannot set up the authorized user flow: {error}"))
                    })?;
                Ok(Self::wrap(inner, "authorized_user"))
            }
            other => Err(Error::Config(format!(
                "{}: unsupported credentials type {:?} (expected \"service_account\" or \"authorized_user\")",
                path.display(),
                other.unwrap_or("(none)")
            ))),
        }
    }

    fn wrap(inner: DefaultAuthenticator, flow: &'static str) -> Self {
        Self { inner, flow, scopes: Vec::new() }
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("flow", &self.flow)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Authenticator for OAuth {
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        Box::pin(async move {
            let token = if self.scopes.is_empty() {
                self.inner.token(&scopes[..scopes.len().min(1)]).await
            } else {
                self.inner.token(&self.scopes).await
            };
            let token =
                token.map_err(|error| Error::Auth { method: "", message: error.to_string() })?;
            match token.token() {
                Some(token) => Ok(Credential::Bearer(Secret::new(token))),
                None => Err(Error::Auth {
                    method: "",
                    message: "the token endpoint returned no access token".into(),
                }),
            }
        })
    }
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|error| {
        Error::Config(format!("cannot read the credentials file {}: {error}", path.display()))
    })
}

/// Where `gcloud auth application-default login` writes its credentials.
fn gcloud_credentials_file() -> Option<PathBuf> {
    let config_dir = if cfg!(windows) {
        PathBuf::from(std::env::var_os("APPDATA")?).join("gcloud")
    } else {
        PathBuf::from(std::env::var_os("HOME")?).join(".config").join("gcloud")
    };
    Some(config_dir.join("application_default_credentials.json"))
}
