//! A small SVG writer for the charts: linear scales with round ticks, text
//! escaping, and the palette. Every chart is plain SVG 1.1 that browsers,
//! resvg and vector-graphics editors read alike.

use std::fmt::Write;

/// The font the figures name; the same face is bundled for PNG and for
/// outlining text in the standalone SVG files ([`crate::figure`]).
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Series colours: Okabe & Ito's palette for colour-blind readers, ordered so
/// neighbours also differ in lightness; each colour has its own dash pattern,
/// so lines stay apart in greyscale print.
const COLOURS: [&str; 8] = [
    "#0072B2", "#E69F00", "#000000", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#7F7F7F",
];
const DASHES: [&str; 8] = [
    "", "6 3", "2 2", "8 3 2 3", "12 4", "4 2 1 2", "1 3", "10 2 2 2",
];

/// A series' look: colour and dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Stroke and fill colour.
    pub colour: &'static str,
    /// `stroke-dasharray`; empty for a solid line.
    pub dash: &'static str,
}

/// The style of the `i`-th series.
pub fn style(i: usize) -> Style {
    Style {
        colour: COLOURS[i % COLOURS.len()],
        dash: DASHES[i % DASHES.len()],
    }
}

/// Investment (money going out): orange, light in greyscale.
pub const INVESTMENT: &str = "#E69F00";
/// Avoided cost (money saved): blue, dark in greyscale.
pub const AVOIDED: &str = "#0072B2";

/// Text escaped for XML and HTML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for an SVG coordinate: two decimals at most, so files stay small.
pub fn n(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// A linear map from data to pixels.
#[derive(Debug, Clone, Copy)]
pub struct Linear {
    /// Data domain.
    pub d0: f64,
    /// Data domain.
    pub d1: f64,
    /// Pixel range.
    pub r0: f64,
    /// Pixel range.
    pub r1: f64,
}

impl Linear {
    /// A scale from `[d0, d1]` to `[r0, r1]`; a degenerate domain is widened.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Linear {
        let (d0, d1) = if (d1 - d0).abs() < f64::EPSILON * d0.abs().max(1.0) {
            (d0 - 1.0, d1 + 1.0)
        } else {
            (d0, d1)
        };
        Linear { d0, d1, r0, r1 }
    }

    /// Pixel position of `v`.
    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// Round tick values within the domain, about `count` of them.
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        let step = nice_step((hi - lo) / count.max(1) as f64);
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        (first..=last).map(|i| i as f64 * step).collect()
    }

    /// The domain widened to round ticks at both ends.
    pub fn nice(self, count: usize) -> Linear {
        let step = nice_step((self.d1 - self.d0).abs() / count.max(1) as f64);
        Linear {
            d0: (self.d0 / step).floor() * step,
            d1: (self.d1 / step).ceil() * step,
            ..self
        }
    }
}

/// 1, 2 or 5 times a power of ten, nearest to `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw > 0.0 && raw.is_finite()) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let f = raw / p;
    let m = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    m * p
}

/// A tick label: no more decimals than the step needs; thousands spaced.
pub fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
    group(&format!("{v:.decimals$}"))
}

/// Puts a space between thousands of the integer part ("1 234.5"), and a
/// real minus sign in front of negative numbers.
pub fn group(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("\u{2212}", r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// An SVG document being written.
pub struct Svg {
    head: String,
    w: f64,
    h: f64,
    buf: String,
}

impl Svg {
    /// Starts an SVG of `w` × `h` pixels. `id` names the chart, `series` is
    /// the number of series it draws (checked by the browser test).
    pub fn new(id: &str, title: &str, w: f64, h: f64, series: usize) -> Svg {
        let head = format!(
            "class=\"chart\" id=\"chart-{}\" data-series=\"{series}\" \
             font-family=\"{FONT_FAMILY}, sans-serif\" font-size=\"12\" role=\"img\">\
             <title>{}</title>",
            escape(id),
            escape(title)
        );
        Svg {
            head,
            w,
            h,
            buf: String::new(),
        }
    }

    /// Changes the height, for charts whose layout is known only once drawn.
    pub fn set_height(&mut self, h: f64) {
        self.h = h;
    }

    /// Appends raw SVG.
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// A text at (x, y); `anchor` is start, middle or end.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, extra: &str, content: &str) {
        let _ = write!(
            self.buf,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"{}{}>{}</text>",
            n(x),
            n(y),
            if extra.is_empty() { "" } else { " " },
            extra,
            escape(content)
        );
    }

    /// A line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, extra: &str) {
        let _ = write!(
            self.buf,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {extra}/>",
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    /// A rectangle from two corners in any order.
    pub fn rect(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, extra: &str) {
        let _ = write!(
            self.buf,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {extra}/>",
            n(x1.min(x2)),
            n(y1.min(y2)),
            n((x2 - x1).abs().max(0.5)),
            n((y2 - y1).abs()),
        );
    }

    /// Opens a series group; close it with [`Svg::end_series`].
    pub fn begin_series(&mut self, name: &str) {
        let _ = write!(
            self.buf,
            "<g class=\"series\" data-name=\"{}\">",
            escape(name)
        );
    }

    /// Closes a series group.
    pub fn end_series(&mut self) {
        self.buf.push_str("</g>");
    }

    /// The finished document.
    pub fn finish(self) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
             height=\"{h}\" {}<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{}</svg>",
            self.head,
            self.buf,
            w = n(self.w),
            h = n(self.h),
        )
    }
}

/// A path through points, skipping gaps (a `None` breaks the line).
pub fn polyline(points: &[(f64, Option<f64>)]) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y) in points {
        match y {
            Some(y) => {
                let _ = write!(d, "{}{},{}", if pen_down { "L" } else { "M" }, n(*x), n(*y));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside() {
        let s = Linear::new(-37.0, 1234.0, 0.0, 100.0);
        let t = s.ticks(5);
        assert_eq!(t, vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0]);
        let nice = s.nice(5);
        assert_eq!((nice.d0, nice.d1), (-200.0, 1400.0));
    }

    #[test]
    fn labels_group_thousands_and_use_a_minus_sign() {
        assert_eq!(tick_label(1234.0, 200.0), "1 234");
        assert_eq!(tick_label(-0.5, 0.25), "\u{2212}0.5");
        assert_eq!(group("-1234567.5"), "\u{2212}1 234 567.5");
        assert_eq!(tick_label(-1e-12, 0.5), "0.0");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn lines_break_at_gaps() {
        assert_eq!(
            polyline(&[
                (0.0, Some(1.0)),
                (1.0, None),
                (2.0, Some(3.0)),
                (3.0, Some(4.0))
            ]),
            "M0,1M2,3L3,4"
        );
    }
}
