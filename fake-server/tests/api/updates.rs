//! `updateContact`: the update mask, the etag precondition, replacement
//! semantics, singletons and memberships.

use serde_json::{Value, json};

use crate::support::{Api, source_etag};

const UPDATE: &str = "v1/people/c1:updateContact";

async fn contact(api: &Api) -> Value {
    api.create(json!({
        "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
        "emailAddresses": [{"value": "ada@example.com"}],
        "phoneNumbers": [{"value": "+44 20 7946 0958"}]
    }))
    .await
}

#[tokio::test]
async fn update_person_fields_is_required() {
    let api = Api::start().await;
    let person = contact(&api).await;
    let reply = api.patch(UPDATE, person.clone()).await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(
        reply.body["error"]["details"][0]["fieldViolations"][0]["field"],
        "updatePersonFields"
    );
    // Output-only and profile fields cannot be updated.
    let photos = api.patch(&format!("{UPDATE}?updatePersonFields=photos"), person).await;
    photos.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn an_update_without_the_contact_source_etag_is_400() {
    let api = Api::start().await;
    let mut person = contact(&api).await;
    let path = format!("{UPDATE}?updatePersonFields=names");
    let mut without_sources = person.clone();
    without_sources.as_object_mut().unwrap().remove("metadata");
    api.patch(&path, without_sources).await.assert_error(400, "INVALID_ARGUMENT");
    person["metadata"]["sources"][0].as_object_mut().unwrap().remove("etag");
    api.patch(&path, person.clone()).await.assert_error(400, "INVALID_ARGUMENT");
    person["metadata"]["sources"][0]["type"] = json!("PROFILE");
    person["metadata"]["sources"][0]["etag"] = json!("#x");
    api.patch(&path, person).await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn a_stale_etag_is_400_failed_precondition() {
    let api = Api::start().await;
    let read = contact(&api).await;
    let path = format!("{UPDATE}?updatePersonFields=names");
    assert_eq!(api.patch(&path, read.clone()).await.status, 200);
    let stale = api.patch(&path, read).await;
    stale.assert_error(400, "FAILED_PRECONDITION");
}

#[tokio::test]
async fn every_update_changes_the_person_etag_and_the_source_etag() {
    let api = Api::start().await;
    let before = contact(&api).await;
    let after = api.patch(&format!("{UPDATE}?updatePersonFields=names"), before.clone()).await.ok();
    assert_ne!(after["etag"], before["etag"]);
    assert_ne!(source_etag(&after), source_etag(&before));
    assert!(after["metadata"]["sources"][0]["updateTime"].is_string());
    let again = api.patch(&format!("{UPDATE}?updatePersonFields=names"), after.clone()).await.ok();
    assert_ne!(again["etag"], after["etag"]);
}

#[tokio::test]
async fn masked_fields_are_replaced_or_cleared_and_the_rest_is_untouched() {
    let api = Api::start().await;
    let mut person = contact(&api).await;
    person["emailAddresses"] =
        json!([{"value": "countess@example.com"}, {"value": "ada@work.example"}]);
    person.as_object_mut().unwrap().remove("phoneNumbers");
    person["names"] = json!([{"givenName": "Not", "familyName": "Applied"}]);
    let path = format!("{UPDATE}?updatePersonFields=emailAddresses,phoneNumbers");
    let updated = api.patch(&path, person).await.ok();
    let emails: Vec<&str> = updated["emailAddresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|email| email["value"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["countess@example.com", "ada@work.example"]);
    assert!(updated.get("phoneNumbers").is_none(), "absent from the body means cleared");
    assert_eq!(updated["names"][0]["givenName"], "Ada", "not in the mask: untouched");
    assert_eq!(api.fake.contact("people/c1").unwrap(), updated);
}

#[tokio::test]
async fn the_response_is_filtered_by_person_fields() {
    let api = Api::start().await;
    let person = contact(&api).await;
    let path = format!("{UPDATE}?updatePersonFields=names&personFields=phoneNumbers");
    let updated = api.patch(&path, person).await.ok();
    let mut keys: Vec<&str> = updated.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["etag", "phoneNumbers", "resourceName"]);
}

#[tokio::test]
async fn singleton_fields_with_two_values_are_rejected_on_update() {
    let api = Api::start().await;
    let mut person = contact(&api).await;
    person["names"] = json!([{"givenName": "A"}, {"givenName": "B"}]);
    let reply = api.patch(&format!("{UPDATE}?updatePersonFields=names"), person.clone()).await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    // Fields outside the mask are ignored, so they are not checked either.
    let reply = api.patch(&format!("{UPDATE}?updatePersonFields=emailAddresses"), person).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn updating_memberships_needs_a_contact_group_membership() {
    let api = Api::start().await;
    let mut person = contact(&api).await;
    let path = format!("{UPDATE}?updatePersonFields=memberships");
    person["memberships"] = json!([{"domainMembership": {"inViewerDomain": true}}]);
    api.patch(&path, person.clone()).await.assert_error(400, "INVALID_ARGUMENT");
    person.as_object_mut().unwrap().remove("memberships");
    api.patch(&path, person.clone()).await.assert_error(400, "INVALID_ARGUMENT");

    let group =
        api.post("v1/contactGroups", json!({"contactGroup": {"name": "Friends"}})).await.ok();
    let group_name = group["resourceName"].as_str().unwrap();
    person["memberships"] = json!([
        {"contactGroupMembership": {"contactGroupResourceName": group_name}},
        {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/starred"}}
    ]);
    let updated = api.patch(&path, person).await.ok();
    let mut groups: Vec<&str> = updated["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|membership| {
            membership["contactGroupMembership"]["contactGroupResourceName"].as_str().unwrap()
        })
        .collect();
    groups.sort_unstable();
    let mut expected = vec![group_name, "contactGroups/starred"];
    expected.sort_unstable();
    assert_eq!(groups, expected, "myContacts was left out, so the contact left it");
}

#[tokio::test]
async fn memberships_may_not_add_deprecated_system_groups_or_unknown_groups() {
    let api = Api::start().await;
    let mut person = contact(&api).await;
    let path = format!("{UPDATE}?updatePersonFields=memberships");
    for group in ["contactGroups/friends", "contactGroups/nope"] {
        person["memberships"] =
            json!([{"contactGroupMembership": {"contactGroupResourceName": group}}]);
        api.patch(&path, person.clone()).await.assert_error(400, "INVALID_ARGUMENT");
    }
}

#[tokio::test]
async fn updating_an_unknown_contact_is_404_and_a_mismatched_body_400() {
    let api = Api::start().await;
    let person = contact(&api).await;
    let reply =
        api.patch("v1/people/c9:updateContact?updatePersonFields=names", person.clone()).await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    let mut unnamed = person;
    unnamed.as_object_mut().unwrap().remove("resourceName");
    let reply = api.patch("v1/people/c9:updateContact?updatePersonFields=names", unnamed).await;
    reply.assert_error(404, "NOT_FOUND");
}
