//! The prefix-phrase matching of the search methods: a person with name
//! "foo name" matches "f", "foo", "foo n" and "nam", but not "oo n".

use serde_json::Value;

/// Which text fields of a person a search looks at: the person field, and
/// the keys of its items that hold text.
pub(crate) type SearchedFields = &'static [(&'static str, &'static [&'static str])];

const NAME_KEYS: &[&str] =
    &["displayName", "givenName", "familyName", "middleName", "unstructuredName"];

/// `searchContacts` (and the directory): names, nicknames, email addresses,
/// phone numbers and organizations.
pub(crate) const CONTACT_FIELDS: SearchedFields = &[
    ("names", NAME_KEYS),
    ("nicknames", &["value"]),
    ("emailAddresses", &["value"]),
    ("phoneNumbers", &["value", "canonicalForm"]),
    ("organizations", &["name", "title", "department"]),
];

/// `otherContacts.search`: names, email addresses and phone numbers.
pub(crate) const OTHER_CONTACT_FIELDS: SearchedFields =
    &[("names", NAME_KEYS), ("emailAddresses", &["value"]), ("phoneNumbers", &["value"])];

/// Whether any searched text of `person` matches `query`. Case-insensitive;
/// the query must match from the start of a word.
pub(crate) fn matches(person: &Value, query: &str, fields: SearchedFields) -> bool {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return false;
    }
    fields.iter().any(|(field, keys)| {
        person.get(field).and_then(Value::as_array).into_iter().flatten().any(|item| {
            keys.iter()
                .filter_map(|key| item.get(key).and_then(Value::as_str))
                .any(|text| phrase_prefix(&text.to_lowercase(), &query))
        })
    })
}

/// Whether `query` starts at the beginning of `text` or of one of its words.
fn phrase_prefix(text: &str, query: &str) -> bool {
    let mut at_word_start = true;
    for (index, character) in text.char_indices() {
        if at_word_start && text.get(index..).is_some_and(|rest| rest.starts_with(query)) {
            return true;
        }
        at_word_start = character.is_whitespace();
    }
    false
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn prefixes_of_words_and_phrases_match_but_not_mid_word() {
        for query in ["f", "fo", "foo", "foo n", "nam", "FOO NAME"] {
            assert!(phrase_prefix("foo name", &query.to_lowercase()), "{query}");
        }
        assert!(!phrase_prefix("foo name", "oo n"));
        assert!(!phrase_prefix("foo name", "ame"));
    }

    #[test]
    fn searches_only_the_listed_fields() {
        let person = json!({
            "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
            "organizations": [{"name": "Analytical Engines"}],
            "biographies": [{"value": "Zebra"}]
        });
        assert!(matches(&person, "love", CONTACT_FIELDS));
        assert!(matches(&person, "analytical", CONTACT_FIELDS));
        assert!(!matches(&person, "analytical", OTHER_CONTACT_FIELDS));
        assert!(!matches(&person, "zebra", CONTACT_FIELDS));
        assert!(!matches(&person, "  ", CONTACT_FIELDS));
    }
}
