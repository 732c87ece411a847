//! Google's HTTP batch endpoint, `POST /batch`: a `multipart/mixed` body
//! whose parts (`Content-Type: application/http`) each hold one API request,
//! answered by a `multipart/mixed` body with one `application/http` part
//! per request, in the same order. This is how Google's client libraries
//! send many calls in one HTTP request, so a client's batching is tested
//! against the same envelope here as in production.
//!
//! As Google does:
//!
//! - each part runs through [`dispatch::handle`] like a request of its own,
//!   with the outer request's `Authorization` unless the part carries its
//!   own, and is counted under its method id;
//! - a part's request target may be a path (`/v1/people/c1?personFields=names`)
//!   or an absolute URL, of which only the path and query count;
//! - the answer to a part with `Content-ID: <x>` has `Content-ID: <response-x>`;
//! - the outer response is 200 whatever the parts' statuses; a malformed
//!   part is a part-level 400 and the other parts are still served, while a
//!   malformed envelope, or more than [`MAX_PARTS`] parts, is an outer 400
//!   and no part runs;
//! - a batch cannot hold another batch (a part-level 400).
//!
//! Where the fake decides on its own:
//!
//! - the parts run one after another, and neither they nor the outer
//!   request are subject to the mutation-delay model of the
//!   [`server`](crate::server) (`set_mutation_delay`): a batch is one
//!   client request, and parts never contend with each other;
//! - every outer request is counted under [`SERVED_ID`] (`"batch"`), so a
//!   test can tell how many HTTP requests a client's calls went in, and
//!   `fail_next("batch", ..)` fails a whole batch;
//! - the response boundary is `batch_<n>`, `n` counting the fake's batch
//!   requests: reproducible, yet different in every response, so a client
//!   must read it from the `Content-Type`. Bodies are JSON, whose lines
//!   never begin with `--`, so it cannot occur in them.

use hyper::StatusCode;

use crate::dispatch::{self, Incoming, JSON_CONTENT_TYPE, Reply, Shared};
use crate::error::ApiError;

/// The path of the batch endpoint.
pub(crate) const PATH: &str = "/batch";

/// The id outer batch requests are counted under in `FakePeople::served`.
pub(crate) const SERVED_ID: &str = "batch";

/// "You're limited to 1000 calls in a single batch request."
const MAX_PARTS: usize = 1000;

/// A successful batch response: the body and the boundary it is split by.
#[derive(Debug)]
pub(crate) struct Multipart {
    boundary: String,
    pub(crate) body: Vec<u8>,
}

impl Multipart {
    /// The value of the response's `Content-Type` header.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/mixed; boundary={}", self.boundary)
    }
}

/// Serves one batch request: the parts' answers, or an error reply for the
/// whole request when the envelope cannot be read.
pub(crate) fn handle(
    shared: &Shared,
    content_type: Option<&str>,
    authorization: Option<&str>,
    body: &[u8],
) -> Result<Multipart, Reply> {
    let sequence = shared.count(SERVED_ID);
    if let Some(error) = shared.take_failure(SERVED_ID) {
        return Err(dispatch::error_reply(&error));
    }
    let parts =
        split_envelope(content_type, body).map_err(|error| dispatch::error_reply(&error))?;
    let boundary = format!("batch_{sequence}");
    let mut out = Vec::new();
    for part in parts {
        let (head, request) = split_head(part);
        let content_id = header(head, "Content-ID")
            .map(|id| id.strip_prefix('<').and_then(|id| id.strip_suffix('>')).unwrap_or(id));
        let reply = match parse_request(header(head, "Content-Type"), request) {
            Ok(mut incoming) => {
                incoming.authorization = incoming.authorization.or(authorization);
                dispatch::handle(shared, &incoming)
            }
            Err(error) => dispatch::error_reply(&error),
        };
        write_part(&mut out, &boundary, content_id, &reply);
    }
    push_line(&mut out, &format!("--{boundary}--"));
    Ok(Multipart { boundary, body: out })
}

/// The parts of a `multipart/mixed` body, each without the line break
/// before the next delimiter (RFC 2046 counts it as the delimiter's).
fn split_envelope<'a>(
    content_type: Option<&str>,
    body: &'a [u8],
) -> Result<Vec<&'a str>, ApiError> {
    let boundary = boundary(content_type.unwrap_or_default())?;
    let body = std::str::from_utf8(body)
        .map_err(|_| ApiError::invalid_argument("The batch request body is not valid UTF-8."))?;
    let parts = split_parts(body, boundary)?;
    if parts.len() > MAX_PARTS {
        return Err(ApiError::invalid_argument(format!(
            "A batch may hold at most {MAX_PARTS} requests; got {}.",
            parts.len()
        )));
    }
    Ok(parts)
}

/// The `boundary` parameter of a `multipart/mixed` content type, unquoted.
fn boundary(content_type: &str) -> Result<&str, ApiError> {
    let mut parameters = content_type.split(';');
    let media_type = parameters.next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("multipart/mixed") {
        return Err(ApiError::invalid_argument(format!(
            "A batch request must have Content-Type: multipart/mixed; got \"{content_type}\"."
        )));
    }
    parameters
        .filter_map(|parameter| parameter.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| {
            let value = value.trim();
            value.strip_prefix('"').and_then(|value| value.strip_suffix('"')).unwrap_or(value)
        })
        .filter(|boundary| !boundary.is_empty())
        .ok_or_else(|| {
            ApiError::invalid_argument(
                "The multipart/mixed Content-Type of a batch request needs a boundary.",
            )
        })
}

/// Splits at the delimiter lines `--boundary` (optionally followed by
/// spaces or tabs) up to the close delimiter `--boundary--`; what comes
/// before the first delimiter or after the close one is ignored.
fn split_parts<'a>(body: &'a str, boundary: &str) -> Result<Vec<&'a str>, ApiError> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut part_start = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let Some(rest) = line.trim_end_matches(['\r', '\n']).strip_prefix(delimiter.as_str())
        else {
            continue;
        };
        let closes = match rest.trim_end_matches([' ', '\t']) {
            "" => false,
            "--" => true,
            _ => continue,
        };
        if let Some(start) = part_start {
            parts.push(strip_line_break(&body[start..line_start]));
        }
        if closes {
            return if parts.is_empty() {
                Err(ApiError::invalid_argument("A batch request must hold at least one part."))
            } else {
                Ok(parts)
            };
        }
        part_start = Some(offset);
    }
    Err(ApiError::invalid_argument(format!(
        "The batch request body does not end with the close delimiter \"{delimiter}--\"."
    )))
}

fn strip_line_break(text: &str) -> &str {
    text.strip_suffix('\n').map_or(text, |text| text.strip_suffix('\r').unwrap_or(text))
}

/// Splits at the first blank line: the header lines before it and what
/// follows it, or the whole text and `None` when there is no blank line.
fn split_head(text: &str) -> (&str, Option<&str>) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        if line.trim_end_matches(['\r', '\n']).is_empty() {
            return (&text[..line_start], Some(&text[offset..]));
        }
    }
    (text, None)
}

/// The value of the first header `name` (any case) among `head`'s lines.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(field, _)| field.trim().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim())
}

/// The request a part holds: `METHOD TARGET HTTP/1.1`, headers, a blank
/// line and the body (the blank line may be left out with no body).
fn parse_request<'a>(
    content_type: Option<&str>,
    request: Option<&'a str>,
) -> Result<Incoming<'a>, ApiError> {
    if let Some(content_type) = content_type {
        let media_type = content_type.split(';').next().unwrap_or_default().trim();
        if !media_type.eq_ignore_ascii_case("application/http") {
            return Err(ApiError::invalid_argument(format!(
                "A batch part must have Content-Type: application/http; got \"{content_type}\"."
            )));
        }
    }
    let request = request.ok_or_else(|| {
        ApiError::invalid_argument(
            "A batch part needs a blank line between its headers and the request it holds.",
        )
    })?;
    let (head, body) = split_head(request);
    let (request_line, headers) = head.split_once('\n').unwrap_or((head, ""));
    let (method, target) = parse_request_line(request_line.trim_end_matches('\r'))?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    if path == PATH {
        return Err(ApiError::invalid_argument(
            "A batch request cannot hold another batch request.",
        ));
    }
    Ok(Incoming {
        method,
        path,
        query,
        authorization: header(headers, "Authorization"),
        body: body.unwrap_or_default().as_bytes(),
    })
}

/// The method and the origin-form target (`/path?query`) of a request
/// line; an absolute URL is reduced to its path and query.
fn parse_request_line(line: &str) -> Result<(&str, &str), ApiError> {
    let invalid = || {
        ApiError::invalid_argument(format!(
            "A batch part must hold an HTTP request line (\"GET /v1/... HTTP/1.1\"); got \"{line}\"."
        ))
    };
    let mut words = line.split_ascii_whitespace();
    let (Some(method), Some(target)) = (words.next(), words.next()) else {
        return Err(invalid());
    };
    let version_ok = words.next().is_none_or(|version| version.starts_with("HTTP/"));
    if !version_ok || words.next().is_some() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid());
    }
    if target.starts_with('/') {
        return Ok((method, target));
    }
    let authority_and_path = target
        .strip_prefix("https://")
        .or_else(|| target.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    // The authority ends at the path; a URL without a path has no method to route to.
    let path_start = authority_and_path.find(['/', '?']).ok_or_else(invalid)?;
    let path = &authority_and_path[path_start..];
    if path.starts_with('?') {
        return Err(invalid());
    }
    Ok((method, path))
}

/// One answer part: the MIME headers, then the HTTP response.
fn write_part(out: &mut Vec<u8>, boundary: &str, content_id: Option<&str>, reply: &Reply) {
    push_line(out, &format!("--{boundary}"));
    push_line(out, "Content-Type: application/http");
    if let Some(content_id) = content_id {
        push_line(out, &format!("Content-ID: <response-{content_id}>"));
    }
    push_line(out, "");
    let reason = StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or_default();
    push_line(out, &format!("HTTP/1.1 {} {reason}", reply.status));
    push_line(out, &format!("Content-Type: {JSON_CONTENT_TYPE}"));
    if let Some(seconds) = reply.retry_after_seconds() {
        push_line(out, &format!("Retry-After: {seconds}"));
    }
    if let Some(challenge) = reply.challenge() {
        push_line(out, &format!("WWW-Authenticate: {challenge}"));
    }
    push_line(out, "");
    out.extend_from_slice(&reply.body);
    push_line(out, "");
}

fn push_line(out: &mut Vec<u8>, line: &str) {
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_may_be_quoted_and_are_required() {
        assert_eq!(boundary("multipart/mixed; boundary=abc").unwrap(), "abc");
        assert_eq!(boundary("Multipart/Mixed; charset=x; Boundary=\"a b\"").unwrap(), "a b");
        assert_eq!(boundary("multipart/mixed").unwrap_err().http_status, 400);
        assert_eq!(boundary("multipart/mixed; boundary=\"\"").unwrap_err().http_status, 400);
        assert_eq!(boundary("application/json; boundary=abc").unwrap_err().http_status, 400);
    }

    #[test]
    fn parts_lie_between_delimiters_and_lose_the_line_break_before_the_next() {
        let body = "preamble\r\n--b\r\none\r\n--b \t\ntwo\n\n--b--\r\nepilogue";
        assert_eq!(split_parts(body, "b").unwrap(), ["one", "two\n"]);
        assert_eq!(split_parts("--b\r\nx\r\n--bb\r\n", "b").unwrap_err().http_status, 400);
        assert_eq!(split_parts("--b--\r\n", "b").unwrap_err().http_status, 400);
    }

    #[test]
    fn request_lines_take_paths_or_absolute_urls() {
        let line = |line| parse_request_line(line).map_err(|error| error.http_status);
        assert_eq!(line("GET /v1/people/c1?a=b HTTP/1.1"), Ok(("GET", "/v1/people/c1?a=b")));
        assert_eq!(line("DELETE /v1/people/c1"), Ok(("DELETE", "/v1/people/c1")));
        assert_eq!(
            line("GET https://people.googleapis.com/v1/people/c1?x=1 HTTP/1.1"),
            Ok(("GET", "/v1/people/c1?x=1"))
        );
        for bad in [
            "",
            "GET",
            "get /v1 HTTP/1.1",
            "GET v1/people HTTP/1.1",
            "GET /v1 FTP/1",
            "GET /v1 HTTP/1.1 x",
            "GET https://host?x=1",
        ] {
            assert_eq!(line(bad), Err(400), "{bad}");
        }
    }

    #[test]
    fn a_request_without_a_blank_line_is_just_a_request_line_and_headers() {
        let request =
            parse_request(None, Some("GET /v1/people/c1 HTTP/1.1\r\nAuthorization: Bearer t\r\n"))
                .unwrap();
        assert_eq!((request.method, request.path, request.query), ("GET", "/v1/people/c1", None));
        assert_eq!((request.authorization, request.body), (Some("Bearer t"), &b""[..]));
        let error = parse_request(Some("application/json"), Some("GET / HTTP/1.1")).unwrap_err();
        assert_eq!(error.http_status, 400);
        assert_eq!(parse_request(None, None).unwrap_err().http_status, 400);
        assert_eq!(
            parse_request(None, Some("POST /batch HTTP/1.1\n")).unwrap_err().http_status,
            400
        );
    }
}
