//! Actors, catalogue, profiles and groups (model.md §2–§3).

use palett_cost::{ActorId, ActorSet, Catalogue, CatalogueItem, CostError, Profile};
use palett_synergy::Track;

use super::{Range, Resolver, Source, collect};
use crate::config::{InflowSpec, PerYearSpec, ProfileSpec, Scalar};
use crate::source::FileId;
use crate::source::limits::MAX_PROFILE_YEARS;
use palett_model::scenario::{
    GroupDef, InflowDriver, ProfileDef, ProfileRecipe, SampleCatalogue, Scenario,
};
use palett_model::value::Value;

/// The default seven plus every actor the scenario and its libraries add.
pub(super) fn actors(r: &mut Resolver) -> ActorSet {
    let mut set = ActorSet::default();
    let loaded = r.loaded;
    let lists = loaded
        .libraries
        .iter()
        .map(|(id, lib)| (*id, &lib.actors))
        .chain(std::iter::once((FileId(0), &loaded.scenario.actors)));
    for (file, list) in lists {
        for (i, name) in list.iter().enumerate() {
            if set.index_of(name).is_some() {
                continue; // Declaring an actor twice (say in two libraries) is harmless.
            }
            if let Err(e) = set.add(name) {
                r.error(file, &format!("actors[{i}]"), e.to_string());
            }
        }
    }
    match &loaded.scenario.settings.actors {
        Some(kept) => keep_only(r, &set, kept),
        None => set,
    }
}

/// The actors `settings.actors` keeps, in its order; the others are
/// recorded as left out.
fn keep_only(r: &mut Resolver, known: &ActorSet, kept: &[String]) -> ActorSet {
    let mut set = ActorSet::empty();
    if kept.is_empty() {
        r.error(
            FileId(0),
            "settings.actors",
            format!(
                "an empty list keeps no accounts; list the actors to keep, from: {}",
                known.names().join(", ")
            ),
        );
    }
    for (i, name) in kept.iter().enumerate() {
        let path = format!("settings.actors[{i}]");
        if known.index_of(name).is_none() {
            r.error(
                FileId(0),
                &path,
                format!(
                    "unknown actor `{name}`{}; known actors are: {} (add others under `actors: [...]`)",
                    crate::diagnostic::did_you_mean(name, known.names().iter().map(String::as_str)),
                    known.names().join(", ")
                ),
            );
        } else if set.index_of(name).is_some() {
            r.error(
                FileId(0),
                &path,
                format!("`{name}` is listed twice; list each actor once"),
            );
        } else if let Err(e) = set.add(name) {
            r.error(FileId(0), &path, e.to_string());
        }
    }
    r.actors_left_out = known
        .names()
        .iter()
        .filter(|n| set.index_of(n).is_none())
        .cloned()
        .collect();
    set
}

/// Looks up an actor by name, reporting a helpful error if it is unknown.
pub(crate) fn actor(
    r: &mut Resolver,
    actors: &ActorSet,
    file: FileId,
    path: &str,
    name: &str,
) -> Option<ActorId> {
    let found = actors.index_of(name);
    // Charged to an actor `settings.actors` leaves out: skipped on purpose.
    if found.is_none() && !r.actors_left_out.iter().any(|a| a == name) {
        r.error(
            file,
            path,
            format!(
                "unknown actor `{name}`; known actors are: {} (add others under `actors: [...]`)",
                actors.names().join(", ")
            ),
        );
    }
    found
}

/// The catalogue at central prices, and each item's price as a (possibly
/// uncertain) value, in item order.
pub(super) fn catalogue(r: &mut Resolver, actors: &ActorSet) -> (Catalogue, Vec<Value>) {
    let mut cat = Catalogue::default();
    let mut prices = Vec::new();
    let items = collect(r, "catalogue", |s| match s {
        Source::Scenario(f) => &f.catalogue,
        Source::Library(f) => &f.catalogue,
    });
    for (file, name, item) in items {
        let path = format!("catalogue.{name}");
        let price = r.scalar(
            file,
            &format!("{path}.price"),
            &item.price,
            Range::ANY,
            "the price (SEK per unit)",
        );
        let Some(actor) = actor(r, actors, file, &format!("{path}.actor"), &item.actor) else {
            if r.actors_left_out.contains(&item.actor) {
                r.items_left_out.push(name.clone());
            }
            continue;
        };
        let added = cat.add(CatalogueItem {
            name: name.clone(),
            unit_price: price.get(&r.params.central_values()),
            actor,
            unit: item.unit.clone().unwrap_or_else(|| "unit".into()),
        });
        match added {
            Ok(_) => prices.push(price),
            Err(e) => r.error(file, &path, e.to_string()),
        }
    }
    (cat, prices)
}

/// Resolves one row of a profile: each value at `{row}[i]`.
fn row_values(r: &mut Resolver, file: FileId, row: &str, values: &[Scalar]) -> Vec<Value> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            r.scalar(
                file,
                &format!("{row}[{i}]"),
                v,
                Range::ANY,
                "a profile amount",
            )
        })
        .collect()
}

/// The values of one row of an `Annual` or `Resources` profile of `years`
/// years, for profile years 1, 2, …: `(every_year: x)` is x in each; a list
/// is its values, then nothing. A one-value list in a longer profile is
/// read as every year, as palett always read it, with a warning: its
/// meaning is not what most readers expect.
fn by_year(
    r: &mut Resolver,
    file: FileId,
    path: &str,
    spec: &PerYearSpec,
    years: u32,
) -> Vec<Value> {
    match spec {
        // One draw per sample, the same in every year.
        PerYearSpec::EveryYear(x) => {
            let v = r.scalar(
                file,
                &format!("{path}.every_year"),
                x,
                Range::ANY,
                "a profile amount",
            );
            vec![v; years as usize]
        }
        PerYearSpec::Years(v) if v.len() == 1 && years > 1 => {
            // A distribution's text is not kept, so its message names it
            // by what it is.
            let (read, x) = match &v[0] {
                Scalar::Number(x) => (format!("`[{x}]` is read as {x}"), x.to_string()),
                Scalar::Distribution(_) => (
                    "a one-value list is read as its one draw".to_string(),
                    "…".to_string(),
                ),
            };
            r.warn(
                file,
                path,
                format!(
                    "{read} in every one of the {years} years; write `(every_year: {x})` \
                     to say so, or `[{x}, 0]` for the first year only"
                ),
            );
            let value = row_values(r, file, path, v).remove(0);
            vec![value; years as usize]
        }
        PerYearSpec::Years(v) => row_values(r, file, path, v),
    }
}

pub(super) fn profiles(
    r: &mut Resolver,
    actors: &ActorSet,
    catalogue: &Catalogue,
    prices: &[Value],
) -> Vec<ProfileDef> {
    let defs = collect(r, "profiles", |s| match s {
        Source::Scenario(f) => &f.profiles,
        Source::Library(f) => &f.profiles,
    });
    let mut out = Vec::new();
    for (file, name, spec) in defs {
        let path = format!("profiles.{name}");
        if let Some(def) = profile(r, actors, (catalogue, prices), file, &path, name, spec) {
            out.push(def);
        }
    }
    out
}

fn profile(
    r: &mut Resolver,
    actors: &ActorSet,
    (catalogue, prices): (&Catalogue, &[Value]),
    file: FileId,
    path: &str,
    name: &str,
    spec: &ProfileSpec,
) -> Option<ProfileDef> {
    let n = actors.len();
    // The profile is built per year: refuse a length over the limit before
    // anything is allocated from it.
    let (length, length_path) = match spec {
        ProfileSpec::Checkpoints { years, .. } => (
            years.iter().copied().max().unwrap_or(0),
            format!(
                "{path}.years[{}]",
                years
                    .iter()
                    .position(|y| *y > MAX_PROFILE_YEARS)
                    .unwrap_or(0)
            ),
        ),
        ProfileSpec::Annual { years, .. } | ProfileSpec::Resources { years, .. } => {
            (*years, format!("{path}.years"))
        }
    };
    if length > MAX_PROFILE_YEARS {
        r.error(
            file,
            &length_path,
            format!("a profile may be at most {MAX_PROFILE_YEARS} years long; got {length}"),
        );
        return None;
    }
    // Every number of the profile as a value (each may be uncertain); the
    // profile is validated at central values and, when anything in it is
    // uncertain, rebuilt per sample from its recipe.
    let (recipe, scale, description) = match spec {
        ProfileSpec::Checkpoints {
            rate,
            years,
            cumulative,
            scale,
            description,
            ..
        } => {
            let mut rows = Vec::new();
            for (actor_name, values) in cumulative.iter() {
                let p = format!("{path}.cumulative.{actor_name}");
                if values.len() != years.len() {
                    r.error(
                        file,
                        &p,
                        format!(
                            "`{actor_name}` has {} cumulative values but there are {} checkpoint years; give one value per year in `years`",
                            values.len(),
                            years.len()
                        ),
                    );
                    continue;
                }
                let values = row_values(r, file, &p, values);
                if let Some(a) = actor(r, actors, file, &p, actor_name) {
                    rows.push((a, values));
                }
            }
            let recipe = ProfileRecipe::Checkpoints {
                years: years.clone(),
                rows,
                rate: *rate,
            };
            (recipe, scale, description)
        }
        ProfileSpec::Annual {
            years,
            amounts,
            scale,
            description,
        } => {
            let mut rows = Vec::new();
            for (actor_name, values) in amounts.iter() {
                let p = format!("{path}.amounts.{actor_name}");
                let values = by_year(r, file, &p, values, *years);
                if let Some(a) = actor(r, actors, file, &p, actor_name) {
                    rows.push((a, values));
                }
            }
            let recipe = ProfileRecipe::Annual {
                len: *years as usize,
                rows,
            };
            (recipe, scale, description)
        }
        ProfileSpec::Resources {
            years,
            quantities,
            scale,
            description,
        } => {
            let mut rows = Vec::new();
            for (item, values) in quantities.iter() {
                let p = format!("{path}.quantities.{item}");
                let values = by_year(r, file, &p, values, *years);
                match catalogue.index_of(item) {
                    Some(id) => rows.push((id, values)),
                    // Paid by an actor settings.actors leaves out.
                    None if r.items_left_out.contains(item) => {}
                    None => r.error(
                        file,
                        &p,
                        format!(
                            "unknown catalogue item `{item}`; the catalogue has: {}",
                            catalogue.names().join(", ")
                        ),
                    ),
                }
            }
            let recipe = ProfileRecipe::Resources {
                len: *years as usize,
                rows,
            };
            (recipe, scale, description)
        }
    };
    let central = r.params.central_values();
    let uncertain = |v: &[Value]| v.iter().any(|x| !matches!(x, Value::Fixed(_)));
    let varies = match &recipe {
        ProfileRecipe::Annual { rows, .. } | ProfileRecipe::Checkpoints { rows, .. } => {
            rows.iter().any(|(_, v)| uncertain(v))
        }
        ProfileRecipe::Resources { rows, .. } => rows.iter().any(|(id, v)| {
            uncertain(v)
                || prices
                    .get(id.0)
                    .is_some_and(|p| uncertain(std::slice::from_ref(p)))
        }),
    };
    // At central values, with the file's own rule on falling cumulative
    // values.
    let built = match (&recipe, spec) {
        (
            ProfileRecipe::Checkpoints { years, rows, rate },
            ProfileSpec::Checkpoints { allow_decrease, .. },
        ) => {
            let rows: Vec<_> = rows
                .iter()
                .map(|(a, v)| (*a, v.iter().map(|x| x.get(&central)).collect()))
                .collect();
            Profile::from_checkpoints(n, years, &rows, *rate, *allow_decrease)
        }
        _ => recipe.build(
            n,
            &mut SampleCatalogue::new(catalogue, prices, &central),
            &central,
        ),
    };
    let scale = r.scalar(
        file,
        &format!("{path}.scale"),
        scale,
        Range::NON_NEGATIVE,
        "the profile scale",
    );
    match built {
        Ok(profile) => Some(ProfileDef {
            name: name.to_string(),
            profile,
            scale,
            description: description.clone(),
            recipe: varies.then_some(recipe),
        }),
        Err(e) => {
            let (at, msg) = profile_error(path, spec, &e, actors);
            r.error(file, &at, format!("profile `{name}`: {msg}"));
            None
        }
    }
}

/// Where in a profile an error of the cost model points (by the actor and
/// checkpoint it names), and its message with the actor named as in the file.
fn profile_error(
    path: &str,
    spec: &ProfileSpec,
    e: &CostError,
    actors: &ActorSet,
) -> (String, String) {
    let named = e.clone().with_actor_names(actors);
    let actor = e.actor().and_then(|a| actors.names().get(a.0).cloned());
    let field = match spec {
        ProfileSpec::Checkpoints { .. } => "cumulative",
        ProfileSpec::Annual { .. } => "amounts",
        ProfileSpec::Resources { .. } => "quantities",
    };
    let at = match e {
        CostError::CheckpointOrder { index, .. } => format!("{path}.years[{index}]"),
        CostError::InvalidRate(_) => format!("{path}.rate"),
        CostError::EmptyProfile => format!("{path}.years"),
        CostError::FallingCumulative { year_to, .. } => {
            let k = match spec {
                ProfileSpec::Checkpoints { years, .. } => years.iter().position(|y| y == year_to),
                _ => None,
            };
            match (&actor, k) {
                (Some(a), Some(k)) => format!("{path}.{field}.{a}[{k}]"),
                (Some(a), None) => format!("{path}.{field}.{a}"),
                _ => format!("{path}.{field}"),
            }
        }
        _ => match &actor {
            Some(a) => format!("{path}.{field}.{a}"),
            None => path.to_string(),
        },
    };
    (at, named.to_string())
}

pub(super) fn groups(r: &mut Resolver, profiles: &[ProfileDef], horizon: u32) -> Vec<GroupDef> {
    let loaded = r.loaded;
    let root = FileId(0);
    let specs = &loaded.scenario.groups;
    let mut out = Vec::new();
    for (name, g) in specs.iter() {
        let path = format!("groups.{name}");
        if !super::check_name(r, root, &path, name) {
            continue;
        }
        let profile = match profiles.iter().position(|p| p.name == g.profile) {
            Some(i) => i,
            None => {
                let known: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
                r.error(
                    root,
                    &format!("{path}.profile"),
                    format!(
                        "group `{name}` names profile `{}`, which does not exist{}; defined profiles: {}",
                        g.profile,
                        crate::diagnostic::did_you_mean(&g.profile, known.iter().copied()),
                        if known.is_empty() { "(none)".to_string() } else { known.join(", ") }
                    ),
                );
                continue;
            }
        };
        let len = profiles[profile].profile.len() as u32;
        let stock = r.scalar(
            root,
            &format!("{path}.stock"),
            &g.stock,
            Range::NON_NEGATIVE,
            "the stock",
        );
        if g.stock_year == 0 || g.stock_year > len {
            r.error(
                root,
                &format!("{path}.stock_year"),
                format!(
                    "stock_year must be a profile year from 1 to {len} (the length of profile `{}`); got {}",
                    g.profile, g.stock_year
                ),
            );
        }
        let inflow = match &g.inflow {
            InflowSpec::Constant(s) => {
                let v = r.scalar(
                    root,
                    &format!("{path}.inflow"),
                    s,
                    Range::NON_NEGATIVE,
                    "the inflow",
                );
                vec![v; horizon as usize]
            }
            InflowSpec::ByYear(list) => {
                if list.len() > horizon as usize {
                    r.error(
                        root,
                        &format!("{path}.inflow"),
                        format!(
                            "the inflow lists {} years but the horizon is {horizon}; give at most one value per year",
                            list.len()
                        ),
                    );
                }
                let mut v: Vec<Value> = list
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        r.scalar(
                            root,
                            &format!("{path}.inflow[{i}]"),
                            s,
                            Range::NON_NEGATIVE,
                            "the inflow",
                        )
                    })
                    .collect();
                v.resize(horizon as usize, Value::Fixed(0.0));
                v
            }
        };
        let mut feeds = Vec::new();
        for (i, f) in g.feeds.iter().enumerate() {
            let fp = format!("{path}.feeds[{i}]");
            let share = r.scalar(
                root,
                &format!("{fp}.share"),
                &f.share,
                Range::SHARE,
                "a feed share",
            );
            match specs.iter().position(|(n, _)| *n == f.to) {
                Some(_) if f.to == *name => r.error(
                    root,
                    &format!("{fp}.to"),
                    format!("group `{name}` feeds itself; a feed must go to another group"),
                ),
                Some(t) => feeds.push((t, share)),
                None => r.error(
                    root,
                    &format!("{fp}.to"),
                    format!(
                        "feed to unknown group `{}`; groups: {}",
                        f.to,
                        specs
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        let mut drivers = Vec::new();
        for (track_name, written) in g.drivers.iter() {
            let dp = format!("{path}.drivers.{track_name}");
            match track_name.parse::<Track>() {
                Ok(t) => {
                    for (i, d) in written.as_slice().iter().enumerate() {
                        let at = if written.is_list() { format!("{dp}[{i}]") } else { dp.clone() };
                        let strength = r.scalar(root, &format!("{at}.strength"), &d.strength, Range::ANY, "a driver strength");
                        drivers.push(InflowDriver { track: t.index(), strength, lag: d.lag });
                    }
                }
                Err(_) => r.error(
                    root,
                    &dp,
                    format!("unknown track `{track_name}`; inflow drivers take school, housing, labour or safety"),
                ),
            }
        }
        // Track order, as written within a track (a stable sort).
        drivers.sort_by_key(|d| d.track);
        out.push(GroupDef {
            name: name.clone(),
            profile,
            stock,
            stock_year: g.stock_year,
            inflow,
            feeds,
            drivers,
        });
    }
    out
}

/// Builds the cohort model once at central values, so that structural
/// problems the cost model itself checks (feed cycles, shares summing above
/// 1) are reported at validation time, at the group they concern.
pub(super) fn check_cohorts(r: &mut Resolver, s: &Scenario) {
    let central = s.params.central_values();
    let built = palett_model::cohort_model(s, &central);
    if let Err(e) = built {
        let path = match e.group().filter(|g| s.groups.iter().any(|d| d.name == *g)) {
            Some(g) => format!("groups.{g}.feeds"),
            None => "groups".to_string(),
        };
        r.error(FileId(0), &path, e.to_string());
    }
    // Shares are checked at their upper bound too, since sampling could push the sum above 1.
    for g in &s.groups {
        let max_sum: f64 = g
            .feeds
            .iter()
            .map(|(_, v)| match v {
                Value::Fixed(x) => *x,
                Value::Input(i) => s.params.entries[*i].distribution.support().1,
            })
            .sum();
        if max_sum > 1.0 + 1e-12 {
            r.error(
                FileId(0),
                &format!("groups.{}.feeds", g.name),
                format!(
                    "the feed shares of group `{}` can sum to {max_sum}; a group cannot send more than all its cases (at most 1 in total)",
                    g.name
                ),
            );
        }
    }
}
