//! What every generated call shares: the client it goes through, the request
//! it is assembling, the options any call takes ([`CallOptions`]) and the ways
//! to send it.

use std::time::Duration;

use futures_core::Stream;
use serde::Serialize;

use crate::api::MethodSpec;
use crate::client::{Client, Preview, Response};
use crate::error::Error;
use crate::media::{self, Download, Downloaded, Media, Progress, UploadSpec};
use crate::request::Request;
use crate::response_body::ResponseBody;
use crate::resumable::Resumable;
use crate::retry::RetryPolicy;
use crate::workflow::{self, OnExpiry, SyncParams, Synced};
use crate::{chunks, paginate};

/// Options every call of every generated API takes, on top of its own
/// parameters: a per-call timeout and retry policy, and Google's system
/// parameters `fields` (a partial response) and `quotaUser`.
///
/// Every generated call type implements it; bring it into scope with the
/// generated crate's re-export (`use google_people_v1::CallOptions;`).
pub trait CallOptions: Sized {
    /// The call being assembled, for the provided methods below.
    #[doc(hidden)]
    fn __call(&mut self) -> &mut Call;

    /// Overrides the client's timeout for this call (each attempt).
    fn timeout(mut self, timeout: Duration) -> Self {
        self.__call().request.set_timeout(timeout);
        self
    }

    /// Overrides the client's retry policy for this call.
    fn retry(mut self, policy: RetryPolicy) -> Self {
        self.__call().request.set_retry(policy);
        self
    }

    /// Selects the fields of the response to send back (a partial response):
    /// `"resourceName,names(displayName)"`. Fields left out decode as unset.
    fn fields(mut self, selector: impl Into<String>) -> Self {
        self.__call().request.set_query("fields", selector.into());
        self
    }

    /// An arbitrary string (at most 40 characters) that stands for the user
    /// the call is made for, so that per-user quota applies to it rather than
    /// to the caller's IP address or service account.
    fn quota_user(mut self, user: impl Into<String>) -> Self {
        self.__call().request.set_query("quotaUser", user.into());
        self
    }
}

/// The options apply to a bare call too: the CLI engine sets `--fields` and
/// `--quota-user` through them, and the runtime's own tests use them.
impl CallOptions for Call {
    fn __call(&mut self) -> &mut Call {
        self
    }
}

/// One call being assembled by generated code, and every way of sending it.
///
/// Part of the hidden contract with generated code (`__private`): the setters
/// record mistakes (a path value not matching its pattern, a body that cannot
/// be serialised, too many items for one request) and the send methods report
/// them as `Error::Validation` before anything goes on the wire.
#[derive(Clone, Debug)]
pub struct Call {
    client: Client,
    request: Request,
}

impl Call {
    /// An empty call of `spec` through `client`.
    pub fn new(client: &Client, spec: &'static MethodSpec) -> Self {
        Self { client: client.clone(), request: Request::new(spec) }
    }

    /// The client and the request, for a batch to send.
    pub(crate) fn into_parts(self) -> (Client, Request) {
        (self.client, self.request)
    }

    /// Sets the path parameter `name`, checked against its discovery `pattern`.
    pub fn path_param(&mut self, name: &'static str, value: String, pattern: Option<&'static str>) {
        self.request.path_param(name, value, pattern);
    }

    /// Sets the query parameter `name`, replacing earlier values.
    pub fn set_query(&mut self, name: &'static str, value: String) {
        self.request.set_query(name, value);
    }

    /// Sets a repeated query parameter, replacing earlier values.
    pub fn set_query_all(&mut self, name: &'static str, values: impl IntoIterator<Item = String>) {
        self.request.set_query_all(name, values);
    }

    /// Records that the body's `field` holds `len` of the `max` elements one
    /// request may carry.
    pub fn limit_len(&mut self, field: &'static str, len: usize, max: usize) {
        self.request.limit_len(field, len, max);
    }

    /// Serialises `body` as the JSON body.
    pub fn set_json_body(&mut self, body: &impl Serialize) {
        self.request.set_json_body(body);
    }

    /// The request the call would send first, without sending it or
    /// fetching credentials (a dry run); mistakes found while assembling it
    /// are the same `Error::Validation` that sending reports.
    pub fn preview(&self) -> Result<Preview, Error> {
        self.client.preview(&self.request)
    }

    /// The requests [`Self::send_in_chunks`] would send, one per chunk of
    /// `field`, without sending them (a dry run).
    pub fn preview_chunks(&self, field: &'static str) -> Result<Vec<Preview>, Error> {
        chunks::previews(&self.client, &self.request, field)
    }

    /// The request [`Self::download`] would send (`alt=media` added),
    /// without sending it (a dry run).
    pub fn preview_download(&self) -> Result<Preview, Error> {
        self.client.preview(&media::download_request(self.request.clone()))
    }

    /// Sends the call and decodes its JSON response (an empty body decodes as `{}`).
    pub async fn send<T: ResponseBody>(self) -> Result<T, Error> {
        self.client.execute_json(&self.request).await
    }

    /// Like [`Self::send`], with the response's status and headers.
    pub async fn send_with_metadata<T: ResponseBody>(self) -> Result<Response<T>, Error> {
        self.client.execute_json_with_metadata(&self.request).await
    }

    /// Sends the call of a method whose response has no body.
    pub async fn send_empty(self) -> Result<(), Error> {
        self.client.execute_empty(&self.request).await
    }

    /// Like [`Self::send_empty`], with the response's status and headers.
    pub async fn send_empty_with_metadata(self) -> Result<Response<()>, Error> {
        self.client.execute_empty_with_metadata(&self.request).await
    }

    /// Sends the call, then again with the query parameter `page_token` set
    /// to each page's `next_token`, and yields every page. A next token equal
    /// to the one the page was asked with ends it with
    /// [`Error::RepeatedPageToken`]: that server would be asked forever.
    pub fn pages<T, F>(
        self,
        page_token: &'static str,
        next_token: F,
    ) -> impl Stream<Item = Result<T, Error>> + Send
    where
        T: ResponseBody + Send + 'static,
        F: Fn(&T) -> Option<String> + Send + 'static,
    {
        paginate::pages(self.client, self.request, page_token, next_token)
    }

    /// Like [`Self::pages`], but yields the items `split` takes out of every page.
    pub fn items<T, I, F>(
        self,
        page_token: &'static str,
        split: F,
    ) -> impl Stream<Item = Result<I, Error>> + Send
    where
        T: ResponseBody + Send + 'static,
        I: Send + 'static,
        F: Fn(T) -> (Vec<I>, Option<String>) + Send + 'static,
    {
        paginate::items(self.client, self.request, page_token, split)
    }

    /// Runs a full (`token` is `None`) or incremental sync to its last page;
    /// `split` takes a page apart into its items, the next page's token and
    /// the next sync's token.
    pub async fn sync<P, T, F>(
        self,
        params: SyncParams,
        token: Option<String>,
        on_expiry: OnExpiry,
        split: F,
    ) -> Result<Synced<T>, Error>
    where
        P: ResponseBody,
        F: Fn(P) -> (Vec<T>, Option<String>, Option<String>),
    {
        workflow::sync(&self.client, self.request, params, token, on_expiry, split).await
    }

    /// Sends the body's `field` in consecutive requests of at most its limit.
    pub fn send_in_chunks<T>(
        self,
        field: &'static str,
    ) -> impl Stream<Item = Result<T, Error>> + Send
    where
        T: ResponseBody + Send + 'static,
    {
        chunks::send_in_chunks(self.client, self.request, field)
    }

    /// Sends the call with `media` as its content in one request.
    pub async fn upload<T: ResponseBody>(
        self,
        upload: &'static UploadSpec,
        media: Media,
    ) -> Result<T, Error> {
        self.client.upload(self.request, upload, media).await
    }

    /// Sends the call's content in a resumable session: chunks of 8 MiB
    /// unless [`Resumable`] says otherwise, a failed chunk resumed from what
    /// the server kept.
    pub async fn upload_resumable<T: ResponseBody>(
        self,
        upload: &'static UploadSpec,
        resumable: impl Into<Resumable>,
    ) -> Result<T, Error> {
        self.client.upload_resumable(self.request, upload, resumable.into()).await
    }

    /// Sends the call with `alt=media` and streams the content back.
    pub async fn download(self) -> Result<Download, Error> {
        self.client.download(self.request).await
    }

    /// Sends the call with `alt=media` and writes the content to `path`,
    /// going on with `Range` where a broken transfer stopped; `progress`
    /// sees every step.
    pub async fn download_to_file(
        self,
        path: impl AsRef<std::path::Path>,
        progress: impl FnMut(Progress),
    ) -> Result<Downloaded, Error> {
        self.client.download_to_file(self.request, path.as_ref(), progress).await
    }
}
