//! The resolve stage's rules for resources, methods and parameters.

use crate::common::{document, find_method, resolve_json, type_name};
use gapi_generator::resolve::ir::{HttpMethod, Location, Ty, TypeDef};
use serde_json::json;

fn contacts_document() -> serde_json::Value {
    document(
        json!({
            "Contact": {"id": "Contact", "type": "object", "properties": {"name": {"type": "string"}}},
            "ListContactsResponse": {"id": "ListContactsResponse", "type": "object", "properties": {
                "contacts": {"type": "array", "items": {"$ref": "Contact"}},
                "nextPageToken": {"type": "string"},
                "totalSize": {"type": "integer", "format": "int32"}
            }}
        }),
        json!({"contacts": {
            "methods": {
                "update": {
                    "id": "sample.contacts.update", "httpMethod": "PATCH", "path": "v1/{+name}:update",
                    "parameterOrder": ["name"],
                    "parameters": {
                        "name": {"type": "string", "location": "path", "required": true, "pattern": "^contacts/[^/]+$"},
                        "updateMask": {"type": "string", "format": "google-fieldmask", "location": "query", "required": true},
                        "sources": {"type": "string", "location": "query", "repeated": true,
                            "enum": ["READ_SOURCE_TYPE_UNSPECIFIED", "READ_SOURCE_TYPE_CONTACT"]},
                        "validateOnly": {"type": "boolean", "location": "query"}
                    },
                    "request": {"$ref": "Contact"}, "response": {"$ref": "Contact"},
                    "scopes": ["https://www.googleapis.com/auth/sample"]
                },
                "list": {
                    "id": "sample.contacts.list", "httpMethod": "GET", "path": "v1/contacts",
                    "parameters": {
                        "pageToken": {"type": "string", "location": "query"},
                        "pageSize": {"type": "integer", "format": "int32", "location": "query"},
                        "sources": {"type": "string", "location": "query", "repeated": true,
                            "enum": ["READ_SOURCE_TYPE_UNSPECIFIED", "READ_SOURCE_TYPE_CONTACT"]},
                        "send": {"type": "string", "location": "query"}
                    },
                    "response": {"$ref": "ListContactsResponse"}
                },
                "labels": {"id": "sample.contacts.labels", "httpMethod": "GET", "path": "v1/labels"}
            },
            "resources": {
                "labels": {"methods": {"get": {"id": "sample.contacts.labels.get", "httpMethod": "GET", "path": "v1/labels/{id}",
                    "parameterOrder": ["id"], "parameters": {"id": {"type": "string", "location": "path", "required": true}}}}}
            }
        }}),
    )
}

#[test]
fn path_and_required_parameters_are_constructor_arguments_in_order() {
    let api = resolve_json(&contacts_document());
    let update = find_method(&api.resources, "sample.contacts.update").expect("update resolved");
    assert_eq!(update.http_method, HttpMethod::Patch);
    let required: Vec<(&str, Location)> =
        update.required.iter().map(|p| (p.wire_name.as_str(), p.location)).collect();
    assert_eq!(required, [("name", Location::Path), ("updateMask", Location::Query)]);
    assert_eq!(update.required[0].pattern.as_deref(), Some("^contacts/[^/]+$"));
    assert_eq!(update.required[1].ty, Ty::FieldMask);
    let optional: Vec<&str> = update.optional.iter().map(|p| p.wire_name.as_str()).collect();
    assert_eq!(
        optional,
        ["sources", "validateOnly", "fields", "quotaUser"],
        "own parameters, then the standard ones"
    );
    assert_eq!(update.request.map(|id| type_name(&api, id)), Some("Contact"));
    assert_eq!(update.call_type, "ContactsUpdateCall");
    assert_eq!(update.scopes, ["https://www.googleapis.com/auth/sample"]);
}

#[test]
fn transport_parameters_get_no_setters() {
    let api = resolve_json(&contacts_document());
    assert_eq!(
        api.standard_params.iter().map(|p| p.wire_name.as_str()).collect::<Vec<_>>(),
        ["fields", "quotaUser"]
    );
}

#[test]
fn identical_parameter_enums_are_one_type_named_after_their_prefix() {
    let api = resolve_json(&contacts_document());
    let update = find_method(&api.resources, "sample.contacts.update").expect("update resolved");
    let list = find_method(&api.resources, "sample.contacts.list").expect("list resolved");
    let sources = |method: &gapi_generator::resolve::ir::Method| {
        method.optional.iter().find(|p| p.wire_name == "sources").map(|p| p.ty.clone())
    };
    assert_eq!(sources(update), sources(list));
    let Some(Ty::Named(id)) = sources(update) else { panic!("sources is not an enum") };
    assert_eq!(type_name(&api, id), "ReadSourceType");
    assert!(update.optional.iter().any(|p| p.wire_name == "sources" && p.repeated));
    let TypeDef::Enum(def) = &api.types[id] else { panic!("not an enum") };
    assert_eq!(
        def.variants.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["Unspecified", "Contact"]
    );
}

#[test]
fn parameters_named_like_builder_methods_get_a_suffix() {
    let api = resolve_json(&contacts_document());
    let list = find_method(&api.resources, "sample.contacts.list").expect("list resolved");
    assert!(list.optional.iter().any(|p| p.wire_name == "send" && p.rust_name == "send_2"));
}

#[test]
fn paginated_methods_are_detected_with_their_item_list() {
    let api = resolve_json(&contacts_document());
    let list = find_method(&api.resources, "sample.contacts.list").expect("list resolved");
    let pagination = list.pagination.as_ref().expect("list pages");
    assert_eq!(pagination.next_token_field, "next_page_token");
    let items = pagination.items.as_ref().expect("one list field");
    assert_eq!(items.field, "contacts");
    let update = find_method(&api.resources, "sample.contacts.update").expect("update resolved");
    assert!(update.pagination.is_none());
}

#[test]
fn methods_and_resources_with_one_name_do_not_clash() {
    let api = resolve_json(&contacts_document());
    let contacts = &api.resources[0];
    assert_eq!(
        contacts.methods.iter().map(|m| m.rust_name.as_str()).collect::<Vec<_>>(),
        ["labels", "list", "update"]
    );
    assert_eq!(
        contacts.resources[0].accessor, "labels_2",
        "the nested resource's accessor yields to the method"
    );
    assert_eq!(contacts.resources[0].type_name, "ContactsLabelsResource");
    assert!(find_method(&api.resources, "sample.contacts.labels.get").is_some());
}

#[test]
fn top_level_methods_belong_to_the_service() {
    let mut doc = contacts_document();
    doc["methods"] =
        json!({"ping": {"id": "sample.ping", "httpMethod": "POST", "path": "v1/ping"}});
    let api = resolve_json(&doc);
    assert_eq!(api.methods.len(), 1);
    assert_eq!(api.methods[0].rust_name, "ping");
    assert_eq!(api.methods[0].call_type, "PingCall");
    assert!(api.methods[0].response.is_none());
}
