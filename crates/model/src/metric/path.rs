//! Names of the figures an assertion may test: dotted paths into a mix's
//! summary (`npv.p50`, `payback_by_actor.kommun.p_within_budget_period`),
//! resolved against the [`FIGURES`] of the catalogue before a run, so a typo
//! fails validation rather than the run.

use super::catalogue::{FIGURES, FigureDef, KeyChoice, Reading, Stat};
use super::{KeyNames, Unit};

/// One figure of a mix's summary, as an assertion names it: which figure of
/// [`FIGURES`], which key of it, and for a [`Reading::Stats`] figure which
/// statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricRef {
    /// Index into [`FIGURES`].
    pub figure: usize,
    /// Key index in the figure's quantity's key set (0 for unkeyed figures).
    pub key: usize,
    /// The statistic, for a [`Reading::Stats`] figure.
    pub stat: Option<Stat>,
}

impl MetricRef {
    /// The figure's declaration.
    pub fn figure(&self) -> &'static FigureDef {
        &FIGURES[self.figure]
    }

    /// The unit of the value this names.
    pub fn unit(&self) -> Unit {
        self.figure().unit()
    }

    /// Resolves `path` against the catalogue and the scenario's key names.
    pub fn parse(path: &str, names: &KeyNames) -> Result<MetricRef, MetricPathError> {
        let parts: Vec<&str> = path.split('.').collect();
        let patterns: Vec<Pattern> = FIGURES
            .iter()
            .enumerate()
            .map(|(i, f)| Pattern::of(i, f, names))
            .collect();
        for p in &patterns {
            if let Some(m) = p.matches(&parts) {
                return Ok(m);
            }
        }
        Err(diagnose(path, &parts, &patterns))
    }
}

/// Why a metric path names no figure; the message lists what would be valid
/// at the first wrong part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricPathError {
    /// The first part names no figure.
    #[error("unknown metric `{found}`; valid: {valid} (see docs/output-format.md)")]
    UnknownMetric {
        /// The first part of the path.
        found: String,
        /// The valid first parts, comma-separated.
        valid: String,
    },
    /// A key (actor, group, class) that the scenario does not have.
    #[error("unknown {noun} `{found}` in metric `{path}`; {plural}: {valid}")]
    UnknownKey {
        /// The whole path.
        path: String,
        /// The wrong part.
        found: String,
        /// What a key is here ("actor", "group").
        noun: &'static str,
        /// Its plural.
        plural: &'static str,
        /// The valid keys, comma-separated, or "(none)".
        valid: String,
    },
    /// A statistic that a summary does not hold.
    #[error("unknown statistic `{found}` in metric `{path}`; valid: {valid}")]
    UnknownStatistic {
        /// The whole path.
        path: String,
        /// The wrong part.
        found: String,
        /// The valid statistics, comma-separated.
        valid: String,
    },
    /// Another wrong part (`pv_by_actor.<kind>`).
    #[error("unknown kind `{found}` in metric `{path}`; valid: {valid}")]
    UnknownPart {
        /// The whole path.
        path: String,
        /// The wrong part.
        found: String,
        /// The valid parts, comma-separated.
        valid: String,
    },
    /// Too few or too many parts.
    #[error("metric `{path}` should have the form {forms}")]
    Shape {
        /// The whole path.
        path: String,
        /// The valid forms, e.g. `npv.<statistic>`.
        forms: String,
    },
}

/// One part of a figure's path pattern.
enum Part<'n> {
    Literal(&'static str),
    /// A key: the valid names with their key indices.
    Key {
        names: Vec<(&'n str, usize)>,
        noun: &'static str,
        plural: &'static str,
    },
    Stat,
}

struct Pattern<'n> {
    figure: usize,
    /// Key index for figures without a `{key}` part.
    fixed_key: usize,
    parts: Vec<Part<'n>>,
}

impl<'n> Pattern<'n> {
    fn of(figure: usize, f: &FigureDef, names: &'n KeyNames) -> Pattern<'n> {
        let set = f.quantity.def().keys;
        let keys = names.keys(set);
        let range = names.figure_keys(f);
        let (noun, plural) = set.noun();
        let mut parts: Vec<Part> = f
            .path
            .split('.')
            .map(|seg| {
                if seg == "{key}" {
                    Part::Key {
                        names: range.clone().map(|k| (keys[k], k)).collect(),
                        noun,
                        plural,
                    }
                } else {
                    Part::Literal(seg)
                }
            })
            .collect();
        if f.reading == Reading::Stats {
            parts.push(Part::Stat);
        }
        let fixed_key = match f.keys {
            KeyChoice::Total => range.start,
            _ => 0,
        };
        Pattern {
            figure,
            fixed_key,
            parts,
        }
    }

    /// How many leading parts of `path` this pattern matches.
    fn prefix(&self, path: &[&str]) -> usize {
        path.iter()
            .zip(&self.parts)
            .take_while(|(seg, part)| match part {
                Part::Literal(l) => *l == **seg,
                Part::Key { names, .. } => names.iter().any(|(n, _)| n == *seg),
                Part::Stat => Stat::ALL.iter().any(|s| s.name() == **seg),
            })
            .count()
    }

    fn matches(&self, path: &[&str]) -> Option<MetricRef> {
        if path.len() != self.parts.len() || self.prefix(path) != path.len() {
            return None;
        }
        let mut m = MetricRef {
            figure: self.figure,
            key: self.fixed_key,
            stat: None,
        };
        for (seg, part) in path.iter().zip(&self.parts) {
            match part {
                Part::Key { names, .. } => {
                    m.key = names.iter().find(|(n, _)| n == seg).map(|(_, k)| *k)?;
                }
                Part::Stat => m.stat = Stat::ALL.iter().copied().find(|s| s.name() == *seg),
                Part::Literal(_) => {}
            }
        }
        Some(m)
    }

    /// The pattern as a user writes it: `npv_by_actor.<actor>.<statistic>`.
    fn form(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(l) => (*l).to_string(),
                Part::Key { noun, .. } => format!("<{noun}>"),
                Part::Stat => "<statistic>".to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

fn unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// The most specific error: at the deepest part some figure still matches,
/// say what was found and what would be valid there.
fn diagnose(path: &str, parts: &[&str], patterns: &[Pattern]) -> MetricPathError {
    let depth = patterns.iter().map(|p| p.prefix(parts)).max().unwrap_or(0);
    let near: Vec<&Pattern> = patterns
        .iter()
        .filter(|p| p.prefix(parts) == depth)
        .collect();
    let forms = || unique(near.iter().map(|p| p.form())).join(" or ");
    let expecting: Vec<&Part> = near.iter().filter_map(|p| p.parts.get(depth)).collect();
    if depth == parts.len() || expecting.is_empty() {
        return MetricPathError::Shape {
            path: path.to_string(),
            forms: forms(),
        };
    }
    let found = parts[depth].to_string();
    if depth == 0 {
        let valid = unique(patterns.iter().map(|p| match &p.parts[0] {
            Part::Literal(l) => (*l).to_string(),
            _ => String::new(),
        }));
        return MetricPathError::UnknownMetric {
            found,
            valid: valid.join(", "),
        };
    }
    if let Some(Part::Key {
        names,
        noun,
        plural,
    }) = expecting.iter().find(|p| matches!(p, Part::Key { .. }))
    {
        let valid: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
        return MetricPathError::UnknownKey {
            path: path.to_string(),
            found,
            noun,
            plural,
            valid: if valid.is_empty() {
                "(none)".into()
            } else {
                valid.join(", ")
            },
        };
    }
    let literals = unique(expecting.iter().filter_map(|p| match p {
        Part::Literal(l) => Some((*l).to_string()),
        _ => None,
    }));
    if expecting.iter().any(|p| matches!(p, Part::Stat)) {
        let valid: Vec<String> = Stat::ALL
            .iter()
            .map(|s| s.name().to_string())
            .chain(literals)
            .collect();
        return MetricPathError::UnknownStatistic {
            path: path.to_string(),
            found,
            valid: valid.join(", "),
        };
    }
    MetricPathError::UnknownPart {
        path: path.to_string(),
        found,
        valid: literals.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> KeyNames {
        KeyNames::new(
            vec!["kommun".into(), "region".into()],
            vec!["members".into(), "tore:success".into()],
        )
    }

    fn ok(path: &str) -> MetricRef {
        MetricRef::parse(path, &names()).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn err(path: &str) -> String {
        match MetricRef::parse(path, &names()) {
            Ok(m) => panic!("{path} resolved to {m:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_figure_resolves_by_its_own_path() {
        let n = names();
        for (i, f) in FIGURES.iter().enumerate() {
            let keys = n.keys(f.quantity.def().keys);
            for k in n.figure_keys(f) {
                let base = f.path.replace("{key}", keys[k]);
                let paths: Vec<String> = if f.reading == Reading::Stats {
                    Stat::ALL
                        .iter()
                        .map(|s| format!("{base}.{}", s.name()))
                        .collect()
                } else {
                    vec![base]
                };
                for p in paths {
                    let m = ok(&p);
                    assert_eq!((m.figure, m.key), (i, k), "{p}");
                }
            }
        }
    }

    #[test]
    fn keys_and_statistics_are_typed() {
        let m = ok("npv_by_actor.region.p95");
        assert_eq!((m.key, m.stat), (1, Some(Stat::P95)));
        assert_eq!(m.unit(), Unit::Sek);
        // The total NPV reads the `total` key (after the two actors).
        assert_eq!(ok("npv.mean").key, 2);
        assert_eq!(ok("pv_by_actor.investment.total.mean").key, 2);
        assert_eq!(
            ok("payback_by_actor.kommun.p_within_budget_period").unit(),
            Unit::Share
        );
        assert_eq!(ok("tipping_year.p50").unit(), Unit::Year);
    }

    #[test]
    fn errors_name_the_wrong_part_and_what_is_valid() {
        let e = err("npv.median");
        assert!(
            e.contains("unknown statistic `median`") && e.contains("p50"),
            "{e}"
        );
        let e = err("payback_year.p_never");
        assert!(e.contains("p_within_horizon"), "{e}");
        let e = err("cost_pv_by_group.h.mean");
        assert!(
            e.contains("unknown group `h`") && e.contains("groups: members, tore:success"),
            "{e}"
        );
        let e = err("npv_by_actor.landlord.mean");
        assert!(
            e.contains("unknown actor `landlord`") && e.contains("actors: kommun, region"),
            "{e}"
        );
        let e = err("pv_by_actor.cost.total.mean");
        assert!(
            e.contains("unknown kind `cost`") && e.contains("baseline_cost, investment, avoided"),
            "{e}"
        );
        let e = err("nvp.mean");
        assert!(
            e.contains("unknown metric `nvp`") && e.contains("p_best"),
            "{e}"
        );
        let e = err("npv");
        assert!(e.contains("should have the form npv.<statistic>"), "{e}");
        let e = err("p_best.mean");
        assert!(e.contains("should have the form p_best"), "{e}");
    }
}
