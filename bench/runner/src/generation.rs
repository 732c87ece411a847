//! Item 1: regenerating the People crate stage by stage, and generating every
//! corpus document, in-process and in release like `cargo xtask regen`.

use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use gapi_generator::{emit, load, resolve, write};

use crate::Settings;
use crate::report::{Row, Section};
use crate::stats::{median, median_seconds};

const ITEM: &str = "1 generation";
/// The regeneration goal for the People crate, in milliseconds.
const GOAL_MS: f64 = 100.0;
/// Runs before measuring, so that the file cache and the allocator are warm.
const WARMUP: usize = 2;

pub fn run(root: &Path, settings: &Settings) -> Result<Section> {
    let mut section = Section::default();
    people(root, settings, &mut section)?;
    corpus(root, settings, &mut section)?;
    Ok(section)
}

/// Seconds spent in each stage of one regeneration.
struct Stages {
    load: f64,
    resolve: f64,
    emit: f64,
    /// The formatting part of `emit`, replayed on its output.
    format: f64,
    write: f64,
}

fn people(root: &Path, settings: &Settings, section: &mut Section) -> Result<()> {
    let discovery = root.join("discovery/people.v1.json");
    // A regeneration keeps the names the crate's lock records.
    let lock = gapi_generator::write::read_lock(&root.join("generated"))?;
    let scratch = root.join("bench/target/scratch/generation");
    let mut runs = Vec::new();
    let mut sources = Vec::new();
    for run in 0..WARMUP + settings.generation_runs {
        let started = Instant::now();
        let text = fs::read_to_string(&discovery)
            .with_context(|| format!("cannot read {}", discovery.display()))?;
        let document = load::load(&text)?;
        let load = started.elapsed().as_secs_f64();

        let started = Instant::now();
        let api = resolve::resolve(&document, &lock)?;
        let resolve = started.elapsed().as_secs_f64();

        let started = Instant::now();
        let header = emit::Header {
            generator_version: gapi_generator::VERSION.to_owned(),
            fingerprint: gapi_generator::fingerprint(text.as_bytes()),
        };
        sources = emit::emit(&api, &header)?.sources;
        let emit = started.elapsed().as_secs_f64();

        // A new folder each run: every file is created, as on a first regeneration.
        let out = scratch.join(run.to_string());
        let started = Instant::now();
        write::write_files(&out, &sources)?;
        let write = started.elapsed().as_secs_f64();
        fs::remove_dir_all(&out).with_context(|| format!("cannot remove {}", out.display()))?;

        // Timed within the same run as emit, so that both see the same machine load.
        let format = replayed_format(&sources)?;
        if run >= WARMUP {
            runs.push(Stages { load, resolve, emit, format, write });
        }
    }

    let stage = |pick: fn(&Stages) -> f64| median(&runs.iter().map(pick).collect::<Vec<_>>());
    let total = median(
        &runs.iter().map(|run| run.load + run.resolve + run.emit + run.write).collect::<Vec<_>>(),
    );
    let (emit, format) = (stage(|run| run.emit), stage(|run| run.format));
    let stages = [
        ("load: read the file, parse JSON into the model", stage(|run| run.load)),
        ("resolve: names, types, references", stage(|run| run.resolve)),
        ("emit: build tokens (emit minus replayed format)", (emit - format).max(0.0)),
        ("format: syn parse + prettyplease (replayed)", format.min(emit)),
        ("write: 3 files into an empty folder, fsync", stage(|run| run.write)),
    ];
    let sum: f64 = stages.iter().map(|(_, seconds)| seconds).sum();
    let slowest = stages.iter().map(|(_, seconds)| *seconds).fold(0.0, f64::max);
    let slowest_name = stages
        .iter()
        .find(|(_, seconds)| *seconds == slowest)
        .map_or("?", |(name, _)| name.split(':').next().unwrap_or("?"));
    let lines: usize = sources.iter().map(|file| file.contents.lines().count()).sum();
    section.rows.push(
        Row::new(
            ITEM,
            format!(
                "Regenerate the People crate ({lines} lines), total; slowest stage: {slowest_name}"
            ),
        )
        .ours(ms(total))
        .goal(format!("< {GOAL_MS:.0} ms"), total * 1000.0 < GOAL_MS),
    );
    for (name, seconds) in stages {
        let marker = if seconds == slowest { " (slowest)" } else { "" };
        section.rows.push(Row::new(ITEM, format!("  ↳ {name}{marker}")).ours(format!(
            "{} ({:.0}%)",
            ms(seconds),
            100.0 * seconds / sum
        )));
    }
    section.notes.push(format!(
        "Generation: the release build of `gapi-generator` called in-process on \
         `discovery/people.v1.json`, {} timed runs after {WARMUP} warm-up runs; each stage's \
         median and the median of the per-run totals. `emit::emit` builds tokens and formats \
         them in one public call, so the format stage is replayed in each run: the emitted \
         files are lexed back into token streams (untimed) and timed through `syn::parse2` + \
         `prettyplease::unparse` (the calls `emit` makes); the token-building share is the \
         median emit time minus the median replay, an estimate. \
         A public hook returning emit's token streams would let the two be timed directly.",
        settings.generation_runs
    ));
    Ok(())
}

/// Seconds the formatting `emit` does takes on `sources`: parse tokens as a
/// file, print it. Lexing the text back into tokens is not timed.
fn replayed_format(sources: &[gapi_generator::SourceFile]) -> Result<f64> {
    let tokens = sources
        .iter()
        .map(|file| {
            file.contents
                .parse::<proc_macro2::TokenStream>()
                .map_err(|error| anyhow::anyhow!("cannot lex {}: {error}", file.path))
        })
        .collect::<Result<Vec<_>>>()?;
    let started = Instant::now();
    for tokens in tokens {
        std::hint::black_box(prettyplease::unparse(&syn::parse2::<syn::File>(tokens)?));
    }
    Ok(started.elapsed().as_secs_f64())
}

fn corpus(root: &Path, settings: &Settings, section: &mut Section) -> Result<()> {
    let dir = root.join("../shared/discovery/corpus");
    let mut documents: Vec<_> = fs::read_dir(&dir)
        .with_context(|| format!("cannot list the corpus in {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    documents.sort();
    let mut timings = Vec::new();
    let mut failures = Vec::new();
    for path in &documents {
        let name = path.file_stem().map_or(String::new(), |stem| stem.to_string_lossy().into());
        let text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let lock = gapi_generator::Lock::default();
        if let Err(error) = gapi_generator::generate(&text, &lock) {
            failures.push(format!("{name}: {error}"));
            continue;
        }
        let seconds =
            median_seconds(settings.corpus_runs, || Ok(gapi_generator::generate(&text, &lock)?))?;
        timings.push((name, seconds));
    }
    let total: f64 = timings.iter().map(|(_, seconds)| seconds).sum();
    let slowest = timings.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let mut row = Row::new(
        ITEM,
        format!(
            "Generate all {} corpus documents (load → format, no write), sum; slowest: {}",
            documents.len(),
            slowest.map_or("none".into(), |(name, seconds)| format!("{name} {}", ms(*seconds)))
        ),
    )
    .ours(ms(total));
    if !failures.is_empty() {
        row = row.goal("all generate", false);
    }
    section.rows.push(row);
    let each: Vec<String> =
        timings.iter().map(|(name, seconds)| format!("{name} {}", ms(*seconds))).collect();
    section.notes.push(format!(
        "Corpus: `gapi_generator::generate` on each document in `../shared/discovery/corpus`, \
         median of {} runs each: {}.{}",
        settings.corpus_runs,
        each.join(", "),
        if failures.is_empty() {
            String::new()
        } else {
            format!(" Failed: {}.", failures.join("; "))
        }
    ));
    Ok(())
}

fn ms(seconds: f64) -> String {
    format!("{:.1} ms", seconds * 1000.0)
}
