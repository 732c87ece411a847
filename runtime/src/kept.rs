//! The copies of resources that writes answered with, kept so that the next
//! read-modify-write of the same resource starts from them (and their etag)
//! instead of a read. Only what the generator marked ([`KeepSpec`]) is kept.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::value::RawValue;

use crate::request::Request;
use crate::wire::FieldMask;
use crate::workflow::Latest;

/// How many resources a client keeps by default.
pub(crate) const DEFAULT_KEPT_RESOURCES: usize = 1_000;

/// How long a kept copy is used by default.
pub(crate) const DEFAULT_KEPT_FOR: Duration = Duration::from_secs(10 * 60);

/// What the generator found in the document about a write whose answer
/// carries a resource that a merge helper edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepSpec {
    /// The resource's type (`Person`): kept copies are keyed by it and the
    /// resource's name.
    pub kind: &'static str,
    /// The answer's field that holds the resource (`person`); `None` when
    /// the answer is the resource.
    pub at: Option<&'static str>,
    /// The resource's identity (`resourceName`): the write's path parameter
    /// of that name when it has one, otherwise the answer's field.
    pub identity: &'static str,
    /// The parameter that restricts which fields the answer holds.
    pub returned: Option<ReturnedFields>,
}

/// A field mask parameter that restricts which of the resource's fields an
/// answer carries (People's `personFields`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReturnedFields {
    /// Its wire name.
    pub name: &'static str,
    /// Whether it is a field of the JSON body rather than a query parameter.
    pub in_body: bool,
    /// Whether the documentation says that leaving it unset returns every field.
    pub all_when_unset: bool,
}

/// The resource copies a client keeps, bounded in number and age.
pub(crate) struct Kept {
    capacity: usize,
    max_age: Duration,
    entries: Mutex<HashMap<(&'static str, String), Entry>>,
}

struct Entry {
    json: Box<str>,
    covers: Covers,
    kept_at: Instant,
}

/// Which fields a kept copy holds whole.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Covers {
    All,
    Paths(FieldMask),
}

impl Covers {
    /// Whether every path of `changes` (or the whole resource, for `None`)
    /// lies within what is covered: `names` covers `names.givenName`.
    fn includes(&self, changes: Option<&FieldMask>) -> bool {
        match (self, changes) {
            (Self::All, _) => true,
            (Self::Paths(_), None) => false,
            (Self::Paths(covered), Some(changes)) => changes.paths().iter().all(|path| {
                covered.paths().iter().any(|prefix| {
                    path == prefix
                        || path
                            .strip_prefix(prefix.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            }),
        }
    }
}

/// Personal data: only the count shows.
impl fmt::Debug for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Kept")
            .field("resources", &entries.len())
            .field("capacity", &self.capacity)
            .field("max_age", &self.max_age)
            .finish()
    }
}

impl Kept {
    pub(crate) fn new(capacity: usize, max_age: Duration) -> Self {
        Self { capacity, max_age, entries: Mutex::new(HashMap::new()) }
    }

    /// After `request` (a write with `spec`) succeeded with `answer`: keeps
    /// the resource it carries, or forgets an older copy when the answer
    /// holds too little of it to start an edit from.
    pub(crate) fn remember(&self, request: &Request, spec: &KeepSpec, answer: &[u8]) {
        if self.capacity == 0 {
            return;
        }
        let json = match spec.at {
            None => std::str::from_utf8(answer).ok().map(str::to_owned),
            Some(field) => top_level(answer.trim_ascii())
                .and_then(|mut fields| fields.remove(field))
                .filter(|value| value.get() != "null")
                .map(|value| value.get().to_owned()),
        };
        // The answer is parsed for the name only when the path does not give it (a create).
        let key = request
            .path_value(spec.identity)
            .map(str::to_owned)
            .or_else(|| json.as_deref().and_then(|json| string_field(json, spec.identity)));
        let Some(key) = key else { return };
        let covers = covers(request, spec);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (Some(json), Some(covers)) = (json, covers) else {
            entries.remove(&(spec.kind, key));
            return;
        };
        let now = Instant::now();
        entries.retain(|_, entry| now.duration_since(entry.kept_at) <= self.max_age);
        if entries.len() >= self.capacity && !entries.contains_key(&(spec.kind, key.clone())) {
            let oldest =
                entries.iter().min_by_key(|(_, entry)| entry.kept_at).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries
            .insert((spec.kind, key), Entry { json: json.into_boxed_str(), covers, kept_at: now });
    }

    /// Takes the copy `latest` names, when it is fresh enough and holds
    /// every field its update changes and reads the etag from.
    pub(crate) fn take(&self, latest: &Latest<'_>) -> Option<Box<str>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.remove(&(latest.kind, latest.key.to_owned()))?;
        let etag = latest.etag_at.map(|field| FieldMask::new([field]));
        let holds = entry.covers.includes(latest.changes)
            && etag.as_ref().is_none_or(|etag| entry.covers.includes(Some(etag)));
        (entry.kept_at.elapsed() <= self.max_age && holds).then_some(entry.json)
    }
}

/// Which fields an answer holds: every one unless the call restricted them
/// (the `fields` system parameter: no copy is kept; the returned-fields
/// parameter: what it names). `None` when nothing can be kept.
fn covers(request: &Request, spec: &KeepSpec) -> Option<Covers> {
    if request.query("fields").next().is_some() {
        return None;
    }
    let Some(returned) = spec.returned else {
        return Some(Covers::All);
    };
    let value = if returned.in_body {
        let body = request.body()?;
        top_level(body)?
            .remove(returned.name)
            .and_then(|value| serde_json::from_str::<String>(value.get()).ok())
    } else {
        request.query(returned.name).next().map(str::to_owned)
    };
    match value.filter(|value| !value.trim().is_empty()) {
        Some(mask) => Some(Covers::Paths(FieldMask::from(mask))),
        None if returned.all_when_unset => Some(Covers::All),
        None => None,
    }
}

/// The top-level fields of a JSON object, unparsed.
fn top_level(json: &[u8]) -> Option<HashMap<String, &RawValue>> {
    serde_json::from_slice(json).ok()
}

/// The string field `name` of the JSON object `json`.
fn string_field(json: &str, name: &str) -> Option<String> {
    serde_json::from_str(top_level(json.as_bytes())?.get(name)?.get()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{HttpMethod, MethodSpec};

    static UPDATE: MethodSpec = MethodSpec {
        id: "things.update",
        http_method: HttpMethod::Patch,
        path: "v1/{+name}",
        scopes: &[],
        warmup_query: None,
        sequential: false,
        keeps: Some(KeepSpec {
            kind: "Thing",
            at: None,
            identity: "name",
            returned: Some(ReturnedFields {
                name: "readMask",
                in_body: false,
                all_when_unset: true,
            }),
        }),
    };

    static API: crate::ApiInfo = crate::ApiInfo {
        id: "things:v1",
        base_url: "http://127.0.0.1:9/",
        service_path: "",
        base_url_env: "",
        user_agent: "kept-test",
    };

    fn client() -> crate::Client {
        crate::Client::builder(&API)
            .authenticator(crate::auth::Anonymous)
            .build()
            .expect("a client")
    }

    fn wanted<'a>(
        client: &'a crate::Client,
        key: &'a str,
        changes: Option<&'a FieldMask>,
    ) -> Latest<'a> {
        Latest { client, kind: "Thing", key, changes, etag_at: None }
    }

    fn update(mask: Option<&str>) -> Request {
        let mut request = Request::new(&UPDATE);
        request.path_param("name", "things/1".to_owned(), None);
        if let Some(mask) = mask {
            request.set_query("readMask", mask.to_owned());
        }
        request
    }

    #[test]
    fn a_covered_path_includes_the_paths_below_it_and_nothing_beside_it() {
        let covers = Covers::Paths(FieldMask::from("names,metadata"));
        assert!(covers.includes(Some(&FieldMask::from("names.givenName,metadata"))));
        assert!(!covers.includes(Some(&FieldMask::from("namesake"))));
        assert!(!covers.includes(None), "a whole-resource update needs every field");
        assert!(Covers::All.includes(None));
    }

    #[test]
    fn a_restricted_answer_is_kept_for_the_fields_it_names_and_a_partial_response_not_at_all() {
        let kept = Kept::new(10, Duration::from_secs(60));
        let spec = UPDATE.keeps.expect("a keep spec");
        let client = client();
        let latest = |changes| wanted(&client, "things/1", changes);
        kept.remember(&update(Some("color")), &spec, br#"{"name":"things/1","color":"red"}"#);
        let (size, color) = (FieldMask::from("size"), FieldMask::from("color"));
        assert!(kept.take(&latest(Some(&size))).is_none());
        kept.remember(&update(Some("color")), &spec, br#"{"name":"things/1","color":"red"}"#);
        assert!(kept.take(&latest(Some(&color))).is_some());
        let mut partial = update(None);
        partial.set_query("fields", "color".to_owned());
        kept.remember(&partial, &spec, br#"{"color":"red"}"#);
        assert!(kept.take(&latest(None)).is_none());
    }

    #[test]
    fn debug_output_shows_how_many_copies_are_kept_never_their_contents() {
        let kept = Kept::new(10, Duration::from_secs(60));
        let spec = UPDATE.keeps.expect("a keep spec");
        kept.remember(&update(None), &spec, br#"{"name":"things/1","email":"ada@example.com"}"#);
        let debug = format!("{kept:?}");
        assert!(debug.contains("resources: 1"), "{debug}");
        assert!(!debug.contains("ada@example.com") && !debug.contains("things/1"), "{debug}");
    }

    #[test]
    fn the_oldest_copy_goes_when_the_capacity_is_reached() {
        let kept = Kept::new(2, Duration::from_secs(60));
        let spec = UPDATE.keeps.expect("a keep spec");
        for index in 1..=3 {
            let mut request = update(None);
            request.path_param("name", format!("things/{index}"), None);
            kept.remember(&request, &spec, format!(r#"{{"name":"things/{index}"}}"#).as_bytes());
            std::thread::sleep(Duration::from_millis(2));
        }
        let client = client();
        let take = |key| kept.take(&wanted(&client, key, None));
        assert!(take("things/1").is_none());
        assert!(take("things/2").is_some() && take("things/3").is_some());
    }
}
