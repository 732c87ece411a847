//! One call's parameters, body and overrides, and how they become a URL.

use std::fmt;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::api::MethodSpec;
use crate::error::ValidationError;
use crate::retry::RetryPolicy;

/// Characters a simple `{var}` expansion keeps as they are: RFC 3986's unreserved set.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Query values also keep `,`: field masks stay readable (`names,emailAddresses`).
const QUERY_VALUE: &AsciiSet = &UNRESERVED.remove(b',');

/// Characters a reserved `{+var}` expansion keeps: unreserved plus reserved
/// (`/` above all), and `%` so that already-encoded triplets survive (a `%`
/// that starts none is encoded by [`expand_reserved`]). `?` and `#` are
/// encoded all the same: a path value never starts the query or a fragment.
const RESERVED: &AsciiSet = &UNRESERVED
    .remove(b':')
    .remove(b'/')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'%');

/// A call being assembled by generated code: path parameters, query pairs,
/// a JSON body, and per-call timeout and retry overrides.
///
/// Mistakes found while assembling (a value not matching its parameter's
/// pattern, a body that cannot be serialised) are kept and reported by the
/// client's `execute_*` before anything is sent.
#[derive(Clone)]
pub(crate) struct Request {
    spec: &'static MethodSpec,
    /// What the credential is asked for: the method's scopes, or for a
    /// batch request those of its first call.
    scopes: &'static [&'static str],
    path_params: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    problem: Option<ValidationError>,
    limits: Vec<ItemLimit>,
}

/// A body field's element count against the most one request may carry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemLimit {
    pub(crate) field: &'static str,
    pub(crate) len: usize,
    pub(crate) max: usize,
}

impl Request {
    /// An empty request for `spec`.
    pub fn new(spec: &'static MethodSpec) -> Self {
        Self {
            spec,
            scopes: spec.scopes,
            path_params: Vec::new(),
            query: Vec::new(),
            body: None,
            timeout: None,
            retry: None,
            problem: None,
            limits: Vec::new(),
        }
    }

    /// The method this request calls.
    pub fn spec(&self) -> &'static MethodSpec {
        self.spec
    }

    /// The scopes the credential must cover.
    pub(crate) fn scopes(&self) -> &'static [&'static str] {
        self.scopes
    }

    /// Asks the credential for `scopes` instead of the method's.
    pub(crate) fn set_scopes(&mut self, scopes: &'static [&'static str]) {
        self.scopes = scopes;
    }

    /// Sets the path parameter `name`, checking it against the discovery
    /// `pattern` (an anchored regular expression) when there is one.
    pub fn path_param(&mut self, name: &'static str, value: String, pattern: Option<&'static str>) {
        if let Some(pattern) = pattern {
            if matches_pattern(pattern, &value) == Some(false) {
                self.record_problem(
                    Some(name),
                    format!("{value:?} does not match the pattern `{pattern}`"),
                );
            }
        }
        self.path_params.retain(|(existing, _)| *existing != name);
        self.path_params.push((name, value));
    }

    /// Sets the query parameter `name`, replacing earlier values.
    pub fn set_query(&mut self, name: &'static str, value: String) {
        self.set_query_all(name, [value]);
    }

    /// Sets a repeated query parameter: one `name=value` pair per value,
    /// replacing earlier values.
    pub fn set_query_all(&mut self, name: &'static str, values: impl IntoIterator<Item = String>) {
        self.query.retain(|(existing, _)| *existing != name);
        self.query.extend(values.into_iter().map(|value| (name, value)));
    }

    /// The value of the path parameter `name`, when it is set.
    pub(crate) fn path_value(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(existing, _)| *existing == name)
            .map(|(_, value)| value.as_str())
    }

    /// The values of the query parameter `name`, in order.
    pub fn query(&self, name: &str) -> impl Iterator<Item = &str> {
        self.query
            .iter()
            .filter(move |(existing, _)| *existing == name)
            .map(|(_, value)| value.as_str())
    }

    /// Records that the body's `field` holds `len` elements of the `max` one
    /// request may carry, a limit the API documents (at most 200 contacts in
    /// one `batchCreateContacts`): more is refused before sending, unless the
    /// call is sent in chunks ([`crate::chunks`]).
    pub fn limit_len(&mut self, field: &'static str, len: usize, max: usize) {
        self.limits.retain(|limit| limit.field != field);
        self.limits.push(ItemLimit { field, len, max });
    }

    /// Serialises `body` as the request's JSON body.
    pub fn set_json_body(&mut self, body: &impl Serialize) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(error) => {
                self.record_problem(None, format!("cannot serialise the request body: {error}"))
            }
        }
    }

    /// Overrides the client's timeout for this request.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Overrides the client's retry policy for this request.
    pub fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub(crate) fn retry(&self) -> Option<RetryPolicy> {
        self.retry
    }

    pub(crate) fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    pub(crate) fn limit(&self, field: &str) -> Option<ItemLimit> {
        self.limits.iter().find(|limit| limit.field == field).copied()
    }

    /// This request with another JSON body, whose `field` holds `len` elements.
    pub(crate) fn with_body(&self, body: Vec<u8>, field: &'static str, len: usize) -> Self {
        let mut request = self.clone();
        request.body = Some(body);
        if let Some(limit) = request.limits.iter_mut().find(|limit| limit.field == field) {
            limit.len = len;
        }
        request
    }

    /// The full URL: `base_url` (ending in `/`), the expanded path template
    /// and the encoded query; or the first problem found while assembling.
    pub(crate) fn url(&self, base_url: &str) -> Result<String, ValidationError> {
        self.url_for(base_url, self.spec.path)
    }

    /// Like [`Self::url`], for another path template (a media upload path).
    pub(crate) fn url_for(
        &self,
        base_url: &str,
        template: &str,
    ) -> Result<String, ValidationError> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        if let Some(over) = self.limits.iter().find(|limit| limit.len > limit.max) {
            return Err(self.problem_for(
                Some(over.field),
                format!(
                    "{} elements, but one request takes at most {}: split the input, or send \
                     the call in chunks",
                    over.len, over.max
                ),
            ));
        }
        let mut url = String::with_capacity(base_url.len() + template.len() + 32);
        url.push_str(base_url);
        self.expand_path(template.trim_start_matches('/'), &mut url)?;
        for (index, (name, value)) in self.query.iter().enumerate() {
            url.push(if index == 0 { '?' } else { '&' });
            url.extend(utf8_percent_encode(name, UNRESERVED));
            url.push('=');
            url.extend(utf8_percent_encode(value, QUERY_VALUE));
        }
        Ok(url)
    }

    fn expand_path(&self, template: &str, out: &mut String) -> Result<(), ValidationError> {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}').map(|close| open + close) else {
                return Err(self.problem_for(
                    None,
                    format!("unclosed `{{` in the path template `{}`", self.spec.path),
                ));
            };
            let expression = &rest[open + 1..close];
            let (name, reserved) = match expression.strip_prefix('+') {
                Some(name) => (name, true),
                None => (expression, false),
            };
            let Some((_, value)) = self.path_params.iter().find(|(param, _)| *param == name) else {
                return Err(
                    self.problem_for(None, format!("the path parameter `{name}` is not set"))
                );
            };
            if value.is_empty() {
                return Err(self.problem_for(None, format!("the path parameter `{name}` is empty")));
            }
            if reserved {
                expand_reserved(value, out);
            } else {
                out.extend(utf8_percent_encode(value, UNRESERVED));
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        Ok(())
    }

    fn record_problem(&mut self, parameter: Option<&'static str>, message: String) {
        if self.problem.is_none() {
            self.problem = Some(self.problem_for(parameter, message));
        }
    }

    fn problem_for(&self, parameter: Option<&'static str>, message: String) -> ValidationError {
        ValidationError { method: self.spec.id, parameter, message }
    }
}

/// A `{+var}` value: reserved characters kept, a `%XX` triplet kept as the
/// escape it already is, and a `%` that starts none sent as `%25`, so the URL
/// stays valid and means what the value says.
fn expand_reserved(value: &str, out: &mut String) {
    let mut pieces = value.split('%');
    if let Some(first) = pieces.next() {
        out.extend(utf8_percent_encode(first, RESERVED));
    }
    for piece in pieces {
        let escapes = piece.len() >= 2 && piece.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit);
        out.push_str(if escapes { "%" } else { "%25" });
        out.extend(utf8_percent_encode(piece, RESERVED));
    }
}

/// Whether `value` matches the discovery `pattern`, for a pattern of the
/// shape Google's path patterns have: anchored, literal name characters and
/// `[^/]+` segments, each ending the pattern or followed by `/`
/// (`^projects/[^/]+/locations/[^/]+$`), optionally ending in `.*` (as
/// `^.*$` does). Such a pattern has one way to match, found in one pass
/// with no regex engine. `None` for a pattern of any other shape: the
/// server enforces it then.
fn matches_pattern(pattern: &str, value: &str) -> Option<bool> {
    const SEGMENT: &str = "[^/]+";
    const REST: &str = ".*";
    let mut rest = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let mut value = value;
    let mut matched = true;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(SEGMENT) {
            if !(after.is_empty() || after.starts_with('/')) {
                return None;
            }
            let end = value.find('/').unwrap_or(value.len());
            matched &= end > 0;
            value = &value[end..];
            rest = after;
        } else if rest == REST {
            // `.` is any character but a line break.
            matched &= !value.contains('\n');
            value = "";
            rest = "";
        } else {
            let end = [rest.find(SEGMENT), rest.find(REST)].into_iter().flatten().min();
            let (literal, after) = rest.split_at(end.unwrap_or(rest.len()));
            let name_characters = |byte: u8| byte.is_ascii_alphanumeric() || b"/_-".contains(&byte);
            if literal.is_empty() || !literal.bytes().all(name_characters) {
                return None;
            }
            match value.strip_prefix(literal) {
                Some(remaining) => value = remaining,
                None => matched = false,
            }
            rest = after;
        }
    }
    Some(matched && value.is_empty())
}

/// Shows the method, the parameters' names and the body's size, not their
/// content: values and bodies carry personal data.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.spec.id)
            // Names only: values can be personal data (a search query, a resource name).
            .field(
                "path_params",
                &self.path_params.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .field("query", &self.query.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("problem", &self.problem)
            .field("limits", &self.limits)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::HttpMethod;

    static GET: MethodSpec = MethodSpec {
        id: "people.people.get",
        http_method: HttpMethod::Get,
        path: "v1/{+resourceName}",
        scopes: &[],
        warmup_query: None,
        sequential: false,
        keeps: None,
    };
    static SIMPLE: MethodSpec = MethodSpec {
        id: "test.items.get",
        http_method: HttpMethod::Get,
        path: "v1/items/{itemId}:view",
        scopes: &[],
        warmup_query: None,
        sequential: false,
        keeps: None,
    };
    const BASE: &str = "https://example.test/";

    #[test]
    fn reserved_expansion_keeps_slashes_and_encodes_the_rest() {
        let mut request = Request::new(&GET);
        request.path_param("resourceName", "people/c1 2ü".into(), None);
        assert_eq!(request.url(BASE).unwrap(), "https://example.test/v1/people/c1%202%C3%BC");
    }

    #[test]
    fn a_path_value_cannot_add_a_query_or_a_fragment() {
        let mut request = Request::new(&GET);
        request.path_param("resourceName", "people/c1?personFields=x#".into(), None);
        request.set_query("personFields", "names".into());
        assert_eq!(
            request.url(BASE).unwrap(),
            "https://example.test/v1/people/c1%3FpersonFields=x%23?personFields=names"
        );
        let mut request = Request::new(&SIMPLE);
        request.path_param("itemId", "a?b#c".into(), None);
        assert_eq!(request.url(BASE).unwrap(), "https://example.test/v1/items/a%3Fb%23c:view");
    }

    #[test]
    fn a_percent_that_starts_no_escape_is_encoded_and_escapes_are_kept() {
        let mut request = Request::new(&GET);
        request.path_param("resourceName", "people/100%/a%2Fb/%zz/%4".into(), None);
        assert_eq!(
            request.url(BASE).unwrap(),
            "https://example.test/v1/people/100%25/a%2Fb/%25zz/%254"
        );
        assert!(reqwest::Url::parse(&request.url(BASE).unwrap()).is_ok());
    }

    #[test]
    fn simple_expansion_encodes_slashes() {
        let mut request = Request::new(&SIMPLE);
        request.path_param("itemId", "a/b:c".into(), None);
        assert_eq!(request.url(BASE).unwrap(), "https://example.test/v1/items/a%2Fb%3Ac:view");
    }

    #[test]
    fn repeated_and_dotted_query_parameters_are_encoded_in_order() {
        let mut request = Request::new(&GET);
        request.path_param("resourceName", "people/me".into(), None);
        request.set_query("personFields", "names,emailAddresses".into());
        request.set_query_all("sources", ["A".to_owned(), "B".to_owned()]);
        request.set_query("requestMask.includeField", "person.names".into());
        request.set_query("personFields", "names".into());
        assert_eq!(
            request.url(BASE).unwrap(),
            "https://example.test/v1/people/me?sources=A&sources=B&requestMask.includeField=person.names&personFields=names"
        );
    }

    #[test]
    fn pattern_mismatch_is_reported_with_method_and_parameter() {
        let mut request = Request::new(&GET);
        request.path_param("resourceName", "contactGroups/x".into(), Some("^people/[^/]+$"));
        let error = request.url(BASE).unwrap_err();
        assert_eq!(error.method, "people.people.get");
        assert_eq!(error.parameter, Some("resourceName"));
        assert!(error.to_string().contains("^people/[^/]+$"), "{error}");
    }

    #[test]
    fn path_patterns_of_the_usual_shape_match_as_the_regex_engine_does() {
        let patterns = [
            "^people/[^/]+$",
            "^projects/[^/]+/locations/[^/]+$",
            "^users/[^/]+/settings/sendAs/[^/]+$",
            "^v1_beta-2/[^/]+/x$",
            "^[^/]+$",
            "^people/me$",
            "^a[^/]+$",
            "^.*$",
            "^people/.*$",
        ];
        let values = [
            "people/me",
            "people/",
            "people/c1/x",
            "people/c\n1",
            "people/me\n",
            "projects/p/locations/l",
            "projects/p/locations/",
            "projects//locations/l",
            "projects/p/locations/l/more",
            "users/u/settings/sendAs/a@b.c",
            "v1_beta-2/q/x",
            "v1_beta-2/q/y",
            "single",
            "",
            "/",
            "péople/ü",
        ];
        for pattern in patterns {
            let regex = regex_lite::Regex::new(pattern).unwrap();
            for value in values {
                assert_eq!(
                    matches_pattern(pattern, value),
                    Some(regex.is_match(value)),
                    "{pattern} against {value:?}"
                );
            }
        }
    }

    #[test]
    fn patterns_of_other_shapes_are_left_to_the_server() {
        for pattern in ["people/[^/]+$", "^people/[^/]+", "^[^/]+b$", "^a.b$", "^(a|b)$", "^.*x$"] {
            assert_eq!(matches_pattern(pattern, "ab"), None, "{pattern}");
            let mut request = Request::new(&GET);
            request.path_param("resourceName", "anything".into(), Some(pattern));
            assert!(request.url(BASE).is_ok(), "{pattern} is not checked here");
        }
    }

    #[test]
    fn missing_path_parameter_is_reported() {
        let error = Request::new(&GET).url(BASE).unwrap_err();
        assert!(error.message.contains("`resourceName` is not set"), "{error}");
    }

    #[test]
    fn a_body_over_its_documented_limit_is_refused() {
        let mut request = Request::new(&GET);
        request.path_param("resourceName", "people/me".into(), None);
        request.limit_len("contacts", 200, 200);
        assert!(request.url(BASE).is_ok(), "the limit itself is allowed");
        request.limit_len("contacts", 201, 200);
        let error = request.url(BASE).unwrap_err();
        assert_eq!(error.parameter, Some("contacts"));
        assert!(error.message.contains("at most 200"), "{error}");
    }

    #[test]
    fn debug_hides_the_body() {
        let mut request = Request::new(&GET);
        request.set_json_body(&serde_json::json!({"names": [{"givenName": "Secretive"}]}));
        let shown = format!("{request:?}");
        assert!(!shown.contains("Secretive"), "{shown}");
        assert!(shown.contains("body_bytes"), "{shown}");
    }
}
