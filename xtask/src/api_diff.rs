//! The API diff as maintainers meet it: between two files, and after a
//! regeneration whose input changed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use gapi_generator::Lock;
use gapi_generator::load::{load, model::Document};
use xtask::diff::{ApiDiff, diff};

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
    let relative = relative.to_string_lossy().replace('\\', "/");
    let committed = git_show(root, "HEAD", &relative).ok().flatten()?;
    let document = load(&committed).ok()?;
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

/// A file's text at a commit, or `None` where the commit does not have it.
pub fn git_show(root: &Path, commit: &str, path: &str) -> Result<Option<String>> {
    let verified = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet", &format!("{commit}^{{commit}}")])
        .output()
        .context("cannot run git")?;
    if !verified.status.success() {
        bail!("`{commit}` is not a commit of this repository");
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{commit}:{path}")])
        .output()
        .context("cannot run git")?;
    Ok(output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
}
