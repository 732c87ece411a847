//! Page and sync tokens. They are opaque to clients (URL-safe base64) and
//! carry a checksum keyed per server, so a garbage, edited or foreign token
//! is rejected instead of silently restarting a listing.

use std::hash::{BuildHasher, RandomState};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Which listing position a token resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// The next page of one listing.
    Page,
    /// Changes after a store revision.
    Sync,
}

impl TokenKind {
    fn tag(self) -> &'static str {
        match self {
            Self::Page => "p",
            Self::Sync => "s",
        }
    }
}

/// What a token remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    /// Page tokens: the offset of the next item. Sync tokens: unused (0).
    pub(crate) offset: u64,
    /// The store revision the listing (or sync) started from.
    pub(crate) revision: u64,
    /// A fingerprint of the other request parameters, which must match.
    pub(crate) params: u64,
    /// When the full sync this listing belongs to began, in milliseconds on
    /// the fake's clock: sync tokens expire a fixed time after it.
    pub(crate) synced_at: u64,
    /// Page tokens of listings paged by key: the key of the last item
    /// listed; the next page starts after it, wherever it is now.
    pub(crate) after: Option<Cursor>,
}

/// Where an item sits in a listing's order, for paging by key: items are
/// sorted by `(class, rank, id)`, and a page resumes after the last one it
/// listed, so that items that moved or went away since do not shift the
/// others between pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cursor {
    /// Groups of items listed one after the other (contacts, then deletions).
    pub(crate) class: u64,
    /// The sort order's key within the group (such as the revision).
    pub(crate) rank: u64,
    /// What breaks ties: the resource's number.
    pub(crate) id: u64,
}

/// Encodes and verifies tokens with a key chosen when the server starts.
#[derive(Debug, Default)]
pub(crate) struct TokenCodec {
    key: RandomState,
}

impl TokenCodec {
    pub(crate) fn encode(&self, token: Token) -> String {
        let after = match token.after {
            Some(Cursor { class, rank, id }) => format!("{class}-{rank}-{id}"),
            None => "-".to_owned(),
        };
        let payload = format!(
            "{}.{}.{}.{:x}.{}.{after}",
            token.kind.tag(),
            token.offset,
            token.revision,
            token.params,
            token.synced_at
        );
        let checksum = self.key.hash_one(&payload);
        URL_SAFE_NO_PAD.encode(format!("{payload}.{checksum:x}"))
    }

    /// The token, or `None` when `text` is not one this server issued.
    pub(crate) fn decode(&self, text: &str) -> Option<Token> {
        let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
        let (payload, checksum) = decoded.rsplit_once('.')?;
        if u64::from_str_radix(checksum, 16).ok()? != self.key.hash_one(payload) {
            return None;
        }
        let mut parts = payload.split('.');
        let kind = match parts.next()? {
            "p" => TokenKind::Page,
            "s" => TokenKind::Sync,
            _ => return None,
        };
        let offset = parts.next()?.parse().ok()?;
        let revision = parts.next()?.parse().ok()?;
        let params = u64::from_str_radix(parts.next()?, 16).ok()?;
        let synced_at = parts.next()?.parse().ok()?;
        let after = match parts.next()? {
            "-" => None,
            cursor => {
                let mut numbers = cursor.split('-').map(str::parse::<u64>);
                let cursor = Cursor {
                    class: numbers.next()?.ok()?,
                    rank: numbers.next()?.ok()?,
                    id: numbers.next()?.ok()?,
                };
                if numbers.next().is_some() {
                    return None;
                }
                Some(cursor)
            }
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Token { kind, offset, revision, params, synced_at, after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: Token = Token {
        kind: TokenKind::Page,
        offset: 200,
        revision: 7,
        params: 0xabc,
        synced_at: 42,
        after: None,
    };

    #[test]
    fn a_token_round_trips_and_is_url_safe() {
        let codec = TokenCodec::default();
        let text = codec.encode(PAGE);
        assert!(text.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-_".contains(&byte)));
        assert_eq!(codec.decode(&text), Some(PAGE));
        let sync = Token {
            kind: TokenKind::Sync,
            offset: 0,
            revision: 9,
            params: 1,
            synced_at: 7,
            after: None,
        };
        assert_eq!(codec.decode(&codec.encode(sync)), Some(sync));
        let keyed = Token { after: Some(Cursor { class: 1, rank: 2, id: 3 }), ..PAGE };
        assert_eq!(codec.decode(&codec.encode(keyed)), Some(keyed));
    }

    #[test]
    fn garbage_and_edited_tokens_are_rejected() {
        let codec = TokenCodec::default();
        assert_eq!(codec.decode("not a token"), None);
        assert_eq!(codec.decode(""), None);
        let forged = URL_SAFE_NO_PAD.encode("p.0.7.abc.42.1234");
        assert_eq!(codec.decode(&forged), None);
        let mut text = codec.encode(PAGE).into_bytes();
        text[3] = if text[3] == b'A' { b'B' } else { b'A' };
        assert_eq!(codec.decode(&String::from_utf8(text).unwrap()), None);
    }

    #[test]
    fn tokens_from_another_server_are_rejected() {
        let text = TokenCodec::default().encode(PAGE);
        assert_eq!(TokenCodec::default().decode(&text), None);
    }
}
