//! An exact early exit for the tipping test's tails: an invariant box.
//!
//! A tail runs n years (the tipping rule's look-ahead) with known inputs:
//! the per-track sums S_k(y) of drift, delayed activity and repression, and
//! coordination that does not depend on the states (without communication
//! it only falls). If at some year the states of the last max-lag years lie
//! in a box B = Π_k [lo_k, hi_k], and one update maps *any* states in B,
//! with *any* inputs and coordination in their ranges over the remaining
//! years, back into B, then by induction every later state lies in B — in
//! particular the state in year t + n. If some hi_k is below the tipping
//! level L the tail cannot be sustained; if every lo_k ≥ L it is. Either
//! way the rest of the tail need not be simulated, and the answer is the
//! one the simulation would give: no monotonicity is assumed, only that the
//! response f_k is increasing in the drive (β > 0).
//!
//! The box image is computed by interval arithmetic on the update
//! x' = clamp(α f(D) + (1 − α − drain) x): the drive D from the ranges of S,
//! c and the lagged states; f at the ends of D's range; the drain from the
//! range of the housing state. The update itself is computed in floating
//! point, with an error of a few units in the last place (≈ 1e-15 on values
//! of order 1, the response's denominator being ≥ 1/2); the bounds are
//! widened by [`SLACK`] at every stage, a million times more, so a bound
//! computed in floating point also bounds the update as computed. Anything
//! non-finite makes the test give up (no exit).

use crate::{SynergyModel, Track};

/// Absolute widening of every bound (drive, response, state). Far above the
/// rounding error of one update (≈ 1e-15) and far below any distance that
/// matters for the test.
const SLACK: f64 = 1e-9;

/// When the image of a box sticks out of it, the next box tried is the hull
/// of both, widened by this share of its width plus [`PAD_ABS`] (a standard
/// trick that lets the search settle on an invariant box near an attractor).
const PAD_SHARE: f64 = 0.1;
/// See [`PAD_SHARE`].
const PAD_ABS: f64 = 1e-6;
/// How many times the image's overshoot the next box reaches beyond the image.
const REACH: f64 = 4.0;
/// How many boxes to try per call before giving up (each costs eight
/// evaluations of the response, about two updates).
const TRIES: usize = 4;

const HOUSING: usize = Track::Housing.index();

/// Ranges of the inputs over the remaining years of a tail.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Remaining {
    /// Per track, the smallest and largest input sum S_k(y) over the
    /// remaining years y.
    pub s_lo: [f64; 4],
    /// See `s_lo`.
    pub s_hi: [f64; 4],
    /// A range holding every coordination c(y − 1) the remaining updates read.
    pub c_lo: f64,
    /// See `c_lo`.
    pub c_hi: f64,
}

/// Whether the outcome of a tail is settled: `Some(sustained)` if the box
/// around `window` (the states of the last max-lag years, which every
/// remaining update reads only through) is invariant under the update for
/// inputs in `rem`; `None` if the test cannot tell. The caller guarantees
/// that every lagged read of the remaining updates falls in `window` (no
/// read of a year ≤ 0).
pub(crate) fn settled(model: &SynergyModel, window: &[[f64; 4]], rem: &Remaining) -> Option<bool> {
    settled_with(model, window, rem, TRIES)
}

/// [`settled`] trying at most `tries` boxes.
pub(crate) fn settled_with(
    model: &SynergyModel,
    window: &[[f64; 4]],
    rem: &Remaining,
    tries: usize,
) -> Option<bool> {
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    for x in window {
        for k in 0..4 {
            if !x[k].is_finite() {
                return None;
            }
            lo[k] = lo[k].min(x[k]);
            hi[k] = hi[k].max(x[k]);
        }
    }
    let level = model.p.tipping.level;
    for _ in 0..tries {
        // The decision this box would give; no need to prove invariance otherwise.
        let outcome = match box_outcome(level, &lo, &hi) {
            Some(true) if hopeless_above(model, rem) => return None,
            Some(outcome) => outcome,
            None => return None,
        };
        let (next_lo, next_hi) = image(model, &lo, &hi, rem);
        // Written so that a NaN anywhere means "not contained".
        if (0..4).all(|k| next_lo[k] >= lo[k] && next_hi[k] <= hi[k]) {
            return Some(outcome);
        }
        for k in 0..4 {
            if !(next_lo[k].is_finite() && next_hi[k].is_finite()) {
                return None;
            }
            // Push each side that the image crossed well past the image:
            // states converging geometrically towards an attractor outside
            // the box cross it by a share of the remaining distance each
            // year, so the box must reach a multiple of that share further.
            let (l, h) = (lo[k].min(next_lo[k]), hi[k].max(next_hi[k]));
            let pad = PAD_ABS + PAD_SHARE * (h - l);
            lo[k] = (l - REACH * (lo[k] - l) - pad).max(-1.0);
            hi[k] = (h + REACH * (h - hi[k]) + pad).min(1.0);
        }
    }
    None
}

/// What a box [lo, hi] that holds every later state decides: `Some(false)`
/// if some track lies below the tipping `level` throughout (not
/// sustained), `Some(true)` if every track lies at or above it
/// (sustained), `None` if it straddles the level.
pub(crate) fn box_outcome(level: f64, lo: &[f64; 4], hi: &[f64; 4]) -> Option<bool> {
    if hi.iter().any(|&h| h < level) {
        Some(false)
    } else if lo.iter().all(|&l| l >= level) {
        Some(true)
    } else {
        None
    }
}

/// Whether no box above the tipping level L can be proved invariant, so the
/// attempt would only cost time (giving up is always exact: the tail is then
/// simulated). With c = `c_lo` = 0 in range the synergy pull's lower bound
/// is ≤ 0, so the drive's lower bound is ≤ S_k,lo; if S_k,lo < θ_k the
/// response's lower bound is below f_k(θ_k) = (½ − σ(−βθ))/(1 − σ(−βθ)) ≤ ½,
/// and for L ≥ ½ the image's lower bound α f + (1 − α − drain) lo falls
/// below any lo ≥ L (drain ≥ 0, as for η ≤ 1; otherwise this merely skips
/// a test that might have succeeded, which is still exact). Typical tails
/// (no drift to hold the tracks up) meet this, and a failed proof costs
/// several updates.
fn hopeless_above(model: &SynergyModel, rem: &Remaining) -> bool {
    model.p.tipping.level >= 0.5
        && rem.c_lo <= 0.0
        && (0..4).any(|k| rem.s_lo[k] < model.p.theta[k])
}

/// Bounds on the states after one update from any states in the box
/// [lo, hi] with inputs in `rem`, each widened by [`SLACK`] for rounding.
pub(crate) fn image(
    model: &SynergyModel,
    lo: &[f64; 4],
    hi: &[f64; 4],
    rem: &Remaining,
) -> ([f64; 4], [f64; 4]) {
    let p = &model.p;
    // drain = m (1 − η max(0, x_housing)): its range from the housing range.
    let keep_lo = 1.0 - p.eta * hi[HOUSING].max(0.0);
    let keep_hi = 1.0 - p.eta * lo[HOUSING].max(0.0);
    let mut d_lo = [0.0; 4];
    let mut d_hi = [0.0; 4];
    for k in 0..4 {
        // The synergy pull Σ_j W[j][k] x_j over the box, times c in its range.
        let (mut pull_lo, mut pull_hi, mut size) = (0.0, 0.0, 0.0);
        for j in 0..4 {
            let w = p.w[j][k];
            if j == k || w == 0.0 {
                continue;
            }
            let (a, b) = (w * lo[j], w * hi[j]);
            pull_lo += a.min(b);
            pull_hi += a.max(b);
            size += w.abs() * lo[j].abs().max(hi[j].abs());
        }
        let (cp_lo, cp_hi) = span(rem.c_lo, rem.c_hi, pull_lo, pull_hi);
        let slack_d = SLACK * (1.0 + rem.s_lo[k].abs() + rem.s_hi[k].abs() + rem.c_hi * size);
        d_lo[k] = rem.s_lo[k] + cp_lo - slack_d;
        d_hi[k] = rem.s_hi[k] + cp_hi + slack_d;
    }
    // All eight responses in one go (independent exponentials overlap).
    let (f_lo, f_hi) = model.responses(&d_lo, &d_hi);
    let mut next_lo = [0.0; 4];
    let mut next_hi = [0.0; 4];
    for k in 0..4 {
        let f_lo = f_lo[k] - SLACK;
        let f_hi = f_hi[k] + SLACK;
        // x' = x + α (f − x) − drain x = α f + g x with g = 1 − α − drain.
        let m = p.turnover[k];
        let g_lo = 1.0 - p.alpha[k] - m * keep_hi;
        let g_hi = 1.0 - p.alpha[k] - m * keep_lo;
        let (gx_lo, gx_hi) = span(g_lo, g_hi, lo[k], hi[k]);
        next_lo[k] = (p.alpha[k] * f_lo + gx_lo - SLACK).clamp(-1.0, 1.0);
        next_hi[k] = (p.alpha[k] * f_hi + gx_hi + SLACK).clamp(-1.0, 1.0);
    }
    (next_lo, next_hi)
}

/// The range of a · b for a ∈ [a_lo, a_hi], b ∈ [b_lo, b_hi].
fn span(a_lo: f64, a_hi: f64, b_lo: f64, b_hi: f64) -> (f64, f64) {
    let c = [a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi];
    let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}
