//! Validation: a loaded [`ScenarioFile`](crate::config::ScenarioFile) and its
//! libraries become a [`Scenario`], or a list of every problem found, each
//! with file, line, column and what would be valid.

mod cost;
mod model;
mod scalar;

pub use scalar::Range;

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::source::limits::MAX_HORIZON;
use crate::source::{FileId, Loaded};
use palett_model::metric::KeyNames;
use palett_model::names::DO_NOTHING;
use palett_model::scenario::{Scenario, cohort_group_names};
use palett_model::value::ParamTable;

/// Collects problems while resolving, so that one run reports them all.
pub(crate) struct Resolver<'a> {
    pub(crate) loaded: &'a Loaded,
    pub(crate) problems: Vec<Diagnostic>,
    pub(crate) params: ParamTable,
    /// Actors `settings.actors` leaves out: what is charged to them is
    /// skipped without a complaint.
    pub(crate) actors_left_out: Vec<String>,
    /// Catalogue items paid by a left-out actor, skipped the same way.
    pub(crate) items_left_out: Vec<String>,
    /// Warnings about how the files are written, each with its place.
    pub(crate) warnings: Vec<Diagnostic>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(loaded: &'a Loaded) -> Self {
        Resolver {
            loaded,
            problems: Vec::new(),
            params: ParamTable::default(),
            actors_left_out: Vec::new(),
            items_left_out: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records a problem at the value `path` of `file`.
    pub(crate) fn error(&mut self, file: FileId, path: &str, message: impl Into<String>) {
        let d = self.loaded.file(file).at(path, message);
        self.problems.push(d);
    }

    /// Records a warning at the value `path` of `file`.
    pub(crate) fn warn(&mut self, file: FileId, path: &str, message: impl Into<String>) {
        let d = self.loaded.file(file).at(path, message);
        self.warnings.push(d);
    }

    pub(crate) fn file_path(&self, file: FileId) -> &Path {
        &self.loaded.file(file).path
    }
}

/// A name may be used in paths (`groups.<name>.stock`), so it is limited to
/// letters, digits, `_` and `-`.
pub(crate) fn check_name(r: &mut Resolver, file: FileId, path: &str, name: &str) -> bool {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        r.error(
            file,
            path,
            format!(
                "`{name}` is not a valid name: use letters, digits, `_` and `-` only \
                 (names appear in paths such as groups.<name>.stock)"
            ),
        );
    }
    ok
}

/// Resolves and validates a loaded scenario.
pub fn resolve(loaded: &Loaded) -> Result<Scenario, Vec<Diagnostic>> {
    let mut r = Resolver::new(loaded);
    let sf = &loaded.scenario;
    let root = FileId(0);

    let horizon = sf.settings.horizon;
    if !(1..=MAX_HORIZON).contains(&horizon) {
        r.error(
            root,
            "settings.horizon",
            format!("horizon must be between 1 and {MAX_HORIZON} years; got {horizon}"),
        );
        // Everything below allocates per year of the horizon: stop here
        // rather than build from an out-of-range size.
        return Err(r.problems);
    }
    let discount_rate = r.scalar(
        root,
        "settings.discount_rate",
        &sf.settings.discount_rate,
        Range::NON_NEGATIVE,
        "the discount rate",
    );
    let budget_period = sf.settings.budget_period;
    if budget_period == 0 || budget_period > horizon.max(1) {
        r.error(
            root,
            "settings.budget_period",
            format!(
                "the budget period must be between 1 and the horizon ({horizon} years); got {budget_period}"
            ),
        );
    }

    let actors = cost::actors(&mut r);
    let (catalogue, catalogue_prices) = cost::catalogue(&mut r, &actors);
    let profiles = cost::profiles(&mut r, &actors, &catalogue, &catalogue_prices);
    let groups = cost::groups(&mut r, &profiles, horizon.max(1));
    let interventions = model::interventions(&mut r, &actors, &profiles, &groups, horizon.max(1));
    let synergy = model::synergy(&mut r);
    let areas = model::areas(&mut r, &actors);
    let mixes = model::mixes(&mut r, &interventions, horizon.max(1));
    let correlations = model::correlations(&mut r);
    let run = model::run_defaults(&mut r);
    let mix_names: Vec<&str> = std::iter::once(DO_NOTHING)
        .chain(mixes.iter().map(|m| m.name.as_str()))
        .collect();
    let keys = KeyNames::new(
        actors.names().to_vec(),
        cohort_group_names(&groups, &interventions),
    );
    let assertions = model::assertions(&mut r, &mix_names, &keys);

    if !r.problems.is_empty() {
        return Err(r.problems);
    }
    let inputs = match model::input_space(&r.params, &correlations) {
        Ok(space) => space,
        Err(msg) => {
            r.error(root, "correlations", msg);
            return Err(r.problems);
        }
    };
    let name = sf.name.clone().unwrap_or_else(|| {
        r.file_path(root)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let scenario = Scenario {
        name,
        file: r.file_path(root).to_path_buf(),
        description: sf.description.clone(),
        horizon,
        discount_rate,
        price_year: sf.settings.price_year,
        budget_period,
        actors,
        actors_left_out: r.actors_left_out.clone(),
        catalogue_prices,
        warnings: r
            .warnings
            .iter()
            .map(|d| palett_model::run::Warning::Spelling {
                at: format!("{}:{}:{}", d.file.display(), d.line, d.col),
                message: d.message.clone(),
            })
            .collect(),
        catalogue,
        profiles,
        groups,
        interventions,
        synergy,
        areas,
        mixes,
        correlations,
        run,
        assertions,
        params: std::mem::take(&mut r.params),
        inputs,
    };
    cost::check_cohorts(&mut r, &scenario);

    if r.problems.is_empty() {
        Ok(scenario)
    } else {
        Err(r.problems)
    }
}

/// Every definition of one kind across the scenario and its libraries, with
/// the file it is in; a name defined twice is reported at the second place.
pub(crate) fn collect<'l, T>(
    r: &mut Resolver<'l>,
    kind: &str,
    pick: impl Fn(Source<'l>) -> &'l crate::config::OrderedMap<T>,
) -> Vec<(FileId, &'l String, &'l T)> {
    let mut out: Vec<(FileId, &'l String, &'l T)> = Vec::new();
    let loaded = r.loaded;
    let sources = loaded
        .libraries
        .iter()
        .map(|(id, lib)| (*id, Source::Library(lib)))
        .chain(std::iter::once((
            FileId(0),
            Source::Scenario(&loaded.scenario),
        )));
    for (file, src) in sources {
        for (name, value) in pick(src).iter() {
            if let Some((other, _, _)) = out.iter().find(|(_, n, _)| *n == name) {
                let first = loaded.file(*other).path.display().to_string();
                r.error(
                    file,
                    &format!("{kind}.{name}"),
                    format!("{kind} `{name}` is already defined in {first}; names must be unique across included files"),
                );
                continue;
            }
            if check_name(r, file, &format!("{kind}.{name}"), name) {
                out.push((file, name, value));
            }
        }
    }
    out
}

/// Either kind of file, for [`collect`].
#[derive(Clone, Copy)]
pub(crate) enum Source<'l> {
    Scenario(&'l crate::config::ScenarioFile),
    Library(&'l crate::config::LibraryFile),
}
