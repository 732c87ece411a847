//! What the environment decides: Application Default Credentials' order
//! (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud's file, the metadata server at
//! `GCE_METADATA_HOST`) and `GOOGLE_PEOPLE_V1_BASE_URL` on plain http. One
//! test, because the environment is process-wide.

use gapi_runtime::auth::{OAuth, StaticToken};
use gapi_testkit::{FakeOAuth, read_connections};
use google_people_v1::{PeopleService, runtime};
use google_people_v1_fake::FakePeople;

const READONLY: &str = "https://www.googleapis.com/auth/contacts.readonly";

/// SAFETY (for every `set_var` / `remove_var` below): this binary's only
/// test runs them between awaits on its own runtime, with no other thread
/// reading the environment.
fn set(name: &str, value: impl AsRef<std::ffi::OsStr>) {
    unsafe { std::env::set_var(name, value) }
}

fn unset(name: &str) {
    unsafe { std::env::remove_var(name) }
}

#[tokio::test(flavor = "current_thread")]
async fn application_default_credentials_follow_googles_order_and_plain_http_base_urls_are_refused()
{
    let oauth = FakeOAuth::start().await;
    let dir = std::env::temp_dir().join(format!("gapi-environment-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let empty_gcloud = dir.join("gcloud-empty");
    std::fs::create_dir_all(&empty_gcloud).expect("an empty gcloud config");

    // 1. GOOGLE_APPLICATION_CREDENTIALS names the file.
    let file = dir.join("adc.json");
    std::fs::write(&file, oauth.authorized_user_json()).expect("written");
    set("GOOGLE_APPLICATION_CREDENTIALS", &file);
    set("CLOUDSDK_CONFIG", &empty_gcloud);
    set("GCE_METADATA_HOST", oauth.host());
    let people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::application_default().await.expect("from GOOGLE_APPLICATION_CREDENTIALS");
    assert!(format!("{auth:?}").contains("authorized_user"), "{auth:?}");
    read_connections(auth, &people).await.expect("read with the refreshed token");

    // 2. gcloud's file, where CLOUDSDK_CONFIG (or ~/.config/gcloud) keeps it.
    unset("GOOGLE_APPLICATION_CREDENTIALS");
    let gcloud = dir.join("gcloud");
    std::fs::create_dir_all(&gcloud).expect("a gcloud config");
    std::fs::write(
        gcloud.join("application_default_credentials.json"),
        oauth.authorized_user_json(),
    )
    .expect("written");
    set("CLOUDSDK_CONFIG", &gcloud);
    let auth = OAuth::application_default().await.expect("from gcloud's file");
    assert!(format!("{auth:?}").contains("authorized_user"), "{auth:?}");

    // 3. Neither: the metadata server at GCE_METADATA_HOST.
    set("CLOUDSDK_CONFIG", &empty_gcloud);
    let people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::application_default().await.expect("the metadata server");
    assert!(format!("{auth:?}").contains("metadata_server"), "{auth:?}");
    read_connections(auth, &people).await.expect("read with the metadata server's token");
    let last = oauth.grants().pop().expect("a grant");
    assert_eq!((last.kind, last.scope.as_str()), ("metadata", READONLY));

    // 4. Nothing at all: an error that says what to do.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let closed_host = closed.local_addr().expect("address").to_string();
    drop(closed);
    set("GCE_METADATA_HOST", &closed_host);
    let error = OAuth::application_default().await.expect_err("no credentials anywhere");
    assert!(error.to_string().contains("gcloud auth application-default login"), "{error}");
    unset("GCE_METADATA_HOST");
    unset("CLOUDSDK_CONFIG");

    // GOOGLE_PEOPLE_V1_BASE_URL on plain http to another host is refused
    // before any credential is attached, unless opted in.
    set("GOOGLE_PEOPLE_V1_BASE_URL", "http://people.example.com/");
    let Err(error) = PeopleService::new(StaticToken::new("never-sent")) else {
        panic!("a plain-http base URL to another host was accepted");
    };
    let message = error.to_string();
    assert!(
        message.contains("GOOGLE_PEOPLE_V1_BASE_URL") && message.contains("plain http"),
        "{message}"
    );
    assert!(!message.contains("never-sent"), "{message}");
    let opted_in = runtime::Client::builder(&google_people_v1::API)
        .authenticator(StaticToken::new("t"))
        .allow_plain_http(true)
        .build()
        .expect("an explicit opt-in");
    assert_eq!(opted_in.base_url(), "http://people.example.com/");
    set("GOOGLE_PEOPLE_V1_BASE_URL", people.base_url());
    PeopleService::new(StaticToken::new("t")).expect("loopback plain http is fine");
    unset("GOOGLE_PEOPLE_V1_BASE_URL");
    let _ = std::fs::remove_dir_all(&dir);
}
