//! A small HTTP client for the tests: JSON in, status and JSON out.

use google_people_v1_fake::{FakePeople, Seed};
use serde_json::{Value, json};

/// The bearer token the helpers send.
pub const TOKEN: &str = "test-token";

/// A running fake and a client for it.
pub struct Api {
    pub fake: FakePeople,
    http: reqwest::Client,
}

/// One response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub www_authenticate: Option<String>,
    pub retry_after: Option<String>,
}

/// A reqwest client built the way the runtime builds its own: in a
/// workspace test run, reqwest's TLS features are unified with the runtime's
/// (rustls without a default provider), so a bare `Client::new()` would panic.
pub fn http_client() -> reqwest::Client {
    gapi_runtime::http_client("google-people-v1-fake-tests", std::time::Duration::from_secs(5))
        .expect("the HTTP client builds")
}

impl Reply {
    /// Asserts a Google error body with this HTTP status and `error.status`.
    #[track_caller]
    pub fn assert_error(&self, http_status: u16, status: &str) {
        assert_eq!(
            (self.status, self.body["error"]["status"].as_str()),
            (http_status, Some(status)),
            "{}",
            self.text
        );
        assert_eq!(self.body["error"]["code"], http_status, "{}", self.text);
        assert!(self.body["error"]["message"].is_string(), "{}", self.text);
    }

    /// Asserts success and returns the body.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text);
        self.body
    }
}

impl Api {
    pub async fn start() -> Self {
        Self::with(FakePeople::start().await.expect("the fake starts"))
    }

    pub async fn seeded(seed: Value) -> Self {
        let seed: Seed = serde_json::from_value(seed).expect("a valid seed");
        Self::with(FakePeople::builder().seed(seed).start().await.expect("the fake starts"))
    }

    pub fn with(fake: FakePeople) -> Self {
        Self { fake, http: http_client() }
    }

    /// Sends `method path` (relative to the base URL) with an optional
    /// `Authorization` header value and JSON body.
    pub async fn send_as(
        &self,
        authorization: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut request = self.http.request(method, format!("{}{path}", self.fake.base_url()));
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the fake answers");
        let status = response.status().as_u16();
        let header = |name: &str| {
            response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_owned)
        };
        let www_authenticate = header("www-authenticate");
        let retry_after = header("retry-after");
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, body, text, www_authenticate, retry_after }
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        self.send_as(Some(&format!("Bearer {TOKEN}")), method, path, body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send("POST", path, Some(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send("PATCH", path, Some(&body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send("PUT", path, Some(&body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send("DELETE", path, None).await
    }

    /// Creates a contact and returns it with every field.
    pub async fn create(&self, person: Value) -> Value {
        self.post("v1/people:createContact", person).await.ok()
    }

    /// Creates a contact with just a given and family name.
    pub async fn create_named(&self, given: &str, family: &str) -> Value {
        self.create(json!({"names": [{"givenName": given, "familyName": family}]})).await
    }

    /// Creates `count` contacts with batchCreateContacts (200 at a time).
    pub async fn create_many(&self, count: usize) {
        let people: Vec<Value> = (0..count)
            .map(|index| json!({"contactPerson": {"names": [{"givenName": format!("P{index:04}")}]}}))
            .collect();
        for chunk in people.chunks(200) {
            let body = json!({"contacts": chunk, "readMask": ""});
            self.post("v1/people:batchCreateContacts", body).await.ok();
        }
    }
}

/// The etag of the CONTACT source, which updates must send back.
pub fn source_etag(person: &Value) -> &str {
    person["metadata"]["sources"][0]["etag"].as_str().expect("a source etag")
}

/// The resource names in a list of persons or person wrappers.
pub fn names_of(people: &Value) -> Vec<String> {
    people
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|entry| {
            let person = entry.get("person").unwrap_or(entry);
            person["resourceName"].as_str().expect("a resource name").to_owned()
        })
        .collect()
}
