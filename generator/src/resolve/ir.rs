//! The resolved API: plain data in which every Rust name and type is decided.
//! The emit stage only prints what it finds here.

/// Index of a type in [`Api::types`].
pub type TypeId = usize;

/// One API, ready to print.
#[derive(Clone, Debug)]
pub struct Api {
    /// `people:v1`.
    pub id: String,
    pub name: String,
    pub version: String,
    pub revision: String,
    pub title: String,
    pub description: Option<String>,
    pub documentation_link: Option<String>,
    /// `google-people-v1`.
    pub crate_name: String,
    /// rootUrl + servicePath, the default endpoint; empty when the document
    /// names none (the caller must give one).
    pub base_url: String,
    /// The servicePath part of `base_url`: upload paths start before it.
    pub service_path: String,
    /// The environment variable that overrides `base_url`.
    pub base_url_env: String,
    /// The generated command-line client's name: `people`.
    pub command: String,
    /// The variable the CLI reads a bearer token from: `GOOGLE_PEOPLE_V1_TOKEN`.
    pub token_env: String,
    /// The entry point type, `PeopleService`.
    pub service: String,
    pub scopes: Vec<Scope>,
    /// Every type, in emission order: named schemas by name, then the types
    /// found inside them, then parameter enums.
    pub types: Vec<TypeDef>,
    /// Methods at the document's top level, called on the service itself.
    pub methods: Vec<Method>,
    pub resources: Vec<Resource>,
    /// Parameters every method accepts that callers may want to set and that
    /// the runtime's `CallOptions` does not already offer.
    pub standard_params: Vec<Param>,
    /// The sentence that asks for every mutation of one user to be sent one
    /// at a time, when the document words it for the whole API: it makes the
    /// mutations whose own description says nothing sequential too.
    pub sequential_rule: Option<Derived>,
    /// The HTTP batch endpoint, when the document has a `batchPath`.
    pub batch: Option<BatchEndpoint>,
    /// Every decision made here, for the next regeneration to keep.
    pub decisions: super::lock::Lock,
    /// What the document gets away with that resolving worked around (a
    /// parameter left out, no endpoint), in document order.
    pub warnings: Vec<crate::error::Warning>,
}

/// An OAuth scope and the constant that names it.
/// Where many calls go in one `multipart/mixed` request.
#[derive(Clone, Debug)]
pub struct BatchEndpoint {
    /// `batchPath`, relative to the API's root URL.
    pub path: String,
    /// The id the batch request goes by in errors and logs (`people.batch`).
    pub id: String,
    /// The name of its `MethodSpec` static.
    pub spec_const: String,
}

#[derive(Clone, Debug)]
pub struct Scope {
    pub url: String,
    pub const_name: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    /// A named schema that is not an object or enum: `pub type Name = Ty;`.
    Alias(AliasDef),
    /// The paths a field mask may name, as the document lists them.
    FieldPaths(FieldPathsDef),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            Self::Struct(def) => &def.name,
            Self::Enum(def) => &def.name,
            Self::Alias(def) => &def.name,
            Self::FieldPaths(def) => &def.name,
        }
    }
}

#[derive(Clone, Debug)]
pub struct StructDef {
    pub name: String,
    pub doc: Option<String>,
    /// Where the type came from, as a JSON path into the document.
    pub origin: String,
    pub deprecated: bool,
    pub fields: Vec<Field>,
    /// The private field holding the keys the struct does not know and the
    /// fields to send although unset (`runtime::wire::WireExtras`).
    pub extras_field: String,
    /// A method answers with it: its decoder is compiled in the generated
    /// crate (`runtime::__private::ResponseBody`), not in every caller.
    pub response_body: bool,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    pub setter: String,
    /// The setter that unsets the field and sends it as `null`, `[]` or `{}`.
    pub clearer: String,
    pub ty: Ty,
    /// How the value is held: emit, the surface and setters print this.
    pub wrapping: Wrapping,
    pub doc: Option<String>,
    pub read_only: bool,
    pub deprecated: bool,
    /// The most elements one request may carry, for an array or map whose
    /// description documents it ("Allows up to 200 contacts in a single request").
    pub max_items: Option<Limit>,
}

impl Field {
    /// How generated code reads the field's JSON value: structs, alone or in
    /// a list, are read in place; the rest is read and then stored.
    pub fn read(&self, api: &Api) -> FieldRead {
        let is_struct = |ty: &Ty| match ty {
            Ty::Named(id) => matches!(api.types.get(*id), Some(TypeDef::Struct(_))),
            _ => false,
        };
        if self.ty.has_string_integers() {
            FieldRead::StringInteger
        } else if self.wrapping.optional {
            if is_struct(&self.ty) && !self.wrapping.boxed {
                FieldRead::Object
            } else {
                FieldRead::Optional
            }
        } else {
            match &self.ty {
                Ty::Array(element) if is_struct(element) => FieldRead::Objects,
                Ty::Array(_) => FieldRead::List,
                _ => FieldRead::Value,
            }
        }
    }
}

/// The `runtime::__private` reader a field's JSON value goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldRead {
    /// `next_object`: an optional struct, read in place.
    Object,
    /// `next_objects`: a list of structs, each read in place.
    Objects,
    /// `next_list`: a list of other values.
    List,
    /// `next_optional`: any other optional value.
    Optional,
    /// `next_string_integer`: a value holding 64-bit integers sent as strings.
    StringInteger,
    /// `next_field`: a map, `null` read as empty.
    Value,
}

/// How a field holds its value. Containers are never optional (empty means
/// absent); a field that breaks a recursive type is boxed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wrapping {
    pub optional: bool,
    pub boxed: bool,
}

/// A per-request cap on a list, and the sentence that documents it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    pub source: Derived,
}

/// Where a behaviour read from the document's prose comes from: the sentence
/// and the place that holds it, so that the surface, the lock, the API diff
/// and the call's documentation can show why the client behaves so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derived {
    /// The sentence, as the document words it.
    pub sentence: String,
    /// The method id or JSON path whose description holds it.
    pub origin: String,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: String,
    pub doc: Option<String>,
    pub origin: String,
    pub variants: Vec<Variant>,
    /// The variant that keeps a value this version of the crate does not know.
    pub unknown_variant: String,
    /// A method answers with it (see [`StructDef::response_body`]).
    pub response_body: bool,
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub name: String,
    pub wire: String,
    pub doc: Option<String>,
    pub deprecated: bool,
}

#[derive(Clone, Debug)]
pub struct AliasDef {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Ty,
}

/// The fields of one struct that masks may name (`PersonField`), gathered from
/// every mask whose description lists its valid values.
#[derive(Clone, Debug)]
pub struct FieldPathsDef {
    pub name: String,
    /// The struct whose fields the paths are.
    pub schema: TypeId,
    /// By wire name.
    pub paths: Vec<FieldPath>,
    /// The parameters and fields that take such masks (`personFields`), for docs.
    pub used_by: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct FieldPath {
    pub variant: String,
    /// The variant's explicit discriminant: kept across regenerations, so a
    /// new path is a compatible change even for code that casts with `as`.
    pub discriminant: u32,
    pub wire: String,
    /// The field's description.
    pub doc: Option<String>,
}

/// A value's Rust type, and with it how it travels on the wire.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    I32,
    U32,
    /// `int64`: a JSON string on the wire when `as_string`.
    I64 {
        as_string: bool,
    },
    /// `uint64`: a JSON string on the wire.
    U64,
    F32,
    F64,
    String,
    Bytes,
    Timestamp,
    Duration,
    FieldMask,
    /// A field mask of the paths a [`FieldPathsDef`] lists.
    FieldMaskOf(TypeId),
    /// Any JSON value.
    Any,
    Named(TypeId),
    Array(Box<Ty>),
    Map(Box<Ty>),
}

impl Ty {
    /// Whether `test` holds for the type or, at any depth, its element type.
    pub fn any(&self, test: &impl Fn(&Ty) -> bool) -> bool {
        test(self)
            || match self {
                Self::Array(inner) | Self::Map(inner) => inner.any(test),
                _ => false,
            }
    }

    /// Whether the type, at any depth, holds 64-bit integers sent as strings.
    pub fn has_string_integers(&self) -> bool {
        self.any(&|ty| matches!(ty, Self::I64 { as_string: true } | Self::U64))
    }

    /// Containers are never wrapped in `Option`: empty means absent.
    pub fn is_container(&self) -> bool {
        matches!(self, Self::Array(_) | Self::Map(_))
    }
}

/// A group of methods, and the resources nested in it.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The accessor on the parent: `people.connections()`.
    pub accessor: String,
    /// The CLI's subcommand: `contact-groups`.
    pub command: String,
    pub type_name: String,
    /// `people.connections`, for docs.
    pub wire_path: String,
    pub deprecated: bool,
    pub methods: Vec<Method>,
    /// Read-modify-write helpers for the resource's etag-guarded updates.
    pub merges: Vec<MergeHelper>,
    pub resources: Vec<Resource>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Method {
    /// `people.people.get`.
    pub id: String,
    /// The method on its resource: `get`, `create_contact`.
    pub rust_name: String,
    /// The CLI's subcommand: `create-contact`.
    pub command: String,
    /// The builder type: `PeopleGetCall`.
    pub call_type: String,
    /// The `MethodSpec` constant: `PEOPLE_GET`.
    pub spec_const: String,
    pub http_method: HttpMethod,
    pub path: String,
    pub doc: Option<String>,
    pub scopes: Vec<String>,
    /// Arguments of the constructor, in order: path parameters as
    /// `parameterOrder` lists them, the body, then other required parameters.
    pub arguments: Vec<Argument>,
    /// Setters on the builder.
    pub optional: Vec<Param>,
    /// The names emit gives its own bindings in the constructor and helpers.
    pub locals: Locals,
    pub request: Option<TypeId>,
    pub response: Option<TypeId>,
    pub pagination: Option<Pagination>,
    /// The body's fields with a documented per-request limit, checked at send.
    pub body_limits: Vec<BodyLimit>,
    /// The body field with a per-request limit that the call can also be
    /// sent in chunks of: the one it had before, or the only one.
    pub chunking: Option<Chunking>,
    /// The call can carry media content.
    pub upload: Option<Upload>,
    /// The call can return media content (`alt=media`) instead of JSON.
    pub download: bool,
    pub deprecated: bool,
    /// A list method that syncs: `sync()` runs a full or incremental sync.
    pub sync: Option<SyncSpec>,
    /// The warm-up request the method's description asks for before searching.
    pub warmup: Option<Warmup>,
    /// Why the method's requests are sent one at a time with the client's
    /// other mutations: its own description's sentence, or the API-wide rule
    /// ([`Api::sequential_rule`]) for a mutation whose description says nothing.
    pub sequential: Option<Derived>,
    /// The write's answer carries the resource a merge helper edits: the
    /// client keeps it for that helper's next edit of the resource.
    pub keeps: Option<Keep>,
}

/// A write whose answer carries the resource a merge helper edits, so that
/// the helper's next edit of the same resource starts from that copy (and
/// its etag) instead of a read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keep {
    /// The merge helper's Rust name, for the behaviour's description.
    pub helper: String,
    /// The resource's type name: the client keys kept copies by it.
    pub kind: String,
    /// The answer's field holding the resource (wire name); `None` when the
    /// answer is the resource.
    pub at: Option<String>,
    /// The resource's identity (wire name): the write's path parameter of
    /// that name, or the answer's field for a write without one (a create).
    pub identity: String,
    /// The parameter that restricts which fields the answer carries.
    pub returned: Option<ReturnedFields>,
    /// The sentence asking for sequential updates to use each answer's
    /// etag, where the update's description has one.
    pub source: Option<Derived>,
}

/// A field mask parameter of a write (query) or of its body that restricts
/// which fields of the resource the answer carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnedFields {
    pub wire_name: String,
    pub in_body: bool,
    /// The sentence saying that unset means every field ("Defaults to all
    /// fields if not set"); without one, an answer to a write that left it
    /// unset is not kept.
    pub all_when_unset: Option<Derived>,
}

/// A behaviour of a call that the generator derived from the document: what
/// it is about (`sequential`, `limit(contacts)`), the behaviour in words, and
/// the sentence behind it where prose decided it (none where the document's
/// shape did, as for paging). The surface, the lock and the API diff record
/// these, so a review sees a behaviour change like an API change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Behaviour<'a> {
    pub what: String,
    pub description: String,
    pub source: Option<&'a Derived>,
}

impl Method {
    /// The call's own methods besides the setters, in the order they are
    /// emitted: what the call can do decides which it gets.
    pub fn builders(&self) -> Vec<Builder> {
        let paged = self.pagination.as_ref();
        let upload = self.upload.as_ref();
        [
            (Builder::Send, true),
            (Builder::SendWithMetadata, true),
            (Builder::SendInChunks, self.chunking.is_some()),
            (Builder::Pages, paged.is_some()),
            (Builder::Items, paged.is_some_and(|pages| pages.items.is_some())),
            (Builder::Sync, self.sync.is_some()),
            (Builder::Upload, upload.is_some()),
            (Builder::UploadResumable, upload.is_some_and(|upload| upload.resumable)),
            (Builder::Download, self.download),
            (Builder::DownloadToFile, self.download),
        ]
        .into_iter()
        .filter_map(|(builder, offered)| offered.then_some(builder))
        .collect()
    }

    /// Every behaviour of the call derived from the document.
    pub fn behaviours<'a>(&'a self) -> Vec<Behaviour<'a>> {
        let mut behaviours = Vec::new();
        let mut add = |what: &str, description: String, source: Option<&'a Derived>| {
            behaviours.push(Behaviour { what: what.to_owned(), description, source });
        };
        if let Some(source) = &self.sequential {
            let why = if source.origin == self.id {
                "as its description asks"
            } else {
                "by the API-wide rule"
            };
            add("sequential", format!("sent one at a time, {why}"), Some(source));
        }
        if let Some(warmup) = &self.warmup {
            let description =
                format!("a search sends the warm-up request (`{}` empty) first", warmup.param);
            add("warmup", description, Some(&warmup.source));
        }
        for limit in &self.body_limits {
            let description =
                format!("at most {} `{}` per request", limit.limit.max, limit.wire_name);
            add(&format!("limit({})", limit.wire_name), description, Some(&limit.limit.source));
        }
        if let Some(keep) = &self.keeps {
            let what =
                keep.at.as_ref().map_or("answer".to_owned(), |at| format!("answer's `{at}`"));
            let fields = match &keep.returned {
                Some(returned) if returned.all_when_unset.is_some() => {
                    format!(", holding the fields `{}` names (unset: all)", returned.wire_name)
                }
                Some(returned) => {
                    format!(", when `{}` names the fields it holds", returned.wire_name)
                }
                None => String::new(),
            };
            let description = format!("the {what} is kept for the next `{}`{fields}", keep.helper);
            add("keeps", description, keep.source.as_ref());
        }
        if let Some(pagination) = &self.pagination {
            let description = format!(
                "pages ask `{}` with the last `{}`",
                pagination.page_token_param, pagination.next_token_wire
            );
            add("pages", description, None);
        }
        if let Some(sync) = &self.sync {
            let request = match &sync.request_sync_token_param {
                Some(flag) => format!(", a full sync sets `{flag}`"),
                None => String::new(),
            };
            add("sync", format!("syncs with `{}`{request}", sync.sync_token_param), None);
        }
        behaviours
    }

    /// The request body's argument name, when the call takes a body.
    pub fn body_name(&self) -> Option<&str> {
        self.arguments.iter().find_map(|argument| match argument {
            Argument::Body { name } => Some(name.as_str()),
            Argument::Param(_) => None,
        })
    }

    /// The parameters among the constructor's arguments, in order.
    pub fn argument_params(&self) -> impl Iterator<Item = &Param> {
        self.arguments.iter().filter_map(|argument| match argument {
            Argument::Param(param) => Some(param),
            Argument::Body { .. } => None,
        })
    }

    /// [`Self::params`], to rename (the CLI's flags).
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut Param> {
        let arguments = self.arguments.iter_mut().filter_map(|argument| match argument {
            Argument::Param(param) => Some(param),
            Argument::Body { .. } => None,
        });
        arguments.chain(&mut self.optional)
    }

    /// Every parameter: the arguments', then the setters'.
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.argument_params().chain(&self.optional)
    }
}

/// One argument of a call's constructor.
#[derive(Clone, Debug)]
pub enum Argument {
    Param(Param),
    /// The request body ([`Method::request`]), under this name.
    Body {
        name: String,
    },
}

/// A method of a call builder other than a parameter's setter. The runtime's
/// `CallOptions` adds [`CALL_OPTIONS`]; together they are the names a
/// parameter's setter must not take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builder {
    Send,
    SendWithMetadata,
    SendInChunks,
    Pages,
    Items,
    Sync,
    Upload,
    UploadResumable,
    Download,
    DownloadToFile,
}

impl Builder {
    pub const ALL: [Self; 10] = [
        Self::Send,
        Self::SendWithMetadata,
        Self::SendInChunks,
        Self::Pages,
        Self::Items,
        Self::Sync,
        Self::Upload,
        Self::UploadResumable,
        Self::Download,
        Self::DownloadToFile,
    ];

    /// The method's Rust name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Send => "send",
            Self::SendWithMetadata => "send_with_metadata",
            Self::SendInChunks => "send_in_chunks",
            Self::Pages => "pages",
            Self::Items => "items",
            Self::Sync => "sync",
            Self::Upload => "upload",
            Self::UploadResumable => "upload_resumable",
            Self::Download => "download",
            Self::DownloadToFile => "download_to_file",
        }
    }
}

/// The methods every call gets from the runtime's `CallOptions` trait.
pub const CALL_OPTIONS: [&str; 4] = ["timeout", "retry", "fields", "quota_user"];

/// The bindings emitted code declares next to a call's arguments: in the
/// constructor, the call being built and the body; in a merge helper, its
/// two closures and the latest resource they pass on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locals {
    pub call: String,
    pub body: String,
    pub read: String,
    pub change: String,
    pub latest: String,
}

impl Default for Locals {
    fn default() -> Self {
        let [call, body, read, change, latest] = LOCAL_NAMES.map(str::to_owned);
        Self { call, body, read, change, latest }
    }
}

/// [`Locals`]' names, which every argument namespace reserves.
pub const LOCAL_NAMES: [&str; 5] = ["call", "body", "read", "change", "latest"];

/// The empty-query request a search asks to be sent first.
#[derive(Clone, Debug)]
pub struct Warmup {
    /// The query parameter sent empty (`query`).
    pub param: String,
    pub source: Derived,
}

/// How a paged list method syncs: `syncToken` in, `nextSyncToken` out.
#[derive(Clone, Debug)]
pub struct SyncSpec {
    /// The query parameter that carries the last sync's token (`syncToken`).
    pub sync_token_param: String,
    /// The flag that asks for a token on a full sync (`requestSyncToken`), if any.
    pub request_sync_token_param: Option<String>,
    /// The response field with the token to store (its Rust name).
    pub next_sync_token_field: String,
}

/// A read-modify-write helper: read the latest resource with `read`, let the
/// caller change it, send it back with `update`, again on a stale etag.
#[derive(Clone, Debug)]
pub struct MergeHelper {
    /// The helper's name on the resource: `update_contact_merged`.
    pub rust_name: String,
    /// The update method's id and Rust name.
    pub update_id: String,
    pub update_method: String,
    /// The answer that means someone else changed the resource since it was read.
    pub conflict: Conflict,
    /// The read method's Rust name and call type.
    pub read_method: String,
    pub read_call_type: String,
    /// The update's path parameters (wire names) that the read takes, in the read's order.
    pub read_args: Vec<String>,
    /// The resource the helper edits and its type name, which keys the
    /// copies the client keeps from writes' answers.
    pub resource: TypeId,
    pub kind: String,
    /// The update's path argument that names the resource, also the
    /// resource's identity field (`resourceName`): without one, every edit
    /// reads first.
    pub identity: Option<String>,
    /// Where the update's body holds the resource, when it wraps it.
    pub wrapped: Option<WrappedBody>,
    /// The update's field mask that says which fields it changes: a kept
    /// copy must hold them. `None`: the update replaces the whole resource.
    pub changes: Option<Changes>,
    /// The resource's top-level field holding the etag the update checks,
    /// when the stale-etag sentence names one other than `etag` (People:
    /// "`person.metadata.sources.etag`", so `metadata`): a kept copy must hold it.
    pub etag_at: Option<String>,
}

/// An update body that wraps the resource in one field beside the update's
/// options (`contactGroups.update`: `contactGroup`, `updateGroupFields`,
/// `readGroupFields`); Rust names. The helper takes the body with the
/// options and sets the field to the latest resource each round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrappedBody {
    pub field: String,
    /// The body's mask of the fields the update changes.
    pub changes: Option<String>,
    /// The body's mask of the fields the answer carries, where unset does
    /// not mean all: the helper sets it to the changed fields when the
    /// caller left it unset, so that the answer can start the next edit.
    pub returned: Option<String>,
}

/// Where an update names the fields it changes (Rust names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changes {
    /// An argument of the update (`update_person_fields`).
    Argument(String),
    /// A field of the update's wrapping body (`update_group_fields`).
    BodyField(String),
}

/// The answer an etag-guarded update gives when the etag is stale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// 400 `FAILED_PRECONDITION`, where the update's description documents
    /// it (People: "The server returns a 400 error with reason
    /// `failedPrecondition` if ... etag is different"): that sentence.
    FailedPrecondition(Derived),
    /// 409 `ABORTED`, as APIs following Google's AIP-154 answer, where
    /// nothing documents another answer.
    Aborted,
}

impl MergeHelper {
    /// What the helper does on a conflict, as [`Method::behaviours`] says it.
    pub fn behaviour(&self) -> Behaviour<'_> {
        let (answer, source) = match &self.conflict {
            Conflict::FailedPrecondition(source) => ("400 `FAILED_PRECONDITION`", Some(source)),
            Conflict::Aborted => ("409 `ABORTED`", None),
        };
        Behaviour {
            what: "merge_conflict".to_owned(),
            description: format!("{} reads again on a stale etag, {answer}", self.rust_name),
            source,
        }
    }
}

/// How a method takes media, from its `mediaUpload`.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The `UploadSpec` constant.
    pub spec_const: String,
    /// The upload path template, relative to the root URL.
    pub path: String,
    /// In bytes.
    pub max_size: Option<u64>,
    /// Media types, with `*` wildcards.
    pub accept: Vec<String>,
    /// The document offers the resumable protocol.
    pub resumable: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    /// The CLI's flag (`person-fields`), or its positional's name.
    pub flag: String,
    pub location: Location,
    pub repeated: bool,
    /// A scalar or a `Named` enum; `repeated` says whether a list is taken.
    pub ty: Ty,
    pub pattern: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
}

/// A body field's documented cap: the most elements one request may carry.
#[derive(Clone, Debug)]
pub struct BodyLimit {
    pub wire_name: String,
    pub rust_name: String,
    pub limit: Limit,
}

/// A body field a call can be split along, and the most elements per request.
#[derive(Clone, Debug)]
pub struct Chunking {
    pub field: String,
    pub max: usize,
}

/// A method whose responses are pages chained by `pageToken`/`nextPageToken`.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// The query parameter that asks for a page (`pageToken`).
    pub page_token_param: String,
    /// The response field holding the next token (its Rust name).
    pub next_token_field: String,
    /// The same field's name on the wire (`nextPageToken`).
    pub next_token_wire: String,
    /// The response's list field that `items()` yields: the one it had
    /// before, or the only one.
    pub items: Option<PageItems>,
}

#[derive(Clone, Debug)]
pub struct PageItems {
    /// The list field's name on the wire.
    pub wire_name: String,
    /// Its Rust name.
    pub field: String,
    pub item: Ty,
}
