//! Calls whose body carries more elements than one request may: sent as
//! consecutive requests of at most the documented limit each.

use std::collections::VecDeque;

use futures_util::stream::{self, Stream};
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::request::Request;
use crate::response_body::ResponseBody;

/// Splits the body's `field` (a list, or a map such as
/// `batchUpdateContacts`' `contacts`) into chunks of at most its limit, and
/// sends one request per chunk, each with the body's other fields and the
/// call's parameters, one after the other. Yields each response in order and
/// ends at the first error; a body within the limit is sent as it is.
///
/// Requests are sequential because Google asks for mutations of one user's
/// data to be, and a failed chunk leaves the later ones unsent.
pub(crate) fn send_in_chunks<T>(
    client: Client,
    request: Request,
    field: &'static str,
) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: ResponseBody + Send + 'static,
{
    let requests = split(&request, field);
    stream::try_unfold((client, requests), |(client, requests)| async move {
        let mut pending = requests?;
        let Some(next) = pending.pop_front() else {
            return Ok(None);
        };
        let response: T = client.execute_json(&next).await?;
        Ok(Some((response, (client, Ok(pending)))))
    })
}

/// What [`send_in_chunks`] would send, one request per chunk, without
/// sending anything (a dry run).
pub(crate) fn previews(
    client: &Client,
    request: &Request,
    field: &'static str,
) -> Result<Vec<crate::client::Preview>, Error> {
    split(request, field)?.iter().map(|chunk| client.preview(chunk)).collect()
}

/// The requests, one per chunk of `field`.
fn split(request: &Request, field: &'static str) -> Result<VecDeque<Request>, Error> {
    let Some(limit) = request.limit(field).filter(|limit| limit.len > limit.max) else {
        return Ok(VecDeque::from([request.clone()]));
    };
    let invalid = |message: String| {
        Error::Validation(ValidationError {
            method: request.spec().id,
            parameter: Some(field),
            message,
        })
    };
    let mut body: Map<String, Value> = request
        .body()
        .map(serde_json::from_slice)
        .transpose()
        .map_err(|error| invalid(format!("the body is not a JSON object: {error}")))?
        .unwrap_or_default();
    let chunks: Vec<(Value, usize)> = match body.remove(field) {
        Some(Value::Array(items)) => items
            .chunks(limit.max.max(1))
            .map(|chunk| (Value::Array(chunk.to_vec()), chunk.len()))
            .collect(),
        Some(Value::Object(entries)) => {
            let entries: Vec<(String, Value)> = entries.into_iter().collect();
            entries
                .chunks(limit.max.max(1))
                .map(|chunk| (Value::Object(chunk.iter().cloned().collect()), chunk.len()))
                .collect()
        }
        _ => return Err(invalid(format!("the body's `{field}` is not a list or a map"))),
    };
    chunks
        .into_iter()
        .map(|(items, len)| {
            let mut chunk_body = body.clone();
            chunk_body.insert(field.to_owned(), items);
            let bytes = serde_json::to_vec(&chunk_body)
                .map_err(|error| invalid(format!("cannot serialise a chunk: {error}")))?;
            Ok(request.with_body(bytes, field, len))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{HttpMethod, MethodSpec};

    static BATCH: MethodSpec = MethodSpec {
        id: "people.people.batchCreateContacts",
        http_method: HttpMethod::Post,
        path: "v1/people:batchCreateContacts",
        scopes: &[],
        warmup_query: None,
        sequential: false,
        keeps: None,
    };

    fn bodies(requests: &VecDeque<Request>) -> Vec<Value> {
        requests
            .iter()
            .map(|request| serde_json::from_slice(request.body().unwrap_or_default()).unwrap())
            .collect()
    }

    #[test]
    fn a_list_over_the_limit_is_split_and_other_fields_are_repeated() {
        let mut request = Request::new(&BATCH);
        request
            .set_json_body(&serde_json::json!({"contacts": [1, 2, 3, 4, 5], "readMask": "names"}));
        request.limit_len("contacts", 5, 2);
        let requests = split(&request, "contacts").unwrap();
        assert_eq!(
            bodies(&requests),
            [
                serde_json::json!({"contacts": [1, 2], "readMask": "names"}),
                serde_json::json!({"contacts": [3, 4], "readMask": "names"}),
                serde_json::json!({"contacts": [5], "readMask": "names"}),
            ]
        );
        assert!(requests.iter().all(|request| request.url("http://x/").is_ok()));
    }

    #[test]
    fn a_map_over_the_limit_is_split_by_entries() {
        let mut request = Request::new(&BATCH);
        request.set_json_body(&serde_json::json!({"contacts": {"a": 1, "b": 2, "c": 3}}));
        request.limit_len("contacts", 3, 2);
        let requests = split(&request, "contacts").unwrap();
        assert_eq!(
            bodies(&requests),
            [
                serde_json::json!({"contacts": {"a": 1, "b": 2}}),
                serde_json::json!({"contacts": {"c": 3}}),
            ]
        );
    }

    #[test]
    fn a_body_within_the_limit_is_one_request() {
        let mut request = Request::new(&BATCH);
        request.set_json_body(&serde_json::json!({"contacts": [1, 2]}));
        request.limit_len("contacts", 2, 2);
        assert_eq!(split(&request, "contacts").unwrap().len(), 1);
    }
}
