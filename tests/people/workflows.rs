//! The workflows the People documentation asks clients to implement,
//! against the fake that behaves as documented (`google-people-v1-fake`):
//! incremental sync with expiry and the full-sync quota, the search warm-up,
//! mutations of one user sent one at a time, merging a stale update, and
//! sequential edits that start from each update's answer and its etag.
//! Also the `contact_sync` example, run here against the fake.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use google_people_v1::types::{
    Biography, ContactGroup, CreateContactGroupRequest, EmailAddress, Name, Person, PersonField,
    UpdateContactGroupRequest, UpdateContactPhotoRequest,
};
use google_people_v1::{API, PeopleService, runtime};
use google_people_v1_fake::{FakeClock, FakePeople, SYNC_TOKEN_LIFETIME, Seed};
use serde_json::json;
use tokio::sync::Barrier;

#[path = "../../examples/contact_sync.rs"]
mod contact_sync;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FIELDS: [PersonField; 3] =
    [PersonField::Names, PersonField::EmailAddresses, PersonField::Metadata];

/// A client for `fake` that never retries by itself, so that what the
/// workflows do is all that happens.
fn client_for(fake: &FakePeople) -> runtime::ClientBuilder {
    runtime::Client::builder(&API)
        .base_url(fake.base_url())
        .authenticator(runtime::auth::StaticToken::new("workflow-token"))
        .retry(runtime::RetryPolicy::never())
}

fn people_at(fake: &FakePeople) -> Result<PeopleService, runtime::Error> {
    Ok(PeopleService::from_client(client_for(fake).build()?))
}

fn named(given: &str) -> Person {
    Person::default().set_names([Name::default().set_given_name(given)])
}

/// A fake holding contacts `people/c1` .. `people/c{count}`, named `P1` ...
async fn seeded(
    builder: google_people_v1_fake::FakePeopleBuilder,
    count: usize,
) -> Result<FakePeople, Box<dyn std::error::Error>> {
    let contacts = (1..=count).map(|index| json!({"names": [{"givenName": format!("P{index}")}]}));
    let seed: Seed = serde_json::from_value(json!({ "contacts": contacts.collect::<Vec<_>>() }))?;
    Ok(builder.seed(seed).start().await?)
}

fn given_name(person: &Person) -> Option<&str> {
    person.names.first().and_then(|name| name.given_name.as_deref())
}

fn resource_names(people: &[Person]) -> Vec<&str> {
    people.iter().filter_map(|person| person.resource_name.as_deref()).collect()
}

fn is_deleted(person: &Person) -> bool {
    person.metadata.as_ref().and_then(|metadata| metadata.deleted) == Some(true)
}

fn emails(person: &Person) -> Vec<&str> {
    person.email_addresses.iter().filter_map(|email| email.value.as_deref()).collect()
}

#[tokio::test]
async fn a_full_sync_then_an_incremental_one_returns_adds_edits_and_deletions_marked_deleted()
-> TestResult {
    let fake = seeded(FakePeople::builder(), 3).await?;
    let people = people_at(&fake)?;
    // Two per page: the sync follows page tokens, which only work with the
    // parameters of the first page.
    let list =
        || people.people().connections().list("people/me").person_fields(FIELDS).page_size(2);

    let full = list().sync(None, runtime::OnExpiry::Fail).await?;
    assert!(full.full && !full.restarted);
    assert_eq!(resource_names(&full.items), ["people/c1", "people/c2", "people/c3"]);
    let token = full.next_sync_token.ok_or("a full sync returns a token")?;

    let c2 =
        full.items.iter().find(|p| p.resource_name.as_deref() == Some("people/c2")).ok_or("c2")?;
    let renamed = c2.clone().set_names([Name::default().set_given_name("Renamed")]);
    people.people().update_contact("people/c2", renamed, PersonField::Names).send().await?;
    people.people().delete_contact("people/c3").send().await?;
    let added = people.people().create_contact(named("Added")).send().await?;

    let changes = list().sync(Some(token.clone()), runtime::OnExpiry::Fail).await?;
    assert!(!changes.full && !changes.restarted);
    assert_eq!(changes.items.len(), 3, "{:?}", resource_names(&changes.items));
    let find = |name: &str| changes.items.iter().find(|p| p.resource_name.as_deref() == Some(name));
    assert_eq!(find("people/c2").and_then(given_name), Some("Renamed"));
    assert!(find("people/c3").is_some_and(is_deleted), "the deletion is marked");
    assert!(find(added.resource_name.as_deref().ok_or("a name")?).is_some_and(|p| !is_deleted(p)));
    assert!(find("people/c1").is_none(), "unchanged contacts are not listed");

    let quiet = list().sync(changes.next_sync_token, runtime::OnExpiry::Fail).await?;
    assert!(quiet.items.is_empty() && !quiet.full);

    let other_fields =
        people.people().connections().list("people/me").person_fields(PersonField::Names);
    let refused = other_fields.sync(Some(token), runtime::OnExpiry::FullSync).await;
    let error = refused.err().ok_or("a token is pinned to the parameters of its first call")?;
    assert_eq!(error.status(), Some(400));
    assert!(!error.is_sync_token_expired(), "{error}");
    Ok(())
}

#[tokio::test]
async fn an_expired_token_is_a_typed_error_or_with_full_sync_a_restart_that_lists_everything()
-> TestResult {
    let clock = FakeClock::new();
    let fake = seeded(FakePeople::builder().clock(clock.clone()), 2).await?;
    let people = people_at(&fake)?;
    let list = || people.people().connections().list("people/me").person_fields(FIELDS);
    let token = list().sync(None, runtime::OnExpiry::Fail).await?.next_sync_token;
    people.people().create_contact(named("Later")).send().await?;

    clock.advance(SYNC_TOKEN_LIFETIME + Duration::from_secs(1));
    let failed = list().sync(token.clone(), runtime::OnExpiry::Fail).await;
    let error = failed.err().ok_or("an expired token fails under OnExpiry::Fail")?;
    assert!(error.is_sync_token_expired(), "{error}");

    let restarted = list().sync(token, runtime::OnExpiry::FullSync).await?;
    assert!(restarted.restarted && restarted.full);
    assert_eq!(resource_names(&restarted.items), ["people/c1", "people/c2", "people/c3"]);
    let fresh = list().sync(restarted.next_sync_token, runtime::OnExpiry::Fail).await?;
    assert!(!fresh.full && fresh.items.is_empty(), "the new token works");
    Ok(())
}

#[tokio::test]
async fn a_rate_limited_first_page_of_a_full_sync_is_asked_again_after_the_servers_delay()
-> TestResult {
    let retry_after = Duration::from_secs(1);
    let fake = seeded(FakePeople::builder().full_sync_rate_limit(2, retry_after), 3).await?;
    // RetryPolicy::never(): the client's own retries would otherwise absorb
    // the 429s; this is the sync's documented retry of its first page.
    let people = people_at(&fake)?;
    let list = || people.people().connections().list("people/me").person_fields(FIELDS);

    let started = Instant::now();
    let synced = list().sync(None, runtime::OnExpiry::Fail).await?;
    assert!(started.elapsed() >= 2 * retry_after, "it waited as asked, twice");
    assert_eq!(synced.items.len(), 3);
    assert!(synced.full && synced.next_sync_token.is_some());

    // The retries are bounded: a quota that stays exhausted is returned.
    fake.full_sync_rate_limit(u32::MAX, retry_after);
    let error = list().sync(None, runtime::OnExpiry::Fail).await.err().ok_or("still limited")?;
    assert!(error.is_rate_limited(), "{error}");
    Ok(())
}

async fn search_finds(people: &PeopleService, query: &str) -> Result<Vec<String>, runtime::Error> {
    let found = people.people().search_contacts(query, PersonField::Names).send().await?;
    Ok(found.results.iter().filter_map(|r| r.person.as_ref()?.resource_name.clone()).collect())
}

#[tokio::test]
async fn a_search_without_the_warm_up_misses_a_contact_created_since_the_cache_was_taken()
-> TestResult {
    let fake = FakePeople::start().await?;
    let people = PeopleService::from_client(client_for(&fake).search_warmup(None).build()?);
    people.people().create_contact(named("Ada")).send().await?;
    assert!(search_finds(&people, "ada").await?.is_empty(), "the fake's search cache is stale");
    Ok(())
}

#[tokio::test]
async fn with_the_automatic_warm_up_searches_find_contacts_created_through_the_client() -> TestResult
{
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let ada = people.people().create_contact(named("Ada")).send().await?;
    assert_eq!(search_finds(&people, "ada").await?, [ada.resource_name.clone().ok_or("a name")?]);
    // A mutation through the client warms up again before the next search.
    let grace = people.people().create_contact(named("Grace")).send().await?;
    assert_eq!(search_finds(&people, "grace").await?, [grace.resource_name.ok_or("a name")?]);
    Ok(())
}

/// 20 tasks share one client; each reads its own contact, waits for all
/// the others to have read, then updates it. Returns the update errors and
/// whether a read through the same client, sent while the updates were
/// queued, finished before the last update.
async fn twenty_concurrent_updates(
    sequential: bool,
) -> Result<(Vec<runtime::Error>, bool, FakePeople), Box<dyn std::error::Error>> {
    const TASKS: usize = 20;
    let fake = seeded(FakePeople::builder(), TASKS).await?;
    fake.set_mutation_delay(Duration::from_millis(50));
    let people =
        PeopleService::from_client(client_for(&fake).sequential_mutations(sequential).build()?);
    let all_have_read = Arc::new(Barrier::new(TASKS + 1));
    let finished = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (1..=TASKS)
        .map(|index| {
            let (people, all_have_read, finished) =
                (people.clone(), all_have_read.clone(), finished.clone());
            tokio::spawn(async move {
                let name = format!("people/c{index}");
                let read = people.people().get(&name).person_fields(FIELDS).send().await;
                all_have_read.wait().await;
                let person =
                    read?.set_biographies([Biography::default().set_value(format!("bio {index}"))]);
                let updated = people
                    .people()
                    .update_contact(&name, person, PersonField::Biographies)
                    .send()
                    .await;
                finished.fetch_add(1, Ordering::SeqCst);
                updated.map(drop)
            })
        })
        .collect();
    all_have_read.wait().await;
    people.people().get("people/c1").person_fields(PersonField::Names).send().await?;
    let read_while_queued = finished.load(Ordering::SeqCst) < TASKS;
    let mut errors = Vec::new();
    for task in tasks {
        if let Err(error) = task.await? {
            errors.push(error);
        }
    }
    Ok((errors, read_while_queued, fake))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_updates_through_one_client_meet_no_contention_and_all_apply()
-> TestResult {
    let (errors, read_while_queued, fake) = twenty_concurrent_updates(true).await?;
    assert!(errors.is_empty(), "{errors:?}");
    for index in 1..=20 {
        let stored = fake.contact(&format!("people/c{index}")).ok_or("stored")?;
        assert_eq!(stored["biographies"][0]["value"], format!("bio {index}"));
    }
    assert!(read_while_queued, "a read does not wait for the queued mutations");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_updates_without_sequential_mutations_trip_the_documented_contention() -> TestResult
{
    let (errors, _, _) = twenty_concurrent_updates(false).await?;
    assert!(!errors.is_empty(), "overlapping mutations are refused by the fake");
    for error in &errors {
        let status = error.google_error().and_then(|google| google.status.as_deref());
        assert_eq!((error.status(), status), (Some(409), Some("ABORTED")), "{error}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflicting_edit_is_merged_by_update_contact_merged_in_a_second_attempt() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let someone_else = people_at(&fake)?;
    let ada =
        named("Ada").set_email_addresses([EmailAddress::default().set_value("ada@example.com")]);
    let name = people.people().create_contact(ada).send().await?.resource_name.ok_or("a name")?;

    let conflicted = AtomicBool::new(false);
    let merged = people
        .people()
        .update_contact_merged(
            &name,
            PersonField::EmailAddresses,
            |get| get.person_fields(FIELDS),
            |person| {
                if !conflicted.swap(true, Ordering::SeqCst) {
                    // Someone else adds an address between our read and our update.
                    let theirs = tokio::task::block_in_place(|| {
                        tokio::runtime::Handle::current().block_on(async {
                            let mut latest = someone_else
                                .people()
                                .get(&name)
                                .person_fields(FIELDS)
                                .send()
                                .await?;
                            latest
                                .email_addresses
                                .push(EmailAddress::default().set_value("theirs@example.com"));
                            someone_else
                                .people()
                                .update_contact(&name, latest, PersonField::EmailAddresses)
                                .send()
                                .await
                        })
                    });
                    assert!(theirs.is_ok(), "{theirs:?}");
                }
                person.email_addresses.push(EmailAddress::default().set_value("ours@example.com"));
            },
        )
        .await?;

    assert_eq!(merged.attempts, 2, "the first update had a stale etag");
    assert_eq!(
        emails(&merged.value),
        ["ada@example.com", "theirs@example.com", "ours@example.com"]
    );
    let stored = people.people().get(&name).person_fields(FIELDS).send().await?;
    assert_eq!(emails(&stored), ["ada@example.com", "theirs@example.com", "ours@example.com"]);
    Ok(())
}

const GET: &str = "people.people.get";
const UPDATE: &str = "people.people.updateContact";

/// Adds the address `edit{index}@example.com` with `update_contact_merged`.
async fn add_address(
    people: &PeopleService,
    name: &str,
    index: usize,
) -> Result<runtime::Merged<Person>, runtime::Error> {
    people
        .people()
        .update_contact_merged(
            name,
            PersonField::EmailAddresses,
            |get| get.person_fields(FIELDS),
            |person| {
                let address = format!("edit{index}@example.com");
                person.email_addresses.push(EmailAddress::default().set_value(address));
            },
        )
        .await
}

fn edit_addresses(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(|index| format!("edit{index}@example.com")).collect()
}

/// Creates `Ada` through `people`, whose answer the client keeps.
async fn create_ada(people: &PeopleService) -> Result<String, Box<dyn std::error::Error>> {
    let created = people.people().create_contact(named("Ada")).send().await?;
    Ok(created.resource_name.ok_or("a name")?)
}

#[tokio::test]
async fn ten_sequential_edits_of_one_contact_send_ten_updates_with_each_answers_etag_and_no_read()
-> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let name = create_ada(&people).await?;

    for index in 1..=10 {
        let merged = add_address(&people, &name, index).await?;
        assert_eq!((merged.attempts, merged.reads), (1, 0), "edit {index}");
    }

    assert_eq!((fake.served(GET), fake.served(UPDATE)), (0, 10));
    let stored = people.people().get(&name).person_fields(FIELDS).send().await?;
    assert_eq!(emails(&stored), edit_addresses(1..=10));
    Ok(())
}

#[tokio::test]
async fn a_second_writer_between_edits_four_and_five_costs_edit_five_one_read_and_loses_nothing()
-> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let someone_else = people_at(&fake)?;
    let name = create_ada(&people).await?;

    for index in 1..=10 {
        if index == 5 {
            let mut theirs = someone_else.people().get(&name).person_fields(FIELDS).send().await?;
            theirs.email_addresses.push(EmailAddress::default().set_value("theirs@example.com"));
            someone_else
                .people()
                .update_contact(&name, theirs, PersonField::EmailAddresses)
                .send()
                .await?;
        }
        let merged = add_address(&people, &name, index).await?;
        let expected = if index == 5 { (2, 1) } else { (1, 0) };
        assert_eq!((merged.attempts, merged.reads), expected, "edit {index}");
    }

    // Ours: 10 updates, one refused for its stale etag, one read. Theirs: a read and an update.
    assert_eq!((fake.served(GET), fake.served(UPDATE)), (1 + 1, 11 + 1));
    let stored = people.people().get(&name).person_fields(FIELDS).send().await?;
    let mut expected = edit_addresses(1..=4);
    expected.push("theirs@example.com".to_owned());
    expected.extend(edit_addresses(5..=10));
    assert_eq!(emails(&stored), expected);
    Ok(())
}

/// The smallest PNG header the fake's image check accepts.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1]);
    bytes
}

#[tokio::test]
async fn an_edit_after_a_photo_update_starts_from_the_person_the_photo_update_returned()
-> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let name = create_ada(&people).await?;
    let photo = UpdateContactPhotoRequest::default()
        .set_photo_bytes(png())
        .set_person_fields([PersonField::EmailAddresses, PersonField::Metadata]);
    people.people().update_contact_photo(&name, photo).send().await?;

    let merged = add_address(&people, &name, 1).await?;

    assert_eq!((merged.attempts, merged.reads), (1, 0));
    assert_eq!((fake.served(GET), fake.served(UPDATE)), (0, 1));
    assert!(fake.contact(&name).ok_or("stored")?["photos"][0]["url"].is_string());
    Ok(())
}

#[tokio::test]
async fn after_a_photo_update_that_returns_no_person_the_next_edit_reads_instead_of_conflicting()
-> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let name = create_ada(&people).await?;
    let photo = UpdateContactPhotoRequest::default().set_photo_bytes(png());
    let answer = people.people().update_contact_photo(&name, photo).send().await?;
    assert!(answer.person.is_none(), "no personFields: the documented empty answer");

    let merged = add_address(&people, &name, 1).await?;

    assert_eq!((merged.attempts, merged.reads), (1, 1), "the copy from the create is stale");
    assert_eq!((fake.served(GET), fake.served(UPDATE)), (1, 1));
    Ok(())
}

#[tokio::test]
async fn a_kept_copy_missing_the_fields_to_change_is_not_used_so_nothing_is_cleared() -> TestResult
{
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let ada =
        named("Ada").set_email_addresses([EmailAddress::default().set_value("ada@example.com")]);
    // The answer holds names only: sending it back as the emails would clear them.
    let created =
        people.people().create_contact(ada).person_fields(PersonField::Names).send().await?;
    let name = created.resource_name.ok_or("a name")?;

    let merged = add_address(&people, &name, 1).await?;

    assert_eq!((merged.attempts, merged.reads), (1, 1));
    assert_eq!(emails(&merged.value), ["ada@example.com", "edit1@example.com"]);
    Ok(())
}

#[tokio::test]
async fn renaming_a_group_five_times_reads_it_once_then_starts_from_each_answer() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let group = ContactGroup::default().set_name("Team");
    let created = people
        .contact_groups()
        .create(CreateContactGroupRequest::default().set_contact_group(group))
        .send()
        .await?;
    let name = created.resource_name.ok_or("a group name")?;

    for round in 1..=5 {
        let options = UpdateContactGroupRequest::default().set_update_group_fields("name");
        let merged = people
            .contact_groups()
            .update_merged(
                &name,
                options,
                |get| get,
                |group| {
                    group.name = Some(format!("Team {round}"));
                },
            )
            .await?;
        // The create's answer holds the default fields, not chosen ones: the first edit reads.
        let expected = if round == 1 { (1, 1) } else { (1, 0) };
        assert_eq!((merged.attempts, merged.reads), expected, "round {round}");
    }

    let served = |id| fake.served(id);
    assert_eq!((served("people.contactGroups.get"), served("people.contactGroups.update")), (1, 5));
    let stored = people.contact_groups().get(&name).send().await?;
    assert_eq!(stored.name.as_deref(), Some("Team 5"));
    Ok(())
}

#[tokio::test]
async fn with_kept_resources_zero_every_edit_reads_first() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = PeopleService::from_client(client_for(&fake).kept_resources(0).build()?);
    let name = create_ada(&people).await?;

    for index in 1..=3 {
        let merged = add_address(&people, &name, index).await?;
        assert_eq!((merged.attempts, merged.reads), (1, 1), "edit {index}");
    }

    assert_eq!((fake.served(GET), fake.served(UPDATE)), (3, 3));
    Ok(())
}

#[tokio::test]
async fn a_kept_copy_older_than_kept_for_is_not_used() -> TestResult {
    let fake = FakePeople::start().await?;
    let people =
        PeopleService::from_client(client_for(&fake).kept_for(Duration::from_millis(1)).build()?);
    let name = create_ada(&people).await?;
    tokio::time::sleep(Duration::from_millis(20)).await;

    let merged = add_address(&people, &name, 1).await?;

    assert_eq!((merged.attempts, merged.reads), (1, 1));
    Ok(())
}

#[tokio::test]
async fn the_contact_sync_example_keeps_a_local_copy_through_changes_and_an_expired_token()
-> TestResult {
    let clock = FakeClock::new();
    let fake = seeded(FakePeople::builder().clock(clock.clone()), 3).await?;
    let people = contact_sync::service(Some(fake.base_url()), "example-token")?;
    let directory = std::env::temp_dir().join(format!("contact-sync-{}", std::process::id()));
    std::fs::create_dir_all(&directory)?;
    let path = directory.join("contacts.json");
    let _ = std::fs::remove_file(&path);
    let stored = || -> Result<contact_sync::LocalCopy, Box<dyn std::error::Error>> {
        Ok(serde_json::from_slice(&std::fs::read(&path)?)?)
    };
    let summary = |full, restarted, added, updated, removed| contact_sync::Summary {
        full,
        restarted,
        added,
        updated,
        removed,
    };

    assert_eq!(contact_sync::run(&people, &path).await?, summary(true, false, 3, 0, 0));
    assert_eq!(stored()?.contacts.len(), 3);

    let c1 = people.people().get("people/c1").person_fields(FIELDS).send().await?;
    people
        .people()
        .update_contact(
            "people/c1",
            c1.set_names([Name::default().set_given_name("Renamed")]),
            PersonField::Names,
        )
        .send()
        .await?;
    people.people().delete_contact("people/c2").send().await?;
    people.people().create_contact(named("New")).send().await?;
    let incremental = contact_sync::run(&people, &path).await?;
    assert_eq!(incremental, summary(false, false, 1, 1, 1));
    assert_eq!(incremental.to_string(), "incremental sync: 1 added, 1 updated, 1 removed");
    let copy = stored()?;
    assert_eq!(
        copy.contacts.keys().map(String::as_str).collect::<Vec<_>>(),
        ["people/c1", "people/c3", "people/c4"]
    );
    assert_eq!(copy.contacts.get("people/c1").and_then(given_name), Some("Renamed"));

    // A contact deleted while the token ages is gone after the restart too.
    people.people().delete_contact("people/c3").send().await?;
    clock.advance(SYNC_TOKEN_LIFETIME + Duration::from_secs(1));
    assert_eq!(contact_sync::run(&people, &path).await?, summary(true, true, 0, 0, 1));
    assert_eq!(
        stored()?.contacts.keys().map(String::as_str).collect::<Vec<_>>(),
        ["people/c1", "people/c4"]
    );
    assert!(!directory.join("contacts.json.tmp").exists(), "the temporary file was renamed");
    assert_eq!(contact_sync::run(&people, &path).await?, summary(false, false, 0, 0, 0));
    std::fs::remove_dir_all(&directory)?;
    Ok(())
}

#[test]
fn the_readme_sync_loop_is_the_examples_code_and_under_20_lines() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../../examples/contact_sync.rs");
    let start =
        readme.find("```rust\nlet synced = people").expect("the README shows the sync loop");
    let block = &readme[start + "```rust\n".len()..];
    let block = &block[..block.find("```").expect("the block ends")];
    assert!(block.lines().count() < 20, "{} lines", block.lines().count());
    let indented: String = block.lines().map(|line| format!("    {line}\n")).collect();
    assert!(
        example.contains(&indented),
        "README's sync loop differs from examples/contact_sync.rs"
    );
}
