//! The decisions of an earlier generation, which regeneration keeps: the
//! generated crate's lock file, as `Cargo.lock` is a build's.
//!
//! A name decided by rules alone depends on what else the document holds: a
//! new schema can take a name first and push a suffix onto an existing type,
//! a new enum value can change the prefix its variants lose, a new cycle can
//! box an existing field. So every decision is recorded here, keyed by where
//! its item comes from (a JSON path, a method id, a wire name), and the next
//! resolution starts from it: an item that existed keeps its name and shape,
//! and only new items are decided by the rules, around the kept ones.
//!
//! Resolution writes a complete new record (the decisions of the items the
//! document still has), so the file is both an input and an output of
//! `cargo xtask regen`, and `cargo xtask check` fails when it is stale.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The lock format this generator reads and writes.
pub const FORMAT: u32 = 1;

/// What a generation decided, keyed by where each item comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// [`FORMAT`]; a lock of another format is refused rather than misread.
    pub format: u32,
    /// Namespace (`types`, `fields $.schemas.Person`, ...) -> key -> name.
    pub names: BTreeMap<String, BTreeMap<String, String>>,
    /// Struct fields held in a `Box`, by the field's JSON path.
    pub boxed: BTreeSet<String>,
    /// Method id -> the response field that `items()` yields.
    pub page_items: BTreeMap<String, String>,
    /// Method id -> the request field that `send_in_chunks()` splits.
    pub chunked: BTreeMap<String, String>,
    /// Mask (a parameter's or field's JSON path) -> the JSON path of the
    /// struct whose fields its typed-mask enum lists.
    pub masks: BTreeMap<String, String>,
    /// Typed-mask enum -> wire path -> its variant's discriminant.
    pub discriminants: BTreeMap<String, BTreeMap<String, u32>>,
    /// Method id -> behaviour derived from the document (`sequential`,
    /// `warmup`, `limit(contacts)`, `merge_conflict`, `pages`, `sync`) -> the
    /// behaviour in words, with the sentence it was read from. A record for
    /// review, not a decision regeneration keeps: a reworded description
    /// changes the behaviour, and the API diff says so.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub behaviour: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for Lock {
    fn default() -> Self {
        Self {
            format: FORMAT,
            names: BTreeMap::new(),
            boxed: BTreeSet::new(),
            page_items: BTreeMap::new(),
            chunked: BTreeMap::new(),
            masks: BTreeMap::new(),
            discriminants: BTreeMap::new(),
            behaviour: BTreeMap::new(),
        }
    }
}

impl Lock {
    /// Reads a lock file's text; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, Error> {
        let lock: Self = serde_json::from_str(text).map_err(|error| Error::Parse {
            path: origin.to_owned(),
            message: format!("not a generator lock file: {error}"),
        })?;
        if lock.format != FORMAT {
            return Err(Error::Parse {
                path: origin.to_owned(),
                message: format!(
                    "lock format {} is not the format {FORMAT} this generator reads",
                    lock.format
                ),
            });
        }
        Ok(lock)
    }

    /// The file's text: sorted keys, one entry a line, a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The names decided in one namespace.
    pub fn names_in(&self, namespace: &str) -> Option<&BTreeMap<String, String>> {
        self.names.get(namespace)
    }
}
