//! Service-account keys and the signed JWT they trade for a token (RFC 7523),
//! signed RS256 with ring (already under rustls).

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};

use super::endpoint::{GOOGLE_TOKEN_URI, require_private_transport};
use crate::error::Error;
use crate::json::Fields;

/// A service account's JSON key, as the Cloud console downloads it. Parsing
/// checks the private key; `Debug` shows the account, never the key.
#[derive(Clone)]
pub struct ServiceAccountKey {
    client_email: String,
    private_key_id: String,
    token_uri: String,
    key_pair: Arc<RsaKeyPair>,
}

/// The key file's fields this runtime reads. Not `Debug`: it holds the key.
struct KeyFile {
    kind: Option<String>,
    client_email: String,
    private_key_id: String,
    private_key: String,
    token_uri: Option<String>,
}

impl KeyFile {
    /// The fields, or which one is missing or of the wrong type (never a value).
    fn parse(json: &str) -> Result<Self, String> {
        let fields = Fields::parse(json.as_bytes())?;
        Ok(Self {
            kind: fields.text("type")?,
            client_email: fields.required_text("client_email")?,
            private_key_id: fields.text("private_key_id")?.unwrap_or_default(),
            private_key: fields.required_text("private_key")?,
            token_uri: fields.text("token_uri")?,
        })
    }
}

impl ServiceAccountKey {
    /// Parses a key file's JSON text.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let file = KeyFile::parse(json)
            .map_err(|error| Error::Config(format!("invalid service account key: {error}")))?;
        if let Some(kind) = file.kind.as_deref().filter(|kind| *kind != "service_account") {
            return Err(Error::Config(format!(
                "invalid service account key: its type is {kind:?}, not \"service_account\""
            )));
        }
        let der = pem_body(&file.private_key).ok_or_else(|| {
            Error::Config(format!(
                "the service account key of {}: `private_key` is not a PEM private key",
                file.client_email
            ))
        })?;
        let key_pair = RsaKeyPair::from_pkcs8(&der)
            .or_else(|_| RsaKeyPair::from_der(&der))
            .map_err(|error| {
                Error::Config(format!(
                    "the service account key of {}: `private_key` is not a usable RSA key: {error}",
                    file.client_email
                ))
            })?;
        let token_uri = file.token_uri.unwrap_or_else(|| GOOGLE_TOKEN_URI.to_owned());
        require_private_transport(&token_uri, "the service account key's token_uri")?;
        Ok(Self {
            client_email: file.client_email,
            private_key_id: file.private_key_id,
            token_uri,
            key_pair: Arc::new(key_pair),
        })
    }

    /// Reads and parses a key file.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| {
            Error::Config(format!(
                "cannot read the service account key {}: {error}",
                path.display()
            ))
        })?;
        Self::from_json(&text)
            .map_err(|error| Error::Config(format!("{}: {}", path.display(), config_text(error))))
    }

    /// The account's email address (`client_email`).
    pub fn client_email(&self) -> &str {
        &self.client_email
    }

    pub(crate) fn token_uri(&self) -> &str {
        &self.token_uri
    }

    /// The signed assertion asking for `scopes`, for `subject` if given.
    pub(crate) fn assertion(
        &self,
        scopes: &[String],
        subject: Option<&str>,
    ) -> Result<String, Error> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": self.private_key_id});
        let mut claims = serde_json::json!({
            "iss": self.client_email,
            "scope": scopes.join(" "),
            "aud": self.token_uri,
            "iat": now,
            "exp": now + 3600,
        });
        if let (Some(subject), Some(claims)) = (subject, claims.as_object_mut()) {
            claims.insert("sub".into(), subject.into());
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key_pair.public().modulus_len()];
        self.key_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| Error::Auth {
                method: "",
                message: format!("cannot sign the token request of {}", self.client_email),
            })?;
        Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

impl fmt::Debug for ServiceAccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccountKey")
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .field("private_key", &"[redacted]")
            .finish()
    }
}

/// The DER bytes inside a PEM block.
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN ")?;
    let after_begin = &pem[start..];
    let body_start = after_begin.find('\n')? + 1;
    let body = &after_begin[body_start..];
    let body_end = body.find("-----END ")?;
    let text: String = body[..body_end].chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(text).ok()
}

/// The message of a configuration error, without the variant's prefix.
pub(crate) fn config_text(error: Error) -> String {
    match error {
        Error::Config(message) => message,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/throwaway_service_account.json");

    #[test]
    fn the_assertion_carries_the_claims_and_a_signature_the_public_key_verifies() {
        let key = ServiceAccountKey::from_json(
            &FIXTURE.replace("TOKEN_URI_PLACEHOLDER", "https://example.test/token"),
        )
        .expect("the fixture parses");
        let scopes = vec!["a".to_owned(), "b".to_owned()];
        let jwt = key.assertion(&scopes, Some("user@example.com")).expect("signs");
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64"))
                .expect("json");
        assert_eq!(claims["iss"], key.client_email());
        assert_eq!(claims["scope"], "a b");
        assert_eq!(claims["aud"], "https://example.test/token");
        assert_eq!(claims["sub"], "user@example.com");
        let public = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            key.key_pair.public().as_ref().to_vec(),
        );
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("base64");
        public
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .expect("the signature verifies");
        let without = key.assertion(&scopes, None).expect("signs");
        let claims =
            URL_SAFE_NO_PAD.decode(without.split('.').nth(1).expect("claims")).expect("b64");
        assert!(!String::from_utf8_lossy(&claims).contains("\"sub\""));
    }

    #[test]
    fn a_broken_key_is_a_config_error_that_does_not_show_the_key() {
        let broken =
            FIXTURE.replace("MIIEvgIBADANBgkqhkiG9w0BAQEFAASC", "MIIEvgIBADANBgkqhkiG9w0BAQEFAASD");
        let error = ServiceAccountKey::from_json(&broken).expect_err("refused");
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("not a usable RSA key"), "{shown}");
        assert!(!shown.contains("MIIEv"), "{shown}");
        let key = ServiceAccountKey::from_json(
            &FIXTURE.replace("TOKEN_URI_PLACEHOLDER", "https://example.test/token"),
        )
        .expect("parses");
        assert!(!format!("{key:?}").contains("MIIEv"));
    }
}
