//! Creating, reading, deleting and searching contacts, and `people/me`.

use serde_json::{Value, json};

use crate::support::{Api, names_of};

#[tokio::test]
async fn a_created_contact_gets_a_resource_name_etags_and_my_contacts_membership() {
    let api = Api::start().await;
    let created = api.create_named("Ada", "Lovelace").await;
    assert_eq!(created["resourceName"], "people/c1");
    assert!(created["etag"].as_str().unwrap().starts_with('%'));
    let source = &created["metadata"]["sources"][0];
    assert_eq!((source["type"].as_str(), source["id"].as_str()), (Some("CONTACT"), Some("1")));
    assert!(source["etag"].is_string() && source["updateTime"].is_string());
    assert_eq!(
        created["memberships"][0]["contactGroupMembership"]["contactGroupResourceName"],
        "contactGroups/myContacts"
    );
    assert_eq!(created["names"][0]["displayName"], "Ada Lovelace");
    assert_eq!(created["names"][0]["metadata"]["source"]["type"], "CONTACT");
    let second = api.create_named("Charles", "Babbage").await;
    assert_eq!(second["resourceName"], "people/c2");
    assert_eq!(api.fake.contact("people/c1").unwrap(), created);
}

#[tokio::test]
async fn create_returns_only_the_person_fields_asked_for() {
    let api = Api::start().await;
    let person = json!({"names": [{"givenName": "Ada"}], "urls": [{"value": "https://a.example"}]});
    let body = api.post("v1/people:createContact?personFields=urls", person).await.ok();
    let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["etag", "resourceName", "urls"]);
    let reply = api.post("v1/people:createContact?personFields=urls,shoeSize", json!({})).await;
    reply.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn output_only_fields_in_a_create_body_are_ignored() {
    let api = Api::start().await;
    let created = api
        .create(json!({
            "resourceName": "people/c999",
            "photos": [{"url": "https://example.com/p.png"}],
            "names": [{"givenName": "Ada", "displayName": "Someone Else"}]
        }))
        .await;
    assert_eq!(created["resourceName"], "people/c1");
    assert!(created.get("photos").is_none());
    assert_eq!(created["names"][0]["displayName"], "Ada");
}

#[tokio::test]
async fn get_requires_a_valid_person_fields_mask() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    let missing = api.get("v1/people/c1").await;
    missing.assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(missing.body["error"]["details"][0]["fieldViolations"][0]["field"], "personFields");
    api.get("v1/people/c1?personFields=").await.assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/people/c1?personFields=names,nope").await.assert_error(400, "INVALID_ARGUMENT");
    // Valid for reading, not for writing.
    assert_eq!(api.get("v1/people/c1?personFields=photos,coverPhotos").await.status, 200);
}

#[tokio::test]
async fn the_legacy_request_mask_is_an_alternative_to_person_fields() {
    let api = Api::start().await;
    api.create(json!({"names": [{"givenName": "Ada"}], "urls": [{"value": "u"}]})).await;
    let legacy = "requestMask.includeField=person.names";
    let person = api.get(&format!("v1/people/c1?{legacy}")).await.ok();
    assert!(person.get("names").is_some() && person.get("urls").is_none());
    let batch = api.get(&format!("v1/people:batchGet?resourceNames=people/c1&{legacy}")).await.ok();
    assert!(batch["responses"][0]["person"].get("names").is_some());
    let list = api.get(&format!("v1/people/me/connections?{legacy}")).await.ok();
    assert_eq!(names_of(&list["connections"]), ["people/c1"]);
    let unprefixed = api.get("v1/people/c1?requestMask.includeField=names").await;
    unprefixed.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn an_unknown_contact_is_404_and_a_deleted_one_too() {
    let api = Api::start().await;
    api.get("v1/people/c42?personFields=names").await.assert_error(404, "NOT_FOUND");
    api.create_named("Ada", "Lovelace").await;
    assert_eq!(api.delete("v1/people/c1:deleteContact").await.ok(), json!({}));
    api.get("v1/people/c1?personFields=names").await.assert_error(404, "NOT_FOUND");
    api.delete("v1/people/c1:deleteContact").await.assert_error(404, "NOT_FOUND");
    assert!(api.fake.snapshot().contacts.is_empty());
}

#[tokio::test]
async fn people_me_is_the_seeded_profile_or_a_default_one() {
    let default = Api::start().await;
    let me = default.get("v1/people/me?personFields=names,emailAddresses").await.ok();
    assert!(me["resourceName"].as_str().unwrap().starts_with("people/"));
    assert!(me["names"][0]["displayName"].is_string());

    let profile = json!({"resourceName": "people/123", "names": [{"displayName": "Grace Hopper"}]});
    let seeded = Api::seeded(json!({"me": profile})).await;
    let me = seeded.get("v1/people/me?personFields=names").await.ok();
    assert_eq!(me["names"][0]["displayName"], "Grace Hopper");
    assert_eq!(me["resourceName"], "people/123");
    let by_name = seeded.get("v1/people/123?personFields=names").await.ok();
    assert_eq!(by_name, me);
}

#[tokio::test]
async fn singleton_fields_with_two_values_are_rejected_on_create() {
    let api = Api::start().await;
    for field in ["names", "biographies", "birthdays", "genders"] {
        let body = json!({ field: [{"value": "a"}, {"value": "b"}] });
        let reply = api.post("v1/people:createContact", body).await;
        reply.assert_error(400, "INVALID_ARGUMENT");
        assert!(reply.text.contains(field), "{}", reply.text);
    }
    let one_each = json!({"names": [{"givenName": "A"}], "emailAddresses": [{"value": "a@x"}, {"value": "b@x"}]});
    assert_eq!(api.post("v1/people:createContact", one_each).await.status, 200);
}

#[tokio::test]
async fn batch_get_answers_each_name_including_the_unknown_ones() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    let path = "v1/people:batchGet?personFields=names&resourceNames=people/c1&resourceNames=people/c9\
                &resourceNames=people/me";
    let responses = api.get(path).await.ok()["responses"].clone();
    assert_eq!(responses[0]["httpStatusCode"], 200);
    assert_eq!(responses[0]["requestedResourceName"], "people/c1");
    assert_eq!(responses[0]["person"]["names"][0]["givenName"], "Ada");
    assert_eq!(responses[1]["httpStatusCode"], 404);
    assert_eq!(responses[1]["status"]["code"], 5);
    assert!(responses[1].get("person").is_none());
    assert_eq!(responses[2]["httpStatusCode"], 200);
}

#[tokio::test]
async fn batch_get_needs_names_a_mask_and_at_most_200_names() {
    let api = Api::start().await;
    api.get("v1/people:batchGet?personFields=names").await.assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/people:batchGet?resourceNames=people/me")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    let names = |count: usize| {
        (0..count)
            .map(|index| format!("resourceNames=people/c{index}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let at_limit = api.get(&format!("v1/people:batchGet?personFields=names&{}", names(200))).await;
    assert_eq!(at_limit.status, 200);
    let over = api.get(&format!("v1/people:batchGet?personFields=names&{}", names(201))).await;
    over.assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/people:batchGet?personFields=names&resourceNames=contactGroups/x")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
}

/// The documented warm-up request: the search cache catches up.
pub async fn warm_up(api: &Api) {
    assert_eq!(api.get("v1/people:searchContacts?readMask=names&query=").await.ok(), json!({}));
}

pub async fn search(api: &Api, query: &str) -> Vec<String> {
    let path = format!("v1/people:searchContacts?readMask=names&query={query}");
    let body = api.get(&path).await.ok();
    names_of(body.get("results").unwrap_or(&Value::Null))
}

#[tokio::test]
async fn search_matches_word_prefixes_of_names_emails_phones_organizations_and_nicknames() {
    let api = Api::start().await;
    api.create(json!({
        "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
        "emailAddresses": [{"value": "countess@example.com"}],
        "phoneNumbers": [{"value": "+44 20 7946 0958"}],
        "organizations": [{"name": "Analytical Engines"}],
        "nicknames": [{"value": "Enchantress"}]
    }))
    .await;
    api.create_named("Charles", "Babbage").await;
    warm_up(&api).await;
    for query in ["ada", "LOVE", "ada%20lo", "countess", "%2B44", "7946", "engines", "enchant"] {
        assert_eq!(search(&api, query).await, ["people/c1"], "{query}");
    }
    for query in ["da", "ovelace", "example", "zzz"] {
        assert!(search(&api, query).await.is_empty(), "{query}");
    }
    assert_eq!(search(&api, "b").await, ["people/c2"]);
}

#[tokio::test]
async fn search_with_an_empty_query_is_the_warm_up_and_returns_nothing() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    assert_eq!(api.get("v1/people:searchContacts?readMask=names&query=").await.ok(), json!({}));
    assert_eq!(api.get("v1/people:searchContacts?readMask=names").await.ok(), json!({}));
}

#[tokio::test]
async fn search_requires_a_read_mask_and_pages_10_by_default_capped_at_30() {
    let api = Api::start().await;
    api.get("v1/people:searchContacts?query=a").await.assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/people:searchContacts?query=a&readMask=bogus")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    api.create_many(35).await;
    warm_up(&api).await;
    let count = |body: Value| body["results"].as_array().map_or(0, Vec::len);
    assert_eq!(count(api.get("v1/people:searchContacts?readMask=names&query=p").await.ok()), 10);
    let capped = api.get("v1/people:searchContacts?readMask=names&query=p&pageSize=50").await.ok();
    assert_eq!(count(capped), 30);
    let negative = api.get("v1/people:searchContacts?readMask=names&query=p&pageSize=-1").await;
    negative.assert_error(400, "INVALID_ARGUMENT");
}
