//! Names of the summary figures an assertion may test: dotted paths into a
//! mix's entry of summary.json (docs/output-format.md), checked before a run
//! so a typo fails validation rather than the run.

use palett_cost::ActorSet;

/// The statistics every summarised quantity has.
pub const STATS: [&str; 8] = ["mean", "sd", "se", "p5", "p25", "p50", "p75", "p95"];

const PV_KINDS: [&str; 3] = ["baseline_cost", "investment", "avoided"];
const CLASSES: [&str; 3] = ["direct", "indirect", "business"];

/// Checks that `path` names a figure of a mix summary; the error lists what
/// would be valid at the first wrong part.
pub fn check(path: &str, actors: &ActorSet, groups: &[String]) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let actor_ok = |a: &str| actors.index_of(a).is_some();
    let stat = |s: &str, extra: &[&str]| -> Result<(), String> {
        if STATS.contains(&s) || extra.contains(&s) {
            Ok(())
        } else {
            let mut all: Vec<&str> = STATS.to_vec();
            all.extend_from_slice(extra);
            Err(format!(
                "unknown statistic `{s}` in metric `{path}`; valid: {}",
                all.join(", ")
            ))
        }
    };
    let need = |n: usize, shape: &str| -> Result<(), String> {
        if parts.len() == n {
            Ok(())
        } else {
            Err(format!("metric `{path}` should have the form {shape}"))
        }
    };
    match parts[0] {
        "p_npv_positive" | "p_best" => need(1, parts[0]),
        "npv" | "bcr" => {
            need(2, &format!("{}.<statistic>", parts[0]))?;
            stat(parts[1], &[])
        }
        "payback_year" => {
            need(2, "payback_year.<statistic>")?;
            stat(parts[1], &["p_within_horizon"])
        }
        "tipping_year" => {
            need(2, "tipping_year.<statistic>")?;
            stat(parts[1], &["p_reached"])
        }
        "npv_by_actor" | "payback_by_actor" => {
            need(3, &format!("{}.<actor>.<statistic>", parts[0]))?;
            if !actor_ok(parts[1]) {
                return Err(format!(
                    "unknown actor `{}` in metric `{path}`; actors: {}",
                    parts[1],
                    actors.names().join(", ")
                ));
            }
            let extra: &[&str] = if parts[0] == "payback_by_actor" {
                &["p_within_budget_period", "p_within_horizon"]
            } else {
                &[]
            };
            stat(parts[2], extra)
        }
        "pv_by_actor" => {
            need(
                4,
                "pv_by_actor.<baseline_cost|investment|avoided>.<actor|total>.<statistic>",
            )?;
            if !PV_KINDS.contains(&parts[1]) {
                return Err(format!(
                    "unknown kind `{}` in metric `{path}`; valid: {}",
                    parts[1],
                    PV_KINDS.join(", ")
                ));
            }
            if parts[2] != "total" && !actor_ok(parts[2]) {
                return Err(format!(
                    "unknown actor `{}` in metric `{path}`; actors: total, {}",
                    parts[2],
                    actors.names().join(", ")
                ));
            }
            stat(parts[3], &[])
        }
        "cost_pv_by_group" => {
            need(3, "cost_pv_by_group.<group>.<statistic>")?;
            if !groups.iter().any(|g| g == parts[1]) {
                return Err(format!(
                    "unknown group `{}` in metric `{path}`; groups: {}",
                    parts[1],
                    groups.join(", ")
                ));
            }
            stat(parts[2], &[])
        }
        "area_effects_pv_by_class" => {
            need(
                3,
                "area_effects_pv_by_class.<direct|indirect|business>.<statistic>",
            )?;
            if !CLASSES.contains(&parts[1]) {
                return Err(format!(
                    "unknown class `{}` in metric `{path}`; valid: {}",
                    parts[1],
                    CLASSES.join(", ")
                ));
            }
            stat(parts[2], &[])
        }
        other => Err(format!(
            "unknown metric `{other}`; valid: npv, bcr, payback_year, tipping_year, npv_by_actor, payback_by_actor, \
             pv_by_actor, cost_pv_by_group, area_effects_pv_by_class, p_npv_positive, p_best (see docs/output-format.md)"
        )),
    }
}

/// The number at `path` in a mix's JSON summary; `None` when it is null
/// (a percentile beyond the horizon, a statistic of no defined samples).
pub fn lookup(mix: &serde_json::Value, path: &str) -> Option<f64> {
    let mut v = mix;
    for part in path.split('.') {
        v = v.get(part)?;
    }
    v.as_f64()
}
