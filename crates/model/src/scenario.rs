//! A validated, resolved scenario: what the composed model runs.
//!
//! Built by the runner's validation (palett-runner `resolve`), never from
//! unchecked input: every name has been looked up, every range checked and
//! every uncertain scalar registered as a Monte Carlo input. Nothing here
//! is serialisable; the file format is the runner's business. The model
//! crates receive their own types built from these.

use std::path::PathBuf;

use palett_cost::{ActorId, ActorSet, Catalogue, CostError, EffectKind, ItemId, Profile};
use palett_synergy::{Channel, Track};

use crate::metric::MetricRef;
use crate::run::Method;
use crate::value::{ParamTable, Value};

/// A scenario ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// The scenario file, as given.
    pub file: PathBuf,
    /// Free text.
    pub description: Option<String>,
    /// H: years simulated.
    pub horizon: u32,
    /// r: real discount rate per year (share, e.g. 0.04; model.md §1).
    pub discount_rate: Value,
    /// Price year of all amounts, if stated.
    pub price_year: Option<u32>,
    /// N: the budget period in years.
    pub budget_period: u32,
    /// The actors whose accounts the scenario keeps: the default seven plus
    /// the scenario's own, or the ones `settings.actors` lists, in its order.
    pub actors: ActorSet,
    /// Actors known to the scenario and its libraries but not kept by
    /// `settings.actors`: every cost charged to them is left out.
    pub actors_left_out: Vec<String>,
    /// Unit price (SEK per unit) of each catalogue item, in item order; may
    /// be uncertain.
    pub catalogue_prices: Vec<Value>,
    /// What reading the file found worth a warning (old spellings), each
    /// with its place.
    pub warnings: Vec<crate::run::Warning>,
    /// Unit-cost catalogue.
    pub catalogue: Catalogue,
    /// Profiles by index.
    pub profiles: Vec<ProfileDef>,
    /// Groups by index.
    pub groups: Vec<GroupDef>,
    /// Interventions by index.
    pub interventions: Vec<InterventionDef>,
    /// Synergy model parameters.
    pub synergy: SynergyDef,
    /// Housing areas.
    pub areas: Vec<AreaDef>,
    /// Mixes in file order (do-nothing is implicit, not listed).
    pub mixes: Vec<MixDef>,
    /// Rank correlations between inputs (indices into `params`).
    pub correlations: Vec<(usize, usize, f64)>,
    /// Run defaults from the file.
    pub run: RunDefaults,
    /// Claims to check after a run.
    pub assertions: Vec<AssertionDef>,
    /// Every uncertain input, by path.
    pub params: ParamTable,
    /// The same inputs with their correlations, as the Monte Carlo engine takes them.
    pub inputs: palett_montecarlo::InputSpace,
}

impl Scenario {
    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&ProfileDef> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The mixes a run compares, by index: do-nothing first
    /// ([`crate::names::DO_NOTHING`]), then the file's mixes in order.
    pub fn mix_names(&self) -> Vec<&str> {
        std::iter::once(crate::names::DO_NOTHING)
            .chain(self.mixes.iter().map(|m| m.name.as_str()))
            .collect()
    }

    /// The index of mix `name` among [`Scenario::mix_names`].
    pub fn mix_index(&self, name: &str) -> Option<usize> {
        self.mix_names().iter().position(|m| *m == name)
    }

    /// The catalogue at `inputs`' unit prices (one sample's draws), built
    /// when a profile first needs it; pass the same one to every
    /// [`Scenario::profile_at`] of that sample.
    pub fn sample_catalogue<'a>(&'a self, inputs: &'a [f64]) -> SampleCatalogue<'a> {
        SampleCatalogue::new(&self.catalogue, &self.catalogue_prices, inputs)
    }

    /// A profile with uncertain numbers at `inputs` (one sample's draws),
    /// resources priced from `catalogue` (this sample's, see
    /// [`Scenario::sample_catalogue`]).
    pub fn profile_at(
        &self,
        recipe: &ProfileRecipe,
        catalogue: &mut SampleCatalogue<'_>,
        inputs: &[f64],
    ) -> Result<Profile, CostError> {
        recipe.build(self.actors.len(), catalogue, inputs)
    }

    /// Cohort group index of each intervention's success group, if it has a
    /// success profile: they follow the scenario's groups, in intervention
    /// order (model.md §4).
    pub fn success_groups(&self) -> Vec<Option<usize>> {
        let mut next = self.groups.len();
        self.interventions
            .iter()
            .map(|i| {
                i.success_profile.map(|_| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    }

    /// Names of every cohort group the model books, in cohort order: the
    /// scenario's groups, then one success group per intervention with a
    /// success profile ([`crate::names::success_group`]).
    pub fn cohort_group_names(&self) -> Vec<String> {
        cohort_group_names(&self.groups, &self.interventions)
    }
}

/// Names of every cohort group booked for `groups` and `interventions`:
/// the groups, then one success group per intervention with a success
/// profile ([`crate::names::success_group`]).
pub fn cohort_group_names(groups: &[GroupDef], interventions: &[InterventionDef]) -> Vec<String> {
    groups
        .iter()
        .map(|g| g.name.clone())
        .chain(
            interventions
                .iter()
                .filter(|i| i.success_profile.is_some())
                .map(|i| crate::names::success_group(&i.name)),
        )
        .collect()
}

/// A named profile with its (possibly uncertain) scale.
#[derive(Debug, Clone)]
pub struct ProfileDef {
    /// Name as in the file.
    pub name: String,
    /// The profile at scale 1.
    pub profile: Profile,
    /// Multiplier on the whole profile.
    pub scale: Value,
    /// Free text.
    pub description: Option<String>,
    /// How to build the profile from this sample's draws, when an amount
    /// of it (or a price it uses) is uncertain; `profile` is then the
    /// profile at central values.
    pub recipe: Option<ProfileRecipe>,
}

/// A profile whose numbers may be uncertain, built once per sample
/// (docs/scenario-format.md, "Uncertain amounts"). Rows are per actor (or
/// catalogue item), values by year or checkpoint, as [`Profile`]'s
/// constructors take them.
#[derive(Debug, Clone)]
pub enum ProfileRecipe {
    /// [`Profile::from_annual`]: SEK a year per actor.
    Annual {
        /// Profile length K.
        len: usize,
        /// Per actor, SEK for years 1, 2, ….
        rows: Vec<(ActorId, Vec<Value>)>,
    },
    /// [`Profile::from_checkpoints`]: cumulative present values.
    Checkpoints {
        /// Checkpoint years.
        years: Vec<u32>,
        /// Per actor, the cumulative PV (SEK) at each checkpoint.
        rows: Vec<(ActorId, Vec<Value>)>,
        /// The rate the table was computed at (share per year).
        rate: f64,
    },
    /// [`Profile::from_resources`]: quantities × the catalogue's prices.
    Resources {
        /// Profile length K.
        len: usize,
        /// Per item, units for years 1, 2, ….
        rows: Vec<(ItemId, Vec<Value>)>,
    },
}

/// The catalogue at one sample's unit prices (SEK per unit, model.md §2):
/// built the first time a resource-based profile of the sample asks for it
/// and shared by the sample's other such profiles.
#[derive(Debug)]
pub struct SampleCatalogue<'a> {
    catalogue: &'a Catalogue,
    prices: &'a [Value],
    inputs: &'a [f64],
    drawn: Option<Catalogue>,
}

impl<'a> SampleCatalogue<'a> {
    /// `catalogue` with `prices` (one per item) at `inputs`, not yet built.
    pub fn new(catalogue: &'a Catalogue, prices: &'a [Value], inputs: &'a [f64]) -> Self {
        SampleCatalogue {
            catalogue,
            prices,
            inputs,
            drawn: None,
        }
    }

    /// The catalogue at this sample's prices.
    ///
    /// # Errors
    /// What [`Catalogue::with_prices`] returns for a drawn price.
    pub fn get(&mut self) -> Result<&Catalogue, CostError> {
        let drawn = match self.drawn.take() {
            Some(c) => c,
            None => {
                let prices: Vec<f64> = self.prices.iter().map(|p| p.get(self.inputs)).collect();
                self.catalogue.with_prices(&prices)?
            }
        };
        Ok(self.drawn.insert(drawn))
    }
}

impl ProfileRecipe {
    /// The profile at `inputs` (SEK), resources priced from `catalogue`
    /// (the sample's, see [`SampleCatalogue`]). A checkpoint draw that
    /// makes a cumulative value fall books a negative amount in that sample
    /// rather than fail it: validation checked the central values.
    pub fn build(
        &self,
        n_actors: usize,
        catalogue: &mut SampleCatalogue<'_>,
        inputs: &[f64],
    ) -> Result<Profile, CostError> {
        fn at<K: Copy>(rows: &[(K, Vec<Value>)], inputs: &[f64]) -> Vec<(K, Vec<f64>)> {
            rows.iter()
                .map(|(k, v)| (*k, v.iter().map(|x| x.get(inputs)).collect()))
                .collect()
        }
        match self {
            ProfileRecipe::Annual { len, rows } => {
                Profile::from_annual(n_actors, *len, &at(rows, inputs))
            }
            ProfileRecipe::Checkpoints { years, rows, rate } => {
                Profile::from_checkpoints(n_actors, years, &at(rows, inputs), *rate, true)
            }
            ProfileRecipe::Resources { len, rows } => {
                Profile::from_resources(n_actors, *len, catalogue.get()?, &at(rows, inputs))
            }
        }
    }
}

/// A group with names resolved to indices.
#[derive(Debug, Clone)]
pub struct GroupDef {
    /// Name as in the file.
    pub name: String,
    /// Index into [`Scenario::profiles`].
    pub profile: usize,
    /// Cases at the start.
    pub stock: Value,
    /// Profile year of the stock (j0 ≥ 1).
    pub stock_year: u32,
    /// Exogenous inflow by year (index 0 = year 1), length H.
    pub inflow: Vec<Value>,
    /// (target group index, share).
    pub feeds: Vec<(usize, Value)>,
    /// Inflow drivers, in track order (school, housing, labour, safety) and,
    /// within a track, as written: several may act on one track with
    /// different lags.
    pub drivers: Vec<InflowDriver>,
}

/// One inflow driver of a group (model.md §3): the inflow × max(0, 1 −
/// φ · x_track(t − L)).
#[derive(Debug, Clone, PartialEq)]
pub struct InflowDriver {
    /// Track index (school 0, housing 1, labour 2, safety 3).
    pub track: usize,
    /// φ, share of the inflow per unit of track state.
    pub strength: Value,
    /// L, years.
    pub lag: u32,
}

/// What an intervention does to cases (model.md §4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CaseEffect {
    /// Only drives its track.
    TrackOnly,
    /// Removes a share of the group's eligible cases each year.
    Turn {
        /// Target group index.
        group: usize,
        /// Eligible profile years, inclusive.
        window: (u32, u32),
    },
    /// Cuts the group's inflow.
    Prevent {
        /// Target group index.
        group: usize,
    },
}

impl CaseEffect {
    /// The target group and the kind of effect, if it acts on cases.
    pub fn target(&self) -> Option<(usize, EffectKind)> {
        match *self {
            CaseEffect::TrackOnly => None,
            CaseEffect::Turn { group, .. } => Some((group, EffectKind::Turn)),
            CaseEffect::Prevent { group } => Some((group, EffectKind::Prevent)),
        }
    }
}

/// A resolved intervention.
#[derive(Debug, Clone)]
pub struct InterventionDef {
    /// Name as in the file.
    pub name: String,
    /// Its track, or communication.
    pub channel: Channel,
    /// What it does to cases.
    pub effect: CaseEffect,
    /// s: first active year.
    pub start: u32,
    /// D: active years.
    pub duration: u32,
    /// u: intensity.
    pub intensity: Value,
    /// ρ: reach, share.
    pub reach: Value,
    /// p: success probability.
    pub success: Value,
    /// δ: delay, years.
    pub delay: Value,
    /// R: ramp, years.
    pub ramp: Value,
    /// λ: decay, share per year.
    pub decay: Value,
    /// w: weight in the track's drive.
    pub weight: Value,
    /// Fixed SEK per active year at intensity 1, per actor.
    pub cost: Vec<(ActorId, Value)>,
    /// SEK per case reached, per actor.
    pub cost_per_case: Vec<(ActorId, Value)>,
    /// Profile index started by each turned or prevented case.
    pub success_profile: Option<usize>,
    /// Share 0–1 of the turned or prevented cases that start the success
    /// profile (the others leave the accounts); 1 by default.
    pub success_share: Value,
    /// (height, time to peak in years) of the repression impulse.
    pub repression: Option<(Value, Value)>,
}

/// Resolved synergy parameters (model.md §5); indices are track indices.
#[derive(Debug, Clone)]
pub struct SynergyDef {
    /// `W[j][k]`: how track j's progress pulls track k.
    pub w: [[Value; 4]; 4],
    /// `L[j][k]`: the lag of that pull, whole years ≥ 1.
    pub lags: [[u32; 4]; 4],
    /// α_k.
    pub alpha: [Value; 4],
    /// β_k.
    pub beta: [Value; 4],
    /// θ_k.
    pub theta: [Value; 4],
    /// m_k.
    pub turnover: [Value; 4],
    /// b_k.
    pub drift: [Value; 4],
    /// η.
    pub eta: Value,
    /// κ_up.
    pub kappa_up: Value,
    /// κ_down.
    pub kappa_down: Value,
    /// c0.
    pub c0: Value,
    /// `γ[k_i][k]`: how track k's progress boosts interventions on track k_i.
    pub boost: [[Value; 4]; 4],
    /// The tipping test (model.md §5): look-ahead years and level.
    pub tipping: palett_synergy::TippingRule,
}

/// A housing area.
#[derive(Debug, Clone)]
pub struct AreaDef {
    /// Name.
    pub name: String,
    /// n: apartments.
    pub apartments: Value,
    /// Its effects.
    pub effects: Vec<AreaEffectDef>,
}

/// The three classes of area effect the report distinguishes (Herrgården,
/// scenarios/herrgarden.ron).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AreaClass {
    /// Direct societal effects: work, fewer interventions, less income support.
    Direct,
    /// Indirect societal effects: fewer negative events, de-stigmatisation, trust.
    Indirect,
    /// Business effects for the landlord: maintenance, vacancies, property value.
    Business,
}

impl AreaClass {
    /// The three classes, in output order.
    pub const ALL: [AreaClass; 3] = [AreaClass::Direct, AreaClass::Indirect, AreaClass::Business];

    /// Position in [`AreaClass::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Name in outputs (`direct`, `indirect`, `business`).
    pub fn name(self) -> &'static str {
        match self {
            AreaClass::Direct => "direct",
            AreaClass::Indirect => "indirect",
            AreaClass::Business => "business",
        }
    }
}

/// One area effect: n · V · x_track(t) SEK a year to the beneficiary.
#[derive(Debug, Clone)]
pub struct AreaEffectDef {
    /// Name.
    pub name: String,
    /// Direct, indirect or business.
    pub class: AreaClass,
    /// Who gains.
    pub beneficiary: ActorId,
    /// Which track's state realises it.
    pub track: Track,
    /// V: SEK per apartment per year at full effect.
    pub value: Value,
}

/// A mix: interventions with their (possibly overridden) timing and intensity.
#[derive(Debug, Clone)]
pub struct MixDef {
    /// Name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The interventions of the mix.
    pub entries: Vec<MixEntry>,
}

/// One intervention inside a mix.
#[derive(Debug, Clone, Copy)]
pub struct MixEntry {
    /// Index into [`Scenario::interventions`].
    pub intervention: usize,
    /// Start year (the intervention's, or the override).
    pub start: u32,
    /// Duration in years.
    pub duration: u32,
    /// Intensity.
    pub intensity: Value,
}

/// Run defaults as the file states them.
#[derive(Debug, Clone, Copy)]
pub struct RunDefaults {
    /// Samples.
    pub samples: u64,
    /// Seed.
    pub seed: u64,
    /// Sampling method (never [`Method::Deterministic`] from a file).
    pub method: Method,
    /// Adaptive stopping target for the SE of every mix's mean NPV, SEK.
    pub target_se: Option<f64>,
}

/// A claim about the results, checked after a run.
#[derive(Debug, Clone)]
pub struct AssertionDef {
    /// What the file says, for messages (`four_tracks: npv.p50 ≥ 0`).
    pub text: String,
    /// The claim.
    pub claim: Claim,
    /// Where it is written, for messages.
    pub location: SourceLocation,
}

/// A place in a scenario file: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line; 0 when only the file is known.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file.display())
        } else {
            write!(
                f,
                "{}:{}:{}",
                self.file.display(),
                self.line,
                self.col.max(1)
            )
        }
    }
}

/// The kinds of claim. Mixes are indices into the run's mixes
/// (0 = do-nothing, then [`Scenario::mixes`] in order).
#[derive(Debug, Clone)]
pub enum Claim {
    /// `metric` of `mix` within bounds.
    Metric {
        /// Mix index (0 = do-nothing).
        mix: usize,
        /// The figure tested.
        metric: MetricRef,
        /// Lower bound, inclusive, in the figure's unit.
        at_least: Option<f64>,
        /// Upper bound, inclusive, in the figure's unit.
        at_most: Option<f64>,
    },
    /// `mix` has the highest `metric` of all mixes.
    Best {
        /// Mix index (0 = do-nothing).
        mix: usize,
        /// The figure compared.
        metric: MetricRef,
    },
}
