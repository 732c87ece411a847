//! `cargo xtask bump` in a repository shaped like this one (the root is the
//! People crate, a member and a separate `bench/` workspace depend on it by
//! path, with a version): after a breaking document change, the bump that
//! release-check names leaves every manifest and lock consistent, so Cargo
//! resolves both workspaces again, and release-check and check pass.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PEOPLE: &str = include_str!("../../../discovery/people.v1.json");

const ROOT_MANIFEST: &str = r#"# The root is the People crate, as in the real workspace.
[workspace]
members = ["generated-cli", "tools"]
exclude = ["bench"]
resolver = "3"

[package]
name = "google-people-v1"
version = "0.2.0" # what `cargo xtask bump` sets
edition = "2024"

[lib]
path = "generated/lib.rs"
"#;

const CLI_MANIFEST: &str = r#"[package]
name = "google-people-v1-cli"
version = "0.1.0"
edition = "2024"

[[bin]]
name = "people"
path = "src/main.rs"

[dependencies]
google-people-v1 = { path = "..", version = "0.2.0" } # published with the crate
"#;

const TOOLS_MANIFEST: &str = r#"[package]
name = "tools"
version = "0.0.0"
edition = "2024"

# Renamed, pinned and written as a table.
[dependencies.people]
package = "google-people-v1"
version = "=0.2.0"
path = ".."
"#;

const BENCH_MANIFEST: &str = r#"[workspace]
members = ["runner"]
resolver = "3"

[workspace.dependencies]
google-people-v1 = { path = "..", version = "0.2.0" }
"#;

const RUNNER_MANIFEST: &str = r#"[package]
name = "runner"
version = "0.0.0"
edition = "2024"

[dependencies]
google-people-v1.workspace = true
"#;

/// A fresh folder for one test.
fn folder(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-bump-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(root: &Path, path: &str, contents: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("folder");
    std::fs::write(&path, contents).expect("file written");
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).expect("file read")
}

/// The manifests (and sources Cargo looks for) of the copy's workspaces.
fn manifests(root: &Path) {
    write(root, "Cargo.toml", ROOT_MANIFEST);
    write(root, "generated/lib.rs", "");
    write(root, "generated-cli/Cargo.toml", CLI_MANIFEST);
    write(root, "generated-cli/src/main.rs", "fn main() {}\n");
    write(root, "tools/Cargo.toml", TOOLS_MANIFEST);
    write(root, "tools/src/lib.rs", "");
    write(root, "bench/Cargo.toml", BENCH_MANIFEST);
    write(root, "bench/runner/Cargo.toml", RUNNER_MANIFEST);
    write(root, "bench/runner/src/main.rs", "fn main() {}\n");
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("xtask runs")
}

fn cargo(workspace: &Path, args: &[&str]) -> Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .output()
        .expect("cargo runs")
}

/// `cargo metadata`, which resolves every requirement, as the build would;
/// `--locked` also fails when `Cargo.lock` is not what Cargo would write.
fn resolves(workspace: &Path) -> Output {
    cargo(workspace, &["metadata", "--offline", "--locked", "--format-version", "1"])
}

fn git(root: &Path, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", text(&output.stderr));
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeds(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// The command in the first backquotes after `run ` in `message`.
fn command_named_in(message: &str) -> Vec<String> {
    let start = message.find("run `").expect("the message names a command") + "run `".len();
    let end = start + message[start..].find('`').expect("the command is closed");
    message[start..end].split_whitespace().map(str::to_owned).collect()
}

#[test]
fn a_removed_field_then_the_bump_release_check_names_leaves_both_workspaces_resolving() {
    let root = folder("breaking");
    manifests(&root);
    write(&root, "discovery/people.v1.json", PEOPLE);
    succeeds(&xtask(&root, &["regen"]), "regen");
    succeeds(&cargo(&root, &["generate-lockfile", "--offline"]), "the lock");
    succeeds(&cargo(&root.join("bench"), &["generate-lockfile", "--offline"]), "bench's lock");
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "0.2.0"]);

    // Any field removed is breaking: the first one of the first schema with two.
    let mut document: serde_json::Value = serde_json::from_str(PEOPLE).expect("JSON");
    let fields = document["schemas"]
        .as_object_mut()
        .and_then(|schemas| {
            schemas.values_mut().find_map(|schema| {
                schema["properties"].as_object_mut().filter(|fields| fields.len() >= 2)
            })
        })
        .expect("a schema with two fields");
    let first = fields.keys().next().cloned().expect("a field");
    fields.remove(&first);
    write(&root, "discovery/people.v1.json", &document.to_string());
    succeeds(&xtask(&root, &["regen"]), "regen");
    git(&root, &["commit", "-qam", "a field removed"]);

    // The issue: the version alone changed breaks every cargo command.
    let by_hand = ROOT_MANIFEST.replace("\"0.2.0\"", "\"0.3.0\"");
    write(&root, "Cargo.toml", &by_hand);
    let refused = resolves(&root);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("failed to select a version"),
        "{}",
        text(&refused.stderr)
    );
    write(&root, "Cargo.toml", ROOT_MANIFEST);

    let check = xtask(&root, &["release-check"]);
    let message = text(&check.stderr);
    assert!(!check.status.success(), "a breaking change without a bump fails");
    assert!(message.contains("run `cargo xtask bump 0.3.0`"), "{message}");
    let command = command_named_in(&message);
    assert_eq!(command[..2], ["cargo", "xtask"]);
    let arguments: Vec<&str> = command[2..].iter().map(String::as_str).collect();
    succeeds(&xtask(&root, &arguments), "the bump release-check names");

    // Only the versions changed; comments and layout are kept.
    assert_eq!(read(&root, "Cargo.toml"), by_hand);
    let bumped = |original: &str, from: &str, to: &str| original.replace(from, to);
    assert_eq!(
        read(&root, "generated-cli/Cargo.toml"),
        bumped(CLI_MANIFEST, "version = \"0.2.0\" }", "version = \"0.3.0\" }")
    );
    assert_eq!(read(&root, "tools/Cargo.toml"), bumped(TOOLS_MANIFEST, "=0.2.0", "=0.3.0"));
    assert_eq!(read(&root, "bench/Cargo.toml"), bumped(BENCH_MANIFEST, "0.2.0", "0.3.0"));
    assert_eq!(read(&root, "bench/runner/Cargo.toml"), RUNNER_MANIFEST);
    for workspace in [root.clone(), root.join("bench")] {
        succeeds(&resolves(&workspace), &format!("cargo metadata in {}", workspace.display()));
        let lock = std::fs::read_to_string(workspace.join("Cargo.lock")).expect("a lock");
        assert!(lock.contains("name = \"google-people-v1\"\nversion = \"0.3.0\""), "{lock}");
    }

    let check = xtask(&root, &["release-check"]);
    succeeds(&check, "release-check after the bump");
    assert!(text(&check.stdout).contains("version 0.2.0 -> 0.3.0: a breaking release"));
    succeeds(&xtask(&root, &["check"]), "check");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn each_kind_of_bump_moves_the_version_and_every_requirement_with_it() {
    let root = folder("kinds");
    manifests(&root);
    for (argument, version) in [
        ("patch", "0.2.1"),
        ("minor", "0.3.0"),
        ("breaking", "0.4.0"),
        ("major", "1.0.0"),
        ("breaking", "2.0.0"),
        ("2.0.0", "2.0.0"),
        ("2.1.0-rc.1", "2.1.0-rc.1"),
    ] {
        succeeds(&xtask(&root, &["bump", argument]), &format!("bump {argument}"));
        let expect = |original: &str| original.replace("0.2.0", version);
        assert_eq!(read(&root, "Cargo.toml"), expect(ROOT_MANIFEST), "bump {argument}");
        assert_eq!(read(&root, "generated-cli/Cargo.toml"), expect(CLI_MANIFEST));
        assert_eq!(read(&root, "tools/Cargo.toml"), expect(TOOLS_MANIFEST));
        assert_eq!(read(&root, "bench/Cargo.toml"), expect(BENCH_MANIFEST));
    }
    let lower = xtask(&root, &["bump", "1.9.0"]);
    assert!(!lower.status.success());
    assert!(
        text(&lower.stderr).contains("1.9.0 is lower than 2.1.0-rc.1"),
        "{}",
        text(&lower.stderr)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_manifest_without_its_own_version_is_an_error_naming_it() {
    let root = folder("inherited");
    write(
        &root,
        "Cargo.toml",
        "[workspace]\n\n[workspace.package]\nversion = \"0.2.0\"\n\n[package]\nname = \"p\"\nversion.workspace = true\n",
    );
    let output = xtask(&root, &["bump", "minor"]);
    assert!(!output.status.success());
    let message = text(&output.stderr);
    assert!(message.contains("Cargo.toml: [package] has no version"), "{message}");
    let not_a_version = xtask(&root, &["bump", "next"]);
    assert!(!not_a_version.status.success());
    assert!(text(&not_a_version.stderr).contains("nor major, minor, patch or breaking"));
    let _ = std::fs::remove_dir_all(&root);
}
