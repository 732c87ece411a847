//! `batch`: calls read as JSON lines (`{"method", "params", "body"}`), each
//! assembled as the method's command assembles it, sent together in the
//! API's HTTP batch requests through the runtime's [`Batch`] (which splits
//! them by its limit and resends what may be retried), and one JSON line of
//! result per input line, in input order.

use std::collections::HashMap;
use std::io::Read;

use clap::ArgMatches;
use gapi_runtime::__engine::{Batch, Call, DEFAULT_MAX_CALLS};
use gapi_runtime::{CallOptions, Error, Slot};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::table::{Api, Kind, Method, Param};
use crate::{Failure, body, credentials, invoke, output};

/// The names a line's `params` may use besides the method's parameters:
/// Google's system parameters that `--fields` and `--quota-user` set.
const SYSTEM_PARAMS: &[&str] = &["fields", "quotaUser"];

/// A line that cannot be sent: the method it names (if it names one) and why.
struct Refused {
    method: Option<String>,
    message: String,
}

/// An input line's call, on its way.
enum Pending {
    /// In the batch: its result will be in the slot.
    Added(&'static str, Slot<Box<RawValue>>),
    /// Failed before it was sent.
    Failed { method: Option<String>, message: String },
}

/// One input line, as written.
struct Line {
    method: String,
    params: Map<String, Value>,
    body: Option<Value>,
}

pub(crate) async fn run(api: &'static Api, matches: &ArgMatches) -> Result<(), Failure> {
    let Some(spec) = api.batch else {
        return Err(Failure::Usage(format!("the {} has no batch endpoint", api.title)));
    };
    let text = read(matches.get_one::<String>("input").map_or("-", String::as_str))?;
    let dry_run = matches.get_flag("dry-run");
    let client = invoke::client(api, matches, dry_run).await?;
    let methods: HashMap<&'static str, &'static Method> =
        api.walk().into_iter().map(|(_, method)| (method.spec.id, method)).collect();
    let calls = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| (index + 1, prepare(api, &methods, &client, matches, line)));
    if dry_run {
        return preview(calls, spec.path);
    }
    let mut batch = Batch::new(&client, spec, DEFAULT_MAX_CALLS);
    let mut pending = Vec::new();
    for (line, prepared) in calls {
        let entry = match prepared {
            Ok((method, call)) => match batch.add(call) {
                Ok(slot) => Pending::Added(method.spec.id, slot),
                Err(error) => Pending::Failed {
                    method: Some(method.spec.id.to_owned()),
                    message: error.to_string(),
                },
            },
            Err(Refused { method, message }) => Pending::Failed { method, message },
        };
        pending.push((line, entry));
    }
    let mut progress = output::Progress::new();
    progress.working(&format!("batch: sending {} call(s)", batch.len()));
    let mut results = batch.send().await;
    let mut failed = 0;
    let mut printed = Vec::with_capacity(pending.len());
    for (line, entry) in pending {
        let result = match entry {
            Pending::Added(method, slot) => match results.take(slot) {
                Ok(response) => match output::compact(response.get()) {
                    Ok(response) => ok_line(line, method, &response),
                    Err(error) => {
                        failed += 1;
                        let message = format!("the response is not JSON: {error}");
                        error_line(line, Some(method), &message, None)
                    }
                },
                Err(error) => {
                    failed += 1;
                    error_line(line, Some(method), &error.to_string(), Some(&error))
                }
            },
            Pending::Failed { method, message } => {
                failed += 1;
                error_line(line, method.as_deref(), &message, None)
            }
        };
        printed.push(result);
    }
    output::lines(&printed)?;
    let total = printed.len();
    progress.summary(&format!(
        "batch: {total} call(s) in {} request(s), {failed} failed",
        results.requests()
    ));
    if failed > 0 {
        return Err(Failure::Call(format!("{failed} of {total} call(s) failed")));
    }
    Ok(())
}

/// `--dry-run`: each line's request as its command's dry run prints it (a
/// line that cannot be sent as its error line), and nothing sent.
fn preview(
    calls: impl Iterator<Item = (usize, Result<(&'static Method, Call), Refused>)>,
    batch_path: &str,
) -> Result<(), Failure> {
    eprintln!(
        "note: each call's request as it would be sent alone; `batch` sends them as the parts \
         of requests to `{batch_path}`"
    );
    let (mut total, mut failed) = (0, 0);
    for (line, prepared) in calls {
        if total > 0 {
            println!();
        }
        total += 1;
        let preview = prepared.and_then(|(method, call)| {
            call.preview().map_err(|error| Refused {
                method: Some(method.spec.id.to_owned()),
                message: error.to_string(),
            })
        });
        match preview {
            Ok(preview) => output::preview(&preview, credentials::REDACTED_AUTHORIZATION)?,
            Err(Refused { method, message }) => {
                failed += 1;
                output::lines(&[error_line(line, method.as_deref(), &message, None)])?;
            }
        }
    }
    output::Progress::new().summary(&format!("batch: {total} call(s), none sent, {failed} failed"));
    if failed > 0 {
        return Err(Failure::Call(format!("{failed} of {total} call(s) failed")));
    }
    Ok(())
}

/// The calls' text: from `path`, or stdin for `-`.
fn read(path: &str) -> Result<String, Failure> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|error| {
            Failure::Usage(format!("cannot read the calls from stdin: {error}"))
        })?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
        .map_err(|error| Failure::Usage(format!("cannot read --input {path}: {error}")))
}

/// A line's call, assembled as its method's command assembles it from flags
/// and `--json`, with `--fields` and `--quota-user` (which the line's own
/// `fields` and `quotaUser` replace).
fn prepare(
    api: &'static Api,
    methods: &HashMap<&'static str, &'static Method>,
    client: &gapi_runtime::Client,
    matches: &ArgMatches,
    text: &str,
) -> Result<(&'static Method, Call), Refused> {
    let Line { method: id, params, body } = parse(text)?;
    let refuse = |message: String| Refused { method: Some(id.clone()), message };
    let Some(&method) = methods.get(id.as_str()) else {
        let known: Vec<&str> = methods.keys().copied().collect();
        let hint = body::closest(&id, &known)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        return Err(refuse(format!("no method `{id}`{hint}")));
    };
    let Values { mut params, system } = values(method, params).map_err(refuse)?;
    match (method.body, &body) {
        (Some(expected), None) => {
            return Err(refuse(format!(
                "the method takes a body, a {}: give it as `body`",
                expected.schema
            )));
        }
        (None, Some(_)) => return Err(refuse("the method takes no body".to_owned())),
        _ => {}
    }
    let values_of = |param: &'static Param| params.remove(param.wire).unwrap_or_default();
    let call = invoke::assemble(api, client, method, values_of, body.as_ref())
        .map_err(|error| refuse(error.to_string()))?;
    let mut call = invoke::global_options(call, matches);
    for (name, value) in system {
        call = match name {
            "fields" => call.fields(value),
            _ => call.quota_user(value),
        };
    }
    Ok((method, call))
}

/// A line's JSON object, its keys checked.
fn parse(text: &str) -> Result<Line, Refused> {
    let refuse = |method: Option<&str>, message: String| Refused {
        method: method.map(str::to_owned),
        message,
    };
    let value: Value = serde_json::from_str(text)
        .map_err(|error| refuse(None, format!("the line is not JSON: {error}")))?;
    let Value::Object(mut object) = value else {
        return Err(refuse(None, "the line is not a JSON object".to_owned()));
    };
    let method = match object.remove("method") {
        Some(Value::String(method)) => method,
        Some(_) => return Err(refuse(None, "`method` is not a string".to_owned())),
        None => return Err(refuse(None, "the line has no `method`".to_owned())),
    };
    let params = match object.remove("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(params)) => params,
        Some(_) => return Err(refuse(Some(&method), "`params` is not an object".to_owned())),
    };
    let body = object.remove("body").filter(|body| !body.is_null());
    if let Some(key) = object.keys().next() {
        let message = format!("unknown key `{key}`: a line has `method`, `params` and `body`");
        return Err(refuse(Some(&method), message));
    }
    Ok(Line { method, params, body })
}

/// A line's parameters: each of the method's as the texts its flag would
/// give, and the system parameters.
struct Values {
    params: HashMap<&'static str, Vec<String>>,
    system: Vec<(&'static str, String)>,
}

/// A line's `params`, checked as the command's flags are checked: a name
/// the method has, a value of the parameter's kind, every required one.
fn values(method: &'static Method, params: Map<String, Value>) -> Result<Values, String> {
    let mut out = Values { params: HashMap::new(), system: Vec::new() };
    for (name, value) in params {
        if value.is_null() {
            continue;
        }
        if let Some(param) = method.params.iter().find(|param| param.wire == name) {
            let texts =
                texts(param, &value).map_err(|message| format!("parameter `{name}`: {message}"))?;
            out.params.insert(param.wire, texts);
        } else if let Some(system) = SYSTEM_PARAMS.iter().find(|system| **system == name) {
            let Value::String(text) = value else {
                return Err(format!("parameter `{name}`: not a string"));
            };
            out.system.push((*system, text));
        } else {
            let known: Vec<&str> = method.params.iter().map(|param| param.wire).collect();
            let hint = body::closest(&name, &known)
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            return Err(format!("{} has no parameter `{name}`{hint}", method.spec.id));
        }
    }
    let missing = method
        .params
        .iter()
        .find(|param| param.required && out.params.get(param.wire).is_none_or(Vec::is_empty));
    if let Some(param) = missing {
        return Err(format!("the parameter `{}` is required", param.wire));
    }
    Ok(out)
}

/// A parameter's JSON value as the texts its flag would give: one value,
/// or a list for a repeated parameter or a field mask (whose items may
/// also be comma-separated, as on the command line).
fn texts(param: &Param, value: &Value) -> Result<Vec<String>, String> {
    let mask = matches!(param.kind, Kind::FieldMask(_));
    let items: Vec<&Value> = match value {
        Value::Array(items) if mask || (param.repeated && !param.path) => items.iter().collect(),
        Value::Array(_) => return Err("takes one value, not a list".to_owned()),
        other => vec![other],
    };
    let mut texts = Vec::new();
    for item in items {
        let text = match item {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            other => return Err(format!("{other} is not a string, a number or a boolean")),
        };
        match param.kind {
            Kind::FieldMask(paths) => {
                for path in text.split(',') {
                    texts.push(one_of(path, paths)?);
                }
            }
            kind => texts.push(checked(kind, &text)?),
        }
    }
    Ok(texts)
}

/// A value's text as the flag's parser reads it, and writes it again.
fn checked(kind: Kind, text: &str) -> Result<String, String> {
    let invalid = |expected: &str| format!("invalid value '{text}': {expected}");
    match kind {
        Kind::Text => Ok(text.to_owned()),
        Kind::Bool => {
            text.parse::<bool>().map(|v| v.to_string()).map_err(|_| invalid("true or false"))
        }
        Kind::Integer => {
            text.parse::<i64>().map(|v| v.to_string()).map_err(|_| invalid("an integer"))
        }
        Kind::Unsigned => {
            text.parse::<u64>().map(|v| v.to_string()).map_err(|_| invalid("an unsigned integer"))
        }
        Kind::Number => text.parse::<f64>().map(|v| v.to_string()).map_err(|_| invalid("a number")),
        Kind::Enum(values) | Kind::FieldMask(values) => one_of(text, values),
    }
}

/// `text` if it is one of `values`.
fn one_of(text: &str, values: &[&str]) -> Result<String, String> {
    if values.contains(&text) {
        return Ok(text.to_owned());
    }
    let hint = match body::closest(text, values) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("one of {}", values.join(", ")),
    };
    Err(format!("invalid value '{text}'; {hint}"))
}

/// `{"line": N, "method": "...", "status": "ok", "response": {...}}`, the
/// response given as compact JSON text.
fn ok_line(line: usize, method: &str, response: &str) -> String {
    format!(
        r#"{{"line":{line},"method":{},"status":"ok","response":{response}}}"#,
        Value::from(method)
    )
}

/// `{"line": N, "method": "...", "status": "error", "error": "...", "http_status": 404,
/// "reason": "..."}`: `method` null when the line names none, `http_status` when
/// the call got an HTTP status, `reason` when Google's answer gave one
/// (`google.rpc.ErrorInfo`, such as `RATE_LIMIT_EXCEEDED`).
fn error_line(line: usize, method: Option<&str>, message: &str, error: Option<&Error>) -> String {
    let method = method.map_or(Value::Null, Value::from);
    let mut extra = String::new();
    if let Some(status) = error.and_then(Error::status) {
        extra.push_str(&format!(r#","http_status":{status}"#));
    }
    if let Some(reason) = error.and_then(Error::google_error).and_then(|google| google.reason()) {
        extra.push_str(&format!(r#","reason":{}"#, Value::from(reason)));
    }
    format!(
        r#"{{"line":{line},"method":{method},"status":"error","error":{}{extra}}}"#,
        Value::from(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_have_their_keys_in_the_documented_order() {
        let response = output::compact("{\n  \"etag\": \"e f\"\n}").expect("JSON");
        let ok = ok_line(3, "people.people.get", &response);
        assert_eq!(
            ok,
            r#"{"line":3,"method":"people.people.get","status":"ok","response":{"etag":"e f"}}"#
        );
        let google = gapi_runtime::GoogleError::from_body(
            429,
            br#"{"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                             "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com"}]}}"#,
        );
        let failed =
            Error::Api { method: "people.people.get", status: 429, error: Box::new(google) };
        let error = error_line(4, Some("people.people.get"), "not \"found\"", Some(&failed));
        assert_eq!(
            error,
            r#"{"line":4,"method":"people.people.get","status":"error","error":"not \"found\"","http_status":429,"reason":"RATE_LIMIT_EXCEEDED"}"#
        );
        assert_eq!(
            error_line(5, None, "the line is not JSON", None),
            r#"{"line":5,"method":null,"status":"error","error":"the line is not JSON"}"#
        );
    }

    #[test]
    fn a_line_must_be_an_object_with_a_method_and_known_keys() {
        let line = parse(r#"{"method": "a.b", "params": {"x": 1}, "body": {"y": 2}}"#)
            .map_err(|refused| refused.message);
        let line = line.expect("a full line parses");
        assert_eq!(line.method, "a.b");
        assert_eq!(line.params.get("x"), Some(&Value::from(1)));
        assert_eq!(line.body, Some(serde_json::json!({"y": 2})));
        for (text, expected) in [
            ("{", "not JSON"),
            ("[1]", "not a JSON object"),
            (r#"{"params": {}}"#, "no `method`"),
            (r#"{"method": 5}"#, "not a string"),
            (r#"{"method": "a.b", "params": []}"#, "`params` is not an object"),
            (r#"{"method": "a.b", "bdy": {}}"#, "unknown key `bdy`"),
        ] {
            let refused = parse(text).err().map(|refused| refused.message).unwrap_or_default();
            assert!(refused.contains(expected), "{text}: {refused}");
        }
    }

    #[test]
    fn values_are_checked_by_kind_as_the_flags_parsers_check_them() {
        assert_eq!(checked(Kind::Integer, "10"), Ok("10".to_owned()));
        assert!(checked(Kind::Integer, "ten").is_err());
        assert!(checked(Kind::Unsigned, "-1").is_err());
        assert_eq!(checked(Kind::Bool, "true"), Ok("true".to_owned()));
        assert_eq!(checked(Kind::Number, "1.5"), Ok("1.5".to_owned()));
        assert_eq!(checked(Kind::Enum(&["A", "B"]), "B"), Ok("B".to_owned()));
        let wrong = checked(Kind::Enum(&["names", "photos"]), "nmes").unwrap_err();
        assert!(wrong.contains("did you mean `names`?"), "{wrong}");
    }
}
