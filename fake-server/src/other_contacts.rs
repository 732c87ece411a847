//! `otherContacts.*`: contacts Google created from interactions. The fake
//! serves them from the seed; they change only by being copied.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::dispatch::Call;
use crate::error::ApiError;
use crate::listing::{AboveMaximum, Listing, PageSize, Syncs};
use crate::mask::{
    COPY_FIELDS, FieldMask, OTHER_CONTACT_FIELDS, OTHER_CONTACT_SEARCH_FIELDS, PERSON_FIELDS,
    mask_or, required_mask,
};
use crate::people::{READ_SOURCES, SEARCH_PAGE, check_body_sources, search_results};
use crate::search;
use crate::store::Store;

const LIST_PAGE: PageSize =
    PageSize { default: 100, maximum: 1000, above_maximum: AboveMaximum::Reject };

const CONTACT_SOURCE: &str = "READ_SOURCE_TYPE_CONTACT";
const PROFILE_SOURCE: &str = "READ_SOURCE_TYPE_PROFILE";

pub(crate) fn list(store: &Store, call: &Call) -> Result<Value, ApiError> {
    // "Possible values for this field are: READ_SOURCE_TYPE_CONTACT, or
    // READ_SOURCE_TYPE_CONTACT,READ_SOURCE_TYPE_PROFILE".
    let sources = call.query.enums("sources", READ_SOURCES)?;
    let with_profile = sources.contains(&PROFILE_SOURCE);
    if sources.iter().any(|source| ![CONTACT_SOURCE, PROFILE_SOURCE].contains(source))
        || (with_profile && !sources.contains(&CONTACT_SOURCE))
    {
        return Err(ApiError::invalid_field(
            "sources",
            "sources must be READ_SOURCE_TYPE_CONTACT, optionally with READ_SOURCE_TYPE_PROFILE.",
        ));
    }
    // The valid readMask values depend on the sources.
    let valid = if with_profile { PERSON_FIELDS } else { OTHER_CONTACT_FIELDS };
    let read_mask = required_mask(&call.query, "readMask", valid)?;
    let request_sync_token = call.query.flag("requestSyncToken")?;
    let listing =
        Listing::begin(&call.query, &store.tokens, store.moment(), LIST_PAGE, Syncs::Documented)?;
    // Other contacts never change after seeding: a sync finds nothing new.
    let entries: Vec<&Value> = match listing.changed_since {
        Some(_) => Vec::new(),
        None => store.other_contacts().iter().collect(),
    };
    let total = entries.len();
    let (page, next_page_token) = listing.page(entries, &store.tokens);
    let people = page.into_iter().map(|person| read_mask.person(person)).collect();
    let mut response = json!({ "totalSize": total });
    listing.complete(
        &mut response,
        "otherContacts",
        people,
        next_page_token,
        request_sync_token,
        &store.tokens,
    );
    Ok(response)
}

pub(crate) fn search(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = required_mask(&call.query, "readMask", OTHER_CONTACT_SEARCH_FIELDS)?;
    let page_size = SEARCH_PAGE.read(&call.query)?;
    // An empty query is the documented warm-up request: no results. Other
    // contacts never change after seeding, so their search cache is never
    // behind and the warm-up has nothing to refresh.
    let query = call.query.single("query")?.unwrap_or_default();
    let people = store.other_contacts().iter().cloned();
    Ok(search_results(people, query, search::OTHER_CONTACT_FIELDS, page_size, &read_mask))
}

/// The body of `copyOtherContactToMyContactsGroup`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CopyOtherContactToMyContactsGroupRequest {
    #[serde(default)]
    copy_mask: String,
    #[serde(default)]
    read_mask: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
}

/// Creates a contact in `myContacts` from the copied fields of an other contact.
pub(crate) fn copy_to_my_contacts(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: CopyOtherContactToMyContactsGroupRequest = call.body_as()?;
    let copy_mask = FieldMask::parse("copyMask", &request.copy_mask, COPY_FIELDS)?;
    if copy_mask.is_empty() {
        return Err(ApiError::invalid_field("copyMask", "copyMask is required."));
    }
    // "Defaults to the copy mask with metadata and membership fields if not set."
    let mut default_read: Vec<&'static str> = copy_mask.fields().collect();
    default_read.extend(["metadata", "memberships"]);
    let read_mask =
        mask_or("readMask", request.read_mask.as_deref(), PERSON_FIELDS, &default_read)?;
    check_body_sources(&request.sources)?;
    let other = store
        .other_contacts()
        .iter()
        .find(|person| {
            person.get("resourceName").and_then(Value::as_str) == Some(&call.resource_name)
        })
        .ok_or_else(|| ApiError::not_found(format!("{} was not found.", call.resource_name)))?;
    let mut copied = Map::new();
    for field in copy_mask.fields() {
        if let Some(items) = other.get(field).and_then(Value::as_array) {
            // Names are a singleton for contacts: an other contact's first name is copied.
            let items = if field == "names" {
                items.iter().take(1).cloned().collect()
            } else {
                items.clone()
            };
            copied.insert(field.to_owned(), Value::Array(items));
        }
    }
    let fields: Vec<&str> = copy_mask.fields().collect();
    let created = store.create_contact(&copied, &fields, None)?;
    Ok(read_mask.person(&created.to_person()))
}
