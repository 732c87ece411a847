//! Errors of every stage; each says what is wrong and where.

/// Why a discovery document could not be turned into code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not JSON, or not a discovery document.
    #[error("invalid discovery document at {path}: {message}")]
    Parse { path: String, message: String },
    /// The document is JSON of the right shape but says something inconsistent
    /// (a dangling `$ref`, an unknown type, a path naming a missing parameter...).
    #[error("invalid discovery document at {path}: {message}")]
    Invalid { path: String, message: String },
    /// The emitted tokens did not parse as Rust: a generator bug, not bad input.
    #[error("generated code for {file} does not parse ({message}); this is a generator bug")]
    Emit { file: String, message: String },
    /// Reading or writing files failed.
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { path: path.into(), message: message.into() }
    }
}
