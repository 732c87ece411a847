//! `people.listDirectoryPeople` and `people.searchDirectoryPeople`: the
//! domain directory, served read-only from the seed.

use serde_json::{Value, json};

use crate::dispatch::Call;
use crate::error::ApiError;
use crate::listing::{AboveMaximum, Listing, PageSize, Syncs};
use crate::mask::{PERSON_FIELDS, required_mask};
use crate::query::Query;
use crate::search;
use crate::store::Store;

const DIRECTORY_SOURCES: &[&str] = &[
    "DIRECTORY_SOURCE_TYPE_UNSPECIFIED",
    "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT",
    "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE",
];

const MERGE_SOURCES: &[&str] =
    &["DIRECTORY_MERGE_SOURCE_TYPE_UNSPECIFIED", "DIRECTORY_MERGE_SOURCE_TYPE_CONTACT"];

const LIST_PAGE: PageSize =
    PageSize { default: 100, maximum: 1000, above_maximum: AboveMaximum::Reject };

/// "Valid values are between 1 and 500, inclusive."
const SEARCH_PAGE: PageSize =
    PageSize { default: 100, maximum: 500, above_maximum: AboveMaximum::Reject };

pub(crate) fn list(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = required_mask(&call.query, "readMask", PERSON_FIELDS)?;
    let source_types = requested_source_types(&call.query)?;
    call.query.enums("mergeSources", MERGE_SOURCES)?;
    let request_sync_token = call.query.flag("requestSyncToken")?;
    let listing =
        Listing::begin(&call.query, &store.tokens, store.moment(), LIST_PAGE, Syncs::Tokens)?;
    // The directory never changes after seeding: a sync finds nothing new.
    let entries: Vec<&Value> = match listing.changed_since {
        Some(_) => Vec::new(),
        None => in_sources(store, &source_types).collect(),
    };
    let (page, next_page_token) = listing.page(entries, &store.tokens);
    let people = page.into_iter().map(|person| read_mask.person(person)).collect();
    let mut response = json!({});
    listing.complete(
        &mut response,
        "people",
        people,
        next_page_token,
        request_sync_token,
        &store.tokens,
    );
    Ok(response)
}

pub(crate) fn search(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = required_mask(&call.query, "readMask", PERSON_FIELDS)?;
    let source_types = requested_source_types(&call.query)?;
    call.query.enums("mergeSources", MERGE_SOURCES)?;
    let Some(query) = call.query.non_empty("query")? else {
        return Err(ApiError::invalid_field("query", "query is required."));
    };
    let listing =
        Listing::begin(&call.query, &store.tokens, store.moment(), SEARCH_PAGE, Syncs::Never)?;
    let matches: Vec<&Value> = in_sources(store, &source_types)
        .filter(|person| search::matches(person, query, search::CONTACT_FIELDS))
        .collect();
    let total = matches.len();
    let (page, next_page_token) = listing.page(matches, &store.tokens);
    let mut response = json!({ "totalSize": total });
    if !page.is_empty() {
        let people = page.into_iter().map(|person| read_mask.person(person)).collect();
        response["people"] = Value::Array(people);
    }
    if let Some(token) = next_page_token {
        response["nextPageToken"] = Value::String(token);
    }
    Ok(response)
}

/// The source types (`DOMAIN_PROFILE`, `DOMAIN_CONTACT`) asked for by the
/// required `sources`.
fn requested_source_types(query: &Query) -> Result<Vec<&'static str>, ApiError> {
    let types: Vec<&'static str> = query
        .enums("sources", DIRECTORY_SOURCES)?
        .into_iter()
        .filter_map(|source| match source {
            "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT" => Some("DOMAIN_CONTACT"),
            "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE" => Some("DOMAIN_PROFILE"),
            _ => None,
        })
        .collect();
    if types.is_empty() {
        return Err(ApiError::invalid_field(
            "sources",
            "sources is required: DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE and/or \
             DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT.",
        ));
    }
    Ok(types)
}

/// Directory people with a `metadata.sources` entry of one of `types`.
fn in_sources<'a>(store: &'a Store, types: &'a [&str]) -> impl Iterator<Item = &'a Value> {
    store.directory().iter().filter(move |person| {
        person
            .pointer("/metadata/sources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|source| source.get("type").and_then(Value::as_str))
            .any(|source_type| types.contains(&source_type))
    })
}
