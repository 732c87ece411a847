//! `cargo xtask semver-checks`: the API diff's verdict next to
//! cargo-semver-checks' on the crates generated from both documents, for the
//! two People revisions and for a small pair of documents per change kind.
//!
//! The diff classifies changes from the documents alone, by knowing how the
//! generator builds Rust items; cargo-semver-checks looks at the generated
//! crates' public API. Agreement on every pair is the evidence that the
//! classification is right.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use gapi_generator::diff::{Impact, diff};
use gapi_generator::load::load;
use serde_json::{Value, json};

/// One pair of documents to compare.
struct Pair {
    name: String,
    old: String,
    new: String,
}

/// Runs every pair (or those named in `only`); returns whether the diff
/// called breaking everything cargo-semver-checks did.
///
/// The reverse is allowed: cargo-semver-checks has no lint for a changed type
/// of a field, a parameter, a body or a response (its issues #148 and #149),
/// so where only the diff says breaking, the row says `stricter` rather than
/// failing.
pub fn run(root: &Path, only: &[String]) -> Result<bool> {
    ensure_installed()?;
    let mut pairs = vec![people_pair(root)?];
    pairs.extend(change_kind_pairs());
    pairs.retain(|pair| only.is_empty() || only.contains(&pair.name));
    let work = root.join("target/semver-checks-pairs");
    println!("{:<32} {:<10} {:<8} {:<14}  agreement", "pair", "diff", "bump", "semver-checks");
    let (mut stricter, mut missed) = (0, 0);
    for pair in &pairs {
        let ours = ours(pair)?;
        let theirs = theirs(root, &work, pair)?;
        let agreement = match (ours.0, theirs.breaking()) {
            (true, false) => {
                stricter += 1;
                "stricter"
            }
            (false, true) => {
                missed += 1;
                "MISSED"
            }
            _ => "yes",
        };
        println!(
            "{:<32} {:<10} {:<8} {:<14}  {agreement}",
            pair.name,
            if ours.0 { "breaking" } else { "compatible" },
            ours.1,
            theirs.label(),
        );
    }
    println!(
        "{} pairs: {} agree, {stricter} where only the diff says breaking (changed types, \
         which cargo-semver-checks has no lint for), {missed} breaking changes the diff missed",
        pairs.len(),
        pairs.len() - stricter - missed
    );
    Ok(missed == 0)
}

fn ensure_installed() -> Result<()> {
    let found = Command::new(cargo()).args(["semver-checks", "--version"]).output();
    match found {
        Ok(output) if output.status.success() => Ok(()),
        _ => bail!(
            "cargo-semver-checks is not installed: run `cargo install cargo-semver-checks --locked`"
        ),
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The diff's verdict: whether anything is breaking, and the bump it suggests.
fn ours(pair: &Pair) -> Result<(bool, &'static str)> {
    let old = load(&pair.old).with_context(|| format!("{}: the old document", pair.name))?;
    let new = load(&pair.new).with_context(|| format!("{}: the new document", pair.name))?;
    let api_diff = diff(&old, &new);
    let breaking = api_diff.changes.iter().any(|change| change.impact == Impact::Breaking);
    Ok((breaking, api_diff.semver().as_str()))
}

enum Verdict {
    Passed,
    Failed,
}

impl Verdict {
    fn breaking(&self) -> bool {
        matches!(self, Self::Failed)
    }

    fn label(&self) -> &'static str {
        match self {
            Self::Passed => "minor ok",
            Self::Failed => "needs major",
        }
    }
}

/// Generates both crates as version 1.0.0 (so that a minor release may not
/// break anything) and asks cargo-semver-checks whether NEW is a valid minor
/// release of OLD.
fn theirs(root: &Path, work: &Path, pair: &Pair) -> Result<Verdict> {
    let dir = work.join(&pair.name);
    let mut crates = Vec::new();
    for (side, text) in [("old", &pair.old), ("new", &pair.new)] {
        let document = dir.join(format!("{side}.json"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&document, text)?;
        let out = dir.join(side);
        crate::generate_crate(root, &document, &out)?;
        let manifest = out.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)?;
        std::fs::write(&manifest, text.replacen("version = \"0.1.0\"", "version = \"1.0.0\"", 1))?;
        crates.push(out);
    }
    let output = Command::new(cargo())
        .args(["semver-checks", "check-release", "--release-type", "minor", "--baseline-root"])
        .arg(&crates[0])
        .arg("--manifest-path")
        .arg(crates[1].join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .context("cannot run cargo-semver-checks")?;
    if output.status.success() {
        return Ok(Verdict::Passed);
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if text.contains("requires new major version") {
        return Ok(Verdict::Failed);
    }
    bail!("{}: cargo-semver-checks could not compare the crates:\n{text}", pair.name)
}

fn people_pair(root: &Path) -> Result<Pair> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
    };
    Ok(Pair {
        name: "people 20181111 -> 20240313".to_owned(),
        old: read(root.join("discovery/history/people.v1.20181111.json"))?,
        new: read(root.join("discovery/people.v1.json"))?,
    })
}

/// A small document with one resource and two schemas; each change kind is
/// one edit of it.
fn base() -> Value {
    json!({
        "kind": "discovery#restDescription", "discoveryVersion": "v1",
        "id": "sample:v1", "name": "sample", "version": "v1", "revision": "20240101",
        "title": "Sample API", "rootUrl": "https://sample.googleapis.com/", "servicePath": "",
        "parameters": {"fields": {"type": "string", "location": "query"}},
        "schemas": {
            "Thing": {"id": "Thing", "type": "object", "properties": {
                "name": {"type": "string"},
                "count": {"type": "integer", "format": "int32"},
                "kind": {"type": "string", "enum": ["KIND_UNSPECIFIED", "BIG"]},
                "tags": {"type": "array", "items": {"type": "string"}}
            }},
            "Extra": {"id": "Extra", "type": "object", "properties": {"note": {"type": "string"}}}
        },
        "resources": {"things": {"methods": {
            "get": {"id": "sample.things.get", "httpMethod": "GET", "path": "v1/{+name}",
                "parameterOrder": ["name"],
                "parameters": {
                    "name": {"type": "string", "location": "path", "required": true},
                    "view": {"type": "string", "location": "query"},
                    "readMask": {"type": "string", "format": "google-fieldmask", "location": "query",
                        "description": "Which fields to read. Valid values are: * name * count"}
                },
                "response": {"$ref": "Thing"}},
            "create": {"id": "sample.things.create", "httpMethod": "POST", "path": "v1/things",
                "request": {"$ref": "Thing"}, "response": {"$ref": "Thing"}},
            "list": {"id": "sample.things.list", "httpMethod": "GET", "path": "v1/things",
                "response": {"$ref": "Extra"}}
        }}}
    })
}

/// One pair per change kind the diff knows, each the base and an edit of it.
fn change_kind_pairs() -> Vec<Pair> {
    type Edit = fn(&mut Value);
    let edits: [(&str, Edit); 18] = [
        ("method-added", |doc| {
            doc["resources"]["things"]["methods"]["delete"] = json!({"id": "sample.things.delete",
                "httpMethod": "DELETE", "path": "v1/{+name}", "parameterOrder": ["name"],
                "parameters": {"name": {"type": "string", "location": "path", "required": true}}});
        }),
        ("method-removed", |doc| remove(&mut doc["resources"]["things"]["methods"], "list")),
        ("parameter-added", |doc| {
            doc["resources"]["things"]["methods"]["get"]["parameters"]["pageSize"] =
                json!({"type": "integer", "format": "int32", "location": "query"});
        }),
        ("parameter-added-required", |doc| {
            doc["resources"]["things"]["methods"]["get"]["parameters"]["must"] =
                json!({"type": "string", "location": "query", "required": true});
        }),
        ("parameter-removed", |doc| {
            remove(&mut doc["resources"]["things"]["methods"]["get"]["parameters"], "view");
        }),
        ("parameter-became-required", |doc| {
            doc["resources"]["things"]["methods"]["get"]["parameters"]["view"]["required"] =
                json!(true);
        }),
        ("parameter-type-changed", |doc| {
            doc["resources"]["things"]["methods"]["get"]["parameters"]["view"] =
                json!({"type": "integer", "format": "int32", "location": "query"});
        }),
        ("parameter-became-repeated", |doc| {
            doc["resources"]["things"]["methods"]["get"]["parameters"]["view"]["repeated"] =
                json!(true);
        }),
        ("property-added", |doc| {
            doc["schemas"]["Thing"]["properties"]["color"] = json!({"type": "string"});
        }),
        ("property-removed", |doc| remove(&mut doc["schemas"]["Thing"]["properties"], "count")),
        ("property-type-changed", |doc| {
            doc["schemas"]["Thing"]["properties"]["count"] = json!({"type": "string"});
        }),
        ("enum-value-added", |doc| {
            doc["schemas"]["Thing"]["properties"]["kind"]["enum"] =
                json!(["KIND_UNSPECIFIED", "BIG", "SMALL"]);
        }),
        ("enum-value-removed", |doc| {
            doc["schemas"]["Thing"]["properties"]["kind"]["enum"] = json!(["KIND_UNSPECIFIED"]);
        }),
        ("field-path-added", |doc| {
            doc["resources"]["things"]["methods"]["get"]["parameters"]["readMask"]["description"] =
                json!("Which fields to read. Valid values are: * name * count * tags");
        }),
        ("field-path-removed", |doc| {
            doc["resources"]["things"]["methods"]["get"]["parameters"]["readMask"]["description"] =
                json!("Which fields to read. Valid values are: * name");
        }),
        ("schema-added", |doc| {
            doc["schemas"]["Other"] = json!({"id": "Other", "type": "object",
                "properties": {"id": {"type": "string"}}});
        }),
        ("request-body-changed", |doc| {
            doc["resources"]["things"]["methods"]["create"]["request"] = json!({"$ref": "Extra"});
        }),
        ("response-changed", |doc| {
            doc["resources"]["things"]["methods"]["get"]["response"] = json!({"$ref": "Extra"});
        }),
    ];
    let old = base().to_string();
    edits
        .into_iter()
        .map(|(name, edit)| {
            let mut new = base();
            edit(&mut new);
            Pair { name: name.to_owned(), old: old.clone(), new: new.to_string() }
        })
        .collect()
}

fn remove(object: &mut Value, key: &str) {
    if let Some(map) = object.as_object_mut() {
        map.remove(key);
    }
}
