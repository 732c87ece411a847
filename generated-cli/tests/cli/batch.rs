//! `people batch` against the fake People API: calls read as JSON lines
//! from a file or stdin, sent in HTTP batch requests (`POST /batch`), one
//! JSON line of result per input line in input order, a summary on stderr,
//! and exit 1 when any line failed.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use google_people_v1_fake::{FakePeople, Seed};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TOKEN: &str = "batch-cli-token";

/// A fake holding contacts `people/c1` .. `people/c{count}`, named `P1` ...
async fn seeded(count: usize) -> Result<FakePeople, Box<dyn std::error::Error>> {
    let contacts: Vec<Value> =
        (1..=count).map(|index| json!({"names": [{"givenName": format!("P{index}")}]})).collect();
    let seed: Seed = serde_json::from_value(json!({ "contacts": contacts }))?;
    Ok(FakePeople::builder().seed(seed).start().await?)
}

/// `people` with `args` against `fake`, signed in with a static token,
/// `stdin` written to its standard input.
fn people(fake: &FakePeople, args: &[&str], stdin: &str) -> Result<Output, std::io::Error> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_people"))
        .args(["--base-url", fake.base_url()])
        .args(args)
        .env("GOOGLE_PEOPLE_V1_TOKEN", TOKEN)
        .env_remove("GOOGLE_PEOPLE_V1_BASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes())?;
    }
    child.wait_with_output()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Each line of stdout as JSON.
fn results(output: &Output) -> Result<Vec<Value>, serde_json::Error> {
    stdout(output).lines().map(serde_json::from_str).collect()
}

/// A file holding `lines`, one a line.
fn input_file(name: &str, lines: &[String]) -> Result<PathBuf, std::io::Error> {
    let dir = std::env::temp_dir().join(format!("people-cli-batch-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("calls.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n")?;
    Ok(path)
}

fn get(resource_name: &str) -> String {
    json!({
        "method": "people.people.get",
        "params": {"resourceName": resource_name, "personFields": "names"},
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_of_gets_goes_in_one_batch_request_with_one_result_line_each_in_input_order()
-> TestResult {
    let fake = seeded(3).await?;
    let lines = [get("people/c2"), get("people/c1"), get("people/c404"), get("people/c3")];
    let file = input_file("gets", &lines)?;
    let output = people(&fake, &["batch", "--input", &file.display().to_string()], "")?;

    assert_eq!(output.status.code(), Some(1), "a call failed: {}", stderr(&output));
    let results = results(&output)?;
    assert_eq!(results.len(), 4, "{}", stdout(&output));
    let numbers: Vec<&Value> = results.iter().map(|result| &result["line"]).collect();
    assert_eq!(numbers, [1, 2, 3, 4], "input order");
    for (result, name) in [(&results[0], "P2"), (&results[1], "P1"), (&results[3], "P3")] {
        assert_eq!(result["method"], "people.people.get", "{result}");
        assert_eq!(result["status"], "ok", "{result}");
        assert_eq!(result["response"]["names"][0]["givenName"], name, "{result}");
        assert!(result.get("error").is_none() && result.get("http_status").is_none());
    }
    let missing = &results[2];
    assert_eq!(missing["method"], "people.people.get", "{missing}");
    assert_eq!(missing["status"], "error", "{missing}");
    assert_eq!(missing["http_status"], 404, "{missing}");
    let message = missing["error"].as_str().unwrap_or_default();
    assert!(message.contains("people.people.get: HTTP 404 NOT_FOUND"), "{missing}");
    assert!(missing.get("response").is_none(), "{missing}");

    assert_eq!(fake.served("batch"), 1, "one HTTP request for the four calls");
    assert_eq!(fake.served("people.people.get"), 4);
    let summary = stderr(&output);
    assert!(summary.contains("batch: 4 call(s) in 1 request(s), 1 failed"), "{summary}");
    assert!(!summary.contains(TOKEN) && !stdout(&output).contains(TOKEN));
    assert!(!summary.contains("P1"), "no response on stderr: {summary}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_from_stdin_create_with_a_body_and_get_and_exit_0() -> TestResult {
    let fake = seeded(1).await?;
    let create = json!({
        "method": "people.people.createContact",
        "params": {"personFields": ["names", "emailAddresses"]},
        "body": {"names": [{"givenName": "Ada"}], "emailAddresses": [{"value": "ada@example.com"}]},
    });
    let input = format!("{create}\n\n{}\n", get("people/c1"));
    let output = people(&fake, &["batch"], &input)?;

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let results = results(&output)?;
    assert_eq!(results.len(), 2, "the empty line is no call: {}", stdout(&output));
    assert_eq!(results[0]["line"], 1);
    assert_eq!(results[0]["method"], "people.people.createContact");
    assert_eq!(results[0]["status"], "ok", "{}", results[0]);
    assert_eq!(results[0]["response"]["emailAddresses"][0]["value"], "ada@example.com");
    let created = results[0]["response"]["resourceName"].as_str().ok_or("no resourceName")?;
    let stored = fake.contact(created).ok_or("the contact was not created")?;
    assert_eq!(stored["names"][0]["givenName"], "Ada");
    assert_eq!(results[1]["line"], 3, "the input's own line number");
    assert_eq!(results[1]["response"]["names"][0]["givenName"], "P1");
    // The API asks for mutations one at a time, so the calls after one wait
    // for its answer: the get goes in a second batch request.
    assert_eq!(fake.served("batch"), 2);
    assert!(stderr(&output).contains("batch: 2 call(s) in 2 request(s), 0 failed"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_that_cannot_be_sent_is_an_error_line_of_its_own_and_the_others_still_go()
-> TestResult {
    let fake = seeded(2).await?;
    let lines = [
        get("people/c1"),
        r#"{"method": "people.people.get", "params": {"resourceName": "people/c2""#.to_owned(),
        json!({"method": "people.people.gt", "params": {}}).to_string(),
        json!({"method": "people.people.get", "params": {"resourceName": "people/c2", "personFields": "nmes"}})
            .to_string(),
        json!({"method": "people.people.get", "params": {"personFields": "names"}}).to_string(),
        json!({"method": "people.people.get", "params": {"resourceName": "contactGroups/x", "personFields": "names"}})
            .to_string(),
        json!({"method": "people.people.createContact", "body": {"nmes": []}}).to_string(),
        get("people/c2"),
    ];
    let file = input_file("malformed", &lines)?;
    let output = people(&fake, &["batch", "--input", &file.display().to_string()], "")?;

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let results = results(&output)?;
    assert_eq!(results.len(), 8, "{}", stdout(&output));
    let statuses: Vec<&str> =
        results.iter().map(|result| result["status"].as_str().unwrap_or_default()).collect();
    assert_eq!(statuses, ["ok", "error", "error", "error", "error", "error", "error", "ok"]);
    let error = |index: usize| results[index]["error"].as_str().unwrap_or_default().to_owned();
    assert!(error(1).contains("the line is not JSON"), "{}", results[1]);
    assert_eq!(results[1]["method"], Value::Null, "a line that names no method");
    assert_eq!(results[2]["method"], "people.people.gt");
    assert!(error(2).contains("did you mean `people.people.get`?"), "{}", results[2]);
    assert!(error(3).contains("parameter `personFields`: invalid value 'nmes'"), "{}", results[3]);
    assert!(error(4).contains("`resourceName` is required"), "{}", results[4]);
    assert!(error(5).contains("resourceName"), "the runtime's pattern check: {}", results[5]);
    assert!(error(6).contains("Person has no field `nmes`"), "{}", results[6]);
    for result in &results[1..7] {
        assert!(result.get("http_status").is_none(), "nothing was sent for it: {result}");
    }
    assert_eq!(results[7]["response"]["names"][0]["givenName"], "P2");
    assert_eq!(fake.served("batch"), 1);
    assert_eq!(fake.served("people.people.get"), 2, "only the good lines were sent");
    assert!(fake.snapshot().contacts.len() == 2, "the bad create was not sent");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_explains_the_line_format_and_a_dry_run_sends_nothing() -> TestResult {
    let fake = seeded(1).await?;
    let help = people(&fake, &["batch", "--help"], "")?;
    assert_eq!(help.status.code(), Some(0));
    let text = stdout(&help);
    for expected in [
        r#"{"method": "ID", "params": {"NAME": VALUE, ...}, "body": {...}}"#,
        r#""status": "error", "error": "...", "http_status": 404}"#,
        "POST batch",
        "--input",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }

    let dry = people(&fake, &["batch", "--dry-run"], &get("people/c1"))?;
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).starts_with("GET http"), "{}", stdout(&dry));
    assert!(stdout(&dry).contains("/v1/people/c1?personFields=names"), "{}", stdout(&dry));
    assert_eq!(fake.served("batch"), 0);
    assert_eq!(fake.served("people.people.get"), 0);
    Ok(())
}
