//! A malformed or inconsistent document gives one clear error with its JSON
//! path, never a panic.

use crate::common::document;
use crate::common::generate;
use serde_json::{Value, json};

fn error_of(doc: &Value) -> String {
    match generate(&doc.to_string()) {
        Ok(_) => panic!("the document was accepted"),
        Err(error) => error.to_string(),
    }
}

fn with_method(method: Value) -> Value {
    document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"a": {"type": "string"}}}}),
        json!({"things": {"methods": {"get": method}}}),
    )
}

#[test]
fn text_that_is_not_json_is_rejected_with_a_position() {
    let error = generate("{ not json").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.starts_with("invalid discovery document at $"), "{error}");
    assert!(error.contains("line 1"), "{error}");
}

#[test]
fn a_field_of_the_wrong_shape_names_its_path() {
    let mut doc = document(json!({}), json!({}));
    doc["schemas"] = json!({"Thing": {"properties": {"a": {"type": 5}}}});
    let error = error_of(&doc);
    assert!(error.contains("$.schemas.Thing.properties.a.type"), "{error}");
}

#[test]
fn a_dangling_ref_names_the_schema_and_the_path() {
    let doc = document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"b": {"$ref": "Missing"}}}}),
        json!({}),
    );
    let error = error_of(&doc);
    assert!(error.contains("$.schemas.Thing.properties.b.$ref"), "{error}");
    assert!(error.contains("`Missing`"), "{error}");
}

#[test]
fn an_unknown_type_is_rejected() {
    let doc = document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"b": {"type": "quaternion"}}}}),
        json!({}),
    );
    let error = error_of(&doc);
    assert!(
        error.contains("$.schemas.Thing.properties.b.type") && error.contains("quaternion"),
        "{error}"
    );
}

#[test]
fn an_unknown_integer_format_is_rejected() {
    let doc = document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"b": {"type": "integer", "format": "int128"}}}}),
        json!({}),
    );
    assert!(error_of(&doc).contains("unknown integer format `int128`"));
}

#[test]
fn an_array_without_items_is_rejected() {
    let doc = document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"b": {"type": "array"}}}}),
        json!({}),
    );
    let error = error_of(&doc);
    assert!(error.contains("$.schemas.Thing.properties.b") && error.contains("items"), "{error}");
}

#[test]
fn a_path_naming_a_query_parameter_is_rejected() {
    let error = error_of(&with_method(
        json!({"id": "s.things.get", "httpMethod": "GET", "path": "v1/{+name}",
        "parameters": {"name": {"type": "string", "location": "query"}}}),
    ));
    assert!(
        error.contains("$.resources.things.methods.get.path")
            && error.contains("`name`, which is not a path parameter"),
        "{error}"
    );
}

#[test]
fn a_path_parameter_that_is_not_a_scalar_is_rejected() {
    let error = error_of(&with_method(
        json!({"id": "s.things.get", "httpMethod": "GET", "path": "v1/{name}",
        "parameters": {"name": {"$ref": "Thing", "location": "path", "required": true}}}),
    ));
    assert!(
        error.contains("$.resources.things.methods.get.parameters.name")
            && error.contains("a path parameter must be a scalar or an enum"),
        "{error}"
    );
}

#[test]
fn a_path_parameter_missing_from_the_path_is_rejected() {
    let error = error_of(&with_method(
        json!({"id": "s.things.get", "httpMethod": "GET", "path": "v1/things",
        "parameters": {"name": {"type": "string", "location": "path", "required": true}}}),
    ));
    assert!(error.contains("$.resources.things.methods.get.parameters.name"), "{error}");
}

#[test]
fn a_parameter_order_naming_a_missing_parameter_is_rejected() {
    let error = error_of(&with_method(
        json!({"id": "s.things.get", "httpMethod": "GET", "path": "v1/things", "parameterOrder": ["ghost"]}),
    ));
    assert!(error.contains("parameterOrder") && error.contains("`ghost`"), "{error}");
}

#[test]
fn an_unknown_http_method_is_rejected() {
    let error = error_of(&with_method(
        json!({"id": "s.things.get", "httpMethod": "BREW", "path": "v1/things"}),
    ));
    assert!(error.contains("httpMethod") && error.contains("BREW"), "{error}");
}

#[test]
fn a_method_body_with_a_dangling_ref_is_rejected() {
    let error = error_of(&with_method(
        json!({"id": "s.things.get", "httpMethod": "POST", "path": "v1/things", "request": {"$ref": "Nope"}}),
    ));
    assert!(error.contains("$.resources.things.methods.get.request.$ref"), "{error}");
}
