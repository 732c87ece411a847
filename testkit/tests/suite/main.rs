//! The testkit's tests that leave the process's environment and tracing
//! alone, in one test binary: credential files, the fault proxy, the soak
//! and the load. (`canary`, `environment` and `installed_app` set
//! environment variables or a global subscriber, so each keeps its own.)

mod credentials_files;
mod faults;
mod soak;
