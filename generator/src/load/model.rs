//! A serde model of the Google API Discovery format (`discovery#restDescription`).
//!
//! It mirrors the JSON faithfully and decides nothing: names, types and
//! references are interpreted by the resolve stage. Maps are `BTreeMap`s so
//! every later stage walks them in one stable order.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A whole discovery document.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub kind: Option<String>,
    pub discovery_version: Option<String>,
    pub id: Option<String>,
    pub name: String,
    pub version: String,
    pub revision: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub canonical_name: Option<String>,
    pub documentation_link: Option<String>,
    pub protocol: Option<String>,
    pub root_url: Option<String>,
    pub service_path: Option<String>,
    pub base_url: Option<String>,
    pub base_path: Option<String>,
    pub batch_path: Option<String>,
    pub mtls_root_url: Option<String>,
    pub auth: Option<Auth>,
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    #[serde(default)]
    pub schemas: BTreeMap<String, Schema>,
    #[serde(default)]
    pub resources: BTreeMap<String, Resource>,
    #[serde(default)]
    pub methods: BTreeMap<String, Method>,
}

/// The `auth` section: OAuth 2.0 scopes and what they allow.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Auth {
    pub oauth2: Option<OAuth2>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct OAuth2 {
    #[serde(default)]
    pub scopes: BTreeMap<String, ScopeInfo>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ScopeInfo {
    pub description: Option<String>,
}

/// A JSON schema as the Discovery format uses it (a subset of draft 3).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    pub description: Option<String>,
    pub format: Option<String>,
    pub pattern: Option<String>,
    pub default: Option<serde_json::Value>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub repeated: bool,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    pub enum_descriptions: Option<Vec<String>>,
    pub enum_deprecated: Option<Vec<bool>>,
    /// Object properties, by wire name.
    pub properties: Option<BTreeMap<String, Schema>>,
    /// The value schema of a map-like object.
    pub additional_properties: Option<Box<Schema>>,
    /// The element schema of an array.
    pub items: Option<Box<Schema>>,
    pub annotations: Option<Annotations>,
    /// Only on method parameters: `path` or `query`.
    pub location: Option<String>,
}

/// Which methods require a property (`annotations.required`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Annotations {
    #[serde(default)]
    pub required: Vec<String>,
}

/// Method parameters are schemas with a `location`.
pub type Parameter = Schema;

/// A resource: methods and nested resources, to any depth.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Resource {
    #[serde(default)]
    pub methods: BTreeMap<String, Method>,
    #[serde(default)]
    pub resources: BTreeMap<String, Resource>,
    #[serde(default)]
    pub deprecated: bool,
}

/// One API method.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub id: String,
    pub http_method: String,
    pub path: String,
    pub flat_path: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    #[serde(default)]
    pub parameter_order: Vec<String>,
    pub request: Option<Body>,
    pub response: Option<Body>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub supports_media_download: bool,
    #[serde(default)]
    pub use_media_download_service: bool,
    #[serde(default)]
    pub supports_media_upload: bool,
    #[serde(default)]
    pub supports_subscription: bool,
    pub media_upload: Option<MediaUpload>,
}

/// A method's request or response body: almost always a schema that is only
/// a `$ref` to a named one, but a few documents give the schema inline
/// (`{"type": "object", "additionalProperties": {"type": "any"}}`).
/// `parameterName`, the body's name in Google's older clients, is ignored.
pub type Body = Schema;

/// How a method accepts media uploads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaUpload {
    #[serde(default)]
    pub accept: Vec<String>,
    pub max_size: Option<String>,
    #[serde(default)]
    pub protocols: BTreeMap<String, MediaProtocol>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaProtocol {
    #[serde(default)]
    pub multipart: bool,
    pub path: Option<String>,
}
