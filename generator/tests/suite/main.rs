//! The generator's integration tests, one binary: every stage on small
//! hand-written documents, the bad-input rules, and the API diff.

mod bad_input;
mod common;
mod diff;
mod emit;
mod resolve_methods;
mod resolve_types;
