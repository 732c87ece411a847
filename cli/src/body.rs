//! A request body from `--json`: read (text, `@FILE` or `-` for stdin) and
//! parsed once, checked against the schema's field names, then decoded into
//! the library's typed body, so that a mistake is reported with its JSON
//! path before anything is sent.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::table::{Api, Shape};

/// Why a body was refused.
#[derive(Debug)]
pub struct BodyError {
    /// Where: `$.names[0].givenName`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the body at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for BodyError {}

/// Decodes `json` into `T` and serialises it again: the bytes the library
/// sends for the same typed body. The generated table names one `encode::<T>`
/// per body schema.
pub fn encode<T: DeserializeOwned + Serialize>(json: &Value) -> Result<Box<RawValue>, BodyError> {
    let typed: T = serde_path_to_error::deserialize(json).map_err(|error| BodyError {
        path: json_path(&error.path().to_string()),
        message: error.inner().to_string(),
    })?;
    serde_json::value::to_raw_value(&typed)
        .map_err(|error| BodyError { path: "$".into(), message: error.to_string() })
}

/// serde_path_to_error's `names[0].givenName` (or `.` for the root) as `$.names[0].givenName`.
fn json_path(path: &str) -> String {
    match path {
        "." | "" => "$".to_owned(),
        path if path.starts_with('[') => format!("${path}"),
        path => format!("$.{path}"),
    }
}

/// Every field name in `json` that its schema does not have, as an error
/// naming the first one, its path and the closest known name. The typed
/// body would keep such a field and send it; from a command line it is
/// almost always a typo.
pub fn check_fields(api: &Api, schema: &'static str, json: &Value) -> Result<(), BodyError> {
    check(api, &Shape::Ref(schema), json, "$".to_owned())
}

fn check(api: &Api, shape: &Shape, value: &Value, path: String) -> Result<(), BodyError> {
    match (shape, value) {
        (Shape::Ref(name), Value::Object(object)) => {
            let Some(schema) = api.schema(name).filter(|schema| !schema.fields.is_empty()) else {
                return Ok(());
            };
            for (key, value) in object {
                match schema.fields.iter().find(|field| field.wire == key) {
                    Some(field) => check(api, &field.shape, value, format!("{path}.{key}"))?,
                    None => {
                        let known: Vec<&str> = schema.fields.iter().map(|f| f.wire).collect();
                        let hint = closest(key, &known)
                            .map(|near| format!("; did you mean `{near}`?"))
                            .unwrap_or_default();
                        return Err(BodyError {
                            path: format!("{path}.{key}"),
                            message: format!("{name} has no field `{key}`{hint}"),
                        });
                    }
                }
            }
            Ok(())
        }
        (Shape::Array(inner), Value::Array(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| check(api, inner, item, format!("{path}[{index}]"))),
        (Shape::Map(inner), Value::Object(object)) => object
            .iter()
            .try_for_each(|(key, item)| check(api, inner, item, format!("{path}.{key}"))),
        // Wrong JSON types are the typed decoding's to report.
        _ => Ok(()),
    }
}

/// The known name nearest to `name` by edit distance, if it is near enough
/// to be a typo of it.
pub(crate) fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|candidate| (distance(&name.to_lowercase(), &candidate.to_lowercase()), *candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 4))
        .min()
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_paths_become_json_paths() {
        assert_eq!(json_path("."), "$");
        assert_eq!(json_path("names[0].givenName"), "$.names[0].givenName");
        assert_eq!(json_path("[2]"), "$[2]");
    }

    #[test]
    fn a_typo_finds_the_field_it_was_meant_to_be() {
        assert_eq!(closest("nmes", &["names", "nicknames", "etag"]), Some("names"));
        assert_eq!(closest("emailaddress", &["emailAddresses", "etag"]), Some("emailAddresses"));
        assert_eq!(closest("zzzzzz", &["names", "etag"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
