//! Stage 1, load: discovery JSON text into the typed [`model`].

pub mod model;

use crate::error::Error;

/// Parses a discovery document; a malformed one is an error naming the JSON
/// path where it went wrong.
pub fn load(json: &str) -> Result<model::Document, Error> {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        Error::Parse {
            path: if path == "." { "$".to_owned() } else { format!("$.{path}") },
            message: error.into_inner().to_string(),
        }
    })
}
