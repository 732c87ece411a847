//! Sets a contact's photo from an image file.
//!
//! ```sh
//! cargo run --example set_contact_photo -- people/c123 photo.jpg
//! ```

use google_people_v1::PeopleService;
use google_people_v1::runtime::{Bytes, auth::OAuth};
use google_people_v1::scopes;
use google_people_v1::types::UpdateContactPhotoRequest;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(resource_name), Some(photo_path)) = (args.next(), args.next()) else {
        return Err("usage: set_contact_photo RESOURCE_NAME IMAGE_FILE".into());
    };
    let photo = std::fs::read(&photo_path)?;

    let auth = OAuth::application_default().await?.with_scopes([scopes::CONTACTS]);
    let people = PeopleService::new(auth)?;
    let request = UpdateContactPhotoRequest::default()
        .set_photo_bytes(Bytes::new(photo))
        .set_person_fields("photos");
    let response = people.people().update_contact_photo(resource_name, request).send().await?;
    let url = response
        .person
        .as_ref()
        .and_then(|person| person.photos.first())
        .and_then(|photo| photo.url.as_deref());
    println!("photo set: {}", url.unwrap_or("(no URL returned)"));
    Ok(())
}
