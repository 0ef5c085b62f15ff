//! Realised area effects (model.md §5, area effects): n · V · x_k(t) SEK a
//! year to each effect's beneficiary, negative in years the track is below
//! its baseline.

use palett_synergy::Trajectory;

use crate::scenario::Scenario;
use crate::value::Value;

/// Realised area values of one trajectory: per year and actor (`[t][a]`),
/// and per year and class (direct, indirect, business), SEK.
#[derive(Debug, Clone, Default)]
pub struct AreaValues {
    /// `[t * n_actors + a]`, index t = 0 for year 1.
    pub(crate) by_actor: Vec<f64>,
    /// Per year, per [`crate::scenario::AreaClass`] index.
    pub(crate) by_class: Vec<[f64; 3]>,
}

impl AreaValues {
    /// n · V · x_track(t) for every area effect of `s` under `traj`, with
    /// this sample's `inputs`.
    pub fn fill(&mut self, s: &Scenario, traj: &Trajectory, inputs: &[f64]) {
        let h = s.horizon as usize;
        let n = s.actors.len();
        self.by_actor.clear();
        self.by_actor.resize(h * n, 0.0);
        self.by_class.clear();
        self.by_class.resize(h, [0.0; 3]);
        for area in &s.areas {
            let apartments = Value::get(area.apartments, inputs);
            for e in &area.effects {
                let per_year = apartments * e.value.get(inputs);
                for t in 1..=h {
                    let val = per_year * traj.x(t as u32)[e.track.index()];
                    self.by_actor[(t - 1) * n + e.beneficiary.0] += val;
                    self.by_class[t - 1][e.class.index()] += val;
                }
            }
        }
    }
}
