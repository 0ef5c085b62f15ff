//! The terminal comparison table: one row per mix, best mix marked.

use crate::summary::Summary;

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
pub fn comparison_table(s: &Summary) -> String {
    let best = s
        .mixes
        .iter()
        .enumerate()
        .max_by(|a, b| {
            let ka = (a.1.p_best, a.1.npv.mean.unwrap_or(f64::NEG_INFINITY));
            let kb = (b.1.p_best, b.1.npv.mean.unwrap_or(f64::NEG_INFINITY));
            ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(i, _)| i);
    let deterministic = s.method == "deterministic";
    let mut out = format!(
        "{} — {} ({} sample{}, {}, seed {}, horizon {} years, {}% discount rate)\n",
        s.scenario,
        s.file,
        s.samples,
        if s.samples == 1 { "" } else { "s" },
        s.method.replace('_', " "),
        s.seed,
        s.horizon,
        s.discount_rate * 100.0
    );
    for w in &s.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    let name_w = s
        .mixes
        .iter()
        .map(|m| m.name.len())
        .max()
        .unwrap_or(4)
        .max(4)
        + 2;
    out.push_str(&format!(
        "  {:<name_w$} {:>10} {:>23} {:>9} {:>7} {:>8} {:>8}\n",
        "mix", "NPV MSEK", "90 % interval MSEK", "P(NPV>0)", "P(best)", "payback", "tipping"
    ));
    for (i, m) in s.mixes.iter().enumerate() {
        let mark = if Some(i) == best { "* " } else { "  " };
        let interval = if deterministic {
            "–".to_string()
        } else {
            format!("{} … {}", msek(m.npv.p5), msek(m.npv.p95))
        };
        out.push_str(&format!(
            "{mark}{:<name_w$} {:>10} {:>23} {:>9.2} {:>7.2} {:>8} {:>8}\n",
            m.name,
            msek(m.npv.mean),
            interval,
            m.p_npv_positive,
            m.p_best,
            year(m.payback_year.stats.p50),
            year(m.tipping_year.stats.p50),
        ));
    }
    out.push_str("  * best mix (highest P(best)); payback and tipping are median years\n");
    out
}
