//! Person bodies sent by clients: shape checks, the documented singleton
//! rule, and turning contact fields into what the server stores (field
//! metadata naming the CONTACT source, computed display names).

use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// Every top-level property of the `Person` schema. Google rejects unknown
/// names in a body, which catches misspelt or misplaced fields.
const PERSON_PROPERTIES: &[&str] = &[
    "addresses",
    "ageRange",
    "ageRanges",
    "biographies",
    "birthdays",
    "braggingRights",
    "calendarUrls",
    "clientData",
    "coverPhotos",
    "emailAddresses",
    "etag",
    "events",
    "externalIds",
    "fileAses",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "metadata",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "photos",
    "relations",
    "relationshipInterests",
    "relationshipStatuses",
    "residences",
    "resourceName",
    "sipAddresses",
    "skills",
    "taglines",
    "urls",
    "userDefined",
];

/// The `Person` properties that are not lists of items.
const SCALAR_PROPERTIES: &[&str] = &["ageRange", "etag", "metadata", "resourceName"];

/// "This field is a singleton for contact sources": more than one value is a 400.
const SINGLETONS: &[&str] = &["biographies", "birthdays", "genders", "names"];

/// `value` as a person object, after checking the shape of its properties.
/// `at` is the body path used in error messages (`person`, `contacts[3].contactPerson`).
pub(crate) fn parse_person<'a>(
    value: &'a Value,
    at: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    let Some(person) = value.as_object() else {
        return Err(ApiError::invalid_field(at, format!("`{at}` must be a JSON object.")));
    };
    for (name, property) in person {
        if !PERSON_PROPERTIES.contains(&name.as_str()) {
            return Err(ApiError::invalid_field(
                &format!("{at}.{name}"),
                format!("Invalid JSON payload received. Unknown name \"{name}\" at '{at}'."),
            ));
        }
        let well_formed = if SCALAR_PROPERTIES.contains(&name.as_str()) {
            match name.as_str() {
                "metadata" => property.is_object() || property.is_null(),
                _ => property.is_string() || property.is_null(),
            }
        } else {
            property.is_null()
                || property.as_array().is_some_and(|items| items.iter().all(Value::is_object))
        };
        if !well_formed {
            return Err(ApiError::invalid_field(
                &format!("{at}.{name}"),
                format!("Invalid value at '{at}.{name}': wrong JSON type."),
            ));
        }
    }
    Ok(person)
}

/// The documented 400 for more than one value in a singleton field, checked
/// for the `fields` a mutation writes.
pub(crate) fn check_singletons<'a>(
    person: &Map<String, Value>,
    fields: impl IntoIterator<Item = &'a str>,
    at: &str,
) -> Result<(), ApiError> {
    for field in fields.into_iter().filter(|field| SINGLETONS.contains(field)) {
        if items(person, field).len() > 1 {
            return Err(ApiError::invalid_field(
                &format!("{at}.{field}"),
                format!(
                    "Only one {field} value is allowed: `{field}` is a singleton for contacts."
                ),
            ));
        }
    }
    Ok(())
}

/// The items of a list property, empty when absent or null.
fn items<'a>(person: &'a Map<String, Value>, field: &str) -> &'a [Value] {
    person.get(field).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

/// What a contact stores for `field`: the sent items with their metadata
/// replaced by the contact source's (the first one primary), and computed
/// display names. `None` when the body has no items: the field is cleared.
pub(crate) fn contact_field(
    person: &Map<String, Value>,
    field: &str,
    source_id: &str,
) -> Option<Value> {
    let items = items(person, field);
    if items.is_empty() {
        return None;
    }
    let stamped = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let mut item = item.as_object().cloned().unwrap_or_default();
            let source_primary = item
                .get("metadata")
                .and_then(|metadata| metadata.get("sourcePrimary"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let mut metadata = json!({ "source": source(source_id) });
            if index == 0 {
                metadata["primary"] = Value::Bool(true);
            }
            if source_primary {
                metadata["sourcePrimary"] = Value::Bool(true);
            }
            item.insert("metadata".into(), metadata);
            if field == "names" {
                compute_display_names(&mut item);
            }
            Value::Object(item)
        })
        .collect();
    Some(Value::Array(stamped))
}

/// The field-level source of contact data.
pub(crate) fn source(source_id: &str) -> Value {
    json!({ "type": "CONTACT", "id": source_id })
}

/// `displayName` and `displayNameLastFirst` are output only: derive them
/// from the structured name, as Google does, instead of trusting the body.
fn compute_display_names(name: &mut Map<String, Value>) {
    let part = |key: &str| {
        name.get(key).and_then(Value::as_str).map(str::trim).filter(|part| !part.is_empty())
    };
    let first_parts: Vec<&str> =
        ["honorificPrefix", "givenName", "middleName"].into_iter().filter_map(part).collect();
    let family = part("familyName");
    let suffix = part("honorificSuffix");
    let display: Vec<&str> =
        first_parts.iter().copied().chain(family).chain(suffix).collect::<Vec<_>>();
    let display = if display.is_empty() {
        part("unstructuredName").map(str::to_owned)
    } else {
        Some(display.join(" "))
    };
    let last_first = match (family, first_parts.is_empty()) {
        (Some(family), false) => Some(format!("{family}, {}", first_parts.join(" "))),
        (Some(family), true) => Some(family.to_owned()),
        (None, _) => display.clone(),
    };
    name.remove("displayName");
    name.remove("displayNameLastFirst");
    if let Some(display) = display {
        name.insert("displayName".into(), Value::String(display));
    }
    if let Some(last_first) = last_first {
        name.insert("displayNameLastFirst".into(), Value::String(last_first));
    }
}

/// The contact group ids named by the `memberships` of a body, by
/// `contactGroupResourceName` (or the output-only `contactGroupId` a client
/// echoes back). `None` when the body has no contact group membership.
pub(crate) fn requested_group_ids(
    person: &Map<String, Value>,
    at: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let mut ids = Vec::new();
    for membership in items(person, "memberships") {
        let Some(group) = membership.get("contactGroupMembership") else {
            continue;
        };
        let by_name = group.get("contactGroupResourceName").and_then(Value::as_str);
        let id = match by_name {
            Some(name) => name.strip_prefix("contactGroups/").filter(|id| !id.contains('/')),
            None => group.get("contactGroupId").and_then(Value::as_str),
        };
        match id.filter(|id| !id.is_empty()) {
            Some(id) => ids.push(id.to_owned()),
            None => {
                return Err(ApiError::invalid_field(
                    &format!("{at}.memberships"),
                    "A contact group membership needs a contactGroupResourceName such as \
                     `contactGroups/myContacts`.",
                ));
            }
        }
    }
    Ok(if ids.is_empty() { None } else { Some(ids) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_properties_and_wrong_types_are_rejected() {
        let unknown = json!({"nmaes": [{"givenName": "Ada"}]});
        assert!(parse_person(&unknown, "person").unwrap_err().message.contains("nmaes"));
        let not_a_list = json!({"names": {"givenName": "Ada"}});
        assert_eq!(parse_person(&not_a_list, "person").unwrap_err().status, "INVALID_ARGUMENT");
        assert!(parse_person(&json!([]), "person").is_err());
        assert!(parse_person(&json!({"names": [], "etag": "x", "metadata": {}}), "person").is_ok());
    }

    #[test]
    fn singletons_allow_one_value_and_reject_two() {
        let person = json!({"names": [{}, {}], "urls": [{}, {}]});
        let person = person.as_object().unwrap();
        assert!(check_singletons(person, ["urls"], "person").is_ok());
        assert!(check_singletons(person, ["names"], "person").is_err());
    }

    #[test]
    fn stored_items_name_the_contact_source_and_get_display_names() {
        let person = json!({"names": [{
            "givenName": "Ada", "familyName": "Lovelace", "displayName": "stale",
            "metadata": {"primary": false, "sourcePrimary": true}
        }]});
        let stored = contact_field(person.as_object().unwrap(), "names", "1f").unwrap();
        assert_eq!(stored[0]["displayName"], "Ada Lovelace");
        assert_eq!(stored[0]["displayNameLastFirst"], "Lovelace, Ada");
        assert_eq!(
            stored[0]["metadata"],
            json!({"primary": true, "sourcePrimary": true, "source": {"type": "CONTACT", "id": "1f"}})
        );
        assert_eq!(contact_field(person.as_object().unwrap(), "urls", "1f"), None);
    }

    #[test]
    fn memberships_resolve_to_group_ids() {
        let person = json!({"memberships": [
            {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/starred"}},
            {"contactGroupMembership": {"contactGroupId": "myContacts"}},
            {"domainMembership": {"inViewerDomain": true}}
        ]});
        let ids = requested_group_ids(person.as_object().unwrap(), "person").unwrap();
        assert_eq!(ids, Some(vec!["starred".to_owned(), "myContacts".to_owned()]));
        let none = json!({"memberships": [{"domainMembership": {}}]});
        assert_eq!(requested_group_ids(none.as_object().unwrap(), "person").unwrap(), None);
    }
}
