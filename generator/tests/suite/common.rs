//! Small hand-written discovery documents for the generator's tests.

use gapi_generator::load::load;
use gapi_generator::resolve::ir::{Api, Field, Method, Resource, StructDef, TypeDef};
use gapi_generator::resolve::resolve;
use serde_json::{Value, json};

/// A minimal valid document with the given schemas and resources.
pub fn document(schemas: Value, resources: Value) -> Value {
    json!({
        "kind": "discovery#restDescription",
        "name": "sample",
        "version": "v1",
        "revision": "20240101",
        "id": "sample:v1",
        "title": "Sample API",
        "rootUrl": "https://sample.example.com/",
        "servicePath": "",
        "parameters": {
            "fields": {"type": "string", "location": "query", "description": "Selector specifying which fields to include in a partial response."},
            "quotaUser": {"type": "string", "location": "query"},
            "key": {"type": "string", "location": "query"}
        },
        "schemas": schemas,
        "resources": resources
    })
}

/// A first generation: no lock from an earlier one.
pub fn generate(text: &str) -> Result<gapi_generator::Output, gapi_generator::Error> {
    gapi_generator::generate(text, &gapi_generator::Lock::default())
}

pub fn resolve_json(doc: &Value) -> Api {
    let document = load(&doc.to_string())
        .unwrap_or_else(|error| panic!("test document does not load: {error}"));
    resolve(&document, &Default::default())
        .unwrap_or_else(|error| panic!("test document does not resolve: {error}"))
}

pub fn find_struct<'a>(api: &'a Api, name: &str) -> &'a StructDef {
    api.types
        .iter()
        .find_map(|def| match def {
            TypeDef::Struct(def) if def.name == name => Some(def),
            _ => None,
        })
        .unwrap_or_else(|| {
            panic!(
                "no struct {name}; types: {:?}",
                api.types.iter().map(TypeDef::name).collect::<Vec<_>>()
            )
        })
}

pub fn find_field<'a>(def: &'a StructDef, wire: &str) -> &'a Field {
    def.fields
        .iter()
        .find(|field| field.wire_name == wire)
        .unwrap_or_else(|| panic!("no field {wire} in {}", def.name))
}

pub fn find_method<'a>(resources: &'a [Resource], id: &str) -> Option<&'a Method> {
    resources.iter().find_map(|resource| {
        resource
            .methods
            .iter()
            .find(|method| method.id == id)
            .or_else(|| find_method(&resource.resources, id))
    })
}

pub fn type_name(api: &Api, id: usize) -> &str {
    api.types[id].name()
}
