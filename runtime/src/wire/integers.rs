//! 64-bit integers as JSON strings (`"12345"`), the way Google's JSON carries
//! them, in fields of type `T`, `Option<T>`, `Vec<T>`, `BTreeMap<String, T>`
//! and any nesting of those ([`super::ObjectWriter::string_integer_field`],
//! [`super::next_string_integer`]). Decoding also accepts plain JSON numbers.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// A value whose 64-bit integers are written as strings.
pub trait StringInteger: Sized {
    /// Writes the value with its integers as strings.
    fn serialize_as_string<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads the value, its integers as strings or numbers.
    fn deserialize_from_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error>;
}

pub(super) struct Out<'a, T>(pub(super) &'a T);

impl<T: StringInteger> Serialize for Out<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_as_string(serializer)
    }
}

pub(super) struct In<T>(pub(super) T);

impl<'de, T: StringInteger> Deserialize<'de> for In<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_from_string(deserializer).map(In)
    }
}

macro_rules! leaf {
    ($ty:ty, $expecting:literal) => {
        impl StringInteger for $ty {
            fn serialize_as_string<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }

            fn deserialize_from_string<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                struct LeafVisitor;
                impl Visitor<'_> for LeafVisitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, value: &str) -> Result<$ty, E> {
                        value
                            .trim()
                            .parse()
                            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
                    }
                    fn visit_i64<E: de::Error>(self, value: i64) -> Result<$ty, E> {
                        <$ty>::try_from(value)
                            .map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
                    }
                    fn visit_u64<E: de::Error>(self, value: u64) -> Result<$ty, E> {
                        <$ty>::try_from(value)
                            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
                    }
                }
                deserializer.deserialize_any(LeafVisitor)
            }
        }
    };
}

leaf!(i64, "a signed 64-bit integer, as a string or a number");
leaf!(u64, "an unsigned 64-bit integer, as a string or a number");

impl<T: StringInteger> StringInteger for Option<T> {
    fn serialize_as_string<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Out(value)),
            None => serializer.serialize_none(),
        }
    }

    fn deserialize_from_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        Ok(Option::<In<T>>::deserialize(deserializer)?.map(|In(value)| value))
    }
}

impl<T: StringInteger> StringInteger for Vec<T> {
    fn serialize_as_string<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Out))
    }

    fn deserialize_from_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        Ok(Vec::<In<T>>::deserialize(deserializer)?.into_iter().map(|In(value)| value).collect())
    }
}

impl<T: StringInteger> StringInteger for BTreeMap<String, T> {
    fn serialize_as_string<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(key, value)| (key, Out(value))))
    }

    fn deserialize_from_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, In<T>>::deserialize(deserializer)?
            .into_iter()
            .map(|(key, In(value))| (key, value))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn write<T: StringInteger>(value: &T) -> Value {
        serde_json::to_value(Out(value)).unwrap()
    }

    fn read<T: StringInteger>(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_str::<In<T>>(json).map(|In(value)| value)
    }

    #[test]
    fn integers_are_strings_on_the_wire_in_every_container() {
        assert_eq!(write(&i64::MIN), json!("-9223372036854775808"));
        assert_eq!(write(&Some(7_i64)), json!("7"));
        assert_eq!(write(&vec![u64::MAX]), json!(["18446744073709551615"]));
        let map = BTreeMap::from([("a".to_owned(), vec![1_i64, -2])]);
        assert_eq!(write(&map), json!({"a": ["1", "-2"]}));
        assert_eq!(read::<BTreeMap<String, Vec<i64>>>(r#"{"a": ["1", "-2"]}"#).unwrap(), map);
    }

    #[test]
    fn decoding_accepts_numbers_and_null() {
        assert_eq!(read::<i64>("5").unwrap(), 5);
        assert_eq!(read::<Option<i64>>("null").unwrap(), None);
        assert_eq!(read::<Vec<u64>>(r#"[1, "2"]"#).unwrap(), [1, 2]);
    }

    #[test]
    fn out_of_range_and_garbage_are_errors_that_say_what_was_expected() {
        let error = read::<i64>(r#""12x""#).unwrap_err().to_string();
        assert!(error.contains("signed 64-bit integer"), "{error}");
        let error = read::<Vec<u64>>("[-1]").unwrap_err().to_string();
        assert!(error.contains("unsigned 64-bit"), "{error}");
    }
}
