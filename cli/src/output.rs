//! What a command prints: responses as JSON (pretty on a terminal, compact
//! in a pipe) in the server's own field order, list items as JSON lines or
//! table rows, dry-run requests, downloads, and errors with Google's detail.

use std::io::{IsTerminal, Write};

use clap::ArgMatches;
use gapi_runtime::__engine::Preview;
use gapi_runtime::{Download, Error, ErrorDetail};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::Failure;
use crate::table::Method;

fn write_failure(error: std::io::Error) -> Failure {
    Failure::Call(format!("cannot write the output: {error}"))
}

/// Whether stdout is a terminal (pretty JSON) or a pipe (compact).
fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Flushes stdout, reporting a closed pipe as a failure rather than a panic.
pub(crate) fn flush() -> Result<(), Failure> {
    std::io::stdout().flush().map_err(write_failure)
}

/// `--format` and `--columns`.
pub(crate) struct Format {
    table: bool,
    columns: Vec<String>,
}

impl Format {
    pub(crate) fn from_matches(matches: &ArgMatches) -> Self {
        Self {
            table: matches.get_one::<String>("format").is_some_and(|format| format == "table"),
            columns: matches.get_many::<String>("columns").into_iter().flatten().cloned().collect(),
        }
    }

    /// A table to fill when the output is one.
    pub(crate) fn table(&self) -> Option<Table> {
        self.table.then(|| Table::new(self.columns.clone()))
    }

    /// One response: as JSON, or as the rows of its list (or itself).
    pub(crate) fn print_response(
        &self,
        method: &Method,
        response: &RawValue,
    ) -> Result<(), Failure> {
        let Some(mut table) = self.table() else {
            return json(response.get(), stdout_is_terminal());
        };
        let items_field = method.pages.and_then(|pages| pages.items_field);
        let value: Value = serde_json::from_str(response.get())
            .map_err(|error| Failure::Call(format!("the response is not JSON: {error}")))?;
        match items_field.and_then(|field| value.get(field)) {
            Some(Value::Array(items)) => {
                items.iter().for_each(|item| table.push_value(item.clone()))
            }
            Some(_) => {}
            None if items_field.is_some() => {}
            None => table.push_value(value),
        }
        table.print()
    }
}

/// Prints JSON text, pretty or compact, keeping the server's field order.
pub(crate) fn json(text: &str, pretty: bool) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    transcode(text, &mut out, pretty)
        .map_err(|error| Failure::Call(format!("cannot print the response: {error}")))?;
    writeln!(out).map_err(write_failure)?;
    drop(out);
    flush()
}

/// JSON text on one line, whitespace outside strings dropped, the server's
/// field order kept.
pub(crate) fn compact(text: &str) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(text.len());
    transcode(text, &mut out, false)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Writes JSON text again, pretty or compact, value by value as it is read.
fn transcode(text: &str, out: impl Write, pretty: bool) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    if pretty {
        serde_transcode::transcode(&mut deserializer, &mut serde_json::Serializer::pretty(out))
    } else {
        serde_transcode::transcode(&mut deserializer, &mut serde_json::Serializer::new(out))
    }
}

/// One item as one line of JSON.
pub(crate) fn json_line(text: &str) -> Result<(), Failure> {
    json(text, false)
}

/// The running count of `--page-all` on stderr: rewritten in place on a
/// terminal, a line per page otherwise; `batch`'s summary; the progress
/// bars of `--upload` and `--output`.
#[derive(Clone, Copy)]
pub(crate) struct Progress {
    terminal: bool,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Self { terminal: std::io::stderr().is_terminal() }
    }

    pub(crate) fn update(&mut self, pages: usize, items: usize) {
        let line = format!("{pages} page(s), {items} item(s)");
        if self.terminal {
            eprint!("\r{line}");
        } else {
            eprintln!("{line}");
        }
    }

    pub(crate) fn finish(&mut self, pages: usize, items: usize) {
        if self.terminal {
            eprintln!("\r{pages} page(s), {items} item(s): done");
        }
    }

    /// A transfer's progress bar, on a terminal only: `upload: 12.0 of 64.0
    /// MiB (18%)`, rewritten in place until [`Self::end_line`].
    pub(crate) fn transfer(&mut self, verb: &str, progress: gapi_runtime::Progress) {
        if !self.terminal {
            return;
        }
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let done = mib(progress.done);
        match progress.total {
            Some(total) => {
                let percent = (progress.done * 100).checked_div(total).unwrap_or(100);
                eprint!("\r{verb}: {done:.1} of {:.1} MiB ({percent}%)", mib(total));
            }
            None => eprint!("\r{verb}: {done:.1} MiB"),
        }
    }

    /// Ends the line of a progress bar.
    pub(crate) fn end_line(&self) {
        if self.terminal {
            eprintln!();
        }
    }

    /// What is under way, on a terminal only (the summary replaces it).
    pub(crate) fn working(&mut self, line: &str) {
        if self.terminal {
            eprint!("\r{line}");
        }
    }

    /// The last line, always printed: in place of [`Self::working`]'s on a terminal.
    pub(crate) fn summary(&mut self, line: &str) {
        if self.terminal {
            eprintln!("\r{line}");
        } else {
            eprintln!("{line}");
        }
    }
}

/// Lines of text (JSON lines) on stdout, each as one line.
pub(crate) fn lines(lines: &[String]) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in lines {
        writeln!(out, "{line}").map_err(write_failure)?;
    }
    out.flush().map_err(write_failure)?;
    drop(out);
    flush()
}

/// Rows of items under chosen columns, printed aligned.
pub(crate) struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(columns: Vec<String>) -> Self {
        let columns = if columns.is_empty() { default_columns() } else { columns };
        Self { columns, rows: Vec::new() }
    }

    pub(crate) fn push(&mut self, item: &RawValue) {
        if let Ok(value) = serde_json::from_str::<Value>(item.get()) {
            self.push_value(value);
        }
    }

    fn push_value(&mut self, item: Value) {
        let row = self.columns.iter().map(|column| cell(&item, column)).collect();
        self.rows.push(row);
    }

    pub(crate) fn print(&self) -> Result<(), Failure> {
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(index, column)| {
                self.rows
                    .iter()
                    .filter_map(|row| row.get(index))
                    .map(|cell| cell.chars().count())
                    .chain([column.chars().count()])
                    .max()
                    .unwrap_or_default()
            })
            .collect();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let header: Vec<String> = self.columns.iter().map(|column| column.to_uppercase()).collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let line: Vec<String> =
                row.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
            writeln!(out, "{}", line.join("  ").trim_end()).map_err(write_failure)?;
        }
        drop(out);
        flush()
    }
}

/// The columns when none are chosen: the fields that identify an item in
/// Google's APIs (an empty column is left out of nothing: choose with `--columns`).
fn default_columns() -> Vec<String> {
    ["resourceName", "name", "id", "etag"].iter().map(|column| (*column).to_owned()).collect()
}

/// The text at `path` (`names.displayName`) in `item`; a list gives its
/// first element's, so that the usual one-value lists read as one value.
fn cell(item: &Value, path: &str) -> String {
    let mut value = first_of(item);
    for key in path.split('.') {
        match value.and_then(|value| value.get(key)) {
            Some(next) => value = first_of(next),
            None => return String::new(),
        }
    }
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// A list's first element (at any depth of lists), or the value itself;
/// `None` for an empty list.
fn first_of(value: &Value) -> Option<&Value> {
    match value {
        Value::Array(items) => items.first().and_then(first_of),
        other => Some(other),
    }
}

/// `--dry-run`'s output: the request line, headers (credentials redacted)
/// and body, as the runtime would send them.
pub(crate) fn preview(preview: &Preview, authorization: &str) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut text = format!("{} {}\n", preview.method, preview.url);
    text.push_str(&format!("authorization: {authorization}\n"));
    for (name, value) in &preview.headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    if let Some(body) = &preview.body {
        text.push('\n');
        text.push_str(&String::from_utf8_lossy(body));
        text.push('\n');
    }
    out.write_all(text.as_bytes()).map_err(write_failure)?;
    drop(out);
    flush()
}

/// Streams a download into `path`, or to stdout for `-`.
pub(crate) async fn download(download: &mut Download, path: &str) -> Result<(), Failure> {
    let mut sink: Box<dyn Write> =
        if path == "-" {
            Box::new(std::io::stdout().lock())
        } else {
            Box::new(std::fs::File::create(path).map_err(|error| {
                Failure::Usage(format!("cannot create --output {path}: {error}"))
            })?)
        };
    while let Some(chunk) = download.chunk().await.map_err(crate::invoke::usage_or_call)? {
        sink.write_all(&chunk).map_err(write_failure)?;
    }
    sink.flush().map_err(write_failure)
}

/// A failed call as the user reads it: the method, status and message, then
/// Google's reason, field violations and help links, one a line.
pub(crate) fn describe_error(error: &Error) -> String {
    let mut text = error.to_string();
    if let Some(google) = error.google_error() {
        for detail in &google.details {
            match detail {
                ErrorDetail::ErrorInfo { reason, domain, .. } => {
                    text.push_str(&format!("\n  reason: {reason} ({domain})"));
                }
                ErrorDetail::BadRequest { field_violations } => {
                    for violation in field_violations {
                        text.push_str(&format!(
                            "\n  field {}: {}",
                            violation.field, violation.description
                        ));
                    }
                }
                ErrorDetail::QuotaFailure { violations } => {
                    for violation in violations {
                        text.push_str(&format!(
                            "\n  quota {}: {}",
                            violation.subject, violation.description
                        ));
                    }
                }
                ErrorDetail::Help { links } => {
                    for link in links {
                        text.push_str(&format!("\n  help: {} <{}>", link.description, link.url));
                    }
                }
                _ => {}
            }
        }
    }
    text
}
