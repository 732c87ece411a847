//! What every method shares: authentication, the standard parameters
//! (`fields`, `prettyPrint`, `alt`, ...), unknown parameters, routing and
//! body parsing.

use google_people_v1_fake::FakePeople;
use serde_json::json;

use crate::support::{Api, http_client};

#[tokio::test]
async fn a_request_without_a_bearer_token_is_401_unauthenticated() {
    let api = Api::start().await;
    for authorization in [None, Some("Basic dXNlcjpwYXNz"), Some("Bearer ")] {
        let reply =
            api.send_as(authorization, "GET", "v1/people/me?personFields=names", None).await;
        reply.assert_error(401, "UNAUTHENTICATED");
        assert_eq!(reply.body["error"]["details"][0]["reason"], "CREDENTIALS_MISSING");
        assert!(reply.www_authenticate.is_some_and(|value| value.starts_with("Bearer")));
    }
}

#[tokio::test]
async fn any_token_is_accepted_unless_one_is_configured() {
    let open = Api::start().await;
    let reply =
        open.send_as(Some("Bearer whatever"), "GET", "v1/people/me?personFields=names", None);
    assert_eq!(reply.await.status, 200);

    let locked = Api::with(FakePeople::builder().token("secret").start().await.unwrap());
    let path = "v1/people/me?personFields=names";
    locked
        .send_as(Some("Bearer wrong"), "GET", path, None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    assert_eq!(locked.send_as(Some("Bearer secret"), "GET", path, None).await.status, 200);
    let by_query = locked.send_as(None, "GET", &format!("{path}&access_token=secret"), None).await;
    assert_eq!(by_query.status, 200);
}

#[tokio::test]
async fn an_unknown_query_parameter_is_400_naming_it() {
    let api = Api::start().await;
    let reply = api.get("v1/people/me?personFields=names&personFeilds=names").await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    assert!(reply.body["error"]["message"].as_str().unwrap().contains("\"personFeilds\""));
    // A parameter of another method is just as unknown here.
    api.get("v1/people/me?personFields=names&readMask=names")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn standard_parameters_are_accepted_on_every_method() {
    let api = Api::start().await;
    let standard = "quotaUser=tests&key=k&alt=json&prettyPrint=true&%24.xgafv=2";
    assert_eq!(api.get(&format!("v1/contactGroups?{standard}")).await.status, 200);
    let create = api.post(&format!("v1/people:createContact?{standard}"), json!({})).await;
    assert_eq!(create.status, 200, "{}", create.text);
}

#[tokio::test]
async fn alt_other_than_json_is_400() {
    let api = Api::start().await;
    for alt in ["media", "proto", "xml"] {
        let reply = api.get(&format!("v1/contactGroups?alt={alt}")).await;
        reply.assert_error(400, "INVALID_ARGUMENT");
    }
}

#[tokio::test]
async fn responses_are_pretty_printed_unless_pretty_print_is_false() {
    let api = Api::start().await;
    let pretty = api.get("v1/people/me?personFields=names").await;
    assert!(pretty.text.contains("\n  \""), "{}", pretty.text);
    let compact = api.get("v1/people/me?personFields=names&prettyPrint=false").await;
    assert!(!compact.text.contains('\n'), "{}", compact.text);
    assert_eq!(compact.body, pretty.body);
    let error = api.get("v1/people/me?prettyPrint=false").await;
    assert!(!error.text.contains('\n'), "errors follow prettyPrint too: {}", error.text);
    api.get("v1/people/me?personFields=names&prettyPrint=maybe")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn fields_keeps_only_the_selected_parts_of_the_response() {
    let api = Api::start().await;
    api.create(json!({
        "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
        "emailAddresses": [{"value": "ada@example.com"}]
    }))
    .await;
    let path = "v1/people/me/connections?personFields=names,emailAddresses\
                &fields=connections(resourceName,names/givenName),totalItems";
    let body = api.get(path).await.ok();
    assert_eq!(
        body,
        json!({
            "connections": [{"resourceName": "people/c1", "names": [{"givenName": "Ada"}]}],
            "totalItems": 1
        })
    );
}

#[tokio::test]
async fn a_malformed_fields_selector_is_400() {
    let api = Api::start().await;
    let reply = api.get("v1/contactGroups?fields=contactGroups(name").await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(reply.body["error"]["details"][0]["fieldViolations"][0]["field"], "fields");
}

#[tokio::test]
async fn unknown_paths_and_verbs_are_404_not_found() {
    let api = Api::start().await;
    for path in ["v1/nothing", "v1/people/c1:frobnicate", "v2/people/me", "v1/people/c1/x/y"] {
        api.get(path).await.assert_error(404, "NOT_FOUND");
    }
}

#[tokio::test]
async fn a_known_path_with_the_wrong_http_method_is_404_naming_the_right_one() {
    let api = Api::start().await;
    let reply = api.get("v1/people:createContact").await;
    reply.assert_error(404, "NOT_FOUND");
    assert!(reply.body["error"]["message"].as_str().unwrap().contains("POST"));
}

#[tokio::test]
async fn percent_encoded_paths_are_decoded_before_routing() {
    let api = Api::start().await;
    let created = api.create_named("Ada", "Lovelace").await;
    let reply = api.get("v1/people%2Fc1?personFields=names").await.ok();
    assert_eq!(reply["names"], created["names"]);
    let body = json!({"photoBytes": "", "personFields": "names"});
    // The verb's colon, encoded, still selects the method.
    let reply = api.patch("v1/people%2Fc1%3AupdateContactPhoto", body).await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    assert!(reply.text.contains("photoBytes"), "{}", reply.text);
}

#[tokio::test]
async fn a_malformed_json_body_is_400_invalid_argument() {
    let api = Api::start().await;
    let reply = api.send_as(Some("Bearer t"), "POST", "v1/contactGroups", None).await;
    // No body is an empty message: the group is missing.
    reply.assert_error(400, "INVALID_ARGUMENT");
    let client = http_client();
    let response = client
        .post(format!("{}v1/people:createContact", api.fake.base_url()))
        .bearer_auth("t")
        .body("{\"names\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert!(body["error"]["message"].as_str().unwrap().starts_with("Invalid JSON payload"));
}

#[tokio::test]
async fn an_unknown_field_in_a_body_is_400_naming_it() {
    let api = Api::start().await;
    let reply = api.post("v1/people:createContact", json!({"nmaes": [{"givenName": "A"}]})).await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    assert!(reply.text.contains("nmaes"));
    let reply = api.post("v1/people:batchDeleteContacts", json!({"names": ["people/c1"]})).await;
    reply.assert_error(400, "INVALID_ARGUMENT");
}
