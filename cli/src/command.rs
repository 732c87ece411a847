//! The command tree, built at run time from the table: resources as
//! subcommands, methods under them, path parameters as positionals and
//! query parameters as typed flags.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, value_parser};

use gapi_runtime::__engine::MethodSpec;

use crate::table::{Api, Kind, Method, Param, Resource};

/// The flags and commands the engine defines itself: a parameter or a
/// resource never takes one of these names (the generator renames it).
pub const RESERVED_FLAGS: &[&str] = &[
    "base-url",
    "chunked",
    "columns",
    "dry-run",
    "fields",
    "format",
    "help",
    "json",
    "no-retry",
    "output",
    "page-all",
    "quota-user",
    "service-account",
    "subject",
    "timeout",
    "token",
    "upload",
    "upload-type",
    "version",
];

/// The media type of `--upload` when `--upload-type` does not say.
pub(crate) const DEFAULT_UPLOAD_TYPE: &str = "application/octet-stream";

/// The engine's own top-level commands.
pub const RESERVED_COMMANDS: &[&str] =
    &["batch", "completions", "help", "login", "logout", "schema"];

/// The whole program's command.
pub fn build(api: &'static Api) -> Command {
    let mut root = Command::new(api.command)
        .about(first_sentence(api.description))
        .long_about(format!("{}\n\n{}", api.title, api.description))
        .version(api.version)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args(api));
    for method in api.methods {
        root = root.subcommand(method_command(method));
    }
    for resource in api.resources {
        root = root.subcommand(resource_command(resource));
    }
    if let Some(spec) = api.batch {
        root = root.subcommand(batch_command(api, spec));
    }
    root.subcommand(
        Command::new("login")
            .about("Sign in with the installed-app flow and keep the tokens for later commands")
            .arg(
                Arg::new("client-secret")
                    .long("client-secret")
                    .value_name("FILE")
                    .required(true)
                    .help("The JSON file of a \"Desktop app\" OAuth client"),
            )
            .arg(
                Arg::new("scope")
                    .long("scope")
                    .value_name("URL")
                    .action(ArgAction::Append)
                    .value_parser(PossibleValuesParser::new(api.scopes.iter().copied()))
                    .help("The scopes to ask for (repeatable; default: every scope of the API)"),
            ),
    )
    .subcommand(Command::new("logout").about("Forget the tokens `login` stored"))
    .subcommand(
        Command::new("schema")
            .about("Print a method's parameters or a type's fields, from the discovery document")
            .arg(
                Arg::new("name")
                    .required(true)
                    .value_name("METHOD|TYPE")
                    .help("A method (`people.people.get` or `people get`) or a type (`Person`)")
                    .num_args(1..),
            ),
    )
    .subcommand(
        Command::new("completions").about("Print a shell completion script").arg(
            Arg::new("shell")
                .required(true)
                .value_parser(value_parser!(clap_complete::Shell))
                .help("bash, zsh, fish, elvish or powershell"),
        ),
    )
}

fn global_args(api: &'static Api) -> Vec<Arg> {
    let mut base_url = Arg::new("base-url")
        .long("base-url")
        .global(true)
        .value_name("URL")
        .help("Send requests here instead of the API's endpoint (a local fake)");
    if !api.info.base_url_env.is_empty() {
        base_url = base_url.env(api.info.base_url_env);
    }
    let args = vec![
        base_url,
        Arg::new("token")
            .long("token")
            .global(true)
            .env(api.token_env)
            .hide_env_values(true)
            .value_name("TOKEN")
            .help("A bearer token to send as it is"),
        Arg::new("service-account")
            .long("service-account")
            .global(true)
            .value_name("KEY_FILE")
            .help("Sign in as the service account of this JSON key"),
        Arg::new("subject")
            .long("subject")
            .global(true)
            .value_name("USER")
            .requires("service-account")
            .help("With --service-account: act for this Workspace user (domain-wide delegation)"),
        Arg::new("dry-run")
            .long("dry-run")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print the request (credentials redacted) instead of sending it"),
        Arg::new("fields")
            .long("fields")
            .global(true)
            .value_name("SELECTOR")
            .help("Ask for a partial response: `resourceName,names(displayName)`"),
        Arg::new("quota-user")
            .long("quota-user")
            .global(true)
            .value_name("USER")
            .help("The user that per-user quota applies to"),
        Arg::new("timeout")
            .long("timeout")
            .global(true)
            .value_name("SECONDS")
            .value_parser(value_parser!(u64))
            .help("Give up an attempt after this many seconds"),
        Arg::new("no-retry")
            .long("no-retry")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Send each request once, without retrying errors"),
        Arg::new("format")
            .long("format")
            .global(true)
            .value_parser(["json", "table"])
            .default_value("json")
            .help("JSON (pretty on a terminal, compact otherwise) or a table of a list's items"),
        Arg::new("columns")
            .long("columns")
            .global(true)
            .value_name("PATHS")
            .value_delimiter(',')
            .help("With --format table: the columns, as field paths (`names.displayName`)"),
    ];
    args.into_iter().map(|arg| arg.help_heading("Global options")).collect()
}

/// `batch`: calls from JSON lines, sent in the API's HTTP batch requests.
fn batch_command(api: &'static Api, spec: &MethodSpec) -> Command {
    // A line of the API's own, for the help: a read with a path parameter if there is one.
    let methods: Vec<&'static Method> = api.walk().into_iter().map(|(_, method)| method).collect();
    let example = methods
        .iter()
        .find(|method| {
            method.spec.http_method.as_str() == "GET"
                && method.params.iter().any(|param| param.path)
        })
        .or(methods.first())
        .map(|method| {
            let params: Vec<String> = method
                .params
                .iter()
                .filter(|param| param.required)
                .map(|param| format!("\"{}\": \"...\"", param.wire))
                .collect();
            let body = if method.body.is_some() { ", \"body\": {...}" } else { "" };
            format!(
                " (`{id}`):\n  {{\"method\": \"{id}\", \"params\": {{{params}}}{body}}}",
                id = method.spec.id,
                params = params.join(", "),
            )
        })
        .unwrap_or_default();
    let long_about = format!(
        "Send many calls in the API's HTTP batch requests (`{http} {path}`): one call a line \
         in, one result a line out.

Each non-empty line of the input is a JSON object:
  {{\"method\": \"ID\", \"params\": {{\"NAME\": VALUE, ...}}, \"body\": {{...}}}}
- method: the method's id, as `schema` shows it{example}
- params (optional): the parameters by their names on the wire, path parameters included, \
         checked as the command's flags are; a repeated parameter takes a list, a field mask a \
         list or a comma-separated string; `fields` and `quotaUser` are taken too
- body: the request body of a method that takes one, as the command's --json takes it

Each line's result is one JSON line on stdout, in input order:
  {{\"line\": 1, \"method\": \"ID\", \"status\": \"ok\", \"response\": {{...}}}}
  {{\"line\": 2, \"method\": \"ID\", \"status\": \"error\", \"error\": \"...\", \"http_status\": 404}}
`line` is the line's number in the input; `http_status` is there when the call got an HTTP \
         status, and `reason` when Google's error gave one (such as `RATE_LIMIT_EXCEEDED`). A \
         line that is not JSON, names an unknown method or has a bad parameter or body fails \
         on its own (its `method` is null when it names none); the other lines are \
         still sent.

At most {max} calls go in one batch request; a call answered 429, or 5xx when it is safe to \
         repeat, is resent. A summary goes to stderr; the exit code is 1 when any line failed. \
         --fields and --quota-user apply to every call; --dry-run prints each call's request \
         instead of sending.",
        http = spec.http_method.as_str(),
        path = spec.path,
        max = gapi_runtime::__engine::DEFAULT_MAX_CALLS,
    );
    Command::new("batch")
        .about("Send calls read as JSON lines in batch requests; print each result as a JSON line")
        .long_about(long_about)
        .arg(
            Arg::new("input")
                .long("input")
                .value_name("FILE")
                .default_value("-")
                .help("The calls, one JSON object a line (- for stdin, the default)"),
        )
}

fn resource_command(resource: &'static Resource) -> Command {
    let mut command = Command::new(resource.command)
        .about(format!("Methods of `{}`", resource.wire_path))
        .subcommand_required(true)
        .arg_required_else_help(true);
    if resource.deprecated {
        command = command.about(format!("Methods of `{}` (deprecated)", resource.wire_path));
    }
    for method in resource.methods {
        command = command.subcommand(method_command(method));
    }
    for child in resource.resources {
        command = command.subcommand(resource_command(child));
    }
    command
}

fn method_command(method: &'static Method) -> Command {
    let mut about = first_sentence(method.description);
    if method.deprecated {
        about = format!("(deprecated) {about}");
    }
    let mut command = Command::new(method.command).about(about).long_about(format!(
        "{}\n\n`{}`: {} {}",
        method.description,
        method.spec.id,
        method.spec.http_method.as_str(),
        method.spec.path
    ));
    for param in method.params {
        command = command.arg(param_arg(param));
    }
    if let Some(body) = method.body {
        command = command.arg(
            Arg::new("json").long("json").value_name("JSON|@FILE|-").required(true).help(format!(
                "The request body, a {}: JSON text, @FILE or - (stdin)",
                body.schema
            )),
        );
    }
    if method.pages.is_some() {
        command = command.arg(
            Arg::new("page-all")
                .long("page-all")
                .action(ArgAction::SetTrue)
                .help("Follow page tokens to the end; print each item as a JSON line"),
        );
    }
    if let Some(field) = method.chunked_field {
        command = command.arg(
            Arg::new("chunked")
                .long("chunked")
                .action(ArgAction::SetTrue)
                .help(format!("Send `{field}` in as many requests as its documented cap needs")),
        );
    }
    if method.upload.is_some() {
        command = command
            .arg(
                Arg::new("upload")
                    .long("upload")
                    .value_name("FILE")
                    .help("Send this file as the media content"),
            )
            .arg(
                Arg::new("upload-type")
                    .long("upload-type")
                    .value_name("MEDIA_TYPE")
                    .requires("upload")
                    .default_value(DEFAULT_UPLOAD_TYPE)
                    .help("The media type of --upload"),
            );
    }
    if method.download {
        command = command.arg(
            Arg::new("output")
                .long("output")
                .value_name("FILE")
                .help("Download the media content into FILE (- for stdout) instead of JSON"),
        );
    }
    command
}

fn param_arg(param: &'static Param) -> Arg {
    let mut help = first_sentence(param.description);
    if param.deprecated {
        help = format!("(deprecated) {help}");
    }
    let mut arg = Arg::new(param.wire).help(help).long_help(param.description);
    if param.path {
        arg = arg.value_name(param.flag.to_uppercase()).required(true);
    } else {
        arg = arg
            .long(param.flag)
            .value_name(param.flag.to_uppercase().replace('-', "_"))
            .required(param.required);
    }
    arg = match param.kind {
        Kind::Text => arg,
        Kind::Bool => arg
            .value_parser(value_parser!(bool))
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("true"),
        Kind::Integer => arg.value_parser(value_parser!(i64)),
        Kind::Unsigned => arg.value_parser(value_parser!(u64)),
        Kind::Number => arg.value_parser(value_parser!(f64)),
        Kind::Enum(values) => arg.value_parser(PossibleValuesParser::new(values.iter().copied())),
        Kind::FieldMask(paths) => arg
            .value_parser(PossibleValuesParser::new(paths.iter().copied()))
            .value_delimiter(',')
            .action(ArgAction::Append),
    };
    if param.repeated && !param.path {
        arg = arg.action(ArgAction::Append);
    }
    arg
}

/// The first sentence of a description, for one-line help; the lead-ins
/// Google's descriptions start with ("Required.", "Output only.") are skipped.
pub(crate) fn first_sentence(text: &str) -> String {
    let mut line = text.lines().next().unwrap_or_default().trim();
    loop {
        let Some(end) = line.find(". ") else { return line.to_owned() };
        let (sentence, rest) = line.split_at(end + 1);
        if sentence.split_whitespace().count() > 2 || rest.trim().is_empty() {
            return sentence.to_owned();
        }
        line = rest.trim_start();
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn one_line_help_is_the_first_real_sentence() {
        assert_eq!(first_sentence("Required. A field mask. More."), "A field mask.");
        assert_eq!(first_sentence("Output only. The time."), "The time.");
        assert_eq!(
            first_sentence("Delete a contact person. Any non-contact data."),
            "Delete a contact person."
        );
        assert_eq!(first_sentence("Required."), "Required.");
        assert_eq!(first_sentence(""), "");
    }
}
