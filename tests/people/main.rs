//! The People crate's tests, in one test binary: one link and one copy of
//! what they share (the People types' decoders, the fake, wiremock) instead
//! of one per file.

mod end_to_end;
mod generated_coverage;
mod people_batch;
mod people_calls;
mod people_types;
mod workflows;
