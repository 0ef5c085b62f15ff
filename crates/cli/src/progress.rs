//! Progress bars on stderr: only when stderr is a terminal and not --quiet.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use palett_model::Progress;

/// One bar per scenario of a batch, or nothing at all.
pub struct Bars {
    bars: Vec<ProgressBar>,
    _multi: Option<MultiProgress>,
}

impl Bars {
    /// Bars for `files`, hidden unless stderr is a terminal.
    pub fn new(files: &[PathBuf], quiet: bool) -> Bars {
        if quiet
            || !std::io::stderr().is_terminal()
            || std::env::var_os("TERM").is_some_and(|t| t == "dumb")
        {
            return Bars {
                bars: Vec::new(),
                _multi: None,
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{prefix:>24} {bar:30} {pos}/{len} samples {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bars = files
            .iter()
            .map(|f| {
                let b = multi.add(ProgressBar::new(0));
                b.set_style(style.clone());
                b.set_prefix(
                    f.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                );
                b
            })
            .collect();
        Bars {
            bars,
            _multi: Some(multi),
        }
    }

    /// Reports progress of file `i`.
    pub fn update(&self, i: usize, p: Progress) {
        if let Some(b) = self.bars.get(i) {
            b.set_length(p.total);
            b.set_position(p.done);
        }
    }

    /// Clears the bars.
    pub fn finish(&self) {
        for b in &self.bars {
            b.finish_and_clear();
        }
    }
}
