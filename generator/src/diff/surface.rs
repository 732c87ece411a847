//! The public surface of a generated crate, read from its resolved IR: every
//! item downstream code can name, with the signature it has. Two surfaces
//! compared item by item say exactly what a regeneration does to the Rust
//! API, whatever rule in the generator caused it.

use std::collections::BTreeMap;

use crate::error::Error;
use crate::resolve::ir::{Api, Location, Method, Param, Resource, Ty, TypeDef};

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
}

/// Every public item of the crate generated from `api`, by Rust path.
pub fn items(api: &Api) -> BTreeMap<String, Item> {
    let mut surface = Surface { api, items: BTreeMap::new() };
    surface.types();
    let service = format!("api::{}", api.service);
    surface.add(&service, "service", "struct", String::new(), false);
    surface.scopes();
    surface.methods(&service, "service", &api.methods);
    surface.resources(&service, &api.resources);
    surface.items
}

/// The first line of a surface file.
const SURFACE_HEADER: &str = "# The public API of the generated crate, one item a line: path, kind, signature, group, deprecated. @generated: do not edit.";

/// The surface as the text of [`crate::SURFACE_FILE`]: one item a line, by
/// path, its parts separated by tabs. Committed beside the crate, it lets a
/// review (and `cargo xtask release-check`) see every change to the Rust API,
/// whether the document or the generator made it.
pub fn to_text(items: &BTreeMap<String, Item>) -> String {
    let mut text = format!("{SURFACE_HEADER}\n");
    for (path, item) in items {
        let deprecated = if item.deprecated { "deprecated" } else { "" };
        let fields = [path.as_str(), &item.kind, &item.signature, &item.group, deprecated];
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
        };
        items.insert(path.to_owned(), item);
    }
    Ok(items)
}

struct Surface<'a> {
    api: &'a Api,
    items: BTreeMap<String, Item>,
}

impl Surface<'_> {
    fn add(&mut self, path: &str, group: &str, kind: &str, signature: String, deprecated: bool) {
        let item = Item { group: group.to_owned(), kind: kind.to_owned(), signature, deprecated };
        self.items.insert(path.to_owned(), item);
    }

    fn types(&mut self) {
        for def in &self.api.types {
            let path = format!("types::{}", def.name());
            let group = def.name().to_owned();
            match def {
                TypeDef::Struct(def) => {
                    self.add(&path, &group, "struct", String::new(), def.deprecated);
                    for field in &def.fields {
                        let ty = ty_text(self.api, &field.ty);
                        let ty = if field.boxed { format!("Box<{ty}>") } else { ty };
                        let ty = if field.ty.is_container() { ty } else { format!("Option<{ty}>") };
                        let field_path = format!("{path}::{}", unraw(&field.rust_name));
                        self.add(&field_path, &group, "field", ty.clone(), field.deprecated);
                        let setter = format!("{path}::{}()", field.setter);
                        self.add(&setter, &group, "setter", format!("({ty})"), field.deprecated);
                        let clearer = format!("{path}::{}()", field.clearer);
                        self.add(&clearer, &group, "setter", "()".to_owned(), field.deprecated);
                    }
                }
                TypeDef::Enum(def) => {
                    self.add(&path, &group, "enum", String::new(), false);
                    for variant in &def.variants {
                        let variant_path = format!("{path}::{}", variant.name);
                        let wire = format!("{:?}", variant.wire);
                        self.add(&variant_path, &group, "variant", wire, variant.deprecated);
                    }
                    let unknown = format!("{path}::{}", def.unknown_variant);
                    self.add(&unknown, &group, "variant", "(String)".to_owned(), false);
                }
                TypeDef::FieldPaths(def) => {
                    self.add(&path, &group, "enum", String::new(), false);
                    for field_path in &def.paths {
                        let variant_path = format!("{path}::{}", field_path.variant);
                        let signature =
                            format!("= {} ({:?})", field_path.discriminant, field_path.wire);
                        self.add(&variant_path, &group, "variant", signature, false);
                    }
                }
                TypeDef::Alias(def) => {
                    let signature = format!("= {}", ty_text(self.api, &def.ty));
                    self.add(&path, &group, "type alias", signature, false);
                }
            }
        }
    }

    fn scopes(&mut self) {
        for scope in &self.api.scopes {
            let path = format!("scopes::{}", scope.const_name);
            self.add(&path, "service", "constant", format!("{:?}", scope.url), false);
        }
    }

    fn resources(&mut self, parent: &str, resources: &[Resource]) {
        for resource in resources {
            let group = resource.wire_path.clone();
            let accessor = format!("{parent}::{}()", unraw(&resource.accessor));
            let signature = format!("-> {}", resource.type_name);
            self.add(&accessor, &group, "accessor", signature, resource.deprecated);
            let path = format!("api::{}", resource.type_name);
            self.add(&path, &group, "struct", String::new(), resource.deprecated);
            self.methods(&path, &group, &resource.methods);
            for merge in &resource.merges {
                let helper = format!("{path}::{}()", unraw(&merge.rust_name));
                let signature = format!("read-modify-write of {}", merge.update_id);
                self.add(&helper, &group, "method", signature, false);
            }
            self.resources(&path, &resource.resources);
        }
    }

    fn methods(&mut self, owner: &str, group: &str, methods: &[Method]) {
        for method in methods {
            let api = self.api;
            let path_args = method.required.iter().filter(|param| param.location == Location::Path);
            let query_args =
                method.required.iter().filter(|param| param.location == Location::Query);
            let body = method.request.map(|id| type_name(api, id));
            let arguments: Vec<String> = path_args
                .map(|param| param_text(api, param))
                .chain(body)
                .chain(query_args.map(|param| param_text(api, param)))
                .collect();
            let signature = format!("({}) -> {}", arguments.join(", "), method.call_type);
            let constructor = format!("{owner}::{}()", unraw(&method.rust_name));
            self.add(&constructor, group, "method", signature, method.deprecated);
            let call = format!("api::{}", method.call_type);
            self.add(&call, group, "struct", String::new(), method.deprecated);
            // timeout(), retry(), fields() and quota_user() come with the trait.
            let options = format!("{call}: CallOptions");
            self.add(&options, group, "trait impl", String::new(), false);
            for param in &method.optional {
                let setter = format!("{call}::{}()", unraw(&param.rust_name));
                let signature = format!("({})", param_text(api, param));
                self.add(&setter, group, "setter", signature, param.deprecated);
            }
            let response = method.response.map_or_else(|| "()".to_owned(), |id| type_name(api, id));
            self.add(&format!("{call}::send()"), group, "method", format!("-> {response}"), false);
            let with_metadata = format!("-> Response<{response}>");
            self.add(
                &format!("{call}::send_with_metadata()"),
                group,
                "method",
                with_metadata,
                false,
            );
            if let Some(pagination) = &method.pagination {
                let pages = format!("-> stream of {response}");
                self.add(&format!("{call}::pages()"), group, "method", pages, false);
                if let Some(items) = &pagination.items {
                    let item = format!(
                        "-> stream of {} (`{}`)",
                        ty_text(api, &items.item),
                        items.wire_name
                    );
                    self.add(&format!("{call}::items()"), group, "method", item, false);
                    if method.sync.is_some() {
                        let sync = format!("-> Synced<{}>", ty_text(api, &items.item));
                        self.add(&format!("{call}::sync()"), group, "method", sync, false);
                    }
                }
            }
            if let Some(chunking) = &method.chunking {
                let chunks = format!("-> stream of {response} (`{}` split)", chunking.field);
                self.add(&format!("{call}::send_in_chunks()"), group, "method", chunks, false);
            }
            if let Some(upload) = &method.upload {
                self.add(
                    &format!("{call}::upload()"),
                    group,
                    "method",
                    format!("-> {response}"),
                    false,
                );
                if upload.resumable {
                    let signature = format!("-> {response}");
                    self.add(
                        &format!("{call}::upload_resumable()"),
                        group,
                        "method",
                        signature,
                        false,
                    );
                }
            }
            if method.download {
                self.add(
                    &format!("{call}::download()"),
                    group,
                    "method",
                    "-> Download".to_owned(),
                    false,
                );
            }
        }
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

fn type_name(api: &Api, id: usize) -> String {
    api.types.get(id).map_or_else(|| "?".to_owned(), |def| def.name().to_owned())
}

/// What a parameter's argument accepts: its type, a list of it when repeated.
fn param_text(api: &Api, param: &Param) -> String {
    let ty = ty_text(api, &param.ty);
    if param.repeated { format!("[{ty}]") } else { ty }
}

/// A type as the generated code spells it; typed masks by their paths' enum.
fn ty_text(api: &Api, ty: &Ty) -> String {
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
