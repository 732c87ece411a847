//! Seeds, snapshots and the server's lifetime.

use google_people_v1_fake::{FakePeople, Seed, StartError};
use serde_json::{Value, json};

use crate::support::Api;

fn seed() -> Value {
    json!({
        "contactGroups": [{"resourceName": "contactGroups/club", "name": "Club"}],
        "contacts": [
            {"names": [{"givenName": "Ada"}]},
            {"resourceName": "people/c10", "etag": "%seeded",
             "names": [{"givenName": "Grace"}],
             "memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/club"}}]}
        ]
    })
}

#[tokio::test]
async fn seeded_contacts_get_resource_names_and_etags_and_keep_their_own() {
    let api = Api::seeded(seed()).await;
    let list = api.get("v1/people/me/connections?personFields=names,memberships").await.ok();
    let first = &list["connections"][0];
    assert_eq!(first["resourceName"], "people/c11", "numbered after the highest seeded one");
    assert!(first["etag"].as_str().is_some_and(|etag| !etag.is_empty()));
    let grace = api.get("v1/people/c10?personFields=names,memberships").await.ok();
    assert_eq!(grace["etag"], "%seeded");
    assert_eq!(grace["memberships"][0]["contactGroupMembership"]["contactGroupId"], "club");
    assert_eq!(api.get("v1/contactGroups/club").await.ok()["memberCount"], 1);
    assert_eq!(api.create_named("New", "One").await["resourceName"], "people/c12");
}

#[tokio::test]
async fn a_seed_file_loads_like_json_and_a_missing_one_is_an_error() {
    let path = std::env::temp_dir().join(format!("fake-people-seed-{}.json", std::process::id()));
    std::fs::write(&path, seed().to_string()).unwrap();
    let loaded = Seed::from_file(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded.unwrap(), serde_json::from_value::<Seed>(seed()).unwrap());
    assert!(Seed::from_file(path).is_err());
    assert!(serde_json::from_value::<Seed>(json!({"contcts": []})).is_err(), "unknown keys");
}

#[tokio::test]
async fn a_snapshot_seeds_an_identical_fake() {
    let api = Api::seeded(seed()).await;
    api.create(
        json!({"names": [{"givenName": "Later"}], "urls": [{"value": "https://x.example"}]}),
    )
    .await;
    let snapshot = api.fake.snapshot();
    let copy = FakePeople::builder().seed(snapshot.clone()).start().await.unwrap();
    assert_eq!(copy.snapshot().contacts, snapshot.contacts);
    assert_eq!(copy.snapshot().contact_groups, snapshot.contact_groups);
}

#[tokio::test]
async fn an_inconsistent_seed_does_not_start() {
    let bad_seeds = [
        json!({"contacts": [{"memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/nope"}}]}]}),
        json!({"contactGroups": [{"name": "Same"}, {"name": "Same"}]}),
        json!({"contacts": [{"resourceName": "people/x1"}]}),
        json!({"contacts": [{"resourceName": "people/c1"}, {"resourceName": "people/c1"}]}),
        json!({"contacts": [{"names": [{"givenName": "A"}, {"givenName": "B"}]}]}),
        json!({"otherContacts": [{"resourceName": "otherContacts/c2"}, {}, {}]}),
    ];
    for bad in bad_seeds {
        let seed: Seed = serde_json::from_value(bad.clone()).unwrap();
        let started = FakePeople::builder().seed(seed).start().await;
        assert!(matches!(started, Err(StartError::Seed(_))), "{bad}");
    }
}

#[tokio::test]
async fn shutdown_releases_the_port() {
    let fake = FakePeople::start().await.unwrap();
    let address = fake.address();
    assert_eq!(fake.base_url(), format!("http://{address}/"));
    fake.shutdown().await;
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
    let again = FakePeople::builder().port(address.port()).start().await.unwrap();
    assert_eq!(again.address(), address);
}
