//! Charts of sensitivity.json, when a result folder has one. Its format is
//! not settled yet, so this reads it by shape, not by name: every list of
//! objects that each carry a name (`input`, `path`, `name`, `parameter`,
//! `group` or `label`) and numbers becomes one bar chart per numeric field,
//! largest magnitude first; so does every object that maps names to
//! numbers. A field `<f>_se` or `se` next to a value gives its 90 %
//! interval (± 1.645 se). Anything else is left out and listed as such.

use serde_json::Value;

use super::Chart;
use super::bars::{self, Row, Series};
use crate::svg::style;

/// Keys that name the entry of a list.
const NAME_KEYS: [&str; 7] = [
    "input",
    "path",
    "name",
    "parameter",
    "group",
    "label",
    "key",
];
/// Most rows one chart shows (the largest by magnitude).
const MAX_ROWS: usize = 15;
/// Most charts one sensitivity.json gives.
const MAX_CHARTS: usize = 12;

/// What was made of a sensitivity.json.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The charts, in the order found.
    pub charts: Vec<Chart>,
    /// JSON paths of the parts that were not recognised.
    pub skipped: Vec<String>,
}

fn name_of(o: &serde_json::Map<String, Value>) -> Option<String> {
    NAME_KEYS
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_string))
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn is_se(field: &str) -> bool {
    field == "se" || field.ends_with("_se") || field == "sd" || field.ends_with("_sd")
}

/// Reads `v` and returns its charts.
pub fn analyse(v: &Value) -> Analysis {
    let mut a = Analysis::default();
    walk(v, "sensitivity", &mut a);
    a
}

fn push_chart(a: &mut Analysis, path: &str, field: &str, mut rows: Vec<Row>) {
    if a.charts.len() >= MAX_CHARTS || rows.is_empty() {
        return;
    }
    rows.sort_by(|x, y| {
        let k = |r: &Row| r.value.map_or(0.0, f64::abs);
        k(y).partial_cmp(&k(x)).unwrap_or(std::cmp::Ordering::Equal)
    });
    rows.truncate(MAX_ROWS);
    let id = format!("analysis-{}", slug(&format!("{path}-{field}")));
    let title = format!("{path}: {field}");
    a.charts.push(bars::chart(
        &id,
        &title,
        "As written in sensitivity.json, largest magnitude first; whiskers are 90 % intervals where a standard error is given.",
        field,
        &rows,
        Series::One("analysis"),
    ));
}

fn walk(v: &Value, path: &str, a: &mut Analysis) {
    match v {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let objects: Vec<&serde_json::Map<String, Value>> =
                items.iter().filter_map(Value::as_object).collect();
            if objects.iter().all(|o| name_of(o).is_some()) {
                let mut fields: Vec<&str> = Vec::new();
                for o in &objects {
                    for (k, x) in o.iter() {
                        if x.is_number() && !is_se(k) && !fields.contains(&k.as_str()) {
                            fields.push(k);
                        }
                    }
                }
                if fields.is_empty() {
                    for o in &objects {
                        let name = name_of(o).unwrap_or_default();
                        for (k, x) in o.iter() {
                            walk(x, &format!("{path}.{name}.{k}"), a);
                        }
                    }
                    return;
                }
                for f in fields {
                    let rows: Vec<Row> = objects
                        .iter()
                        .map(|o| {
                            let value = o.get(f).and_then(Value::as_f64);
                            let se = o
                                .get(&format!("{f}_se"))
                                .or_else(|| o.get("se"))
                                .and_then(Value::as_f64);
                            Row {
                                label: name_of(o).unwrap_or_default(),
                                value,
                                interval: value
                                    .zip(se)
                                    .map(|(v, s)| (v - 1.645 * s, v + 1.645 * s)),
                                style: style(0),
                            }
                        })
                        .collect();
                    push_chart(a, path, f, rows);
                }
                // Lists nested in the entries (per mix, per group) are read too.
                for o in &objects {
                    let name = name_of(o).unwrap_or_default();
                    for (k, x) in o.iter() {
                        if x.is_array() || x.is_object() {
                            walk(x, &format!("{path}.{name}.{k}"), a);
                        }
                    }
                }
            } else {
                for (i, x) in items.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), a);
                }
            }
        }
        Value::Object(o) => {
            let numbers: Vec<(&String, f64)> = o
                .iter()
                .filter(|(k, _)| !is_se(k))
                .filter_map(|(k, x)| x.as_f64().map(|f| (k, f)))
                .collect();
            if numbers.len() >= 2 && numbers.len() == o.len() {
                let rows = numbers
                    .into_iter()
                    .map(|(k, f)| Row {
                        label: k.clone(),
                        value: Some(f),
                        interval: None,
                        style: style(0),
                    })
                    .collect();
                push_chart(a, path, "value", rows);
                return;
            }
            for (k, x) in o {
                if x.is_array() || x.is_object() {
                    walk(x, &format!("{path}.{k}"), a);
                }
            }
        }
        Value::Array(items) => {
            if !items.iter().all(|x| x.is_number()) {
                for (i, x) in items.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), a);
                }
            } else {
                a.skipped.push(path.to_string());
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_named_entries_become_bar_charts_per_field() {
        let v: Value = serde_json::from_str(
            r#"{"mixes":[{"name":"school_only","first_order":[
                {"input":"a","share":0.1,"share_se":0.01},
                {"input":"b","share":0.5}]}],
               "evpi": 1000.0}"#,
        )
        .expect("json");
        let a = analyse(&v);
        let titles: Vec<&str> = a.charts.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["sensitivity.mixes.school_only.first_order: share"]);
        assert_eq!(a.charts[0].series, 1);
        // Largest first.
        let svg = &a.charts[0].svg;
        assert!(svg.find(">b<").expect("b") < svg.find(">a<").expect("a"));
    }

    #[test]
    fn unknown_shapes_give_no_chart_and_no_error() {
        let v: Value = serde_json::from_str(r#"{"x":[1,2,3],"y":"text"}"#).expect("json");
        let a = analyse(&v);
        assert!(a.charts.is_empty());
        assert_eq!(a.skipped, ["sensitivity.x"]);
    }

    #[test]
    fn maps_of_names_to_numbers_become_one_chart() {
        let v: Value = serde_json::from_str(r#"{"evppi":{"a":1.0,"b":2.0}}"#).expect("json");
        assert_eq!(analyse(&v).charts.len(), 1);
    }
}
