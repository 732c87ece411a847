//! The initial state a fake starts with, in the People API's own JSON.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a [`FakePeople`](crate::FakePeople) holds when it starts, as People
/// API JSON (camelCase, as on the wire):
///
/// ```json
/// {"me": {...}, "contacts": [{...}], "contactGroups": [{...}],
///  "otherContacts": [{...}], "directory": [{...}]}
/// ```
///
/// Every key is optional. Persons and groups without `resourceName` or
/// `etag` get them assigned; contacts without `memberships` join
/// `contactGroups/myContacts`. [`FakePeople::snapshot`](crate::FakePeople::snapshot)
/// returns the same shape, so a snapshot can seed another fake.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Seed {
    /// The authenticated user's profile, answered for `people/me`.
    pub me: Option<Value>,
    /// The user's contacts (`people/c<number>`).
    pub contacts: Vec<Value>,
    /// User contact groups; system groups always exist and are ignored here.
    pub contact_groups: Vec<Value>,
    /// "Other contacts" (`otherContacts/<id>`), which the API only reads and copies.
    pub other_contacts: Vec<Value>,
    /// Domain directory people, which the API only reads.
    pub directory: Vec<Value>,
}

impl Seed {
    /// Reads a seed from a JSON file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SeedError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| SeedError::Read { path: path.to_owned(), source })?;
        serde_json::from_str(&text)
            .map_err(|source| SeedError::Parse { path: path.to_owned(), source })
    }
}

/// Why a seed could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The file could not be read.
    #[error("cannot read the seed file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a seed's JSON.
    #[error("{path} is not a seed")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// The seed breaks a rule the API keeps (duplicate names, unknown
    /// groups, malformed persons).
    #[error("invalid seed: {0}")]
    Invalid(String),
}
