//! A stateful, in-memory fake of Google's People API v1, served over real
//! HTTP on `127.0.0.1`, for testing code that calls the API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = google_people_v1_fake::FakePeople::start().await?;
//! // Point the client at `fake.base_url()` ("http://127.0.0.1:PORT/") with any bearer token.
//! # let _ = fake.base_url();
//! let contacts = fake.snapshot().contacts;
//! # let _ = contacts;
//! # Ok(())
//! # }
//! ```
//!
//! It implements the 24 methods of the discovery document (`people`,
//! `people.connections`, `contactGroups`, `contactGroups.members`,
//! `otherContacts`) on the same paths, with the same parameters and JSON,
//! and enforces their documented rules: required and validated field masks,
//! etag preconditions, singleton fields, batch limits, group name
//! uniqueness, opaque page and sync tokens bound to their request. Errors
//! come in Google's shape (`{"error": {"code", "message", "status", "details"}}`).
//! State is kept as People JSON, independent of any generated client types.
//!
//! It also serves Google's HTTP batch endpoint, `POST /batch`: a
//! `multipart/mixed` body of `application/http` parts, each one request of
//! the methods above, answered by a `multipart/mixed` body with one
//! `application/http` response per part, in order, `Content-ID: <x>`
//! answered as `Content-ID: <response-x>`. At most 1000 parts; a malformed
//! part is answered 400 on its own, a malformed envelope with an outer 400.
//! Each batch counts once under the id `"batch"` in [`FakePeople::served`]
//! and its parts under their own ids. Parts are not subject to the
//! mutation delay described below.
//!
//! Where the documentation leaves room, the fake decides like this:
//!
//! - a `pageSize` above a list method's documented maximum is a 400 (the
//!   search methods cap it, as documented); negative is a 400;
//! - a page token resumes at an offset into the listing's order as it is
//!   then, except for `people.connections.list` in the last-modified orders
//!   (the default, which syncs use): there it resumes after the last contact
//!   listed, so that a contact edited or deleted during a paged full sync
//!   never pushes an unchanged one out of it; a contact changed meanwhile may
//!   be listed twice, and comes with the next incremental sync in any case;
//! - a page token pins every other parameter except `pageSize`; a sync token
//!   every other parameter except `pageSize`, `pageToken`, `syncToken` and
//!   `requestSyncToken`;
//! - an empty `readMask` on batch create and update skips the read: each
//!   person carries only `resourceName` and `etag`;
//! - batch mutations are all or nothing: one invalid item (or stale etag)
//!   fails the request and changes nothing;
//! - `sources` and `mergeSources` values are validated but select nothing,
//!   as every fake resource has a single source;
//! - other contacts and the directory come from the seed and are read-only;
//! - a known path with the wrong HTTP method is a 404 naming the right one.
//!
//! # What the documentation asks of clients, modelled
//!
//! The method descriptions ask clients to work around behaviours of the real
//! service. The fake has them too, so that a client's handling of them is
//! tested against behaviour:
//!
//! - **Sync tokens expire.** "Sync tokens expire 7 days after the full
//!   sync": a token remembers when its full sync began, on a [`FakeClock`]
//!   the test controls ([`FakePeopleBuilder::clock`], [`FakePeople::clock`]),
//!   and [`SYNC_TOKEN_LIFETIME`] later it gets Google's answer, HTTP 400
//!   `FAILED_PRECONDITION` with a `google.rpc.ErrorInfo` detail whose reason
//!   is `EXPIRED_SYNC_TOKEN` (domain `people.googleapis.com`). Tokens from
//!   incremental syncs keep the time of the full sync they descend from.
//!   This applies to `people.connections.list` and `otherContacts.list`,
//!   whose documentation says so; the other sync tokens do not expire.
//! - **Deletions come back marked.** With a sync token, deleted contacts
//!   (and groups) are listed as `{"resourceName", "metadata": {"deleted": true}}`.
//! - **The first page of a full sync has its own quota.**
//!   [`FakePeopleBuilder::full_sync_rate_limit`] (or
//!   [`FakePeople::full_sync_rate_limit`] mid-test) makes the next full
//!   syncs (`requestSyncToken=true` without `syncToken` or `pageToken`) of
//!   those two methods fail with 429 `RESOURCE_EXHAUSTED`, a `Retry-After`
//!   header (whole seconds, rounded up) and a `google.rpc.RetryInfo` detail.
//! - **Writes propagate to sync reads with a delay.**
//!   [`FakePeopleBuilder::sync_propagation_delay`]: changes younger than it
//!   (on the clock) are left out of incremental syncs of those two methods,
//!   and come with a later sync once the clock has moved past it. Full
//!   listings and reads see every change at once. Default: none.
//! - **Searches answer from a cache.** "Before searching, clients should
//!   send a warmup request with an empty query to update the cache": with
//!   [`FakePeopleBuilder::search_cache`] on (the default), `searchContacts`
//!   answers from the contacts as they were at the last warm-up request
//!   (an empty `query`), or at the start: contacts created since are
//!   missing, changed ones are found by their old values, deleted ones are
//!   still found. Other contacts never change, so `otherContacts.search` is
//!   never behind. With the cache off, searches see the data as it is.
//! - **Concurrent mutations of one user fail.** "Mutate requests for the
//!   same user should be sent sequentially to avoid increased latency and
//!   failures": with [`FakePeopleBuilder::mutation_delay`] (real time; zero,
//!   the default, turns this off), every mutation (any method but GET) is
//!   processed for that long, and a mutation that arrives while another is
//!   in flight is refused with 409 `ABORTED` ("The request was aborted
//!   because of a concurrent mutation for the same user"), Google's code for
//!   a concurrency conflict. This is the fake's model of the documented
//!   "increased latency and failures"; the fake is one user, so every
//!   mutation counts. Reads are never delayed or refused.

#![forbid(unsafe_code)]

mod batch;
mod clock;
mod directory;
mod dispatch;
mod error;
mod groups;
mod listing;
mod mask;
mod other_contacts;
mod partial;
mod people;
mod person;
mod photo;
mod query;
mod router;
mod search;
mod seed;
mod server;
mod store;
mod tokens;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use clock::FakeClock;
pub use seed::{Seed, SeedError};

use dispatch::Shared;
use store::{Behaviour, Store};

/// How long after its full sync a sync token of `people.connections.list`
/// or `otherContacts.list` expires, on the fake's [`FakeClock`]: 7 days,
/// as documented.
pub const SYNC_TOKEN_LIFETIME: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// A running fake server. It stops when dropped, or with [`shutdown`](Self::shutdown).
#[derive(Debug)]
pub struct FakePeople {
    base_url: String,
    address: SocketAddr,
    shared: Arc<Shared>,
    task: Option<JoinHandle<()>>,
}

impl FakePeople {
    /// Starts an empty fake on a free port of `127.0.0.1`, accepting any
    /// bearer token. Must be called within a Tokio runtime.
    pub async fn start() -> Result<Self, StartError> {
        Self::builder().start().await
    }

    /// Configures a fake before starting it: seed data, token, port.
    pub fn builder() -> FakePeopleBuilder {
        FakePeopleBuilder::default()
    }

    /// The URL clients join API paths onto: `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The socket the fake listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Everything the fake holds now, in the shape of a [`Seed`]: contacts
    /// and groups as the API returns them with every field requested.
    pub fn snapshot(&self) -> Seed {
        self.shared.lock().snapshot()
    }

    /// The clock sync token ages and propagation are measured on; advance it
    /// to let time pass for the fake.
    pub fn clock(&self) -> FakeClock {
        self.shared.lock().clock().clone()
    }

    /// From now on, the first page of the next `times` full syncs is refused
    /// with 429 and `Retry-After: retry_after` (see the crate docs).
    pub fn full_sync_rate_limit(&self, times: u32, retry_after: Duration) {
        self.shared.lock().refuse_full_syncs(times, retry_after);
    }

    /// From now on, each mutation is in flight for `delay` and concurrent
    /// ones are refused with 409 `ABORTED`; zero turns that off.
    pub fn set_mutation_delay(&self, delay: Duration) {
        self.shared.set_mutation_delay(delay);
    }

    /// From now on, incremental syncs leave out changes younger than `delay`.
    pub fn set_sync_propagation_delay(&self, delay: Duration) {
        self.shared.lock().behaviour_mut().propagation_delay = delay;
    }

    /// Turns the search cache on or off from now on (see the crate docs).
    pub fn set_search_cache(&self, on: bool) {
        self.shared.lock().behaviour_mut().search_cache = on;
    }

    /// How many requests of the method `id` (`people.people.get`) the fake
    /// has answered, whatever the answer: for tests that count what a
    /// client sends.
    pub fn served(&self, id: &str) -> usize {
        self.shared.served(id)
    }

    /// The fake's own test hook, not Google behaviour: from now on, the next
    /// `times` requests of the method `method_id` (`people.people.get`,
    /// alone or as a part of a batch; `"batch"` for whole batch requests)
    /// are answered with the HTTP error `status` and a Google error body
    /// (`RESOURCE_EXHAUSTED` for 429, `UNAVAILABLE` for 503, `NOT_FOUND` for
    /// 404, `INTERNAL` for 500, ...), with `Retry-After` and a `RetryInfo`
    /// detail when `retry_after` is given, without running the method, so
    /// that a client's retries and error handling can be tested. They still
    /// count in [`served`](Self::served). A later call for the same method
    /// replaces this one; `times == 0` cancels it. An id the fake does not
    /// serve never matches, as with `served`.
    pub fn fail_next(
        &self,
        method_id: &str,
        times: u32,
        status: u16,
        retry_after: Option<Duration>,
    ) {
        self.shared.fail_next(method_id, times, status, retry_after);
    }

    /// One contact (`people/c<number>`) with every field, if it exists.
    pub fn contact(&self, resource_name: &str) -> Option<Value> {
        self.shared.lock().contact(resource_name).ok().map(store::Contact::to_person)
    }

    /// Stops accepting connections, closes open ones and waits until the
    /// port is released.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            // The task ends as cancelled: that is the expected outcome.
            let _ = task.await;
        }
    }
}

impl Drop for FakePeople {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Options for [`FakePeople`]; from [`FakePeople::builder`].
#[derive(Debug, Default)]
pub struct FakePeopleBuilder {
    seed: Seed,
    token: Option<String>,
    port: u16,
    behaviour: Behaviour,
    full_sync_refusals: (u32, Duration),
    mutation_delay: Duration,
}

impl FakePeopleBuilder {
    /// Starts with this data instead of an empty account.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// Accepts only `Authorization: Bearer <token>`; other tokens get 401.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Listens on this port of `127.0.0.1`; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Measures sync token ages and propagation on `clock` (default: a new
    /// one, standing still); keep a clone to advance it.
    pub fn clock(mut self, clock: FakeClock) -> Self {
        self.behaviour.clock = clock;
        self
    }

    /// Refuses the first page of the first `times` full syncs with 429
    /// `RESOURCE_EXHAUSTED` and `Retry-After: retry_after`.
    pub fn full_sync_rate_limit(mut self, times: u32, retry_after: Duration) -> Self {
        self.full_sync_refusals = (times, retry_after);
        self
    }

    /// Leaves changes younger than `delay` (on the clock) out of incremental
    /// syncs. Default: zero.
    pub fn sync_propagation_delay(mut self, delay: Duration) -> Self {
        self.behaviour.propagation_delay = delay;
        self
    }

    /// Whether searches answer from the cache of the last warm-up (default:
    /// on, as documented) or from the data as it is.
    pub fn search_cache(mut self, on: bool) -> Self {
        self.behaviour.search_cache = on;
        self
    }

    /// Holds each mutation in flight for `delay` (real time) and refuses
    /// concurrent ones with 409 `ABORTED`. Default: zero, no contention.
    pub fn mutation_delay(mut self, delay: Duration) -> Self {
        self.mutation_delay = delay;
        self
    }

    /// Loads the seed, binds the port and starts serving on a spawned task.
    /// Connections are accepted as soon as this returns.
    pub async fn start(self) -> Result<FakePeople, StartError> {
        let mut store = Store::from_seed(self.seed, self.behaviour)?;
        let (times, retry_after) = self.full_sync_refusals;
        store.refuse_full_syncs(times, retry_after);
        let requested = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let bind_error = |source| StartError::Bind { address: requested, source };
        let listener = TcpListener::bind(requested).await.map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let shared = Arc::new(Shared::new(store, self.token, self.mutation_delay));
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(FakePeople { base_url: format!("http://{address}/"), address, shared, task: Some(task) })
    }
}

/// Why a fake could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The seed breaks a rule of the API.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The port could not be bound.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
}
