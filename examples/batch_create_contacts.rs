//! Imports many contacts with `people.batchCreateContacts`, at most 200 per
//! request as the API requires, one request after the other.

use google_people_v1::PeopleService;
use google_people_v1::runtime::auth::OAuth;
use google_people_v1::scopes;
use google_people_v1::types::{BatchCreateContactsRequest, ContactToCreate, Name, Person};

/// The most contacts one `batchCreateContacts` request may carry.
const BATCH_LIMIT: usize = 200;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let auth = OAuth::application_default().await?.with_scopes([scopes::CONTACTS]);
    let people = PeopleService::new(auth)?;

    let contacts: Vec<ContactToCreate> = (1..=450)
        .map(|n| {
            let name = Name::default().set_given_name(format!("Guest {n}"));
            ContactToCreate::default().set_contact_person(Person::default().set_names([name]))
        })
        .collect();

    let mut created = 0;
    for batch in contacts.chunks(BATCH_LIMIT) {
        let request = BatchCreateContactsRequest::default()
            .set_contacts(batch.to_vec())
            .set_read_mask("names");
        let response = people.people().batch_create_contacts(request).send().await?;
        for entry in &response.created_people {
            match &entry.status {
                Some(status) if status.code.unwrap_or(0) != 0 => {
                    eprintln!(
                        "not created: {}",
                        status.message.as_deref().unwrap_or("(no message)")
                    );
                }
                _ => created += 1,
            }
        }
    }
    println!("created {created} contacts");
    Ok(())
}
