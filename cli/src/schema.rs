//! `schema METHOD` and `schema TYPE`: a method's parameters and body, or a
//! type's fields, from the document's descriptions.

use std::fmt::Write;

use crate::Failure;
use crate::command::first_sentence;
use crate::table::{Api, Kind, Method, Type};

pub(crate) fn print(api: &'static Api, words: &[&str]) -> Result<(), Failure> {
    let text = match find(api, words) {
        Some(Found::Method(words, method)) => method_text(api, &words, method),
        Some(Found::Type(schema)) => type_text(schema),
        None => {
            let wanted = words.join(" ");
            let mut known: Vec<&str> = api.types.iter().map(|ty| ty.name).collect();
            known.extend(api.walk().iter().map(|(_, method)| method.spec.id));
            let hint = crate::body::closest(&wanted, &known)
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_default();
            return Err(Failure::Usage(format!("no method or type `{wanted}`{hint}")));
        }
    };
    print!("{text}");
    crate::output::flush()
}

enum Found {
    Method(Vec<&'static str>, &'static Method),
    Type(&'static Type),
}

/// A method by id (`people.people.get`) or command words (`people get`), or a type.
fn find(api: &'static Api, words: &[&str]) -> Option<Found> {
    let methods = api.walk();
    if let [single] = words {
        if let Some(schema) = api.schema(single) {
            return Some(Found::Type(schema));
        }
        if let Some((path, method)) = methods.iter().find(|(_, method)| method.spec.id == *single) {
            return Some(Found::Method(path.clone(), method));
        }
    }
    methods
        .into_iter()
        .find(|(path, _)| path.as_slice() == words)
        .map(|(path, method)| Found::Method(path, method))
}

fn method_text(api: &Api, words: &[&str], method: &Method) -> String {
    let mut out = String::new();
    let spec = method.spec;
    let _ = writeln!(out, "{} {}", api.command, words.join(" "));
    let _ = writeln!(out, "  {}  {} {}", spec.id, spec.http_method.as_str(), spec.path);
    let _ = writeln!(out, "\n{}\n", method.description);
    if !method.params.is_empty() {
        let _ = writeln!(out, "Parameters:");
    }
    for param in method.params {
        let name = if param.path { param.flag.to_uppercase() } else { format!("--{}", param.flag) };
        let mut notes = vec![kind_text(param.kind)];
        if param.required {
            notes.push("required".into());
        }
        if param.repeated {
            notes.push("repeated".into());
        }
        if param.deprecated {
            notes.push("deprecated".into());
        }
        let _ = writeln!(out, "  {name} ({}) [{}]", param.wire, notes.join(", "));
        let _ = writeln!(out, "      {}", first_sentence(param.description));
        if let Kind::Enum(values) | Kind::FieldMask(values) = param.kind {
            let _ = writeln!(out, "      values: {}", values.join(", "));
        }
    }
    if let Some(body) = method.body {
        let _ = writeln!(out, "Body (--json): {}", body.schema);
    }
    if let Some(response) = method.response {
        let _ = writeln!(out, "Response: {response}");
    }
    out
}

fn kind_text(kind: Kind) -> String {
    match kind {
        Kind::Text => "string".into(),
        Kind::Bool => "boolean".into(),
        Kind::Integer => "integer".into(),
        Kind::Unsigned => "unsigned integer".into(),
        Kind::Number => "number".into(),
        Kind::Enum(_) => "enum".into(),
        Kind::FieldMask(_) => "field mask".into(),
    }
}

fn type_text(schema: &Type) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", schema.name);
    if !schema.description.is_empty() {
        let _ = writeln!(out, "{}\n", schema.description);
    }
    if !schema.values.is_empty() {
        let _ = writeln!(out, "Values: {}", schema.values.join(", "));
    }
    if !schema.fields.is_empty() {
        let _ = writeln!(out, "Fields:");
    }
    for field in schema.fields {
        let read_only = if field.read_only { ", output only" } else { "" };
        let _ = writeln!(out, "  {} ({}{read_only})", field.wire, field.shape.describe());
        if !field.description.is_empty() {
            let _ = writeln!(out, "      {}", first_sentence(field.description));
        }
    }
    out
}
