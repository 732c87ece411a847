//! How Google's JSON spells values that JSON has no type for.
//!
//! * 64-bit integers travel as strings, and decode as `i64` / `u64`;
//! * bytes as base64 ([`Bytes`]);
//! * instants as RFC 3339 ([`Timestamp`]), durations as `"3.5s"` ([`Duration`]);
//! * field masks as comma-separated paths ([`FieldMask`], typed by [`FieldPath`]);
//! * enums as strings, some of which a crate may not know yet (each generated
//!   enum keeps them in its unknown variant);
//! * structs as objects without their unset fields, keeping the keys a crate
//!   does not know ([`UnknownFields`]).

pub use bytes::{Bytes, InvalidBase64};
pub use duration::{Duration, InvalidDuration};
pub use extras::UnknownFields;
pub use field_mask::{FieldMask, FieldPath, IntoFieldMask, UnknownFieldPath};
pub use timestamp::{InvalidTimestamp, Timestamp};

use std::fmt;
use std::marker::PhantomData;

/// Reads a JSON string and hands it to `read`, borrowed from the input
/// unless it holds escapes: `Cow<str>`'s own `Deserialize` always copies,
/// which cost an allocation for every enum value and timestamp decoded.
pub(crate) fn read_str<'de, D, T, E>(
    deserializer: D,
    read: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    E: fmt::Display,
{
    struct StrVisitor<F, T, E>(F, PhantomData<fn() -> (T, E)>);

    impl<'de, F, T, E> serde::de::Visitor<'de> for StrVisitor<F, T, E>
    where
        F: FnOnce(&str) -> Result<T, E>,
        E: fmt::Display,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<Error: serde::de::Error>(self, text: &str) -> Result<T, Error> {
            (self.0)(text).map_err(Error::custom)
        }
    }

    deserializer.deserialize_str(StrVisitor(read, PhantomData))
}

/// Writes a fraction of a second as Google does: nothing when it is zero,
/// otherwise 3, 6 or 9 digits after a dot.
fn write_fraction(f: &mut fmt::Formatter<'_>, nanos: u32) -> fmt::Result {
    let (value, digits) = match nanos {
        0 => return Ok(()),
        _ if nanos % 1_000_000 == 0 => (nanos / 1_000_000, 3),
        _ if nanos % 1_000 == 0 => (nanos / 1_000, 6),
        _ => (nanos, 9),
    };
    let mut text = [b'.'; 10];
    write_digits(&mut text[1..=digits], value);
    f.write_str(ascii(&text[..=digits])?)
}

/// Writes `value` into `out` in decimal, zero-padded to its length (the
/// digits that do not fit are dropped): timestamps and durations are
/// written for every value of a page, where `write!`'s padding costs more
/// than the rest of their encoding.
fn write_digits(out: &mut [u8], mut value: u32) {
    for place in out.iter_mut().rev() {
        *place = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// `text`, which holds only the ASCII these writers put in it, as a `str`.
fn ascii(text: &[u8]) -> Result<&str, fmt::Error> {
    std::str::from_utf8(text).map_err(|_| fmt::Error)
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
                $crate::wire::read_str(deserializer, str::parse)
            }
        }
    };
}
use serde_as_text;

mod bytes;
mod duration;
pub(crate) mod extras;
mod field_mask;
pub(crate) mod integers;
pub(crate) mod object;
mod timestamp;
