//! `cargo xtask fuzz`: the fuzz test's mutator (`gapi_generator::fuzz`) for
//! as long as asked, on whole documents as well as parts of them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use xtask::fuzz::{self, Corpus, Size, Tally, Verdict};

use crate::corpus;

pub struct Options {
    pub minutes: f64,
    pub seed: Option<u64>,
    /// Parts of documents only, as the fuzz test runs them.
    pub small: bool,
    /// Run this one case (a seed a failure reported) and print what it does.
    pub replay: Option<u64>,
    pub corpus: Vec<PathBuf>,
}

/// A case slower than this is a failure (a hang, for a release build).
const LIMIT: Duration = Duration::from_secs(20);

/// How often a generated crate is compiled: a crate that generates but does
/// not pass clippy with warnings denied is a failure too, and a sample every
/// few minutes finds the kind (a local shadowed, a name taken twice) without
/// spending the run on cargo.
const COMPILE_EVERY: Duration = Duration::from_secs(180);

/// Generates `case`'s crate into `target/fuzz/sample` and runs clippy on it
/// with warnings denied, as `cargo xtask corpus` does (its target, its
/// dependency versions); the error is clippy's output.
fn compiles(root: &Path, case: &fuzz::Case) -> Result<(), String> {
    let output = gapi_generator::generate(&case.text, &gapi_generator::Lock::default())
        .map_err(|error| format!("did not generate the second time: {error}"))?;
    let dir = root.join("target/fuzz/sample");
    let _ = std::fs::remove_dir_all(&dir);
    crate::write_crate(root, &output, &dir).map_err(|error| format!("{error:#}"))?;
    if let Ok(lockfile) = std::fs::read(root.join("Cargo.lock")) {
        let _ = std::fs::write(dir.join("Cargo.lock"), lockfile);
    }
    corpus::cargo(&dir, &corpus::corpus_target(root), &corpus::CLIPPY)
}

/// The documents the fuzz test uses, and any folders given.
fn corpus(root: &Path, extra: &[PathBuf]) -> Result<Corpus> {
    let mut paths = vec![
        root.join(crate::paths::PINNED_DISCOVERY),
        root.join("generator/tests/corner-cases"),
        root.join(crate::paths::CORPUS_DIR),
    ];
    paths.extend(extra.iter().map(|path| root.join(path)));
    let corpus = Corpus::read(&paths)?;
    if corpus.is_empty() {
        bail!("no discovery documents to fuzz with");
    }
    Ok(corpus)
}

/// Returns whether no case failed.
pub fn run(root: &Path, options: &Options) -> Result<bool> {
    let corpus = corpus(root, &options.corpus)?;
    let size = if options.small { Size::Small } else { Size::Whole };
    let out = root.join("target/fuzz");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    if let Some(seed) = options.replay {
        let case = fuzz::case(&corpus, seed, size).context("no case")?;
        let file = out.join(format!("replay-{seed:#x}.json"));
        std::fs::write(&file, &case.text)
            .with_context(|| format!("cannot write {}", file.display()))?;
        println!("{case}\ninput: {}", file.display());
        let verdict = fuzz::run(&case, LIMIT);
        println!("{verdict:?}");
        return Ok(!matches!(verdict, Verdict::Failed(_)));
    }
    let seed = options.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    });
    let names: Vec<&str> = corpus.names().collect();
    println!(
        "fuzzing for {} minute(s), seed {seed}, {} documents ({}), {}",
        options.minutes,
        names.len(),
        names.join(", "),
        if options.small { "parts of documents" } else { "whole documents and parts" }
    );
    // The case being run, for when the process dies without a word (a stack overflow).
    let current = out.join("current-case.txt");
    let deadline = Duration::from_secs_f64(options.minutes.max(0.0) * 60.0);
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut tally = Tally::default();
    let mut last_compile: Option<Instant> = None;
    let (mut compiled, mut compile_failures) = (0u32, 0u32);
    let mut index = 0u64;
    while started.elapsed() < deadline {
        let case_seed = fuzz::case_seed(seed, index);
        index += 1;
        let case = fuzz::case(&corpus, case_seed, size).context("no case")?;
        let _ = std::fs::write(&current, case.to_string());
        let verdict = fuzz::run(&case, LIMIT);
        if let Verdict::Failed(what) = &verdict {
            let file = out.join(format!("failure-{case_seed:#x}.json"));
            let _ = std::fs::write(&file, &case.text);
            println!("FAILED {case}\n  {what}\n  input: {}", file.display());
        }
        let due = last_compile.is_none_or(|at| at.elapsed() >= COMPILE_EVERY);
        if due && matches!(verdict, Verdict::Generated { .. }) {
            last_compile = Some(Instant::now());
            compiled += 1;
            if let Err(clippy) = compiles(root, &case) {
                compile_failures += 1;
                let file = out.join(format!("uncompilable-{case_seed:#x}.json"));
                let _ = std::fs::write(&file, &case.text);
                println!("FAILED to compile {case}\n{clippy}\n  input: {}", file.display());
            }
        }
        tally.add(&case, verdict);
        if last_report.elapsed() >= Duration::from_secs(60) {
            last_report = Instant::now();
            println!(
                "{:>5.1} min: {} cases, {} generated, {} refused, {} failed",
                started.elapsed().as_secs_f64() / 60.0,
                tally.cases,
                tally.generated,
                tally.refused,
                tally.failures.len()
            );
        }
    }
    let _ = std::fs::remove_file(&current);
    println!(
        "\nfuzz run of {:.1} min, seed {seed}: {tally}; {compiled} generated crate(s) compiled \
         with clippy, {compile_failures} failed",
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(tally.failures.is_empty() && compile_failures == 0)
}

/// A seed as decimal or `0x` hexadecimal.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|error| format!("not a seed: {error}"))
}
