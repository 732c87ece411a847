//! Stage 4, write: generated files onto disk, each replaced atomically (a
//! temporary file in the same folder, then a rename), and only when changed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::SourceFile;
use crate::error::Error;

/// What a write did to each file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Created(String),
    Updated(String),
    Unchanged(String),
}

/// The lock file of the crate generated into `dir`, or an empty lock when
/// there is none yet (a first generation).
pub fn read_lock(dir: &Path) -> Result<crate::Lock, Error> {
    let path = dir.join(crate::LOCK_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => crate::Lock::parse(&text, &path.display().to_string()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(crate::Lock::default()),
        Err(source) => Err(io_error("cannot read", &path, source)),
    }
}

/// Writes `files` below `dir`, creating folders as needed. Everything was
/// generated before this is called, so a failure cannot leave a file half-written.
pub fn write_files(dir: &Path, files: &[SourceFile]) -> Result<Vec<Change>, Error> {
    files.iter().map(|file| write_one(dir, file)).collect()
}

fn write_one(dir: &Path, file: &SourceFile) -> Result<Change, Error> {
    let target = dir.join(&file.path);
    let name = file.path.clone();
    match fs::read(&target) {
        Ok(existing) if existing == file.contents.as_bytes() => return Ok(Change::Unchanged(name)),
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => return Err(io_error("cannot read", &target, source)),
    }
    let existed = target.exists();
    replace_atomically(&target, file.contents.as_bytes())?;
    Ok(if existed { Change::Updated(name) } else { Change::Created(name) })
}

/// Replaces `target` with `contents` so that readers see the old or the new
/// file, never a mix.
pub fn replace_atomically(target: &Path, contents: &[u8]) -> Result<(), Error> {
    let parent =
        target.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|source| io_error("cannot create", parent, source))?;
    let file_name =
        target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary: PathBuf = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temporary, target)
    })();
    result.map_err(|source| {
        let _ = fs::remove_file(&temporary);
        io_error("cannot write", target, source)
    })
}

fn io_error(action: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::Io { action, path: path.display().to_string(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gapi-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_report_created_updated_and_unchanged() {
        let dir = scratch("changes");
        let file =
            |contents: &str| SourceFile { path: "src/lib.rs".into(), contents: contents.into() };
        assert_eq!(
            write_files(&dir, &[file("a")]).ok(),
            Some(vec![Change::Created("src/lib.rs".into())])
        );
        assert_eq!(
            write_files(&dir, &[file("a")]).ok(),
            Some(vec![Change::Unchanged("src/lib.rs".into())])
        );
        assert_eq!(
            write_files(&dir, &[file("b")]).ok(),
            Some(vec![Change::Updated("src/lib.rs".into())])
        );
        assert_eq!(fs::read_to_string(dir.join("src/lib.rs")).ok().as_deref(), Some("b"));
        let leftovers: Vec<_> =
            fs::read_dir(dir.join("src")).into_iter().flatten().flatten().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        let _ = fs::remove_dir_all(&dir);
    }
}
