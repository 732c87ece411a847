//! The generated `people` program's tests, in one test binary: one link
//! and one copy of what they share instead of one per file.

mod against_fake;
mod batch;
mod paging;
mod requests_and_credentials;
