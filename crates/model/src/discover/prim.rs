//! PRIM, the patient rule induction method (Friedman & Fisher 1999), as
//! scenario discovery uses it: a box over the inputs in which the cases of
//! interest are dense, found by peeling a small share of the points off one
//! face at a time.

/// One box of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Per input: (lower, upper) bound, ±∞ where not restricted.
    pub bounds: Vec<(f64, f64)>,
    /// Share of all cases of interest that lie in the box (0–1).
    pub coverage: f64,
    /// Share of the points in the box that are cases of interest (0–1).
    pub density: f64,
    /// Share of all points that lie in the box (0–1).
    pub support: f64,
}

/// Peeling settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimSettings {
    /// Share of the box's points peeled per step.
    pub alpha: f64,
    /// Peeling stops when the box would hold fewer than this share of all
    /// points.
    pub min_support: f64,
}

impl Default for PrimSettings {
    fn default() -> Self {
        PrimSettings {
            alpha: 0.05,
            min_support: 0.05,
        }
    }
}

/// The peeling trajectory over `points` (row-major, `dims` values each)
/// with cases `y`, from the unrestricted box on. Deterministic: ties
/// between candidate peels go to the lower input and the lower face.
pub fn peel(points: &[f64], dims: usize, y: &[bool], s: PrimSettings) -> Vec<PrimBox> {
    let n = y.len();
    let cases = y.iter().filter(|&&c| c).count();
    let mut inside: Vec<usize> = (0..n).collect();
    let mut bounds = vec![(f64::NEG_INFINITY, f64::INFINITY); dims];
    let summary = |inside: &[usize], bounds: &[(f64, f64)]| {
        let hits = inside.iter().filter(|&&i| y[i]).count();
        PrimBox {
            bounds: bounds.to_vec(),
            coverage: if cases == 0 {
                0.0
            } else {
                hits as f64 / cases as f64
            },
            density: if inside.is_empty() {
                0.0
            } else {
                hits as f64 / inside.len() as f64
            },
            support: inside.len() as f64 / n.max(1) as f64,
        }
    };
    let mut trajectory = vec![summary(&inside, &bounds)];
    let min_points = (s.min_support * n as f64).ceil() as usize;
    let mut column = Vec::with_capacity(n);
    loop {
        let mut best: Option<(f64, usize, bool, f64)> = None;
        for d in 0..dims {
            column.clear();
            column.extend(inside.iter().map(|&i| points[i * dims + d]));
            column.sort_by(f64::total_cmp);
            let m = column.len();
            let k = ((s.alpha * m as f64).ceil() as usize).max(1);
            if k >= m {
                continue;
            }
            // Peel the lower face: keep x ≥ the k-th smallest value's
            // successor; ties at the cut stay, so a peel never splits them.
            for upper in [false, true] {
                let cut = if upper { column[m - 1 - k] } else { column[k] };
                let keep = |x: f64| if upper { x <= cut } else { x >= cut };
                let (mut kept, mut hits) = (0usize, 0usize);
                for &i in &inside {
                    if keep(points[i * dims + d]) {
                        kept += 1;
                        hits += usize::from(y[i]);
                    }
                }
                if kept == inside.len() || kept < min_points {
                    continue;
                }
                let density = hits as f64 / kept as f64;
                if best.is_none_or(|b| density > b.0) {
                    best = Some((density, d, upper, cut));
                }
            }
        }
        let Some((_, d, upper, cut)) = best else {
            break;
        };
        inside.retain(|&i| {
            let x = points[i * dims + d];
            if upper { x <= cut } else { x >= cut }
        });
        if upper {
            bounds[d].1 = bounds[d].1.min(cut);
        } else {
            bounds[d].0 = bounds[d].0.max(cut);
        }
        trajectory.push(summary(&inside, &bounds));
    }
    trajectory
}

/// The box to show: the densest of the trajectory with coverage ≥
/// `min_coverage` (the first of equals), or the first box if none is.
pub fn choose(trajectory: &[PrimBox], min_coverage: f64) -> usize {
    trajectory
        .iter()
        .enumerate()
        .filter(|(_, b)| b.coverage >= min_coverage)
        .fold(None::<(usize, f64)>, |acc, (i, b)| match acc {
            Some((_, d)) if d >= b.density => acc,
            _ => Some((i, b.density)),
        })
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_planted_box() {
        // A 3-D grid-like cloud from a fixed sequence; cases where
        // x0 > 0.7 and x1 < 0.3, with x2 irrelevant.
        let n = 20_000;
        let mut points = Vec::with_capacity(n * 3);
        let mut y = Vec::with_capacity(n);
        let frac = |k: f64| k - k.floor();
        for i in 0..n {
            let f = i as f64 + 0.5;
            let x = [
                frac(f * 0.754_877_666),
                frac(f * 0.569_840_291),
                frac(f * 0.362_509_614),
            ];
            points.extend_from_slice(&x);
            y.push(x[0] > 0.7 && x[1] < 0.3);
        }
        let t = peel(&points, 3, &y, PrimSettings::default());
        let b = &t[choose(&t, 0.9)];
        assert!(b.coverage >= 0.9 && b.density >= 0.9, "{b:?}");
        assert!((b.bounds[0].0 - 0.7).abs() < 0.05, "{b:?}");
        assert!((b.bounds[1].1 - 0.3).abs() < 0.05, "{b:?}");
        assert!(
            b.bounds[2].0 < 0.05 && b.bounds[2].1 > 0.95,
            "x2 barely peeled: {b:?}"
        );
        // Coverage never rises and support falls along the trajectory.
        for w in t.windows(2) {
            assert!(w[1].coverage <= w[0].coverage && w[1].support < w[0].support);
        }
    }
}
