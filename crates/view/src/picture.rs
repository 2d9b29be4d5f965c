//! A picture of a workflow in a file: SVG as [`svg`](crate::svg) writes
//! it, or PNG rasterised from it at any scale with the bundled font.

use std::path::Path;

use idflow_core::Workflow;
use idflow_core::diff::diff;
use thiserror::Error;

use crate::svg::svg;

/// DejaVu Sans, bundled: PNG pictures are drawn with it (no system fonts),
/// and the designer draws with it the symbols egui's own fonts lack.
pub static FALLBACK_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("{}: the picture must be .svg or .png", path.display())]
    UnknownFormat { path: std::path::PathBuf },
    #[error("--scale {scale} is out of range: a picture is drawn at 0.1 to 8 times its size")]
    Scale { scale: f32 },
    #[error(
        "the picture is too large to draw ({width} × {height} pixels at this scale; at most {MAX_SIDE} a side)"
    )]
    TooLarge { width: u32, height: u32 },
    #[error("the SVG could not be read back to draw it: {0}")]
    Svg(String),
    #[error("the PNG could not be encoded: {0}")]
    Png(String),
    #[error("{}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: idflow_store::files::FileError,
    },
}

/// The largest side of a PNG, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// The picture of `workflow`, marked against `against` when given, in the
/// format `output`'s extension names, written atomically.
pub fn write(
    workflow: &Workflow,
    against: Option<&Workflow>,
    output: &Path,
    scale: f32,
) -> Result<(), RenderError> {
    if !(0.1..=8.0).contains(&scale) {
        return Err(RenderError::Scale { scale });
    }
    let changes = against.map(|before| diff(before, workflow));
    let picture = svg(workflow, changes.as_ref(), against);
    let extension = output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match extension.as_deref() {
        Some("svg") => picture.into_bytes(),
        Some("png") => png(&picture, scale)?,
        _ => {
            return Err(RenderError::UnknownFormat {
                path: output.to_owned(),
            });
        }
    };
    idflow_store::files::write_atomic(output, &bytes).map_err(|source| RenderError::Write {
        path: output.to_owned(),
        source,
    })
}

/// Rasterises an SVG at `scale` with the bundled font (DejaVu Sans), so a
/// PNG reads the same on every machine.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, RenderError> {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_font_data(FALLBACK_FONT.to_vec());
    options.font_family = "DejaVu Sans".to_owned();
    let tree =
        resvg::usvg::Tree::from_str(svg, &options).map_err(|e| RenderError::Svg(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or(RenderError::TooLarge {
            width: u32::MAX,
            height: u32::MAX,
        })?;
    if size.width() > MAX_SIDE || size.height() > MAX_SIDE {
        return Err(RenderError::TooLarge {
            width: size.width(),
            height: size.height(),
        });
    }
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or(
        RenderError::TooLarge {
            width: size.width(),
            height: size.height(),
        },
    )?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}
