//! Where things live in the workspace.

use std::path::{Path, PathBuf};

/// The pinned People discovery document, relative to the workspace root.
pub const PINNED_DISCOVERY: &str = "discovery/people.v1.json";
/// Other Google APIs for generality checks, beside the workspace (`shared/`).
pub const CORPUS_DIR: &str = "../shared/discovery/corpus";
/// The People crate's generated sources, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated";
/// The People command-line client's generated source folder.
pub const GENERATED_CLI_DIR: &str = "generated-cli/src";

/// The workspace root: xtask's manifest sits one level below it.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
