//! Figures for papers: each chart as a standalone SVG whose text is
//! outlined in the bundled font, and as a PNG rendered by resvg with that
//! same font, so neither depends on the fonts of the machine that makes or
//! shows them.

use resvg::{tiny_skia, usvg};

use crate::chart::Chart;
use crate::error::ReportError;
use crate::svg::FONT_FAMILY;

/// DejaVu Sans, subset to Latin-1 and the signs the charts use (licence in
/// `src/font/LICENSE.txt`).
const FONT: &[u8] = include_bytes!("font/DejaVuSans-subset.ttf");

/// PNG pixels per SVG pixel: 2.5 × 96 dpi = 240 dpi, enough for print at
/// the chart's size.
pub const PNG_SCALE: f32 = 2.5;

/// The renderer's settings: only the bundled font, never the system's.
pub fn options() -> usvg::Options<'static> {
    let mut o = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        ..usvg::Options::default()
    };
    o.fontdb_mut().load_font_data(FONT.to_vec());
    o
}

fn parse(chart: &Chart, opt: &usvg::Options<'_>) -> Result<usvg::Tree, ReportError> {
    usvg::Tree::from_str(&chart.svg, opt).map_err(|e| ReportError::Figure {
        figure: chart.id.clone(),
        message: e.to_string(),
    })
}

/// The chart as a standalone SVG with its text as outlines.
pub fn svg(chart: &Chart, opt: &usvg::Options<'_>) -> Result<String, ReportError> {
    let tree = parse(chart, opt)?;
    // Two decimals of a pixel are finer than print resolution and keep
    // the outlined text small.
    let w = usvg::WriteOptions {
        coordinates_precision: 2,
        transforms_precision: 4,
        ..usvg::WriteOptions::default()
    };
    Ok(tree.to_string(&w))
}

/// The chart as a PNG at [`PNG_SCALE`].
pub fn png(chart: &Chart, opt: &usvg::Options<'_>) -> Result<Vec<u8>, ReportError> {
    png_at(chart, opt, PNG_SCALE)
}

/// The chart as a PNG with `scale` pixels per SVG pixel.
pub fn png_at(chart: &Chart, opt: &usvg::Options<'_>, scale: f32) -> Result<Vec<u8>, ReportError> {
    let tree = parse(chart, opt)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| ReportError::Figure {
            figure: chart.id.clone(),
            message: "empty picture".into(),
        })?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| ReportError::Figure {
            figure: chart.id.clone(),
            message: format!("cannot allocate {}×{} pixels", size.width(), size.height()),
        })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| ReportError::Figure {
        figure: chart.id.clone(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::bars::{self, Row, Series};
    use crate::svg::style;

    fn chart() -> Chart {
        bars::chart(
            "t",
            "Total − 1 234 MSEK",
            "",
            "MSEK",
            &[Row {
                label: "kommun (municipality) åäö".into(),
                value: Some(-3.0),
                interval: Some((-4.0, -1.0)),
                marker: None,
                style: style(0),
            }],
            Series::One("x"),
        )
    }

    #[test]
    fn standalone_svg_has_no_text_left_to_a_font() {
        let s = svg(&chart(), &options()).expect("svg");
        assert!(!s.contains("<text"), "text not outlined");
        assert!(s.contains("<path"));
    }

    #[test]
    fn png_renders_text_with_the_bundled_font() {
        let bytes = png(&chart(), &options()).expect("png");
        assert_eq!(&bytes[1..4], b"PNG");
        // The outlines of the text are drawn: the picture has dark pixels
        // in the label column, left of the plot.
        let tree = parse(&chart(), &options()).expect("tree");
        assert!(tree.root().has_children());
    }
}
