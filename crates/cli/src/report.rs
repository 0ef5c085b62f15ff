//! `palett report`, `palett show` and `palett run --report`: the reports of
//! palett-report and the per-actor view on the terminal.

use std::path::Path;

use palett_report::actors::{self, STANDARD};
use palett_report::data::ResultFolder;
use palett_report::html::{msek, msek_interval, prob, year};
use palett_report::scenario::actor_view;

use std::fmt::Write as _;

use crate::cli::{exit, print_out};
use crate::color::Paint;

/// Writes the reports of `dir`, limited to the folders `only` when given;
/// prints what was written on stderr unless `quiet`.
pub fn write(dir: &Path, only: Option<&[String]>, quiet: bool) -> u8 {
    match palett_report::write_reports(dir, only, env!("CARGO_PKG_VERSION")) {
        Ok(w) => {
            // Every folder's problem is shown, quiet or not; the other
            // reports were written.
            for e in &w.failed {
                eprintln!("{e}");
            }
            if !quiet {
                for p in &w.pages {
                    eprintln!("report: {}", p.display());
                }
                if let Some(i) = &w.index {
                    eprintln!("index:  {}", i.display());
                }
                if !w.pages.is_empty() {
                    eprintln!(
                        "{} figure files (SVG and PNG) in the figures/ folders",
                        w.figures
                    );
                }
            }
            if w.failed.is_empty() {
                exit::OK
            } else {
                exit::INVALID
            }
        }
        Err(e) => {
            eprintln!("{e}");
            exit::INVALID
        }
    }
}

/// The result folders of the batch that `palett run` just wrote into
/// `out`, from its index.json: `run --report` reports those, not folders
/// left there by earlier runs.
pub fn batch_stems(out: &Path) -> Option<Vec<String>> {
    let index = palett_report::data::Index::read(out).ok()??;
    Some(index.files.into_iter().filter_map(|f| f.outputs).collect())
}

/// The comparison table of `palett run` with colour: the scenario's
/// heading and the best mix (the row marked `*`) in bold, the legend dim.
pub fn paint_table(table: &str, paint: Paint) -> String {
    let mut out = String::with_capacity(table.len());
    for (i, line) in table.lines().enumerate() {
        let painted = if i == 0 || line.starts_with("* ") {
            paint.bold(line)
        } else if line.starts_with("  * ") {
            paint.dim(line)
        } else {
            line.to_string()
        };
        out.push_str(&painted);
        out.push('\n');
    }
    out
}

/// `palett show --actors`: the actors' names explained.
pub fn actors_table(paint: Paint) -> u8 {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "{:<20} {:<20} {:<20} pays for",
            "key", "Swedish", "who"
        ))
    );
    for a in STANDARD {
        let _ = writeln!(
            out,
            "{:<20} {:<20} {:<20} {}",
            a.key, a.swedish, a.english, a.pays_for
        );
    }
    let _ = writeln!(
        out,
        "{}",
        paint.dim("A scenario may add its own actors (a landlord, say); they keep the name the file gives them.")
    );
    print_out(out.as_bytes());
    exit::OK
}

/// `palett show DIR [--mix M]`: the per-actor view of one result folder.
pub fn show(dir: &Path, mix: Option<&str>, paint: Paint) -> u8 {
    let folder = match ResultFolder::read(dir) {
        Ok(Some(f)) => f,
        Ok(None) => {
            eprintln!(
                "{}: no summary.json here; give a scenario's result folder, e.g. results/sodertalje",
                dir.display()
            );
            return exit::INVALID;
        }
        Err(e) => {
            eprintln!("{e}");
            return exit::INVALID;
        }
    };
    let s = &folder.summary;
    // Written whole at the end: a reader that closes the pipe early
    // (`| head`) ends the output, not the program with a panic.
    let mut out = String::new();
    let names: Vec<&str> = s.alternatives().map(|m| m.name.as_str()).collect();
    let chosen: Vec<&str> = match mix {
        Some(m) if names.contains(&m) => vec![m],
        Some(m) => {
            eprintln!(
                "{}: no mix `{m}`; the mixes are: {}",
                dir.display(),
                if names.is_empty() {
                    "none besides do_nothing".to_string()
                } else {
                    names.join(", ")
                }
            );
            return exit::USAGE;
        }
        None => names.clone(),
    };
    let base = s
        .baseline()
        .and_then(|m| m.pv_by_actor.baseline_cost.get("total"))
        .cloned()
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} — {}: cost of doing nothing {} MSEK over {} years (90 %: {})",
        paint.bold(&s.scenario),
        s.file,
        paint.bold(&msek(base.mean)),
        s.horizon,
        msek_interval(&base)
    );
    if !s.held.is_empty() {
        let held: Vec<String> = s
            .held
            .iter()
            .map(|h| format!("{} = {}", h.path, h.value))
            .collect();
        let _ = writeln!(out, "  inputs held (--set): {}", held.join("; "));
    }
    if chosen.is_empty() {
        let _ = writeln!(out, "  no mix besides doing nothing");
    }
    let budget = s.budget_period.map_or("N".to_string(), |n| n.to_string());
    for m in chosen {
        let _ = writeln!(out, "\n{}", paint.bold(m));
        let _ = writeln!(
            out,
            "  {:<40} {:>11} {:>11} {:>11} {:>23} {:>18} {:>11}",
            "actor",
            "invest MSEK",
            "avoided",
            "NPV",
            "90 % interval",
            "payback / gains",
            format!("P(≤ {budget} y)")
        );
        for v in actor_view(&folder, m) {
            let npv = msek(v.npv.mean);
            let npv_col = format!("{npv:>11}");
            let npv_col = match v.npv.mean {
                Some(x) if x > 0.0 => paint.gain(&npv_col),
                Some(x) if x < 0.0 => paint.loss(&npv_col),
                _ => npv_col,
            };
            let when = if v.invests {
                format!("payback {}", year(&v.payback, s.horizon))
            } else if let Some(y) = v.gains_from {
                format!("gains from {y}")
            } else {
                "–".into()
            };
            let label = if v.actor == "total" {
                paint.bold(&format!("{:<40}", "total"))
            } else {
                format!("{:<40}", actors::label(&v.actor))
            };
            let _ = writeln!(
                out,
                "  {label} {:>11} {:>11} {npv_col} {:>23} {:>18} {:>11}",
                msek(v.investment.mean),
                msek(v.avoided.mean),
                msek_interval(&v.npv),
                when,
                prob(v.p_recovered)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        paint.dim(&format!(
            "PV in MSEK; payback is the median year; P(≤ {budget} y): probability that the actor gets back what it invested within the budget period ({budget} years) — for an actor that invests nothing, that its cumulative net is ≥ 0 then."
        ))
    );
    print_out(out.as_bytes());
    exit::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_unchanged_without_colour_and_marks_the_best_row_with_it() {
        let table = "S — f.ron\n  mix\n* best 1.0\n  other 0.5\n  * best mix\n";
        assert_eq!(paint_table(table, Paint::new(false)), table);
        let painted = paint_table(table, Paint::new(true));
        assert!(painted.contains("\x1b[1m* best 1.0\x1b[0m"));
        assert!(painted.contains("\n  other 0.5\n"));
    }
}
