//! How Google's JSON spells values that JSON has no type for.
//!
//! * 64-bit integers travel as strings ([`StringInteger`]);
//! * bytes as base64 ([`Bytes`]);
//! * instants as RFC 3339 ([`Timestamp`]), durations as `"3.5s"` ([`Duration`]);
//! * field masks as comma-separated paths ([`FieldMask`]);
//! * enums as strings, some of which a crate may not know yet ([`deserialize_enum`]);
//! * structs as objects without their unset fields ([`ObjectWriter`], [`ReadFields`]),
//!   keeping the keys a crate does not know ([`UnknownFields`]).

pub use bytes::Bytes;
pub use duration::Duration;
pub use extras::{UnknownFields, WireExtras};
pub use field_mask::{FieldMask, FieldPath, IntoFieldMask, UnknownFieldPath};
pub use integers::StringInteger;
pub use object::{ObjectWriter, ReadFields, Unset, next_field, next_string_integer, read_object};
pub use timestamp::Timestamp;

use std::fmt;

/// Writes a fraction of a second as Google does: nothing when it is zero,
/// otherwise 3, 6 or 9 digits after a dot.
fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: u32) -> fmt::Result {
    if nanos == 0 {
        Ok(())
    } else if nanos % 1_000_000 == 0 {
        write!(f, ".{:03}", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        write!(f, ".{:06}", nanos / 1_000)
    } else {
        write!(f, ".{nanos:09}")
    }
}

/// Serde for a type whose wire form is its `Display` and `FromStr` text.
macro_rules! serde_as_text {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
use serde_as_text;

mod bytes;
mod duration;
mod extras;
mod field_mask;
mod integers;
mod object;
mod timestamp;

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
