//! The HTTP/1 transport: accepts connections until the task is aborted and
//! hands each request to [`dispatch`](crate::dispatch). Mutation contention
//! is modelled here, where waiting is asynchronous: with a mutation delay,
//! each mutation (any method but GET) is in flight for that long before it
//! is dispatched, and one that arrives meanwhile is refused with 409 `ABORTED`.
//! `POST /batch` goes to [`batch`](crate::batch) instead, outside that model.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::batch::{self, Multipart};
use crate::dispatch::{self, JSON_CONTENT_TYPE, Reply, Shared};
use crate::error::ApiError;

/// Larger than any People request (a contact photo is a few MB of base64).
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Serves until the task running it is aborted. The connections live in a
/// `JoinSet` owned by this future, so aborting it also closes them.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = Arc::clone(&shared);
                    connections.spawn(async move {
                        let service =
                            service_fn(move |request| respond(Arc::clone(&shared), request));
                        // An error here (a client hanging up mid-request) ends only
                        // this connection; there is no one to report it to.
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn respond(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(body) => body.to_bytes(),
        Err(error) => {
            return Ok(to_response(dispatch::error_reply(&ApiError::invalid_argument(format!(
                "Cannot read the request body: {error}."
            )))));
        }
    };
    let authorization = parts.headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok());
    if parts.method == Method::POST && parts.uri.path() == batch::PATH {
        let content_type = parts.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
        return Ok(match batch::handle(&shared, content_type, authorization, &body) {
            Ok(multipart) => to_multipart_response(multipart),
            Err(reply) => to_response(reply),
        });
    }
    let delay = shared.mutation_delay();
    let in_flight = if parts.method != Method::GET && !delay.is_zero() {
        let Some(in_flight) = shared.begin_mutation() else {
            return Ok(to_response(dispatch::error_reply(&ApiError::concurrent_mutation())));
        };
        tokio::time::sleep(delay).await;
        Some(in_flight)
    } else {
        None
    };
    let reply = dispatch::handle(
        &shared,
        &dispatch::Incoming {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            authorization,
            body: &body,
        },
    );
    drop(in_flight);
    Ok(to_response(reply))
}

fn to_response(reply: Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::default());
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    if let Some(seconds) = reply.retry_after_seconds() {
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    if let Some(challenge) = reply.challenge() {
        headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    *response.body_mut() = Full::new(Bytes::from(reply.body));
    response
}

/// A batch response: 200 with the parts, whatever each part's status.
fn to_multipart_response(multipart: Multipart) -> Response<Full<Bytes>> {
    let Ok(content_type) = HeaderValue::try_from(multipart.content_type()) else {
        // The boundary is made of letters, digits and `_`, so this is a bug of the fake.
        return to_response(dispatch::error_reply(&ApiError::internal(
            "The batch response boundary is not a valid header value.",
        )));
    };
    let mut response = Response::new(Full::new(Bytes::from(multipart.body)));
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}
