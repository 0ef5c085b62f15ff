//! Small resolved scenarios built in code, for unit tests.

use palett_cost::{ActorSet, Catalogue};
use palett_synergy::{Channel, SynergyParams, Track};

use crate::run::Method;
use crate::scenario::{
    CaseEffect, InterventionDef, MixDef, MixEntry, RunDefaults, Scenario, SynergyDef,
};
use crate::value::{ParamTable, Value};

fn fixed(v: f64) -> Value {
    Value::Fixed(v)
}

/// The synergy model's defaults, all fixed.
pub fn default_synergy() -> SynergyDef {
    let d = SynergyParams::default();
    let v4 = |a: [f64; 4]| a.map(fixed);
    let m4 = |a: [[f64; 4]; 4]| a.map(|r| r.map(fixed));
    SynergyDef {
        w: m4(d.w),
        lags: d.lags,
        alpha: v4(d.alpha),
        beta: v4(d.beta),
        theta: v4(d.theta),
        turnover: v4(d.turnover),
        drift: v4(d.drift),
        eta: fixed(d.eta),
        kappa_up: fixed(d.kappa_up),
        kappa_down: fixed(d.kappa_down),
        c0: fixed(d.c0),
        boost: m4(d.boost),
        tipping: d.tipping,
    }
}

/// A scenario with the default seven actors, no groups or areas, and one
/// mix `m` of one intervention `iv` (school track, no case effect) whose
/// fixed annual cost `cost` is paid by each listed actor.
pub fn toy(horizon: u32, rate: f64, budget_period: u32, cost: &[(&str, f64)]) -> Scenario {
    let actors = ActorSet::default();
    let iv = InterventionDef {
        name: "iv".into(),
        channel: Channel::Track(Track::School),
        effect: CaseEffect::TrackOnly,
        start: 1,
        duration: 1,
        intensity: fixed(1.0),
        reach: fixed(1.0),
        success: fixed(1.0),
        delay: fixed(0.0),
        ramp: fixed(1.0),
        decay: fixed(1.0),
        weight: fixed(0.0),
        cost: cost
            .iter()
            .map(|(a, c)| (actors.index_of(a).expect("a default actor"), fixed(*c)))
            .collect(),
        cost_per_case: Vec::new(),
        success_profile: None,
        success_share: fixed(1.0),
        repression: None,
    };
    Scenario {
        name: "toy".into(),
        file: "toy.ron".into(),
        description: None,
        horizon,
        discount_rate: fixed(rate),
        price_year: None,
        budget_period,
        actors,
        actors_left_out: Vec::new(),
        catalogue_prices: Vec::new(),
        warnings: Vec::new(),
        catalogue: Catalogue::default(),
        profiles: Vec::new(),
        groups: Vec::new(),
        interventions: vec![iv],
        synergy: default_synergy(),
        areas: Vec::new(),
        mixes: vec![MixDef {
            name: "m".into(),
            description: None,
            entries: vec![MixEntry {
                intervention: 0,
                start: 1,
                duration: 1,
                intensity: fixed(1.0),
            }],
        }],
        correlations: Vec::new(),
        run: RunDefaults {
            samples: 1,
            seed: 1,
            method: Method::LatinHypercube,
            target_se: None,
        },
        assertions: Vec::new(),
        params: ParamTable::default(),
        inputs: palett_montecarlo::InputSpace::new(Vec::new(), &[]).expect("no inputs"),
    }
}

/// `s` with the uncertain inputs `inputs` (path, distribution) added to its
/// parameter table and input space; refer to input i with
/// `Value::Input(i)`. Inputs need not be used by the model.
pub fn with_inputs(
    mut s: Scenario,
    inputs: Vec<(&str, palett_montecarlo::Distribution)>,
) -> Scenario {
    s.params = ParamTable {
        entries: inputs
            .iter()
            .map(|(p, d)| crate::value::Param {
                path: p.to_string(),
                file: s.file.clone(),
                distribution: d.clone(),
            })
            .collect(),
    };
    s.inputs = palett_montecarlo::InputSpace::new(
        inputs
            .into_iter()
            .map(|(p, d)| (p.to_string(), d))
            .collect(),
        &[],
    )
    .expect("valid test inputs");
    s
}

/// A one-mix scenario whose NPV against doing nothing is −(a + b) at rate
/// 0: kommun pays input `a`, rattsvasende input `b`, and a fixed input
/// `idle` is not used.
pub fn two_costs(
    a: palett_montecarlo::Distribution,
    b: palett_montecarlo::Distribution,
) -> Scenario {
    let mut s = toy(3, 0.0, 3, &[("kommun", 0.0), ("rattsvasende", 0.0)]);
    s.interventions[0].cost[0].1 = crate::value::Value::Input(0);
    s.interventions[0].cost[1].1 = crate::value::Value::Input(1);
    with_inputs(
        s,
        vec![
            ("a", a),
            ("b", b),
            ("idle", palett_montecarlo::Distribution::Fixed(1.0)),
        ],
    )
}
