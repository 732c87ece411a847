//! Every method and schema of the pinned People document is in `generated/`
//! as a typed item.

use std::collections::BTreeSet;

use serde_json::Value;

const DISCOVERY: &str = include_str!("../../discovery/people.v1.json");
const API: &str = include_str!("../../generated/api.rs");
const TYPES: &str = include_str!("../../generated/types.rs");

fn method_ids(resource: &Value, out: &mut BTreeSet<String>) {
    for method in resource["methods"].as_object().into_iter().flat_map(|methods| methods.values()) {
        if let Some(id) = method["id"].as_str() {
            out.insert(id.to_owned());
        }
    }
    for child in
        resource["resources"].as_object().into_iter().flat_map(|resources| resources.values())
    {
        method_ids(child, out);
    }
}

#[test]
fn every_people_method_has_a_documented_call() {
    let document: Value = serde_json::from_str(DISCOVERY).expect("the pinned document is JSON");
    let mut ids = BTreeSet::new();
    method_ids(&document, &mut ids);
    assert_eq!(ids.len(), 24, "People v1 has 24 methods");
    for id in &ids {
        assert!(API.contains(&format!("/// Discovery method `{id}`:")), "no call documents {id}");
        assert!(API.contains(&format!("id: \"{id}\",")), "no MethodSpec for {id}");
    }
}

#[test]
fn every_people_schema_is_a_rust_type() {
    let document: Value = serde_json::from_str(DISCOVERY).expect("the pinned document is JSON");
    let schemas = document["schemas"].as_object().expect("schemas");
    assert_eq!(schemas.len(), 72, "People v1 has 72 schemas");
    for name in schemas.keys() {
        let declared = [
            format!("pub struct {name} {{"),
            format!("pub enum {name} {{"),
            format!("pub type {name} ="),
        ];
        assert!(
            declared.iter().any(|item| TYPES.contains(item.as_str())),
            "no type for schema {name}"
        );
    }
}
