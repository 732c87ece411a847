//! The `fields` standard parameter: Google's partial-response selector.
//!
//! Syntax: a comma-separated list of paths, `a/b/c` descending into
//! objects, `a(b,c)` selecting several fields under `a`, `*` any field.
//! Arrays are transparent: a selector applies to each element.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The parsed selector: for each selected key, `None` keeps its whole value
/// and `Some` keeps only what the nested selector selects.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct FieldSelector {
    children: BTreeMap<String, Option<FieldSelector>>,
}

impl FieldSelector {
    /// Parses `text`, or explains where it is malformed.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut parser = Parser { text, position: 0 };
        let selector = parser.selection()?;
        match parser.peek() {
            None => Ok(selector),
            Some(unexpected) => {
                Err(format!("unexpected `{unexpected}` at offset {} in `{text}`", parser.position))
            }
        }
    }

    /// The part of `value` the selector keeps.
    pub(crate) fn apply(&self, value: &Value) -> Value {
        match value {
            Value::Object(object) => {
                let mut kept = Map::new();
                for (key, field) in object {
                    let rule = self.children.get(key).or_else(|| self.children.get("*"));
                    match rule {
                        Some(None) => {
                            kept.insert(key.clone(), field.clone());
                        }
                        Some(Some(nested)) => {
                            kept.insert(key.clone(), nested.apply(field));
                        }
                        None => {}
                    }
                }
                Value::Object(kept)
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.apply(item)).collect())
            }
            scalar => scalar.clone(),
        }
    }

    /// Adds `path` (non-empty), keeping `nested` under its last name.
    fn insert(&mut self, path: &[String], nested: Option<FieldSelector>) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        if rest.is_empty() {
            match (self.children.get_mut(first), nested) {
                (None, nested) => {
                    self.children.insert(first.clone(), nested);
                }
                (Some(Some(current)), Some(more)) => current.merge(more),
                (Some(slot), None) => *slot = None,
                // Already the whole value: a narrower selection adds nothing.
                (Some(None), Some(_)) => {}
            }
        } else if let Some(child) =
            self.children.entry(first.clone()).or_insert_with(|| Some(Self::default()))
        {
            child.insert(rest, nested);
        }
    }

    fn merge(&mut self, other: FieldSelector) {
        for (key, nested) in other.children {
            self.insert(&[key], nested);
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    position: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.position..).and_then(|rest| rest.chars().next())
    }

    fn eat(&mut self, wanted: char) -> bool {
        if self.peek() == Some(wanted) {
            self.position += wanted.len_utf8();
            true
        } else {
            false
        }
    }

    /// `item (',' item)*`, where `item` is `path ['(' selection ')']`.
    fn selection(&mut self) -> Result<FieldSelector, String> {
        let mut selector = FieldSelector::default();
        loop {
            let path = self.path()?;
            let nested = if self.eat('(') {
                let nested = self.selection()?;
                if !self.eat(')') {
                    return Err(format!("missing `)` in `{}`", self.text));
                }
                Some(nested)
            } else {
                None
            };
            selector.insert(&path, nested);
            if !self.eat(',') {
                return Ok(selector);
            }
        }
    }

    /// `name ('/' name)*`
    fn path(&mut self) -> Result<Vec<String>, String> {
        let mut path = vec![self.name()?];
        while self.eat('/') {
            path.push(self.name()?);
        }
        Ok(path)
    }

    fn name(&mut self) -> Result<String, String> {
        let start = self.position;
        while let Some(next) = self.peek().filter(|next| !",/()".contains(*next)) {
            if next.is_whitespace() {
                return Err(format!("whitespace in a field name in `{}`", self.text));
            }
            self.position += next.len_utf8();
        }
        match self.text.get(start..self.position) {
            Some(name) if !name.is_empty() => Ok(name.to_owned()),
            _ => Err(format!("empty field name at offset {start} in `{}`", self.text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn select(fields: &str, value: Value) -> Value {
        FieldSelector::parse(fields).unwrap().apply(&value)
    }

    #[test]
    fn top_level_names_keep_whole_values() {
        let value = json!({"a": {"x": 1}, "b": 2, "c": 3});
        assert_eq!(select("a,c", value), json!({"a": {"x": 1}, "c": 3}));
    }

    #[test]
    fn slash_paths_and_parentheses_select_nested_fields_through_arrays() {
        let value = json!({
            "connections": [
                {"resourceName": "people/c1", "names": [{"givenName": "Ada", "familyName": "L"}]},
                {"resourceName": "people/c2"}
            ],
            "nextPageToken": "t",
            "totalItems": 2
        });
        assert_eq!(
            select("connections(resourceName,names/givenName),nextPageToken", value.clone()),
            json!({
                "connections": [
                    {"resourceName": "people/c1", "names": [{"givenName": "Ada"}]},
                    {"resourceName": "people/c2"}
                ],
                "nextPageToken": "t"
            })
        );
        assert_eq!(
            select("connections/resourceName", value)["connections"][1],
            json!({"resourceName": "people/c2"})
        );
    }

    #[test]
    fn a_whole_field_wins_over_a_narrower_selection_of_it() {
        let value = json!({"a": {"x": 1, "y": 2}});
        assert_eq!(select("a/x,a", value.clone()), value);
        assert_eq!(select("a,a/x", value.clone()), value);
        assert_eq!(select("a/x,a(y)", value.clone()), value);
    }

    #[test]
    fn star_selects_every_field_at_its_level() {
        let value = json!({"a": {"x": 1, "y": 2}, "b": {"x": 3}});
        assert_eq!(select("*/x", value), json!({"a": {"x": 1}, "b": {"x": 3}}));
    }

    #[test]
    fn malformed_selectors_are_rejected() {
        for bad in ["", "a,", "a(b", "a)", "a//b", "(a)", "a b", "a()"] {
            assert!(FieldSelector::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
