//! Part uploads: a multipart/form-data `file` field of at most 5 MiB
//! holding a JPEG or PNG (recognised by its magic bytes, whatever the
//! declared type), or, for the stored facemap of an on-premises
//! authentication, the bytes as they are (seed 003: "the Facemap as a
//! single binary file"). Only metadata is kept (type, size, SHA-256): the
//! mock never stores or looks at the file itself.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::header::CONTENT_LENGTH;
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};

use crate::db::hex;

/// The largest file accepted: 5 MiB (5 * 1024 * 1024 bytes).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The upload route's body limit: the largest file plus room for the
/// multipart framing. One answer per size class, whatever the timing: a
/// body over this limit is a 413 (from `Content-Length` before anything is
/// read, or from the streamed count), and only a body within it gets the
/// file checks, where a file over [`MAX_FILE_BYTES`] is a 400.
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// The multipart field that carries the image.
pub const FILE_FIELD: &str = "file";

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

/// An accepted image type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Jpeg,
    Png,
}

impl ImageType {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
        }
    }
}

/// The image type that the first bytes of a file announce.
pub fn sniff(head: &[u8]) -> Option<ImageType> {
    if head.starts_with(JPEG_MAGIC) {
        Some(ImageType::Jpeg)
    } else if head.starts_with(PNG_MAGIC) {
        Some(ImageType::Png)
    } else {
        None
    }
}

/// The content type recorded for a file taken as it is.
pub const BINARY_CONTENT_TYPE: &str = "application/octet-stream";

/// What a part's file must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A JPEG or PNG image (FRONT, BACK, FACE).
    Image,
    /// Any bytes (a stored facemap, `catalog::is_stored_facemap`): recorded
    /// as `application/octet-stream`.
    Binary,
}

/// What is kept of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFile {
    /// `image/jpeg`, `image/png`, or [`BINARY_CONTENT_TYPE`].
    pub content_type: &'static str,
    pub size: usize,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the multipart/form-data body has no `file` field: send the image as the field `file`")]
    NoFileField,
    #[error("the `file` field is empty")]
    Empty,
    #[error(
        "the file is not a JPEG or PNG image (by its first bytes): only JPEG and PNG are accepted"
    )]
    NotAnImage,
    #[error("the file is larger than {MAX_FILE_BYTES} bytes (5 MiB), the most accepted")]
    TooLarge,
    /// The body could not be read as multipart/form-data (or exceeded
    /// [`UPLOAD_BODY_LIMIT`]: status 413).
    #[error("{message}")]
    Body { status: StatusCode, message: String },
}

impl UploadError {
    /// The answer to a body over [`UPLOAD_BODY_LIMIT`].
    pub fn body_too_large() -> UploadError {
        UploadError::Body {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: format!(
                "the request body is larger than the {UPLOAD_BODY_LIMIT} bytes an upload may be (a file of at most {MAX_FILE_BYTES} bytes plus the multipart framing)"
            ),
        }
    }

    fn is_body_too_large(&self) -> bool {
        matches!(self, UploadError::Body { status, .. } if *status == StatusCode::PAYLOAD_TOO_LARGE)
    }
}

/// Whether the request declares a body over [`UPLOAD_BODY_LIMIT`]: such a
/// request is answered 413 before a byte of it is read. A missing or
/// unreadable `Content-Length` (a chunked body) is decided by the streamed
/// count instead.
pub fn declared_too_large(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .is_some_and(|length| length > UPLOAD_BODY_LIMIT as u64)
}

impl From<MultipartError> for UploadError {
    fn from(error: MultipartError) -> UploadError {
        let status = error.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            return UploadError::body_too_large();
        }
        let message = {
            format!(
                "the multipart/form-data body cannot be read: {}",
                error.body_text()
            )
        };
        UploadError::Body { status, message }
    }
}

/// Reads the `file` field (other fields are skipped), checking its size as
/// it streams in and, for an [`Expected::Image`], its type as soon as its
/// first bytes arrive; the bytes themselves are hashed and dropped.
///
/// A file check that fails does not answer at once: the rest of the body is
/// read (at most up to [`UPLOAD_BODY_LIMIT`], which the route's limit
/// enforces) so that a body over the limit is always the 413, never a 400
/// that depends on how far the body had streamed when a check tripped.
pub async fn read_file(
    multipart: &mut Multipart,
    expected: Expected,
) -> Result<ReceivedFile, UploadError> {
    match read_file_field(multipart, expected).await {
        Ok(file) => Ok(file),
        Err(error) if error.is_body_too_large() => Err(error),
        Err(error) => match drain(multipart).await {
            Err(drained) if drained.is_body_too_large() => Err(drained),
            _ => Err(error),
        },
    }
}

/// Reads and drops what is left of the body.
async fn drain(multipart: &mut Multipart) -> Result<(), UploadError> {
    while let Some(mut field) = multipart.next_field().await? {
        while field.chunk().await?.is_some() {}
    }
    Ok(())
}

async fn read_file_field(
    multipart: &mut Multipart,
    expected: Expected,
) -> Result<ReceivedFile, UploadError> {
    let sniffs = expected == Expected::Image;
    while let Some(mut field) = multipart.next_field().await? {
        if field.name() != Some(FILE_FIELD) {
            continue;
        }
        let mut head: Vec<u8> = Vec::with_capacity(PNG_MAGIC.len());
        let mut image_type = None;
        let mut size = 0usize;
        let mut hasher = Sha256::new();
        while let Some(chunk) = field.chunk().await? {
            size = size.saturating_add(chunk.len());
            if size > MAX_FILE_BYTES {
                return Err(UploadError::TooLarge);
            }
            hasher.update(&chunk);
            if sniffs && image_type.is_none() {
                let wanted = PNG_MAGIC.len() - head.len();
                head.extend_from_slice(&chunk[..chunk.len().min(wanted)]);
                if head.len() == PNG_MAGIC.len() {
                    image_type = Some(sniff(&head).ok_or(UploadError::NotAnImage)?);
                }
            }
        }
        if size == 0 {
            return Err(UploadError::Empty);
        }
        let content_type = match (expected, image_type) {
            (Expected::Binary, _) => BINARY_CONTENT_TYPE,
            (Expected::Image, Some(t)) => t.content_type(),
            (Expected::Image, None) => sniff(&head).ok_or(UploadError::NotAnImage)?.content_type(),
        };
        return Ok(ReceivedFile {
            content_type,
            size,
            sha256: hex(&hasher.finalize()),
        });
    }
    Err(UploadError::NoFileField)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_and_png_are_recognised_by_their_first_bytes() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some(ImageType::Jpeg)
        );
        assert_eq!(sniff(PNG_MAGIC), Some(ImageType::Png));
        assert_eq!(sniff(b"GIF89a.."), None);
        assert_eq!(sniff(b"hello world"), None);
        assert_eq!(sniff(&[0xFF, 0xD8]), None);
        assert_eq!(ImageType::Png.content_type(), "image/png");
    }
}
