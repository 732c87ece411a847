//! Stage 2, resolve: the loaded document into the [`ir::Api`], where every
//! naming and typing decision is made once and every reference is checked.

pub mod commands;
pub mod ir;
pub mod lock;
pub mod methods;
pub mod names;
pub mod prose;
pub mod types;

use heck::ToShoutySnakeCase;

use crate::error::{Error, Warning};
use crate::load::model::Document;
use ir::{Api, BatchEndpoint, Location, Method, Param, Resource, Scope, TypeDef};
use lock::Lock;
use methods::MethodResolver;
use names::{Namespace, camel_ident, const_ident, snake_ident, type_name};
use types::{Context, TypeTable};

/// Global parameters the runtime owns: response format, credentials and
/// upload protocol it sets itself, and `fields` and `quotaUser`, which every
/// call offers through the runtime's `CallOptions`. Any other global
/// parameter a document declares gets a setter on every call.
const RUNTIME_PARAMETERS: &[&str] = &[
    "$.xgafv",
    "access_token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth_token",
    "prettyPrint",
    "quotaUser",
    "uploadType",
    "upload_protocol",
];

/// Resolves `doc`, keeping every decision `prior` (the lock of the crate's
/// last generation; [`Lock::default`] for a first one) recorded for an item the
/// document still has.
pub fn resolve(doc: &Document, prior: &Lock) -> Result<Api, Error> {
    let mut type_names = Namespace::new("types", prior);
    let mut table = TypeTable::build(doc, prior, &mut type_names)?;
    let service = type_names.claim("$", format!("{}Service", type_name(&doc.name)), false);

    let base_url_env = format!(
        "GOOGLE_{}_{}_BASE_URL",
        doc.name.to_shouty_snake_case(),
        doc.version.to_shouty_snake_case()
    );
    let base_url = base_url(doc);
    let mut warnings = Vec::new();
    if base_url.is_empty() && has_methods(&doc.methods, &doc.resources) {
        warnings.push(Warning {
            path: "$.rootUrl".to_owned(),
            message: format!(
                "the document has methods but neither `rootUrl` nor `baseUrl`: the client has \
                 no default endpoint, callers give one with `ClientBuilder::base_url` or the \
                 `{base_url_env}` environment variable"
            ),
        });
    }

    let mut standard_params = Vec::new();
    for (wire, schema) in
        doc.parameters.iter().filter(|(wire, _)| !RUNTIME_PARAMETERS.contains(&wire.as_str()))
    {
        let path = format!("$.parameters.{wire}");
        let context =
            Context { path: path.clone(), name: format!("Standard{}", camel_ident(wire)) };
        let ty = table.convert(schema, &context, &mut type_names)?;
        standard_params.push(Param {
            wire_name: wire.clone(),
            rust_name: snake_ident(wire),
            flag: commands::kebab(wire),
            location: Location::Query,
            repeated: schema.repeated,
            ty,
            pattern: None,
            doc: schema.description.clone(),
            deprecated: schema.deprecated,
        });
    }

    let mut resolver = MethodResolver {
        table: &mut table,
        type_names: &mut type_names,
        const_names: Namespace::new("constants", prior),
        standard_params: &standard_params,
        sequential_rule: methods::sequential_rule(doc),
        stale_etag_rule: methods::stale_etag_rule(doc),
        warnings: Vec::new(),
    };
    let mut service_members = Namespace::new("members $", prior);
    let mut methods = resolver.methods(&doc.methods, "", "$", &mut service_members)?;
    let mut resources = resolver.resources(&doc.resources, &[], "$", &mut service_members)?;
    let batch = doc.batch_path.as_ref().filter(|path| !path.is_empty()).map(|path| {
        let id = format!("{}.batch", doc.name);
        let spec_const = resolver.const_names.claim("$.batchPath", const_ident(&id), false);
        BatchEndpoint { path: path.trim_start_matches('/').to_owned(), id, spec_const }
    });
    let const_names = std::mem::replace(&mut resolver.const_names, Namespace::new("", prior));
    let sequential_rule = resolver.sequential_rule.take();
    warnings.append(&mut resolver.warnings);

    let mut scope_names = Namespace::new("scopes", prior);
    let scopes = doc
        .auth
        .iter()
        .flat_map(|auth| auth.oauth2.iter())
        .flat_map(|oauth2| oauth2.scopes.iter())
        .map(|(url, info)| Scope {
            url: url.clone(),
            const_name: scope_names.claim(url, scope_const(url), false),
            description: info.description.clone(),
        })
        .collect();
    let (mut types, mut decisions) = table.finish();
    mark_response_bodies(&mut types, &methods, &resources);
    commands::name(&mut methods, &mut resources, prior, &mut decisions);
    record_behaviour(&methods, &resources, &mut decisions);
    for namespace in [type_names, const_names, service_members, scope_names] {
        namespace.close(&mut decisions);
    }

    Ok(Api {
        id: doc.id.clone().unwrap_or_else(|| format!("{}:{}", doc.name, doc.version)),
        name: doc.name.clone(),
        version: doc.version.clone(),
        revision: doc.revision.clone().unwrap_or_else(|| "unknown".to_owned()),
        title: doc.title.clone().unwrap_or_else(|| format!("{} {}", doc.name, doc.version)),
        description: doc.description.clone(),
        documentation_link: doc.documentation_link.clone(),
        crate_name: crate_name(&doc.name, &doc.version),
        base_url,
        service_path: match &doc.root_url {
            Some(_) => doc.service_path.clone().unwrap_or_default(),
            None => String::new(),
        },
        base_url_env,
        command: commands::program(&doc.name),
        token_env: format!(
            "GOOGLE_{}_{}_TOKEN",
            doc.name.to_shouty_snake_case(),
            doc.version.to_shouty_snake_case()
        ),
        service,
        scopes,
        types,
        methods,
        resources,
        standard_params,
        sequential_rule,
        batch,
        decisions,
        warnings,
    })
}

/// Writes every behaviour derived from the document into the lock, with the
/// sentence behind it, so that a review of the lock sees it too.
fn record_behaviour(methods: &[ir::Method], resources: &[ir::Resource], lock: &mut Lock) {
    let mut record = |method_id: &str, behaviour: ir::Behaviour| {
        let text = match behaviour.source {
            Some(source) => format!("{}: {:?}", behaviour.description, source.sentence),
            None => behaviour.description,
        };
        lock.behaviour.entry(method_id.to_owned()).or_default().insert(behaviour.what, text);
    };
    let mut pending: Vec<(&[ir::Method], &[ir::Resource])> = vec![(methods, resources)];
    while let Some((methods, resources)) = pending.pop() {
        for method in methods {
            method.behaviours().into_iter().for_each(|behaviour| record(&method.id, behaviour));
        }
        for resource in resources {
            for merge in &resource.merges {
                record(&merge.update_id, merge.behaviour());
            }
            pending.push((&resource.methods, &resource.resources));
        }
    }
}

/// One rule for every API: `google-{name}-{version}`, lowercase, dashes only.
pub fn crate_name(name: &str, version: &str) -> String {
    let raw = format!("google-{name}-{version}").to_ascii_lowercase();
    raw.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The default endpoint: empty when the document names none, which a
/// types-only crate does not need and a client must then be given.
fn base_url(doc: &Document) -> String {
    match (&doc.root_url, &doc.service_path, &doc.base_url) {
        (Some(root), service_path, _) => format!("{root}{}", service_path.as_deref().unwrap_or("")),
        (None, _, Some(base)) => base.clone(),
        (None, _, None) => String::new(),
    }
}

/// Whether there is a method at the top or in any resource, at any depth.
fn has_methods(
    methods: &std::collections::BTreeMap<String, crate::load::model::Method>,
    resources: &std::collections::BTreeMap<String, crate::load::model::Resource>,
) -> bool {
    !methods.is_empty()
        || resources.values().any(|resource| has_methods(&resource.methods, &resource.resources))
}

/// `https://www.googleapis.com/auth/contacts.readonly` is `CONTACTS_READONLY`.
fn scope_const(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.strip_prefix("www.googleapis.com/auth/").unwrap_or(rest);
    const_ident(rest.trim_end_matches('/'))
}

/// Marks the types methods answer with, here and in nested resources.
fn mark_response_bodies(types: &mut [TypeDef], methods: &[Method], resources: &[Resource]) {
    for id in methods.iter().filter_map(|method| method.response) {
        match types.get_mut(id) {
            Some(TypeDef::Struct(def)) => def.response_body = true,
            Some(TypeDef::Enum(def)) => def.response_body = true,
            // Aliases name types the runtime implements `ResponseBody` for.
            Some(TypeDef::Alias(_) | TypeDef::FieldPaths(_)) | None => {}
        }
    }
    for resource in resources {
        mark_response_bodies(types, &resource.methods, &resource.resources);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_follow_name_and_version() {
        assert_eq!(crate_name("people", "v1"), "google-people-v1");
        assert_eq!(crate_name("admin", "directory_v1"), "google-admin-directory-v1");
    }

    #[test]
    fn scope_constants_drop_the_common_prefix() {
        assert_eq!(
            scope_const("https://www.googleapis.com/auth/contacts.readonly"),
            "CONTACTS_READONLY"
        );
        assert_eq!(scope_const("https://mail.google.com/"), "MAIL_GOOGLE_COM");
    }
}
