//! The call side: the service entry point, one struct per resource, and one
//! builder per method that sends through the runtime.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::ident;
use super::types::ty_tokens;
use crate::error::Error;
use crate::resolve::ir::{
    Api, Argument, BatchEndpoint, Behaviour, Builder, Changes, Conflict, HttpMethod, MergeHelper,
    Method, Param, Resource, Ty, TypeDef, Upload,
};
use crate::surface::{Recorder, param_text, ty_text, type_name, unraw};

/// The `api` module.
pub fn api_module(api: &Api, surface: &mut Recorder) -> Result<TokenStream, Error> {
    let service = ident(&api.service)?;
    let service_path = format!("api::{}", api.service);
    surface.item(&service_path, "service", "struct", String::new(), false);
    if let Some(rule) = &api.sequential_rule {
        let behaviour = Behaviour {
            what: "sequential_mutations".to_owned(),
            description: "every mutation of one user sent one at a time".to_owned(),
            source: Some(rule),
        };
        surface.behaviour("service", "service", behaviour);
    }
    let service_doc = [
        format!(" The entry point of the {}: resources and methods hang off it.", api.title),
        String::new(),
        " Cloning is cheap: clones share one connection pool and one set of credentials."
            .to_owned(),
    ];
    let owner = Owner { path: &service_path, group: "service" };
    let accessors = api
        .resources
        .iter()
        .map(|resource| accessor(resource, &owner, quote! { '_ }, quote! { &self.client }, surface))
        .collect::<Result<Vec<_>, _>>()?;
    let root_methods = api
        .methods
        .iter()
        .map(|method| {
            constructor(api, method, &owner, quote! { &self.client }, surface)
                .map_err(|e| e.within(&method.id))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let resources = api
        .resources
        .iter()
        .map(|resource| resource_items(api, resource, surface))
        .collect::<Result<Vec<_>, _>>()?;
    let calls = api
        .methods
        .iter()
        .map(|method| call_items(api, method, "service", surface).map_err(|e| e.within(&method.id)))
        .collect::<Result<Vec<_>, _>>()?;
    let types_import =
        mentions_api_types(&api.methods, &api.resources).then(|| quote! { use crate::types::*; });
    let (batch_spec, batch_method) = match &api.batch {
        Some(batch) => batch_items(api, batch, &service_path, surface)?,
        None => (None, None),
    };
    Ok(quote! {
        //! The API's methods: a service, its resources, and a builder per call.
        use crate::runtime;
        #types_import

        #batch_spec

        #( #[doc = #service_doc] )*
        #[derive(Clone, Debug)]
        pub struct #service {
            client: runtime::Client,
        }

        impl #service {
            /// Connects to the API's endpoint (or the one named by the `base_url_env`
            /// variable of [`crate::API`]) with the given credentials.
            pub fn new(authenticator: impl runtime::Authenticator) -> Result<Self, runtime::Error> {
                runtime::Client::builder(&crate::API).authenticator(authenticator).build().map(Self::from_client)
            }

            /// Uses a client configured by the caller (endpoint, timeouts, retries).
            pub fn from_client(client: runtime::Client) -> Self {
                Self { client }
            }

            /// The client every call of this service goes through.
            pub fn client(&self) -> &runtime::Client {
                &self.client
            }

            #batch_method
            #( #accessors )*
            #( #root_methods )*
        }

        #( #resources )*
        #( #calls )*
    })
}

/// The batch request's `MethodSpec` and the service's `batch()`.
fn batch_items(
    api: &Api,
    batch: &BatchEndpoint,
    service_path: &str,
    surface: &mut Recorder,
) -> Result<(Option<TokenStream>, Option<TokenStream>), Error> {
    let spec = ident(&batch.spec_const)?;
    let path = &batch.path;
    surface.item(
        &format!("{service_path}::batch()"),
        "service",
        "method",
        "-> Batch".to_owned(),
        false,
    );
    let doc = format!(
        " Many calls of the {} in one HTTP request to `{path}`: add the calls, send, and take \
         each call's result. Google counts every call as a request of its own; see \
         [`runtime::Batch`] for the limits and how failed calls are resent.",
        api.title
    );
    let spec_tokens = batch_spec_const(batch)?;
    let method = quote! {
        #[doc = #doc]
        pub fn batch(&self) -> runtime::Batch {
            runtime::Batch::new(&self.client, &#spec, runtime::__private::DEFAULT_MAX_CALLS)
        }
    };
    Ok((Some(spec_tokens), Some(method)))
}

/// The batch request's `MethodSpec` constant: the library's, and the CLI
/// table's (the same emitter, so both send the same batch request).
pub(super) fn batch_spec_const(batch: &BatchEndpoint) -> Result<TokenStream, Error> {
    let spec = ident(&batch.spec_const)?;
    let (id, path) = (&batch.id, &batch.path);
    Ok(quote! {
        /// The batch request: `POST` to the document's `batchPath`. Credentials are
        /// asked for the scopes of its first call.
        const #spec: runtime::__private::MethodSpec = runtime::__private::MethodSpec {
            id: #id,
            http_method: runtime::__private::HttpMethod::Post,
            path: #path,
            scopes: &[],
            warmup_query: None,
            sequential: false,
            keeps: None,
        };
    })
}

/// Where an item is emitted: the Rust path of its owner (`api::PeopleResource`)
/// and the group its surface entries are filed under (`people`).
struct Owner<'a> {
    path: &'a str,
    group: &'a str,
}

fn accessor(
    resource: &Resource,
    owner: &Owner,
    lifetime: TokenStream,
    client: TokenStream,
    surface: &mut Recorder,
) -> Result<TokenStream, Error> {
    let name = ident(&resource.accessor)?;
    let ty = ident(&resource.type_name)?;
    let doc = format!(" The `{}` resource.", resource.wire_path);
    let deprecated = resource.deprecated.then(|| quote! { #[deprecated] });
    surface.item(
        &format!("{}::{}()", owner.path, unraw(&resource.accessor)),
        &resource.wire_path,
        "accessor",
        format!("-> {}", resource.type_name),
        resource.deprecated,
    );
    Ok(quote! {
        #[doc = #doc]
        #deprecated
        pub fn #name(&self) -> #ty<#lifetime> {
            #ty { client: #client }
        }
    })
}

fn resource_items(
    api: &Api,
    resource: &Resource,
    surface: &mut Recorder,
) -> Result<TokenStream, Error> {
    let ty = ident(&resource.type_name)?;
    let doc = format!(" Methods of the `{}` resource.", resource.wire_path);
    let path = format!("api::{}", resource.type_name);
    let group = resource.wire_path.as_str();
    surface.item(&path, group, "struct", String::new(), resource.deprecated);
    let owner = Owner { path: &path, group };
    let accessors = resource
        .resources
        .iter()
        .map(|child| accessor(child, &owner, quote! { 'a }, quote! { self.client }, surface))
        .collect::<Result<Vec<_>, Error>>()?;
    let methods = resource
        .methods
        .iter()
        .map(|method| {
            constructor(api, method, &owner, quote! { self.client }, surface)
                .map_err(|e| e.within(&method.id))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let merges = resource
        .merges
        .iter()
        .map(|merge| merge_helper(api, resource, merge, &owner, surface))
        .collect::<Result<Vec<_>, _>>()?;
    let children = resource
        .resources
        .iter()
        .map(|child| resource_items(api, child, surface))
        .collect::<Result<Vec<_>, _>>()?;
    let calls = resource
        .methods
        .iter()
        .map(|method| call_items(api, method, group, surface).map_err(|e| e.within(&method.id)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #ty<'a> {
            client: &'a runtime::Client,
        }

        impl<'a> #ty<'a> {
            #( #accessors )*
            #( #methods )*
            #( #merges )*
        }

        #( #children )*
        #( #calls )*
    })
}

/// Whether any method names a type of the `types` module (its body, its
/// response or a parameter's enum), which decides the `use crate::types::*`.
fn mentions_api_types(methods: &[Method], resources: &[Resource]) -> bool {
    let named = |ty: &Ty| matches!(ty, Ty::Named(_) | Ty::FieldMaskOf(_));
    methods.iter().any(|method| {
        method.request.is_some()
            || method.response.is_some()
            || method.params().any(|param| param.ty.any(&named))
    }) || resources
        .iter()
        .any(|resource| mentions_api_types(&resource.methods, &resource.resources))
}

/// The resource method that starts a call: required parameters and the body
/// are its arguments, so a call cannot be built without them.
fn constructor(
    api: &Api,
    method: &Method,
    owner: &Owner,
    client: TokenStream,
    surface: &mut Recorder,
) -> Result<TokenStream, Error> {
    let name = ident(&method.rust_name)?;
    let call_type = ident(&method.call_type)?;
    let spec = ident(&method.spec_const)?;
    let call = ident(&method.locals.call)?;
    let mut arguments = Vec::new();
    let mut signature = Vec::new();
    let mut set_path = Vec::new();
    let mut set_query = Vec::new();
    let mut set_body = TokenStream::new();
    for argument in &method.arguments {
        match argument {
            Argument::Param(param) => {
                let name = ident(&param.rust_name)?;
                let ty = param_arg_type(api, param)?;
                arguments.push(quote! { #name: #ty, });
                signature.push(param_text(api, param));
                if param.location == crate::resolve::ir::Location::Path {
                    let wire = &param.wire_name;
                    let value = param_value(param)?;
                    let pattern = match &param.pattern {
                        Some(pattern) => quote! { Some(#pattern) },
                        None => quote! { None },
                    };
                    set_path.push(quote! { #call.path_param(#wire, #value, #pattern); });
                } else {
                    set_query.push(set_param(param, quote! { #call })?);
                }
            }
            Argument::Body { name } => {
                let Some(body_type) = method.request else { continue };
                let body = ident(name)?;
                let ty = ty_tokens(api, &Ty::Named(body_type))?;
                arguments.push(quote! { #body: #ty, });
                signature.push(type_name(api, body_type));
                let limits = method
                    .body_limits
                    .iter()
                    .map(|limit| {
                        let max = proc_macro2::Literal::usize_unsuffixed(limit.limit.max);
                        let (wire, field) = (&limit.wire_name, ident(&limit.rust_name)?);
                        Ok(quote! { #call.limit_len(#wire, #body.#field.len(), #max); })
                    })
                    .collect::<Result<Vec<_>, Error>>()?;
                set_body = quote! { #( #limits )* #call.set_json_body(&#body); };
            }
        }
    }
    let binding = if method.arguments.is_empty() {
        quote! { let #call }
    } else {
        quote! { let mut #call }
    };
    surface.item(
        &format!("{}::{}()", owner.path, unraw(&method.rust_name)),
        owner.group,
        "method",
        format!("({}) -> {}", signature.join(", "), method.call_type),
        method.deprecated,
    );
    let docs = method_docs(method);
    let deprecated = method.deprecated.then(|| quote! { #[deprecated] });
    let many = many_arguments(arguments.len());
    Ok(quote! {
        #docs
        #deprecated
        #many
        pub fn #name(&self, #( #arguments )*) -> #call_type {
            #binding = runtime::__private::Call::new(#client, &#spec);
            #( #set_path )*
            #( #set_query )*
            #set_body
            #call_type(#call)
        }
    })
}

/// A read-modify-write helper: the update's arguments but the body, a closure
/// that sets the read's options and one that changes the latest resource.
fn merge_helper(
    api: &Api,
    resource: &Resource,
    merge: &MergeHelper,
    owner: &Owner,
    surface: &mut Recorder,
) -> Result<TokenStream, Error> {
    let Some(update) = resource.methods.iter().find(|method| method.id == merge.update_id) else {
        return Ok(TokenStream::new());
    };
    let name = ident(&merge.rust_name)?;
    let (update_name, read_name) = (ident(&merge.update_method)?, ident(&merge.read_method)?);
    let read_call = ident(&merge.read_call_type)?;
    let locals = &update.locals;
    let (read, change, latest) =
        (ident(&locals.read)?, ident(&locals.change)?, ident(&locals.latest)?);
    let edited = ty_tokens(api, &Ty::Named(merge.resource))?;
    let response = match update.response {
        Some(id) => ty_tokens(api, &Ty::Named(id))?,
        None => quote! { () },
    };
    let mut arguments = Vec::new();
    let mut owned = Vec::new();
    let mut update_args = Vec::new();
    let mut fill_returned = TokenStream::new();
    for argument in &update.arguments {
        let Argument::Param(param) = argument else {
            let Some(wrapped) = &merge.wrapped else {
                update_args.push(quote! { #latest, });
                continue;
            };
            // The caller's body with the update's options; each round puts
            // the latest resource in it.
            let (Argument::Body { name }, Some(body_id)) = (argument, update.request) else {
                continue;
            };
            let (body, body_ty) = (ident(name)?, ty_tokens(api, &Ty::Named(body_id))?);
            let field = ident(&wrapped.field)?;
            let optional = match api.types.get(body_id) {
                Some(TypeDef::Struct(def)) => def.fields.iter().any(|candidate| {
                    candidate.rust_name == wrapped.field && candidate.wrapping.optional
                }),
                _ => false,
            };
            let value = if optional {
                quote! { Some(#latest) }
            } else {
                quote! { #latest }
            };
            update_args.push(quote! {
                {
                    let mut #body = #body.clone();
                    #body.#field = #value;
                    #body
                },
            });
            if let (Some(returned), Some(changes)) = (&wrapped.returned, &wrapped.changes) {
                let (returned, changes) = (ident(returned)?, ident(changes)?);
                arguments.push(quote! { mut #body: #body_ty, });
                fill_returned = quote! {
                    if #body.#returned.is_none() {
                        #body.#returned = #body.#changes.clone();
                    }
                };
            } else {
                arguments.push(quote! { #body: #body_ty, });
            }
            continue;
        };
        let name = ident(&param.rust_name)?;
        let ty = param_arg_type(api, param)?;
        arguments.push(quote! { #name: #ty, });
        update_args.push(quote! { #name.clone(), });
        // Each argument once in a form every round can clone.
        owned.push(match (&param.ty, param.repeated) {
            (_, true) => quote! { let #name: Vec<_> = #name.into_iter().collect(); },
            (Ty::String, false) => quote! { let #name: String = #name.into(); },
            (Ty::FieldMask, false) => quote! { let #name: runtime::FieldMask = #name.into(); },
            (Ty::FieldMaskOf(_), false) => {
                quote! { let #name = runtime::IntoFieldMask::into_field_mask(#name); }
            }
            _ => TokenStream::new(),
        });
    }
    let read_args = merge
        .read_args
        .iter()
        .filter_map(|wire| update.argument_params().find(|param| &param.wire_name == wire))
        .map(|param| {
            let name = ident(&param.rust_name)?;
            Ok(quote! { #name.clone(), })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let (conflict, conflict_words) = match merge.conflict {
        Conflict::FailedPrecondition(_) => {
            (quote! { FailedPrecondition }, "a stale etag, 400 `FAILED_PRECONDITION`")
        }
        Conflict::Aborted => (quote! { Aborted }, "a stale etag, 409 `ABORTED`"),
    };
    let start = match merge.identity {
        Some(_) => format!(
            "starts from the copy the client kept from the last write of the resource (its \
             answer, with its etag: see `runtime::ClientBuilder::kept_resources`) when it has one \
             holding the fields to change, otherwise reads the latest with [`Self::{}`] \
             (`{read}` sets that call's options, such as the fields to read)",
            merge.read_method
        ),
        None => format!(
            "reads the latest resource with [`Self::{}`] (`{read}` sets that call's options, \
             such as the fields to read)",
            merge.read_method
        ),
    };
    let body_words = match (&merge.wrapped, update.body_name()) {
        (Some(wrapped), Some(body)) => {
            let fill = match (&wrapped.returned, &wrapped.changes) {
                (Some(returned), Some(changes)) => format!(
                    " When `{returned}` is unset it is set to `{changes}`, so that the answer \
                     holds what the next edit changes."
                ),
                _ => String::new(),
            };
            format!(
                " `{body}` carries the update's options; each round sets its `{}` to the \
                 resource being sent.{fill}",
                wrapped.field
            )
        }
        _ => String::new(),
    };
    let doc = format!(
        " Read-modify-write with `{}`: {start}, lets `{change}` edit it, and sends it back with \
         the etag it came with. When someone else changed it in between ({conflict_words}), \
         reads it again and reapplies `{change}`, up to [`runtime::MERGE_ATTEMPTS`] rounds; the \
         result says how many rounds and reads it took.{body_words}",
        update.id
    );
    let argument = |wire: &str| update.argument_params().find(|param| param.wire_name == wire);
    let start_from = match merge.identity.as_deref().and_then(argument) {
        Some(key) => {
            let key = ident(&key.rust_name)?;
            let kind = &merge.kind;
            let changes = match (&merge.changes, update.body_name()) {
                (Some(Changes::Argument(changes)), _) => {
                    let changes = ident(changes)?;
                    quote! { Some(&#changes) }
                }
                (Some(Changes::BodyField(changes)), Some(body)) => {
                    let (body, changes) = (ident(body)?, ident(changes)?);
                    quote! { #body.#changes.as_ref() }
                }
                _ => quote! { None },
            };
            let etag_at = option_str(merge.etag_at.as_deref());
            quote! {
                Some(runtime::__private::Latest {
                    client: self.client,
                    kind: #kind,
                    key: &#key,
                    changes: #changes,
                    etag_at: #etag_at,
                })
            }
        }
        None => quote! { None },
    };
    let helper_path = format!("{}::{}()", owner.path, unraw(&merge.rust_name));
    let signature = format!("read-modify-write of {}", merge.update_id);
    surface.item(&helper_path, owner.group, "method", signature, false);
    surface.behaviour(&update.id, owner.group, merge.behaviour());
    // The receiver and the two closures besides the update's arguments.
    let many = many_arguments(arguments.len() + 2);
    Ok(quote! {
        #[doc = #doc]
        #many
        pub async fn #name(
            &self,
            #( #arguments )*
            #read: impl Fn(#read_call) -> #read_call,
            #change: impl FnMut(&mut #edited),
        ) -> Result<runtime::Merged<#response>, runtime::Error> {
            #( #owned )*
            #fill_returned
            runtime::__private::merge(
                runtime::__private::Conflict::#conflict,
                #start_from,
                || #read(self.#read_name(#( #read_args )*)).send(),
                #change,
                |#latest| self.#update_name(#( #update_args )*).send(),
            )
            .await
        }
    })
}

/// Clippy's `too_many_arguments` for a method taking `count` arguments
/// besides `&self`: the API's required parameters are the arguments, so the
/// count is the document's, not a choice of the generated code.
fn many_arguments(count: usize) -> Option<TokenStream> {
    (count + 1 > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] })
}

/// Doc comment of a method: its description, what it is on the wire, its
/// scopes, and what the client does because the document asks for it.
fn method_docs(method: &Method) -> TokenStream {
    let wire = format!(
        "Discovery method `{}`: `{} {}`.",
        method.id,
        method.http_method.as_str(),
        method.path
    );
    let scopes = (!method.scopes.is_empty()).then(|| {
        let list =
            method.scopes.iter().map(|scope| format!("* `{scope}`")).collect::<Vec<_>>().join("\n");
        format!("Requires one of the OAuth scopes:\n{list}")
    });
    let sequential = method.sequential.as_ref().map(|source| {
        let whose = if source.origin == method.id {
            "as its description asks".to_owned()
        } else {
            format!("as the API asks in `{}`", source.origin)
        };
        format!(
            "Sent one at a time with the client's other mutations (unless \
             `ClientBuilder::sequential_mutations(false)`), {whose}: \"{}\"",
            source.sentence
        )
    });
    let warmup = method.warmup.as_ref().map(|warmup| {
        format!(
            "Before the first search (again after 5 minutes without one, and after a change \
             through the client), the client sends the warm-up request with an empty `{}` \
             (unless `ClientBuilder::search_warmup(None)`), as the description asks: \"{}\"",
            warmup.param, warmup.source.sentence
        )
    });
    let limits = method.body_limits.iter().map(|limit| {
        format!(
            "A body whose `{}` holds more than {} is refused before anything is sent: \"{}\"",
            limit.wire_name, limit.limit.max, limit.limit.source.sentence
        )
    });
    let behaviour: Vec<String> = sequential.into_iter().chain(warmup).chain(limits).collect();
    doc_attrs(
        method
            .doc
            .as_deref()
            .into_iter()
            .chain([wire.as_str()])
            .chain(scopes.as_deref())
            .chain(behaviour.iter().map(String::as_str)),
    )
}

/// The `MethodSpec` constant and the builder of one method.
fn call_items(
    api: &Api,
    method: &Method,
    group: &str,
    surface: &mut Recorder,
) -> Result<TokenStream, Error> {
    let call = ident(&method.call_type)?;
    let id = &method.id;
    let spec_const = method_spec(method)?;
    let call_path = format!("api::{}", method.call_type);
    surface.item(&call_path, group, "struct", String::new(), method.deprecated);
    // timeout(), retry(), fields() and quota_user() come with the trait.
    surface.item(&format!("{call_path}: CallOptions"), group, "trait impl", String::new(), false);
    for behaviour in method.behaviours() {
        surface.behaviour(&method.id, group, behaviour);
    }
    let call_doc =
        format!(" A `{id}` call, ready to send; optional parameters are set with its methods.");
    let setters = method
        .optional
        .iter()
        .map(|param| {
            surface.item(
                &format!("{call_path}::{}()", unraw(&param.rust_name)),
                group,
                "setter",
                format!("({})", param_text(api, param)),
                param.deprecated,
            );
            setter(api, param)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let response_name = method.response.map_or_else(|| "()".to_owned(), |id| type_name(api, id));
    let response = match method.response {
        Some(id) => ty_tokens(api, &Ty::Named(id))?,
        None => quote! { () },
    };
    let upload_spec = method.upload.as_ref().map(upload_spec_const).transpose()?;
    let batchable = api.batch.is_some().then(|| {
        surface.item(&format!("{call_path}: Batchable"), group, "trait impl", String::new(), false);
        quote! {
            impl runtime::Batchable for #call {
                type Response = #response;

                fn __into_call(self) -> runtime::__private::Call {
                    self.0
                }
            }
        }
    });
    let mut builders = Vec::new();
    for builder in method.builders() {
        let (tokens, signature) = match builder {
            Builder::Send => (send(method, &response), format!("-> {response_name}")),
            Builder::SendWithMetadata => {
                (send_with_metadata(method, &response), format!("-> Response<{response_name}>"))
            }
            Builder::SendInChunks => {
                let Some(chunking) = &method.chunking else { continue };
                let (field, max) = (&chunking.field, chunking.max);
                let doc = format!(
                    " Like [`Self::send`] for a body whose `{field}` holds more than the {max} one request \
                     takes: sends it in consecutive requests of at most {max}, each with the body's other \
                     fields and this call's parameters, and yields each response in order. Stops at the \
                     first error; the chunks after it are not sent."
                );
                let tokens = quote! {
                    #[doc = #doc]
                    pub fn send_in_chunks(self) -> impl runtime::Stream<Item = Result<#response, runtime::Error>> + Send {
                        self.0.send_in_chunks(#field)
                    }
                };
                (tokens, format!("-> stream of {response_name} (`{field}` split)"))
            }
            Builder::Pages => {
                let Some(pagination) = &method.pagination else { continue };
                let token = ident(&pagination.next_token_field)?;
                let param = &pagination.page_token_param;
                let tokens = quote! {
                    /// Sends the request, then one per following page, and yields each page.
                    pub fn pages(self) -> impl runtime::Stream<Item = Result<#response, runtime::Error>> + Send {
                        self.0.pages(#param, |page: &#response| page.#token.clone())
                    }
                };
                (tokens, format!("-> stream of {response_name}"))
            }
            Builder::Items => {
                let Some(pagination) = &method.pagination else { continue };
                let Some(items) = &pagination.items else { continue };
                let token = ident(&pagination.next_token_field)?;
                let param = &pagination.page_token_param;
                let field = ident(&items.field)?;
                let item = ty_tokens(api, &items.item)?;
                let doc = format!(
                    " Like [`Self::pages`], but yields the `{}` of every page, one by one.",
                    items.field
                );
                let tokens = quote! {
                    #[doc = #doc]
                    pub fn items(self) -> impl runtime::Stream<Item = Result<#item, runtime::Error>> + Send {
                        self.0.items(#param, |page: #response| (page.#field, page.#token))
                    }
                };
                let signature =
                    format!("-> stream of {} (`{}`)", ty_text(api, &items.item), items.wire_name);
                (tokens, signature)
            }
            Builder::Sync => {
                let Some(sync) = sync(api, method, &response)? else { continue };
                sync
            }
            Builder::Upload | Builder::UploadResumable => {
                let Some(upload) = &method.upload else { continue };
                let takes = match builder {
                    Builder::UploadResumable => "impl Into<Resumable>",
                    _ => "Media",
                };
                let signature = format!("({takes}) -> {response_name}");
                (upload_method(builder, upload, method, &response)?, signature)
            }
            Builder::Download => {
                let tokens = quote! {
                    /// Sends the call with `alt=media`: the response is the content itself,
                    /// streamed rather than decoded.
                    pub async fn download(self) -> Result<runtime::Download, runtime::Error> {
                        self.0.download().await
                    }
                };
                (tokens, "-> Download".to_owned())
            }
            Builder::DownloadToFile => {
                let tokens = quote! {
                    /// Sends the call with `alt=media` and writes the content to `path`; a
                    /// transfer that breaks goes on with `Range` where it stopped (a server
                    /// that answers the whole content again makes the file start over).
                    /// `progress` sees every step.
                    pub async fn download_to_file(
                        self,
                        path: impl AsRef<std::path::Path>,
                        progress: impl FnMut(runtime::Progress),
                    ) -> Result<runtime::Downloaded, runtime::Error> {
                        self.0.download_to_file(path, progress).await
                    }
                };
                (tokens, "(path, progress) -> Downloaded".to_owned())
            }
        };
        surface.item(
            &format!("{call_path}::{}()", builder.name()),
            group,
            "method",
            signature,
            false,
        );
        builders.push(tokens);
    }
    Ok(quote! {
        #upload_spec

        #spec_const

        #[doc = #call_doc]
        #[derive(Clone, Debug)]
        #[must_use = "a call does nothing until it is sent"]
        pub struct #call(runtime::__private::Call);

        impl runtime::CallOptions for #call {
            fn __call(&mut self) -> &mut runtime::__private::Call {
                &mut self.0
            }
        }

        #batchable

        impl #call {
            #( #setters )*

            #( #builders )*
        }
    })
}

fn send(method: &Method, response: &TokenStream) -> TokenStream {
    let doc = format!(" Sends the request and decodes the `{}` response.", method.id);
    match method.response {
        Some(_) => quote! {
            #[doc = #doc]
            pub async fn send(self) -> Result<#response, runtime::Error> {
                self.0.send().await
            }
        },
        None => quote! {
            #[doc = #doc]
            pub async fn send(self) -> Result<(), runtime::Error> {
                self.0.send_empty().await
            }
        },
    }
}

fn send_with_metadata(method: &Method, response: &TokenStream) -> TokenStream {
    match method.response {
        Some(_) => quote! {
            /// Like [`Self::send`], with the response's HTTP status and headers.
            pub async fn send_with_metadata(self) -> Result<runtime::Response<#response>, runtime::Error> {
                self.0.send_with_metadata().await
            }
        },
        None => quote! {
            /// Like [`Self::send`], with the response's HTTP status and headers.
            pub async fn send_with_metadata(self) -> Result<runtime::Response<()>, runtime::Error> {
                self.0.send_empty_with_metadata().await
            }
        },
    }
}

/// `sync()` of a list method that syncs, and its surface signature.
fn sync(
    api: &Api,
    method: &Method,
    response: &TokenStream,
) -> Result<Option<(TokenStream, String)>, Error> {
    let (Some(sync), Some(pagination)) = (&method.sync, &method.pagination) else {
        return Ok(None);
    };
    let Some(items) = &pagination.items else { return Ok(None) };
    let token = ident(&pagination.next_token_field)?;
    let param = &pagination.page_token_param;
    let field = ident(&items.field)?;
    let item = ty_tokens(api, &items.item)?;
    let sync_token = &sync.sync_token_param;
    let next_sync = ident(&sync.next_sync_token_field)?;
    let request_sync_token = match &sync.request_sync_token_param {
        Some(flag) => quote! { Some(#flag) },
        None => quote! { None },
    };
    let doc = format!(
        " Runs a sync to its last page and returns the `{}` of every page with the \
         token for the next sync: a full sync when `sync_token` is `None`, otherwise the \
         changes since the sync that returned it (deleted items included, as the API \
         marks them). Every page is asked with this call's parameters, which the next \
         sync must repeat. An expired token is an error that \
         [`runtime::Error::is_sync_token_expired`] recognises, unless `on_expiry` is \
         [`runtime::OnExpiry::FullSync`]. A rate-limited first page of a full sync is \
         asked again after the server's delay.",
        items.field
    );
    let signature = format!("-> Synced<{}>", ty_text(api, &items.item));
    Ok(Some((
        quote! {
            #[doc = #doc]
            pub async fn sync(
                self,
                sync_token: Option<String>,
                on_expiry: runtime::OnExpiry,
            ) -> Result<runtime::Synced<#item>, runtime::Error> {
                let params = runtime::__private::SyncParams {
                    page_token: #param,
                    sync_token: #sync_token,
                    request_sync_token: #request_sync_token,
                };
                self.0.sync(params, sync_token, on_expiry, |page: #response| {
                    (page.#field, page.#token, page.#next_sync)
                })
                .await
            }
        },
        signature,
    )))
}

/// The method's `MethodSpec` constant: what the runtime needs to know of
/// it. The generated CLI declares the same constant, so it sends the same
/// requests as the library.
pub(super) fn method_spec(method: &Method) -> Result<TokenStream, Error> {
    let spec = ident(&method.spec_const)?;
    let id = &method.id;
    let http = match method.http_method {
        HttpMethod::Get => quote! { Get },
        HttpMethod::Post => quote! { Post },
        HttpMethod::Put => quote! { Put },
        HttpMethod::Patch => quote! { Patch },
        HttpMethod::Delete => quote! { Delete },
    };
    let path = &method.path;
    let scopes = &method.scopes;
    let warmup_query = option_str(method.warmup.as_ref().map(|warmup| warmup.param.as_str()));
    let sequential = method.sequential.is_some();
    let keeps = match &method.keeps {
        Some(keep) => {
            let (kind, identity) = (&keep.kind, &keep.identity);
            let at = option_str(keep.at.as_deref());
            let returned = match &keep.returned {
                Some(returned) => {
                    let (name, in_body) = (&returned.wire_name, returned.in_body);
                    let all_when_unset = returned.all_when_unset.is_some();
                    quote! {
                        Some(runtime::__private::ReturnedFields {
                            name: #name,
                            in_body: #in_body,
                            all_when_unset: #all_when_unset,
                        })
                    }
                }
                None => quote! { None },
            };
            quote! {
                Some(runtime::__private::KeepSpec {
                    kind: #kind,
                    at: #at,
                    identity: #identity,
                    returned: #returned,
                })
            }
        }
        None => quote! { None },
    };
    Ok(quote! {
        const #spec: runtime::__private::MethodSpec = runtime::__private::MethodSpec {
            id: #id,
            http_method: runtime::__private::HttpMethod::#http,
            path: #path,
            scopes: &[#( #scopes ),*],
            warmup_query: #warmup_query,
            sequential: #sequential,
            keeps: #keeps,
        };
    })
}

/// `Some("text")` or `None`, as a `&'static str` option.
fn option_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote! { Some(#text) },
        None => quote! { None },
    }
}

/// A method's `UploadSpec` constant, shared with the generated CLI like [`method_spec`].
pub(super) fn upload_spec_const(upload: &Upload) -> Result<TokenStream, Error> {
    let constant = ident(&upload.spec_const)?;
    let path = &upload.path;
    let max_size = match upload.max_size {
        Some(max) => {
            let max = proc_macro2::Literal::u64_unsuffixed(max);
            quote! { Some(#max) }
        }
        None => quote! { None },
    };
    let accept = &upload.accept;
    Ok(quote! {
        const #constant: runtime::__private::UploadSpec = runtime::__private::UploadSpec {
            path: #path,
            max_size: #max_size,
            accept: &[#( #accept ),*],
        };
    })
}

/// `upload()` or `upload_resumable()` of a call that takes media.
fn upload_method(
    builder: Builder,
    upload: &Upload,
    method: &Method,
    response: &TokenStream,
) -> Result<TokenStream, Error> {
    let constant = ident(&upload.spec_const)?;
    // Without a response, `()` decodes any answer to nothing.
    let returns = match method.response {
        Some(_) => quote! { #response },
        None => quote! { () },
    };
    if builder == Builder::UploadResumable {
        return Ok(quote! {
            /// Like [`Self::upload`], in a resumable session: the content goes in chunks
            /// (8 MiB unless [`runtime::Resumable::chunk_size`] says otherwise), read one
            /// at a time from memory, a file or a reader, and after a failure the upload
            /// goes on from what the server kept; with a session file, a new process goes
            /// on too. For large content.
            pub async fn upload_resumable(
                self,
                upload: impl Into<runtime::Resumable>,
            ) -> Result<#returns, runtime::Error> {
                self.0.upload_resumable::<#returns>(&#constant, upload).await
            }
        });
    }
    let limits = match (upload.max_size, upload.accept.is_empty()) {
        (Some(max), false) => {
            format!(" The API takes up to {max} bytes of `{}`.", upload.accept.join("`, `"))
        }
        (Some(max), true) => format!(" The API takes up to {max} bytes."),
        (None, false) => format!(" The API takes `{}`.", upload.accept.join("`, `")),
        (None, true) => String::new(),
    };
    let doc = match method.request {
        Some(_) => format!(
            " Sends the call with `media` as its content, in one `uploadType=multipart` \
             request: the body as metadata, then the media, held in memory.{limits}"
        ),
        None => format!(
            " Sends `media` as the call's content, in one `uploadType=media` request, \
             held in memory.{limits}"
        ),
    };
    Ok(quote! {
        #[doc = #doc]
        pub async fn upload(self, media: runtime::Media) -> Result<#returns, runtime::Error> {
            self.0.upload::<#returns>(&#constant, media).await
        }
    })
}

/// A builder method for one optional parameter.
fn setter(api: &Api, param: &Param) -> Result<TokenStream, Error> {
    let name = ident(&param.rust_name)?;
    let ty = param_arg_type(api, param)?;
    let docs = doc_attrs(param.doc.as_deref());
    let deprecated = param.deprecated.then(|| quote! { #[deprecated] });
    let set = set_param(param, quote! { self.0 })?;
    Ok(quote! {
        #docs
        #deprecated
        pub fn #name(mut self, #name: #ty) -> Self {
            #set
            self
        }
    })
}

/// What a parameter's argument accepts.
fn param_arg_type(api: &Api, param: &Param) -> Result<TokenStream, Error> {
    let item = match &param.ty {
        Ty::String => quote! { impl Into<String> },
        Ty::FieldMask => quote! { impl Into<runtime::FieldMask> },
        Ty::FieldMaskOf(paths) => {
            let paths = ty_tokens(api, &Ty::Named(*paths))?;
            quote! { impl runtime::IntoFieldMask<#paths> }
        }
        other => ty_tokens(api, other)?,
    };
    Ok(if param.repeated {
        quote! { impl IntoIterator<Item = #item> }
    } else {
        item
    })
}

/// The statement that stores a query parameter on the request.
fn set_param(param: &Param, request: TokenStream) -> Result<TokenStream, Error> {
    let wire = &param.wire_name;
    let name = ident(&param.rust_name)?;
    Ok(if param.repeated {
        let each = to_text(&param.ty, quote! { value });
        quote! { #request.set_query_all(#wire, #name.into_iter().map(|value| #each)); }
    } else {
        let value = param_value(param)?;
        quote! { #request.set_query(#wire, #value); }
    })
}

/// A single parameter argument as the text sent on the wire.
fn param_value(param: &Param) -> Result<TokenStream, Error> {
    let name = ident(&param.rust_name)?;
    Ok(to_text(&param.ty, quote! { #name }))
}

/// Parameters are scalars or enums (the resolve stage checks), so each has one
/// canonical text form.
fn to_text(ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote! { #value.into() },
        Ty::FieldMask => quote! { #value.into().to_string() },
        Ty::FieldMaskOf(_) => {
            quote! { runtime::IntoFieldMask::into_field_mask(#value).to_string() }
        }
        Ty::Named(_) => quote! { #value.as_str().to_owned() },
        _ => quote! { #value.to_string() },
    }
}
