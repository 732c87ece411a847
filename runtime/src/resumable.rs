//! Resumable uploads (`uploadType=resumable`): the metadata opens a session,
//! the content follows in chunks, each confirmed by the server before the
//! next is read, so that memory holds one chunk whatever the size. After a
//! failed chunk the client asks the server what it kept and goes on from
//! there; with a session file, a new process does the same.

use std::fmt;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tokio::io::AsyncReadExt;

use crate::api::HttpMethod;
use crate::client::{AttemptError, Client, Outgoing, Payload, decode, read_body};
use crate::error::{Error, ValidationError};
use crate::media::{
    AtByte, Media, Progress, Source, UploadSpec, check_media, check_size, failed_at, unexpected,
};
use crate::request::Request;
use crate::response_body::ResponseBody;

/// The protocol's unit: every chunk but the last is a multiple of it.
const GRANULE: usize = 256 * 1024;

/// The chunk size unless the caller sets one.
const DEFAULT_CHUNK: usize = 8 * 1024 * 1024;

/// A resumable upload: the content and how to send it. `From<Media>`, so a
/// call's `upload_resumable(media)` takes the defaults (chunks of 8 MiB, no
/// progress, no session file).
pub struct Resumable {
    media: Media,
    chunk_size: usize,
    progress: Option<Box<dyn FnMut(Progress) + Send>>,
    session_file: Option<PathBuf>,
    restart_if_gone: bool,
}

impl Resumable {
    /// `media` in chunks of 8 MiB.
    pub fn new(media: Media) -> Self {
        Self {
            media,
            chunk_size: DEFAULT_CHUNK,
            progress: None,
            session_file: None,
            restart_if_gone: false,
        }
    }

    /// Chunks of `bytes`, rounded up to a multiple of 256 KiB as the
    /// protocol requires. Memory held by the upload is about one chunk.
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes.max(1).div_ceil(GRANULE).saturating_mul(GRANULE);
        self
    }

    /// The chunk size in effect, after rounding.
    pub fn chunk_len(&self) -> usize {
        self.chunk_size
    }

    /// Calls `progress` when the upload starts and after each chunk the
    /// server confirms.
    pub fn progress(mut self, progress: impl FnMut(Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// Keeps the session in the file at `path`, so that a new process can
    /// go on where this one stopped: if the file exists when the upload
    /// starts, the upload resumes its session (after asking the server what
    /// it kept, and reading the content again from there); it is written
    /// when the session opens and after each confirmed chunk, and removed
    /// when the upload ends. The file holds the session's URI, which lets
    /// whoever has it upload to the session: keep it as private as a
    /// credential (on Unix it is created readable by its owner only).
    pub fn session_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.session_file = Some(path.into());
        self
    }

    /// When the server no longer knows the session (404 or 410, such as a
    /// saved session a week old), start a new one from byte 0 (once) instead
    /// of failing with that status. Off by default: the caller decides whether
    /// the content may be sent again.
    pub fn restart_if_gone(mut self, restart: bool) -> Self {
        self.restart_if_gone = restart;
        self
    }
}

impl From<Media> for Resumable {
    fn from(media: Media) -> Self {
        Self::new(media)
    }
}

/// The settings; not the session file's path or the content.
impl fmt::Debug for Resumable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resumable")
            .field("media", &self.media)
            .field("chunk_size", &self.chunk_size)
            .field("progress", &self.progress.is_some())
            .field("session_file", &self.session_file.is_some())
            .field("restart_if_gone", &self.restart_if_gone)
            .finish()
    }
}

impl Client {
    /// Sends `request` with the content in a resumable session; see [`Resumable`].
    pub(crate) async fn upload_resumable<T: ResponseBody>(
        &self,
        mut request: Request,
        upload: &'static UploadSpec,
        resumable: Resumable,
    ) -> Result<T, Error> {
        let Resumable { media, chunk_size, progress, session_file, restart_if_gone } = resumable;
        check_media(&request, upload, &media)?;
        let spec = request.spec();
        // An upload is a mutation: it waits its turn like the others.
        let _turn = self.workflows().turn(spec).await;
        request.set_query("uploadType", "resumable".to_owned());
        let url = request.url_for(self.root_url(), upload.path)?;
        let saved = SavedSession {
            path: session_file,
            method: spec.id,
            content_type: media.content_type().to_owned(),
            size: media.size(),
        };
        let mut upload_state = Upload {
            client: self,
            request: &request,
            upload,
            content: Content::open(media.source, spec.id).await?,
            size: saved.size,
            chunk_size,
            progress,
            saved: &saved,
        };
        let mut session = match saved.load().await? {
            Some(uri) => Session { uri, resumed: true },
            None => Session { uri: upload_state.open(&url).await?, resumed: false },
        };
        let mut may_restart = restart_if_gone;
        loop {
            match upload_state.send(&session).await {
                Ok((status, body)) => {
                    saved.remove().await;
                    return decode(spec.id, status, &body);
                }
                Err(Error::Api { status: 404 | 410, .. }) if may_restart => {
                    may_restart = false;
                    tracing::info!(
                        method = spec.id,
                        "the upload session is gone; starting a new one"
                    );
                    session = Session { uri: upload_state.open(&url).await?, resumed: false };
                }
                Err(error) => {
                    if matches!(error, Error::Api { status: 404 | 410, .. }) {
                        // Useless now: the next run starts a new session.
                        saved.remove().await;
                    }
                    return Err(error);
                }
            }
        }
    }
}

/// A session's URI, and whether it was opened by an earlier run.
struct Session {
    uri: String,
    resumed: bool,
}

/// One resumable upload under way.
struct Upload<'a> {
    client: &'a Client,
    request: &'a Request,
    upload: &'static UploadSpec,
    content: Content,
    /// The content's size: known from the start, or once a reader ends.
    size: Option<u64>,
    chunk_size: usize,
    progress: Option<Box<dyn FnMut(Progress) + Send>>,
    saved: &'a SavedSession,
}

impl Upload<'_> {
    /// Opens a session with the metadata; returns its URI, saved if asked.
    async fn open(&mut self, url: &str) -> Result<String, Error> {
        let (client, request) = (self.client, self.request);
        let spec = request.spec();
        let (_, uri) = client
            .with_retries(request, spec.http_method, || async {
                let mut outgoing = Outgoing::new(
                    spec.http_method.to_reqwest(),
                    url,
                    request.body().map(|json| Payload::json(json.to_vec())),
                );
                outgoing.headers.push(("x-upload-content-type", self.saved.content_type.clone()));
                if let Some(size) = self.size {
                    outgoing.headers.push(("x-upload-content-length", size.to_string()));
                }
                let response = client.attempt(request, outgoing, &[]).await?;
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
        self.saved.save(&uri, 0).await?;
        Ok(uri)
    }

    /// Sends the content from where the server stands to the end; returns
    /// the final response. A failed chunk is not sent again blindly: the
    /// server may have kept part of it. The client asks what it kept (a
    /// status query, safe to repeat) and goes on from there, within the
    /// call's retry policy.
    async fn send(&mut self, session: &Session) -> Result<(u16, bytes::Bytes), Error> {
        let method = self.request.spec().id;
        let mut offset = 0;
        if session.resumed {
            match self.status_query(session).await? {
                Step::Done(status, body) => return Ok((status, body)),
                Step::Kept(kept) => offset = kept,
            }
            tracing::info!(method, offset, "resuming a saved upload session");
        }
        self.report(offset);
        let policy = self.client.retry_policy(self.request);
        let started = Instant::now();
        let mut failures = 0;
        loop {
            let (data, end_known) =
                self.content.chunk(offset, self.chunk_size).await.map_err(|error| {
                    Error::Transport {
                        method,
                        source: Box::new(AtByte { offset, cause: error.into() }),
                    }
                })?;
            if let Some(size) = end_known {
                check_size(self.request, self.upload, size)?;
                self.size = Some(size);
            }
            let end = offset + data.len() as u64;
            let total = self.size.map_or_else(|| "*".to_owned(), |size| size.to_string());
            let range = if data.is_empty() {
                format!("bytes */{total}")
            } else {
                format!("bytes {offset}-{}/{total}", end - 1)
            };
            let payload = Payload { content_type: self.saved.content_type.clone(), bytes: data };
            let (progress_required, step) = match self.put(&session.uri, Some(payload), range).await
            {
                Ok(step) => (true, step),
                Err(failed) => {
                    failures += 1;
                    let delay =
                        policy.backoff(failures).max(failed.server_delay.unwrap_or_default());
                    if !policy.allows(failed.failure, HttpMethod::Put)
                        || !policy.fits(failures, started.elapsed(), delay)
                    {
                        return Err(failed_at(failed.error, offset));
                    }
                    tracing::info!(method, offset, %failed.error, "chunk failed; resuming");
                    tokio::time::sleep(delay).await;
                    (false, self.status_query(session).await?)
                }
            };
            match step {
                Step::Done(status, body) => {
                    self.report(end);
                    return Ok((status, body));
                }
                Step::Kept(kept)
                    if self.size.is_none_or(|size| kept <= size)
                        && (kept > offset || !progress_required && kept <= end) =>
                {
                    offset = kept;
                    self.saved.save(&session.uri, offset).await?;
                    self.report(offset);
                }
                Step::Kept(kept) => {
                    return Err(unexpected(
                        method,
                        308,
                        &format!(
                            "the server kept {kept} bytes after the chunk of bytes {offset} to \
                             {end}, which it cannot have"
                        ),
                    ));
                }
            }
        }
    }

    /// Asks the server how much of the content it has.
    async fn status_query(&self, session: &Session) -> Result<Step, Error> {
        let total = self.size.map_or_else(|| "*".to_owned(), |size| size.to_string());
        let range = format!("bytes */{total}");
        let (_, step) = self
            .client
            .with_retries(self.request, HttpMethod::Put, || async {
                let step = self.put(&session.uri, None, range.clone()).await?;
                Ok((0, step))
            })
            .await?;
        Ok(step)
    }

    /// One PUT to the session URI: a chunk, or a status query without a body.
    async fn put(
        &self,
        session: &str,
        payload: Option<Payload>,
        content_range: String,
    ) -> Result<Step, AttemptError> {
        let method = self.request.spec().id;
        let is_query = payload.is_none();
        let mut outgoing = Outgoing::new(reqwest::Method::PUT, session, payload);
        outgoing.headers.push(("content-range", content_range));
        if is_query {
            outgoing.headers.push(("content-length", "0".to_owned()));
        }
        let response = self.client.attempt(self.request, outgoing, &[308]).await?;
        if response.status().as_u16() == 308 {
            let kept = response
                .headers()
                .get(reqwest::header::RANGE)
                .and_then(|value| value.to_str().ok())
                .and_then(kept_bytes)
                .unwrap_or(0);
            return Ok(Step::Kept(kept));
        }
        let (status, body) = read_body(method, response).await?;
        Ok(Step::Done(status, body))
    }

    fn report(&mut self, done: u64) {
        if let Some(progress) = &mut self.progress {
            progress(Progress { done, total: self.size });
        }
    }
}

/// Where a resumable session stands after a PUT.
enum Step {
    /// The upload is complete: the final status and body.
    Done(u16, bytes::Bytes),
    /// The server has the first `n` bytes.
    Kept(u64),
}

/// `Range: bytes=0-N` (RFC 7233 form, as the upload protocol uses it): N + 1 bytes kept.
fn kept_bytes(range: &str) -> Option<u64> {
    let last: u64 = range.trim().strip_prefix("bytes=0-")?.parse().ok()?;
    last.checked_add(1)
}

/// The content, read a chunk at a time.
enum Content {
    Memory(bytes::Bytes),
    /// `file` is away while a blocking thread reads it.
    File {
        file: Option<std::fs::File>,
        size: u64,
        at: u64,
    },
    Reader(Stream),
}

/// A reader's bytes from `from`: the chunk in flight, kept until the server
/// confirms it, and the byte read past it to learn whether it was the last.
struct Stream {
    reader: Box<dyn tokio::io::AsyncRead + Send + Unpin>,
    held: bytes::Bytes,
    from: u64,
    lookahead: Option<u8>,
    ended: bool,
}

impl Content {
    async fn open(source: Source, method: &'static str) -> Result<Self, Error> {
        Ok(match source {
            Source::Memory(bytes) => Self::Memory(bytes),
            Source::File { path, size } => {
                let file = std::fs::File::open(&path).map_err(|error| Error::Transport {
                    method,
                    source: Box::new(AtByte { offset: 0, cause: Box::new(error) }),
                })?;
                Self::File { file: Some(file), size, at: 0 }
            }
            Source::Reader(reader) => Self::Reader(Stream {
                reader,
                held: bytes::Bytes::new(),
                from: 0,
                lookahead: None,
                ended: false,
            }),
        })
    }

    /// At most `len` bytes from `offset`, and the content's size once the
    /// chunk reaches its end.
    async fn chunk(
        &mut self,
        offset: u64,
        len: usize,
    ) -> std::io::Result<(bytes::Bytes, Option<u64>)> {
        match self {
            Self::Memory(bytes) => {
                let size = bytes.len() as u64;
                let start = usize::try_from(offset.min(size)).unwrap_or(bytes.len());
                let end = start.saturating_add(len).min(bytes.len());
                Ok((bytes.slice(start..end), Some(size)))
            }
            Self::File { file, size, at } => {
                let size = *size;
                if offset > size {
                    return Err(std::io::Error::other(format!(
                        "the server has {offset} bytes of a file of {size}"
                    )));
                }
                let want = usize::try_from(size - offset).unwrap_or(usize::MAX).min(len);
                // Read straight into the chunk on a blocking thread: no
                // second buffer (tokio's file keeps one of up to 2 MiB).
                let mut reading = file.take().ok_or_else(|| {
                    std::io::Error::other("the file was lost by an earlier failed read")
                })?;
                let seek = *at != offset;
                let (reading, read) = tokio::task::spawn_blocking(move || {
                    let mut data = vec![0; want];
                    let read = (|| {
                        if seek {
                            reading.seek(std::io::SeekFrom::Start(offset))?;
                        }
                        reading.read_exact(&mut data)
                    })()
                    .map(|()| data);
                    (reading, read)
                })
                .await
                .map_err(std::io::Error::other)?;
                *file = Some(reading);
                let data = read.map_err(|error| {
                    std::io::Error::new(
                        error.kind(),
                        format!("the file is shorter than the {size} bytes it had: {error}"),
                    )
                })?;
                *at = offset + want as u64;
                Ok((data.into(), Some(size)))
            }
            Self::Reader(stream) => stream.chunk(offset, len).await,
        }
    }
}

impl Stream {
    async fn chunk(
        &mut self,
        offset: u64,
        len: usize,
    ) -> std::io::Result<(bytes::Bytes, Option<u64>)> {
        if offset < self.from {
            return Err(std::io::Error::other(format!(
                "a reader cannot go back to byte {offset}: it was read to byte {}",
                self.from
            )));
        }
        let held_end = self.from + self.held.len() as u64;
        let mut data = Vec::with_capacity(len);
        if offset <= held_end {
            let start = usize::try_from(offset - self.from).unwrap_or(usize::MAX);
            let kept = self.held.slice(start.min(self.held.len())..);
            data.extend_from_slice(&kept[..kept.len().min(len)]);
        } else {
            // A session resumed by a new process: skip what the server has.
            let skip = offset - held_end - u64::from(self.lookahead.is_some());
            self.lookahead = None;
            let skipped =
                tokio::io::copy(&mut (&mut self.reader).take(skip), &mut tokio::io::sink()).await?;
            if skipped < skip {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!(
                        "the reader ended at byte {}, before byte {offset}",
                        held_end + skipped
                    ),
                ));
            }
        }
        // The held bytes are released before more are read.
        self.held = bytes::Bytes::new();
        if data.len() < len {
            if let Some(byte) = self.lookahead.take() {
                data.push(byte);
            }
        }
        while data.len() < len && !self.ended {
            let read =
                (&mut self.reader).take((len - data.len()) as u64).read_to_end(&mut data).await?;
            self.ended = read == 0 || data.len() < len;
        }
        if data.len() == len && !self.ended && self.lookahead.is_none() {
            let mut byte = [0u8; 1];
            match self.reader.read(&mut byte).await? {
                0 => self.ended = true,
                _ => self.lookahead = Some(byte[0]),
            }
        }
        let size = (self.ended && self.lookahead.is_none()).then(|| offset + data.len() as u64);
        self.held = bytes::Bytes::from(data);
        self.from = offset;
        Ok((self.held.clone(), size))
    }
}

/// The session file of [`Resumable::session_file`]: a small JSON object.
struct SavedSession {
    path: Option<PathBuf>,
    method: &'static str,
    content_type: String,
    size: Option<u64>,
}

impl SavedSession {
    /// The URI of a saved session of this upload, if the file holds one.
    async fn load(&self) -> Result<Option<String>, Error> {
        let Some(path) = &self.path else { return Ok(None) };
        let text = match tokio::fs::read(path).await {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(self.file_error(path, &error.to_string())),
        };
        let saved: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|error| self.file_error(path, &format!("not JSON: {error}")))?;
        let uri = saved.get("uri").and_then(serde_json::Value::as_str);
        let same = saved.get("method").and_then(serde_json::Value::as_str) == Some(self.method)
            && saved.get("content_type").and_then(serde_json::Value::as_str)
                == Some(self.content_type.as_str())
            && saved.get("size").and_then(serde_json::Value::as_u64) == self.size;
        match uri {
            Some(uri) if same => Ok(Some(uri.to_owned())),
            Some(_) => Err(self.file_error(
                path,
                "it holds the session of another upload (method, media type or size differ)",
            )),
            None => Err(self.file_error(path, "it holds no session URI")),
        }
    }

    /// Writes the session, atomically (a new file renamed over the old).
    async fn save(&self, uri: &str, offset: u64) -> Result<(), Error> {
        let Some(path) = &self.path else { return Ok(()) };
        let text = serde_json::json!({
            "method": self.method,
            "content_type": self.content_type,
            "size": self.size,
            "uri": uri,
            "offset": offset,
        })
        .to_string();
        let partial = path.with_extension("partial");
        let written = async {
            let mut options = tokio::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            options.mode(0o600);
            let mut file = options.open(&partial).await?;
            tokio::io::AsyncWriteExt::write_all(&mut file, text.as_bytes()).await?;
            file.sync_all().await?;
            tokio::fs::rename(&partial, path).await
        };
        written.await.map_err(|error| Error::Transport {
            method: self.method,
            source: format!("cannot save the upload session to {}: {error}", path.display()).into(),
        })
    }

    /// Removes the file: the upload ended, or its session is gone.
    async fn remove(&self) {
        if let Some(path) = &self.path {
            if let Err(error) = tokio::fs::remove_file(path).await {
                tracing::warn!(method = self.method, %error, "cannot remove the upload session file");
            }
        }
    }

    fn file_error(&self, path: &Path, message: &str) -> Error {
        Error::Validation(ValidationError {
            method: self.method,
            parameter: Some("session_file"),
            message: format!("the upload session file {}: {message}", path.display()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_headers_say_how_many_bytes_were_kept() {
        assert_eq!(kept_bytes("bytes=0-262143"), Some(262_144));
        assert_eq!(kept_bytes("bytes=5-9"), None);
        assert_eq!(kept_bytes("garbage"), None);
    }

    #[test]
    fn chunk_sizes_round_up_to_the_protocols_256_kib() {
        let media = || Media::new("text/plain", b"x".to_vec());
        assert_eq!(Resumable::new(media()).chunk_len(), 8 * 1024 * 1024);
        assert_eq!(Resumable::new(media()).chunk_size(1).chunk_len(), GRANULE);
        assert_eq!(Resumable::new(media()).chunk_size(0).chunk_len(), GRANULE);
        assert_eq!(Resumable::new(media()).chunk_size(GRANULE + 1).chunk_len(), 2 * GRANULE);
        assert_eq!(Resumable::new(media()).chunk_size(4 * GRANULE).chunk_len(), 4 * GRANULE);
    }

    fn reading(data: Vec<u8>) -> Stream {
        Stream {
            reader: Box::new(std::io::Cursor::new(data)),
            held: bytes::Bytes::new(),
            from: 0,
            lookahead: None,
            ended: false,
        }
    }

    #[tokio::test]
    async fn a_reader_gives_chunks_and_knows_its_size_at_the_chunk_that_ends_it() {
        let data: Vec<u8> = (0..10u8).collect();
        let mut stream = reading(data);
        let (first, size) = stream.chunk(0, 4).await.expect("read");
        assert_eq!((&first[..], size), (&[0, 1, 2, 3][..], None));
        // The server kept 3 of the 4: the next chunk starts at byte 3.
        let (second, size) = stream.chunk(3, 4).await.expect("read");
        assert_eq!((&second[..], size), (&[3, 4, 5, 6][..], None));
        let (third, size) = stream.chunk(7, 3).await.expect("read");
        assert_eq!((&third[..], size), (&[7, 8, 9][..], Some(10)), "exactly full, and the last");
        let back = stream.chunk(2, 4).await.expect_err("gone");
        assert!(back.to_string().contains("cannot go back to byte 2"), "{back}");
    }

    #[tokio::test]
    async fn a_reader_resumed_by_a_new_process_skips_what_the_server_has() {
        let data: Vec<u8> = (0..10u8).collect();
        let mut stream = reading(data);
        let (rest, size) = stream.chunk(6, 8).await.expect("read");
        assert_eq!((&rest[..], size), (&[6, 7, 8, 9][..], Some(10)));
        let mut short = reading(vec![1, 2]);
        let error = short.chunk(5, 8).await.expect_err("too short");
        assert!(error.to_string().contains("ended at byte 2, before byte 5"), "{error}");
    }
}
