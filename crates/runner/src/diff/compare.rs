//! Comparing two runs of a scenario, number by number, against their
//! Monte Carlo error.

use std::collections::BTreeMap;

use serde::Serialize;

use super::read::{Estimate, MixSummary, RunSummary};

/// What happened to one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Identical to the bit (or undefined in both).
    Unchanged,
    /// Different, but by no more than `threshold` standard errors.
    WithinNoise,
    /// Different by more than `threshold` standard errors, or defined in
    /// one run only.
    Changed,
    /// The runs are not comparable; the numbers are shown, not judged.
    NotCompared,
}

/// One number in both runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// In the old run.
    pub old: Option<f64>,
    /// In the new run.
    pub new: Option<f64>,
    /// new − old.
    pub change: Option<f64>,
    /// Standard error of the change, √(se_old² + se_new²).
    pub se: Option<f64>,
    /// |change| / se (null when se is 0 or unknown).
    pub z: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
}

impl Difference {
    fn new(
        (old, se_old): (Option<f64>, Option<f64>),
        (new, se_new): (Option<f64>, Option<f64>),
        threshold: f64,
        compared: bool,
    ) -> Difference {
        let (change, se, z, verdict) = match (old, new) {
            (Some(a), Some(b)) => {
                let change = b - a;
                let se = (se_old.unwrap_or(0.0).powi(2) + se_new.unwrap_or(0.0).powi(2)).sqrt();
                let z = (se > 0.0).then(|| change.abs() / se);
                let verdict = if a.to_bits() == b.to_bits() {
                    Verdict::Unchanged
                } else if !compared {
                    Verdict::NotCompared
                } else if z.is_none_or(|z| z > threshold) {
                    Verdict::Changed
                } else {
                    Verdict::WithinNoise
                };
                (Some(change), Some(se), z, verdict)
            }
            (None, None) => (None, None, None, Verdict::Unchanged),
            _ if !compared => (None, None, None, Verdict::NotCompared),
            _ => (None, None, None, Verdict::Changed),
        };
        Difference {
            old,
            new,
            change,
            se,
            z,
            verdict,
        }
    }

    /// A share p estimated from n samples has standard error √(p(1−p)/n).
    fn of_shares(
        old: (Option<f64>, Option<u64>),
        new: (Option<f64>, Option<u64>),
        threshold: f64,
        compared: bool,
    ) -> Difference {
        let se = |(p, n): (Option<f64>, Option<u64>)| {
            p.zip(n)
                .map(|(p, n)| (p * (1.0 - p) / n.max(1) as f64).max(0.0).sqrt())
        };
        Difference::new((old.0, se(old)), (new.0, se(new)), threshold, compared)
    }

    fn of_estimates(old: &Estimate, new: &Estimate, threshold: f64, compared: bool) -> Difference {
        Difference::new((old.mean, old.se), (new.mean, new.se), threshold, compared)
    }

    /// Whether this counts as a change.
    pub fn changed(&self) -> bool {
        self.verdict == Verdict::Changed
    }
}

/// A year figure (payback, tipping): its median in both runs, judged by
/// its mean and the mean's standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearChange {
    /// Median in the old run (null: beyond the horizon).
    pub old_p50: Option<f64>,
    /// Median in the new run.
    pub new_p50: Option<f64>,
    /// The mean's difference, with its verdict.
    pub mean: Difference,
}

impl YearChange {
    fn new(old: &Estimate, new: &Estimate, threshold: f64, compared: bool) -> YearChange {
        YearChange {
            old_p50: old.p50,
            new_p50: new.p50,
            mean: Difference::of_estimates(old, new, threshold, compared),
        }
    }

    /// Whether the median moved and the mean moved beyond noise.
    pub fn moved(&self) -> bool {
        self.old_p50 != self.new_p50 && self.mean.changed()
    }
}

/// One mix in both runs.
#[derive(Debug, Clone, Serialize)]
pub struct MixDiff {
    /// The mix.
    pub mix: String,
    /// Total NPV, SEK.
    pub npv: Difference,
    /// NPV per actor, SEK.
    pub npv_by_actor: BTreeMap<String, Difference>,
    /// P(best), share.
    pub p_best: Difference,
    /// P(NPV > 0), share.
    pub p_npv_positive: Difference,
    /// Payback year of the total.
    pub payback_year: YearChange,
    /// Payback year per actor.
    pub payback_by_actor: BTreeMap<String, YearChange>,
    /// Tipping year.
    pub tipping_year: YearChange,
}

impl MixDiff {
    /// Whether any of its numbers changed beyond noise.
    pub fn changed(&self) -> bool {
        self.npv.changed()
            || self.p_best.changed()
            || self.p_npv_positive.changed()
            || self.npv_by_actor.values().any(Difference::changed)
            || self.payback_year.moved()
            || self.tipping_year.moved()
            || self.payback_by_actor.values().any(YearChange::moved)
    }
}

/// Whether two runs can be compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "reasons")]
pub enum Comparability {
    /// Same seed, samples and method: the runs share their random numbers.
    SameSettings,
    /// Different seeds, sample counts or methods: compared as independent
    /// runs (each side's noise counts); the reasons say what differs.
    IndependentRuns(Vec<String>),
    /// Different horizons or actors: NPVs measure different things; the
    /// numbers are shown but not judged.
    NotComparable(Vec<String>),
}

/// The best mix (highest mean total NPV) in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestChange {
    /// In the old run.
    pub old: Option<String>,
    /// In the new run.
    pub new: Option<String>,
    /// P(best) of the old run's best mix, in the old run.
    pub old_p_best: Option<f64>,
    /// P(best) of the new run's best mix, in the new run.
    pub new_p_best: Option<f64>,
}

impl BestChange {
    /// Whether the best mix is another one.
    pub fn changed(&self) -> bool {
        self.old != self.new
    }
}

/// One scenario in both runs.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioDiff {
    /// Its result folder's name.
    pub folder: String,
    /// The scenario's name (the new run's).
    pub scenario: String,
    /// Whether and how the runs compare.
    pub comparability: Comparability,
    /// Settings that differ but keep the runs comparable (the discount
    /// rate, say): a change of assumption, stated.
    pub notes: Vec<String>,
    /// The best mix.
    pub best: BestChange,
    /// Mixes in both, in the new run's order (do-nothing left out).
    pub mixes: Vec<MixDiff>,
    /// Mixes only in the old run.
    pub only_old: Vec<String>,
    /// Mixes only in the new run.
    pub only_new: Vec<String>,
}

impl ScenarioDiff {
    /// Whether anything changed beyond noise (a run that cannot be
    /// compared counts: a reviewer must look).
    pub fn changed(&self) -> bool {
        matches!(self.comparability, Comparability::NotComparable(_))
            || self.best.changed()
            || !self.only_old.is_empty()
            || !self.only_new.is_empty()
            || self.mixes.iter().any(MixDiff::changed)
    }
}

fn comparability(a: &RunSummary, b: &RunSummary) -> (Comparability, Vec<String>) {
    let mut hard = Vec::new();
    if a.horizon != b.horizon {
        hard.push(format!(
            "horizon {} → {} years",
            show(a.horizon),
            show(b.horizon)
        ));
    }
    if a.actors != b.actors {
        hard.push(format!(
            "actors [{}] → [{}]",
            a.actors.join(", "),
            b.actors.join(", ")
        ));
    }
    let mut soft = Vec::new();
    if a.seed != b.seed {
        soft.push(format!("seed {} → {}", show(a.seed), show(b.seed)));
    }
    if a.samples != b.samples {
        soft.push(format!("samples {} → {}", show(a.samples), show(b.samples)));
    }
    if a.method != b.method {
        soft.push(format!(
            "method {} → {}",
            a.method.as_deref().unwrap_or("?"),
            b.method.as_deref().unwrap_or("?")
        ));
    }
    let mut notes = Vec::new();
    if a.discount_rate != b.discount_rate {
        let pct = |r: Option<f64>| r.map_or("?".into(), |r| format!("{} %", r * 100.0));
        notes.push(format!(
            "discount rate {} → {}",
            pct(a.discount_rate),
            pct(b.discount_rate)
        ));
    }
    let c = if !hard.is_empty() {
        Comparability::NotComparable(hard)
    } else if !soft.is_empty() {
        Comparability::IndependentRuns(soft)
    } else {
        Comparability::SameSettings
    };
    (c, notes)
}

fn show<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("?".to_string(), |v| v.to_string())
}

fn best(r: &RunSummary) -> Option<&MixSummary> {
    r.mixes
        .iter()
        .filter(|m| m.npv.mean.is_some())
        .fold(None, |acc: Option<&MixSummary>, m| match acc {
            Some(b) if b.npv.mean >= m.npv.mean => Some(b),
            _ => Some(m),
        })
}

/// Compares the old and new summaries of the scenario in folder `folder`.
pub fn compare(folder: &str, old: &RunSummary, new: &RunSummary, threshold: f64) -> ScenarioDiff {
    let (comparability, notes) = comparability(old, new);
    let compared = !matches!(comparability, Comparability::NotComparable(_));
    let actors_of = |a: &BTreeMap<String, Estimate>, b: &BTreeMap<String, Estimate>| {
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let e = Estimate::default();
                (
                    k.clone(),
                    (
                        a.get(k).copied().unwrap_or(e),
                        b.get(k).copied().unwrap_or(e),
                    ),
                )
            })
            .collect::<Vec<_>>()
    };
    let mixes = new
        .mixes
        .iter()
        .skip(1)
        .filter_map(|n| {
            let o = old.mixes.iter().find(|o| o.name == n.name)?;
            Some(MixDiff {
                mix: n.name.clone(),
                npv: Difference::of_estimates(&o.npv, &n.npv, threshold, compared),
                npv_by_actor: actors_of(&o.npv_by_actor, &n.npv_by_actor)
                    .into_iter()
                    .map(|(k, (a, b))| (k, Difference::of_estimates(&a, &b, threshold, compared)))
                    .collect(),
                p_best: Difference::of_shares(
                    (o.p_best, old.samples),
                    (n.p_best, new.samples),
                    threshold,
                    compared,
                ),
                p_npv_positive: Difference::of_shares(
                    (o.p_npv_positive, old.samples),
                    (n.p_npv_positive, new.samples),
                    threshold,
                    compared,
                ),
                payback_year: YearChange::new(&o.payback, &n.payback, threshold, compared),
                payback_by_actor: actors_of(&o.payback_by_actor, &n.payback_by_actor)
                    .into_iter()
                    .map(|(k, (a, b))| (k, YearChange::new(&a, &b, threshold, compared)))
                    .collect(),
                tipping_year: YearChange::new(&o.tipping, &n.tipping, threshold, compared),
            })
        })
        .collect();
    let names =
        |r: &RunSummary| -> Vec<String> { r.mixes.iter().map(|m| m.name.clone()).collect() };
    let (old_names, new_names) = (names(old), names(new));
    let (ob, nb) = (best(old), best(new));
    ScenarioDiff {
        folder: folder.to_string(),
        scenario: new.scenario.clone(),
        comparability,
        notes,
        best: BestChange {
            old: ob.map(|m| m.name.clone()),
            new: nb.map(|m| m.name.clone()),
            old_p_best: ob.and_then(|m| m.p_best),
            new_p_best: nb.and_then(|m| m.p_best),
        },
        mixes,
        only_old: old_names
            .iter()
            .filter(|m| !new_names.contains(m))
            .cloned()
            .collect(),
        only_new: new_names
            .iter()
            .filter(|m| !old_names.contains(m))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_is_judged_against_both_standard_errors() {
        // 3 ± √(1 + 1) = z 2.12: within noise at 3, changed at 2.
        let d = Difference::new((Some(10.0), Some(1.0)), (Some(13.0), Some(1.0)), 3.0, true);
        assert_eq!(d.verdict, Verdict::WithinNoise);
        assert!((d.z.expect("z") - 3.0 / 2f64.sqrt()).abs() < 1e-12);
        let d = Difference::new((Some(10.0), Some(1.0)), (Some(13.0), Some(1.0)), 2.0, true);
        assert_eq!(d.verdict, Verdict::Changed);
        // Exact results (no noise) change with any difference; equal bits never do.
        let d = Difference::new((Some(1.0), None), (Some(1.0 + 1e-12), None), 3.0, true);
        assert_eq!(d.verdict, Verdict::Changed);
        let d = Difference::new((Some(1.0), Some(5.0)), (Some(1.0), Some(5.0)), 3.0, true);
        assert_eq!(d.verdict, Verdict::Unchanged);
        // Defined on one side only: a change; not compared: shown only.
        let d = Difference::new((None, None), (Some(4.0), Some(0.1)), 3.0, true);
        assert_eq!(d.verdict, Verdict::Changed);
        let d = Difference::new((Some(1.0), Some(0.1)), (Some(9.0), Some(0.1)), 3.0, false);
        assert_eq!(d.verdict, Verdict::NotCompared);
    }

    #[test]
    fn shares_have_binomial_errors() {
        // 0.5 of 100 samples: se 0.05 each; 0.6 − 0.5 = 0.1 over 0.0707.
        let d = Difference::of_shares((Some(0.5), Some(100)), (Some(0.6), Some(100)), 3.0, true);
        let se = d.se.expect("se");
        assert!((se - (0.5f64 * 0.5 / 100.0 + 0.6 * 0.4 / 100.0).sqrt()).abs() < 1e-12);
        assert_eq!(d.verdict, Verdict::WithinNoise);
    }
}
