//! The fake over real HTTP, one module per area. Each test starts its own
//! fake, sends the requests a client would, and asserts the HTTP status,
//! the error body's `status` and the JSON returned.

mod batches;
mod concurrency;
mod contacts;
mod directory;
mod documented;
mod groups;
mod http_batch;
mod listing;
mod other_contacts;
mod photos;
mod seeding;
mod standard_parameters;
mod support;
mod updates;
