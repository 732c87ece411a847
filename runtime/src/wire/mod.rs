//! How Google's JSON spells values that JSON has no type for.
//!
//! * 64-bit integers travel as strings ([`int64`], [`uint64`]);
//! * bytes as base64 ([`Bytes`]);
//! * instants as RFC 3339 ([`Timestamp`]), durations as `"3.5s"` ([`Duration`]);
//! * field masks as comma-separated paths ([`FieldMask`]);
//! * enums as strings, some of which a crate may not know yet ([`deserialize_enum`]).

mod bytes;
mod duration;
mod field_mask;
mod integers;
mod timestamp;

pub use bytes::Bytes;
pub use duration::Duration;
pub use field_mask::FieldMask;
pub use integers::{StringInteger, int64, uint64};
pub use timestamp::Timestamp;

/// Deserialises an open enum from its wire string: `T::from` maps the values
/// it knows to variants and keeps any other one (it is never an error, so
/// that a value Google adds later does not break decoding).
pub fn deserialize_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    Ok(T::from(&value))
}
