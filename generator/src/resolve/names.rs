//! Every rule that turns a wire name into a Rust name lives here.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use super::lock::Lock;

/// Words that cannot be plain identifiers (strict and reserved keywords, 2024 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that are not allowed even as raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names that would shadow the prelude, std items users reach for, or
/// names the generated code itself relies on.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Debug",
    "Display",
    "ToString",
    "ToOwned",
    "Unpin",
    "Self",
    "BTreeMap",
    "HashMap",
    "Value",
    "Error",
    "Client",
    "Request",
    "Bytes",
    "Timestamp",
    "Duration",
    "FieldMask",
];

/// A snake_case identifier for a field, parameter, method or accessor;
/// keywords become raw identifiers (`r#type`), or get a `_` suffix where Rust
/// forbids that (`self_`).
pub fn snake_ident(wire: &str) -> String {
    let mut name = ascii_word_chars(&wire.to_snake_case());
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

/// Identifiers stay ASCII, whatever a wire name holds.
fn ascii_word_chars(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// An UpperCamelCase name for a type or variant; digits up front get a `V`.
pub fn camel_ident(wire: &str) -> String {
    let mut name = ascii_word_chars(&wire.to_upper_camel_case());
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// A type name for a schema: UpperCamelCase, kept clear of prelude and std names.
pub fn type_name(wire: &str) -> String {
    let name = camel_ident(wire);
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) { format!("{name}Schema") } else { name }
}

/// A SCREAMING_SNAKE_CASE name for a constant.
pub fn const_ident(wire: &str) -> String {
    let name = ascii_word_chars(&wire.to_shouty_snake_case());
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("C_{name}")
    } else {
        name
    }
}

/// The camelCase name a snake_case identifier reads back as: a property whose
/// wire name is exactly that has the most natural claim to the identifier.
pub fn camel_case_of(field: &str) -> String {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let mut pascal = String::with_capacity(field.len());
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    let mut chars = pascal.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The names of one namespace (the types, one struct's fields, one call's
/// arguments...). Each name is claimed for a key saying where its item comes
/// from; a key the earlier generation's [`Lock`] knows gets the name it had,
/// and every name the lock holds is taken from the start, so a new item never
/// takes an existing item's name. Other claims get the proposed name or, when
/// it is taken, the smallest free numeric suffix (`Name2`, `name_2`).
#[derive(Debug)]
pub struct Namespace {
    id: String,
    taken: BTreeSet<String>,
    prior: BTreeMap<String, String>,
    decided: BTreeMap<String, String>,
}

impl Namespace {
    /// The namespace `id`, starting from what `lock` recorded for it.
    pub fn new(id: impl Into<String>, lock: &Lock) -> Self {
        let id = id.into();
        let prior = lock.names_in(&id).cloned().unwrap_or_default();
        let taken = prior.values().map(|name| unraw(name).to_owned()).collect();
        Self { id, taken, prior, decided: BTreeMap::new() }
    }

    /// Marks names as used without claiming them for anything.
    pub fn reserve(&mut self, names: &[&str]) {
        self.taken.extend(names.iter().map(|name| (*name).to_owned()));
    }

    /// Marks names another namespace decided as used here too.
    pub fn reserve_all<'a>(&mut self, names: impl IntoIterator<Item = &'a String>) {
        self.taken.extend(names.into_iter().map(|name| unraw(name).to_owned()));
    }

    /// The name the lock recorded for `key`, if any.
    pub fn prior(&self, key: &str) -> Option<&str> {
        self.prior.get(key).map(String::as_str)
    }

    /// The name this resolution gave `key`, if it has.
    pub fn decided(&self, key: &str) -> Option<&str> {
        self.decided.get(key).map(String::as_str)
    }

    /// The name of `key` as this resolution gave it or, failing that, as the lock recorded it.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        self.decided(key).or_else(|| self.prior(key))
    }

    /// The name of the item at `key`: the recorded one, or `proposed` (made
    /// free with a suffix; `snake` picks `_2` over `2`).
    pub fn claim(&mut self, key: &str, proposed: String, snake: bool) -> String {
        let name = match self.prior.get(key) {
            Some(recorded) => recorded.clone(),
            None => self.take(proposed, snake),
        };
        self.record(key, &name);
        name
    }

    /// `proposed` or its first free suffixed form, recorded under no key
    /// (for a name the caller records elsewhere).
    pub fn take(&mut self, proposed: String, snake: bool) -> String {
        // `self_` becomes `self_2`, not `self__2`, which is not snake case.
        self.take_with(proposed, |base, n| {
            if snake { format!("{}_{n}", base.trim_end_matches('_')) } else { format!("{base}{n}") }
        })
    }

    /// Like [`Self::claim`] for a kebab-case name (a CLI command or flag):
    /// a taken one gets `-2`, `-3`, ...
    pub fn claim_kebab(&mut self, key: &str, proposed: String) -> String {
        let name = match self.prior.get(key) {
            Some(recorded) => recorded.clone(),
            None => self.take_with(proposed, |base, n| format!("{base}-{n}")),
        };
        self.record(key, &name);
        name
    }

    fn take_with(&mut self, proposed: String, suffixed: impl Fn(&str, u32) -> String) -> String {
        if self.taken.insert(unraw(&proposed).to_owned()) {
            return proposed;
        }
        let base = unraw(&proposed).to_owned();
        (2..)
            .map(|n| suffixed(&base, n))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(base)
    }

    /// Records that the item at `key` is called `name`.
    pub fn record(&mut self, key: &str, name: &str) {
        self.decided.insert(key.to_owned(), name.to_owned());
    }

    /// Hands the namespace's decisions to the new lock.
    pub fn close(self, lock: &mut Lock) {
        if !self.decided.is_empty() {
            lock.names.entry(self.id).or_default().extend(self.decided);
        }
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers_or_get_a_suffix() {
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("$ref"), "r#ref");
        assert_eq!(snake_ident("@type"), "r#type");
    }

    #[test]
    fn odd_wire_names_become_identifiers() {
        assert_eq!(snake_ident("requestMask.includeField"), "request_mask_include_field");
        assert_eq!(snake_ident("$.xgafv"), "xgafv");
        assert_eq!(snake_ident("upload-protocol"), "upload_protocol");
        assert_eq!(snake_ident("1080p"), "_1080p");
        assert_eq!(snake_ident("$"), "value");
        assert_eq!(camel_ident("1080p"), "V1080p");
        assert_eq!(camel_ident(""), "Empty");
    }

    #[test]
    fn std_and_prelude_type_names_are_avoided() {
        assert_eq!(type_name("Option"), "OptionSchema");
        assert_eq!(type_name("string"), "StringSchema");
        assert_eq!(type_name("Person"), "Person");
    }

    #[test]
    fn camel_case_of_reads_a_snake_name_back() {
        assert_eq!(camel_case_of("display_name"), "displayName");
        assert_eq!(camel_case_of("r#type"), "type");
        assert_eq!(camel_case_of("e164_number"), "e164Number");
        assert_eq!(camel_case_of("_1080p"), "1080p");
        assert_eq!(camel_case_of("_abc"), "abc");
    }

    #[test]
    fn namespace_suffixes_later_claims() {
        let lock = Lock::default();
        let mut types = Namespace::new("types", &lock);
        assert_eq!(types.claim("a", "Name".into(), false), "Name");
        assert_eq!(types.claim("b", "Name".into(), false), "Name2");
        let mut fields = Namespace::new("fields", &lock);
        assert_eq!(fields.claim("type", "r#type".into(), true), "r#type");
        assert_eq!(fields.claim("@type", "r#type".into(), true), "type_2");
        assert_eq!(fields.claim("self", "self_".into(), true), "self_");
        assert_eq!(fields.claim("$self", "self_".into(), true), "self_2", "no double underscore");
    }

    #[test]
    fn a_recorded_name_is_kept_and_never_given_to_a_newcomer() {
        let mut first = Namespace::new("types", &Lock::default());
        assert_eq!(first.claim("$.schemas.foo_bar", "FooBar".into(), false), "FooBar");
        let mut lock = Lock::default();
        first.close(&mut lock);
        let mut second = Namespace::new("types", &lock);
        assert_eq!(second.claim("$.schemas.FooBar", "FooBar".into(), false), "FooBar2");
        assert_eq!(second.claim("$.schemas.foo_bar", "FooBar".into(), false), "FooBar");
    }
}
