//! The generated `people` binary driven as a user drives it, against the
//! fake People API over real HTTP: a contact's life (create, get, update
//! with its etag, a stale etag, photo, delete), a list over several pages,
//! a batch from a file in chunks, usage mistakes, and credentials.

use std::path::PathBuf;
use std::process::{Command, Output};

use google_people_v1_fake::FakePeople;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Runs `people` with `args` against `fake`, signed in with a static token.
fn people(fake: &FakePeople, args: &[&str]) -> Result<Output, std::io::Error> {
    Command::new(env!("CARGO_BIN_EXE_people"))
        .args(["--base-url", fake.base_url()])
        .args(args)
        .env("GOOGLE_PEOPLE_V1_TOKEN", "cli-test-token")
        .env_remove("GOOGLE_PEOPLE_V1_BASE_URL")
        .output()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSON a successful command printed (stdout is a pipe: compact JSON).
fn json_of(output: &Output) -> Result<Value, Box<dyn std::error::Error>> {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(output));
    Ok(serde_json::from_slice(&output.stdout)?)
}

fn scratch(name: &str) -> Result<PathBuf, std::io::Error> {
    let dir = std::env::temp_dir().join(format!("people-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The smallest PNG header the fake's image check accepts.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1]);
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_lives_through_create_get_update_stale_etag_photo_and_delete() -> TestResult {
    let fake = FakePeople::start().await?;
    let created = json_of(&people(
        &fake,
        &[
            "people",
            "create-contact",
            "--person-fields",
            "names,emailAddresses,metadata",
            "--json",
            r#"{"names":[{"givenName":"Ada","familyName":"Lovelace"}],"emailAddresses":[{"value":"ada@example.com"}]}"#,
        ],
    )?)?;
    let name = created["resourceName"].as_str().ok_or("no resourceName")?.to_owned();
    let etag = created["etag"].as_str().ok_or("no etag")?.to_owned();
    assert!(created["metadata"]["sources"][0]["etag"].is_string(), "{created}");

    let read = json_of(&people(&fake, &["people", "get", &name, "--person-fields", "names"])?)?;
    assert_eq!(read["names"][0]["givenName"], "Ada");
    assert!(read.get("emailAddresses").is_none(), "only the fields asked for: {read}");
    let partial = json_of(&people(
        &fake,
        &["people", "get", &name, "--person-fields", "names,emailAddresses", "--fields", "etag"],
    )?)?;
    assert_eq!(partial, json!({"etag": etag}), "--fields asks for a partial response");

    // The person as read, edited: its etag and sources say which version it changes.
    let mut update = created.clone();
    update["names"] = json!([{"givenName": "Augusta", "familyName": "King"}]);
    let updated = json_of(&people(
        &fake,
        &[
            "people",
            "update-contact",
            &name,
            "--update-person-fields",
            "names",
            "--json",
            &update.to_string(),
        ],
    )?)?;
    assert_eq!(updated["names"][0]["givenName"], "Augusta");
    assert_ne!(updated["etag"], etag.as_str());

    // The same etag again is stale now: Google's error, exit 1.
    let stale = people(
        &fake,
        &[
            "people",
            "update-contact",
            &name,
            "--update-person-fields",
            "names",
            "--json",
            &update.to_string(),
        ],
    )?;
    assert_eq!(stale.status.code(), Some(1), "{}", stderr(&stale));
    let message = stderr(&stale);
    assert!(
        message.contains("people.people.updateContact: HTTP 400 FAILED_PRECONDITION"),
        "{message}"
    );

    // A photo from a file: the body file carries the image, base64.
    let dir = scratch("photo")?;
    let photo = dir.join("photo.json");
    let bytes = base64_encode(&png());
    std::fs::write(&photo, json!({"photoBytes": bytes, "personFields": "photos"}).to_string())?;
    let with_photo = json_of(&people(
        &fake,
        &["people", "update-contact-photo", &name, "--json", &format!("@{}", photo.display())],
    )?)?;
    assert!(with_photo["person"]["photos"][0]["url"].is_string(), "{with_photo}");

    let deleted = people(&fake, &["people", "delete-contact", &name])?;
    assert_eq!(deleted.status.code(), Some(0), "{}", stderr(&deleted));
    assert_eq!(stdout(&deleted), "{}\n", "the method's `Empty` response");
    let gone = people(&fake, &["people", "get", &name, "--person-fields", "names"])?;
    assert_eq!(gone.status.code(), Some(1));
    assert!(stderr(&gone).contains("HTTP 404 NOT_FOUND"), "{}", stderr(&gone));
    assert!(fake.contact(&name).is_none());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_from_a_file_goes_in_chunks_and_page_all_lists_every_contact_as_json_lines()
-> TestResult {
    let fake = FakePeople::start().await?;
    let contacts: Vec<Value> = (1..=250)
        .map(|n| json!({"contactPerson": {"names": [{"givenName": format!("Guest{n:03}")}]}}))
        .collect();
    let dir = scratch("batch")?;
    let file = dir.join("contacts.json");
    std::fs::write(&file, json!({"contacts": contacts, "readMask": "names"}).to_string())?;
    let body = format!("@{}", file.display());

    // Over the documented cap of 200 without --chunked: refused before sending.
    let refused = people(&fake, &["people", "batch-create-contacts", "--json", &body])?;
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(fake.snapshot().contacts.is_empty(), "nothing was sent");

    // A dry run shows each request the chunks would go in, and sends none.
    let dry = people(
        &fake,
        &["people", "batch-create-contacts", "--json", &body, "--chunked", "--dry-run"],
    )?;
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    let printed = stdout(&dry);
    let requests = printed.lines().filter(|line| line.starts_with("POST ")).count();
    assert_eq!(requests, 2, "{printed}");
    let bodies: Vec<usize> = printed
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| {
            serde_json::from_str::<Value>(line)
                .map(|b| b["contacts"].as_array().map_or(0, Vec::len))
        })
        .collect::<Result<_, _>>()?;
    assert_eq!(bodies, [200, 50]);
    assert!(fake.snapshot().contacts.is_empty(), "a dry run sends nothing");

    let chunked =
        people(&fake, &["people", "batch-create-contacts", "--json", &body, "--chunked"])?;
    assert_eq!(chunked.status.code(), Some(0), "{}", stderr(&chunked));
    let sizes: Vec<usize> = stdout(&chunked)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line)
                .map(|r| r["createdPeople"].as_array().map_or(0, Vec::len))
        })
        .collect::<Result<_, _>>()?;
    assert_eq!(sizes, [200, 50], "one response per request");
    assert_eq!(fake.snapshot().contacts.len(), 250);

    let listed = people(
        &fake,
        &[
            "people",
            "connections",
            "list",
            "people/me",
            "--person-fields",
            "names",
            "--page-size",
            "100",
            "--page-all",
        ],
    )?;
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let names: Vec<String> = stdout(&listed)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).map(|person| {
                person["names"][0]["givenName"].as_str().unwrap_or_default().to_owned()
            })
        })
        .collect::<Result<_, _>>()?;
    assert_eq!(names.len(), 250, "every item of the three pages, one a line");
    assert!(names.contains(&"Guest001".to_owned()) && names.contains(&"Guest250".to_owned()));
    let progress = stderr(&listed);
    assert!(progress.contains("3 page(s), 250 item(s)"), "progress on stderr: {progress}");

    let table = people(
        &fake,
        &[
            "people",
            "connections",
            "list",
            "people/me",
            "--person-fields",
            "names",
            "--page-size",
            "2",
            "--format",
            "table",
            "--columns",
            "resourceName,names.givenName",
        ],
    )?;
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "a header and one row per item of the page: {text}");
    assert!(lines[0].starts_with("RESOURCENAME") && lines[0].contains("NAMES.GIVENNAME"), "{text}");
    assert!(lines[1].starts_with("people/c"), "{text}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_are_usage_errors_with_their_place_and_nothing_is_sent() -> TestResult {
    let fake = FakePeople::start().await?;
    let cases: [(&[&str], &str); 5] = [
        (
            &["people", "create-contact", "--json", r#"{"nmes":[]}"#],
            "$.nmes: Person has no field `nmes`; did you mean `names`?",
        ),
        (
            &["people", "create-contact", "--json", r#"{"names":[{"givenName":5}]}"#],
            "$.names[0].givenName",
        ),
        (&["people", "get", "people/c1", "--person-fields", "nmes"], "invalid value 'nmes'"),
        (
            &["people", "connections", "list", "people/me", "--page-size", "ten"],
            "invalid value 'ten'",
        ),
        (&["people", "get", "contactGroups/x", "--person-fields", "names"], "resourceName"),
    ];
    for (args, expected) in cases {
        let output = people(&fake, args)?;
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(expected), "{args:?}: {}", stderr(&output));
    }
    assert!(fake.snapshot().contacts.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_prints_a_methods_parameters_and_a_types_fields() -> TestResult {
    let fake = FakePeople::start().await?;
    let method = stdout(&people(&fake, &["schema", "people.people.get"])?);
    assert!(method.contains("--person-fields (personFields) [field mask]"), "{method}");
    assert!(method.contains("values: addresses, ageRanges"), "{method}");
    let by_words = stdout(&people(&fake, &["schema", "people", "connections", "list"])?);
    assert!(by_words.contains("people.people.connections.list"), "{by_words}");
    let ty = stdout(&people(&fake, &["schema", "Person"])?);
    assert!(ty.contains("names (array of Name)"), "{ty}");
    let unknown = people(&fake, &["schema", "Persn"])?;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `Person`?"), "{}", stderr(&unknown));
    let bash = stdout(&people(&fake, &["completions", "bash"])?);
    assert!(
        bash.contains("create-contact") && bash.contains("emailAddresses"),
        "completions offer commands and mask paths"
    );
    Ok(())
}

/// RFC 4648 base64, for the photo body.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
