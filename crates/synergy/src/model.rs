//! The validated synergy model and its yearly update (model.md §5), plus the
//! two functions the group model uses: the success multiplier and the inflow
//! drivers (model.md §3, §4).

use crate::exp::exp;
use crate::{Channel, Drive, SynergyParams, Track, Trajectory};

const HOUSING: usize = Track::Housing.index();

/// σ(z) = 1/(1 + e^−z).
pub(crate) fn sigma(z: f64) -> f64 {
    1.0 / (1.0 + exp(-z))
}

/// A validated synergy model (model.md §5); made by [`SynergyParams::validate`].
///
/// Deterministic: given the parameters and the drives it returns one
/// trajectory. The Monte Carlo engine supplies the uncertainty by sampling
/// parameters and validating a model per sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SynergyModel {
    pub(crate) p: SynergyParams,
    /// σ(−β_k θ_k): the logistic at zero drive, subtracted so that f_k(0) = 0.
    s0: [f64; 4],
    /// 1 − σ(−β_k θ_k), written σ(β_k θ_k) because that form keeps its
    /// precision for a steep threshold; ≥ 1/2 since θ ≥ 0.
    denom: [f64; 4],
    /// The largest off-diagonal lag: how far back the update reads.
    pub(crate) max_lag: u32,
    /// Per track k, the synergy terms the update adds, as (j, lag L_jk, W_jk)
    /// for j ≠ k with W_jk ≠ 0, in increasing j: the same terms in the same
    /// order as a scan of the whole matrix, so the sum is bit-identical,
    /// without re-testing the skipped entries every year.
    couplings: [[(usize, usize, f64); 3]; 4],
    /// How many entries of each `couplings` row are in use.
    n_couplings: [usize; 4],
}

impl SynergyModel {
    pub(crate) fn new_unchecked(p: SynergyParams) -> Self {
        let mut s0 = [0.0; 4];
        let mut denom = [0.0; 4];
        let mut max_lag = 1;
        let mut couplings = [[(0, 0, 0.0); 3]; 4];
        let mut n_couplings = [0; 4];
        for k in 0..4 {
            // Same expression as in `response` with D = 0, so f(0) is exactly 0.
            s0[k] = sigma(p.beta[k] * (0.0 - p.theta[k]));
            denom[k] = sigma(p.beta[k] * p.theta[k]);
            for j in 0..4 {
                if j != k {
                    max_lag = max_lag.max(p.lags[j][k]);
                    // Written as the skip in the old scan was (`w == 0.0`
                    // skips), so a NaN weight still enters the sum.
                    if p.w[j][k] != 0.0 {
                        couplings[k][n_couplings[k]] = (j, p.lags[j][k] as usize, p.w[j][k]);
                        n_couplings[k] += 1;
                    }
                }
            }
        }
        SynergyModel {
            p,
            s0,
            denom,
            max_lag,
            couplings,
            n_couplings,
        }
    }

    /// The parameters this model was validated from.
    pub fn params(&self) -> &SynergyParams {
        &self.p
    }

    /// f_k(D) = (σ(β_k(D − θ_k)) − σ(−β_k θ_k)) / (1 − σ(−β_k θ_k)): the
    /// critical-mass response of track `track` to a drive `d` (drive units).
    /// f(0) = 0, f → 1 for a large drive, f → −e^(−βθ) for a very negative one.
    pub fn response(&self, track: Track, d: f64) -> f64 {
        let k = track.index();
        self.response_k(k, d)
    }

    /// f_k(D) by track index; the tipping test bounds the update with this
    /// very expression.
    #[inline]
    pub(crate) fn response_k(&self, k: usize, d: f64) -> f64 {
        (sigma(self.p.beta[k] * (d - self.p.theta[k])) - self.s0[k]) / self.denom[k]
    }

    /// [`Self::response_k`] of every track at two drives each, `lo` and
    /// `hi` (the box test's bounds): the same operations per value, the
    /// eight exponentials first, then the divisions of all eight together,
    /// which the compiler does as vector divisions (a division gives the
    /// same bits in a vector lane as alone).
    #[inline]
    pub(crate) fn responses(&self, lo: &[f64; 4], hi: &[f64; 4]) -> ([f64; 4], [f64; 4]) {
        let p = &self.p;
        let mut e = [0.0; 8];
        for k in 0..4 {
            e[k] = exp(-(p.beta[k] * (lo[k] - p.theta[k])));
            e[4 + k] = exp(-(p.beta[k] * (hi[k] - p.theta[k])));
        }
        let mut f = [0.0; 8];
        for (i, (f, e)) in f.iter_mut().zip(e).enumerate() {
            let k = i % 4;
            *f = (1.0 / (1.0 + e) - self.s0[k]) / self.denom[k];
        }
        ([f[0], f[1], f[2], f[3]], [f[4], f[5], f[6], f[7]])
    }

    /// f_k'(0) = β_k σ(−β_k θ_k): the slope of the response at zero drive.
    pub fn response_slope_at_zero(&self, track: Track) -> f64 {
        let k = track.index();
        self.p.beta[k] * self.s0[k]
    }

    /// Simulates years 1..=`horizon` (a fresh allocation; see
    /// [`SynergyModel::simulate_into`] for the hot loop).
    pub fn simulate(&self, drives: &[Drive], horizon: u32) -> Trajectory {
        let mut out = Trajectory::new();
        self.simulate_into(drives, horizon, None, &mut out);
        out
    }

    /// Simulates years 1..=`horizon` into `out`, reusing its allocation.
    ///
    /// `stop_after`: if `Some(t)`, every intervention is switched off after
    /// year t (a_i(y) = 0 for y > t) while what is already under way plays out
    /// (delayed activity, repression of interventions that started by t); this
    /// is the counterfactual of the tipping test (model.md §5).
    ///
    /// Drives are not validated here (that is [`Drive::validate`]'s job, once
    /// per scenario); invalid values give meaningless numbers, never a panic.
    pub fn simulate_into(
        &self,
        drives: &[Drive],
        horizon: u32,
        stop_after: Option<u32>,
        out: &mut Trajectory,
    ) {
        out.reset(horizon, self.p.c0);
        for year in 1..=horizon {
            self.step(drives, stop_after, out, year);
        }
    }

    /// Appends year `year` to `traj`, which must hold years 0..year,
    /// evaluating every drive for that year: the plain definition, used by
    /// [`SynergyModel::simulate_into`] and the reference tipping test.
    pub(crate) fn step(
        &self,
        drives: &[Drive],
        stop_after: Option<u32>,
        traj: &mut Trajectory,
        year: u32,
    ) {
        let (input, talk) = self.inputs_at(drives, i64::from(year), stop_after);
        self.advance(&input, talk, traj, year);
    }

    /// The exogenous part of year `t`'s update: per track the drift plus
    /// Σ (w_i ā_i(t) − J_i(t)) over its drives, and the summed raw
    /// communication activity. Summed in drive order, starting from the drift
    /// and from 0: the tipping test's precomputed series add the same terms in
    /// the same order, which is what makes them bit-identical.
    pub(crate) fn inputs_at(
        &self,
        drives: &[Drive],
        t: i64,
        stop_after: Option<u32>,
    ) -> ([f64; 4], f64) {
        let mut input = self.p.drift;
        let mut communication = 0.0;
        for d in drives {
            match d.channel {
                Channel::Track(k) => {
                    input[k.index()] += d.weight * d.schedule.delayed_at(t, stop_after)
                        - d.repression_at(t, stop_after);
                }
                // Raw, undelayed activity, as model.md §5 writes it: trust is
                // built while the actors talk, not years later.
                Channel::Communication => communication += d.schedule.activity_at(t, stop_after),
            }
        }
        (input, communication)
    }

    /// Appends year `year` to `traj` (which must hold years 0..year) given
    /// that year's exogenous inputs from `SynergyModel::inputs_at` (or an
    /// identical precomputed copy): adds the synergy pull, applies the
    /// response and the drain, and updates coordination.
    #[inline]
    pub(crate) fn advance(
        &self,
        input: &[f64; 4],
        communication: f64,
        traj: &mut Trajectory,
        year: u32,
    ) {
        self.advance_lanes([input], [communication], [traj], [year]);
    }

    /// [`SynergyModel::advance`] for `L` independent runs at once: appends
    /// year `years[l]` to `trajs[l]` given that year's inputs `inputs[l]` and
    /// communication `communication[l]`. `advance` is its one-lane case, so
    /// every lane computes what a run alone computes (tested against
    /// `simulate` as well).
    ///
    /// One update is a chain of dependent steps (the lagged reads, four
    /// exponentials, two divisions, the drain and the clamp) that keeps the
    /// processor waiting more than working; written lane by lane inside each
    /// step, the lanes' chains run side by side, so two runs cost about
    /// 1.6 × one instead of 2 × (docs/performance.md).
    #[inline]
    pub(crate) fn advance_lanes<const L: usize>(
        &self,
        inputs: [&[f64; 4]; L],
        communication: [f64; L],
        trajs: [&mut Trajectory; L],
        years: [u32; L],
    ) {
        let p = &self.p;
        let mut prev = [[0.0; 4]; L];
        let mut c_prev = [0.0; L];
        let mut drive = inputs.map(|i| *i);
        for l in 0..L {
            let traj = &*trajs[l];
            let y = years[l] as usize;
            prev[l] = traj.x[y - 1];
            c_prev[l] = traj.c[y - 1];
            // c = 0 is the stovepipe world: skipping is exact and saves the lag lookups.
            if c_prev[l] != 0.0 {
                for (k, dk) in drive[l].iter_mut().enumerate() {
                    let mut pull = 0.0;
                    for &(j, lag, w) in &self.couplings[k][..self.n_couplings[k]] {
                        // x_j(t − L) = 0 for t − L ≤ 0, the baseline before the model starts.
                        if lag < y {
                            pull += w * traj.x[y - lag][j];
                        }
                    }
                    *dk += c_prev[l] * pull;
                }
            }
        }
        // `response_k` term by term, the exponentials first and back to back
        // (same operations, so the same bits): they are independent, and the
        // processor overlaps them better than one per track interleaved with
        // the rest of the update.
        let mut e = [[0.0; 4]; L];
        for l in 0..L {
            for k in 0..4 {
                e[l][k] = exp(-(p.beta[k] * (drive[l][k] - p.theta[k])));
            }
        }
        let mut next = [[0.0; 4]; L];
        for l in 0..L {
            let keep_housing = 1.0 - p.eta * prev[l][HOUSING].max(0.0);
            for k in 0..4 {
                let f = (1.0 / (1.0 + e[l][k]) - self.s0[k]) / self.denom[k];
                let drain = p.turnover[k] * keep_housing;
                let x = prev[l][k];
                next[l][k] = (x + p.alpha[k] * (f - x) - drain * x).clamp(-1.0, 1.0);
            }
        }
        for (l, traj) in trajs.into_iter().enumerate() {
            traj.x.push(next[l]);
            traj.c
                .push(self.next_coordination(c_prev[l], communication[l]));
        }
    }

    /// c(t) from c(t − 1) and the summed raw communication activity of year t.
    /// It does not depend on the track states; with no communication it never
    /// rises, which the tipping test's box bound relies on.
    #[inline]
    pub(crate) fn next_coordination(&self, c_prev: f64, communication: f64) -> f64 {
        let p = &self.p;
        let talk = communication.clamp(0.0, 1.0);
        (c_prev + p.kappa_up * talk * (1.0 - c_prev) - p.kappa_down * c_prev).clamp(0.0, 1.0)
    }

    /// p_i(t) = clamp(p · (1 + Σ_k γ\[track\]\[k\] · x_k), 0, 1): the success
    /// probability of an intervention on `track` with base probability `p`
    /// (share 0–1) when the track states are `x` (model.md §4). Pass x(t).
    pub fn success_probability(&self, p: f64, track: Track, x: &[f64; 4]) -> f64 {
        let g = &self.p.boost[track.index()];
        let lift: f64 = g.iter().zip(x).map(|(g, x)| g * x).sum();
        (p * (1.0 + lift)).clamp(0.0, 1.0)
    }
}

/// max(0, 1 − φ · x): the factor on a group's inflow from one inflow driver
/// (model.md §3); a group's drivers multiply. `phi` is the driver's φ (inflow
/// share removed per unit of track state); `x_lagged` is its track's state
/// x(t − L) at the driver's own lag, which the caller reads from the
/// trajectory. A track below baseline raises the inflow (factor > 1 when
/// φ > 0 and x < 0).
pub fn inflow_driver_factor(phi: f64, x_lagged: f64) -> f64 {
    (1.0 - phi * x_lagged).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schedule;

    #[test]
    fn response_is_zero_at_zero_and_rises_to_one() {
        let m = SynergyParams {
            theta: [0.0, 0.5, 2.0, 10.0],
            ..Default::default()
        }
        .validate()
        .unwrap();
        for k in Track::ALL {
            assert_eq!(m.response(k, 0.0), 0.0);
            assert!(m.response(k, 1e6) > 0.999_999);
            assert!(m.response(k, 0.1) > 0.0 && m.response(k, -0.1) < 0.0);
        }
        // Default β = 6, θ = 0.5: the numbers quoted in the Default docs.
        let d = SynergyParams::default().validate().unwrap();
        assert!((d.response(Track::School, 1.0) - 0.950).abs() < 5e-4);
        assert!((d.response(Track::School, 0.5) - 0.475).abs() < 5e-4);
        assert!((d.response(Track::School, 0.1) - 0.0375).abs() < 5e-4);
        // Slope at zero: finite difference against β σ(−βθ).
        let h = 1e-6;
        let fd = (d.response(Track::School, h) - d.response(Track::School, -h)) / (2.0 * h);
        assert!((fd - d.response_slope_at_zero(Track::School)).abs() < 1e-6);
    }

    #[test]
    fn success_probability_and_inflow_factor() {
        let mut p = SynergyParams::default();
        p.boost[Track::Labour.index()] = [0.5, 0.0, 0.0, 1.0];
        let m = p.validate().unwrap();
        let x = [0.4, 0.9, 0.9, 0.2];
        assert!((m.success_probability(0.5, Track::Labour, &x) - 0.5 * 1.4).abs() < 1e-12);
        assert_eq!(m.success_probability(0.5, Track::School, &x), 0.5);
        assert_eq!(m.success_probability(0.9, Track::Labour, &[1.0; 4]), 1.0);
        assert_eq!(m.success_probability(0.9, Track::Labour, &[-1.0; 4]), 0.0);
        assert!((inflow_driver_factor(0.5, 0.4) - 0.8).abs() < 1e-12);
        assert_eq!(inflow_driver_factor(0.0, 1.0), 1.0);
        assert_eq!(inflow_driver_factor(2.0, 1.0), 0.0);
        assert!((inflow_driver_factor(0.5, -0.5) - 1.25).abs() < 1e-12);
    }

    #[test]
    fn no_drives_no_drift_stays_at_baseline() {
        let m = SynergyParams::default().validate().unwrap();
        let tr = m.simulate(&[], 20);
        assert_eq!(tr.horizon(), 20);
        assert!(tr.states().iter().all(|x| *x == [0.0; 4]));
        // Coordination decays from c0 with κ_down.
        assert!((tr.coordination(1) - 0.45).abs() < 1e-12);
        let talk = [Drive::new(Channel::Communication, Schedule::new(1, 20))];
        let tr = m.simulate(&talk, 20);
        // Fixed point κ_up / (κ_up + κ_down) = 5/6.
        assert!((tr.coordination(20) - 5.0 / 6.0).abs() < 1e-6);
    }

    #[test]
    fn negative_drift_slides() {
        let m = SynergyParams {
            drift: [-0.3; 4],
            ..Default::default()
        }
        .validate()
        .unwrap();
        let tr = m.simulate(&[], 30);
        assert!(tr.x(30).iter().all(|&x| x < 0.0));
    }
}
