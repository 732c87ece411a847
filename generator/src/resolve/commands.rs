//! The names of the generated command-line client: kebab-case subcommands
//! for resources and methods, flags for parameters, each unique where it
//! is used and never one of the engine's own (`gapi-cli`'s
//! `RESERVED_FLAGS` and `RESERVED_COMMANDS`, which a test keeps equal).

use heck::ToKebabCase;

use super::ir::{Method, Resource};
use super::lock::Lock;
use super::names::Namespace;

/// The flags `gapi-cli` defines on every command or on methods that need them.
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

/// The top-level commands `gapi-cli` defines.
pub const RESERVED_COMMANDS: &[&str] =
    &["batch", "completions", "help", "login", "logout", "schema"];

/// A document name in kebab case: `createContact` is `create-contact`,
/// `requestMask.includeField` is `request-mask-include-field`.
pub fn kebab(name: &str) -> String {
    let kebab = name.to_kebab_case();
    if kebab.is_empty() { "x".to_owned() } else { kebab }
}

/// The program's name: the API's name in kebab case.
pub fn program(api_name: &str) -> String {
    kebab(api_name)
}

/// Makes the subcommands of every level and the flags of every method
/// unique, never an engine name, and kept across regenerations like the
/// library's names: each is claimed in a namespace of the lock (`cli
/// commands $`, `cli commands people.connections`, `cli flags
/// people.people.get`), so a name the lock recorded stays, and a new item
/// that would repeat one gets `-2`, `-3`, ... (methods before resources).
pub fn name(methods: &mut [Method], resources: &mut [Resource], lock: &Lock, decisions: &mut Lock) {
    name_level("cli commands $", methods, resources, RESERVED_COMMANDS, lock, decisions);
}

fn name_level(
    namespace: &str,
    methods: &mut [Method],
    resources: &mut [Resource],
    reserved: &[&str],
    lock: &Lock,
    decisions: &mut Lock,
) {
    let mut names = Namespace::new(namespace, lock);
    names.reserve(reserved);
    for method in methods.iter_mut() {
        method.command = names.claim_kebab(&method.id, std::mem::take(&mut method.command));
        name_flags(method, lock, decisions);
    }
    for resource in resources.iter_mut() {
        resource.command =
            names.claim_kebab(&resource.wire_path, std::mem::take(&mut resource.command));
        let inner = format!("cli commands {}", resource.wire_path);
        name_level(
            &inner,
            &mut resource.methods,
            &mut resource.resources,
            &["help"],
            lock,
            decisions,
        );
    }
    names.close(decisions);
}

fn name_flags(method: &mut Method, lock: &Lock, decisions: &mut Lock) {
    let mut flags = Namespace::new(format!("cli flags {}", method.id), lock);
    flags.reserve(RESERVED_FLAGS);
    for param in method.params_mut() {
        param.flag = flags.claim_kebab(&param.wire_name, std::mem::take(&mut param.flag));
    }
    flags.close(decisions);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_become_kebab_case() {
        assert_eq!(kebab("createContact"), "create-contact");
        assert_eq!(kebab("contactGroups"), "contact-groups");
        assert_eq!(kebab("requestMask.includeField"), "request-mask-include-field");
        assert_eq!(kebab("$"), "x");
    }

    #[test]
    fn a_repeated_or_reserved_name_gets_a_number_and_a_recorded_one_is_kept() {
        let mut names = Namespace::new("cli flags x", &Lock::default());
        names.reserve(RESERVED_FLAGS);
        assert_eq!(names.claim_kebab("fooBar", "foo-bar".into()), "foo-bar");
        assert_eq!(names.claim_kebab("foo_bar", "foo-bar".into()), "foo-bar-2");
        assert_eq!(names.claim_kebab("json", "json".into()), "json-2");
        let mut lock = Lock::default();
        names.close(&mut lock);
        // A later document adds `foo-bar`, which sorts first: the old flags keep their names.
        let mut again = Namespace::new("cli flags x", &lock);
        assert_eq!(again.claim_kebab("foo-bar", "foo-bar".into()), "foo-bar-3");
        assert_eq!(again.claim_kebab("fooBar", "foo-bar".into()), "foo-bar");
        assert_eq!(again.claim_kebab("foo_bar", "foo-bar".into()), "foo-bar-2");
    }
}
