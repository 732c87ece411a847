//! `cargo xtask`: the maintainer's commands. Run `cargo xtask --help`.

mod api_diff;
mod bump;
mod corpus;
mod fetch;
mod fuzz_command;
mod manifest;
mod paths;
mod release_check;
mod semver;
mod version;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use gapi_generator::Lock;
use gapi_generator::write::{Change, write_files};
use xtask::diff::Impact;

#[derive(Parser)]
#[command(about = "Maintainer commands for the generated Google API crates")]
struct Cli {
    /// The workspace to work on, such as a clone (default: the one xtask is built from).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/` (and the CLI's `generated-cli/src/`) from the pinned discovery document.
    Regen {
        #[arg(long, default_value = paths::PINNED_DISCOVERY)]
        discovery: PathBuf,
        #[arg(long, default_value = paths::GENERATED_DIR)]
        out: PathBuf,
        /// Where the command-line client's `main.rs` goes.
        #[arg(long, default_value = paths::GENERATED_CLI_DIR)]
        cli_out: PathBuf,
    },
    /// Fail with a diff when `generated/` or `generated-cli/src/` is not what the generator makes now.
    Check {
        #[arg(long, default_value = paths::PINNED_DISCOVERY)]
        discovery: PathBuf,
        #[arg(long, default_value = paths::GENERATED_DIR)]
        out: PathBuf,
        #[arg(long, default_value = paths::GENERATED_CLI_DIR)]
        cli_out: PathBuf,
    },
    /// Compare two discovery documents: what changed, and what it breaks for the generated crate.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// Print JSON instead of Markdown.
        #[arg(long)]
        json: bool,
        /// Exit 1 when any change is breaking.
        #[arg(long)]
        deny_breaking: bool,
        /// The lock OLD's crate was generated with (`generated/api.lock.json`);
        /// without it, OLD's names are decided afresh.
        #[arg(long)]
        lock: Option<PathBuf>,
    },
    /// Show the API diff's verdict beside cargo-semver-checks' on the generated crates, for the
    /// People revisions and a pair of documents per change kind (needs cargo-semver-checks).
    SemverChecks {
        /// Only these pairs (`people 20181111 -> 20240313`, `method-added`, `20180521 -> 20180601`, ...).
        #[arg(long = "only")]
        only: Vec<String>,
        /// Every consecutive pair of the documents in this folder (file-name order), each crate
        /// generated from the previous one's lock, as regeneration would.
        #[arg(long)]
        history: Option<PathBuf>,
        /// The IR diff alone, without cargo-semver-checks: fails when a document that only adds
        /// gives a crate that lost or changed an old public item.
        #[arg(long)]
        ir_only: bool,
    },
    /// When the pinned document changed since BASE, print the API diff and fail if it says
    /// breaking and the crate's version was not bumped for it (CI runs it).
    ReleaseCheck {
        #[arg(long, default_value = "HEAD~1")]
        base: String,
        /// Also write the Markdown report here (for a pull-request comment).
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Set the People crate's version in Cargo.toml, the requirements on it of every crate in
    /// this workspace and in bench/, and both Cargo.lock files: the step release-check asks for.
    Bump {
        /// `major`, `minor`, `patch`, `breaking` (the next version Cargo treats as
        /// incompatible: a new minor below 1.0, a new major from it) or a version such as 0.3.0.
        #[arg(value_parser = bump::Target::parse)]
        to: bump::Target,
    },
    /// Generate and compile (clippy, warnings denied) a crate for every document in a folder.
    Corpus {
        #[arg(long, default_value = paths::CORPUS_DIR)]
        dir: PathBuf,
        /// Only these documents (file stems, such as `gmail.v1`).
        #[arg(long = "only")]
        only: Vec<String>,
        #[arg(long, value_enum, default_value = "clippy")]
        depth: corpus::Depth,
        /// Also generate, check and build each API's command-line client.
        #[arg(long)]
        cli: bool,
    },
    /// Feed mutated discovery documents to the generator for N minutes: an error is fine, a
    /// panic, a hang or different output on a second run is a failure (build with --release).
    Fuzz {
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// The run's seed (default: the time); each case's own seed is reported with it.
        #[arg(long, value_parser = fuzz_command::parse_seed)]
        seed: Option<u64>,
        /// Only parts of documents, as the fuzz test in `cargo test` runs them.
        #[arg(long)]
        small: bool,
        /// Run the one case with this seed (from a failure report) and save its input.
        #[arg(long, value_parser = fuzz_command::parse_seed)]
        replay: Option<u64>,
        /// More folders of documents to mutate.
        #[arg(long)]
        corpus: Vec<PathBuf>,
    },
    /// Download the live discovery document, validate it, replace the pinned copy and print the API diff.
    Fetch {
        #[arg(long, default_value = "people")]
        api: String,
        #[arg(long, default_value = "v1")]
        version: String,
        /// Download from here instead of Google's endpoint for the API.
        #[arg(long)]
        url: Option<String>,
        /// Where to write it (default: `discovery/API.VERSION.json`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Generate a standalone crate (Cargo.toml and src/) for any discovery document.
    Generate {
        #[arg(long)]
        discovery: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Also generate its command-line client, a binary crate in OUT/cli.
        #[arg(long)]
        cli: bool,
    },
    /// Serve a stateful fake People API on 127.0.0.1 until Ctrl-C; prints its base URL.
    FakeServer {
        /// The port to listen on; 0 picks a free one.
        #[arg(long)]
        port: u16,
        /// Start from this JSON (`me`, `contacts`, `contactGroups`, `otherContacts`, `directory`).
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Accept only this bearer token instead of any.
        #[arg(long)]
        token: Option<String>,
    },
    /// Benchmark against google-people1 (generation, builds, decoding, calls, memory, the CLI); writes BENCHMARKS.md.
    Bench {
        /// A smoke run: fewer repetitions, no cold builds; leaves BENCHMARKS.md alone.
        #[arg(long)]
        quick: bool,
        /// Only these sections: generation, builds, decode, calls, memory, cli.
        #[arg(long = "only")]
        only: Vec<String>,
    },
    /// The soak (issue 29): a program on the People crate through a fault proxy at 10% for N
    /// minutes, then many clients against the fake at once; prints the counts, exits 1 on a loss.
    Soak {
        /// How long to run soak rounds (2,000 contacts, 500 edits, 200 deletions each).
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// The fault schedule's seed (round n uses seed + n).
        #[arg(long, default_value_t = 29)]
        seed: u64,
        /// How long the concurrent clients run against the fake afterwards (0: not at all).
        #[arg(long, default_value_t = 30)]
        load_seconds: u64,
        /// How many concurrent clients.
        #[arg(long, default_value_t = 64)]
        clients: usize,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.unwrap_or_else(paths::workspace_root);
    match cli.command {
        Command::Regen { discovery, out, cli_out } => {
            let previous = api_diff::previous_input(&root, &discovery, &out);
            let lock = read_lock(&root.join(&out))?;
            let output = generate_from(&root.join(&discovery), &lock)?;
            let mut files = output.sources.clone();
            files.extend(output.records());
            let changes = write_files(&root.join(&out), &files)?;
            report(&out, &changes, &output.revision);
            if !output.cli.is_empty() {
                let changes = write_files(&root.join(&cli_out), &output.cli)?;
                report(&cli_out, &changes, &output.revision);
            }
            if let Some(summary) = previous
                .and_then(|old| api_diff::summary_since(&old, &root.join(&discovery), &lock))
            {
                println!("\n{summary}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { discovery, out, cli_out } => {
            check(&root.join(discovery), &root.join(out), &root.join(cli_out))
        }
        Command::Diff { old, new, json, deny_breaking, lock } => {
            let lock = match lock {
                Some(path) => Lock::parse(
                    &std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                    &path.display().to_string(),
                )?,
                None => Lock::default(),
            };
            let diff = api_diff::between_files(&old, &new, &lock)?;
            if json {
                println!("{}", xtask::diff::to_json(&diff));
            } else {
                print!("{}", xtask::diff::to_markdown(&diff));
            }
            let breaking = diff.breaking().count()
                + diff.document.iter().filter(|change| change.impact == Impact::Breaking).count();
            if deny_breaking && breaking > 0 {
                eprintln!("{breaking} breaking change(s)");
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::SemverChecks { only, history, ir_only } => {
            let history = history.map(|dir| if dir.is_absolute() { dir } else { root.join(dir) });
            let options = semver::Options { only: &only, history: history.as_deref(), ir_only };
            let agreed = semver::run(&root, &options)?;
            Ok(if agreed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::ReleaseCheck { base, report } => {
            let bumped = release_check::run(&root, &base, report.as_deref())?;
            Ok(if bumped { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Bump { to } => {
            bump::run(&root, &to)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Corpus { dir, only, depth, cli } => {
            let passed = corpus::run(&root, &root.join(dir), &only, depth, cli)?;
            Ok(if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Fuzz { minutes, seed, small, replay, corpus } => {
            let options = fuzz_command::Options { minutes, seed, small, replay, corpus };
            let passed = fuzz_command::run(&root, &options)?;
            Ok(if passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Fetch { api, version, url, out } => {
            let url = url.unwrap_or_else(|| fetch::default_url(&api, &version));
            let out = out.unwrap_or_else(|| root.join(format!("discovery/{api}.{version}.json")));
            // The pinned document's crate is `generated/`: its names are kept.
            let lock = if out == root.join(paths::PINNED_DISCOVERY) {
                read_lock(&root.join(paths::GENERATED_DIR))?
            } else {
                Lock::default()
            };
            fetch::run(&url, &api, &version, &out, &lock)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { discovery, out, cli } => {
            let lock = read_lock(&out)?;
            let output = generate_from(&discovery, &lock)?;
            let files = write_crate(&root, &output, &out)?;
            println!("{} file(s) in {}", files.len(), out.display());
            if cli {
                let cli_dir = out.join("cli");
                if output.cli.is_empty() {
                    anyhow::bail!(
                        "{} has no methods: there is no CLI to generate",
                        discovery.display()
                    );
                }
                let files = write_cli_crate(&root, &output, &out, &cli_dir)?;
                println!("{} file(s) in {}", files.len(), cli_dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::FakeServer { port, seed, token } => {
            fake_server(port, seed.as_deref(), token)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { quick, only } => bench(&root, quick, &only),
        Command::Soak { minutes, seed, load_seconds, clients } => {
            soak(&root, minutes, seed, load_seconds, clients)
        }
    }
}

/// Runs the `soak` program of gapi-testkit, built in release; exits as it exits.
fn soak(
    root: &std::path::Path,
    minutes: f64,
    seed: u64,
    load_seconds: u64,
    clients: usize,
) -> Result<ExitCode> {
    let settings = [
        "--minutes".to_owned(),
        minutes.to_string(),
        "--seed".to_owned(),
        seed.to_string(),
        "--load-seconds".to_owned(),
        load_seconds.to_string(),
        "--clients".to_owned(),
        clients.to_string(),
    ];
    cargo_run_release(root, &["-p", "gapi-testkit", "--bin", "soak"], &settings, "the soak")
}

/// Runs `bench-runner` from the separate `bench/` workspace, so that only this
/// command ever compiles google-people1; exits as it exits.
fn bench(root: &std::path::Path, quick: bool, only: &[String]) -> Result<ExitCode> {
    let mut settings = Vec::new();
    if quick {
        settings.push("--quick".to_owned());
    }
    for section in only {
        settings.extend(["--only".to_owned(), section.clone()]);
    }
    let package = ["--locked", "--manifest-path", "bench/Cargo.toml", "-p", "bench-runner"];
    cargo_run_release(root, &package, &settings, "the benchmarks")
}

/// `cargo run --release PACKAGE -- ARGS` in `root`; exits as the program exits.
fn cargo_run_release(
    root: &std::path::Path,
    package: &[&str],
    args: &[String],
    what: &str,
) -> Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    // Set for this process by `cargo run`; ring's build script tracks it, so
    // passing it on would rebuild the tree whenever it is run another way.
    command.env_remove("CARGO_MANIFEST_DIR");
    command.current_dir(root).args(["run", "--release"]).args(package).arg("--").args(args);
    let status = command.status().with_context(|| format!("cannot run cargo for {what}"))?;
    Ok(status
        .code()
        .and_then(|code| u8::try_from(code).ok())
        .map_or(ExitCode::FAILURE, ExitCode::from))
}

/// Serves the fake until Ctrl-C. The base URL is the only line on stdout,
/// printed once connections are accepted, so scripts can wait for it.
fn fake_server(port: u16, seed: Option<&std::path::Path>, token: Option<String>) -> Result<()> {
    let seed = seed.map(google_people_v1_fake::Seed::from_file).transpose()?.unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let mut builder = google_people_v1_fake::FakePeople::builder().seed(seed).port(port);
        if let Some(token) = token {
            builder = builder.token(token);
        }
        let fake = builder.start().await?;
        println!("{}", fake.base_url());
        tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
        fake.shutdown().await;
        Ok(())
    })
}

/// Writes a standalone crate for `discovery` into `out`, depending on this
/// workspace's runtime by path and keeping the names `lock` recorded; its
/// own lock file goes beside `Cargo.toml`. Returns the files it holds.
pub fn generate_crate(
    root: &std::path::Path,
    discovery: &std::path::Path,
    out: &std::path::Path,
    lock: &Lock,
) -> Result<Vec<gapi_generator::SourceFile>> {
    write_crate(root, &generate_from(discovery, lock)?, out)
}

/// Writes a generated crate into `out` as [`generate_crate`] does.
pub fn write_crate(
    root: &std::path::Path,
    output: &gapi_generator::Output,
    out: &std::path::Path,
) -> Result<Vec<gapi_generator::SourceFile>> {
    let runtime = root.join("runtime").canonicalize().context("cannot find the runtime crate")?;
    let manifest = gapi_generator::standalone_manifest(output, &runtime.to_string_lossy());
    let mut files =
        vec![gapi_generator::SourceFile { path: "Cargo.toml".into(), contents: manifest }];
    files.extend(output.records());
    files.extend(output.sources.iter().map(|file| gapi_generator::SourceFile {
        path: format!("src/{}", file.path),
        contents: file.contents.clone(),
    }));
    write_files(out, &files)?;
    Ok(files)
}

/// Writes the command-line client of the crate in `library_dir` into `out`:
/// a manifest and `src/main.rs`.
pub fn write_cli_crate(
    root: &std::path::Path,
    output: &gapi_generator::Output,
    library_dir: &std::path::Path,
    out: &std::path::Path,
) -> Result<Vec<gapi_generator::SourceFile>> {
    let engine = root.join("cli").canonicalize().context("cannot find the gapi-cli crate")?;
    let library = library_dir
        .canonicalize()
        .with_context(|| format!("cannot find {}", library_dir.display()))?;
    let manifest = gapi_generator::standalone_cli_manifest(
        output,
        &library.to_string_lossy(),
        &engine.to_string_lossy(),
    );
    let mut files =
        vec![gapi_generator::SourceFile { path: "Cargo.toml".into(), contents: manifest }];
    files.extend(output.cli.iter().map(|file| gapi_generator::SourceFile {
        path: format!("src/{}", file.path),
        contents: file.contents.clone(),
    }));
    write_files(out, &files)?;
    Ok(files)
}

/// The lock of the crate generated into `dir` (none yet: an empty one).
fn read_lock(dir: &std::path::Path) -> Result<Lock> {
    Ok(gapi_generator::write::read_lock(dir)?)
}

fn generate_from(discovery: &std::path::Path, lock: &Lock) -> Result<gapi_generator::Output> {
    let text = std::fs::read_to_string(discovery)
        .with_context(|| format!("cannot read {}", discovery.display()))?;
    let output = gapi_generator::generate(&text, lock)
        .with_context(|| format!("cannot generate from {}", discovery.display()))?;
    for warning in &output.warnings {
        eprintln!("{}: {warning}", discovery.display());
    }
    Ok(output)
}

fn report(out: &std::path::Path, changes: &[Change], revision: &str) {
    let mut unchanged = 0;
    for change in changes {
        match change {
            Change::Created(path) => println!("created {}", out.join(path).display()),
            Change::Updated(path) => println!("updated {}", out.join(path).display()),
            Change::Unchanged(_) => unchanged += 1,
        }
    }
    println!(
        "revision {revision}: {} file(s) written, {unchanged} unchanged",
        changes.len() - unchanged
    );
}

/// Regenerates in memory, from the lock on disk, and compares the sources
/// and the new lock with what is on disk.
fn check(
    discovery: &std::path::Path,
    out: &std::path::Path,
    cli_out: &std::path::Path,
) -> Result<ExitCode> {
    let output = generate_from(discovery, &read_lock(out)?)?;
    let records = output.records();
    let mut stale = 0;
    let library = output.sources.iter().chain(&records).map(|file| (out, file));
    let cli = output.cli.iter().map(|file| (cli_out, file));
    for (dir, file) in library.chain(cli) {
        let path = dir.join(&file.path);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != file.contents {
            stale += 1;
            let diff = similar::TextDiff::from_lines(&on_disk, &file.contents);
            eprintln!("{} is stale:", path.display());
            eprint!("{}", diff.unified_diff().context_radius(2).header("on disk", "generated now"));
        }
    }
    if stale == 0 {
        println!("{} is up to date with {}", out.display(), discovery.display());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{stale} generated file(s) are stale: run `cargo xtask regen` and commit the result"
        );
        Ok(ExitCode::FAILURE)
    }
}
