//! The API diff as maintainers meet it: between two files, and after a
//! regeneration whose input changed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use gapi_generator::Lock;
use gapi_generator::diff::{ApiDiff, diff};
use gapi_generator::load::{load, model::Document};

fn load_file(path: &Path) -> Result<Document> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    load(&text).with_context(|| format!("cannot load {}", path.display()))
}

/// The diff between two discovery documents on disk; `lock` is the lock the
/// old document's crate was generated with.
pub fn between_files(old: &Path, new: &Path, lock: &Lock) -> Result<ApiDiff> {
    Ok(diff(&load_file(old)?, &load_file(new)?, lock)?)
}

/// The document the current `generated/` was made from, when it can be found:
/// the committed copy of the input, if its revision is the one the generated
/// header records.
pub fn previous_input(root: &Path, discovery: &Path, out: &Path) -> Option<Document> {
    let header = std::fs::read_to_string(root.join(out).join("lib.rs")).ok()?;
    let recorded_revision =
        header.lines().next()?.split("revision ").nth(1)?.trim_end_matches('.').to_owned();
    let relative: PathBuf = discovery.strip_prefix(root).unwrap_or(discovery).to_path_buf();
    let committed = Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("show")
        .arg(format!("HEAD:{}", relative.to_string_lossy().replace('\\', "/")))
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    let document = load(&String::from_utf8_lossy(&committed.stdout)).ok()?;
    (document.revision.as_deref() == Some(recorded_revision.as_str())).then_some(document)
}

/// A one-paragraph summary when the new input's revision differs from the old one.
pub fn summary_since(old: &Document, new_path: &Path, lock: &Lock) -> Option<String> {
    let new = load_file(new_path).ok()?;
    if old.revision == new.revision {
        return None;
    }
    Some(match diff(old, &new, lock) {
        Ok(diff) => diff.summary(),
        Err(error) => format!("cannot compare with the previous revision: {error}"),
    })
}
