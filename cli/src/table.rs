//! The table a generated command-line client hands to [`crate::main`]: the
//! API's resources, methods, parameters and schemas as static data, decided
//! by the generator from its IR. The engine builds commands from it at run
//! time, so a CLI compiles as fast as its data.

use gapi_runtime::__engine::{MethodSpec, UploadSpec};
use gapi_runtime::ApiInfo;

/// One API's command tree and schemas.
#[derive(Debug)]
pub struct Api {
    /// The program's name: `people`.
    pub command: &'static str,
    /// `People API (v1)`, for `--help`.
    pub title: &'static str,
    pub description: &'static str,
    /// The program's version.
    pub version: &'static str,
    /// Endpoint, base-URL variable and user agent: the library's.
    pub info: &'static ApiInfo,
    /// The variable that holds a bearer token: `GOOGLE_PEOPLE_V1_TOKEN`.
    pub token_env: &'static str,
    /// Every OAuth scope of the API, for `login`.
    pub scopes: &'static [&'static str],
    /// Methods at the document's top level.
    pub methods: &'static [Method],
    pub resources: &'static [Resource],
    /// The HTTP batch request (`POST` to the document's `batchPath`), the
    /// library's own spec, when the API has one: `batch` sends many calls in it.
    pub batch: Option<&'static MethodSpec>,
    /// Every schema, by name, for `schema TYPE` and body checks.
    pub types: &'static [Type],
}

/// A resource: a subcommand holding methods and resources.
#[derive(Debug)]
pub struct Resource {
    /// Kebab case: `contact-groups`.
    pub command: &'static str,
    /// `contactGroups.members`, the document's path.
    pub wire_path: &'static str,
    pub deprecated: bool,
    pub methods: &'static [Method],
    pub resources: &'static [Resource],
}

/// One method, as the library calls it.
#[derive(Debug)]
pub struct Method {
    /// Kebab case: `create-contact`.
    pub command: &'static str,
    /// The library's spec of the call (the same constant the library emits).
    pub spec: &'static MethodSpec,
    pub description: &'static str,
    /// Path parameters first (positionals, in `parameterOrder`), then the rest.
    pub params: &'static [Param],
    pub body: Option<Body>,
    /// The response schema's name, if the method returns JSON.
    pub response: Option<&'static str>,
    pub pages: Option<Pages>,
    /// Body fields with a documented per-request cap: (wire name, most items).
    pub body_limits: &'static [(&'static str, usize)],
    /// The body field `--chunked` splits along.
    pub chunked_field: Option<&'static str>,
    pub upload: Option<&'static UploadSpec>,
    /// The upload may go in a resumable session (chunks, resumed after a failure).
    pub upload_resumable: bool,
    /// The method can return media (`alt=media`).
    pub download: bool,
    pub deprecated: bool,
}

/// A parameter and the flag or positional that sets it.
#[derive(Debug)]
pub struct Param {
    /// The name on the wire: `personFields`.
    pub wire: &'static str,
    /// The flag, kebab case (`person-fields`), or the positional's name.
    pub flag: &'static str,
    pub path: bool,
    pub required: bool,
    pub repeated: bool,
    pub kind: Kind,
    /// The discovery `pattern` a path value must match.
    pub pattern: Option<&'static str>,
    pub description: &'static str,
    pub deprecated: bool,
}

/// How a parameter's text is checked before it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Bool,
    Integer,
    Unsigned,
    Number,
    /// One of these values.
    Enum(&'static [&'static str]),
    /// A comma-separated list of these paths.
    FieldMask(&'static [&'static str]),
}

/// A request body: its schema, and the function that decodes the user's
/// JSON into the library's typed body and serialises it as the library would.
#[derive(Debug, Clone, Copy)]
pub struct Body {
    pub schema: &'static str,
    pub encode: Encode,
}

/// Decodes the parsed JSON into the typed body and serialises it again.
pub type Encode =
    fn(&serde_json::Value) -> Result<Box<serde_json::value::RawValue>, crate::body::BodyError>;

/// How a list method pages.
#[derive(Debug, Clone, Copy)]
pub struct Pages {
    /// The query parameter (`pageToken`).
    pub token_param: &'static str,
    /// The response field with the next token (`nextPageToken`).
    pub next_token_field: &'static str,
    /// The response's list field that `--page-all` prints (`connections`).
    pub items_field: Option<&'static str>,
}

/// A schema, for `schema TYPE` and for checking bodies' field names.
#[derive(Debug)]
pub struct Type {
    pub name: &'static str,
    pub description: &'static str,
    pub fields: &'static [Field],
    /// An enum's values.
    pub values: &'static [&'static str],
}

/// A field of a schema.
#[derive(Debug)]
pub struct Field {
    pub wire: &'static str,
    pub shape: Shape,
    pub description: &'static str,
    pub read_only: bool,
}

/// A field's JSON shape.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// `string`, `integer`, `int64 (string)`, `boolean`, `any`, ...
    Scalar(&'static str),
    /// A schema of [`Api::types`].
    Ref(&'static str),
    Array(&'static Shape),
    Map(&'static Shape),
}

impl Api {
    /// The schema named `name`.
    pub fn schema(&self, name: &str) -> Option<&'static Type> {
        let types: &'static [Type] = self.types;
        types.iter().find(|ty| ty.name == name)
    }

    /// Every method with the command words that reach it (`["people", "get"]`).
    pub fn walk(&self) -> Vec<(Vec<&'static str>, &'static Method)> {
        fn visit(
            resources: &'static [Resource],
            prefix: &[&'static str],
            out: &mut Vec<(Vec<&'static str>, &'static Method)>,
        ) {
            for resource in resources {
                let mut words = prefix.to_vec();
                words.push(resource.command);
                for method in resource.methods {
                    let mut path = words.clone();
                    path.push(method.command);
                    out.push((path, method));
                }
                visit(resource.resources, &words, out);
            }
        }
        let methods: &'static [Method] = self.methods;
        let mut out: Vec<_> = methods.iter().map(|method| (vec![method.command], method)).collect();
        visit(self.resources, &[], &mut out);
        out
    }
}

impl Shape {
    /// How `schema` prints it: `Name`, `array of EmailAddress`, `map of string`.
    pub fn describe(&self) -> String {
        match self {
            Self::Scalar(name) | Self::Ref(name) => (*name).to_owned(),
            Self::Array(inner) => format!("array of {}", inner.describe()),
            Self::Map(inner) => format!("map of {}", inner.describe()),
        }
    }
}
