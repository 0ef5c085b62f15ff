//! Colour on the terminal: `--color auto|always|never`; auto colours only a
//! terminal, and never when NO_COLOR is set (to anything but empty) or
//! TERM is `dumb`.

use std::io::IsTerminal;

use clap::ValueEnum;

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal that supports it.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Whether to colour stdout.
pub fn enabled(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                && std::io::stdout().is_terminal()
        }
    }
}

/// Paints text with ANSI styles when enabled.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// A painter that colours when `on`.
    pub fn new(on: bool) -> Paint {
        Paint { on }
    }

    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Bold.
    pub fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }

    /// A gain: blue (the report's colour for avoided cost; safe for colour-blind readers).
    pub fn gain(&self, s: &str) -> String {
        self.wrap("34", s)
    }

    /// A loss: orange-yellow (the report's colour for investment).
    pub fn loss(&self, s: &str) -> String {
        self.wrap("33", s)
    }

    /// Dim, for secondary text.
    pub fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_means_plain_text() {
        let p = Paint::new(enabled(ColorChoice::Never));
        assert_eq!(p.bold("x"), "x");
        assert_eq!(Paint::new(true).bold("x"), "\x1b[1mx\x1b[0m");
    }
}
