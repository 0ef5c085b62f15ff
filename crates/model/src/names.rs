//! Names the model derives rather than reads from a file, built in one
//! place so outputs, assertions and the cohort model agree on them.

/// The built-in baseline mix: no intervention active (model.md §6). It is
/// always mix 0 of a run and cannot be defined by a scenario.
pub const DO_NOTHING: &str = "do_nothing";

/// The key of the sum over actors (model.md §6: `total` is reserved and
/// cannot name an actor).
pub const TOTAL: &str = "total";

/// The cohort group that the cases turned or prevented by `intervention`
/// enter when it has a success profile (model.md §4): `<intervention>:success`.
/// The `:` keeps it apart from every name a file can define.
pub fn success_group(intervention: &str) -> String {
    format!("{intervention}:success")
}
