//! The fuzz test: thousands of deterministic mutations of the corpus, the
//! corner cases and the People document, each of which must give an error or
//! a crate, never a panic, a hang or different bytes on a second run. Longer
//! runs: `cargo xtask fuzz --minutes N` (the same mutator).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use xtask::fuzz::{self, Corpus, Size, Tally};

/// Cases per `cargo test` run; `GAPI_FUZZ_CASES` and `GAPI_FUZZ_SEED` override.
const CASES: u64 = 2000;
const SEED: u64 = 15;

fn corpus() -> Corpus {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = Corpus::read(&[
        manifest.join("../discovery/people.v1.json"),
        manifest.join("../generator/tests/corner-cases"),
        manifest.join("../../shared/discovery/corpus"),
    ])
    .unwrap_or_else(|error| panic!("the fuzz corpus does not load: {error}"));
    let names: Vec<&str> = corpus.names().collect();
    assert!(
        names.contains(&"people.v1.json") && names.contains(&"corners.v1.json"),
        "the repository's documents are in the corpus: {names:?}"
    );
    corpus
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|text| text.parse().ok()).unwrap_or(default)
}

#[test]
fn thousands_of_mutated_documents_give_an_error_or_a_crate_never_a_panic() {
    let corpus = corpus();
    let (cases, seed) = (env_number("GAPI_FUZZ_CASES", CASES), env_number("GAPI_FUZZ_SEED", SEED));
    let started = Instant::now();
    // Two workers (CI has two cores), each taking every other case.
    let workers = 2;
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let corpus = &corpus;
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                scope.spawn(move || {
                    let mut tally = Tally::default();
                    for index in (worker..cases).step_by(workers as usize) {
                        let case = fuzz::case(corpus, fuzz::case_seed(seed, index), Size::Small)
                            .unwrap_or_else(|| panic!("no case from a non-empty corpus"));
                        tally.add(&case, fuzz::run(&case, Duration::from_secs(10)));
                    }
                    tally
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap_or_default()).collect()
    });
    let mut tally = Tally::default();
    for part in tallies {
        tally.merge(part);
    }
    eprintln!("fuzz, seed {seed}, {:.1}s: {tally}", started.elapsed().as_secs_f64());
    assert!(tally.failures.is_empty(), "{tally}");
    assert_eq!(tally.cases, cases);
    // Both outcomes are common: the mutations reach emit, and they are caught.
    assert!(tally.generated >= cases / 5, "too few cases generate a crate: {tally}");
    assert!(tally.refused >= cases / 5, "too few cases are refused: {tally}");
    for kind in [
        "delete-key",
        "wrong-type",
        "ref-missing",
        "ref-self",
        "hostile-name",
        "case-collision",
        "builder-collision",
        "hostile-enum",
        "inline-body",
        "deep-nesting",
        "duplicate-key",
        "truncate",
        "corrupt",
    ] {
        assert!(tally.mutations.get(kind).is_some_and(|n| *n > 0), "no {kind} mutation: {tally}");
    }
}

#[test]
fn a_case_is_decided_by_its_seed_alone() {
    let corpus = corpus();
    for index in 0..20 {
        let seed = fuzz::case_seed(SEED, index);
        for size in [Size::Small, Size::Whole] {
            let (Some(a), Some(b)) =
                (fuzz::case(&corpus, seed, size), fuzz::case(&corpus, seed, size))
            else {
                panic!("no case");
            };
            assert_eq!((&a.document, &a.mutations, &a.text), (&b.document, &b.mutations, &b.text));
        }
    }
    assert_ne!(fuzz::case_seed(SEED, 0), fuzz::case_seed(SEED, 1));
}

#[test]
fn a_panic_is_reported_as_a_failure_with_the_case() {
    let corpus = corpus();
    let Some(case) = fuzz::case(&corpus, fuzz::case_seed(SEED, 0), Size::Small) else {
        panic!("no case");
    };
    let mut tally = Tally::default();
    tally.add(&case, fuzz::Verdict::Failed("panicked: boom".into()));
    let report = tally.to_string();
    assert!(report.contains("1 failed") && report.contains("boom"), "{report}");
    assert!(report.contains(&format!("--replay {:#x} --small", case.seed)), "{report}");
}
