//! Decoding a successful response's JSON body, compiled once per type.
//!
//! A program that sends a call would otherwise compile the whole decoder of
//! the call's response type (for People's `Person`, some forty nested types)
//! into itself, again after every edit. Generated crates implement
//! [`ResponseBody`] for each method's response type instead: the decoder is
//! compiled once, in the generated crate, and programs only call it.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

/// A type a successful response's JSON body decodes into.
pub trait ResponseBody: Sized {
    /// Decodes `json`; on failure, says where (a JSON path) and why.
    fn from_json(json: &[u8]) -> Result<Self, DecodeFailure>;
}

/// Why a body did not decode, and where.
#[derive(Debug)]
pub struct DecodeFailure {
    pub(crate) path: String,
    pub(crate) source: serde_json::Error,
}

/// Decodes `json` as `T`: what each [`ResponseBody`] implementation calls.
pub fn decode_json<T: DeserializeOwned>(json: &[u8]) -> Result<T, DecodeFailure> {
    serde_json::from_slice(json).map_err(|source| DecodeFailure {
        path: path_at(json, source.line(), source.column()),
        source,
    })
}

/// The JSON path (`names[1].metadata.primary`, `.` for the whole body) of
/// the value being read where serde_json stopped, at 1-based `line` and
/// `column` (the bytes read on that line). Found by scanning the text up to
/// there, so that no second, path-tracking decoder of every response type
/// has to be compiled.
fn path_at(json: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        /// In an object; `key` once its `:` has been read.
        Object { key: Option<String>, reading_key: bool },
        /// In an array, `in_element` once element `index` has started.
        Array { index: usize, in_element: bool },
    }
    let line_start = json
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(index, _)| index + 1);
    let end = if line <= 1 { column } else { line_start + column }.min(json.len());
    let mut frames: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < end {
        let byte = json[at];
        if let Some(Frame::Array { in_element, .. }) = frames.last_mut()
            && !matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b',' | b']')
        {
            *in_element = true;
        }
        match byte {
            b'{' => frames.push(Frame::Object { key: None, reading_key: true }),
            b'[' => frames.push(Frame::Array { index: 0, in_element: false }),
            b'}' | b']' => {
                frames.pop();
            }
            b':' => {
                if let Some(Frame::Object { reading_key, .. }) = frames.last_mut() {
                    *reading_key = false;
                }
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object { key, reading_key }) => (*key, *reading_key) = (None, true),
                Some(Frame::Array { index, in_element }) => {
                    (*index, *in_element) = (*index + 1, false)
                }
                None => {}
            },
            b'"' => {
                let start = at;
                at += 1;
                while at < json.len() && json[at] != b'"' {
                    at += if json[at] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, reading_key: true }) = frames.last_mut() {
                    let quoted = json.get(start..=at).unwrap_or_default();
                    *key = serde_json::from_slice(quoted).ok();
                }
            }
            _ => {}
        }
        at += 1;
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(key), reading_key: false } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index, in_element: true } => path.push_str(&format!("[{index}]")),
            _ => break,
        }
    }
    if path.is_empty() { ".".to_owned() } else { path }
}

/// The types a schema that is not an object or an enum may name (generated
/// crates make those aliases, which cannot implement a foreign trait), and
/// any JSON value, parsed or raw (what the CLI engine prints).
macro_rules! response_body {
    ($($ty:ty),* $(,)?) => {
        $(
            impl ResponseBody for $ty {
                fn from_json(json: &[u8]) -> Result<Self, DecodeFailure> {
                    decode_json(json)
                }
            }
        )*
    };
}

response_body!(
    serde_json::Value,
    Box<serde_json::value::RawValue>,
    String,
    bool,
    i32,
    u32,
    i64,
    u64,
    f32,
    f64,
    crate::wire::Bytes,
    crate::wire::Duration,
    crate::wire::FieldMask,
    crate::wire::Timestamp,
);

/// The answer of a method without a response body, whatever it holds.
impl ResponseBody for () {
    fn from_json(_json: &[u8]) -> Result<Self, DecodeFailure> {
        Ok(())
    }
}

impl<T: DeserializeOwned> ResponseBody for Vec<T> {
    fn from_json(json: &[u8]) -> Result<Self, DecodeFailure> {
        decode_json(json)
    }
}

impl<T: DeserializeOwned> ResponseBody for BTreeMap<String, T> {
    fn from_json(json: &[u8]) -> Result<Self, DecodeFailure> {
        decode_json(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path of the value serde_json stopped in, decoding `json` as `T`.
    fn failing_path<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        decode_json::<T>(json.as_bytes()).expect_err("does not decode").path
    }

    /// Fails after reading its value, with an error serde_json gives no position.
    #[derive(Debug)]
    struct Strict;

    impl<'de> serde::Deserialize<'de> for Strict {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = serde_json::Value::deserialize(deserializer)?;
            Err(serde::de::Error::custom(format!("refused {}", value.is_object())))
        }
    }

    #[test]
    fn the_path_names_the_keys_and_indices_down_to_the_value_that_failed() {
        type Names = BTreeMap<String, Vec<BTreeMap<String, BTreeMap<String, bool>>>>;
        let json = r#"{"names": [{"m": {"primary": true}}, {"m": {"primary": "yes"}}]}"#;
        assert_eq!(failing_path::<Names>(json), "names[1].m.primary");
        let pretty = "{\n  \"a\": [\n    1,\n    \"two\"\n  ]\n}";
        assert_eq!(failing_path::<BTreeMap<String, Vec<u32>>>(pretty), "a[1]");
    }

    #[test]
    fn keys_with_escapes_and_strings_with_brackets_do_not_confuse_the_path() {
        let json = r#"{"x\"]": {"k": "[{,:", "n": "7"}}"#;
        assert_eq!(failing_path::<BTreeMap<String, BTreeMap<String, u8>>>(json), "x\"].k");
    }

    #[test]
    fn a_failure_without_a_position_is_the_whole_bodys_and_a_cut_body_names_where_it_stops() {
        assert_eq!(failing_path::<BTreeMap<String, Strict>>("{\"a\": {\"b\": 1}}"), ".");
        assert_eq!(failing_path::<Vec<bool>>("[true, 3]"), "[1]");
        assert_eq!(failing_path::<BTreeMap<String, Vec<bool>>>("{\"a\": [true"), "a[0]");
    }

    #[test]
    fn a_value_after_a_closed_object_is_named_by_its_own_key() {
        type Nested = BTreeMap<String, BTreeMap<String, u8>>;
        assert_eq!(failing_path::<Nested>(r#"{"a": {"b": 1}, "c": 2}"#), "c");
    }
}
