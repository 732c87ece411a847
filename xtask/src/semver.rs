//! `cargo xtask semver-checks`: the API diff's verdict next to
//! cargo-semver-checks' on the crates generated from both documents, for the
//! two People revisions and a small pair of documents per change kind, or for
//! every consecutive pair of a folder of revisions (`--history`).
//!
//! The diff classifies changes by comparing the public surface of the two
//! resolved crates; cargo-semver-checks looks at the compiled crates' public
//! API. Agreement on every pair is the evidence that the classification is
//! right. A history is replayed as maintainers live it: each revision's
//! crate is generated from the lock of the one before, so that the names a
//! crate once had are the names it keeps.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use gapi_generator::Lock;
use gapi_generator::load::load;
use gapi_generator::resolve::resolve;
use serde_json::{Value, json};
use xtask::diff::{ApiDiff, diff};

/// One pair of documents to compare.
struct Pair {
    name: String,
    old: String,
    new: String,
    /// The lock the old document's crate is generated with.
    old_lock: Lock,
}

/// What to run: the built-in pairs (or those named in `only`), or a history.
pub struct Options<'a> {
    pub only: &'a [String],
    pub history: Option<&'a Path>,
    /// The IR diff alone, without cargo-semver-checks.
    pub ir_only: bool,
}

/// Runs the pairs; returns whether the diff called breaking everything
/// cargo-semver-checks did and no additive-only pair broke the crate.
///
/// Where only the diff says breaking, the row says `stricter` rather than
/// failing: cargo-semver-checks has no lint for a changed type of a field, a
/// parameter, a body or a response (its issues #148 and #149).
pub fn run(root: &Path, options: &Options) -> Result<bool> {
    if !options.ir_only {
        ensure_installed()?;
    }
    let mut pairs = match options.history {
        Some(dir) => history_pairs(dir)?,
        None => {
            let mut pairs = vec![people_pair(root)?];
            pairs.extend(change_kind_pairs());
            pairs
        }
    };
    pairs.retain(|pair| options.only.is_empty() || options.only.contains(&pair.name));
    let work = root.join("target/semver-checks-pairs");
    println!(
        "{:<32} {:<10} {:<6} {:<9} {:<14}  agreement",
        "pair", "diff", "bump", "additive", "semver-checks"
    );
    let (mut stricter, mut missed, mut additive, mut additive_broke) = (0, 0, 0, 0);
    for pair in &pairs {
        let ours = ours(pair)?;
        let theirs = if options.ir_only { None } else { Some(theirs(root, &work, pair)?) };
        let ours_breaking = ours.breaking().next().is_some();
        let theirs_breaking = theirs.as_ref().is_some_and(Verdict::breaking);
        let agreement = match (ours_breaking, &theirs) {
            (_, None) => "-",
            (true, Some(_)) if !theirs_breaking => {
                stricter += 1;
                "stricter"
            }
            (false, Some(_)) if theirs_breaking => {
                missed += 1;
                "MISSED"
            }
            _ => "yes",
        };
        if ours.additive_only() {
            additive += 1;
            if ours_breaking || theirs_breaking {
                additive_broke += 1;
                for change in ours.breaking() {
                    println!("  additive-only, yet: {} {}", change.subject, change.detail);
                }
            }
        }
        println!(
            "{:<32} {:<10} {:<6} {:<9} {:<14}  {agreement}",
            pair.name,
            if ours_breaking { "breaking" } else { "compatible" },
            ours.semver().as_str(),
            if ours.additive_only() { "yes" } else { "no" },
            theirs.as_ref().map_or("-", Verdict::label),
        );
    }
    if options.ir_only {
        println!(
            "{} pairs (IR diff only): {additive} only add to the document, {additive_broke} of \
             those break the crate",
            pairs.len()
        );
    } else {
        println!(
            "{} pairs: {} agree, {stricter} where only the diff says breaking (changed types, \
             which cargo-semver-checks has no lint for), {missed} breaking changes the diff \
             missed; {additive} only add to the document, {additive_broke} of those break the crate",
            pairs.len(),
            pairs.len() - stricter - missed
        );
    }
    Ok(missed == 0 && additive_broke == 0)
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

/// Every consecutive pair of the documents in `dir`, in file-name order (the
/// revision dates sort), each old side carrying the lock the replay reached.
fn history_pairs(dir: &Path) -> Result<Vec<Pair>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut pairs = Vec::new();
    let mut previous: Option<(String, String, Lock)> = None;
    let mut lock = Lock::default();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let document = load(&text).with_context(|| format!("cannot load {}", file.display()))?;
        let revision = document.revision.clone().unwrap_or_else(|| "unknown".to_owned());
        let api = resolve(&document, &lock)
            .with_context(|| format!("cannot resolve {}", file.display()))?;
        if let Some((old_revision, old_text, old_lock)) = previous.take() {
            pairs.push(Pair {
                name: format!("{old_revision} -> {revision}"),
                old: old_text,
                new: text.clone(),
                old_lock,
            });
        }
        previous = Some((revision, text, lock));
        lock = api.decisions;
    }
    Ok(pairs)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The diff's verdict, the old crate resolved from the pair's lock.
fn ours(pair: &Pair) -> Result<ApiDiff> {
    let old = load(&pair.old).with_context(|| format!("{}: the old document", pair.name))?;
    let new = load(&pair.new).with_context(|| format!("{}: the new document", pair.name))?;
    diff(&old, &new, &pair.old_lock).with_context(|| pair.name.clone())
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
    let dir = work.join(pair.name.replace(' ', ""));
    let mut crates = Vec::new();
    let mut lock = pair.old_lock.clone();
    for (side, text) in [("old", &pair.old), ("new", &pair.new)] {
        let document = dir.join(format!("{side}.json"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&document, text)?;
        let out = dir.join(side);
        let files = crate::generate_crate(root, &document, &out, &lock)?;
        // The new side keeps the names the old side's generation decided.
        if let Some(file) = files.iter().find(|file| file.path == gapi_generator::LOCK_FILE) {
            lock = Lock::parse(&file.contents, &file.path)?;
        }
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
        old_lock: Lock::default(),
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
            Pair {
                name: name.to_owned(),
                old: old.clone(),
                new: new.to_string(),
                old_lock: Lock::default(),
            }
        })
        .collect()
}

fn remove(object: &mut Value, key: &str) {
    if let Some(map) = object.as_object_mut() {
        map.remove(key);
    }
}
