//! The generated People types against realistic JSON: what Google sends
//! decodes, re-encodes to the same JSON, and tolerates what this crate does
//! not know yet.

use google_people_v1::types::{
    AgeRangeTypeAgeRange, BatchCreateContactsResponse, EmailAddress, ListConnectionsResponse, Name,
    Person, PersonMetadataObjectType,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

/// Decodes into `T`, encodes again, and compares the two as JSON values.
fn assert_round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let text = fixture(name);
    let original: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let typed: T = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{name} does not decode: {error}"));
    let encoded = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(encoded, original, "{name} changed in a decode + encode round trip");
    typed
}

#[test]
fn a_full_person_round_trips() {
    let person: Person = assert_round_trip("person_full.json");
    assert!(person.resource_name.as_deref().is_some_and(|name| name.starts_with("people/")));
    let sources =
        person.metadata.as_ref().map(|metadata| metadata.sources.len()).unwrap_or_default();
    assert!(sources > 0, "metadata.sources decoded");
}

#[test]
fn a_connections_page_round_trips() {
    let page: ListConnectionsResponse = assert_round_trip("list_connections_page.json");
    assert_eq!(page.connections.len(), 3);
    assert!(page.next_page_token.is_some());
}

#[test]
fn a_batch_create_response_with_a_failed_entry_round_trips() {
    let response: BatchCreateContactsResponse =
        assert_round_trip("batch_create_contacts_response.json");
    let failed: Vec<_> =
        response.created_people.iter().filter(|entry| entry.status.is_some()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].status.as_ref().and_then(|status| status.code), Some(3));
}

#[test]
fn unknown_enum_values_and_fields_decode_and_enum_values_survive() {
    let text = fixture("person_unknown_values.json");
    let person: Person = serde_json::from_str(&text).expect("unknown values decode");
    let object_type = person.metadata.as_ref().and_then(|metadata| metadata.object_type.clone());
    assert_eq!(
        object_type,
        Some(PersonMetadataObjectType::UnknownValue("NEW_OBJECT_TYPE_2030".into()))
    );
    let age_ranges: Vec<_> =
        person.age_ranges.iter().filter_map(|range| range.age_range.clone()).collect();
    assert!(age_ranges.contains(&AgeRangeTypeAgeRange::UnknownValue("SEVENTY_AND_OLDER".into())));
    let encoded = serde_json::to_value(&person).expect("encodes");
    assert_eq!(
        encoded["metadata"]["objectType"], "NEW_OBJECT_TYPE_2030",
        "an unknown value is sent back unchanged"
    );
}

#[test]
fn known_enum_values_decode_to_their_variants() {
    let range: google_people_v1::types::AgeRangeType =
        serde_json::from_value(json!({"ageRange": "TWENTY_ONE_OR_OLDER"})).expect("decodes");
    assert_eq!(range.age_range, Some(AgeRangeTypeAgeRange::TwentyOneOrOlder));
    assert_eq!(AgeRangeTypeAgeRange::TwentyOneOrOlder.as_str(), "TWENTY_ONE_OR_OLDER");
}

#[test]
fn a_person_is_built_with_setters_and_encodes_only_what_was_set() {
    let person = Person::default()
        .set_names([Name::default().set_given_name("Ada").set_family_name("Lovelace")])
        .set_email_addresses([EmailAddress::default()
            .set_value("ada@example.com")
            .set_type("work")]);
    assert_eq!(
        serde_json::to_value(&person).expect("encodes"),
        json!({
            "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
            "emailAddresses": [{"value": "ada@example.com", "type": "work"}]
        })
    );
}

#[test]
fn an_unknown_value_spelling_a_known_one_equals_it_and_hashes_alike() {
    use google_people_v1::types::ReadSourceType;
    use std::collections::HashSet;
    let spelled = ReadSourceType::UnknownValue("READ_SOURCE_TYPE_PROFILE".to_owned());
    assert_eq!(spelled, ReadSourceType::Profile, "equal as on the wire");
    let set: HashSet<ReadSourceType> = [ReadSourceType::Profile, spelled].into_iter().collect();
    assert_eq!(set.len(), 1, "hashing agrees with equality");
    assert_ne!(
        ReadSourceType::UnknownValue("READ_SOURCE_TYPE_NEWER".into()),
        ReadSourceType::Profile
    );
    assert_eq!(ReadSourceType::from("READ_SOURCE_TYPE_CONTACT"), ReadSourceType::Contact);
}

#[test]
fn enums_display_and_parse_their_wire_spelling() {
    use google_people_v1::types::{PersonField, ReadSourceType};
    assert_eq!(ReadSourceType::Contact.to_string(), "READ_SOURCE_TYPE_CONTACT");
    assert_eq!("READ_SOURCE_TYPE_CONTACT".parse::<ReadSourceType>(), Ok(ReadSourceType::Contact));
    let newer: ReadSourceType = "READ_SOURCE_TYPE_NEWER".parse().expect("any text parses");
    assert_eq!(newer.to_string(), "READ_SOURCE_TYPE_NEWER", "an unknown value is kept as sent");
    assert_eq!(PersonField::EmailAddresses.to_string(), "emailAddresses");
    assert_eq!("emailAddresses".parse::<PersonField>(), Ok(PersonField::EmailAddresses));
    let error = "emailAdresses".parse::<PersonField>().expect_err("a typo is refused");
    assert!(error.to_string().contains("`emailAdresses`"), "{error}");
}

/// A person as a newer server might send it: fields and enum values this
/// crate's document does not list, at the top and nested.
fn person_from_a_newer_server() -> Value {
    json!({
        "resourceName": "people/c1",
        "etag": "%EgUBAgMJCw==",
        "pronouns": [{"value": "she/her", "metadata": {"primary": true}}],
        "names": [{
            "displayName": "Ada Lovelace",
            "pronunciationHint": {"text": "AY-duh"},
            "metadata": {"primary": true, "source": {"type": "SOME_NEW_SOURCE", "id": "1"}}
        }],
        "ageRanges": [{"ageRange": "FIFTY_AND_OLDER"}],
        "zzLast": null
    })
}

#[test]
fn a_person_with_fields_and_values_the_document_does_not_list_round_trips_unchanged() {
    use google_people_v1::runtime::wire::UnknownFields;
    let sent = person_from_a_newer_server();
    let person: Person = serde_json::from_value(sent.clone()).expect("decodes");
    assert_eq!(person.unknown_field("pronouns"), Some(&sent["pronouns"]));
    assert_eq!(
        person.names[0].unknown_field("pronunciationHint"),
        Some(&json!({"text": "AY-duh"}))
    );
    let keys: Vec<&str> = person.unknown_fields().map(|(key, _)| key).collect();
    assert_eq!(keys, ["pronouns", "zzLast"], "kept in the order they came");
    assert_eq!(serde_json::to_value(&person).expect("encodes"), sent);
    let other: Person =
        serde_json::from_value(json!({"resourceName": "people/c1"})).expect("decodes");
    assert_ne!(person, other, "PartialEq sees unknown fields");
    assert!(format!("{person:?}").contains("pronouns"), "Debug sees them too");
}

#[test]
fn unknown_fields_can_be_set_replaced_and_removed_by_wire_name() {
    use google_people_v1::runtime::wire::UnknownFields;
    let mut name = Name::default().set_given_name("Ada");
    name.set_unknown_field("pronunciationHint", json!({"text": "AY"}));
    name.set_unknown_field("extra", json!(1));
    name.set_unknown_field("pronunciationHint", json!({"text": "AY-duh"}));
    assert_eq!(
        serde_json::to_string(&name).expect("encodes"),
        r#"{"givenName":"Ada","pronunciationHint":{"text":"AY-duh"},"extra":1}"#
    );
    assert_eq!(name.remove_unknown_field("extra"), Some(json!(1)));
    assert_eq!(name.unknown_field("extra"), None);
    name.remove_unknown_field("pronunciationHint");
    assert_eq!(name, Name::default().set_given_name("Ada"), "nothing left, nothing seen");
}

#[test]
fn clear_setters_send_null_and_empty_on_purpose_and_unset_fields_stay_out() {
    use google_people_v1::types::{ContactGroup, GroupClientData};
    let group = ContactGroup::default()
        .set_client_data([GroupClientData::default().set_key("k").set_value("v")])
        .set_name("Friends")
        .clear_client_data()
        .clear_etag();
    assert_eq!(
        serde_json::to_value(&group).expect("encodes"),
        json!({"clientData": [], "etag": null, "name": "Friends"})
    );
    assert_eq!(serde_json::to_value(ContactGroup::default()).expect("encodes"), json!({}));
    let set_again = group.set_etag("e2");
    assert_eq!(serde_json::to_value(&set_again).expect("encodes")["etag"], "e2");
}
