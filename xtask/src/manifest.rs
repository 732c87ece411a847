//! Cargo manifests edited in place with `toml_edit`, so that a version
//! change touches the version strings alone: comments, order and layout are
//! kept. A manifest that is not TOML makes the caller report the file.

use toml_edit::{DocumentMut, Item, TableLike, Value};

/// The `version` of the `[package]` table.
pub fn package_version(manifest: &str) -> Option<String> {
    let document: DocumentMut = manifest.parse().ok()?;
    document.get("package")?.get("version")?.as_str().map(str::to_owned)
}

/// The manifest with its `[package]` version set to `version`; `None` when
/// it cannot be read or its package has no `version = "…"` of its own.
pub fn set_package_version(manifest: &str, version: &str) -> Option<String> {
    let mut document: DocumentMut = manifest.parse().ok()?;
    let current = document.get_mut("package")?.get_mut("version")?.as_value_mut()?;
    current.as_str()?;
    set_string(current, version.to_owned());
    Some(document.to_string())
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
    let mut document: DocumentMut = manifest.parse().ok()?;
    let mut count = 0;
    let mut pending: Vec<&mut dyn TableLike> = vec![document.as_table_mut()];
    while let Some(table) = pending.pop() {
        for (key, item) in table.iter_mut() {
            let Some(inner) = item.as_table_like_mut() else { continue };
            if !key.get().ends_with("dependencies") {
                pending.push(inner);
                continue;
            }
            for (_, dependency) in inner.iter_mut() {
                count += usize::from(set_requirement(dependency, &is_people, version));
            }
        }
    }
    Some((document.to_string(), count))
}

/// Sets one dependency's requirement when its `path` is the People crate's.
fn set_requirement(
    dependency: &mut Item,
    is_people: &impl Fn(&str) -> bool,
    version: &str,
) -> bool {
    let Some(fields) = dependency.as_table_like_mut() else { return false };
    if !fields.get("path").and_then(Item::as_str).is_some_and(is_people) {
        return false;
    }
    let Some(requirement) = fields.get_mut("version").and_then(Item::as_value_mut) else {
        return false;
    };
    let Some(old) = requirement.as_str() else { return false };
    let new = with_operator_of(old, version);
    set_string(requirement, new);
    true
}

/// Replaces a string value, keeping the spaces and comment around it.
fn set_string(value: &mut Value, text: String) {
    let decor = value.decor().clone();
    *value = Value::from(text);
    *value.decor_mut() = decor;
}

/// `version` with the comparison operator `requirement` starts with, if any.
fn with_operator_of(requirement: &str, version: &str) -> String {
    let operator: String = requirement
        .chars()
        .take_while(|c| matches!(c, '^' | '=' | '~' | '>' | '<' | ' '))
        .collect();
    format!("{operator}{version}")
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
