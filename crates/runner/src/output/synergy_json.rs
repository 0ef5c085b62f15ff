//! summary.json's `synergy`: every parameter of the synergy model (model.md
//! §5) as the run used it — written in the file or taken by default — so a
//! result never depends on a default nobody saw (docs/output-format.md).

use palett_model::Scenario;
use palett_model::value::Value;
use palett_synergy::Track;
use serde::Serialize;
use serde_json::{Map, Value as Json, json};

/// A value as used: a number, or for an uncertain input its path,
/// distribution and central value.
fn value(s: &Scenario, v: Value) -> Json {
    match v {
        Value::Fixed(x) => json!(x),
        Value::Input(i) => {
            let p = &s.params.entries[i];
            json!({
                "input": p.path,
                "distribution": p.distribution.to_string(),
                "central": p.distribution.central(),
            })
        }
    }
}

fn per_track<T>(f: impl Fn(usize) -> T) -> Map<String, Json>
where
    T: Into<Json>,
{
    Track::ALL
        .iter()
        .map(|t| (t.name().to_string(), f(t.index()).into()))
        .collect()
}

/// The `synergy` object of summary.json for scenario `s`.
pub fn synergy(s: &Scenario) -> impl Serialize {
    let d = &s.synergy;
    let matrix = |m: &[[Value; 4]; 4]| {
        Json::Object(per_track(|j| {
            Json::Object(per_track(|k| value(s, m[j][k])))
        }))
    };
    let vector = |v: &[Value; 4]| Json::Object(per_track(|k| value(s, v[k])));
    json!({
        "w": matrix(&d.w),
        "lags": Json::Object(per_track(|j| Json::Object(per_track(|k| json!(d.lags[j][k]))))),
        "alpha": vector(&d.alpha),
        "beta": vector(&d.beta),
        "theta": vector(&d.theta),
        "turnover": vector(&d.turnover),
        "drift": vector(&d.drift),
        "eta": value(s, d.eta),
        "kappa_up": value(s, d.kappa_up),
        "kappa_down": value(s, d.kappa_down),
        "c0": value(s, d.c0),
        "boost": matrix(&d.boost),
        "tipping": { "lookahead": d.tipping.lookahead, "level": d.tipping.level },
    })
}
