//! Bakes the fingerprint of the generator's own sources into the binary, so
//! every generated header records exactly which generator made it.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rerun-if-changed=Cargo.toml");
    match gapi_fingerprint::crate_sources(root) {
        Ok(fingerprint) => println!("cargo::rustc-env=GAPI_GENERATOR_FINGERPRINT={fingerprint}"),
        Err(error) => {
            println!(
                "cargo::error=cannot fingerprint the generator sources in {}: {error}",
                root.display()
            )
        }
    }
}
