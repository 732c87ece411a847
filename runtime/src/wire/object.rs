//! JSON objects for generated structs. Each struct lists its fields once for
//! writing ([`ObjectWriter`]) and once for reading ([`ReadFields`]); the
//! loop over keys, skipping unset fields and ignoring unknown keys live here,
//! compiled once. A derive would expand all of that for every struct, which
//! made type checking the larger APIs' crates several times slower.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::integers::{In, Out, StringInteger};

/// A field value that is left out of the JSON when it holds nothing: `None`,
/// an empty list or an empty map, as Google's APIs expect.
pub trait Unset {
    /// Whether the field is left out.
    fn is_unset(&self) -> bool;
}

impl<T> Unset for Option<T> {
    fn is_unset(&self) -> bool {
        self.is_none()
    }
}

impl<T> Unset for Vec<T> {
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Unset for BTreeMap<String, T> {
    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

/// Writes a struct as a JSON object, field by field, leaving unset ones out.
/// The object is a map whose length is not known up front, which JSON and
/// other self-describing formats take; formats that need lengths first
/// (bincode, postcard) cannot skip fields anyway and are not supported.
pub struct ObjectWriter<S: Serializer> {
    map: S::SerializeMap,
}

impl<S: Serializer> ObjectWriter<S> {
    /// Starts the object.
    pub fn new(serializer: S) -> Result<Self, S::Error> {
        Ok(Self { map: serializer.serialize_map(None)? })
    }

    /// Writes `value` under `key` unless it is unset.
    pub fn field<T: Serialize + Unset>(&mut self, key: &str, value: &T) -> Result<(), S::Error> {
        if value.is_unset() { Ok(()) } else { self.map.serialize_entry(key, value) }
    }

    /// Like [`Self::field`], with the value's 64-bit integers as strings.
    pub fn string_integer_field<T: StringInteger + Unset>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), S::Error> {
        if value.is_unset() { Ok(()) } else { self.map.serialize_entry(key, &Out(value)) }
    }

    /// Ends the object.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.map.end()
    }
}

/// A struct read from a JSON object one key at a time, starting from its
/// `Default`. Its `Deserialize` impl calls [`read_object`].
pub trait ReadFields: Default {
    /// The struct's name, for error messages.
    const NAME: &'static str;

    /// Reads the value of the field named `key` (its wire name) from `map`;
    /// a key the struct does not know is skipped with [`skip_value`].
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads a [`ReadFields`] struct from a JSON object. Keys it does not know
/// are ignored, so that fields Google adds later do not break decoding; a
/// key given twice keeps its last value.
pub fn read_object<'de, D: Deserializer<'de>, T: ReadFields>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Reads a field's value; `null` reads as the field's default (unset), the
/// way Google's APIs mean it, also for lists and maps.
pub fn next_field<'de, A: MapAccess<'de>, T: Deserialize<'de> + Default>(
    map: &mut A,
) -> Result<T, A::Error> {
    map.next_value::<Option<T>>().map(Option::unwrap_or_default)
}

/// Skips the value of a key the struct does not know.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// Like [`next_field`], for a value whose 64-bit integers are strings (or
/// numbers).
pub fn next_string_integer<'de, A: MapAccess<'de>, T: StringInteger + Default>(
    map: &mut A,
) -> Result<T, A::Error> {
    Ok(map.next_value::<Option<In<T>>>()?.map(|In(value)| value).unwrap_or_default())
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: ReadFields> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(Key(key)) = map.next_key()? {
            value.read_field(&key, &mut map)?;
        }
        Ok(value)
    }
}

/// An object key, borrowed from the input unless it holds escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the generator writes for a struct with a renamed, a string-integer,
    /// a list and a map field.
    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        r#type: Option<String>,
        count: Option<i64>,
        ids: Vec<u64>,
        labels: BTreeMap<String, String>,
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = ObjectWriter::new(serializer)?;
            object.field("@type", &self.r#type)?;
            object.string_integer_field("count", &self.count)?;
            object.string_integer_field("ids", &self.ids)?;
            object.field("labels", &self.labels)?;
            object.end()
        }
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_object(deserializer)
        }
    }

    impl ReadFields for Sample {
        const NAME: &'static str = "Sample";

        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "@type" => self.r#type = next_field(map)?,
                "count" => self.count = next_string_integer(map)?,
                "ids" => self.ids = next_string_integer(map)?,
                "labels" => self.labels = next_field(map)?,
                _ => skip_value(map)?,
            }
            Ok(())
        }
    }

    #[test]
    fn unset_fields_are_left_out_and_set_ones_use_their_wire_form() {
        assert_eq!(serde_json::to_value(Sample::default()).unwrap(), json!({}));
        let sample = Sample {
            r#type: Some("person".into()),
            count: Some(-3),
            ids: vec![u64::MAX],
            labels: BTreeMap::from([("a".into(), "b".into())]),
        };
        let expected = json!({"@type": "person", "count": "-3", "ids": ["18446744073709551615"], "labels": {"a": "b"}});
        assert_eq!(serde_json::to_value(&sample).unwrap(), expected);
        assert_eq!(serde_json::from_value::<Sample>(expected).unwrap(), sample);
    }

    #[test]
    fn unknown_keys_are_ignored_and_missing_ones_stay_default() {
        let text = r#"{"future": {"nested": [1, {"x": null}]}, "count": 7, "@type": null}"#;
        let sample: Sample = serde_json::from_str(text).unwrap();
        assert_eq!(sample, Sample { count: Some(7), ..Sample::default() });
    }

    #[test]
    fn null_reads_as_unset_for_every_kind_of_field() {
        let text = r#"{"@type": null, "count": null, "ids": null, "labels": null}"#;
        assert_eq!(serde_json::from_str::<Sample>(text).unwrap(), Sample::default());
    }

    #[test]
    fn escaped_keys_are_matched_by_their_text() {
        let sample: Sample = serde_json::from_str(r#"{"\u0040type": "x"}"#).unwrap();
        assert_eq!(sample.r#type.as_deref(), Some("x"));
    }

    #[test]
    fn a_field_of_the_wrong_type_is_an_error_naming_what_was_expected() {
        let error = serde_json::from_str::<Sample>(r#"{"ids": "1"}"#).unwrap_err().to_string();
        assert!(error.contains("expected a sequence"), "{error}");
        let error = serde_json::from_str::<Sample>("[]").unwrap_err().to_string();
        assert!(error.contains("expected a Sample object"), "{error}");
    }
}
