//! The generated client against the fake People API (`google-people-v1-fake`)
//! over real HTTP: every method, a contact's whole lifecycle, a large import
//! in chunks and a long paginated listing. Where `people_calls.rs` pins each
//! request's exact bytes, these prove the calls work together against a
//! server that keeps state and enforces the documented rules.

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use google_people_v1::types::{
    BatchCreateContactsRequest, BatchDeleteContactsRequest, BatchUpdateContactsRequest, Biography,
    ContactGroup, ContactGroupField, ContactToCreate, CopyOtherContactToMyContactsGroupRequest,
    CreateContactGroupRequest, DirectorySourceType, EmailAddress, ModifyContactGroupMembersRequest,
    Name, Person, PersonField, ReadSourceType, UpdateContactGroupRequest,
    UpdateContactPhotoRequest,
};
use google_people_v1::{API, PeopleService, runtime};
use google_people_v1_fake::{FakePeople, Seed};
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A service whose calls go to `fake`, without retries so that every
/// request the test makes is sent exactly once.
fn people_at(fake: &FakePeople) -> Result<PeopleService, runtime::Error> {
    let client = runtime::Client::builder(&API)
        .base_url(fake.base_url())
        .authenticator(runtime::auth::StaticToken::new("end-to-end-token"))
        .retry(runtime::RetryPolicy::never())
        .build()?;
    Ok(PeopleService::from_client(client))
}

fn named(given: &str, family: &str) -> Person {
    Person::default()
        .set_names([Name::default().set_given_name(given).set_family_name(family)])
        .set_email_addresses([
            EmailAddress::default().set_value(format!("{}@example.com", given.to_lowercase()))
        ])
}

fn given_name(person: &Person) -> Option<&str> {
    person.names.first().and_then(|name| name.given_name.as_deref())
}

/// The smallest PNG header the fake's image check accepts, and some pixels.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1]);
    bytes
}

#[tokio::test]
async fn a_contact_lives_through_create_read_update_conflict_photo_and_delete() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;

    let created = people
        .people()
        .create_contact(named("Ada", "Lovelace"))
        .person_fields([PersonField::Names, PersonField::EmailAddresses, PersonField::Metadata])
        .send()
        .await?;
    let name = created.resource_name.clone().ok_or("no resource name")?;
    assert!(name.starts_with("people/c"), "{name}");

    let read = people.people().get(&name).person_fields(PersonField::Names).send().await?;
    assert_eq!(given_name(&read), Some("Ada"));
    assert!(read.email_addresses.is_empty(), "personFields selects names only");

    let with_biography = created
        .clone()
        .set_biographies([Biography::default().set_value("Wrote the first program.")]);
    let updated = people
        .people()
        .update_contact(&name, with_biography, [PersonField::Biographies])
        .person_fields([PersonField::Names, PersonField::Biographies])
        .send()
        .await?;
    assert_eq!(updated.biographies[0].value.as_deref(), Some("Wrote the first program."));
    assert_eq!(given_name(&updated), Some("Ada"), "fields outside the mask are kept");
    assert_ne!(updated.etag, created.etag, "a mutation changes the etag");

    let stale = created.set_names([Name::default().set_given_name("Augusta")]);
    let conflict = people
        .people()
        .update_contact(&name, stale, PersonField::Names)
        .send()
        .await
        .err()
        .ok_or("an update with the etag from before the last update was accepted")?;
    assert!(conflict.is_etag_conflict(), "{conflict}");

    let photo = UpdateContactPhotoRequest::default()
        .set_photo_bytes(png())
        .set_person_fields([PersonField::Photos]);
    let with_photo = people.people().update_contact_photo(&name, photo).send().await?;
    let person = with_photo.person.ok_or("personFields was set, so the person comes back")?;
    assert!(person.photos.iter().any(|photo| photo.url.is_some()), "{:?}", person.photos);
    let without = people.people().delete_contact_photo(&name).send().await?;
    assert!(without.person.is_none(), "no personFields, no person");

    people.people().delete_contact(&name).send().await?;
    let gone = people.people().get(&name).person_fields(PersonField::Names).send().await;
    let error = gone.err().ok_or("a deleted contact could still be read")?;
    assert!(error.is_not_found(), "{error}");
    Ok(())
}

fn guests(n: usize) -> Vec<ContactToCreate> {
    (1..=n)
        .map(|n| {
            ContactToCreate::default()
                .set_contact_person(named(&format!("Guest{n:04}"), "Imported"))
        })
        .collect()
}

#[tokio::test]
async fn importing_450_contacts_goes_in_requests_of_at_most_200_and_all_arrive() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;

    let request = BatchCreateContactsRequest::default()
        .set_contacts(guests(450))
        .set_read_mask(PersonField::Names)
        .set_sources([ReadSourceType::Contact]);
    let responses: Vec<_> =
        people.people().batch_create_contacts(request).send_in_chunks().try_collect().await?;

    let sizes: Vec<usize> = responses.iter().map(|r| r.created_people.len()).collect();
    assert_eq!(sizes, [200, 200, 50], "the fake refuses more than 200 per request");
    let stored: BTreeSet<String> = fake
        .snapshot()
        .contacts
        .iter()
        .filter_map(|contact| contact["names"][0]["givenName"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(stored.len(), 450);
    assert!(stored.contains("Guest0001") && stored.contains("Guest0450"));
    Ok(())
}

#[tokio::test]
async fn listing_1000_contacts_follows_page_tokens_to_the_end() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let import = BatchCreateContactsRequest::default()
        .set_contacts(guests(1000))
        .set_read_mask(PersonField::Names);
    let _: Vec<_> =
        people.people().batch_create_contacts(import).send_in_chunks().try_collect().await?;

    let listed: Vec<Person> = people
        .people()
        .connections()
        .list("people/me")
        .person_fields(PersonField::Names)
        .page_size(100)
        .items()
        .try_collect()
        .await?;

    assert_eq!(listed.len(), 1000);
    let distinct: BTreeSet<&str> = listed.iter().filter_map(given_name).collect();
    assert_eq!(distinct.len(), 1000, "no contact twice, none lost");
    Ok(())
}

#[tokio::test]
async fn batch_get_search_batch_update_and_batch_delete_work_on_stored_contacts() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let mut names = Vec::new();
    for (given, family) in [("Ada", "Lovelace"), ("Charles", "Babbage"), ("Mary", "Somerville")] {
        let created = people
            .people()
            .create_contact(named(given, family))
            .person_fields([PersonField::Names, PersonField::Metadata])
            .send()
            .await?;
        names.push(created);
    }
    let resource_names: Vec<String> =
        names.iter().filter_map(|person| person.resource_name.clone()).collect();

    let batch = people
        .people()
        .get_batch_get(resource_names.clone())
        .person_fields(PersonField::Names)
        .send()
        .await?;
    let fetched: Vec<&str> =
        batch.responses.iter().filter_map(|r| r.person.as_ref().and_then(given_name)).collect();
    assert_eq!(fetched, ["Ada", "Charles", "Mary"]);

    let found = people.people().search_contacts("char", PersonField::Names).send().await?;
    let hits: Vec<&str> =
        found.results.iter().filter_map(|r| r.person.as_ref().and_then(given_name)).collect();
    assert_eq!(hits, ["Charles"]);

    let renamed = names[0].clone().set_names([Name::default().set_given_name("Augusta Ada")]);
    let update = BatchUpdateContactsRequest::default()
        .set_contacts([(resource_names[0].clone(), renamed)])
        .set_update_mask(PersonField::Names)
        .set_read_mask(PersonField::Names);
    let updated = people.people().batch_update_contacts(update).send().await?;
    let result = updated.update_result.get(&resource_names[0]).ok_or("no update result")?;
    assert_eq!(result.person.as_ref().and_then(given_name), Some("Augusta Ada"));

    let delete = BatchDeleteContactsRequest::default().set_resource_names(resource_names);
    people.people().batch_delete_contacts(delete).send().await?;
    assert!(fake.snapshot().contacts.is_empty());
    Ok(())
}

#[tokio::test]
async fn contact_groups_are_created_listed_renamed_filled_and_deleted() -> TestResult {
    let fake = FakePeople::start().await?;
    let people = people_at(&fake)?;
    let ada = people
        .people()
        .create_contact(named("Ada", "Lovelace"))
        .send()
        .await?
        .resource_name
        .ok_or("no resource name")?;

    let group = people
        .contact_groups()
        .create(
            CreateContactGroupRequest::default()
                .set_contact_group(ContactGroup::default().set_name("Analysts")),
        )
        .send()
        .await?;
    let group_name = group.resource_name.clone().ok_or("no group resource name")?;

    let duplicate = people
        .contact_groups()
        .create(
            CreateContactGroupRequest::default()
                .set_contact_group(ContactGroup::default().set_name("Analysts")),
        )
        .send()
        .await
        .err()
        .ok_or("a second group with the same name was created")?;
    assert_eq!(duplicate.status(), Some(409));

    let modified = people
        .contact_groups()
        .members()
        .modify(
            &group_name,
            ModifyContactGroupMembersRequest::default().set_resource_names_to_add([ada.clone()]),
        )
        .send()
        .await?;
    assert!(modified.not_found_resource_names.is_empty());

    let read = people
        .contact_groups()
        .get(&group_name)
        .max_members(10)
        .group_fields([ContactGroupField::Name, ContactGroupField::MemberCount])
        .send()
        .await?;
    assert_eq!(read.member_count, Some(1));
    assert_eq!(read.member_resource_names, [ada]);

    // Adding a member changed the group, so the update sends the etag read after it.
    let renamed = people
        .contact_groups()
        .update(
            &group_name,
            UpdateContactGroupRequest::default()
                .set_contact_group(read.clone().set_name("Engine analysts"))
                .set_update_group_fields(ContactGroupField::Name),
        )
        .send()
        .await?;
    assert_eq!(renamed.name.as_deref(), Some("Engine analysts"));

    let listed: Vec<ContactGroup> = people.contact_groups().list().items().try_collect().await?;
    assert!(listed.iter().any(|g| g.name.as_deref() == Some("Engine analysts")));
    assert!(listed.iter().any(|g| g.resource_name.as_deref() == Some("contactGroups/myContacts")));

    let batch = people
        .contact_groups()
        .batch_get([group_name.clone(), "contactGroups/myContacts".to_owned()])
        .send()
        .await?;
    assert_eq!(batch.responses.len(), 2);

    people.contact_groups().delete(&group_name).send().await?;
    let gone = people.contact_groups().get(&group_name).send().await;
    assert!(gone.err().ok_or("a deleted group could still be read")?.is_not_found());
    Ok(())
}

#[tokio::test]
async fn other_contacts_and_the_directory_are_listed_searched_and_copied() -> TestResult {
    let seed: Seed = serde_json::from_value(json!({
        "otherContacts": [{"names": [{"givenName": "Grace", "familyName": "Hopper"}],
                           "emailAddresses": [{"value": "grace@example.com"}]}],
        "directory": [{"names": [{"givenName": "Alan", "familyName": "Turing"}],
                       "emailAddresses": [{"value": "alan@example.com"}]}]
    }))?;
    let fake = FakePeople::builder().seed(seed).start().await?;
    let people = people_at(&fake)?;

    let others: Vec<Person> = people
        .other_contacts()
        .list([PersonField::Names, PersonField::EmailAddresses])
        .items()
        .try_collect()
        .await?;
    assert_eq!(others.iter().filter_map(given_name).collect::<Vec<_>>(), ["Grace"]);
    let found = people.other_contacts().search("gra", PersonField::Names).send().await?;
    assert_eq!(found.results.len(), 1);

    let other_name = others[0].resource_name.clone().ok_or("no resource name")?;
    let copied = people
        .other_contacts()
        .copy_other_contact_to_my_contacts_group(
            &other_name,
            CopyOtherContactToMyContactsGroupRequest::default()
                .set_copy_mask([PersonField::Names, PersonField::EmailAddresses])
                .set_read_mask(PersonField::Names),
        )
        .send()
        .await?;
    assert!(copied.resource_name.as_deref().is_some_and(|name| name.starts_with("people/c")));
    assert_eq!(fake.snapshot().contacts.len(), 1, "the copy is a contact now");

    let directory = people
        .people()
        .list_directory_people(PersonField::Names, [DirectorySourceType::DomainProfile])
        .send()
        .await?;
    assert_eq!(directory.people.iter().filter_map(given_name).collect::<Vec<_>>(), ["Alan"]);
    let searched = people
        .people()
        .search_directory_people("tur", PersonField::Names, [DirectorySourceType::DomainProfile])
        .send()
        .await?;
    assert_eq!(searched.people.iter().filter_map(given_name).collect::<Vec<_>>(), ["Alan"]);
    Ok(())
}
