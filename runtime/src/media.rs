//! Media: the content to upload, uploads in one request (`uploadType=media`
//! and `multipart`, as Google's upload protocol defines them; `resumable` is
//! in [`crate::resumable`]) and downloads (`alt=media`) whose body is
//! streamed rather than decoded.

use std::fmt;
use std::path::PathBuf;

use futures_util::stream::{self, Stream};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::client::{AttemptError, Client, Outgoing, Payload, decode, read_body};
use crate::error::{Error, ValidationError};
use crate::request::Request;
use crate::response_body::ResponseBody;

/// How a method accepts media, from its discovery `mediaUpload`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadSpec {
    /// The upload path template, relative to the API's root URL
    /// (`upload/drive/v3/files`).
    pub path: &'static str,
    /// The largest upload the API takes, in bytes.
    pub max_size: Option<u64>,
    /// The media types it takes; `*/*` and `image/*` are wildcards.
    pub accept: &'static [&'static str],
}

/// Content to upload: its media type, and where its bytes come from (memory,
/// a file, or any reader). A resumable upload reads a file or a reader one
/// chunk at a time, so the content never has to fit in memory.
pub struct Media {
    content_type: String,
    pub(crate) source: Source,
}

/// Where a [`Media`]'s bytes come from.
pub(crate) enum Source {
    Memory(bytes::Bytes),
    /// Opened when the upload starts (again for each new attempt).
    File {
        path: PathBuf,
        size: u64,
    },
    /// Read once, front to back; its size is known at its end.
    Reader(Box<dyn AsyncRead + Send + Unpin>),
}

impl Media {
    /// `data` of type `content_type` (`image/png`, `text/csv`).
    pub fn new(content_type: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self::with_source(content_type, Source::Memory(bytes::Bytes::from(data.into())))
    }

    /// The file at `path`, of type `content_type`; its size is read now,
    /// its bytes when they are sent.
    pub fn from_file(
        content_type: impl Into<String>,
        path: impl Into<PathBuf>,
    ) -> std::io::Result<Self> {
        let path = path.into();
        let size = std::fs::metadata(&path)?.len();
        Ok(Self::with_source(content_type, Source::File { path, size }))
    }

    /// What `reader` gives until its end (a pipe, a socket, a decoder), of a
    /// size not known in advance. It is read once: a resumable upload holds
    /// the chunk in flight so that a failed chunk can be sent again.
    pub fn from_reader(
        content_type: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
    ) -> Self {
        Self::with_source(content_type, Source::Reader(Box::new(reader)))
    }

    fn with_source(content_type: impl Into<String>, source: Source) -> Self {
        Self { content_type: content_type.into(), source }
    }

    /// The media type.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The size in bytes, when known before reading (not for a reader).
    pub fn size(&self) -> Option<u64> {
        match &self.source {
            Source::Memory(bytes) => Some(bytes.len() as u64),
            Source::File { size, .. } => Some(*size),
            Source::Reader(_) => None,
        }
    }

    /// All the content in memory, for an upload in one request; at most
    /// `limit` bytes (a larger content is refused without reading it all).
    async fn into_bytes(
        self,
        method: &'static str,
        limit: Option<u64>,
    ) -> Result<bytes::Bytes, Error> {
        let read_error = |error: std::io::Error| {
            Error::Validation(ValidationError {
                method,
                parameter: Some("media"),
                message: format!("cannot read the content: {error}"),
            })
        };
        match self.source {
            Source::Memory(bytes) => Ok(bytes),
            Source::File { path, .. } => {
                Ok(tokio::fs::read(&path).await.map_err(read_error)?.into())
            }
            Source::Reader(reader) => {
                let mut data = Vec::new();
                let cap = limit.map_or(u64::MAX, |limit| limit.saturating_add(1));
                reader.take(cap).read_to_end(&mut data).await.map_err(read_error)?;
                Ok(data.into())
            }
        }
    }
}

/// Shows the type and size, not the content or the file's path.
impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = match self.source {
            Source::Memory(_) => "memory",
            Source::File { .. } => "file",
            Source::Reader(_) => "reader",
        };
        f.debug_struct("Media")
            .field("content_type", &self.content_type)
            .field("bytes", &self.size())
            .field("from", &from)
            .finish()
    }
}

impl Client {
    /// Sends `request` with `media` as its content in one request:
    /// `uploadType=multipart` (the JSON body as metadata, then the media)
    /// when the request has a body, `uploadType=media` otherwise. The
    /// content is read into memory once, and resent from there on a retry.
    pub(crate) async fn upload<T: ResponseBody>(
        &self,
        mut request: Request,
        upload: &'static UploadSpec,
        media: Media,
    ) -> Result<T, Error> {
        check_media(&request, upload, &media)?;
        let spec = request.spec();
        let content_type = media.content_type.clone();
        let data = media.into_bytes(spec.id, upload.max_size).await?;
        check_size(&request, upload, data.len() as u64)?;
        // An upload is a mutation: it waits its turn like the others.
        let _turn = self.workflows().turn(spec).await;
        let payload = match request.body() {
            Some(metadata) => multipart(metadata, &content_type, &data),
            None => Payload { content_type, bytes: data },
        };
        let protocol = if request.body().is_some() { "multipart" } else { "media" };
        request.set_query("uploadType", protocol.to_owned());
        let url = request.url_for(self.root_url(), upload.path)?;
        let (status, body) = self
            .with_retries(&request, spec.http_method, || async {
                let outgoing =
                    Outgoing::new(spec.http_method.to_reqwest(), &url, Some(payload.clone()));
                read_body(spec.id, self.attempt(&request, outgoing, &[]).await?).await
            })
            .await?;
        decode(spec.id, status, &body)
    }

    /// Sends `request` with `alt=media` and hands back the response body as a
    /// stream. Retries cover the request up to the first byte of the body.
    pub(crate) async fn download(&self, request: Request) -> Result<Download, Error> {
        let request = download_request(request);
        let url = request.url(self.base_url())?;
        let spec = request.spec();
        let (_, response) = self
            .with_retries(&request, spec.http_method, || async {
                let outgoing = Outgoing::new(spec.http_method.to_reqwest(), &url, None);
                let response = self.attempt(&request, outgoing, &[]).await?;
                Ok((response.status().as_u16(), response))
            })
            .await?;
        Ok(Download { method: spec.id, response })
    }
}

/// `request` as [`Client::download`] sends it: asking for the content
/// (`alt=media`) rather than the resource's JSON; dry runs preview this one.
pub(crate) fn download_request(mut request: Request) -> Request {
    request.set_query("alt", "media".to_owned());
    request
}

pub(crate) fn unexpected(method: &'static str, status: u16, message: &str) -> Error {
    Error::Decode {
        method,
        status,
        path: ".".to_owned(),
        source: crate::error::DecodeCause::custom(message),
        body_len: 0,
        snippet: crate::error::BodySnippet::default(),
    }
}

/// Refuses media of a type the API does not list, or larger than it takes
/// when the size is known before reading.
pub(crate) fn check_media(
    request: &Request,
    upload: &UploadSpec,
    media: &Media,
) -> Result<(), Error> {
    if let Some(size) = media.size() {
        check_size(request, upload, size)?;
    }
    let accepted = upload.accept.is_empty()
        || upload.accept.iter().any(|pattern| media_type_matches(pattern, &media.content_type));
    if !accepted {
        return Err(refuse_media(
            request,
            format!(
                "media type {:?} is not one the API takes ({})",
                media.content_type,
                upload.accept.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Refuses `size` bytes when the API takes fewer.
pub(crate) fn check_size(request: &Request, upload: &UploadSpec, size: u64) -> Result<(), Error> {
    match upload.max_size {
        Some(max) if size > max => {
            Err(refuse_media(request, format!("{size} bytes, but the API takes at most {max}")))
        }
        _ => Ok(()),
    }
}

fn refuse_media(request: &Request, message: String) -> Error {
    Error::Validation(ValidationError {
        method: request.spec().id,
        parameter: Some("media"),
        message,
    })
}

/// `*/*`, `image/*` or an exact type, compared without parameters or case.
fn media_type_matches(pattern: &str, content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let pattern = pattern.trim().to_ascii_lowercase();
    match pattern.strip_suffix("/*") {
        Some("*") => true,
        Some(kind) => essence.split('/').next() == Some(kind),
        None => essence == pattern,
    }
}

/// A `multipart/related` body: the JSON metadata, then the media, with a
/// boundary that occurs in neither.
fn multipart(metadata: &[u8], content_type: &str, data: &[u8]) -> Payload {
    let boundary = loop {
        let candidate = crate::random::alphanumeric(32);
        let marker = candidate.as_bytes();
        let occurs = |part: &[u8]| part.windows(marker.len()).any(|window| window == marker);
        if !occurs(metadata) && !occurs(data) {
            break candidate;
        }
    };
    let mut body = Vec::with_capacity(metadata.len() + data.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Type: application/json; charset=UTF-8\r\n\r\n");
    body.extend_from_slice(metadata);
    body.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
    body.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Payload { content_type: format!("multipart/related; boundary={boundary}"), bytes: body.into() }
}

/// A downloaded body, read as it arrives.
pub struct Download {
    method: &'static str,
    response: reqwest::Response,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("method", &self.method)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish()
    }
}

impl Download {
    /// The media type the server sent.
    pub fn content_type(&self) -> Option<&str> {
        self.response.headers().get(reqwest::header::CONTENT_TYPE)?.to_str().ok()
    }

    /// The size, when the server said.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The next piece of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Error> {
        let method = self.method;
        match self.response.chunk().await {
            Ok(chunk) => Ok(chunk.map(Vec::from)),
            Err(error) => Err(AttemptError::transport(method, error, None).error),
        }
    }

    /// The body as a stream of pieces.
    pub fn into_stream(self) -> impl Stream<Item = Result<Vec<u8>, Error>> + Send {
        stream::try_unfold(self, |mut download| async move {
            Ok(download.chunk().await?.map(|chunk| (chunk, download)))
        })
    }

    /// The whole body in memory.
    pub async fn bytes(mut self) -> Result<Vec<u8>, Error> {
        let mut all = Vec::with_capacity(
            usize::try_from(self.content_length().unwrap_or(0)).unwrap_or(0).min(64 << 20),
        );
        while let Some(chunk) = self.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_match_wildcards_and_ignore_parameters() {
        assert!(media_type_matches("*/*", "application/pdf"));
        assert!(media_type_matches("image/*", "IMAGE/png"));
        assert!(media_type_matches("text/csv", "text/csv; charset=utf-8"));
        assert!(!media_type_matches("image/*", "text/plain"));
        assert!(!media_type_matches("message/rfc822", "message/partial"));
    }

    #[test]
    fn a_transport_failure_at_an_offset_says_it_and_keeps_its_cause_as_the_source() {
        let cause = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        let error = failed_at(Error::Transport { method: "m", source: Box::new(cause) }, 42);
        let at = std::error::Error::source(&error).expect("the offset");
        assert_eq!(at.to_string(), "at byte 42: reset");
        let kept = at.source().and_then(|cause| cause.downcast_ref::<std::io::Error>());
        assert_eq!(kept.map(std::io::Error::kind), Some(std::io::ErrorKind::ConnectionReset));
        let timeout = Error::Timeout { method: "m", timeout: std::time::Duration::from_secs(1) };
        assert!(matches!(failed_at(timeout, 42), Error::Timeout { .. }), "stays typed");
    }

    #[test]
    fn multipart_bodies_hold_metadata_then_media_between_boundaries() {
        let payload = multipart(br#"{"name":"cat.jpg"}"#, "image/jpeg", b"JPEG");
        let boundary =
            payload.content_type.strip_prefix("multipart/related; boundary=").unwrap().to_owned();
        let expected = format!(
            "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{{\"name\":\"cat.jpg\"}}\r\n--{boundary}\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8_lossy(&payload.bytes), expected);
    }
}

/// Where a transfer stands, for a progress display: the bytes the server
/// confirmed (an upload) or the file holds (a download), and the whole
/// size when known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes of the content transferred so far.
    pub done: u64,
    /// The content's size, when known.
    pub total: Option<u64>,
}

/// How a download to a file went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Downloaded {
    /// The content's size: the bytes in the file.
    pub bytes: u64,
    /// Times the transfer broke and went on from where it stopped (`Range`).
    pub resumed: u32,
    /// Times a server that ignored `Range` made it start over from byte 0.
    pub restarted: u32,
}

impl Client {
    /// Sends `request` with `alt=media` and writes the content to `path`
    /// (created or truncated once the server answers with it). A connection
    /// that breaks mid-way is asked for the rest with `Range: bytes=N-`, at
    /// most as often as the retry policy allows attempts; a server that
    /// answers the whole content again (200 instead of 206) has the file
    /// start over, so that no byte is written twice or out of place.
    pub(crate) async fn download_to_file(
        &self,
        request: Request,
        path: &std::path::Path,
        mut progress: impl FnMut(Progress),
    ) -> Result<Downloaded, Error> {
        use tokio::io::{AsyncSeekExt, AsyncWriteExt};

        let request = download_request(request);
        let url = request.url(self.base_url())?;
        let spec = request.spec();
        let file_error = |done: u64, error: std::io::Error| Error::Transport {
            method: spec.id,
            source: Box::new(AtByte { offset: done, cause: Box::new(error) }),
        };
        // Created once the server answers with the content: a call that
        // fails (a 404) leaves no empty file behind.
        let mut file: Option<tokio::fs::File> = None;
        let max_breaks = self.retry_policy(&request).max_attempts().saturating_sub(1);
        let mut report = Downloaded { bytes: 0, resumed: 0, restarted: 0 };
        loop {
            let from = report.bytes;
            let headers =
                if from > 0 { vec![("range", format!("bytes={from}-"))] } else { Vec::new() };
            let (status, mut response) = self
                .with_retries(&request, spec.http_method, || async {
                    let mut outgoing = Outgoing::new(spec.http_method.to_reqwest(), &url, None);
                    outgoing.headers = headers.clone();
                    let response = self.attempt(&request, outgoing, &[]).await?;
                    Ok((response.status().as_u16(), response))
                })
                .await?;
            let content_range = response
                .headers()
                .get(reqwest::header::CONTENT_RANGE)
                .and_then(|value| value.to_str().ok())
                .and_then(parse_content_range);
            let resumes_here =
                status == 206 && content_range.is_some_and(|(start, _)| start == from);
            let file = match &mut file {
                Some(file) => file,
                None => file.insert(
                    tokio::fs::File::create(path).await.map_err(|error| file_error(0, error))?,
                ),
            };
            if from > 0 && !resumes_here {
                // The whole content again (or another range): start over.
                file.set_len(0).await.map_err(|error| file_error(from, error))?;
                file.seek(std::io::SeekFrom::Start(0))
                    .await
                    .map_err(|error| file_error(from, error))?;
                report.bytes = 0;
                report.restarted += 1;
            }
            let total = match content_range {
                Some((_, total)) if resumes_here => total,
                _ => response.content_length(),
            };
            progress(Progress { done: report.bytes, total });
            let broke = loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        file.write_all(&chunk)
                            .await
                            .map_err(|error| file_error(report.bytes, error))?;
                        report.bytes += chunk.len() as u64;
                        progress(Progress { done: report.bytes, total });
                    }
                    Ok(None) if total.is_some_and(|total| report.bytes < total) => {
                        break Error::Transport {
                            method: spec.id,
                            source: "the body ended early".into(),
                        };
                    }
                    Ok(None) => {
                        file.flush().await.map_err(|error| file_error(report.bytes, error))?;
                        return Ok(report);
                    }
                    Err(error) => break AttemptError::transport(spec.id, error, None).error,
                }
            };
            if report.resumed + report.restarted >= max_breaks {
                return Err(failed_at(broke, report.bytes));
            }
            tracing::info!(method = spec.id, offset = report.bytes, %broke, "download broke; resuming");
            report.resumed += 1;
        }
    }
}

/// A transfer's failure at a byte offset, its cause kept as the source (so
/// that, say, [`Error::may_have_been_applied`] still finds a connect failure).
#[derive(Debug)]
pub(crate) struct AtByte {
    pub(crate) offset: u64,
    pub(crate) cause: Box<dyn std::error::Error + Send + Sync>,
}

impl fmt::Display for AtByte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.cause)
    }
}

impl std::error::Error for AtByte {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
    }
}

/// `error`, met at byte `offset` of a transfer: a transport error says the
/// offset; others (a timeout, an API error) are typed enough as they are.
pub(crate) fn failed_at(error: Error, offset: u64) -> Error {
    match error {
        Error::Transport { method, source } => {
            Error::Transport { method, source: Box::new(AtByte { offset, cause: source }) }
        }
        other => other,
    }
}

/// `Content-Range: bytes START-END/TOTAL` -> (START, TOTAL if not `*`).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let (range, total) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}
