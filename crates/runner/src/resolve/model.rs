//! Interventions, synergy, areas, mixes, correlations, run settings and
//! assertions (model.md §4–§7).

use palett_cost::ActorSet;
use palett_synergy::{Channel, SynergyParams, Track};

use super::cost::actor;
use super::{Range, Resolver, Source, check_name, collect};
use palett_model::Method;
use palett_model::metric::{KeyNames, MetricRef};
use palett_model::scenario::{
    AreaClass, AreaDef, AreaEffectDef, AssertionDef, CaseEffect, Claim, GroupDef, InterventionDef,
    MixDef, MixEntry, ProfileDef, RunDefaults, SourceLocation, SynergyDef,
};
use palett_model::value::{ParamTable, Value};

use crate::config::{
    AssertionSpec, EffectClass, EffectSpec, MethodSpec, MixItem, PerTrack, Scalar,
};
use crate::source::FileId;

const ROOT: FileId = FileId(0);

fn track_list() -> String {
    "school, housing, labour, safety".to_string()
}

pub(super) fn interventions(
    r: &mut Resolver,
    actors: &ActorSet,
    profiles: &[ProfileDef],
    groups: &[GroupDef],
    horizon: u32,
) -> Vec<InterventionDef> {
    let defs = collect(r, "interventions", |s| match s {
        Source::Scenario(f) => &f.interventions,
        Source::Library(f) => &f.interventions,
    });
    let mut out = Vec::new();
    for (file, name, spec) in defs {
        let path = format!("interventions.{name}");
        let channel = match spec.track.parse::<Channel>() {
            Ok(c) => c,
            Err(_) => {
                r.error(
                    file,
                    &format!("{path}.track"),
                    format!(
                        "unknown track `{}`; valid tracks: {}, communication",
                        spec.track,
                        track_list()
                    ),
                );
                continue;
            }
        };
        let group_index = |r: &mut Resolver, g: &str, at: &str| -> Option<usize> {
            let found = groups.iter().position(|d| d.name == g);
            // A group that is written but invalid has its own diagnostic;
            // the intervention using it is left out without a second one.
            let defined = r.loaded.scenario.groups.iter().any(|(n, _)| n == g);
            if found.is_none() && !defined {
                let known: Vec<&str> = groups.iter().map(|d| d.name.as_str()).collect();
                r.error(
                    file,
                    at,
                    format!(
                        "intervention `{name}` targets group `{g}`, which does not exist{}; groups: {}",
                        crate::diagnostic::did_you_mean(g, known.iter().copied()),
                        if known.is_empty() { "(none)".into() } else { known.join(", ") }
                    ),
                );
            }
            found
        };
        let effect = match &spec.effect {
            EffectSpec::TrackOnly => CaseEffect::TrackOnly,
            EffectSpec::Prevent { group } => {
                match group_index(r, group, &format!("{path}.effect.group")) {
                    Some(g) => CaseEffect::Prevent { group: g },
                    None => continue,
                }
            }
            EffectSpec::Turn { group, window } => {
                let Some(g) = group_index(r, group, &format!("{path}.effect.group")) else {
                    continue;
                };
                let k = profiles[groups[g].profile].profile.len() as u32;
                let w = window.unwrap_or((1, k));
                if w.0 < 1 || w.0 > w.1 || w.1 > k {
                    r.error(
                        file,
                        &format!("{path}.effect.window"),
                        format!(
                            "the eligible window ({}, {}) must satisfy 1 ≤ from ≤ to ≤ {k} (the length of group `{group}`'s profile)",
                            w.0, w.1
                        ),
                    );
                }
                CaseEffect::Turn {
                    group: g,
                    window: w,
                }
            }
        };
        if channel == Channel::Communication && effect != CaseEffect::TrackOnly {
            r.error(
                file,
                &format!("{path}.effect"),
                "a communication intervention builds coordination between actors; it cannot turn or prevent cases itself (give the effect to an intervention on a track)",
            );
        }
        if spec.start < 1 || spec.start > horizon {
            r.error(
                file,
                &format!("{path}.start"),
                format!(
                    "start must be a year from 1 to the horizon ({horizon}); got {}",
                    spec.start
                ),
            );
        }
        let duration = spec
            .duration
            .unwrap_or_else(|| horizon.saturating_sub(spec.start).saturating_add(1));
        if duration < 1 {
            r.error(
                file,
                &format!("{path}.duration"),
                "duration must be at least 1 year",
            );
        }
        let sc = |r: &mut Resolver, field: &str, s: &Scalar, range: Range, what: &str| {
            r.scalar(file, &format!("{path}.{field}"), s, range, what)
        };
        let intensity = sc(
            r,
            "intensity",
            &spec.intensity,
            Range::NON_NEGATIVE,
            "the intensity",
        );
        let reach = sc(r, "reach", &spec.reach, Range::SHARE, "the reach (a share)");
        let success = sc(
            r,
            "success",
            &spec.success,
            Range::SHARE,
            "the success probability",
        );
        let delay = sc(
            r,
            "delay",
            &spec.delay,
            Range::NON_NEGATIVE,
            "the delay (years)",
        );
        let ramp = sc(
            r,
            "ramp",
            &spec.ramp,
            Range::POSITIVE,
            "the ramp (years to full strength)",
        );
        let decay = sc(
            r,
            "decay",
            &spec.decay,
            Range::SHARE,
            "the decay (share lost per year)",
        );
        let weight = sc(r, "weight", &spec.weight, Range::ANY, "the track weight");
        if channel == Channel::Communication && spec.weight != Scalar::Number(0.0) {
            r.error(
                file,
                &format!("{path}.weight"),
                "communication has no track state, so a weight has nothing to drive; it raises coordination instead (see synergy.kappa_up)",
            );
        }
        let costs = |r: &mut Resolver, field: &str, map: &crate::config::OrderedMap<Scalar>| {
            let mut v = Vec::new();
            for (a, s) in map.iter() {
                let at = format!("{path}.{field}.{a}");
                // The value first: a cost charged to an actor that
                // settings.actors leaves out keeps its input, so every other
                // input draws as in the run with every actor.
                let val = r.scalar(file, &at, s, Range::NON_NEGATIVE, "a cost (SEK)");
                if let Some(id) = actor(r, actors, file, &at, a) {
                    v.push((id, val));
                }
            }
            v
        };
        let cost = costs(r, "cost", &spec.cost);
        let cost_per_case = costs(r, "cost_per_case", &spec.cost_per_case);
        if !spec.cost_per_case.is_empty() && effect == CaseEffect::TrackOnly {
            r.error(
                file,
                &format!("{path}.cost_per_case"),
                "cost_per_case needs cases to reach: give the intervention an effect Turn(group: ...) or Prevent(group: ...)",
            );
        }
        let success_profile = match &spec.success_profile {
            None => None,
            Some(p) => match profiles.iter().position(|d| d.name == *p) {
                Some(i) if effect != CaseEffect::TrackOnly => Some(i),
                Some(_) => {
                    r.error(
                        file,
                        &format!("{path}.success_profile"),
                        "a success profile starts for each turned or prevented case: give the intervention an effect Turn(...) or Prevent(...)",
                    );
                    None
                }
                None => {
                    r.error(
                        file,
                        &format!("{path}.success_profile"),
                        format!(
                            "unknown profile `{p}`; profiles: {}",
                            profiles
                                .iter()
                                .map(|d| d.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                }
            },
        };
        let success_share = match &spec.success_share {
            None => Value::Fixed(1.0),
            Some(share) => {
                if spec.success_profile.is_none() {
                    r.error(
                        file,
                        &format!("{path}.success_share"),
                        "success_share is the share of successes that start the success profile: give the intervention a success_profile too",
                    );
                }
                r.scalar(
                    file,
                    &format!("{path}.success_share"),
                    share,
                    Range::SHARE,
                    "the share of successes that start the success profile",
                )
            }
        };
        let repression = match &spec.repression {
            None => None,
            Some(rep) => {
                if channel == Channel::Communication {
                    r.error(
                        file,
                        &format!("{path}.repression"),
                        "repression acts on a track's state; communication has none (put it on a safety intervention)",
                    );
                }
                let h = r.scalar(
                    file,
                    &format!("{path}.repression.height"),
                    &rep.height,
                    Range::NON_NEGATIVE,
                    "the repression height",
                );
                let tau = r.scalar(
                    file,
                    &format!("{path}.repression.time_to_peak"),
                    &rep.time_to_peak,
                    Range::POSITIVE,
                    "the time to peak (years)",
                );
                Some((h, tau))
            }
        };
        out.push(InterventionDef {
            name: name.clone(),
            channel,
            effect,
            start: spec.start,
            duration,
            intensity,
            reach,
            success,
            delay,
            ramp,
            decay,
            weight,
            cost,
            cost_per_case,
            success_profile,
            success_share,
            repression,
        });
    }
    out
}

/// A track name → index, reporting unknown names.
fn track_at(r: &mut Resolver, path: &str, name: &str) -> Option<usize> {
    match name.parse::<Track>() {
        Ok(t) => Some(t.index()),
        Err(_) => {
            r.error(
                ROOT,
                path,
                format!("unknown track `{name}`; valid tracks: {}", track_list()),
            );
            None
        }
    }
}

fn per_track(
    r: &mut Resolver,
    path: &str,
    spec: &Option<PerTrack>,
    defaults: [f64; 4],
    range: Range,
    what: &str,
) -> [Value; 4] {
    let mut out = defaults.map(Value::Fixed);
    match spec {
        None => {}
        Some(PerTrack::All(s)) => {
            let v = r.scalar(ROOT, path, s, range, what);
            out = [v; 4];
        }
        Some(PerTrack::ByTrack(map)) => {
            for (k, s) in map.iter() {
                let at = format!("{path}.{k}");
                if let Some(i) = track_at(r, &at, k) {
                    out[i] = r.scalar(ROOT, &at, s, range, what);
                }
            }
        }
    }
    out
}

fn matrix(
    r: &mut Resolver,
    path: &str,
    spec: &crate::config::OrderedMap<crate::config::OrderedMap<Scalar>>,
    what: &str,
) -> [[Value; 4]; 4] {
    let mut out = [[Value::Fixed(0.0); 4]; 4];
    for (from, row) in spec.iter() {
        let Some(j) = track_at(r, &format!("{path}.{from}"), from) else {
            continue;
        };
        for (to, s) in row.iter() {
            let at = format!("{path}.{from}.{to}");
            let Some(k) = track_at(r, &at, to) else {
                continue;
            };
            if j == k && path.ends_with(".w") {
                r.error(ROOT, &at, format!("{what} from a track to itself is not part of the model (W's diagonal is unused); give only effects between different tracks"));
            }
            out[j][k] = r.scalar(ROOT, &at, s, Range::ANY, what);
        }
    }
    out
}

fn scalar_or(
    r: &mut Resolver,
    path: &str,
    s: &Option<Scalar>,
    default: f64,
    range: Range,
    what: &str,
) -> Value {
    match s {
        Some(s) => r.scalar(ROOT, path, s, range, what),
        None => Value::Fixed(default),
    }
}

pub(super) fn synergy(r: &mut Resolver) -> SynergyDef {
    let spec = &r.loaded.scenario.synergy;
    let d = SynergyParams::default();
    let alpha_range = Range {
        lo: 0.0,
        hi: 1.0,
        lo_open: true,
        hi_open: false,
    };
    let turnover_range = Range {
        lo: 0.0,
        hi: 1.0,
        lo_open: false,
        hi_open: true,
    };
    let mut lags = d.lags;
    for (from, row) in spec.lags.iter() {
        let Some(j) = track_at(r, &format!("synergy.lags.{from}"), from) else {
            continue;
        };
        for (to, lag) in row.iter() {
            let at = format!("synergy.lags.{from}.{to}");
            let Some(k) = track_at(r, &at, to) else {
                continue;
            };
            if *lag < 1 {
                r.error(ROOT, &at, format!("a lag must be at least 1 year (a track reacts to others' progress of earlier years); got {lag}"));
            }
            lags[j][k] = *lag;
        }
    }
    SynergyDef {
        w: matrix(r, "synergy.w", &spec.w, "a synergy strength"),
        lags,
        alpha: per_track(
            r,
            "synergy.alpha",
            &spec.alpha,
            d.alpha,
            alpha_range,
            "the adjustment speed α",
        ),
        beta: per_track(
            r,
            "synergy.beta",
            &spec.beta,
            d.beta,
            Range::POSITIVE,
            "the steepness β",
        ),
        theta: per_track(
            r,
            "synergy.theta",
            &spec.theta,
            d.theta,
            Range::NON_NEGATIVE,
            "the threshold θ",
        ),
        turnover: per_track(
            r,
            "synergy.turnover",
            &spec.turnover,
            d.turnover,
            turnover_range,
            "the turnover drain m",
        ),
        drift: per_track(
            r,
            "synergy.drift",
            &spec.drift,
            d.drift,
            Range::ANY,
            "the drift b",
        ),
        eta: scalar_or(r, "synergy.eta", &spec.eta, d.eta, Range::SHARE, "η"),
        kappa_up: scalar_or(
            r,
            "synergy.kappa_up",
            &spec.kappa_up,
            d.kappa_up,
            Range::SHARE,
            "κ_up",
        ),
        kappa_down: scalar_or(
            r,
            "synergy.kappa_down",
            &spec.kappa_down,
            d.kappa_down,
            Range::SHARE,
            "κ_down",
        ),
        c0: scalar_or(
            r,
            "synergy.c0",
            &spec.c0,
            d.c0,
            Range::SHARE,
            "the initial coordination c0",
        ),
        boost: matrix(r, "synergy.boost", &spec.boost, "a success boost γ"),
        tipping: tipping(r),
    }
}

/// `settings.tipping`, checked against the rule's limits.
fn tipping(r: &mut Resolver) -> palett_synergy::TippingRule {
    let spec = &r.loaded.scenario.settings.tipping;
    let rule = palett_synergy::TippingRule {
        lookahead: spec.lookahead,
        level: spec.level,
    };
    if !(1..=palett_synergy::TippingRule::MAX_LOOKAHEAD).contains(&rule.lookahead) {
        r.error(
            ROOT,
            "settings.tipping.lookahead",
            format!(
                "the tipping test looks 1 to {} years ahead; got {}",
                palett_synergy::TippingRule::MAX_LOOKAHEAD,
                rule.lookahead
            ),
        );
    }
    if !(rule.level > 0.0 && rule.level < 1.0) {
        r.error(
            ROOT,
            "settings.tipping.level",
            format!(
                "the tipping level is a track state strictly between 0 (the area's baseline) and 1 (the national norm); got {}",
                rule.level
            ),
        );
    }
    rule
}

pub(super) fn areas(r: &mut Resolver, actors: &ActorSet) -> Vec<AreaDef> {
    let specs = &r.loaded.scenario.areas;
    let mut out = Vec::new();
    for (name, a) in specs.iter() {
        let path = format!("areas.{name}");
        if !check_name(r, ROOT, &path, name) {
            continue;
        }
        let apartments = r.scalar(
            ROOT,
            &format!("{path}.apartments"),
            &a.apartments,
            Range::NON_NEGATIVE,
            "the number of apartments",
        );
        let mut effects = Vec::new();
        for (en, e) in a.effects.iter() {
            let ep = format!("{path}.effects.{en}");
            // The value first, as for intervention costs: an effect whose
            // beneficiary is left out keeps its input.
            let value = r.scalar(
                ROOT,
                &format!("{ep}.value"),
                &e.value,
                Range::ANY,
                "the value per apartment and year",
            );
            let Some(beneficiary) = actor(
                r,
                actors,
                ROOT,
                &format!("{ep}.beneficiary"),
                &e.beneficiary,
            ) else {
                continue;
            };
            let Some(k) = track_at(r, &format!("{ep}.track"), &e.track) else {
                continue;
            };
            effects.push(AreaEffectDef {
                name: en.clone(),
                class: match e.class {
                    EffectClass::Direct => AreaClass::Direct,
                    EffectClass::Indirect => AreaClass::Indirect,
                    EffectClass::Business => AreaClass::Business,
                },
                beneficiary,
                track: Track::ALL[k],
                value,
            });
        }
        out.push(AreaDef {
            name: name.clone(),
            apartments,
            effects,
        });
    }
    out
}

pub(super) fn mixes(
    r: &mut Resolver,
    interventions: &[InterventionDef],
    horizon: u32,
) -> Vec<MixDef> {
    let specs = &r.loaded.scenario.mixes;
    let mut out = Vec::new();
    for (name, m) in specs.iter() {
        let path = format!("mixes.{name}");
        if !check_name(r, ROOT, &path, name) {
            continue;
        }
        if name == "do_nothing" {
            r.error(
                ROOT,
                &path,
                "`do_nothing` is the built-in baseline and is always included; choose another name",
            );
            continue;
        }
        if m.interventions.is_empty() {
            r.warn(
                ROOT,
                &format!("{path}.interventions"),
                format!(
                    "mix `{name}` has no interventions, so it is doing nothing again and ties \
                     with do_nothing; name the interventions it mixes"
                ),
            );
        }
        let mut entries: Vec<MixEntry> = Vec::new();
        for (i, item) in m.interventions.iter().enumerate() {
            let at = format!("{path}.interventions[{i}]");
            let (iname, start, duration, intensity) = match item {
                MixItem::Name(n) => (n, None, None, None),
                MixItem::Override(o) => (&o.name, o.start, o.duration, o.intensity.as_ref()),
            };
            let Some(idx) = interventions.iter().position(|d| d.name == *iname) else {
                // An intervention that is written but invalid has its own
                // diagnostic; the mix is left out without a second one.
                if intervention_written(r, iname) {
                    continue;
                }
                r.error(
                    ROOT,
                    &at,
                    format!(
                        "mix `{name}` names intervention `{iname}`, which does not exist{}; interventions: {}",
                        crate::diagnostic::did_you_mean(iname, interventions.iter().map(|d| d.name.as_str())),
                        interventions.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                );
                continue;
            };
            if entries.iter().any(|e| e.intervention == idx) {
                r.error(
                    ROOT,
                    &at,
                    format!("intervention `{iname}` is in mix `{name}` twice"),
                );
                continue;
            }
            let def = &interventions[idx];
            let start = start.unwrap_or(def.start);
            if start < 1 || start > horizon {
                r.error(
                    ROOT,
                    &format!("{at}.start"),
                    format!("start must be a year from 1 to {horizon}; got {start}"),
                );
            }
            let duration = duration.unwrap_or(def.duration);
            if duration < 1 {
                r.error(
                    ROOT,
                    &format!("{at}.duration"),
                    "duration must be at least 1 year",
                );
            }
            let intensity = match intensity {
                Some(s) => r.scalar(
                    ROOT,
                    &format!("{at}.intensity"),
                    s,
                    Range::NON_NEGATIVE,
                    "the intensity",
                ),
                None => def.intensity,
            };
            entries.push(MixEntry {
                intervention: idx,
                start,
                duration,
                intensity,
            });
        }
        out.push(MixDef {
            name: name.clone(),
            description: m.description.clone(),
            entries,
        });
    }
    out
}

pub(super) fn correlations(r: &mut Resolver) -> Vec<(usize, usize, f64)> {
    let specs = &r.loaded.scenario.correlations;
    let mut out: Vec<(usize, usize, f64)> = Vec::new();
    // The list index each entry of `out` came from, for a repeated pair.
    let mut from = Vec::new();
    for (i, c) in specs.iter().enumerate() {
        let path = format!("correlations[{i}]");
        if !(-1.0..=1.0).contains(&c.rank) || c.rank.is_nan() {
            r.error(
                ROOT,
                &format!("{path}.rank"),
                format!(
                    "a rank correlation must be between -1 and 1; got {}",
                    c.rank
                ),
            );
            continue;
        }
        let mut idx = [0usize; 2];
        let mut ok = true;
        for (k, p) in [&c.between.0, &c.between.1].into_iter().enumerate() {
            match r.params.index_of(p) {
                Some(j) => idx[k] = j,
                None => {
                    ok = false;
                    let hint = if r.params.entries.is_empty() {
                        "this scenario has no uncertain inputs".to_string()
                    } else {
                        format!(
                            "uncertain inputs are: {}",
                            r.params
                                .entries
                                .iter()
                                .map(|e| e.path.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    r.error(
                        ROOT,
                        &format!("{path}.between[{k}]"),
                        format!("`{p}` is not an uncertain input (only distributions can be correlated; `palett params FILE` lists them); {hint}"),
                    );
                }
            }
        }
        if ok && idx[0] == idx[1] {
            r.error(
                ROOT,
                &format!("{path}.between"),
                "an input cannot be correlated with itself",
            );
            continue;
        }
        if !ok {
            continue;
        }
        let pair = (idx[0].min(idx[1]), idx[0].max(idx[1]));
        if let Some(first) = out
            .iter()
            .position(|&(a, b, _)| (a.min(b), a.max(b)) == pair)
        {
            r.error(
                ROOT,
                &format!("{path}.between"),
                format!(
                    "`{}` and `{}` are already correlated by correlations[{}]; give each pair once",
                    c.between.0, c.between.1, from[first]
                ),
            );
            continue;
        }
        out.push((idx[0], idx[1], c.rank));
        from.push(i);
    }
    out
}

pub(super) fn run_defaults(r: &mut Resolver) -> RunDefaults {
    let spec = &r.loaded.scenario.run;
    if spec.samples < 1 {
        r.error(ROOT, "run.samples", "samples must be at least 1");
    }
    if let Some(t) = spec.target_se
        && !(t > 0.0 && t.is_finite())
    {
        r.error(
            ROOT,
            "run.target_se",
            format!("target_se is a standard error in SEK and must be greater than 0; got {t}"),
        );
    }
    RunDefaults {
        samples: spec.samples,
        seed: spec.seed,
        method: match spec.method {
            MethodSpec::MonteCarlo => Method::MonteCarlo,
            MethodSpec::LatinHypercube => Method::LatinHypercube,
        },
        target_se: spec.target_se,
    }
}

/// The scenario's claims, checked against the catalogue's figures, the
/// mixes a run compares (`names`, do-nothing first) and the scenario's keys.
pub(super) fn assertions(r: &mut Resolver, names: &[&str], keys: &KeyNames) -> Vec<AssertionDef> {
    let specs = &r.loaded.scenario.assertions;
    let mut out = Vec::new();
    for (i, a) in specs.iter().enumerate() {
        let path = format!("assertions[{i}]");
        let (mix, metric, text) = match a {
            AssertionSpec::Metric {
                mix,
                metric,
                at_least,
                at_most,
            } => {
                if at_least.is_none() && at_most.is_none() {
                    r.error(
                        ROOT,
                        &path,
                        "a Metric assertion needs at_least, at_most or both",
                    );
                }
                (mix, metric.as_str(), format!("{mix}: {metric}"))
            }
            AssertionSpec::Best { mix, metric } => {
                let metric = metric.as_deref().unwrap_or("npv.mean");
                (mix, metric, format!("{mix} has the highest {metric}"))
            }
        };
        let Some(mix_index) = names.iter().position(|n| n == mix) else {
            r.error(
                ROOT,
                &format!("{path}.mix"),
                format!("unknown mix `{mix}`; mixes: {}", names.join(", ")),
            );
            continue;
        };
        let metric = match MetricRef::parse(metric, keys) {
            Ok(m) => m,
            Err(e) => {
                r.error(ROOT, &format!("{path}.metric"), e.to_string());
                continue;
            }
        };
        let mut text = text;
        if let AssertionSpec::Metric {
            at_least, at_most, ..
        } = a
        {
            // Bounds in people's units (MSEK, %, year N), as results are shown.
            for (sign, bound) in [("≥", at_least), ("≤", at_most)] {
                if let Some(b) = bound {
                    let shown = crate::batch::value_text(metric.unit(), Some(*b));
                    text.push_str(&format!(" {sign} {shown}"));
                }
            }
        }
        let claim = match a {
            AssertionSpec::Metric {
                at_least, at_most, ..
            } => Claim::Metric {
                mix: mix_index,
                metric,
                at_least: *at_least,
                at_most: *at_most,
            },
            AssertionSpec::Best { .. } => Claim::Best {
                mix: mix_index,
                metric,
            },
        };
        let at = r.loaded.file(ROOT).at(&path, "");
        out.push(AssertionDef {
            text,
            claim,
            location: SourceLocation {
                file: at.file,
                line: at.line,
                col: at.col,
            },
        });
    }
    out
}

/// The Monte Carlo input space of a resolved scenario: its uncertain inputs
/// and their rank correlations. Fails when the correlation matrix is not
/// positive definite (the message names the inputs involved).
pub(super) fn input_space(
    params: &ParamTable,
    correlations: &[(usize, usize, f64)],
) -> Result<palett_montecarlo::InputSpace, String> {
    let entries = &params.entries;
    palett_montecarlo::InputSpace::new(
        entries
            .iter()
            .map(|p| (p.path.clone(), p.distribution.clone()))
            .collect(),
        &correlations
            .iter()
            .map(|&(a, b, r)| (entries[a].path.clone(), entries[b].path.clone(), r))
            .collect::<Vec<_>>(),
    )
    .map_err(|e| format!("correlations: {e}"))
}

/// Whether an intervention of this name is written in the scenario or an
/// included library (whether or not it proved valid).
fn intervention_written(r: &Resolver, name: &str) -> bool {
    let loaded = r.loaded;
    loaded.scenario.interventions.iter().any(|(n, _)| n == name)
        || loaded
            .libraries
            .iter()
            .any(|(_, l)| l.interventions.iter().any(|(n, _)| n == name))
}
