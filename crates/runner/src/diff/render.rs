//! A diff for people: a terminal table, or Markdown for a pull-request
//! comment. Amounts in MSEK, shares in %, years as model years.

use std::fmt::Write as _;

use super::{BatchDiff, Comparability, Difference, ScenarioDiff, Verdict};

/// The two text forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain text for a terminal.
    Text,
    /// GitHub-flavoured Markdown.
    Markdown,
}

fn msek(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1}", v / 1e6))
}

fn signed_msek(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:+.1}", v / 1e6))
}

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1} %", v * 100.0))
}

fn year(v: Option<f64>) -> String {
    v.map_or("never".into(), |v| format!("{v}"))
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Unchanged => "unchanged",
        Verdict::WithinNoise => "within noise",
        Verdict::Changed => "CHANGED",
        Verdict::NotCompared => "not compared",
    }
}

/// "−12.3 MSEK (z 8.1)" for a change in SEK.
fn sek_change(d: &Difference) -> String {
    let z = match d.z {
        Some(z) if z >= 1000.0 => ", over 1000 se".to_string(),
        Some(z) => format!(", {z:.1} se"),
        None => String::new(),
    };
    format!(
        "{} → {} MSEK ({}{z})",
        msek(d.old),
        msek(d.new),
        signed_msek(d.change)
    )
}

fn scenario(out: &mut String, s: &ScenarioDiff, threshold: f64, style: Style) {
    let md = style == Style::Markdown;
    let changed = s.mixes.iter().filter(|m| m.changed()).count();
    let head = format!(
        "{} ({}): {}",
        s.scenario,
        s.folder,
        match &s.comparability {
            Comparability::NotComparable(_) => "NOT COMPARABLE".to_string(),
            _ if !s.changed() => "no change beyond Monte Carlo noise".to_string(),
            _ => format!(
                "{changed} of {} mixes changed beyond {threshold} standard errors",
                s.mixes.len()
            ),
        }
    );
    if md {
        let _ = writeln!(out, "### {head}\n");
    } else {
        let _ = writeln!(out, "{head}");
    }
    let bullet = if md { "- " } else { "  " };
    match &s.comparability {
        Comparability::SameSettings => {}
        Comparability::IndependentRuns(r) => {
            let _ = writeln!(
                out,
                "{bullet}Compared as independent runs ({}): each run's Monte Carlo error counts.",
                r.join(", ")
            );
        }
        Comparability::NotComparable(r) => {
            let _ = writeln!(
                out,
                "{bullet}Not comparable: {}. NPVs over different horizons or actors measure different things; the numbers are shown, not judged.",
                r.join(", ")
            );
        }
    }
    for n in &s.notes {
        let _ = writeln!(out, "{bullet}Assumption changed: {n}.");
    }
    let best = &s.best;
    let name = |m: &Option<String>| m.clone().unwrap_or_else(|| "–".into());
    if best.changed() {
        let _ = writeln!(
            out,
            "{bullet}Best mix CHANGED: {} (P(best) {}) → {} (P(best) {}).",
            name(&best.old),
            pct(best.old_p_best),
            name(&best.new),
            pct(best.new_p_best)
        );
    } else {
        let _ = writeln!(
            out,
            "{bullet}Best mix: {} (P(best) {} → {}).",
            name(&best.new),
            pct(best.old_p_best),
            pct(best.new_p_best)
        );
    }
    for m in &s.only_old {
        let _ = writeln!(out, "{bullet}Mix removed: {m}.");
    }
    for m in &s.only_new {
        let _ = writeln!(out, "{bullet}Mix added: {m}.");
    }
    if md {
        out.push_str("\n| mix | NPV old MSEK | NPV new MSEK | change MSEK | ± se | P(best) | verdict |\n|---|---:|---:|---:|---:|---:|---|\n");
    } else {
        let _ = writeln!(
            out,
            "  {:<24} {:>12} {:>12} {:>11} {:>8} {:>17}  verdict",
            "mix", "NPV old MSEK", "NPV new MSEK", "change", "± se", "P(best)"
        );
    }
    for m in &s.mixes {
        let pb = format!("{} → {}", pct(m.p_best.old), pct(m.p_best.new));
        let v = if m.changed() && m.npv.verdict != Verdict::Changed {
            "CHANGED (see below)"
        } else {
            verdict(m.npv.verdict)
        };
        if md {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {pb} | {} |",
                m.mix,
                msek(m.npv.old),
                msek(m.npv.new),
                signed_msek(m.npv.change),
                msek(m.npv.se),
                if md && v.starts_with("CHANGED") {
                    format!("**{v}**")
                } else {
                    v.to_string()
                }
            );
        } else {
            let _ = writeln!(
                out,
                "  {:<24} {:>12} {:>12} {:>11} {:>8} {pb:>17}  {v}",
                m.mix,
                msek(m.npv.old),
                msek(m.npv.new),
                signed_msek(m.npv.change),
                msek(m.npv.se),
            );
        }
    }
    let mut lines = Vec::new();
    for m in &s.mixes {
        for (actor, d) in m.npv_by_actor.iter().filter(|(_, d)| d.changed()) {
            lines.push(format!("{}: NPV for {actor} {}", m.mix, sek_change(d)));
        }
        if m.p_best.changed() {
            lines.push(format!(
                "{}: P(best) {} → {}",
                m.mix,
                pct(m.p_best.old),
                pct(m.p_best.new)
            ));
        }
        if m.p_npv_positive.changed() {
            lines.push(format!(
                "{}: P(NPV > 0) {} → {}",
                m.mix,
                pct(m.p_npv_positive.old),
                pct(m.p_npv_positive.new)
            ));
        }
        if m.payback_year.moved() {
            lines.push(format!(
                "{}: payback year (median) {} → {}",
                m.mix,
                year(m.payback_year.old_p50),
                year(m.payback_year.new_p50)
            ));
        }
        for (actor, y) in m.payback_by_actor.iter().filter(|(_, y)| y.moved()) {
            lines.push(format!(
                "{}: payback year for {actor} (median) {} → {}",
                m.mix,
                year(y.old_p50),
                year(y.new_p50)
            ));
        }
        if m.tipping_year.moved() {
            lines.push(format!(
                "{}: tipping year (median) {} → {}",
                m.mix,
                year(m.tipping_year.old_p50),
                year(m.tipping_year.new_p50)
            ));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(
            out,
            "{}Beyond noise:{}",
            if md { "\n" } else { "  " },
            if md { "\n" } else { "" }
        );
        for l in lines {
            let _ = writeln!(out, "{}{l}", if md { "- " } else { "    " });
        }
    }
    out.push('\n');
}

/// The diff as text or Markdown.
pub fn render(d: &BatchDiff, style: Style) -> String {
    let mut out = String::new();
    let md = style == Style::Markdown;
    let changed = d.scenarios.iter().filter(|s| s.changed()).count();
    let head = format!(
        "palett diff: {changed} of {} scenarios changed beyond Monte Carlo noise ({} → {}; a change counts when it exceeds {} standard errors)",
        d.scenarios.len(),
        d.old.display(),
        d.new.display(),
        d.threshold
    );
    if md {
        let _ = writeln!(out, "## {head}\n");
    } else {
        let _ = writeln!(out, "{head}\n");
    }
    for n in &d.only_old {
        let _ = writeln!(out, "{}Scenario removed: {n}", if md { "- " } else { "" });
    }
    for n in &d.only_new {
        let _ = writeln!(out, "{}Scenario added: {n}", if md { "- " } else { "" });
    }
    for u in &d.unreadable {
        let bullet = if md { "- " } else { "" };
        let _ = writeln!(out, "{bullet}Not compared: {} ({})", u.folder, u.error);
    }
    if !d.only_old.is_empty() || !d.only_new.is_empty() || !d.unreadable.is_empty() {
        out.push('\n');
    }
    for s in &d.scenarios {
        scenario(&mut out, s, d.threshold, style);
    }
    out
}
