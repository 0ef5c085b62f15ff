//! The scenario file format as written: serde-only types, no validation.
//!
//! These types mirror docs/scenario-format.md one to one. Nothing here is
//! checked beyond what serde checks (types, unknown fields); the `resolve`
//! module turns a [`ScenarioFile`] and its libraries into a validated
//! [`palett_model::Scenario`]. Model crates never see these types.

mod map;
mod one_or_more;
mod per_year;
mod scalar;

pub use map::OrderedMap;
pub use one_or_more::OneOrMore;
pub use per_year::PerYearSpec;
pub use scalar::{DistributionSpec, Scalar};

use serde::Deserialize;

/// Which of the two file kinds a `.ron` file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `Scenario(...)`: something to run.
    Scenario,
    /// `Library(...)`: shared definitions, only included.
    Library,
}

/// A scenario file: `Scenario(...)`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
pub struct ScenarioFile {
    /// Display name; defaults to the file stem.
    #[serde(default)]
    pub name: Option<String>,
    /// Free text: what the scenario is about.
    #[serde(default)]
    pub description: Option<String>,
    /// Library files to include, relative to this file's folder.
    #[serde(default)]
    pub include: Vec<String>,
    /// Horizon, discount rate, price year, budget period.
    #[serde(default)]
    pub settings: SettingsSpec,
    /// Actors beyond the default seven (a landlord, say).
    #[serde(default)]
    pub actors: Vec<String>,
    /// Unit-cost catalogue: item name → price and paying actor.
    #[serde(default)]
    pub catalogue: OrderedMap<ItemSpec>,
    /// Cost profiles by name.
    #[serde(default)]
    pub profiles: OrderedMap<ProfileSpec>,
    /// Cohort groups by name.
    #[serde(default)]
    pub groups: OrderedMap<GroupSpec>,
    /// Interventions by name.
    #[serde(default)]
    pub interventions: OrderedMap<InterventionSpec>,
    /// Parameters of the four-track synergy model.
    #[serde(default)]
    pub synergy: SynergySpec,
    /// Housing areas with their per-apartment effects.
    #[serde(default)]
    pub areas: OrderedMap<AreaSpec>,
    /// Named intervention mixes to compare with doing nothing.
    #[serde(default)]
    pub mixes: OrderedMap<MixSpec>,
    /// Rank correlations between uncertain inputs, by path.
    #[serde(default)]
    pub correlations: Vec<CorrelationSpec>,
    /// Default run settings (samples, seed, method).
    #[serde(default)]
    pub run: RunSpec,
    /// Claims that must hold after a run (checked in CI).
    #[serde(default)]
    pub assertions: Vec<AssertionSpec>,
}

/// A library file: `Library(...)`, definitions shared by several scenarios.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename = "Library", deny_unknown_fields)]
pub struct LibraryFile {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Further libraries, relative to this file's folder.
    #[serde(default)]
    pub include: Vec<String>,
    /// Extra actors.
    #[serde(default)]
    pub actors: Vec<String>,
    /// Unit-cost catalogue items.
    #[serde(default)]
    pub catalogue: OrderedMap<ItemSpec>,
    /// Cost profiles.
    #[serde(default)]
    pub profiles: OrderedMap<ProfileSpec>,
    /// Interventions.
    #[serde(default)]
    pub interventions: OrderedMap<InterventionSpec>,
}

/// `settings: (...)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsSpec {
    /// Years simulated, H ≥ 1. Default 30.
    #[serde(default = "default_horizon")]
    pub horizon: u32,
    /// Real discount rate per year (share, ≥ 0). Default 0.04. May be uncertain.
    #[serde(default = "default_rate")]
    pub discount_rate: Scalar,
    /// The price year of all SEK amounts (informative).
    #[serde(default)]
    pub price_year: Option<u32>,
    /// Years of a finance committee's horizon, N. Default 4 (one electoral term).
    #[serde(default = "default_budget_period")]
    pub budget_period: u32,
    /// The tipping test (model.md §5). Default: 50 years, level 0.5.
    #[serde(default)]
    pub tipping: TippingSpec,
    /// The actors whose accounts the scenario keeps, in the order of every
    /// output; costs charged to any other actor are left out. Default:
    /// every actor, the default seven first, then the added ones.
    #[serde(default)]
    pub actors: Option<Vec<String>>,
}

/// `settings.tipping: (lookahead: 50, level: 0.5)`: when a mix counts as
/// having tipped the area (model.md §5, "Tipping").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TippingSpec {
    /// Years after the candidate year the test looks, 1..=200. Default 50.
    #[serde(default = "default_lookahead")]
    pub lookahead: u32,
    /// The level every track must keep, strictly between 0 (the area's
    /// baseline) and 1 (the national norm). Default 0.5.
    #[serde(default = "default_level")]
    pub level: f64,
}

impl Default for TippingSpec {
    fn default() -> Self {
        TippingSpec {
            lookahead: default_lookahead(),
            level: default_level(),
        }
    }
}

fn default_lookahead() -> u32 {
    palett_synergy::TippingRule::MODEL.lookahead
}
fn default_level() -> f64 {
    palett_synergy::TippingRule::MODEL.level
}

fn default_horizon() -> u32 {
    30
}
fn default_rate() -> Scalar {
    Scalar::Number(0.04)
}
fn default_budget_period() -> u32 {
    4
}
fn one() -> Scalar {
    Scalar::Number(1.0)
}
fn zero() -> Scalar {
    Scalar::Number(0.0)
}

impl Default for SettingsSpec {
    fn default() -> Self {
        SettingsSpec {
            horizon: default_horizon(),
            discount_rate: default_rate(),
            price_year: None,
            budget_period: default_budget_period(),
            tipping: TippingSpec::default(),
            actors: None,
        }
    }
}

/// A catalogue item: `"prison_day": (price: 3500, actor: "rattsvasende", unit: "day")`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// Unit price, SEK per unit; may be uncertain.
    pub price: Scalar,
    /// The actor who pays.
    pub actor: String,
    /// What one unit is (informative).
    #[serde(default)]
    pub unit: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// One case's costs, year by year (model.md §2).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ProfileSpec {
    /// A published table of cumulative present values at checkpoint years.
    Checkpoints {
        /// The rate the table was computed at (share per year).
        rate: f64,
        /// Checkpoint years, strictly increasing, ≥ 1.
        years: Vec<u32>,
        /// Actor → cumulative PV at each checkpoint (SEK); each may be
        /// uncertain.
        cumulative: OrderedMap<Vec<Scalar>>,
        /// Allow a cumulative value to fall (a stated negative cost).
        #[serde(default)]
        allow_decrease: bool,
        /// Multiplier on the whole profile; may be uncertain.
        #[serde(default = "one")]
        scale: Scalar,
        /// Free text.
        #[serde(default)]
        description: Option<String>,
    },
    /// Nominal annual amounts per actor.
    Annual {
        /// Profile length K in years.
        years: u32,
        /// Actor → SEK per year: a list by year of the case (years after
        /// it cost nothing) or `(every_year: x)`.
        amounts: OrderedMap<PerYearSpec>,
        /// Multiplier on the whole profile; may be uncertain.
        #[serde(default = "one")]
        scale: Scalar,
        /// Free text.
        #[serde(default)]
        description: Option<String>,
    },
    /// Quantities of catalogue items per year.
    Resources {
        /// Profile length K in years.
        years: u32,
        /// Item → units per year: a list by year of the case (none after
        /// it) or `(every_year: x)`.
        quantities: OrderedMap<PerYearSpec>,
        /// Multiplier on the whole profile; may be uncertain.
        #[serde(default = "one")]
        scale: Scalar,
        /// Free text.
        #[serde(default)]
        description: Option<String>,
    },
}

/// A cohort group (model.md §3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// The profile every case of the group follows.
    pub profile: String,
    /// Cases present at the start (may be uncertain).
    #[serde(default = "zero")]
    pub stock: Scalar,
    /// Profile year the stock is in at year 1 (j0, default 1).
    #[serde(default = "default_stock_year")]
    pub stock_year: u32,
    /// New cases a year entering at profile year 1.
    #[serde(default)]
    pub inflow: InflowSpec,
    /// Shares of the group's cases moving each year into other groups.
    #[serde(default)]
    pub feeds: Vec<FeedSpec>,
    /// Track → how the inflow falls as that track improves (φ, lag); a
    /// list of them for several lags on one track.
    #[serde(default)]
    pub drivers: OrderedMap<OneOrMore<DriverSpec>>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

fn default_stock_year() -> u32 {
    1
}

/// Inflow: a constant (possibly uncertain) or a list by year.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "an inflow: a number of cases a year, a list by year such as [3, 3, 2], or a distribution: \
                 Fixed(x), Uniform(lo, hi), Triangular(min, mode, max), Pert(min, mode, max), \
                 Normal(mean, sd), TruncNormal(mean, sd, lo, hi), LogNormal(mu, sigma), Ci90(lo, hi), \
                 Beta(a, b), Gamma(shape, scale), Discrete([(value, weight), ...])"
)]
pub enum InflowSpec {
    /// The same number every year.
    Constant(Scalar),
    /// Year 1, 2, …; years after the list have no inflow.
    ByYear(Vec<Scalar>),
}

impl Default for InflowSpec {
    fn default() -> Self {
        InflowSpec::Constant(Scalar::Number(0.0))
    }
}

/// `(to: "members", share: 0.2)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedSpec {
    /// The receiving group.
    pub to: String,
    /// Share of this group's cases moving each year (0–1).
    pub share: Scalar,
}

/// `"school": (strength: 0.5, lag: 3)`: inflow × max(0, 1 − φ·x(t − L)).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriverSpec {
    /// φ: how strongly the track's progress cuts the inflow (share per unit of state).
    pub strength: Scalar,
    /// L: lag in whole years (≥ 0).
    #[serde(default)]
    pub lag: u32,
}

/// What an intervention does to cases.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum EffectSpec {
    /// No effect on cases: it only drives its track (and costs).
    #[default]
    TrackOnly,
    /// Reach existing cases of a group: a share leaves for good.
    Turn {
        /// Target group.
        group: String,
        /// Eligible profile years `(from, to)`, inclusive; default all.
        #[serde(default)]
        window: Option<(u32, u32)>,
    },
    /// Reach cases before they start: the group's inflow falls.
    Prevent {
        /// Target group.
        group: String,
    },
}

/// An intervention (model.md §4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterventionSpec {
    /// `school`, `housing`, `labour`, `safety` or `communication`.
    pub track: String,
    /// What it does to cases.
    #[serde(default)]
    pub effect: EffectSpec,
    /// First active year (≥ 1). Default 1.
    #[serde(default = "default_start")]
    pub start: u32,
    /// Active years. Default: to the horizon.
    #[serde(default)]
    pub duration: Option<u32>,
    /// u: 1 = the planned scale.
    #[serde(default = "one")]
    pub intensity: Scalar,
    /// ρ: share of eligible cases reached (0–1).
    #[serde(default = "one")]
    pub reach: Scalar,
    /// p: probability that a reached case is turned or prevented (0–1).
    #[serde(default = "one")]
    pub success: Scalar,
    /// δ: years before the effect shows (real ≥ 0).
    #[serde(default = "zero")]
    pub delay: Scalar,
    /// R: years to full strength (> 0).
    #[serde(default = "one")]
    pub ramp: Scalar,
    /// λ: share of strength lost per year after it stops (0–1).
    #[serde(default = "one")]
    pub decay: Scalar,
    /// w: weight in its track's drive.
    #[serde(default = "zero")]
    pub weight: Scalar,
    /// Actor → fixed SEK per active year at intensity 1.
    #[serde(default)]
    pub cost: OrderedMap<Scalar>,
    /// Actor → SEK per case reached.
    #[serde(default)]
    pub cost_per_case: OrderedMap<Scalar>,
    /// Profile that each turned or prevented case starts.
    #[serde(default)]
    pub success_profile: Option<String>,
    /// Share of the turned or prevented cases that start the success
    /// profile; default 1. May be uncertain.
    #[serde(default)]
    pub success_share: Option<Scalar>,
    /// "Worse before better" impulse on the track.
    #[serde(default)]
    pub repression: Option<RepressionSpec>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

fn default_start() -> u32 {
    1
}

/// `(height: 0.3, time_to_peak: 2)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepressionSpec {
    /// h: peak of the negative impulse on the track's drive.
    pub height: Scalar,
    /// τ: years from start to peak (> 0).
    pub time_to_peak: Scalar,
}

/// A value per track: one for all, or a map track → value (missing tracks take the default).
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "a number, a distribution, or a map by track such as {\"school\": 0.2, \"safety\": 0.4}"
)]
pub enum PerTrack {
    /// The same for all four tracks.
    All(Scalar),
    /// Track → value.
    ByTrack(OrderedMap<Scalar>),
}

/// `synergy: (...)` (model.md §5). Every field has a default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynergySpec {
    /// W: from-track → to-track → strength.
    #[serde(default)]
    pub w: OrderedMap<OrderedMap<Scalar>>,
    /// L: from-track → to-track → lag in whole years (≥ 1).
    #[serde(default)]
    pub lags: OrderedMap<OrderedMap<u32>>,
    /// α: adjustment speed per year (0, 1].
    #[serde(default)]
    pub alpha: Option<PerTrack>,
    /// β: steepness of the critical-mass response (> 0).
    #[serde(default)]
    pub beta: Option<PerTrack>,
    /// θ: critical-mass threshold of the drive (≥ 0).
    #[serde(default)]
    pub theta: Option<PerTrack>,
    /// m: turnover drain per year [0, 1).
    #[serde(default)]
    pub turnover: Option<PerTrack>,
    /// b: baseline drift of the drive.
    #[serde(default)]
    pub drift: Option<PerTrack>,
    /// η: how much a high housing state keeps people in the area [0, 1].
    #[serde(default)]
    pub eta: Option<Scalar>,
    /// κ_up: how fast communication builds coordination.
    #[serde(default)]
    pub kappa_up: Option<Scalar>,
    /// κ_down: how fast coordination erodes without it.
    #[serde(default)]
    pub kappa_down: Option<Scalar>,
    /// c0: coordination at the start (0–1).
    #[serde(default)]
    pub c0: Option<Scalar>,
    /// γ: intervention track → progress track → success boost.
    #[serde(default)]
    pub boost: OrderedMap<OrderedMap<Scalar>>,
}

/// Effect class of an area effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum EffectClass {
    /// Direct societal effects (work, fewer interventions, less income support).
    Direct,
    /// Indirect societal effects (fewer negative events, de-stigmatisation …).
    Indirect,
    /// Business effects for the landlord.
    Business,
}

/// A housing area (model.md §5, area effects).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaSpec {
    /// Number of apartments (may be uncertain).
    pub apartments: Scalar,
    /// Effects by name.
    pub effects: OrderedMap<AreaEffectSpec>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// One area effect: SEK per apartment per year at full effect (x = 1).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaEffectSpec {
    /// Direct, Indirect or Business.
    pub class: EffectClass,
    /// The actor who gains.
    pub beneficiary: String,
    /// The track whose state realises the effect.
    pub track: String,
    /// V: SEK per apartment per year at full effect.
    pub value: Scalar,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// A named mix of interventions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixSpec {
    /// The interventions, by name or with overrides.
    pub interventions: Vec<MixItem>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// `"tore"` or `(name: "tore", start: 3, duration: 5, intensity: 0.5)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    untagged,
    expecting = "an intervention name such as \"tore\", or (name: \"tore\", start: 3, duration: 5, intensity: 0.5)"
)]
pub enum MixItem {
    /// As defined.
    Name(String),
    /// With overrides.
    Override(MixOverride),
}

/// Overrides of one intervention inside a mix.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixOverride {
    /// The intervention.
    pub name: String,
    /// Replaces its start year.
    #[serde(default)]
    pub start: Option<u32>,
    /// Replaces its duration.
    #[serde(default)]
    pub duration: Option<u32>,
    /// Replaces its intensity.
    #[serde(default)]
    pub intensity: Option<Scalar>,
}

/// `(between: ("interventions.tore.delay", "interventions.school.delay"), rank: 0.5)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrelationSpec {
    /// The two inputs, by the paths `palett params` lists.
    pub between: (String, String),
    /// Spearman rank correlation, −1..1.
    pub rank: f64,
}

/// Sampling method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum MethodSpec {
    /// Plain Monte Carlo.
    MonteCarlo,
    /// Latin hypercube.
    #[default]
    LatinHypercube,
}

/// `run: (samples: 10000, seed: 1, method: LatinHypercube)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Number of Monte Carlo samples.
    #[serde(default = "default_samples")]
    pub samples: u64,
    /// Seed of the random streams.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Sampling method.
    #[serde(default)]
    pub method: MethodSpec,
    /// Adaptive stopping: stop once every mix's SE of mean NPV is below this (SEK).
    #[serde(default)]
    pub target_se: Option<f64>,
}

fn default_samples() -> u64 {
    10_000
}
fn default_seed() -> u64 {
    1
}

impl Default for RunSpec {
    fn default() -> Self {
        RunSpec {
            samples: default_samples(),
            seed: default_seed(),
            method: MethodSpec::default(),
            target_se: None,
        }
    }
}

/// A claim checked after a run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum AssertionSpec {
    /// A summary figure of one mix within bounds: `Metric(mix: "all", metric: "p_npv_positive", at_least: 0.9)`.
    Metric {
        /// The mix (or `do_nothing`).
        mix: String,
        /// Dotted path into the mix's summary, e.g. `npv.p50`, `npv_by_actor.kommun.mean`.
        metric: String,
        /// Lower bound, inclusive.
        #[serde(default)]
        at_least: Option<f64>,
        /// Upper bound, inclusive.
        #[serde(default)]
        at_most: Option<f64>,
    },
    /// This mix has the highest value of `metric` (default `npv.mean`) of all mixes.
    Best {
        /// The mix.
        mix: String,
        /// Dotted path, default `npv.mean`.
        #[serde(default)]
        metric: Option<String>,
    },
}
