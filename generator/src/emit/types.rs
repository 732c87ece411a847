//! Schema types: structs with chainable setters and serde impls that list each
//! field by its wire name, open enums that keep unknown values, aliases.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::doc_attrs;
use super::ident;
use crate::error::Error;
use crate::resolve::ir::{
    AliasDef, Api, EnumDef, Field, FieldPathsDef, FieldRead, StructDef, Ty, TypeDef,
};
use crate::surface::{Recorder, ty_text, unraw};

/// The `types` module: every type of the API.
pub fn types_module(api: &Api, surface: &mut Recorder) -> Result<TokenStream, Error> {
    let items = api
        .types
        .iter()
        .map(|def| match def {
            TypeDef::Struct(def) => {
                struct_def(api, def, surface).map_err(|e| e.within(&def.origin))
            }
            TypeDef::Enum(def) => enum_def(def, surface).map_err(|e| e.within(&def.origin)),
            TypeDef::Alias(def) => alias_def(api, def, surface).map_err(|e| e.within(&def.name)),
            TypeDef::FieldPaths(def) => {
                field_paths_def(api, def, surface).map_err(|e| e.within(&def.name))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mentions = |test: &dyn Fn(&Ty) -> bool| {
        api.types.iter().any(|def| match def {
            TypeDef::Struct(def) => def.fields.iter().any(|field| field.ty.any(&test)),
            TypeDef::Alias(def) => def.ty.any(&test),
            TypeDef::Enum(_) | TypeDef::FieldPaths(_) => false,
        })
    };
    let uses_map = mentions(&|ty| matches!(ty, Ty::Map(_)));
    let map_import = uses_map.then(|| quote! { use std::collections::BTreeMap; });
    // Structs and enums (de)serialise through the runtime; so do the wire types.
    let uses_runtime =
        api.types.iter().any(|def| {
            matches!(def, TypeDef::Struct(_) | TypeDef::Enum(_) | TypeDef::FieldPaths(_))
        }) || mentions(&|ty| {
            matches!(
                ty,
                Ty::Bytes | Ty::Timestamp | Ty::Duration | Ty::FieldMask | Ty::FieldMaskOf(_)
            )
        });
    let runtime_import = uses_runtime.then(|| quote! { use crate::runtime; });
    Ok(quote! {
        //! The API's schemas as Rust types.
        #map_import
        #runtime_import
        #( #items )*
    })
}

/// The Rust spelling of a type, relative to a module that imports `runtime`
/// and `BTreeMap` and sees every API type.
pub fn ty_tokens(api: &Api, ty: &Ty) -> Result<TokenStream, Error> {
    Ok(match ty {
        Ty::Bool => quote! { bool },
        Ty::I32 => quote! { i32 },
        Ty::U32 => quote! { u32 },
        Ty::I64 { .. } => quote! { i64 },
        Ty::U64 => quote! { u64 },
        Ty::F32 => quote! { f32 },
        Ty::F64 => quote! { f64 },
        Ty::String => quote! { String },
        Ty::Bytes => quote! { runtime::Bytes },
        Ty::Timestamp => quote! { runtime::Timestamp },
        Ty::Duration => quote! { runtime::Duration },
        Ty::FieldMask | Ty::FieldMaskOf(_) => quote! { runtime::FieldMask },
        Ty::Any => quote! { serde_json::Value },
        Ty::Named(id) => {
            let name = ident(api.types.get(*id).map_or("UnresolvedType", TypeDef::name))?;
            quote! { #name }
        }
        Ty::Array(inner) => {
            let inner = ty_tokens(api, inner)?;
            quote! { Vec<#inner> }
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(api, inner)?;
            quote! { BTreeMap<String, #inner> }
        }
    })
}

fn struct_def(api: &Api, def: &StructDef, surface: &mut Recorder) -> Result<TokenStream, Error> {
    let name = ident(&def.name)?;
    let path = format!("types::{}", def.name);
    surface.item(&path, &def.name, "struct", String::new(), def.deprecated);
    for field in &def.fields {
        let ty = field_type_text(api, field);
        let group = &def.name;
        let field_path = format!("{path}::{}", unraw(&field.rust_name));
        surface.item(&field_path, group, "field", ty.clone(), field.deprecated);
        let setter = format!("{path}::{}()", field.setter);
        surface.item(&setter, group, "setter", format!("({ty})"), field.deprecated);
        let clearer = format!("{path}::{}()", field.clearer);
        surface.item(&clearer, group, "setter", "()".to_owned(), field.deprecated);
    }
    let deprecated_note = def.deprecated.then_some("**Deprecated.**");
    let docs = doc_attrs(def.doc.as_deref().into_iter().chain(deprecated_note));
    let fields =
        def.fields.iter().map(|field| field_def(api, field)).collect::<Result<Vec<_>, _>>()?;
    let extras = ident(&def.extras_field)?;
    let setters = (!def.fields.is_empty())
        .then(|| {
            let setters = def
                .fields
                .iter()
                .map(|field| {
                    let setter = setter(api, field)?;
                    let clearer = clearer(field, &extras)?;
                    Ok(quote! { #setter #clearer })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok::<_, Error>(quote! {
                impl #name {
                    #( #setters )*
                }
            })
        })
        .transpose()?;
    let serde = struct_serde(api, def)?;
    let response_body = def.response_body.then(|| response_body(&name));
    Ok(quote! {
        #docs
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #( #fields )*
            #extras: runtime::__private::WireExtras,
        }

        #setters

        impl runtime::wire::UnknownFields for #name {
            fn wire_extras(&self) -> &runtime::__private::WireExtras {
                &self.#extras
            }

            fn wire_extras_mut(&mut self) -> &mut runtime::__private::WireExtras {
                &mut self.#extras
            }
        }

        #serde

        #response_body
    })
}

/// The decoder of a type methods answer with, compiled in this crate
/// rather than in each program that sends one of those calls.
fn response_body(name: &Ident) -> TokenStream {
    quote! {
        impl runtime::__private::ResponseBody for #name {
            fn from_json(json: &[u8]) -> Result<Self, runtime::__private::DecodeFailure> {
                runtime::__private::decode_json(json)
            }
        }
    }
}

/// Serde impls that list each field once by its wire name and leave the
/// rest to the runtime, instead of serde's derives: their expansion made
/// type checking the larger APIs' crates several times slower.
fn struct_serde(api: &Api, def: &StructDef) -> Result<TokenStream, Error> {
    let name = ident(&def.name)?;
    let extras = ident(&def.extras_field)?;
    let type_name = &def.name;
    let mut writes = Vec::with_capacity(def.fields.len());
    let mut reads = Vec::with_capacity(def.fields.len());
    for field in &def.fields {
        {
            let (rust, wire) = (ident(&field.rust_name)?, &field.wire_name);
            let read = field.read(api);
            let write = match read {
                FieldRead::StringInteger => quote! { string_integer_field },
                _ => quote! { field },
            };
            writes.push(quote! { object.#write(#wire, &self.#rust)?; });
            reads.push(match read {
                FieldRead::Object => {
                    quote! { #wire => runtime::__private::next_object(map, &mut self.#rust)?, }
                }
                FieldRead::Objects => {
                    quote! { #wire => runtime::__private::next_objects(map, &mut self.#rust)?, }
                }
                FieldRead::List => {
                    quote! { #wire => runtime::__private::next_list(map, &mut self.#rust)?, }
                }
                FieldRead::Optional => {
                    quote! { #wire => self.#rust = runtime::__private::next_optional(map)?, }
                }
                FieldRead::StringInteger => {
                    quote! { #wire => self.#rust = runtime::__private::next_string_integer(map)?, }
                }
                FieldRead::Value => {
                    quote! { #wire => self.#rust = runtime::__private::next_field(map)?, }
                }
            });
        }
    }
    // Without fields there is no key to match and nothing to write.
    let (writer, key, read_body) = if def.fields.is_empty() {
        (
            quote! { runtime::__private::ObjectWriter::new(serializer, &self.#extras)?.end() },
            quote! { key },
            quote! { self.#extras.read_unknown(key, map) },
        )
    } else {
        let writer = quote! {
            let mut object = runtime::__private::ObjectWriter::new(serializer, &self.#extras)?;
            #( #writes )*
            object.end()
        };
        let read_body = quote! {
            match key {
                #( #reads )*
                _ => self.#extras.read_unknown(key, map)?,
            }
            Ok(())
        };
        (writer, quote! { key }, read_body)
    };
    Ok(quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #writer
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                runtime::__private::read_object(deserializer)
            }
        }

        impl runtime::__private::ReadFields for #name {
            const NAME: &'static str = #type_name;

            fn read_field<'de, A: serde::de::MapAccess<'de>>(&mut self, #key: &str, map: &mut A) -> Result<(), A::Error> {
                #read_body
            }
        }
    })
}

fn field_type(api: &Api, field: &Field) -> Result<TokenStream, Error> {
    let ty = ty_tokens(api, &field.ty)?;
    let ty = if field.wrapping.boxed {
        quote! { Box<#ty> }
    } else {
        ty
    };
    Ok(if field.wrapping.optional {
        quote! { Option<#ty> }
    } else {
        ty
    })
}

/// [`field_type`] as the surface spells it.
fn field_type_text(api: &Api, field: &Field) -> String {
    let ty = ty_text(api, &field.ty);
    let ty = if field.wrapping.boxed { format!("Box<{ty}>") } else { ty };
    if field.wrapping.optional { format!("Option<{ty}>") } else { ty }
}

fn field_def(api: &Api, field: &Field) -> Result<TokenStream, Error> {
    let name = ident(&field.rust_name)?;
    let ty = field_type(api, field)?;
    let notes = [
        (field.read_only && !field.doc.as_deref().unwrap_or_default().contains("Output only"))
            .then_some("Output only: set by the server, ignored in requests."),
        field.deprecated.then_some("**Deprecated.**"),
    ];
    let docs = doc_attrs(field.doc.as_deref().into_iter().chain(notes.into_iter().flatten()));
    Ok(quote! {
        #docs
        pub #name: #ty,
    })
}

fn setter(api: &Api, field: &Field) -> Result<TokenStream, Error> {
    let name = ident(&field.rust_name)?;
    let setter = ident(&field.setter)?;
    let doc = match field.rust_name.strip_prefix("r#") {
        Some(raw) => format!(" Sets `{raw}`."),
        None => format!(" Sets [`Self::{}`].", field.rust_name),
    };
    let deprecated = field.deprecated.then(|| quote! { #[deprecated] });
    Ok(match &field.ty {
        Ty::Array(item) => {
            let item = ty_tokens(api, item)?;
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #setter(mut self, values: impl IntoIterator<Item = impl Into<#item>>) -> Self {
                    self.#name = values.into_iter().map(Into::into).collect();
                    self
                }
            }
        }
        Ty::Map(value) => {
            let value = ty_tokens(api, value)?;
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #setter<K: Into<String>, V: Into<#value>>(mut self, entries: impl IntoIterator<Item = (K, V)>) -> Self {
                    self.#name = entries.into_iter().map(|(key, value)| (key.into(), value.into())).collect();
                    self
                }
            }
        }
        Ty::FieldMaskOf(paths) => {
            let paths = ty_tokens(api, &Ty::Named(*paths))?;
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #setter(mut self, paths: impl runtime::IntoFieldMask<#paths>) -> Self {
                    self.#name = Some(runtime::IntoFieldMask::into_field_mask(paths));
                    self
                }
            }
        }
        ty => {
            let ty = ty_tokens(api, ty)?;
            let value = if field.wrapping.boxed {
                quote! { Box::new(value.into()) }
            } else {
                quote! { value.into() }
            };
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                    self.#name = Some(#value);
                    self
                }
            }
        }
    })
}

/// `clear_names()`: the field unset, and sent all the same, as `null` or empty.
fn clearer(field: &Field, extras: &Ident) -> Result<TokenStream, Error> {
    let name = ident(&field.rust_name)?;
    let clearer = ident(&field.clearer)?;
    let wire = &field.wire_name;
    let sent_as = if field.wrapping.optional { "`null`" } else { "empty" };
    let doc = format!(
        " Unsets `{wire}` and sends it all the same, as {sent_as}: how a request without a \
         field mask clears it."
    );
    let deprecated = field.deprecated.then(|| quote! { #[deprecated] });
    Ok(quote! {
        #[doc = #doc]
        #deprecated
        pub fn #clearer(mut self) -> Self {
            self.#name = Default::default();
            self.#extras.send_unset(#wire);
            self
        }
    })
}

fn enum_def(def: &EnumDef, surface: &mut Recorder) -> Result<TokenStream, Error> {
    let name = ident(&def.name)?;
    let path = format!("types::{}", def.name);
    surface.item(&path, &def.name, "enum", String::new(), false);
    for variant in &def.variants {
        let wire = format!("{:?}", variant.wire);
        let variant_path = format!("{path}::{}", variant.name);
        surface.item(&variant_path, &def.name, "variant", wire, variant.deprecated);
    }
    let unknown_path = format!("{path}::{}", def.unknown_variant);
    surface.item(&unknown_path, &def.name, "variant", "(String)".to_owned(), false);
    let docs = doc_attrs(def.doc.as_deref());
    let unknown = ident(&def.unknown_variant)?;
    let names: Vec<Ident> =
        def.variants.iter().map(|variant| ident(&variant.name)).collect::<Result<_, _>>()?;
    let variants = def.variants.iter().zip(&names).map(|(variant, variant_name)| {
        let docs = doc_attrs(variant.doc.as_deref());
        let deprecated = variant.deprecated.then(|| quote! { #[deprecated] });
        quote! { #docs #deprecated #variant_name, }
    });
    let wires: Vec<&str> = def.variants.iter().map(|variant| variant.wire.as_str()).collect();
    let any_deprecated = def.variants.iter().any(|variant| variant.deprecated);
    let allow_deprecated = any_deprecated.then(|| quote! { #[allow(deprecated)] });
    let response_body = def.response_body.then(|| response_body(&name));
    Ok(quote! {
        #docs
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
            /// A value this version of the crate does not know; it is sent back
            /// unchanged. It equals the known variant of the same value, as on the wire.
            #unknown(String),
        }

        /// Values are equal when the API spells them alike.
        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for #name {}

        impl std::hash::Hash for #name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Parses the API's spelling; any other text is an unknown value.
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl #name {
            /// The value as the API spells it.
            #allow_deprecated
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#names => #wires, )*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            #allow_deprecated
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#names, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                runtime::__private::deserialize_enum(deserializer)
            }
        }

        #response_body
    })
}

/// A closed enum of the paths: a mask of them names only real fields.
fn field_paths_def(
    api: &Api,
    def: &FieldPathsDef,
    surface: &mut Recorder,
) -> Result<TokenStream, Error> {
    let name = ident(&def.name)?;
    let path = format!("types::{}", def.name);
    surface.item(&path, &def.name, "enum", String::new(), false);
    for field_path in &def.paths {
        let signature = format!("= {} ({:?})", field_path.discriminant, field_path.wire);
        let variant_path = format!("{path}::{}", field_path.variant);
        surface.item(&variant_path, &def.name, "variant", signature, false);
    }
    let schema = api.types.get(def.schema).map_or("", TypeDef::name);
    let used_by = def.used_by.iter().map(|user| format!("`{user}`")).collect::<Vec<_>>().join(", ");
    let summary = format!(
        " A field of [`{schema}`] that a field mask can name, as the API documents them for {used_by}."
    );
    let detail = " Each mask's documentation says which paths it accepts; text such as \
                  `\"names,photos\"` is accepted too, for paths newer than this crate.";
    let names: Vec<Ident> =
        def.paths.iter().map(|path| ident(&path.variant)).collect::<Result<_, _>>()?;
    let variants = def.paths.iter().zip(&names).map(|(path, variant)| {
        let wire = format!("`{}`", path.wire);
        let docs = doc_attrs(path.doc.as_deref().or(Some(wire.as_str())));
        let discriminant = proc_macro2::Literal::u32_unsuffixed(path.discriminant);
        quote! { #docs #variant = #discriminant, }
    });
    let wires: Vec<&str> = def.paths.iter().map(|path| path.wire.as_str()).collect();
    Ok(quote! {
        #[doc = #summary]
        #[doc = ""]
        #[doc = #detail]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
        }

        impl #name {
            /// Every path, in the order of their names on the wire.
            pub const ALL: &[Self] = &[#( Self::#names ),*];
        }

        impl runtime::FieldPath for #name {
            fn path(self) -> &'static str {
                match self {
                    #( Self::#names => #wires, )*
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(runtime::FieldPath::path(*self))
            }
        }

        /// Parses a path as the API spells it (`names`).
        impl std::str::FromStr for #name {
            type Err = runtime::wire::UnknownFieldPath;

            fn from_str(path: &str) -> Result<Self, Self::Err> {
                match path {
                    #( #wires => Ok(Self::#names), )*
                    other => Err(runtime::wire::UnknownFieldPath(other.to_owned())),
                }
            }
        }
    })
}

fn alias_def(api: &Api, def: &AliasDef, surface: &mut Recorder) -> Result<TokenStream, Error> {
    let name = ident(&def.name)?;
    let signature = format!("= {}", ty_text(api, &def.ty));
    surface.item(&format!("types::{}", def.name), &def.name, "type alias", signature, false);
    let docs = doc_attrs(def.doc.as_deref());
    let ty = ty_tokens(api, &def.ty)?;
    Ok(quote! { #docs pub type #name = #ty; })
}
