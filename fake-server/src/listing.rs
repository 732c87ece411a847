//! Paging and sync for the list methods: `pageSize` rules, and page and sync
//! tokens that only work with the parameters of the call that issued them
//! ("all other parameters must match the first call").
//!
//! A page is an offset into the listing's current order. Writes between
//! pages can shift items; that is why a sync token covers everything from
//! the revision at which the *first* page was read.

use serde_json::Value;

use crate::error::ApiError;
use crate::query::Query;
use crate::tokens::{Cursor, Token, TokenCodec, TokenKind};

/// Parameters a page token does not pin: the page position itself, and the
/// page size, which clients may change between pages.
const PAGE_INDEPENDENT: &[&str] = &["pageToken", "pageSize"];

/// Parameters a sync token does not pin.
const SYNC_INDEPENDENT: &[&str] = &["pageToken", "pageSize", "syncToken", "requestSyncToken"];

/// What to do with a `pageSize` above the documented maximum.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AboveMaximum {
    /// "Valid values are between 1 and N": a larger value is a 400.
    Reject,
    /// "Values greater than N will be capped to N".
    Cap,
}

/// The documented `pageSize` of one method.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageSize {
    pub(crate) default: usize,
    pub(crate) maximum: usize,
    pub(crate) above_maximum: AboveMaximum,
}

impl PageSize {
    /// The page size requested: unset or 0 is the default, negative is a 400.
    pub(crate) fn read(self, query: &Query) -> Result<usize, ApiError> {
        match query.integer("pageSize")? {
            None | Some(0) => Ok(self.default),
            Some(size) if size < 0 => {
                Err(ApiError::invalid_field("pageSize", "pageSize must not be negative."))
            }
            Some(size) => match (usize::try_from(size), self.above_maximum) {
                (Ok(size), _) if size <= self.maximum => Ok(size),
                (_, AboveMaximum::Cap) => Ok(self.maximum),
                (_, AboveMaximum::Reject) => Err(ApiError::invalid_field(
                    "pageSize",
                    format!("pageSize must be between 1 and {}.", self.maximum),
                )),
            },
        }
    }
}

/// Where the store stands when a listing page is read; from [`Store::moment`](crate::store::Store::moment).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moment {
    /// The revision of the last mutation.
    pub(crate) revision: u64,
    /// The last revision incremental syncs can see: changes younger than the
    /// propagation delay come after it.
    pub(crate) visible_revision: u64,
    /// The fake clock, in milliseconds since it was made.
    pub(crate) now_ms: u64,
}

impl Moment {
    /// A moment without propagation delay, at clock time 0 (for unit tests).
    #[cfg(test)]
    pub(crate) fn at(revision: u64) -> Self {
        Self { revision, visible_revision: revision, now_ms: 0 }
    }
}

/// Which of the documented sync rules a list method follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syncs {
    /// No sync tokens: `syncToken` is not read.
    Never,
    /// Sync tokens that do not expire (`contactGroups.list`, the directory).
    Tokens,
    /// "Sync tokens expire 7 days after the full sync", and "writes may have
    /// a propagation delay of several minutes for sync requests"
    /// (`people.connections.list`, `otherContacts.list`).
    Documented,
}

/// One page request of a listing, its tokens checked.
#[derive(Debug)]
pub(crate) struct Listing {
    offset: usize,
    /// From a page token of a listing paged by key: the last item listed.
    after: Option<Cursor>,
    page_size: usize,
    /// The store revision the listing covers: on the first page, the
    /// revision then (for an incremental sync, the last one it can see).
    snapshot: u64,
    /// With a sync token: only what changed after this revision.
    pub(crate) changed_since: Option<u64>,
    /// When the full sync began, in clock milliseconds: now for a first
    /// page, otherwise carried by the tokens.
    synced_at: u64,
    page_params: u64,
    sync_params: u64,
}

impl Listing {
    /// Reads `pageSize`, `pageToken` and (unless [`Syncs::Never`]) `syncToken`;
    /// an expired sync token is the documented `EXPIRED_SYNC_TOKEN` error.
    pub(crate) fn begin(
        query: &Query,
        tokens: &TokenCodec,
        moment: Moment,
        page_size: PageSize,
        syncs: Syncs,
    ) -> Result<Self, ApiError> {
        let page_params = query.fingerprint(PAGE_INDEPENDENT);
        let sync_params = query.fingerprint(SYNC_INDEPENDENT);
        let page_size = page_size.read(query)?;
        let page = match query.non_empty("pageToken")? {
            None => None,
            Some(text) => Some(decode(tokens, text, "pageToken", TokenKind::Page, page_params)?),
        };
        let sync = match query.non_empty("syncToken")? {
            Some(text) if syncs != Syncs::Never => {
                Some(decode(tokens, text, "syncToken", TokenKind::Sync, sync_params)?)
            }
            _ => None,
        };
        if let Some(sync) = sync {
            if syncs == Syncs::Documented
                && moment.now_ms.saturating_sub(sync.synced_at) >= lifetime_ms()
            {
                return Err(ApiError::expired_sync_token());
            }
        }
        let changed_since = sync.map(|sync| sync.revision);
        let synced_at = sync.or(page).map_or(moment.now_ms, |token| token.synced_at);
        let after = page.and_then(|token| token.after);
        let (offset, snapshot) = match page {
            Some(token) => (
                usize::try_from(token.offset)
                    .map_err(|_| ApiError::invalid_field("pageToken", "Invalid pageToken."))?,
                token.revision,
            ),
            None => match changed_since {
                // Changes since the token that have propagated; never behind the token.
                Some(since) if syncs == Syncs::Documented => {
                    (0, since.max(moment.visible_revision))
                }
                _ => (0, moment.revision),
            },
        };
        Ok(Self {
            offset,
            after,
            page_size,
            snapshot,
            changed_since,
            synced_at,
            page_params,
            sync_params,
        })
    }

    /// Whether a resource last changed at `revision` belongs in this listing:
    /// every one in a full listing; in an incremental sync, those changed
    /// after the token and up to the revision the sync covers (later ones
    /// come with the next sync).
    pub(crate) fn includes(&self, revision: u64) -> bool {
        self.changed_since.is_none_or(|since| since < revision && revision <= self.snapshot)
    }

    /// This request's page of `items` and the token for the next one, if
    /// any: the page starts at the token's offset into `items` as they are
    /// now, so items that move or go away between pages shift the others.
    pub(crate) fn page<T>(&self, items: Vec<T>, tokens: &TokenCodec) -> (Vec<T>, Option<String>) {
        let total = items.len();
        let end = self.offset.saturating_add(self.page_size).min(total);
        let page = items.into_iter().skip(self.offset).take(self.page_size).collect();
        let next = (end < total).then(|| self.next_page(end, None, tokens));
        (page, next)
    }

    /// Like [`Self::page`], for `items` sorted by `key`: the page starts
    /// after the last item the previous page listed, wherever the others
    /// went meanwhile. An item that changed after the listing began may be
    /// listed twice (where it was, and where it is now) and one that moved
    /// before the position reached not at all, but both carry a revision
    /// after the listing's snapshot, so the next incremental sync has them;
    /// an unchanged item is never skipped.
    pub(crate) fn page_by_key<T>(
        &self,
        items: Vec<T>,
        key: impl Fn(&T) -> Cursor,
        tokens: &TokenCodec,
    ) -> (Vec<T>, Option<String>) {
        let total = items.len();
        let start = match self.after {
            Some(after) => items.partition_point(|item| key(item) <= after),
            None => self.offset.min(total),
        };
        let end = start.saturating_add(self.page_size).min(total);
        let page: Vec<T> = items.into_iter().skip(start).take(self.page_size).collect();
        let next = match page.last() {
            Some(last) if end < total => Some(self.next_page(end, Some(key(last)), tokens)),
            _ => None,
        };
        (page, next)
    }

    fn next_page(&self, offset: usize, after: Option<Cursor>, tokens: &TokenCodec) -> String {
        tokens.encode(Token {
            kind: TokenKind::Page,
            offset: offset as u64,
            revision: self.snapshot,
            params: self.page_params,
            synced_at: self.synced_at,
            after,
        })
    }

    /// Completes a list response: the page's items under `key` (left out
    /// when there are none), then `nextPageToken`, or on the last page
    /// `nextSyncToken` when `with_sync_token`.
    pub(crate) fn complete(
        &self,
        response: &mut Value,
        key: &str,
        items: Vec<Value>,
        next_page_token: Option<String>,
        with_sync_token: bool,
        tokens: &TokenCodec,
    ) {
        if !items.is_empty() {
            response[key] = Value::Array(items);
        }
        if let Some(token) = next_page_token {
            response["nextPageToken"] = Value::String(token);
        } else if with_sync_token {
            response["nextSyncToken"] = Value::String(self.sync_token(tokens));
        }
    }

    /// A sync token covering every change up to the first page's read.
    fn sync_token(&self, tokens: &TokenCodec) -> String {
        tokens.encode(Token {
            kind: TokenKind::Sync,
            offset: 0,
            revision: self.snapshot,
            params: self.sync_params,
            synced_at: self.synced_at,
            after: None,
        })
    }
}

/// [`crate::SYNC_TOKEN_LIFETIME`] in clock milliseconds.
fn lifetime_ms() -> u64 {
    u64::try_from(crate::SYNC_TOKEN_LIFETIME.as_millis()).unwrap_or(u64::MAX)
}

fn decode(
    tokens: &TokenCodec,
    text: &str,
    parameter: &str,
    kind: TokenKind,
    params: u64,
) -> Result<Token, ApiError> {
    let token = tokens
        .decode(text)
        .filter(|token| token.kind == kind)
        .ok_or_else(|| ApiError::invalid_field(parameter, format!("Invalid {parameter}.")))?;
    if token.params != params {
        return Err(ApiError::invalid_field(
            parameter,
            format!(
                "The {parameter} was issued for a request with different parameters: all \
                 parameters other than {parameter} must match the call that provided it."
            ),
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: PageSize = PageSize { default: 2, maximum: 3, above_maximum: AboveMaximum::Reject };

    fn query(text: &str) -> Query {
        Query::parse(Some(text)).unwrap()
    }

    #[test]
    fn page_size_defaults_caps_and_rejects_as_documented() {
        assert_eq!(SIZE.read(&query("")).unwrap(), 2);
        assert_eq!(SIZE.read(&query("pageSize=0")).unwrap(), 2);
        assert_eq!(SIZE.read(&query("pageSize=3")).unwrap(), 3);
        assert_eq!(SIZE.read(&query("pageSize=4")).unwrap_err().http_status, 400);
        assert_eq!(SIZE.read(&query("pageSize=-1")).unwrap_err().http_status, 400);
        let capped = PageSize { above_maximum: AboveMaximum::Cap, ..SIZE };
        assert_eq!(capped.read(&query("pageSize=99")).unwrap(), 3);
    }

    #[test]
    fn pages_follow_tokens_to_the_end() {
        let tokens = TokenCodec::default();
        let first =
            Listing::begin(&query("a=1"), &tokens, Moment::at(5), SIZE, Syncs::Tokens).unwrap();
        let (page, next) = first.page(vec![1, 2, 3, 4, 5], &tokens);
        assert_eq!(page, [1, 2]);
        let next = next.unwrap();
        let second = Listing::begin(
            &query(&format!("a=1&pageToken={next}&pageSize=3")),
            &tokens,
            Moment::at(9),
            SIZE,
            Syncs::Tokens,
        )
        .unwrap();
        let (page, next) = second.page(vec![1, 2, 3, 4, 5], &tokens);
        assert_eq!((page, next), (vec![3, 4, 5], None));
        assert_eq!(second.snapshot, 5, "the snapshot is the first page's");
    }

    #[test]
    fn a_page_by_key_resumes_after_the_last_item_listed_when_earlier_ones_moved_or_went() {
        let tokens = TokenCodec::default();
        let key = |item: &u64| Cursor { class: 0, rank: *item, id: 0 };
        let first =
            Listing::begin(&query("a=1"), &tokens, Moment::at(5), SIZE, Syncs::Tokens).unwrap();
        let (page, next) = first.page_by_key(vec![1, 2, 3, 4, 5], key, &tokens);
        assert_eq!(page, [1, 2]);
        let next = next.unwrap();
        let second = Listing::begin(
            &query(&format!("a=1&pageToken={next}")),
            &tokens,
            Moment::at(9),
            SIZE,
            Syncs::Tokens,
        )
        .unwrap();
        // 1 went away and 2 changed, moving to the end (as 7): an offset would
        // start at 5 and skip 3 and 4.
        let (page, next) = second.page_by_key(vec![3, 4, 5, 7], key, &tokens);
        assert_eq!(page, [3, 4]);
        assert!(next.is_some());
    }

    #[test]
    fn tokens_are_bound_to_the_other_parameters_and_their_kind() {
        let tokens = TokenCodec::default();
        let listing =
            Listing::begin(&query("a=1"), &tokens, Moment::at(5), SIZE, Syncs::Tokens).unwrap();
        let (_, next) = listing.page(vec![1, 2, 3], &tokens);
        let next = next.unwrap();
        let changed = Listing::begin(
            &query(&format!("a=2&pageToken={next}")),
            &tokens,
            Moment::at(5),
            SIZE,
            Syncs::Tokens,
        );
        assert_eq!(changed.unwrap_err().status, "INVALID_ARGUMENT");
        let as_sync = Listing::begin(
            &query(&format!("a=1&syncToken={next}")),
            &tokens,
            Moment::at(5),
            SIZE,
            Syncs::Tokens,
        );
        assert_eq!(as_sync.unwrap_err().status, "INVALID_ARGUMENT");
        let sync = listing.sync_token(&tokens);
        let resumed = Listing::begin(
            &query(&format!("a=1&syncToken={sync}&pageSize=1")),
            &tokens,
            Moment::at(8),
            SIZE,
            Syncs::Tokens,
        );
        assert_eq!(resumed.unwrap().changed_since, Some(5));
    }
}
