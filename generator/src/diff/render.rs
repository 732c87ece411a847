//! The diff as Markdown (for a pull request comment) and as JSON (for machines).

use std::fmt::Write;

use super::{ApiDiff, Change};

/// Markdown grouped by impact, with the suggested version bump up front.
pub fn to_markdown(diff: &ApiDiff) -> String {
    let mut out = String::new();
    let breaking: Vec<&Change> = diff.breaking().collect();
    let compatible: Vec<&Change> = diff.compatible().collect();
    let _ = writeln!(
        out,
        "## API diff: `{}` revision {} -> {}\n",
        diff.api, diff.old_revision, diff.new_revision
    );
    let _ = writeln!(
        out,
        "Suggested version bump: **{}** ({} breaking, {} compatible)\n",
        diff.semver().as_str(),
        breaking.len(),
        compatible.len()
    );
    for (title, group) in [("Breaking", &breaking), ("Compatible", &compatible)] {
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for change in group {
            let _ = writeln!(out, "- `{}`: {} ({})", change.subject, change.detail, change.kind);
        }
        out.push('\n');
    }
    if diff.changes.is_empty() {
        out.push_str("No changes.\n");
    }
    out
}

/// The diff as pretty JSON: the revisions, the bump and every change.
pub fn to_json(diff: &ApiDiff) -> String {
    let value = serde_json::json!({
        "api": diff.api,
        "old_revision": diff.old_revision,
        "new_revision": diff.new_revision,
        "semver": diff.semver(),
        "breaking": diff.breaking().collect::<Vec<_>>(),
        "compatible": diff.compatible().collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
