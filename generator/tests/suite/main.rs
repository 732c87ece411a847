//! The generator's integration tests, one binary: every stage on small
//! hand-written documents, the bad-input rules, every document generating,
//! and the workflows derived from the document. The API diff, the stability
//! of names across additive changes and the fuzz test exercise the tooling
//! and live with it, in `xtask/tests/tooling/`.

mod bad_input;
mod common;
mod emit;
mod every_document;
mod resolve_methods;
mod resolve_types;
mod workflows;
