//! The terminal comparison table: one row per mix, best mix marked.

use palett_model::Method;
use palett_model::metric::Quantity;

use super::{Output, OutputError, RunReport};

/// The comparison table `palett run` prints for each scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct ComparisonTable;

impl Output for ComparisonTable {
    fn name(&self) -> &'static str {
        "table"
    }

    fn file_name(&self) -> Option<&'static str> {
        None
    }

    fn render(&self, report: &RunReport<'_>) -> Result<Vec<u8>, OutputError> {
        Ok(comparison_table(report).into_bytes())
    }
}

fn msek(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{:.1}", v / 1e6),
        None => "–".into(),
    }
}

fn year(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{v:.0}"),
        None => "never".into(),
    }
}

/// A fixed-width table comparing the mixes of one scenario.
fn comparison_table(r: &RunReport<'_>) -> String {
    let s = r.scenario;
    let results = &r.run.results;
    let mixes = &results.mixes;
    let best = mixes
        .iter()
        .enumerate()
        .max_by(|a, b| {
            let ka = (a.1.p_best, a.1.npv().mean.unwrap_or(f64::NEG_INFINITY));
            let kb = (b.1.p_best, b.1.npv().mean.unwrap_or(f64::NEG_INFINITY));
            ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(i, _)| i);
    let deterministic = r.run.method == Method::Deterministic;
    let central = s.params.central_values();
    let mut out = format!(
        "{} — {} ({} sample{}, {}, seed {}, horizon {} years, {} % discount rate)\n",
        s.name,
        s.file.display(),
        results.samples,
        if results.samples == 1 { "" } else { "s" },
        r.run.method.name().replace('_', " "),
        r.run.seed,
        s.horizon,
        palett_model::format::percent(s.discount_rate.get(&central))
    );
    // The cost of doing nothing leads: it is what every mix is measured against.
    if let Some(base) = mixes.first() {
        let cost = base.scalars(Quantity::PvBaselineCost);
        if let Some(total) = cost.last() {
            let interval = if deterministic {
                String::new()
            } else {
                format!(" (90 %: {} … {})", msek(total.p5), msek(total.p95))
            };
            out.push_str(&format!(
                "  cost of doing nothing: {} MSEK present value over {} years{interval}\n",
                msek(total.mean),
                s.horizon
            ));
        }
    }
    // Numbers with an input held are not the scenario's own: say so where
    // they are read.
    if !r.run.held.is_empty() {
        let held: Vec<String> = r
            .run
            .held
            .iter()
            .map(|(p, v)| format!("{p} = {v}"))
            .collect();
        out.push_str(&format!("  inputs held (--set): {}\n", held.join("; ")));
    }
    for w in &r.run.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    let name_w = mixes.iter().map(|m| m.name.len()).max().unwrap_or(4).max(4) + 2;
    out.push_str(&format!(
        "  {:<name_w$} {:>10} {:>23} {:>6} {:>9} {:>7} {:>8} {:>8}\n",
        "mix", "NPV MSEK", "90 % interval MSEK", "BCR", "P(NPV>0)", "P(best)", "payback", "tipping"
    ));
    for (i, m) in mixes.iter().enumerate() {
        let mark = if Some(i) == best { "* " } else { "  " };
        let npv = m.npv();
        let interval = if deterministic {
            "–".to_string()
        } else {
            format!("{} … {}", msek(npv.p5), msek(npv.p95))
        };
        let payback = m.scalars(Quantity::PaybackYear);
        let payback = &payback[payback.len() - 1];
        let tipping = m.scalar(Quantity::TippingYear, 0);
        let bcr = m
            .scalar(Quantity::Bcr, 0)
            .mean
            .map_or("–".to_string(), |b| format!("{b:.2}"));
        out.push_str(&format!(
            "{mark}{:<name_w$} {:>10} {:>23} {:>6} {:>9.2} {:>7.2} {:>8} {:>8}\n",
            m.name,
            msek(npv.mean),
            interval,
            bcr,
            npv.p_positive,
            m.p_best,
            year(payback.p50),
            year(tipping.p50),
        ));
    }
    out.push_str("  * best mix (highest P(best)); BCR = PV(avoided)/PV(investment), mean; payback and tipping are median years\n");
    out
}
