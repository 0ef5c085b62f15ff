//! Reading scenario and library files: the text, where each value is, and
//! the files they include.

mod at_error;
pub mod limits;
mod load;
mod locate;

pub use load::{FileId, Loaded, SourceFile, load, load_library, sniff_kind};
pub use locate::{LocationIndex, Position};
