//! `cargo xtask corpus`: generate a crate for every discovery document in a
//! folder and check that each compiles without warnings; one progress line
//! per document, then a summary: how many generated, which were refused and
//! why (grouped by reason), how many passed the check.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

/// How far each generated crate is checked.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Depth {
    /// Generation alone, no cargo: for a folder of every document Google publishes.
    Generate,
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
    /// The generator's error: the document was refused.
    refused: Option<String>,
    /// The generated crate's check failed: cargo's output.
    error: Option<String>,
    warnings: usize,
}

/// Generates and checks every `*.json` in `dir`; returns whether all passed.
/// With `cli`, each API's command-line client is also generated, checked
/// with clippy and built (in the workspace's `target/`, whose dependencies
/// the People CLI has built already).
pub fn run(root: &Path, dir: &Path, only: &[String], depth: Depth, cli: bool) -> Result<bool> {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .filter(|path| only.is_empty() || only.iter().any(|name| stem(path) == *name))
        .collect();
    documents.sort();
    let work = root.join("target/corpus");
    let shared_target = corpus_target(root);
    let lockfile = std::fs::read(root.join("Cargo.lock")).ok();
    let build_column = if matches!(depth, Depth::Build) { "    build" } else { "" };
    let width = documents.len().to_string().len();
    println!(
        "{:<w$}  {:<28} {:>9} {:>8} {:>9}{build_column}  result",
        "",
        "api",
        "generate",
        "lines",
        "check",
        w = 2 * width + 3
    );
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for (index, document) in documents.iter().enumerate() {
        let outcome =
            check_one(root, document, &work, &shared_target, lockfile.as_deref(), depth, cli);
        let build = outcome.build_s.map_or(String::new(), |seconds| format!(" {seconds:>7.1}s"));
        let result = match (&outcome.refused, &outcome.error) {
            (Some(reason), _) => format!("REFUSED: {}", first_line(reason)),
            (None, Some(error)) => format!("FAILED: {}", first_line(error)),
            (None, None) if matches!(depth, Depth::Generate) => "generated".to_owned(),
            (None, None) => "ok".to_owned(),
        };
        let warned = match outcome.warnings {
            0 => String::new(),
            n => format!(" ({n} warning(s))"),
        };
        println!(
            "[{:>width$}/{}] {:<28} {:>7}ms {:>8} {:>8.1}s{build}  {result}{warned}",
            index + 1,
            documents.len(),
            outcome.name,
            outcome.generate_ms,
            outcome.lines,
            outcome.check_s,
        );
        let _ = std::io::stdout().flush();
        outcomes.push(outcome);
    }
    for outcome in outcomes.iter().filter(|outcome| outcome.error.is_some()) {
        eprintln!("\n--- {} ---\n{}", outcome.name, outcome.error.as_deref().unwrap_or_default());
    }
    print!("{}", summary(&outcomes, depth, started.elapsed().as_secs_f64()));
    Ok(outcomes.iter().all(|outcome| outcome.refused.is_none() && outcome.error.is_none()))
}

/// The table after the progress lines: generated, refused (grouped by
/// reason, with up to three documents each), checked.
fn summary(outcomes: &[Outcome], depth: Depth, seconds: f64) -> String {
    let refused: Vec<&Outcome> = outcomes.iter().filter(|o| o.refused.is_some()).collect();
    let generated = outcomes.len() - refused.len();
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    let warned = outcomes.iter().filter(|o| o.warnings > 0).count();
    let check = match depth {
        Depth::Generate => "not checked (--depth generate)".to_owned(),
        Depth::Clippy => format!("{} passed clippy, {failed} failed", generated - failed),
        Depth::Doc => format!("{} passed clippy and rustdoc, {failed} failed", generated - failed),
        Depth::Build => format!("{} passed clippy and built, {failed} failed", generated - failed),
    };
    let mut out = format!(
        "\nsummary of {} document(s) in {seconds:.0}s\n\
         | outcome | documents |\n|---|---:|\n\
         | generated | {generated} |\n\
         | generated with warnings | {warned} |\n\
         | refused | {} |\n\
         | build checked | {check} |\n",
        outcomes.len(),
        refused.len(),
    );
    let mut reasons: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for outcome in &refused {
        let reason = reason_of(outcome.refused.as_deref().unwrap_or_default());
        reasons.entry(reason).or_default().push(&outcome.name);
    }
    if !reasons.is_empty() {
        let mut reasons: Vec<(String, Vec<&str>)> = reasons.into_iter().collect();
        reasons.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        out.push_str("\n| refused because | documents | for example |\n|---|---:|---|\n");
        for (reason, names) in reasons {
            let examples: Vec<&str> = names.iter().take(3).copied().collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                reason.replace('|', "\\|"),
                names.len(),
                examples.join(", ")
            ));
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        outcomes.len() - refused.len() - failed,
        refused.len() + failed
    ));
    out
}

/// A refusal's reason without where it is, so that documents refused for
/// the same reason group together: `invalid discovery document at $.a.b:
/// missing field `name`` is `missing field `name``; backticked names (other
/// than field names and `$ref`) become `…`.
fn reason_of(error: &str) -> String {
    let message = error.rsplit_once(": ").map_or(error, |(_, message)| message);
    let message = message.split(" at line ").next().unwrap_or(message);
    let mut out = String::with_capacity(message.len());
    for (index, part) in message.split('`').enumerate() {
        if index % 2 == 1 {
            out.push('`');
            let keep = part.starts_with('$')
                || message.starts_with("missing field")
                || message.starts_with("unknown");
            out.push_str(if keep { part } else { "…" });
            out.push('`');
        } else {
            out.push_str(part);
        }
    }
    out
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
    cli: bool,
) -> Outcome {
    let name = stem(document);
    let mut outcome = Outcome {
        name: name.clone(),
        generate_ms: 0,
        lines: 0,
        check_s: 0.0,
        build_s: None,
        refused: None,
        error: None,
        warnings: 0,
    };
    let out = work.join(&name);
    let started = Instant::now();
    // A first generation: names from the rules alone, not from an earlier run's lock.
    let generated = std::fs::read_to_string(document)
        .with_context(|| format!("cannot read {}", document.display()))
        .and_then(|text| Ok(gapi_generator::generate(&text, &gapi_generator::Lock::default())?));
    outcome.generate_ms = started.elapsed().as_millis();
    // A crate that cannot be written is a failed check, not a refusal.
    let mut cli_written = None;
    let generated = generated.map(|output| {
        let warnings = output.warnings.len();
        match crate::write_crate(root, &output, &out) {
            Ok(files) => {
                if cli && !output.cli.is_empty() {
                    let written = crate::write_cli_crate(root, &output, &out, &out.join("cli"));
                    cli_written = Some((written, output.command.clone()));
                }
                (files, warnings)
            }
            Err(error) => {
                outcome.error = Some(format!("{error:#}"));
                (Vec::new(), warnings)
            }
        }
    });
    let sources = match generated {
        Ok((sources, warnings)) => {
            outcome.warnings = warnings;
            sources
        }
        Err(error) => {
            outcome.refused = Some(format!("{error:#}"));
            return outcome;
        }
    };
    outcome.lines = sources.iter().map(|source| source.contents.lines().count()).sum();
    if matches!(depth, Depth::Generate) || outcome.error.is_some() {
        return outcome;
    }
    if let Some(lockfile) = lockfile {
        let _ = std::fs::write(out.join("Cargo.lock"), lockfile);
    }
    let started = Instant::now();
    let mut steps = vec![CLIPPY.to_vec()];
    if matches!(depth, Depth::Doc) {
        steps.push(vec!["doc", "--quiet", "--no-deps"]);
    }
    for args in steps {
        if let Err(error) = cargo(&out, target, &args) {
            outcome.error = Some(error);
            break;
        }
    }
    if let (Some((written, command)), None) = (cli_written, &outcome.error) {
        outcome.error = check_cli(root, &out.join("cli"), written, &command, lockfile).err();
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

/// Clippy on the generated CLI crate in `dir`, a build of its binary, and a
/// run that builds its whole command tree (`completions bash`), which clap
/// checks in a debug build: no two commands or flags share a name.
fn check_cli(
    root: &Path,
    dir: &Path,
    written: Result<Vec<gapi_generator::SourceFile>>,
    command: &str,
    lockfile: Option<&[u8]>,
) -> Result<(), String> {
    written.map_err(|error| format!("cannot write the CLI crate: {error:#}"))?;
    if let Some(lockfile) = lockfile {
        let _ = std::fs::write(dir.join("Cargo.lock"), lockfile);
    }
    let target = root.join("target");
    cargo(dir, &target, &CLIPPY).map_err(|error| format!("the CLI: {error}"))?;
    cargo(dir, &target, &["build", "--quiet"]).map_err(|error| format!("the CLI: {error}"))?;
    let binary = target.join("debug").join(command);
    match Command::new(&binary).args(["completions", "bash"]).output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(format!(
            "`{command} completions bash` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )),
        Err(error) => Err(format!("cannot run {}: {error}", binary.display())),
    }
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

/// Clippy on a generated crate and its tests, warnings denied.
pub const CLIPPY: [&str; 6] = ["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"];

/// Where generated crates build, so that their dependencies build once.
pub fn corpus_target(root: &Path) -> PathBuf {
    root.join("target/corpus/target")
}

/// Runs `cargo ARGS` in the generated crate; the error is cargo's stderr.
pub fn cargo(out: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(name: &str, refused: Option<&str>, error: Option<&str>, warnings: usize) -> Outcome {
        Outcome {
            name: name.to_owned(),
            generate_ms: 1,
            lines: 10,
            check_s: 0.0,
            build_s: None,
            refused: refused.map(str::to_owned),
            error: error.map(str::to_owned),
            warnings,
        }
    }

    #[test]
    fn refusals_group_by_reason_without_their_place() {
        assert_eq!(
            reason_of(
                "invalid discovery document at $.schemas.A.$ref: `$ref` names schema `Nope`, which the document does not define"
            ),
            "`$ref` names schema `…`, which the document does not define"
        );
        assert_eq!(
            reason_of("invalid discovery document at $: missing field `name` at line 1 column 16"),
            "missing field `name`"
        );
    }

    #[test]
    fn the_summary_counts_each_outcome_and_lists_reasons_by_frequency() {
        let outcomes = [
            outcome("a.v1", None, None, 0),
            outcome("b.v1", None, None, 2),
            outcome("c.v1", None, Some("error: unused import"), 0),
            outcome(
                "d.v1",
                Some("invalid discovery document at $.x: unknown type `quaternion`"),
                None,
                0,
            ),
            outcome("e.v1", Some("invalid discovery document at $: missing field `name`"), None, 0),
            outcome("f.v1", Some("invalid discovery document at $: missing field `name`"), None, 0),
        ];
        let text = summary(&outcomes, Depth::Clippy, 3.0);
        for line in [
            "| generated | 3 |",
            "| generated with warnings | 1 |",
            "| refused | 3 |",
            "| build checked | 2 passed clippy, 1 failed |",
            "| missing field `name` | 2 | e.v1, f.v1 |\n| unknown type `quaternion` | 1 | d.v1 |",
            "2 passed, 4 failed",
        ] {
            assert!(text.contains(line), "no {line:?} in\n{text}");
        }
    }
}
