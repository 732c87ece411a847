//! The small JSON documents the runtime reads itself (credential files,
//! token endpoint answers, error bodies), read field by field rather than
//! through derive macros: the runtime and the crates generated for it build
//! without any proc-macro crate, which is most of a cold build.

use serde_json::{Map, Value};

/// A JSON object's fields. Not `Debug`: credential files hold secrets.
pub(crate) struct Fields(Map<String, Value>);

impl Fields {
    /// The fields of the JSON object `json`; `Err` says why it is not one
    /// (serde's message: a position, never a value).
    pub(crate) fn parse(json: &[u8]) -> Result<Self, String> {
        match serde_json::from_slice::<Value>(json) {
            Ok(Value::Object(fields)) => Ok(Self(fields)),
            Ok(_) => Err("not a JSON object".to_owned()),
            Err(error) => Err(error.to_string()),
        }
    }

    /// The fields of `value`, when it is an object.
    pub(crate) fn of(value: Value) -> Option<Self> {
        match value {
            Value::Object(fields) => Some(Self(fields)),
            _ => None,
        }
    }

    /// The string field `name`; `null` and absent are `None`, another type an error.
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>, String> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(format!("`{name}` is not a string")),
        }
    }

    /// The string field `name`, which must be there.
    pub(crate) fn required_text(&self, name: &str) -> Result<String, String> {
        self.text(name)?.ok_or_else(|| format!("missing field `{name}`"))
    }

    /// The string field `name`, or empty.
    pub(crate) fn text_or_empty(&self, name: &str) -> String {
        self.text(name).ok().flatten().unwrap_or_default()
    }

    /// The non-negative integer field `name`.
    pub(crate) fn number(&self, name: &str) -> Result<Option<u64>, String> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => {
                value.as_u64().map(Some).ok_or_else(|| format!("`{name}` is not a whole number"))
            }
        }
    }

    /// The array of strings `name` (absent: empty).
    pub(crate) fn texts(&self, name: &str) -> Result<Vec<String>, String> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("`{name}` is not a list of strings")),
            Some(_) => Err(format!("`{name}` is not a list")),
        }
    }

    /// The field `name` as it is, taken out.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name).filter(|value| !value.is_null())
    }

    /// Whether the field `name` is there (and not `null`).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|value| !value.is_null())
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn fields_read_as_their_type_and_say_which_one_is_wrong_without_its_value() {
        let fields =
            Fields::parse(br#"{"a": "x", "n": 3, "list": ["p", "q"], "gone": null, "bad": 1}"#)
                .expect("an object");
        assert_eq!(fields.text("a"), Ok(Some("x".to_owned())));
        assert_eq!(fields.text("gone"), Ok(None));
        assert_eq!(fields.required_text("missing"), Err("missing field `missing`".to_owned()));
        assert_eq!(fields.text("bad"), Err("`bad` is not a string".to_owned()));
        assert_eq!(fields.number("n"), Ok(Some(3)));
        assert_eq!(fields.texts("list"), Ok(vec!["p".to_owned(), "q".to_owned()]));
        assert!(Fields::parse(b"[1]").is_err() && Fields::parse(b"{").is_err());
    }
}
