//! The workflows a document's own wording or shape asks for, detected on a
//! small calendar-like document that is not People: incremental sync, search
//! warm-up, one-at-a-time mutations and read-modify-write on an etag.

use crate::common::{document, find_method, generate, resolve_json};
use gapi_generator::resolve::ir::{Conflict, Locals};
use serde_json::{Value, json};

fn events_document(mutation_note: &str, search_note: &str) -> Value {
    document(
        json!({
            "Event": {"id": "Event", "type": "object", "properties": {
                "id": {"type": "string"}, "etag": {"type": "string"}, "summary": {"type": "string"}}},
            "Events": {"id": "Events", "type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "Event"}},
                "nextPageToken": {"type": "string"}, "nextSyncToken": {"type": "string"}}}
        }),
        json!({"events": {"methods": {
            "list": {"id": "cal.events.list", "httpMethod": "GET", "path": "v1/events",
                "parameters": {"pageToken": {"type": "string", "location": "query"},
                    "syncToken": {"type": "string", "location": "query"}},
                "response": {"$ref": "Events"}},
            "search": {"id": "cal.events.search", "httpMethod": "GET", "path": "v1/events:search",
                "description": search_note,
                "parameters": {"query": {"type": "string", "location": "query"}},
                "response": {"$ref": "Events"}},
            "get": {"id": "cal.events.get", "httpMethod": "GET", "path": "v1/events/{eventId}",
                "parameterOrder": ["eventId"],
                "parameters": {"eventId": {"type": "string", "location": "path", "required": true}},
                "response": {"$ref": "Event"}},
            "update": {"id": "cal.events.update", "httpMethod": "PUT", "path": "v1/events/{eventId}",
                "description": mutation_note,
                "parameterOrder": ["eventId"],
                "parameters": {"eventId": {"type": "string", "location": "path", "required": true}},
                "request": {"$ref": "Event"}, "response": {"$ref": "Event"}},
            "delete": {"id": "cal.events.delete", "httpMethod": "DELETE", "path": "v1/events/{eventId}",
                "parameterOrder": ["eventId"],
                "parameters": {"eventId": {"type": "string", "location": "path", "required": true}}}
        }}}),
    )
}

#[test]
fn a_list_with_sync_token_and_next_sync_token_gets_sync() {
    let api = resolve_json(&events_document("", ""));
    let list = find_method(&api.resources, "cal.events.list").expect("list");
    let sync = list.sync.as_ref().expect("list syncs");
    assert_eq!(sync.sync_token_param, "syncToken");
    assert_eq!(sync.request_sync_token_param, None, "only People asks for a token by flag");
    assert_eq!(sync.next_sync_token_field, "next_sync_token");
    let search = find_method(&api.resources, "cal.events.search").expect("search");
    assert!(search.sync.is_none(), "no syncToken parameter, no sync");
    let output = generate(&events_document("", "").to_string()).expect("generates");
    let api_rs =
        &output.sources.iter().find(|file| file.path == "api.rs").expect("api.rs").contents;
    assert!(api_rs.contains("pub async fn sync(\n        self,\n        sync_token: Option<String>,\n        on_expiry: runtime::OnExpiry,\n    ) -> Result<runtime::Synced<Event>, runtime::Error> {"), "{api_rs}");
}

#[test]
fn a_search_whose_description_asks_for_a_warmup_warms_up_with_its_query() {
    let asks =
        "Searches. Before searching, clients should send a warmup request with an empty query.";
    let api = resolve_json(&events_document("", asks));
    let search = find_method(&api.resources, "cal.events.search").expect("search");
    let warmup = search.warmup.as_ref().expect("a warm-up");
    assert_eq!(warmup.param, "query");
    assert_eq!(
        warmup.source.sentence,
        "Before searching, clients should send a warmup request with an empty query."
    );
    assert_eq!(warmup.source.origin, "cal.events.search");
    let silent = resolve_json(&events_document("", "Searches."));
    let search = find_method(&silent.resources, "cal.events.search").expect("search");
    assert!(search.warmup.is_none(), "nothing asked, nothing sent");
}

#[test]
fn one_description_asking_for_sequential_mutations_makes_every_non_get_method_wait_its_turn() {
    let asks = "Updates. Mutate requests for the same user should be sent sequentially.";
    let api = resolve_json(&events_document(asks, ""));
    let sequential = |id: &str| find_method(&api.resources, id).expect(id).sequential.clone();
    let rule = api.sequential_rule.clone().expect("an API-wide rule, recorded once");
    assert_eq!(rule.sentence, "Mutate requests for the same user should be sent sequentially.");
    assert_eq!(rule.origin, "cal.events.update");
    assert_eq!(sequential("cal.events.update"), Some(rule.clone()), "its own sentence");
    assert_eq!(
        sequential("cal.events.delete"),
        Some(rule),
        "the delete's description says nothing, but the API-wide rule does"
    );
    assert_eq!(sequential("cal.events.get"), None, "reads stay concurrent");
    let silent = resolve_json(&events_document("Updates.", ""));
    assert!(
        find_method(&silent.resources, "cal.events.update").expect("update").sequential.is_none()
    );
}

#[test]
fn a_method_asking_for_itself_alone_is_sequential_without_an_api_wide_rule() {
    let asks = "Updates. Updates of one event should be sent sequentially.";
    let api = resolve_json(&events_document(asks, ""));
    assert!(api.sequential_rule.is_none(), "the sentence speaks of this method only");
    let update = find_method(&api.resources, "cal.events.update").expect("update");
    let source = update.sequential.as_ref().expect("sequential by its own description");
    assert_eq!(source.sentence, "Updates of one event should be sent sequentially.");
    let delete = find_method(&api.resources, "cal.events.delete").expect("delete");
    assert!(delete.sequential.is_none(), "nothing asks it of the delete");
}

#[test]
fn an_update_whose_body_has_an_etag_and_a_matching_get_gets_a_merge_helper() {
    let api = resolve_json(&events_document("", ""));
    let events =
        api.resources.iter().find(|resource| resource.wire_path == "events").expect("events");
    let merges: Vec<(&str, &str, &str)> = events
        .merges
        .iter()
        .map(|merge| {
            (merge.rust_name.as_str(), merge.update_method.as_str(), merge.read_method.as_str())
        })
        .collect();
    assert_eq!(merges, [("update_merged", "update", "get")]);
    let mut no_etag = events_document("", "");
    no_etag["schemas"]["Event"]["properties"].as_object_mut().expect("properties").remove("etag");
    let api = resolve_json(&no_etag);
    assert!(api.resources[0].merges.is_empty(), "no etag, nothing to merge on");
}

#[test]
fn parameters_named_like_the_generated_bindings_never_shadow_them() {
    let text = include_str!("../corner-cases/reserved.v1.json");
    let api = resolve_json(&serde_json::from_str(text).expect("JSON"));
    let patch = find_method(&api.resources, "reserved.notes.patch").expect("patch");
    let names: Vec<&str> = patch.argument_params().map(|param| param.rust_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "name",
            "body_2",
            "call_2",
            "change_2",
            "latest_2",
            "read_2",
            "self_",
            "send_2",
            "timeout_2"
        ]
    );
    assert_eq!(patch.locals, Locals::default(), "the bindings keep their names");
    let list = find_method(&api.resources, "reserved.notes.list").expect("list");
    let setters: Vec<&str> = list.optional.iter().map(|param| param.rust_name.as_str()).collect();
    assert!(
        setters.starts_with(&["items_2", "pages_2", "quota_user_2", "sync_2"]),
        "builder methods and call options keep theirs: {setters:?}"
    );
}

#[test]
fn a_merge_helper_is_made_only_around_methods_that_are_not_deprecated_and_knows_its_conflict() {
    let text = include_str!("../corner-cases/reserved.v1.json");
    let api = resolve_json(&serde_json::from_str(text).expect("JSON"));
    let merges = |path: &str| -> Vec<(String, Conflict)> {
        let resource = api.resources.iter().find(|r| r.wire_path == path).expect(path);
        resource
            .merges
            .iter()
            .map(|merge| (merge.rust_name.clone(), merge.conflict.clone()))
            .collect()
    };
    assert_eq!(merges("notes"), [("patch_merged".to_owned(), Conflict::Aborted)], "AIP-154");
    assert!(merges("legacies").is_empty(), "its only read is deprecated");
    let people = resolve_json(&events_document("", ""));
    let events = people.resources.iter().find(|r| r.wire_path == "events").expect("events");
    assert_eq!(events.merges[0].conflict, Conflict::Aborted, "nothing documents a 400");
}
