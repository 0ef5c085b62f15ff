//! Stability diagnostics of the baseline (model.md §5).

use nalgebra::{Complex, Matrix4, Schur};

use crate::{SynergyModel, Track};

/// The linearised synergy map around the baseline and what it says about
/// stability (model.md §5, "Diagnostics").
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics {
    /// M = diag(1 − α_k − m_k) + diag(α_k f_k'(0)) Wᵀ: the Jacobian of the
    /// yearly update at x = 0 with full coordination (c = 1) and lags ignored.
    /// Row k, column j: the change of x_k(t) per unit of x_j(t − 1).
    pub jacobian: Matrix4<f64>,
    /// The four (possibly complex) eigenvalues of M, in no particular order.
    /// Empty if the eigenvalue iteration did not converge.
    pub eigenvalues: Vec<Complex<f64>>,
    /// The largest eigenvalue modulus of M. Above 1 the baseline is unstable;
    /// NaN if the eigenvalues could not be computed.
    pub spectral_radius: f64,
    /// A plain-language warning for a scenario author when the baseline is
    /// unstable (or the stability could not be determined); `None` otherwise.
    pub warning: Option<String>,
}

impl SynergyModel {
    /// The linearised Jacobian at the baseline, its eigenvalues and spectral
    /// radius, and a warning if the baseline is unstable (model.md §5).
    /// M is not symmetric, so its eigenvalues are computed as complex numbers
    /// (real Schur form).
    pub fn diagnostics(&self) -> Diagnostics {
        let p = &self.p;
        let mut m = Matrix4::zeros();
        for k in Track::ALL {
            let i = k.index();
            let gain = p.alpha[i] * self.response_slope_at_zero(k);
            for j in 0..4 {
                // W's diagonal is 0 by validation, so (Wᵀ)_kk adds nothing.
                m[(i, j)] = gain * p.w[j][i];
            }
            m[(i, i)] += 1.0 - p.alpha[i] - p.turnover[i];
        }
        // Bounded iterations: a finite 4×4 converges quickly; never loop forever.
        let eigenvalues: Vec<Complex<f64>> = Schur::try_new(m, f64::EPSILON, 10_000)
            .map(|s| s.complex_eigenvalues().iter().copied().collect())
            .unwrap_or_default();
        let spectral_radius = if eigenvalues.is_empty() {
            f64::NAN
        } else {
            eigenvalues.iter().map(|z| z.norm()).fold(0.0, f64::max)
        };
        let warning = if spectral_radius.is_nan() {
            Some(
                "The stability of the do-nothing baseline could not be determined (the \
                 eigenvalues of the linearised synergy map did not converge). Check the \
                 synergy matrix w for extreme values."
                    .to_string(),
            )
        } else if spectral_radius > 1.0 {
            Some(format!(
                "The do-nothing baseline is unstable: the linearised synergy map has spectral \
                 radius {spectral_radius:.3}, above 1. With full coordination any small shock \
                 to the area grows by itself, for better or worse, so results depend on which \
                 way the first push goes more than on the interventions. Lower the synergy \
                 weights w, raise the thresholds theta or lower the steepness beta if that is \
                 not what you mean."
            ))
        } else {
            None
        };
        Diagnostics {
            jacobian: m,
            eigenvalues,
            spectral_radius,
            warning,
        }
    }
}
