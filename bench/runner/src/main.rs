//! `bench-runner`: measures the People crate against google-people1 in one run
//! (generation, builds, decoding, calls, memory), prints one table and writes
//! it to `BENCHMARKS.md`. Run it as `cargo xtask bench [--quick]`.

mod alloc;
mod builds;
mod calls;
mod cli;
mod decode;
mod fixture;
mod generation;
mod machine;
mod report;
mod stats;
mod upload;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const USAGE: &str = "usage: bench-runner [--quick] [--only SECTION]... [--out FILE]
  --quick         fewer repetitions, no cold builds
  --only SECTION  generation, builds, decode, calls, memory or cli (repeatable; default: all)
  --out FILE      where to write the report, relative to the repository (default:
                  BENCHMARKS.md for a full run, bench/target/BENCHMARKS.partial.md otherwise)";

/// How many repetitions each measurement gets.
pub struct Settings {
    pub generation_runs: usize,
    pub corpus_runs: usize,
    /// Samples per decode contender, and decodes per sample.
    pub decode_rounds: usize,
    pub decode_runs: usize,
    /// Samples per call contender, and requests per sample.
    pub call_rounds: usize,
    pub call_requests: usize,
    pub build_rounds: usize,
    /// 0 skips the cold builds of whole trees.
    pub cold_rounds: usize,
}

impl Settings {
    const FULL: Settings = Settings {
        generation_runs: 30,
        corpus_runs: 5,
        decode_rounds: 15,
        decode_runs: 10,
        call_rounds: 21,
        call_requests: 1000,
        build_rounds: 5,
        cold_rounds: 2,
    };
    const QUICK: Settings = Settings {
        generation_runs: 5,
        corpus_runs: 1,
        decode_rounds: 7,
        decode_runs: 3,
        call_rounds: 9,
        call_requests: 200,
        build_rounds: 1,
        cold_rounds: 0,
    };
}

const SECTIONS: [&str; 6] = ["generation", "builds", "decode", "calls", "memory", "cli"];

struct Options {
    quick: bool,
    only: Vec<String>,
    out: Option<PathBuf>,
    /// The arguments as given, for the command that reproduces the run.
    args: Vec<String>,
}

impl Options {
    fn parse(args: Vec<String>) -> Result<Self> {
        let mut options = Options { quick: false, only: Vec::new(), out: None, args: args.clone() };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--only" => {
                    let section = args.next().context("--only needs a section")?;
                    if !SECTIONS.contains(&section.as_str()) {
                        bail!("unknown section {section:?}\n{USAGE}");
                    }
                    options.only.push(section);
                }
                "--out" => options.out = Some(args.next().context("--out needs a file")?.into()),
                "-h" | "--help" => bail!("{USAGE}"),
                other => bail!("unknown argument {other:?}\n{USAGE}"),
            }
        }
        Ok(options)
    }

    fn runs(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|only| only == section)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let options = Options::parse(std::env::args().skip(1).collect())?;
    let settings = if options.quick { Settings::QUICK } else { Settings::FULL };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .context("cannot find the repository root")?;
    let machine = machine::describe()?;
    let load_before = machine::load();

    let mut sections = Vec::new();
    if options.runs("generation") {
        eprintln!("1/6 generation");
        sections.push(generation::run(&root, &settings)?);
    }
    if options.runs("decode") {
        eprintln!("3/6 decode and encode");
        sections.push(decode::run(&settings)?);
    }
    if options.runs("memory") {
        eprintln!("5/6 memory");
        sections.push(decode::memory()?);
        sections.push(upload::run(&root)?);
    }
    if options.runs("calls") {
        eprintln!("4/6 calls");
        sections.push(calls::run(&settings)?);
    }
    if options.runs("builds") {
        eprintln!("2/6 builds (the long part)");
        sections.push(builds::run(&root, &settings)?);
    }
    if options.runs("cli") {
        eprintln!("6/6 the command-line clients' builds");
        sections.push(cli::run(&root, &settings)?);
    }
    let load_after = machine::load();

    let mut rows: Vec<report::Row> = Vec::new();
    let mut notes = Vec::new();
    for section in sections {
        rows.extend(section.rows);
        notes.extend(section.notes);
    }
    rows.sort_by_key(|row| row.item());
    let table = report::table(&rows);
    print!("{table}");
    let missed: Vec<String> =
        rows.iter().filter(|row| row.missed()).map(report::Row::describe).collect();
    if !missed.is_empty() {
        println!("\nGoals missed: {}", missed.len());
    }

    let out = match &options.out {
        Some(out) => root.join(out),
        // Only a full run of everything replaces the committed report.
        None if options.quick || !options.only.is_empty() => {
            root.join("bench/target/BENCHMARKS.partial.md")
        }
        None => root.join("BENCHMARKS.md"),
    };
    let text =
        document(&root, &options, &machine, [&load_before, &load_after], &table, &missed, &notes)?;
    std::fs::write(&out, text).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// `BENCHMARKS.md`: the table, what missed, the command, the machine, the method.
fn document(
    root: &Path,
    options: &Options,
    machine: &machine::Machine,
    loads: [&machine::Load; 2],
    table: &str,
    missed: &[String],
    notes: &[String],
) -> Result<String> {
    let git =
        |args: &[&str]| machine::output("git", &[&["-C", &root.to_string_lossy()], args].concat());
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"])?.is_empty();
    let date = machine::output("date", &["-u", "+%Y-%m-%d %H:%M UTC"])?;
    let command = ["cargo xtask bench".to_owned()]
        .into_iter()
        .chain(options.args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    let [before, after] = loads;
    let busy = before.other_rustc > 0 || after.other_rustc > 0;
    let mut out = String::new();
    out.push_str("# Benchmarks: google-people-v1 against google-people1\n\n");
    out.push_str(&format!(
        "Measured {date} at commit {commit}{} by `{command}`{}. Ratios are ours divided by the \
         other; each contender was alternated with the other (A/B, B/A, ...) and the median \
         taken, so that load from other processes hits both sides.\n\n",
        if dirty { " (with uncommitted changes in the working tree)" } else { "" },
        if options.quick { " (a quick smoke run: few repetitions, no cold builds)" } else { "" },
    ));
    out.push_str(table);
    out.push('\n');
    if missed.is_empty() {
        out.push_str("Every goal was met.\n\n");
    } else {
        out.push_str("Goals missed:\n\n");
        for miss in missed {
            out.push_str(&format!("- {miss}\n"));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "## Reproduce\n\n```sh\n{command}\n```\n\n`--quick` runs fewer repetitions and skips \
         the cold builds; `--only SECTION` runs one part. The measuring code is in `bench/` (a \
         workspace of its own, so that the main workspace never builds google-people1); the \
         measuring binary is built with `--release`.\n\n"
    ));
    out.push_str(&format!(
        "## Machine\n\n- CPU: {}, {} cores available\n- Memory: {}\n- OS: {}\n- Toolchain: {}\n\
         - Load average (1, 5, 15 min) at the start: {}; at the end: {}\n\
         - `rustc` processes of other builds at the start: {}; at the end: {}\n\n",
        machine.cpu,
        machine.cores,
        machine.memory,
        machine.kernel,
        machine.rustc,
        before.average,
        after.average,
        before.other_rustc,
        after.other_rustc,
    ));
    if busy || load_is_high(before) || load_is_high(after) {
        out.push_str(
            "The machine was busy around this run (a 1-minute load average above 0.5, which also \
             counts work that ended just before, or other rustc processes), so absolute numbers \
             are noisy; the alternated ratios are the numbers to read.\n\n",
        );
    }
    out.push_str("## How each row is measured\n\n");
    for note in notes {
        out.push_str(&format!("- {note}\n"));
    }
    Ok(out)
}

fn load_is_high(load: &machine::Load) -> bool {
    load.average
        .split_whitespace()
        .next()
        .and_then(|first| first.parse::<f64>().ok())
        .is_some_and(|first| first > 0.5)
}
