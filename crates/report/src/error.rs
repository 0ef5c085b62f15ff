//! Why a report could not be written.

use std::path::PathBuf;

/// Why a report could not be read from a result folder or written into it.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A result file could not be read.
    #[error("{}: cannot read: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// summary.json, inputs.json or index.json is not what palett writes.
    #[error("{}: not a palett result file: {source}", .path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// by_year.csv is not what palett writes.
    #[error("{}: not a palett by_year.csv: {source}", .path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        source: csv::Error,
    },
    /// A folder holds no result: no summary.json in it nor in a folder below.
    #[error("{}: no results here (no summary.json in the folder or its subfolders); run `palett run … --out {}` first", .0.display(), .0.display())]
    NoResults(PathBuf),
    /// A figure could not be turned into SVG outlines or PNG.
    #[error("figure {figure}: {message}")]
    Figure {
        /// The figure's file stem.
        figure: String,
        /// What went wrong.
        message: String,
    },
    /// Writing a file failed.
    #[error("{}: cannot write: {source}", .path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
}
