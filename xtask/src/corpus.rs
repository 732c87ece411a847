//! `cargo xtask corpus`: generate a crate for every discovery document in a
//! folder and check that each compiles without warnings.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

/// How far each generated crate is checked.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Depth {
    /// `cargo clippy -- -D warnings`.
    Clippy,
    /// clippy, then `cargo doc` with warnings denied.
    Doc,
    /// clippy, then a debug `cargo build`, timed again after touching the
    /// crate so that the time is the generated crate's alone (incremental
    /// compilation off, as for a dependency).
    Build,
}

struct Outcome {
    name: String,
    generate_ms: u128,
    lines: usize,
    check_s: f64,
    /// The debug build of the crate alone, its dependencies prebuilt.
    build_s: Option<f64>,
    error: Option<String>,
}

/// Generates and checks every `*.json` in `dir`; returns whether all passed.
pub fn run(root: &Path, dir: &Path, only: &[String], depth: Depth) -> Result<bool> {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter(|path| only.is_empty() || only.iter().any(|name| stem(path) == *name))
        .collect();
    documents.sort();
    let work = root.join("target/corpus");
    let shared_target = work.join("target");
    let lockfile = std::fs::read(root.join("Cargo.lock")).ok();
    let build_column = if matches!(depth, Depth::Build) { "    build" } else { "" };
    println!("{:<22} {:>9} {:>8} {:>9}{build_column}  result", "api", "generate", "lines", "check");
    let mut outcomes = Vec::new();
    for document in &documents {
        let outcome = check_one(root, document, &work, &shared_target, lockfile.as_deref(), depth);
        let build = outcome.build_s.map_or(String::new(), |seconds| format!(" {seconds:>7.1}s"));
        println!(
            "{:<22} {:>7}ms {:>8} {:>8.1}s{build}  {}",
            outcome.name,
            outcome.generate_ms,
            outcome.lines,
            outcome.check_s,
            outcome
                .error
                .as_deref()
                .map_or("ok".to_owned(), |error| format!("FAILED: {}", first_line(error)))
        );
        outcomes.push(outcome);
    }
    for outcome in outcomes.iter().filter(|outcome| outcome.error.is_some()) {
        eprintln!("\n--- {} ---\n{}", outcome.name, outcome.error.as_deref().unwrap_or_default());
    }
    let failed = outcomes.iter().filter(|outcome| outcome.error.is_some()).count();
    println!("{} passed, {} failed", outcomes.len() - failed, failed);
    Ok(failed == 0)
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default()
}

fn first_line(text: &str) -> &str {
    text.lines()
        .find(|line| line.starts_with("error"))
        .or_else(|| text.lines().next())
        .unwrap_or_default()
}

fn check_one(
    root: &Path,
    document: &Path,
    work: &Path,
    target: &Path,
    lockfile: Option<&[u8]>,
    depth: Depth,
) -> Outcome {
    let name = stem(document);
    let mut outcome = Outcome {
        name: name.clone(),
        generate_ms: 0,
        lines: 0,
        check_s: 0.0,
        build_s: None,
        error: None,
    };
    let out = work.join(&name);
    let started = Instant::now();
    // A first generation: names from the rules alone, not from an earlier run's lock.
    let generated = crate::generate_crate(root, document, &out, &gapi_generator::Lock::default());
    outcome.generate_ms = started.elapsed().as_millis();
    let sources = match generated {
        Ok(sources) => sources,
        Err(error) => {
            outcome.error = Some(format!("{error:#}"));
            return outcome;
        }
    };
    outcome.lines = sources.iter().map(|source| source.contents.lines().count()).sum();
    if let Some(lockfile) = lockfile {
        let _ = std::fs::write(out.join("Cargo.lock"), lockfile);
    }
    let started = Instant::now();
    let mut steps = vec![vec!["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"]];
    if matches!(depth, Depth::Doc) {
        steps.push(vec!["doc", "--quiet", "--no-deps"]);
    }
    for args in steps {
        if let Err(error) = cargo(&out, target, &args) {
            outcome.error = Some(error);
            break;
        }
    }
    outcome.check_s = started.elapsed().as_secs_f64();
    if matches!(depth, Depth::Build) && outcome.error.is_none() {
        outcome.build_s = match time_crate_build(&out, target) {
            Ok(seconds) => Some(seconds),
            Err(error) => {
                outcome.error = Some(error);
                None
            }
        };
    }
    outcome
}

/// Builds once (dependencies included), then touches the crate and times a
/// second build: the generated crate's own compile time. Incremental
/// compilation is off, as it is for a dependency, so the second build
/// compiles the whole crate again instead of reusing the first.
fn time_crate_build(out: &Path, target: &Path) -> Result<f64, String> {
    cargo(out, target, &["build", "--quiet"])?;
    let lib = out.join("src/lib.rs");
    let contents =
        std::fs::read(&lib).map_err(|error| format!("cannot read {}: {error}", lib.display()))?;
    std::fs::write(&lib, contents)
        .map_err(|error| format!("cannot touch {}: {error}", lib.display()))?;
    let started = Instant::now();
    cargo(out, target, &["build", "--quiet"])?;
    Ok(started.elapsed().as_secs_f64())
}

/// Runs `cargo ARGS` in the generated crate; the error is cargo's stderr.
fn cargo(out: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let result = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output();
    match result {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        Err(error) => Err(format!("cannot run cargo: {error}")),
    }
}
