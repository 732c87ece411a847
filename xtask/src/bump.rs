//! `cargo xtask bump`: one step from one version of the People crate to the
//! next that leaves every workspace building. It sets the `[package]`
//! version in the root `Cargo.toml`, every version requirement on the People
//! crate (a dependency whose `path` is the workspace root) in the manifests of
//! this workspace and of `bench/`, and refreshes their `Cargo.lock` files.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};

use crate::manifest;
use crate::version::Version;

/// Workspaces of their own below the root that depend on the People crate
/// by path; each one's manifests and lock follow the bump.
const OTHER_WORKSPACES: &[&str] = &["bench"];

/// The version to bump to, as given on the command line.
#[derive(Clone, Debug)]
pub enum Target {
    Major,
    Minor,
    Patch,
    /// The first version Cargo treats as incompatible: what release-check
    /// asks of a breaking change.
    Breaking,
    /// This version, as written (a pre-release suffix is kept).
    Exactly(String),
}

impl Target {
    pub fn parse(text: &str) -> Result<Target, String> {
        Ok(match text {
            "major" => Target::Major,
            "minor" => Target::Minor,
            "patch" => Target::Patch,
            "breaking" => Target::Breaking,
            _ => {
                Version::parse(text)
                    .map_err(|error| format!("{error}, nor major, minor, patch or breaking"))?;
                Target::Exactly(text.to_owned())
            }
        })
    }

    fn after(&self, current: Version) -> String {
        match self {
            Target::Major => current.next_major().to_string(),
            Target::Minor => current.next_minor().to_string(),
            Target::Patch => current.next_patch().to_string(),
            Target::Breaking => current.next_breaking().to_string(),
            Target::Exactly(version) => version.clone(),
        }
    }
}

pub fn run(root: &Path, target: &Target) -> Result<()> {
    let root_manifest = root.join("Cargo.toml");
    let text = read(&root_manifest)?;
    let current_text = manifest::package_version(&text)
        .ok_or_else(|| anyhow!("{}: [package] has no version", root_manifest.display()))?;
    let current = Version::parse(&current_text)
        .map_err(|error| anyhow!("{}: {error}", root_manifest.display()))?;
    let new_text = target.after(current);
    let new = Version::parse(&new_text).map_err(|error| anyhow!("{error}"))?;
    if new < current {
        bail!(
            "{new_text} is lower than {current_text}, the version in {}",
            root_manifest.display()
        );
    }
    let people = root
        .canonicalize()
        .with_context(|| format!("cannot find the workspace root {}", root.display()))?;
    let bumped = manifest::set_package_version(&text, &new_text)
        .ok_or_else(|| anyhow!("{}: cannot edit [package]'s version", root_manifest.display()))?;
    write_if_changed(&root_manifest, &text, &bumped)?;
    println!("{}: version {current_text} -> {new_text}", shown(root, &root_manifest));

    let workspaces: Vec<PathBuf> = std::iter::once(root.to_path_buf())
        .chain(OTHER_WORKSPACES.iter().map(|dir| root.join(dir)))
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .collect();
    for workspace in &workspaces {
        for path in manifests(workspace)? {
            let text = read(&path)?;
            let dir = path.parent().unwrap_or(root);
            let is_people = |dependency: &str| {
                dir.join(dependency).canonicalize().is_ok_and(|found| found == people)
            };
            let (edited, count) = manifest::set_requirements(&text, is_people, &new_text)
                .ok_or_else(|| {
                    anyhow!("{}: cannot read it as TOML to edit its requirements", path.display())
                })?;
            if write_if_changed(&path, &text, &edited)? {
                println!(
                    "{}: {count} requirement(s) on google-people-v1 -> {new_text}",
                    shown(root, &path)
                );
            }
        }
    }
    for workspace in &workspaces {
        check_requirements(workspace, &people, &new_text)?;
    }
    for workspace in &workspaces {
        refresh_lock(root, workspace)?;
    }
    println!(
        "commit these files with the regenerated crate; `cargo xtask release-check` checks the version"
    );
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes `edited` unless it is `text`; returns whether it wrote.
fn write_if_changed(path: &Path, text: &str, edited: &str) -> Result<bool> {
    if text == edited {
        return Ok(false);
    }
    std::fs::write(path, edited).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(true)
}

/// `path` relative to the root, as a maintainer reads it.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo metadata` of the workspace's own packages (no resolution, so it
/// reads manifests whose requirements are not met yet).
fn metadata(workspace: &Path) -> Result<serde_json::Value> {
    let manifest = workspace.join("Cargo.toml");
    let output = cargo()
        .args(["metadata", "--no-deps", "--offline", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata cannot read {}:\n{}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout)
        .with_context(|| format!("cargo metadata for {} printed no JSON", manifest.display()))
}

/// The workspace's root manifest and its members' manifests.
fn manifests(workspace: &Path) -> Result<Vec<PathBuf>> {
    let metadata = metadata(workspace)?;
    let mut paths = vec![workspace.join("Cargo.toml")];
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let path = package["manifest_path"].as_str().map(PathBuf::from).with_context(|| {
            format!("cargo metadata for {} lists a package without a manifest", workspace.display())
        })?;
        let same_file = |known: &PathBuf| {
            known.canonicalize().ok().zip(path.canonicalize().ok()).is_some_and(|(a, b)| a == b)
        };
        if !paths.iter().any(same_file) {
            paths.push(path);
        }
    }
    Ok(paths)
}

/// Fails naming each package whose requirement on the People crate (as Cargo
/// reads it, inherited ones included) still asks for another version: a form
/// the text edit does not know, to be set by hand.
fn check_requirements(workspace: &Path, people: &Path, version: &str) -> Result<()> {
    let metadata = metadata(workspace)?;
    let mut stale = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        for dependency in package["dependencies"].as_array().into_iter().flatten() {
            let on_people = dependency["path"]
                .as_str()
                .and_then(|path| Path::new(path).canonicalize().ok())
                .is_some_and(|path| path == people);
            let requirement = dependency["req"].as_str().unwrap_or("*");
            let operator = |c: char| matches!(c, '^' | '=' | '~' | '>' | '<' | ' ');
            if on_people
                && requirement != "*"
                && requirement.trim_start_matches(operator) != version
            {
                stale.push(format!(
                    "{} asks for google-people-v1 {requirement}",
                    package["manifest_path"].as_str().unwrap_or("a package")
                ));
            }
        }
    }
    if !stale.is_empty() {
        bail!(
            "these requirements could not be edited; set them to {version} by hand:\n  {}",
            stale.join("\n  ")
        );
    }
    Ok(())
}

/// Brings the workspace's `Cargo.lock` to the new version: offline when the
/// registry index on disk has every locked package, else from the registry
/// (`--workspace` moves no other package either way).
fn refresh_lock(root: &Path, workspace: &Path) -> Result<()> {
    let lock = workspace.join("Cargo.lock");
    if !lock.is_file() {
        return Ok(());
    }
    let update = |offline: bool| -> Result<std::process::Output> {
        let mut command = cargo();
        command.args(["update", "--workspace", "--quiet", "--manifest-path"]);
        command.arg(workspace.join("Cargo.toml"));
        if offline {
            command.arg("--offline");
        }
        command.output().context("cannot run cargo update")
    };
    let mut output = update(true)?;
    if !output.status.success() {
        println!(
            "{}: the registry index on disk lacks a locked package; updating it online",
            shown(root, &lock)
        );
        output = update(false)?;
    }
    if !output.status.success() {
        bail!(
            "cargo update cannot refresh {}:\n{}",
            lock.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    println!("{}: refreshed", shown(root, &lock));
    Ok(())
}
