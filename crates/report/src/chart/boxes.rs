//! Year distributions as box plots: per row a box from the 25th to the
//! 75th percentile, the median, whiskers from p5 to p95, and the share of
//! samples in which the year exists at all (it tips, it pays back). A
//! percentile beyond the horizon is drawn as an open end at the horizon.

use super::{Chart, WIDTH, heading, shorten, text_width, x_axis};
use crate::data::Stats;
use crate::svg::{Linear, Style, Svg};

/// One row: a label, its look, the year statistics and the share reached.
#[derive(Debug, Clone)]
pub struct Row {
    /// Label (a mix).
    pub label: String,
    /// Colour.
    pub style: Style,
    /// Percentiles of the year; `None` beyond the horizon.
    pub stats: Stats,
    /// Share of samples in which the year exists.
    pub reached: Option<f64>,
}

/// The chart over years 1..=`horizon`; `what` is the event (`tips`).
pub fn chart(
    id: &str,
    title: &str,
    caption: &str,
    what: &str,
    horizon: u32,
    rows: &[Row],
) -> Chart {
    let label_w = rows
        .iter()
        .map(|r| text_width(&shorten(&r.label, 28), 12.0))
        .fold(40.0, f64::max)
        + 16.0;
    let right_w = 120.0;
    let row_h = 30.0;
    let top = 36.0;
    let plot_h = row_h * rows.len().max(1) as f64;
    let h = top + plot_h + 48.0;
    let hz = horizon.max(2) as f64;
    let x = Linear::new(1.0, hz, label_w, WIDTH - right_w);
    let drawn = rows.iter().filter(|r| r.stats.p5.is_some()).count();
    let mut svg = Svg::new(id, title, WIDTH, h, drawn);
    heading(&mut svg, title);
    x_axis(&mut svg, &x, top + plot_h, top, "year of the scenario");
    svg.text(
        WIDTH - right_w + 10.0,
        top - 6.0,
        "start",
        "fill=\"#333333\"",
        &format!("P({what})"),
    );
    for (i, r) in rows.iter().enumerate() {
        let cy = top + row_h * (i as f64 + 0.5);
        svg.text(label_w - 8.0, cy + 4.0, "end", "", &shorten(&r.label, 28));
        let share = r.reached.map_or("–".to_string(), |p| format!("{p:.2}"));
        svg.text(WIDTH - right_w + 10.0, cy + 4.0, "start", "", &share);
        let s = &r.stats;
        let Some(p5) = s.p5 else {
            svg.text(
                x.at(1.0) + 4.0,
                cy + 4.0,
                "start",
                "fill=\"#555555\"",
                &match r.reached {
                    Some(p) if p > 0.0 => {
                        format!(
                            "{what} within {horizon} years in only {:.0} % of samples",
                            p * 100.0
                        )
                    }
                    _ => format!("never {what} within {horizon} years"),
                },
            );
            continue;
        };
        let end = |v: Option<f64>| x.at(v.unwrap_or(hz));
        let stroke = format!("stroke=\"{}\" stroke-width=\"2\"", r.style.colour);
        svg.begin_series(&r.label);
        // Whisker p5..p95 (open at the horizon when p95 lies beyond it).
        svg.line(x.at(p5), cy, end(s.p95), cy, &stroke);
        svg.line(x.at(p5), cy - 6.0, x.at(p5), cy + 6.0, &stroke);
        if s.p95.is_some() {
            svg.line(end(s.p95), cy - 6.0, end(s.p95), cy + 6.0, &stroke);
        }
        if let Some(p25) = s.p25 {
            svg.rect(
                x.at(p25),
                cy - 9.0,
                end(s.p75),
                cy + 9.0,
                &format!("fill=\"{}\" fill-opacity=\"0.35\" {stroke}", r.style.colour),
            );
        }
        if let Some(p50) = s.p50 {
            svg.line(
                x.at(p50),
                cy - 10.0,
                x.at(p50),
                cy + 10.0,
                "stroke=\"#000000\" stroke-width=\"3\"",
            );
        }
        svg.end_series();
    }
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg: svg.finish(),
        series: drawn,
    }
}
