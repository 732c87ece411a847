//! A semantic comparison of two discovery documents, each change classified
//! as breaking or compatible for the Rust API this generator emits.
//!
//! The classification follows from how the generated code is built: structs
//! and enums are `#[non_exhaustive]` (a new field or enum value is compatible),
//! required parameters and the request body are constructor arguments (any
//! change to them breaks callers), optional parameters are setters (a new one
//! is compatible), a changed wire type changes a Rust type (breaking), and the
//! paths a mask's description lists are the variants of its typed-mask enum
//! (a new one is compatible, a removed one breaking).

mod render;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::load::model::{Document, Method, Resource, Schema};
use crate::resolve::ir::TypeDef;
use crate::resolve::methods::argument_parameters;
use crate::resolve::resolve;

pub use render::{to_json, to_markdown};

/// Whether downstream code that compiled against the old crate still compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    Breaking,
    Compatible,
}

/// One difference between the documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub impact: Impact,
    /// A stable kind, for machines: `method-added`, `parameter-removed`, ...
    pub kind: &'static str,
    /// Where: a method id, `Schema.property`, `Schema.property.nested`, ...
    pub subject: String,
    /// What changed, for people.
    pub detail: String,
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct ApiDiff {
    pub api: String,
    pub old_revision: String,
    pub new_revision: String,
    pub changes: Vec<Change>,
}

/// The version bump the changes call for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    Major,
    Minor,
    None,
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Major => "major",
            Self::Minor => "minor",
            Self::None => "none",
        }
    }
}

impl ApiDiff {
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.impact == Impact::Breaking)
    }

    pub fn compatible(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.impact == Impact::Compatible)
    }

    pub fn semver(&self) -> Semver {
        if self.breaking().next().is_some() {
            Semver::Major
        } else if self.changes.is_empty() {
            Semver::None
        } else {
            Semver::Minor
        }
    }

    /// One paragraph: counts, the bump, and the first breaking changes.
    pub fn summary(&self) -> String {
        let breaking: Vec<&Change> = self.breaking().collect();
        let mut text = format!(
            "API {} changed from revision {} to {}: {} breaking and {} compatible change(s); semver: {}.",
            self.api,
            self.old_revision,
            self.new_revision,
            breaking.len(),
            self.changes.len() - breaking.len(),
            self.semver().as_str()
        );
        for change in breaking.iter().take(5) {
            text.push_str(&format!(" Breaking: {} {}.", change.subject, change.detail));
        }
        if breaking.len() > 5 {
            text.push_str(&format!(" ...and {} more.", breaking.len() - 5));
        }
        text
    }
}

/// Compares two documents.
pub fn diff(old: &Document, new: &Document) -> ApiDiff {
    let mut changes = Changes::default();
    compare_service(old, new, &mut changes);
    let (old_methods, new_methods) = (all_methods(old), all_methods(new));
    for (id, method) in &old_methods {
        match new_methods.get(id) {
            None => changes.push(Impact::Breaking, "method-removed", id, "method removed"),
            Some(new_method) => compare_method(id, method, new_method, &mut changes),
        }
    }
    for id in new_methods.keys().filter(|id| !old_methods.contains_key(*id)) {
        changes.push(Impact::Compatible, "method-added", id, "method added");
    }
    for (name, schema) in &old.schemas {
        match new.schemas.get(name) {
            None => changes.push(Impact::Breaking, "schema-removed", name, "schema removed"),
            Some(new_schema) => compare_schema(name, schema, new_schema, &mut changes),
        }
    }
    for name in new.schemas.keys().filter(|name| !old.schemas.contains_key(*name)) {
        changes.push(Impact::Compatible, "schema-added", name, "schema added");
    }
    compare_field_paths(old, new, &mut changes);
    let mut changes = changes.0;
    changes.sort_by(|a, b| (a.impact, a.kind, &a.subject).cmp(&(b.impact, b.kind, &b.subject)));
    ApiDiff {
        api: new.id.clone().unwrap_or_else(|| format!("{}:{}", new.name, new.version)),
        old_revision: old.revision.clone().unwrap_or_default(),
        new_revision: new.revision.clone().unwrap_or_default(),
        changes,
    }
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(
        &mut self,
        impact: Impact,
        kind: &'static str,
        subject: &str,
        detail: impl Into<String>,
    ) {
        self.0.push(Change { impact, kind, subject: subject.to_owned(), detail: detail.into() });
    }
}

/// The typed-mask enums (`PersonField`) and their paths. They come from
/// descriptions, which only the resolve stage reads, so both documents are
/// resolved; where one does not resolve (it cannot be generated), there are
/// no enums to compare.
fn compare_field_paths(old: &Document, new: &Document, changes: &mut Changes) {
    let (Ok(old_api), Ok(new_api)) = (resolve(old), resolve(new)) else {
        return;
    };
    let field_paths = |types: Vec<TypeDef>| -> BTreeMap<String, BTreeSet<String>> {
        types
            .into_iter()
            .filter_map(|def| match def {
                TypeDef::FieldPaths(def) => {
                    Some((def.name, def.paths.into_iter().map(|path| path.wire).collect()))
                }
                _ => None,
            })
            .collect()
    };
    let (old_enums, new_enums) = (field_paths(old_api.types), field_paths(new_api.types));
    let no_paths = BTreeSet::new();
    let names: BTreeSet<&String> = old_enums.keys().chain(new_enums.keys()).collect();
    for name in names {
        let old_paths = old_enums.get(name).unwrap_or(&no_paths);
        let Some(new_paths) = new_enums.get(name) else {
            let detail = "the mask no longer lists the fields of one struct: it takes text";
            changes.push(Impact::Breaking, "field-paths-removed", name, detail);
            continue;
        };
        let path_changes = [
            (
                Impact::Breaking,
                "field-path-removed",
                old_paths.difference(new_paths),
                "no longer listed",
            ),
            (Impact::Compatible, "field-path-added", new_paths.difference(old_paths), "listed"),
        ];
        for (impact, kind, paths, what) in path_changes {
            for path in paths {
                let detail = format!("mask path `{path}` {what}");
                changes.push(impact, kind, &format!("{name}({path})"), detail);
            }
        }
    }
}

fn compare_service(old: &Document, new: &Document, changes: &mut Changes) {
    let endpoint = |doc: &Document| {
        format!(
            "{}{}",
            doc.root_url.as_deref().unwrap_or_default(),
            doc.service_path.as_deref().unwrap_or_default()
        )
    };
    if endpoint(old) != endpoint(new) {
        changes.push(
            Impact::Compatible,
            "base-url-changed",
            "service",
            format!("base URL `{}` -> `{}`", endpoint(old), endpoint(new)),
        );
    }
    let scopes = |doc: &Document| -> BTreeSet<String> {
        doc.auth
            .iter()
            .flat_map(|auth| auth.oauth2.iter())
            .flat_map(|oauth| oauth.scopes.keys().cloned())
            .collect()
    };
    let (old_scopes, new_scopes) = (scopes(old), scopes(new));
    for scope in old_scopes.difference(&new_scopes) {
        changes.push(
            Impact::Breaking,
            "scope-removed",
            "service",
            format!("scope `{scope}` removed (its constant goes away)"),
        );
    }
    for scope in new_scopes.difference(&old_scopes) {
        changes.push(
            Impact::Compatible,
            "scope-added",
            "service",
            format!("scope `{scope}` added"),
        );
    }
}

fn all_methods(doc: &Document) -> BTreeMap<String, &Method> {
    fn walk<'a>(resources: &'a BTreeMap<String, Resource>, out: &mut BTreeMap<String, &'a Method>) {
        for resource in resources.values() {
            out.extend(resource.methods.values().map(|method| (method.id.clone(), method)));
            walk(&resource.resources, out);
        }
    }
    let mut out: BTreeMap<String, &Method> =
        doc.methods.values().map(|method| (method.id.clone(), method)).collect();
    walk(&doc.resources, &mut out);
    out
}

/// Whether the parameter is a constructor argument: the resolve stage decides.
fn is_required(method: &Method, name: &str) -> bool {
    argument_parameters(method).contains(name)
}

fn compare_method(id: &str, old: &Method, new: &Method, changes: &mut Changes) {
    if old.http_method != new.http_method || old.path != new.path {
        changes.push(
            Impact::Compatible,
            "method-endpoint-changed",
            id,
            format!("`{} {}` -> `{} {}`", old.http_method, old.path, new.http_method, new.path),
        );
    }
    let reference = |body: &Option<crate::load::model::SchemaRef>| {
        body.as_ref().map(|body| body.reference.clone())
    };
    let (old_request, new_request) = (reference(&old.request), reference(&new.request));
    if old_request != new_request {
        changes.push(
            Impact::Breaking,
            "request-changed",
            id,
            format!("request body {old_request:?} -> {new_request:?}"),
        );
    }
    let (old_response, new_response) = (reference(&old.response), reference(&new.response));
    if old_response != new_response {
        changes.push(
            Impact::Breaking,
            "response-changed",
            id,
            format!("response {old_response:?} -> {new_response:?}"),
        );
    }
    if old.deprecated != new.deprecated && new.deprecated {
        changes.push(Impact::Compatible, "method-deprecated", id, "method deprecated");
    }
    let old_scopes: BTreeSet<&String> = old.scopes.iter().collect();
    let new_scopes: BTreeSet<&String> = new.scopes.iter().collect();
    if old_scopes != new_scopes {
        changes.push(
            Impact::Compatible,
            "method-scopes-changed",
            id,
            format!("scopes {:?} -> {:?}", old_scopes, new_scopes),
        );
    }
    for (name, param) in &old.parameters {
        let subject = format!("{id}({name})");
        match new.parameters.get(name) {
            None => changes.push(
                Impact::Breaking,
                "parameter-removed",
                &subject,
                format!("parameter `{name}` removed"),
            ),
            Some(new_param) => {
                let (was, is) = (is_required(old, name), is_required(new, name));
                if was != is {
                    let detail =
                        if is { "parameter became required" } else { "parameter became optional" };
                    changes.push(Impact::Breaking, "parameter-required-changed", &subject, detail);
                }
                if param.location != new_param.location {
                    changes.push(
                        Impact::Breaking,
                        "parameter-location-changed",
                        &subject,
                        format!("location {:?} -> {:?}", param.location, new_param.location),
                    );
                }
                if param.repeated != new_param.repeated {
                    changes.push(
                        Impact::Breaking,
                        "parameter-repeated-changed",
                        &subject,
                        format!("repeated {} -> {}", param.repeated, new_param.repeated),
                    );
                }
                compare_shape(&subject, param, new_param, "parameter", changes);
            }
        }
    }
    for name in new.parameters.keys().filter(|name| !old.parameters.contains_key(*name)) {
        let subject = format!("{id}({name})");
        if is_required(new, name) {
            changes.push(
                Impact::Breaking,
                "parameter-added-required",
                &subject,
                format!("required parameter `{name}` added"),
            );
        } else {
            changes.push(
                Impact::Compatible,
                "parameter-added",
                &subject,
                format!("optional parameter `{name}` added"),
            );
        }
    }
}

/// The Rust type a schema gets, in words: equal words, equal types.
fn type_words(schema: &Schema) -> String {
    if let Some(reference) = &schema.reference {
        return format!("ref {reference}");
    }
    let kind = schema.kind.as_deref().unwrap_or(if schema.properties.is_some() {
        "object"
    } else {
        "any"
    });
    match kind {
        "array" => {
            format!("array of {}", schema.items.as_deref().map(type_words).unwrap_or_default())
        }
        "object" if schema.properties.is_none() => {
            format!(
                "map of {}",
                schema
                    .additional_properties
                    .as_deref()
                    .map(type_words)
                    .unwrap_or_else(|| "any".to_owned())
            )
        }
        "string" if schema.enum_values.is_some() => "enum".to_owned(),
        "string" => match schema.format.as_deref() {
            Some(
                format @ ("byte" | "int64" | "uint64" | "google-duration" | "google-fieldmask"),
            ) => {
                format!("string ({format})")
            }
            Some("date-time" | "google-datetime") => "timestamp".to_owned(),
            _ => "string".to_owned(),
        },
        other => match schema.format.as_deref() {
            Some(format) => format!("{other} ({format})"),
            None => other.to_owned(),
        },
    }
}

/// Type, enum values and nested properties of a property or parameter.
fn compare_shape(subject: &str, old: &Schema, new: &Schema, what: &str, changes: &mut Changes) {
    let (old_type, new_type) = (type_words(old), type_words(new));
    if old_type != new_type {
        changes.push(
            Impact::Breaking,
            "type-changed",
            subject,
            format!("{what} type {old_type} -> {new_type}"),
        );
        return;
    }
    let values = |schema: &Schema| -> BTreeSet<String> {
        schema.enum_values.iter().flatten().cloned().collect()
    };
    let (old_values, new_values) = (values(old), values(new));
    for value in old_values.difference(&new_values) {
        changes.push(
            Impact::Breaking,
            "enum-value-removed",
            subject,
            format!("enum value `{value}` removed"),
        );
    }
    for value in new_values.difference(&old_values) {
        changes.push(
            Impact::Compatible,
            "enum-value-added",
            subject,
            format!("enum value `{value}` added"),
        );
    }
    if let (Some(old_items), Some(new_items)) = (&old.items, &new.items) {
        compare_shape(&format!("{subject}[]"), old_items, new_items, what, changes);
    }
    if let (Some(old_values), Some(new_values)) =
        (&old.additional_properties, &new.additional_properties)
    {
        compare_shape(&format!("{subject}{{}}"), old_values, new_values, what, changes);
    }
    if old.properties.is_some() || new.properties.is_some() {
        compare_properties(subject, old, new, changes);
    }
}

fn compare_schema(name: &str, old: &Schema, new: &Schema, changes: &mut Changes) {
    compare_shape(name, old, new, "schema", changes);
}

fn compare_properties(owner: &str, old: &Schema, new: &Schema, changes: &mut Changes) {
    let empty = BTreeMap::new();
    let old_properties = old.properties.as_ref().unwrap_or(&empty);
    let new_properties = new.properties.as_ref().unwrap_or(&empty);
    for (name, property) in old_properties {
        let subject = format!("{owner}.{name}");
        match new_properties.get(name) {
            None => changes.push(Impact::Breaking, "field-removed", &subject, "field removed"),
            Some(new_property) => {
                if !property.deprecated && new_property.deprecated {
                    changes.push(
                        Impact::Compatible,
                        "field-deprecated",
                        &subject,
                        "field deprecated",
                    );
                }
                compare_shape(&subject, property, new_property, "field", changes);
            }
        }
    }
    for name in new_properties.keys().filter(|name| !old_properties.contains_key(*name)) {
        changes.push(Impact::Compatible, "field-added", &format!("{owner}.{name}"), "field added");
    }
}
