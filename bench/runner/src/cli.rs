//! Item 6: the command-line client's build cost, the generated `people`
//! (`generated-cli/`) against google-people1-cli: `cargo install` of each
//! from an empty target folder, debug and release, and the binaries' sizes.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::Settings;
use crate::builds::{cargo, remove};
use crate::report::{Row, Section};
use crate::stats::{alternate, median};

const ITEM: &str = "6 cli";

/// The google-people1-cli release measured: the latest at the time of writing.
const THEIR_VERSION: &str = "7.0.0+20251221";

struct Install {
    seconds: f64,
    bytes: u64,
}

/// One side's `cargo install` into a fresh root and target folder, both removed after.
fn install(bench: &Path, root: &Path, ours: bool, release: bool) -> Result<Install> {
    let side = if ours { "ours" } else { "theirs" };
    let profile = if release { "release" } else { "debug" };
    let scratch = bench.join(format!("target/cli-{side}-{profile}"));
    remove(&scratch)?;
    let target = scratch.join("target");
    let install_root = scratch.join("root");
    let (target, install_root) = (target.to_string_lossy(), install_root.to_string_lossy());
    let mut args = vec!["install", "--locked", "--root", &install_root, "--target-dir", &target];
    if !release {
        args.push("--debug");
    }
    let generated_cli = root.join("generated-cli");
    let generated_cli = generated_cli.to_string_lossy();
    let theirs = format!("google-people1-cli@={THEIR_VERSION}");
    if ours {
        args.extend(["--path", &generated_cli]);
    } else {
        args.push(&theirs);
    }
    let started = Instant::now();
    cargo(bench, None, &args)?;
    let seconds = started.elapsed().as_secs_f64();
    let binary = scratch.join("root/bin").join(if ours { "people" } else { "people1" });
    let bytes = std::fs::metadata(&binary)
        .with_context(|| format!("cannot find {}", binary.display()))?
        .len();
    remove(&scratch)?;
    Ok(Install { seconds, bytes })
}

pub fn run(root: &Path, settings: &Settings) -> Result<Section> {
    let mut section = Section::default();
    // A cold install is minutes per side; one round of each is the budget.
    let rounds = settings.cold_rounds.min(1);
    if rounds == 0 {
        section.notes.push(
            "CLI: skipped by --quick (each measurement is a cold `cargo install`).".to_owned(),
        );
        return Ok(section);
    }
    let bench = root.join("bench");
    for release in [false, true] {
        let profile = if release { "release" } else { "debug" };
        eprintln!("  cargo install of each CLI, {profile}, {rounds} round(s)");
        let (mut our_size, mut their_size) = (0u64, 0u64);
        let samples = alternate(
            rounds,
            &mut [
                &mut || {
                    install(&bench, root, true, release).map(|install| {
                        our_size = install.bytes;
                        install.seconds
                    })
                },
                &mut || {
                    install(&bench, root, false, release).map(|install| {
                        their_size = install.bytes;
                        install.seconds
                    })
                },
            ],
        )?;
        let (ours, theirs) = (median(&samples[0]), median(&samples[1]));
        section.rows.push(
            Row::new(ITEM, format!("`cargo install` of the CLI, {profile}, empty target folder"))
                .ours(format!("{ours:.1} s"))
                .other(format!("{theirs:.1} s"), ours / theirs)
                .ratio_at_most(1.0),
        );
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        section.rows.push(
            Row::new(ITEM, format!("CLI binary size, {profile}"))
                .ours(format!("{:.1} MiB", mib(our_size)))
                .other(format!("{:.1} MiB", mib(their_size)), our_size as f64 / their_size as f64),
        );
    }
    section.notes.push(format!(
        "CLI: `cargo install --locked [--debug] --root R --target-dir T` of `generated-cli/` \
         (the generated `people`, a table that the `gapi-cli` engine turns into commands) and \
         of google-people1-cli {THEIR_VERSION} (its published lock), each into empty folders, \
         {rounds} round(s), alternated; the whole dependency tree is compiled, as for a user \
         installing it. Registry downloads come from cargo's cache once fetched."
    ));
    Ok(section)
}
