//! Stage 1, load: discovery JSON text into the typed [`model`].

mod json;
pub mod model;

use crate::error::{Error, Warning};

/// Parses a discovery document; a malformed one is an error naming the JSON
/// path where it went wrong.
pub fn load(json: &str) -> Result<model::Document, Error> {
    load_with_warnings(json).map(|(document, _)| document)
}

/// [`load`], with what the document gets away with: a key given twice in one
/// object keeps its last value (as Google's JSON readers do), with a warning.
pub fn load_with_warnings(json: &str) -> Result<(model::Document, Vec<Warning>), Error> {
    let mut warnings = Vec::new();
    let value = json::parse(json, &mut warnings)
        .map_err(|error| Error::Parse { path: "$".to_owned(), message: error.to_string() })?;
    let document = serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        Error::Parse {
            path: if path == "." { "$".to_owned() } else { format!("$.{path}") },
            message: error.into_inner().to_string(),
        }
    })?;
    Ok((document, warnings))
}
