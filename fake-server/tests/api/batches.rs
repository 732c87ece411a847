//! batchCreateContacts, batchUpdateContacts and batchDeleteContacts:
//! response shapes, the empty read mask, the per-request limits, and that a
//! rejected batch changes nothing.

use serde_json::{Value, json};

use crate::support::{Api, source_etag};

fn to_create(count: usize) -> Vec<Value> {
    (0..count)
        .map(|index| json!({"contactPerson": {"names": [{"givenName": format!("N{index}")}]}}))
        .collect()
}

#[tokio::test]
async fn batch_create_returns_a_person_response_per_contact() {
    let api = Api::start().await;
    let body = json!({"contacts": to_create(2), "readMask": "names", "sources": ["READ_SOURCE_TYPE_CONTACT"]});
    let created =
        api.post("v1/people:batchCreateContacts", body).await.ok()["createdPeople"].clone();
    assert_eq!(created.as_array().unwrap().len(), 2);
    assert_eq!(created[0]["httpStatusCode"], 200);
    assert_eq!(created[0]["requestedResourceName"], "people/c1");
    assert_eq!(created[1]["person"]["resourceName"], "people/c2");
    assert_eq!(created[1]["person"]["names"][0]["givenName"], "N1");
    assert!(created[1]["person"].get("memberships").is_none(), "not in readMask");
    assert_eq!(api.fake.snapshot().contacts.len(), 2);
}

#[tokio::test]
async fn an_empty_read_mask_skips_the_read_and_returns_only_names_and_etags() {
    let api = Api::start().await;
    let body = json!({"contacts": to_create(1), "readMask": ""});
    let created = api.post("v1/people:batchCreateContacts", body).await.ok();
    let person = &created["createdPeople"][0]["person"];
    let mut keys: Vec<&str> = person.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["etag", "resourceName"]);
}

#[tokio::test]
async fn batch_create_allows_at_most_200_contacts() {
    let api = Api::start().await;
    let over = api
        .post("v1/people:batchCreateContacts", json!({"contacts": to_create(201), "readMask": ""}))
        .await;
    over.assert_error(400, "INVALID_ARGUMENT");
    assert!(api.fake.snapshot().contacts.is_empty());
    let at_limit = api
        .post("v1/people:batchCreateContacts", json!({"contacts": to_create(200), "readMask": ""}))
        .await;
    assert_eq!(at_limit.status, 200);
    api.post("v1/people:batchCreateContacts", json!({"contacts": []}))
        .await
        .assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn a_batch_create_with_one_invalid_contact_creates_none() {
    let api = Api::start().await;
    let mut contacts = to_create(3);
    contacts[2] = json!({"contactPerson": {"genders": [{"value": "a"}, {"value": "b"}]}});
    let reply = api
        .post("v1/people:batchCreateContacts", json!({"contacts": contacts, "readMask": "names"}))
        .await;
    reply.assert_error(400, "INVALID_ARGUMENT");
    assert!(reply.text.contains("contacts[2]"), "{}", reply.text);
    assert!(api.fake.snapshot().contacts.is_empty());
}

#[tokio::test]
async fn batch_update_replaces_the_masked_fields_and_maps_results_by_name() {
    let api = Api::start().await;
    let mut first = api.create_named("Ada", "Lovelace").await;
    let mut second = api.create_named("Charles", "Babbage").await;
    first["names"] = json!([{"givenName": "Augusta"}]);
    second["names"] = json!([{"givenName": "Chuck"}]);
    let body = json!({
        "contacts": {"people/c1": first, "people/c2": second},
        "updateMask": "names",
        "readMask": "names"
    });
    let result = api.post("v1/people:batchUpdateContacts", body).await.ok()["updateResult"].clone();
    assert_eq!(result["people/c1"]["person"]["names"][0]["givenName"], "Augusta");
    assert_eq!(result["people/c2"]["person"]["names"][0]["displayName"], "Chuck");
    assert_eq!(result["people/c2"]["httpStatusCode"], 200);
}

#[tokio::test]
async fn batch_update_needs_an_update_mask_and_at_most_200_contacts() {
    let api = Api::start().await;
    let person = api.create_named("Ada", "Lovelace").await;
    let no_mask = json!({"contacts": {"people/c1": person}, "readMask": "names"});
    api.post("v1/people:batchUpdateContacts", no_mask).await.assert_error(400, "INVALID_ARGUMENT");
    let contacts: serde_json::Map<String, Value> =
        (1..=201).map(|index| (format!("people/c{index}"), json!({}))).collect();
    let over = json!({"contacts": contacts, "updateMask": "names", "readMask": "names"});
    api.post("v1/people:batchUpdateContacts", over).await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn a_batch_update_with_one_stale_etag_changes_nothing() {
    let api = Api::start().await;
    let mut fresh = api.create_named("Ada", "Lovelace").await;
    let mut stale = api.create_named("Charles", "Babbage").await;
    let etag_before = source_etag(&fresh).to_owned();
    let touch = "v1/people/c2:updateContact?updatePersonFields=names";
    api.patch(touch, stale.clone()).await.ok();
    fresh["names"] = json!([{"givenName": "Changed"}]);
    stale["names"] = json!([{"givenName": "Changed"}]);
    let body = json!({"contacts": {"people/c1": fresh, "people/c2": stale}, "updateMask": "names", "readMask": ""});
    api.post("v1/people:batchUpdateContacts", body).await.assert_error(400, "FAILED_PRECONDITION");
    let unchanged = api.fake.contact("people/c1").unwrap();
    assert_eq!(unchanged["names"][0]["givenName"], "Ada");
    assert_eq!(source_etag(&unchanged), etag_before);
}

#[tokio::test]
async fn batch_delete_deletes_every_named_contact() {
    let api = Api::start().await;
    api.create_many(3).await;
    let body = json!({"resourceNames": ["people/c1", "people/c3"]});
    assert_eq!(api.post("v1/people:batchDeleteContacts", body).await.ok(), json!({}));
    let left: Vec<Value> = api.fake.snapshot().contacts;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["resourceName"], "people/c2");
}

#[tokio::test]
async fn batch_delete_allows_at_most_500_names_and_deletes_nothing_when_one_is_unknown() {
    let api = Api::start().await;
    api.create_many(2).await;
    let names: Vec<String> = (1..=501).map(|index| format!("people/c{index}")).collect();
    let over = api.post("v1/people:batchDeleteContacts", json!({"resourceNames": names})).await;
    over.assert_error(400, "INVALID_ARGUMENT");
    let unknown = json!({"resourceNames": ["people/c1", "people/c77"]});
    api.post("v1/people:batchDeleteContacts", unknown).await.assert_error(404, "NOT_FOUND");
    assert_eq!(api.fake.snapshot().contacts.len(), 2);
    api.post("v1/people:batchDeleteContacts", json!({}))
        .await
        .assert_error(400, "INVALID_ARGUMENT");
}
