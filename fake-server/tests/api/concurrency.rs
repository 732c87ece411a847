//! Many clients at once: no lost updates, no lost creates.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::Barrier;

use crate::support::{Api, names_of};

/// Each writer appends its own email address with read-modify-write,
/// retrying on the etag precondition. All writers read before any writes,
/// so conflicts are certain; every append must still survive.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_with_etag_retries_lose_nothing() {
    const WRITERS: usize = 16;
    let api = Arc::new(Api::start().await);
    api.create_named("Ada", "Lovelace").await;
    let all_have_read = Arc::new(Barrier::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let api = Arc::clone(&api);
            let all_have_read = Arc::clone(&all_have_read);
            tokio::spawn(async move {
                let mut conflicts = 0;
                loop {
                    let read = "v1/people/c1?personFields=emailAddresses,metadata";
                    let mut person = api.get(read).await.ok();
                    if conflicts == 0 {
                        all_have_read.wait().await;
                    }
                    let mut emails =
                        person["emailAddresses"].as_array().cloned().unwrap_or_default();
                    emails.push(json!({"value": format!("writer{writer}@example.com")}));
                    person["emailAddresses"] = Value::Array(emails);
                    let path = "v1/people/c1:updateContact?updatePersonFields=emailAddresses";
                    let reply = api.patch(path, person).await;
                    if reply.status == 200 {
                        return conflicts;
                    }
                    reply.assert_error(400, "FAILED_PRECONDITION");
                    conflicts += 1;
                }
            })
        })
        .collect();
    let mut conflicts = 0;
    for writer in writers {
        conflicts += writer.await.unwrap();
    }
    assert!(conflicts >= WRITERS - 1, "only one first write can win: {conflicts} conflicts");
    let stored = api.fake.contact("people/c1").unwrap();
    let emails: BTreeSet<&str> = stored["emailAddresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|email| email["value"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<String> =
        (0..WRITERS).map(|writer| format!("writer{writer}@example.com")).collect();
    assert_eq!(emails, expected.iter().map(String::as_str).collect());
    assert_eq!(stored["emailAddresses"].as_array().unwrap().len(), WRITERS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_are_all_stored_with_distinct_names() {
    const CREATES: usize = 64;
    let api = Arc::new(Api::start().await);
    let creators: Vec<_> = (0..CREATES)
        .map(|index| {
            let api = Arc::clone(&api);
            tokio::spawn(async move {
                let created = api.create_named(&format!("Person{index}"), "Concurrent").await;
                created["resourceName"].as_str().unwrap().to_owned()
            })
        })
        .collect();
    let mut created = BTreeSet::new();
    for creator in creators {
        assert!(created.insert(creator.await.unwrap()), "resource names are unique");
    }
    let listed = api.get("v1/people/me/connections?personFields=names&pageSize=1000").await.ok();
    let listed: BTreeSet<String> = names_of(&listed["connections"]).into_iter().collect();
    assert_eq!(listed, created);
    assert_eq!(api.fake.snapshot().contacts.len(), CREATES);
}
