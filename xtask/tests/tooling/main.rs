//! Tests of the maintainer tooling, one binary: the API diff, the stability
//! of the generated crate's names and shapes across additive changes (judged
//! by the diff), the fuzz test of the generator, the runtime contracts, and
//! the `bump`, `fetch` and `generate` commands.

// The generator's own helpers for small test documents, shared rather than copied.
mod bump;
mod cli_names;
#[path = "../../../generator/tests/suite/common.rs"]
mod common;
mod contract;
mod diff;
mod fetch;
mod fuzz;
mod generate;
mod stability;
mod surface;
