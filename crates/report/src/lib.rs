//! palett-report: reports a person reads. From a result folder
//! (summary.json, by_year.csv, inputs.json and, when present,
//! sensitivity.json; docs/output-format.md) it writes a self-contained HTML
//! page per scenario, an index page for the batch, and every chart as a
//! standalone SVG and PNG figure for papers (docs/report.md).
//!
//! It reads only the result files, never the model: a report can be made
//! again from an archived folder. The charts are hand-written SVG
//! ([`svg`], [`chart`]); [`figure`] turns them into PNG with resvg, and
//! into SVG files whose text is outlined in the bundled font, so neither
//! depends on the fonts a machine has.

pub mod actors;
pub mod chart;
pub mod data;
pub mod error;
pub mod figure;
pub mod html;
pub mod scenario;
pub mod svg;
pub mod write;

pub use error::ReportError;
pub use write::{Written, write_reports};
