//! `format: byte`: binary data as base64 text.

use std::fmt;
use std::ops::Deref;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_encode_padding(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Bytes that travel as base64: encoded with the standard alphabet and
/// padding; decoded from the standard or the URL-safe alphabet, padded or
/// not (Google sends both).
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bytes(Vec<u8>);

/// Text that is base64 in neither alphabet; says where, not what the text was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidBase64(String);

impl std::fmt::Display for InvalidBase64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid base64: {}", self.0)
    }
}

impl std::error::Error for InvalidBase64 {}

impl Bytes {
    /// Wraps raw bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// Decodes base64 text in either alphabet, padded or not.
    pub fn from_base64(text: &str) -> Result<Self, InvalidBase64> {
        let engine = if text.contains(['-', '_']) { &URL_SAFE } else { &STANDARD };
        engine.decode(text.trim_end()).map(Self).map_err(|error| InvalidBase64(error.to_string()))
    }

    /// The standard, padded base64 form.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// The raw bytes.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

/// Shows the length, not the content (a photo would flood a log).
impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::read_str(deserializer, Self::from_base64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_standard_padded() {
        let json = serde_json::to_string(&Bytes::new([0xfb, 0xff])).unwrap();
        assert_eq!(json, r#""+/8=""#);
    }

    #[test]
    fn decodes_both_alphabets_with_or_without_padding() {
        for text in ["+/8=", "+/8", "-_8=", "-_8"] {
            let bytes: Bytes = serde_json::from_str(&format!("{text:?}")).unwrap();
            assert_eq!(&*bytes, &[0xfb, 0xff], "{text}");
        }
    }

    #[test]
    fn invalid_base64_is_an_error() {
        let error = serde_json::from_str::<Bytes>(r#""not base64!""#).unwrap_err();
        assert!(error.to_string().contains("invalid base64"), "{error}");
    }
}
