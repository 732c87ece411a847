//! A fake OAuth 2.0 server on 127.0.0.1 for the credential tests, strict
//! where Google is:
//!
//! - `GET /authorize`, the consent page: checks the client, the redirect URI
//!   (plain http to a loopback address) and the PKCE challenge (S256), then
//!   redirects to the redirect URI with a one-time code and the `state`;
//! - `POST /token`: `authorization_code` (the code, its client and secret,
//!   the same redirect URI, and the verifier whose SHA-256 is the challenge),
//!   `refresh_token` (refused with `invalid_grant` once revoked) and
//!   `jwt-bearer` (the JWT's RS256 signature against the service account's
//!   public key, and its `iss`, `aud`, `scope`, `iat`/`exp`; `sub` recorded);
//! - the metadata server's `/computeMetadata/v1/` and its token path, which
//!   require `Metadata-Flavor: Google`.
//!
//! Access tokens are random; [`FakeOAuth::next_access_token`] reserves the
//! next one, so that a test can start a fake People API that accepts it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub mod faults;
pub mod load;
pub mod soak;

/// The OAuth client the fake knows.
pub const CLIENT_ID: &str = "1234-fake.apps.googleusercontent.com";
/// Its secret.
pub const CLIENT_SECRET: &str = "GOCSPX-fake-client-secret-b9d1";

/// The throwaway service-account key of the tests (its `token_uri` a placeholder).
pub const SERVICE_ACCOUNT_KEY: &str =
    include_str!("../../runtime/tests/fixtures/throwaway_service_account.json");

/// A grant the token endpoint made, as the tests inspect it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// `authorization_code`, `refresh_token`, `jwt-bearer` or `metadata`.
    pub kind: &'static str,
    /// The scopes asked for (space-separated, as sent).
    pub scope: String,
    /// The JWT's `sub`, for `jwt-bearer`.
    pub subject: Option<String>,
}

/// Why the fake refused a request, for assertions and failure messages.
pub type Refusal = String;

#[derive(Default)]
struct State {
    /// code → (redirect URI, challenge, scope)
    codes: HashMap<String, (String, String, String)>,
    /// refresh token → scope
    refresh_tokens: HashMap<String, String>,
    revoked: HashSet<String>,
    /// client_email → RSAPublicKey DER
    service_accounts: HashMap<String, Vec<u8>>,
    next_access: VecDeque<String>,
    lifetime: u64,
    consents: Vec<String>,
    grants: Vec<Grant>,
    refusals: Vec<Refusal>,
    secrets: Vec<String>,
    counter: u64,
}

/// The fake server; stops when dropped.
pub struct FakeOAuth {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl FakeOAuth {
    /// Starts the server with every endpoint mounted; tokens live an hour.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State { lifetime: 3600, ..State::default() }));
        let token_url = format!("{}/token", server.uri());
        let shared = Arc::clone(&state);
        Mock::given(method("GET"))
            .and(path("/authorize"))
            .respond_with(move |request: &Request| authorize(&mut lock(&shared), request))
            .mount(&server)
            .await;
        let shared = Arc::clone(&state);
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(move |request: &Request| token(&mut lock(&shared), request, &token_url))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/computeMetadata/v1/"))
            .respond_with(|request: &Request| {
                if flavored(request) {
                    ResponseTemplate::new(200).insert_header("metadata-flavor", "Google")
                } else {
                    ResponseTemplate::new(403)
                }
            })
            .mount(&server)
            .await;
        let shared = Arc::clone(&state);
        Mock::given(method("GET"))
            .and(path("/computeMetadata/v1/instance/service-accounts/default/token"))
            .respond_with(move |request: &Request| metadata_token(&mut lock(&shared), request))
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// `127.0.0.1:PORT`, for `GCE_METADATA_HOST`.
    pub fn host(&self) -> String {
        self.server.address().to_string()
    }

    /// The token endpoint's URL.
    pub fn token_uri(&self) -> String {
        format!("{}/token", self.uri())
    }

    /// A "Desktop app" client secret file's JSON pointing at this server.
    pub fn client_secret_json(&self) -> String {
        json!({"installed": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_uri": format!("{}/authorize", self.uri()),
            "token_uri": self.token_uri(),
            "redirect_uris": ["http://localhost"],
        }})
        .to_string()
    }

    /// The service-account key with its `token_uri` here, its public key trusted.
    pub fn service_account_key_json(&self) -> String {
        let key: Value = serde_json::from_str(SERVICE_ACCOUNT_KEY).unwrap_or_default();
        let email = key["client_email"].as_str().unwrap_or_default().to_owned();
        let public = public_key_of(key["private_key"].as_str().unwrap_or_default());
        lock(&self.state).service_accounts.insert(email, public);
        SERVICE_ACCOUNT_KEY.replace("TOKEN_URI_PLACEHOLDER", &self.token_uri())
    }

    /// An `authorized_user` file (as gcloud writes it) whose refresh token
    /// this server honours, its `token_uri` here.
    pub fn authorized_user_json(&self) -> String {
        let refresh = {
            let mut state = lock(&self.state);
            let refresh = fresh_secret(&mut state, "1//fake-refresh");
            state.refresh_tokens.insert(refresh.clone(), String::new());
            refresh
        };
        json!({
            "type": "authorized_user",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": refresh,
            "token_uri": self.token_uri(),
        })
        .to_string()
    }

    /// Reserves the access token the next grant issues.
    pub fn next_access_token(&self) -> String {
        let mut state = lock(&self.state);
        let token = fresh_secret(&mut state, "ya29.fake");
        state.next_access.push_back(token.clone());
        token
    }

    /// How long tokens issued from now on live, in seconds.
    pub fn set_lifetime(&self, seconds: u64) {
        lock(&self.state).lifetime = seconds;
    }

    /// Revokes every refresh token issued so far (the user removed the app's access).
    pub fn revoke_refresh_tokens(&self) {
        let mut state = lock(&self.state);
        let issued: Vec<String> = state.refresh_tokens.keys().cloned().collect();
        state.revoked.extend(issued);
    }

    /// The `scope` of each consent page shown, in order.
    pub fn consents(&self) -> Vec<String> {
        lock(&self.state).consents.clone()
    }

    /// Every grant made, in order.
    pub fn grants(&self) -> Vec<Grant> {
        lock(&self.state).grants.clone()
    }

    /// Every request refused, and why.
    pub fn refusals(&self) -> Vec<Refusal> {
        lock(&self.state).refusals.clone()
    }

    /// Every token and code this server issued, and the client secret: what
    /// must never show in a log or an error.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = lock(&self.state).secrets.clone();
        secrets.push(CLIENT_SECRET.to_owned());
        secrets
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn fresh_secret(state: &mut State, prefix: &str) -> String {
    state.counter += 1;
    let token = format!("{prefix}-{}-{:016x}", state.counter, random_u64());
    state.secrets.push(token.clone());
    token
}

fn random_u64() -> u64 {
    use ring::rand::SecureRandom;
    let mut bytes = [0; 8];
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

fn flavored(request: &Request) -> bool {
    request.headers.get("metadata-flavor").and_then(|v| v.to_str().ok()) == Some("Google")
}

fn refuse(state: &mut State, status: u16, error: &str, why: &str) -> ResponseTemplate {
    state.refusals.push(format!("{error}: {why}"));
    ResponseTemplate::new(status).set_body_json(json!({"error": error, "error_description": why}))
}

fn issue(state: &mut State, grant: Grant, refresh: Option<String>) -> ResponseTemplate {
    let access = match state.next_access.pop_front() {
        Some(reserved) => reserved,
        None => fresh_secret(state, "ya29.fake"),
    };
    let mut body = json!({
        "access_token": access,
        "expires_in": state.lifetime,
        "token_type": "Bearer",
    });
    if !grant.scope.is_empty() {
        body["scope"] = grant.scope.clone().into();
    }
    if let Some(refresh) = refresh {
        body["refresh_token"] = refresh.into();
    }
    state.grants.push(grant);
    ResponseTemplate::new(200).set_body_json(body)
}

fn authorize(state: &mut State, request: &Request) -> ResponseTemplate {
    let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
    let get = |name: &str| query.get(name).cloned().unwrap_or_default();
    if get("client_id") != CLIENT_ID {
        return refuse(state, 400, "invalid_client", "unknown client_id");
    }
    if get("response_type") != "code" {
        return refuse(state, 400, "unsupported_response_type", "response_type must be code");
    }
    if get("code_challenge_method") != "S256" || get("code_challenge").len() != 43 {
        return refuse(state, 400, "invalid_request", "a S256 PKCE code_challenge is required");
    }
    let redirect = get("redirect_uri");
    let loopback = url::Url::parse(&redirect).is_ok_and(|url| {
        url.scheme() == "http" && url.host_str() == Some("127.0.0.1") && url.port().is_some()
    });
    if !loopback {
        return refuse(state, 400, "redirect_uri_mismatch", "not a loopback redirect");
    }
    if get("scope").is_empty() || get("state").is_empty() {
        return refuse(state, 400, "invalid_request", "scope and state are required");
    }
    let code = fresh_secret(state, "4/fake-code");
    state.codes.insert(code.clone(), (redirect.clone(), get("code_challenge"), get("scope")));
    state.consents.push(get("scope"));
    let Ok(mut location) = url::Url::parse(&redirect) else {
        return refuse(state, 400, "redirect_uri_mismatch", "not a URL");
    };
    location.query_pairs_mut().append_pair("code", &code).append_pair("state", &get("state"));
    ResponseTemplate::new(302).insert_header("location", location.as_str())
}

fn token(state: &mut State, request: &Request, token_url: &str) -> ResponseTemplate {
    let form: HashMap<String, String> =
        url::form_urlencoded::parse(&request.body).into_owned().collect();
    let get = |name: &str| form.get(name).cloned().unwrap_or_default();
    match get("grant_type").as_str() {
        "authorization_code" => {
            if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
                return refuse(state, 401, "invalid_client", "wrong client or secret");
            }
            let Some((redirect, challenge, scope)) = state.codes.remove(&get("code")) else {
                return refuse(state, 400, "invalid_grant", "unknown or used code");
            };
            if get("redirect_uri") != redirect {
                return refuse(state, 400, "redirect_uri_mismatch", "not the consent's redirect");
            }
            let digest =
                ring::digest::digest(&ring::digest::SHA256, get("code_verifier").as_bytes());
            if URL_SAFE_NO_PAD.encode(digest) != challenge {
                return refuse(state, 400, "invalid_grant", "the code_verifier does not match");
            }
            let refresh = fresh_secret(state, "1//fake-refresh");
            state.refresh_tokens.insert(refresh.clone(), scope.clone());
            let grant = Grant { kind: "authorization_code", scope, subject: None };
            issue(state, grant, Some(refresh))
        }
        "refresh_token" => {
            if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
                return refuse(state, 401, "invalid_client", "wrong client or secret");
            }
            let refresh = get("refresh_token");
            if state.revoked.contains(&refresh) {
                return refuse(state, 400, "invalid_grant", "Token has been expired or revoked.");
            }
            let Some(scope) = state.refresh_tokens.get(&refresh).cloned() else {
                return refuse(state, 400, "invalid_grant", "unknown refresh token");
            };
            issue(state, Grant { kind: "refresh_token", scope, subject: None }, None)
        }
        "urn:ietf:params:oauth:grant-type:jwt-bearer" => {
            match verify_jwt(state, &get("assertion"), token_url) {
                Ok((scope, subject)) => {
                    issue(state, Grant { kind: "jwt-bearer", scope, subject }, None)
                }
                Err(why) => refuse(state, 400, "invalid_grant", &why),
            }
        }
        _ => refuse(state, 400, "unsupported_grant_type", "unknown grant_type"),
    }
}

/// Checks a service account's assertion; its scope and subject.
fn verify_jwt(
    state: &State,
    jwt: &str,
    token_url: &str,
) -> Result<(String, Option<String>), String> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("not a JWT".into());
    };
    let decode = |part: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| "not base64url")?;
        serde_json::from_slice(&bytes).map_err(|_| "not JSON".to_owned())
    };
    let (header, claims) = (decode(header)?, decode(claims)?);
    if header["alg"] != "RS256" {
        return Err("alg must be RS256".into());
    }
    let issuer = claims["iss"].as_str().ok_or("no iss")?;
    let public = state.service_accounts.get(issuer).ok_or("iss is not a known service account")?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| "signature not base64url")?;
    let signed = &jwt[..jwt.rfind('.').unwrap_or(0)];
    ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, public)
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| "Invalid JWT Signature.")?;
    if claims["aud"] != token_url {
        return Err(format!("aud must be {token_url}"));
    }
    let scope = claims["scope"].as_str().filter(|s| !s.is_empty()).ok_or("no scope")?;
    let (iat, exp) =
        (claims["iat"].as_u64().ok_or("no iat")?, claims["exp"].as_u64().ok_or("no exp")?);
    if iat > now() + 60 || exp <= now() || exp - iat > 3600 {
        return Err("iat and exp must bound an hour that includes now".into());
    }
    Ok((scope.to_owned(), claims["sub"].as_str().map(str::to_owned)))
}

fn metadata_token(state: &mut State, request: &Request) -> ResponseTemplate {
    if !flavored(request) {
        return refuse(state, 403, "forbidden", "Metadata-Flavor: Google is required");
    }
    let scope = request
        .url
        .query_pairs()
        .find(|(name, _)| name == "scopes")
        .map(|(_, value)| value.replace(',', " "))
        .unwrap_or_default();
    issue(state, Grant { kind: "metadata", scope, subject: None }, None)
}

/// The DER RSAPublicKey of a PKCS#8 PEM private key.
fn public_key_of(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    let der = STANDARD.decode(body.trim()).unwrap_or_default();
    ring::signature::RsaKeyPair::from_pkcs8(&der)
        .map(|pair| ring::signature::KeyPair::public_key(&pair).as_ref().to_vec())
        .unwrap_or_default()
}

/// One People read (the signed-in user's connections) against `people` with
/// `auth`, without retries: what a program does with fresh credentials.
pub async fn read_connections(
    auth: impl gapi_runtime::Authenticator,
    people: &google_people_v1_fake::FakePeople,
) -> Result<(), gapi_runtime::Error> {
    use google_people_v1::types::PersonField;
    let client = gapi_runtime::Client::builder(&google_people_v1::API)
        .base_url(people.base_url())
        .authenticator(auth)
        .retry(gapi_runtime::RetryPolicy::never())
        .build()?;
    let service = google_people_v1::PeopleService::from_client(client);
    service
        .people()
        .connections()
        .list("people/me")
        .person_fields(PersonField::Names)
        .send()
        .await?;
    Ok(())
}

/// The clock moves on: every token in the token file at `tokens` expired an hour ago.
pub fn age_token_file(tokens: &std::path::Path) {
    let mut file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tokens).expect("the token file"))
            .expect("json");
    let an_hour_ago = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() - 3600;
    for token in file["tokens"].as_array_mut().expect("tokens") {
        token["expires_at"] = an_hour_ago.into();
    }
    std::fs::write(tokens, file.to_string()).expect("rewritten");
}
