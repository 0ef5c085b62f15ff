//! The output layout: which scalars and series the Monte Carlo engine tracks
//! for each mix, derived from the metric catalogue, and typed handles to
//! each cell.

use palett_montecarlo::{Contest, OutputLayout, SampleRecord, ScalarSpec, SeriesSpec};

use crate::metric::{KeyNames, Measure, Quantity};
use crate::names::DO_NOTHING;
use crate::scenario::Scenario;

/// A scalar output cell of the engine's layout (one quantity, key and mix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalarSlot(usize);

impl ScalarSlot {
    /// Index among the layout's scalars.
    pub fn index(self) -> usize {
        self.0
    }

    /// Sets this cell in one sample's record; `None` means undefined.
    #[inline]
    pub fn set(self, out: &mut SampleRecord, value: Option<f64>) {
        out.set_scalar(self.0, value);
    }
}

/// A series output of the engine's layout (one measure, key and mix; H cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesSlot(usize);

impl SeriesSlot {
    /// Index among the layout's series.
    pub fn index(self) -> usize {
        self.0
    }

    /// This series' cells (one per year) in one sample's record.
    #[inline]
    pub fn cells(self, out: &mut SampleRecord) -> &mut [f64] {
        out.series_mut(self.0)
    }
}

/// Where each output of one mix sits in the engine's layout, by quantity
/// and measure of the catalogue and key.
#[derive(Debug, Clone)]
pub struct MixSlots {
    /// Mix name.
    pub name: String,
    /// Per [`Quantity`] (catalogue order), per key.
    scalars: Vec<Vec<ScalarSlot>>,
    /// Per [`Measure`], per key; `None` where the series is zero by
    /// definition and so not tracked (see [`plan`]).
    series: Vec<Vec<Option<SeriesSlot>>>,
}

impl MixSlots {
    /// The cells of quantity `q`, one per key of its key set.
    #[inline]
    pub fn scalar(&self, q: Quantity) -> &[ScalarSlot] {
        &self.scalars[q.index()]
    }

    /// The series of measure `m`, one per key of its key set; `None` where
    /// the series is zero by definition.
    #[inline]
    pub fn series(&self, m: Measure) -> &[Option<SeriesSlot>] {
        &self.series[m.index()]
    }
}

/// The layout of all outputs of a scenario and the slots of each mix.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the engine tracks.
    pub layout: OutputLayout,
    /// Per mix, do-nothing first ([`Scenario::mix_names`] order).
    pub mixes: Vec<MixSlots>,
    /// The names of every key set's keys.
    pub keys: KeyNames,
}

impl Plan {
    /// The contest whose shares are P(best) of each mix (model.md §7).
    pub const P_BEST: usize = 0;
}

/// Builds the output layout for a scenario: every quantity of the
/// catalogue for every mix (do-nothing first), every measure's series, and
/// the P(best) contest over the mixes' total NPV.
///
/// Series that are zero by definition are not tracked, so they cost
/// nothing per sample (their summaries are zero): do-nothing's net,
/// investment, avoided cost and area effects; and the investment of an
/// actor whom no intervention of the mix charges anything.
/// `cum_baseline_pv` is the same series for every mix: tracked once, under
/// do-nothing, and shared.
pub fn plan(s: &Scenario) -> Plan {
    let h = s.horizon as usize;
    let keys = KeyNames::of_scenario(s);
    let mut scalars: Vec<ScalarSpec> = Vec::new();
    let mut series: Vec<SeriesSpec> = Vec::new();
    let mut mixes: Vec<MixSlots> = Vec::new();
    let mut baseline_series: Vec<Option<SeriesSlot>> = Vec::new();
    for (mi, m) in s.mix_names().into_iter().enumerate() {
        let is_baseline = mi == 0;
        // Actors that some intervention of the mix charges (fixed or per
        // case); everyone else's investment is 0 in every year and sample.
        let mut pays = vec![false; s.actors.len()];
        if !is_baseline {
            for e in &s.mixes[mi - 1].entries {
                let iv = &s.interventions[e.intervention];
                for (a, _) in iv.cost.iter().chain(&iv.cost_per_case) {
                    pays[a.0] = true;
                }
            }
        }
        let mix_scalars: Vec<Vec<ScalarSlot>> = Quantity::ALL
            .iter()
            .map(|q| {
                let def = q.def();
                keys.keys(def.keys)
                    .iter()
                    .map(|k| {
                        let name = if k.is_empty() {
                            format!("{m}/{}", def.name)
                        } else {
                            format!("{m}/{}/{k}", def.name)
                        };
                        scalars.push(ScalarSpec::new(name, def.missing));
                        ScalarSlot(scalars.len() - 1)
                    })
                    .collect()
            })
            .collect();
        let mix_series = Measure::ALL
            .iter()
            .map(|&measure| {
                let def = measure.def();
                let names = keys.keys(def.keys);
                if measure == Measure::CumBaselinePv && !is_baseline {
                    return baseline_series.clone();
                }
                let slots: Vec<Option<SeriesSlot>> = names
                    .iter()
                    .enumerate()
                    .map(|(i, k)| {
                        let zero = match measure {
                            Measure::CumNetPv | Measure::Avoided | Measure::AreaEffects => {
                                is_baseline
                            }
                            Measure::Investment => is_baseline || (i < pays.len() && !pays[i]),
                            Measure::CumBaselinePv | Measure::TrackState => false,
                        };
                        (!zero).then(|| {
                            series.push(SeriesSpec {
                                name: format!("{m}/{}/{k}", def.name),
                                len: h,
                            });
                            SeriesSlot(series.len() - 1)
                        })
                    })
                    .collect();
                if measure == Measure::CumBaselinePv {
                    baseline_series = slots.clone();
                }
                slots
            })
            .collect();
        // An actor's payback year describes the samples in which that actor
        // invests (model.md §6); the total's counts a mix that invests
        // nothing as never. Both key sets list the actors first, so the
        // zip pairs each actor's cells and leaves the total out.
        let paybacks: &[ScalarSlot] = &mix_scalars[Quantity::PaybackYear.index()];
        let invests: &[ScalarSlot] = &mix_scalars[Quantity::Invests.index()];
        for (payback, invest) in paybacks.iter().zip(invests) {
            scalars[payback.index()].given = Some(invest.index());
        }
        mixes.push(MixSlots {
            name: m.to_string(),
            scalars: mix_scalars,
            series: mix_series,
        });
    }
    debug_assert_eq!(mixes[0].name, DO_NOTHING);
    let contests = vec![Contest {
        name: "p_best".into(),
        members: mixes.iter().map(|m| total_npv(m).index()).collect(),
    }];
    Plan {
        layout: OutputLayout {
            scalars,
            series,
            contests,
        },
        mixes,
        keys,
    }
}

/// The total-NPV cell of a mix (the last key of [`Quantity::Npv`]).
pub fn total_npv(m: &MixSlots) -> ScalarSlot {
    let npv = m.scalar(Quantity::Npv);
    npv[npv.len() - 1]
}
