//! contactGroups and contactGroups.members.modify: system groups, unique
//! names, member counts, membership changes, paging and sync.

use serde_json::{Value, json};

use crate::support::{Api, names_of};

async fn create_group(api: &Api, name: &str) -> Value {
    api.post("v1/contactGroups", json!({"contactGroup": {"name": name}})).await.ok()
}

async fn member_count(api: &Api, id: &str) -> u64 {
    let group = api.get(&format!("v1/contactGroups/{id}")).await.ok();
    group["memberCount"].as_u64().expect("a member count")
}

fn group<'a>(list: &'a Value, resource_name: &str) -> &'a Value {
    list["contactGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|group| group["resourceName"] == resource_name)
        .unwrap_or_else(|| panic!("{resource_name} in {list}"))
}

#[tokio::test]
async fn the_list_holds_the_system_groups_and_user_groups_with_their_types() {
    let api = Api::start().await;
    let created = create_group(&api, "Book club").await;
    assert_eq!(created["groupType"], "USER_CONTACT_GROUP");
    assert!(created["resourceName"].as_str().unwrap().starts_with("contactGroups/"));
    let list = api.get("v1/contactGroups").await.ok();
    for id in
        ["myContacts", "starred", "friends", "family", "coworkers", "chatBuddies", "all", "blocked"]
    {
        let system = group(&list, &format!("contactGroups/{id}"));
        assert_eq!(system["groupType"], "SYSTEM_CONTACT_GROUP");
        assert_eq!(system["name"], id);
    }
    assert_eq!(group(&list, "contactGroups/myContacts")["formattedName"], "My Contacts");
    let user = group(&list, created["resourceName"].as_str().unwrap());
    assert_eq!(user["name"], "Book club");
    assert_eq!(user["memberCount"], 0);
    assert_eq!(list["totalItems"], 9);
}

#[tokio::test]
async fn group_names_are_unique_among_user_groups() {
    let api = Api::start().await;
    create_group(&api, "Book club").await;
    let other = create_group(&api, "Chess").await;
    let duplicate =
        api.post("v1/contactGroups", json!({"contactGroup": {"name": "Book club"}})).await;
    duplicate.assert_error(409, "ALREADY_EXISTS");
    let rename = json!({"contactGroup": {"name": "Book club"}});
    let path = format!("v1/{}", other["resourceName"].as_str().unwrap());
    api.put(&path, rename).await.assert_error(409, "ALREADY_EXISTS");
    let renamed = api.put(&path, json!({"contactGroup": {"name": "Go"}})).await.ok();
    assert_eq!(renamed["name"], "Go");
    api.post("v1/contactGroups", json!({"contactGroup": {"name": ""}}))
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    api.post("v1/contactGroups", json!({})).await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn member_counts_follow_contacts_being_created_and_deleted() {
    let api = Api::start().await;
    api.create_many(3).await;
    assert_eq!(member_count(&api, "myContacts").await, 3);
    api.delete("v1/people/c2:deleteContact").await.ok();
    assert_eq!(member_count(&api, "myContacts").await, 2);
    assert_eq!(member_count(&api, "all").await, 2);
}

#[tokio::test]
async fn get_returns_members_up_to_max_members_and_404_for_unknown_groups() {
    let api = Api::start().await;
    api.create_many(3).await;
    let without = api.get("v1/contactGroups/myContacts").await.ok();
    assert!(without.get("memberResourceNames").is_none());
    let with = api.get("v1/contactGroups/myContacts?maxMembers=2").await.ok();
    assert_eq!(with["memberResourceNames"], json!(["people/c1", "people/c2"]));
    let trimmed = api.get("v1/contactGroups/myContacts?groupFields=name").await.ok();
    let mut keys: Vec<&str> = trimmed.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["etag", "formattedName", "name", "resourceName"]);
    api.get("v1/contactGroups/nope").await.assert_error(404, "NOT_FOUND");
    api.get("v1/contactGroups/myContacts?groupFields=members")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    api.get("v1/contactGroups/myContacts?maxMembers=-1")
        .await
        .assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn batch_get_answers_each_name() {
    let api = Api::start().await;
    let path = "v1/contactGroups:batchGet?resourceNames=contactGroups/starred&resourceNames=contactGroups/nope";
    let responses = api.get(path).await.ok()["responses"].clone();
    assert_eq!(responses[0]["contactGroup"]["name"], "starred");
    assert_eq!(responses[1]["requestedResourceName"], "contactGroups/nope");
    assert_eq!(responses[1]["status"]["code"], 5);
    api.get("v1/contactGroups:batchGet").await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn members_modify_adds_removes_and_reports_what_it_could_not_do() {
    let api = Api::start().await;
    api.create_many(2).await;
    let created = create_group(&api, "Book club").await;
    let path = format!("v1/{}/members:modify", created["resourceName"].as_str().unwrap());
    let body = json!({"resourceNamesToAdd": ["people/c1", "people/c2", "people/c99"]});
    let outcome = api.post(&path, body).await.ok();
    assert_eq!(outcome, json!({"notFoundResourceNames": ["people/c99"]}));
    let group = api
        .get(&format!("v1/{}?maxMembers=10", created["resourceName"].as_str().unwrap()))
        .await
        .ok();
    assert_eq!(group["memberCount"], 2);
    let person = api.fake.contact("people/c1").unwrap();
    assert_eq!(person["memberships"].as_array().unwrap().len(), 2);

    // c2 leaves myContacts but keeps the user group; c1 then cannot leave it too.
    let remove = json!({"resourceNamesToRemove": ["people/c2"]});
    assert_eq!(
        api.post("v1/contactGroups/myContacts/members:modify", remove).await.ok(),
        json!({})
    );
    let last = json!({"resourceNamesToRemove": ["people/c2"]});
    let outcome = api.post(&path, last).await.ok();
    assert_eq!(outcome, json!({"canNotRemoveLastContactGroupResourceNames": ["people/c2"]}));
}

#[tokio::test]
async fn deprecated_system_groups_take_no_new_members_and_system_groups_stay() {
    let api = Api::start().await;
    api.create_many(1).await;
    let add = json!({"resourceNamesToAdd": ["people/c1"]});
    api.post("v1/contactGroups/friends/members:modify", add.clone())
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    assert_eq!(api.post("v1/contactGroups/starred/members:modify", add.clone()).await.status, 200);
    api.post("v1/contactGroups/nope/members:modify", add).await.assert_error(404, "NOT_FOUND");
    api.put("v1/contactGroups/starred", json!({"contactGroup": {"name": "x"}}))
        .await
        .assert_error(400, "INVALID_ARGUMENT");
    api.delete("v1/contactGroups/myContacts").await.assert_error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn deleting_a_group_keeps_its_contacts_unless_asked_to_delete_them() {
    let api = Api::start().await;
    api.create_many(2).await;
    for (name, delete_contacts, contacts_left) in [("Keep", false, 2), ("Drop", true, 1)] {
        let created = create_group(&api, name).await;
        let resource_name = created["resourceName"].as_str().unwrap();
        let add = json!({"resourceNamesToAdd": ["people/c1"]});
        api.post(&format!("v1/{resource_name}/members:modify"), add).await.ok();
        let path = format!("v1/{resource_name}?deleteContacts={delete_contacts}");
        assert_eq!(api.delete(&path).await.ok(), json!({}));
        api.get(&format!("v1/{resource_name}")).await.assert_error(404, "NOT_FOUND");
        assert_eq!(api.fake.snapshot().contacts.len(), contacts_left, "{name}");
    }
}

#[tokio::test]
async fn a_stale_group_etag_is_failed_precondition() {
    let api = Api::start().await;
    let created = create_group(&api, "Book club").await;
    let path = format!("v1/{}", created["resourceName"].as_str().unwrap());
    let mut body = json!({"contactGroup": created.clone()});
    body["contactGroup"]["name"] = json!("Reading");
    let renamed = api.put(&path, body.clone()).await.ok();
    assert_ne!(renamed["etag"], created["etag"]);
    api.put(&path, body).await.assert_error(400, "FAILED_PRECONDITION");
}

#[tokio::test]
async fn groups_page_and_sync() {
    let api = Api::start().await;
    let first = api.get("v1/contactGroups?pageSize=5").await.ok();
    assert_eq!(first["contactGroups"].as_array().unwrap().len(), 5);
    assert!(first.get("nextSyncToken").is_none());
    let token = first["nextPageToken"].as_str().unwrap();
    let last = api.get(&format!("v1/contactGroups?pageSize=5&pageToken={token}")).await.ok();
    assert_eq!(last["contactGroups"].as_array().unwrap().len(), 3);
    let sync = last["nextSyncToken"].as_str().unwrap().to_owned();
    api.get(&format!("v1/contactGroups?groupFields=name&pageToken={token}"))
        .await
        .assert_error(400, "INVALID_ARGUMENT");

    let created = create_group(&api, "Book club").await;
    let doomed = create_group(&api, "Doomed").await;
    api.delete(&format!("v1/{}", doomed["resourceName"].as_str().unwrap())).await.ok();
    let changes = api.get(&format!("v1/contactGroups?syncToken={sync}")).await.ok();
    let changed = names_of(&changes["contactGroups"]);
    assert_eq!(changed.len(), 2, "{changes}");
    assert!(changed.contains(&created["resourceName"].as_str().unwrap().to_owned()));
    let deleted = &changes["contactGroups"][1];
    assert_eq!(
        (deleted["resourceName"].clone(), deleted["metadata"]["deleted"].clone()),
        (doomed["resourceName"].clone(), json!(true))
    );
}
