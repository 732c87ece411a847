//! One request to one reply, independent of the HTTP library: decode the
//! path, route, take the standard parameters, authenticate, reject unknown
//! parameters, parse the body, run the method under the store lock, and
//! render the result (`fields`, `prettyPrint`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::partial::FieldSelector;
use crate::query::{Query, parse_bool, percent_decode};
use crate::router::{self, Operation};
use crate::store::Store;
use crate::{directory, groups, other_contacts, people};

/// What every connection task shares.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    /// The only bearer token accepted, when configured.
    token: Option<String>,
    /// How long each mutation is "in flight"; zero turns contention off.
    mutation_delay: Mutex<Duration>,
    /// Whether a mutation of the (one) user is being processed.
    mutation_in_flight: AtomicBool,
    /// How many requests each method has answered.
    served: Mutex<BTreeMap<&'static str, usize>>,
    /// Failures to answer instead of running the method, by method id.
    failures: Mutex<BTreeMap<String, Failure>>,
}

/// What [`Shared::fail_next`] was asked for, and how many are left (never 0).
#[derive(Debug)]
struct Failure {
    remaining: u32,
    status: u16,
    retry_after: Option<Duration>,
}

impl Shared {
    pub(crate) fn new(store: Store, token: Option<String>, mutation_delay: Duration) -> Self {
        Self {
            store: Mutex::new(store),
            token,
            mutation_delay: Mutex::new(mutation_delay),
            mutation_in_flight: AtomicBool::new(false),
            served: Mutex::new(BTreeMap::new()),
            failures: Mutex::new(BTreeMap::new()),
        }
    }

    /// How many requests of the method `id` have been answered.
    pub(crate) fn served(&self, id: &str) -> usize {
        self.served.lock().unwrap_or_else(PoisonError::into_inner).get(id).copied().unwrap_or(0)
    }

    /// Counts one more request of the method `id`; returns the new count.
    pub(crate) fn count(&self, id: &'static str) -> usize {
        let mut served = self.served.lock().unwrap_or_else(PoisonError::into_inner);
        let count = served.entry(id).or_default();
        *count += 1;
        *count
    }

    /// Answers the next `times` requests of the method `id` with `status`
    /// instead of running them, replacing what was asked for `id` before;
    /// `times == 0` clears it.
    pub(crate) fn fail_next(
        &self,
        id: &str,
        times: u32,
        status: u16,
        retry_after: Option<Duration>,
    ) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if times == 0 {
            failures.remove(id);
        } else {
            failures.insert(id.to_owned(), Failure { remaining: times, status, retry_after });
        }
    }

    /// The error to answer a request of the method `id` with, if a failure
    /// is pending for it; uses that failure up.
    pub(crate) fn take_failure(&self, id: &str) -> Option<ApiError> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let failure = failures.get_mut(id)?;
        let error = ApiError::injected(failure.status, failure.retry_after);
        failure.remaining -= 1;
        if failure.remaining == 0 {
            failures.remove(id);
        }
        Some(error)
    }

    pub(crate) fn mutation_delay(&self) -> Duration {
        *self.mutation_delay.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set_mutation_delay(&self, delay: Duration) {
        *self.mutation_delay.lock().unwrap_or_else(PoisonError::into_inner) = delay;
    }

    /// Marks a mutation in flight until the returned guard drops; `None`
    /// when another one already is.
    pub(crate) fn begin_mutation(&self) -> Option<InFlight<'_>> {
        self.mutation_in_flight
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| InFlight(&self.mutation_in_flight))
    }

    /// The store, locked. Methods run synchronously under the lock, so it is
    /// never held across an `.await`. A panic while it was held cannot
    /// leave a half-applied change (mutations validate before they write),
    /// so a poisoned lock is recovered rather than failing every later call.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A mutation in flight; dropping it (when the mutation is done, or its
/// connection is gone) lets the next one in.
#[derive(Debug)]
pub(crate) struct InFlight<'a>(&'a AtomicBool);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The parts of an HTTP request the API looks at.
#[derive(Debug)]
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a str,
    /// The path as sent, still percent-encoded.
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) authorization: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

/// The `Content-Type` of every [`Reply`].
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// The HTTP status and JSON body to send back.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// The `Retry-After` to send, if any.
    pub(crate) retry_after: Option<Duration>,
}

impl Reply {
    /// The `Retry-After` header value: whole seconds, rounded up, as the
    /// header carries them.
    pub(crate) fn retry_after_seconds(&self) -> Option<u64> {
        self.retry_after.map(|delay| delay.as_secs() + u64::from(delay.subsec_nanos() > 0))
    }

    /// The `WWW-Authenticate` challenge Google sends with a 401.
    pub(crate) fn challenge(&self) -> Option<&'static str> {
        (self.status == 401).then_some("Bearer realm=\"https://accounts.google.com/\"")
    }
}

/// One routed call, as the method implementations see it.
#[derive(Debug)]
pub(crate) struct Call {
    /// The `{+resourceName}` of the path, or empty.
    pub(crate) resource_name: String,
    /// The method's own query parameters (standard ones removed).
    pub(crate) query: Query,
    /// The JSON body (an object), or `Null` for methods without one.
    pub(crate) body: Value,
}

impl Call {
    /// The body as a request message. Unknown fields are rejected, as Google does.
    pub(crate) fn body_as<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        T::deserialize(&self.body).map_err(|error| {
            ApiError::invalid_argument(format!("Invalid JSON payload received. {error}."))
        })
    }
}

/// The reply to a request that failed before it could be dispatched.
pub(crate) fn error_reply(error: &ApiError) -> Reply {
    Reply {
        status: error.http_status,
        body: Presentation::default().render(&error.to_body()),
        retry_after: error.retry_after,
    }
}

pub(crate) fn handle(shared: &Shared, request: &Incoming<'_>) -> Reply {
    let mut presentation = Presentation::default();
    let (status, body, retry_after) = match serve(shared, request, &mut presentation) {
        Ok(body) => (200, presentation.select(body), None),
        Err(error) => (error.http_status, error.to_body(), error.retry_after),
    };
    Reply { status, body: presentation.render(&body), retry_after }
}

fn serve(
    shared: &Shared,
    request: &Incoming<'_>,
    presentation: &mut Presentation,
) -> Result<Value, ApiError> {
    let path = percent_decode(request.path.trim_start_matches('/'), false)
        .ok_or_else(|| ApiError::invalid_argument("The request path is not validly encoded."))?;
    let route = router::route(request.method, &path)?;
    shared.count(route.method.id);
    // A test asked for this failure: answered before authentication and
    // without running the method, as a failure in front of it would be.
    if let Some(error) = shared.take_failure(route.method.id) {
        return Err(error);
    }
    let mut query = Query::parse(request.query)?;
    let credentials = presentation.take_from(&mut query)?;
    authenticate(shared.token.as_deref(), request.authorization, credentials.as_deref())?;
    if let Some(unknown) = query.names().find(|name| !route.method.parameters.contains(name)) {
        return Err(ApiError::unknown_parameter(unknown));
    }
    let body = if route.method.has_body { parse_body(request.body)? } else { Value::Null };
    let call = Call { resource_name: route.resource_name, query, body };
    let mut store = shared.lock();
    if is_full_sync_first_page(route.method.operation, &call.query) {
        store.check_full_sync_quota()?;
    }
    run(route.method.operation, &mut store, &call)
}

/// "The first page of a full sync request has an additional quota": a
/// request for a sync token without a sync or page token, of a method
/// whose documentation says so.
fn is_full_sync_first_page(operation: Operation, query: &Query) -> bool {
    matches!(operation, Operation::ListConnections | Operation::ListOtherContacts)
        && query.flag("requestSyncToken").unwrap_or(false)
        && query.non_empty("syncToken").ok().flatten().is_none()
        && query.non_empty("pageToken").ok().flatten().is_none()
}

fn run(operation: Operation, store: &mut Store, call: &Call) -> Result<Value, ApiError> {
    match operation {
        Operation::CreateContact => people::create_contact(store, call),
        Operation::GetPerson => people::get(store, call),
        Operation::GetPeople => people::get_batch(store, call),
        Operation::UpdateContact => people::update_contact(store, call),
        Operation::DeleteContact => people::delete_contact(store, call),
        Operation::UpdateContactPhoto => people::update_contact_photo(store, call),
        Operation::DeleteContactPhoto => people::delete_contact_photo(store, call),
        Operation::BatchCreateContacts => people::batch_create_contacts(store, call),
        Operation::BatchUpdateContacts => people::batch_update_contacts(store, call),
        Operation::BatchDeleteContacts => people::batch_delete_contacts(store, call),
        Operation::SearchContacts => people::search_contacts(store, call),
        Operation::ListConnections => people::list_connections(store, call),
        Operation::ListDirectoryPeople => directory::list(store, call),
        Operation::SearchDirectoryPeople => directory::search(store, call),
        Operation::CreateGroup => groups::create(store, call),
        Operation::GetGroup => groups::get(store, call),
        Operation::ListGroups => groups::list(store, call),
        Operation::UpdateGroup => groups::update(store, call),
        Operation::DeleteGroup => groups::delete(store, call),
        Operation::BatchGetGroups => groups::batch_get(store, call),
        Operation::ModifyGroupMembers => groups::modify_members(store, call),
        Operation::ListOtherContacts => other_contacts::list(store, call),
        Operation::SearchOtherContacts => other_contacts::search(store, call),
        Operation::CopyOtherContact => other_contacts::copy_to_my_contacts(store, call),
    }
}

/// An empty body is an empty message; anything else must be a JSON object.
fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(Value::Object(object)),
        Ok(_) => Err(ApiError::invalid_argument(
            "Invalid JSON payload received. The request body must be a JSON object.",
        )),
        Err(error) => {
            Err(ApiError::invalid_argument(format!("Invalid JSON payload received. {error}.")))
        }
    }
}

/// Accepts `Authorization: Bearer <token>` (or the `access_token` /
/// `oauth_token` query parameters Google also honours): any token, or only
/// the configured one.
fn authenticate(
    expected: Option<&str>,
    authorization: Option<&str>,
    query_token: Option<&str>,
) -> Result<(), ApiError> {
    let bearer = authorization.and_then(|header| {
        let (scheme, token) = header.trim().split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
    });
    match (bearer.or(query_token), expected) {
        (None, _) => Err(ApiError::credentials_missing()),
        (Some(token), Some(expected)) if token != expected => Err(ApiError::credentials_invalid()),
        _ => Ok(()),
    }
}

/// How a reply is rendered, from the standard parameters.
#[derive(Debug)]
struct Presentation {
    pretty: bool,
    fields: Option<FieldSelector>,
}

impl Default for Presentation {
    /// Google pretty-prints unless asked not to.
    fn default() -> Self {
        Self { pretty: true, fields: None }
    }
}

impl Presentation {
    /// Removes the standard parameters from `query` and records how to
    /// render. Fields are recorded as soon as they are read, so that a later
    /// error still renders as asked. Returns a token sent as a query parameter.
    fn take_from(&mut self, query: &mut Query) -> Result<Option<String>, ApiError> {
        if let Some(pretty) = last(query.take("prettyPrint")) {
            self.pretty = parse_bool(&pretty).ok_or_else(|| {
                ApiError::invalid_field(
                    "prettyPrint",
                    format!("Invalid value at 'prettyPrint' (TYPE_BOOL), \"{pretty}\""),
                )
            })?;
        }
        if let Some(alt) = last(query.take("alt")).filter(|alt| alt != "json") {
            return Err(ApiError::invalid_field(
                "alt",
                format!("alt={alt} is not supported: this API returns JSON."),
            ));
        }
        if let Some(format) =
            last(query.take("$.xgafv")).filter(|format| !["1", "2"].contains(&format.as_str()))
        {
            return Err(ApiError::invalid_field(
                "$.xgafv",
                format!("Invalid value at '$.xgafv' (TYPE_ENUM), \"{format}\""),
            ));
        }
        if !query.take("callback").is_empty() {
            return Err(ApiError::invalid_field(
                "callback",
                "JSONP (`callback`) is not supported by this fake.",
            ));
        }
        if let Some(fields) = last(query.take("fields")).filter(|fields| !fields.is_empty()) {
            let selector = FieldSelector::parse(&fields).map_err(|problem| {
                ApiError::invalid_field("fields", format!("Invalid field selection: {problem}."))
            })?;
            self.fields = Some(selector);
        }
        for ignored in ["quotaUser", "key", "uploadType", "upload_protocol"] {
            query.take(ignored);
        }
        let access_token = last(query.take("access_token"));
        Ok(access_token.or(last(query.take("oauth_token"))))
    }

    fn select(&self, body: Value) -> Value {
        match &self.fields {
            Some(selector) => selector.apply(&body),
            None => body,
        }
    }

    fn render(&self, body: &Value) -> Vec<u8> {
        let rendered =
            if self.pretty { serde_json::to_vec_pretty(body) } else { serde_json::to_vec(body) };
        // Serialising a `Value` to memory cannot fail.
        rendered.unwrap_or_default()
    }
}

fn last(values: Vec<String>) -> Option<String> {
    values.into_iter().next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_required_and_matched_when_configured() {
        assert_eq!(authenticate(None, None, None).unwrap_err().http_status, 401);
        assert_eq!(authenticate(None, Some("Basic abc"), None).unwrap_err().http_status, 401);
        assert_eq!(authenticate(None, Some("Bearer "), None).unwrap_err().http_status, 401);
        assert!(authenticate(None, Some("Bearer anything"), None).is_ok());
        assert!(authenticate(None, Some("bearer anything"), None).is_ok());
        assert!(authenticate(Some("s"), Some("Bearer s"), None).is_ok());
        assert!(authenticate(Some("s"), None, Some("s")).is_ok());
        assert_eq!(authenticate(Some("s"), Some("Bearer t"), None).unwrap_err().http_status, 401);
    }

    #[test]
    fn bodies_must_be_json_objects_and_empty_means_empty() {
        assert_eq!(parse_body(b"").unwrap(), Value::Object(Map::new()));
        assert_eq!(parse_body(b"[1]").unwrap_err().status, "INVALID_ARGUMENT");
        assert!(parse_body(b"{\"a\":").unwrap_err().message.starts_with("Invalid JSON payload"));
    }
}
