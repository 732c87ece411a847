//! Every People API method, sent through the generated client to a local
//! fake server: each test pins the exact HTTP request (verb, path, every query
//! pair, the bearer token, the JSON body) and decodes a response shaped like
//! Google's.
//!
//! A mock built by [`exact_request`] answers only the one request it
//! describes; anything else gets wiremock's 404 and fails the call. Every mock
//! expects exactly one request, which the server checks when it is dropped
//! (printing the requests it did receive when the expectation fails).

use futures_util::{StreamExt, TryStreamExt};
use google_people_v1::types::{
    BatchCreateContactsRequest, BatchDeleteContactsRequest, BatchUpdateContactsRequest, Biography,
    BiographyContentType, Birthday, ContactGroup, ContactGroupField, ContactGroupGroupType,
    ContactGroupMembership, ContactToCreate, CopyOtherContactToMyContactsGroupRequest,
    CreateContactGroupRequest, Date, DirectoryMergeSourceType, DirectorySourceType, EmailAddress,
    Empty, GroupClientData, Membership, ModifyContactGroupMembersRequest, Name,
    PeopleConnectionsListSortOrder, Person, PersonField, PersonMetadata, PersonMetadataObjectType,
    PhoneNumber, ProfileMetadataObjectType, ProfileMetadataUserTypesItem, ReadSourceType, Source,
    SourceType, UpdateContactGroupRequest, UpdateContactPhotoRequest,
};
use google_people_v1::{API, CallOptions, PeopleService, runtime};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Match, Mock, MockBuilder, MockServer, Request, ResponseTemplate};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The `Authorization` header every request must carry.
const BEARER: &str = "Bearer test-token";

/// The first bytes of a JPEG file, plus two whose base64 needs `+`, `/` and padding.
const PHOTO: [u8; 14] =
    [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFB, 0xFF];
/// [`PHOTO`] in standard, padded base64.
const PHOTO_BASE64: &str = "/9j/4AAQSkZJRgAB+/8=";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A fake People endpoint and a service whose calls all go to it, with a
/// static bearer token and no retries.
async fn fake_people_api() -> Result<(MockServer, PeopleService), runtime::Error> {
    let server = MockServer::start().await;
    let client = runtime::Client::builder(&API)
        .base_url(server.uri())
        .authenticator(runtime::auth::StaticToken::new("test-token"))
        .retry(runtime::RetryPolicy::never())
        .build()?;
    Ok((server, PeopleService::from_client(client)))
}

/// Matches when the request's query is exactly the expected pairs: none
/// missing, none extra, none sent twice. Pairs are compared decoded and
/// grouped by name with a stable sort, so the order of different parameters
/// does not matter but the order of a repeated one (`sources=A&sources=B`) does.
struct ExactQuery(Vec<(String, String)>);

impl ExactQuery {
    fn new(pairs: &[(&str, &str)]) -> Self {
        Self(grouped_by_name(
            pairs.iter().map(|&(name, value)| (name.to_owned(), value.to_owned())),
        ))
    }
}

fn grouped_by_name(pairs: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = pairs.collect();
    pairs.sort_by(|left, right| left.0.cmp(&right.0));
    pairs
}

impl Match for ExactQuery {
    fn matches(&self, request: &Request) -> bool {
        let sent =
            request.url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned()));
        grouped_by_name(sent) == self.0
    }
}

/// Matches a request without a body, as GET and DELETE calls send them.
struct NoBody;

impl Match for NoBody {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty()
    }
}

/// A mock for exactly one request: `verb`, `url_path`, every pair of `query`
/// (each with `query_param`, and all of them at once with [`ExactQuery`]), the
/// bearer token, and either the JSON `body` (compared as a JSON value) or no
/// body at all.
fn exact_request(
    verb: &str,
    url_path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> MockBuilder {
    let mut mock = Mock::given(method(verb))
        .and(path(url_path))
        .and(header("authorization", BEARER))
        .and(ExactQuery::new(query));
    for &(name, value) in query {
        mock = mock.and(query_param(name, value));
    }
    match body {
        Some(body) => mock.and(header("content-type", "application/json")).and(body_json(body)),
        None => mock.and(NoBody),
    }
}

/// A 200 response with a JSON body.
fn json_response(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// An error response with Google's JSON error body.
fn google_error(code: u16, status: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(code)
        .set_body_json(json!({"error": {"code": code, "message": message, "status": status}}))
}

fn first_display_name(person: &Person) -> Option<&str> {
    person.names.first()?.display_name.as_deref()
}

fn first_email(person: &Person) -> Option<&str> {
    person.email_addresses.first()?.value.as_deref()
}

fn first_source(person: &Person) -> Option<&Source> {
    person.metadata.as_ref()?.sources.first()
}

/// The update of [`people_update_contact_patches_update_person_fields_person_fields_sources_and_the_etagged_person`]:
/// Ada's new family name and email, with the etags read earlier.
fn ada_renamed() -> Person {
    Person::default()
        .set_resource_name("people/c8571256481234567890")
        .set_etag("%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==")
        .set_metadata(
            PersonMetadata::default().set_sources([Source::default()
                .set_type(SourceType::Contact)
                .set_id("76f1c9a80b3e9f12")
                .set_etag("#sjOxGDunPno=")]),
        )
        .set_names([Name::default().set_given_name("Ada").set_family_name("King")])
        .set_email_addresses([EmailAddress::default()
            .set_value("ada.king@example.com")
            .set_type("home")])
}

/// [`ada_renamed`] as it must go on the wire.
fn ada_renamed_json() -> Value {
    json!({
        "resourceName": "people/c8571256481234567890",
        "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==",
        "metadata": {
            "sources": [{"type": "CONTACT", "id": "76f1c9a80b3e9f12", "etag": "#sjOxGDunPno="}]
        },
        "names": [{"givenName": "Ada", "familyName": "King"}],
        "emailAddresses": [{"value": "ada.king@example.com", "type": "home"}]
    })
}

const UPDATE_CONTACT_PATH: &str = "/v1/people/c8571256481234567890:updateContact";
const UPDATE_CONTACT_QUERY: &[(&str, &str)] = &[
    ("updatePersonFields", "names,emailAddresses"),
    ("personFields", "names,emailAddresses,metadata"),
    ("sources", "READ_SOURCE_TYPE_CONTACT"),
    ("sources", "READ_SOURCE_TYPE_PROFILE"),
];

// ---------------------------------------------------------------------------
// contactGroups
// ---------------------------------------------------------------------------

#[tokio::test]
async fn contact_groups_batch_get_sends_repeated_resource_names_max_members_and_group_fields()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/contactGroups:batchGet",
        &[
            ("resourceNames", "contactGroups/3f9a1c2b0d4e5f67"),
            ("resourceNames", "contactGroups/myContacts"),
            ("maxMembers", "25"),
            ("groupFields", "name,groupType,memberCount,metadata"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "responses": [
            {
                "requestedResourceName": "contactGroups/3f9a1c2b0d4e5f67",
                "contactGroup": {
                    "resourceName": "contactGroups/3f9a1c2b0d4e5f67",
                    "etag": "DeXx9Ui6Z5E=",
                    "metadata": {"updateTime": "2024-02-11T09:15:02.311Z"},
                    "groupType": "USER_CONTACT_GROUP",
                    "name": "Book club",
                    "formattedName": "Book club",
                    "memberResourceNames": ["people/c8571256481234567890", "people/c1202717730113948113"],
                    "memberCount": 2
                }
            },
            {
                "requestedResourceName": "contactGroups/myContacts",
                "contactGroup": {
                    "resourceName": "contactGroups/myContacts",
                    "etag": "h0Cq8Ydh7ek=",
                    "metadata": {"updateTime": "2024-03-10T18:00:00Z"},
                    "groupType": "SYSTEM_CONTACT_GROUP",
                    "name": "myContacts",
                    "formattedName": "My Contacts",
                    "memberCount": 312
                }
            }
        ]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let response = people
        .contact_groups()
        .batch_get(["contactGroups/3f9a1c2b0d4e5f67", "contactGroups/myContacts"])
        .max_members(25)
        .group_fields([
            ContactGroupField::Name,
            ContactGroupField::GroupType,
            ContactGroupField::MemberCount,
            ContactGroupField::Metadata,
        ])
        .send()
        .await?;

    assert_eq!(response.responses.len(), 2);
    let book_club = response.responses[0].contact_group.as_ref().ok_or("no first group")?;
    assert_eq!(book_club.name.as_deref(), Some("Book club"));
    assert_eq!(book_club.group_type, Some(ContactGroupGroupType::UserContactGroup));
    assert_eq!(book_club.member_count, Some(2));
    assert_eq!(book_club.member_resource_names.len(), 2);
    let updated = book_club.metadata.as_ref().and_then(|metadata| metadata.update_time.as_ref());
    assert_eq!(updated.map(ToString::to_string).as_deref(), Some("2024-02-11T09:15:02.311Z"));
    let my_contacts = response.responses[1].contact_group.as_ref().ok_or("no second group")?;
    assert_eq!(my_contacts.group_type, Some(ContactGroupGroupType::SystemContactGroup));
    assert_eq!(my_contacts.formatted_name.as_deref(), Some("My Contacts"));
    assert_eq!(my_contacts.member_count, Some(312));
    Ok(())
}

#[tokio::test]
async fn contact_groups_create_posts_the_group_and_read_group_fields() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/contactGroups",
        &[],
        Some(json!({
            "contactGroup": {
                "name": "Book club",
                "clientData": [{"key": "color", "value": "teal"}]
            },
            "readGroupFields": "name,groupType,clientData,metadata"
        })),
    )
    .respond_with(json_response(json!({
        "resourceName": "contactGroups/3f9a1c2b0d4e5f67",
        "etag": "DeXx9Ui6Z5E=",
        "metadata": {"updateTime": "2024-03-13T08:00:01.5Z"},
        "groupType": "USER_CONTACT_GROUP",
        "name": "Book club",
        "formattedName": "Book club",
        "clientData": [{"key": "color", "value": "teal"}]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let request = CreateContactGroupRequest::default()
        .set_contact_group(
            ContactGroup::default()
                .set_name("Book club")
                .set_client_data([GroupClientData::default().set_key("color").set_value("teal")]),
        )
        .set_read_group_fields("name,groupType,clientData,metadata");
    let group = people.contact_groups().create(request).send().await?;

    assert_eq!(group.resource_name.as_deref(), Some("contactGroups/3f9a1c2b0d4e5f67"));
    assert_eq!(group.etag.as_deref(), Some("DeXx9Ui6Z5E="));
    assert_eq!(group.group_type, Some(ContactGroupGroupType::UserContactGroup));
    assert_eq!(group.client_data.len(), 1);
    assert_eq!(group.client_data[0].value.as_deref(), Some("teal"));
    let updated = group.metadata.as_ref().and_then(|metadata| metadata.update_time.as_ref());
    assert_eq!(updated.map(ToString::to_string).as_deref(), Some("2024-03-13T08:00:01.500Z"));
    Ok(())
}

#[tokio::test]
async fn contact_groups_delete_sends_delete_contacts_true_and_decodes_the_empty_body() -> TestResult
{
    let (server, people) = fake_people_api().await?;
    exact_request(
        "DELETE",
        "/v1/contactGroups/3f9a1c2b0d4e5f67",
        &[("deleteContacts", "true")],
        None,
    )
    .respond_with(json_response(json!({})))
    .expect(1)
    .mount(&server)
    .await;

    let empty = people
        .contact_groups()
        .delete("contactGroups/3f9a1c2b0d4e5f67")
        .delete_contacts(true)
        .send()
        .await?;

    assert_eq!(empty, Empty::default());
    Ok(())
}

#[tokio::test]
async fn contact_groups_get_expands_the_group_name_and_sends_group_fields_and_max_members()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/contactGroups/3f9a1c2b0d4e5f67",
        &[("groupFields", "name,memberCount,clientData"), ("maxMembers", "3")],
        None,
    )
    .respond_with(json_response(json!({
        "resourceName": "contactGroups/3f9a1c2b0d4e5f67",
        "etag": "DeXx9Ui6Z5E=",
        "name": "Book club",
        "formattedName": "Book club",
        "memberResourceNames": [
            "people/c8571256481234567890",
            "people/c1202717730113948113",
            "people/c5550100123456789012"
        ],
        "memberCount": 7,
        "clientData": [{"key": "color", "value": "teal"}]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let group = people
        .contact_groups()
        .get("contactGroups/3f9a1c2b0d4e5f67")
        .group_fields("name,memberCount,clientData")
        .max_members(3)
        .send()
        .await?;

    assert_eq!(group.name.as_deref(), Some("Book club"));
    assert_eq!(group.member_count, Some(7));
    assert_eq!(group.member_resource_names.len(), 3);
    assert_eq!(group.member_resource_names[0], "people/c8571256481234567890");
    assert_eq!(group.client_data[0].key.as_deref(), Some("color"));
    Ok(())
}

#[tokio::test]
async fn contact_groups_list_sends_group_fields_page_size_page_token_and_sync_token() -> TestResult
{
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/contactGroups",
        &[
            ("groupFields", "name,groupType"),
            ("pageSize", "2"),
            ("pageToken", "CAIQAhoEYm9vaw"),
            ("syncToken", "EKnJ8_PtMRoC"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "contactGroups": [
            {
                "resourceName": "contactGroups/3f9a1c2b0d4e5f67",
                "etag": "DeXx9Ui6Z5E=",
                "groupType": "USER_CONTACT_GROUP",
                "name": "Book club",
                "formattedName": "Book club"
            },
            {
                "resourceName": "contactGroups/starred",
                "etag": "rK1lB5gbXnQ=",
                "groupType": "SYSTEM_CONTACT_GROUP",
                "name": "starred",
                "formattedName": "Starred"
            }
        ],
        "totalItems": 9,
        "nextPageToken": "CAQQAhoEc3Rhcg",
        "nextSyncToken": "EMbK8_PtMRoC"
    })))
    .expect(1)
    .mount(&server)
    .await;

    let page = people
        .contact_groups()
        .list()
        .group_fields([ContactGroupField::Name, ContactGroupField::GroupType])
        .page_size(2)
        .page_token("CAIQAhoEYm9vaw")
        .sync_token("EKnJ8_PtMRoC")
        .send()
        .await?;

    assert_eq!(page.contact_groups.len(), 2);
    assert_eq!(page.contact_groups[1].resource_name.as_deref(), Some("contactGroups/starred"));
    assert_eq!(page.contact_groups[1].group_type, Some(ContactGroupGroupType::SystemContactGroup));
    assert_eq!(page.total_items, Some(9));
    assert_eq!(page.next_page_token.as_deref(), Some("CAQQAhoEc3Rhcg"));
    assert_eq!(page.next_sync_token.as_deref(), Some("EMbK8_PtMRoC"));
    Ok(())
}

#[tokio::test]
async fn contact_groups_update_puts_the_group_with_update_and_read_group_fields() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "PUT",
        "/v1/contactGroups/3f9a1c2b0d4e5f67",
        &[],
        Some(json!({
            "contactGroup": {
                "resourceName": "contactGroups/3f9a1c2b0d4e5f67",
                "etag": "DeXx9Ui6Z5E=",
                "name": "Book club (2024)"
            },
            "updateGroupFields": "name",
            "readGroupFields": "name,metadata"
        })),
    )
    .respond_with(json_response(json!({
        "resourceName": "contactGroups/3f9a1c2b0d4e5f67",
        "etag": "Qm9va0NsdWIyNA==",
        "metadata": {"updateTime": "2024-03-13T10:20:30Z"},
        "name": "Book club (2024)"
    })))
    .expect(1)
    .mount(&server)
    .await;

    let request = UpdateContactGroupRequest::default()
        .set_contact_group(
            ContactGroup::default()
                .set_resource_name("contactGroups/3f9a1c2b0d4e5f67")
                .set_etag("DeXx9Ui6Z5E=")
                .set_name("Book club (2024)"),
        )
        .set_update_group_fields("name")
        .set_read_group_fields([ContactGroupField::Name, ContactGroupField::Metadata]);
    let group =
        people.contact_groups().update("contactGroups/3f9a1c2b0d4e5f67", request).send().await?;

    assert_eq!(group.name.as_deref(), Some("Book club (2024)"));
    assert_eq!(group.etag.as_deref(), Some("Qm9va0NsdWIyNA=="));
    let updated = group.metadata.as_ref().and_then(|metadata| metadata.update_time.as_ref());
    assert_eq!(updated.map(|time| time.unix_seconds()), Some(1_710_325_230));
    Ok(())
}

#[tokio::test]
async fn contact_groups_members_modify_posts_the_names_to_add_and_to_remove() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/contactGroups/3f9a1c2b0d4e5f67/members:modify",
        &[],
        Some(json!({
            "resourceNamesToAdd": ["people/c8571256481234567890", "people/c4040404040404040404"],
            "resourceNamesToRemove": ["people/c1202717730113948113"]
        })),
    )
    .respond_with(json_response(json!({
        "notFoundResourceNames": ["people/c4040404040404040404"],
        "canNotRemoveLastContactGroupResourceNames": ["people/c1202717730113948113"]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let request = ModifyContactGroupMembersRequest::default()
        .set_resource_names_to_add(["people/c8571256481234567890", "people/c4040404040404040404"])
        .set_resource_names_to_remove(["people/c1202717730113948113"]);
    let response = people
        .contact_groups()
        .members()
        .modify("contactGroups/3f9a1c2b0d4e5f67", request)
        .send()
        .await?;

    assert_eq!(response.not_found_resource_names, ["people/c4040404040404040404"]);
    assert_eq!(
        response.can_not_remove_last_contact_group_resource_names,
        ["people/c1202717730113948113"]
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// otherContacts
// ---------------------------------------------------------------------------

#[tokio::test]
async fn other_contacts_copy_to_my_contacts_group_posts_copy_mask_read_mask_and_sources()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/otherContacts/c4817264519382716:copyOtherContactToMyContactsGroup",
        &[],
        Some(json!({
            "copyMask": "names,emailAddresses,phoneNumbers",
            "readMask": "names,emailAddresses,memberships",
            "sources": ["READ_SOURCE_TYPE_CONTACT", "READ_SOURCE_TYPE_PROFILE"]
        })),
    )
    .respond_with(json_response(json!({
        "resourceName": "people/c4817264519382716",
        "etag": "%EgcBAgkLLjc9GgQBAgUHIgxHcmFjZUhvcHBlcg==",
        "metadata": {
            "sources": [{"type": "CONTACT", "id": "42e3a9c1d0b8f7e6", "etag": "#R3JhY2U="}],
            "objectType": "PERSON"
        },
        "names": [{
            "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "42e3a9c1d0b8f7e6"}},
            "displayName": "Grace Hopper",
            "givenName": "Grace",
            "familyName": "Hopper"
        }],
        "emailAddresses": [{
            "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "42e3a9c1d0b8f7e6"}},
            "value": "grace@example.com"
        }],
        "memberships": [{
            "metadata": {"source": {"type": "CONTACT", "id": "42e3a9c1d0b8f7e6"}},
            "contactGroupMembership": {
                "contactGroupId": "myContacts",
                "contactGroupResourceName": "contactGroups/myContacts"
            }
        }]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let request = CopyOtherContactToMyContactsGroupRequest::default()
        .set_copy_mask([PersonField::Names, PersonField::EmailAddresses, PersonField::PhoneNumbers])
        .set_read_mask("names,emailAddresses,memberships")
        .set_sources([ReadSourceType::Contact, ReadSourceType::Profile]);
    let person = people
        .other_contacts()
        .copy_other_contact_to_my_contacts_group("otherContacts/c4817264519382716", request)
        .send()
        .await?;

    assert_eq!(person.resource_name.as_deref(), Some("people/c4817264519382716"));
    assert_eq!(first_display_name(&person), Some("Grace Hopper"));
    assert_eq!(first_email(&person), Some("grace@example.com"));
    let group = person.memberships[0].contact_group_membership.as_ref().ok_or("no membership")?;
    assert_eq!(group.contact_group_resource_name.as_deref(), Some("contactGroups/myContacts"));
    assert_eq!(
        first_source(&person).and_then(|source| source.r#type.clone()),
        Some(SourceType::Contact)
    );
    Ok(())
}

#[tokio::test]
async fn other_contacts_list_sends_read_mask_repeated_sources_paging_and_sync_parameters()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/otherContacts",
        &[
            ("pageSize", "100"),
            ("pageToken", "CGQQAQ"),
            ("readMask", "names,emailAddresses,phoneNumbers"),
            ("requestSyncToken", "true"),
            ("sources", "READ_SOURCE_TYPE_CONTACT"),
            ("sources", "READ_SOURCE_TYPE_PROFILE"),
            ("syncToken", "CPjB2eTtMRoC"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "otherContacts": [{
            "resourceName": "otherContacts/c4817264519382716",
            "etag": "%EgcBAgkLLjc9GgQBAgUHIgxHcmFjZUhvcHBlcg==",
            "metadata": {"sources": [{"type": "OTHER_CONTACT", "id": "42e3a9c1d0b8f7e6"}]},
            "names": [{
                "metadata": {"primary": true, "source": {"type": "OTHER_CONTACT", "id": "42e3a9c1d0b8f7e6"}},
                "displayName": "Grace Hopper"
            }],
            "emailAddresses": [{
                "metadata": {"primary": true, "source": {"type": "OTHER_CONTACT", "id": "42e3a9c1d0b8f7e6"}},
                "value": "grace@example.com"
            }]
        }],
        "nextPageToken": "CMgBEAE",
        "nextSyncToken": "CKnC2eTtMRoC",
        "totalSize": 137
    })))
    .expect(1)
    .mount(&server)
    .await;

    let page = people
        .other_contacts()
        .list([PersonField::Names, PersonField::EmailAddresses, PersonField::PhoneNumbers])
        .page_size(100)
        .page_token("CGQQAQ")
        .request_sync_token(true)
        .sources([ReadSourceType::Contact, ReadSourceType::Profile])
        .sync_token("CPjB2eTtMRoC")
        .send()
        .await?;

    assert_eq!(page.other_contacts.len(), 1);
    let grace = &page.other_contacts[0];
    assert_eq!(grace.resource_name.as_deref(), Some("otherContacts/c4817264519382716"));
    assert_eq!(first_display_name(grace), Some("Grace Hopper"));
    assert_eq!(
        first_source(grace).and_then(|source| source.r#type.clone()),
        Some(SourceType::OtherContact)
    );
    assert_eq!(page.next_page_token.as_deref(), Some("CMgBEAE"));
    assert_eq!(page.next_sync_token.as_deref(), Some("CKnC2eTtMRoC"));
    assert_eq!(page.total_size, Some(137));
    Ok(())
}

#[tokio::test]
async fn other_contacts_search_sends_the_query_read_mask_and_page_size() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/otherContacts:search",
        &[("query", "grace h"), ("readMask", "names,emailAddresses"), ("pageSize", "10")],
        None,
    )
    .respond_with(json_response(json!({
        "results": [{
            "person": {
                "resourceName": "otherContacts/c4817264519382716",
                "etag": "%EgcBAgkLLjc9GgQBAgUHIgxHcmFjZUhvcHBlcg==",
                "names": [{"displayName": "Grace Hopper", "givenName": "Grace", "familyName": "Hopper"}],
                "emailAddresses": [{"value": "grace@example.com"}]
            }
        }]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let response = people
        .other_contacts()
        .search("grace h", "names,emailAddresses")
        .page_size(10)
        .send()
        .await?;

    assert_eq!(response.results.len(), 1);
    let grace = response.results[0].person.as_ref().ok_or("no person in the result")?;
    assert_eq!(grace.resource_name.as_deref(), Some("otherContacts/c4817264519382716"));
    assert_eq!(first_email(grace), Some("grace@example.com"));
    Ok(())
}

// ---------------------------------------------------------------------------
// people
// ---------------------------------------------------------------------------

#[tokio::test]
async fn people_batch_create_contacts_posts_contacts_read_mask_and_sources_and_decodes_a_failed_entry()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/people:batchCreateContacts",
        &[],
        Some(json!({
            "contacts": [
                {"contactPerson": {
                    "names": [{"givenName": "Margaret", "familyName": "Hamilton"}],
                    "emailAddresses": [{"value": "margaret@example.com", "type": "work"}]
                }},
                {"contactPerson": {
                    "names": [{"givenName": "Katherine", "familyName": "Johnson"}]
                }}
            ],
            "readMask": "names,emailAddresses,metadata",
            "sources": ["READ_SOURCE_TYPE_CONTACT"]
        })),
    )
    .respond_with(json_response(json!({
        "createdPeople": [
            {
                "httpStatusCode": 200,
                "requestedResourceName": "people/c2001",
                "person": {
                    "resourceName": "people/c2001",
                    "etag": "%EgcBAgkLLjc9GgQBAgUHIgxRVmc0aXhtZGlTWT0=",
                    "metadata": {
                        "sources": [{"type": "CONTACT", "id": "7d1", "etag": "#QVmc0aXhtZGlTWT0="}],
                        "objectType": "PERSON"
                    },
                    "names": [{
                        "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "7d1"}},
                        "displayName": "Margaret Hamilton",
                        "givenName": "Margaret",
                        "familyName": "Hamilton"
                    }],
                    "emailAddresses": [{
                        "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "7d1"}},
                        "value": "margaret@example.com",
                        "type": "work",
                        "formattedType": "Work"
                    }]
                }
            },
            {
                "httpStatusCode": 400,
                "status": {
                    "code": 3,
                    "message": "Invalid contactPerson: names[0].givenName exceeds the maximum length.",
                    "details": [{
                        "@type": "type.googleapis.com/google.rpc.BadRequest",
                        "fieldViolations": [{
                            "field": "contacts[1].contactPerson.names[0].givenName",
                            "description": "Too long."
                        }]
                    }]
                }
            }
        ]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let request = BatchCreateContactsRequest::default()
        .set_contacts([
            ContactToCreate::default().set_contact_person(
                Person::default()
                    .set_names([Name::default()
                        .set_given_name("Margaret")
                        .set_family_name("Hamilton")])
                    .set_email_addresses([EmailAddress::default()
                        .set_value("margaret@example.com")
                        .set_type("work")]),
            ),
            ContactToCreate::default().set_contact_person(Person::default().set_names([
                Name::default().set_given_name("Katherine").set_family_name("Johnson"),
            ])),
        ])
        .set_read_mask([PersonField::Names, PersonField::EmailAddresses, PersonField::Metadata])
        .set_sources([ReadSourceType::Contact]);
    let response = people.people().batch_create_contacts(request).send().await?;

    assert_eq!(response.created_people.len(), 2);
    let created = &response.created_people[0];
    assert_eq!(created.status, None);
    let margaret = created.person.as_ref().ok_or("no created person")?;
    assert_eq!(margaret.resource_name.as_deref(), Some("people/c2001"));
    assert_eq!(first_display_name(margaret), Some("Margaret Hamilton"));
    assert_eq!(margaret.email_addresses[0].formatted_type.as_deref(), Some("Work"));
    assert_eq!(
        first_source(margaret).and_then(|source| source.etag.as_deref()),
        Some("#QVmc0aXhtZGlTWT0=")
    );
    let failed = &response.created_people[1];
    assert_eq!(failed.person, None);
    let status = failed.status.as_ref().ok_or("the failed entry has no status")?;
    assert_eq!(status.code, Some(3));
    assert!(status.message.as_deref().is_some_and(|message| message.contains("givenName")));
    assert_eq!(status.details[0]["@type"], "type.googleapis.com/google.rpc.BadRequest");
    Ok(())
}

#[tokio::test]
async fn people_batch_delete_contacts_posts_the_resource_names() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/people:batchDeleteContacts",
        &[],
        Some(json!({
            "resourceNames": ["people/c2001", "people/c1202717730113948113"]
        })),
    )
    .respond_with(json_response(json!({})))
    .expect(1)
    .mount(&server)
    .await;

    let request = BatchDeleteContactsRequest::default()
        .set_resource_names(["people/c2001", "people/c1202717730113948113"]);
    let empty = people.people().batch_delete_contacts(request).send().await?;

    assert_eq!(empty, Empty::default());
    Ok(())
}

#[tokio::test]
async fn people_batch_update_contacts_posts_the_contact_map_update_mask_read_mask_and_sources()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/people:batchUpdateContacts",
        &[],
        Some(json!({
            "contacts": {
                "people/c8571256481234567890": {
                    "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==",
                    "metadata": {
                        "sources": [{"type": "CONTACT", "id": "76f1c9a80b3e9f12", "etag": "#sjOxGDunPno="}]
                    },
                    "names": [{"givenName": "Ada", "familyName": "King"}]
                }
            },
            "updateMask": "names",
            "readMask": "names,metadata",
            "sources": ["READ_SOURCE_TYPE_CONTACT"]
        })),
    )
    .respond_with(json_response(json!({
        "updateResult": {
            "people/c8571256481234567890": {
                "httpStatusCode": 200,
                "requestedResourceName": "people/c8571256481234567890",
                "person": {
                    "resourceName": "people/c8571256481234567890",
                    "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDEtpbmdLaW5nS2k9",
                    "metadata": {
                        "sources": [{
                            "type": "CONTACT",
                            "id": "76f1c9a80b3e9f12",
                            "etag": "#S2luZ0tpbmc=",
                            "updateTime": "2024-03-13T11:00:00.123456Z"
                        }],
                        "objectType": "PERSON"
                    },
                    "names": [{
                        "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                        "displayName": "Ada King",
                        "givenName": "Ada",
                        "familyName": "King"
                    }]
                }
            }
        }
    })))
    .expect(1)
    .mount(&server)
    .await;

    let ada = Person::default()
        .set_etag("%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==")
        .set_metadata(
            PersonMetadata::default().set_sources([Source::default()
                .set_type(SourceType::Contact)
                .set_id("76f1c9a80b3e9f12")
                .set_etag("#sjOxGDunPno=")]),
        )
        .set_names([Name::default().set_given_name("Ada").set_family_name("King")]);
    let request = BatchUpdateContactsRequest::default()
        .set_contacts([("people/c8571256481234567890", ada)])
        .set_update_mask("names")
        .set_read_mask("names,metadata")
        .set_sources([ReadSourceType::Contact]);
    let response = people.people().batch_update_contacts(request).send().await?;

    let result =
        response.update_result.get("people/c8571256481234567890").ok_or("no result for Ada")?;
    assert_eq!(result.http_status_code, Some(200));
    let ada = result.person.as_ref().ok_or("no updated person")?;
    assert_eq!(first_display_name(ada), Some("Ada King"));
    let source = first_source(ada).ok_or("no source")?;
    assert_eq!(source.etag.as_deref(), Some("#S2luZ0tpbmc="));
    assert_eq!(source.update_time.as_ref().map(|time| time.subsec_nanos()), Some(123_456_000));
    assert_eq!(
        ada.metadata.as_ref().and_then(|metadata| metadata.object_type.clone()),
        Some(PersonMetadataObjectType::Person)
    );
    Ok(())
}

#[tokio::test]
async fn people_create_contact_sends_person_fields_sources_and_the_person_body() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/people:createContact",
        &[
            ("personFields", "names,emailAddresses,phoneNumbers,biographies,birthdays,memberships,metadata"),
            ("sources", "READ_SOURCE_TYPE_CONTACT"),
            ("sources", "READ_SOURCE_TYPE_PROFILE"),
        ],
        Some(json!({
            "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
            "emailAddresses": [{"value": "ada@example.com", "type": "work"}],
            "phoneNumbers": [{"value": "+44 20 7946 0958", "type": "mobile"}],
            "biographies": [{"value": "Wrote the first published algorithm.", "contentType": "TEXT_PLAIN"}],
            "birthdays": [{"date": {"year": 1815, "month": 12, "day": 10}}],
            "memberships": [{"contactGroupMembership": {"contactGroupResourceName": "contactGroups/3f9a1c2b0d4e5f67"}}]
        })),
    )
    .respond_with(json_response(json!({
        "resourceName": "people/c8571256481234567890",
        "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==",
        "metadata": {
            "sources": [{
                "type": "CONTACT",
                "id": "76f1c9a80b3e9f12",
                "etag": "#sjOxGDunPno=",
                "updateTime": "2024-03-13T09:41:07.448Z"
            }],
            "objectType": "PERSON"
        },
        "names": [{
            "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
            "displayName": "Ada Lovelace",
            "familyName": "Lovelace",
            "givenName": "Ada",
            "displayNameLastFirst": "Lovelace, Ada",
            "unstructuredName": "Ada Lovelace"
        }],
        "emailAddresses": [{
            "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
            "value": "ada@example.com",
            "type": "work",
            "formattedType": "Work"
        }],
        "phoneNumbers": [{
            "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
            "value": "+44 20 7946 0958",
            "canonicalForm": "+442079460958",
            "type": "mobile",
            "formattedType": "Mobile"
        }],
        "biographies": [{
            "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
            "value": "Wrote the first published algorithm.",
            "contentType": "TEXT_PLAIN"
        }],
        "birthdays": [{
            "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
            "date": {"year": 1815, "month": 12, "day": 10}
        }],
        "memberships": [
            {
                "metadata": {"source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                "contactGroupMembership": {
                    "contactGroupId": "3f9a1c2b0d4e5f67",
                    "contactGroupResourceName": "contactGroups/3f9a1c2b0d4e5f67"
                }
            },
            {
                "metadata": {"source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                "contactGroupMembership": {
                    "contactGroupId": "myContacts",
                    "contactGroupResourceName": "contactGroups/myContacts"
                }
            }
        ]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let ada = Person::default()
        .set_names([Name::default().set_given_name("Ada").set_family_name("Lovelace")])
        .set_email_addresses([EmailAddress::default()
            .set_value("ada@example.com")
            .set_type("work")])
        .set_phone_numbers([PhoneNumber::default()
            .set_value("+44 20 7946 0958")
            .set_type("mobile")])
        .set_biographies([Biography::default()
            .set_value("Wrote the first published algorithm.")
            .set_content_type(BiographyContentType::TextPlain)])
        .set_birthdays([
            Birthday::default().set_date(Date::default().set_year(1815).set_month(12).set_day(10))
        ])
        .set_memberships([Membership::default().set_contact_group_membership(
            ContactGroupMembership::default()
                .set_contact_group_resource_name("contactGroups/3f9a1c2b0d4e5f67"),
        )]);
    let created = people
        .people()
        .create_contact(ada)
        .person_fields([
            PersonField::Names,
            PersonField::EmailAddresses,
            PersonField::PhoneNumbers,
            PersonField::Biographies,
            PersonField::Birthdays,
            PersonField::Memberships,
            PersonField::Metadata,
        ])
        .sources([ReadSourceType::Contact, ReadSourceType::Profile])
        .send()
        .await?;

    assert_eq!(created.resource_name.as_deref(), Some("people/c8571256481234567890"));
    assert_eq!(created.etag.as_deref(), Some("%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ=="));
    let source = first_source(&created).ok_or("no source")?;
    assert_eq!(source.r#type, Some(SourceType::Contact));
    assert_eq!(source.id.as_deref(), Some("76f1c9a80b3e9f12"));
    assert_eq!(source.etag.as_deref(), Some("#sjOxGDunPno="));
    assert_eq!(first_display_name(&created), Some("Ada Lovelace"));
    assert_eq!(
        created.names[0].metadata.as_ref().and_then(|metadata| metadata.primary),
        Some(true)
    );
    assert_eq!(created.phone_numbers[0].canonical_form.as_deref(), Some("+442079460958"));
    assert_eq!(created.biographies[0].content_type, Some(BiographyContentType::TextPlain));
    assert_eq!(
        created.biographies[0].content_type.as_ref().map(|kind| kind.as_str()),
        Some("TEXT_PLAIN")
    );
    let birthday = created.birthdays[0].date.as_ref().ok_or("no birthday date")?;
    assert_eq!((birthday.year, birthday.month, birthday.day), (Some(1815), Some(12), Some(10)));
    let groups: Vec<_> = created
        .memberships
        .iter()
        .filter_map(|membership| membership.contact_group_membership.as_ref())
        .filter_map(|group| group.contact_group_resource_name.as_deref())
        .collect();
    assert_eq!(groups, ["contactGroups/3f9a1c2b0d4e5f67", "contactGroups/myContacts"]);
    Ok(())
}

#[tokio::test]
async fn people_create_contact_surfaces_the_400_for_two_values_of_a_singleton_field() -> TestResult
{
    let (server, people) = fake_people_api().await?;
    exact_request(
        "POST",
        "/v1/people:createContact",
        &[("personFields", "names")],
        Some(json!({
            "names": [
                {"givenName": "Ada", "familyName": "Lovelace"},
                {"givenName": "Augusta Ada", "familyName": "King"}
            ]
        })),
    )
    .respond_with(google_error(
        400,
        "INVALID_ARGUMENT",
        "Invalid person.names: a contact can only have one name.",
    ))
    .expect(1)
    .mount(&server)
    .await;

    let two_names = Person::default().set_names([
        Name::default().set_given_name("Ada").set_family_name("Lovelace"),
        Name::default().set_given_name("Augusta Ada").set_family_name("King"),
    ]);
    let error = people
        .people()
        .create_contact(two_names)
        .person_fields("names")
        .send()
        .await
        .err()
        .ok_or("a contact with two names was accepted")?;

    assert_eq!(error.status(), Some(400));
    assert_eq!(error.method(), "people.people.createContact");
    assert!(!error.is_etag_conflict(), "{error}");
    let google = error.google_error().ok_or("no Google error body")?;
    assert_eq!(google.status.as_deref(), Some("INVALID_ARGUMENT"));
    assert!(google.message.contains("only have one name"), "{google}");
    Ok(())
}

#[tokio::test]
async fn people_delete_contact_sends_delete_to_the_contact_path() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request("DELETE", "/v1/people/c8571256481234567890:deleteContact", &[], None)
        .respond_with(json_response(json!({})))
        .expect(1)
        .mount(&server)
        .await;

    let empty = people.people().delete_contact("people/c8571256481234567890").send().await?;

    assert_eq!(empty, Empty::default());
    Ok(())
}

#[tokio::test]
async fn people_delete_contact_photo_sends_person_fields_and_sources_and_decodes_the_person()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "DELETE",
        "/v1/people/c8571256481234567890:deleteContactPhoto",
        &[("personFields", "photos,metadata"), ("sources", "READ_SOURCE_TYPE_CONTACT")],
        None,
    )
    .respond_with(json_response(json!({
        "person": {
            "resourceName": "people/c8571256481234567890",
            "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDE5vUGhvdG9Ob1A9",
            "metadata": {
                "sources": [{"type": "CONTACT", "id": "76f1c9a80b3e9f12", "etag": "#Tm9QaG90bw=="}],
                "objectType": "PERSON"
            },
            "photos": [{
                "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                "url": "https://lh3.googleusercontent.com/cm/AOLgnhY2FkYQ=s100",
                "default": true
            }]
        }
    })))
    .expect(1)
    .mount(&server)
    .await;

    let response = people
        .people()
        .delete_contact_photo("people/c8571256481234567890")
        .person_fields("photos,metadata")
        .sources([ReadSourceType::Contact])
        .send()
        .await?;

    let person = response.person.ok_or("no person after deleting the photo")?;
    assert_eq!(person.photos.len(), 1);
    assert_eq!(person.photos[0].default, Some(true));
    assert_eq!(
        person.photos[0].url.as_deref(),
        Some("https://lh3.googleusercontent.com/cm/AOLgnhY2FkYQ=s100")
    );
    assert_eq!(
        first_source(&person).and_then(|source| source.etag.as_deref()),
        Some("#Tm9QaG90bw==")
    );
    Ok(())
}

#[tokio::test]
async fn people_get_sends_person_fields_request_mask_and_repeated_sources_for_people_me()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people/me",
        &[
            ("personFields", "names,emailAddresses,photos"),
            ("requestMask.includeField", "person.names,person.email_addresses"),
            ("sources", "READ_SOURCE_TYPE_PROFILE"),
            ("sources", "READ_SOURCE_TYPE_CONTACT"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "resourceName": "people/109876543210987654321",
        "etag": "%EgcBAgkLLjc9GgQBAgUHIgxQcm9maWxlRXRhZz0=",
        "metadata": {
            "sources": [{
                "type": "PROFILE",
                "id": "109876543210987654321",
                "etag": "#UHJvZmlsZQ==",
                "profileMetadata": {"objectType": "PERSON", "userTypes": ["GOOGLE_USER"]},
                "updateTime": "2024-01-05T16:42:11.010Z"
            }],
            "objectType": "PERSON"
        },
        "names": [{
            "metadata": {"primary": true, "source": {"type": "PROFILE", "id": "109876543210987654321"}},
            "displayName": "Ada Lovelace",
            "givenName": "Ada",
            "familyName": "Lovelace"
        }],
        "emailAddresses": [{
            "metadata": {
                "primary": true,
                "verified": true,
                "source": {"type": "ACCOUNT", "id": "109876543210987654321"},
                "sourcePrimary": true
            },
            "value": "ada@example.com"
        }],
        "photos": [{
            "metadata": {"primary": true, "source": {"type": "PROFILE", "id": "109876543210987654321"}},
            "url": "https://lh3.googleusercontent.com/a/ACg8ocK=s100",
            "default": true
        }]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let me = people
        .people()
        .get("people/me")
        .person_fields([PersonField::Names, PersonField::EmailAddresses, PersonField::Photos])
        .request_mask_include_field("person.names,person.email_addresses")
        .sources([ReadSourceType::Profile, ReadSourceType::Contact])
        .send()
        .await?;

    assert_eq!(me.resource_name.as_deref(), Some("people/109876543210987654321"));
    assert_eq!(first_display_name(&me), Some("Ada Lovelace"));
    let email = me.email_addresses[0].metadata.as_ref().ok_or("no email metadata")?;
    assert_eq!(email.verified, Some(true));
    assert_eq!(
        email.source.as_ref().and_then(|source| source.r#type.clone()),
        Some(SourceType::Account)
    );
    let source = first_source(&me).ok_or("no source")?;
    assert_eq!(source.r#type, Some(SourceType::Profile));
    let profile = source.profile_metadata.as_ref().ok_or("no profile metadata")?;
    assert_eq!(profile.object_type, Some(ProfileMetadataObjectType::Person));
    assert_eq!(profile.user_types, [ProfileMetadataUserTypesItem::GoogleUser]);
    assert_eq!(me.photos[0].default, Some(true));
    Ok(())
}

#[tokio::test]
async fn people_get_keeps_a_question_mark_and_a_hash_in_the_resource_name_inside_the_path()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request("GET", "/v1/people/c1%3FpersonFields=x%23", &[("personFields", "names")], None)
        .respond_with(json_response(json!({"resourceName": "people/c1"})))
        .expect(1)
        .mount(&server)
        .await;

    let person =
        people.people().get("people/c1?personFields=x#").person_fields("names").send().await?;

    assert_eq!(person.resource_name.as_deref(), Some("people/c1"));
    Ok(())
}

#[tokio::test]
async fn people_get_sends_the_fields_and_quota_user_standard_parameters() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people/c8571256481234567890",
        &[
            ("personFields", "names"),
            ("fields", "resourceName,names(displayName)"),
            ("quotaUser", "user-4711"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "resourceName": "people/c8571256481234567890",
        "names": [{"displayName": "Ada Lovelace"}]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let person = people
        .people()
        .get("people/c8571256481234567890")
        .person_fields("names")
        .fields("resourceName,names(displayName)")
        .quota_user("user-4711")
        .send()
        .await?;

    assert_eq!(person.resource_name.as_deref(), Some("people/c8571256481234567890"));
    assert_eq!(first_display_name(&person), Some("Ada Lovelace"));
    assert_eq!(person.etag, None);
    Ok(())
}

#[tokio::test]
async fn people_get_decodes_a_404_google_error_body() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request("GET", "/v1/people/c4040404040404040404", &[("personFields", "names")], None)
        .respond_with(google_error(404, "NOT_FOUND", "Requested entity was not found."))
        .expect(1)
        .mount(&server)
        .await;

    let error = people
        .people()
        .get("people/c4040404040404040404")
        .person_fields("names")
        .send()
        .await
        .err()
        .ok_or("a missing person was found")?;

    assert_eq!(error.status(), Some(404));
    assert!(error.is_not_found(), "{error}");
    assert_eq!(error.method(), "people.people.get");
    let google = error.google_error().ok_or("no Google error body")?;
    assert_eq!(google.code, 404);
    assert_eq!(google.message, "Requested entity was not found.");
    assert_eq!(google.status.as_deref(), Some("NOT_FOUND"));
    assert!(google.details.is_empty());
    Ok(())
}

#[tokio::test]
async fn people_get_names_the_json_path_of_a_value_of_the_wrong_type() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request("GET", "/v1/people/c1", &[("personFields", "names")], None)
        .respond_with(json_response(json!({
            "resourceName": "people/c1",
            "names": [
                {"displayName": "Ada Lovelace"},
                {"displayName": "Ada King", "metadata": {"primary": "yes"}}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let error = people
        .people()
        .get("people/c1")
        .person_fields("names")
        .send()
        .await
        .err()
        .ok_or("a string decoded as a boolean")?;

    match &error {
        runtime::Error::Decode { method, status, path, .. } => {
            assert_eq!((*method, *status), ("people.people.get", 200));
            assert_eq!(path, "names[1].metadata.primary");
        }
        other => return Err(format!("not a decode error: {other}").into()),
    }
    let message = error.to_string();
    assert!(message.contains("at `names[1].metadata.primary`: invalid type: string"), "{message}");
    Ok(())
}

#[tokio::test]
async fn people_get_batch_get_sends_repeated_resource_names_person_fields_request_mask_and_sources()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people:batchGet",
        &[
            ("resourceNames", "people/me"),
            ("resourceNames", "people/c8571256481234567890"),
            ("resourceNames", "people/c4040404040404040404"),
            ("personFields", "names,emailAddresses"),
            ("requestMask.includeField", "person.names"),
            ("sources", "READ_SOURCE_TYPE_CONTACT"),
            ("sources", "READ_SOURCE_TYPE_PROFILE"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "responses": [
            {
                "httpStatusCode": 200,
                "requestedResourceName": "people/me",
                "person": {
                    "resourceName": "people/109876543210987654321",
                    "etag": "%EgcBAgkLLjc9GgQBAgUHIgxQcm9maWxlRXRhZz0=",
                    "names": [{"displayName": "Ada Lovelace"}]
                },
                "status": {}
            },
            {
                "httpStatusCode": 200,
                "requestedResourceName": "people/c8571256481234567890",
                "person": {
                    "resourceName": "people/c8571256481234567890",
                    "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==",
                    "names": [{"displayName": "Ada Lovelace"}],
                    "emailAddresses": [{"value": "ada@example.com"}]
                },
                "status": {}
            },
            {
                "httpStatusCode": 404,
                "requestedResourceName": "people/c4040404040404040404",
                "status": {"code": 5, "message": "Requested entity was not found."}
            }
        ]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let response = people
        .people()
        .get_batch_get(["people/me", "people/c8571256481234567890", "people/c4040404040404040404"])
        .person_fields("names,emailAddresses")
        .request_mask_include_field("person.names")
        .sources([ReadSourceType::Contact, ReadSourceType::Profile])
        .send()
        .await?;

    assert_eq!(response.responses.len(), 3);
    let me = &response.responses[0];
    assert_eq!(me.requested_resource_name.as_deref(), Some("people/me"));
    let me = me.person.as_ref().ok_or("no person for people/me")?;
    assert_eq!(me.resource_name.as_deref(), Some("people/109876543210987654321"));
    let contact = response.responses[1].person.as_ref().ok_or("no contact")?;
    assert_eq!(first_email(contact), Some("ada@example.com"));
    let missing = &response.responses[2];
    assert_eq!(missing.http_status_code, Some(404));
    assert_eq!(missing.person, None);
    assert_eq!(missing.status.as_ref().and_then(|status| status.code), Some(5));
    Ok(())
}

#[tokio::test]
async fn people_list_directory_people_sends_sources_merge_sources_read_mask_paging_and_sync_parameters()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people:listDirectoryPeople",
        &[
            ("readMask", "names,emailAddresses,organizations"),
            ("sources", "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"),
            ("sources", "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT"),
            ("mergeSources", "DIRECTORY_MERGE_SOURCE_TYPE_CONTACT"),
            ("pageSize", "50"),
            ("pageToken", "CDIQAQ"),
            ("requestSyncToken", "true"),
            ("syncToken", "CKfL2eTtMRoC"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "people": [{
            "resourceName": "people/104400123456789012345",
            "etag": "%EgcBAgkLLjc9GgQBAgUHIgxEb21haW5Qcm9m",
            "metadata": {"sources": [{"type": "DOMAIN_PROFILE", "id": "104400123456789012345", "etag": "#RG9tYWlu"}]},
            "names": [{
                "metadata": {"primary": true, "source": {"type": "DOMAIN_PROFILE", "id": "104400123456789012345"}},
                "displayName": "Annie Easley"
            }],
            "emailAddresses": [{
                "metadata": {"primary": true, "source": {"type": "DOMAIN_PROFILE", "id": "104400123456789012345"}},
                "value": "annie@corp.example.com"
            }],
            "organizations": [{
                "metadata": {"primary": true, "source": {"type": "DOMAIN_PROFILE", "id": "104400123456789012345"}},
                "name": "Example Corp",
                "title": "Rocket Scientist",
                "department": "Propulsion",
                "current": true
            }]
        }],
        "nextPageToken": "CGQQAQ",
        "nextSyncToken": "CLnM2eTtMRoC"
    })))
    .expect(1)
    .mount(&server)
    .await;

    let page = people
        .people()
        .list_directory_people(
            "names,emailAddresses,organizations",
            [DirectorySourceType::DomainProfile, DirectorySourceType::DomainContact],
        )
        .merge_sources([DirectoryMergeSourceType::Contact])
        .page_size(50)
        .page_token("CDIQAQ")
        .request_sync_token(true)
        .sync_token("CKfL2eTtMRoC")
        .send()
        .await?;

    assert_eq!(page.people.len(), 1);
    let annie = &page.people[0];
    assert_eq!(first_display_name(annie), Some("Annie Easley"));
    assert_eq!(
        first_source(annie).and_then(|source| source.r#type.clone()),
        Some(SourceType::DomainProfile)
    );
    assert_eq!(annie.organizations[0].title.as_deref(), Some("Rocket Scientist"));
    assert_eq!(annie.organizations[0].current, Some(true));
    assert_eq!(page.next_page_token.as_deref(), Some("CGQQAQ"));
    assert_eq!(page.next_sync_token.as_deref(), Some("CLnM2eTtMRoC"));
    Ok(())
}

#[tokio::test]
async fn people_search_contacts_sends_the_query_read_mask_page_size_and_sources() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people:searchContacts",
        &[
            ("query", "Ada Love"),
            ("readMask", "names,emailAddresses"),
            ("pageSize", "5"),
            ("sources", "READ_SOURCE_TYPE_CONTACT"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "results": [{
            "person": {
                "resourceName": "people/c8571256481234567890",
                "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==",
                "names": [{
                    "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                    "displayName": "Ada Lovelace"
                }],
                "emailAddresses": [{
                    "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                    "value": "ada@example.com"
                }]
            }
        }]
    })))
    .expect(1)
    .mount(&server)
    .await;

    let response = people
        .people()
        .search_contacts("Ada Love", [PersonField::Names, PersonField::EmailAddresses])
        .page_size(5)
        .sources([ReadSourceType::Contact])
        .send()
        .await?;

    assert_eq!(response.results.len(), 1);
    let ada = response.results[0].person.as_ref().ok_or("no person in the result")?;
    assert_eq!(ada.resource_name.as_deref(), Some("people/c8571256481234567890"));
    assert_eq!(first_display_name(ada), Some("Ada Lovelace"));
    assert_eq!(first_email(ada), Some("ada@example.com"));
    Ok(())
}

#[tokio::test]
async fn people_search_directory_people_sends_an_encoded_query_sources_merge_sources_and_paging()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people:searchDirectoryPeople",
        &[
            // A `+` sent unencoded would arrive as a space.
            ("query", "+1 650 & co"),
            ("readMask", "names,phoneNumbers"),
            ("sources", "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"),
            ("mergeSources", "DIRECTORY_MERGE_SOURCE_TYPE_CONTACT"),
            ("pageSize", "20"),
            ("pageToken", "CBQQAQ"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "people": [{
            "resourceName": "people/104400123456789012345",
            "etag": "%EgcBAgkLLjc9GgQBAgUHIgxEb21haW5Qcm9m",
            "names": [{"displayName": "Annie Easley"}],
            "phoneNumbers": [{
                "metadata": {"primary": true, "source": {"type": "DOMAIN_PROFILE", "id": "104400123456789012345"}},
                "value": "+1 650-555-0142",
                "canonicalForm": "+16505550142",
                "type": "work",
                "formattedType": "Work"
            }]
        }],
        "nextPageToken": "CCgQAQ",
        "totalSize": 23
    })))
    .expect(1)
    .mount(&server)
    .await;

    let page = people
        .people()
        .search_directory_people(
            "+1 650 & co",
            "names,phoneNumbers",
            [DirectorySourceType::DomainProfile],
        )
        .merge_sources([DirectoryMergeSourceType::Contact])
        .page_size(20)
        .page_token("CBQQAQ")
        .send()
        .await?;

    assert_eq!(page.people.len(), 1);
    assert_eq!(page.people[0].phone_numbers[0].canonical_form.as_deref(), Some("+16505550142"));
    assert_eq!(page.next_page_token.as_deref(), Some("CCgQAQ"));
    assert_eq!(page.total_size, Some(23));
    Ok(())
}

#[tokio::test]
async fn people_update_contact_patches_update_person_fields_person_fields_sources_and_the_etagged_person()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request("PATCH", UPDATE_CONTACT_PATH, UPDATE_CONTACT_QUERY, Some(ada_renamed_json()))
        .respond_with(json_response(json!({
            "resourceName": "people/c8571256481234567890",
            "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDEtpbmdLaW5nS2k9",
            "metadata": {
                "sources": [{
                    "type": "CONTACT",
                    "id": "76f1c9a80b3e9f12",
                    "etag": "#S2luZ0tpbmc=",
                    "updateTime": "2024-03-13T11:00:00Z"
                }],
                "objectType": "PERSON"
            },
            "names": [{
                "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                "displayName": "Ada King",
                "givenName": "Ada",
                "familyName": "King"
            }],
            "emailAddresses": [{
                "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                "value": "ada.king@example.com",
                "type": "home",
                "formattedType": "Home"
            }]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let updated = people
        .people()
        .update_contact(
            "people/c8571256481234567890",
            ada_renamed(),
            [PersonField::Names, PersonField::EmailAddresses],
        )
        .person_fields("names,emailAddresses,metadata")
        .sources([ReadSourceType::Contact, ReadSourceType::Profile])
        .send()
        .await?;

    assert_eq!(updated.resource_name.as_deref(), Some("people/c8571256481234567890"));
    assert_eq!(updated.etag.as_deref(), Some("%EgwBAgMJCwwQKS4/PUAaBAECBQciDEtpbmdLaW5nS2k9"));
    assert_eq!(
        first_source(&updated).and_then(|source| source.etag.as_deref()),
        Some("#S2luZ0tpbmc=")
    );
    assert_eq!(first_display_name(&updated), Some("Ada King"));
    assert_eq!(first_email(&updated), Some("ada.king@example.com"));
    assert_eq!(updated.email_addresses[0].formatted_type.as_deref(), Some("Home"));
    Ok(())
}

#[tokio::test]
async fn send_with_metadata_returns_the_status_and_headers_with_the_body() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request("GET", "/v1/people/me", &[("personFields", "names")], None)
        .respond_with(
            json_response(json!({"resourceName": "people/me"}))
                .insert_header("ETag", "\"abc\"")
                .insert_header("X-Goog-Quota-Remaining", "41"),
        )
        .expect(1)
        .mount(&server)
        .await;
    exact_request("DELETE", "/v1/people/c1:deleteContact", &[], None)
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-trace", "t-1"))
        .expect(1)
        .mount(&server)
        .await;

    let response =
        people.people().get("people/me").person_fields("names").send_with_metadata().await?;
    assert_eq!(response.status, 200);
    assert_eq!(response.headers.get("etag"), Some("\"abc\""), "names in any case");
    assert_eq!(response.headers.get("X-Goog-Quota-Remaining"), Some("41"));
    assert_eq!(response.body.resource_name.as_deref(), Some("people/me"));
    let deleted = people.people().delete_contact("people/c1").send_with_metadata().await?;
    assert_eq!(deleted.headers.get("x-request-trace"), Some("t-1"));
    assert!(
        deleted.headers.iter().any(|(name, value)| name == "x-request-trace" && value == "t-1")
    );
    Ok(())
}

#[tokio::test]
async fn a_person_read_edited_and_updated_sends_back_what_a_newer_server_sent() -> TestResult {
    let (server, people) = fake_people_api().await?;
    let newer = json!({
        "resourceName": "people/c8571256481234567890",
        "etag": "%EgUBAgMJCw==",
        "pronouns": [{"value": "she/her"}],
        "names": [{"givenName": "Ada", "pronunciationHint": {"text": "AY-duh"},
                   "metadata": {"source": {"type": "SOME_NEW_SOURCE", "id": "1"}}}]
    });
    exact_request("GET", "/v1/people/c8571256481234567890", &[("personFields", "names")], None)
        .respond_with(json_response(newer.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let mut edited = newer.clone();
    edited["names"][0]["familyName"] = json!("King");
    exact_request(
        "PATCH",
        "/v1/people/c8571256481234567890:updateContact",
        &[("updatePersonFields", "names")],
        Some(edited.clone()),
    )
    .respond_with(json_response(edited))
    .expect(1)
    .mount(&server)
    .await;

    let mut person =
        people.people().get("people/c8571256481234567890").person_fields("names").send().await?;
    person.names[0].family_name = Some("King".into());
    let updated = people
        .people()
        .update_contact("people/c8571256481234567890", person, [PersonField::Names])
        .send()
        .await?;

    assert_eq!(updated.names[0].family_name.as_deref(), Some("King"));
    Ok(())
}

#[tokio::test]
async fn people_update_contact_surfaces_a_stale_etag_as_an_etag_conflict() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request("PATCH", UPDATE_CONTACT_PATH, UPDATE_CONTACT_QUERY, Some(ada_renamed_json()))
        .respond_with(google_error(
            400,
            "FAILED_PRECONDITION",
            "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let error = people
        .people()
        .update_contact("people/c8571256481234567890", ada_renamed(), "names,emailAddresses")
        .person_fields([PersonField::Names, PersonField::EmailAddresses, PersonField::Metadata])
        .sources([ReadSourceType::Contact, ReadSourceType::Profile])
        .send()
        .await
        .err()
        .ok_or("an update with a stale etag was accepted")?;

    assert!(error.is_etag_conflict(), "{error}");
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.method(), "people.people.updateContact");
    assert!(!error.is_not_found());
    let google = error.google_error().ok_or("no Google error body")?;
    assert_eq!(google.code, 400);
    assert_eq!(google.status.as_deref(), Some("FAILED_PRECONDITION"));
    assert!(google.message.contains("person.etag is different"), "{google}");
    Ok(())
}

#[tokio::test]
async fn people_update_contact_refuses_a_contact_group_resource_name_without_sending_anything()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;

    let error = people
        .people()
        .update_contact("contactGroups/x", ada_renamed(), PersonField::Names)
        .send()
        .await
        .err()
        .ok_or("a contact group name was accepted as a person")?;

    let runtime::Error::Validation(validation) = &error else {
        return Err(format!("expected a validation error, got {error:?}").into());
    };
    assert_eq!(validation.method, "people.people.updateContact");
    assert_eq!(validation.parameter, Some("resourceName"));
    assert!(validation.message.contains("contactGroups/x"), "{validation}");
    assert!(validation.message.contains("^people/[^/]+$"), "{validation}");
    assert_eq!(error.status(), None);
    let received = server.received_requests().await.ok_or("request recording is off")?;
    assert!(received.is_empty(), "{} request(s) reached the server", received.len());
    Ok(())
}

#[tokio::test]
async fn people_update_contact_photo_patches_base64_photo_bytes_person_fields_and_sources()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "PATCH",
        "/v1/people/c8571256481234567890:updateContactPhoto",
        &[],
        Some(json!({
            "photoBytes": PHOTO_BASE64,
            "personFields": "photos,metadata",
            "sources": ["READ_SOURCE_TYPE_CONTACT"]
        })),
    )
    .respond_with(json_response(json!({
        "person": {
            "resourceName": "people/c8571256481234567890",
            "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDE5ld1Bob3RvUGg9",
            "metadata": {
                "sources": [{"type": "CONTACT", "id": "76f1c9a80b3e9f12", "etag": "#TmV3UGhvdG8="}],
                "objectType": "PERSON"
            },
            "photos": [{
                "metadata": {"primary": true, "source": {"type": "CONTACT", "id": "76f1c9a80b3e9f12"}},
                "url": "https://lh3.googleusercontent.com/contacts/AG6tpzGX1f=s100"
            }]
        }
    })))
    .expect(1)
    .mount(&server)
    .await;

    let request = UpdateContactPhotoRequest::default()
        .set_photo_bytes(&PHOTO[..])
        .set_person_fields([PersonField::Photos, PersonField::Metadata])
        .set_sources([ReadSourceType::Contact]);
    let response =
        people.people().update_contact_photo("people/c8571256481234567890", request).send().await?;

    let person = response.person.ok_or("no person although personFields was set")?;
    assert_eq!(person.photos.len(), 1);
    assert_eq!(person.photos[0].default, None);
    assert_eq!(
        person.photos[0].url.as_deref(),
        Some("https://lh3.googleusercontent.com/contacts/AG6tpzGX1f=s100")
    );
    assert_eq!(
        first_source(&person).and_then(|source| source.etag.as_deref()),
        Some("#TmV3UGhvdG8=")
    );
    Ok(())
}

#[tokio::test]
async fn people_update_contact_photo_without_person_fields_decodes_a_response_without_person()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "PATCH",
        "/v1/people/c8571256481234567890:updateContactPhoto",
        &[],
        Some(json!({"photoBytes": PHOTO_BASE64})),
    )
    .respond_with(json_response(json!({})))
    .expect(1)
    .mount(&server)
    .await;

    let request = UpdateContactPhotoRequest::default().set_photo_bytes(PHOTO.to_vec());
    let response =
        people.people().update_contact_photo("people/c8571256481234567890", request).send().await?;

    assert_eq!(response.person, None);
    Ok(())
}

// ---------------------------------------------------------------------------
// people.connections
// ---------------------------------------------------------------------------

#[tokio::test]
async fn people_connections_list_sends_every_parameter_for_people_me() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people/me/connections",
        &[
            ("pageSize", "2"),
            ("pageToken", "CAIQAQ"),
            ("personFields", "names,emailAddresses"),
            ("requestMask.includeField", "person.names"),
            ("requestSyncToken", "true"),
            ("sortOrder", "LAST_MODIFIED_DESCENDING"),
            ("sources", "READ_SOURCE_TYPE_CONTACT"),
            ("sources", "READ_SOURCE_TYPE_PROFILE"),
            ("syncToken", "CNbN2eTtMRoC"),
        ],
        None,
    )
    .respond_with(json_response(json!({
        "connections": [
            {
                "resourceName": "people/c8571256481234567890",
                "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDHNqT3hHRHVuUG5vPQ==",
                "names": [{"displayName": "Ada Lovelace"}],
                "emailAddresses": [{"value": "ada@example.com"}]
            },
            {
                "resourceName": "people/c1202717730113948113",
                "etag": "%EgwBAgMJCwwQKS4/PUAaBAECBQciDENoYXJsZXNCYWI=",
                "names": [{"displayName": "Charles Babbage"}]
            }
        ],
        "nextPageToken": "CAQQAQ",
        "nextSyncToken": "COjO2eTtMRoC",
        "totalPeople": 312,
        "totalItems": 312
    })))
    .expect(1)
    .mount(&server)
    .await;

    let page = people
        .people()
        .connections()
        .list("people/me")
        .page_size(2)
        .page_token("CAIQAQ")
        .person_fields([PersonField::Names, PersonField::EmailAddresses])
        .request_mask_include_field("person.names")
        .request_sync_token(true)
        .sort_order(PeopleConnectionsListSortOrder::LastModifiedDescending)
        .sources([ReadSourceType::Contact, ReadSourceType::Profile])
        .sync_token("CNbN2eTtMRoC")
        .send()
        .await?;

    let names: Vec<_> = page.connections.iter().filter_map(first_display_name).collect();
    assert_eq!(names, ["Ada Lovelace", "Charles Babbage"]);
    assert_eq!(page.next_page_token.as_deref(), Some("CAQQAQ"));
    assert_eq!(page.next_sync_token.as_deref(), Some("COjO2eTtMRoC"));
    assert_eq!(page.total_people, Some(312));
    assert_eq!(page.total_items, Some(312));
    Ok(())
}

#[tokio::test]
async fn people_connections_list_items_follow_next_page_token_to_the_last_page() -> TestResult {
    let (server, people) = fake_people_api().await?;
    exact_request(
        "GET",
        "/v1/people/me/connections",
        &[("personFields", "names"), ("pageSize", "2")],
        None,
    )
    .respond_with(json_response(json!({
        "connections": [
            {"resourceName": "people/c8571256481234567890", "names": [{"displayName": "Ada Lovelace"}]},
            {"resourceName": "people/c1202717730113948113", "names": [{"displayName": "Charles Babbage"}]}
        ],
        "nextPageToken": "CAIQAhoHc2Vjb25k",
        "totalPeople": 3,
        "totalItems": 3
    })))
    .expect(1)
    .mount(&server)
    .await;
    exact_request(
        "GET",
        "/v1/people/me/connections",
        &[("personFields", "names"), ("pageSize", "2"), ("pageToken", "CAIQAhoHc2Vjb25k")],
        None,
    )
    .respond_with(json_response(json!({
        "connections": [
            {"resourceName": "people/c5550100123456789012", "names": [{"displayName": "Mary Somerville"}]}
        ],
        "nextSyncToken": "CPrP2eTtMRoC",
        "totalPeople": 3,
        "totalItems": 3
    })))
    .expect(1)
    .mount(&server)
    .await;

    let everyone: Vec<Person> = people
        .people()
        .connections()
        .list("people/me")
        .person_fields("names")
        .page_size(2)
        .items()
        .try_collect()
        .await?;

    let names: Vec<_> = everyone.iter().filter_map(first_display_name).collect();
    assert_eq!(names, ["Ada Lovelace", "Charles Babbage", "Mary Somerville"]);
    Ok(())
}

#[tokio::test]
async fn people_batch_create_contacts_refuses_more_than_200_contacts_without_sending_anything()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).expect(0).mount(&server).await;
    let contact = ContactToCreate::default()
        .set_contact_person(Person::default().set_names([Name::default().set_given_name("Guest")]));

    let request = BatchCreateContactsRequest::default()
        .set_contacts(vec![contact; 201])
        .set_read_mask("names");
    let error = people
        .people()
        .batch_create_contacts(request)
        .send()
        .await
        .err()
        .ok_or("201 contacts were accepted")?;

    let runtime::Error::Validation(validation) = &error else {
        return Err(format!("expected a validation error, got {error:?}").into());
    };
    assert_eq!(validation.method, "people.people.batchCreateContacts");
    assert_eq!(validation.parameter, Some("contacts"));
    assert!(
        validation.message.contains("201") && validation.message.contains("200"),
        "{validation}"
    );
    let received = server.received_requests().await.ok_or("request recording is off")?;
    assert!(received.is_empty(), "{} request(s) reached the server", received.len());
    Ok(())
}

/// `n` contacts named `Guest 1` to `Guest n`.
fn guests(n: usize) -> Vec<ContactToCreate> {
    (1..=n)
        .map(|n| {
            let name = Name::default().set_given_name(format!("Guest {n}"));
            ContactToCreate::default().set_contact_person(Person::default().set_names([name]))
        })
        .collect()
}

/// Answers a batchCreateContacts by creating every contact it was sent, in order.
fn created_as_sent(request: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let created: Vec<Value> = body["contacts"]
        .as_array()
        .map(|contacts| contacts.iter().map(|c| json!({"person": c["contactPerson"]})).collect())
        .unwrap_or_default();
    json_response(json!({"createdPeople": created}))
}

#[tokio::test]
async fn people_batch_create_contacts_in_chunks_sends_450_contacts_as_200_200_and_50_in_order()
-> TestResult {
    let (server, people) = fake_people_api().await?;
    Mock::given(method("POST"))
        .and(path("/v1/people:batchCreateContacts"))
        .and(ExactQuery::new(&[("quotaUser", "importer")]))
        .respond_with(created_as_sent)
        .expect(3)
        .mount(&server)
        .await;

    let request = BatchCreateContactsRequest::default()
        .set_contacts(guests(450))
        .set_read_mask([PersonField::Names])
        .set_sources([ReadSourceType::Contact]);
    let responses: Vec<_> = people
        .people()
        .batch_create_contacts(request)
        .quota_user("importer")
        .send_in_chunks()
        .try_collect()
        .await?;

    let created: Vec<String> = responses
        .iter()
        .flat_map(|response| &response.created_people)
        .filter_map(|entry| entry.person.as_ref().and_then(|p| p.names.first()))
        .filter_map(|name| name.given_name.clone())
        .collect();
    let expected: Vec<String> = (1..=450).map(|n| format!("Guest {n}")).collect();
    assert_eq!(created, expected, "every contact once, in the order given");

    let received = server.received_requests().await.ok_or("request recording is off")?;
    let mut sizes = Vec::new();
    for request in &received {
        let body: Value = serde_json::from_slice(&request.body)?;
        assert_eq!(body["readMask"], "names", "each chunk keeps the read mask");
        assert_eq!(body["sources"], json!(["READ_SOURCE_TYPE_CONTACT"]), "and the sources");
        sizes.push(body["contacts"].as_array().map_or(0, Vec::len));
    }
    assert_eq!(sizes, [200, 200, 50]);
    Ok(())
}

#[tokio::test]
async fn people_batch_create_contacts_in_chunks_stops_at_the_first_failed_chunk() -> TestResult {
    let (server, people) = fake_people_api().await?;
    Mock::given(method("POST"))
        .respond_with(created_as_sent)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"))
        .with_priority(2)
        .mount(&server)
        .await;

    let request = BatchCreateContactsRequest::default().set_contacts(guests(450));
    let outcomes: Vec<_> =
        people.people().batch_create_contacts(request).send_in_chunks().collect().await;

    assert_eq!(outcomes.len(), 2, "one success, one error, then nothing");
    assert_eq!(outcomes[0].as_ref().map(|r| r.created_people.len()).ok(), Some(200));
    let error = outcomes[1].as_ref().err().ok_or("the second chunk succeeded")?;
    assert!(error.is_rate_limited(), "{error}");
    let received = server.received_requests().await.ok_or("request recording is off")?;
    assert_eq!(received.len(), 2, "the third chunk was not sent");
    Ok(())
}
