//! Creates a contact, then updates it with the etag it came back with, and
//! shows how a stale etag surfaces.
//!
//! Credentials come from Application Default Credentials (for example
//! `GOOGLE_APPLICATION_CREDENTIALS` naming an authorized-user file).
//! `GOOGLE_PEOPLE_V1_BASE_URL` points the example at a local fake instead.

use google_people_v1::PeopleService;
use google_people_v1::runtime::auth::OAuth;
use google_people_v1::scopes;
use google_people_v1::types::{EmailAddress, Name, Person, PersonField, PhoneNumber};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let auth = OAuth::application_default().await?.with_scopes([scopes::CONTACTS]);
    let people = PeopleService::new(auth)?;

    let new_contact = Person::default()
        .set_names([Name::default().set_given_name("Ada").set_family_name("Lovelace")])
        .set_email_addresses([EmailAddress::default()
            .set_value("ada@example.com")
            .set_type("work")]);
    let created = people
        .people()
        .create_contact(new_contact)
        .person_fields([
            PersonField::Names,
            PersonField::EmailAddresses,
            PersonField::PhoneNumbers,
            PersonField::Metadata,
        ])
        .send()
        .await?;
    let resource_name = created.resource_name.clone().ok_or("no resource name in the response")?;
    println!("created {resource_name}");

    // An update sends back `metadata.sources` (with their etags) as read, and
    // says which fields it replaces.
    let changed = created.set_phone_numbers([PhoneNumber::default().set_value("+44 20 7946 0958")]);
    let update = people
        .people()
        .update_contact(&resource_name, changed, PersonField::PhoneNumbers)
        .person_fields([PersonField::Names, PersonField::PhoneNumbers])
        .send()
        .await;
    match update {
        Ok(updated) => println!("updated; {} phone number(s)", updated.phone_numbers.len()),
        Err(error) if error.is_etag_conflict() => {
            println!("the contact changed since it was read: read it again and reapply the change");
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
