//! Nothing but the two crates whose debug build `bench-runner` times.

pub use google_apis_common;
pub use google_people1;
