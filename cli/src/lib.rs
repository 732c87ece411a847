//! The engine of the command-line clients that `gapi-generator` generates
//! (`cargo xtask generate --cli`): a generated CLI is a table of its API
//! ([`table::Api`], decided by the generator from the same IR as the
//! library) and a `main` that calls [`main`]. Commands and flags are built
//! from the table at run time, requests go through the library's runtime
//! (the same `MethodSpec`s, so the same bytes on the wire), and output,
//! credentials, paging and errors are handled here once for every API.
//! `batch` sends many calls, read as JSON lines, in the API's HTTP batch
//! requests (`gapi_runtime::Batch`).
//!
//! Exit codes: 0 on success, 1 when the API or the network failed, 2 for a
//! usage mistake (an unknown flag, a bad value, a body that does not decode).

#![forbid(unsafe_code)]

// The runtime's engine contract this engine is written against
// (`gapi_runtime::__engine`): another runtime fails here, not in a call below.
const _: () = gapi_runtime::__engine::require_engine_contract::<2>();

mod batch;
pub mod body;
mod command;
mod credentials;
mod invoke;
mod output;
mod schema;
pub mod table;

use std::process::ExitCode;

pub use body::{BodyError, encode};
pub use command::{RESERVED_COMMANDS, RESERVED_FLAGS};

/// Why a command failed, and so how the program exits.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A mistake in the command line or its input: exit 2.
    Usage(String),
    /// The API, the network or the credentials failed: exit 1.
    Call(String),
}

impl Failure {
    fn exit(self) -> ExitCode {
        let (message, code) = match self {
            Self::Usage(message) => (message, 2),
            Self::Call(message) => (message, 1),
        };
        eprintln!("error: {message}");
        ExitCode::from(code)
    }
}

/// Runs the program described by `api` with the process's arguments.
pub fn main(api: &'static table::Api) -> ExitCode {
    run(api, std::env::args_os())
}

/// Runs the program with these arguments (the first is the program name).
pub fn run(
    api: &'static table::Api,
    args: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
) -> ExitCode {
    let matches = match command::build(api).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => {
            // clap prints help and version to stdout with exit 0, usage errors with 2.
            let code = error.exit_code();
            let _ = error.print();
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            return Failure::Call(format!("cannot start the async runtime: {error}")).exit();
        }
    };
    match runtime.block_on(dispatch(api, &matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.exit(),
    }
}

async fn dispatch(api: &'static table::Api, matches: &clap::ArgMatches) -> Result<(), Failure> {
    let Some((name, sub)) = matches.subcommand() else {
        return Err(Failure::Usage("no command given; see --help".into()));
    };
    match name {
        "batch" => batch::run(api, sub).await,
        "login" => credentials::login(api, sub).await,
        "logout" => credentials::logout(api),
        "schema" => {
            let words: Vec<&str> =
                sub.get_many::<String>("name").into_iter().flatten().map(String::as_str).collect();
            schema::print(api, &words)
        }
        "completions" => {
            if let Some(shell) = sub.get_one::<clap_complete::Shell>("shell") {
                let mut command = command::build(api);
                clap_complete::generate(*shell, &mut command, api.command, &mut std::io::stdout());
            }
            Ok(())
        }
        _ => {
            let (method, method_matches) = find_method(api, name, sub)
                .ok_or_else(|| Failure::Usage(format!("unknown command `{name}`")))?;
            invoke::run(api, method, method_matches).await
        }
    }
}

/// The method the subcommands name, and its matches.
fn find_method<'a>(
    api: &'static table::Api,
    name: &str,
    matches: &'a clap::ArgMatches,
) -> Option<(&'static table::Method, &'a clap::ArgMatches)> {
    if let Some(method) = api.methods.iter().find(|method| method.command == name) {
        return Some((method, matches));
    }
    let mut resource = api.resources.iter().find(|resource| resource.command == name)?;
    let mut matches = matches;
    loop {
        let (name, sub) = matches.subcommand()?;
        if let Some(method) = resource.methods.iter().find(|method| method.command == name) {
            return Some((method, sub));
        }
        resource = resource.resources.iter().find(|child| child.command == name)?;
        matches = sub;
    }
}
