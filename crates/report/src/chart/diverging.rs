//! Who pays, who gains: per actor, the investment as a bar to the left of
//! zero, the avoided cost as a bar to the right, each with its 90 %
//! interval, and the net (NPV) as a diamond with its interval.

use super::{Chart, LegendItem, WIDTH, heading, legend, text_width, x_axis};
use crate::svg::{AVOIDED, INVESTMENT, Linear, Style, Svg, n};

/// A value with its interval, in axis units.
#[derive(Debug, Clone, Copy, Default)]
pub struct Est {
    /// Mean.
    pub mean: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

/// One actor's row.
#[derive(Debug, Clone)]
pub struct Row {
    /// Actor (label).
    pub label: String,
    /// PV of what it invests (positive; drawn to the left).
    pub investment: Est,
    /// PV of what it no longer pays (drawn to the right).
    pub avoided: Est,
    /// NPV = avoided − investment.
    pub net: Est,
}

fn whisker(svg: &mut Svg, x: &Linear, cy: f64, lo: Option<f64>, hi: Option<f64>, colour: &str) {
    if let (Some(a), Some(b)) = (lo, hi) {
        let (a, b) = (x.at(a), x.at(b));
        let attr = format!("stroke=\"{colour}\" stroke-width=\"1.5\"");
        svg.line(a, cy, b, cy, &attr);
        svg.line(a, cy - 4.0, a, cy + 4.0, &attr);
        svg.line(b, cy - 4.0, b, cy + 4.0, &attr);
    }
}

/// The chart; `axis` names the unit (MSEK, present value).
pub fn chart(id: &str, title: &str, caption: &str, axis: &str, rows: &[Row]) -> Chart {
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.label, 12.0))
        .fold(40.0, f64::max)
        + 16.0;
    let row_h = 30.0;
    let top = 58.0;
    let plot_h = row_h * rows.len().max(1) as f64;
    let h = top + plot_h + 48.0;
    let mut lo: f64 = 0.0;
    let mut hi: f64 = 0.0;
    for r in rows {
        let neg = |v: Option<f64>| v.map(|v| -v);
        for v in [
            neg(r.investment.mean),
            neg(r.investment.p5),
            neg(r.investment.p95),
            r.avoided.mean,
            r.avoided.p5,
            r.avoided.p95,
            r.net.p5,
            r.net.p95,
        ]
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let x = Linear::new(lo, hi, label_w, WIDTH - 24.0).nice(6);
    let x = Linear::new(x.d0, x.d1, label_w, WIDTH - 24.0);
    let mut svg = Svg::new(id, title, WIDTH, h, 3);
    heading(&mut svg, title);
    legend(
        &mut svg,
        &[
            LegendItem {
                label: "investment (paid)",
                style: Style {
                    colour: INVESTMENT,
                    dash: "",
                },
                line: false,
            },
            LegendItem {
                label: "avoided cost (saved)",
                style: Style {
                    colour: AVOIDED,
                    dash: "",
                },
                line: false,
            },
            LegendItem {
                label: "net (NPV), with interval",
                style: Style {
                    colour: "#000000",
                    dash: "",
                },
                line: true,
            },
        ],
        label_w,
        38.0,
        WIDTH,
    );
    x_axis(&mut svg, &x, top + plot_h, top, axis);
    let zero = x.at(0.0);
    let cy = |i: usize| top + row_h * (i as f64 + 0.5);
    for (i, r) in rows.iter().enumerate() {
        svg.text(label_w - 8.0, cy(i) + 4.0, "end", "", &r.label);
    }
    svg.begin_series("investment");
    for (i, r) in rows.iter().enumerate() {
        if let Some(m) = r.investment.mean {
            svg.rect(
                zero,
                cy(i) - 9.0,
                x.at(-m),
                cy(i) + 9.0,
                &format!("fill=\"{INVESTMENT}\""),
            );
        }
        whisker(
            &mut svg,
            &x,
            cy(i) - 3.0,
            r.investment.p95.map(|v| -v),
            r.investment.p5.map(|v| -v),
            "#7a4f00",
        );
    }
    svg.end_series();
    svg.begin_series("avoided");
    for (i, r) in rows.iter().enumerate() {
        if let Some(m) = r.avoided.mean {
            svg.rect(
                zero,
                cy(i) - 9.0,
                x.at(m),
                cy(i) + 9.0,
                &format!("fill=\"{AVOIDED}\""),
            );
        }
        whisker(
            &mut svg,
            &x,
            cy(i) - 3.0,
            r.avoided.p5,
            r.avoided.p95,
            "#00304d",
        );
    }
    svg.end_series();
    svg.begin_series("net");
    for (i, r) in rows.iter().enumerate() {
        whisker(&mut svg, &x, cy(i) + 4.0, r.net.p5, r.net.p95, "#000000");
        if let Some(m) = r.net.mean {
            let (px, py) = (x.at(m), cy(i) + 4.0);
            svg.raw(&format!(
                "<path d=\"M{},{}L{},{}L{},{}L{},{}Z\" fill=\"#000000\" stroke=\"#ffffff\" stroke-width=\"1\"/>",
                n(px),
                n(py - 6.0),
                n(px + 6.0),
                n(py),
                n(px),
                n(py + 6.0),
                n(px - 6.0),
                n(py)
            ));
        }
    }
    svg.end_series();
    svg.line(zero, top, zero, top + plot_h, "stroke=\"#333333\"");
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg: svg.finish(),
        series: 3,
    }
}
