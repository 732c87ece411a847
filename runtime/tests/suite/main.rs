//! The runtime's tests against servers started on 127.0.0.1, in one test
//! binary: one link and one copy of what they share, instead of one per
//! file. (`upload_memory` stays its own: it installs a counting allocator.)

mod batch;
mod client;
mod download_resume;
mod media;
mod oauth;
#[path = "../upload_server/mod.rs"]
mod upload_server;
mod upload_stream;
