//! updateContactPhoto and deleteContactPhoto.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::support::Api;

const PHOTO: &str = "v1/people/c1:updateContactPhoto";

/// A PNG signature followed by bytes whose base64 differs between the
/// standard and URL-safe alphabets and needs padding.
fn png() -> Vec<u8> {
    [b"\x89PNG\r\n\x1a\n".as_slice(), &[0xfb, 0xef, 0xff, 0xfe, 0xff]].concat()
}

fn photo_url(person: &Value) -> &str {
    person["photos"][0]["url"].as_str().expect("a photo url")
}

#[tokio::test]
async fn photo_bytes_are_accepted_in_every_base64_variant() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    let image = png();
    let encodings = [
        STANDARD.encode(&image),
        STANDARD_NO_PAD.encode(&image),
        URL_SAFE.encode(&image),
        URL_SAFE_NO_PAD.encode(&image),
    ];
    assert!(encodings[0].contains(['+', '/']) && encodings[0].ends_with('='));
    assert!(encodings[2].contains(['-', '_']));
    for encoded in encodings {
        let body = json!({"photoBytes": encoded, "personFields": "photos"});
        let person = api.patch(PHOTO, body).await.ok()["person"].clone();
        assert!(photo_url(&person).starts_with("https://lh3.googleusercontent.com/contacts/"));
        assert_eq!(person["photos"][0]["metadata"]["source"]["type"], "CONTACT");
    }
}

#[tokio::test]
async fn photo_bytes_that_are_not_base64_or_not_an_image_are_400() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    for photo_bytes in ["%%%not base64%%%", &STANDARD.encode(b"just some text"), ""] {
        let reply = api.patch(PHOTO, json!({"photoBytes": photo_bytes})).await;
        reply.assert_error(400, "INVALID_ARGUMENT");
    }
    let jpeg = STANDARD.encode([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    assert_eq!(api.patch(PHOTO, json!({"photoBytes": jpeg})).await.status, 200);
}

#[tokio::test]
async fn the_person_is_returned_only_when_person_fields_is_set() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    let bytes = STANDARD.encode(png());
    assert_eq!(api.patch(PHOTO, json!({"photoBytes": bytes})).await.ok(), json!({}));
    let with_fields =
        api.patch(PHOTO, json!({"photoBytes": bytes, "personFields": "names"})).await.ok();
    assert_eq!(with_fields["person"]["names"][0]["givenName"], "Ada");
    assert_eq!(api.delete("v1/people/c1:deleteContactPhoto").await.ok(), json!({}));
}

#[tokio::test]
async fn a_new_photo_replaces_the_previous_one_and_changes_the_etag() {
    let api = Api::start().await;
    let before = api.create_named("Ada", "Lovelace").await;
    let first = json!({"photoBytes": STANDARD.encode(png()), "personFields": "photos"});
    let first = api.patch(PHOTO, first).await.ok()["person"].clone();
    let gif =
        json!({"photoBytes": STANDARD.encode(b"GIF89a\x01\x00\x01\x00"), "personFields": "photos"});
    let second = api.patch(PHOTO, gif).await.ok()["person"].clone();
    assert_eq!(second["photos"].as_array().unwrap().len(), 1);
    assert_ne!(photo_url(&first), photo_url(&second));
    assert_ne!(before["etag"], first["etag"]);
    assert_ne!(first["etag"], second["etag"]);
    assert_eq!(api.fake.contact("people/c1").unwrap()["photos"], second["photos"]);
}

#[tokio::test]
async fn delete_contact_photo_removes_it() {
    let api = Api::start().await;
    api.create_named("Ada", "Lovelace").await;
    api.patch(PHOTO, json!({"photoBytes": STANDARD.encode(png())})).await.ok();
    let deleted =
        api.delete("v1/people/c1:deleteContactPhoto?personFields=photos,names").await.ok();
    assert!(deleted["person"].get("photos").is_none());
    assert_eq!(deleted["person"]["names"][0]["givenName"], "Ada");
    assert!(api.fake.contact("people/c1").unwrap().get("photos").is_none());
    api.delete("v1/people/c9:deleteContactPhoto").await.assert_error(404, "NOT_FOUND");
    let unknown =
        api.patch("v1/people/c9:updateContactPhoto", json!({"photoBytes": STANDARD.encode(png())}));
    unknown.await.assert_error(404, "NOT_FOUND");
}
