//! The canary: every credential flow and a set of failing calls run under a
//! `tracing` subscriber that records every span and event at every level;
//! then no access token, refresh token, authorization code, client secret,
//! private key, API key or contact email address may appear in any recorded
//! event, any error's `Display` or `Debug`, any `Debug` of an authenticator
//! or client, or any panic message. One test, because the subscriber,
//! `BROWSER` and `GCE_METADATA_HOST` are process-wide.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gapi_runtime::auth::{ApiKey, OAuth, StaticToken};
use gapi_testkit::{FakeOAuth, age_token_file};
use google_people_v1::types::{EmailAddress, Name, Person, PersonField};
use google_people_v1::{PeopleService, runtime};
use google_people_v1_fake::FakePeople;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const EMAIL: &str = "ada.canary@example.com";
const API_KEY: &str = "AIzaSyCanary-api-key-0d3f";

/// Everything that was logged, as text.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

impl Recorder {
    fn push(&self, line: String) {
        self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line);
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let _ = write!(self.0, " {}={value} ({value:?})", field.name());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(format!("span {}", span.metadata().name()));
        span.record(&mut fields);
        self.push(fields.0);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields("record".into());
        values.record(&mut fields);
        self.push(fields.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let mut fields = Fields(format!("{} {}", metadata.level(), metadata.target()));
        event.record(&mut fields);
        self.push(fields.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn client(auth: impl runtime::Authenticator, base_url: &str) -> runtime::Client {
    runtime::Client::builder(&google_people_v1::API)
        .base_url(base_url)
        .authenticator(auth)
        .retry(runtime::RetryPolicy::never())
        .build()
        .expect("a client")
}

async fn read(client: &runtime::Client) -> Result<(), runtime::Error> {
    let service = PeopleService::from_client(client.clone());
    let fields = [PersonField::Names, PersonField::EmailAddresses];
    service.people().connections().list("people/me").person_fields(fields).send().await?;
    Ok(())
}

/// What a caller's `expect` on a failed call panics with.
fn unwrap_as_a_caller_would(result: Result<(), runtime::Error>) {
    result.expect("the canary's call");
}

#[tokio::test]
async fn no_secret_or_contact_data_shows_in_logs_errors_debug_output_or_panics() {
    let recorder = Recorder::default();
    tracing::subscriber::set_global_default(recorder.clone()).expect("the only subscriber");
    let panics = recorder.clone();
    std::panic::set_hook(Box::new(move |info| panics.push(format!("panic {info}"))));
    let dir = std::env::temp_dir().join(format!("gapi-canary-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let oauth = FakeOAuth::start().await;
    // SAFETY: set before this binary's only test starts any other thread that reads them.
    unsafe {
        std::env::set_var("BROWSER", env!("CARGO_BIN_EXE_fake-browser"));
        std::env::set_var("GCE_METADATA_HOST", oauth.host());
    }
    let mut shown: Vec<String> = Vec::new();
    let mut errors: Vec<runtime::Error> = Vec::new();

    // The installed app: sign in, write a contact with an email, read it
    // back, refresh, then a revoked refresh token.
    let secret = dir.join("client_secret.json");
    std::fs::write(&secret, oauth.client_secret_json()).expect("written");
    let tokens = dir.join("tokens.json");
    let people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::installed_app(&secret, &tokens)
        .await
        .expect("installed app")
        .with_scopes(["https://www.googleapis.com/auth/contacts"]);
    shown.push(format!("{auth:?}"));
    let installed = client(auth, people.base_url());
    shown.push(format!("{installed:?}"));
    let contact = Person::default()
        .set_names([Name::default().set_given_name("Ada")])
        .set_email_addresses([EmailAddress::default().set_value(EMAIL)]);
    let service = PeopleService::from_client(installed.clone());
    service.people().create_contact(contact).send().await.expect("a contact with an email");
    read(&installed).await.expect("listed with its email");
    age_token_file(&tokens);
    let refreshed =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::installed_app(&secret, &tokens).await.expect("installed app");
    read(&client(auth, refreshed.base_url())).await.expect("refreshed");
    oauth.revoke_refresh_tokens();
    age_token_file(&tokens);
    let auth = OAuth::installed_app(&secret, &tokens).await.expect("installed app");
    errors.push(read(&client(auth, refreshed.base_url())).await.expect_err("revoked"));

    // Application Default Credentials: gcloud's file, a key with and without
    // subject, an unknown account, the metadata server.
    let user = dir.join("authorized_user.json");
    std::fs::write(&user, oauth.authorized_user_json()).expect("written");
    let people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::credentials_file(&user).await.expect("authorized_user");
    shown.push(format!("{auth:?}"));
    read(&client(auth, people.base_url())).await.expect("authorized_user reads");
    let key_text = oauth.service_account_key_json();
    let key = dir.join("service_account.json");
    std::fs::write(&key, &key_text).expect("written");
    for subject in [None, Some("ada@example.com")] {
        let people =
            FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
        let auth = OAuth::service_account(&key, subject).await.expect("a key");
        shown.push(format!("{auth:?}"));
        read(&client(auth, people.base_url())).await.expect("service account reads");
    }
    let parsed = runtime::auth::ServiceAccountKey::from_json(&key_text).expect("a key");
    shown.push(format!("{parsed:?}"));
    let unknown = dir.join("unknown.json");
    std::fs::write(&unknown, key_text.replace("gapi-runtime-tests.iam", "nobody.iam"))
        .expect("written");
    let auth = OAuth::credentials_file(&unknown).await.expect("a key");
    errors.push(read(&client(auth, people.base_url())).await.expect_err("unknown account"));
    let metadata_people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::metadata_server().expect("metadata");
    read(&client(auth, metadata_people.base_url())).await.expect("metadata server reads");

    // Failing calls: a wrong token, an API key the fake does not take, a body that does not decode.
    errors.push(
        read(&client(StaticToken::new("ya29.wrong-canary-token"), people.base_url()))
            .await
            .expect_err("401"),
    );
    let with_key = client(ApiKey::new(API_KEY), people.base_url());
    shown.push(format!("{with_key:?}"));
    errors.push(read(&with_key).await.expect_err("no bearer token"));
    let odd = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"connections": [{{"emailAddresses": [{{"value": "{EMAIL}", "metadata": {{"primary": "{EMAIL}"}}}}]}}]}}"#
        )))
        .mount(&odd)
        .await;
    let error = read(&client(StaticToken::new("ya29.static-canary"), &odd.uri()))
        .await
        .expect_err("undecodable");
    assert!(
        matches!(&error, runtime::Error::Decode { snippet, .. } if snippet.as_str().contains(EMAIL))
    );
    errors.push(error);
    errors.push(
        runtime::Client::builder(&google_people_v1::API)
            .base_url("http://people.example.com/")
            .authenticator(StaticToken::new("ya29.static-canary"))
            .build()
            .expect_err("plain http"),
    );

    // What callers see of each error, and what a panic on it says.
    for error in errors {
        shown.push(format!(
            "{error} | {error:?} | {:?}",
            std::error::Error::source(&error).map(ToString::to_string)
        ));
        let result: Result<(), runtime::Error> = Err(error);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            unwrap_as_a_caller_would(result)
        }));
    }
    let _ = std::panic::take_hook();

    let mut secrets = oauth.secrets();
    secrets.extend([
        API_KEY.to_owned(),
        EMAIL.to_owned(),
        "ya29.wrong-canary-token".into(),
        "ya29.static-canary".into(),
    ]);
    let private_key: serde_json::Value = serde_json::from_str(&key_text).expect("json");
    let pem = private_key["private_key"].as_str().expect("a PEM key");
    secrets.extend(pem.lines().filter(|line| !line.starts_with("-----")).map(str::to_owned));
    secrets.push("PRIVATE KEY".into());
    let recorded = recorder.lines();
    assert!(recorded.iter().any(|line| line.contains("gapi_call")), "the subscriber saw the calls");
    assert!(
        recorded.iter().any(|line| line.starts_with("panic ")),
        "the subscriber saw the panics"
    );
    assert!(secrets.len() > 20, "tokens, codes and key lines to look for: {}", secrets.len());
    for text in recorded.iter().chain(&shown) {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{secret:?} leaked into: {text}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
