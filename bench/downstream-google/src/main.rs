//! Creates a contact, updates it, creates two more in one batch and sets a
//! photo, through google-people1. `bench-runner` times its build; it is never run.

use google_people1::api::{
    BatchCreateContactsRequest, ContactToCreate, EmailAddress, Name, Person,
    UpdateContactPhotoRequest,
};
use google_people1::{FieldMask, PeopleService, hyper_rustls, hyper_util};

/// The line `bench-runner` edits to time an incremental rebuild.
const EDITED: u32 = 0;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GOOGLE_OAUTH_TOKEN")?;
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_only()
        .enable_http2()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(connector);
    let hub = PeopleService::new(client, token);

    let person = Person {
        names: Some(vec![Name {
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let (_, created) = hub
        .people()
        .create_contact(person)
        .person_fields(FieldMask::new(&["names", "emailAddresses"]))
        .doit()
        .await?;
    let resource_name = created.resource_name.clone().unwrap_or_default();

    let edited = Person {
        email_addresses: Some(vec![EmailAddress {
            value: Some(format!("ada{EDITED}@example.com")),
            ..Default::default()
        }]),
        ..created
    };
    let (_, updated) = hub
        .people()
        .update_contact(edited, &resource_name)
        .update_person_fields(FieldMask::new(&["emailAddresses"]))
        .doit()
        .await?;

    let contacts = ["Charles", "Mary"].map(|given| ContactToCreate {
        contact_person: Some(Person {
            names: Some(vec![Name { given_name: Some(given.into()), ..Default::default() }]),
            ..Default::default()
        }),
    });
    let (_, batch) = hub
        .people()
        .batch_create_contacts(BatchCreateContactsRequest {
            contacts: Some(contacts.into()),
            read_mask: Some(FieldMask::new(&["names"])),
            ..Default::default()
        })
        .doit()
        .await?;

    let photo = UpdateContactPhotoRequest {
        photo_bytes: Some(vec![0xff, 0xd8, 0xff, 0xd9]),
        person_fields: Some(FieldMask::new(&["photos"])),
        ..Default::default()
    };
    let (_, with_photo) = hub.people().update_contact_photo(photo, &resource_name).doit().await?;

    println!(
        "updated {:?}, created {} in a batch, photo set on {:?}",
        updated.resource_name,
        batch.created_people.map_or(0, |people| people.len()),
        with_photo.person.and_then(|person| person.resource_name)
    );
    Ok(())
}
