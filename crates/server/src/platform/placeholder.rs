//! What a part link of a retrieval document answers. The mock never keeps
//! an uploaded file (only its type, size and hash), so a part answers a
//! generated placeholder of the recorded type: a JPEG or PNG image, or,
//! for a facemap, placeholder bytes as `application/octet-stream` (seed
//! 003: the facemap is "a single binary file"; a placeholder facemap can be
//! uploaded as the stored facemap of an on-premises authentication), and
//! for a data part a JSON note.

use std::io::Cursor;
use std::sync::OnceLock;

use axum::body::Bytes;
use image::{ImageFormat, Rgb, RgbImage};

use super::upload::BINARY_CONTENT_TYPE;

/// The classifier of a facemap part.
pub const FACEMAP: &str = "FACEMAP";

/// The classifiers of data parts: JSON, never an image.
pub const DATA_PARTS: &[&str] = &["PREPARED_DATA", "DEVICE_RISK"];

/// What a data part answers: only the metadata of prepared data is kept.
pub const DATA_PLACEHOLDER: &str = r#"{"placeholder":true,"note":"idflow keeps only the metadata of data parts (type, size, SHA-256), not their fields"}"#;

/// How the placeholder images are drawn: 320 × 200, a light card with a
/// darker frame and diagonals, plain enough to tell apart from a real
/// capture at a glance.
const WIDTH: u32 = 320;
const HEIGHT: u32 = 200;

/// The first bytes of a placeholder facemap.
pub const FACEMAP_MAGIC: &[u8] = b"IDFLOW-PLACEHOLDER-FACEMAP\n";

/// What a part link answers: its content type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFile {
    pub content_type: &'static str,
    pub bytes: Bytes,
}

/// The placeholder of part `classifier` of credential `credential_id`,
/// whose upload was recorded as `recorded` (a content type), if it was: a
/// FACEMAP is binary; a data part (prepared data) is JSON; an image part is
/// a PNG when it was recorded as one, else a JPEG (idflow's choice for a
/// part never uploaded as a file, e.g. one the simulator lists).
pub fn part_file(credential_id: &str, classifier: &str, recorded: Option<&str>) -> PartFile {
    if DATA_PARTS.contains(&classifier) {
        return PartFile {
            content_type: "application/json",
            bytes: Bytes::from_static(DATA_PLACEHOLDER.as_bytes()),
        };
    }
    if classifier == FACEMAP {
        let mut bytes = FACEMAP_MAGIC.to_vec();
        bytes.extend_from_slice(b"credential ");
        bytes.extend_from_slice(credential_id.as_bytes());
        bytes.push(b'\n');
        return PartFile {
            content_type: BINARY_CONTENT_TYPE,
            bytes: Bytes::from(bytes),
        };
    }
    if recorded == Some("image/png") {
        PartFile {
            content_type: "image/png",
            bytes: drawn(ImageFormat::Png),
        }
    } else {
        PartFile {
            content_type: "image/jpeg",
            bytes: drawn(ImageFormat::Jpeg),
        }
    }
}

/// The placeholder image in `format` (JPEG or PNG), drawn once.
fn drawn(format: ImageFormat) -> Bytes {
    static JPEG: OnceLock<Bytes> = OnceLock::new();
    static PNG: OnceLock<Bytes> = OnceLock::new();
    let cell = if format == ImageFormat::Png {
        &PNG
    } else {
        &JPEG
    };
    cell.get_or_init(|| encode(&drawing(), format)).clone()
}

fn drawing() -> RgbImage {
    let card = Rgb([0xE8, 0xEA, 0xED]);
    let ink = Rgb([0x5F, 0x63, 0x68]);
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let frame = x < 6 || y < 6 || x >= WIDTH - 6 || y >= HEIGHT - 6;
        // The two diagonals, 3 pixels wide.
        let along = u64::from(x) * u64::from(HEIGHT);
        let down = u64::from(y) * u64::from(WIDTH);
        let up = u64::from(HEIGHT - 1 - y) * u64::from(WIDTH);
        let near = |a: u64, b: u64| a.abs_diff(b) <= 3 * u64::from(WIDTH);
        if frame || near(along, down) || near(along, up) {
            ink
        } else {
            card
        }
    })
}

/// The encoded drawing; an encoder that fails (it cannot, on an image in
/// memory) leaves an empty body rather than a panic.
fn encode(drawing: &RgbImage, format: ImageFormat) -> Bytes {
    let mut out = Cursor::new(Vec::new());
    match drawing.write_to(&mut out, format) {
        Ok(()) => Bytes::from(out.into_inner()),
        Err(error) => {
            tracing::error!(%error, ?format, "cannot encode the placeholder image");
            Bytes::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_real_files_of_their_type() {
        let png = part_file("c", "FACE", Some("image/png"));
        assert_eq!(png.content_type, "image/png");
        assert_eq!(
            image::guess_format(&png.bytes).expect("an image"),
            ImageFormat::Png
        );
        for recorded in [Some("image/jpeg"), None] {
            let jpeg = part_file("c", "FRONT", recorded);
            assert_eq!(jpeg.content_type, "image/jpeg");
            let decoded = image::load_from_memory(&jpeg.bytes).expect("decodes");
            assert_eq!((decoded.width(), decoded.height()), (WIDTH, HEIGHT));
        }
        let facemap = part_file("c-1", "FACEMAP", Some("application/octet-stream"));
        assert_eq!(facemap.content_type, "application/octet-stream");
        assert!(facemap.bytes.starts_with(FACEMAP_MAGIC));
        assert!(image::guess_format(&facemap.bytes).is_err(), "not an image");
        let data = part_file("c", "PREPARED_DATA", Some("application/json"));
        assert_eq!(data.content_type, "application/json");
        let json: serde_json::Value = serde_json::from_slice(&data.bytes).expect("JSON");
        assert_eq!(json["placeholder"], true);
        // The shape the OpenAPI document gives it, field for field.
        let documented: crate::routes::platform::DataPartPlaceholder =
            serde_json::from_value(json.clone()).expect("the documented shape");
        assert_eq!(serde_json::to_value(documented).expect("JSON"), json);
    }
}
