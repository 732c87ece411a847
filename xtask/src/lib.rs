//! The maintainer tooling behind `cargo xtask`, kept out of the generator so
//! that a change here never changes what the generator emits: the API diff
//! between two documents and the generator's fuzz mutator.

pub mod diff;
pub mod fuzz;
