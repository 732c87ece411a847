//! `people.*` and `people.connections.list`: the user's contacts and profile.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::dispatch::Call;
use crate::error::ApiError;
use crate::listing::{AboveMaximum, Listing, PageSize, Syncs};
use crate::mask::{
    FieldMask, PERSON_FIELDS, UPDATABLE_PERSON_FIELDS, mask_or, required_mask,
    required_person_fields,
};
use crate::person::{check_singletons, parse_person, requested_group_ids};
use crate::query::Query;
use crate::store::{Contact, Store, Tombstone, contact_source_etag};
use crate::tokens::Cursor;
use crate::{photo, search};

/// `sources` of the person-reading methods.
pub(crate) const READ_SOURCES: &[&str] = &[
    "READ_SOURCE_TYPE_UNSPECIFIED",
    "READ_SOURCE_TYPE_PROFILE",
    "READ_SOURCE_TYPE_CONTACT",
    "READ_SOURCE_TYPE_DOMAIN_CONTACT",
    "READ_SOURCE_TYPE_OTHER_CONTACT",
];

const SORT_ORDERS: &[&str] = &[
    "LAST_MODIFIED_ASCENDING",
    "LAST_MODIFIED_DESCENDING",
    "FIRST_NAME_ASCENDING",
    "LAST_NAME_ASCENDING",
];

/// "There is a maximum of 200 resource names."
const MAX_BATCH_GET: usize = 200;
/// "Allows up to 200 contacts in a single request."
const MAX_BATCH_MUTATE: usize = 200;
/// "Allows up to 500 resource names in a single request."
const MAX_BATCH_DELETE: usize = 500;

const CONNECTIONS_PAGE: PageSize =
    PageSize { default: 100, maximum: 1000, above_maximum: AboveMaximum::Reject };

/// Search page sizes: "Defaults to 10 ... Values greater than 30 will be capped to 30."
pub(crate) const SEARCH_PAGE: PageSize =
    PageSize { default: 10, maximum: 30, above_maximum: AboveMaximum::Cap };

pub(crate) fn create_contact(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = optional_person_fields(&call.query)?;
    check_read_sources(&call.query)?;
    let person = parse_person(&call.body, "person")?;
    let groups = check_new_contact(store, person, "person")?;
    let created = store.create_contact(person, &contact_fields(), groups)?;
    Ok(read_mask.person(&created.to_person()))
}

pub(crate) fn get(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = required_person_fields(&call.query)?;
    check_read_sources(&call.query)?;
    Ok(read_mask.person(&find_person(store, &call.resource_name)?))
}

pub(crate) fn get_batch(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = required_person_fields(&call.query)?;
    check_read_sources(&call.query)?;
    let names: Vec<&str> = call.query.repeated("resourceNames").collect();
    check_batch_size("resourceNames", names.len(), MAX_BATCH_GET)?;
    if let Some(bad) = names.iter().find(|name| !is_person_name(name)) {
        return Err(ApiError::invalid_field(
            "resourceNames",
            format!("Resource name \"{bad}\" is not `people/<id>`."),
        ));
    }
    let responses: Vec<Value> = names
        .iter()
        .map(|name| match find_person(store, name) {
            Ok(person) => person_response(name, read_mask.person(&person)),
            Err(error) => json!({
                "httpStatusCode": error.http_status,
                "requestedResourceName": name,
                "status": error.to_rpc_status(),
            }),
        })
        .collect();
    Ok(json!({ "responses": responses }))
}

pub(crate) fn update_contact(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let update_mask = required_mask(&call.query, "updatePersonFields", UPDATABLE_PERSON_FIELDS)?;
    let read_mask = optional_person_fields(&call.query)?;
    check_read_sources(&call.query)?;
    let person = parse_person(&call.body, "person")?;
    let update = prepare_update(store, &call.resource_name, person, &update_mask, "person")?;
    let updated = update.apply(store)?;
    Ok(read_mask.person(&updated.to_person()))
}

pub(crate) fn delete_contact(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    store.delete_contact(&call.resource_name)?;
    Ok(json!({}))
}

/// The body of `updateContactPhoto`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateContactPhotoRequest {
    #[serde(default)]
    photo_bytes: String,
    #[serde(default)]
    person_fields: String,
    #[serde(default)]
    sources: Vec<String>,
}

pub(crate) fn update_contact_photo(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: UpdateContactPhotoRequest = call.body_as()?;
    let read_mask = FieldMask::parse("personFields", &request.person_fields, PERSON_FIELDS)?;
    check_body_sources(&request.sources)?;
    if request.photo_bytes.is_empty() {
        return Err(ApiError::invalid_field("photoBytes", "photoBytes is required."));
    }
    let image = photo::decode_image(&request.photo_bytes)?;
    let updated = store.set_photo(&call.resource_name, Some(photo::photo_url(&image)))?;
    Ok(photo_response(&read_mask, updated))
}

pub(crate) fn delete_contact_photo(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = FieldMask::parse(
        "personFields",
        call.query.single("personFields")?.unwrap_or_default(),
        PERSON_FIELDS,
    )?;
    check_read_sources(&call.query)?;
    let updated = store.set_photo(&call.resource_name, None)?;
    Ok(photo_response(&read_mask, updated))
}

/// "The updated person, if person_fields is set": an empty mask skips the read.
fn photo_response(read_mask: &FieldMask, contact: &Contact) -> Value {
    if read_mask.is_empty() {
        json!({})
    } else {
        json!({ "person": read_mask.person(&contact.to_person()) })
    }
}

/// The body of `batchCreateContacts`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchCreateContactsRequest {
    #[serde(default)]
    contacts: Vec<ContactToCreate>,
    #[serde(default)]
    read_mask: String,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContactToCreate {
    #[serde(default)]
    contact_person: Value,
}

pub(crate) fn batch_create_contacts(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: BatchCreateContactsRequest = call.body_as()?;
    check_batch_size("contacts", request.contacts.len(), MAX_BATCH_MUTATE)?;
    // "If read mask is left empty, the post-mutate-get is skipped": each
    // person then carries only its resource name and etag.
    let read_mask = FieldMask::parse("readMask", &request.read_mask, PERSON_FIELDS)?;
    check_body_sources(&request.sources)?;
    // Validate every contact before creating any: the batch is all or nothing.
    let mut checked = Vec::with_capacity(request.contacts.len());
    for (index, contact) in request.contacts.iter().enumerate() {
        let at = format!("contacts[{index}].contactPerson");
        if contact.contact_person.is_null() {
            return Err(ApiError::invalid_field(&at, format!("{at} is required.")));
        }
        let person = parse_person(&contact.contact_person, &at)?;
        checked.push((person, check_new_contact(store, person, &at)?));
    }
    let fields = contact_fields();
    let mut created = Vec::with_capacity(checked.len());
    for (person, groups) in checked {
        let contact = store.create_contact(person, &fields, groups)?;
        created.push(person_response(
            &contact.resource_name(),
            read_mask.person(&contact.to_person()),
        ));
    }
    Ok(json!({ "createdPeople": created }))
}

/// The body of `batchUpdateContacts`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchUpdateContactsRequest {
    #[serde(default)]
    contacts: Map<String, Value>,
    #[serde(default)]
    update_mask: String,
    #[serde(default)]
    read_mask: String,
    #[serde(default)]
    sources: Vec<String>,
}

pub(crate) fn batch_update_contacts(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: BatchUpdateContactsRequest = call.body_as()?;
    check_batch_size("contacts", request.contacts.len(), MAX_BATCH_MUTATE)?;
    let update_mask =
        FieldMask::parse("updateMask", &request.update_mask, UPDATABLE_PERSON_FIELDS)?;
    if update_mask.is_empty() {
        return Err(ApiError::invalid_field("updateMask", "updateMask is required."));
    }
    let read_mask = FieldMask::parse("readMask", &request.read_mask, PERSON_FIELDS)?;
    check_body_sources(&request.sources)?;
    // Check every contact (including etags) before changing any.
    let mut updates = Vec::with_capacity(request.contacts.len());
    for (name, value) in &request.contacts {
        let at = format!("contacts[\"{name}\"]");
        let person = parse_person(value, &at)?;
        updates.push(prepare_update(store, name, person, &update_mask, &at)?);
    }
    let mut results = Map::new();
    for update in updates {
        let contact = update.apply(store)?;
        let name = contact.resource_name();
        let response = person_response(&name, read_mask.person(&contact.to_person()));
        results.insert(name, response);
    }
    Ok(json!({ "updateResult": results }))
}

/// The body of `batchDeleteContacts`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchDeleteContactsRequest {
    #[serde(default)]
    resource_names: Vec<String>,
}

pub(crate) fn batch_delete_contacts(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: BatchDeleteContactsRequest = call.body_as()?;
    check_batch_size("resourceNames", request.resource_names.len(), MAX_BATCH_DELETE)?;
    let mut names: Vec<&str> = Vec::new();
    for name in &request.resource_names {
        store.contact(name)?;
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    for name in names {
        store.delete_contact(name)?;
    }
    Ok(json!({}))
}

pub(crate) fn search_contacts(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = required_mask(&call.query, "readMask", PERSON_FIELDS)?;
    check_read_sources(&call.query)?;
    let page_size = SEARCH_PAGE.read(&call.query)?;
    // An empty query is the documented warm-up request: it brings the
    // search cache up to date and finds nothing.
    let query = call.query.single("query")?.unwrap_or_default();
    if query.trim().is_empty() {
        store.warm_up_search();
    }
    let people = store.searchable_contacts().into_iter();
    Ok(search_results(people, query, search::CONTACT_FIELDS, page_size, &read_mask))
}

/// The `SearchResponse` of the search methods: the first `page_size` of
/// `people` that match `query`.
pub(crate) fn search_results(
    people: impl Iterator<Item = Value>,
    query: &str,
    fields: search::SearchedFields,
    page_size: usize,
    read_mask: &FieldMask,
) -> Value {
    let results: Vec<Value> = people
        .filter(|person| search::matches(person, query, fields))
        .take(page_size)
        .map(|person| json!({ "person": read_mask.person(&person) }))
        .collect();
    if results.is_empty() { json!({}) } else { json!({ "results": results }) }
}

pub(crate) fn list_connections(store: &Store, call: &Call) -> Result<Value, ApiError> {
    if call.resource_name != "people/me" {
        return Err(ApiError::invalid_argument(format!(
            "Connections can only be listed for people/me, not {}.",
            call.resource_name
        )));
    }
    let read_mask = required_person_fields(&call.query)?;
    check_read_sources(&call.query)?;
    let sort_order = call.query.single_enum("sortOrder", SORT_ORDERS)?;
    let request_sync_token = call.query.flag("requestSyncToken")?;
    let listing = Listing::begin(
        &call.query,
        &store.tokens,
        store.moment(),
        CONNECTIONS_PAGE,
        Syncs::Documented,
    )?;
    let mut contacts: Vec<&Contact> =
        store.contacts().filter(|contact| listing.includes(contact.revision())).collect();
    let sort_order = sort_order.unwrap_or("LAST_MODIFIED_ASCENDING");
    sort_contacts(&mut contacts, sort_order);
    let mut entries: Vec<Entry<'_>> = contacts.into_iter().map(Entry::Contact).collect();
    if listing.changed_since.is_some() {
        let mut deleted: Vec<&Tombstone> = store
            .deleted_contacts()
            .iter()
            .filter(|tombstone| listing.includes(tombstone.revision))
            .collect();
        deleted.sort_by_key(|tombstone| (tombstone.revision, tombstone_number(tombstone)));
        entries.extend(deleted.into_iter().map(Entry::Deleted));
    }
    let total = entries.len();
    // In the last-modified orders (the default, which syncs use) a page
    // resumes after the last contact listed: with offsets, a contact edited
    // or deleted on an earlier page shifted an unchanged one onto it, out
    // of this listing and of the next incremental sync (issue 29).
    let descending = sort_order == "LAST_MODIFIED_DESCENDING";
    let (page, next_page_token) = if sort_order.starts_with("LAST_MODIFIED") {
        listing.page_by_key(entries, |entry| entry.cursor(descending), &store.tokens)
    } else {
        listing.page(entries, &store.tokens)
    };
    let connections = page.into_iter().map(|entry| entry.to_json(&read_mask)).collect();
    let mut response = json!({ "totalPeople": total, "totalItems": total });
    listing.complete(
        &mut response,
        "connections",
        connections,
        next_page_token,
        request_sync_token,
        &store.tokens,
    );
    Ok(response)
}

/// A connection in a listing: a contact, or with a sync token a deletion.
enum Entry<'a> {
    Contact(&'a Contact),
    Deleted(&'a Tombstone),
}

impl Entry<'_> {
    /// Where the entry sits in a last-modified order: contacts by revision
    /// (newest first when `descending`), then deletions by revision, ties
    /// broken by the contact's number.
    fn cursor(&self, descending: bool) -> Cursor {
        match self {
            Self::Contact(contact) => Cursor {
                class: 0,
                rank: if descending { u64::MAX - contact.revision() } else { contact.revision() },
                id: contact.number(),
            },
            Self::Deleted(tombstone) => {
                Cursor { class: 1, rank: tombstone.revision, id: tombstone_number(tombstone) }
            }
        }
    }

    fn to_json(&self, read_mask: &FieldMask) -> Value {
        match self {
            Self::Contact(contact) => read_mask.person(&contact.to_person()),
            Self::Deleted(tombstone) => tombstone.to_json(),
        }
    }
}

/// The number in a deleted contact's resource name (`people/c<number>`).
fn tombstone_number(tombstone: &Tombstone) -> u64 {
    tombstone
        .resource_name
        .strip_prefix("people/c")
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}

fn sort_contacts(contacts: &mut [&Contact], order: &str) {
    match order {
        "LAST_MODIFIED_DESCENDING" => {
            contacts.sort_by_key(|contact| (Reverse(contact.revision()), contact.number()));
        }
        "FIRST_NAME_ASCENDING" => {
            contacts.sort_by_cached_key(|contact| name_key(contact, "givenName"))
        }
        "LAST_NAME_ASCENDING" => {
            contacts.sort_by_cached_key(|contact| name_key(contact, "familyName"))
        }
        _ => contacts.sort_by_key(|contact| (contact.revision(), contact.number())),
    }
}

/// Sorts by a part of the first name, case-insensitively; nameless last.
fn name_key(contact: &Contact, part: &str) -> (bool, String) {
    let name = contact
        .fields()
        .get("names")
        .and_then(Value::as_array)
        .and_then(|names| names.first())
        .and_then(|name| name.get(part))
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    (name.is_none(), name.unwrap_or_default())
}

/// A contact update, checked against the request and the current state.
struct PreparedUpdate<'a> {
    resource_name: &'a str,
    person: &'a Map<String, Value>,
    fields: Vec<&'static str>,
    groups: Option<Vec<String>>,
}

impl PreparedUpdate<'_> {
    fn apply(self, store: &mut Store) -> Result<&Contact, ApiError> {
        store.update_contact(self.resource_name, self.person, &self.fields, self.groups)
    }
}

/// The documented rules of `updateContact`, in the order Google reports
/// them: a well-formed request, then the contact exists, then its etag.
fn prepare_update<'a>(
    store: &Store,
    resource_name: &'a str,
    person: &'a Map<String, Value>,
    update_mask: &FieldMask,
    at: &str,
) -> Result<PreparedUpdate<'a>, ApiError> {
    if let Some(sent) = person.get("resourceName").and_then(Value::as_str) {
        if sent != resource_name {
            return Err(ApiError::invalid_field(
                &format!("{at}.resourceName"),
                format!("{at}.resourceName \"{sent}\" does not match \"{resource_name}\"."),
            ));
        }
    }
    let Some(etag) = contact_source_etag(person) else {
        return Err(ApiError::invalid_field(
            &format!("{at}.metadata.sources"),
            format!(
                "{at}.metadata.sources must include the CONTACT source with its etag, as read \
                 from the contact."
            ),
        ));
    };
    check_singletons(person, update_mask.fields(), at)?;
    let groups = if update_mask.contains("memberships") {
        let groups = requested_group_ids(person, at)?.ok_or_else(|| {
            ApiError::invalid_field(
                &format!("{at}.memberships"),
                "memberships is being updated but no contact group membership is specified.",
            )
        })?;
        Some(groups)
    } else {
        None
    };
    let current = store.contact(resource_name)?;
    if current.source_etag() != etag {
        return Err(ApiError::failed_precondition(format!(
            "Request {at}.metadata.sources.etag is different than the current etag of \
             {resource_name}: the contact changed since it was read. Get the latest person \
             and apply the change to it."
        )));
    }
    let fields = update_mask.fields().filter(|field| *field != "memberships").collect();
    Ok(PreparedUpdate { resource_name, person, fields, groups })
}

/// The checks of a new contact's body; its contact groups (or `None` for
/// the default `myContacts`).
fn check_new_contact(
    store: &Store,
    person: &Map<String, Value>,
    at: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    check_singletons(person, UPDATABLE_PERSON_FIELDS.iter().copied(), at)?;
    let groups = requested_group_ids(person, at)?;
    if let Some(groups) = &groups {
        store.check_memberships(&BTreeSet::new(), groups)?;
    }
    Ok(groups)
}

/// The fields a contact body writes; memberships are stored separately.
fn contact_fields() -> Vec<&'static str> {
    UPDATABLE_PERSON_FIELDS.iter().copied().filter(|field| *field != "memberships").collect()
}

/// `personFields` where "Defaults to all fields if not set".
fn optional_person_fields(query: &Query) -> Result<FieldMask, ApiError> {
    mask_or("personFields", query.single("personFields")?, PERSON_FIELDS, PERSON_FIELDS)
}

/// `people/me`, a contact, or a directory profile.
fn find_person(store: &Store, resource_name: &str) -> Result<Value, ApiError> {
    let me = store.me();
    if resource_name == "people/me"
        || me.get("resourceName").and_then(Value::as_str) == Some(resource_name)
    {
        return Ok(me.clone());
    }
    if let Ok(contact) = store.contact(resource_name) {
        return Ok(contact.to_person());
    }
    store
        .directory()
        .iter()
        .find(|person| person.get("resourceName").and_then(Value::as_str) == Some(resource_name))
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("Person {resource_name} was not found.")))
}

fn is_person_name(name: &str) -> bool {
    name.strip_prefix("people/").is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// A successful `PersonResponse`.
fn person_response(requested: &str, person: Value) -> Value {
    json!({
        "httpStatusCode": 200,
        "person": person,
        "requestedResourceName": requested,
        "status": {},
    })
}

/// At least one and at most `maximum` items.
fn check_batch_size(field: &str, count: usize, maximum: usize) -> Result<(), ApiError> {
    if count == 0 {
        return Err(ApiError::invalid_field(field, format!("{field} is required.")));
    }
    if count > maximum {
        return Err(ApiError::invalid_field(
            field,
            format!("{field} allows at most {maximum} items in a single request; got {count}."),
        ));
    }
    Ok(())
}

/// `sources` sent in a body instead of the query.
pub(crate) fn check_body_sources(sources: &[String]) -> Result<(), ApiError> {
    match sources.iter().find(|source| !READ_SOURCES.contains(&source.as_str())) {
        Some(unknown) => Err(ApiError::invalid_field(
            "sources",
            format!("Invalid value at 'sources' (TYPE_ENUM), \"{unknown}\""),
        )),
        None => Ok(()),
    }
}

/// Checks `sources` values. They only steer which data sources a real
/// account merges into a person; a fake resource has a single source, so
/// valid values change nothing.
fn check_read_sources(query: &Query) -> Result<(), ApiError> {
    query.enums("sources", READ_SOURCES)?;
    Ok(())
}
