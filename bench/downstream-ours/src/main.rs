//! Creates a contact, updates it, creates two more in one batch and sets a
//! photo, through google-people-v1. `bench-runner` times its build; it is never run.

use google_people_v1::PeopleService;
use google_people_v1::runtime::Bytes;
use google_people_v1::runtime::auth::StaticToken;
use google_people_v1::types::{
    BatchCreateContactsRequest, ContactToCreate, EmailAddress, Name, Person, PersonField,
    UpdateContactPhotoRequest,
};

/// The line `bench-runner` edits to time an incremental rebuild.
const EDITED: u32 = 0;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GOOGLE_OAUTH_TOKEN")?;
    let people = PeopleService::new(StaticToken::new(token))?;

    let person = Person::default()
        .set_names([Name::default().set_given_name("Ada").set_family_name("Lovelace")]);
    let created = people
        .people()
        .create_contact(person)
        .person_fields([PersonField::Names, PersonField::EmailAddresses])
        .send()
        .await?;
    let resource_name = created.resource_name.clone().unwrap_or_default();

    let edited = created.set_email_addresses([
        EmailAddress::default().set_value(format!("ada{EDITED}@example.com"))
    ]);
    let updated = people
        .people()
        .update_contact(&resource_name, edited, PersonField::EmailAddresses)
        .send()
        .await?;

    let contacts = ["Charles", "Mary"].map(|given| {
        ContactToCreate::default().set_contact_person(
            Person::default().set_names([Name::default().set_given_name(given)]),
        )
    });
    let batch = people
        .people()
        .batch_create_contacts(
            BatchCreateContactsRequest::default()
                .set_contacts(contacts)
                .set_read_mask(PersonField::Names),
        )
        .send()
        .await?;

    let photo = UpdateContactPhotoRequest::default()
        .set_photo_bytes(Bytes::new(vec![0xff, 0xd8, 0xff, 0xd9]))
        .set_person_fields(PersonField::Photos);
    let with_photo = people.people().update_contact_photo(&resource_name, photo).send().await?;

    println!(
        "updated {:?}, created {} in a batch, photo set on {:?}",
        updated.resource_name,
        batch.created_people.len(),
        with_photo.person.and_then(|person| person.resource_name)
    );
    Ok(())
}
