//! What an API's documentation asks every client to do around its calls, done
//! once here: incremental sync ([`Synced`]), search warm-up, mutations of one
//! user sent one at a time, and read-modify-write on a stale etag ([`Merged`]).
//! The generator decides from the document which methods need which; the
//! [`crate::ClientBuilder`] can turn the automatic ones off.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::MutexGuard;

use crate::api::{HttpMethod, MethodSpec};
use crate::client::Client;
use crate::error::Error;
use crate::paginate;
use crate::request::Request;
use crate::response_body::ResponseBody;

/// The result of a sync that ran to its last page.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Synced<T> {
    /// Every item of a full sync; on an incremental one, the items changed
    /// since the token, deleted ones included and marked by the API (People:
    /// `metadata.deleted`).
    pub items: Vec<T>,
    /// The token to store and pass to the next sync (the API's `nextSyncToken`).
    pub next_sync_token: Option<String>,
    /// Whether this was a full sync: no token was given, or it had expired
    /// and [`OnExpiry::FullSync`] restarted.
    pub full: bool,
    /// Whether the token given had expired and a full sync ran instead.
    pub restarted: bool,
}

/// What a sync does when its token has expired (People: seven days after the
/// full sync; the error's [`Error::is_sync_token_expired`] says so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnExpiry {
    /// Return the error, so that the caller can decide.
    Fail,
    /// Start again with a full sync; [`Synced::restarted`] tells.
    FullSync,
}

/// The result of a read-modify-write: the update's response, how many
/// change-update rounds it took (more than one after a stale etag) and how
/// many reads.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Merged<T> {
    /// The update's response.
    pub value: T,
    /// 1 when the first update went through.
    pub attempts: u32,
    /// How many reads it made: 0 when it started from the copy the client
    /// kept from the last write of the resource and nobody else had changed it.
    pub reads: u32,
}

/// How many rounds a read-modify-write makes before it returns the conflict.
pub const MERGE_ATTEMPTS: u32 = 5;

/// How many times the first page of a full sync is asked again after a 429
/// once the retry policy has given up: it has a quota of its own.
const FULL_SYNC_RATE_LIMIT_RETRIES: u32 = 3;

/// The wait after such a 429 when the server names none.
const FULL_SYNC_RATE_LIMIT_DELAY: Duration = Duration::from_secs(5);

/// The parameters a sync works with, from the document.
#[derive(Clone, Copy, Debug)]
pub struct SyncParams {
    /// `pageToken`.
    pub page_token: &'static str,
    /// `syncToken`.
    pub sync_token: &'static str,
    /// `requestSyncToken`, for APIs that give a token only when asked.
    pub request_sync_token: Option<&'static str>,
}

/// A client's state for the automatic workflows.
#[derive(Debug)]
pub(crate) struct Workflows {
    /// One turn at a time for the mutations of the client's user.
    mutations: tokio::sync::Mutex<()>,
    sequential: bool,
    /// Searches re-warm after this long without one; `None`: no warm-ups.
    warmup_idle: Option<Duration>,
    /// When each search method was last warmed up or used.
    warmed: Mutex<HashMap<&'static str, Instant>>,
}

/// Searches warm up again after this long without a search.
pub(crate) const DEFAULT_WARMUP_IDLE: Duration = Duration::from_secs(5 * 60);

impl Workflows {
    pub(crate) fn new(sequential: bool, warmup_idle: Option<Duration>) -> Self {
        Self {
            mutations: tokio::sync::Mutex::new(()),
            sequential,
            warmup_idle,
            warmed: Mutex::new(HashMap::new()),
        }
    }

    /// The turn of a sequential mutation, held until it is done; `None` for
    /// every other call.
    pub(crate) async fn turn(&self, spec: &MethodSpec) -> Option<MutexGuard<'_, ()>> {
        if self.sequential && spec.sequential { Some(self.mutations.lock().await) } else { None }
    }

    /// Whether `request` is a search that should be preceded by a warm-up
    /// (never warmed, idle too long); records the search either way.
    fn needs_warmup(&self, request: &Request) -> Option<&'static str> {
        let (idle, param) = (self.warmup_idle?, request.spec().warmup_query?);
        if request.query(param).all(str::is_empty) {
            return None;
        }
        let mut warmed = self.warmed.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let last = warmed.insert(request.spec().id, now);
        last.is_none_or(|last| now.duration_since(last) > idle).then_some(param)
    }

    /// A successful mutation: the search caches may be behind it now.
    fn changed_data(&self) {
        if self.warmup_idle.is_some() {
            self.warmed.lock().unwrap_or_else(PoisonError::into_inner).clear();
        }
    }

    /// A failed warm-up: try again before the next search.
    fn forget_warmup(&self, spec: &MethodSpec) {
        self.warmed.lock().unwrap_or_else(PoisonError::into_inner).remove(spec.id);
    }
}

impl Client {
    /// Before a search whose documentation asks for it, the warm-up request:
    /// the same call with an empty query. A failed warm-up is logged and the
    /// search goes ahead.
    pub(crate) async fn warm_up(&self, request: &Request) {
        let Some(param) = self.workflows().needs_warmup(request) else {
            return;
        };
        let mut warmup = request.clone();
        warmup.set_query(param, String::new());
        // Boxed: most calls make no warm-up, and every call's future would
        // otherwise hold room for this one's.
        if let Err(error) = Box::pin(self.send_once(&warmup)).await {
            self.workflows().forget_warmup(request.spec());
            tracing::warn!(
                method = request.spec().id,
                status = error.status(),
                "search warm-up failed; searching anyway"
            );
        }
    }

    /// After a call: a mutation that went through leaves the search caches behind.
    pub(crate) fn after_call(&self, spec: &MethodSpec, succeeded: bool) {
        if succeeded && spec.http_method != HttpMethod::Get {
            self.workflows().changed_data();
        }
    }
}

/// Runs a sync to its last page: pages `request` (with `token`, when there is
/// one) and gathers the items `split` takes out of each page, with the next
/// page's token and, on the last page, the next sync's.
pub(crate) async fn sync<P, T, F>(
    client: &Client,
    mut request: Request,
    params: SyncParams,
    token: Option<String>,
    on_expiry: OnExpiry,
    split: F,
) -> Result<Synced<T>, Error>
where
    P: ResponseBody,
    F: Fn(P) -> (Vec<T>, Option<String>, Option<String>),
{
    if let Some(flag) = params.request_sync_token {
        request.set_query(flag, "true".to_owned());
    }
    let mut token = token.filter(|token| !token.is_empty());
    let mut restarted = false;
    'sync: loop {
        let full = token.is_none();
        let mut page_request = request.clone();
        page_request.set_query_all(params.sync_token, token.clone());
        let mut items = Vec::new();
        let mut first_page = true;
        let mut rate_limited = 0;
        loop {
            let page: P = match client.execute_json(&page_request).await {
                Ok(page) => page,
                Err(error)
                    if first_page
                        && !full
                        && on_expiry == OnExpiry::FullSync
                        && error.is_sync_token_expired() =>
                {
                    tracing::info!(method = request.spec().id, "sync token expired; full sync");
                    token = None;
                    restarted = true;
                    continue 'sync;
                }
                Err(error)
                    if first_page
                        && full
                        && error.is_rate_limited()
                        && rate_limited < FULL_SYNC_RATE_LIMIT_RETRIES =>
                {
                    rate_limited += 1;
                    let delay = error.retry_delay().unwrap_or(FULL_SYNC_RATE_LIMIT_DELAY);
                    tokio::time::sleep(delay).await;
                    continue;
                }
                Err(error) => return Err(error),
            };
            first_page = false;
            let (page_items, next_page, next_sync_token) = split(page);
            items.extend(page_items);
            match paginate::following(page_request, params.page_token, next_page)? {
                Some(next) => page_request = next,
                None => return Ok(Synced { items, next_sync_token, full, restarted }),
            }
        }
    }
}

/// The answer that tells a merge helper its etag was stale: the generator
/// decides it per API from the document and records it in the surface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// 400 `FAILED_PRECONDITION` (People), [`Error::is_etag_conflict`].
    FailedPrecondition,
    /// 409 `ABORTED`, as APIs following Google's AIP-154 answer.
    Aborted,
}

impl Conflict {
    fn answered_by(self, error: &Error) -> bool {
        match self {
            Self::FailedPrecondition => error.is_etag_conflict(),
            Self::Aborted => error.status() == Some(409) && error.has_status("ABORTED"),
        }
    }
}

/// Where a merge helper's first round may start: the copy of `kind` named
/// `key` that the client kept from the last write's answer, when it holds
/// every field `changes` names (`None`: the update replaces the whole
/// resource) and the field the update reads the etag from.
#[derive(Clone, Copy, Debug)]
pub struct Latest<'a> {
    /// The client the helper's calls go through.
    pub client: &'a Client,
    /// The resource's type, as the write's [`crate::__private::KeepSpec`] names it.
    pub kind: &'static str,
    /// The resource's name.
    pub key: &'a str,
    /// The update's field mask.
    pub changes: Option<&'a crate::wire::FieldMask>,
    /// The top-level field holding the etag the update checks, when it is
    /// not the resource's own `etag` (People: `metadata`, for
    /// `metadata.sources.etag`).
    pub etag_at: Option<&'static str>,
}

/// Applies `change` to the latest resource and sends it back with the etag
/// it came with: the copy the client kept from the last write of it when
/// there is one, otherwise a fresh read. On a stale etag (the `conflict`
/// answer) reads and does it again, up to [`MERGE_ATTEMPTS`] rounds. Without
/// `latest` (the update cannot name its resource) every round reads.
pub async fn merge<B, R, Read, ReadFuture, Write, WriteFuture>(
    conflict: Conflict,
    latest: Option<Latest<'_>>,
    mut read: Read,
    mut change: impl FnMut(&mut B),
    mut write: Write,
) -> Result<Merged<R>, Error>
where
    B: ResponseBody,
    Read: FnMut() -> ReadFuture,
    ReadFuture: Future<Output = Result<B, Error>>,
    Write: FnMut(B) -> WriteFuture,
    WriteFuture: Future<Output = Result<R, Error>>,
{
    let mut start = latest
        .and_then(|latest| latest.client.kept().take(&latest))
        .and_then(|json| B::from_json(json.as_bytes()).ok());
    let (mut attempts, mut reads) = (1, 0);
    loop {
        let mut resource = match start.take() {
            Some(kept) => kept,
            None => {
                reads += 1;
                read().await?
            }
        };
        change(&mut resource);
        match write(resource).await {
            Ok(value) => return Ok(Merged { value, attempts, reads }),
            Err(error) if conflict.answered_by(&error) && attempts < MERGE_ATTEMPTS => {
                tracing::debug!(attempts, "stale etag; reading again");
                attempts += 1;
            }
            Err(error) => return Err(error),
        }
    }
}
