//! Lists the signed-in user's contacts, following every page.
//!
//! Needs an OAuth client of type "Desktop app" from the Google Cloud console,
//! saved as `client_secret.json`. The first run opens the consent page; the
//! token is kept in `tokens.json` for later runs.
//!
//! ```sh
//! cargo run --example list_connections
//! ```

use futures_util::TryStreamExt;
use google_people_v1::{PeopleService, runtime::auth::OAuth, scopes};
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let auth = OAuth::installed_app("client_secret.json", "tokens.json").await?;
    let people = PeopleService::new(auth.with_scopes([scopes::CONTACTS_READONLY]))?;
    let list = people.people().connections().list("people/me").person_fields("names");
    let mut contacts = std::pin::pin!(list.items());
    while let Some(person) = contacts.try_next().await? {
        let name = person.names.first().and_then(|name| name.display_name.as_deref());
        println!("{}", name.unwrap_or("(no name)"));
    }
    Ok(())
}
