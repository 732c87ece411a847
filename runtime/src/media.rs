//! Media: uploads (`uploadType=media`, `multipart` and `resumable`, as
//! Google's upload protocol defines them) and downloads (`alt=media`) whose
//! body is streamed rather than decoded.

use std::fmt;
use std::time::Instant;

use futures_util::stream::{self, Stream};

use crate::api::HttpMethod;
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

/// Content to upload: its media type and bytes.
#[derive(Clone)]
pub struct Media {
    content_type: String,
    data: bytes::Bytes,
}

impl Media {
    /// `data` of type `content_type` (`image/png`, `text/csv`).
    pub fn new(content_type: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self { content_type: content_type.into(), data: bytes::Bytes::from(data.into()) }
    }

    /// The media type.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether there is no content.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Shows the type and size, not the content.
impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Media")
            .field("content_type", &self.content_type)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// The size of each request of a resumable upload: a multiple of 256 KiB, as
/// the protocol requires of every chunk but the last.
const RESUMABLE_CHUNK: usize = 8 * 1024 * 1024;

impl Client {
    /// Sends `request` with `media` as its content in one request:
    /// `uploadType=multipart` (the JSON body as metadata, then the media)
    /// when the request has a body, `uploadType=media` otherwise.
    pub(crate) async fn upload<T: ResponseBody>(
        &self,
        request: Request,
        upload: &'static UploadSpec,
        media: Media,
    ) -> Result<T, Error> {
        self.upload_with_chunk_size(request, upload, media, None).await
    }

    /// Sends `request` with `media` in a resumable session: the metadata
    /// first, then the media in chunks of 8 MiB. After a failed chunk the
    /// client asks the server how much it kept and goes on from there.
    pub(crate) async fn upload_resumable<T: ResponseBody>(
        &self,
        request: Request,
        upload: &'static UploadSpec,
        media: Media,
    ) -> Result<T, Error> {
        self.upload_with_chunk_size(request, upload, media, Some(RESUMABLE_CHUNK)).await
    }

    /// Like [`Self::upload_resumable`] with chunks of `chunk_size` bytes
    /// (rounded up to a multiple of 256 KiB).
    pub(crate) async fn upload_resumable_in_chunks<T: ResponseBody>(
        &self,
        request: Request,
        upload: &'static UploadSpec,
        media: Media,
        chunk_size: usize,
    ) -> Result<T, Error> {
        let chunk = chunk_size.max(1).div_ceil(256 * 1024) * 256 * 1024;
        self.upload_with_chunk_size(request, upload, media, Some(chunk)).await
    }

    async fn upload_with_chunk_size<T: ResponseBody>(
        &self,
        mut request: Request,
        upload: &'static UploadSpec,
        media: Media,
        resumable_chunk: Option<usize>,
    ) -> Result<T, Error> {
        check_media(&request, upload, &media)?;
        // An upload is a mutation: it waits its turn like the others.
        let _turn = self.workflows().turn(request.spec()).await;
        let protocol = match (resumable_chunk, request.body()) {
            (Some(_), _) => "resumable",
            (None, Some(_)) => "multipart",
            (None, None) => "media",
        };
        request.set_query("uploadType", protocol.to_owned());
        let url = request.url_for(self.root_url(), upload.path)?;
        let spec = request.spec();
        let (status, body) = match resumable_chunk {
            Some(chunk) => self.resumable(&request, &url, media, chunk).await?,
            None => {
                let payload = match request.body() {
                    Some(metadata) => multipart(metadata, &media),
                    None => Payload { content_type: media.content_type, bytes: media.data },
                };
                self.with_retries(&request, spec.http_method, || async {
                    let outgoing =
                        Outgoing::new(spec.http_method.to_reqwest(), &url, Some(payload.clone()));
                    read_body(spec.id, self.attempt(&request, outgoing, &[]).await?).await
                })
                .await?
            }
        };
        decode(spec.id, status, &body)
    }

    /// Starts a session, then sends the chunks; returns the final response.
    async fn resumable(
        &self,
        request: &Request,
        url: &str,
        media: Media,
        chunk: usize,
    ) -> Result<(u16, bytes::Bytes), Error> {
        let spec = request.spec();
        let total = media.data.len();
        let (_, session) = self
            .with_retries(request, spec.http_method, || async {
                let mut outgoing = Outgoing::new(
                    spec.http_method.to_reqwest(),
                    url,
                    request.body().map(|json| Payload::json(json.to_vec())),
                );
                outgoing.headers.push(("x-upload-content-type", media.content_type.clone()));
                outgoing.headers.push(("x-upload-content-length", total.to_string()));
                let response = self.attempt(request, outgoing, &[]).await?;
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        AttemptError::final_error(unexpected(
                            spec.id,
                            status,
                            "the server started no upload session (no Location header)",
                        ))
                    })?;
                Ok((status, location))
            })
            .await?;

        // A failed chunk is not sent again blindly: the server may have kept
        // part of it. The client asks what it kept (a status query, safe to
        // repeat) and goes on from there, within the call's retry policy.
        let policy = self.retry_policy(request);
        let started = Instant::now();
        let mut failures = 0;
        let mut offset = 0;
        loop {
            let end = (offset + chunk).min(total);
            let range = if total == 0 {
                "bytes */0".to_owned()
            } else {
                format!("bytes {offset}-{}/{total}", end - 1)
            };
            let payload = Payload {
                content_type: media.content_type.clone(),
                bytes: media.data.slice(offset..end),
            };
            let (progress_required, step) = match self
                .put_to_session(request, &session, Some(payload), range)
                .await
            {
                Ok((_, step)) => (true, step),
                Err(failed) => {
                    failures += 1;
                    let delay =
                        policy.backoff(failures).max(failed.server_delay.unwrap_or_default());
                    if !policy.allows(failed.failure, HttpMethod::Put)
                        || !policy.fits(failures, started.elapsed(), delay)
                    {
                        return Err(failed.error);
                    }
                    tracing::info!(method = spec.id, offset, %failed.error, "chunk failed; resuming");
                    tokio::time::sleep(delay).await;
                    let status_query = format!("bytes */{total}");
                    let (_, step) = self
                        .with_retries(request, HttpMethod::Put, || {
                            self.put_to_session(request, &session, None, status_query.clone())
                        })
                        .await?;
                    (false, step)
                }
            };
            match step {
                Step::Done(status, body) => return Ok((status, body)),
                Step::Kept(kept)
                    if kept <= total && (kept > offset || !progress_required && kept == offset) =>
                {
                    offset = kept;
                }
                Step::Kept(kept) => {
                    return Err(unexpected(
                        spec.id,
                        308,
                        &format!(
                            "the server kept {kept} of {total} bytes after a chunk from {offset}"
                        ),
                    ));
                }
            }
        }
    }

    /// One PUT to the session URI: a chunk, or a status query without a body.
    async fn put_to_session(
        &self,
        request: &Request,
        session: &str,
        payload: Option<Payload>,
        content_range: String,
    ) -> Result<(u16, Step), AttemptError> {
        let method = request.spec().id;
        let is_query = payload.is_none();
        let mut outgoing = Outgoing::new(reqwest::Method::PUT, session, payload);
        outgoing.headers.push(("content-range", content_range));
        if is_query {
            outgoing.headers.push(("content-length", "0".to_owned()));
        }
        let response = self.attempt(request, outgoing, &[308]).await?;
        let status = response.status().as_u16();
        if status == 308 {
            let kept = response
                .headers()
                .get(reqwest::header::RANGE)
                .and_then(|value| value.to_str().ok())
                .and_then(kept_bytes)
                .unwrap_or(0);
            return Ok((status, Step::Kept(kept)));
        }
        let (status, body) = read_body(method, response).await?;
        Ok((status, Step::Done(status, body)))
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

/// Where a resumable session stands after a PUT.
enum Step {
    /// The upload is complete: the final status and body.
    Done(u16, bytes::Bytes),
    /// The server has the first `n` bytes.
    Kept(usize),
}

/// `Range: bytes=0-N` (RFC 7233 form, as the upload protocol uses it): N + 1 bytes kept.
fn kept_bytes(range: &str) -> Option<usize> {
    let last: usize = range.trim().strip_prefix("bytes=0-")?.parse().ok()?;
    last.checked_add(1)
}

fn unexpected(method: &'static str, status: u16, message: &str) -> Error {
    Error::Decode {
        method,
        status,
        path: ".".to_owned(),
        source: crate::error::DecodeCause::custom(message),
        body_len: 0,
        snippet: crate::error::BodySnippet::default(),
    }
}

/// Refuses media larger than the API takes or of a type it does not list.
fn check_media(request: &Request, upload: &UploadSpec, media: &Media) -> Result<(), Error> {
    let refuse = |message: String| {
        Error::Validation(ValidationError {
            method: request.spec().id,
            parameter: Some("media"),
            message,
        })
    };
    if let Some(max) = upload.max_size {
        if u64::try_from(media.len()).unwrap_or(u64::MAX) > max {
            return Err(refuse(format!("{} bytes, but the API takes at most {max}", media.len())));
        }
    }
    let accepted = upload.accept.is_empty()
        || upload.accept.iter().any(|pattern| media_type_matches(pattern, &media.content_type));
    if !accepted {
        return Err(refuse(format!(
            "media type {:?} is not one the API takes ({})",
            media.content_type,
            upload.accept.join(", ")
        )));
    }
    Ok(())
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
fn multipart(metadata: &[u8], media: &Media) -> Payload {
    let boundary = loop {
        let candidate = crate::random::alphanumeric(32);
        let marker = candidate.as_bytes();
        let occurs = |part: &[u8]| part.windows(marker.len()).any(|window| window == marker);
        if !occurs(metadata) && !occurs(&media.data) {
            break candidate;
        }
    };
    let mut body = Vec::with_capacity(metadata.len() + media.data.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(b"Content-Type: application/json; charset=UTF-8\r\n\r\n");
    body.extend_from_slice(metadata);
    body.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
    body.extend_from_slice(format!("Content-Type: {}\r\n\r\n", media.content_type).as_bytes());
    body.extend_from_slice(&media.data);
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
    fn range_headers_say_how_many_bytes_were_kept() {
        assert_eq!(kept_bytes("bytes=0-262143"), Some(262_144));
        assert_eq!(kept_bytes("bytes=5-9"), None);
        assert_eq!(kept_bytes("garbage"), None);
    }

    #[test]
    fn multipart_bodies_hold_metadata_then_media_between_boundaries() {
        let payload =
            multipart(br#"{"name":"cat.jpg"}"#, &Media::new("image/jpeg", b"JPEG".to_vec()));
        let boundary =
            payload.content_type.strip_prefix("multipart/related; boundary=").unwrap().to_owned();
        let expected = format!(
            "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{{\"name\":\"cat.jpg\"}}\r\n--{boundary}\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8_lossy(&payload.bytes), expected);
    }
}

/// Where a download to a file stands, for a progress display: bytes
/// written and, when the server said, the whole size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes of the content in the file so far.
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
    /// (created or truncated). A connection that breaks mid-way is asked for
    /// the rest with `Range: bytes=N-`, at most as often as the retry policy
    /// allows attempts; a server that answers the whole content again (200
    /// instead of 206) has the file start over, so that no byte is written
    /// twice or out of place.
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
            source: Box::new(AtByte { offset: done, error }),
        };
        let mut file = tokio::fs::File::create(path).await.map_err(|error| file_error(0, error))?;
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
                let source: Box<dyn std::error::Error + Send + Sync> = Box::new(AtByte {
                    offset: report.bytes,
                    error: std::io::Error::other(broke.to_string()),
                });
                return Err(Error::Transport { method: spec.id, source });
            }
            tracing::info!(method = spec.id, offset = report.bytes, %broke, "download broke; resuming");
            report.resumed += 1;
        }
    }
}

/// An I/O failure at a byte offset of a download.
#[derive(Debug)]
struct AtByte {
    offset: u64,
    error: std::io::Error,
}

impl fmt::Display for AtByte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.error)
    }
}

impl std::error::Error for AtByte {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// `Content-Range: bytes START-END/TOTAL` -> (START, TOTAL if not `*`).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let (range, total) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let start = range.split_once('-')?.0.trim().parse().ok()?;
    Some((start, total.trim().parse().ok()))
}
