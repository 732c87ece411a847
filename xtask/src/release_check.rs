//! `cargo xtask release-check`: what changed in the People crate's public API
//! since a base commit, and whether `Cargo.toml`'s version says so.
//!
//! The Rust API changes come from the committed surface files
//! (`generated/api.surface.txt` at the base and now), so a change the
//! generator makes is named as surely as one the document makes. When the
//! pinned document changed too, its own changes are listed beside them (the
//! base's crate resolved from the base's lock, as the regeneration was). The
//! check fails when the changes are breaking and the version was not bumped.

use std::path::Path;

use anyhow::{Context, Result};
use gapi_generator::Lock;
use gapi_generator::load::load;
use gapi_generator::surface;
use xtask::diff::{ApiDiff, Semver, compare_surfaces, diff, to_markdown};

use crate::api_diff::git_show;
use crate::manifest::package_version;
use crate::paths;
use crate::version::Version;

/// What was found; `Ok(false)` means the version is not bumped enough.
pub fn run(root: &Path, base: &str, report: Option<&Path>) -> Result<bool> {
    let Some(old_text) = git_show(root, base, paths::PINNED_DISCOVERY)? else {
        println!("{base} has no {}: nothing to compare", paths::PINNED_DISCOVERY);
        return Ok(true);
    };
    let new_text = std::fs::read_to_string(root.join(paths::PINNED_DISCOVERY))
        .with_context(|| format!("cannot read {}", paths::PINNED_DISCOVERY))?;
    let surface_path = format!("{}/{}", paths::GENERATED_DIR, gapi_generator::SURFACE_FILE);
    let old_surface = git_show(root, base, &surface_path)?
        .map(|text| surface::parse(&text, &format!("{base}:{surface_path}")))
        .transpose()?;
    let new_surface = {
        let text = std::fs::read_to_string(root.join(&surface_path))
            .with_context(|| format!("cannot read {surface_path}"))?;
        surface::parse(&text, &surface_path)?
    };
    let old = load(&old_text).with_context(|| format!("{base}:{}", paths::PINNED_DISCOVERY))?;
    let new = load(&new_text).with_context(|| paths::PINNED_DISCOVERY.to_owned())?;
    let mut diff = if old_text == new_text {
        ApiDiff {
            api: new.id.clone().unwrap_or_default(),
            old_revision: old.revision.clone().unwrap_or_default(),
            new_revision: new.revision.clone().unwrap_or_default(),
            changes: Vec::new(),
            document: Vec::new(),
        }
    } else {
        let lock_path = format!("{}/{}", paths::GENERATED_DIR, gapi_generator::LOCK_FILE);
        let lock = match git_show(root, base, &lock_path)? {
            Some(text) => Lock::parse(&text, &format!("{base}:{lock_path}"))?,
            None => Lock::default(),
        };
        diff(&old, &new, &lock)?
    };
    if let Some(old_surface) = &old_surface {
        diff.changes = compare_surfaces(old_surface, &new_surface);
    }
    if diff.changes.is_empty() && diff.document.is_empty() {
        println!("the public API and {} are unchanged since {base}", paths::PINNED_DISCOVERY);
        return Ok(true);
    }
    let markdown = to_markdown(&diff);
    print!("{markdown}");
    if let Some(report) = report {
        std::fs::write(report, &markdown)
            .with_context(|| format!("cannot write {}", report.display()))?;
    }
    let old_version = git_show(root, base, "Cargo.toml")?
        .as_deref()
        .and_then(package_version)
        .context("cannot read the crate's version at the base commit")?;
    let manifest =
        std::fs::read_to_string(root.join("Cargo.toml")).context("cannot read Cargo.toml")?;
    let new_version = package_version(&manifest).context("cannot read the crate's version")?;
    match check_bump(&old_version, &new_version, diff.semver()) {
        Ok(verdict) => {
            println!("\nversion {old_version} -> {new_version}: {verdict}");
            Ok(true)
        }
        Err(problem) => {
            eprintln!("\nversion {old_version} -> {new_version}: {problem}");
            Ok(false)
        }
    }
}

/// Whether going from `old` to `new` is the release `needed` asks for: a
/// breaking change needs a version Cargo treats as incompatible (a new major
/// one; below 1.0, a new minor one). The refusal names the command that bumps.
pub fn check_bump(old: &str, new: &str, needed: Semver) -> Result<String, String> {
    let (old, new) = (Version::parse(old)?, Version::parse(new)?);
    match needed {
        Semver::Major if !new.breaks_from(old) => {
            let wanted = old.next_breaking();
            Err(format!(
                "the API diff says breaking, which needs version {wanted} or later: \
                 run `cargo xtask bump {wanted}` (it also updates the crates that depend on \
                 google-people-v1 and Cargo.lock)"
            ))
        }
        Semver::Major => Ok("a breaking release, as the API diff asks".to_owned()),
        Semver::Minor if new <= old => {
            Ok("compatible changes; a new minor (or, below 1.0, patch) release is suggested".into())
        }
        Semver::Minor | Semver::None => Ok("the version suits the API diff".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn a_breaking_diff_needs_a_major_release_or_a_minor_one_below_1_0() {
        assert!(check_bump("0.1.0", "0.1.1", Semver::Major).is_err());
        assert!(check_bump("0.1.0", "0.1.0", Semver::Major).unwrap_err().contains("0.2.0"));
        assert!(check_bump("0.1.0", "0.2.0", Semver::Major).is_ok());
        assert!(check_bump("1.4.2", "1.5.0", Semver::Major).unwrap_err().contains("2.0.0"));
        assert!(check_bump("1.4.2", "2.0.0", Semver::Major).is_ok());
        assert!(check_bump("1.4.2", "1.4.2", Semver::Minor).is_ok(), "only breaking fails");
        assert!(check_bump("one", "1.0.0", Semver::Major).is_err());
        let refusal = check_bump("0.2.0", "0.2.1", Semver::Major).unwrap_err();
        assert!(refusal.contains("run `cargo xtask bump 0.3.0`"), "{refusal}");
    }

    /// What `cargo xtask regen` leaves beside the sources: the lock and the
    /// surface generated from the pinned document, from the lock on disk.
    fn regen(root: &Path) {
        let generated = root.join(paths::GENERATED_DIR);
        let lock = gapi_generator::write::read_lock(&generated).unwrap();
        let text = std::fs::read_to_string(root.join(paths::PINNED_DISCOVERY)).unwrap();
        let output = gapi_generator::generate(&text, &lock).unwrap();
        gapi_generator::write::write_files(&generated, &output.records()).unwrap();
    }

    /// A repository with the pinned document, a manifest and what regen
    /// writes: one commit as it is, one after `edit`; returns its root.
    fn repository(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> std::path::PathBuf {
        let root =
            std::env::temp_dir().join(format!("gapi-release-check-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("discovery")).unwrap();
        let git = |args: &[&str]| {
            let status = Command::new("git").arg("-C").arg(&root).args(args).output().unwrap();
            assert!(
                status.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&status.stderr)
            );
        };
        // A fixed revision, so that what Google changes later cannot fail these tests.
        let fixed = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/discovery/history/people/people.v1.20240313.json"
        );
        let pinned = &std::fs::read_to_string(fixed).unwrap();
        std::fs::write(root.join(paths::PINNED_DISCOVERY), pinned).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"p\"\nversion = \"0.1.0\"\n")
            .unwrap();
        git(&["init", "-q"]);
        git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qam",
            "base",
            "--allow-empty",
        ]);
        regen(&root);
        git(&["add", "."]);
        git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "pinned"]);
        let mut document: serde_json::Value = serde_json::from_str(pinned).unwrap();
        edit(&mut document);
        std::fs::write(root.join(paths::PINNED_DISCOVERY), document.to_string()).unwrap();
        regen(&root);
        git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "new revision"]);
        root
    }

    #[test]
    fn a_breaking_document_change_without_a_version_bump_fails_and_with_one_passes() {
        let root = repository("breaking", |doc| {
            let methods = &mut doc["resources"]["people"]["methods"];
            methods["get"]["parameters"].as_object_mut().unwrap().remove("sources");
        });
        let report = root.join("report.md");
        assert!(!run(&root, "HEAD~1", Some(&report)).unwrap(), "not bumped: fails");
        let markdown = std::fs::read_to_string(&report).unwrap();
        assert!(
            markdown.contains("- `api::PeopleGetCall::sources()`: setter removed"),
            "{markdown}"
        );
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"p\"\nversion = \"0.2.0\"\n")
            .unwrap();
        assert!(run(&root, "HEAD~1", None).unwrap(), "bumped to 0.2.0: passes");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_generator_change_that_removes_an_item_fails_without_a_bump_though_the_document_is_the_same()
     {
        let root = repository("generator", |_| {});
        // What a generator that dropped a setter would commit.
        let surface = root.join(paths::GENERATED_DIR).join(gapi_generator::SURFACE_FILE);
        let text = std::fs::read_to_string(&surface).unwrap();
        let kept: String = text
            .lines()
            .filter(|line| !line.starts_with("api::PeopleGetCall::sources()\t"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(kept.len() < text.len(), "the surface lists the setter");
        std::fs::write(&surface, kept).unwrap();
        let report = root.join("report.md");
        assert!(!run(&root, "HEAD", Some(&report)).unwrap(), "not bumped: fails");
        let markdown = std::fs::read_to_string(&report).unwrap();
        assert!(
            markdown.contains("- `api::PeopleGetCall::sources()`: setter removed"),
            "{markdown}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_description_reworded_out_of_one_method_names_that_methods_behaviour_change() {
        let sentence = " Mutate requests for the same user should be sent sequentially to avoid \
                        increased latency and failures.";
        let root = repository("behaviour", |doc| {
            let update = &mut doc["resources"]["people"]["methods"]["updateContact"];
            let description = update["description"].as_str().unwrap().replace(sentence, "");
            update["description"] = description.into();
        });
        let report = root.join("report.md");
        assert!(run(&root, "HEAD~1", Some(&report)).unwrap(), "no Rust item changes");
        let markdown = std::fs::read_to_string(&report).unwrap();
        assert!(markdown.contains("### Behaviour read from the document"), "{markdown}");
        assert!(
            markdown.contains(
                "- `people.people.updateContact: sequential`: `sent one at a time, as its \
                 description asks` -> `sent one at a time, by the API-wide rule`"
            ),
            "{markdown}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_additive_document_change_passes_without_a_bump() {
        let root = repository("additive", |doc| {
            let sources = &mut doc["resources"]["people"]["methods"]["createContact"]["parameters"]
                ["sources"];
            sources["enum"].as_array_mut().unwrap().push("READ_SOURCE_TYPE_NEW".into());
        });
        assert!(run(&root, "HEAD~1", None).unwrap());
        assert!(run(&root, "HEAD", None).unwrap(), "unchanged since HEAD");
        assert!(
            run(&root, "no-such-commit", None).is_err(),
            "a base that is not a commit is an error"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
