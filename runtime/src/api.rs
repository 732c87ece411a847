//! Static descriptions of an API and its methods, emitted by the generator.

use crate::kept::KeepSpec;

/// Where an API lives and how its client introduces itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiInfo {
    /// The discovery id, such as `people:v1`.
    pub id: &'static str,
    /// The endpoint: the document's `rootUrl` joined with its `servicePath`;
    /// empty when the document names none, and then the client must be
    /// given one ([`crate::ClientBuilder::base_url`] or [`Self::base_url_env`]).
    pub base_url: &'static str,
    /// The document's `servicePath` (the part of [`Self::base_url`] after the
    /// root URL): media upload paths start at the root.
    pub service_path: &'static str,
    /// An environment variable that, when set, replaces [`Self::base_url`]
    /// (for local fakes and tests).
    pub base_url_env: &'static str,
    /// The `User-Agent` of every request: the generated crate's name and version.
    pub user_agent: &'static str,
}

/// One API method, as the discovery document describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodSpec {
    /// The discovery method id, such as `people.people.get`.
    pub id: &'static str,
    /// The HTTP verb.
    pub http_method: HttpMethod,
    /// The path template relative to the base URL, with `{var}` and `{+var}`
    /// expansions (RFC 6570 levels 1 and 2, as the Discovery format uses them).
    pub path: &'static str,
    /// The OAuth scopes that each grant access to the method; any one suffices.
    pub scopes: &'static [&'static str],
    /// The query parameter whose empty value is the warm-up request the
    /// method's documentation asks for before searching (`query`).
    pub warmup_query: Option<&'static str>,
    /// The documentation asks for this API's mutations of one user's data to
    /// be sent one at a time: the client serialises them.
    pub sequential: bool,
    /// The write's answer carries a resource that a merge helper edits: the
    /// client keeps it for that helper's next edit of the resource.
    pub keeps: Option<KeepSpec>,
}

/// The HTTP verbs Google APIs use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// Whether sending the request twice has the effect of sending it once
    /// (RFC 9110 §9.2.2), which makes a retry after a server error safe.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Self::Get | Self::Put | Self::Delete)
    }

    /// The verb as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Self::Get => reqwest::Method::GET,
            Self::Post => reqwest::Method::POST,
            Self::Put => reqwest::Method::PUT,
            Self::Patch => reqwest::Method::PATCH,
            Self::Delete => reqwest::Method::DELETE,
        }
    }
}
