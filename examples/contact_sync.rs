//! Keeps a local JSON copy of the signed-in user's contacts in sync: the
//! first run makes a full sync, later runs fetch only what changed (deleted
//! contacts are removed), and a token that has expired (People: seven days
//! after the full sync) starts over with a full sync.
//!
//! ```sh
//! PEOPLE_TOKEN=ya29... cargo run --example contact_sync -- contacts.json
//! ```
//!
//! The file holds `{"sync_token": ..., "contacts": {resourceName: person}}`
//! and is replaced atomically (written beside it, then renamed), so an
//! interrupted run leaves the previous copy intact. `PEOPLE_BASE_URL` (or a
//! second argument) points the program at another server, such as the fake
//! (`cargo xtask fake-server`); `PEOPLE_TOKEN` is the OAuth access token.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use google_people_v1::types::{Person, PersonField};
use google_people_v1::{API, PeopleService, runtime};
use serde::{Deserialize, Serialize};

/// The local copy, as stored in the file.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct LocalCopy {
    /// The token for the next incremental sync.
    pub sync_token: Option<String>,
    /// Every contact by resource name, with the fields the sync reads.
    pub contacts: BTreeMap<String, Person>,
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// A full sync (first run, or the token had expired).
    pub full: bool,
    /// The stored token had expired and a full sync ran instead.
    pub restarted: bool,
    /// Contacts new to the copy.
    pub added: usize,
    /// Contacts in the copy that changed.
    pub updated: usize,
    /// Contacts gone from the copy.
    pub removed: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match (self.full, self.restarted) {
            (true, true) => "full sync (token expired)",
            (true, false) => "full sync",
            (false, _) => "incremental sync",
        };
        write!(
            f,
            "{kind}: {} added, {} updated, {} removed",
            self.added, self.updated, self.removed
        )
    }
}

/// The fields kept locally. A sync token only works with the parameters of
/// the sync that returned it, so these never change between runs.
const FIELDS: [PersonField; 4] = [
    PersonField::Names,
    PersonField::EmailAddresses,
    PersonField::PhoneNumbers,
    PersonField::Metadata,
];

/// One sync of the copy in `path` (missing: an empty copy) through `people`.
pub async fn run(people: &PeopleService, path: &Path) -> Result<Summary, Box<dyn Error>> {
    let mut copy: LocalCopy = match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => LocalCopy::default(),
        Err(error) => return Err(error.into()),
    };
    let before = copy.contacts.clone();
    let synced = people
        .people()
        .connections()
        .list("people/me")
        .person_fields(FIELDS)
        .sync(copy.sync_token.take(), runtime::OnExpiry::FullSync)
        .await?;
    if synced.full {
        copy.contacts.clear(); // a full sync lists every contact there is
    }
    for person in synced.items {
        let Some(name) = person.resource_name.clone() else { continue };
        if person.metadata.as_ref().and_then(|metadata| metadata.deleted) == Some(true) {
            copy.contacts.remove(&name);
        } else {
            copy.contacts.insert(name, person);
        }
    }
    copy.sync_token = synced.next_sync_token;
    let summary = Summary {
        full: synced.full,
        restarted: synced.restarted,
        added: copy.contacts.keys().filter(|name| !before.contains_key(*name)).count(),
        updated: copy
            .contacts
            .iter()
            .filter(|(name, person)| before.get(*name).is_some_and(|old| old != *person))
            .count(),
        removed: before.keys().filter(|name| !copy.contacts.contains_key(*name)).count(),
    };
    save(path, &copy)?;
    Ok(summary)
}

/// Writes `copy` beside `path` and renames it into place.
fn save(path: &Path, copy: &LocalCopy) -> Result<(), Box<dyn Error>> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, serde_json::to_vec_pretty(copy)?)?;
    std::fs::rename(&temporary, path)?;
    Ok(())
}

/// A service for `base_url` (Google's when `None`) with a bearer token.
pub fn service(base_url: Option<&str>, token: &str) -> Result<PeopleService, runtime::Error> {
    let mut builder =
        runtime::Client::builder(&API).authenticator(runtime::auth::StaticToken::new(token));
    if let Some(base_url) = base_url {
        builder = builder.base_url(base_url);
    }
    Ok(PeopleService::from_client(builder.build()?))
}

#[tokio::main]
#[allow(dead_code)] // tests/people/workflows.rs includes this file and calls `run` instead.
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: contact_sync FILE [BASE_URL]")?;
    let base_url = args.next().or_else(|| std::env::var("PEOPLE_BASE_URL").ok());
    let token = std::env::var("PEOPLE_TOKEN").map_err(|_| "PEOPLE_TOKEN is not set")?;
    let people = service(base_url.as_deref(), &token)?;
    println!("{}", run(&people, Path::new(&path)).await?);
    Ok(())
}
