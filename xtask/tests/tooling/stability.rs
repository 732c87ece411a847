//! A document that only adds keeps every public item of the old crate: one
//! test per way an addition used to rename, retype or remove one. Each old
//! crate is resolved afresh, the new one from its lock, as `regen` does.

use crate::common::{document, find_field, find_method, find_struct, type_name};
use gapi_generator::Lock;
use gapi_generator::load::load;
use gapi_generator::resolve::ir::{Api, Ty, TypeDef};
use gapi_generator::resolve::resolve;
use serde_json::{Value, json};
use xtask::diff::{ApiDiff, Impact, diff};

/// The old crate, the new one resolved from the old one's lock, and the diff.
fn regenerate(old: &Value, new: &Value) -> (Api, Api, ApiDiff) {
    let (old_doc, new_doc) =
        (load(&old.to_string()).expect("old loads"), load(&new.to_string()).expect("new loads"));
    let old_api = resolve(&old_doc, &Lock::default()).expect("old resolves");
    let new_api = resolve(&new_doc, &old_api.decisions).expect("new resolves");
    let diff = diff(&old_doc, &new_doc, &Lock::default()).expect("both resolve");
    (old_api, new_api, diff)
}

fn assert_nothing_breaks(diff: &ApiDiff) {
    let breaking: Vec<String> =
        diff.breaking().map(|c| format!("{}: {}", c.subject, c.detail)).collect();
    assert!(breaking.is_empty(), "an additive change broke the crate: {breaking:#?}");
    assert!(diff.additive_only(), "the document change is additive: {:#?}", diff.document);
}

fn param_type<'a>(api: &'a Api, method: &str, wire: &str) -> &'a str {
    let method = find_method(&api.resources, method).expect("method");
    let param = method.params().find(|param| param.wire_name == wire).expect("parameter");
    match param.ty {
        Ty::Named(id) => type_name(api, id),
        _ => panic!("{wire} is not an enum"),
    }
}

fn sources_method(id: &str, values: &[&str]) -> Value {
    json!({"id": id, "httpMethod": "GET", "path": "v1/things", "parameters": {
        "sources": {"type": "string", "location": "query", "repeated": true, "enum": values}}})
}

#[test]
fn a_value_added_to_one_of_several_identical_enums_is_a_new_variant_not_a_new_type() {
    let values = ["READ_SOURCE_TYPE_UNSPECIFIED", "READ_SOURCE_TYPE_PROFILE"];
    let with = |create: &[&str]| {
        document(
            json!({}),
            json!({"people": {"methods": {
                "get": sources_method("s.people.get", &values),
                "createContact": sources_method("s.people.createContact", create)}}}),
        )
    };
    let mut more = values.to_vec();
    more.push("READ_SOURCE_TYPE_CONTACT");
    let (old, new, diff) = regenerate(&with(&values), &with(&more));
    for api in [&old, &new] {
        assert_eq!(param_type(api, "s.people.createContact", "sources"), "ReadSourceType");
        assert_eq!(param_type(api, "s.people.get", "sources"), "ReadSourceType");
    }
    assert!(new.types.iter().all(|def| def.name() != "ReadSourceType2"));
    assert_nothing_breaks(&diff);
    assert!(
        diff.compatible().any(|c| c.subject == "types::ReadSourceType::Contact"),
        "{:#?}",
        diff.changes
    );
}

#[test]
fn a_value_that_breaks_the_shared_prefix_keeps_the_old_variant_names() {
    let with = |values: Value| {
        document(
            json!({"Thing": {"id": "Thing", "type": "object", "properties": {
                "kind": {"type": "string", "enum": values}}}}),
            json!({}),
        )
    };
    let (_, new, diff) = regenerate(
        &with(json!(["KIND_UNSPECIFIED", "KIND_BIG"])),
        &with(json!(["KIND_UNSPECIFIED", "KIND_BIG", "OTHER"])),
    );
    let TypeDef::Enum(kind) = new.types.iter().find(|def| def.name() == "ThingKind").expect("enum")
    else {
        panic!("ThingKind is an enum")
    };
    let names: Vec<&str> = kind.variants.iter().map(|variant| variant.name.as_str()).collect();
    assert_eq!(names, ["Unspecified", "Big", "Other"]);
    assert_nothing_breaks(&diff);
}

fn list_method(response_properties: Value) -> Value {
    document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"a": {"type": "string"}}},
               "ListThingsResponse": {"id": "ListThingsResponse", "type": "object", "properties": response_properties}}),
        json!({"things": {"methods": {"list": {"id": "s.things.list", "httpMethod": "GET", "path": "v1/things",
            "parameters": {"pageToken": {"type": "string", "location": "query"}},
            "response": {"$ref": "ListThingsResponse"}}}}}),
    )
}

#[test]
fn a_second_list_field_in_a_list_response_keeps_items() {
    let old = list_method(json!({"nextPageToken": {"type": "string"},
        "things": {"type": "array", "items": {"$ref": "Thing"}}}));
    let new = list_method(json!({"nextPageToken": {"type": "string"},
        "things": {"type": "array", "items": {"$ref": "Thing"}},
        "unreachable": {"type": "array", "items": {"type": "string"}}}));
    let (_, new_api, diff) = regenerate(&old, &new);
    let method = find_method(&new_api.resources, "s.things.list").expect("list");
    let items = method.pagination.as_ref().and_then(|p| p.items.as_ref()).expect("items kept");
    assert_eq!(items.wire_name, "things");
    assert_nothing_breaks(&diff);
    // Without the lock the choice is ambiguous, and there is no items().
    let fresh = crate::common::resolve_json(&new);
    let method = find_method(&fresh.resources, "s.things.list").expect("list");
    assert!(method.pagination.as_ref().is_some_and(|p| p.items.is_none()));
}

fn batch_method(request_properties: Value) -> Value {
    document(
        json!({"BatchRequest": {"id": "BatchRequest", "type": "object", "properties": request_properties}}),
        json!({"things": {"methods": {"batch": {"id": "s.things.batch", "httpMethod": "POST", "path": "v1/things:batch",
            "request": {"$ref": "BatchRequest"}}}}}),
    )
}

#[test]
fn a_second_documented_cap_keeps_send_in_chunks() {
    let things = json!({"type": "array", "items": {"type": "string"},
        "description": "The things. Allows up to 200 things in a single request."});
    let old = batch_method(json!({"things": things}));
    let new = batch_method(
        json!({"things": things, "labels": {"type": "array", "items": {"type": "string"},
        "description": "Labels. Allows up to 10 labels in a single request."}}),
    );
    let (_, new_api, diff) = regenerate(&old, &new);
    let method = find_method(&new_api.resources, "s.things.batch").expect("batch");
    let chunking = method.chunking.as_ref().expect("send_in_chunks kept");
    assert_eq!((chunking.field.as_str(), chunking.max), ("things", 200));
    assert_nothing_breaks(&diff);
}

#[test]
fn a_new_cycle_is_broken_at_the_field_that_is_new() {
    let with = |b_properties: Value| {
        document(
            json!({"A": {"id": "A", "type": "object", "properties": {"b": {"$ref": "B"}}},
                   "B": {"id": "B", "type": "object", "properties": b_properties}}),
            json!({}),
        )
    };
    let old = with(json!({"x": {"type": "string"}}));
    let new = with(json!({"x": {"type": "string"}, "a": {"$ref": "A"}}));
    let (_, new_api, diff) = regenerate(&old, &new);
    assert!(
        !find_field(find_struct(&new_api, "A"), "b").wrapping.boxed,
        "the old field keeps its type"
    );
    assert!(
        find_field(find_struct(&new_api, "B"), "a").wrapping.boxed,
        "the new field breaks the cycle"
    );
    assert_nothing_breaks(&diff);
    // Without a lock, every field on the cycle is boxed, whatever the order.
    let fresh = crate::common::resolve_json(&new);
    assert!(find_field(find_struct(&fresh, "A"), "b").wrapping.boxed);
    assert!(find_field(find_struct(&fresh, "B"), "a").wrapping.boxed);
}

#[test]
fn a_new_schema_whose_name_collides_takes_the_suffix() {
    let old = document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {
            "detail": {"type": "object", "properties": {"note": {"type": "string"}}},
            "foo_bar": {"type": "string"}}}}),
        json!({}),
    );
    let mut new = old.clone();
    new["schemas"]["ThingDetail"] =
        json!({"id": "ThingDetail", "type": "object", "properties": {"size": {"type": "integer"}}});
    new["schemas"]["Thing"]["properties"]["fooBar"] = json!({"type": "string"});
    let (old_api, new_api, diff) = regenerate(&old, &new);
    assert_eq!(
        find_field(find_struct(&old_api, "Thing"), "detail").ty,
        Ty::Named(
            old_api.types.iter().position(|def| def.name() == "ThingDetail").expect("inline type")
        )
    );
    let detail = find_struct(&new_api, "ThingDetail");
    assert_eq!(
        detail.origin, "$.schemas.Thing.properties.detail",
        "the inline type keeps its name"
    );
    assert_eq!(find_struct(&new_api, "ThingDetail2").origin, "$.schemas.ThingDetail");
    let thing = find_struct(&new_api, "Thing");
    assert_eq!(find_field(thing, "foo_bar").rust_name, "foo_bar", "the old field keeps its name");
    assert_eq!(find_field(thing, "fooBar").rust_name, "foo_bar_2");
    assert_nothing_breaks(&diff);
    // Without a lock the named schema and the exact spelling would win.
    let fresh = crate::common::resolve_json(&new);
    assert_eq!(find_struct(&fresh, "ThingDetail").origin, "$.schemas.ThingDetail");
}

fn with_mask(listed: &str, extra_schema: bool) -> Value {
    let description = format!("Which fields to read. Valid values are: {listed}");
    let mut doc = document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {
            "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}}}),
        json!({"things": {"methods": {"get": {"id": "s.things.get", "httpMethod": "GET", "path": "v1/things",
            "parameters": {"readMask": {"type": "string", "format": "google-fieldmask", "location": "query", "description": description}},
            "response": {"$ref": "Thing"}}}}}),
    );
    if extra_schema {
        doc["schemas"]["Copy"] = json!({"id": "Copy", "type": "object", "properties": {
            "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}});
    }
    doc
}

fn discriminants(api: &Api) -> Vec<(String, u32)> {
    api.types
        .iter()
        .find_map(|def| match def {
            TypeDef::FieldPaths(def) if def.name == "ThingField" => Some(
                def.paths.iter().map(|path| (path.variant.clone(), path.discriminant)).collect(),
            ),
            _ => None,
        })
        .expect("ThingField")
}

#[test]
fn a_new_mask_path_keeps_every_discriminant_and_counts_on() {
    let (old_api, new_api, diff) =
        regenerate(&with_mask("* a * c", false), &with_mask("* a * b * c", false));
    assert_eq!(discriminants(&old_api), [("A".to_owned(), 0), ("C".to_owned(), 1)]);
    assert_eq!(
        discriminants(&new_api),
        [("A".to_owned(), 0), ("B".to_owned(), 2), ("C".to_owned(), 1)],
        "declared in wire order, numbered in order of arrival"
    );
    assert_nothing_breaks(&diff);
}

#[test]
fn a_new_schema_with_the_same_fields_does_not_untype_a_mask() {
    let (_, new_api, diff) = regenerate(&with_mask("* a * c", false), &with_mask("* a * c", true));
    assert_eq!(discriminants(&new_api).len(), 2, "the mask still takes ThingField");
    assert_nothing_breaks(&diff);
}

#[test]
fn a_removed_global_parameter_is_a_breaking_change_of_every_call() {
    let mut old = with_mask("* a", false);
    old["parameters"]["requestReason"] = json!({"type": "string", "location": "query"});
    let mut new = old.clone();
    new["parameters"].as_object_mut().expect("parameters").remove("requestReason");
    let (_, _, diff) = regenerate(&old, &new);
    let removed: Vec<&str> =
        diff.breaking().filter(|c| c.kind == "removed").map(|c| c.subject.as_str()).collect();
    assert_eq!(removed, ["api::ThingsGetCall::request_reason()"]);
    assert!(diff.document.iter().any(|c| c.impact == Impact::Breaking
        && c.kind == "global-parameter-removed"
        && c.detail.contains("`requestReason`")));
    assert_eq!(diff.semver().as_str(), "major");
}

#[test]
fn resolving_from_its_own_lock_changes_nothing() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/discovery/history/people/people.v1.20240313.json"
    );
    let text = &std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let first = gapi_generator::generate(text, &Lock::default()).expect("People generates");
    let second = gapi_generator::generate(text, &first.lock).expect("People generates again");
    assert_eq!(first.lock, second.lock, "the lock is a fixed point");
    assert_eq!(first.sources, second.sources);
    let reread = Lock::parse(&first.lock.to_json(), "api.lock.json").expect("the lock reads back");
    assert_eq!(reread, first.lock);
}

#[test]
fn a_lock_of_another_format_is_refused_with_its_origin() {
    let error = Lock::parse(r#"{"format": 99, "names": {}, "boxed": [], "page_items": {}, "chunked": {}, "masks": {}, "discriminants": {}}"#, "generated/api.lock.json")
        .expect_err("format 99 is unknown");
    let message = error.to_string();
    assert!(
        message.contains("generated/api.lock.json") && message.contains("format 99"),
        "{message}"
    );
    assert!(Lock::parse("[]", "x.json").is_err());
}

fn flag_of<'a>(api: &'a Api, method: &str, wire: &str) -> &'a str {
    let method = find_method(&api.resources, method).expect("the method exists");
    let param = method.params().find(|p| p.wire_name == wire);
    param.map(|param| param.flag.as_str()).expect("the parameter exists")
}

#[test]
fn a_new_parameter_or_method_never_takes_the_cli_name_an_old_one_had() {
    let text = json!({"type": "string", "location": "query"});
    let with = |params: Value, methods: Value| {
        let mut methods = methods;
        methods["list"] = json!({"id": "s.things.list", "httpMethod": "GET", "path": "v1/things",
            "parameters": params});
        document(json!({}), json!({"things": {"methods": methods}}))
    };
    let get = json!({"id": "s.things.getIt", "httpMethod": "GET", "path": "v1/it"});
    let old = with(json!({"fooBar": text}), json!({"getIt": get}));
    // `foo.bar` sorts before `fooBar` and `get_it` before `getIt`: by the rules
    // alone, the new ones would take `foo-bar` and `get-it`.
    let new = with(
        json!({"fooBar": text, "foo.bar": text}),
        json!({"getIt": get, "get_it": {"id": "s.things.get_it", "httpMethod": "GET", "path": "v1/it2"}}),
    );
    let (old_api, new_api, _) = regenerate(&old, &new);
    assert_eq!(flag_of(&old_api, "s.things.list", "fooBar"), "foo-bar");
    assert_eq!(flag_of(&new_api, "s.things.list", "fooBar"), "foo-bar");
    assert_eq!(flag_of(&new_api, "s.things.list", "foo.bar"), "foo-bar-2");
    let command = |api: &Api, id: &str| find_method(&api.resources, id).map(|m| m.command.clone());
    assert_eq!(command(&new_api, "s.things.getIt").as_deref(), Some("get-it"));
    assert_eq!(command(&new_api, "s.things.get_it").as_deref(), Some("get-it-2"));
    let fresh =
        resolve(&load(&new.to_string()).expect("loads"), &Lock::default()).expect("resolves");
    assert_eq!(
        flag_of(&fresh, "s.things.list", "foo.bar"),
        "foo-bar",
        "the rules alone would rename"
    );
}
