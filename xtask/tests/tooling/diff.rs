//! The semantic API diff: the real People change, and one hand-written pair per
//! change kind with its classification.

use crate::common::document;
use gapi_generator::Lock;
use gapi_generator::load::load;
use serde_json::{Value, json};
use xtask::diff::{ApiDiff, Impact, Semver, diff, to_json, to_markdown};

const PEOPLE_2018: &str = include_str!("../../../discovery/history/people.v1.20181111.json");
/// A fixed revision, not the pinned document: a field Google removes later
/// must not fail the tooling's tests.
fn people_2024() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/discovery/history/people/people.v1.20240313.json"
    );
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

fn diff_json(old: &Value, new: &Value) -> ApiDiff {
    let old = load(&old.to_string()).expect("old loads");
    let new = load(&new.to_string()).expect("new loads");
    diff(&old, &new, &Lock::default()).expect("both documents resolve")
}

/// The document's changes.
fn kinds(diff: &ApiDiff) -> Vec<(Impact, &str, &str)> {
    diff.document
        .iter()
        .map(|change| (change.impact, change.kind, change.subject.as_str()))
        .collect()
}

#[test]
fn people_2018_to_2024_lists_the_real_changes() {
    let (old, new) =
        (load(PEOPLE_2018).expect("2018 loads"), load(&people_2024()).expect("2024 loads"));
    let diff = diff(&old, &new, &Lock::default()).expect("both resolve");
    let added_methods: Vec<&str> = diff
        .document
        .iter()
        .filter(|c| c.kind == "method-added")
        .map(|c| c.subject.as_str())
        .collect();
    assert_eq!(added_methods.len(), 11);
    for id in [
        "people.people.batchCreateContacts",
        "people.people.updateContactPhoto",
        "people.people.searchContacts",
    ] {
        assert!(added_methods.contains(&id), "{id} not listed");
    }
    assert_eq!(diff.document.iter().filter(|c| c.kind == "schema-added").count(), 22);
    let methods_with_new_parameters: std::collections::BTreeSet<&str> = diff
        .document
        .iter()
        .filter(|c| c.kind == "parameter-added")
        .filter_map(|c| c.subject.split('(').next())
        .collect();
    assert_eq!(methods_with_new_parameters.len(), 8, "{methods_with_new_parameters:?}");
    let parent = diff
        .document
        .iter()
        .find(|c| c.subject == "people.people.createContact(parent)")
        .expect("parent removal listed");
    assert_eq!((parent.impact, parent.kind), (Impact::Breaking, "parameter-removed"));
    assert_eq!(diff.semver(), Semver::Major);
    assert!(diff.document.iter().all(|c| c.kind != "method-removed"));

    let markdown = to_markdown(&diff);
    assert!(markdown.contains("### Breaking\n\n**`PersonField`**\n\n- "), "{markdown}");
    assert!(
        markdown.contains("- `types::PersonField::Taglines`: variant removed\n"),
        "paths dropped from personFields' list are variants gone from PersonField"
    );
    assert!(markdown.contains("- `api::PeopleCreateContactCall::parent()`: setter removed\n"));
    assert!(markdown.contains(
        "- `api::PeopleResource::batch_create_contacts()`: method added: `(BatchCreateContactsRequest) -> PeopleBatchCreateContactsCall`\n"
    ));
    assert!(
        markdown.contains("- `people.people.createContact(parent)`: parameter `parent` removed (parameter-removed)"),
        "the document's own changes are listed too"
    );
    let breaking_at = markdown.find("### Breaking").expect("breaking section");
    let compatible_at = markdown.find("### Compatible").expect("compatible section");
    let document_at =
        markdown.find("<details><summary>Document changes").expect("document section");
    assert!(breaking_at < compatible_at && compatible_at < document_at, "breaking first");
    let json: Value = serde_json::from_str(&to_json(&diff)).expect("JSON output parses");
    assert_eq!(json["semver"], "major");
    assert!(json["breaking"].as_array().is_some_and(|b| {
        b.iter().any(|c| {
            c["subject"] == "api::PeopleCreateContactCall::parent()" && c["group"] == "people"
        })
    }));
    assert_eq!(
        json["document"]
            .as_array()
            .map(|c| c.iter().filter(|c| c["kind"] == "schema-added").count()),
        Some(22)
    );
}

fn with_schema(properties: Value) -> Value {
    document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": properties}}),
        json!({}),
    )
}

fn with_method(parameters: Value, extra: Value) -> Value {
    let mut method = json!({"id": "s.things.get", "httpMethod": "GET", "path": "v1/things", "parameters": parameters});
    if let (Some(method), Some(extra)) = (method.as_object_mut(), extra.as_object()) {
        method.extend(extra.clone());
    }
    document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {"a": {"type": "string"}}},
               "Other": {"id": "Other", "type": "object", "properties": {"a": {"type": "string"}}}}),
        json!({"things": {"methods": {"get": method}}}),
    )
}

#[test]
fn field_changes_are_classified() {
    let old = with_schema(
        json!({"a": {"type": "string"}, "b": {"type": "integer", "format": "int32"}, "e": {"type": "string", "enum": ["X", "Y"]}}),
    );
    let new = with_schema(
        json!({"b": {"type": "string", "format": "int64"}, "c": {"type": "string"}, "e": {"type": "string", "enum": ["X", "Z"]}}),
    );
    let diff = diff_json(&old, &new);
    assert_eq!(
        kinds(&diff),
        [
            (Impact::Breaking, "field-removed", "Thing.a"),
            (Impact::Breaking, "type-changed", "Thing.b"),
            (Impact::Breaking, "enum-value-removed", "Thing.e"),
            (Impact::Compatible, "field-added", "Thing.c"),
            (Impact::Compatible, "enum-value-added", "Thing.e"),
        ]
    );
}

#[test]
fn repeated_and_nested_field_changes_are_breaking() {
    let old = with_schema(
        json!({"list": {"type": "string"}, "inner": {"type": "object", "properties": {"x": {"type": "string"}}}}),
    );
    let new = with_schema(
        json!({"list": {"type": "array", "items": {"type": "string"}}, "inner": {"type": "object", "properties": {"y": {"type": "string"}}}}),
    );
    assert_eq!(
        kinds(&diff_json(&old, &new)),
        [
            (Impact::Breaking, "field-removed", "Thing.inner.x"),
            (Impact::Breaking, "type-changed", "Thing.list"),
            (Impact::Compatible, "field-added", "Thing.inner.y"),
        ]
    );
}

#[test]
fn schema_additions_are_compatible_and_removals_breaking() {
    let old =
        document(json!({"Gone": {"id": "Gone", "type": "object", "properties": {}}}), json!({}));
    let new =
        document(json!({"Fresh": {"id": "Fresh", "type": "object", "properties": {}}}), json!({}));
    let diff = diff_json(&old, &new);
    assert_eq!(
        kinds(&diff),
        [
            (Impact::Breaking, "schema-removed", "Gone"),
            (Impact::Compatible, "schema-added", "Fresh")
        ]
    );
}

#[test]
fn method_additions_are_compatible_and_removals_breaking() {
    let old = with_method(json!({}), json!({}));
    let new = document(
        json!({}),
        json!({"things": {"methods": {"list": {"id": "s.things.list", "httpMethod": "GET", "path": "v1/things"}}}}),
    );
    let diff = diff_json(&old, &new);
    let found = kinds(&diff);
    assert!(found.contains(&(Impact::Breaking, "method-removed", "s.things.get")));
    assert!(found.contains(&(Impact::Compatible, "method-added", "s.things.list")));
}

#[test]
fn parameter_changes_are_classified() {
    let old = with_method(
        json!({"keep": {"type": "string", "location": "query"},
               "tighten": {"type": "string", "location": "query"},
               "loosen": {"type": "string", "location": "query", "required": true},
               "retype": {"type": "integer", "format": "int32", "location": "query"},
               "multi": {"type": "string", "location": "query"},
               "drop": {"type": "string", "location": "query"}}),
        json!({}),
    );
    let new = with_method(
        json!({"keep": {"type": "string", "location": "query"},
               "tighten": {"type": "string", "location": "query", "required": true},
               "loosen": {"type": "string", "location": "query"},
               "retype": {"type": "string", "location": "query"},
               "multi": {"type": "string", "location": "query", "repeated": true},
               "extra": {"type": "string", "location": "query"},
               "must": {"type": "string", "location": "query", "required": true}}),
        json!({}),
    );
    assert_eq!(
        kinds(&diff_json(&old, &new)),
        [
            (Impact::Breaking, "parameter-removed", "s.things.get(drop)"),
            (Impact::Breaking, "parameter-required-changed", "s.things.get(loosen)"),
            (Impact::Breaking, "parameter-repeated-changed", "s.things.get(multi)"),
            (Impact::Breaking, "parameter-added-required", "s.things.get(must)"),
            (Impact::Breaking, "type-changed", "s.things.get(retype)"),
            (Impact::Breaking, "parameter-required-changed", "s.things.get(tighten)"),
            (Impact::Compatible, "parameter-added", "s.things.get(extra)"),
        ]
    );
}

#[test]
fn body_changes_are_breaking_and_endpoint_changes_compatible() {
    let old = with_method(
        json!({}),
        json!({"request": {"$ref": "Thing"}, "response": {"$ref": "Thing"}}),
    );
    let new = with_method(
        json!({}),
        json!({"path": "v2/things", "request": {"$ref": "Other"}, "response": {"$ref": "Thing"}}),
    );
    assert_eq!(
        kinds(&diff_json(&old, &new)),
        [
            (Impact::Breaking, "request-changed", "s.things.get"),
            (Impact::Compatible, "method-endpoint-changed", "s.things.get")
        ]
    );
}

#[test]
fn identical_documents_suggest_no_bump() {
    let doc = with_method(json!({}), json!({}));
    let diff = diff_json(&doc, &doc);
    assert!(diff.changes.is_empty() && diff.document.is_empty());
    assert_eq!(diff.semver(), Semver::None);
    assert!(to_markdown(&diff).contains("The Rust API does not change."));
}

#[test]
fn compatible_only_changes_suggest_a_minor_bump() {
    let diff = diff_json(&with_schema(json!({})), &with_schema(json!({"new": {"type": "string"}})));
    assert_eq!(diff.semver(), Semver::Minor);
    assert!(
        diff.summary().contains(
            "0 breaking and 3 compatible change(s) to the Rust API, 0 to the client's behaviour, 1 document change(s); semver: minor."
        ),
        "{}",
        diff.summary()
    );
}

#[test]
fn a_parameter_whose_description_becomes_required_is_a_breaking_change() {
    let old = with_method(
        json!({"query": {"type": "string", "location": "query", "description": "The text."}}),
        json!({}),
    );
    let new = with_method(
        json!({"query": {"type": "string", "location": "query", "description": "Required. The text."}}),
        json!({}),
    );
    assert_eq!(
        kinds(&diff_json(&old, &new)),
        [(Impact::Breaking, "parameter-required-changed", "s.things.get(query)")],
        "the generated constructor gains an argument"
    );
}

fn with_read_mask(listed: &str) -> Value {
    let description = format!("Required. Which fields to read. Valid values are: {listed}");
    document(
        json!({"Thing": {"id": "Thing", "type": "object", "properties": {
            "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}}}),
        json!({"things": {"methods": {"get": {"id": "s.things.get", "httpMethod": "GET", "path": "v1/things",
            "parameters": {"readMask": {"type": "string", "format": "google-fieldmask", "location": "query", "description": description}},
            "response": {"$ref": "Thing"}}}}}),
    )
}

#[test]
fn listed_mask_paths_are_typed_mask_variants_and_classified_like_enum_values() {
    let diff = diff_json(&with_read_mask("* a * b"), &with_read_mask("* a * c"));
    assert_eq!(
        kinds(&diff),
        [
            (Impact::Breaking, "field-path-removed", "s.things.get(readMask)"),
            (Impact::Compatible, "field-path-added", "s.things.get(readMask)"),
        ]
    );
    let rust: Vec<(Impact, &str, &str)> =
        diff.changes.iter().map(|c| (c.impact, c.kind, c.subject.as_str())).collect();
    assert_eq!(
        rust,
        [
            (Impact::Breaking, "removed", "types::ThingField::B"),
            (Impact::Compatible, "added", "types::ThingField::C"),
        ]
    );
    assert!(
        diff.changes[1].detail.contains("= 2 (\"c\")"),
        "a new discriminant: {:?}",
        diff.changes[1]
    );
    let diff = diff_json(&with_read_mask("* a * b"), &with_read_mask("* a * notAField"));
    assert!(
        diff.changes.iter().any(|c| c.impact == Impact::Breaking
            && c.subject == "types::ThingField"
            && c.kind == "removed"),
        "a path of no field leaves the mask as text, so the enum goes: {:?}",
        diff.changes
    );
}

/// The People document with `edit` applied to each of the named methods' descriptions.
fn people_with_descriptions(methods: &[&str], edit: impl Fn(&str) -> String) -> String {
    let mut document: serde_json::Value =
        serde_json::from_str(&people_2024()).expect("People is JSON");
    for method in methods {
        let description = &mut document["resources"]["people"]["methods"][*method]["description"];
        let edited = edit(description.as_str().expect("a description"));
        *description = edited.into();
    }
    document.to_string()
}

#[test]
fn rewording_the_sequential_sentence_out_of_one_method_names_that_methods_behaviour_change() {
    let sentence = "Mutate requests for the same user should be sent sequentially";
    let reworded = people_with_descriptions(&["updateContact"], |text| {
        text.replace(sentence, "Mutate requests for the same user may be sent at any pace")
    });
    let old = load(&people_2024()).expect("People loads");
    let new = load(&reworded).expect("edited People loads");
    let diff = diff(&old, &new, &Lock::default()).expect("both generate");
    let behaviour: Vec<(&str, &str)> =
        diff.behaviour().map(|c| (c.subject.as_str(), c.detail.as_str())).collect();
    assert_eq!(
        behaviour,
        [(
            "people.people.updateContact: sequential",
            "`sent one at a time, as its description asks` -> `sent one at a time, by the \
             API-wide rule` (\"Mutate requests for the same user should be sent sequentially \
             to avoid increased latency and failures.\" (people.contactGroups.create))"
        )]
    );
    assert_eq!(diff.breaking().count(), 0, "no Rust item changes");
    assert!(diff.summary().contains("Behaviour: people.people.updateContact: sequential"));
}

#[test]
fn no_method_asking_for_sequential_mutations_turns_every_one_concurrent_and_says_so() {
    let mut document: serde_json::Value =
        serde_json::from_str(&people_2024()).expect("People is JSON");
    fn reword(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                *text = text
                    .replace("sent sequentially", "sent freely")
                    .replace("done sequentially", "done freely")
            }
            serde_json::Value::Object(map) => map.values_mut().for_each(reword),
            serde_json::Value::Array(items) => items.iter_mut().for_each(reword),
            _ => {}
        }
    }
    reword(&mut document);
    let old = load(&people_2024()).expect("People loads");
    let new = load(&document.to_string()).expect("edited People loads");
    let diff = diff(&old, &new, &Lock::default()).expect("both generate");
    let removed: Vec<&str> = diff
        .behaviour()
        .filter(|change| change.kind == "behaviour-removed")
        .map(|change| change.subject.as_str())
        .collect();
    assert!(removed.contains(&"people.people.updateContact: sequential"), "{removed:?}");
    assert!(removed.contains(&"service: sequential_mutations"), "{removed:?}");
    let markdown = to_markdown(&diff);
    assert!(
        markdown
            .contains("- `people.people.updateContact: sequential`: no longer sent one at a time"),
        "{markdown}"
    );
}
