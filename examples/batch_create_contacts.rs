//! Imports many contacts with `people.batchCreateContacts`, at most 200 per
//! request as the API requires, one request after the other (`send_in_chunks`).

use futures_util::TryStreamExt;
use google_people_v1::PeopleService;
use google_people_v1::runtime::auth::OAuth;
use google_people_v1::scopes;
use google_people_v1::types::{
    BatchCreateContactsRequest, ContactToCreate, Name, Person, PersonField,
};

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

    let request = BatchCreateContactsRequest::default()
        .set_contacts(contacts)
        .set_read_mask(PersonField::Names);
    // 450 contacts are more than one request takes: they go as 200, 200 and 50.
    let mut responses =
        std::pin::pin!(people.people().batch_create_contacts(request).send_in_chunks());
    let mut created = 0;
    while let Some(response) = responses.try_next().await? {
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
