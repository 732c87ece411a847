//! The credential files Application Default Credentials reads, against the
//! fake OAuth server: gcloud's `authorized_user` file, service-account keys
//! with and without `subject`, and the types the runtime refuses.

use std::path::PathBuf;

use gapi_runtime::auth::OAuth;
use gapi_testkit::{FakeOAuth, read_connections};
use google_people_v1::runtime;
use google_people_v1_fake::FakePeople;

const READONLY: &str = "https://www.googleapis.com/auth/contacts.readonly";

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gapi-credentials-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

#[tokio::test]
async fn an_authorized_user_file_is_refreshed_at_its_token_uri_and_a_revoked_one_says_to_log_in_again()
 {
    let oauth = FakeOAuth::start().await;
    let file = write("authorized_user.json", &oauth.authorized_user_json());
    let people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::credentials_file(&file).await.expect("an authorized_user file");
    read_connections(auth, &people).await.expect("the refreshed token reads");
    let grants = oauth.grants();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].kind, "refresh_token");

    oauth.revoke_refresh_tokens();
    let auth = OAuth::credentials_file(&file).await.expect("an authorized_user file");
    let error = read_connections(auth, &people).await.expect_err("revoked");
    let message = error.to_string();
    assert!(matches!(error, runtime::Error::Auth { .. }), "{error:?}");
    assert!(message.contains("gcloud auth application-default login"), "{message}");
}

#[tokio::test]
async fn a_service_account_key_signs_a_jwt_the_token_endpoint_verifies_without_and_with_subject() {
    let oauth = FakeOAuth::start().await;
    let key = write("service_account.json", &oauth.service_account_key_json());

    let people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::credentials_file(&key).await.expect("a service_account file");
    read_connections(auth, &people).await.expect("the account's own token reads");

    let people =
        FakePeople::builder().token(oauth.next_access_token()).start().await.expect("fake");
    let auth = OAuth::service_account(&key, Some("ada@example.com")).await.expect("a key");
    read_connections(auth, &people).await.expect("the delegated token reads");

    assert!(oauth.refusals().is_empty(), "{:?}", oauth.refusals());
    let grants = oauth.grants();
    assert_eq!(grants.len(), 2);
    assert!(
        grants.iter().all(|grant| grant.kind == "jwt-bearer" && grant.scope == READONLY),
        "{grants:?}"
    );
    assert_eq!(grants[0].subject, None);
    assert_eq!(grants[1].subject.as_deref(), Some("ada@example.com"));
}

#[tokio::test]
async fn a_jwt_the_token_endpoint_cannot_verify_is_an_auth_error_naming_the_account() {
    let oauth = FakeOAuth::start().await;
    let text =
        oauth.service_account_key_json().replace("gapi-runtime-tests.iam", "someone-else.iam");
    let key = write("unknown_account.json", &text);
    let people = FakePeople::start().await.expect("fake");
    let auth = OAuth::credentials_file(&key).await.expect("a key");
    let error = read_connections(auth, &people).await.expect_err("refused");
    let message = error.to_string();
    assert!(matches!(error, runtime::Error::Auth { .. }), "{error:?}");
    assert!(message.contains("invalid_grant") && message.contains("someone-else.iam"), "{message}");
}

#[tokio::test]
async fn unsupported_credential_types_name_the_type_and_what_to_do() {
    for (kind, advice) in [
        ("external_account", "print-access-token"),
        ("impersonated_service_account", "--impersonate-service-account"),
    ] {
        let file = write(&format!("{kind}.json"), &format!(r#"{{"type": "{kind}"}}"#));
        let error = OAuth::credentials_file(&file).await.expect_err("unsupported");
        let message = error.to_string();
        assert!(matches!(error, runtime::Error::Config(_)), "{error:?}");
        assert!(
            message.contains(&format!("\"{kind}\"")) && message.contains("not supported"),
            "{message}"
        );
        assert!(message.contains(advice), "{message}");
    }
}

#[tokio::test]
async fn a_token_endpoint_on_plain_http_to_another_host_is_refused_before_any_secret_is_sent() {
    let oauth = FakeOAuth::start().await;
    let plain =
        oauth.client_secret_json().replace(&oauth.token_uri(), "http://oauth.example.com/token");
    let secret = write("plain_client_secret.json", &plain);
    let error =
        OAuth::installed_app(&secret, secret.with_extension("tokens")).await.expect_err("refused");
    assert!(error.to_string().contains("refusing http:// to oauth.example.com"), "{error}");

    let user =
        oauth.authorized_user_json().replace(&oauth.token_uri(), "http://oauth.example.com/token");
    let user = write("plain_authorized_user.json", &user);
    let error = OAuth::credentials_file(&user).await.expect_err("refused");
    assert!(error.to_string().contains("refusing http:// to oauth.example.com"), "{error}");
    assert!(oauth.grants().is_empty());
}
