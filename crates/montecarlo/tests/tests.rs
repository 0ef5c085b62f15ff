//! Integration tests of palett-montecarlo (model.md §7), one binary with
//! topic modules so the crate links once.

mod it;
