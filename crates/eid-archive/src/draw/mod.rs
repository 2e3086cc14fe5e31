//! Drawing an archive's sides for a person: the annotation sheet of a side
//! (its boxes, the features it cannot draw, a caption), rendered as SVG over
//! the stored image or over an empty canvas of its size, or drawn into the
//! decoded pixels. Used by the exhibits (`crops`) and the HTML pages alike,
//! so that a box looks the same wherever it is shown.

mod font;
mod raster;
mod sheet;
pub(crate) mod svg;

pub(crate) use sheet::{Sheet, data_uri};
pub(crate) use svg::Background;
