//! The linearised Jacobian and its spectral radius against hand computations.

use palett_synergy::{SynergyParams, Track};

const S: usize = 0; // school
const H: usize = 1; // housing

/// σ(−βθ): the logistic at zero drive; with it f'(0) = β σ(−βθ).
fn sigma_neg(beta: f64, theta: f64) -> f64 {
    1.0 / (1.0 + (beta * theta).exp())
}

#[test]
fn symmetric_pair_matches_hand_computation() {
    // Only school and housing pull each other, with weight 0.6 both ways.
    // Their 2×2 block is [[1−α, g], [g, 1−α]] with g = α f'(0) · 0.6, so the
    // eigenvalues are 1 − α ± g; labour and safety just keep 1 − α.
    let mut p = SynergyParams {
        alpha: [0.4; 4],
        beta: [4.0; 4],
        theta: [0.25; 4],
        ..Default::default()
    };
    p.w[S][H] = 0.6;
    p.w[H][S] = 0.6;
    let d = p.validate().unwrap().diagnostics();
    let g = 0.4 * 4.0 * sigma_neg(4.0, 0.25) * 0.6;
    assert!((d.jacobian[(S, H)] - g).abs() < 1e-15);
    assert!((d.jacobian[(S, S)] - 0.6).abs() < 1e-15);
    assert!(
        (d.spectral_radius - (0.6 + g)).abs() < 1e-12,
        "{} vs {}",
        d.spectral_radius,
        0.6 + g
    );
    assert!(d.warning.is_none());
}

#[test]
fn opposing_pair_has_complex_eigenvalues() {
    // School lifts housing, housing drags school: W[s][h] = a > 0,
    // W[h][s] = −b. Block [[1−α, −αf'b], [αf'a, 1−α]] has eigenvalues
    // 1 − α ± i αf'√(ab), of modulus √((1−α)² + (αf')² ab).
    let (a, b) = (2.0, 2.0);
    let mut p = SynergyParams {
        alpha: [0.5; 4],
        beta: [2.0; 4],
        theta: [0.0; 4],
        ..Default::default()
    };
    p.w[S][H] = a;
    p.w[H][S] = -b;
    let d = p.validate().unwrap().diagnostics();
    let slope: f64 = 2.0 * 0.5; // β σ(0)
    let want = (0.25f64 + (0.5 * slope).powi(2) * a * b).sqrt();
    assert!(
        (d.spectral_radius - want).abs() < 1e-12,
        "{} vs {want}",
        d.spectral_radius
    );
    assert!(
        d.eigenvalues.iter().any(|z| z.im.abs() > 0.1),
        "{:?}",
        d.eigenvalues
    );
    assert!(want > 1.0);
    let warning = d.warning.expect("unstable");
    assert!(
        warning.contains("unstable") && warning.contains(&format!("{want:.3}")),
        "{warning}"
    );
}

#[test]
fn turnover_enters_the_diagonal() {
    let p = SynergyParams {
        alpha: [0.3; 4],
        turnover: [0.1, 0.2, 0.0, 0.0],
        ..Default::default()
    };
    let m = p.validate().unwrap();
    let d = m.diagnostics();
    assert!((d.jacobian[(H, H)] - 0.5).abs() < 1e-15);
    assert!((d.spectral_radius - 0.7).abs() < 1e-12);
    assert!((m.response_slope_at_zero(Track::School) - 6.0 * sigma_neg(6.0, 0.5)).abs() < 1e-15);
}

#[test]
fn strong_symmetric_synergy_is_unstable_and_warned() {
    // W = 1.5 between every pair, θ = 0 (f'(0) = β/2 = 1): radius
    // 1 − α + α · 1 · 3 · 1.5 = 1 + 3.5 α > 1.
    let mut p = SynergyParams {
        alpha: [0.2; 4],
        beta: [2.0; 4],
        theta: [0.0; 4],
        ..Default::default()
    };
    for j in 0..4 {
        for k in 0..4 {
            if j != k {
                p.w[j][k] = 1.5;
            }
        }
    }
    let d = p.validate().unwrap().diagnostics();
    assert!((d.spectral_radius - 1.7).abs() < 1e-12);
    assert!(d.warning.is_some());
    // The default parameters are stable and quiet.
    let d = SynergyParams::default().validate().unwrap().diagnostics();
    assert!((d.spectral_radius - 0.7).abs() < 1e-12 && d.warning.is_none());
}
