//! `contactGroups.*` and `contactGroups.members.modify`.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::dispatch::Call;
use crate::error::ApiError;
use crate::listing::{AboveMaximum, Listing, PageSize, Syncs};
use crate::mask::{CREATED_GROUP_FIELDS, FieldMask, GROUP_FIELDS, UPDATABLE_GROUP_FIELDS, mask_or};
use crate::query::Query;
use crate::store::{Group, Store};

const LIST_PAGE: PageSize =
    PageSize { default: 30, maximum: 1000, above_maximum: AboveMaximum::Reject };

/// "There is a maximum of 200 resource names."
const MAX_BATCH_GET: usize = 200;

/// "The total number of resource names in resource_names_to_add and
/// resource_names_to_remove must be less than or equal to 1000."
const MAX_MODIFIED_MEMBERS: usize = 1000;

/// `groupFields` when unset: "Defaults to metadata, groupType, memberCount, and name".
const DEFAULT_GROUP_FIELDS: &[&str] = &["metadata", "groupType", "memberCount", "name"];

/// `readGroupFields` when unset: "Defaults to metadata, groupType, and name".
const DEFAULT_WRITTEN_GROUP_FIELDS: &[&str] = &["metadata", "groupType", "name"];

/// Every property of the `ContactGroup` schema; a body naming anything else is a 400.
const CONTACT_GROUP_PROPERTIES: &[&str] = &[
    "clientData",
    "etag",
    "formattedName",
    "groupType",
    "memberCount",
    "memberResourceNames",
    "metadata",
    "name",
    "resourceName",
];

pub(crate) fn get(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = group_fields(&call.query)?;
    let max_members = max_members(&call.query)?;
    let group = store.group_by_name(&call.resource_name)?;
    Ok(present(store, group, &read_mask, max_members))
}

pub(crate) fn batch_get(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = group_fields(&call.query)?;
    let max_members = max_members(&call.query)?;
    let names: Vec<&str> = call.query.repeated("resourceNames").collect();
    if names.is_empty() {
        return Err(ApiError::invalid_field("resourceNames", "resourceNames is required."));
    }
    if names.len() > MAX_BATCH_GET {
        return Err(ApiError::invalid_field(
            "resourceNames",
            format!("resourceNames allows at most {MAX_BATCH_GET} names; got {}.", names.len()),
        ));
    }
    let responses: Vec<Value> = names
        .iter()
        .map(|name| match store.group_by_name(name) {
            Ok(group) => json!({
                "contactGroup": present(store, group, &read_mask, max_members),
                "requestedResourceName": name,
                "status": {},
            }),
            Err(error) => json!({ "requestedResourceName": name, "status": error.to_rpc_status() }),
        })
        .collect();
    Ok(json!({ "responses": responses }))
}

pub(crate) fn list(store: &Store, call: &Call) -> Result<Value, ApiError> {
    let read_mask = group_fields(&call.query)?;
    let listing =
        Listing::begin(&call.query, &store.tokens, store.moment(), LIST_PAGE, Syncs::Tokens)?;
    let changed = |revision: u64| listing.includes(revision);
    // "Members of the contact groups are not populated."
    let mut entries: Vec<Value> = store
        .groups()
        .iter()
        .filter(|group| changed(group.revision()))
        .map(|group| present(store, group, &read_mask, 0))
        .collect();
    if listing.changed_since.is_some() {
        let deleted = store.deleted_groups().iter().filter(|tombstone| changed(tombstone.revision));
        entries.extend(deleted.map(|tombstone| tombstone.to_json()));
    }
    let total = entries.len();
    let (page, next_page_token) = listing.page(entries, &store.tokens);
    let mut response = json!({ "totalItems": total });
    // Groups have no requestSyncToken: the last page always carries a sync token.
    listing.complete(&mut response, "contactGroups", page, next_page_token, true, &store.tokens);
    Ok(response)
}

/// A `ContactGroup` in a request body.
#[derive(Debug, Default)]
struct GroupBody {
    name: Option<String>,
    client_data: Option<Vec<Value>>,
    etag: Option<String>,
    resource_name: Option<String>,
}

impl GroupBody {
    /// Reads the required `contactGroup` of a create or update body.
    fn read(body: Option<&Value>) -> Result<Self, ApiError> {
        const AT: &str = "contactGroup";
        let Some(object) = body.and_then(Value::as_object) else {
            return Err(ApiError::invalid_field(AT, "contactGroup is required."));
        };
        if let Some(unknown) =
            object.keys().find(|key| !CONTACT_GROUP_PROPERTIES.contains(&key.as_str()))
        {
            return Err(ApiError::invalid_field(
                &format!("{AT}.{unknown}"),
                format!("Invalid JSON payload received. Unknown name \"{unknown}\" at '{AT}'."),
            ));
        }
        let text = |key: &str| -> Result<Option<String>, ApiError> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(_) => Err(ApiError::invalid_field(
                    &format!("{AT}.{key}"),
                    format!("{AT}.{key} must be a string."),
                )),
            }
        };
        let client_data = match object.get("clientData") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) if items.iter().all(Value::is_object) => Some(items.clone()),
            Some(_) => {
                return Err(ApiError::invalid_field(
                    "contactGroup.clientData",
                    "contactGroup.clientData must be a list of {key, value} objects.",
                ));
            }
        };
        Ok(Self {
            name: text("name")?,
            client_data,
            etag: text("etag")?,
            resource_name: text("resourceName")?,
        })
    }
}

/// The body of `contactGroups.create`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateContactGroupRequest {
    #[serde(default)]
    contact_group: Option<Value>,
    #[serde(default)]
    read_group_fields: Option<String>,
}

pub(crate) fn create(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: CreateContactGroupRequest = call.body_as()?;
    let read_mask = mask_or(
        "readGroupFields",
        request.read_group_fields.as_deref(),
        CREATED_GROUP_FIELDS,
        DEFAULT_WRITTEN_GROUP_FIELDS,
    )?;
    let body = GroupBody::read(request.contact_group.as_ref())?;
    let name = body.name.unwrap_or_default();
    let id = store.create_group(&name, body.client_data.unwrap_or_default())?.id().to_owned();
    present_by_id(store, &id, &read_mask)
}

/// The body of `contactGroups.update`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateContactGroupRequest {
    #[serde(default)]
    contact_group: Option<Value>,
    #[serde(default)]
    update_group_fields: Option<String>,
    #[serde(default)]
    read_group_fields: Option<String>,
}

pub(crate) fn update(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: UpdateContactGroupRequest = call.body_as()?;
    // "Defaults to `name` if not set or set to empty."
    let update_mask = mask_or(
        "updateGroupFields",
        request.update_group_fields.as_deref(),
        UPDATABLE_GROUP_FIELDS,
        &["name"],
    )?;
    let read_mask = mask_or(
        "readGroupFields",
        request.read_group_fields.as_deref(),
        GROUP_FIELDS,
        DEFAULT_WRITTEN_GROUP_FIELDS,
    )?;
    let body = GroupBody::read(request.contact_group.as_ref())?;
    if let Some(sent) = body.resource_name.as_deref().filter(|sent| *sent != call.resource_name) {
        return Err(ApiError::invalid_field(
            "contactGroup.resourceName",
            format!(
                "contactGroup.resourceName \"{sent}\" does not match \"{}\".",
                call.resource_name
            ),
        ));
    }
    let id = group_id(&call.resource_name);
    let current = store.user_group(id)?;
    if body.etag.as_deref().is_some_and(|etag| etag != current.etag()) {
        return Err(ApiError::failed_precondition(format!(
            "Request contactGroup.etag is different than the current etag of {}: the group \
             changed since it was read.",
            call.resource_name
        )));
    }
    let name = update_mask.contains("name").then(|| body.name.unwrap_or_default());
    let client_data =
        update_mask.contains("clientData").then(|| body.client_data.unwrap_or_default());
    store.update_group(id, name.as_deref(), client_data)?;
    present_by_id(store, id, &read_mask)
}

pub(crate) fn delete(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let delete_contacts = call.query.flag("deleteContacts")?;
    store.delete_group(group_id(&call.resource_name), delete_contacts)?;
    Ok(json!({}))
}

/// The body of `contactGroups.members.modify`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ModifyContactGroupMembersRequest {
    #[serde(default)]
    resource_names_to_add: Vec<String>,
    #[serde(default)]
    resource_names_to_remove: Vec<String>,
}

pub(crate) fn modify_members(store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    let request: ModifyContactGroupMembersRequest = call.body_as()?;
    let count = request.resource_names_to_add.len() + request.resource_names_to_remove.len();
    if count > MAX_MODIFIED_MEMBERS {
        return Err(ApiError::invalid_argument(format!(
            "resourceNamesToAdd and resourceNamesToRemove allow at most {MAX_MODIFIED_MEMBERS} \
             resource names together; got {count}."
        )));
    }
    let outcome = store.modify_members(
        group_id(&call.resource_name),
        &request.resource_names_to_add,
        &request.resource_names_to_remove,
    )?;
    let mut response = Map::new();
    if !outcome.not_found.is_empty() {
        response.insert("notFoundResourceNames".into(), json!(outcome.not_found));
    }
    if !outcome.cannot_remove_last_group.is_empty() {
        response.insert(
            "canNotRemoveLastContactGroupResourceNames".into(),
            json!(outcome.cannot_remove_last_group),
        );
    }
    Ok(Value::Object(response))
}

/// `groupFields`, defaulting as documented.
fn group_fields(query: &Query) -> Result<FieldMask, ApiError> {
    mask_or("groupFields", query.single("groupFields")?, GROUP_FIELDS, DEFAULT_GROUP_FIELDS)
}

/// `maxMembers`: "Defaults to 0 if not set, which will return zero members."
fn max_members(query: &Query) -> Result<usize, ApiError> {
    let requested = query.integer("maxMembers")?.unwrap_or(0);
    usize::try_from(requested)
        .map_err(|_| ApiError::invalid_field("maxMembers", "maxMembers must not be negative."))
}

/// The group as returned: the masked fields, plus the identity and the
/// members that are always there when present.
fn present(store: &Store, group: &Group, read_mask: &FieldMask, max_members: usize) -> Value {
    let mut always = vec!["resourceName", "etag", "memberResourceNames"];
    if read_mask.contains("name") {
        always.push("formattedName");
    }
    read_mask.keep(&store.group_json(group, max_members), &always)
}

fn present_by_id(store: &Store, id: &str, read_mask: &FieldMask) -> Result<Value, ApiError> {
    let group = store.group_by_name(&format!("contactGroups/{id}"))?;
    Ok(present(store, group, read_mask, 0))
}

/// The id in a routed `contactGroups/<id>`.
fn group_id(resource_name: &str) -> &str {
    resource_name.strip_prefix("contactGroups/").unwrap_or(resource_name)
}
