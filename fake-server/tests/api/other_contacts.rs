//! otherContacts.list, search and copyOtherContactToMyContactsGroup.

use serde_json::{Value, json};

use crate::support::{Api, names_of};

async fn seeded() -> Api {
    Api::seeded(json!({"otherContacts": [
        {"names": [{"displayName": "Ada Lovelace", "givenName": "Ada"}],
         "emailAddresses": [{"value": "ada@example.com"}],
         "phoneNumbers": [{"value": "+44 1"}],
         "birthdays": [{"text": "1815-12-10"}]},
        {"names": [{"displayName": "Charles Babbage"}],
         "emailAddresses": [{"value": "charles@example.com"}]},
        {"resourceName": "otherContacts/c77", "emailAddresses": [{"value": "x@example.com"}]}
    ]}))
    .await
}

#[tokio::test]
async fn the_list_returns_the_seeded_other_contacts_with_resource_names() {
    let api = seeded().await;
    let body = api.get("v1/otherContacts?readMask=names,emailAddresses").await.ok();
    assert_eq!(
        names_of(&body["otherContacts"]),
        ["otherContacts/c1", "otherContacts/c2", "otherContacts/c77"]
    );
    assert_eq!(body["totalSize"], 3);
    assert!(body["otherContacts"][0].get("phoneNumbers").is_none());
    assert_eq!(body["otherContacts"][0]["metadata"], Value::Null, "not in the mask");
    let first = api.get("v1/otherContacts?readMask=names&pageSize=2").await.ok();
    let token = first["nextPageToken"].as_str().unwrap();
    let rest = api
        .get(&format!("v1/otherContacts?readMask=names&pageSize=2&pageToken={token}"))
        .await
        .ok();
    assert_eq!(names_of(&rest["otherContacts"]), ["otherContacts/c77"]);
}

#[tokio::test]
async fn the_read_mask_is_required_and_limited_by_the_sources() {
    let api = seeded().await;
    api.get("v1/otherContacts").await.assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/otherContacts?readMask=birthdays").await.assert_error(400, "INVALID_ARGUMENT");
    let with_profile = "v1/otherContacts?readMask=birthdays\
                        &sources=READ_SOURCE_TYPE_CONTACT&sources=READ_SOURCE_TYPE_PROFILE";
    let body = api.get(with_profile).await.ok();
    assert_eq!(body["otherContacts"][0]["birthdays"][0]["text"], "1815-12-10");
    let profile_only = "v1/otherContacts?readMask=names&sources=READ_SOURCE_TYPE_PROFILE";
    api.get(profile_only).await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn a_sync_after_a_full_list_finds_nothing_new() {
    let api = seeded().await;
    let full = api.get("v1/otherContacts?readMask=names&requestSyncToken=true").await.ok();
    let sync = full["nextSyncToken"].as_str().unwrap();
    let path = format!("v1/otherContacts?readMask=names&requestSyncToken=true&syncToken={sync}");
    let changes = api.get(&path).await.ok();
    assert!(changes.get("otherContacts").is_none() && changes["nextSyncToken"].is_string());
}

#[tokio::test]
async fn search_matches_names_emails_and_phones_and_warms_up_on_an_empty_query() {
    let api = seeded().await;
    let body = api.get("v1/otherContacts:search?readMask=names&query=charles").await.ok();
    assert_eq!(names_of(&body["results"]), ["otherContacts/c2"]);
    let body = api.get("v1/otherContacts:search?readMask=emailAddresses&query=x%40").await.ok();
    assert_eq!(names_of(&body["results"]), ["otherContacts/c77"]);
    assert_eq!(api.get("v1/otherContacts:search?readMask=names&query=").await.ok(), json!({}));
    api.get("v1/otherContacts:search?query=ada").await.assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/otherContacts:search?query=ada&readMask=photos")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn copy_creates_a_contact_in_my_contacts_with_only_the_copied_fields() {
    let api = seeded().await;
    let path = "v1/otherContacts/c1:copyOtherContactToMyContactsGroup";
    let copied = api.post(path, json!({"copyMask": "names,emailAddresses"})).await.ok();
    assert_eq!(copied["resourceName"], "people/c1");
    assert_eq!(copied["emailAddresses"][0]["value"], "ada@example.com");
    assert_eq!(copied["emailAddresses"][0]["metadata"]["source"]["type"], "CONTACT");
    assert!(copied.get("phoneNumbers").is_none());
    assert_eq!(
        copied["memberships"][0]["contactGroupMembership"]["contactGroupId"], "myContacts",
        "the default read mask includes memberships"
    );
    let stored = api.fake.contact("people/c1").unwrap();
    assert!(stored.get("birthdays").is_none() && stored.get("phoneNumbers").is_none());
    let trimmed =
        api.post(path, json!({"copyMask": "phoneNumbers", "readMask": "phoneNumbers"})).await.ok();
    assert!(trimmed.get("memberships").is_none());
}

#[tokio::test]
async fn copy_needs_a_copy_mask_and_an_existing_other_contact() {
    let api = seeded().await;
    let path = "v1/otherContacts/c1:copyOtherContactToMyContactsGroup";
    api.post(path, json!({})).await.assert_error(400, "INVALID_ARGUMENT");
    api.post(path, json!({"copyMask": "birthdays"})).await.assert_error(400, "INVALID_ARGUMENT");
    let unknown = "v1/otherContacts/c9:copyOtherContactToMyContactsGroup";
    api.post(unknown, json!({"copyMask": "names"})).await.assert_error(404, "NOT_FOUND");
}
