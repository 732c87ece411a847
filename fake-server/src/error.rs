//! Errors in the shape Google's JSON APIs send them, so that a client's error
//! handling meets the same bodies here as in production:
//! `{"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT","details":[...]}}`.

use serde_json::{Value, json};

const BAD_REQUEST_TYPE: &str = "type.googleapis.com/google.rpc.BadRequest";
const ERROR_INFO_TYPE: &str = "type.googleapis.com/google.rpc.ErrorInfo";

/// One failed call: the HTTP status, the canonical `google.rpc.Code` name
/// and the details Google attaches.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) http_status: u16,
    pub(crate) status: &'static str,
    pub(crate) message: String,
    details: Vec<Value>,
}

impl ApiError {
    fn new(http_status: u16, status: &'static str, message: impl Into<String>) -> Self {
        Self { http_status, status, message: message.into(), details: Vec::new() }
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

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NOT_FOUND", message)
    }

    pub(crate) fn already_exists(message: impl Into<String>) -> Self {
        Self::new(409, "ALREADY_EXISTS", message)
    }

    /// The numeric `google.rpc.Code` for `status`.
    fn rpc_code(&self) -> u16 {
        match self.status {
            "INVALID_ARGUMENT" => 3,
            "NOT_FOUND" => 5,
            "ALREADY_EXISTS" => 6,
            "FAILED_PRECONDITION" => 9,
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
}
