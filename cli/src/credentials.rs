//! Where a command's credentials come from, in this order: `--token` (or
//! the API's token variable), `--service-account KEY [--subject USER]`, the
//! tokens `login` stored under the user's configuration directory, then
//! Application Default Credentials. The flows are the runtime's.

use std::path::PathBuf;

use clap::ArgMatches;
use gapi_runtime::auth::{Authenticator, OAuth, StaticToken};
use gapi_runtime::{ClientBuilder, Error};

use crate::Failure;
use crate::table::Api;

/// What `login` keeps: the OAuth client, its tokens and the scopes asked for.
struct Stored {
    client_secret: PathBuf,
    tokens: PathBuf,
    scopes: PathBuf,
}

impl Stored {
    /// `<config dir>/gapi/<command>/`, such as `~/.config/gapi/people/`;
    /// `GAPI_CONFIG_DIR` replaces the configuration directory (tests use it).
    fn locate(api: &Api) -> Result<Self, Failure> {
        let base = std::env::var_os("GAPI_CONFIG_DIR")
            .map(PathBuf::from)
            .or_else(dirs::config_dir)
            .ok_or_else(|| {
                Failure::Call("cannot find the user's configuration directory".into())
            })?;
        let dir = base.join("gapi").join(api.command);
        Ok(Self {
            client_secret: dir.join("client_secret.json"),
            tokens: dir.join("tokens.json"),
            scopes: dir.join("scopes.txt"),
        })
    }

    fn exists(&self) -> bool {
        self.client_secret.is_file() && self.tokens.is_file()
    }

    fn scopes(&self) -> Vec<String> {
        std::fs::read_to_string(&self.scopes)
            .map(|text| text.lines().map(str::to_owned).filter(|line| !line.is_empty()).collect())
            .unwrap_or_default()
    }

    async fn authenticator(&self) -> Result<OAuth, Error> {
        let oauth = OAuth::installed_app(&self.client_secret, self.tokens.clone()).await?;
        let scopes = self.scopes();
        Ok(if scopes.is_empty() { oauth } else { oauth.with_scopes(scopes) })
    }
}

/// The `authorization` line a dry run shows: the credential is never fetched.
pub(crate) const REDACTED_AUTHORIZATION: &str = "Bearer [redacted]";

/// Adds the invocation's credentials to `builder`.
pub(crate) async fn authenticate(
    api: &'static Api,
    matches: &ArgMatches,
    builder: ClientBuilder,
) -> Result<ClientBuilder, Failure> {
    let failed = |error: Error| Failure::Call(format!("cannot set up credentials: {error}"));
    if let Some(token) = matches.get_one::<String>("token").filter(|token| !token.is_empty()) {
        return Ok(builder.authenticator(StaticToken::new(token.clone())));
    }
    if let Some(key) = matches.get_one::<String>("service-account") {
        let subject = matches.get_one::<String>("subject").map(String::as_str);
        let oauth = OAuth::service_account(key, subject).await.map_err(failed)?;
        return Ok(builder.authenticator(oauth));
    }
    let stored = Stored::locate(api)?;
    if stored.exists() {
        return Ok(builder.authenticator(stored.authenticator().await.map_err(failed)?));
    }
    match OAuth::application_default().await {
        Ok(oauth) => Ok(builder.authenticator(oauth)),
        Err(error) => Err(Failure::Call(format!(
            "no credentials: pass --token (or set {}), --service-account KEY_FILE, run `{} login`, \
             or set up Application Default Credentials ({error})",
            api.token_env, api.command
        ))),
    }
}

/// `login`: runs the installed-app flow once and keeps the client and its
/// tokens (readable by the user only) for later commands.
pub(crate) async fn login(api: &'static Api, matches: &ArgMatches) -> Result<(), Failure> {
    let stored = Stored::locate(api)?;
    let Some(secret) = matches.get_one::<String>("client-secret") else {
        return Err(Failure::Usage("--client-secret is required".into()));
    };
    let scopes: Vec<String> = match matches.get_many::<String>("scope") {
        Some(scopes) => scopes.cloned().collect(),
        None => api.scopes.iter().map(|scope| (*scope).to_owned()).collect(),
    };
    let io = |what: &str, error: std::io::Error| Failure::Call(format!("cannot {what}: {error}"));
    if let Some(dir) = stored.client_secret.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(&format!("create {}", dir.display()), e))?;
    }
    let text =
        std::fs::read(secret).map_err(|e| Failure::Usage(format!("cannot read {secret}: {e}")))?;
    write_private(&stored.client_secret, &text).map_err(|e| io("store the OAuth client", e))?;
    write_private(&stored.scopes, scopes.join("\n").as_bytes())
        .map_err(|e| io("store the scopes", e))?;
    // A new sign-in: earlier tokens may be for other scopes or another user.
    let _ = std::fs::remove_file(&stored.tokens);
    let oauth = stored
        .authenticator()
        .await
        .map_err(|error| Failure::Call(format!("cannot start the sign-in: {error}")))?;
    oauth
        .credential(&[])
        .await
        .map_err(|error| Failure::Call(format!("sign-in failed: {error}")))?;
    eprintln!("signed in; tokens are kept in {}", stored.tokens.display());
    Ok(())
}

/// `logout`: forgets what `login` stored.
pub(crate) fn logout(api: &'static Api) -> Result<(), Failure> {
    let stored = Stored::locate(api)?;
    for path in [&stored.tokens, &stored.client_secret, &stored.scopes] {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(Failure::Call(format!("cannot remove {}: {error}", path.display())));
            }
        }
    }
    eprintln!("signed out");
    Ok(())
}

/// Writes `bytes` to `path`, readable and writable by its owner only.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    std::io::Write::write_all(&mut options.open(path)?, bytes)
}
