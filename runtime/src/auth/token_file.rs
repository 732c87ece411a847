//! The installed-app flow's token file: JSON, replaced atomically (a new file
//! renamed over the old one), readable by its owner only. A file that does
//! not parse is set aside for a new sign-in, never a crash.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Value, json};

use super::Secret;
use super::endpoint::{Token, random_text};
use crate::error::Error;
use crate::json::Fields;

/// The file's layout: `{"client_id", "tokens": [{"scopes", "access_token",
/// "refresh_token"?, "expires_at"}]}`, `expires_at` in seconds since the Unix
/// epoch; `client_id` names the OAuth client the tokens belong to, another
/// client's are ignored. Never `Debug`: it holds tokens.
fn parse_file(text: &[u8]) -> Result<(String, Vec<Token>), String> {
    let mut file = Fields::parse(text)?;
    let client_id = file.required_text("client_id")?;
    let tokens = match file.take("tokens") {
        None => Vec::new(),
        Some(Value::Array(tokens)) => tokens
            .into_iter()
            .map(|token| {
                let token = Fields::of(token).ok_or("a token is not an object")?;
                Ok(Token {
                    access: Secret::new(token.required_text("access_token")?),
                    expires_at: UNIX_EPOCH
                        + Duration::from_secs(
                            token.number("expires_at")?.ok_or("missing field `expires_at`")?,
                        ),
                    refresh: token.text("refresh_token")?.map(Secret::new),
                    scopes: token.texts("scopes")?,
                })
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err("`tokens` is not a list".to_owned()),
    };
    Ok((client_id, tokens))
}

/// Reads the tokens of `client_id` from `path`: none when the file does not
/// exist, belongs to another client or is corrupted (then a warning names the
/// file, and the next sign-in replaces it).
pub(crate) fn load(path: &Path, client_id: &str) -> Result<Vec<Token>, Error> {
    let text = match std::fs::read(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(Error::Config(format!(
                "cannot read the token file {}: {error}",
                path.display()
            )));
        }
    };
    let (owner, tokens) = match parse_file(&text) {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(
                path = %path.display(),
                %error,
                "the token file is not valid; signing in again will replace it"
            );
            return Ok(Vec::new());
        }
    };
    if owner != client_id {
        tracing::info!(path = %path.display(), "the token file belongs to another OAuth client; ignoring it");
        return Ok(Vec::new());
    }
    Ok(tokens)
}

/// Replaces `path` with `tokens`: a new owner-only file in the same
/// directory, synced, then renamed over the old one, so that a crash leaves
/// the old file or the new one, never half of either.
pub(crate) fn save(path: &Path, client_id: &str, tokens: &[Token]) -> Result<(), Error> {
    let tokens: Vec<Value> = tokens
        .iter()
        .map(|token| {
            let mut entry = json!({
                "scopes": token.scopes,
                "access_token": token.access.expose(),
                "expires_at": token.expires_at.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs()),
            });
            if let (Some(refresh), Value::Object(fields)) = (&token.refresh, &mut entry) {
                fields.insert("refresh_token".to_owned(), Value::from(refresh.expose()));
            }
            entry
        })
        .collect();
    let file = json!({ "client_id": client_id, "tokens": tokens });
    let json = serde_json::to_vec_pretty(&file)
        .map_err(|error| Error::Config(format!("cannot encode the token file: {error}")))?;
    let failed = |error: std::io::Error| {
        Error::Config(format!("cannot write the token file {}: {error}", path.display()))
    };
    let temporary = temporary_path(path)?;
    let written = write_private(&temporary, &json).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(error));
    }
    Ok(())
}

/// `.NAME.RANDOM.tmp` next to `path`.
fn temporary_path(path: &Path) -> Result<PathBuf, Error> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::Config(format!("the token file {} names no file", path.display())))?;
    let mut temporary = std::ffi::OsString::from(".");
    temporary.push(name);
    temporary.push(format!(".{}.tmp", random_text(6)?));
    Ok(path.with_file_name(temporary))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Seconds since the epoch, for tests that age a token.
#[cfg(test)]
fn epoch_seconds(time: std::time::SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn token(access: &str) -> Token {
        Token {
            access: Secret::new(access),
            expires_at: SystemTime::now() + Duration::from_secs(3600),
            refresh: Some(Secret::new("refresh-1")),
            scopes: vec!["scope-a".into()],
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gapi-token-file-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    }

    #[test]
    fn tokens_round_trip_through_an_owner_only_file_and_no_temporary_stays() {
        let dir = scratch("round-trip");
        let path = dir.join("tokens.json");
        std::fs::write(&path, "old contents").expect("an older file");
        let saved = token("access-1");
        save(&path, "client-1", std::slice::from_ref(&saved)).expect("saved");
        let loaded = load(&path, "client-1").expect("loaded");
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].access.expose(), "access-1");
        assert_eq!(loaded[0].refresh.as_ref().map(Secret::expose), Some("refresh-1"));
        assert_eq!(epoch_seconds(loaded[0].expires_at), epoch_seconds(saved.expires_at));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        let names: Vec<_> =
            std::fs::read_dir(&dir).expect("list").flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("tokens.json")]);
        assert!(load(&path, "another-client").expect("loaded").is_empty());
    }

    #[test]
    fn a_corrupted_file_reads_as_no_tokens_and_a_missing_one_too() {
        let dir = scratch("corrupted");
        let path = dir.join("tokens.json");
        assert!(load(&path, "client-1").expect("missing is fine").is_empty());
        std::fs::write(&path, b"{\"client_id\": \"client-1\", \"tokens\": [{\"scop")
            .expect("write");
        assert!(load(&path, "client-1").expect("corrupted is fine").is_empty());
    }
}
