//! The installed-app flow end to end: the consent page opened through
//! `BROWSER` (this crate's `fake-browser`), the code received on the
//! loopback listener and traded with its PKCE verifier, the token kept in
//! an owner-only file and carried by People calls to the fake People API.
//! One test, because `BROWSER` is process-wide.

use std::path::{Path, PathBuf};

use gapi_runtime::auth::OAuth;
use gapi_testkit::{FakeOAuth, age_token_file, read_connections};
use google_people_v1::types::{Name, Person, PersonField};
use google_people_v1::{PeopleService, runtime};
use google_people_v1_fake::FakePeople;

const READONLY: &str = "https://www.googleapis.com/auth/contacts.readonly";
const CONTACTS: &str = "https://www.googleapis.com/auth/contacts";

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gapi-installed-app-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// One run of a program: a new authenticator from the files, one People read.
async fn run(secret: &Path, tokens: &Path, people: &FakePeople) -> Result<(), runtime::Error> {
    read_connections(OAuth::installed_app(secret, tokens).await?, people).await
}

fn browser_opened(log: &Path) -> usize {
    std::fs::read_to_string(log).map_or(0, |text| text.lines().count())
}

#[tokio::test]
async fn installed_app_signs_in_through_the_browser_once_then_reuses_refreshes_and_asks_again_when_revoked()
 {
    let dir = scratch();
    let log = dir.join("browser.log");
    // SAFETY: set before any other thread of this test binary reads the environment.
    unsafe {
        std::env::set_var("BROWSER", env!("CARGO_BIN_EXE_fake-browser"));
        std::env::set_var("FAKE_BROWSER_LOG", &log);
    }
    let oauth = FakeOAuth::start().await;
    let secret = dir.join("client_secret.json");
    std::fs::write(&secret, oauth.client_secret_json()).expect("client secret written");
    let tokens = dir.join("tokens.json");

    // First run: the consent page opens in the browser, asking for the
    // narrowest scope the read accepts; the token reaches the People API.
    let first = FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    run(&secret, &tokens, &first).await.expect("the first run signs in and reads");
    assert_eq!(browser_opened(&log), 1, "one browser window");
    assert_eq!(oauth.consents(), vec![READONLY.to_owned()], "a read asks for contacts.readonly");
    assert_eq!(oauth.grants().len(), 1);
    assert_eq!(oauth.grants()[0].kind, "authorization_code");
    assert!(oauth.refusals().is_empty(), "{:?}", oauth.refusals());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&tokens).expect("token file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only token file: {mode:o}");
    }

    // Second run: the token file answers; no browser, no token request.
    run(&secret, &tokens, &first).await.expect("the second run reads with the stored token");
    assert_eq!((browser_opened(&log), oauth.grants().len()), (1, 1));

    // An expired token is refreshed with the refresh token, without a browser.
    age_token_file(&tokens);
    let refreshed =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    run(&secret, &tokens, &refreshed).await.expect("the expired token is refreshed");
    assert_eq!(browser_opened(&log), 1);
    assert_eq!(oauth.grants().last().map(|grant| grant.kind), Some("refresh_token"));

    // The user revokes the app's access: a clear Auth error that says to sign in again.
    oauth.revoke_refresh_tokens();
    age_token_file(&tokens);
    let error = run(&secret, &tokens, &refreshed).await.expect_err("the refresh token is revoked");
    let message = error.to_string();
    assert!(
        matches!(error, runtime::Error::Auth { method: "people.people.connections.list", .. }),
        "{error:?}"
    );
    assert!(message.contains("invalid_grant") && message.contains("sign in again"), "{message}");
    assert_eq!(browser_opened(&log), 1, "no browser for a failed refresh");

    // ... and the next run does.
    let again = FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    run(&secret, &tokens, &again).await.expect("a new sign-in");
    assert_eq!(browser_opened(&log), 2);

    // A corrupted token file means a new sign-in, not a crash.
    std::fs::write(&tokens, b"{\"client_id\": \"1234-fake.apps.googleusercontent.com\", \"tok")
        .expect("corrupt");
    let after_corruption =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    run(&secret, &tokens, &after_corruption)
        .await
        .expect("the corrupted file is replaced by a new sign-in");
    assert_eq!(browser_opened(&log), 3);
    run(&secret, &tokens, &after_corruption).await.expect("and the new file is read back");
    assert_eq!(browser_opened(&log), 3);
    assert_eq!(oauth.consents().len(), 3);

    // A write asks for `contacts`; a read after it is served by that token,
    // which the read's method also accepts: no second consent.
    let fresh_file = dir.join("writer-tokens.json");
    let writer =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::installed_app(&secret, &fresh_file).await.expect("installed app");
    let client = runtime::Client::builder(&google_people_v1::API)
        .base_url(writer.base_url())
        .authenticator(auth)
        .retry(runtime::RetryPolicy::never())
        .build()
        .expect("a client");
    let service = PeopleService::from_client(client);
    let contact = Person::default().set_names([Name::default().set_given_name("Ada")]);
    service.people().create_contact(contact).send().await.expect("a write");
    service
        .people()
        .connections()
        .list("people/me")
        .person_fields(PersonField::Names)
        .send()
        .await
        .expect("a read");
    assert_eq!(oauth.consents().last().map(String::as_str), Some(CONTACTS));
    assert_eq!((oauth.consents().len(), browser_opened(&log)), (4, 4));
    let _ = std::fs::remove_dir_all(&dir);
}
