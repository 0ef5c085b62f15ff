//! Horizontal bars with 90 % intervals: one row per category (a mix, an
//! actor, an input), a bar from zero to the value and a whisker from p5 to
//! p95.

use super::{Chart, WIDTH, heading, shorten, text_width, x_axis};
use crate::svg::{Linear, Style, Svg};

/// One row.
#[derive(Debug, Clone)]
pub struct Row {
    /// Category label.
    pub label: String,
    /// Bar length (mean or central value), in axis units.
    pub value: Option<f64>,
    /// Interval, in axis units.
    pub interval: Option<(f64, f64)>,
    /// A second estimate drawn as a black tick across the bar (EVPPI's
    /// lower estimate), in axis units.
    pub marker: Option<f64>,
    /// Its look.
    pub style: Style,
}

/// How the rows map to series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Every row is its own series (rows are mixes, coloured as elsewhere).
    PerRow,
    /// All rows are one series with this name.
    One(&'static str),
}

/// A bar chart of `rows` along an axis titled `axis`.
pub fn chart(
    id: &str,
    title: &str,
    caption: &str,
    axis: &str,
    rows: &[Row],
    series: Series,
) -> Chart {
    let label_w = rows
        .iter()
        .map(|r| text_width(&shorten(&r.label, 40), 12.0))
        .fold(40.0, f64::max)
        + 16.0;
    let row_h = 26.0;
    let top = 36.0;
    let plot_h = row_h * rows.len().max(1) as f64;
    let h = top + plot_h + 48.0;
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    for r in rows {
        for v in r
            .value
            .into_iter()
            .chain(r.interval.into_iter().flat_map(|(a, b)| [a, b]))
            .chain(r.marker)
        {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    let x = Linear::new(lo, hi, label_w, WIDTH - 24.0).nice(6);
    let x = Linear::new(x.d0, x.d1, label_w, WIDTH - 24.0);
    let drawn = match series {
        Series::PerRow => rows.iter().filter(|r| r.value.is_some()).count(),
        Series::One(_) => usize::from(rows.iter().any(|r| r.value.is_some())),
    };
    let mut svg = Svg::new(id, title, WIDTH, h, drawn);
    heading(&mut svg, title);
    x_axis(&mut svg, &x, top + plot_h, top, axis);
    let zero = x.at(0.0);
    if let Series::One(name) = series {
        svg.begin_series(name);
    }
    for (i, r) in rows.iter().enumerate() {
        let cy = top + row_h * (i as f64 + 0.5);
        svg.text(label_w - 8.0, cy + 4.0, "end", "", &shorten(&r.label, 40));
        let Some(v) = r.value else {
            svg.text(
                zero + 4.0,
                cy + 4.0,
                "start",
                "fill=\"#555555\"",
                "undefined",
            );
            continue;
        };
        if series == Series::PerRow {
            svg.begin_series(&r.label);
        }
        svg.rect(
            zero,
            cy - 8.0,
            x.at(v),
            cy + 8.0,
            &format!("fill=\"{}\" fill-opacity=\"0.75\"", r.style.colour),
        );
        if let Some((a, b)) = r.interval {
            let (a, b) = (x.at(a), x.at(b));
            svg.line(a, cy, b, cy, "stroke=\"#000000\" stroke-width=\"1.5\"");
            svg.line(
                a,
                cy - 5.0,
                a,
                cy + 5.0,
                "stroke=\"#000000\" stroke-width=\"1.5\"",
            );
            svg.line(
                b,
                cy - 5.0,
                b,
                cy + 5.0,
                "stroke=\"#000000\" stroke-width=\"1.5\"",
            );
        }
        if let Some(m) = r.marker.filter(|m| m.is_finite()) {
            let mx = x.at(m);
            svg.line(
                mx,
                cy - 10.0,
                mx,
                cy + 10.0,
                "class=\"marker\" stroke=\"#000000\" stroke-width=\"3\"",
            );
        }
        if series == Series::PerRow {
            svg.end_series();
        }
    }
    if let Series::One(_) = series {
        svg.end_series();
    }
    svg.line(zero, top, zero, top + plot_h, "stroke=\"#333333\"");
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg: svg.finish(),
        series: drawn,
    }
}
