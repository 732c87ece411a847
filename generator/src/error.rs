//! Errors of every stage; each says what is wrong and where.

/// Why a discovery document could not be turned into code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not JSON, or not a discovery document.
    #[error("invalid discovery document at {path}: {message}")]
    Parse { path: String, message: String },
    /// The document is JSON of the right shape but says something inconsistent
    /// (a dangling `$ref`, an unknown type, a path naming a query parameter...).
    #[error("invalid discovery document at {path}: {message}")]
    Invalid { path: String, message: String },
    /// The emitted tokens did not parse as Rust: a generator bug, not bad input.
    #[error("generated code for {file} does not parse ({message}); this is a generator bug")]
    Emit { file: String, message: String },
    /// A name the IR holds is not a Rust identifier: the naming rules let it
    /// through, so a generator bug, reported instead of a panic. `within`
    /// says where, innermost first (a JSON path or method id, then the file).
    #[error("`{name}` is not a Rust identifier (in {}); this is a generator bug", within.join(", in "))]
    Identifier { name: String, within: Vec<String> },
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
    /// Adds where an [`Error::Identifier`] was met (an item, then its file);
    /// other errors say where already.
    pub(crate) fn within(mut self, place: &str) -> Self {
        if let Self::Identifier { within, .. } = &mut self {
            within.push(place.to_owned());
        }
        self
    }

    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { path: path.into(), message: message.into() }
    }
}

/// Something the document gets away with, which the generator reports but
/// does not refuse (a duplicated key, a query parameter no URL can carry, a
/// path variable it does not declare, no endpoint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The JSON path it is at (`$.schemas`).
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning: {} at {}", self.message, self.path)
    }
}
