//! One method call from parsed arguments: the library's call assembled from
//! flags and body, then previewed (`--dry-run`) or sent, paged, chunked,
//! uploaded or downloaded through the runtime. `batch` assembles its lines'
//! calls with the same `assemble`.

use std::io::Read;
use std::time::Duration;

use clap::ArgMatches;
use gapi_runtime::__engine::Call;
use gapi_runtime::{CallOptions, Client, Error, Media, Resumable, RetryPolicy, Stream};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::Failure;
use crate::table::{Api, Kind, Method, Param};
use crate::{body, credentials, output};

/// `--upload` content larger than this goes in a resumable session.
const RESUMABLE_ABOVE: u64 = 5 * 1024 * 1024;

/// A page of a list response: its fields, each as the server sent it.
type Page = std::collections::BTreeMap<String, Box<RawValue>>;

pub(crate) async fn run(
    api: &'static Api,
    method: &'static Method,
    matches: &ArgMatches,
) -> Result<(), Failure> {
    let dry_run = matches.get_flag("dry-run");
    let client = client(api, matches, dry_run).await?;
    let json = match method.body {
        Some(_) => {
            let text = read_input(matches.get_one::<String>("json").map_or("{}", String::as_str))?;
            let json: Value = serde_json::from_str(&text)
                .map_err(|error| Failure::Usage(format!("--json is not JSON: {error}")))?;
            Some(json)
        }
        None => None,
    };
    let call = assemble(api, &client, method, |param| flag_values(matches, param), json.as_ref())
        .map_err(|error| Failure::Usage(error.to_string()))?;
    let call = global_options(call, matches);
    let download_to = matches.try_get_one::<String>("output").ok().flatten();
    if dry_run {
        if matches.try_get_one::<String>("upload").ok().flatten().is_some() {
            eprintln!(
                "note: the preview is the call's JSON request; the media goes to the upload URL"
            );
        }
        let previews = match method.chunked_field {
            _ if download_to.is_some() => vec![call.preview_download().map_err(usage_or_call)?],
            Some(field) if matches.get_flag_if_present("chunked") => {
                call.preview_chunks(field).map_err(usage_or_call)?
            }
            _ => vec![call.preview().map_err(usage_or_call)?],
        };
        for (index, preview) in previews.iter().enumerate() {
            if index > 0 {
                println!();
            }
            output::preview(preview, credentials::REDACTED_AUTHORIZATION)?;
        }
        return Ok(());
    }
    let format = output::Format::from_matches(matches);
    if let Some(path) = download_to {
        if path == "-" {
            let mut download = call.download().await.map_err(usage_or_call)?;
            return output::download(&mut download, path).await;
        }
        let mut progress = output::Progress::new();
        let downloaded =
            call.download_to_file(path, move |done| progress.transfer("download", done)).await;
        progress.end_line();
        downloaded.map_err(usage_or_call)?;
        return Ok(());
    }
    if let (Some(upload), Ok(Some(path))) = (method.upload, matches.try_get_one::<String>("upload"))
    {
        // `--upload-type` has a default, so it is always there with `--upload`.
        let content_type = matches
            .try_get_one::<String>("upload-type")
            .ok()
            .flatten()
            .map_or(crate::command::DEFAULT_UPLOAD_TYPE, String::as_str)
            .to_owned();
        let media = Media::from_file(content_type, path)
            .map_err(|error| Failure::Usage(format!("cannot read --upload {path}: {error}")))?;
        // Google's advice: one request for small content, a resumable
        // session (read a chunk at a time, resumed after a failure) above.
        let resumable =
            method.upload_resumable && media.size().is_some_and(|size| size > RESUMABLE_ABOVE);
        let response: Box<RawValue> = if resumable {
            let mut progress = output::Progress::new();
            let media =
                Resumable::new(media).progress(move |done| progress.transfer("upload", done));
            let response = call.upload_resumable(upload, media).await;
            progress.end_line();
            response
        } else {
            call.upload(upload, media).await
        }
        .map_err(usage_or_call)?;
        return format.print_response(method, &response);
    }
    if matches.get_flag_if_present("chunked") {
        if let Some(field) = method.chunked_field {
            let responses = call.send_in_chunks::<Box<RawValue>>(field);
            let mut responses = std::pin::pin!(responses);
            while let Some(response) = next(&mut responses).await {
                format.print_response(method, &response.map_err(usage_or_call)?)?;
            }
            return Ok(());
        }
    }
    if let (Some(pages), true) = (method.pages, matches.get_flag_if_present("page-all")) {
        return page_all(call, pages, &format).await;
    }
    if method.response.is_none() {
        return call.send_empty().await.map_err(usage_or_call);
    }
    let response: Box<RawValue> = call.send().await.map_err(usage_or_call)?;
    format.print_response(method, &response)
}

/// Prints every page's items as they come (JSON lines, or table rows) and
/// a progress line on stderr. The runtime follows the page tokens, as the
/// library's `pages()` does: a repeated token ends it with an error.
async fn page_all(
    call: Call,
    pages: crate::table::Pages,
    format: &output::Format,
) -> Result<(), Failure> {
    let next_token_field = pages.next_token_field;
    let stream = call.pages(pages.token_param, move |page: &Page| {
        page.get(next_token_field).and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
    });
    let mut stream = std::pin::pin!(stream);
    let (mut count, mut number) = (0usize, 0usize);
    let mut progress = output::Progress::new();
    let mut table = format.table();
    while let Some(page) = next(&mut stream).await {
        let page = page.map_err(usage_or_call)?;
        number += 1;
        let items: Vec<Box<RawValue>> = match pages.items_field {
            Some(field) => match page.get(field) {
                Some(raw) => serde_json::from_str(raw.get()).map_err(|error| {
                    Failure::Call(format!("a page's `{field}` is not a list: {error}"))
                })?,
                None => Vec::new(),
            },
            // No list field to take the items from: each page is one line.
            None => vec![
                serde_json::value::to_raw_value(&page)
                    .map_err(|error| Failure::Call(format!("cannot print a page: {error}")))?,
            ],
        };
        count += items.len();
        for item in &items {
            match &mut table {
                Some(table) => table.push(item),
                None => output::json_line(item.get())?,
            }
        }
        progress.update(number, count);
    }
    progress.finish(number, count);
    if let Some(table) = table {
        table.print()?;
    }
    Ok(())
}

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

/// The client for this invocation: endpoint, credentials, timeout and retries.
pub(crate) async fn client(
    api: &'static Api,
    matches: &ArgMatches,
    dry_run: bool,
) -> Result<Client, Failure> {
    let mut builder = Client::builder(api.info);
    if let Some(url) = matches.get_one::<String>("base-url") {
        builder = builder.base_url(url.clone());
    }
    if let Some(seconds) = matches.get_one::<u64>("timeout") {
        builder = builder.timeout(Some(Duration::from_secs(*seconds)));
    }
    if matches.get_flag("no-retry") {
        builder = builder.retry(RetryPolicy::never());
    }
    builder = if dry_run {
        // A dry run never fetches a credential: it may open a browser.
        builder.authenticator(gapi_runtime::auth::Anonymous)
    } else {
        credentials::authenticate(api, matches, builder).await?
    };
    builder.build().map_err(|error| Failure::Usage(error.to_string()))
}

/// The call of `method` through `client`: each parameter's values (text
/// already checked against its kind; none when it is not set) and the
/// body, if the method takes one. What a method's command sends for its flags and
/// `--json`, and what `batch` adds for a line's `params` and `body`.
pub(crate) fn assemble(
    api: &Api,
    client: &Client,
    method: &'static Method,
    values_of: impl FnMut(&'static Param) -> Vec<String>,
    json: Option<&Value>,
) -> Result<Call, body::BodyError> {
    let mut call = Call::new(client, method.spec);
    set_params(&mut call, method, values_of);
    if let (Some(body), Some(json)) = (method.body, json) {
        set_body(api, method, body, &mut call, json)?;
    }
    Ok(call)
}

/// `--fields` and `--quota-user`, which apply to every call of a command.
pub(crate) fn global_options(mut call: Call, matches: &ArgMatches) -> Call {
    if let Some(text) = matches.get_one::<String>("fields") {
        call = call.fields(text.clone());
    }
    if let Some(user) = matches.get_one::<String>("quota-user") {
        call = call.quota_user(user.clone());
    }
    call
}

/// The body onto the call: its field names checked against the schema, the
/// documented caps recorded, then decoded into the library's type and
/// serialised as the library does.
fn set_body(
    api: &Api,
    method: &Method,
    body: crate::table::Body,
    call: &mut Call,
    json: &Value,
) -> Result<(), body::BodyError> {
    body::check_fields(api, body.schema, json)?;
    for (field, max) in method.body_limits {
        let len = json.get(*field).and_then(Value::as_array).map_or(0, Vec::len);
        call.limit_len(field, len, *max);
    }
    let encoded = (body.encode)(json)?;
    call.set_json_body(&encoded);
    Ok(())
}

/// A flag's values as text (clap has checked them against the parameter's kind).
fn flag_values(matches: &ArgMatches, param: &Param) -> Vec<String> {
    match param.kind {
        Kind::Bool => values::<bool>(matches, param.wire),
        Kind::Integer => values::<i64>(matches, param.wire),
        Kind::Unsigned => values::<u64>(matches, param.wire),
        Kind::Number => values::<f64>(matches, param.wire),
        Kind::Text | Kind::Enum(_) | Kind::FieldMask(_) => values::<String>(matches, param.wire),
    }
}

/// Each parameter's values onto the call, as the library's setters put them.
fn set_params(
    call: &mut Call,
    method: &'static Method,
    mut values_of: impl FnMut(&'static Param) -> Vec<String>,
) {
    for param in method.params {
        let values = values_of(param);
        if values.is_empty() {
            continue;
        }
        if param.path {
            let value = values.into_iter().next().unwrap_or_default();
            call.path_param(param.wire, value, param.pattern);
        } else if matches!(param.kind, Kind::FieldMask(_)) {
            call.set_query(param.wire, values.join(","));
        } else if param.repeated {
            call.set_query_all(param.wire, values);
        } else if let Some(value) = values.into_iter().next() {
            call.set_query(param.wire, value);
        }
    }
}

fn values<T: Clone + Send + Sync + std::fmt::Display + 'static>(
    matches: &ArgMatches,
    id: &str,
) -> Vec<String> {
    matches.get_many::<T>(id).into_iter().flatten().map(ToString::to_string).collect()
}

/// `--json`'s text: as given, from `@FILE`, or from stdin for `-`.
fn read_input(argument: &str) -> Result<String, Failure> {
    if argument == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| Failure::Usage(format!("cannot read the body from stdin: {error}")))?;
        return Ok(text);
    }
    match argument.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|error| Failure::Usage(format!("cannot read --json @{path}: {error}"))),
        None => Ok(argument.to_owned()),
    }
}

/// A runtime error as a failure: what the caller got wrong is a usage
/// mistake (exit 2), anything else a failed call (exit 1).
pub(crate) fn usage_or_call(error: Error) -> Failure {
    match &error {
        Error::Validation(_) => Failure::Usage(error.to_string()),
        _ => Failure::Call(output::describe_error(&error)),
    }
}

trait FlagIfPresent {
    /// Whether the flag `id` is set, for flags only some methods define.
    fn get_flag_if_present(&self, id: &str) -> bool;
}

impl FlagIfPresent for ArgMatches {
    fn get_flag_if_present(&self, id: &str) -> bool {
        matches!(self.try_get_one::<bool>(id), Ok(Some(true)))
    }
}
