//! Intervention activity a_i(t), its delayed form ā_i(t), repression impulses
//! J_i(t) and the [`Drive`] that ties them to a channel (model.md §4).

use crate::error::check;
use crate::{Channel, SynergyError};

/// When and how strongly an intervention is active (model.md §4).
///
/// Years are whole model years t = 1..H; year 1 is the first simulated year.
///
/// a_i(t) = 0 before `start`; u · min(1, (t − s + 1)/R) while active
/// (s ≤ t < s + D); after the last active year `end = s + D − 1` it decays as
/// a_i(end) · (1 − λ)^(t − end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// s: the first active year (whole year, ≥ 1).
    pub start: u32,
    /// D: number of active (investment) years. 0 means the intervention never acts.
    pub duration: u32,
    /// u: the intensity, 1 = the planned scale (dimensionless, ≥ 0).
    pub intensity: f64,
    /// R: years to reach full strength (> 0; 1 = full strength in the first year).
    pub ramp: f64,
    /// λ: share of strength lost per year after the last active year, in [0, 1]
    /// (1 = the effect stops with the intervention, 0 = it never fades).
    pub decay: f64,
    /// δ: delay in years (real, ≥ 0) between activity and its effect on the
    /// track; fractional delays interpolate linearly between whole years.
    pub delay: f64,
}

impl Default for Schedule {
    /// Year 1, one year, the model.md §4 defaults: intensity 1, ramp 1, decay 1, delay 0.
    fn default() -> Self {
        Schedule {
            start: 1,
            duration: 1,
            intensity: 1.0,
            ramp: 1.0,
            decay: 1.0,
            delay: 0.0,
        }
    }
}

impl Schedule {
    /// A schedule from `start` for `duration` years with the model.md §4
    /// defaults for everything else (intensity 1, ramp 1, decay 1, delay 0).
    pub fn new(start: u32, duration: u32) -> Self {
        Schedule {
            start,
            duration,
            ..Schedule::default()
        }
    }

    /// Checks every field against its valid range.
    pub fn validate(&self) -> Result<(), SynergyError> {
        if self.start < 1 {
            return Err(SynergyError::IntegerOutOfRange {
                parameter: "start".into(),
                value: u64::from(self.start),
                range: "at least 1 (year 1 is the first model year)",
            });
        }
        let i = self.intensity;
        check(|| "intensity".into(), i, i >= 0.0, "finite and ≥ 0")?;
        let r = self.ramp;
        check(
            || "ramp".into(),
            r,
            r > 0.0,
            "finite and > 0 (years to full strength)",
        )?;
        let l = self.decay;
        check(
            || "decay".into(),
            l,
            (0.0..=1.0).contains(&l),
            "in [0, 1] (share lost per year)",
        )?;
        let d = self.delay;
        check(|| "delay".into(), d, d >= 0.0, "finite and ≥ 0 (years)")?;
        Ok(())
    }

    /// The last active year s + D − 1 (may be s − 1 when D = 0).
    fn end(&self) -> i64 {
        i64::from(self.start) + i64::from(self.duration) - 1
    }

    fn ramped(&self, t: i64) -> f64 {
        let years_in = (t - i64::from(self.start) + 1) as f64;
        self.intensity * (years_in / self.ramp).min(1.0)
    }

    /// a_i(t) with a_i(y) = 0 for y > `stop_after`; the workhorse behind the
    /// public accessors. i64 so that shifted years cannot overflow.
    pub(crate) fn activity_at(&self, t: i64, stop_after: Option<u32>) -> f64 {
        if t <= 0 || t < i64::from(self.start) || self.duration == 0 {
            return 0.0;
        }
        if let Some(stop) = stop_after
            && t > i64::from(stop)
        {
            return 0.0;
        }
        let end = self.end();
        if t <= end {
            return self.ramped(t);
        }
        let keep = 1.0 - self.decay;
        if keep == 0.0 {
            return 0.0;
        }
        let n = t - end;
        let factor = match i32::try_from(n) {
            Ok(n) => keep.powi(n),
            Err(_) => keep.powf(n as f64),
        };
        self.ramped(end) * factor
    }

    /// ā_i(t) = a_i(t − δ) with linear interpolation between whole years, and
    /// a_i(y) = 0 for y > `stop_after`.
    pub(crate) fn delayed_at(&self, t: i64, stop_after: Option<u32>) -> f64 {
        let (whole, frac) = self.delay_parts();
        let base = t.saturating_sub(whole);
        let now = self.activity_at(base, stop_after);
        interpolate(frac, now, || {
            self.activity_at(base.saturating_sub(1), stop_after)
        })
    }

    /// δ split into ⌊δ⌋ as whole years and the fraction φ = δ − ⌊δ⌋: ā(t)
    /// reads a(t − ⌊δ⌋) and, for φ ≠ 0, a(t − ⌊δ⌋ − 1). `as` saturates, so an
    /// absurd delay just puts the effect beyond any horizon.
    #[inline]
    pub(crate) fn delay_parts(&self) -> (i64, f64) {
        let whole = self.delay.floor();
        (whole as i64, self.delay - whole)
    }

    /// a_i(t): the raw activity in year `t` (model.md §4); 0 in year 0 and before `start`.
    pub fn activity(&self, t: u32) -> f64 {
        self.activity_at(i64::from(t), None)
    }

    /// a_i(t) in a world where the intervention is switched off after year
    /// `stop_after` (a_i(y) = 0 for y > stop_after), as in the tipping test of
    /// model.md §5. `None` means never switched off.
    pub fn activity_until(&self, t: u32, stop_after: Option<u32>) -> f64 {
        self.activity_at(i64::from(t), stop_after)
    }

    /// ā_i(t) = a_i(t − δ): the delayed activity that reaches the track in
    /// year `t`, interpolating linearly between the two neighbouring whole
    /// years for a fractional delay (model.md §4).
    pub fn delayed(&self, t: u32) -> f64 {
        self.delayed_at(i64::from(t), None)
    }

    /// ā_i(t) computed from [`Schedule::activity_until`]: what still arrives
    /// in year `t` from activity up to `stop_after`.
    pub fn delayed_until(&self, t: u32, stop_after: Option<u32>) -> f64 {
        self.delayed_at(i64::from(t), stop_after)
    }

    /// Whether `t` is an investment year: s ≤ t < s + D.
    pub fn is_active(&self, t: u32) -> bool {
        self.start <= t && u64::from(t) < u64::from(self.start) + u64::from(self.duration)
    }

    /// The last year with non-zero raw activity if the intervention is switched
    /// off after `stop_after`: 0 if it never acts, `u64::MAX` if its activity
    /// never reaches exactly zero (decay < 1 and no stop).
    pub(crate) fn last_nonzero_year(&self, stop_after: Option<u32>) -> u64 {
        if self.duration == 0 || self.intensity == 0.0 {
            return 0;
        }
        let start = u64::from(self.start);
        let natural = if self.decay >= 1.0 {
            start + u64::from(self.duration) - 1
        } else {
            u64::MAX
        };
        match stop_after {
            Some(stop) if u64::from(stop) < start => 0,
            Some(stop) => natural.min(u64::from(stop)),
            None => natural,
        }
    }

    /// The first year from which the delayed activity ā_i is exactly zero for
    /// ever, given [`Schedule::last_nonzero_year`] = `last` (`u64::MAX` = never).
    pub(crate) fn delayed_quiet_from(&self, last: u64) -> u64 {
        if last == 0 {
            return 0;
        }
        let whole = self.delay.floor();
        let extra = if self.delay > whole { 2 } else { 1 };
        // ā(y) reads a(y − ⌊δ⌋) and, for a fractional delay, a(y − ⌊δ⌋ − 1).
        last.saturating_add(whole as u64).saturating_add(extra)
    }
}

/// The one definition of the interpolation in ā, given the fraction φ of the
/// delay: `now` = a(t − ⌊δ⌋), `before` = a(t − ⌊δ⌋ − 1), read only for φ ≠ 0.
/// The tipping test's precomputed series call this too, so they agree with
/// [`Schedule::delayed_until`] bit for bit.
#[inline]
pub(crate) fn interpolate(frac: f64, now: f64, before: impl FnOnce() -> f64) -> f64 {
    if frac == 0.0 {
        now
    } else {
        (1.0 - frac) * now + frac * before()
    }
}

/// A "worse before better" impulse (model.md §4): removing gang leaders starts
/// a fight over the top spot, so the track's drive first falls.
///
/// J_i(t) = u · h · z · e^(1 − z) with z = (t − s + 1)/τ for t ≥ s, else 0;
/// it peaks at u · h in year s + τ − 1 and, being a consequence of having
/// acted, runs its course even after the intervention ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Repression {
    /// h: the peak of the impulse, in units of track drive (≥ 0); subtracted from the drive.
    pub height: f64,
    /// τ: years from the start to the peak (> 0, real).
    pub time_to_peak: f64,
}

impl Repression {
    /// Checks both fields against their valid ranges.
    pub fn validate(&self) -> Result<(), SynergyError> {
        let h = self.height;
        check(
            || "repression.height".into(),
            h,
            h >= 0.0,
            "finite and ≥ 0 (drive units)",
        )?;
        let tau = self.time_to_peak;
        check(
            || "repression.time_to_peak".into(),
            tau,
            tau > 0.0,
            "finite and > 0 (years)",
        )?;
        Ok(())
    }

    /// h · z · e^(1 − z) for year `t` of an impulse that started in year
    /// `start` (without the intensity factor); 0 before `start`.
    pub fn shape(&self, start: u32, t: u32) -> f64 {
        self.shape_at(start, i64::from(t))
    }

    /// [`Repression::shape`] for any whole year (0 before `start`).
    pub(crate) fn shape_at(&self, start: u32, t: i64) -> f64 {
        if t < i64::from(start) {
            return 0.0;
        }
        let z = (t - i64::from(start) + 1) as f64 / self.time_to_peak;
        self.height * z * crate::exp::exp(1.0 - z)
    }
}

/// One intervention as the synergy model sees it: where it acts, how much
/// one unit of its activity moves the drive, when it is active, and an
/// optional repression impulse (model.md §4, §5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drive {
    /// The track it drives, or communication (which drives coordination c(t) only).
    pub channel: Channel,
    /// w_i: drive units per unit of delayed activity on its track (finite, any
    /// sign). Ignored on the communication channel, whose activity enters c(t)
    /// as min(1, Σ a_i(t)).
    pub weight: f64,
    /// When and how strongly it acts.
    pub schedule: Schedule,
    /// The optional "worse before better" impulse; only allowed on a track channel.
    pub repression: Option<Repression>,
}

impl Drive {
    /// A drive on `channel` with weight 1 and no repression.
    pub fn new(channel: impl Into<Channel>, schedule: Schedule) -> Self {
        Drive {
            channel: channel.into(),
            weight: 1.0,
            schedule,
            repression: None,
        }
    }

    /// Checks the weight, the schedule and the repression impulse.
    pub fn validate(&self) -> Result<(), SynergyError> {
        check(|| "weight".into(), self.weight, true, "finite")?;
        self.schedule.validate()?;
        if let Some(rep) = &self.repression {
            if self.channel == Channel::Communication {
                return Err(SynergyError::RepressionOnCommunication);
            }
            rep.validate()?;
        }
        Ok(())
    }

    /// Whether the repression impulse is under way in a world switched off
    /// after `stop_after`: only an intervention that actually acted (D ≥ 1 and
    /// s ≤ stop_after) triggers it.
    pub(crate) fn repression_applies(&self, stop_after: Option<u32>) -> bool {
        self.schedule.duration > 0 && stop_after.is_none_or(|stop| self.schedule.start <= stop)
    }

    /// u · J_i(t) in year `t` (0 without repression), given a stop after `stop_after`.
    pub(crate) fn repression_at(&self, t: i64, stop_after: Option<u32>) -> f64 {
        match &self.repression {
            Some(rep) if self.repression_applies(stop_after) => {
                self.schedule.intensity * rep.shape_at(self.schedule.start, t)
            }
            _ => 0.0,
        }
    }

    /// u · J_i(t): the repression impulse this drive subtracts from its
    /// track's drive in year `t` (0 without repression), in drive units.
    pub fn repression_impulse(&self, t: u32) -> f64 {
        self.repression_at(i64::from(t), None)
    }

    /// Whether the repression term can be non-zero in some future year
    /// (it decays exponentially but never reaches exactly zero).
    pub(crate) fn repression_never_quiet(&self, stop_after: Option<u32>) -> bool {
        match &self.repression {
            Some(rep) => {
                self.repression_applies(stop_after)
                    && rep.height != 0.0
                    && self.schedule.intensity != 0.0
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Track;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn activity_follows_ramp_and_decay() {
        let s = Schedule {
            start: 3,
            duration: 4,
            intensity: 2.0,
            ramp: 2.0,
            decay: 0.5,
            delay: 0.0,
        };
        let a: Vec<f64> = (0..=10).map(|t| s.activity(t)).collect();
        // t = 0, 1, 2: nothing; 3: half strength; 4..6: full; then halves.
        let want = [0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0, 1.0, 0.5, 0.25, 0.125];
        for (got, want) in a.iter().zip(want) {
            assert!(close(*got, want), "{a:?}");
        }
        assert!(!s.is_active(2) && s.is_active(3) && s.is_active(6) && !s.is_active(7));
        assert_eq!(s.activity_until(8, Some(7)), 0.0);
        assert_eq!(s.activity_until(7, Some(7)), 1.0);
    }

    #[test]
    fn decay_one_stops_and_duration_zero_never_acts() {
        let s = Schedule::new(2, 3);
        assert_eq!(s.activity(4), 1.0);
        assert_eq!(s.activity(5), 0.0);
        let never = Schedule::new(2, 0);
        assert!((0..10).all(|t| never.activity(t) == 0.0 && !never.is_active(t)));
        assert_eq!(s.last_nonzero_year(None), 4);
        assert_eq!(s.last_nonzero_year(Some(3)), 3);
        assert_eq!(s.last_nonzero_year(Some(1)), 0);
        assert_eq!(never.last_nonzero_year(None), 0);
    }

    #[test]
    fn fractional_delay_interpolates() {
        let s = Schedule {
            delay: 1.25,
            ramp: 3.0,
            ..Schedule::new(1, 5)
        };
        // a = 1/3, 2/3, 1, 1, 1 for years 1..5.
        assert!(close(s.delayed(2), 0.75 * (1.0 / 3.0)));
        assert!(close(s.delayed(3), 0.75 * (2.0 / 3.0) + 0.25 * (1.0 / 3.0)));
        assert_eq!(s.delayed(1), 0.0);
        assert!(close(s.delayed(6), 1.0));
        assert!(close(s.delayed(7), 0.25));
        assert_eq!(s.delayed(8), 0.0);
        assert_eq!(s.delayed_quiet_from(s.last_nonzero_year(None)), 8);
        let int = Schedule { delay: 2.0, ..s };
        assert_eq!(int.delayed(4), s.activity(2));
        assert_eq!(int.delayed_quiet_from(5), 8);
    }

    #[test]
    fn repression_peaks_at_height_times_intensity() {
        let mut d = Drive::new(
            Track::Safety,
            Schedule {
                intensity: 2.0,
                ..Schedule::new(3, 1)
            },
        );
        d.repression = Some(Repression {
            height: 0.5,
            time_to_peak: 2.0,
        });
        assert_eq!(d.repression_impulse(2), 0.0);
        assert!(close(d.repression_impulse(4), 1.0));
        assert!(d.repression_impulse(3) < 1.0 && d.repression_impulse(5) < 1.0);
        // Runs its course after the one active year.
        assert!(d.repression_impulse(10) > 0.0);
        // Not triggered if switched off before it started.
        assert_eq!(d.repression_at(4, Some(2)), 0.0);
        assert!(close(d.repression_at(4, Some(3)), 1.0));
    }

    #[test]
    fn validation_names_the_field() {
        let bad = Schedule {
            ramp: 0.0,
            ..Schedule::default()
        };
        assert_eq!(bad.validate().unwrap_err().parameter(), Some("ramp"));
        let bad = Schedule {
            decay: 1.5,
            ..Schedule::default()
        };
        assert_eq!(bad.validate().unwrap_err().parameter(), Some("decay"));
        let bad = Schedule {
            delay: -0.1,
            ..Schedule::default()
        };
        assert_eq!(bad.validate().unwrap_err().parameter(), Some("delay"));
        let bad = Schedule {
            start: 0,
            ..Schedule::default()
        };
        assert_eq!(bad.validate().unwrap_err().parameter(), Some("start"));
        let bad = Schedule {
            intensity: f64::NAN,
            ..Schedule::default()
        };
        assert_eq!(bad.validate().unwrap_err().parameter(), Some("intensity"));
        let mut d = Drive::new(Channel::Communication, Schedule::default());
        assert!(d.validate().is_ok());
        d.repression = Some(Repression {
            height: 1.0,
            time_to_peak: 1.0,
        });
        assert_eq!(d.validate(), Err(SynergyError::RepressionOnCommunication));
        d.channel = Channel::Track(Track::Safety);
        d.repression = Some(Repression {
            height: 1.0,
            time_to_peak: 0.0,
        });
        assert_eq!(
            d.validate().unwrap_err().parameter(),
            Some("repression.time_to_peak")
        );
    }
}
