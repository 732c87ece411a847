//! Errors in the shape Google's JSON APIs send them, so that a client's error
//! handling meets the same bodies here as in production:
//! `{"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT","details":[...]}}`.

use std::time::Duration;

use serde_json::{Value, json};

const BAD_REQUEST_TYPE: &str = "type.googleapis.com/google.rpc.BadRequest";
const ERROR_INFO_TYPE: &str = "type.googleapis.com/google.rpc.ErrorInfo";
const RETRY_INFO_TYPE: &str = "type.googleapis.com/google.rpc.RetryInfo";

/// One failed call: the HTTP status, the canonical `google.rpc.Code` name
/// and the details Google attaches.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) http_status: u16,
    pub(crate) status: &'static str,
    pub(crate) message: String,
    details: Vec<Value>,
    /// Sent as `Retry-After` (whole seconds, rounded up).
    pub(crate) retry_after: Option<Duration>,
}

impl ApiError {
    fn new(http_status: u16, status: &'static str, message: impl Into<String>) -> Self {
        Self {
            http_status,
            status,
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    /// 400 INVALID_ARGUMENT without field details (a malformed path or token).
    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(400, "INVALID_ARGUMENT", message)
    }

    /// 400 INVALID_ARGUMENT naming the request field at fault, with the
    /// `BadRequest` detail Google sends for it.
    pub(crate) fn invalid_field(field: &str, description: impl Into<String>) -> Self {
        let description = description.into();
        let mut error = Self::invalid_argument(description.clone());
        error.details.push(json!({
            "@type": BAD_REQUEST_TYPE,
            "fieldViolations": [{ "field": field, "description": description }],
        }));
        error
    }

    /// A query parameter the method does not declare. Google rejects these
    /// instead of ignoring them, which is what catches misspelt parameters.
    pub(crate) fn unknown_parameter(name: &str) -> Self {
        let description = format!(
            "Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query parameter. \
             Field '{name}' could not be found in request message."
        );
        let mut error = Self::invalid_argument(description.clone());
        error.details.push(json!({
            "@type": BAD_REQUEST_TYPE,
            "fieldViolations": [{ "description": description }],
        }));
        error
    }

    /// 400 FAILED_PRECONDITION: Google's answer to a stale etag (HTTP 400, not 412).
    pub(crate) fn failed_precondition(message: impl Into<String>) -> Self {
        Self::new(400, "FAILED_PRECONDITION", message)
    }

    /// 401 without credentials, with the `ErrorInfo` reason Google gives.
    pub(crate) fn credentials_missing() -> Self {
        let mut error = Self::new(
            401,
            "UNAUTHENTICATED",
            "Request is missing required authentication credential. Expected OAuth 2 access \
             token, login cookie or other valid authentication credential.",
        );
        error.details.push(json!({
            "@type": ERROR_INFO_TYPE,
            "reason": "CREDENTIALS_MISSING",
            "domain": "googleapis.com",
        }));
        error
    }

    /// 401 for a bearer token other than the one the fake was configured with.
    pub(crate) fn credentials_invalid() -> Self {
        Self::new(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, \
             login cookie or other valid authentication credential.",
        )
    }

    /// People's answer to a sync token older than [`crate::SYNC_TOKEN_LIFETIME`]:
    /// HTTP 400 `FAILED_PRECONDITION` with the `ErrorInfo` reason `EXPIRED_SYNC_TOKEN`.
    pub(crate) fn expired_sync_token() -> Self {
        let mut error = Self::failed_precondition(
            "Sync token is expired. Clear local cache and retry call without the sync token.",
        );
        error.details.push(json!({
            "@type": ERROR_INFO_TYPE,
            "reason": "EXPIRED_SYNC_TOKEN",
            "domain": "people.googleapis.com",
        }));
        error
    }

    /// 429 `RESOURCE_EXHAUSTED` for the first page of a full sync, which "has
    /// an additional quota": `Retry-After` and a `RetryInfo` detail say when
    /// to come back.
    pub(crate) fn full_sync_quota_exceeded(retry_after: Duration) -> Self {
        let mut error = Self::new(
            429,
            "RESOURCE_EXHAUSTED",
            "Quota exceeded for quota metric 'Full sync list requests' and limit 'Full sync \
             list requests per minute per user' of service 'people.googleapis.com'.",
        );
        error.details.push(json!({
            "@type": ERROR_INFO_TYPE,
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "people.googleapis.com",
                "quota_metric": "people.googleapis.com/full_sync_list_requests",
            },
        }));
        error.details.push(json!({
            "@type": RETRY_INFO_TYPE,
            "retryDelay": proto_duration(retry_after),
        }));
        error.retry_after = Some(retry_after);
        error
    }

    /// 409 `ABORTED`: a mutation arrived while another of the same user was
    /// still being processed (the fake's model of the documented "increased
    /// latency and failures" of concurrent mutations).
    pub(crate) fn concurrent_mutation() -> Self {
        Self::new(
            409,
            "ABORTED",
            "The request was aborted because of a concurrent mutation for the same user. \
             Mutate requests for the same user should be sent sequentially.",
        )
    }

    /// The failure [`FakePeople::fail_next`](crate::FakePeople::fail_next)
    /// asked for: the `google.rpc.Code` name and generic message Google pairs
    /// with `http_status`, and with a `retry_after`, the `Retry-After` header
    /// and a `RetryInfo` detail, as the fake's own 429 carries them.
    pub(crate) fn injected(http_status: u16, retry_after: Option<Duration>) -> Self {
        let (status, message) = match http_status {
            400 => ("INVALID_ARGUMENT", "Request contains an invalid argument."),
            401 => ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
            403 => ("PERMISSION_DENIED", "The caller does not have permission."),
            404 => ("NOT_FOUND", "Requested entity was not found."),
            409 => ("ABORTED", "The operation was aborted."),
            429 => ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
            499 => ("CANCELLED", "The operation was cancelled."),
            500 => ("INTERNAL", "Internal error encountered."),
            501 => ("UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."),
            503 => ("UNAVAILABLE", "The service is currently unavailable."),
            504 => ("DEADLINE_EXCEEDED", "The request deadline was exceeded."),
            _ => ("UNKNOWN", "Unknown error."),
        };
        let mut error = Self::new(http_status, status, message);
        if let Some(retry_after) = retry_after {
            error.details.push(json!({
                "@type": RETRY_INFO_TYPE,
                "retryDelay": proto_duration(retry_after),
            }));
            error.retry_after = Some(retry_after);
        }
        error
    }

    /// 500 `INTERNAL`: a fault of the fake itself.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "INTERNAL", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NOT_FOUND", message)
    }

    pub(crate) fn already_exists(message: impl Into<String>) -> Self {
        Self::new(409, "ALREADY_EXISTS", message)
    }

    /// The numeric `google.rpc.Code` for `status`.
    fn rpc_code(&self) -> u16 {
        match self.status {
            "CANCELLED" => 1,
            "INVALID_ARGUMENT" => 3,
            "DEADLINE_EXCEEDED" => 4,
            "NOT_FOUND" => 5,
            "ALREADY_EXISTS" => 6,
            "PERMISSION_DENIED" => 7,
            "RESOURCE_EXHAUSTED" => 8,
            "FAILED_PRECONDITION" => 9,
            "ABORTED" => 10,
            "UNIMPLEMENTED" => 12,
            "INTERNAL" => 13,
            "UNAVAILABLE" => 14,
            "UNAUTHENTICATED" => 16,
            _ => 2,
        }
    }

    /// The `google.rpc.Status` object batch responses embed per item.
    pub(crate) fn to_rpc_status(&self) -> Value {
        json!({ "code": self.rpc_code(), "message": self.message })
    }

    /// The whole response body.
    pub(crate) fn to_body(&self) -> Value {
        let mut error = json!({
            "code": self.http_status,
            "message": self.message,
            "status": self.status,
        });
        if !self.details.is_empty() {
            error["details"] = Value::Array(self.details.clone());
        }
        json!({ "error": error })
    }
}

/// A `google.protobuf.Duration` in its JSON form: `"1s"`, `"1.500000000s"`.
fn proto_duration(duration: Duration) -> String {
    match duration.subsec_nanos() {
        0 => format!("{}s", duration.as_secs()),
        nanos => format!("{}.{nanos:09}s", duration.as_secs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_field_carries_a_bad_request_violation() {
        let body = ApiError::invalid_field("personFields", "bad mask").to_body();
        assert_eq!(body["error"]["code"], 400);
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert_eq!(body["error"]["details"][0]["@type"], BAD_REQUEST_TYPE);
        assert_eq!(body["error"]["details"][0]["fieldViolations"][0]["field"], "personFields");
    }

    #[test]
    fn errors_without_details_omit_the_details_key() {
        let body = ApiError::not_found("gone").to_body();
        assert_eq!(body, json!({"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}));
    }

    #[test]
    fn injected_failures_carry_the_canonical_status_and_retry_info() {
        let body = ApiError::injected(503, None).to_body();
        assert_eq!(body["error"]["status"], "UNAVAILABLE");
        assert!(body["error"].get("details").is_none());
        let error = ApiError::injected(429, Some(Duration::from_secs(2)));
        assert_eq!(error.retry_after, Some(Duration::from_secs(2)));
        assert_eq!(error.to_rpc_status()["code"], 8);
        let body = error.to_body();
        assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED");
        assert_eq!(body["error"]["details"][0]["retryDelay"], "2s");
        assert_eq!(ApiError::injected(418, None).status, "UNKNOWN");
    }

    #[test]
    fn retry_delays_are_protobuf_durations() {
        assert_eq!(proto_duration(Duration::from_secs(2)), "2s");
        assert_eq!(proto_duration(Duration::from_millis(1500)), "1.500000000s");
    }
}
