//! 64-bit integers as JSON strings (`"12345"`), the way Google's JSON carries
//! them, in fields of type `T`, `Option<T>`, `Vec<T>`, `BTreeMap<String, T>`
//! and any nesting of those. Decoding also accepts plain JSON numbers.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// A value whose integers are `Leaf`s written as strings.
pub trait StringInteger: Sized {
    /// `i64` or `u64`.
    type Leaf;
    /// Writes the value with its integers as strings.
    fn serialize_as_string<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads the value, its integers as strings or numbers.
    fn deserialize_from_string<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error>;
}

struct Out<'a, T>(&'a T);

impl<T: StringInteger> Serialize for Out<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_as_string(serializer)
    }
}

struct In<T>(T);

impl<'de, T: StringInteger> Deserialize<'de> for In<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_from_string(deserializer).map(In)
    }
}

macro_rules! leaf {
    ($ty:ty, $expecting:literal) => {
        impl StringInteger for $ty {
            type Leaf = $ty;

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
    type Leaf = T::Leaf;

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
    type Leaf = T::Leaf;

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
    type Leaf = T::Leaf;

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

macro_rules! with_module {
    ($name:ident, $leaf:ty, $doc:literal) => {
        #[doc = $doc]
        pub mod $name {
            use super::*;

            /// Writes `value` with its integers as strings.
            pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
            where
                T: StringInteger<Leaf = $leaf>,
                S: Serializer,
            {
                value.serialize_as_string(serializer)
            }

            /// Reads a value whose integers are strings or numbers.
            pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
            where
                T: StringInteger<Leaf = $leaf>,
                D: Deserializer<'de>,
            {
                T::deserialize_from_string(deserializer)
            }
        }
    };
}

with_module!(
    int64,
    i64,
    "`#[serde(with = \"int64\")]` for `i64` fields (discovery format `int64`)."
);
with_module!(
    uint64,
    u64,
    "`#[serde(with = \"uint64\")]` for `u64` fields (discovery format `uint64`)."
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "int64")]
        plain: i64,
        #[serde(with = "int64", default, skip_serializing_if = "Option::is_none")]
        optional: Option<i64>,
        #[serde(with = "uint64", default)]
        list: Vec<u64>,
        #[serde(with = "int64", default)]
        map: BTreeMap<String, Vec<i64>>,
    }

    #[test]
    fn integers_are_strings_on_the_wire_in_every_container() {
        let sample = Sample {
            plain: i64::MIN,
            optional: Some(7),
            list: vec![u64::MAX],
            map: BTreeMap::from([("a".to_owned(), vec![1, -2])]),
        };
        let json = serde_json::to_value(&sample).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "plain": "-9223372036854775808",
                "optional": "7",
                "list": ["18446744073709551615"],
                "map": {"a": ["1", "-2"]}
            })
        );
        assert_eq!(serde_json::from_value::<Sample>(json).unwrap(), sample);
    }

    #[test]
    fn decoding_accepts_numbers_and_null() {
        let sample: Sample =
            serde_json::from_str(r#"{"plain": 5, "optional": null, "list": [1]}"#).unwrap();
        assert_eq!(sample, Sample { plain: 5, list: vec![1], ..Sample::default() });
    }

    #[test]
    fn out_of_range_and_garbage_are_errors_that_say_what_was_expected() {
        let error = serde_json::from_str::<Sample>(r#"{"plain": "12x"}"#).unwrap_err().to_string();
        assert!(error.contains("signed 64-bit integer"), "{error}");
        let error = serde_json::from_str::<Sample>(r#"{"plain": "1", "list": [-1]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unsigned 64-bit"), "{error}");
    }
}
