//! The names of the generated command-line client: kebab-case subcommands
//! for resources and methods, flags for parameters, each unique where it
//! is used and never one of the engine's own (`gapi-cli`'s
//! `RESERVED_FLAGS` and `RESERVED_COMMANDS`, which a test keeps equal).

use std::collections::BTreeSet;

use heck::ToKebabCase;

use super::ir::{Method, Resource};

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
pub const RESERVED_COMMANDS: &[&str] = &["completions", "help", "login", "logout", "schema"];

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
/// unique: a later name that repeats an earlier one, or an engine name,
/// gets `-2`, `-3`, ... (methods before resources, in document order).
pub fn name(methods: &mut [Method], resources: &mut [Resource]) {
    name_level(methods, resources, RESERVED_COMMANDS);
}

fn name_level(methods: &mut [Method], resources: &mut [Resource], reserved: &[&str]) {
    let mut taken: BTreeSet<String> = reserved.iter().map(|name| (*name).to_owned()).collect();
    for method in methods.iter_mut() {
        method.command = unique(&method.command, &mut taken);
        name_flags(method);
    }
    for resource in resources.iter_mut() {
        resource.command = unique(&resource.command, &mut taken);
        name_level(&mut resource.methods, &mut resource.resources, &["help"]);
    }
}

fn name_flags(method: &mut Method) {
    let mut taken: BTreeSet<String> =
        RESERVED_FLAGS.iter().map(|flag| (*flag).to_owned()).collect();
    for param in method.required.iter_mut().chain(method.optional.iter_mut()) {
        param.flag = unique(&param.flag, &mut taken);
    }
}

fn unique(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = wanted.to_owned();
    let mut counter = 1;
    while taken.contains(&name) {
        counter += 1;
        name = format!("{wanted}-{counter}");
    }
    taken.insert(name.clone());
    name
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
    fn a_repeated_or_reserved_name_gets_a_number() {
        let mut taken: BTreeSet<String> = ["json".to_owned()].into();
        assert_eq!(unique("foo-bar", &mut taken), "foo-bar");
        assert_eq!(unique("foo-bar", &mut taken), "foo-bar-2");
        assert_eq!(unique("json", &mut taken), "json-2");
    }
}
