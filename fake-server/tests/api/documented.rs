//! The behaviours the documentation asks clients to work around: sync token
//! expiry on the fake's clock, the full-sync quota, the propagation delay of
//! sync reads, the search cache and its warm-up, and contention between
//! concurrent mutations of one user.

use std::sync::Arc;
use std::time::Duration;

use google_people_v1_fake::{FakeClock, FakePeople, SYNC_TOKEN_LIFETIME};
use serde_json::{Value, json};

use crate::contacts::{search, warm_up};
use crate::support::{Api, names_of};

const SYNC: &str = "v1/people/me/connections?personFields=names&requestSyncToken=true";
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

async fn start(builder: google_people_v1_fake::FakePeopleBuilder) -> Api {
    Api::with(builder.start().await.expect("the fake starts"))
}

/// A sync from `token` (a full sync without one): the body.
async fn sync(api: &Api, token: Option<&str>) -> Value {
    api.get(&sync_path(token)).await.ok()
}

fn sync_path(token: Option<&str>) -> String {
    match token {
        Some(token) => format!("{SYNC}&syncToken={token}"),
        None => SYNC.to_owned(),
    }
}

fn next_token(body: &Value) -> String {
    body["nextSyncToken"].as_str().expect("a sync token on the last page").to_owned()
}

#[tokio::test]
async fn sync_tokens_expire_seven_days_after_the_full_sync_even_when_renewed_incrementally() {
    let clock = FakeClock::new();
    let api = start(FakePeople::builder().clock(clock.clone())).await;
    assert_eq!(SYNC_TOKEN_LIFETIME, 7 * DAY);
    api.create_named("Ada", "Lovelace").await;
    let full = next_token(&sync(&api, None).await);

    clock.advance(3 * DAY);
    let renewed = next_token(&sync(&api, Some(&full)).await);
    clock.advance(4 * DAY - Duration::from_secs(1));
    let renewed_again = next_token(&sync(&api, Some(&renewed)).await);

    clock.advance(Duration::from_secs(1));
    assert_eq!(api.fake.clock().elapsed(), SYNC_TOKEN_LIFETIME, "the fake shares the clock");
    for token in [&full, &renewed, &renewed_again] {
        let reply = api.get(&sync_path(Some(token))).await;
        reply.assert_error(400, "FAILED_PRECONDITION");
        assert_eq!(
            reply.body["error"]["details"],
            json!([{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "EXPIRED_SYNC_TOKEN",
                "domain": "people.googleapis.com",
            }]),
            "{}",
            reply.text
        );
    }
    let fresh = sync(&api, None).await;
    assert_eq!(names_of(&fresh["connections"]), ["people/c1"]);
    sync(&api, Some(&next_token(&fresh))).await;
}

#[tokio::test]
async fn other_contact_tokens_expire_too_but_contact_group_tokens_do_not() {
    let clock = FakeClock::new();
    let api = start(FakePeople::builder().clock(clock.clone())).await;
    let other = "v1/otherContacts?readMask=names&requestSyncToken=true";
    let groups = "v1/contactGroups";
    let other_token = next_token(&api.get(other).await.ok());
    let group_token = next_token(&api.get(groups).await.ok());
    clock.advance(SYNC_TOKEN_LIFETIME + Duration::from_secs(1));
    let reply = api.get(&format!("{other}&syncToken={other_token}")).await;
    reply.assert_error(400, "FAILED_PRECONDITION");
    assert_eq!(reply.body["error"]["details"][0]["reason"], "EXPIRED_SYNC_TOKEN");
    api.get(&format!("{groups}?syncToken={group_token}")).await.ok();
}

#[tokio::test]
async fn the_first_page_of_a_full_sync_is_rate_limited_with_retry_after_as_configured() {
    let api =
        start(FakePeople::builder().full_sync_rate_limit(2, Duration::from_millis(1500))).await;
    api.create_many(3).await;
    for _ in 0..2 {
        let reply = api.get(&format!("{SYNC}&pageSize=2")).await;
        reply.assert_error(429, "RESOURCE_EXHAUSTED");
        assert_eq!(reply.retry_after.as_deref(), Some("2"), "whole seconds, rounded up");
        let details = reply.body["error"]["details"].as_array().cloned().unwrap_or_default();
        let retry_info = details
            .iter()
            .find(|detail| detail["@type"] == "type.googleapis.com/google.rpc.RetryInfo")
            .expect("a RetryInfo detail");
        assert_eq!(retry_info["retryDelay"], "1.500000000s");
    }
    let first = api.get(&format!("{SYNC}&pageSize=2")).await.ok();
    let page_token = first["nextPageToken"].as_str().expect("a second page").to_owned();

    // Mid-test: only first pages of full syncs count.
    api.fake.full_sync_rate_limit(1, Duration::from_secs(1));
    let last = api.get(&format!("{SYNC}&pageSize=2&pageToken={page_token}")).await.ok();
    let token = next_token(&last);
    api.get(&format!("{SYNC}&syncToken={token}")).await.ok();
    api.get("v1/people/me/connections?personFields=names").await.ok();
    api.get(SYNC).await.assert_error(429, "RESOURCE_EXHAUSTED");
    api.get(SYNC).await.ok();
}

#[tokio::test]
async fn changes_younger_than_the_propagation_delay_wait_for_a_later_incremental_sync() {
    let clock = FakeClock::new();
    let delay = Duration::from_secs(60);
    let api = start(FakePeople::builder().clock(clock.clone()).sync_propagation_delay(delay)).await;
    api.create_named("Ada", "Lovelace").await;
    let full = sync(&api, None).await;
    assert_eq!(names_of(&full["connections"]), ["people/c1"], "full syncs see every change");
    let token = next_token(&full);

    api.create_named("Charles", "Babbage").await;
    api.delete("v1/people/c1:deleteContact").await.ok();
    let early = sync(&api, Some(&token)).await;
    assert!(early.get("connections").is_none(), "{early}");
    let early_token = next_token(&early);

    clock.advance(delay);
    for token in [&token, &early_token] {
        let late = sync(&api, Some(token)).await;
        let connections = late["connections"].as_array().cloned().unwrap_or_default();
        assert_eq!(names_of(&late["connections"]), ["people/c2", "people/c1"], "{late}");
        assert_eq!(connections[1]["metadata"]["deleted"], true);
    }
    assert!(api.get("v1/people/c2?personFields=names").await.ok()["names"].is_array());
}

#[tokio::test]
async fn searches_answer_from_the_cache_of_the_last_warm_up() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    assert!(search(&api, "ada").await.is_empty(), "created after the cache was taken");
    warm_up(&api).await;
    assert_eq!(search(&api, "ada").await, ["people/c1"]);

    let mut renamed = api.fake.contact("people/c1").expect("stored");
    renamed["names"] = json!([{"givenName": "Augusta"}]);
    api.patch("v1/people/c1:updateContact?updatePersonFields=names", renamed).await.ok();
    api.create_named("Charles", "Babbage").await;
    assert_eq!(search(&api, "ada").await, ["people/c1"], "stale: the old name still matches");
    assert!(search(&api, "augusta").await.is_empty());
    assert!(search(&api, "charles").await.is_empty());

    warm_up(&api).await;
    assert!(search(&api, "ada").await.is_empty());
    assert_eq!(search(&api, "augusta").await, ["people/c1"]);
    assert_eq!(search(&api, "charles").await, ["people/c2"]);
}

#[tokio::test]
async fn without_the_search_cache_searches_see_the_data_as_it_is() {
    let api = start(FakePeople::builder().search_cache(false)).await;
    api.create_named("Ada", "Lovelace").await;
    assert_eq!(search(&api, "ada").await, ["people/c1"]);
    api.fake.set_search_cache(true);
    api.create_named("Charles", "Babbage").await;
    assert!(search(&api, "charles").await.is_empty(), "the cache is back on");
}

#[tokio::test]
async fn seeded_contacts_are_in_the_search_cache_from_the_start() {
    let api = Api::seeded(json!({"contacts": [{"names": [{"givenName": "Grace"}]}]})).await;
    assert_eq!(search(&api, "grace").await, ["people/c1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mutation_while_another_is_in_flight_is_aborted_and_reads_are_unaffected() {
    const MUTATIONS: usize = 10;
    let api =
        Arc::new(start(FakePeople::builder().mutation_delay(Duration::from_millis(300))).await);
    api.fake.set_mutation_delay(Duration::ZERO);
    api.create_named("Ada", "Lovelace").await;
    api.fake.set_mutation_delay(Duration::from_millis(300));

    let mutations: Vec<_> = (0..MUTATIONS)
        .map(|index| {
            let api = Arc::clone(&api);
            tokio::spawn(async move {
                let person = json!({"names": [{"givenName": format!("P{index}")}]});
                api.post("v1/people:createContact?personFields=names", person).await
            })
        })
        .collect();
    let read = api.get("v1/people/c1?personFields=names").await.ok();
    assert_eq!(read["names"][0]["givenName"], "Ada", "reads are served during mutations");
    let (mut created, mut aborted) = (0, 0);
    for mutation in mutations {
        let reply = mutation.await.expect("the task ends");
        if reply.status == 200 {
            created += 1;
        } else {
            reply.assert_error(409, "ABORTED");
            assert!(
                reply.body["error"]["message"].as_str().unwrap_or_default().contains("concurrent")
            );
            aborted += 1;
        }
    }
    assert!(created >= 1 && aborted >= 1, "{created} created, {aborted} aborted");
    assert_eq!(api.fake.snapshot().contacts.len(), 1 + created, "aborted ones change nothing");

    for index in 0..3 {
        let person = json!({"names": [{"givenName": format!("Q{index}")}]});
        api.post("v1/people:createContact", person).await.ok();
    }
}
