//! Read and update masks (`personFields`, `readMask`, `groupFields`, ...):
//! which names each one accepts, as listed under "Valid values" in the
//! discovery document, and how a mask trims a resource.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::query::Query;

/// `personFields` / `readMask` on contacts, profiles and the directory.
pub(crate) const PERSON_FIELDS: &[&str] = &[
    "addresses",
    "ageRanges",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "coverPhotos",
    "emailAddresses",
    "events",
    "externalIds",
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
    "sipAddresses",
    "skills",
    "urls",
    "userDefined",
];

/// `updatePersonFields` / `updateMask`: the fields a contact source owns.
pub(crate) const UPDATABLE_PERSON_FIELDS: &[&str] = &[
    "addresses",
    "biographies",
    "birthdays",
    "calendarUrls",
    "clientData",
    "emailAddresses",
    "events",
    "externalIds",
    "genders",
    "imClients",
    "interests",
    "locales",
    "locations",
    "memberships",
    "miscKeywords",
    "names",
    "nicknames",
    "occupations",
    "organizations",
    "phoneNumbers",
    "relations",
    "sipAddresses",
    "urls",
    "userDefined",
];

/// `otherContacts.list` `readMask` with the default (contact-only) sources.
pub(crate) const OTHER_CONTACT_FIELDS: &[&str] =
    &["emailAddresses", "metadata", "names", "phoneNumbers", "photos"];

/// `otherContacts.search` `readMask`.
pub(crate) const OTHER_CONTACT_SEARCH_FIELDS: &[&str] =
    &["emailAddresses", "metadata", "names", "phoneNumbers"];

/// `copyOtherContactToMyContactsGroup` `copyMask`.
pub(crate) const COPY_FIELDS: &[&str] = &["emailAddresses", "names", "phoneNumbers"];

/// `groupFields` on get, batchGet and list; `readGroupFields` on update.
pub(crate) const GROUP_FIELDS: &[&str] =
    &["clientData", "groupType", "memberCount", "metadata", "name"];

/// `readGroupFields` on create (no member count yet).
pub(crate) const CREATED_GROUP_FIELDS: &[&str] = &["clientData", "groupType", "metadata", "name"];

/// `updateGroupFields`.
pub(crate) const UPDATABLE_GROUP_FIELDS: &[&str] = &["clientData", "name"];

/// A validated set of field names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldMask {
    fields: Vec<&'static str>,
}

impl FieldMask {
    /// Parses the comma-separated `text` sent as `parameter`; every name must
    /// be in `valid`. An empty mask is valid here: callers decide whether
    /// empty means "required but missing", "defaults" or "skip the read".
    pub(crate) fn parse(
        parameter: &str,
        text: &str,
        valid: &'static [&'static str],
    ) -> Result<Self, ApiError> {
        let mut fields = Vec::new();
        for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            let Some(known) = valid.iter().find(|candidate| **candidate == name) else {
                return Err(ApiError::invalid_field(
                    parameter,
                    format!(
                        "Invalid {parameter} mask path: \"{name}\". Valid paths are: {}.",
                        valid.join(", ")
                    ),
                ));
            };
            if !fields.contains(known) {
                fields.push(*known);
            }
        }
        Ok(Self { fields })
    }

    pub(crate) fn of(fields: &[&'static str]) -> Self {
        Self { fields: fields.to_vec() }
    }

    pub(crate) fn contains(&self, field: &str) -> bool {
        self.fields.contains(&field)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub(crate) fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().copied()
    }

    /// `resource` with only the masked fields, plus the identity fields in
    /// `always` that every response carries.
    pub(crate) fn keep(&self, resource: &Value, always: &[&str]) -> Value {
        let Some(object) = resource.as_object() else {
            return resource.clone();
        };
        let kept: Map<String, Value> = object
            .iter()
            .filter(|(key, _)| always.contains(&key.as_str()) || self.contains(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Value::Object(kept)
    }

    /// A person trimmed to the mask; `resourceName` and `etag` always stay.
    pub(crate) fn person(&self, person: &Value) -> Value {
        self.keep(person, &["resourceName", "etag"])
    }
}

/// The required person mask of `people.get`, `getBatchGet` and
/// `connections.list`: `personFields`, or the legacy dotted
/// `requestMask.includeField` whose paths start with `person.`.
pub(crate) fn required_person_fields(query: &Query) -> Result<FieldMask, ApiError> {
    const LEGACY: &str = "requestMask.includeField";
    let mask = match (query.non_empty("personFields")?, query.non_empty(LEGACY)?) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_field(
                LEGACY,
                format!("Set personFields or {LEGACY}, not both."),
            ));
        }
        (Some(text), None) => FieldMask::parse("personFields", text, PERSON_FIELDS)?,
        (None, Some(text)) => {
            let mut names = Vec::new();
            for path in text.split(',').map(str::trim).filter(|path| !path.is_empty()) {
                let Some(name) = path.strip_prefix("person.") else {
                    return Err(ApiError::invalid_field(
                        LEGACY,
                        format!("Invalid {LEGACY} path \"{path}\": paths start with `person.`."),
                    ));
                };
                names.push(name);
            }
            FieldMask::parse(LEGACY, &names.join(","), PERSON_FIELDS)?
        }
        (None, None) => FieldMask::of(&[]),
    };
    if mask.is_empty() {
        return Err(ApiError::invalid_field(
            "personFields",
            "personFields mask is required. Please specify one or more valid paths.",
        ));
    }
    Ok(mask)
}

/// A mask the documentation marks "Required": absent or empty is a 400.
pub(crate) fn required_mask(
    query: &Query,
    parameter: &str,
    valid: &'static [&'static str],
) -> Result<FieldMask, ApiError> {
    let mask = FieldMask::parse(parameter, query.single(parameter)?.unwrap_or_default(), valid)?;
    if mask.is_empty() {
        return Err(ApiError::invalid_field(
            parameter,
            format!("{parameter} mask is required. Please specify one or more valid paths."),
        ));
    }
    Ok(mask)
}

/// A mask that defaults to `default` when absent or empty.
pub(crate) fn mask_or(
    parameter: &str,
    text: Option<&str>,
    valid: &'static [&'static str],
    default: &[&'static str],
) -> Result<FieldMask, ApiError> {
    let mask = FieldMask::parse(parameter, text.unwrap_or_default(), valid)?;
    Ok(if mask.is_empty() { FieldMask::of(default) } else { mask })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parse_accepts_listed_names_and_rejects_others_naming_the_parameter() {
        let mask =
            FieldMask::parse("readMask", "names, emailAddresses,names", PERSON_FIELDS).unwrap();
        assert_eq!(mask.fields().collect::<Vec<_>>(), ["names", "emailAddresses"]);
        let error = FieldMask::parse("readMask", "names,shoeSize", PERSON_FIELDS).unwrap_err();
        assert!(error.message.contains("shoeSize"), "{}", error.message);
        assert_eq!(
            error.to_body()["error"]["details"][0]["fieldViolations"][0]["field"],
            "readMask"
        );
    }

    #[test]
    fn legacy_request_mask_paths_need_the_person_prefix() {
        let query =
            Query::parse(Some("requestMask.includeField=person.names,person.photos")).unwrap();
        assert_eq!(required_person_fields(&query).unwrap(), FieldMask::of(&["names", "photos"]));
        let query = Query::parse(Some("requestMask.includeField=names")).unwrap();
        assert_eq!(required_person_fields(&query).unwrap_err().status, "INVALID_ARGUMENT");
    }

    #[test]
    fn keep_retains_identity_fields() {
        let person = json!({"resourceName": "people/c1", "etag": "e", "names": [], "urls": []});
        assert_eq!(
            FieldMask::of(&["urls"]).person(&person),
            json!({"resourceName": "people/c1", "etag": "e", "urls": []})
        );
    }
}
