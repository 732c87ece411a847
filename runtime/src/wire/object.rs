//! JSON objects for generated structs. Each struct lists its fields once for
//! writing ([`ObjectWriter`]) and once for reading ([`ReadFields`]); the
//! loop over keys, skipping unset fields and ignoring unknown keys live here,
//! compiled once. A derive would expand all of that for every struct, which
//! made type checking the larger APIs' crates several times slower.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::extras::WireExtras;
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

/// Writes a struct as a JSON object, field by field, leaving unset ones out
/// (unless the caller asked to send them), then the keys the struct does not
/// know, as they came. The object is a map whose length is not known up
/// front, which JSON and other self-describing formats take; formats that
/// need lengths first (bincode, postcard) cannot skip fields anyway and are
/// not supported.
pub struct ObjectWriter<'a, S: Serializer> {
    map: S::SerializeMap,
    extras: &'a WireExtras,
}

impl<'a, S: Serializer> ObjectWriter<'a, S> {
    /// Starts the object of a struct whose extras are `extras`.
    pub fn new(serializer: S, extras: &'a WireExtras) -> Result<Self, S::Error> {
        Ok(Self { map: serializer.serialize_map(None)?, extras })
    }

    /// Writes `value` under `key` unless it is unset and not asked for.
    pub fn field<T: Serialize + Unset>(&mut self, key: &str, value: &T) -> Result<(), S::Error> {
        if self.skips(key, value) { Ok(()) } else { self.map.serialize_entry(key, value) }
    }

    fn skips(&self, key: &str, value: &impl Unset) -> bool {
        value.is_unset() && !self.extras.sends_unset(key)
    }

    /// Like [`Self::field`], with the value's 64-bit integers as strings.
    pub fn string_integer_field<T: StringInteger + Unset>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), S::Error> {
        if self.skips(key, value) { Ok(()) } else { self.map.serialize_entry(key, &Out(value)) }
    }

    /// Writes the unknown keys and ends the object.
    pub fn end(mut self) -> Result<S::Ok, S::Error> {
        for (key, value) in self.extras.unknown() {
            self.map.serialize_entry(key, value)?;
        }
        self.map.end()
    }
}

/// A struct read from a JSON object one key at a time, starting from its
/// `Default`. Its `Deserialize` impl calls [`read_object`].
pub trait ReadFields: Default {
    /// The struct's name, for error messages.
    const NAME: &'static str;

    /// Reads the value of the field named `key` (its wire name) from `map`;
    /// a key the struct does not know is kept with [`WireExtras::read_unknown`].
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads a [`ReadFields`] struct from a JSON object. Keys it does not know
/// are kept aside, so that fields Google adds later neither break decoding
/// nor get lost; a key given twice keeps its last value.
pub fn read_object<'de, D: Deserializer<'de>, T: ReadFields>(
    deserializer: D,
) -> Result<T, D::Error> {
    let mut value = T::default();
    deserializer.deserialize_map(FieldsInto(&mut value))?;
    Ok(value)
}

/// Reads a field's value; `null` reads as the field's default (unset), the
/// way Google's APIs mean it, also for lists and maps.
pub fn next_field<'de, A: MapAccess<'de>, T: Deserialize<'de> + Default>(
    map: &mut A,
) -> Result<T, A::Error> {
    map.next_value::<Option<T>>().map(Option::unwrap_or_default)
}

/// Reads an optional field's value; `null` reads as `None`.
pub fn next_optional<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
) -> Result<Option<T>, A::Error> {
    map.next_value()
}

/// Reads an optional struct field straight into `place`: the struct is built
/// where it stays, rather than below and then copied up through each
/// `Option` and `Result` on the way (for People's `Person`, a kilobyte a
/// level). `null` unsets it.
pub fn next_object<'de, A: MapAccess<'de>, T: ReadFields>(
    map: &mut A,
    place: &mut Option<T>,
) -> Result<(), A::Error> {
    map.next_value_seed(ObjectPlace(place))
}

/// Reads a list of structs, each straight into its place in `list`.
/// `null` empties it.
pub fn next_objects<'de, A: MapAccess<'de>, T: ReadFields>(
    map: &mut A,
    list: &mut Vec<T>,
) -> Result<(), A::Error> {
    map.next_value_seed(ListPlace::<T, Objects>(list, PhantomData))
}

/// Reads a list of values into `list`. `null` empties it.
pub fn next_list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    list: &mut Vec<T>,
) -> Result<(), A::Error> {
    map.next_value_seed(ListPlace::<T, Values>(list, PhantomData))
}

/// Like [`next_field`], for a value whose 64-bit integers are strings (or
/// numbers).
pub fn next_string_integer<'de, A: MapAccess<'de>, T: StringInteger + Default>(
    map: &mut A,
) -> Result<T, A::Error> {
    Ok(map.next_value::<Option<In<T>>>()?.map(|In(value)| value).unwrap_or_default())
}

/// Reads a JSON object's keys into a [`ReadFields`] struct, in place.
struct FieldsInto<'a, T>(&'a mut T);

impl<'de, T: ReadFields> Visitor<'de> for FieldsInto<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(key)) = map.next_key()? {
            self.0.read_field(&key, &mut map)?;
        }
        Ok(())
    }
}

/// An optional struct field, read in place.
struct ObjectPlace<'a, T>(&'a mut Option<T>);

impl<'de, T: ReadFields> DeserializeSeed<'de> for ObjectPlace<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: ReadFields> Visitor<'de> for ObjectPlace<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.0 = None;
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(FieldsInto(self.0.insert(T::default())))
    }
}

/// How a list's elements are read: [`Objects`] or [`Values`].
trait ReadElements<'de, T> {
    /// Reads the next element onto the end of `list`; `false` at the end.
    fn next<S: SeqAccess<'de>>(seq: &mut S, list: &mut Vec<T>) -> Result<bool, S::Error>;
}

/// Structs, each read in place at the end of the list.
struct Objects;

impl<'de, T: ReadFields> ReadElements<'de, T> for Objects {
    fn next<S: SeqAccess<'de>>(seq: &mut S, list: &mut Vec<T>) -> Result<bool, S::Error> {
        Ok(seq.next_element_seed(PushObject(list))?.is_some())
    }
}

/// Any other values, read and then pushed.
struct Values;

impl<'de, T: Deserialize<'de>> ReadElements<'de, T> for Values {
    fn next<S: SeqAccess<'de>>(seq: &mut S, list: &mut Vec<T>) -> Result<bool, S::Error> {
        let Some(value) = seq.next_element()? else { return Ok(false) };
        reserve_one(list);
        list.push(value);
        Ok(true)
    }
}

/// Makes room for one more element. Lists in Google's answers are mostly
/// short (one name, two addresses): the first four elements get exactly
/// the room they need, where `Vec`'s own growth would hold room for four
/// from the first; longer lists grow by doubling, and give back what is
/// left over once read ([`ListPlace`]).
fn reserve_one<T>(list: &mut Vec<T>) {
    if list.len() < 4 {
        list.reserve_exact(1);
    } else {
        list.reserve(1);
    }
}

/// A struct read in place at the end of a list.
struct PushObject<'a, T>(&'a mut Vec<T>);

impl<'de, T: ReadFields> DeserializeSeed<'de> for PushObject<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        reserve_one(self.0);
        self.0.push(T::default());
        match self.0.last_mut() {
            Some(element) => deserializer.deserialize_map(FieldsInto(element)),
            None => Ok(()),
        }
    }
}

/// A list field, read in place, its elements read as `R` says.
struct ListPlace<'a, T, R>(&'a mut Vec<T>, PhantomData<R>);

impl<'de, T, R: ReadElements<'de, T>> DeserializeSeed<'de> for ListPlace<'_, T, R> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T, R: ReadElements<'de, T>> Visitor<'de> for ListPlace<'_, T, R> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.0 = Vec::new();
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        self.0.clear();
        while R::next(&mut seq, self.0)? {}
        self.0.shrink_to_fit();
        Ok(())
    }
}

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

/// Deserialises an open enum from its wire string: `T::from` maps the values
/// it knows to variants and keeps any other one (it is never an error, so
/// that a value Google adds later does not break decoding).
pub fn deserialize_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    super::read_str(deserializer, |text| Ok::<_, std::convert::Infallible>(T::from(text)))
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
        extras: WireExtras,
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = ObjectWriter::new(serializer, &self.extras)?;
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
                _ => self.extras.read_unknown(key, map)?,
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
            extras: WireExtras::default(),
        };
        let expected = json!({"@type": "person", "count": "-3", "ids": ["18446744073709551615"], "labels": {"a": "b"}});
        assert_eq!(serde_json::to_value(&sample).unwrap(), expected);
        assert_eq!(serde_json::from_value::<Sample>(expected).unwrap(), sample);
    }

    #[test]
    fn unknown_keys_are_kept_in_order_and_written_back() {
        let text =
            r#"{"future": {"nested": [1, {"x": null}]}, "count": 7, "@type": null, "later": "z"}"#;
        let sample: Sample = serde_json::from_str(text).unwrap();
        assert_eq!(sample.count, Some(7));
        let unknown: Vec<(&str, &serde_json::Value)> = sample.extras.unknown().collect();
        assert_eq!(
            unknown,
            [("future", &json!({"nested": [1, {"x": null}]})), ("later", &json!("z"))]
        );
        let written = serde_json::to_string(&sample).unwrap();
        assert_eq!(written, r#"{"count":"7","future":{"nested":[1,{"x":null}]},"later":"z"}"#);
    }

    #[test]
    fn fields_asked_for_are_sent_as_null_or_empty() {
        let mut sample = Sample::default();
        sample.extras.send_unset("@type");
        sample.extras.send_unset("ids");
        sample.extras.send_unset("labels");
        let written = serde_json::to_value(&sample).unwrap();
        assert_eq!(written, json!({"@type": null, "ids": [], "labels": {}}), "count stays out");
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

    /// Fields of each kind the in-place readers serve.
    #[derive(Debug, Default, PartialEq)]
    struct Holder {
        inner: Option<Sample>,
        items: Vec<Sample>,
        names: Vec<String>,
        note: Option<String>,
        extras: WireExtras,
    }

    impl<'de> Deserialize<'de> for Holder {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_object(deserializer)
        }
    }

    impl ReadFields for Holder {
        const NAME: &'static str = "Holder";

        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "inner" => next_object(map, &mut self.inner)?,
                "items" => next_objects(map, &mut self.items)?,
                "names" => next_list(map, &mut self.names)?,
                "note" => self.note = next_optional(map)?,
                _ => self.extras.read_unknown(key, map)?,
            }
            Ok(())
        }
    }

    fn sample(count: i64) -> Sample {
        Sample { count: Some(count), ..Sample::default() }
    }

    #[test]
    fn structs_read_in_place_hold_what_they_read_and_null_unsets_them() {
        let text = r#"{"inner": {"count": 1, "later": true}, "items": [{"count": 2}, {}],
            "names": ["a", "b"], "note": "n"}"#;
        let holder: Holder = serde_json::from_str(text).unwrap();
        let inner: Sample = serde_json::from_str(r#"{"count": 1, "later": true}"#).unwrap();
        assert_eq!(holder.inner, Some(inner));
        assert_eq!(holder.items, [sample(2), Sample::default()]);
        assert_eq!(holder.names, ["a", "b"]);
        assert_eq!(holder.note.as_deref(), Some("n"));
        let nulls = r#"{"inner": null, "items": null, "names": null, "note": null}"#;
        assert_eq!(serde_json::from_str::<Holder>(nulls).unwrap(), Holder::default());
    }

    #[test]
    fn a_key_given_twice_keeps_only_its_last_value_in_place_too() {
        let text = r#"{"inner": {"count": 1, "@type": "t"}, "inner": {"count": 2},
            "items": [{"count": 1}, {"count": 2}], "items": [{"count": 3}],
            "names": ["a", "b", "c"], "names": ["d"], "note": "x", "note": null}"#;
        let holder: Holder = serde_json::from_str(text).unwrap();
        assert_eq!(holder.inner, Some(sample(2)), "the first object's @type is gone");
        assert_eq!(holder.items, [sample(3)]);
        assert_eq!(holder.names, ["d"]);
        assert_eq!(holder.note, None);
    }

    #[test]
    fn lists_read_keep_no_spare_capacity() {
        for length in [1, 2, 3, 4, 5, 9, 1000] {
            let items = vec![json!({"count": 1}); length];
            let names = vec![json!("n"); length];
            let text = json!({"items": items, "names": names}).to_string();
            let holder: Holder = serde_json::from_str(&text).unwrap();
            assert_eq!(holder.items.len(), length);
            assert_eq!(holder.items.capacity(), length, "items of {length}");
            assert_eq!(holder.names.capacity(), length, "names of {length}");
        }
    }

    #[test]
    fn a_wrong_value_for_a_struct_or_list_read_in_place_names_what_was_expected() {
        let error = serde_json::from_str::<Holder>(r#"{"inner": [1]}"#).unwrap_err().to_string();
        assert!(error.contains("expected a Sample object"), "{error}");
        let error = serde_json::from_str::<Holder>(r#"{"items": [1]}"#).unwrap_err().to_string();
        assert!(error.contains("expected a Sample object"), "{error}");
        let error = serde_json::from_str::<Holder>(r#"{"items": {}}"#).unwrap_err().to_string();
        assert!(error.contains("expected a sequence"), "{error}");
    }
}
