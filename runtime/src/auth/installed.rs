//! The installed-application flow (RFC 8252): the consent page in the user's
//! browser, a one-shot listener on 127.0.0.1 receiving the code, and the code
//! traded for tokens with its PKCE verifier (RFC 7636).

use std::fmt;
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::Secret;
use super::endpoint::{
    EndpointError, Token, random_text, request_token, require_private_transport,
};
use crate::error::Error;
use crate::json::Fields;

/// How long the flow waits for the browser to come back with a code.
const CONSENT_TIMEOUT: Duration = Duration::from_secs(300);

/// An OAuth client of type "Desktop app", from the console's JSON file.
#[derive(Clone)]
pub(crate) struct ClientSecret {
    pub(crate) client_id: String,
    client_secret: Option<Secret>,
    auth_uri: String,
    pub(crate) token_uri: String,
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecret").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

impl ClientSecret {
    pub(crate) fn from_file(path: &Path) -> Result<Self, Error> {
        let failed = |message: String| {
            Error::Config(format!("the OAuth client secret {}: {message}", path.display()))
        };
        let text = std::fs::read_to_string(path)
            .map_err(|error| failed(format!("cannot read it: {error}")))?;
        // `{"installed": {...}}`; its fields hold the client secret.
        let mut file = Fields::parse(text.as_bytes())
            .map_err(|error| failed(format!("not a client secret file: {error}")))?;
        let Some(fields) = file.take("installed").and_then(Fields::of) else {
            return Err(failed(if file.has("web") {
                "it is a \"Web application\" client; create a \"Desktop app\" OAuth client for \
                 the installed-app flow"
                    .into()
            } else {
                "it has no \"installed\" section (download the JSON of a \"Desktop app\" OAuth client)".into()
            }));
        };
        let read = |name: &str| {
            fields.text(name).map_err(|error| failed(format!("not a client secret file: {error}")))
        };
        let client_id = fields
            .required_text("client_id")
            .map_err(|error| failed(format!("not a client secret file: {error}")))?;
        let (client_secret, auth_uri, token_uri) =
            (read("client_secret")?, read("auth_uri")?, read("token_uri")?);
        let auth_uri =
            auth_uri.unwrap_or_else(|| "https://accounts.google.com/o/oauth2/auth".into());
        let token_uri = token_uri.unwrap_or_else(|| super::endpoint::GOOGLE_TOKEN_URI.into());
        require_private_transport(&auth_uri, "the client secret's auth_uri")
            .map_err(|e| failed(super::service_account::config_text(e)))?;
        require_private_transport(&token_uri, "the client secret's token_uri")
            .map_err(|e| failed(super::service_account::config_text(e)))?;
        Ok(Self { client_id, client_secret: client_secret.map(Secret::new), auth_uri, token_uri })
    }

    /// Trades a refresh token for a new access token.
    pub(crate) async fn refresh(
        &self,
        http: &reqwest::Client,
        refresh: &Secret,
        scopes: &[String],
    ) -> Result<Token, EndpointError> {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
            ("client_id", self.client_id.as_str()),
        ];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        request_token(http, &self.token_uri, &form, scopes).await
    }

    /// The whole consent: opens the browser, waits for the code, trades it.
    pub(crate) async fn sign_in(
        &self,
        http: &reqwest::Client,
        scopes: &[String],
    ) -> Result<Token, Error> {
        let auth = |message: String| Error::Auth { method: "", message };
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|error| {
            auth(format!("cannot listen on 127.0.0.1 for the consent's answer: {error}"))
        })?;
        let port = listener
            .local_addr()
            .map_err(|error| {
                auth(format!("cannot listen on 127.0.0.1 for the consent's answer: {error}"))
            })?
            .port();
        let redirect_uri = format!("http://127.0.0.1:{port}/");
        let verifier = random_text(32)?;
        let challenge = URL_SAFE_NO_PAD
            .encode(ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()));
        let state = random_text(16)?;
        let mut url = reqwest::Url::parse(&self.auth_uri)
            .map_err(|error| auth(format!("invalid auth_uri: {error}")))?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", &state)
            .append_pair("access_type", "offline");
        let url = url.to_string();
        eprintln!(
            "To sign in, open this address in a browser (one is being opened for you):\n\n    {url}\n"
        );
        if !open_browser(&url) {
            tracing::warn!("no browser could be opened; open the printed address by hand");
        }
        let code = tokio::time::timeout(CONSENT_TIMEOUT, receive_code(&listener, &state))
            .await
            .map_err(|_| {
                auth(format!(
                    "no answer from the consent page within {} minutes: run the program again to sign in",
                    CONSENT_TIMEOUT.as_secs() / 60
                ))
            })??;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_id", self.client_id.as_str()),
            ("code_verifier", verifier.as_str()),
        ];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        request_token(http, &self.token_uri, &form, scopes)
            .await
            .map_err(|error| auth(format!("cannot trade the consent's code for a token: {error}")))
    }
}

/// Serves the redirect until a request carries the code (or a refusal) with
/// our `state`; other requests (a favicon) get a 404.
async fn receive_code(listener: &TcpListener, state: &str) -> Result<Secret, Error> {
    let auth = |message: String| Error::Auth { method: "", message };
    loop {
        let (mut stream, _) = listener
            .accept()
            .await
            .map_err(|error| auth(format!("the consent listener failed: {error}")))?;
        let Some(target) = read_request_target(&mut stream).await else {
            continue;
        };
        let Ok(url) = reqwest::Url::parse("http://127.0.0.1/").and_then(|base| base.join(&target))
        else {
            respond(&mut stream, "400 Bad Request", "Not a consent answer.").await;
            continue;
        };
        let mut code = None;
        let mut error = None;
        let mut returned_state = None;
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "code" => code = Some(Secret::new(value.into_owned())),
                "error" => error = Some(value.into_owned()),
                "state" => returned_state = Some(value.into_owned()),
                _ => {}
            }
        }
        if code.is_none() && error.is_none() {
            respond(&mut stream, "404 Not Found", "Nothing here.").await;
            continue;
        }
        if returned_state.as_deref() != Some(state) {
            respond(&mut stream, "400 Bad Request", "This answer belongs to another sign-in.")
                .await;
            continue;
        }
        if let Some(error) = error {
            respond(&mut stream, "200 OK", "Sign-in cancelled. You can close this window.").await;
            let error: String = error.chars().filter(|c| c.is_ascii_graphic()).take(64).collect();
            return Err(auth(format!(
                "the consent was not given ({error}): run the program again to sign in"
            )));
        }
        respond(&mut stream, "200 OK", "Signed in. You can close this window.").await;
        if let Some(code) = code {
            return Ok(code);
        }
    }
}

/// The target of an HTTP/1 request line (`/?code=...`), after reading the head.
async fn read_request_target(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0; 2048];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if read == 0 || head.len() > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let line = head.split(|byte| *byte == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_owned)
}

async fn respond(stream: &mut tokio::net::TcpStream, status: &str, text: &str) {
    let body = format!("<!doctype html><title>Sign-in</title><p>{text}</p>\n");
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Opens `url` with the programs in `BROWSER` (separated by the platform's
/// path separator; `%s` stands for the address, else it goes last), or the
/// platform's opener. The browser runs on; a thread reaps it.
fn open_browser(url: &str) -> bool {
    if let Some(browsers) = std::env::var_os("BROWSER").filter(|value| !value.is_empty()) {
        let browsers = browsers.to_string_lossy().into_owned();
        let separator = if cfg!(windows) { ';' } else { ':' };
        return browsers.split(separator).any(|command| spawn(command, url));
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "rundll32 url.dll,FileProtocolHandler"
    } else {
        "xdg-open"
    };
    spawn(opener, url)
}

fn spawn(command: &str, url: &str) -> bool {
    let mut words = command.split_whitespace();
    let Some(program) = words.next() else { return false };
    let mut arguments: Vec<String> = words.map(|word| word.replace("%s", url)).collect();
    if !command.contains("%s") {
        arguments.push(url.to_owned());
    }
    let child = std::process::Command::new(program)
        .args(&arguments)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn();
    match child {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
            true
        }
        Err(error) => {
            tracing::debug!(program, %error, "cannot start the browser");
            false
        }
    }
}
