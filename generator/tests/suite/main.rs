//! The generator's integration tests, one binary: every stage on small
//! hand-written documents, the bad-input rules, the API diff, and the
//! stability of names and shapes across additive changes.

mod bad_input;
mod common;
mod diff;
mod emit;
mod every_document;
mod fuzz;
mod resolve_methods;
mod resolve_types;
mod stability;
mod workflows;
