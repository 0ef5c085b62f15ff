//! The charts of a report. Each is a [`Chart`]: SVG text with its series in
//! `<g class="series">` groups and their number in `data-series`, so a test
//! can check that every series was drawn. The same SVG goes into the HTML
//! page and, through [`crate::figure`], into the standalone figures.

pub mod analysis;
pub mod bars;
pub mod boxes;
pub mod diverging;
pub mod fan;
pub mod lines;

use crate::svg::{Linear, Style, Svg, escape, n, tick_label};

/// One chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem of its figure and the suffix of its element id (`npv`, `actors-school_only`).
    pub id: String,
    /// Heading.
    pub title: String,
    /// One sentence on how to read it.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
    /// How many series it draws.
    pub series: usize,
}

/// Width of every chart, pixels (fits an A4 page at 96 dpi with margins).
pub const WIDTH: f64 = 720.0;

/// Approximate width of `s` in pixels at `size` (DejaVu Sans averages
/// about 0.6 em per character): enough to leave room for labels.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

/// A label shortened to `max` characters, with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Draws a horizontal value axis at `y` (bottom of the plot) with ticks,
/// vertical grid lines up to `top`, and the axis title below.
pub fn x_axis(svg: &mut Svg, x: &Linear, y: f64, top: f64, title: &str) {
    let ticks = x.ticks(6);
    let step = if ticks.len() > 1 {
        ticks[1] - ticks[0]
    } else {
        1.0
    };
    for t in &ticks {
        let px = x.at(*t);
        svg.line(px, top, px, y, "stroke=\"#e0e0e0\" stroke-width=\"1\"");
        svg.line(px, y, px, y + 4.0, "stroke=\"#333333\"");
        svg.text(px, y + 16.0, "middle", "", &tick_label(*t, step));
    }
    svg.line(x.r0, y, x.r1, y, "stroke=\"#333333\"");
    svg.text((x.r0 + x.r1) / 2.0, y + 34.0, "middle", "", title);
}

/// Draws a vertical value axis at `x` (left of the plot) with ticks,
/// horizontal grid lines to `right`, and the axis title turned upright.
pub fn y_axis(svg: &mut Svg, y: &Linear, x: f64, right: f64, title: &str) {
    let ticks = y.ticks(6);
    let step = if ticks.len() > 1 {
        ticks[1] - ticks[0]
    } else {
        1.0
    };
    for t in &ticks {
        let py = y.at(*t);
        svg.line(x, py, right, py, "stroke=\"#e0e0e0\" stroke-width=\"1\"");
        svg.line(x - 4.0, py, x, py, "stroke=\"#333333\"");
        svg.text(x - 7.0, py + 4.0, "end", "", &tick_label(*t, step));
    }
    svg.line(x, y.r0, x, y.r1, "stroke=\"#333333\"");
    let cy = (y.r0 + y.r1) / 2.0;
    svg.text(
        14.0,
        cy,
        "middle",
        &format!("transform=\"rotate(-90 14 {})\"", n(cy)),
        title,
    );
}

/// A legend entry: label, style, and whether it is drawn as a line (else a box).
pub struct LegendItem<'a> {
    /// Text.
    pub label: &'a str,
    /// Colour and dash.
    pub style: Style,
    /// A line sample (for line series) or a filled box (for bars).
    pub line: bool,
}

/// Draws a legend in rows from (x, y), wrapping at `right`; returns the
/// y below it.
pub fn legend(svg: &mut Svg, items: &[LegendItem<'_>], x: f64, y: f64, right: f64) -> f64 {
    let mut cx = x;
    let mut cy = y;
    for it in items {
        let w = 30.0 + text_width(it.label, 12.0) + 16.0;
        if cx + w > right && cx > x {
            cx = x;
            cy += 18.0;
        }
        if it.line {
            svg.line(
                cx,
                cy - 4.0,
                cx + 24.0,
                cy - 4.0,
                &format!(
                    "stroke=\"{}\" stroke-width=\"2.5\"{}",
                    it.style.colour,
                    dash_attr(it.style.dash)
                ),
            );
        } else {
            svg.rect(
                cx + 6.0,
                cy - 10.0,
                cx + 18.0,
                cy + 2.0,
                &format!("fill=\"{}\"", it.style.colour),
            );
        }
        svg.text(cx + 30.0, cy, "start", "", it.label);
        cx += w;
    }
    cy + 12.0
}

/// ` stroke-dasharray="…"` or nothing for a solid line.
pub fn dash_attr(dash: &str) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        format!(" stroke-dasharray=\"{dash}\"")
    }
}

/// A chart with no data: a frame with a sentence saying why.
pub fn empty(id: &str, title: &str, why: &str) -> String {
    let mut svg = Svg::new(id, title, WIDTH, 60.0, 0);
    svg.text(WIDTH / 2.0, 34.0, "middle", "fill=\"#555555\"", why);
    svg.finish()
}

/// A heading inside the SVG, so a standalone figure says what it shows.
pub fn heading(svg: &mut Svg, title: &str) {
    svg.raw(&format!(
        "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        escape(title)
    ));
}
