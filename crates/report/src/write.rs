//! Writing reports into result folders: `DIR/<stem>/report.html`,
//! `DIR/<stem>/figures/<chart>.svg|png` and `DIR/index.html`, each file
//! atomically (palett-runner's `write_atomic`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use palett_runner::write::write_atomic;

use crate::data::{Index, ResultFolder};
use crate::error::ReportError;
use crate::scenario::{self, ScenarioReport};
use crate::{figure, html};

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    /// The scenario pages.
    pub pages: Vec<PathBuf>,
    /// The index page, for a batch folder.
    pub index: Option<PathBuf>,
    /// Figure files (SVG and PNG).
    pub figures: usize,
    /// The scenario folders of a batch whose report could not be written
    /// (a result file unreadable or not palett's, a write that failed),
    /// with why. The batch's other reports and its index page are written
    /// all the same.
    pub failed: Vec<ReportError>,
}

fn put(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    write_atomic(path, bytes).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn mkdir(path: &Path) -> Result<(), ReportError> {
    std::fs::create_dir_all(path).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes one scenario's page and figures into its folder; returns the
/// number of figure files.
fn write_scenario(r: &ScenarioReport, version: &str) -> Result<usize, ReportError> {
    let dir = &r.folder.dir;
    let figures = dir.join("figures");
    mkdir(&figures)?;
    let opt = figure::options();
    let mut written = BTreeSet::new();
    for c in r.charts() {
        let svg = figure::svg(c, &opt)?;
        let png = figure::png(c, &opt)?;
        for (ext, bytes) in [("svg", svg.into_bytes()), ("png", png)] {
            let name = format!("{}.{ext}", c.id);
            put(&figures.join(&name), &bytes)?;
            written.insert(name);
        }
    }
    // Figures of mixes or charts that no longer exist would contradict the page.
    if let Ok(rd) = std::fs::read_dir(&figures) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if (name.ends_with(".svg") || name.ends_with(".png")) && !written.contains(&name) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    put(
        &dir.join("report.html"),
        html::scenario_page(r, version).as_bytes(),
    )?;
    Ok(written.len())
}

fn stem_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".into())
}

/// Writes the reports of `dir`. When `dir` is one scenario's result folder
/// (it holds summary.json), its page and figures; otherwise those of every
/// subfolder that holds results (only those named in `only`, when given),
/// and `dir/index.html`. `version` is the palett version the pages name
/// when the folder's index.json does not say which palett wrote it.
pub fn write_reports(
    dir: &Path,
    only: Option<&[String]>,
    version: &str,
) -> Result<Written, ReportError> {
    let index = Index::read(dir)?;
    let version = index
        .as_ref()
        .and_then(|i| i.palett_version.clone())
        .unwrap_or_else(|| version.to_string());
    if let Some(folder) = ResultFolder::read(dir)? {
        let r = scenario::build(&stem_of(dir), folder);
        let figures = write_scenario(&r, &version)?;
        return Ok(Written {
            pages: vec![dir.join("report.html")],
            index: None,
            figures,
            failed: Vec::new(),
        });
    }
    let mut stems: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .flatten()
            .filter(|e| e.path().join("summary.json").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(source) => {
            return Err(ReportError::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    stems.sort();
    // The batch's own order when index.json gives it.
    if let Some(ix) = &index {
        let order: Vec<&str> = ix
            .files
            .iter()
            .filter_map(|f| f.outputs.as_deref())
            .collect();
        stems.sort_by_key(|s| order.iter().position(|o| o == s).unwrap_or(usize::MAX));
    }
    if let Some(only) = only {
        stems.retain(|s| only.contains(s));
    }
    if stems.is_empty() {
        return Err(ReportError::NoResults(dir.to_path_buf()));
    }
    let mut written = Written::default();
    let mut reports = Vec::new();
    for stem in stems {
        let sub = dir.join(&stem);
        let folder = match ResultFolder::read(&sub) {
            Ok(Some(folder)) => folder,
            Ok(None) => continue,
            Err(e) => {
                written.failed.push(e);
                continue;
            }
        };
        let r = scenario::build(&stem, folder);
        match write_scenario(&r, &version) {
            Ok(figures) => {
                written.figures += figures;
                written.pages.push(sub.join("report.html"));
                reports.push(r);
            }
            Err(e) => written.failed.push(e),
        }
    }
    if reports.is_empty() {
        return Ok(written);
    }
    let index_path = dir.join("index.html");
    put(
        &index_path,
        html::index_page(&reports, index.as_ref(), &version).as_bytes(),
    )?;
    written.index = Some(index_path);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The golden results of the shipped scenarios, copied into a scratch
    /// folder (the report writes next to them).
    fn golden_copy() -> tempfile::TempDir {
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/run");
        let tmp = tempfile::tempdir().expect("tempdir");
        for e in std::fs::read_dir(&golden)
            .expect("golden results")
            .flatten()
        {
            let to = tmp.path().join(e.file_name());
            std::fs::create_dir_all(&to).expect("mkdir");
            for f in ["summary.json", "by_year.csv", "sensitivity.json"] {
                if e.path().join(f).is_file() {
                    std::fs::copy(e.path().join(f), to.join(f)).expect("copy");
                }
            }
        }
        tmp
    }

    #[test]
    fn every_golden_result_gives_a_page_that_parses_and_figures() {
        let tmp = golden_copy();
        let w = write_reports(tmp.path(), None, "test").expect("reports");
        assert!(w.pages.len() >= 4, "{:?}", w.pages);
        let index = w.index.expect("index page");
        let mut pages = w.pages.clone();
        pages.push(index);
        for p in &pages {
            let text = std::fs::read_to_string(p).expect("page");
            let doc = scraper::Html::parse_document(&text);
            assert!(doc.errors.is_empty(), "{}: {:?}", p.display(), doc.errors);
            assert!(
                text.len() < 2_000_000,
                "{}: {} bytes",
                p.display(),
                text.len()
            );
            for banned in [
                "http://", "https://", "<script", "<link", "<img", "@import", "url(",
            ] {
                let outside = text.replace("http://www.w3.org/2000/svg", "");
                assert!(!outside.contains(banned), "{}: {banned}", p.display());
            }
        }
        // Every chart on a page has a figure pair and declares what it draws.
        let page =
            std::fs::read_to_string(tmp.path().join("sodertalje/report.html")).expect("page");
        let doc = scraper::Html::parse_document(&page);
        let chart = scraper::Selector::parse("svg.chart").expect("selector");
        let series = scraper::Selector::parse("g.series").expect("selector");
        let mut n = 0;
        for c in doc.select(&chart) {
            n += 1;
            let want: usize = c
                .value()
                .attr("data-series")
                .and_then(|s| s.parse().ok())
                .expect("data-series");
            assert_eq!(
                c.select(&series).count(),
                want,
                "{:?}",
                c.value().attr("id")
            );
            let id = c
                .value()
                .attr("id")
                .expect("id")
                .trim_start_matches("chart-");
            for ext in ["svg", "png"] {
                assert!(
                    tmp.path()
                        .join("sodertalje/figures")
                        .join(format!("{id}.{ext}"))
                        .is_file()
                );
            }
        }
        // do-nothing, npv, 5 × actors, fan, 6 × tracks, tipping, and the
        // analysis: drivers of the NPV and of the lead, EVPPI, P(best) and
        // P(NPV > 0) over the discount rate.
        assert_eq!(n, 20);
        assert!(page.contains("EVPI"));
        if let Ok(dir) = std::env::var("PALETT_REPORT_KEEP") {
            let _ = std::fs::create_dir_all(&dir);
            for s in ["sodertalje", "kommun-budget", "herrgarden"] {
                let _ = std::fs::copy(
                    tmp.path().join(s).join("report.html"),
                    Path::new(&dir).join(format!("{s}.html")),
                );
                for c in [
                    "drivers-npv",
                    "drivers-lead",
                    "evppi",
                    "acceptability-best",
                    "acceptability-positive",
                ] {
                    let _ = std::fs::copy(
                        tmp.path().join(s).join(format!("figures/{c}.png")),
                        Path::new(&dir).join(format!("{s}-{c}.png")),
                    );
                }
            }
        }
    }

    #[test]
    fn a_folder_without_results_is_an_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            write_reports(tmp.path(), None, "x"),
            Err(ReportError::NoResults(_))
        ));
    }

    /// One scenario folder that cannot be read does not stop the batch's
    /// other reports nor its index page; it is returned with why.
    #[test]
    fn a_bad_folder_is_reported_and_the_others_are_written() {
        let tmp = golden_copy();
        let bad = tmp.path().join("herrgarden/summary.json");
        std::fs::write(&bad, "{\"broken\": ").expect("corrupt");
        let w = write_reports(tmp.path(), None, "test").expect("the batch");
        assert_eq!(w.failed.len(), 1, "{:?}", w.failed);
        let why = w.failed[0].to_string();
        assert!(
            why.contains("herrgarden/summary.json") && why.contains("not a palett result file"),
            "{why}"
        );
        assert!(!tmp.path().join("herrgarden/report.html").exists());
        assert!(w.pages.len() >= 3, "{:?}", w.pages);
        assert!(w.pages.iter().all(|p| p.is_file()));
        assert!(w.index.expect("index page").is_file());

        // A folder of one scenario is not a batch: its error is the answer.
        assert!(write_reports(&tmp.path().join("herrgarden"), None, "test").is_err());
    }
}
