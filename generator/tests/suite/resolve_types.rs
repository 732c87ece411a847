//! The resolve stage's naming and typing rules for schemas, one test per rule.

use crate::common::{document, find_field, find_struct, resolve_json, type_name};
use gapi_generator::resolve::ir::{Ty, TypeDef};
use serde_json::json;

#[test]
fn keywords_and_odd_property_names_become_identifiers_with_exact_wire_names() {
    let api = resolve_json(&document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {
            "type": {"type": "string"},
            "@type": {"type": "string"},
            "self": {"type": "string"},
            "Self": {"type": "string"},
            "foo.bar": {"type": "string"},
            "x-goog-thing": {"type": "string"},
            "$ref": {"type": "string"},
            "1080p": {"type": "string"},
            "displayName": {"type": "string"}
        }}}),
        json!({}),
    ));
    let thing = find_struct(&api, "Thing");
    let name_of = |wire: &str| find_field(thing, wire).rust_name.clone();
    assert_eq!(name_of("type"), "r#type", "an exact name claims first");
    assert_eq!(name_of("@type"), "type_2", "a collision after conversion gets a suffix");
    assert_eq!(name_of("self"), "self_", "Rust forbids `r#self`");
    assert_eq!(name_of("Self"), "self_2");
    assert_eq!(name_of("foo.bar"), "foo_bar");
    assert_eq!(name_of("x-goog-thing"), "x_goog_thing");
    assert_eq!(name_of("$ref"), "r#ref");
    assert_eq!(name_of("1080p"), "_1080p");
    let setter_of = |wire: &str| find_field(thing, wire).setter.clone();
    assert_eq!(
        [setter_of("type"), setter_of("self"), setter_of("Self"), setter_of("1080p")],
        ["set_type", "set_self", "set_self_2", "set_1080p"],
        "setters are snake case without raw prefixes or stray underscores"
    );
    assert_eq!(name_of("displayName"), "display_name", "plain camelCase becomes snake case");
}

#[test]
fn schema_names_that_clash_with_std_or_each_other_are_renamed_deterministically() {
    let api = resolve_json(&document(
        json!({
            "Option": {"id": "Option", "type": "object", "properties": {"a": {"type": "string"}}},
            "String": {"id": "String", "type": "object", "properties": {"a": {"type": "string"}}},
            "foo_bar": {"id": "foo_bar", "type": "object", "properties": {"a": {"type": "string"}}},
            "fooBar": {"id": "fooBar", "type": "object", "properties": {"a": {"type": "string"}}}
        }),
        json!({}),
    ));
    let names: Vec<&str> = api.types.iter().map(TypeDef::name).collect();
    assert_eq!(names, ["OptionSchema", "StringSchema", "FooBar", "FooBar2"]);
}

#[test]
fn formats_map_to_wire_aware_rust_types() {
    let api = resolve_json(&document(
        json!({"Formats": {"id": "Formats", "type": "object", "properties": {
            "count": {"type": "string", "format": "int64"},
            "size": {"type": "string", "format": "uint64"},
            "small": {"type": "integer", "format": "int32"},
            "ratio": {"type": "number", "format": "double"},
            "data": {"type": "string", "format": "byte"},
            "when": {"type": "string", "format": "google-datetime"},
            "at": {"type": "string", "format": "date-time"},
            "ttl": {"type": "string", "format": "google-duration"},
            "mask": {"type": "string", "format": "google-fieldmask"},
            "day": {"type": "string", "format": "date"},
            "blob": {"type": "any"},
            "ids": {"type": "array", "items": {"type": "string", "format": "int64"}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "grid": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
            "nested": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "string", "format": "int64"}}}
        }}}),
        json!({}),
    ));
    let formats = find_struct(&api, "Formats");
    let ty = |wire: &str| find_field(formats, wire).ty.clone();
    assert_eq!(ty("count"), Ty::I64 { as_string: true });
    assert_eq!(ty("size"), Ty::U64);
    assert_eq!(ty("small"), Ty::I32);
    assert_eq!(ty("ratio"), Ty::F64);
    assert_eq!(ty("data"), Ty::Bytes);
    assert_eq!(ty("when"), Ty::Timestamp);
    assert_eq!(ty("at"), Ty::Timestamp);
    assert_eq!(ty("ttl"), Ty::Duration);
    assert_eq!(ty("mask"), Ty::FieldMask);
    assert_eq!(ty("day"), Ty::String, "unknown string formats fall back to String");
    assert_eq!(ty("blob"), Ty::Any);
    assert_eq!(ty("ids"), Ty::Array(Box::new(Ty::I64 { as_string: true })));
    assert_eq!(ty("labels"), Ty::Map(Box::new(Ty::String)));
    assert_eq!(ty("grid"), Ty::Array(Box::new(Ty::Array(Box::new(Ty::F64)))));
    assert_eq!(ty("nested"), Ty::Map(Box::new(Ty::Map(Box::new(Ty::I64 { as_string: true })))));
    assert!(ty("nested").has_string_integers(), "int64 inside maps is still sent as strings");
}

#[test]
fn inline_objects_and_enums_become_named_types() {
    let api = resolve_json(&document(
        json!({"Event": {"id": "Event", "type": "object", "properties": {
            "organizer": {"type": "object", "properties": {"email": {"type": "string"}}},
            "attendees": {"type": "array", "items": {"type": "object", "properties": {"email": {"type": "string"}}}},
            "status": {"type": "string", "enum": ["CONFIRMED", "CANCELLED"], "enumDescriptions": ["Going ahead.", "Called off."]}
        }}}),
        json!({}),
    ));
    let event = find_struct(&api, "Event");
    let Ty::Named(organizer) = find_field(event, "organizer").ty.clone() else {
        panic!("organizer is not a named type")
    };
    assert_eq!(type_name(&api, organizer), "EventOrganizer");
    let Ty::Array(item) = find_field(event, "attendees").ty.clone() else {
        panic!("attendees is not a list")
    };
    let Ty::Named(attendee) = *item else { panic!("attendee is not a named type") };
    assert_eq!(type_name(&api, attendee), "EventAttendeesItem");
    let Ty::Named(status) = find_field(event, "status").ty.clone() else {
        panic!("status is not a named type")
    };
    let TypeDef::Enum(status) = &api.types[status] else { panic!("status is not an enum") };
    assert_eq!(status.name, "EventStatus");
    assert_eq!(
        status.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["Confirmed", "Cancelled"]
    );
    assert_eq!(status.variants[0].doc.as_deref(), Some("Going ahead."));
}

#[test]
fn enum_values_that_are_not_identifiers_still_get_distinct_variants() {
    let api = resolve_json(&document(
        json!({"Mode": {"id": "Mode", "type": "string",
            "enum": ["", "1080p", "auto", "AUTO", "UNKNOWN_VALUE", "TYPE_A", "dash-case"],
            "enumDeprecated": [false, false, false, false, false, true, false]}}),
        json!({}),
    ));
    let TypeDef::Enum(mode) = &api.types[0] else { panic!("Mode is not an enum") };
    let names: Vec<&str> = mode.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Empty", "V1080p", "Auto", "Auto2", "UnknownValue", "TypeA", "DashCase"]);
    assert_eq!(
        mode.unknown_variant, "UnknownValue2",
        "the catch-all never takes a listed value's name"
    );
    assert!(mode.variants[5].deprecated);
}

#[test]
fn shared_value_prefixes_are_stripped_from_variants() {
    let api = resolve_json(&document(
        json!({"Source": {"id": "Source", "type": "string",
            "enum": ["READ_SOURCE_TYPE_UNSPECIFIED", "READ_SOURCE_TYPE_PROFILE", "READ_SOURCE_TYPE_DOMAIN_CONTACT"]}}),
        json!({}),
    ));
    let TypeDef::Enum(source) = &api.types[0] else { panic!("Source is not an enum") };
    let names: Vec<&str> = source.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Unspecified", "Profile", "DomainContact"]);
    assert_eq!(source.variants[1].wire, "READ_SOURCE_TYPE_PROFILE", "the wire value is kept whole");
}

#[test]
fn recursion_is_broken_with_box_only_where_needed() {
    let api = resolve_json(&document(
        json!({
            "Node": {"id": "Node", "type": "object", "properties": {
                "next": {"$ref": "Node"},
                "children": {"type": "array", "items": {"$ref": "Node"}},
                "leaf": {"$ref": "Leaf"}
            }},
            "Leaf": {"id": "Leaf", "type": "object", "properties": {"value": {"type": "string"}}},
            "Ping": {"id": "Ping", "type": "object", "properties": {"pong": {"$ref": "Pong"}}},
            "Pong": {"id": "Pong", "type": "object", "properties": {"ping": {"$ref": "Ping"}}}
        }),
        json!({}),
    ));
    let node = find_struct(&api, "Node");
    assert!(find_field(node, "next").wrapping.boxed, "direct self-reference is boxed");
    assert!(!find_field(node, "children").wrapping.boxed, "a Vec already breaks the cycle");
    assert!(!find_field(node, "leaf").wrapping.boxed, "no cycle, no box");
    assert!(
        find_field(find_struct(&api, "Ping"), "pong").wrapping.boxed,
        "mutual recursion is boxed"
    );
    assert!(find_field(find_struct(&api, "Pong"), "ping").wrapping.boxed);
}

#[test]
fn identical_prefixed_enums_in_properties_and_parameters_are_one_type_named_after_the_prefix() {
    let sources = json!({"type": "array", "items": {"type": "string",
        "enum": ["READ_SOURCE_TYPE_UNSPECIFIED", "READ_SOURCE_TYPE_PROFILE", "READ_SOURCE_TYPE_CONTACT"]}});
    let api = resolve_json(&document(
        json!({
            "CreateRequest": {"id": "CreateRequest", "type": "object", "properties": {"sources": sources}},
            "PhotoRequest": {"id": "PhotoRequest", "type": "object", "properties": {
                "sources": sources,
                "kind": {"type": "string", "enum": ["PLAIN", "FANCY"]}
            }}
        }),
        json!({"things": {"methods": {"get": {
            "id": "sample.things.get", "httpMethod": "GET", "path": "v1/things",
            "parameters": {"sources": {"type": "string", "location": "query", "repeated": true,
                "enum": ["READ_SOURCE_TYPE_UNSPECIFIED", "READ_SOURCE_TYPE_PROFILE", "READ_SOURCE_TYPE_CONTACT"]}}
        }}}}),
    ));
    let element = |def: &str| match &find_field(find_struct(&api, def), "sources").ty {
        Ty::Array(inner) => match **inner {
            Ty::Named(id) => id,
            ref other => panic!("sources items are {other:?}"),
        },
        other => panic!("sources is {other:?}"),
    };
    assert_eq!(element("CreateRequest"), element("PhotoRequest"), "one type for both properties");
    assert_eq!(type_name(&api, element("CreateRequest")), "ReadSourceType");
    let enums: Vec<&str> =
        api.types.iter().filter(|def| matches!(def, TypeDef::Enum(_))).map(TypeDef::name).collect();
    assert_eq!(enums, ["ReadSourceType", "PhotoRequestKind"], "the parameter reuses it too");
}
