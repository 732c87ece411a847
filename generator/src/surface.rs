//! The public surface of a generated crate: every item downstream code can
//! name, with the signature it has, and every behaviour the generator read
//! from the document's prose, with the sentence it came from. Emit records
//! each entry as it emits the item, so the surface is what was emitted, not a
//! second model of it. Two surfaces compared item by item say exactly what a
//! regeneration does to the Rust API and to the client's behaviour, whatever
//! rule in the generator caused it.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::resolve::ir::{Api, Behaviour, Param, Ty};

/// One public item: where it is reported, what it is and what it looks like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The schema (`Person`) or resource (`people.connections`) it belongs to.
    pub group: String,
    /// `struct`, `field`, `setter`, `variant`, `method`, ...
    pub kind: String,
    /// Everything about it that downstream code depends on, as text: equal
    /// text, compatible item.
    pub signature: String,
    pub deprecated: bool,
    /// For a behaviour: the sentence of the document it was read from, and
    /// where (`"Mutate requests ..." (people.people.createContact)`).
    pub source: String,
}

/// Every entry, by Rust path (or `behaviour::METHOD_ID::WHAT`).
pub type Surface = BTreeMap<String, Item>;

/// Where emit records the surface as it emits.
#[derive(Debug, Default)]
pub struct Recorder {
    items: Surface,
}

impl Recorder {
    /// Records a public item.
    pub fn item(
        &mut self,
        path: &str,
        group: &str,
        kind: &str,
        signature: String,
        deprecated: bool,
    ) {
        let item = Item {
            group: group.to_owned(),
            kind: kind.to_owned(),
            signature,
            deprecated,
            source: String::new(),
        };
        self.items.insert(path.to_owned(), item);
    }

    /// Records a behaviour of method `method_id` (or of the `service`)
    /// derived from the document, with the sentence behind it.
    pub fn behaviour(&mut self, method_id: &str, group: &str, behaviour: Behaviour) {
        let item = Item {
            group: group.to_owned(),
            kind: "behaviour".to_owned(),
            signature: behaviour.description,
            deprecated: false,
            source: behaviour
                .source
                .map(|source| format!("{:?} ({})", source.sentence, source.origin))
                .unwrap_or_default(),
        };
        self.items.insert(format!("behaviour::{method_id}::{}", behaviour.what), item);
    }

    pub fn finish(self) -> Surface {
        self.items
    }
}

/// The first line of a surface file.
const SURFACE_HEADER: &str = "# The public API of the generated crate, one item a line: path, kind, signature, group, deprecated, source (of a behaviour). @generated: do not edit.";

/// The surface as the text of [`crate::SURFACE_FILE`]: one item a line, by
/// path, its parts separated by tabs. Committed beside the crate, it lets a
/// review (and `cargo xtask release-check`) see every change to the Rust API,
/// whether the document or the generator made it.
pub fn to_text(items: &BTreeMap<String, Item>) -> String {
    let mut text = format!("{SURFACE_HEADER}\n");
    for (path, item) in items {
        let deprecated = if item.deprecated { "deprecated" } else { "" };
        let fields =
            [path.as_str(), &item.kind, &item.signature, &item.group, deprecated, &item.source];
        text.push_str(fields.join("\t").trim_end());
        text.push('\n');
    }
    text
}

/// Reads a surface file written by [`to_text`]; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<BTreeMap<String, Item>, Error> {
    let mut items = BTreeMap::new();
    for (number, line) in text.lines().enumerate().filter(|(_, line)| !line.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (path, kind) = match fields.as_slice() {
            [path, kind, ..] if !path.is_empty() && !kind.is_empty() => (*path, *kind),
            _ => {
                return Err(Error::Parse {
                    path: format!("{origin}:{}", number + 1),
                    message: "not a surface line (path, kind, signature, group, deprecated)"
                        .to_owned(),
                });
            }
        };
        let field = |index: usize| fields.get(index).copied().unwrap_or_default().to_owned();
        let item = Item {
            kind: kind.to_owned(),
            signature: field(2),
            group: field(3),
            deprecated: field(4) == "deprecated",
            source: field(5),
        };
        items.insert(path.to_owned(), item);
    }
    Ok(items)
}

/// A Rust name as paths spell it: without `r#`.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// A type's name by id.
pub fn type_name(api: &Api, id: usize) -> String {
    api.types.get(id).map_or_else(|| "?".to_owned(), |def| def.name().to_owned())
}

/// What a parameter's argument accepts: its type, a list of it when repeated.
pub fn param_text(api: &Api, param: &Param) -> String {
    let ty = ty_text(api, &param.ty);
    if param.repeated { format!("[{ty}]") } else { ty }
}

/// A type as the generated code spells it; typed masks by their paths' enum.
pub fn ty_text(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::U32 => "u32".into(),
        Ty::I64 { .. } => "i64".into(),
        Ty::U64 => "u64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::String => "String".into(),
        Ty::Bytes => "Bytes".into(),
        Ty::Timestamp => "Timestamp".into(),
        Ty::Duration => "Duration".into(),
        Ty::FieldMask => "FieldMask".into(),
        Ty::FieldMaskOf(id) => format!("FieldMask of {}", type_name(api, *id)),
        Ty::Any => "Value".into(),
        Ty::Named(id) => type_name(api, *id),
        Ty::Array(inner) => format!("Vec<{}>", ty_text(api, inner)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", ty_text(api, inner)),
    }
}
