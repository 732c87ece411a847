//! `format: google-fieldmask`: which fields a call reads or writes.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A set of field paths (`names`, `emailAddresses`, `person.photos`), written
/// on the wire as one comma-separated string.
///
/// Anything that names paths converts into one: `"names,emailAddresses"`,
/// `["names", "emailAddresses"]`, a `Vec<String>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldMask(Vec<String>);

impl FieldMask {
    /// A mask of the given paths.
    pub fn new<S: Into<String>>(paths: impl IntoIterator<Item = S>) -> Self {
        Self(paths.into_iter().map(Into::into).collect())
    }

    /// The paths, in order.
    pub fn paths(&self) -> &[String] {
        &self.0
    }

    /// Whether the mask names no path.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for FieldMask {
    fn from(text: &str) -> Self {
        Self::new(text.split(',').map(str::trim).filter(|path| !path.is_empty()))
    }
}

impl From<String> for FieldMask {
    fn from(text: String) -> Self {
        Self::from(text.as_str())
    }
}

impl From<&String> for FieldMask {
    fn from(text: &String) -> Self {
        Self::from(text.as_str())
    }
}

impl<const N: usize> From<[&str; N]> for FieldMask {
    fn from(paths: [&str; N]) -> Self {
        Self::new(paths)
    }
}

impl From<&[&str]> for FieldMask {
    fn from(paths: &[&str]) -> Self {
        Self::new(paths.iter().copied())
    }
}

impl From<Vec<String>> for FieldMask {
    fn from(paths: Vec<String>) -> Self {
        Self(paths)
    }
}

impl From<Vec<&str>> for FieldMask {
    fn from(paths: Vec<&str>) -> Self {
        Self::new(paths)
    }
}

/// One path of a mask whose valid paths the document lists: the generated
/// enums (`PersonField::Names`) implement it.
pub trait FieldPath: Copy {
    /// The path as the API spells it: `names`.
    fn path(self) -> &'static str;
}

/// Text that names none of a typed mask's paths, from `str::parse`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFieldPath(pub String);

impl std::fmt::Display for UnknownFieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not a field path this version of the crate knows", self.0)
    }
}

impl std::error::Error for UnknownFieldPath {}

/// What a mask parameter with listed paths accepts.
///
/// Paths of its own type, so a typo or a path of another resource does not
/// compile: one (`PersonField::Names`), an array, a slice or a `Vec`. Text
/// (`"names,emailAddresses"`) and a [`FieldMask`] are accepted too, unchecked,
/// for a path newer than the crate.
pub trait IntoFieldMask<P> {
    /// The mask, in the order given.
    fn into_field_mask(self) -> FieldMask;
}

impl<P: FieldPath> IntoFieldMask<P> for P {
    fn into_field_mask(self) -> FieldMask {
        FieldMask::new([self.path()])
    }
}

impl<P: FieldPath, const N: usize> IntoFieldMask<P> for [P; N] {
    fn into_field_mask(self) -> FieldMask {
        FieldMask::new(self.map(FieldPath::path))
    }
}

impl<P: FieldPath> IntoFieldMask<P> for &[P] {
    fn into_field_mask(self) -> FieldMask {
        FieldMask::new(self.iter().map(|path| path.path()))
    }
}

impl<P: FieldPath> IntoFieldMask<P> for Vec<P> {
    fn into_field_mask(self) -> FieldMask {
        self.as_slice().into_field_mask()
    }
}

impl<P> IntoFieldMask<P> for &str {
    fn into_field_mask(self) -> FieldMask {
        FieldMask::from(self)
    }
}

impl<P> IntoFieldMask<P> for String {
    fn into_field_mask(self) -> FieldMask {
        FieldMask::from(self)
    }
}

impl<P> IntoFieldMask<P> for FieldMask {
    fn into_field_mask(self) -> FieldMask {
        self
    }
}

impl fmt::Display for FieldMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, path) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            f.write_str(path)?;
        }
        Ok(())
    }
}

impl Serialize for FieldMask {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldMask {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::read_str(deserializer, |text| Ok::<_, std::convert::Infallible>(Self::from(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_arrays_give_the_same_mask() {
        let from_text = FieldMask::from(" names, emailAddresses ,");
        let from_array = FieldMask::from(["names", "emailAddresses"]);
        assert_eq!(from_text, from_array);
        assert_eq!(from_text.to_string(), "names,emailAddresses");
    }

    #[derive(Clone, Copy)]
    enum ShelfField {
        Books,
        Title,
    }

    impl FieldPath for ShelfField {
        fn path(self) -> &'static str {
            match self {
                Self::Books => "books",
                Self::Title => "title",
            }
        }
    }

    fn shelf_mask(paths: impl IntoFieldMask<ShelfField>) -> String {
        paths.into_field_mask().to_string()
    }

    #[test]
    fn typed_paths_text_and_masks_give_the_same_mask() {
        assert_eq!(shelf_mask(ShelfField::Title), "title");
        assert_eq!(shelf_mask([ShelfField::Title, ShelfField::Books]), "title,books");
        assert_eq!(shelf_mask(&[ShelfField::Books][..]), "books");
        assert_eq!(shelf_mask(vec![ShelfField::Books, ShelfField::Title]), "books,title");
        assert_eq!(shelf_mask("title, books"), "title,books");
        assert_eq!(shelf_mask(String::from("title")), "title");
        assert_eq!(shelf_mask(FieldMask::from(["books"])), "books");
    }

    #[test]
    fn travels_as_one_string() {
        let mask: FieldMask = serde_json::from_str(r#""person.names,person.photos""#).unwrap();
        assert_eq!(mask.paths(), ["person.names", "person.photos"]);
        assert_eq!(serde_json::to_string(&mask).unwrap(), r#""person.names,person.photos""#);
    }
}
