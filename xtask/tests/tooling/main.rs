//! Tests of the maintainer tooling, one binary: the API diff, the stability
//! of the generated crate's names and shapes across additive changes (judged
//! by the diff), and the fuzz test of the generator.

// The generator's own helpers for small test documents, shared rather than copied.
#[path = "../../../generator/tests/suite/common.rs"]
mod common;
mod diff;
mod fuzz;
mod stability;
mod surface;
