//! Precomputed inputs (shortcut 1): each drive's series evaluated once per
//! run, summed per track and year, and cached across runs.

use crate::schedule::interpolate;
use crate::{Channel, Drive, SynergyModel};

use super::MixWorkspace;

impl MixWorkspace {
    /// Evaluates every drive once per year 0..=`end` (or takes its series
    /// from the cache, when the same drive was prepared recently) and sums
    /// the inputs per year, exactly as `SynergyModel::inputs_at` would (same
    /// terms, same order), so that neither the full run nor the tails
    /// evaluate a schedule per step.
    pub(super) fn prepare(&mut self, model: &SynergyModel, drives: &[Drive], end: u32) {
        let len = end as usize + 1;
        let n = drives.len();
        self.activity.clear();
        self.activity.resize(n * len, 0.0);
        self.impulse.clear();
        self.impulse.resize(n * len, 0.0);
        self.inputs.clear();
        self.inputs.resize(len, model.p.drift);
        self.talk.clear();
        self.talk.resize(len, 0.0);
        for (i, d) in drives.iter().enumerate() {
            let act = &mut self.activity[i * len..(i + 1) * len];
            let imp = &mut self.impulse[i * len..(i + 1) * len];
            self.series.fill(d, act, imp, &mut self.raw);
            match d.channel {
                Channel::Communication => {
                    for (a, talk) in act.iter().zip(&mut self.talk) {
                        *talk += *a;
                    }
                }
                Channel::Track(k) => {
                    let k = k.index();
                    let w = d.weight;
                    let rows = act.iter().zip(imp.iter()).zip(&mut self.inputs);
                    rows.for_each(|((a, j), input)| input[k] += w * a - j);
                }
            }
        }
    }

    /// Drive `i`'s untruncated activity and impulse series (years
    /// 0..=H + n), as `prepare` left them.
    pub(super) fn series_of(&self, i: usize) -> (&[f64], &[f64]) {
        let len = self.inputs.len();
        (
            &self.activity[i * len..(i + 1) * len],
            &self.impulse[i * len..(i + 1) * len],
        )
    }
}

/// Slots of [`SeriesCache`] (a power of two): far more than a sample's
/// distinct interventions, so they rarely share a slot.
const SERIES_SLOTS: usize = 64;

/// The per-drive series of [`MixWorkspace::prepare`] for recently seen
/// drives, keyed by everything they depend on, bit for bit (the channel's
/// kind, the schedule, the repression, the series length; not the weight or
/// the track, which only enter the sums). Direct-mapped: a key's hash picks
/// one slot, and a drive whose slot holds another key is computed and takes
/// the slot. A hit copies exactly what a miss computes.
#[derive(Debug, Clone, Default)]
pub(super) struct SeriesCache {
    slots: Vec<Option<CachedSeries>>,
}

#[derive(Debug, Clone)]
struct CachedSeries {
    key: [u64; 10],
    activity: Vec<f64>,
    impulse: Vec<f64>,
}

impl SeriesCache {
    /// Fills `act` and `imp` (years 0..len, len = their length) with `d`'s
    /// delayed activity (raw activity for communication) and repression
    /// impulse, from the cache or computed and then cached.
    fn fill(&mut self, d: &Drive, act: &mut [f64], imp: &mut [f64], raw: &mut Vec<f64>) {
        let key = series_key(d, act.len());
        if self.slots.len() != SERIES_SLOTS {
            self.slots = vec![None; SERIES_SLOTS];
        }
        // FNV-1a over the key's words: any mix will do, it only picks a slot.
        let hash = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &w| {
            (h ^ w).wrapping_mul(0x0000_0100_0000_01b3)
        });
        let slot = &mut self.slots[(hash ^ (hash >> 32)) as usize & (SERIES_SLOTS - 1)];
        match slot {
            Some(e) if e.key == key => {
                act.copy_from_slice(&e.activity);
                imp.copy_from_slice(&e.impulse);
            }
            Some(e) => {
                drive_series(d, act, imp, raw);
                e.key = key;
                e.activity.clear();
                e.activity.extend_from_slice(act);
                e.impulse.clear();
                e.impulse.extend_from_slice(imp);
            }
            None => {
                drive_series(d, act, imp, raw);
                *slot = Some(CachedSeries {
                    key,
                    activity: act.to_vec(),
                    impulse: imp.to_vec(),
                });
            }
        }
    }
}

/// Everything [`drive_series`] reads, bit for bit, and the series length.
fn series_key(d: &Drive, len: usize) -> [u64; 10] {
    let s = &d.schedule;
    let (rep, height, peak) = match &d.repression {
        Some(r) => (1, r.height.to_bits(), r.time_to_peak.to_bits()),
        None => (0, 0, 0),
    };
    let comm = u64::from(matches!(d.channel, Channel::Communication));
    [
        len as u64,
        comm | (rep << 1),
        u64::from(s.start) | (u64::from(s.duration) << 32),
        s.intensity.to_bits(),
        s.ramp.to_bits(),
        s.decay.to_bits(),
        s.delay.to_bits(),
        height,
        peak,
        0,
    ]
}

/// One drive's series for years 0..len (len = `act.len()` = `imp.len()`):
/// the untruncated delayed activity ā(y) of a track drive (the raw
/// activity a(y) of a communication drive) into `act`, its repression
/// impulse u·J(y) (0 without repression) into `imp`. `raw` is scratch.
fn drive_series(d: &Drive, act: &mut [f64], imp: &mut [f64], raw: &mut Vec<f64>) {
    let len = act.len();
    match d.channel {
        Channel::Communication => {
            for (y, a) in act.iter_mut().enumerate() {
                *a = d.schedule.activity_at(y as i64, None);
            }
            imp.fill(0.0);
        }
        Channel::Track(_) => {
            // ā from the raw series, exactly as `delayed_at` reads it (same
            // reads, same interpolation), without re-deriving the delay's
            // parts and the activity every year.
            raw.clear();
            raw.extend((0..len).map(|b| d.schedule.activity_at(b as i64, None)));
            let a_at = |b: i64| match usize::try_from(b) {
                Ok(b) if b < len => raw[b],
                _ => d.schedule.activity_at(b, None),
            };
            let (whole, frac) = d.schedule.delay_parts();
            for (y, a) in act.iter_mut().enumerate() {
                let base = (y as i64).saturating_sub(whole);
                *a = interpolate(frac, a_at(base), || a_at(base.saturating_sub(1)));
            }
            // Without repression `repression_at` is exactly 0.0.
            if d.repression.is_some() {
                for (y, j) in imp.iter_mut().enumerate() {
                    *j = d.repression_at(y as i64, None);
                }
            } else {
                imp.fill(0.0);
            }
        }
    }
}
