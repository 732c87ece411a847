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
        update.argument_params().map(|p| (p.wire_name.as_str(), p.location)).collect();
    assert_eq!(required, [("name", Location::Path), ("updateMask", Location::Query)]);
    assert_eq!(
        update.argument_params().next().expect("argument").pattern.as_deref(),
        Some("^contacts/[^/]+$")
    );
    assert_eq!(update.argument_params().nth(1).expect("argument").ty, Ty::FieldMask);
    let optional: Vec<&str> = update.optional.iter().map(|p| p.wire_name.as_str()).collect();
    assert_eq!(
        optional,
        ["sources", "validateOnly"],
        "own parameters; `fields` and `quotaUser` come with the runtime's CallOptions"
    );
    assert_eq!(update.request.map(|id| type_name(&api, id)), Some("Contact"));
    assert_eq!(update.call_type, "ContactsUpdateCall");
    assert_eq!(update.scopes, ["https://www.googleapis.com/auth/sample"]);
}

#[test]
fn only_global_parameters_the_runtime_does_not_own_get_setters() {
    let mut doc = contacts_document();
    doc["parameters"]["requestReason"] =
        json!({"type": "string", "location": "query", "description": "Why the call is made."});
    let api = resolve_json(&doc);
    assert_eq!(
        api.standard_params.iter().map(|p| p.wire_name.as_str()).collect::<Vec<_>>(),
        ["requestReason"],
        "`key` is the runtime's, `fields` and `quotaUser` are CallOptions'"
    );
    let update = find_method(&api.resources, "sample.contacts.update").expect("update resolved");
    assert_eq!(update.optional.last().map(|p| p.rust_name.as_str()), Some("request_reason"));
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

/// A shelf of books: masks over its fields, listed in descriptions the way
/// Google's documents list them.
fn shelves_document(get_parameters: serde_json::Value) -> serde_json::Value {
    document(
        json!({
            "Shelf": {"id": "Shelf", "type": "object", "properties": {
                "name": {"type": "string"}, "books": {"type": "array", "items": {"type": "string"}},
                "title": {"type": "string"}}},
            "Label": {"id": "Label", "type": "object", "properties": {"name": {"type": "string"}}},
            "Tag": {"id": "Tag", "type": "object", "properties": {"name": {"type": "string"}}},
            "CopyShelfRequest": {"id": "CopyShelfRequest", "type": "object", "properties": {
                "copyMask": {"type": "string", "format": "google-fieldmask",
                    "description": "Which fields to copy. Valid values are: * books * title"}}}
        }),
        json!({"shelves": {"methods": {
            "get": {"id": "sample.shelves.get", "httpMethod": "GET", "path": "v1/shelves",
                "parameters": get_parameters, "response": {"$ref": "Shelf"}},
            "copy": {"id": "sample.shelves.copy", "httpMethod": "POST", "path": "v1/shelves:copy",
                "request": {"$ref": "CopyShelfRequest"}, "response": {"$ref": "Shelf"}}
        }}}),
    )
}

fn mask(description: &str) -> serde_json::Value {
    json!({"type": "string", "format": "google-fieldmask", "location": "query", "description": description})
}

fn argument_names(api: &gapi_generator::resolve::ir::Api) -> Vec<String> {
    let get = find_method(&api.resources, "sample.shelves.get").expect("get resolved");
    get.argument_params().map(|param| param.wire_name.clone()).collect()
}

#[test]
fn parameters_documented_as_required_are_constructor_arguments() {
    let api = resolve_json(&shelves_document(json!({
        "query": {"type": "string", "location": "query", "description": "Required. The text to look for."},
        "readMask": mask("Required. Which fields to return."),
        "pageSize": {"type": "integer", "format": "int32", "location": "query", "description": "Optional. How many."}
    })));
    assert_eq!(argument_names(&api), ["query", "readMask"]);
}

#[test]
fn a_documented_default_makes_a_required_parameter_optional() {
    let api = resolve_json(&shelves_document(json!({
        "readMask": mask("Required. Which fields to return. Defaults to all fields if not set.")
    })));
    assert!(argument_names(&api).is_empty(), "the description contradicts `Required.`");
}

#[test]
fn masks_that_all_claim_to_be_required_are_alternatives_and_stay_setters() {
    let api = resolve_json(&shelves_document(json!({
        "readMask": mask("Required. Which fields to return. Valid values are: * books * title"),
        "requestMask.includeField": mask("Required. Comma-separated fields, each starting with `shelf.`."),
        "query": {"type": "string", "location": "query", "description": "Required. The text to look for."}
    })));
    assert_eq!(argument_names(&api), ["query"]);
}

fn field_paths<'a>(
    api: &'a gapi_generator::resolve::ir::Api,
    ty: &Ty,
) -> &'a gapi_generator::resolve::ir::FieldPathsDef {
    match ty {
        Ty::FieldMaskOf(id) => match api.types.get(*id) {
            Some(TypeDef::FieldPaths(def)) => def,
            other => panic!("FieldMaskOf points at {other:?}"),
        },
        other => panic!("expected a typed mask, got {other:?}"),
    }
}

#[test]
fn masks_listing_the_fields_of_one_struct_are_typed_by_those_fields() {
    let api = resolve_json(&shelves_document(json!({
        "readMask": mask("Required. Which fields to return. Valid values are: * title * books"),
        "sortMask": mask("Optional. If the source is SHELF, valid fields are: * title If it is LIBRARY, valid fields are: * name")
    })));
    let get = find_method(&api.resources, "sample.shelves.get").expect("get resolved");
    let read_mask = field_paths(&api, &get.argument_params().next().expect("argument").ty);
    assert_eq!(read_mask.name, "ShelfField");
    assert_eq!(type_name(&api, read_mask.schema), "Shelf");
    let paths: Vec<(&str, &str)> =
        read_mask.paths.iter().map(|path| (path.variant.as_str(), path.wire.as_str())).collect();
    assert_eq!(
        paths,
        [("Books", "books"), ("Name", "name"), ("Title", "title")],
        "the union of every list"
    );
    assert_eq!(read_mask.used_by, ["copyMask", "readMask", "sortMask"]);

    let sort_mask =
        get.optional.iter().find(|param| param.wire_name == "sortMask").expect("sortMask");
    assert_eq!(
        sort_mask.ty,
        get.argument_params().next().expect("argument").ty,
        "one type per struct"
    );
    let copy = crate::common::find_struct(&api, "CopyShelfRequest");
    assert_eq!(
        crate::common::find_field(copy, "copyMask").ty,
        get.argument_params().next().expect("argument").ty,
        "body fields too"
    );
}

#[test]
fn masks_without_one_owning_struct_stay_text() {
    let api = resolve_json(&shelves_document(json!({
        "nameMask": mask("Which fields. Valid values are: * name"),
        "nestedMask": mask("Which fields. Valid values are: * shelf.title"),
        "plainMask": mask("Which fields to return.")
    })));
    let get = find_method(&api.resources, "sample.shelves.get").expect("get resolved");
    for param in &get.optional {
        if param.wire_name.ends_with("Mask") {
            assert_eq!(
                param.ty,
                Ty::FieldMask,
                "{}: `name` is a field of three structs, `shelf.title` of none",
                param.wire_name
            );
        }
    }
}

fn batch_document(request_properties: serde_json::Value) -> serde_json::Value {
    document(
        json!({"BatchRequest": {"id": "BatchRequest", "type": "object", "properties": request_properties}}),
        json!({"things": {"methods": {"batch": {"id": "sample.things.batch", "httpMethod": "POST",
            "path": "v1/things:batch", "request": {"$ref": "BatchRequest"}}}}}),
    )
}

#[test]
fn a_body_with_one_documented_limit_can_be_sent_in_chunks_of_it() {
    let api = resolve_json(&batch_document(json!({
        "things": {"type": "array", "items": {"type": "string"},
            "description": "The things. Allows up to 50 things in a single request."},
        "readMask": {"type": "string", "format": "google-fieldmask"}
    })));
    let batch = find_method(&api.resources, "sample.things.batch").expect("batch resolved");
    let chunking = batch.chunking.as_ref().expect("the body has one limited field");
    assert_eq!((chunking.field.as_str(), chunking.max), ("things", 50));
}

#[test]
fn a_body_with_two_limited_fields_is_not_chunked() {
    let api = resolve_json(&batch_document(json!({
        "things": {"type": "array", "items": {"type": "string"},
            "description": "Allows up to 50 things in a single request."},
        "labels": {"type": "array", "items": {"type": "string"},
            "description": "Allows up to 10 labels in a single request."}
    })));
    let batch = find_method(&api.resources, "sample.things.batch").expect("batch resolved");
    assert!(batch.chunking.is_none(), "which field to split along is ambiguous");
}

fn media_document(media_upload: serde_json::Value) -> serde_json::Value {
    let mut doc = document(
        json!({"File": {"id": "File", "type": "object", "properties": {"name": {"type": "string"}}}}),
        json!({"files": {"methods": {
            "create": {"id": "sample.files.create", "httpMethod": "POST", "path": "files",
                "request": {"$ref": "File"}, "response": {"$ref": "File"},
                "supportsMediaUpload": true, "mediaUpload": media_upload},
            "get": {"id": "sample.files.get", "httpMethod": "GET", "path": "files/{fileId}",
                "parameterOrder": ["fileId"],
                "parameters": {"fileId": {"type": "string", "location": "path", "required": true}},
                "response": {"$ref": "File"}, "supportsMediaDownload": true}
        }}}),
    );
    doc["servicePath"] = json!("sample/v1/");
    doc
}

#[test]
fn media_uploads_use_the_simple_path_from_the_root_with_their_limits() {
    let api = resolve_json(&media_document(json!({
        "accept": ["image/*"], "maxSize": "10MB",
        "protocols": {"simple": {"multipart": true, "path": "/upload/sample/v1/files"},
                      "resumable": {"multipart": true, "path": "/resumable/upload/sample/v1/files"}}
    })));
    assert_eq!(api.service_path, "sample/v1/");
    let create = find_method(&api.resources, "sample.files.create").expect("create resolved");
    let upload = create.upload.as_ref().expect("create takes media");
    assert_eq!(upload.path, "upload/sample/v1/files", "relative to the root URL");
    assert_eq!(upload.max_size, Some(10 * 1024 * 1024));
    assert_eq!(upload.accept, ["image/*"]);
    assert!(upload.resumable);
    assert_eq!(upload.spec_const, "SAMPLE_FILES_CREATE_UPLOAD");
    assert!(!create.download);
    let get = find_method(&api.resources, "sample.files.get").expect("get resolved");
    assert!(get.download && get.upload.is_none());
}

#[test]
fn upload_sizes_in_bytes_or_binary_units_are_read_and_others_set_no_limit() {
    for (written, bytes) in [
        ("5497558138880", Some(5_497_558_138_880)),
        ("5120GB", Some(5120 << 30)),
        ("2KB", Some(2048)),
        ("lots", None),
        ("99999999999999999999TB", None),
    ] {
        let api = resolve_json(&media_document(json!({
            "maxSize": written, "protocols": {"simple": {"multipart": true, "path": "/upload/f"}}
        })));
        let create = find_method(&api.resources, "sample.files.create").expect("create resolved");
        let upload = create.upload.as_ref().expect("create takes media");
        assert_eq!(upload.max_size, bytes, "{written}");
        assert!(!upload.resumable, "the document offers only the simple protocol");
    }
}

#[test]
fn deeply_nested_resources_get_accessors_and_types_named_by_their_whole_path() {
    let leaf = json!({"methods": {"get": {"id": "sample.projects.locations.datasets.tables.get",
        "httpMethod": "GET", "path": "v1/{+name}", "parameterOrder": ["name"],
        "parameters": {"name": {"type": "string", "location": "path", "required": true}}}}});
    let api = resolve_json(&document(
        json!({}),
        json!({"projects": {"resources": {"locations": {"resources": {"datasets": {
            "resources": {"tables": leaf}}}}}}}),
    ));
    let mut resource = &api.resources[0];
    let mut chain = vec![(resource.accessor.clone(), resource.type_name.clone())];
    while let Some(child) = resource.resources.first() {
        resource = child;
        chain.push((resource.accessor.clone(), resource.type_name.clone()));
    }
    let expected = [
        ("projects", "ProjectsResource"),
        ("locations", "ProjectsLocationsResource"),
        ("datasets", "ProjectsLocationsDatasetsResource"),
        ("tables", "ProjectsLocationsDatasetsTablesResource"),
    ];
    let chain: Vec<(&str, &str)> = chain.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
    assert_eq!(chain, expected);
    assert_eq!(resource.wire_path, "projects.locations.datasets.tables");
    assert_eq!(resource.methods[0].call_type, "ProjectsLocationsDatasetsTablesGetCall");
}

#[test]
fn parameter_names_with_dots_dashes_and_leading_digits_become_snake_case_arguments() {
    let api = resolve_json(&shelves_document(json!({
        "requestMask.includeField": mask("Comma-separated fields."),
        "x-goog-request-id": {"type": "string", "location": "query"},
        "1080p": {"type": "boolean", "location": "query"},
        "type": {"type": "string", "location": "query"}
    })));
    let get = find_method(&api.resources, "sample.shelves.get").expect("get resolved");
    let names: Vec<(&str, &str)> = get
        .optional
        .iter()
        .map(|param| (param.wire_name.as_str(), param.rust_name.as_str()))
        .take(4)
        .collect();
    assert_eq!(
        names,
        [
            ("1080p", "_1080p"),
            ("requestMask.includeField", "request_mask_include_field"),
            ("type", "r#type"),
            ("x-goog-request-id", "x_goog_request_id"),
        ],
        "the wire name is kept for the query string"
    );
}
