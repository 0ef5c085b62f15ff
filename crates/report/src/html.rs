//! The HTML pages: one per scenario and an index for the batch. Each is one
//! self-contained file: inline CSS and SVG, no script, no font, no image or
//! link to anything outside the page, so it reads offline and prints as is.

use std::fmt::Write;

use crate::actors;
use crate::chart::analysis::Analysis;
use crate::data::{Index, SENSITIVITY_FORMAT, SHAPLEY_FORMAT, Stats, Summary};
use crate::scenario::{ActorView, MSEK, ScenarioReport};
use crate::svg::{escape, group};

const CSS: &str = "\
body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:0 auto;max-width:980px;padding:1rem 1.5rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #0072B2;padding-bottom:.2rem}
h3{margin-top:1.6rem}.sub{color:#555}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right;vertical-align:top;white-space:nowrap}
td.l,th{white-space:normal}
th{background:#f2f2f2}td.l,th.l{text-align:left}tr.best td{font-weight:bold}
.key{display:inline-block;border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:.3rem .6rem .3rem 0;background:#fafafa}
.key b{display:block;font-size:1.4rem}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#444;max-width:720px}
svg.chart{max-width:100%;height:auto}.warn{background:#fff4d6;border-left:4px solid #E69F00;padding:.4rem .8rem}
code{background:#f2f2f2;padding:0 .2rem}nav a{margin-right:.8rem}
@media print{nav{display:none}h2{break-before:auto}figure{break-inside:avoid}}
";

/// Amount in MSEK with one decimal, thousands spaced; `–` when undefined.
pub fn msek(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => group(&format!("{:.1}", v / MSEK)),
        _ => "–".into(),
    }
}

/// The 90 % interval in MSEK, `lo … hi`.
pub fn msek_interval(s: &Stats) -> String {
    match (s.p5, s.p95) {
        (Some(_), Some(_)) => format!("{} … {}", msek(s.p5), msek(s.p95)),
        _ => "–".into(),
    }
}

/// A probability with two decimals.
pub fn prob(p: Option<f64>) -> String {
    p.map_or("–".into(), |p| format!("{p:.2}"))
}

/// A median year, or `after year N` when it lies beyond the horizon.
pub fn year(s: &Stats, horizon: u32) -> String {
    match s.p50 {
        Some(y) => format!("{y:.0}"),
        None => format!("after {horizon}"),
    }
}

fn ratio(s: &Stats) -> String {
    s.mean.map_or("–".into(), |v| format!("{v:.2}"))
}

fn ratio_interval(s: &Stats) -> String {
    match (s.p5, s.p95) {
        (Some(a), Some(b)) => format!("{a:.2} … {b:.2}"),
        _ => "–".into(),
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

fn figure(out: &mut String, c: &crate::chart::Chart) {
    let _ = write!(
        out,
        "<figure>\n{}\n<figcaption>{} Figure files: <code>figures/{}.svg</code>, <code>figures/{}.png</code>.</figcaption>\n</figure>\n",
        c.svg,
        escape(&c.caption),
        escape(&c.id),
        escape(&c.id)
    );
}

/// The actor table of one mix.
pub fn actor_table(out: &mut String, views: &[ActorView], horizon: u32, budget: Option<u32>) {
    let budget = budget.map_or("the budget period".to_string(), |n| format!("{n} years"));
    let _ = write!(
        out,
        "<table class=\"actors\">\n<tr><th class=\"l\">actor</th><th>investment MSEK</th><th>avoided MSEK</th>\
         <th>NPV MSEK</th><th>90 % interval</th><th>payback / gains from</th><th>P(recovered within {})</th></tr>\n",
        escape(&budget)
    );
    for v in views {
        let when = if v.invests {
            format!("payback {}", year(&v.payback, horizon))
        } else if let Some(y) = v.gains_from {
            format!("gains from year {y}")
        } else if v.npv.mean.is_some_and(|m| m > 0.0) {
            format!("gains after year {horizon}")
        } else {
            "–".into()
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&actors::label(&v.actor)),
            msek(v.investment.mean),
            msek(v.avoided.mean),
            msek(v.npv.mean),
            msek_interval(&v.npv),
            escape(&when),
            prob(v.p_recovered),
        );
    }
    out.push_str("</table>\n");
}

/// An amount in MSEK with its standard error: `51.5 ± 0.8 MSEK`.
fn msek_se(v: f64, se: Option<f64>) -> String {
    match se {
        Some(se) if se.is_finite() => format!("{} ± {} MSEK", msek(Some(v)), msek(Some(se))),
        _ => format!("{} MSEK", msek(Some(v))),
    }
}

/// The analysis section, from sensitivity.json (docs/analysis.md).
pub fn analysis_section(b: &mut String, a: &Analysis) {
    b.push_str(
        "<h2 id=\"analysis\">Analysis: what drives the result, what knowing more is worth</h2>\n",
    );
    if let Some(v) = a.unknown_version {
        let _ = writeln!(
            b,
            "<p class=\"warn\">sensitivity.json is of format version {}; this report reads version {}, so its analysis is not shown. Make the report with the palett that wrote the results.</p>",
            v.map_or("(none given)".to_string(), |v| v.to_string()),
            SENSITIVITY_FORMAT
        );
    }
    if let Some(v) = a.shapley_unknown_version {
        let _ = writeln!(
            b,
            "<p class=\"warn\">shapley.json is of format version {}; this report reads version {}, so its Shapley effects are not shown.</p>",
            v.map_or("(none given)".to_string(), |v| v.to_string()),
            SHAPLEY_FORMAT
        );
    }
    if a.unknown_version.is_some() && a.shapley.is_none() {
        return;
    }
    b.push_str("<p class=\"sub\">From sensitivity.json, shapley.json (when present) and summary.json; what each quantity means and how precise it is: docs/analysis.md.</p>\n");

    b.push_str("<h3>Which inputs drive the result</h3>\n");
    match &a.best_mix {
        Some(best) => {
            let _ = writeln!(
                b,
                "<p>For <b>{}</b>, the mix of highest mean NPV: the uncertain inputs that explain most of the spread of its NPV, and those that decide whether it beats the next best mix.</p>",
                escape(best)
            );
        }
        None if a.has_sensitivity && a.unknown_version.is_none() => {
            b.push_str("<p>No mix besides doing nothing to analyse.</p>\n")
        }
        None => {}
    }
    for c in [&a.drivers, &a.lead].into_iter().flatten() {
        figure(b, c);
    }
    if a.best_mix.is_some() && a.drivers.is_none() && a.lead.is_none() {
        b.push_str(
            "<p>No input's share could be estimated (no variance, or too few samples).</p>\n",
        );
    }
    if let Some(c) = &a.shapley {
        b.push_str("<p>Where inputs are correlated, the first-order shares above let correlated inputs each claim what they share. Shapley effects (from <code>palett sensitivity --shapley</code>) split it fairly, so the shares add up to the whole.</p>\n");
        figure(b, c);
    }
    if !a.has_sensitivity || a.unknown_version.is_some() {
        return;
    }

    b.push_str("<h3>What more knowledge is worth</h3>\n");
    match &a.evpi {
        Some((evpi, se, best)) => {
            let now = best.as_deref().map_or(String::new(), |m| {
                format!(" over choosing <b>{}</b> now", escape(m))
            });
            if *evpi > 0.0 {
                let _ = writeln!(
                    b,
                    "<p>Knowing every uncertain input exactly before choosing a mix would be worth <b>{}</b> in expectation{now}, total over actors (EVPI, ± one standard error). That is the most any study, pilot or data collection could be worth for this choice; the chart shows what knowing one input alone would be worth.</p>",
                    msek_se(*evpi, *se)
                );
            } else {
                let _ = writeln!(
                    b,
                    "<p>EVPI is {}: the same mix is best whatever the uncertain inputs turn out to be, so no further knowledge would change the choice{now}.</p>",
                    msek_se(*evpi, *se)
                );
            }
        }
        None => b.push_str("<p>No EVPI in the results.</p>\n"),
    }
    if let Some(c) = &a.evppi {
        figure(b, c);
    }
    if !a.by_actor.is_empty() {
        b.push_str("<table class=\"voi\">\n<tr><th class=\"l\">actor</th><th>EVPI MSEK</th><th>± se</th><th class=\"l\">its best mix</th></tr>\n");
        for v in &a.by_actor {
            let _ = writeln!(
                b,
                "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>",
                escape(&actors::label(&v.actor)),
                msek(v.evpi),
                msek(v.evpi_se),
                escape(v.best_mix.as_deref().unwrap_or("–")),
            );
        }
        b.push_str("</table>\n<p class=\"sub\">Per actor, the value of perfect information for the choice that maximises that actor's own NPV, and the mix it would choose now.</p>\n");
    }

    b.push_str("<h3>Acceptability over the discount rate</h3>\n");
    for c in [&a.p_best, &a.p_positive].into_iter().flatten() {
        figure(b, c);
    }
    if a.p_best.is_none() && a.p_positive.is_none() {
        b.push_str("<p>No acceptability curves in the results.</p>\n");
    }
}

/// The page of one scenario.
pub fn scenario_page(r: &ScenarioReport, palett_version: &str) -> String {
    let s = &r.folder.summary;
    let det = s.deterministic();
    let mut b = String::new();
    let _ = write!(
        b,
        "<nav><a href=\"../index.html\">all scenarios</a><a href=\"#compare\">mixes</a><a href=\"#actors\">who pays, who gains</a>\
         <a href=\"#years\">over the years</a><a href=\"#tipping\">tipping</a>{}<a href=\"#assumptions\">assumptions</a><a href=\"#settings\">settings</a></nav>\n\
         <h1>{}</h1>\n<p class=\"sub\"><code>{}</code> · {} years · {}{} · palett {}</p>\n",
        if r.analysis.is_some() {
            "<a href=\"#analysis\">analysis</a>"
        } else {
            ""
        },
        escape(&s.scenario),
        escape(&s.file),
        s.horizon,
        s.discount_rate.map_or(String::new(), |d| format!(
            "{} % discount rate",
            group(&format!("{}", d * 100.0))
        )),
        s.price_year
            .map_or(String::new(), |y| format!(" · {y} prices")),
        escape(palett_version),
    );
    for w in &s.warnings {
        let _ = writeln!(b, "<p class=\"warn\">warning: {}</p>", escape(w));
    }

    // Key figures: the cost of doing nothing and the best mix.
    let base = s
        .baseline()
        .and_then(|m| m.pv_by_actor.baseline_cost.get("total"))
        .cloned()
        .unwrap_or_default();
    b.push_str("<div>");
    let _ = write!(
        b,
        "<span class=\"key\">cost of doing nothing<b>{} MSEK</b>present value over {} years{}</span>",
        msek(base.mean),
        s.horizon,
        if det {
            String::new()
        } else {
            format!(", 90 %: {}", msek_interval(&base))
        }
    );
    if let Some(best) = s.best().filter(|m| !m.is_baseline()) {
        let _ = write!(
            b,
            "<span class=\"key\">best mix<b>{}</b>NPV {} MSEK, P(best) {}</span>",
            escape(&best.name),
            msek(best.npv.mean),
            prob(best.p_best)
        );
    }
    b.push_str("</div>\n");
    if base.mean == Some(0.0) {
        b.push_str("<p class=\"sub\">This scenario books no cost under doing nothing: what its mixes gain is avoided cost they create (area effects), not a baseline bill.</p>\n");
    }
    figure(&mut b, &r.do_nothing);

    b.push_str("<h2 id=\"compare\">The mixes compared with doing nothing</h2>\n");
    if s.alternatives().count() == 0 {
        b.push_str(
            "<p>This scenario has no mix besides doing nothing: it prices the baseline only.</p>\n",
        );
    } else {
        let best = s.best().map(|m| m.name.clone());
        b.push_str(
            "<table class=\"compare\">\n<tr><th class=\"l\">mix</th><th>NPV MSEK</th><th>90 % interval</th><th>BCR</th><th>BCR 90 %</th>\
             <th>P(NPV&gt;0)</th><th>P(best)</th><th>payback (median)</th><th>P(pays back)</th><th>tipping (median)</th><th>P(tips)</th></tr>\n",
        );
        for m in s.alternatives() {
            let _ = writeln!(
                b,
                "<tr{}><td class=\"l\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if best.as_deref() == Some(m.name.as_str()) {
                    " class=\"best\""
                } else {
                    ""
                },
                escape(&m.name),
                if best.as_deref() == Some(m.name.as_str()) {
                    " ★"
                } else {
                    ""
                },
                msek(m.npv.mean),
                msek_interval(&m.npv),
                ratio(&m.bcr),
                ratio_interval(&m.bcr),
                prob(m.p_npv_positive),
                prob(m.p_best),
                year(&m.payback_year, s.horizon),
                prob(m.payback_year.p_within_horizon),
                if m.tipping_year.p_reached.unwrap_or(0.0) > 0.0 {
                    year(&m.tipping_year, s.horizon)
                } else {
                    "never".into()
                },
                prob(m.tipping_year.p_reached),
            );
        }
        b.push_str("</table>\n<p class=\"sub\">★ best mix: highest P(best), the share of samples in which it has the highest total NPV. BCR = PV(avoided)/PV(investment). Years are years of the scenario (1 = the first).</p>\n");
        for m in s.alternatives() {
            if let Some(d) = &m.description {
                let _ = writeln!(b, "<p><b>{}</b>: {}</p>", escape(&m.name), escape(d));
            }
        }
    }
    if let Some(c) = &r.npv {
        figure(&mut b, c);
    }

    b.push_str("<h2 id=\"actors\">Who pays, who gains</h2>\n");
    if r.actors.is_empty() {
        b.push_str("<p>No mix to split by actor.</p>\n");
    }
    for (name, views, chart) in &r.actors {
        let _ = writeln!(b, "<h3>{}</h3>", escape(name));
        figure(&mut b, chart);
        actor_table(&mut b, views, s.horizon, s.budget_period);
    }

    b.push_str("<h2 id=\"years\">Over the years</h2>\n");
    if let Some(c) = &r.fan {
        figure(&mut b, c);
    }
    for c in &r.tracks {
        figure(&mut b, c);
    }
    if r.fan.is_none() && r.tracks.is_empty() {
        b.push_str("<p>No by_year.csv in the result folder, or no mix to show.</p>\n");
    }

    b.push_str("<h2 id=\"tipping\">Tipping year</h2>\n");
    match &r.tipping {
        Some(c) => figure(&mut b, c),
        None => b.push_str("<p>No mix to show.</p>\n"),
    }

    if let Some(a) = &r.analysis {
        analysis_section(&mut b, a);
    }

    b.push_str("<h2 id=\"assumptions\">Assumptions: the uncertain inputs</h2>\n");
    match &r.folder.inputs {
        Some(inputs) if inputs.is_empty() => {
            b.push_str("<p>Every input is a fixed number.</p>\n");
        }
        Some(inputs) => {
            b.push_str("<table class=\"inputs\">\n<tr><th class=\"l\">input</th><th class=\"l\">distribution</th><th>central value</th><th class=\"l\">file</th></tr>\n");
            for i in inputs {
                let _ = writeln!(
                    b,
                    "<tr><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td><td>{}</td><td class=\"l\">{}</td></tr>",
                    escape(&i.path),
                    escape(&i.distribution),
                    i.central
                        .map_or("–".into(), |c| format!("{}", (c * 1e6).round() / 1e6)),
                    escape(&i.file)
                );
            }
            b.push_str("</table>\n");
        }
        None => {
            let _ = writeln!(
                b,
                "<p>This result folder has no inputs.json; <code>palett params {}</code> lists them.</p>",
                escape(&s.file)
            );
        }
    }

    b.push_str("<h2 id=\"settings\">Run settings</h2>\n<table class=\"settings\">\n");
    let held = if s.held.is_empty() {
        "none".to_string()
    } else {
        let each: Vec<String> = s
            .held
            .iter()
            .map(|h| format!("{} = {}", h.path, h.value))
            .collect();
        each.join("; ")
    };
    let rows: [(&str, String); 10] = [
        ("file", s.file.clone()),
        ("seed", s.seed.map_or("–".into(), |v| v.to_string())),
        ("samples", s.samples.map_or("–".into(), |v| v.to_string())),
        ("method", s.method.replace('_', " ")),
        ("inputs held (--set)", held),
        (
            "stopped early",
            if s.stopped_early { "yes" } else { "no" }.into(),
        ),
        ("horizon", format!("{} years", s.horizon)),
        (
            "discount rate",
            s.discount_rate.map_or("–".into(), |d| format!("{d}")),
        ),
        (
            "budget period",
            s.budget_period.map_or("–".into(), |n| format!("{n} years")),
        ),
        ("palett", palett_version.to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(
            b,
            "<tr><th class=\"l\">{k}</th><td class=\"l\">{}</td></tr>",
            escape(&v)
        );
    }
    b.push_str("</table>\n");
    let _ = writeln!(
        b,
        "<p>To reproduce: <code>{}</code></p>",
        escape(&reproduce(s))
    );
    if s.warnings.is_empty() {
        b.push_str("<p>No warnings.</p>\n");
    }
    page(&format!("{} — palett report", s.scenario), &b)
}

/// The command line that runs this summary's scenario again with the same
/// numbers: the seed, sample count and method of a sampled run (a base
/// case takes none of them), and every input held with `--set`.
fn reproduce(s: &Summary) -> String {
    let mut cmd = format!("palett run {}", s.file);
    match s.method.as_str() {
        "deterministic" => cmd.push_str(" --deterministic"),
        method => {
            let method = if method == "monte_carlo" { "mc" } else { "lhs" };
            let _ = write!(
                cmd,
                " --seed {} --samples {} --method {method}",
                s.seed.unwrap_or(1),
                s.samples.unwrap_or(1)
            );
        }
    }
    for h in &s.held {
        // f64's Display is the shortest text that reads back to the same
        // number, so the held value is exact.
        let _ = write!(cmd, " --set {}={}", h.path, h.value);
    }
    cmd.push_str(" --report");
    cmd
}

/// The index page of a batch.
pub fn index_page(
    reports: &[ScenarioReport],
    index: Option<&Index>,
    palett_version: &str,
) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>palett results</h1>\n<p class=\"sub\">palett {}</p>\n<table>\n<tr><th class=\"l\">scenario</th><th class=\"l\">file</th>\
         <th>cost of doing nothing MSEK</th><th class=\"l\">best mix</th><th>its NPV MSEK</th><th>P(best)</th></tr>\n",
        escape(palett_version)
    );
    for r in reports {
        let s = &r.folder.summary;
        let base = s
            .baseline()
            .and_then(|m| m.pv_by_actor.baseline_cost.get("total"))
            .and_then(|t| t.mean);
        let best = s.best().filter(|m| !m.is_baseline());
        let _ = writeln!(
            b,
            "<tr><td class=\"l\"><a href=\"{}/report.html\">{}</a></td><td class=\"l\"><code>{}</code></td><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.stem),
            escape(&s.scenario),
            escape(&s.file),
            msek(base),
            best.map_or("–".into(), |m| escape(&m.name)),
            msek(best.and_then(|m| m.npv.mean)),
            prob(best.and_then(|m| m.p_best)),
        );
    }
    b.push_str("</table>\n");
    if let Some(ix) = index {
        let bad: Vec<_> = ix.files.iter().filter(|f| f.status != "ok").collect();
        if !bad.is_empty() {
            b.push_str("<h2>Files that did not run cleanly</h2>\n<table>\n<tr><th class=\"l\">file</th><th class=\"l\">status</th><th class=\"l\">problems</th></tr>\n");
            for f in bad {
                let _ = writeln!(
                    b,
                    "<tr><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>",
                    escape(&f.file),
                    escape(&f.status.replace('_', " ")),
                    escape(&f.errors.join("; "))
                );
            }
            b.push_str("</table>\n");
        }
    }
    page("palett results", &b)
}
