//! A cheap drift check: when `generated/` was made from another discovery
//! document or by another generator than the ones in this checkout, say so.
//!
//! It compares fingerprints only (no code generation), needs nothing but the
//! dependency-free `gapi-fingerprint`, and stays silent where the inputs are
//! absent, as in a packaged crate.

use std::fs;
use std::path::Path;

const DISCOVERY: &str = "discovery/people.v1.json";
const GENERATOR: &str = "generator";
const GENERATED_LIB: &str = "generated/lib.rs";

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let discovery = root.join(DISCOVERY);
    let generator = root.join(GENERATOR);
    if !discovery.is_file() || !generator.join("Cargo.toml").is_file() {
        return;
    }
    println!("cargo::rerun-if-changed={DISCOVERY}");
    println!("cargo::rerun-if-changed={GENERATOR}/src");
    println!("cargo::rerun-if-changed={GENERATOR}/Cargo.toml");
    println!("cargo::rerun-if-changed={GENERATED_LIB}");

    let expected = fs::read(&discovery).and_then(|document| {
        gapi_fingerprint::crate_sources(&generator)
            .map(|sources| gapi_fingerprint::generation(&document, &sources))
    });
    let generated = fs::read_to_string(root.join(GENERATED_LIB)).unwrap_or_default();
    match (expected, gapi_fingerprint::recorded(&generated)) {
        (Ok(expected), Some(recorded)) if expected == recorded => {}
        (Ok(_), _) => println!(
            "cargo::warning=generated/ is stale: it was not made from {DISCOVERY} by the generator in {GENERATOR}/. \
             Run `cargo xtask regen` and commit the result."
        ),
        (Err(error), _) => println!("cargo::warning=cannot check generated/ for drift: {error}"),
    }
}
