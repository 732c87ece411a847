//! OAuth 2.0 on reqwest: the installed-app flow (PKCE, a loopback redirect,
//! a token file), service accounts (an RS256 JWT, with or without `subject`),
//! gcloud's `authorized_user` file and the metadata server.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;

use super::endpoint::{
    EndpointError, GOOGLE_TOKEN_URI, Token, read_token, request_token, require_private_transport,
};
use super::installed::ClientSecret;
use super::service_account::{ServiceAccountKey, config_text};
use super::{
    Authenticator, Credential, CredentialFuture, RejectionFuture, Secret, narrowest_scope,
    token_file,
};
use crate::error::Error;

/// An OAuth 2.0 authenticator: tokens are fetched on first use, cached (in
/// memory, and in a file for the installed-app flow) and refreshed a minute
/// before they expire.
///
/// Scopes: with [`OAuth::with_scopes`], every call uses one token for those
/// scopes (one consent screen for the whole program). Otherwise each call
/// asks for the narrowest scope its method accepts: a read-only one when the
/// method lists one.
pub struct OAuth {
    source: Source,
    http: reqwest::Client,
    scopes: Vec<String>,
    tokens: Mutex<Vec<Token>>,
}

/// Where tokens come from.
enum Source {
    InstalledApp { client: ClientSecret, token_file: PathBuf },
    ServiceAccount { key: ServiceAccountKey, subject: Option<String> },
    AuthorizedUser(AuthorizedUser),
    MetadataServer { host: String },
}

/// gcloud's `application_default_credentials.json`. Not `Debug`: it holds secrets.
struct AuthorizedUserFile {
    client_id: String,
    client_secret: String,
    refresh_token: String,
    token_uri: Option<String>,
}

impl AuthorizedUserFile {
    fn parse(json: &str) -> Result<Self, String> {
        let fields = crate::json::Fields::parse(json.as_bytes())?;
        Ok(Self {
            client_id: fields.required_text("client_id")?,
            client_secret: fields.required_text("client_secret")?,
            refresh_token: fields.required_text("refresh_token")?,
            token_uri: fields.text("token_uri")?,
        })
    }
}

struct AuthorizedUser {
    client_id: String,
    client_secret: Secret,
    refresh_token: Secret,
    token_uri: String,
}

impl Source {
    fn flow(&self) -> &'static str {
        match self {
            Self::InstalledApp { .. } => "installed_app",
            Self::ServiceAccount { .. } => "service_account",
            Self::AuthorizedUser(_) => "authorized_user",
            Self::MetadataServer { .. } => "metadata_server",
        }
    }
}

/// The metadata server's host, as Google's libraries find it.
const METADATA_HOST_ENV: &str = "GCE_METADATA_HOST";
const METADATA_HOST: &str = "metadata.google.internal";

impl OAuth {
    /// The installed-application flow. On first use it prints the consent
    /// page's address and opens it in the user's browser (the programs in
    /// `BROWSER`, else the platform's opener: `xdg-open`, `open`, `rundll32`);
    /// a listener on 127.0.0.1 receives the code, which is traded for tokens
    /// with a PKCE verifier. Tokens are kept in `token_file` (written
    /// atomically, readable by its owner only), so later runs do not ask
    /// again; a token file that does not parse means a new sign-in.
    /// `client_secret` is the JSON file of a "Desktop app" OAuth client.
    pub async fn installed_app(
        client_secret: impl AsRef<Path>,
        token_file: impl Into<PathBuf>,
    ) -> Result<Self, Error> {
        let client = ClientSecret::from_file(client_secret.as_ref())?;
        let token_file = token_file.into();
        let tokens = token_file::load(&token_file, &client.client_id)?;
        let mut oauth = Self::new(Source::InstalledApp { client, token_file })?;
        oauth.tokens = Mutex::new(tokens);
        Ok(oauth)
    }

    /// A service account's JSON key file. With `subject`, the account acts
    /// for that Workspace user (domain-wide delegation).
    pub async fn service_account(
        key_file: impl AsRef<Path>,
        subject: Option<&str>,
    ) -> Result<Self, Error> {
        Self::service_account_key(ServiceAccountKey::from_file(key_file)?, subject).await
    }

    /// A service account from an already parsed key.
    pub async fn service_account_key(
        key: ServiceAccountKey,
        subject: Option<&str>,
    ) -> Result<Self, Error> {
        Self::new(Source::ServiceAccount { key, subject: subject.map(str::to_owned) })
    }

    /// Application Default Credentials, in Google's order: the file named by
    /// `GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's
    /// `application_default_credentials.json`, then the metadata server of
    /// the Google Cloud machine the program runs on (`GCE_METADATA_HOST`
    /// overrides its host). See [`OAuth::credentials_file`] for the file types.
    pub async fn application_default() -> Result<Self, Error> {
        if let Some(path) =
            std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS").filter(|p| !p.is_empty())
        {
            return Self::credentials_file(Path::new(&path)).await;
        }
        let gcloud = gcloud_credentials_file();
        if let Some(path) = gcloud.as_ref().filter(|path| path.is_file()) {
            return Self::credentials_file(path).await;
        }
        let oauth = Self::metadata_server()?;
        if let Source::MetadataServer { host } = &oauth.source {
            if let Err(error) = probe_metadata_server(&oauth.http, host).await {
                return Err(Error::Config(format!(
                    "no Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS is not set, {} \
                     does not exist, and {error}. Run `gcloud auth application-default login`, or \
                     set GOOGLE_APPLICATION_CREDENTIALS to a service account key file",
                    gcloud.as_ref().map_or_else(
                        || "gcloud's credentials file".into(),
                        |p| p.display().to_string()
                    )
                )));
            }
        }
        Ok(oauth)
    }

    /// A credentials file of the kinds Application Default Credentials reads:
    /// `service_account` (a key) or `authorized_user` (what `gcloud auth
    /// application-default login` writes; its `token_uri` is honoured). Other
    /// types are refused with what to do instead.
    pub async fn credentials_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let failed = |message: String| Error::Config(format!("{}: {message}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|error| {
            Error::Config(format!("cannot read the credentials file {}: {error}", path.display()))
        })?;
        let kind = serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|error| {
                failed(format!(
                    "not a JSON credentials file (line {}, column {})",
                    error.line(),
                    error.column()
                ))
            })?
            .get("type")
            .and_then(|kind| kind.as_str())
            .map(str::to_owned);
        match kind.as_deref() {
            Some("service_account") => {
                let key =
                    ServiceAccountKey::from_json(&text).map_err(|e| failed(config_text(e)))?;
                Self::service_account_key(key, None).await
            }
            Some("authorized_user") => {
                let file = AuthorizedUserFile::parse(&text).map_err(|error| {
                    failed(format!("invalid authorized_user credentials: {error}"))
                })?;
                let token_uri = file.token_uri.unwrap_or_else(|| GOOGLE_TOKEN_URI.to_owned());
                require_private_transport(&token_uri, "the credentials' token_uri")
                    .map_err(|e| failed(config_text(e)))?;
                Self::new(Source::AuthorizedUser(AuthorizedUser {
                    client_id: file.client_id,
                    client_secret: Secret::new(file.client_secret),
                    refresh_token: Secret::new(file.refresh_token),
                    token_uri,
                }))
            }
            Some(kind @ ("external_account" | "external_account_authorized_user")) => {
                Err(failed(format!(
                    "credentials of type {kind:?} (workload identity federation) are not supported by \
                 gapi-runtime: use a service account key or `gcloud auth application-default \
                 login`, or pass a token obtained elsewhere (`gcloud auth print-access-token`) as \
                 `StaticToken`"
                )))
            }
            Some("impersonated_service_account") => Err(failed(
                "credentials of type \"impersonated_service_account\" (service account \
                 impersonation) are not supported by gapi-runtime: use the service account's own \
                 key file, or pass a token from `gcloud auth print-access-token \
                 --impersonate-service-account=EMAIL` as `StaticToken`"
                    .into(),
            )),
            Some(other) => Err(failed(format!(
                "credentials of type {other:?} are not supported by gapi-runtime (it reads \
                 \"service_account\" and \"authorized_user\")"
            ))),
            None => Err(failed(
                "the file has no \"type\" (expected \"service_account\" or \"authorized_user\")"
                    .into(),
            )),
        }
    }

    /// The metadata server of the Google Cloud machine the program runs on,
    /// at `GCE_METADATA_HOST` (a host and port) when it is set.
    pub fn metadata_server() -> Result<Self, Error> {
        let host = std::env::var(METADATA_HOST_ENV)
            .ok()
            .filter(|host| !host.trim().is_empty())
            .unwrap_or_else(|| METADATA_HOST.to_owned());
        reqwest::Url::parse(&format!("http://{host}/")).map_err(|error| {
            Error::Config(format!("{METADATA_HOST_ENV}={host:?} is not a host and port: {error}"))
        })?;
        Self::new(Source::MetadataServer { host })
    }

    /// Requests tokens for exactly these scopes on every call (one consent
    /// screen covering every call of the program).
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Fetches tokens with this HTTP client (a proxy, custom roots) instead
    /// of the runtime's own.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    fn new(source: Source) -> Result<Self, Error> {
        let user_agent = concat!("gapi-runtime/", env!("CARGO_PKG_VERSION"));
        let http = crate::client::http_client(user_agent, Duration::from_secs(10))?;
        Ok(Self { source, http, scopes: Vec::new(), tokens: Mutex::new(Vec::new()) })
    }

    /// A fresh token for `wanted` (or, already held, for any of `accepted`):
    /// the cached one, a refreshed one, or a new one.
    async fn token(&self, wanted: &[String], accepted: &[&str]) -> Result<Secret, Error> {
        let mut tokens = self.tokens.lock().await;
        if let Some(token) =
            tokens.iter().find(|token| token.is_fresh() && token.serves(wanted, accepted))
        {
            return Ok(token.access.clone());
        }
        let auth = |message: String| Error::Auth { method: "", message };
        let token = match &self.source {
            Source::InstalledApp { client, token_file } => {
                return self
                    .installed_token(&mut tokens, client, token_file, wanted, accepted)
                    .await;
            }
            Source::ServiceAccount { key, subject } => {
                let assertion = key.assertion(wanted, subject.as_deref())?;
                let form = [
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", &assertion),
                ];
                request_token(&self.http, key.token_uri(), &form, wanted).await.map_err(
                    |error| {
                        let hint = match (subject, &error) {
                            (Some(_), EndpointError::Refused { error, .. })
                                if error == "unauthorized_client" =>
                            {
                                ": grant the account domain-wide delegation of these scopes in the \
                             Workspace admin console"
                            }
                            _ => "",
                        };
                        auth(format!("service account {}: {error}{hint}", key.client_email()))
                    },
                )?
            }
            Source::AuthorizedUser(user) => {
                let form = [
                    ("grant_type", "refresh_token"),
                    ("refresh_token", user.refresh_token.expose()),
                    ("client_id", &user.client_id),
                    ("client_secret", user.client_secret.expose()),
                ];
                request_token(&self.http, &user.token_uri, &form, wanted).await.map_err(
                    |error| {
                        let hint = if error.is_invalid_grant() {
                            ": the sign-in was revoked or has expired; run `gcloud auth \
                         application-default login` again"
                        } else {
                            ""
                        };
                        auth(format!("authorized_user credentials: {error}{hint}"))
                    },
                )?
            }
            Source::MetadataServer { host } => {
                let url = format!(
                    "http://{host}/computeMetadata/v1/instance/service-accounts/default/token"
                );
                let mut url = reqwest::Url::parse(&url)
                    .map_err(|error| auth(format!("the metadata server at {host}: {error}")))?;
                url.query_pairs_mut().append_pair("scopes", &wanted.join(","));
                let request = self.http.get(url).header("metadata-flavor", "Google");
                read_token(request, wanted)
                    .await
                    .map_err(|error| auth(format!("the metadata server at {host}: {error}")))?
            }
        };
        tokens.retain(Token::is_fresh);
        let access = token.access.clone();
        tokens.push(token);
        Ok(access)
    }

    /// The installed-app flow's token: refreshed with a stored refresh token,
    /// else a new sign-in; the token file follows every change.
    async fn installed_token(
        &self,
        tokens: &mut Vec<Token>,
        client: &ClientSecret,
        token_file: &Path,
        wanted: &[String],
        accepted: &[&str],
    ) -> Result<Secret, Error> {
        let auth = |message: String| Error::Auth { method: "", message };
        let save = |tokens: &[Token]| {
            if let Err(error) = token_file::save(token_file, &client.client_id, tokens) {
                tracing::warn!(%error, "the token was not saved; the next run signs in again");
            }
        };
        let refreshable = |serves: &dyn Fn(&Token) -> bool| {
            tokens.iter().position(|token| token.refresh.is_some() && serves(token))
        };
        let stored = refreshable(&|token| token.covers(wanted))
            .or_else(|| refreshable(&|token| token.serves(wanted, accepted)));
        if let Some((index, refresh)) = stored.and_then(|i| Some((i, tokens[i].refresh.clone()?))) {
            let scopes = tokens[index].scopes.clone();
            return match client.refresh(&self.http, &refresh, &scopes).await {
                Ok(mut token) => {
                    token.refresh = token.refresh.or(Some(refresh));
                    let access = token.access.clone();
                    tokens[index] = token;
                    save(tokens);
                    Ok(access)
                }
                Err(error) if error.is_invalid_grant() => {
                    tokens.remove(index);
                    save(tokens);
                    Err(auth(format!(
                        "the sign-in saved in {} was revoked or has expired ({error}): sign in \
                         again; the next call opens the consent page",
                        token_file.display()
                    )))
                }
                Err(error) => Err(auth(format!("cannot refresh the access token: {error}"))),
            };
        }
        let token = client.sign_in(&self.http, wanted).await?;
        if !token.covers(wanted) {
            return Err(auth(format!(
                "the consent granted {} but the call needs {}: sign in again and allow it",
                token.scopes.join(" "),
                wanted.join(" ")
            )));
        }
        tokens.retain(|old| !token.covers(&old.scopes));
        let access = token.access.clone();
        tokens.push(token);
        save(tokens);
        Ok(access)
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("flow", &self.source.flow())
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Authenticator for OAuth {
    fn credential<'a>(&'a self, scopes: &'a [&'static str]) -> CredentialFuture<'a> {
        Box::pin(async move {
            let (wanted, accepted) = if self.scopes.is_empty() {
                let narrowest = narrowest_scope(scopes).ok_or_else(|| Error::Auth {
                    method: "",
                    message:
                        "the method lists no OAuth scope: name the scopes with `OAuth::with_scopes`"
                            .into(),
                })?;
                (vec![narrowest.to_owned()], scopes)
            } else {
                (self.scopes.clone(), &[][..])
            };
            self.token(&wanted, accepted).await.map(Credential::Bearer)
        })
    }

    /// Marks the refused token expired: the next call gets a new one (with
    /// the refresh token it came with, where there is one).
    fn rejected<'a>(&'a self, credential: &'a Credential) -> RejectionFuture<'a> {
        Box::pin(async move {
            let Credential::Bearer(refused) = credential else { return false };
            let mut tokens = self.tokens.lock().await;
            let mut found = false;
            for token in tokens.iter_mut().filter(|token| token.access == *refused) {
                token.expires_at = SystemTime::UNIX_EPOCH;
                found = true;
            }
            found
        })
    }
}

/// Asks the metadata server whether it is there (a short wait: off Google
/// Cloud, nothing answers).
async fn probe_metadata_server(http: &reqwest::Client, host: &str) -> Result<(), String> {
    let response = http
        .get(format!("http://{host}/computeMetadata/v1/"))
        .header("metadata-flavor", "Google")
        .timeout(Duration::from_secs(3))
        .send()
        .await
        .map_err(|error| {
            format!("no metadata server answers at {host} ({})", super::endpoint::causes(error))
        })?;
    let flavor = response.headers().get("metadata-flavor").and_then(|value| value.to_str().ok());
    if flavor == Some("Google") {
        Ok(())
    } else {
        Err(format!("what answers at {host} is not a Google metadata server"))
    }
}

/// Where `gcloud auth application-default login` writes its credentials.
fn gcloud_credentials_file() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CLOUDSDK_CONFIG").filter(|dir| !dir.is_empty()) {
        return Some(PathBuf::from(dir).join("application_default_credentials.json"));
    }
    let config_dir = if cfg!(windows) {
        PathBuf::from(std::env::var_os("APPDATA")?).join("gcloud")
    } else {
        PathBuf::from(std::env::var_os("HOME")?).join(".config").join("gcloud")
    };
    Some(config_dir.join("application_default_credentials.json"))
}
