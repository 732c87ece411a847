//! people.listDirectoryPeople and people.searchDirectoryPeople.

use serde_json::json;

use crate::support::{Api, names_of};

const PROFILES: &str = "sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE";
const CONTACTS: &str = "sources=DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT";

async fn seeded() -> Api {
    Api::seeded(json!({"directory": [
        {"resourceName": "people/201", "names": [{"displayName": "Grace Hopper"}],
         "organizations": [{"name": "Navy"}]},
        {"resourceName": "people/202", "names": [{"displayName": "Alan Turing"}]},
        {"resourceName": "people/203", "names": [{"displayName": "Shared Contact"}],
         "metadata": {"sources": [{"type": "DOMAIN_CONTACT", "id": "203"}]}}
    ]}))
    .await
}

#[tokio::test]
async fn the_list_returns_the_people_of_the_requested_sources() {
    let api = seeded().await;
    let profiles =
        api.get(&format!("v1/people:listDirectoryPeople?readMask=names&{PROFILES}")).await.ok();
    assert_eq!(names_of(&profiles["people"]), ["people/201", "people/202"]);
    let contacts =
        api.get(&format!("v1/people:listDirectoryPeople?readMask=names&{CONTACTS}")).await.ok();
    assert_eq!(names_of(&contacts["people"]), ["people/203"]);
    let both =
        format!("v1/people:listDirectoryPeople?readMask=names&{PROFILES}&{CONTACTS}&pageSize=2");
    let first = api.get(&both).await.ok();
    let token = first["nextPageToken"].as_str().unwrap();
    let rest = api.get(&format!("{both}&pageToken={token}")).await.ok();
    assert_eq!(names_of(&rest["people"]), ["people/203"]);
}

#[tokio::test]
async fn the_list_needs_a_read_mask_and_sources() {
    let api = seeded().await;
    api.get(&format!("v1/people:listDirectoryPeople?{PROFILES}"))
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/people:listDirectoryPeople?readMask=names")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    let unspecified =
        "v1/people:listDirectoryPeople?readMask=names&sources=DIRECTORY_SOURCE_TYPE_UNSPECIFIED";
    api.get(unspecified).await.assert_error(400, "INVALID_ARGUMENT");
    let bad_merge =
        format!("v1/people:listDirectoryPeople?readMask=names&{PROFILES}&mergeSources=EVERYTHING");
    api.get(&bad_merge).await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn search_matches_prefixes_and_requires_a_query() {
    let api = seeded().await;
    let path = format!("v1/people:searchDirectoryPeople?readMask=names&{PROFILES}&query=gra");
    let body = api.get(&path).await.ok();
    assert_eq!(names_of(&body["people"]), ["people/201"]);
    assert_eq!(body["totalSize"], 1);
    let navy = api
        .get(&format!("v1/people:searchDirectoryPeople?readMask=names&{PROFILES}&query=navy"))
        .await
        .ok();
    assert_eq!(names_of(&navy["people"]), ["people/201"]);
    let no_query = format!("v1/people:searchDirectoryPeople?readMask=names&{PROFILES}");
    api.get(&no_query).await.assert_error(400, "INVALID_ARGUMENT");
    let too_big = format!("{path}&pageSize=501");
    api.get(&too_big).await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn directory_profiles_can_be_read_with_people_get() {
    let api = seeded().await;
    let person = api.get("v1/people/202?personFields=names").await.ok();
    assert_eq!(person["names"][0]["displayName"], "Alan Turing");
}
