//! HTTP batch of People calls against the fake, which serves `POST /batch`
//! as Google does (`google-people-v1-fake`): typed results in the order
//! added, the 1000-call limit, mixed reads and writes, per-call errors and
//! resends. `FakePeople::fail_next` is the fake's own test hook, not a
//! Google behaviour.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use google_people_v1::types::{ContactGroupField, Name, Person, PersonField};
use google_people_v1::{API, PeopleService, runtime};
use google_people_v1_fake::{FakePeople, Seed};
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A fake holding contacts `people/c1` .. `people/c{count}`, named `P1` ...
async fn seeded(count: usize) -> Result<FakePeople, Box<dyn std::error::Error>> {
    let contacts = (1..=count).map(|index| json!({"names": [{"givenName": format!("P{index}")}]}));
    let seed: Seed = serde_json::from_value(json!({ "contacts": contacts.collect::<Vec<_>>() }))?;
    Ok(FakePeople::builder().seed(seed).start().await?)
}

fn people_at(fake: &FakePeople) -> Result<PeopleService, runtime::Error> {
    let client = runtime::Client::builder(&API)
        .base_url(fake.base_url())
        .authenticator(runtime::auth::StaticToken::new("batch-token"))
        .retry(
            runtime::RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build()?;
    Ok(PeopleService::from_client(client))
}

fn given_name(person: &Person) -> Option<&str> {
    person.names.first().and_then(|name| name.given_name.as_deref())
}

/// Reads `count` seeded contacts in one batch; returns the given names in
/// the order the calls were added, and how many batch requests went out.
async fn read_all(
    people: &PeopleService,
    count: usize,
) -> Result<(Vec<String>, usize), runtime::Error> {
    let mut batch = people.batch();
    let mut slots = Vec::new();
    for index in 1..=count {
        let get = people.people().get(format!("people/c{index}")).person_fields(PersonField::Names);
        slots.push(batch.add(get)?);
    }
    let mut results = batch.send().await;
    let mut names = Vec::new();
    for slot in slots {
        names.push(given_name(&results.take(slot)?).unwrap_or_default().to_owned());
    }
    Ok((names, results.requests()))
}

#[tokio::test]
async fn three_reads_come_back_typed_in_the_order_added_from_one_request() -> TestResult {
    let fake = seeded(3).await?;
    let people = people_at(&fake)?;
    let (names, requests) = read_all(&people, 3).await?;
    assert_eq!(names, ["P1", "P2", "P3"]);
    assert_eq!((requests, fake.served("batch"), fake.served("people.people.get")), (1, 1, 3));
    Ok(())
}

#[tokio::test]
async fn two_hundred_fifty_reads_go_in_one_request_and_twelve_hundred_in_two() -> TestResult {
    let fake = seeded(1200).await?;
    let people = people_at(&fake)?;
    let (names, requests) = read_all(&people, 250).await?;
    assert_eq!((names.len(), names[249].as_str(), requests), (250, "P250", 1));
    let (names, requests) = read_all(&people, 1200).await?;
    assert_eq!((names.len(), names[1199].as_str(), requests), (1200, "P1200", 2));
    assert_eq!(fake.served("batch"), 3);
    assert_eq!(fake.served("people.people.get"), 1450);
    Ok(())
}

#[tokio::test]
async fn mixed_reads_and_writes_keep_their_order_and_a_missing_contact_is_an_error_in_its_slot()
-> TestResult {
    let fake = seeded(2).await?;
    let people = people_at(&fake)?;
    let mut batch = people.batch();
    let first = batch.add(people.people().get("people/c1").person_fields(PersonField::Names))?;
    let created = batch.add(
        people
            .people()
            .create_contact(Person::default().set_names([Name::default().set_given_name("Grace")]))
            .person_fields(PersonField::Names),
    )?;
    let missing =
        batch.add(people.people().get("people/c404").person_fields(PersonField::Names))?;
    let groups = batch.add(people.contact_groups().list().group_fields(ContactGroupField::Name))?;
    let mut results = batch.send().await;

    assert_eq!(given_name(&results.take(first)?), Some("P1"));
    let created = results.take(created)?;
    assert_eq!(given_name(&created), Some("Grace"));
    let stored = created.resource_name.as_deref().and_then(|name| fake.contact(name));
    assert!(stored.is_some(), "the created contact is in the fake's store");
    match results.take(missing) {
        Err(runtime::Error::Api { method, status, .. }) => {
            assert_eq!((method, status), ("people.people.get", 404));
        }
        other => return Err(format!("expected a 404 in its slot, got {other:?}").into()),
    }
    results.take(groups)?;
    // The read and the create (a mutation People wants sent one at a time),
    // then the calls added after the create, once it is answered.
    assert_eq!((results.requests(), fake.served("batch")), (2, 2));
    Ok(())
}

#[tokio::test]
async fn a_call_answered_429_is_resent_alone_and_succeeds() -> TestResult {
    let fake = seeded(3).await?;
    let people = people_at(&fake)?;
    fake.fail_next("people.people.get", 1, 429, Some(Duration::from_secs(0)));
    let (names, requests) = read_all(&people, 3).await?;
    assert_eq!(names, ["P1", "P2", "P3"], "every call has its result, in order");
    assert_eq!(requests, 2, "one batch request, then the refused call alone");
    assert_eq!(fake.served("batch"), 2);
    assert_eq!(fake.served("people.people.get"), 4, "three calls, one of them twice");
    Ok(())
}

/// Gives a revoked token until told it was refused, then the right one.
#[derive(Debug, Default)]
struct RevokedThenRenewed {
    renewed: AtomicBool,
}

impl runtime::auth::Authenticator for RevokedThenRenewed {
    fn credential<'a>(
        &'a self,
        _scopes: &'a [&'static str],
    ) -> runtime::auth::CredentialFuture<'a> {
        let token =
            if self.renewed.load(Ordering::SeqCst) { "right-token" } else { "revoked-token" };
        Box::pin(
            async move { Ok(runtime::auth::Credential::Bearer(runtime::auth::Secret::new(token))) },
        )
    }

    fn rejected<'a>(
        &'a self,
        _credential: &'a runtime::auth::Credential,
    ) -> runtime::auth::RejectionFuture<'a> {
        let first = !self.renewed.swap(true, Ordering::SeqCst);
        Box::pin(async move { first })
    }
}

#[tokio::test]
async fn calls_refused_for_their_credential_are_sent_again_once_with_a_new_one() -> TestResult {
    let fake = FakePeople::builder().token("right-token").start().await?;
    let client = runtime::Client::builder(&API)
        .base_url(fake.base_url())
        .authenticator(RevokedThenRenewed::default())
        .build()?;
    let people = PeopleService::from_client(client);
    let mut batch = people.batch();
    let me = batch.add(people.people().get("people/me").person_fields(PersonField::Names))?;
    let groups = batch.add(people.contact_groups().list())?;
    let mut results = batch.send().await;
    results.take(me)?;
    results.take(groups)?;
    assert_eq!((results.requests(), fake.served("batch")), (2, 2), "refused, then renewed");
    Ok(())
}

#[tokio::test]
async fn a_credential_that_cannot_be_renewed_leaves_each_call_its_401() -> TestResult {
    let fake = FakePeople::builder().token("the-right-token").start().await?;
    let client = runtime::Client::builder(&API)
        .base_url(fake.base_url())
        .authenticator(runtime::auth::StaticToken::new("a-wrong-token"))
        .build()?;
    let people = PeopleService::from_client(client);
    let mut batch = people.batch();
    let slot = batch.add(people.people().get("people/me").person_fields(PersonField::Names))?;
    let mut results = batch.send().await;
    match results.take(slot) {
        Err(runtime::Error::Api { method, status, .. }) => {
            assert_eq!((method, status), ("people.people.get", 401));
        }
        other => return Err(format!("expected a 401 under the call's id, got {other:?}").into()),
    }
    assert_eq!(fake.served("batch"), 1, "a fixed token is not sent again");
    Ok(())
}
