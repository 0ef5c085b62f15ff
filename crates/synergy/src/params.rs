//! The synergy model's parameters (model.md §5) and their validation.

use crate::error::check;
use crate::model::SynergyModel;
use crate::{SynergyError, TippingRule, Track};

/// The parameters of the synergy model (model.md §4–§5), plain and unchecked:
/// what a scenario says after Monte Carlo sampling. [`SynergyParams::validate`]
/// turns them into a [`SynergyModel`].
///
/// Per-track arrays are indexed by [`Track::index`]; matrices are indexed
/// `[from][to]`, both in track order school, housing, labour, safety.
/// "Drive units" are the units of D_k(t): one unit of fully active
/// intervention with weight 1 adds one unit of drive.
#[derive(Debug, Clone, PartialEq)]
pub struct SynergyParams {
    /// W\[j\]\[k\]: drive added to track k per unit of track j's state x_j
    /// (at lag L\[j\]\[k\], scaled by coordination c). Finite, any sign
    /// (negative: progress in j hurts k). The diagonal must be 0: a track's
    /// pull on itself is the adjustment speed's job, and the sum in model.md
    /// §5 runs over j ≠ k only.
    pub w: [[f64; 4]; 4],
    /// L\[j\]\[k\]: whole years before track j's state reaches track k (≥ 1).
    /// The diagonal is not used and not checked.
    pub lags: [[u32; 4]; 4],
    /// α_k: adjustment speed, the share of the gap to the response f_k(D)
    /// closed each year, in (0, 1].
    pub alpha: [f64; 4],
    /// β_k: steepness of the critical-mass response, per drive unit (> 0;
    /// larger = a sharper threshold).
    pub beta: [f64; 4],
    /// θ_k: the critical mass, the drive at which the response reaches half
    /// way up its logistic curve, in drive units (≥ 0).
    pub theta: [f64; 4],
    /// m_k: turnover drain, the share of the track's state lost each year as
    /// successful residents move out and vulnerable ones move in, in [0, 1).
    pub turnover: [f64; 4],
    /// η: how much a good housing state keeps people in the area; the drain is
    /// m_k · (1 − η · max(0, x_housing)). In [0, 1].
    pub eta: f64,
    /// κ_up: speed at which communication activity builds coordination, per
    /// year, in [0, 1].
    pub kappa_up: f64,
    /// κ_down: share of coordination lost each year, in [0, 1].
    pub kappa_down: f64,
    /// c_0: coordination (trust between the actors) before year 1, in [0, 1].
    pub c0: f64,
    /// b_k: baseline drift, drive units added every year (finite; negative =
    /// an area that slides when nothing is done).
    pub drift: [f64; 4],
    /// γ\[k_i\]\[k\]: how much progress in track k raises the success
    /// probability of interventions on track k_i, per unit of x_k (finite).
    pub boost: [[f64; 4]; 4],
    /// The settings of the tipping test (model.md §5): how many years after
    /// switching everything off it looks, and the level every track must
    /// reach by then. Defaults to model.md's 50 years and 0.5.
    pub tipping: TippingRule,
}

impl Default for SynergyParams {
    /// Neutral defaults: no synergy (W = 0, γ = 0), lags of 1 year, α = 0.3
    /// (about a third of the gap closed per year), β = 6 and θ = 0.5 (one
    /// drive unit gives a response of 0.95, half a unit 0.48, a tenth 0.04),
    /// no turnover drain (m = 0, η = 1), coordination starting at c_0 = 0.5
    /// and moving with κ_up = 0.5, κ_down = 0.1, no drift, and model.md's
    /// tipping rule (every track ≥ 0.5 fifty years after the stop).
    fn default() -> Self {
        SynergyParams {
            w: [[0.0; 4]; 4],
            lags: [[1; 4]; 4],
            alpha: [0.3; 4],
            beta: [6.0; 4],
            theta: [0.5; 4],
            turnover: [0.0; 4],
            eta: 1.0,
            kappa_up: 0.5,
            kappa_down: 0.1,
            c0: 0.5,
            drift: [0.0; 4],
            boost: [[0.0; 4]; 4],
            tipping: TippingRule::default(),
        }
    }
}

impl SynergyParams {
    /// Checks every parameter and returns the validated model. Cheap (no
    /// eigenvalues; see [`SynergyModel::diagnostics`] for those), so it can be
    /// called once per Monte Carlo sample.
    pub fn validate(&self) -> Result<SynergyModel, SynergyError> {
        for k in Track::ALL {
            let i = k.index();
            let a = self.alpha[i];
            check(
                || format!("alpha for track {k}"),
                a,
                a > 0.0 && a <= 1.0,
                "in (0, 1]",
            )?;
            let b = self.beta[i];
            check(
                || format!("beta for track {k}"),
                b,
                b > 0.0,
                "finite and > 0",
            )?;
            let t = self.theta[i];
            check(
                || format!("theta for track {k}"),
                t,
                t >= 0.0,
                "finite and ≥ 0",
            )?;
            let m = self.turnover[i];
            check(
                || format!("turnover for track {k}"),
                m,
                (0.0..1.0).contains(&m),
                "in [0, 1)",
            )?;
            check(
                || format!("drift for track {k}"),
                self.drift[i],
                true,
                "finite",
            )?;
            for j in Track::ALL {
                let wjk = self.w[j.index()][i];
                if j == k {
                    check(
                        || format!("w from {j} to {k} (diagonal)"),
                        wjk,
                        wjk == 0.0,
                        "0 on the diagonal (a track's pull on itself is alpha)",
                    )?;
                } else {
                    check(|| format!("w from {j} to {k}"), wjk, true, "finite")?;
                    let lag = self.lags[j.index()][i];
                    if lag < 1 {
                        return Err(SynergyError::IntegerOutOfRange {
                            parameter: format!("lags from {j} to {k}"),
                            value: u64::from(lag),
                            range: "at least 1 (whole years)",
                        });
                    }
                }
                let g = self.boost[k.index()][j.index()];
                check(
                    || format!("boost for track {k} from track {j}"),
                    g,
                    true,
                    "finite",
                )?;
            }
        }
        let unit = |v: f64| (0.0..=1.0).contains(&v);
        check(|| "eta".into(), self.eta, unit(self.eta), "in [0, 1]")?;
        check(
            || "kappa_up".into(),
            self.kappa_up,
            unit(self.kappa_up),
            "in [0, 1]",
        )?;
        check(
            || "kappa_down".into(),
            self.kappa_down,
            unit(self.kappa_down),
            "in [0, 1]",
        )?;
        check(|| "c0".into(), self.c0, unit(self.c0), "in [0, 1]")?;
        self.tipping.validate()?;
        Ok(SynergyModel::new_unchecked(self.clone()))
    }
}

/// Converts a matrix read as nested lists (rows = "from" track) into the
/// fixed 4×4 form, or reports the shape that was found. `parameter` names
/// the matrix in the error (e.g. `w`, `lags`, `boost`).
pub fn matrix_from_rows<T: Copy>(
    parameter: &str,
    rows: &[Vec<T>],
) -> Result<[[T; 4]; 4], SynergyError> {
    let shape_err = |found: String| SynergyError::WrongShape {
        parameter: parameter.to_string(),
        expected: "4×4",
        found,
    };
    let rows: &[Vec<T>; 4] = rows
        .try_into()
        .map_err(|_| shape_err(format!("{} rows", rows.len())))?;
    let row = |i: usize| {
        vector_from_slice(parameter, &rows[i])
            .map_err(|_| shape_err(format!("row {} with {} entries", i + 1, rows[i].len())))
    };
    Ok([row(0)?, row(1)?, row(2)?, row(3)?])
}

/// Converts a per-track list into the fixed 4-vector form, or reports its
/// length. `parameter` names the vector in the error (e.g. `alpha`).
pub fn vector_from_slice<T: Copy>(parameter: &str, values: &[T]) -> Result<[T; 4], SynergyError> {
    values.try_into().map_err(|_| SynergyError::WrongShape {
        parameter: parameter.to_string(),
        expected: "a list of 4",
        found: format!("{} entries", values.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_of(f: impl FnOnce(&mut SynergyParams)) -> SynergyError {
        let mut p = SynergyParams::default();
        f(&mut p);
        match p.validate() {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    #[test]
    fn defaults_are_valid() {
        assert!(SynergyParams::default().validate().is_ok());
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let e = err_of(|p| p.alpha[1] = 1.5);
        assert_eq!(e.parameter(), Some("alpha for track housing"));
        assert_eq!(
            e.to_string(),
            "alpha for track housing is 1.5, but must be in (0, 1]"
        );
        assert_eq!(
            err_of(|p| p.alpha[0] = 0.0).parameter(),
            Some("alpha for track school")
        );
        assert_eq!(
            err_of(|p| p.beta[3] = -1.0).parameter(),
            Some("beta for track safety")
        );
        assert_eq!(
            err_of(|p| p.theta[2] = -0.1).parameter(),
            Some("theta for track labour")
        );
        assert_eq!(
            err_of(|p| p.turnover[2] = 1.0).parameter(),
            Some("turnover for track labour")
        );
        assert_eq!(
            err_of(|p| p.lags[0][3] = 0).parameter(),
            Some("lags from school to safety")
        );
        assert_eq!(
            err_of(|p| p.w[1][1] = 0.5).parameter(),
            Some("w from housing to housing (diagonal)")
        );
        assert_eq!(
            err_of(|p| p.w[1][2] = f64::INFINITY).parameter(),
            Some("w from housing to labour")
        );
        assert_eq!(err_of(|p| p.eta = 2.0).parameter(), Some("eta"));
        assert_eq!(err_of(|p| p.kappa_up = -0.1).parameter(), Some("kappa_up"));
        assert_eq!(
            err_of(|p| p.kappa_down = f64::NAN).parameter(),
            Some("kappa_down")
        );
        assert_eq!(err_of(|p| p.c0 = 1.1).parameter(), Some("c0"));
        assert_eq!(
            err_of(|p| p.tipping.lookahead = 0),
            SynergyError::TippingLookahead { value: 0, max: 200 }
        );
        assert_eq!(
            err_of(|p| p.tipping.level = 1.0).parameter(),
            Some("tipping.level")
        );
        assert_eq!(
            err_of(|p| p.drift[0] = f64::NAN).parameter(),
            Some("drift for track school")
        );
        assert_eq!(
            err_of(|p| p.boost[0][1] = f64::NAN).parameter(),
            Some("boost for track school from track housing")
        );
        // The lag diagonal is unused, so 0 there is fine.
        let mut p = SynergyParams::default();
        p.lags[2][2] = 0;
        assert!(p.validate().is_ok());
    }

    #[test]
    fn shapes_are_checked() {
        let ok = vec![vec![0.0; 4]; 4];
        assert_eq!(matrix_from_rows("w", &ok), Ok([[0.0; 4]; 4]));
        let e = matrix_from_rows("w", &ok[..3]).unwrap_err();
        assert_eq!(
            e,
            SynergyError::WrongShape {
                parameter: "w".into(),
                expected: "4×4",
                found: "3 rows".into()
            }
        );
        let mut ragged = ok.clone();
        ragged[2].push(1.0);
        let e = matrix_from_rows("boost", &ragged).unwrap_err();
        assert!(e.to_string().contains("row 3 with 5 entries"), "{e}");
        let mut empty = ok;
        empty[0].clear();
        assert!(matrix_from_rows("w", &empty).is_err());
        assert!(vector_from_slice("alpha", &[0.1, 0.2]).is_err());
        assert_eq!(vector_from_slice("alpha", &[1, 2, 3, 4]), Ok([1, 2, 3, 4]));
    }
}
