//! What `people` sends is what the library sends: `--dry-run`'s request
//! (method, URL, headers, body) equals the request the library makes for
//! the same arguments, as a local server receives it. And credentials come
//! through the runtime's flows: a service account acting for a user, and
//! `login`'s installed-app flow, whose tokens later commands reuse; no
//! secret ever reaches the output.

use std::process::Command;

use gapi_testkit::FakeOAuth;
use google_people_v1::types::{Name, Person, PersonField, ReadSourceType};
use google_people_v1::{API, PeopleService, runtime};
use google_people_v1_fake::FakePeople;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn people_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_people"));
    command
        .env_remove("GOOGLE_PEOPLE_V1_TOKEN")
        .env_remove("GOOGLE_PEOPLE_V1_BASE_URL")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The one request `server` received, as `--dry-run` prints one: the request
/// line, then the headers the dry run lists with the values received, then the body.
async fn received_like(server: &MockServer, dry_run: &str) -> Result<String, String> {
    let requests = server.received_requests().await.unwrap_or_default();
    let [request] = requests.as_slice() else {
        return Err(format!("{} requests arrived, not one", requests.len()));
    };
    // wiremock rebuilds the URL's host from the Host header; the path and query are as sent.
    let query = request.url.query().map(|query| format!("?{query}")).unwrap_or_default();
    let mut out = format!("{} {}{}{query}\n", request.method, server.uri(), request.url.path());
    let header_names = dry_run
        .lines()
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(": ").map(|(name, _)| name));
    for name in header_names {
        let value = match name {
            // The dry run never fetches the credential; the library sent it.
            "authorization" => "Bearer [redacted]".to_owned(),
            name => request
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .ok_or(format!("the library sent no `{name}` header"))?
                .to_owned(),
        };
        out.push_str(&format!("{name}: {value}\n"));
    }
    if !request.body.is_empty() {
        out.push('\n');
        out.push_str(&text(&request.body));
        out.push('\n');
    }
    Ok(out)
}

async fn library_at(server: &MockServer) -> Result<PeopleService, runtime::Error> {
    let client = runtime::Client::builder(&API)
        .base_url(server.uri())
        .authenticator(runtime::auth::StaticToken::new("library-token"))
        .retry(runtime::RetryPolicy::never())
        .build()?;
    Ok(PeopleService::from_client(client))
}

fn dry_run(server: &MockServer, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let output =
        people_command().args(["--dry-run", "--base-url", &server.uri()]).args(args).output()?;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    Ok(text(&output.stdout))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_exactly_the_request_the_library_sends() -> TestResult {
    // A read with a field mask and a repeated enum parameter.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let library = library_at(&server).await?;
    library
        .people()
        .get("people/c12")
        .person_fields([PersonField::Names, PersonField::EmailAddresses])
        .sources([ReadSourceType::Contact, ReadSourceType::Profile])
        .send()
        .await?;
    let printed = dry_run(
        &server,
        &[
            "people",
            "get",
            "people/c12",
            "--person-fields",
            "names,emailAddresses",
            "--sources",
            "READ_SOURCE_TYPE_CONTACT",
            "--sources",
            "READ_SOURCE_TYPE_PROFILE",
        ],
    )?;
    assert_eq!(printed, received_like(&server, &printed).await?);
    assert!(printed.contains("user-agent: google-people-v1/"), "{printed}");

    // A mutation with a JSON body and a mask argument.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let library = library_at(&server).await?;
    let person = Person::default()
        .set_etag("%EgUBAi43PRoEAQIFByIMZ2hUSlRWeFF0Zmc9")
        .set_names([Name::default().set_given_name("Ada").set_family_name("Lovelace")]);
    library.people().update_contact("people/c12", person, [PersonField::Names]).send().await?;
    let printed = dry_run(
        &server,
        &[
            "people",
            "update-contact",
            "people/c12",
            "--update-person-fields",
            "names",
            "--json",
            r#"{"names": [{"familyName": "Lovelace", "givenName": "Ada"}], "etag": "%EgUBAi43PRoEAQIFByIMZ2hUSlRWeFF0Zmc9"}"#,
        ],
    )?;
    assert_eq!(printed, received_like(&server, &printed).await?);
    assert!(printed.starts_with("PATCH "), "{printed}");
    assert!(printed.contains("content-type: application/json"), "{printed}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_account_acts_for_its_subject_and_no_secret_is_printed() -> TestResult {
    let oauth = FakeOAuth::start().await;
    let fake = FakePeople::start().await?;
    let dir = std::env::temp_dir().join(format!("people-cli-sa-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let key = dir.join("key.json");
    std::fs::write(&key, oauth.service_account_key_json())?;
    let output = people_command()
        .args(["--base-url", fake.base_url(), "--service-account"])
        .arg(&key)
        .args(["--subject", "alice@example.com", "contact-groups", "list"])
        .output()?;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let grants = oauth.grants();
    assert!(
        grants.iter().any(|grant| grant.kind == "jwt-bearer"
            && grant.subject.as_deref() == Some("alice@example.com")),
        "{grants:?}"
    );
    let printed = format!("{}{}", text(&output.stdout), text(&output.stderr));
    for secret in oauth.secrets() {
        assert!(!printed.contains(&secret), "a secret was printed");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_signs_in_once_and_later_commands_reuse_its_tokens() -> TestResult {
    let oauth = FakeOAuth::start().await;
    let fake = FakePeople::start().await?;
    let dir = std::env::temp_dir().join(format!("people-cli-login-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let secret = dir.join("client_secret.json");
    std::fs::write(&secret, oauth.client_secret_json())?;
    let config = dir.join("config");
    // The "browser" follows the consent page's redirect back to the CLI.
    let login = people_command()
        .env("GAPI_CONFIG_DIR", &config)
        .env("BROWSER", "curl -sfL")
        .args(["login", "--client-secret"])
        .arg(&secret)
        .args(["--scope", "https://www.googleapis.com/auth/contacts"])
        .output()?;
    assert_eq!(login.status.code(), Some(0), "{}", text(&login.stderr));
    assert_eq!(oauth.consents().len(), 1);
    let tokens = config.join("gapi/people/tokens.json");
    assert!(tokens.is_file(), "tokens kept under the configuration directory");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&tokens)?.permissions().mode() & 0o077, 0, "owner only");
    }

    for _ in 0..2 {
        let listed = people_command()
            .env("GAPI_CONFIG_DIR", &config)
            .env("BROWSER", "false")
            .args(["--base-url", fake.base_url(), "contact-groups", "list"])
            .output()?;
        assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
        let printed = format!("{}{}", text(&listed.stdout), text(&listed.stderr));
        for secret in oauth.secrets() {
            assert!(!printed.contains(&secret), "a secret was printed");
        }
    }
    assert_eq!(oauth.consents().len(), 1, "no second consent: the stored tokens were used");

    let logout = people_command().env("GAPI_CONFIG_DIR", &config).arg("logout").output()?;
    assert_eq!(logout.status.code(), Some(0), "{}", text(&logout.stderr));
    assert!(!tokens.exists());
    Ok(())
}
