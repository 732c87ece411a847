//! `photoBytes` of `updateContactPhoto`: base64 in any common variant, and
//! a check that the bytes are an image, which is what Google insists on.

use std::hash::{DefaultHasher, Hash, Hasher};

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::error::ApiError;

const LENIENT_PADDING: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_ANY_PADDING: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, LENIENT_PADDING);
const URL_SAFE_ANY_PADDING: GeneralPurpose =
    GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT_PADDING);

/// Decodes `photoBytes` (standard or URL-safe alphabet, padded or not) and
/// checks the result starts like a PNG, JPEG, GIF, WebP or BMP file.
pub(crate) fn decode_image(photo_bytes: &str) -> Result<Vec<u8>, ApiError> {
    let engine = if photo_bytes.contains(['-', '_']) {
        &URL_SAFE_ANY_PADDING
    } else {
        &STANDARD_ANY_PADDING
    };
    let bytes = engine.decode(photo_bytes).map_err(|error| {
        ApiError::invalid_field("photoBytes", format!("photoBytes is not valid base64: {error}."))
    })?;
    if !is_image(&bytes) {
        return Err(ApiError::invalid_field(
            "photoBytes",
            "photoBytes is not a supported image (PNG, JPEG, GIF, WebP or BMP).",
        ));
    }
    Ok(bytes)
}

/// Whether the leading magic bytes announce PNG, JPEG, GIF, WebP or BMP.
fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xff, 0xd8, 0xff])
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()))
        || (bytes.starts_with(b"BM") && bytes.len() >= 26)
}

/// A stable, Google-looking URL for stored photo bytes.
pub(crate) fn photo_url(bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("https://lh3.googleusercontent.com/contacts/{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn every_base64_variant_decodes() {
        // Bytes chosen so the encodings differ between the alphabets.
        let image = [PNG, &[0xfb, 0xff, 0xfe]].concat();
        for text in [
            base64::engine::general_purpose::STANDARD.encode(&image),
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(&image),
            base64::engine::general_purpose::URL_SAFE.encode(&image),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&image),
        ] {
            assert_eq!(decode_image(&text).unwrap(), image, "{text}");
        }
    }

    #[test]
    fn magic_bytes_decide_what_is_an_image() {
        assert!(is_image(PNG));
        assert!(is_image(&[0xff, 0xd8, 0xff, 0xe0]));
        assert!(is_image(b"GIF89a..."));
        assert!(is_image(b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(is_image(&[b"BM".as_slice(), &[0; 24]].concat()));
        assert!(!is_image(b"RIFF\0\0\0\0WAVEfmt "));
        assert!(!is_image(b"hello, world"));
        assert!(!is_image(b""));
    }

    #[test]
    fn text_that_is_not_base64_or_not_an_image_is_invalid_argument() {
        assert_eq!(decode_image("!!not base64!!").unwrap_err().status, "INVALID_ARGUMENT");
        let text = base64::engine::general_purpose::STANDARD.encode(b"plain text");
        assert!(decode_image(&text).unwrap_err().message.contains("image"));
    }
}
