//! The documents Google publishes and its own generators accept, however
//! unusual: each case of issue 15 on the smallest document that shows it.

use crate::common::{document, find_method, find_struct, generate, resolve_json, type_name};
use gapi_generator::Lock;
use gapi_generator::load::load;
use gapi_generator::resolve::ir::{Ty, TypeDef};
use gapi_generator::resolve::resolve;
use serde_json::{Value, json};

fn source<'a>(output: &'a gapi_generator::Output, path: &str) -> &'a str {
    output
        .sources
        .iter()
        .find(|file| file.path == path)
        .map(|file| file.contents.as_str())
        .unwrap_or_else(|| panic!("no {path} in the output"))
}

fn inline_bodies(extra_schemas: Value) -> Value {
    let mut schemas = json!({"Thing": {"id": "Thing", "type": "object", "properties": {"a": {"type": "string"}}}});
    if let (Some(schemas), Some(extra)) = (schemas.as_object_mut(), extra_schemas.as_object()) {
        schemas.extend(extra.clone());
    }
    document(
        schemas,
        json!({"things": {"methods": {"create": {
            "id": "sample.things.create", "httpMethod": "POST", "path": "v1/things",
            "request": {"type": "object", "additionalProperties": {"type": "any"}},
            "response": {"type": "object", "properties": {"created": {"$ref": "Thing"}, "count": {"type": "integer", "format": "int32"}}}
        }}}}),
    )
}

#[test]
fn inline_request_and_response_bodies_become_types_named_after_the_call() {
    let api = resolve_json(&inline_bodies(json!({})));
    let method = find_method(&api.resources, "sample.things.create").expect("the method");
    let request = method.request.expect("a request body");
    assert_eq!(type_name(&api, request), "ThingsCreateRequest");
    match &api.types[request] {
        TypeDef::Alias(alias) => assert_eq!(alias.ty, Ty::Map(Box::new(Ty::Any))),
        other => panic!("the inline map body is an alias of a map, not {other:?}"),
    }
    let response = method.response.expect("a response body");
    assert_eq!(type_name(&api, response), "ThingsCreateResponse");
    let def = find_struct(&api, "ThingsCreateResponse");
    assert_eq!(def.origin, "$.resources.things.methods.create.response");
    let output = generate(&inline_bodies(json!({})).to_string()).expect("the document generates");
    let types = source(&output, "types.rs");
    assert!(
        types.contains("pub type ThingsCreateRequest = BTreeMap<String, serde_json::Value>;"),
        "{types}"
    );
    assert!(source(&output, "api.rs").contains("body: ThingsCreateRequest"));
}

#[test]
fn an_inline_body_keeps_its_name_when_a_schema_of_that_name_is_added() {
    let old = load(&inline_bodies(json!({})).to_string()).expect("old loads");
    let old_api = resolve(&old, &Lock::default()).expect("old resolves");
    let added = json!({"ThingsCreateRequest": {"id": "ThingsCreateRequest", "type": "object", "properties": {"b": {"type": "string"}}}});
    let new = load(&inline_bodies(added).to_string()).expect("new loads");
    let new_api = resolve(&new, &old_api.decisions).expect("new resolves");
    let method = find_method(&new_api.resources, "sample.things.create").expect("the method");
    assert_eq!(type_name(&new_api, method.request.expect("body")), "ThingsCreateRequest");
    assert!(
        new_api.types.iter().any(|def| def.name() == "ThingsCreateRequest2"),
        "the new schema takes the suffix"
    );
}

#[test]
fn a_document_of_schemas_alone_generates_a_types_only_crate() {
    let mut doc = document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"a": {"type": "string"}}}}),
        json!({}),
    );
    if let Some(map) = doc.as_object_mut() {
        map.remove("rootUrl");
        map.remove("servicePath");
        map.remove("parameters");
        map.remove("resources");
    }
    let output = generate(&doc.to_string()).expect("a types-only document generates");
    let paths: Vec<&str> = output.sources.iter().map(|file| file.path.as_str()).collect();
    assert_eq!(paths, ["lib.rs", "types.rs"]);
    let lib = source(&output, "lib.rs");
    assert!(lib.contains("pub mod types;") && !lib.contains("mod api"), "{lib}");
    assert!(!lib.contains("ApiInfo"), "no endpoint to describe: {lib}");
    assert!(source(&output, "types.rs").contains("pub struct Thing {"));
}

#[test]
fn a_duplicated_key_keeps_the_last_value_and_warns_with_its_path() {
    let text = r#"{"name": "dup", "version": "v1", "rootUrl": "https://dup.example.com/",
        "schemas": {"First": {"id": "First", "type": "object", "properties": {"a": {"type": "string"}}}},
        "schemas": {"Second": {"id": "Second", "type": "object",
            "properties": {"b": {"type": "string"}, "b": {"type": "integer", "format": "int32"}}}}}"#;
    let output = generate(text).expect("a duplicated key is not fatal");
    let types = source(&output, "types.rs");
    assert!(
        types.contains("pub struct Second {") && !types.contains("pub struct First"),
        "{types}"
    );
    assert!(types.contains("pub b: Option<i32>,"), "the last `b` wins: {types}");
    let paths: Vec<&str> = output.warnings.iter().map(|warning| warning.path.as_str()).collect();
    assert_eq!(paths, ["$.schemas.Second.properties.b", "$.schemas"]);
    assert!(output.warnings[1].to_string().contains("more than once"), "{}", output.warnings[1]);
    let clean = generate(&inline_bodies(json!({})).to_string()).expect("generates");
    assert!(clean.warnings.is_empty(), "{:?}", clean.warnings);
}

fn described(description: &str) -> gapi_generator::Output {
    let doc = document(
        json!({"Thing": {"id": "Thing", "type": "object", "description": description, "properties": {"a": {"type": "string"}}}}),
        json!({}),
    );
    generate(&doc.to_string()).expect("the document generates")
}

#[test]
fn list_items_continued_on_unindented_lines_are_indented_under_their_item() {
    let output =
        described("Kinds:\n1) first\ncontinued\n*   spaced\nalso continued\n10. tenth\nmore");
    let types = source(&output, "types.rs");
    assert!(
        types.contains(
            "/// Kinds:\n/// 1) first\n///    continued\n/// * spaced\n///   also continued\n/// 10. tenth\n///     more\n"
        ),
        "{types}"
    );
}

#[test]
fn values_listed_inline_become_a_markdown_list() {
    assert_eq!(
        gapi_generator::emit::inline_lists("Valid values are: * addresses * ageRanges * names"),
        "Valid values are:\n* addresses\n* ageRanges\n* names"
    );
    assert_eq!(
        gapi_generator::emit::inline_lists("For: * biographies * names Mutate one at a time."),
        "For:\n* biographies\n* names\n\nMutate one at a time.",
        "the text after a list of single words is a paragraph of its own"
    );
    assert_eq!(
        gapi_generator::emit::inline_lists("Allowed: * `a` - first one. * `b` - the second."),
        "Allowed:\n* `a` - first one.\n* `b` - the second."
    );
    for kept in ["a * b * c is arithmetic", "Code: `x * y * z`", "One: * item"] {
        assert_eq!(gapi_generator::emit::inline_lists(kept), kept, "not a list");
    }
    let output = described("Valid values are: * addresses * ageRanges");
    assert!(
        source(&output, "types.rs")
            .contains("/// Valid values are:\n/// * addresses\n/// * ageRanges\n"),
        "{}",
        source(&output, "types.rs")
    );
}

fn schemas_only(schemas: Value) -> String {
    document(schemas, json!({})).to_string()
}

#[test]
fn a_schema_that_is_only_a_ref_to_itself_is_an_error() {
    let error = generate(&schemas_only(json!({"Loop": {"$ref": "Loop"}})))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("$.schemas.Loop") && error.contains("Loop -> Loop"), "{error}");
}

#[test]
fn a_cycle_of_aliases_is_an_error_naming_the_cycle() {
    let error = generate(&schemas_only(json!({
        "A": {"$ref": "B"},
        "B": {"type": "array", "items": {"$ref": "C"}},
        "C": {"type": "object", "additionalProperties": {"$ref": "A"}},
    })))
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(error.contains("$.schemas.A") && error.contains("A -> B -> C -> A"), "{error}");
}

#[test]
fn an_alias_chain_into_a_struct_is_fine() {
    let output = generate(&schemas_only(json!({
        "A": {"$ref": "B"},
        "B": {"type": "array", "items": {"$ref": "Node"}},
        "Node": {"id": "Node", "type": "object", "properties": {"next": {"$ref": "A"}, "self": {"$ref": "Node"}}},
    })))
    .expect("a cycle through a struct is recursion, not an alias cycle");
    assert!(source(&output, "types.rs").contains("pub type A = B;"));
}

#[test]
fn a_long_chain_of_aliases_is_followed_without_recursion() {
    let mut schemas = serde_json::Map::new();
    for index in 0..5_000 {
        schemas.insert(format!("A{index}"), json!({"$ref": format!("A{}", index + 1)}));
    }
    schemas.insert(
        "A5000".into(),
        json!({"id": "A5000", "type": "object", "properties": {"next": {"$ref": "A0"}}}),
    );
    let doc = load(&schemas_only(Value::Object(schemas))).expect("loads");
    // A thread with a small stack: a recursive walk of the chain would overflow it.
    let resolved = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || resolve(&doc, &Lock::default()).map(|api| api.types.len()))
        .expect("a thread")
        .join()
        .expect("no overflow");
    assert_eq!(resolved.ok(), Some(5_001));
}

fn with_things_get(method: Value) -> Value {
    document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"a": {"type": "string"}}}}),
        json!({"things": {"methods": {"get": method}}}),
    )
}

fn warnings_of(output: &gapi_generator::Output) -> Vec<(&str, String)> {
    output.warnings.iter().map(|warning| (warning.path.as_str(), warning.message.clone())).collect()
}

#[test]
fn a_document_with_methods_but_without_an_endpoint_generates_a_client_the_caller_points() {
    let mut doc = with_things_get(
        json!({"id": "sample.things.get", "httpMethod": "GET", "path": "v1/things", "response": {"$ref": "Thing"}}),
    );
    doc.as_object_mut().map(|map| map.remove("rootUrl"));
    let output = generate(&doc.to_string()).expect("a document without an endpoint generates");
    let warnings = warnings_of(&output);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let (path, message) = &warnings[0];
    assert_eq!(*path, "$.rootUrl");
    assert!(
        message.contains("neither `rootUrl` nor `baseUrl`")
            && message.contains("no default endpoint")
            && message.contains("`ClientBuilder::base_url`")
            && message.contains("`GOOGLE_SAMPLE_V1_BASE_URL`"),
        "{message}"
    );
    let lib = source(&output, "lib.rs");
    assert!(lib.contains("base_url: \"\","), "the API records no endpoint: {lib}");
    assert!(lib.contains("The document names no endpoint"), "{lib}");
    assert!(source(&output, "api.rs").contains("pub fn get("));
}

#[test]
fn a_query_parameter_no_url_can_carry_is_left_out_with_a_warning_saying_why() {
    let doc = with_things_get(json!({
        "id": "sample.things.get", "httpMethod": "GET", "path": "v1/things",
        "parameterOrder": ["ids"],
        "parameters": {
            "ids": {"type": "array", "items": {"type": "string"}, "location": "query"},
            "mcpParams": {"type": "object", "repeated": true, "location": "query",
                "properties": {"name": {"type": "string"}}},
            "anything": {"type": "any", "location": "query"},
            "thing": {"$ref": "Thing", "location": "query", "required": true},
            "pageSize": {"type": "integer", "format": "int32", "location": "query"}
        },
        "response": {"$ref": "Thing"}
    }));
    let output = generate(&doc.to_string()).expect("the method generates without them");
    let at = "$.resources.things.methods.get.parameters";
    let warnings = warnings_of(&output);
    let paths: Vec<&str> = warnings.iter().map(|(path, _)| *path).collect();
    assert_eq!(
        paths,
        [
            format!("{at}.ids"),
            format!("{at}.anything"),
            format!("{at}.mcpParams"),
            format!("{at}.thing")
        ]
    );
    let left_out = "parameter left out of its method";
    let requires = "the method requires it";
    let [ids, anything, mcp, thing] = [0, 1, 2, 3].map(|i| warnings[i].1.as_str());
    assert!(ids.contains(left_out) && ids.contains("of type `array`"), "{ids}");
    assert!(ids.contains(requires), "parameterOrder makes it required: {ids}");
    assert!(anything.contains("a query parameter of type `any`"), "{anything}");
    assert!(!anything.contains(requires), "{anything}");
    assert!(mcp.contains("a repeated query parameter of type `object`"), "{mcp}");
    assert!(mcp.contains("cannot be sent in a URL") && !mcp.contains(requires), "{mcp}");
    assert!(thing.contains("of schema `Thing`") && thing.contains(requires), "{thing}");

    let api = resolve_json(&doc);
    let method = find_method(&api.resources, "sample.things.get").expect("the method");
    let wire: Vec<&str> = method.params().map(|param| param.wire_name.as_str()).collect();
    assert_eq!(wire, ["pageSize"], "only the sendable parameter is kept");
    assert!(
        !api.types.iter().any(|def| def.name().contains("McpParams")),
        "the inline object becomes no type"
    );
    assert_eq!(api.warnings, output.warnings, "resolve's warnings are the output's");
}

#[test]
fn a_path_variable_the_method_does_not_declare_becomes_a_required_string_argument() {
    let doc = with_things_get(json!({
        "id": "sample.things.get", "httpMethod": "GET",
        "path": "v1/{+parent}/things/{thingId}:{verb}/{thingId}",
        "parameterOrder": ["parent"],
        "parameters": {
            "parent": {"type": "string", "location": "path", "required": true},
            "view": {"type": "string", "location": "query", "required": true}
        },
        "response": {"$ref": "Thing"}
    }));
    let output = generate(&doc.to_string()).expect("the method generates");
    let warnings = warnings_of(&output);
    let paths: Vec<&str> = warnings.iter().map(|(path, _)| *path).collect();
    let at = "$.resources.things.methods.get.path";
    assert_eq!(paths, [at, at], "one warning per variable: {warnings:?}");
    for (var, (_, message)) in ["thingId", "verb"].iter().zip(&warnings) {
        assert!(
            message.contains(&format!("names `{var}`, which the method does not declare"))
                && message.contains("required string path parameter"),
            "{message}"
        );
    }
    let api = resolve_json(&doc);
    let method = find_method(&api.resources, "sample.things.get").expect("the method");
    let required: Vec<(&str, &str, bool)> = method
        .argument_params()
        .map(|param| {
            let is_path = param.location == gapi_generator::resolve::ir::Location::Path;
            (param.wire_name.as_str(), param.rust_name.as_str(), is_path && param.ty == Ty::String)
        })
        .collect();
    assert_eq!(
        required,
        [
            ("parent", "parent", true),
            ("thingId", "thing_id", true),
            ("verb", "verb", true),
            ("view", "view", false)
        ],
        "after parameterOrder, in the path's order, before the other required ones"
    );
    assert!(
        source(&output, "api.rs").contains("thing_id: impl Into<String>"),
        "{}",
        source(&output, "api.rs")
    );
}

#[test]
fn parameter_order_may_name_a_path_variable_the_method_does_not_declare() {
    let doc = with_things_get(json!({
        "id": "sample.things.get", "httpMethod": "GET", "path": "v1/{a}/{b}",
        "parameterOrder": ["b", "a"],
        "parameters": {"a": {"type": "string", "location": "path", "required": true}}
    }));
    let api = resolve_json(&doc);
    let method = find_method(&api.resources, "sample.things.get").expect("the method");
    let order: Vec<&str> = method.argument_params().map(|param| param.wire_name.as_str()).collect();
    assert_eq!(order, ["b", "a"]);
    assert_eq!(api.warnings.len(), 1, "{:?}", api.warnings);
}
