//! Fan charts over the years: per series a band from p5 to p95 and the
//! median as a line.

use std::fmt::Write;

use super::{Chart, LegendItem, WIDTH, dash_attr, heading, legend, x_axis, y_axis};
use crate::data::Band;
use crate::svg::{Linear, Style, Svg, n, polyline};

/// One series: a label, a look and its bands by year (in axis units).
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Colour and dash.
    pub style: Style,
    /// Bands, sorted by year.
    pub bands: Vec<Band>,
}

/// Fixed y range, for quantities with a natural scale (track states −1..1).
#[derive(Debug, Clone, Copy)]
pub struct YRange(pub f64, pub f64);

/// The chart. Series without any median are not drawn (and not counted).
pub fn chart(
    id: &str,
    title: &str,
    caption: &str,
    y_title: &str,
    series: &[Series],
    fixed: Option<YRange>,
) -> Chart {
    let drawn: Vec<&Series> = series
        .iter()
        .filter(|s| s.bands.iter().any(|b| b.p50.is_some()))
        .collect();
    let years = drawn
        .iter()
        .flat_map(|s| s.bands.iter().map(|b| b.year))
        .max()
        .unwrap_or(1)
        .max(2);
    let mut svg = Svg::new(id, title, WIDTH, 0.0, drawn.len());
    heading(&mut svg, title);
    let items: Vec<LegendItem<'_>> = drawn
        .iter()
        .map(|s| LegendItem {
            label: &s.label,
            style: s.style,
            line: true,
        })
        .collect();
    let left = 84.0;
    let top = legend(&mut svg, &items, left, 40.0, WIDTH) + 8.0;
    let plot_h = 300.0;
    let bottom = top + plot_h;
    let h = bottom + 48.0;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in &drawn {
        for b in &s.bands {
            for v in [b.p5, b.p50, b.p95].into_iter().flatten() {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
    }
    let y = match fixed {
        Some(YRange(a, b)) => Linear::new(a.min(lo), b.max(hi), bottom, top),
        None if lo.is_finite() => {
            let nice = Linear::new(lo.min(0.0), hi.max(0.0), bottom, top).nice(6);
            Linear::new(nice.d0, nice.d1, bottom, top)
        }
        None => Linear::new(0.0, 1.0, bottom, top),
    };
    let x = Linear::new(1.0, years as f64, left, WIDTH - 24.0);
    y_axis(&mut svg, &y, left, WIDTH - 24.0, y_title);
    x_axis(&mut svg, &x, bottom, top, "year of the scenario");
    if y.d0 < 0.0 && y.d1 > 0.0 {
        svg.line(
            left,
            y.at(0.0),
            WIDTH - 24.0,
            y.at(0.0),
            "stroke=\"#333333\"",
        );
    }
    for s in &drawn {
        svg.begin_series(&s.label);
        let band: Vec<&Band> = s
            .bands
            .iter()
            .filter(|b| b.p5.is_some() && b.p95.is_some())
            .collect();
        if band.len() > 1 {
            let mut d = String::new();
            for (i, b) in band.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{},{}",
                    if i == 0 { "M" } else { "L" },
                    n(x.at(b.year as f64)),
                    n(y.at(b.p95.unwrap_or_default()))
                );
            }
            for b in band.iter().rev() {
                let _ = write!(
                    d,
                    "L{},{}",
                    n(x.at(b.year as f64)),
                    n(y.at(b.p5.unwrap_or_default()))
                );
            }
            d.push('Z');
            svg.raw(&format!(
                "<path class=\"band\" d=\"{d}\" fill=\"{}\" fill-opacity=\"0.14\" stroke=\"none\"/>",
                s.style.colour
            ));
        }
        let points: Vec<(f64, Option<f64>)> = s
            .bands
            .iter()
            .map(|b| (x.at(b.year as f64), b.p50.map(|v| y.at(v))))
            .collect();
        svg.raw(&format!(
            "<path class=\"median\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"{}/>",
            polyline(&points),
            s.style.colour,
            dash_attr(s.style.dash)
        ));
        svg.end_series();
    }
    svg.set_height(h);
    let text = svg.finish();
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg: text,
        series: drawn.len(),
    }
}
