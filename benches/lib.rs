//! Benchmarks live in this folder as `[[bench]]` targets; see docs/performance.md.
