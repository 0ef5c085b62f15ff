//! The untruncated run: simulated to H, then past H only as far as the
//! look-ups of shortcut 3 need, and stopped once the fixed point or an
//! invariant box settles the rest.

use crate::bounds::settled;
use crate::{Drive, SynergyModel};

use super::{MixWorkspace, is_stationary, ranges};

impl SynergyModel {
    /// Prepares the inputs for years 0..=H + n and simulates the
    /// untruncated run to H only: the tails start at t ≤ H, and the years
    /// beyond are simulated when a look-up needs them (`full_sustained`).
    pub(super) fn start_full(&self, drives: &[Drive], horizon: u32, ws: &mut MixWorkspace) {
        self.begin_full(drives, horizon, ws);
        for year in 1..=horizon {
            let y = year as usize;
            self.advance(&ws.inputs[y], ws.talk[y], &mut ws.full, year);
        }
        ws.end_full(horizon);
    }

    /// [`SynergyModel::start_full`] for two mixes' runs at once, each in its
    /// own workspace: their updates to H run side by side
    /// ([`SynergyModel::advance_lanes`]), each lane exactly as alone. The
    /// series cache is the first workspace's for both, so a drive that
    /// both mixes share is evaluated once, as in one workspace.
    pub(super) fn start_full_pair(
        &self,
        drives: [&[Drive]; 2],
        horizon: u32,
        [a, b]: [&mut MixWorkspace; 2],
    ) {
        self.begin_full(drives[0], horizon, a);
        std::mem::swap(&mut a.series, &mut b.series);
        self.begin_full(drives[1], horizon, b);
        std::mem::swap(&mut a.series, &mut b.series);
        for year in 1..=horizon {
            let y = year as usize;
            self.advance_lanes(
                [&a.inputs[y], &b.inputs[y]],
                [a.talk[y], b.talk[y]],
                [&mut a.full, &mut b.full],
                [year; 2],
            );
        }
        a.end_full(horizon);
        b.end_full(horizon);
    }

    /// A run's inputs for years 0..=H + n and its untruncated run reset to
    /// year 0.
    fn begin_full(&self, drives: &[Drive], horizon: u32, ws: &mut MixWorkspace) {
        let end = horizon.saturating_add(self.rule().lookahead);
        ws.reset_tails();
        ws.prepare(self, drives, end);
        ws.full.reset(end, self.p.c0);
    }

    /// Whether the untruncated run meets the tipping level in `year`
    /// (≤ H + n), simulating it on from its last computed year only as far as
    /// needed: up to `year`, or until the rest of the run is settled (every
    /// later state provably on one side of the level). Look-ups come in
    /// rising order, so the run only ever grows.
    pub(super) fn full_sustained(&self, year: u32, ws: &mut MixWorkspace) -> bool {
        loop {
            let last = ws.full.horizon();
            if year <= last {
                return self.rule().sustained(&ws.full.x[year as usize]);
            }
            if ws.full_outcome.is_none() {
                ws.full_outcome = self.full_settled(ws, last);
            }
            if let Some(outcome) = ws.full_outcome {
                return outcome;
            }
            let next = last + 1;
            let y = next as usize;
            self.advance(&ws.inputs[y], ws.talk[y], &mut ws.full, next);
        }
    }

    /// Whether every state of the untruncated run after its year `year` (the
    /// last computed one), up to H + n, is known to be sustained
    /// (`Some(true)`) or known not to be (`Some(false)`), by the fixed point
    /// or, on the box-test schedule, the invariant box; `None` if not known.
    fn full_settled(&self, ws: &mut MixWorkspace, year: u32) -> Option<bool> {
        let y = year as usize;
        if y + 1 >= ws.inputs.len() {
            // Nothing left to settle (and no look-up goes beyond H + n).
            return None;
        }
        if self.full_is_fixed_point(ws, year) {
            return Some(self.rule().sustained(&ws.full.x[y]));
        }
        let lags = self.max_lag as usize;
        if y >= ws.full_next_check && y >= lags {
            // As for the tails: a failed test costs a few updates.
            ws.full_next_check = 2 * y + 2 - ws.horizon as usize;
            return self.full_box(ws, year);
        }
        None
    }

    /// The fixed point for the untruncated run: what the update for year + 1
    /// reads repeats what the update for `year` read (the states and c, as
    /// [`is_stationary`] checks, and the inputs and communication of every
    /// remaining year, bit for bit equal to `year`'s), so every later year
    /// repeats year `year`.
    fn full_is_fixed_point(&self, ws: &MixWorkspace, year: u32) -> bool {
        let y = year as usize;
        is_stationary(&ws.full, year, self.max_lag) && {
            let bits = |v: &[f64; 4]| v.map(f64::to_bits);
            let (now, talk) = (bits(&ws.inputs[y]), ws.talk[y].to_bits());
            let inputs = ws.inputs[y + 1..].iter().all(|v| bits(v) == now);
            inputs && ws.talk[y + 1..].iter().all(|c| c.to_bits() == talk)
        }
    }

    /// The invariant-box test (the `bounds` module) for the untruncated run
    /// after its year `year`, which must be ≥ max-lag (so every lagged read
    /// of the remaining updates falls in the window of the last max-lag
    /// states): the remaining updates' inputs are known
    /// (`inputs[year + 1..]`) and, if none of them has any communication, c
    /// only falls and lies in [0, c(year)], as in a tail. `None` if there is
    /// communication left, an input is not finite, or the box is not proved.
    fn full_box(&self, ws: &MixWorkspace, year: u32) -> Option<bool> {
        let y = year as usize;
        if !ws.talk[y + 1..].iter().all(|&c| c == 0.0) {
            return None;
        }
        let window = &ws.full.x[y + 1 - self.max_lag as usize..=y];
        let rem = ranges(&ws.inputs[y + 1..], ws.full.c[y])?;
        settled(self, window, &rem)
    }
}

impl MixWorkspace {
    /// Marks the untruncated run as simulated to `horizon` and nothing past
    /// it known yet.
    fn end_full(&mut self, horizon: u32) {
        self.horizon = horizon;
        self.full_outcome = None;
        self.full_next_check = horizon as usize;
    }
}
