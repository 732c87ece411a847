//! The diff as Markdown (for a pull request comment) and as JSON (for machines).

use std::fmt::Write;

use super::{ApiDiff, Change};

/// Markdown: the suggested bump up front, then the Rust API's changes
/// (breaking first), each grouped by schema or resource, then what changed
/// in the document, folded away.
pub fn to_markdown(diff: &ApiDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## API diff: `{}` revision {} -> {}\n",
        diff.api, diff.old_revision, diff.new_revision
    );
    let _ = writeln!(
        out,
        "Suggested version bump: **{}** (Rust API: {} breaking, {} compatible; behaviour: {} change(s); document: {} change(s))\n",
        diff.semver().as_str(),
        diff.breaking().count(),
        diff.compatible().count(),
        diff.behaviour().count(),
        diff.document.len(),
    );
    let sections: [(&str, Vec<&Change>); 3] = [
        ("Breaking", diff.breaking().collect()),
        ("Compatible", diff.compatible().collect()),
        ("Behaviour read from the document", diff.behaviour().collect()),
    ];
    for (title, group) in sections {
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        write_grouped(&mut out, &group, false);
    }
    if diff.changes.is_empty() {
        out.push_str("The Rust API does not change.\n\n");
    }
    if !diff.document.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Document changes ({})</summary>\n",
            diff.document.len()
        );
        let changes: Vec<&Change> = diff.document.iter().collect();
        write_grouped(&mut out, &changes, true);
        out.push_str("</details>\n");
    }
    out
}

/// One heading per group, in the order the changes come (sorted by group);
/// `kinds` adds each change's kind (the document's say more than the detail).
fn write_grouped(out: &mut String, changes: &[&Change], kinds: bool) {
    let mut current: Option<&str> = None;
    for change in changes {
        if current != Some(change.group.as_str()) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "**`{}`**\n", change.group);
            current = Some(&change.group);
        }
        let _ = match kinds {
            true => writeln!(out, "- `{}`: {} ({})", change.subject, change.detail, change.kind),
            false => writeln!(out, "- `{}`: {}", change.subject, change.detail),
        };
    }
    out.push('\n');
}

/// The diff as pretty JSON: the revisions, the bump and every change.
pub fn to_json(diff: &ApiDiff) -> String {
    let value = serde_json::json!({
        "api": diff.api,
        "old_revision": diff.old_revision,
        "new_revision": diff.new_revision,
        "semver": diff.semver(),
        "additive_only": diff.additive_only(),
        "breaking": diff.breaking().collect::<Vec<_>>(),
        "compatible": diff.compatible().collect::<Vec<_>>(),
        "behaviour": diff.behaviour().collect::<Vec<_>>(),
        "document": diff.document,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
