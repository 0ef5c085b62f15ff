//! The output of a simulation: track states and coordination by year.

use crate::Track;

/// Track states x_k(t) ∈ [−1, 1] and coordination c(t) ∈ [0, 1] for years
/// t = 0..=H (model.md §5). Year 0 is the state before the first model year:
/// x = 0 (the area's baseline) and c = c_0.
///
/// Reusable: [`SynergyModel::simulate_into`](crate::SynergyModel::simulate_into)
/// overwrites it without reallocating once it has grown to the horizon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trajectory {
    pub(crate) x: Vec<[f64; 4]>,
    pub(crate) c: Vec<f64>,
}

impl Trajectory {
    /// An empty trajectory, to be filled by `simulate_into`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Clears the trajectory and sets year 0, keeping the allocation.
    pub(crate) fn reset(&mut self, horizon: u32, c0: f64) {
        self.x.clear();
        self.c.clear();
        let cap = horizon as usize + 1;
        self.x.reserve(cap);
        self.c.reserve(cap);
        self.x.push([0.0; 4]);
        self.c.push(c0);
    }

    /// Replaces the contents with years 0..=`year` of `other`, keeping the allocation.
    pub(crate) fn copy_prefix(&mut self, other: &Trajectory, year: u32) {
        let n = year as usize + 1;
        self.x.clear();
        self.c.clear();
        self.x.extend_from_slice(&other.x[..n]);
        self.c.extend_from_slice(&other.c[..n]);
    }

    /// Drops every year after `year`, keeping the allocation.
    pub(crate) fn truncate(&mut self, year: u32) {
        let n = year as usize + 1;
        self.x.truncate(n);
        self.c.truncate(n);
    }

    /// H: the last simulated year (0 for an empty trajectory).
    pub fn horizon(&self) -> u32 {
        self.x.len().saturating_sub(1) as u32
    }

    /// The four track states in year `t`, in [`Track::index`] order.
    ///
    /// # Panics
    /// If `t` is beyond [`Trajectory::horizon`]; see [`Trajectory::get`].
    pub fn x(&self, t: u32) -> [f64; 4] {
        self.x[t as usize]
    }

    /// The four track states in year `t`, or `None` beyond the horizon.
    pub fn get(&self, t: u32) -> Option<[f64; 4]> {
        self.x.get(t as usize).copied()
    }

    /// x_k(t): one track's state in year `t`.
    ///
    /// # Panics
    /// If `t` is beyond [`Trajectory::horizon`].
    pub fn state(&self, t: u32, track: Track) -> f64 {
        self.x[t as usize][track.index()]
    }

    /// One track's states for years 0..=H.
    pub fn track(&self, track: Track) -> impl ExactSizeIterator<Item = f64> + '_ {
        self.x.iter().map(move |x| x[track.index()])
    }

    /// All states, indexed by year 0..=H.
    pub fn states(&self) -> &[[f64; 4]] {
        &self.x
    }

    /// c(t): coordination in year `t` (share 0–1).
    ///
    /// # Panics
    /// If `t` is beyond [`Trajectory::horizon`].
    pub fn coordination(&self, t: u32) -> f64 {
        self.c[t as usize]
    }

    /// Coordination for years 0..=H.
    pub fn coordination_series(&self) -> &[f64] {
        &self.c
    }
}
