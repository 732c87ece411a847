//! Nothing but the two crates whose debug build `bench-runner` times.

pub use gapi_runtime;
pub use google_people_v1;
