//! Resources and methods into call builders: argument order, parameter types,
//! path templates checked against parameters, pagination detected.

use std::collections::BTreeSet;

use super::ir::{
    Argument, BodyLimit, Builder, CALL_OPTIONS, Changes, Chunking, Conflict, Derived, Field,
    HttpMethod, Keep, LOCAL_NAMES, Locals, Location, MergeHelper, Method, PageItems, Pagination,
    Param, Resource, ReturnedFields, StructDef, SyncSpec, Ty, TypeDef, Upload, Warmup, WrappedBody,
};
use super::names::{Namespace, camel_ident, const_ident, snake_ident};
use super::prose;
use super::types::{Context, TypeTable};
use crate::error::{Error, Warning};
use crate::load::model;

/// The names a parameter of a call cannot take: the call's builder methods,
/// those of the runtime's `CallOptions`, and the bindings emit declares next
/// to the arguments. One list, from the IR's own definitions.
pub fn reserved_argument_names() -> Vec<&'static str> {
    Builder::ALL
        .iter()
        .map(|builder| builder.name())
        .chain(CALL_OPTIONS)
        .chain(LOCAL_NAMES)
        .collect()
}

/// The query parameter of a paged method that asks for the next page.
const PAGE_TOKEN: &str = "pageToken";

/// The query parameter of a list method that asks for the changes since a sync.
const SYNC_TOKEN: &str = "syncToken";

/// The flag that asks a full sync for a sync token (People's lists).
const REQUEST_SYNC_TOKEN: &str = "requestSyncToken";

/// Shared state while walking the resource tree.
pub struct MethodResolver<'a, 'lock> {
    pub table: &'a mut TypeTable<'lock>,
    pub type_names: &'a mut Namespace,
    pub const_names: Namespace,
    pub standard_params: &'a [Param],
    /// The API-wide rule that one user's mutations go one at a time
    /// ([`sequential_rule`]), for mutations whose description says nothing.
    pub sequential_rule: Option<Derived>,
    /// The API's documented answer to a stale etag ([`stale_etag_rule`]),
    /// for updates whose description says nothing.
    pub stale_etag_rule: Option<Derived>,
    /// What the methods get away with (a parameter left out, an undeclared
    /// path variable), in document order.
    pub warnings: Vec<Warning>,
}

/// What a description says that asks for one user's mutations to be sent one
/// at a time (People: "Mutate requests for the same user should be sent
/// sequentially", or "done sequentially" in `deleteContactPhoto`).
const SEQUENTIAL_WORDING: &[&str] = &["sent sequentially", "done sequentially", "one at a time"];

/// The sentence of a method's own description asking for its requests to go one at a time.
fn asks_to_be_sequential(method: &model::Method) -> Option<Derived> {
    let sentence = prose::sentence_with(method.description.as_deref()?, SEQUENTIAL_WORDING)?;
    Some(Derived { sentence, origin: method.id.clone() })
}

/// The API-wide rule: a sentence that speaks of every mutation ("Mutate
/// requests for the same user ...") makes every mutation sequential, those
/// whose own description is silent included. The first such sentence in
/// method id order is recorded, so the rule is reviewed once.
pub fn sequential_rule(doc: &model::Document) -> Option<Derived> {
    methods_by_id(doc)
        .into_iter()
        .filter_map(asks_to_be_sequential)
        .find(|derived| speaks_of_every_request(&derived.sentence))
}

/// The API-wide answer to a stale etag: the first method (in id order)
/// whose description documents it as `failedPrecondition` (People's
/// `updateContact`) sets it for the updates whose own description is
/// silent (People's `contactGroups.update`).
pub fn stale_etag_rule(doc: &model::Document) -> Option<Derived> {
    methods_by_id(doc).into_iter().find_map(|method| {
        stale_etag_sentence(method.description.as_deref()?)
            .map(|sentence| Derived { sentence, origin: method.id.clone() })
    })
}

/// Every method of the document, in id order.
fn methods_by_id(doc: &model::Document) -> Vec<&model::Method> {
    fn walk<'a>(
        methods: &'a std::collections::BTreeMap<String, model::Method>,
        resources: &'a std::collections::BTreeMap<String, model::Resource>,
        out: &mut Vec<&'a model::Method>,
    ) {
        out.extend(methods.values());
        for resource in resources.values() {
            walk(&resource.methods, &resource.resources, out);
        }
    }
    let mut methods = Vec::new();
    walk(&doc.methods, &doc.resources, &mut methods);
    methods.sort_by(|a, b| a.id.cmp(&b.id));
    methods
}

/// Whether a sentence asks something of a kind of request in general
/// ("Mutate requests for the same user ...", "Mutations should ...") rather
/// than of the method it describes ("Updates of one event ...").
fn speaks_of_every_request(sentence: &str) -> bool {
    sentence
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|word| word.eq_ignore_ascii_case("requests") || word.eq_ignore_ascii_case("mutations"))
}

/// The warm-up request a search method's description asks for ("send a
/// warmup request with an empty query").
fn warmup(method: &model::Method) -> Option<Warmup> {
    let description = method.description.as_deref()?;
    let sentence = prose::sentence_with(description, &["warmup", "warm-up", "warm up"])?;
    let param = method.parameters.get("query")?;
    (sentence.to_ascii_lowercase().contains("empty query")
        && param.location.as_deref() != Some("path"))
    .then(|| Warmup {
        param: "query".to_owned(),
        source: Derived { sentence, origin: method.id.clone() },
    })
}

impl MethodResolver<'_, '_> {
    pub fn resources(
        &mut self,
        resources: &std::collections::BTreeMap<String, model::Resource>,
        parent: &[String],
        path: &str,
        siblings: &mut Namespace,
    ) -> Result<Vec<Resource>, Error> {
        let mut out = Vec::new();
        for (name, resource) in resources {
            let mut wire_path = parent.to_vec();
            wire_path.push(name.clone());
            let json_path = format!("{path}.resources.{name}");
            let stem: String = wire_path.iter().map(|part| camel_ident(part)).collect();
            let type_name = self.type_names.claim(&json_path, format!("{stem}Resource"), false);
            let mut members = Namespace::new(format!("members {json_path}"), self.table.prior());
            let mut methods = self.methods(&resource.methods, &stem, &json_path, &mut members)?;
            let merges = self.merges(&methods, &mut members);
            self.keeps(&mut methods, &merges);
            let resources =
                self.resources(&resource.resources, &wire_path, &json_path, &mut members)?;
            members.close(self.table.decided());
            out.push(Resource {
                accessor: siblings.claim(&format!("resource {name}"), snake_ident(name), true),
                command: super::commands::kebab(name),
                type_name,
                wire_path: wire_path.join("."),
                deprecated: resource.deprecated,
                methods,
                merges,
                resources,
            });
        }
        Ok(out)
    }

    /// Methods claim their names on the resource before nested resources do.
    pub fn methods(
        &mut self,
        methods: &std::collections::BTreeMap<String, model::Method>,
        stem: &str,
        path: &str,
        members: &mut Namespace,
    ) -> Result<Vec<Method>, Error> {
        methods
            .iter()
            .map(|(name, method)| {
                let rust_name = members.claim(&format!("method {name}"), snake_ident(name), true);
                self.method(name, method, stem, &format!("{path}.methods.{name}"), rust_name)
            })
            .collect()
    }

    fn method(
        &mut self,
        name: &str,
        method: &model::Method,
        stem: &str,
        path: &str,
        rust_name: String,
    ) -> Result<Method, Error> {
        let http_method = match method.http_method.to_ascii_uppercase().as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            "PUT" => HttpMethod::Put,
            "PATCH" => HttpMethod::Patch,
            "DELETE" => HttpMethod::Delete,
            other => {
                return Err(Error::invalid(
                    format!("{path}.httpMethod"),
                    format!("unsupported HTTP method `{other}`"),
                ));
            }
        };
        let undeclared = undeclared_path_variables(method, path)?;
        let call_stem = format!("{stem}{}", camel_ident(name));
        let call_type = self.type_names.claim(path, format!("{call_stem}Call"), false);
        let spec_const = self.const_names.claim(&method.id, const_ident(&method.id), false);

        let mut arg_names = Namespace::new(format!("arguments {}", method.id), self.table.prior());
        arg_names.reserve(&reserved_argument_names());
        let mut required = Vec::new();
        for wire in &method.parameter_order {
            let param = match method.parameters.get(wire) {
                Some(schema) => self.param(wire, schema, true, &call_stem, path, &mut arg_names)?,
                None if undeclared.contains(wire) => {
                    Some(self.undeclared_path_param(wire, method, path, &mut arg_names))
                }
                None => {
                    return Err(Error::invalid(
                        format!("{path}.parameterOrder"),
                        format!("names parameter `{wire}`, which the method does not define"),
                    ));
                }
            };
            required.extend(param);
        }
        let ordered: BTreeSet<&String> = method.parameter_order.iter().collect();
        for wire in undeclared.iter().filter(|wire| !ordered.contains(wire)) {
            required.push(self.undeclared_path_param(wire, method, path, &mut arg_names));
        }
        let is_argument_param = argument_parameters(method);
        let mut optional = Vec::new();
        for (wire, schema) in method.parameters.iter().filter(|(wire, _)| !ordered.contains(wire)) {
            let is_argument = is_argument_param.contains(wire.as_str());
            let param = self.param(wire, schema, is_argument, &call_stem, path, &mut arg_names)?;
            match param {
                Some(param) if is_argument => required.push(param),
                Some(param) => optional.push(param),
                None => {}
            }
        }
        let own_wire_names: BTreeSet<&str> =
            method.parameters.keys().chain(&undeclared).map(String::as_str).collect();
        for standard in self
            .standard_params
            .iter()
            .filter(|param| !own_wire_names.contains(param.wire_name.as_str()))
        {
            let mut param = standard.clone();
            param.rust_name = arg_names.claim(&param.wire_name, param.rust_name, true);
            optional.push(param);
        }
        arg_names.close(self.table.decided());

        let request = match &method.request {
            Some(body) => Some(self.body(body, path, "request", &call_stem)?),
            None => None,
        };
        let response = match &method.response {
            Some(body) => Some(self.body(body, path, "response", &call_stem)?),
            None => None,
        };
        let pagination = response.and_then(|id| self.pagination(method, id));
        let sync = match (&pagination, response) {
            (Some(Pagination { items: Some(_), .. }), Some(id)) => self.sync(method, id),
            _ => None,
        };
        let body_limits = request.map(|id| self.body_limits(id)).unwrap_or_default();
        let chunking = request.and_then(|id| self.chunking(method, id));
        let upload = match (&method.media_upload, method.supports_media_upload) {
            (Some(media), true) => self.upload(media, &method.id, &spec_const),
            _ => None,
        };
        let locals = locals_clear_of(&required, &optional);
        let arguments = arguments(required, request.map(|_| locals.body.clone()));
        let sequential = match http_method {
            HttpMethod::Get => None,
            _ => asks_to_be_sequential(method).or_else(|| self.sequential_rule.clone()),
        };
        Ok(Method {
            id: method.id.clone(),
            rust_name,
            command: super::commands::kebab(name),
            call_type,
            spec_const,
            http_method,
            path: method.path.clone(),
            doc: method.description.clone(),
            scopes: method.scopes.clone(),
            arguments,
            optional,
            locals,
            request,
            response,
            pagination,
            body_limits,
            chunking,
            upload,
            download: method.supports_media_download,
            deprecated: method.deprecated,
            sync,
            warmup: warmup(method),
            sequential,
            keeps: None,
        })
    }

    /// For a method that takes the token parameter `param`: its response
    /// struct and the struct's string field `next` that hands out the next one.
    fn token_field(
        &self,
        method: &model::Method,
        param: &str,
        response: usize,
        next: &str,
    ) -> Option<(&StructDef, &Field)> {
        if !method.parameters.contains_key(param) {
            return None;
        }
        let Some(TypeDef::Struct(def)) = self.table.get(response) else {
            return None;
        };
        let token =
            def.fields.iter().find(|field| field.wire_name == next && field.ty == Ty::String)?;
        Some((def, token))
    }

    /// A paged list method syncs when it takes `syncToken` and its response
    /// has a string `nextSyncToken`.
    fn sync(&self, method: &model::Method, response: usize) -> Option<SyncSpec> {
        let (_, token) = self.token_field(method, SYNC_TOKEN, response, "nextSyncToken")?;
        let request_sync_token = method
            .parameters
            .get(REQUEST_SYNC_TOKEN)
            .filter(|param| param.kind.as_deref() == Some("boolean"))
            .map(|_| REQUEST_SYNC_TOKEN.to_owned());
        Some(SyncSpec {
            sync_token_param: SYNC_TOKEN.to_owned(),
            request_sync_token_param: request_sync_token,
            next_sync_token_field: token.rust_name.clone(),
        })
    }

    /// A merge helper for each update (`PATCH` or `PUT`) whose body is the
    /// resource a `GET` method of the same resource returns, or wraps it in
    /// one field beside the update's options; the resource carries an
    /// `etag` and can be read with the update's path parameters alone.
    /// Never around a deprecated read or update, which the helper would call.
    fn merges(&mut self, methods: &[Method], members: &mut Namespace) -> Vec<MergeHelper> {
        let mut merges = Vec::new();
        for update in methods.iter().filter(|update| !update.deprecated) {
            let Some(body_id) = update.request else { continue };
            if !matches!(update.http_method, HttpMethod::Patch | HttpMethod::Put) {
                continue;
            }
            let Some(TypeDef::Struct(body_def)) = self.table.get(body_id) else { continue };
            let has_etag = |id: usize| match self.table.get(id) {
                Some(TypeDef::Struct(def)) => {
                    def.fields.iter().any(|field| field.wire_name == "etag")
                }
                _ => false,
            };
            let (resource, wrapped) = if has_etag(body_id) {
                (body_id, None)
            } else {
                // The one unboxed field whose type is a resource with an etag.
                let mut holding = body_def.fields.iter().filter_map(|field| match field.ty {
                    Ty::Named(id) if has_etag(id) && !field.wrapping.boxed => Some((field, id)),
                    _ => None,
                });
                let (Some((field, resource)), None) = (holding.next(), holding.next()) else {
                    continue;
                };
                (resource, Some(self.wrapped_body(field, body_def)))
            };
            let Some(TypeDef::Struct(def)) = self.table.get(resource) else { continue };
            let update_paths: Vec<&str> = update
                .argument_params()
                .filter(|param| param.location == Location::Path)
                .map(|param| param.wire_name.as_str())
                .collect();
            let read = methods.iter().find(|read| {
                read.http_method == HttpMethod::Get
                    && !read.deprecated
                    && read.response == Some(resource)
                    && read.argument_params().all(|param| {
                        param.location == Location::Path
                            && update_paths.contains(&param.wire_name.as_str())
                    })
                    && read.argument_params().next().is_some()
            });
            let Some(read) = read else { continue };
            let identity = update
                .argument_params()
                .find(|param| {
                    param.location == Location::Path
                        && def.fields.iter().any(|field| {
                            field.wire_name == param.wire_name && field.ty == Ty::String
                        })
                })
                .map(|param| param.wire_name.clone());
            let changes = update
                .argument_params()
                .find(|param| is_mask(&param.ty) && mask_sentence(param.doc.as_deref(), "updated"))
                .map(|param| Changes::Argument(param.rust_name.clone()))
                .or_else(|| {
                    let wrapped = wrapped.as_ref()?;
                    wrapped.changes.clone().map(Changes::BodyField)
                });
            let kind = def.name.clone();
            let own = documented_stale_etag(update);
            // Only the update's own sentence says where its etag is read from.
            let etag_at = own.as_ref().and_then(|source| etag_field(&source.sentence, def));
            let conflict = own
                .or_else(|| self.stale_etag_rule.clone())
                .map_or(Conflict::Aborted, Conflict::FailedPrecondition);
            let key = format!("merge {}", update.id);
            let rust_name = members.claim(&key, format!("{}_merged", update.rust_name), true);
            merges.push(MergeHelper {
                rust_name,
                update_id: update.id.clone(),
                update_method: update.rust_name.clone(),
                conflict,
                read_method: read.rust_name.clone(),
                read_call_type: read.call_type.clone(),
                read_args: read.argument_params().map(|param| param.wire_name.clone()).collect(),
                resource,
                wrapped,
                kind,
                identity,
                changes,
                etag_at,
            });
        }
        merges
    }

    /// The update body's field holding the resource, and its field masks:
    /// the one saying which fields are updated, and the one restricting
    /// which the answer carries where unset does not mean all.
    fn wrapped_body(&self, field: &Field, body: &StructDef) -> WrappedBody {
        let mask = |verb: &str| {
            body.fields
                .iter()
                .find(|field| is_mask(&field.ty) && mask_sentence(field.doc.as_deref(), verb))
        };
        let returned = mask("returned").filter(|returned| {
            returned
                .doc
                .as_deref()
                .and_then(|doc| prose::sentence_with(doc, &["defaults to all fields"]))
                .is_none()
        });
        WrappedBody {
            field: field.rust_name.clone(),
            changes: mask("updated").map(|field| field.rust_name.clone()),
            returned: returned.map(|field| field.rust_name.clone()),
        }
    }

    /// Marks the writes of the resource whose answer carries what a merge
    /// helper edits (the resource itself, or the one field of its type), and
    /// that can name it (the identity as a path parameter, or the answer's
    /// field): the client keeps that copy for the helper's next edit.
    fn keeps(&self, methods: &mut [Method], merges: &[MergeHelper]) {
        for merge in merges {
            let Some(identity) = &merge.identity else { continue };
            let source = methods
                .iter()
                .find(|method| method.id == merge.update_id)
                .and_then(asks_for_the_answers_etag);
            for method in methods.iter_mut().filter(|method| method.http_method != HttpMethod::Get)
            {
                let Some(response) = method.response else { continue };
                let at = if response == merge.resource {
                    None
                } else {
                    let Some(TypeDef::Struct(answer)) = self.table.get(response) else { continue };
                    let mut holding = answer.fields.iter().filter(|field| {
                        field.ty == Ty::Named(merge.resource) && !field.wrapping.boxed
                    });
                    match (holding.next(), holding.next()) {
                        (Some(field), None) => Some(field.wire_name.clone()),
                        _ => continue,
                    }
                };
                let named_by_path = method
                    .argument_params()
                    .any(|param| param.location == Location::Path && &param.wire_name == identity);
                let has_path_params =
                    method.argument_params().any(|param| param.location == Location::Path);
                if has_path_params && !named_by_path {
                    continue;
                }
                method.keeps = Some(Keep {
                    helper: merge.rust_name.clone(),
                    kind: merge.kind.clone(),
                    at,
                    identity: identity.clone(),
                    returned: self.returned_fields(method),
                    source: source.clone(),
                });
            }
        }
    }

    /// The field mask that restricts which fields a write's answer carries:
    /// a query parameter or a body field whose description says the fields
    /// it names are "returned".
    fn returned_fields(&self, method: &Method) -> Option<ReturnedFields> {
        let query = method
            .params()
            .filter(|param| param.location == Location::Query)
            .map(|param| (&param.wire_name, &param.ty, param.doc.as_deref(), false));
        let body = match method.request.and_then(|id| self.table.get(id)) {
            Some(TypeDef::Struct(def)) => def.fields.as_slice(),
            _ => &[],
        };
        let body =
            body.iter().map(|field| (&field.wire_name, &field.ty, field.doc.as_deref(), true));
        let (wire_name, _, doc, in_body) = query
            .chain(body)
            .find(|(_, ty, doc, _)| is_mask(ty) && mask_sentence(*doc, "returned"))?;
        let all_when_unset = doc
            .and_then(|doc| prose::sentence_with(doc, &["defaults to all fields"]))
            .map(|sentence| Derived { sentence, origin: format!("{}.{wire_name}", method.id) });
        Some(ReturnedFields { wire_name: wire_name.clone(), in_body, all_when_unset })
    }

    /// A request or response body's type (`role` is `request` or `response`):
    /// the schema its `$ref` names, or a type of its own for an inline one.
    fn body(
        &mut self,
        body: &model::Body,
        method_path: &str,
        role: &str,
        call_stem: &str,
    ) -> Result<usize, Error> {
        let context = Context {
            path: format!("{method_path}.{role}"),
            name: format!("{call_stem}{}", camel_ident(role)),
        };
        self.table.body(body, &context, self.type_names)
    }

    /// The parameter `wire` of a method, or none for a query parameter no
    /// URL can carry (an object, an array, any JSON), which is left out with
    /// a warning; `required` says whether the method asks for it, for the warning.
    fn param(
        &mut self,
        wire: &str,
        schema: &model::Parameter,
        required: bool,
        call_stem: &str,
        method_path: &str,
        names: &mut Namespace,
    ) -> Result<Option<Param>, Error> {
        let path = format!("{method_path}.parameters.{wire}");
        let location = match schema.location.as_deref() {
            Some("path") => Location::Path,
            Some("query") | None => Location::Query,
            Some(other) => {
                return Err(Error::invalid(
                    format!("{path}.location"),
                    format!("unsupported parameter location `{other}`"),
                ));
            }
        };
        // Checked before converting: an inline object would become a type
        // that nothing uses.
        if location == Location::Query {
            if let Some(kind) = unsendable_kind(schema) {
                self.leave_out(&path, &format!("of type `{kind}`"), schema.repeated, required);
                return Ok(None);
            }
        }
        let ty = match &schema.enum_values {
            Some(values) => {
                let fallback = format!("{call_stem}{}", camel_ident(wire));
                Ty::Named(self.table.inline_enum(schema, values, &fallback, &path, self.type_names))
            }
            None => {
                let context = Context {
                    path: path.clone(),
                    name: format!("{call_stem}{}", camel_ident(wire)),
                };
                match self.table.convert(schema, &context, self.type_names)? {
                    // A base64 parameter (an etag) is passed on as the text the API handed out.
                    Ty::Bytes => Ty::String,
                    Ty::FieldMask => schema
                        .description
                        .as_deref()
                        .and_then(|doc| self.table.typed_mask(doc, wire, &path, self.type_names))
                        .map_or(Ty::FieldMask, Ty::FieldMaskOf),
                    ty => ty,
                }
            }
        };
        if !is_parameter_type(&ty, self.table) {
            if location == Location::Path {
                return Err(Error::invalid(path, "a path parameter must be a scalar or an enum"));
            }
            let what = match &schema.reference {
                Some(reference) => {
                    format!("of schema `{reference}`, which is not a scalar or an enum")
                }
                None => "that is not a scalar or an enum".to_owned(),
            };
            self.leave_out(&path, &what, schema.repeated, required);
            return Ok(None);
        }
        Ok(Some(Param {
            wire_name: wire.to_owned(),
            rust_name: names.claim(wire, snake_ident(wire), true),
            flag: super::commands::kebab(wire),
            location,
            repeated: schema.repeated,
            ty,
            pattern: schema.pattern.clone(),
            doc: schema.description.clone(),
            deprecated: schema.deprecated,
        }))
    }

    /// Warns that the query parameter at `path`, whose type `what` describes,
    /// is left out of its method.
    fn leave_out(&mut self, path: &str, what: &str, repeated: bool, required: bool) {
        let repeated = if repeated { "a repeated query parameter" } else { "a query parameter" };
        let mut message =
            format!("parameter left out of its method: {repeated} {what} cannot be sent in a URL");
        if required {
            message
                .push_str("; the method requires it, so the API may refuse calls made without it");
        }
        self.warnings.push(Warning { path: path.to_owned(), message });
    }

    /// A `{variable}` of the method's path that the document does not declare:
    /// a required string path parameter, with a warning.
    fn undeclared_path_param(
        &mut self,
        wire: &str,
        method: &model::Method,
        method_path: &str,
        names: &mut Namespace,
    ) -> Param {
        self.warnings.push(Warning {
            path: format!("{method_path}.path"),
            message: format!(
                "path `{}` names `{wire}`, which the method does not declare: \
                 it is taken as a required string path parameter",
                method.path
            ),
        });
        Param {
            wire_name: wire.to_owned(),
            rust_name: names.claim(wire, snake_ident(wire), true),
            flag: super::commands::kebab(wire),
            location: Location::Path,
            repeated: false,
            ty: Ty::String,
            pattern: None,
            doc: Some(format!("The `{wire}` part of the path `{}`.", method.path)),
            deprecated: false,
        }
    }

    /// The upload protocol's path (the simple one, which every protocol can
    /// use with its `uploadType`), limits and whether it resumes.
    fn upload(&mut self, media: &model::MediaUpload, id: &str, spec_const: &str) -> Option<Upload> {
        let path = ["simple", "resumable"]
            .iter()
            .find_map(|protocol| media.protocols.get(*protocol)?.path.clone())?;
        Some(Upload {
            spec_const: self.const_names.claim(
                &format!("{id} upload"),
                format!("{spec_const}_UPLOAD"),
                false,
            ),
            path: path.trim_start_matches('/').to_owned(),
            max_size: media.max_size.as_deref().and_then(byte_size),
            accept: media.accept.clone(),
            resumable: media.protocols.contains_key("resumable"),
        })
    }

    /// A method pages when it takes `pageToken` and its response has `nextPageToken`.
    fn pagination(&mut self, method: &model::Method, response: usize) -> Option<Pagination> {
        let (def, token) = self.token_field(method, PAGE_TOKEN, response, "nextPageToken")?;
        let lists: Vec<&Field> =
            def.fields.iter().filter(|field| matches!(field.ty, Ty::Array(_))).collect();
        let recorded = self.table.prior().page_items.get(&method.id);
        let items = one_field(&lists, recorded).and_then(|field| match &field.ty {
            Ty::Array(item) => Some(PageItems {
                wire_name: field.wire_name.clone(),
                field: field.rust_name.clone(),
                item: (**item).clone(),
            }),
            _ => None,
        });
        let (next_token_field, next_token_wire) =
            (token.rust_name.clone(), token.wire_name.clone());
        if let Some(items) = &items {
            self.table.decided().page_items.insert(method.id.clone(), items.wire_name.clone());
        }
        Some(Pagination {
            page_token_param: PAGE_TOKEN.to_owned(),
            next_token_field,
            next_token_wire,
            items,
        })
    }

    /// The caps the body's fields document, each checked before sending.
    fn body_limits(&self, request: usize) -> Vec<BodyLimit> {
        let Some(TypeDef::Struct(def)) = self.table.get(request) else {
            return Vec::new();
        };
        def.fields
            .iter()
            .filter_map(|field| {
                Some(BodyLimit {
                    wire_name: field.wire_name.clone(),
                    rust_name: field.rust_name.clone(),
                    limit: field.max_items.clone()?,
                })
            })
            .collect()
    }

    /// The body field with a documented per-request limit, for `send_in_chunks()`.
    fn chunking(&mut self, method: &model::Method, request: usize) -> Option<Chunking> {
        let Some(TypeDef::Struct(def)) = self.table.get(request) else {
            return None;
        };
        let limited: Vec<&Field> =
            def.fields.iter().filter(|field| field.max_items.is_some()).collect();
        let recorded = self.table.prior().chunked.get(&method.id);
        let chunking = one_field(&limited, recorded).and_then(|field| {
            Some(Chunking { field: field.wire_name.clone(), max: field.max_items.as_ref()?.max })
        })?;
        self.table.decided().chunked.insert(method.id.clone(), chunking.field.clone());
        Some(chunking)
    }
}

/// The sentence of an update's description that documents its stale-etag
/// answer as 400 `FAILED_PRECONDITION` (People: "The server returns a 400
/// error with reason `"failedPrecondition"` if ... etag is different"); an
/// update without one is taken to follow AIP-154 (409 `ABORTED`).
fn documented_stale_etag(update: &Method) -> Option<Derived> {
    let sentence = stale_etag_sentence(update.doc.as_deref()?)?;
    Some(Derived { sentence, origin: update.id.clone() })
}

/// The sentence of a description that documents a stale etag's answer as
/// `failedPrecondition`.
fn stale_etag_sentence(description: &str) -> Option<String> {
    let sentence =
        prose::sentence_with(description, &["failedprecondition", "failed_precondition"])?;
    sentence.to_ascii_lowercase().contains("etag").then_some(sentence)
}

/// The resource's field that a stale-etag sentence says the etag is read
/// from: the first field of `resource` along a quoted path ending in `etag`
/// (`person.metadata.sources.etag`: `metadata`), unless it is `etag` itself.
fn etag_field(sentence: &str, resource: &StructDef) -> Option<String> {
    let is_field = |name: &str| resource.fields.iter().any(|field| field.wire_name == name);
    sentence
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| quoted.contains('.') && quoted.ends_with("etag"))
        .find_map(|path| path.split('.').find(|segment| is_field(segment)))
        .filter(|field| *field != "etag")
        .map(str::to_owned)
}

fn is_mask(ty: &Ty) -> bool {
    matches!(ty, Ty::FieldMask | Ty::FieldMaskOf(_))
}

/// Whether a field mask's description says it restricts which fields are
/// `verb` ("returned", "updated").
fn mask_sentence(doc: Option<&str>, verb: &str) -> bool {
    doc.and_then(|doc| prose::sentence_with(doc, &[verb]))
        .is_some_and(|sentence| sentence.to_ascii_lowercase().contains("field"))
}

/// The update's sentence asking for sequential updates to use the etag of
/// each answer (People, since 20250513: "If making sequential updates to the
/// same person, the etag from the `updateContact` response should be used").
fn asks_for_the_answers_etag(update: &Method) -> Option<Derived> {
    let sentence = prose::sentence_with(update.doc.as_deref()?, &["sequential updates"])?;
    let lower = sentence.to_ascii_lowercase();
    (lower.contains("etag") && lower.contains("response"))
        .then(|| Derived { sentence, origin: update.id.clone() })
}

/// The constructor's arguments: path parameters in their order, the body,
/// then the other required parameters.
fn arguments(required: Vec<Param>, body: Option<String>) -> Vec<Argument> {
    let (path, query): (Vec<Param>, Vec<Param>) =
        required.into_iter().partition(|param| param.location == Location::Path);
    path.into_iter()
        .map(Argument::Param)
        .chain(body.map(|name| Argument::Body { name }))
        .chain(query.into_iter().map(Argument::Param))
        .collect()
}

/// The locals emit declares: their usual names, which every argument
/// namespace reserves, or a suffixed one where a name kept from an older lock
/// holds it.
fn locals_clear_of(required: &[Param], optional: &[Param]) -> Locals {
    let taken: BTreeSet<&str> =
        required.iter().chain(optional).map(|param| param.rust_name.as_str()).collect();
    let free = |name: String| {
        (1..)
            .map(|n| if n == 1 { name.clone() } else { format!("{name}_{n}") })
            .find(|candidate| !taken.contains(candidate.as_str()))
            .unwrap_or(name)
    };
    let defaults = Locals::default();
    Locals {
        call: free(defaults.call),
        body: free(defaults.body),
        read: free(defaults.read),
        change: free(defaults.change),
        latest: free(defaults.latest),
    }
}

/// The field a call-level helper works on: the one the lock recorded while it
/// still qualifies, so that a second candidate added later does not take the
/// helper away; otherwise the only candidate, if there is exactly one.
fn one_field<'f>(candidates: &[&'f Field], recorded: Option<&String>) -> Option<&'f Field> {
    if let Some(kept) = candidates.iter().find(|field| Some(&field.wire_name) == recorded) {
        return Some(kept);
    }
    match candidates {
        [only] => Some(only),
        _ => None,
    }
}

/// The parameters that are arguments of the call's constructor rather than
/// setters: path parameters, those `parameterOrder` lists, those marked
/// `required`, and those whose description begins "Required." unless it also
/// says what happens when the parameter is not set ("Defaults to ...").
/// Field masks that all claim to be required are alternatives (`personFields`
/// and the older `requestMask.includeField`), so none of them is an argument.
pub fn argument_parameters(method: &model::Method) -> BTreeSet<&str> {
    let documented = |param: &model::Parameter| {
        let doc = param.description.as_deref().unwrap_or_default();
        let lower = doc.to_ascii_lowercase();
        doc.starts_with("Required.")
            && !lower.contains("defaults to")
            && !lower.contains("if not set")
    };
    let documented_masks = method
        .parameters
        .values()
        .filter(|param| param.format.as_deref() == Some("google-fieldmask") && documented(param))
        .count();
    method
        .parameters
        .iter()
        .filter(|(wire, param)| {
            param.required
                || param.location.as_deref() == Some("path")
                || method.parameter_order.contains(wire)
                || (documented(param)
                    && (documented_masks < 2
                        || param.format.as_deref() != Some("google-fieldmask")))
        })
        .map(|(wire, _)| wire.as_str())
        .collect()
}

/// `maxSize` as documents write it: bytes (`"5497558138880"`) or a number
/// with a binary unit (`"10MB"`, `"5120GB"`); anything else sets no limit.
fn byte_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "KB" => 10,
        "MB" => 20,
        "GB" => 30,
        "TB" => 40,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(1 << shift)
}

fn is_parameter_type(ty: &Ty, table: &TypeTable) -> bool {
    match ty {
        Ty::Named(id) => matches!(table.get(*id), Some(TypeDef::Enum(_))),
        Ty::FieldMaskOf(id) => matches!(table.get(*id), Some(TypeDef::FieldPaths(_))),
        Ty::Array(_) | Ty::Map(_) | Ty::Any => false,
        _ => true,
    }
}

/// The `{var}` / `{+var}` of the path that the method does not declare, in
/// the order they appear. A declared one must be a path parameter, and every
/// path parameter must appear in the path.
fn undeclared_path_variables(method: &model::Method, path: &str) -> Result<Vec<String>, Error> {
    let mut in_template = BTreeSet::new();
    let mut undeclared = Vec::new();
    let mut rest = method.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            return Err(Error::invalid(
                format!("{path}.path"),
                format!("unclosed `{{` in path `{}`", method.path),
            ));
        };
        let var = rest[start + 1..start + end].trim_start_matches(['+', '/']);
        match method.parameters.get(var) {
            Some(param) if param.location.as_deref() == Some("path") => {}
            Some(_) => {
                return Err(Error::invalid(
                    format!("{path}.path"),
                    format!(
                        "path `{}` names `{var}`, which is not a path parameter of the method",
                        method.path
                    ),
                ));
            }
            None if !undeclared.iter().any(|known| known == var) => undeclared.push(var.to_owned()),
            None => {}
        }
        in_template.insert(var.to_owned());
        rest = &rest[start + end + 1..];
    }
    for (wire, param) in &method.parameters {
        if param.location.as_deref() == Some("path") && !in_template.contains(wire) {
            return Err(Error::invalid(
                format!("{path}.parameters.{wire}"),
                format!("path parameter `{wire}` does not appear in path `{}`", method.path),
            ));
        }
    }
    Ok(undeclared)
}

/// The type of a query parameter's schema that no URL can carry (`object`,
/// `array`, `any`), as [`TypeTable::convert`] would read it; `$ref`s and
/// enums are checked once converted.
fn unsendable_kind(schema: &model::Parameter) -> Option<&'static str> {
    if schema.reference.is_some() || schema.enum_values.is_some() {
        return None;
    }
    match schema.kind.as_deref() {
        Some("object") => Some("object"),
        Some("array") => Some("array"),
        Some("any") => Some("any"),
        Some(_) => None,
        None if super::types::is_object(schema) => Some("object"),
        None => Some("any"),
    }
}
