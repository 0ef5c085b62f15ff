//! Line charts over a numeric x axis (the discount rate): one line per
//! series, each with its colour and dash pattern and a dot at every point,
//! so lines stay apart in greyscale print.

use super::{Chart, LegendItem, WIDTH, dash_attr, heading, legend, x_axis, y_axis};
use crate::svg::{Linear, Style, Svg, n, polyline};

/// One series: a label, a look and a y value (or gap) per x.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Colour and dash.
    pub style: Style,
    /// One value per x; `None` breaks the line.
    pub values: Vec<Option<f64>>,
}

/// The chart of `series` over `xs`, y from `y_range.0` to `y_range.1`.
/// Series without any value are not drawn (and not counted).
pub fn chart(
    id: &str,
    title: &str,
    caption: &str,
    (x_title, y_title): (&str, &str),
    xs: &[f64],
    y_range: (f64, f64),
    series: &[Series],
) -> Chart {
    let drawn: Vec<&Series> = series
        .iter()
        .filter(|s| s.values.iter().take(xs.len()).any(Option::is_some))
        .collect();
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
    let right = WIDTH - 24.0;
    let top = legend(&mut svg, &items, left, 40.0, WIDTH) + 8.0;
    let bottom = top + 280.0;
    let (x0, x1) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    let x = if x0.is_finite() {
        Linear::new(x0, x1, left, right)
    } else {
        Linear::new(0.0, 1.0, left, right)
    };
    let y = Linear::new(y_range.0, y_range.1, bottom, top);
    y_axis(&mut svg, &y, left, right, y_title);
    x_axis(&mut svg, &x, bottom, top, x_title);
    for s in &drawn {
        svg.begin_series(&s.label);
        let points: Vec<(f64, Option<f64>)> = xs
            .iter()
            .zip(&s.values)
            .map(|(vx, vy)| (x.at(*vx), vy.filter(|v| v.is_finite()).map(|v| y.at(v))))
            .collect();
        svg.raw(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"{}/>",
            polyline(&points),
            s.style.colour,
            dash_attr(s.style.dash)
        ));
        for (px, py) in &points {
            if let Some(py) = py {
                svg.raw(&format!(
                    "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>",
                    n(*px),
                    n(*py),
                    s.style.colour
                ));
            }
        }
        svg.end_series();
    }
    svg.set_height(bottom + 48.0);
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg: svg.finish(),
        series: drawn.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg::style;

    #[test]
    fn series_without_values_are_not_drawn() {
        let c = chart(
            "t",
            "t",
            "",
            ("x", "y"),
            &[0.0, 1.0],
            (0.0, 1.0),
            &[
                Series {
                    label: "a".into(),
                    style: style(0),
                    values: vec![Some(0.2), None],
                },
                Series {
                    label: "b".into(),
                    style: style(1),
                    values: vec![None, None],
                },
            ],
        );
        assert_eq!(c.series, 1);
        assert_eq!(c.svg.matches("class=\"series\"").count(), 1);
        assert!(c.svg.contains("<circle"));
    }
}
