//! The generated command-line client: one `main.rs` holding the API as a
//! `gapi_cli::table::Api` (static data, decided in the IR like the
//! library's names) and a `main` that hands it to the `gapi-cli` engine.
//! The `MethodSpec` constants are the library's own (the same emitter), so
//! the CLI sends exactly the requests the library sends; bodies decode into
//! the library's types.

use proc_macro2::TokenStream;
use quote::quote;

use super::api::{batch_spec_const, method_spec, upload_spec_const};
use super::docs::inline_lists;
use super::ident;
use crate::error::Error;
use crate::resolve::ir::{Api, Location, Method, Param, Resource, Ty, TypeDef};

/// The CLI's `main.rs`: the table module and `main`. It is small and stays
/// as rustfmt formats it; the table, `api.rs`, is skipped by rustfmt.
pub fn main_module(api: &Api) -> TokenStream {
    let doc = format!(
        " `{command}`: the {title} ({version}) from the command line. Run `{command} --help`; \
         the commands are the API's resources and methods.",
        command = api.command,
        title = api.title,
        version = api.version,
    );
    quote! {
        #![doc = #doc]
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        mod api;

        fn main() -> std::process::ExitCode {
            gapi_cli::main(&api::API)
        }
    }
}

/// The CLI's `api.rs`: the API as a `gapi_cli::table::Api`, and the
/// library's `MethodSpec` constants (the batch request's too, when the API
/// has a `batchPath`), for a binary crate that depends on the
/// library crate `library` (its Rust name, `google_people_v1`) and on `gapi-cli`.
pub fn table_module(api: &Api, library: &str) -> Result<TokenStream, Error> {
    let library = ident(library)?;
    let command = &api.command;
    let title = format!("{} ({})", api.title, api.version);
    let description = text(api.description.as_deref());
    let token_env = &api.token_env;
    let scopes = api.scopes.iter().map(|scope| &scope.url);
    let methods = methods(api, &api.methods)?;
    let resources = resources(api, &api.resources)?;
    let mut specs = Vec::new();
    let batch = match &api.batch {
        Some(batch) => {
            specs.push(batch_spec_const(batch)?);
            let spec = ident(&batch.spec_const)?;
            quote! { Some(&#spec) }
        }
        None => quote! { None },
    };
    collect_specs(&api.methods, &api.resources, &mut specs)?;
    let types = types(api)?;
    let library_import = if takes_a_body(&api.methods, &api.resources) {
        quote! { use #library::{runtime, types}; }
    } else {
        quote! { use #library::runtime; }
    };
    Ok(quote! {
        //! The API's resources, methods, parameters and schemas, as the
        //! generator decided them, for the `gapi-cli` engine.

        #library_import
        use gapi_cli::table;

        pub(crate) static API: table::Api = table::Api {
            command: #command,
            title: #title,
            description: #description,
            version: env!("CARGO_PKG_VERSION"),
            info: &#library::API,
            token_env: #token_env,
            scopes: &[#( #scopes ),*],
            methods: &[#( #methods ),*],
            resources: &[#( #resources ),*],
            batch: #batch,
            types: &[#( #types ),*],
        };

        #( #specs )*
    })
}

/// Whether a method at any depth takes a body: bodies are the only use of
/// the library's types here, and an unused import fails clippy.
fn takes_a_body(methods: &[Method], resources: &[Resource]) -> bool {
    methods.iter().any(|method| method.request.is_some())
        || resources.iter().any(|resource| takes_a_body(&resource.methods, &resource.resources))
}

/// A description as one help text: inline lists one item a line.
fn text(description: Option<&str>) -> String {
    description.map(inline_lists).unwrap_or_default()
}

fn collect_specs(
    methods: &[Method],
    resources: &[Resource],
    out: &mut Vec<TokenStream>,
) -> Result<(), Error> {
    for method in methods {
        out.push(method_spec(method)?);
        if let Some(upload) = &method.upload {
            out.push(upload_spec_const(upload)?);
        }
    }
    for resource in resources {
        collect_specs(&resource.methods, &resource.resources, out)?;
    }
    Ok(())
}

fn resources(api: &Api, resources: &[Resource]) -> Result<Vec<TokenStream>, Error> {
    resources
        .iter()
        .map(|resource| {
            let command = &resource.command;
            let wire_path = &resource.wire_path;
            let deprecated = resource.deprecated;
            let methods = methods(api, &resource.methods)?;
            let children = self::resources(api, &resource.resources)?;
            Ok(quote! {
                table::Resource {
                    command: #command,
                    wire_path: #wire_path,
                    deprecated: #deprecated,
                    methods: &[#( #methods ),*],
                    resources: &[#( #children ),*],
                }
            })
        })
        .collect()
}

fn methods(api: &Api, methods: &[Method]) -> Result<Vec<TokenStream>, Error> {
    methods
        .iter()
        .map(|method| self::method(api, method).map_err(|e| e.within(&method.id)))
        .collect()
}

fn method(api: &Api, method: &Method) -> Result<TokenStream, Error> {
    let command = &method.command;
    let spec = ident(&method.spec_const)?;
    let description = text(method.doc.as_deref());
    // The constructor's arguments (path parameters first, as positionals),
    // then the setters' flags.
    let params = method
        .argument_params()
        .map(|param| (param, true))
        .chain(method.optional.iter().map(|param| (param, false)))
        .map(|(param, required)| self::param(api, param, required))
        .collect::<Result<Vec<_>, _>>()?;
    let body = match method.request {
        Some(id) => {
            let name = type_name(api, id)?;
            let ty = ident(name)?;
            quote! { Some(table::Body { schema: #name, encode: gapi_cli::encode::<types::#ty> }) }
        }
        None => quote! { None },
    };
    let response = match method.response {
        Some(id) => {
            let name = type_name(api, id)?;
            quote! { Some(#name) }
        }
        None => quote! { None },
    };
    let pages = match &method.pagination {
        Some(pagination) => {
            let token_param = &pagination.page_token_param;
            let next = &pagination.next_token_wire;
            let items = match &pagination.items {
                Some(items) => {
                    let wire = &items.wire_name;
                    quote! { Some(#wire) }
                }
                None => quote! { None },
            };
            quote! {
                Some(table::Pages { token_param: #token_param, next_token_field: #next, items_field: #items })
            }
        }
        None => quote! { None },
    };
    let limits = method.body_limits.iter().map(|limit| {
        let (field, max) = (&limit.wire_name, limit.limit.max);
        quote! { (#field, #max) }
    });
    let chunked = match &method.chunking {
        Some(chunking) => {
            let field = &chunking.field;
            quote! { Some(#field) }
        }
        None => quote! { None },
    };
    let upload = match &method.upload {
        Some(upload) => {
            let constant = ident(&upload.spec_const)?;
            quote! { Some(&#constant) }
        }
        None => quote! { None },
    };
    let upload_resumable = method.upload.as_ref().is_some_and(|upload| upload.resumable);
    let download = method.download;
    let deprecated = method.deprecated;
    Ok(quote! {
        table::Method {
            command: #command,
            spec: &#spec,
            description: #description,
            params: &[#( #params ),*],
            body: #body,
            response: #response,
            pages: #pages,
            body_limits: &[#( #limits ),*],
            chunked_field: #chunked,
            upload: #upload,
            upload_resumable: #upload_resumable,
            download: #download,
            deprecated: #deprecated,
        }
    })
}

fn param(api: &Api, param: &Param, required: bool) -> Result<TokenStream, Error> {
    let wire = &param.wire_name;
    let flag = &param.flag;
    let path = param.location == Location::Path;
    let repeated = param.repeated;
    let kind = match &param.ty {
        Ty::Bool => quote! { table::Kind::Bool },
        Ty::I32 | Ty::I64 { .. } => quote! { table::Kind::Integer },
        Ty::U32 | Ty::U64 => quote! { table::Kind::Unsigned },
        Ty::F32 | Ty::F64 => quote! { table::Kind::Number },
        Ty::Named(id) => match api.types.get(*id) {
            Some(TypeDef::Enum(def)) => {
                let values = def.variants.iter().map(|variant| &variant.wire);
                quote! { table::Kind::Enum(&[#( #values ),*]) }
            }
            _ => quote! { table::Kind::Text },
        },
        Ty::FieldMaskOf(id) => match api.types.get(*id) {
            Some(TypeDef::FieldPaths(def)) => {
                let paths = def.paths.iter().map(|path| &path.wire);
                quote! { table::Kind::FieldMask(&[#( #paths ),*]) }
            }
            _ => quote! { table::Kind::Text },
        },
        _ => quote! { table::Kind::Text },
    };
    let pattern = match &param.pattern {
        Some(pattern) => quote! { Some(#pattern) },
        None => quote! { None },
    };
    let description = text(param.doc.as_deref());
    let deprecated = param.deprecated;
    Ok(quote! {
        table::Param {
            wire: #wire,
            flag: #flag,
            path: #path,
            required: #required,
            repeated: #repeated,
            kind: #kind,
            pattern: #pattern,
            description: #description,
            deprecated: #deprecated,
        }
    })
}

fn type_name(api: &Api, id: usize) -> Result<&str, Error> {
    api.types
        .get(id)
        .map(TypeDef::name)
        .ok_or_else(|| Error::Emit { file: "main.rs".into(), message: format!("no type #{id}") })
}

/// Every schema the `schema` command can show and bodies are checked against.
fn types(api: &Api) -> Result<Vec<TokenStream>, Error> {
    let mut out = Vec::new();
    for def in &api.types {
        let (name, description, fields, values) = match def {
            TypeDef::Struct(def) => {
                let fields = def
                    .fields
                    .iter()
                    .map(|field| {
                        let wire = &field.wire_name;
                        let shape = shape(api, &field.ty);
                        let description = text(field.doc.as_deref());
                        let read_only = field.read_only;
                        quote! {
                            table::Field { wire: #wire, shape: #shape, description: #description, read_only: #read_only }
                        }
                    })
                    .collect::<Vec<_>>();
                (&def.name, text(def.doc.as_deref()), fields, Vec::new())
            }
            TypeDef::Enum(def) => {
                let values = def.variants.iter().map(|variant| variant.wire.clone()).collect();
                (&def.name, text(def.doc.as_deref()), Vec::new(), values)
            }
            TypeDef::Alias(def) => (&def.name, text(def.doc.as_deref()), Vec::new(), Vec::new()),
            TypeDef::FieldPaths(_) => continue,
        };
        out.push(quote! {
            table::Type {
                name: #name,
                description: #description,
                fields: &[#( #fields ),*],
                values: &[#( #values ),*],
            }
        });
    }
    Ok(out)
}

fn shape(api: &Api, ty: &Ty) -> TokenStream {
    let scalar = |name: &str| quote! { table::Shape::Scalar(#name) };
    match ty {
        Ty::Bool => scalar("boolean"),
        Ty::I32 | Ty::I64 { as_string: false } => scalar("integer"),
        Ty::U32 => scalar("unsigned integer"),
        Ty::I64 { as_string: true } => scalar("int64 (a string)"),
        Ty::U64 => scalar("uint64 (a string)"),
        Ty::F32 | Ty::F64 => scalar("number"),
        Ty::String => scalar("string"),
        Ty::Bytes => scalar("bytes (base64)"),
        Ty::Timestamp => scalar("timestamp (RFC 3339)"),
        Ty::Duration => scalar("duration (seconds, `3.5s`)"),
        Ty::FieldMask | Ty::FieldMaskOf(_) => scalar("field mask"),
        Ty::Any => scalar("any JSON"),
        Ty::Named(id) => {
            let name = api.types.get(*id).map_or("unknown", TypeDef::name);
            quote! { table::Shape::Ref(#name) }
        }
        Ty::Array(inner) => {
            let inner = shape(api, inner);
            quote! { table::Shape::Array(&#inner) }
        }
        Ty::Map(inner) => {
            let inner = shape(api, inner);
            quote! { table::Shape::Map(&#inner) }
        }
    }
}
