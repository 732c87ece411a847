//! The query string: decoding, and typed access that turns every malformed
//! value into the 400 Google would send.

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::error::ApiError;

/// Percent-decodes `text`; `plus_is_space` applies the form-encoding rule
/// used in query strings (and not in paths).
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'%' => {
                let high = bytes.get(index + 1).and_then(|digit| (*digit as char).to_digit(16))?;
                let low = bytes.get(index + 2).and_then(|digit| (*digit as char).to_digit(16))?;
                out.push(u8::try_from(high * 16 + low).ok()?);
                index += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                index += 1;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Decoded `name=value` pairs in the order sent. Repeated parameters
/// (`sources=A&sources=B`) stay separate pairs.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let mut pairs = Vec::new();
        for piece in raw.unwrap_or_default().split('&').filter(|piece| !piece.is_empty()) {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let decode = |text| {
                percent_decode(text, true).ok_or_else(|| {
                    ApiError::invalid_argument(format!("Malformed query string near `{piece}`."))
                })
            };
            pairs.push((decode(name)?, decode(value)?));
        }
        Ok(Self { pairs })
    }

    /// Removes and returns every value of `name`.
    pub(crate) fn take(&mut self, name: &str) -> Vec<String> {
        let (taken, kept) = std::mem::take(&mut self.pairs)
            .into_iter()
            .partition::<Vec<_>, _>(|(candidate, _)| candidate == name);
        self.pairs = kept;
        taken.into_iter().map(|(_, value)| value).collect()
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(name, _)| name.as_str())
    }

    /// The value of a parameter that is not repeated. Sending it twice is a
    /// client bug, so it is a 400 rather than a silent pick.
    pub(crate) fn single(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.repeated(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::invalid_field(
                name,
                format!("The parameter `{name}` is not repeated but was sent more than once."),
            ));
        }
        Ok(first)
    }

    /// A string parameter where, as in proto3, absent and empty are the same.
    pub(crate) fn non_empty(&self, name: &str) -> Result<Option<&str>, ApiError> {
        Ok(self.single(name)?.filter(|value| !value.is_empty()))
    }

    pub(crate) fn repeated(&self, name: &str) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(move |(candidate, _)| candidate == name)
            .map(|(_, value)| value.as_str())
    }

    /// A boolean parameter; absent is `false`.
    pub(crate) fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.single(name)? {
            None => Ok(false),
            Some(value) => parse_bool(value).ok_or_else(|| invalid_value(name, "TYPE_BOOL", value)),
        }
    }

    pub(crate) fn integer(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.single(name)?
            .map(|value| value.parse().map_err(|_| invalid_value(name, "TYPE_INT32", value)))
            .transpose()
    }

    /// The values of a repeated enum parameter, each checked against `allowed`.
    pub(crate) fn enums(&self, name: &str, allowed: &[&str]) -> Result<Vec<&str>, ApiError> {
        self.repeated(name)
            .map(|value| {
                if allowed.contains(&value) {
                    Ok(value)
                } else {
                    Err(invalid_value(name, "TYPE_ENUM", value))
                }
            })
            .collect()
    }

    /// The value of a single enum parameter, checked against `allowed`.
    pub(crate) fn single_enum(
        &self,
        name: &str,
        allowed: &[&str],
    ) -> Result<Option<&str>, ApiError> {
        match self.single(name)? {
            Some(value) if !allowed.contains(&value) => {
                Err(invalid_value(name, "TYPE_ENUM", value))
            }
            value => Ok(value),
        }
    }

    /// A hash of every parameter except `ignored`, independent of order:
    /// what a page or sync token remembers to insist that "all other
    /// parameters must match the first call".
    pub(crate) fn fingerprint(&self, ignored: &[&str]) -> u64 {
        let mut pairs: Vec<_> =
            self.pairs.iter().filter(|(name, _)| !ignored.contains(&name.as_str())).collect();
        pairs.sort();
        let mut hasher = DefaultHasher::new();
        pairs.hash(&mut hasher);
        hasher.finish()
    }
}

pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Google's wording for a value that does not parse as its declared type.
fn invalid_value(name: &str, kind: &str, value: &str) -> ApiError {
    ApiError::invalid_field(name, format!("Invalid value at '{name}' ({kind}), \"{value}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_triplets_and_plus_only_in_queries() {
        assert_eq!(percent_decode("people%2Fc1%3Aget+x", true).as_deref(), Some("people/c1:get x"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("bad%2", true), None);
        assert_eq!(percent_decode("bad%zz", true), None);
        assert_eq!(percent_decode("%ff", true), None, "not UTF-8");
    }

    #[test]
    fn repeated_parameters_keep_every_value_in_order() {
        let query = Query::parse(Some("sources=A&x=1&sources=B")).unwrap();
        assert_eq!(query.repeated("sources").collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(query.single("x").unwrap(), Some("1"));
        assert_eq!(query.single("sources").unwrap_err().status, "INVALID_ARGUMENT");
    }

    #[test]
    fn fingerprint_ignores_order_and_the_named_parameters() {
        let one = Query::parse(Some("a=1&b=2&pageToken=x")).unwrap();
        let two = Query::parse(Some("b=2&a=1&pageToken=y")).unwrap();
        let three = Query::parse(Some("a=1&b=3")).unwrap();
        assert_eq!(one.fingerprint(&["pageToken"]), two.fingerprint(&["pageToken"]));
        assert_ne!(one.fingerprint(&["pageToken"]), three.fingerprint(&["pageToken"]));
    }

    #[test]
    fn typed_values_reject_what_does_not_parse() {
        let query = Query::parse(Some("n=abc&f=yes&e=NOPE")).unwrap();
        assert_eq!(query.integer("n").unwrap_err().http_status, 400);
        assert_eq!(query.flag("f").unwrap_err().http_status, 400);
        assert_eq!(query.enums("e", &["YES"]).unwrap_err().http_status, 400);
        assert_eq!(query.integer("missing").unwrap(), None);
    }
}
