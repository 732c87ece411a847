//! What a regeneration changes, each change classified as breaking or
//! compatible for downstream code.
//!
//! Two comparisons make the verdict. The Rust API one compares the public
//! surface of the crates generated from the two documents (both resolved,
//! the new one from the old one's lock, as `cargo xtask regen` does): every
//! type, field, variant, method, argument, setter, `Box`, `items()`,
//! `send_in_chunks()`, upload and download, so whatever the generator does
//! to the Rust API is named. The document one says what Google changed,
//! including what has no Rust item of its own (an endpoint, a method's
//! scopes, a parameter's location) and whether the change only adds: a
//! document that only adds must give a crate with every old item intact.

mod render;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use gapi_generator::emit;
use gapi_generator::error::Error;
use gapi_generator::load::model::{Document, Method, Resource, Schema};
use gapi_generator::resolve::lock::Lock;
use gapi_generator::resolve::methods::argument_parameters;
use gapi_generator::resolve::resolve;
use gapi_generator::resolve::types::documented_paths;
use gapi_generator::surface::{self, Surface};

pub use render::{to_json, to_markdown};

/// Whether downstream code that compiled against the old crate still compiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    Breaking,
    Compatible,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub impact: Impact,
    /// A stable kind, for machines: `removed`, `changed`, `added`,
    /// `deprecated` for the Rust API; `method-added`, `parameter-removed`, ...
    /// for the document.
    pub kind: &'static str,
    /// The schema (`Person`) or resource (`people.connections`) it belongs to.
    pub group: String,
    /// Where: a Rust path (`types::Person::names`), a method id,
    /// `Schema.property`, ...
    pub subject: String,
    /// What changed, for people.
    pub detail: String,
}

impl Change {
    /// A change to a behaviour derived from the document, not to a Rust item.
    pub fn is_behaviour(&self) -> bool {
        self.kind.starts_with("behaviour")
    }
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct ApiDiff {
    pub api: String,
    pub old_revision: String,
    pub new_revision: String,
    /// What the regeneration does to the generated crate's public API.
    pub changes: Vec<Change>,
    /// What changed in the document.
    pub document: Vec<Change>,
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
    /// The breaking changes to the Rust API.
    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.impact == Impact::Breaking)
    }

    /// The compatible changes to the Rust API.
    pub fn compatible(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|change| change.impact == Impact::Compatible && !change.is_behaviour())
    }

    /// The changes to what the client does that the generator read from the
    /// document (one at a time, warm-ups, per-request caps, conflicts, paging).
    pub fn behaviour(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|change| change.is_behaviour())
    }

    /// Whether the document only adds (or changes prose): nothing it had is
    /// removed or changed.
    pub fn additive_only(&self) -> bool {
        self.document.iter().all(|change| change.impact == Impact::Compatible)
    }

    /// Major when the Rust API breaks or the document changes something it
    /// had in a way the wire sees (a parameter's location, a number's
    /// encoding); minor for any other change.
    pub fn semver(&self) -> Semver {
        if self.breaking().next().is_some() || !self.additive_only() {
            Semver::Major
        } else if self.changes.is_empty() && self.document.is_empty() {
            Semver::None
        } else {
            Semver::Minor
        }
    }

    /// One paragraph: counts, the bump, and the first breaking changes.
    pub fn summary(&self) -> String {
        let breaking: Vec<&Change> = self
            .breaking()
            .chain(self.document.iter().filter(|change| change.impact == Impact::Breaking))
            .collect();
        let mut text = format!(
            "API {} changed from revision {} to {}: {} breaking and {} compatible change(s) \
             to the Rust API, {} to the client's behaviour, {} document change(s); semver: {}.",
            self.api,
            self.old_revision,
            self.new_revision,
            self.breaking().count(),
            self.compatible().count(),
            self.behaviour().count(),
            self.document.len(),
            self.semver().as_str()
        );
        for change in breaking.iter().take(5) {
            text.push_str(&format!(" Breaking: {} {}.", change.subject, change.detail));
        }
        for change in self.behaviour().take(5) {
            text.push_str(&format!(" Behaviour: {} {}.", change.subject, change.detail));
        }
        if breaking.len() > 5 {
            text.push_str(&format!(" ...and {} more.", breaking.len() - 5));
        }
        text
    }
}

/// Compares two documents: `old` resolved from `prior` (the lock its crate was
/// generated with; [`Lock::default`] when there is none), `new` from the lock
/// that gives, as a regeneration would.
pub fn diff(old: &Document, new: &Document, prior: &Lock) -> Result<ApiDiff, Error> {
    let old_api = resolve(old, prior).map_err(|error| side_error("old", error))?;
    let new_api = resolve(new, &old_api.decisions).map_err(|error| side_error("new", error))?;
    Ok(ApiDiff {
        api: new.id.clone().unwrap_or_else(|| format!("{}:{}", new.name, new.version)),
        old_revision: old.revision.clone().unwrap_or_default(),
        new_revision: new.revision.clone().unwrap_or_default(),
        changes: compare_surfaces(&emit::surface(&old_api)?, &emit::surface(&new_api)?),
        document: compare_documents(old, new),
    })
}

fn side_error(side: &str, error: Error) -> Error {
    match error {
        Error::Parse { path, message } | Error::Invalid { path, message } => Error::Invalid {
            path,
            message: format!("the {side} document cannot be generated: {message}"),
        },
        other => other,
    }
}

/// Item by item: gone or changed is breaking, new is compatible, and a newly
/// deprecated item is compatible but named. A behaviour the generator read
/// from the document breaks no code, so every change of one is compatible,
/// and named: it changes what the client does.
pub fn compare_surfaces(old_items: &Surface, new_items: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |impact, kind, item: &surface::Item, subject: &str, detail: String| {
        changes.push(Change {
            impact,
            kind,
            group: item.group.clone(),
            subject: subject.to_owned(),
            detail,
        });
    };
    for (path, old) in old_items {
        if let Some(subject) = behaviour_subject(path, old) {
            match new_items.get(path) {
                None => {
                    let detail = format!("no longer {} (was: {})", old.signature, old.source);
                    push(Impact::Compatible, "behaviour-removed", old, &subject, detail)
                }
                Some(new) if new.signature != old.signature => {
                    let detail =
                        format!("`{}` -> `{}` ({})", old.signature, new.signature, new.source);
                    push(Impact::Compatible, "behaviour-changed", new, &subject, detail)
                }
                Some(new) if new.source != old.source => {
                    let detail = format!("{}, now from {}", new.signature, new.source);
                    push(Impact::Compatible, "behaviour-source-changed", new, &subject, detail)
                }
                Some(_) => {}
            }
            continue;
        }
        match new_items.get(path) {
            None => push(Impact::Breaking, "removed", old, path, format!("{} removed", old.kind)),
            Some(new) if new.kind != old.kind || new.signature != old.signature => {
                let detail =
                    format!("{} `{}` -> {} `{}`", old.kind, old.signature, new.kind, new.signature);
                push(Impact::Breaking, "changed", new, path, detail);
            }
            Some(new) if new.deprecated && !old.deprecated => {
                push(
                    Impact::Compatible,
                    "deprecated",
                    new,
                    path,
                    format!("{} deprecated", new.kind),
                );
            }
            Some(_) => {}
        }
    }
    for (path, new) in new_items.iter().filter(|(path, _)| !old_items.contains_key(*path)) {
        if let Some(subject) = behaviour_subject(path, new) {
            let detail = match new.source.as_str() {
                "" => new.signature.clone(),
                source => format!("{} ({source})", new.signature),
            };
            push(Impact::Compatible, "behaviour-added", new, &subject, detail);
            continue;
        }
        let detail = match new.signature.as_str() {
            "" => format!("{} added", new.kind),
            signature => format!("{} added: `{signature}`", new.kind),
        };
        push(Impact::Compatible, "added", new, path, detail);
    }
    sort(&mut changes);
    changes
}

/// A behaviour entry's subject as a review reads it: `people.people.updateContact: sequential`.
fn behaviour_subject(path: &str, item: &surface::Item) -> Option<String> {
    if item.kind != "behaviour" {
        return None;
    }
    let rest = path.strip_prefix("behaviour::")?;
    let (method, what) = rest.rsplit_once("::")?;
    Some(format!("{method}: {what}"))
}

fn sort(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        (a.impact, &a.group, &a.subject, a.kind).cmp(&(b.impact, &b.group, &b.subject, b.kind))
    });
}

/// What changed in the document itself.
fn compare_documents(old: &Document, new: &Document) -> Vec<Change> {
    let mut changes = Changes { group: "service".to_owned(), ..Changes::default() };
    compare_service(old, new, &mut changes);
    let (old_methods, new_methods) = (all_methods(old), all_methods(new));
    for (id, method) in &old_methods {
        changes.group = resource_of(id);
        match new_methods.get(id) {
            None => changes.push(Impact::Breaking, "method-removed", id, "method removed"),
            Some(new_method) => compare_method(id, method, new_method, &mut changes),
        }
    }
    for id in new_methods.keys().filter(|id| !old_methods.contains_key(*id)) {
        changes.group = resource_of(id);
        changes.push(Impact::Compatible, "method-added", id, "method added");
    }
    for (name, schema) in &old.schemas {
        changes.group = name.clone();
        match new.schemas.get(name) {
            None => changes.push(Impact::Breaking, "schema-removed", name, "schema removed"),
            Some(new_schema) => compare_schema(name, schema, new_schema, &mut changes),
        }
    }
    for name in new.schemas.keys().filter(|name| !old.schemas.contains_key(*name)) {
        changes.group = name.clone();
        changes.push(Impact::Compatible, "schema-added", name, "schema added");
    }
    let mut changes = changes.list;
    sort(&mut changes);
    changes
}

/// The document's changes, each filed under the group of what is compared now.
#[derive(Default)]
struct Changes {
    list: Vec<Change>,
    group: String,
}

impl Changes {
    fn push(
        &mut self,
        impact: Impact,
        kind: &'static str,
        subject: &str,
        detail: impl Into<String>,
    ) {
        self.list.push(Change {
            impact,
            kind,
            group: self.group.clone(),
            subject: subject.to_owned(),
            detail: detail.into(),
        });
    }
}

/// `people.people.connections.list` is in `people.connections`.
fn resource_of(method_id: &str) -> String {
    let parts: Vec<&str> = method_id.split('.').collect();
    match parts.as_slice() {
        [_api, resources @ .., _method] if !resources.is_empty() => resources.join("."),
        _ => "service".to_owned(),
    }
}

fn compare_service(old: &Document, new: &Document, changes: &mut Changes) {
    for name in old.parameters.keys().filter(|name| !new.parameters.contains_key(*name)) {
        let detail = format!("global parameter `{name}` removed (a setter of every call goes)");
        changes.push(Impact::Breaking, "global-parameter-removed", "service", detail);
    }
    for name in new.parameters.keys().filter(|name| !old.parameters.contains_key(*name)) {
        let detail = format!("global parameter `{name}` added");
        changes.push(Impact::Compatible, "global-parameter-added", "service", detail);
    }
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
    // An inline body has no name to compare: a change inside it goes unreported.
    let reference = |body: &Option<gapi_generator::load::model::Body>| {
        body.as_ref().map(|body| body.reference.clone().unwrap_or_else(|| "(inline)".to_owned()))
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
    if old.format.as_deref() == Some("google-fieldmask") {
        let paths = |schema: &Schema| documented_paths(schema.description.as_deref().unwrap_or(""));
        let (old_paths, new_paths) = (paths(old), paths(new));
        for path in old_paths.difference(&new_paths) {
            let detail = format!("mask path `{path}` no longer listed");
            changes.push(Impact::Breaking, "field-path-removed", subject, detail);
        }
        for path in new_paths.difference(&old_paths) {
            let detail = format!("mask path `{path}` listed");
            changes.push(Impact::Compatible, "field-path-added", subject, detail);
        }
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
