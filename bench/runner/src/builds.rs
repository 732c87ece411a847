//! Item 2: debug build times, ours against google-people1: the two crates
//! alone, each whole dependency tree from empty, and a small downstream program
//! from clean and after a one-line edit; plus crates and lines of code.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::Settings;
use crate::report::{Row, Section};
use crate::stats::{alternate, median};

const ITEM: &str = "2 build";

/// One side of the comparison: its packages in the bench workspace.
struct Side {
    /// The tiny crate that depends on exactly the two crates measured.
    crates: &'static str,
    /// The two crates themselves, cleaned before each timed build.
    measured: [&'static str; 2],
    /// The program calling the four seed methods.
    program: &'static str,
}

const OURS: Side = Side {
    crates: "crates-ours",
    measured: ["google-people-v1", "gapi-runtime"],
    program: "downstream-ours",
};
const THEIRS: Side = Side {
    crates: "crates-google",
    measured: ["google-people1", "google-apis-common"],
    program: "downstream-google",
};

/// Cargo in the bench workspace with one target folder.
struct Cargo {
    bench: PathBuf,
    target: PathBuf,
}

impl Cargo {
    /// Runs `cargo ARGS`, failing with its output when it fails; returns its stderr.
    fn run(&self, args: &[&str]) -> Result<String> {
        let out = cargo(&self.bench, Some(&self.target), args)?;
        Ok(String::from_utf8_lossy(&out.stderr).into_owned())
    }

    /// `cargo build` of one package; returns the seconds it took and its stderr.
    fn build(&self, package: &str) -> Result<(f64, String)> {
        let started = Instant::now();
        let stderr = self.run(&["build", "--locked", "-p", package])?;
        Ok((started.elapsed().as_secs_f64(), stderr))
    }

    fn clean(&self, packages: &[&str]) -> Result<()> {
        let mut args = vec!["clean"];
        for package in packages {
            args.extend(["-p", package]);
        }
        self.run(&args).map(drop)
    }
}

pub fn run(root: &Path, settings: &Settings) -> Result<Section> {
    let bench = root.join("bench");
    let warm = Cargo { bench: bench.clone(), target: bench.join("target/builds") };
    let mut section = Section::default();
    let rounds = settings.build_rounds;
    section.notes.push(format!(
        "Builds: `cargo build --locked -p PACKAGE` in `bench/` (debug profile, default features \
         on both sides: our runtime with its `oauth` feature, google-people1 with \
         `yup-oauth2` and `ring`), timed as a whole process. \"Crates alone\": \
         `cargo clean -p google-people-v1 -p gapi-runtime` (or `-p google-people1 -p \
         google-apis-common`) then the build of a tiny crate depending on both, every other \
         dependency already built; {rounds} round(s), A/B alternated, the median. Downstream \
         program: `bench/downstream-ours` and `bench/downstream-google` call \
         people.createContact, people.updateContact, people.batchCreateContacts and \
         people.updateContactPhoto; timed after `cargo clean -p` of the program only, and \
         after rewriting the `EDITED` constant in its main.rs (an incremental rebuild); \
         {rounds} round(s) each, alternated, the median. Crates in the tree: distinct packages \
         printed by `cargo tree -p CRATE -e normal,build --prefix none`, less the tiny crate. \
         `bench/Cargo.toml` turns incremental compilation off for google-people-v1 and \
         gapi-runtime: cargo would use it for them as path dependencies, but not for crates \
         from a registry, which is how users get either side. Both sides resolve in the \
         bench's one `Cargo.lock`, so google-people1 also gets the `idna_adapter` 1.1 our \
         runtime pins (Cargo cannot hold two 1.x versions): on its own it builds ICU4X's \
         IDNA, some twenty crates more, so its tree and cold build here are smaller than a \
         user of it gets."
    ));

    eprintln!("  building every dependency once (untimed)");
    for side in [&OURS, &THEIRS] {
        warm.build(side.crates)?;
    }
    eprintln!("  the two crates alone, {rounds} round(s)");
    let crates_alone = |side: &Side| -> Result<f64> {
        warm.clean(&side.measured)?;
        Ok(warm.build(side.crates)?.0)
    };
    let samples =
        alternate(rounds, &mut [&mut || crates_alone(&OURS), &mut || crates_alone(&THEIRS)])?;
    push_times(
        &mut section,
        "Debug build of the People crate + runtime (other deps built)",
        &samples,
        0.8,
    );

    if settings.cold_rounds > 0 {
        cold(&bench, settings.cold_rounds, &mut section)?;
    }
    let [ours_crates, their_crates] = [&OURS, &THEIRS].map(|side| tree_size(&warm, side));
    let (ours_crates, their_crates) = (ours_crates?, their_crates?);
    section.rows.push(
        Row::new(ITEM, "Crates in the dependency tree (cargo tree -e normal,build)")
            .ours(ours_crates.to_string())
            .other(their_crates.to_string(), ours_crates as f64 / their_crates as f64)
            .goal("fewer", ours_crates < their_crates),
    );

    downstream(&bench, &warm, rounds, &mut section)?;

    let ours_lines = rust_lines(&root.join("generated"))?;
    let (their_lines, their_version) = google_people1_source(&warm)?;
    section.rows.push(
        Row::new(ITEM, "Lines of generated code (ours: generated/*.rs; theirs: src/*.rs)")
            .ours(ours_lines.to_string())
            .other(their_lines.to_string(), ours_lines as f64 / their_lines as f64),
    );
    let our_revision = fs::read_to_string(root.join("generated/lib.rs"))
        .ok()
        .and_then(|lib| {
            let first = lib.lines().next()?;
            Some(first.split("revision ").nth(1)?.trim_end_matches('.').to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    section.notes.push(format!(
        "Versions: google-people1 {their_version} (the number after `+` is its discovery \
         revision) with google-apis-common; ours is generated from People revision \
         {our_revision}."
    ));
    Ok(section)
}

/// Rows comparing two sets of build times: the medians and their ratio.
fn push_times(section: &mut Section, what: &str, samples: &[Vec<f64>], goal: f64) {
    let [ours, theirs] = [0, 1].map(|which| median(&samples[which]));
    section.rows.push(
        Row::new(ITEM, format!("{what}, vs google-people1"))
            .ours(seconds(ours))
            .other(seconds(theirs), ours / theirs)
            .ratio_at_most(goal),
    );
}

/// Each whole tree from an empty target folder; also counts what was compiled.
fn cold(bench: &Path, rounds: usize, section: &mut Section) -> Result<()> {
    eprintln!("  cold builds of each tree, {rounds} round(s)");
    let (mut ours_compiled, mut their_compiled) = (0, 0);
    let samples = alternate(
        rounds,
        &mut [
            &mut || {
                from_empty(bench, &OURS).map(|(seconds, compiled)| {
                    ours_compiled = compiled;
                    seconds
                })
            },
            &mut || {
                from_empty(bench, &THEIRS).map(|(seconds, compiled)| {
                    their_compiled = compiled;
                    seconds
                })
            },
        ],
    )?;
    push_times(section, "Cold debug build of the whole tree (empty target)", &samples, 0.75);
    section.notes.push(format!(
        "Cold builds: `cargo build --locked -p crates-ours` (or `crates-google`) into an empty \
         target folder of its own, {rounds} round(s) alternated, the median; cargo compiled \
         {ours_compiled} packages for ours and {their_compiled} for google-people1 (the tiny \
         crate included)."
    ));
    Ok(())
}

/// Builds a side's tiny crate into a new, empty target folder, then removes
/// it; returns the seconds and how many packages cargo compiled.
fn from_empty(bench: &Path, side: &Side) -> Result<(f64, usize)> {
    let target = bench.join(format!("target/cold-{}", side.crates));
    remove(&target)?;
    let (seconds, stderr) =
        Cargo { bench: bench.to_owned(), target: target.clone() }.build(side.crates)?;
    remove(&target)?;
    let compiled =
        stderr.lines().filter(|line| line.trim_start().starts_with("Compiling ")).count();
    Ok((seconds, compiled))
}

/// The downstream program built from clean and after a one-line edit.
fn downstream(bench: &Path, warm: &Cargo, rounds: usize, section: &mut Section) -> Result<()> {
    eprintln!("  downstream programs, {rounds} round(s)");
    for side in [&OURS, &THEIRS] {
        warm.build(side.program)?;
    }
    let from_clean = |side: &Side| -> Result<f64> {
        warm.clean(&[side.program])?;
        Ok(warm.build(side.program)?.0)
    };
    let samples = alternate(rounds, &mut [&mut || from_clean(&OURS), &mut || from_clean(&THEIRS)])?;
    push_times(section, "Downstream program (4 calls) from clean, deps built", &samples, 0.5);

    let mut edits = [Edit::open(bench, &OURS)?, Edit::open(bench, &THEIRS)?];
    let [ours_edit, their_edit] = &mut edits;
    let samples = alternate(
        rounds,
        &mut [
            &mut || {
                ours_edit.next()?;
                Ok(warm.build(OURS.program)?.0)
            },
            &mut || {
                their_edit.next()?;
                Ok(warm.build(THEIRS.program)?.0)
            },
        ],
    )?;
    drop(edits);
    push_times(section, "Downstream program rebuilt after a one-line edit", &samples, 0.5);
    Ok(())
}

/// The `EDITED` constant of a downstream program's main.rs, rewritten for
/// each incremental rebuild; the committed file is put back on drop, even
/// when a build fails.
struct Edit {
    path: PathBuf,
    original: String,
    count: u32,
}

impl Edit {
    const LINE: &str = "const EDITED: u32 = 0;";

    fn open(bench: &Path, side: &Side) -> Result<Self> {
        let path = bench.join(side.program).join("src/main.rs");
        let original =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if !original.contains(Self::LINE) {
            bail!("{} has no `{}` line to edit", path.display(), Self::LINE);
        }
        Ok(Edit { path, original, count: 0 })
    }

    fn next(&mut self) -> Result<()> {
        self.count += 1;
        let edited =
            self.original.replace(Self::LINE, &format!("const EDITED: u32 = {};", self.count));
        fs::write(&self.path, edited)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

impl Drop for Edit {
    fn drop(&mut self) {
        if let Err(error) = fs::write(&self.path, &self.original) {
            eprintln!("warning: cannot restore {}: {error}", self.path.display());
        }
    }
}

/// Distinct packages in a side's tree, without the tiny crate itself.
fn tree_size(warm: &Cargo, side: &Side) -> Result<usize> {
    let args = ["tree", "--locked", "-p", side.crates, "-e", "normal,build", "--prefix", "none"];
    let out = cargo(&warm.bench, None, &args)?;
    let packages: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| !line.starts_with('['))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect();
    Ok(packages.len().saturating_sub(1))
}

/// Lines of google-people1's sources, found through `cargo metadata`, and its version.
fn google_people1_source(warm: &Cargo) -> Result<(usize, String)> {
    let out = cargo(&warm.bench, None, &["metadata", "--locked", "--format-version", "1"])?;
    let metadata: Value = serde_json::from_slice(&out.stdout)?;
    let package = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|package| package["name"] == "google-people1"))
        .context("google-people1 is not in the bench workspace's metadata")?;
    let manifest = package["manifest_path"].as_str().context("google-people1 has no manifest")?;
    let version = package["version"].as_str().unwrap_or("unknown").to_owned();
    let dir = Path::new(manifest).parent().context("a manifest path without a folder")?;
    Ok((rust_lines(&dir.join("src"))?, version))
}

/// Lines in the `.rs` files of a folder and its subfolders.
fn rust_lines(dir: &Path) -> Result<usize> {
    let mut lines = 0;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            lines += rust_lines(&path)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            lines += text.lines().count();
        }
    }
    Ok(lines)
}

/// Runs cargo with `args` in `dir`, into `target` when given; fails with
/// cargo's stderr when it fails.
pub(crate) fn cargo(
    dir: &Path,
    target: Option<&Path>,
    args: &[&str],
) -> Result<std::process::Output> {
    let program = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(program);
    // `cargo run` sets it for this process; ring's build script tracks it,
    // so passing it on would rebuild half the tree for no reason.
    command.args(args).current_dir(dir).env_remove("CARGO_MANIFEST_DIR");
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let out = command.output().context("cannot run cargo")?;
    if !out.status.success() {
        bail!("`cargo {}` failed:\n{}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(out)
}

pub(crate) fn remove(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

fn seconds(value: f64) -> String {
    format!("{value:.2} s")
}
