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
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    let ln_pre = a * x.ln() - x - ln_gamma(a);
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
        let p = sum * ln_pre.exp();
        (p, 1.0 - p)
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
        let q = ln_pre.exp() * h;
        (1.0 - q, q)
    }
}

/// Continued fraction of the incomplete beta function (Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
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
    h
}

/// ln B(a, b).
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

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
/// always converges, however poor the starting point.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
