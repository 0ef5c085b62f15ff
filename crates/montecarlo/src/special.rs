//! Special functions the inverse CDFs need (model.md §7): normal CDF and its
//! inverse, regularised incomplete gamma and beta functions, and a bracketed
//! Newton solver to invert them.
//!
//! Written here rather than pulled from a statistics crate because they are
//! short, classic, and tested against reference values below; the engine
//! needs nothing else from such a crate.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// Relative tolerance of the series and continued fractions.
const EPS: f64 = 1e-15;
/// Smallest positive value the continued fractions may divide by.
const TINY: f64 = 1e-300;

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the Lanczos sum in its accurate range.
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularised lower incomplete gamma P(a, x) and upper Q(a, x) = 1 − P,
/// each computed where it is accurate (series below a + 1, continued
/// fraction above) so that tails keep their relative precision.
pub(crate) fn gamma_pq(a: f64, x: f64) -> (f64, f64) {
    let (p, q, _) = gamma_pq_front(a, ln_gamma(a), x);
    (p, q)
}

/// [`gamma_pq`] with ln Γ(a) given, also returning the front factor
/// xᵃ e⁻ˣ / Γ(a) (= x times the Gamma(a) density).
fn gamma_pq_front(a: f64, lng: f64, x: f64) -> (f64, f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0, 0.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0, 0.0);
    }
    let front = (a * x.ln() - x - lng).exp();
    if x < a + 1.0 {
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..10_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * EPS {
                break;
            }
        }
        let p = sum * front;
        (p, 1.0 - p, front)
    } else {
        // Modified Lentz evaluation of the continued fraction for Q.
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < EPS {
                break;
            }
        }
        let q = front * h;
        (1.0 - q, q, front)
    }
}

/// Continued fraction of the incomplete beta function (Lentz).
#[cfg(test)]
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let [h] = beta_cf_lanes([a], [b], [x], [true]);
    h
}

/// The continued fraction of `beta_cf` (its one-lane case) for every lane
/// whose `live` is set (the others return 1), each lane with exactly the
/// operations `beta_cf` performs for it, its iteration stopping where that
/// lane's stops. Each iteration is a chain of
/// divisions that waits on the last; two lanes' chains written side by
/// side overlap in the processor.
#[inline]
fn beta_cf_lanes<const L: usize>(
    a: [f64; L],
    b: [f64; L],
    x: [f64; L],
    live: [bool; L],
) -> [f64; L] {
    let mut live = live;
    let (mut c, mut d, mut h) = ([1.0; L], [1.0; L], [1.0; L]);
    for l in 0..L {
        if live[l] {
            let (qab, qap) = (a[l] + b[l], a[l] + 1.0);
            d[l] = 1.0 - qab * x[l] / qap;
            if d[l].abs() < TINY {
                d[l] = TINY;
            }
            d[l] = 1.0 / d[l];
            h[l] = d[l];
        }
    }
    for m in 1..10_000 {
        if !live.iter().any(|&v| v) {
            break;
        }
        let m = m as f64;
        let m2 = 2.0 * m;
        for l in 0..L {
            if !live[l] {
                continue;
            }
            let (a, b, x) = (a[l], b[l], x[l]);
            let (c, d, h) = (&mut c[l], &mut d[l], &mut h[l]);
            let qab = a + b;
            let qap = a + 1.0;
            let qam = a - 1.0;
            let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            *d = 1.0 + aa * *d;
            if d.abs() < TINY {
                *d = TINY;
            }
            *c = 1.0 + aa / *c;
            if c.abs() < TINY {
                *c = TINY;
            }
            *d = 1.0 / *d;
            *h *= *d * *c;
            let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            *d = 1.0 + aa * *d;
            if d.abs() < TINY {
                *d = TINY;
            }
            *c = 1.0 + aa / *c;
            if c.abs() < TINY {
                *c = TINY;
            }
            *d = 1.0 / *d;
            let del = *d * *c;
            *h *= del;
            if (del - 1.0).abs() < EPS {
                live[l] = false;
            }
        }
    }
    h
}

/// ln B(a, b).
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

#[cfg(test)]
/// Regularised incomplete beta I_x(a, b), the Beta(a, b) CDF.
pub(crate) fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b)).exp();
    // The fraction converges fast only on the side below the mean; use the
    // symmetry I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Standard normal CDF Φ(z), with full relative precision in both tails.
pub(crate) fn norm_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    // erfc(t) = Q(1/2, t²) for t ≥ 0, and Φ(z) = erfc(−z/√2)/2.
    let t = z * FRAC_1_SQRT_2;
    let (p, q) = gamma_pq(0.5, t * t);
    if z < 0.0 { 0.5 * q } else { 0.5 + 0.5 * p }
}

/// Standard normal density φ(z).
pub(crate) fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Inverse standard normal CDF Φ⁻¹(p) (Wichura 1988, AS 241 PPND16, about
/// 1e-16 relative). Returns ∓∞ at p = 0 and 1.
pub(crate) fn norm_inv(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = (((((((2.509_080_928_730_122_7e3 * r) + 3.343_057_558_358_813e4) * r
            + 6.726_577_092_700_87e4)
            * r
            + 4.592_195_393_154_987e4)
            * r
            + 1.373_169_376_550_946e4)
            * r
            + 1.971_590_950_306_551_3e3)
            * r
            + 1.331_416_678_917_843_8e2)
            * r
            + 3.387_132_872_796_366_5;
        let den = (((((((5.226_495_278_852_855e3 * r) + 2.872_908_573_572_194_3e4) * r
            + 3.930_789_580_009_271e4)
            * r
            + 2.121_379_430_158_659_7e4)
            * r
            + 5.394_196_021_424_751e3)
            * r
            + 6.871_870_074_920_579e2)
            * r
            + 4.231_333_070_160_091e1)
            * r
            + 1.0;
        return q * num / den;
    }
    let mut r = if q < 0.0 { p } else { 1.0 - p };
    r = (-r.ln()).sqrt();
    let val = if r <= 5.0 {
        let r = r - 1.6;
        let num = ((((((7.745_450_142_783_414e-4 * r + 2.272_384_498_926_918_4e-2) * r
            + 2.417_807_251_774_506e-1)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_545)
            * r
            + 1.423_437_110_749_683_5;
        let den = ((((((1.050_750_071_644_416_8e-9 * r + 5.475_938_084_995_345e-4) * r
            + 1.519_866_656_361_645_7e-2)
            * r
            + 1.481_039_764_274_800_8e-1)
            * r
            + 6.897_673_349_851e-1)
            * r
            + 1.676_384_830_183_803_8)
            * r
            + 2.053_191_626_637_759)
            * r
            + 1.0;
        num / den
    } else {
        let r = r - 5.0;
        let num = ((((((2.010_334_399_292_288e-7 * r + 2.711_555_568_743_487_6e-5) * r
            + 1.242_660_947_388_078_4e-3)
            * r
            + 2.653_218_952_657_612_4e-2)
            * r
            + 2.965_605_718_285_049e-1)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103;
        let den = ((((((2.044_263_103_389_939_7e-15 * r + 1.421_511_758_316_446e-7) * r
            + 1.846_318_317_510_054_8e-5)
            * r
            + 7.868_691_311_456_133e-4)
            * r
            + 1.487_536_129_085_061_5e-2)
            * r
            + 1.369_298_809_227_358e-1)
            * r
            + 5.998_322_065_558_88e-1)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 { -val } else { val }
}

/// Solve cdf(x) = u on the bracket [lo, hi] (cdf(lo) ≤ u ≤ cdf(hi)) by Newton
/// steps that fall back to bisection whenever a step leaves the bracket, so it
/// always converges, however poor the starting point (the pre-issue-6
/// solver, kept as the reference).
#[cfg(test)]
pub(crate) fn invert_monotone(
    u: f64,
    mut lo: f64,
    mut hi: f64,
    start: f64,
    cdf: impl Fn(f64) -> f64,
    pdf: impl Fn(f64) -> f64,
) -> f64 {
    let mut x = start.clamp(lo, hi);
    for _ in 0..200 {
        let f = cdf(x) - u;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let d = pdf(x);
        let mut next = if d > 0.0 && d.is_finite() {
            x - f / d
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - x).abs() <= 1e-15 * x.abs().max(1e-300) || hi - lo <= 1e-15 * hi.abs() {
            return next;
        }
        x = next;
    }
    x
}

/// Knot intervals of a [`Quantile`] table: knots at u = i / `KNOTS`.
const KNOTS: usize = 128;
/// A Halley step smaller than this, relative to the distance of x from the
/// support's ends, ends the iteration: Halley's error after a step is of the
/// order of the cube of the step (relative, times a modest constant), so the
/// result is then as precise as the CDF itself (tested against the
/// reference solver to 1e-12 relative on a dense grid).
const HALLEY_DONE: f64 = 1e-6;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Family {
    /// Beta(a, b) on [0, 1].
    Beta,
    /// Gamma(a, 1) on [0, ∞).
    Gamma,
}

/// The quantile function of Beta(a, b) or Gamma(a, 1), with the per-
/// distribution constants hoisted (ln B(a, b), ln Γ(a)).
///
/// F⁻¹(u) is found by Halley iteration on the regularised incomplete beta /
/// gamma function, bracketed with bisection as a safeguard. The start is a
/// closed-form approximation (Abramowitz–Stegun 26.5.22 / Wilson–Hilferty,
/// power laws in the tails) or, when [`Quantile::tabulated`] built one, a
/// cubic Hermite interpolation in a table of exact (u, x, dx/du) knots;
/// from there one Halley step usually suffices. The table only moves the
/// start, so the result is F⁻¹(u) to the CDF's own precision either way.
/// Pure: depends only on (a, b, u).
#[derive(Debug, Clone)]
pub(crate) struct Quantile {
    family: Family,
    a: f64,
    b: f64,
    /// ln B(a, b) or ln Γ(a).
    ln_norm: f64,
    /// x and dx/du = 1/f(x) at u = i / KNOTS, i = 0 ..= KNOTS (ends unused),
    /// or empty.
    knots: Vec<[f64; 2]>,
}

impl Quantile {
    /// Beta(a, b), a, b > 0.
    pub(crate) fn beta(a: f64, b: f64) -> Self {
        Quantile {
            family: Family::Beta,
            a,
            b,
            ln_norm: ln_beta(a, b),
            knots: Vec::new(),
        }
    }

    /// Gamma(a) with unit scale, a > 0.
    pub(crate) fn gamma(a: f64) -> Self {
        Quantile {
            family: Family::Gamma,
            a,
            b: 1.0,
            ln_norm: ln_gamma(a),
            knots: Vec::new(),
        }
    }

    /// The same quantile function with a knot table for fast starts (costs
    /// KNOTS − 1 untabled inversions, ~2 KB); for samplers used many times.
    pub(crate) fn tabulated(mut self) -> Self {
        let mut knots = vec![[0.0; 2]; KNOTS + 1];
        for (i, k) in knots.iter_mut().enumerate().take(KNOTS).skip(1) {
            let x = self.inverse(i as f64 / KNOTS as f64);
            let (_, pdf, _) = self.eval(x);
            *k = [x, 1.0 / pdf];
        }
        if knots[1..KNOTS]
            .iter()
            .all(|k| k[0].is_finite() && k[1].is_finite() && k[1] > 0.0)
        {
            self.knots = knots;
        }
        self
    }

    /// The support's upper end.
    fn upper(&self) -> f64 {
        match self.family {
            Family::Beta => 1.0,
            Family::Gamma => f64::INFINITY,
        }
    }

    /// (F(x), f(x), f′(x)/f(x)) for x inside the support.
    #[inline]
    fn eval(&self, x: f64) -> (f64, f64, f64) {
        let [e] = Self::eval_lanes([self], [x], [true]);
        e
    }

    /// [`Self::eval`] of `qs[l]` at `x[l]` for every lane with `live[l]`
    /// (the others return zeros), the lanes' continued fractions side by
    /// side.
    #[inline]
    fn eval_lanes<const L: usize>(
        qs: [&Quantile; L],
        x: [f64; L],
        live: [bool; L],
    ) -> [(f64, f64, f64); L] {
        let mut out = [(0.0, 0.0, 0.0); L];
        let mut front = [0.0; L];
        let mut lower = [false; L];
        // The fraction's arguments: on the side below the mean, as in beta_inc.
        let (mut fa, mut fb, mut fx) = ([0.0; L], [0.0; L], [0.0; L]);
        let mut beta = [false; L];
        for l in 0..L {
            if !live[l] {
                continue;
            }
            let (q, x) = (qs[l], x[l]);
            let (a, b) = (q.a, q.b);
            match q.family {
                Family::Beta => {
                    front[l] = (a * x.ln() + b * (1.0 - x).ln() - q.ln_norm).exp();
                    lower[l] = x < (a + 1.0) / (a + b + 2.0);
                    (fa[l], fb[l], fx[l]) = if lower[l] { (a, b, x) } else { (b, a, 1.0 - x) };
                    beta[l] = true;
                }
                Family::Gamma => {
                    let (p, _, front) = gamma_pq_front(a, q.ln_norm, x);
                    out[l] = (p, front / x, (a - 1.0) / x - 1.0);
                }
            }
        }
        let cf = beta_cf_lanes(fa, fb, fx, beta);
        for l in 0..L {
            if !beta[l] {
                continue;
            }
            let (q, x) = (qs[l], x[l]);
            let (a, b) = (q.a, q.b);
            let cdf = if lower[l] {
                front[l] * cf[l] / a
            } else {
                1.0 - front[l] * cf[l] / b
            };
            let pdf = front[l] / (x * (1.0 - x));
            out[l] = (cdf, pdf, (a - 1.0) / x - (b - 1.0) / (1.0 - x));
        }
        out
    }

    /// Closed-form approximation of F⁻¹(u), 0 < u < 1 (a start only).
    fn guess(&self, u: f64) -> f64 {
        let (a, b) = (self.a, self.b);
        match self.family {
            Family::Beta => {
                // Power-law tails: F(x) ≈ xᵃ / (a B) near 0, 1 − (1−x)ᵇ / (b B) near 1.
                let lo = ((u.ln() + a.ln() + self.ln_norm) / a).exp();
                let hi = 1.0 - (((1.0 - u).ln() + b.ln() + self.ln_norm) / b).exp();
                if a >= 1.0 && b >= 1.0 {
                    // Abramowitz–Stegun 26.5.22.
                    let z = norm_inv(u);
                    let l = (z * z - 3.0) / 6.0;
                    let (ra, rb) = (1.0 / (2.0 * a - 1.0), 1.0 / (2.0 * b - 1.0));
                    let h = 2.0 / (ra + rb);
                    let w = z * (l + h).sqrt() / h - (rb - ra) * (l + 5.0 / 6.0 - 2.0 / (3.0 * h));
                    let x = a / (a + b * (2.0 * w).exp());
                    if x > 0.0 && x < 1.0 {
                        x
                    } else if u < 0.5 {
                        lo
                    } else {
                        hi
                    }
                } else {
                    // Split the mass between the two power laws.
                    let t = (a * (a / (a + b)).ln()).exp() / a;
                    let s = (b * (b / (a + b)).ln()).exp() / b;
                    let w = t + s;
                    if u < t / w {
                        (u * a * w).powf(1.0 / a)
                    } else {
                        1.0 - ((1.0 - u) * b * w).powf(1.0 / b)
                    }
                }
            }
            Family::Gamma => {
                if a > 1.0 {
                    // Wilson–Hilferty, or the lower power law where it fails.
                    let c = 1.0 / (9.0 * a);
                    let wh = a * (1.0 - c + norm_inv(u) * c.sqrt()).powi(3);
                    if wh > 0.0 {
                        wh
                    } else {
                        ((u.ln() + a.ln() + self.ln_norm) / a).exp()
                    }
                } else {
                    let t = 1.0 - a * (0.253 + a * 0.12);
                    if u < t {
                        (u / t).powf(1.0 / a)
                    } else {
                        1.0 - (1.0 - (u - t) / (1.0 - t)).ln()
                    }
                }
            }
        }
    }

    /// The start: the table's interpolation where there is one, else the
    /// closed-form guess.
    #[inline]
    fn start(&self, u: f64) -> f64 {
        if !self.knots.is_empty() {
            let s = u * KNOTS as f64;
            let i = s as usize;
            if (1..KNOTS - 1).contains(&i) {
                let t = s - i as f64;
                let h = 1.0 / KNOTS as f64;
                let ([x0, m0], [x1, m1]) = (self.knots[i], self.knots[i + 1]);
                let t2 = t * t;
                let t3 = t2 * t;
                return (2.0 * t3 - 3.0 * t2 + 1.0) * x0
                    + (t3 - 2.0 * t2 + t) * h * m0
                    + (-2.0 * t3 + 3.0 * t2) * x1
                    + (t3 - t2) * h * m1;
            }
        }
        self.guess(u)
    }

    /// F⁻¹(u) for u in [0, 1]; the support's ends at u = 0 and 1.
    pub(crate) fn inverse(&self, u: f64) -> f64 {
        let [x] = Self::inverse_lanes([self], [u]);
        x
    }

    /// F⁻¹ of two quantile functions at once: bit for bit
    /// `(a.inverse(u), b.inverse(v))`, the two Halley iterations side by
    /// side (their continued fractions are chains of divisions that overlap
    /// when interleaved).
    pub(crate) fn inverse_pair(a: &Quantile, u: f64, b: &Quantile, v: f64) -> (f64, f64) {
        let [x, y] = Self::inverse_lanes([a, b], [u, v]);
        (x, y)
    }

    /// [`Self::inverse`] of `qs[l]` at `us[l]` for every lane: each lane's
    /// iteration is the one a single inversion performs (same start, same
    /// steps, same stopping rule), the lanes advanced together until each
    /// has stopped.
    #[inline]
    fn inverse_lanes<const L: usize>(qs: [&Quantile; L], us: [f64; L]) -> [f64; L] {
        let mut result = [0.0; L];
        let mut live = [false; L];
        let (mut x, mut lo, mut hi) = ([0.0; L], [0.0; L], [0.0; L]);
        for l in 0..L {
            let (q, u) = (qs[l], us[l]);
            let upper = q.upper();
            if u <= 0.0 {
                result[l] = 0.0;
                continue;
            }
            if u >= 1.0 {
                result[l] = upper;
                continue;
            }
            (lo[l], hi[l]) = (0.0, upper);
            let mut start = q.start(u);
            if !(start > lo[l] && start < hi[l]) {
                start = q.guess(u);
                if !(start > lo[l] && start < hi[l]) {
                    start = if hi[l].is_finite() { 0.5 * hi[l] } else { q.a };
                }
            }
            x[l] = start;
            live[l] = true;
        }
        for _ in 0..200 {
            if !live.iter().any(|&v| v) {
                break;
            }
            let evals = Self::eval_lanes(qs, x, live);
            for l in 0..L {
                if !live[l] {
                    continue;
                }
                let (upper, u) = (qs[l].upper(), us[l]);
                let (x, lo, hi) = (&mut x[l], &mut lo[l], &mut hi[l]);
                let (cdf, pdf, dlog) = evals[l];
                let f = cdf - u;
                if f == 0.0 {
                    (result[l], live[l]) = (*x, false);
                    continue;
                }
                if f < 0.0 {
                    *lo = *x;
                } else {
                    *hi = *x;
                }
                let mut halley = false;
                let mut next = f64::NAN;
                if pdf > 0.0 && pdf.is_finite() {
                    let t = f / pdf;
                    let c = 1.0 - 0.5 * t * dlog;
                    if c.is_finite() && (0.5..=2.0).contains(&c) {
                        next = *x - t / c;
                        halley = true;
                    } else {
                        next = *x - t;
                    }
                }
                if !(next > *lo && next < *hi) {
                    halley = false;
                    next = if hi.is_finite() {
                        0.5 * (*lo + *hi)
                    } else {
                        2.0 * *x + 1.0
                    };
                }
                let step = (next - *x).abs();
                if (halley && step <= HALLEY_DONE * next.min(upper - next))
                    || step <= 1e-15 * next.abs().max(1e-300)
                    || (hi.is_finite() && *hi - *lo <= 1e-15 * *hi)
                {
                    (result[l], live[l]) = (next, false);
                    continue;
                }
                *x = next;
            }
        }
        // Lanes still iterating after 200 steps end where they are, as a
        // single inversion does.
        for l in 0..L {
            if live[l] {
                result[l] = x[l];
            }
        }
        result
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use reference::{beta_inv, gamma_inv};

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn normal_reference_values() {
        assert!(close(norm_inv(0.975), 1.959_963_984_540_054, 1e-14));
        assert!(close(norm_inv(0.05), -1.644_853_626_951_472_2, 1e-14));
        assert!(close(norm_inv(1e-10), -6.361_340_902_404_056, 1e-13));
        assert!(close(norm_cdf(1.959_963_984_540_054), 0.975, 1e-14));
        assert!(close(norm_cdf(-5.0), 2.866_515_718_791_939e-7, 1e-12));
        assert_eq!(norm_cdf(0.0), 0.5);
        for &p in &[
            1e-300,
            1e-15,
            1e-5,
            0.01,
            0.3,
            0.5,
            0.77,
            0.999,
            1.0 - 1e-12,
        ] {
            let back = norm_cdf(norm_inv(p));
            assert!(close(back, p, 1e-12), "p = {p}, back = {back}");
        }
    }

    #[test]
    fn gamma_reference_values() {
        assert!(close(ln_gamma(0.5), 0.572_364_942_924_700_1, 1e-14));
        assert!(close(ln_gamma(10.0), 12.801_827_480_081_469, 1e-14));
        // P(1, x) = 1 − e^{−x}; P(3, 2) = 1 − 5e^{−2}.
        assert!(close(gamma_pq(1.0, 0.7).0, 1.0 - (-0.7f64).exp(), 1e-14));
        assert!(close(
            gamma_pq(3.0, 2.0).0,
            1.0 - 5.0 * (-2.0f64).exp(),
            1e-13
        ));
        for &a in &[0.3, 1.0, 2.5, 40.0] {
            for &u in &[1e-9, 0.05, 0.5, 0.95, 1.0 - 1e-9] {
                let x = gamma_inv(a, u);
                assert!(close(gamma_pq(a, x).0, u, 1e-10), "a = {a} u = {u}");
            }
        }
    }

    #[test]
    fn beta_reference_values() {
        // I_x(1, 1) = x; I_x(2, 3) = 6x²/2 − 8x³/3 + 3x⁴/4 times 2·…: use a closed form.
        assert!(close(beta_inc(1.0, 1.0, 0.3), 0.3, 1e-14));
        let x: f64 = 0.4;
        let i23 = x.powi(2) * (6.0 - 8.0 * x + 3.0 * x * x);
        assert!(close(beta_inc(2.0, 3.0, x), i23, 1e-13));
        for &(a, b) in &[(0.5, 0.5), (2.0, 5.0), (1.0, 3.0), (30.0, 2.0)] {
            // Near 1, Beta(½, ½) needs x closer to 1 than f64 can hold.
            for &u in &[1e-9, 0.05, 0.5, 0.95, 1.0 - 1e-6] {
                let x = beta_inv(a, b, u);
                assert!(close(beta_inc(a, b, x), u, 1e-9), "a = {a} b = {b} u = {u}");
            }
        }
    }
    /// Compares the quantile with the reference solver r(u) over a dense
    /// grid of u (uniform, plus both tails down to 1e-12). Where u is so
    /// close to 1 that F⁻¹ is ill-conditioned, any x with F(x) = u to the
    /// last bits of u is as right as another, so the allowance is 1e-12
    /// relative plus the x-width of 10 ulp of u: |x − r| ≤ 1e-12·|r| +
    /// 2e-15·u / f(r). Returns the largest plain relative difference and
    /// the largest ratio to the allowance (≤ 1 passes), with their u.
    /// Where the reference itself misses F(r) = u, the new x must hit it
    /// (to 1e-13 relative) or miss by no more.
    fn compare(q: &Quantile, reference: impl Fn(f64) -> f64) -> (f64, f64, f64) {
        let mut us: Vec<f64> = (1..20_000).map(|i| i as f64 / 20_000.0).collect();
        for k in 1..=120 {
            let t = 10f64.powf(-(k as f64) / 10.0);
            us.push(t);
            us.push(1.0 - t);
        }
        let (mut rel, mut ratio, mut at) = (0.0f64, 0.0f64, f64::NAN);
        for &u in &us {
            let (x, r) = (q.inverse(u), reference(u));
            let d = (x - r).abs();
            let allowed = 1e-12 * r.abs() + 2e-15 * u / q.eval(r).1;
            assert!(d.is_finite() && allowed > 0.0, "u = {u}: {x} vs {r}");
            // The reference gives up (200 steps, mostly bisection) in the
            // far lower tail of Gamma with a small shape, and misses by a
            // few ulp where x is close to 1 or a is large; there only ask
            // that the new x solve F(x) = u at least as well.
            let (fx, fr) = (q.eval(x).0, q.eval(r).0);
            if d > allowed && (fr - u).abs() > 1e-12 * u {
                let miss = (fx - u).abs();
                assert!(
                    miss <= 1e-13 * u || miss <= (fr - u).abs(),
                    "u = {u}: F({x:e}) = {fx:e}, F({r:e}) = {fr:e}"
                );
                continue;
            }
            rel = rel.max(d / r.abs());
            if d / allowed > ratio {
                (ratio, at) = (d / allowed, u);
            }
        }
        assert_eq!(q.inverse(0.0), reference(0.0));
        assert_eq!(q.inverse(1.0), reference(1.0));
        (rel, ratio, at)
    }

    #[test]
    fn beta_quantile_matches_reference_solver() {
        let mut shapes = vec![(0.5, 0.5), (0.3, 2.0), (2.0, 0.4), (0.9, 0.9), (30.0, 2.0)];
        shapes.extend([(50.0, 200.0), (1.0, 1.0), (120.0, 0.8)]);
        // Pert shapes: a = 1 + 4(mode − min)/width, a + b = 6.
        for i in 0..=20 {
            let a = 1.0 + 4.0 * i as f64 / 20.0;
            shapes.push((a, 6.0 - a));
        }
        for &(a, b) in &shapes {
            for q in [Quantile::beta(a, b), Quantile::beta(a, b).tabulated()] {
                let (rel, ratio, u) = compare(&q, |u| beta_inv(a, b, u));
                let t = !q.knots.is_empty();
                eprintln!(
                    "Beta({a}, {b}) table {t}: max rel {rel:.1e}, worst {ratio:.2} at u = {u}"
                );
                assert!(ratio <= 1.0, "Beta({a}, {b}) table {t}: {ratio} at u = {u}");
            }
        }
    }

    /// A quantile function from a generated case: Beta or Gamma, with or
    /// without its start table.
    fn arb_quantile() -> impl proptest::strategy::Strategy<Value = Quantile> {
        use proptest::prelude::*;
        (0.05f64..60.0, 0.05f64..60.0, any::<bool>(), any::<bool>()).prop_map(
            |(a, b, gamma, table)| {
                let q = if gamma {
                    Quantile::gamma(a)
                } else {
                    Quantile::beta(a, b)
                };
                if table { q.tabulated() } else { q }
            },
        )
    }

    /// A probability from a generated case, ends, NaN and the far tails
    /// included.
    fn arb_u() -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        prop_oneof![
            8 => 0.0f64..=1.0,
            1 => prop::sample::select(vec![0.0, 1.0, -0.5, 1.5, f64::NAN, 1e-300, 1.0 - 1e-16]),
            1 => (-300i32..-1).prop_map(|e| 10f64.powi(e)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]

        /// Two inversions side by side are bit for bit two inversions
        /// alone, whatever the families, parameters and probabilities.
        #[test]
        fn paired_inversions_match_single_ones(
            a in arb_quantile(), u in arb_u(), b in arb_quantile(), v in arb_u(),
        ) {
            let (x, y) = Quantile::inverse_pair(&a, u, &b, v);
            proptest::prop_assert_eq!(x.to_bits(), a.inverse(u).to_bits());
            proptest::prop_assert_eq!(y.to_bits(), b.inverse(v).to_bits());
        }
    }

    #[test]
    fn gamma_quantile_matches_reference_solver() {
        for &a in &[0.1, 0.3, 0.6, 1.0, 1.7, 2.0, 5.0, 40.0, 900.0] {
            for q in [Quantile::gamma(a), Quantile::gamma(a).tabulated()] {
                let (rel, ratio, u) = compare(&q, |u| gamma_inv(a, u));
                let t = !q.knots.is_empty();
                eprintln!("Gamma({a}) table {t}: max rel {rel:.1e}, worst {ratio:.2} at u = {u}");
                assert!(ratio <= 1.0, "Gamma({a}) table {t}: {ratio} at u = {u}");
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod reference {
    use super::*;

    /// Inverse of the regularised lower incomplete gamma: x with P(a, x) = u.
    pub(crate) fn gamma_inv(a: f64, u: f64) -> f64 {
        if u <= 0.0 {
            return 0.0;
        }
        if u >= 1.0 {
            return f64::INFINITY;
        }
        // Wilson–Hilferty start; it is only a start, the solver is bracketed.
        let z = norm_inv(u);
        let c = 1.0 / (9.0 * a);
        let wh = a * (1.0 - c + z * c.sqrt()).powi(3);
        let start = if wh > 0.0 { wh } else { a * 0.5 };
        let mut hi = (a + 10.0 * a.sqrt() + 10.0).max(start * 2.0);
        while gamma_pq(a, hi).0 < u {
            hi *= 2.0;
        }
        let lng = ln_gamma(a);
        invert_monotone(
            u,
            0.0,
            hi,
            start,
            |x| gamma_pq(a, x).0,
            |x| ((a - 1.0) * x.ln() - x - lng).exp(),
        )
    }

    /// Inverse of the regularised incomplete beta: x with I_x(a, b) = u.
    pub(crate) fn beta_inv(a: f64, b: f64, u: f64) -> f64 {
        if u <= 0.0 {
            return 0.0;
        }
        if u >= 1.0 {
            return 1.0;
        }
        let lnb = ln_beta(a, b);
        invert_monotone(
            u,
            0.0,
            1.0,
            a / (a + b),
            |x| beta_inc(a, b, x),
            |x| ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - lnb).exp(),
        )
    }
}
