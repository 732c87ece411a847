//! What a generated struct carries besides its fields: the keys of its JSON
//! that this version of the crate does not know (kept, in order, and sent
//! back), and the fields a caller asked to send although they are unset
//! (`"field": null`, `"list": []`), for a PATCH without a field mask.

use serde::de::MapAccess;
use serde_json::Value;

/// The unknown keys and explicitly sent fields of one struct value.
///
/// Generated structs hold one in a private field and implement
/// [`UnknownFields`] on top of it; [`super::object::ObjectWriter`] and
/// [`super::object::ReadFields`] use it to make a decode -> encode round trip lossless.
///
/// Nothing is allocated, and one pointer is held, until there is something
/// to keep: most values of most structs have no extras.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WireExtras(Option<Box<Extras>>);

#[derive(Clone, Debug, Default, PartialEq)]
struct Extras {
    unknown: Vec<(String, Value)>,
    sent_unset: Vec<&'static str>,
}

impl WireExtras {
    fn get_or_insert(&mut self) -> &mut Extras {
        self.0.get_or_insert_with(Box::default)
    }

    /// Reads the value of a key the struct does not know and keeps it; a
    /// key given twice keeps its last value, as for known fields.
    pub fn read_unknown<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = map.next_value::<Value>()?;
        self.set(key.to_owned(), value);
        Ok(())
    }

    /// Marks the field `wire` to be written even when it is unset: `null`
    /// for a value, `[]` or `{}` for a list or map.
    pub fn send_unset(&mut self, wire: &'static str) {
        let sent_unset = &mut self.get_or_insert().sent_unset;
        if !sent_unset.contains(&wire) {
            sent_unset.push(wire);
        }
    }

    /// Whether the field `wire` is written when unset.
    pub fn sends_unset(&self, wire: &str) -> bool {
        self.0.as_ref().is_some_and(|extras| extras.sent_unset.contains(&wire))
    }

    /// The unknown keys, in the order they came (or were set).
    pub fn unknown(&self) -> impl Iterator<Item = (&str, &Value)> {
        let unknown: &[(String, Value)] = self.0.as_deref().map_or(&[], |extras| &extras.unknown);
        unknown.iter().map(|(key, value)| (key.as_str(), value))
    }

    fn set(&mut self, key: String, value: Value) {
        let unknown = &mut self.get_or_insert().unknown;
        match unknown.iter_mut().find(|(existing, _)| *existing == key) {
            Some((_, slot)) => *slot = value,
            None => unknown.push((key, value)),
        }
    }

    fn remove(&mut self, key: &str) -> Option<Value> {
        let extras = self.0.as_mut()?;
        let index = extras.unknown.iter().position(|(existing, _)| existing == key)?;
        let (_, value) = extras.unknown.remove(index);
        // Nothing left is no extras, so that equality does not see the history.
        if extras.unknown.is_empty() && extras.sent_unset.is_empty() {
            self.0 = None;
        }
        Some(value)
    }
}

/// Keys of a struct's JSON that this version of the crate has no field for:
/// what a newer server sent (read -> modify -> update sends them back) or
/// what a caller adds for a field newer than the crate.
///
/// A key that is also one of the struct's own wire names is written twice;
/// set the field instead.
pub trait UnknownFields {
    /// The struct's extras; generated code implements this.
    #[doc(hidden)]
    fn wire_extras(&self) -> &WireExtras;

    /// The struct's extras, to change; generated code implements this.
    #[doc(hidden)]
    fn wire_extras_mut(&mut self) -> &mut WireExtras;

    /// The value of the unknown key `key`, by its wire name.
    fn unknown_field(&self, key: &str) -> Option<&Value> {
        self.wire_extras().unknown().find(|(existing, _)| *existing == key).map(|(_, value)| value)
    }

    /// Every unknown key and its value, in order.
    fn unknown_fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.wire_extras().unknown()
    }

    /// Sets the unknown key `key` (replacing its value, keeping its place).
    fn set_unknown_field(&mut self, key: impl Into<String>, value: Value) {
        self.wire_extras_mut().set(key.into(), value);
    }

    /// Removes the unknown key `key`, returning its value.
    fn remove_unknown_field(&mut self, key: &str) -> Option<Value> {
        self.wire_extras_mut().remove(key)
    }
}
