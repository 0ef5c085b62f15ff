//! What the tipping year is (model.md §5), and the plain computation of it
//! that the fast one is tested against.
//!
//! Year t is self-sustaining if, with every intervention switched off after
//! t (a_i(y) = 0 for y > t, communication included), every track is at or
//! above the [`TippingRule::level`] in year t + [`TippingRule::lookahead`].
//! What is already under way plays out: delayed activity from years ≤ t and
//! the repression impulses of interventions that started by t. The tipping
//! year is the first self-sustaining t in 1..=H; the counterfactual runs past
//! the horizon H when it has to.

use crate::{Drive, SynergyError, SynergyModel, Trajectory};

/// The settings of the tipping test (model.md §5): every track must be at
/// or above `level` in year t + `lookahead` of the world switched off after
/// t. [`TippingRule::default`] is model.md's rule, 50 years and 0.5.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TippingRule {
    /// How many years after the candidate year the test looks (whole years,
    /// 1..=[`TippingRule::MAX_LOOKAHEAD`]); 50 in model.md.
    pub lookahead: u32,
    /// The level every track must reach, in state units (0 = the area's
    /// baseline, 1 = the national norm), strictly between 0 and 1; 0.5 in
    /// model.md (half way to the national norm).
    pub level: f64,
}

impl TippingRule {
    /// model.md §5's rule: every track ≥ 0.5 fifty years after the stop.
    pub const MODEL: TippingRule = TippingRule {
        lookahead: 50,
        level: 0.5,
    };

    /// The longest look-ahead allowed (years): the longest horizon a
    /// scenario may have, so a tipping run (H + look-ahead years) stays
    /// within twice that.
    pub const MAX_LOOKAHEAD: u32 = 200;

    /// Checks the look-ahead (1..=[`TippingRule::MAX_LOOKAHEAD`] years) and
    /// the level (in (0, 1)).
    pub fn validate(&self) -> Result<(), SynergyError> {
        if !(1..=Self::MAX_LOOKAHEAD).contains(&self.lookahead) {
            return Err(SynergyError::TippingLookahead {
                value: self.lookahead,
                max: Self::MAX_LOOKAHEAD,
            });
        }
        // Written so that NaN fails too.
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(SynergyError::TippingLevel { value: self.level });
        }
        Ok(())
    }

    /// Whether the track states `x` (of year t + look-ahead) meet the rule:
    /// every track at or above the level.
    #[inline]
    pub(crate) fn sustained(&self, x: &[f64; 4]) -> bool {
        x.iter().all(|&v| v >= self.level)
    }
}

impl Default for TippingRule {
    /// [`TippingRule::MODEL`].
    fn default() -> Self {
        Self::MODEL
    }
}

impl SynergyModel {
    /// The tipping rule this model tests with (`SynergyParams::tipping`).
    #[inline]
    pub(crate) fn rule(&self) -> &TippingRule {
        &self.p.tipping
    }

    /// The tipping year by the plain definition: one full simulation of
    /// t + look-ahead years per candidate t, no shortcuts. Slow; it is the
    /// reference that [`SynergyModel::run_mix`] is tested against.
    pub fn tipping_year_reference(&self, drives: &[Drive], horizon: u32) -> Option<u32> {
        let mut traj = Trajectory::new();
        (1..=horizon).find(|&t| {
            let end = t.saturating_add(self.rule().lookahead);
            self.simulate_into(drives, end, Some(t), &mut traj);
            self.rule().sustained(&traj.x(end))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_model_md() {
        assert_eq!(TippingRule::default().lookahead, 50);
        assert_eq!(TippingRule::default().level, 0.5);
        assert!(TippingRule::default().validate().is_ok());
    }

    #[test]
    fn bad_rules_are_rejected() {
        let with = |lookahead, level| TippingRule { lookahead, level }.validate();
        assert_eq!(
            with(0, 0.5),
            Err(SynergyError::TippingLookahead { value: 0, max: 200 })
        );
        assert_eq!(
            with(201, 0.5),
            Err(SynergyError::TippingLookahead {
                value: 201,
                max: 200
            })
        );
        assert!(with(1, 0.5).is_ok() && with(200, 0.5).is_ok());
        for level in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            let e = with(50, level).expect_err("rejected");
            assert_eq!(e.parameter(), Some("tipping.level"));
        }
        assert_eq!(
            with(50, 1.0).expect_err("rejected").to_string(),
            "tipping.level is 1, but must be in (0, 1) (state units)"
        );
        assert!(with(50, 1e-9).is_ok() && with(50, 0.999).is_ok());
    }
}
