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
//! Where the documentation leaves room, the fake decides like this:
//!
//! - a `pageSize` above a list method's documented maximum is a 400 (the
//!   search methods cap it, as documented); negative is a 400;
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

#![forbid(unsafe_code)]

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

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use seed::{Seed, SeedError};

use dispatch::Shared;
use store::Store;

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

    /// Loads the seed, binds the port and starts serving on a spawned task.
    /// Connections are accepted as soon as this returns.
    pub async fn start(self) -> Result<FakePeople, StartError> {
        let store = Store::from_seed(self.seed)?;
        let requested = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let bind_error = |source| StartError::Bind { address: requested, source };
        let listener = TcpListener::bind(requested).await.map_err(bind_error)?;
        let address = listener.local_addr().map_err(bind_error)?;
        let shared = Arc::new(Shared::new(store, self.token));
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
