//! Content fingerprints of the code generator's inputs.
//!
//! The generator writes a fingerprint of its inputs (the discovery document and
//! the generator's own sources) into the header of every generated file; the
//! People crate's build script recomputes it to notice a stale `generated/`.
//! Both sides call this crate, so they cannot disagree, and it has no
//! dependencies, so the build script costs downstream users nothing.
//!
//! The hash is 128-bit FNV-1a: drift detection needs stability across machines
//! and toolchains, not resistance to a deliberate collision. Text is hashed with
//! `\r\n` folded to `\n` so a checkout with Windows line endings agrees.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The line of a generated file's header that carries the fingerprint.
pub const HEADER_PREFIX: &str = "// fingerprint: ";

/// An incremental 128-bit FNV-1a hasher over text with normalised line endings.
#[derive(Clone, Debug)]
pub struct Fingerprinter {
    state: u128,
}

const FNV_OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
const FNV_PRIME: u128 = 0x0000000001000000000000000000013b;

impl Default for Fingerprinter {
    fn default() -> Self {
        Self { state: FNV_OFFSET }
    }
}

impl Fingerprinter {
    /// Starts an empty fingerprint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a labelled piece of text; the label and length keep pieces apart.
    pub fn add(&mut self, label: &str, content: &[u8]) -> &mut Self {
        self.bytes(label.as_bytes());
        self.bytes(&[0]);
        let normalised = normalise_newlines(content);
        self.bytes(&(normalised.len() as u64).to_le_bytes());
        self.bytes(&normalised);
        self
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.state ^= u128::from(byte);
            self.state = self.state.wrapping_mul(FNV_PRIME);
        }
    }

    /// The fingerprint as 32 lowercase hex digits.
    pub fn finish(&self) -> String {
        format!("{:032x}", self.state)
    }
}

fn normalise_newlines(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len());
    let mut bytes = content.iter().peekable();
    while let Some(&byte) = bytes.next() {
        if byte == b'\r' && bytes.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(byte);
    }
    out
}

/// Fingerprints a crate's sources: its `Cargo.toml` and every `.rs` file below
/// its `src/`, each labelled with its `/`-separated path, in sorted order.
/// Tests, benches and examples are left out: they do not change the output.
pub fn crate_sources(crate_dir: &Path) -> io::Result<String> {
    let mut files = vec![("Cargo.toml".to_owned(), crate_dir.join("Cargo.toml"))];
    collect_sources(crate_dir, &crate_dir.join("src"), &mut files)?;
    files.sort();
    let mut fingerprint = Fingerprinter::new();
    for (label, path) in &files {
        fingerprint.add(label, &fs::read(path)?);
    }
    Ok(fingerprint.finish())
}

fn collect_sources(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_sources(root, &path, out)?;
            continue;
        }
        if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let label = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((label, path));
        }
    }
    Ok(())
}

/// The fingerprint of one generation: the discovery document's bytes and the
/// fingerprint of the generator that turned them into code.
pub fn generation(discovery: &[u8], generator: &str) -> String {
    Fingerprinter::new().add("discovery", discovery).add("generator", generator.as_bytes()).finish()
}

/// Reads the fingerprint recorded in a generated file's header, if any.
pub fn recorded(generated_source: &str) -> Option<&str> {
    generated_source
        .lines()
        .take_while(|line| line.starts_with("//"))
        .find_map(|line| line.strip_prefix(HEADER_PREFIX))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lf_text_fingerprint_alike() {
        let lf = Fingerprinter::new().add("a", b"x\ny\n").finish();
        let crlf = Fingerprinter::new().add("a", b"x\r\ny\r\n").finish();
        assert_eq!(lf, crlf);
    }

    #[test]
    fn labels_and_boundaries_change_the_fingerprint() {
        let one = Fingerprinter::new().add("a", b"xy").finish();
        let split = Fingerprinter::new().add("a", b"x").add("", b"y").finish();
        let relabelled = Fingerprinter::new().add("b", b"xy").finish();
        assert_ne!(one, split);
        assert_ne!(one, relabelled);
        assert_eq!(one.len(), 32);
    }

    #[test]
    fn recorded_fingerprint_is_read_from_the_header_only() {
        let source = "// @generated\n// fingerprint: abc123\n\nfn f() {}\n// fingerprint: later\n";
        assert_eq!(recorded(source), Some("abc123"));
        assert_eq!(recorded("fn f() {}\n// fingerprint: x\n"), None);
    }
}
