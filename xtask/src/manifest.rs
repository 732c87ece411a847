//! Cargo manifests read and edited as text, so that a version change touches
//! the version strings alone: comments, order and layout are kept.
//!
//! The scanner reads the TOML that Cargo accepts (tables, dotted keys,
//! strings of all four kinds, arrays and inline tables over any lines); what
//! it cannot read makes the caller report the file rather than guess.

use std::ops::Range;

/// A string value: where its content (between the quotes) lies in the
/// manifest, and that content as written (escapes are not decoded).
#[derive(Debug)]
struct Text {
    span: Range<usize>,
    raw: String,
}

#[derive(Debug)]
enum Value {
    Text(Text),
    /// An inline table: each key (dotted keys split) with its value.
    Table(Vec<(Vec<String>, Value)>),
    /// An array, a number, a boolean or a date: never edited here.
    Other,
}

/// `key = value` under the table `table` (`[target.'cfg(unix)'.dependencies]`
/// is `["target", "cfg(unix)", "dependencies"]`).
#[derive(Debug)]
struct Assignment {
    table: Vec<String>,
    key: Vec<String>,
    value: Value,
}

/// The `version` of the `[package]` table.
pub fn package_version(manifest: &str) -> Option<String> {
    Some(package_version_text(&scan(manifest)?)?.raw.clone())
}

/// The manifest with its `[package]` version set to `version`; `None` when
/// it cannot be read or its package has no `version = "…"` of its own.
pub fn set_package_version(manifest: &str, version: &str) -> Option<String> {
    let assignments = scan(manifest)?;
    let text = package_version_text(&assignments)?;
    Some(replace(manifest, vec![(text.span.clone(), version.to_owned())]))
}

/// The manifest with the version requirement of every dependency whose
/// `path` `is_people` set to `version` (keeping an operator such as `=`),
/// and how many it set; `None` when the manifest cannot be read.
///
/// A dependency is found in every form Cargo takes: `name = { path, version }`
/// in any dependency table (`[workspace.dependencies]` and target-specific
/// ones included), `name.path`/`name.version` dotted keys, and a
/// `[dependencies.name]` table; renamed ones (`package = …`) are found by
/// their path like the others.
pub fn set_requirements(
    manifest: &str,
    is_people: impl Fn(&str) -> bool,
    version: &str,
) -> Option<(String, usize)> {
    let assignments = scan(manifest)?;
    let mut dependencies: Vec<(Vec<String>, Option<&Text>, Option<&Text>)> = Vec::new();
    for (dependency, field, value) in assignments.iter().flat_map(dependency_fields) {
        let Value::Text(text) = value else { continue };
        let index = match dependencies.iter().position(|(id, ..)| *id == dependency) {
            Some(index) => index,
            None => {
                dependencies.push((dependency, None, None));
                dependencies.len() - 1
            }
        };
        match field {
            "path" => dependencies[index].1 = Some(text),
            "version" => dependencies[index].2 = Some(text),
            _ => {}
        }
    }
    let edits: Vec<(Range<usize>, String)> = dependencies
        .into_iter()
        .filter_map(|(_, path, requirement)| match (path, requirement) {
            (Some(path), Some(requirement)) if is_people(&path.raw) => {
                Some((requirement.span.clone(), with_operator_of(&requirement.raw, version)))
            }
            _ => None,
        })
        .collect();
    let count = edits.len();
    Some((replace(manifest, edits), count))
}

fn package_version_text(assignments: &[Assignment]) -> Option<&Text> {
    assignments.iter().find_map(|assignment| match &assignment.value {
        Value::Text(text) if assignment.table == ["package"] && assignment.key == ["version"] => {
            Some(text)
        }
        _ => None,
    })
}

/// `version` with the comparison operator `requirement` starts with, if any.
fn with_operator_of(requirement: &str, version: &str) -> String {
    let operator: String = requirement
        .chars()
        .take_while(|c| matches!(c, '^' | '=' | '~' | '>' | '<' | ' '))
        .collect();
    format!("{operator}{version}")
}

fn is_dependency_table(name: &str) -> bool {
    name.ends_with("dependencies")
}

/// The fields this assignment gives a dependency: (the dependency, as its
/// table and name; the field; its value).
fn dependency_fields(assignment: &Assignment) -> Vec<(Vec<String>, &str, &Value)> {
    let Assignment { table, key, value } = assignment;
    let with_name = |name: &String| {
        let mut id = table.clone();
        id.push(name.clone());
        id
    };
    match (table.last(), key.as_slice()) {
        // `[dependencies.name]` first: a crate may be called `x-dependencies`.
        (_, [field]) if table.len() >= 2 && is_dependency_table(&table[table.len() - 2]) => {
            vec![(table.clone(), field.as_str(), value)]
        }
        (Some(last), [name]) if is_dependency_table(last) => match value {
            Value::Table(fields) => fields
                .iter()
                .filter_map(|(field, value)| match field.as_slice() {
                    [field] => Some((with_name(name), field.as_str(), value)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        (Some(last), [name, field]) if is_dependency_table(last) => {
            vec![(with_name(name), field.as_str(), value)]
        }
        _ => Vec::new(),
    }
}

/// `text` with each range replaced; the ranges do not overlap.
fn replace(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut text = text.to_owned();
    for (range, replacement) in edits {
        text.replace_range(range, &replacement);
    }
    text
}

/// Every assignment of the manifest, or `None` when it is not TOML this
/// scanner reads.
fn scan(manifest: &str) -> Option<Vec<Assignment>> {
    let mut scanner = Scanner { text: manifest, pos: 0 };
    let mut table = Vec::new();
    let mut assignments = Vec::new();
    loop {
        scanner.skip_blank_lines();
        match scanner.peek() {
            None => return Some(assignments),
            Some('[') => {
                scanner.pos += 1;
                let array_of_tables = scanner.eat('[');
                scanner.skip_spaces();
                table = scanner.key()?;
                if !(scanner.eat(']') && (!array_of_tables || scanner.eat(']'))) {
                    return None;
                }
            }
            Some(_) => {
                let key = scanner.key()?;
                if !scanner.eat('=') {
                    return None;
                }
                scanner.skip_spaces();
                let value = scanner.value()?;
                assignments.push(Assignment { table: table.clone(), key, value });
            }
        }
        scanner.end_of_line()?;
    }
}

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, expected: char) -> bool {
        let found = self.peek() == Some(expected);
        if found {
            self.pos += expected.len_utf8();
        }
        found
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some('#') {
            self.pos =
                self.text[self.pos..].find('\n').map_or(self.text.len(), |end| self.pos + end);
        }
    }

    /// Spaces, newlines and comments, as between the items of an array.
    fn skip_blank_lines(&mut self) {
        loop {
            self.skip_spaces();
            self.skip_comment();
            if !(self.eat('\n') || self.eat('\r')) {
                return;
            }
        }
    }

    /// What may follow a value or a header on its line: spaces and a comment.
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        self.skip_comment();
        match self.peek() {
            None | Some('\n' | '\r') => Some(()),
            Some(_) => None,
        }
    }

    /// A dotted key, its parts unquoted; the spaces after it are skipped.
    fn key(&mut self) -> Option<Vec<String>> {
        let mut parts = Vec::new();
        loop {
            let part = match self.peek()? {
                '"' | '\'' => match self.string()? {
                    Value::Text(text) => text.raw,
                    _ => return None,
                },
                _ => {
                    let start = self.pos;
                    while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return None;
                    }
                    self.text[start..self.pos].to_owned()
                }
            };
            parts.push(part);
            self.skip_spaces();
            if !self.eat('.') {
                return Some(parts);
            }
            self.skip_spaces();
        }
    }

    fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            '"' | '\'' => self.string(),
            '{' => self.inline_table(),
            '[' => self.array(),
            _ => {
                // A number, a boolean or a date: up to what ends a value.
                let rest = &self.text[self.pos..];
                let end = rest.find([',', ']', '}', '#', '\n', '\r']).unwrap_or(rest.len());
                if rest[..end].trim().is_empty() {
                    return None;
                }
                self.pos += rest[..end].trim_end().len();
                Some(Value::Other)
            }
        }
    }

    /// A basic, literal or multi-line string.
    fn string(&mut self) -> Option<Value> {
        let quote = self.peek()?;
        let rest = &self.text[self.pos..];
        let delimiter = if rest.starts_with(&format!("{quote}{quote}{quote}")) { 3 } else { 1 };
        let start = self.pos + delimiter;
        let mut index = start;
        loop {
            let c = self.text[index..].chars().next()?;
            if c == '\\' && quote == '"' {
                index += 1 + self.text[index + 1..].chars().next()?.len_utf8();
                continue;
            }
            if delimiter == 1 && c == '\n' {
                return None;
            }
            if self.text[index..].chars().take(delimiter).all(|next| next == quote)
                && self.text[index..].len() >= delimiter
            {
                break;
            }
            index += c.len_utf8();
        }
        self.pos = index + delimiter;
        Some(Value::Text(Text { span: start..index, raw: self.text[start..index].to_owned() }))
    }

    fn inline_table(&mut self) -> Option<Value> {
        self.pos += 1;
        let mut fields = Vec::new();
        loop {
            self.skip_blank_lines();
            if self.eat('}') {
                return Some(Value::Table(fields));
            }
            let key = self.key()?;
            if !self.eat('=') {
                return None;
            }
            self.skip_spaces();
            fields.push((key, self.value()?));
            self.skip_blank_lines();
            if !self.eat(',') && self.peek() != Some('}') {
                return None;
            }
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.pos += 1;
        loop {
            self.skip_blank_lines();
            if self.eat(']') {
                return Some(Value::Other);
            }
            self.value()?;
            self.skip_blank_lines();
            if !self.eat(',') && self.peek() != Some(']') {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE_ROOT: &str = r#"# The People crate.
[workspace]
members = [
    "cli", # the command line
    "xtask",
]

[workspace.dependencies]
people = { package = "google-people-v1", path = ".", version = "=0.2.0" } # pinned
other = { path = "other", version = "0.2.0", features = ["a", "b"] }

[package]
name = "google-people-v1"
description = """
[not a table]
version = "9.9.9"
"""
version = "0.2.0" # bumped by `cargo xtask bump`

[dependencies]
version = "1"
serde = { version = "1", features = ["derive"] }
"#;

    #[test]
    fn the_package_version_is_read_from_the_package_table_and_set_in_place() {
        assert_eq!(package_version(WORKSPACE_ROOT).as_deref(), Some("0.2.0"));
        let bumped = set_package_version(WORKSPACE_ROOT, "0.3.0").unwrap();
        assert_eq!(
            bumped,
            WORKSPACE_ROOT.replace("version = \"0.2.0\" # bumped", "version = \"0.3.0\" # bumped")
        );
        let inherited = "[package]\nname = \"x\"\nversion.workspace = true\n";
        assert_eq!(package_version(inherited), None);
        assert_eq!(set_package_version(inherited, "1.0.0"), None);
    }

    #[test]
    fn only_requirements_on_the_people_path_change_in_every_form() {
        let (edited, count) =
            set_requirements(WORKSPACE_ROOT, |path| path == ".", "0.3.0").unwrap();
        assert_eq!(count, 1);
        assert_eq!(
            edited,
            WORKSPACE_ROOT.replace("\"=0.2.0\" } # pinned", "\"=0.3.0\" } # pinned")
        );

        let member = "[package]\nname = \"cli\"\nversion = \"0.1.0\"\n\n\
            [dependencies]\ngoogle-people-v1 = { path = \"..\", version = \"0.2.0\" }\n\
            dotted.path = \"..\"\ndotted.version = \"0.2\"\n\n\
            [target.'cfg(unix)'.dev-dependencies.\"renamed\"]\n\
            package = \"google-people-v1\"\nversion = \"^0.2.0\"\npath = \"..\"\n\n\
            [dependencies.unrelated]\npath = \"../other\"\nversion = \"0.2.0\"\n";
        let (edited, count) = set_requirements(member, |path| path == "..", "0.3.0").unwrap();
        assert_eq!(count, 3);
        assert_eq!(
            edited,
            member
                .replace("\"..\", version = \"0.2.0\"", "\"..\", version = \"0.3.0\"")
                .replace("dotted.version = \"0.2\"", "dotted.version = \"0.3.0\"")
                .replace("\"^0.2.0\"", "\"^0.3.0\"")
        );
        assert_eq!(set_requirements("[dependencies]\nx = ", |_| true, "1.0.0"), None);
    }
}
