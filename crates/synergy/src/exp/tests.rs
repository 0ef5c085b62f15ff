use super::{exp, exp_table};

/// A small deterministic generator of test inputs (splitmix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Inputs that reach every path and every table row: a dense sweep over
/// the finite range, random reals of every magnitude, random bit patterns,
/// the path boundaries and their neighbours, and the non-finite values.
fn inputs() -> Vec<f64> {
    let mut xs = Vec::new();
    let steps = 400_000;
    for i in 0..=steps {
        xs.push(-760.0 + 1480.0 * i as f64 / steps as f64);
    }
    let mut g = Mix(7);
    for _ in 0..400_000 {
        // Uniform in [-1, 1) scaled by 2^e for e in [-60, 10].
        let u = (g.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        let e = (g.next() % 71) as i32 - 60;
        xs.push(u * 2f64.powi(e));
        xs.push(f64::from_bits(g.next()));
    }
    for b in [
        2f64.powi(-54),
        512.0,
        1024.0,
        709.782_712_893_384,
        745.133_219_101_941_1,
    ] {
        for x in [b, -b] {
            let bits = x.to_bits();
            for d in 0..4u64 {
                xs.push(f64::from_bits(bits + d));
                xs.push(f64::from_bits(bits - d));
            }
        }
    }
    // Multiples of ln2/128, where r is near 0 and the table row alone decides.
    for k in -2000..2000 {
        xs.push(k as f64 * std::f64::consts::LN_2 / 128.0);
    }
    xs.extend([
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
    ]);
    xs
}

/// Distance in units in the last place between two non-NaN doubles of the
/// same sign (or zero).
fn ulps(a: f64, b: f64) -> u64 {
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
}

/// Where libm is glibc on x86-64 and the processor has FMA, `f64::exp` runs
/// the FMA build of the same algorithm: every input must give the same
/// bits. Elsewhere libm's exp is another function; both must then agree
/// within an ulp (the algorithm's error is below 0.52 ulp, and a good libm's
/// similar).
#[test]
fn equals_the_platform_exp() {
    let same_algorithm = cfg!(all(target_arch = "x86_64", target_env = "gnu")) && has_fma();
    let mut worst = 0;
    for x in inputs() {
        let (ours, libm) = (exp_table(x), x.exp());
        if x.is_nan() {
            assert!(ours.is_nan(), "exp(NaN) = {ours}");
            continue;
        }
        if same_algorithm {
            assert_eq!(
                ours.to_bits(),
                libm.to_bits(),
                "exp({x:e}) = {ours:e}, libm {libm:e}"
            );
        } else {
            worst = worst.max(ulps(ours, libm));
        }
    }
    assert!(worst <= 1, "differs from the platform's exp by {worst} ulp");
}

#[cfg(target_arch = "x86_64")]
fn has_fma() -> bool {
    std::arch::is_x86_feature_detected!("fma")
}

#[cfg(not(target_arch = "x86_64"))]
fn has_fma() -> bool {
    false
}

/// Values that hold on every platform: the correctly rounded e^x for a few
/// x (from 50-digit decimal arithmetic), the overflow and underflow ends,
/// the smallest subnormals, and the non-finite inputs.
#[test]
fn known_values() {
    for (x, bits) in [
        (1.0, 0x4005_bf0a_8b14_5769u64),
        (-1.0, 0x3fd7_8b56_362c_ef38),
        (0.5, 0x3ffa_6129_8e1e_069c),
        (-3.75, 0x3f98_1509_354f_0d29),
        (20.0, 0x41bc_eb08_8b68_e804),
    ] {
        assert_eq!(exp_table(x).to_bits(), bits, "exp({x})");
    }
    let exp = exp_table;
    assert_eq!(exp(0.0), 1.0);
    assert_eq!(exp(-0.0), 1.0);
    assert_eq!(exp(709.0), f64::from_bits(0x7fdd_422d_2be5_dc9b));
    assert_eq!(exp(710.0), f64::INFINITY);
    assert_eq!(exp(-740.0), f64::from_bits(0x55));
    assert_eq!(exp(-745.2), 0.0);
    assert_eq!(exp(-1e300), 0.0);
    assert_eq!(exp(f64::INFINITY), f64::INFINITY);
    assert_eq!(exp(f64::NEG_INFINITY), 0.0);
    assert!(exp(f64::NAN).is_nan());
}

/// Whichever function the build uses, it is e^x to within an ulp of the
/// table-driven one (the same bits where the build has a hardware FMA).
#[test]
fn the_build_exp_is_the_table_exp_or_libm() {
    for x in inputs().into_iter().filter(|x| !x.is_nan()) {
        assert!(ulps(exp(x), exp_table(x)) <= 1, "exp({x:e})");
    }
}
