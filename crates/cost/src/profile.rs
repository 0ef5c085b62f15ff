//! Profiles: the nominal annual cost of one case to each actor, year by
//! year of the case (model.md §2).

use crate::error::ActorRef;
use crate::{ActorId, Catalogue, CostError, Discounting, ItemId};

/// `P[j][a]`: SEK per year to actor a in profile year j = 1..K, nominal, in
/// the scenario's fixed prices.
///
/// Stored with actors innermost (`data[(j-1) * n_actors + a]`) so that
/// booking one profile year for all actors is one contiguous row.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    n_actors: usize,
    len: usize,
    data: Vec<f64>,
}

/// Expands `v` (values for years 1..=n, n ≤ `len`) to `len` years, 0 after.
fn per_year(
    v: &[f64],
    len: usize,
    what: impl Fn() -> String,
    actor: Option<ActorId>,
) -> Result<Vec<f64>, CostError> {
    // Years after the list cost nothing, so each actor's list may be as
    // long as its costs last.
    let out = match v.len() {
        n if (1..=len).contains(&n) => {
            let mut out = v.to_vec();
            out.resize(len, 0.0);
            out
        }
        n => {
            return Err(CostError::Length {
                what: what(),
                actor: actor.map(ActorRef::new),
                expected: format!("1 to {len} (years 1, 2, … of the profile)"),
                found: n,
            });
        }
    };
    if let Some(bad) = out.iter().find(|x| !x.is_finite()) {
        return Err(CostError::InvalidValue {
            what: what(),
            actor: actor.map(ActorRef::new),
            valid: "finite numbers",
            value: *bad,
        });
    }
    Ok(out)
}

impl Profile {
    fn zeros(n_actors: usize, len: usize) -> Result<Profile, CostError> {
        if len == 0 {
            return Err(CostError::EmptyProfile);
        }
        Ok(Profile {
            n_actors,
            len,
            data: vec![0.0; n_actors * len],
        })
    }

    fn check_actor(&self, a: ActorId) -> Result<(), CostError> {
        if a.0 < self.n_actors {
            Ok(())
        } else {
            Err(CostError::UnknownActor {
                index: a.0,
                n_actors: self.n_actors,
            })
        }
    }

    /// From annual amounts (model.md §2), SEK a year per actor: values for
    /// profile years 1..=n, n ≤ `len`, and nothing after them (a cost that
    /// ends early; a value for every year is `len` values). Several entries
    /// for one actor add up.
    ///
    /// # Errors
    /// `EmptyProfile` if `len` is 0, `UnknownActor`, `Length` for a vector of
    /// another length, `InvalidValue` for a value that is not finite.
    pub fn from_annual(
        n_actors: usize,
        len: usize,
        amounts: &[(ActorId, Vec<f64>)],
    ) -> Result<Profile, CostError> {
        let mut p = Profile::zeros(n_actors, len)?;
        for (a, v) in amounts {
            p.check_actor(*a)?;
            let v = per_year(v, len, || "the amounts".to_string(), Some(*a))?;
            for (j, x) in v.iter().enumerate() {
                p.data[j * n_actors + a.0] += x;
            }
        }
        Ok(p)
    }

    /// From cumulative present values at checkpoint years computed at
    /// `rate`: the nominal amount is constant within each interval
    /// (y_{i−1}, y_i], so discounting back at `rate` reproduces every
    /// checkpoint exactly (up to rounding of the inputs). K = the last year
    /// (model.md §2). Values are SEK; `rate` is a share per year (0.04).
    /// Actors without an entry cost nothing.
    ///
    /// # Errors
    /// `InvalidRate` unless `rate` is finite and ≥ 0; `CheckpointOrder`
    /// (0-based index, its year and the year before) unless the years are
    /// strictly increasing and ≥ 1; `EmptyProfile` if there are none;
    /// `UnknownActor`; `Length` unless an actor has one value per checkpoint;
    /// `InvalidValue` for a value that is not finite; `FallingCumulative`
    /// (the actor and both years) when a cumulative value
    /// falls, unless `allow_decrease` says the negative cost is intended.
    pub fn from_checkpoints(
        n_actors: usize,
        years: &[u32],
        cumulative: &[(ActorId, Vec<f64>)],
        rate: f64,
        allow_decrease: bool,
    ) -> Result<Profile, CostError> {
        let d = Discounting::new(rate)?;
        let mut previous: Option<u32> = None;
        for (i, &y) in years.iter().enumerate() {
            if y < 1 || previous.is_some_and(|p| y <= p) {
                return Err(CostError::CheckpointOrder {
                    index: i,
                    year: y,
                    previous,
                });
            }
            previous = Some(y);
        }
        let len = years.last().copied().unwrap_or(0) as usize;
        let mut p = Profile::zeros(n_actors, len)?;
        for (a, c) in cumulative {
            p.check_actor(*a)?;
            if c.len() != years.len() {
                return Err(CostError::Length {
                    what: "the cumulative values".to_string(),
                    actor: Some(ActorRef::new(*a)),
                    expected: format!("{} (one per checkpoint year)", years.len()),
                    found: c.len(),
                });
            }
            if let Some(bad) = c.iter().find(|x| !x.is_finite()) {
                return Err(CostError::InvalidValue {
                    what: "a cumulative value".to_string(),
                    actor: Some(ActorRef::new(*a)),
                    valid: "a finite number of SEK",
                    value: *bad,
                });
            }
            let (mut y0, mut c0) = (0u32, 0.0f64);
            for (&y, &ci) in years.iter().zip(c) {
                if ci < c0 && !allow_decrease {
                    return Err(CostError::FallingCumulative {
                        actor: ActorRef::new(*a),
                        year_from: y0,
                        from: c0,
                        year_to: y,
                        to: ci,
                    });
                }
                let weight: f64 = (y0 + 1..=y).map(|t| d.factor(t)).sum();
                let amount = (ci - c0) / weight;
                for t in y0 + 1..=y {
                    p.data[(t as usize - 1) * n_actors + a.0] += amount;
                }
                (y0, c0) = (y, ci);
            }
        }
        Ok(p)
    }

    /// From quantities of catalogue items per year (years 1..=n, n ≤ `len`,
    /// none after), each × its unit price (SEK per unit), booked to the item's
    /// actor (model.md §2, resources).
    ///
    /// # Errors
    /// `EmptyProfile`, `UnknownItem`, `UnknownActor` (an item paid by an
    /// actor beyond `n_actors`), `Length`, `InvalidValue` as for
    /// [`Profile::from_annual`].
    pub fn from_resources(
        n_actors: usize,
        len: usize,
        catalogue: &Catalogue,
        quantities: &[(ItemId, Vec<f64>)],
    ) -> Result<Profile, CostError> {
        let mut p = Profile::zeros(n_actors, len)?;
        for (id, q) in quantities {
            let item = catalogue.get(*id).ok_or(CostError::UnknownItem(id.0))?;
            p.check_actor(item.actor)?;
            let q = per_year(
                q,
                len,
                || format!("the quantities of `{}`", item.name),
                None,
            )?;
            for (j, x) in q.iter().enumerate() {
                p.data[j * n_actors + item.actor.0] += x * item.unit_price;
            }
        }
        Ok(p)
    }

    /// K, the number of profile years.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a profile has at least one year.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of actors.
    pub fn n_actors(&self) -> usize {
        self.n_actors
    }

    /// SEK per year to actor `a` in profile year `j` (1-based); 0 outside 1..=K.
    pub fn cost(&self, j: usize, a: ActorId) -> f64 {
        if j == 0 || j > self.len || a.0 >= self.n_actors {
            return 0.0;
        }
        self.data[(j - 1) * self.n_actors + a.0]
    }

    /// All actors' SEK per year in profile year `j` (1-based, 1..=K), in
    /// actor order: one contiguous row, so booking a year vectorises.
    ///
    /// # Panics
    /// If `j` is 0 or beyond K, like slice indexing.
    pub fn row(&self, j: usize) -> &[f64] {
        &self.data[(j - 1) * self.n_actors..j * self.n_actors]
    }

    /// The whole table, profile years outer, actors inner.
    pub fn data(&self) -> &[f64] {
        &self.data
    }

    /// Every cell × `factor` (the profile's `scale`).
    pub fn scaled(&self, factor: f64) -> Profile {
        Profile {
            n_actors: self.n_actors,
            len: self.len,
            data: self.data.iter().map(|x| x * factor).collect(),
        }
    }

    /// Cumulative PV of one case from profile year 1, per actor, at each of
    /// `years`: `[actor][k]`. Years beyond K add nothing.
    pub fn cumulative_pv_at(&self, years: &[u32], d: &Discounting) -> Vec<Vec<f64>> {
        (0..self.n_actors)
            .map(|a| {
                years
                    .iter()
                    .map(|&y| {
                        (1..=(y as usize).min(self.len))
                            .map(|j| self.data[(j - 1) * self.n_actors + a] * d.factor(j as u32))
                            .sum()
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActorSet, CatalogueItem};

    /// The seed report's tables (Lundmark & Nilsson 2019; the project's copy is
    /// crates/cli/tests/data/seed_tables.csv), cumulative PV at 4 %.
    const PATRIK_YEARS: [u32; 5] = [1, 4, 10, 20, 30];
    const PATRIK: [(&str, [f64; 5]); 7] = [
        (
            "arbetsformedlingen",
            [0.0, 9246.0, 33004.0, 62055.0, 80014.0],
        ),
        (
            "forsakringskassan",
            [0.0, 86908.0, 382038.0, 711871.0, 894691.0],
        ),
        ("kommun", [0.0; 5]),
        ("region", [0.0, 24655.0, 88010.0, 165481.0, 213371.0]),
        ("rattsvasende", [0.0; 5]),
        ("ovriga", [0.0; 5]),
        (
            "produktionsvarde",
            [0.0, 186391.0, 837682.0, 1559559.0, 1955225.0],
        ),
    ];
    const SAMMY_YEARS: [u32; 6] = [1, 2, 5, 10, 12, 15];
    const SAMMY: [(&str, [f64; 6]); 7] = [
        (
            "arbetsformedlingen",
            [30000.0, 58846.0, 138897.0, 277420.0, 338830.0, 440684.0],
        ),
        (
            "forsakringskassan",
            [5833.0, 34519.0, 625793.0, 1637167.0, 1712618.0, 2277227.0],
        ),
        (
            "kommun",
            [
                155000.0, 304038.0, 717634.0, 1412725.0, 1711688.0, 2197511.0,
            ],
        ),
        (
            "region",
            [15033.0, 77565.0, 589898.0, 1544665.0, 1698783.0, 2318613.0],
        ),
        (
            "rattsvasende",
            [4833.0, 88327.0, 886510.0, 1406296.0, 1697477.0, 3266954.0],
        ),
        (
            "ovriga",
            [10667.0, 78615.0, 1244282.0, 2303764.0, 2363629.0, 5076885.0],
        ),
        (
            "produktionsvarde",
            [
                285000.0, 637885.0, 2697884.0, 5772504.0, 6484574.0, 8228100.0,
            ],
        ),
    ];

    fn check<const N: usize>(years: &[u32], table: &[(&str, [f64; N]); 7]) {
        let actors = ActorSet::default();
        let rows: Vec<(ActorId, Vec<f64>)> = table
            .iter()
            .map(|(a, v)| (actors.index_of(a).expect("default actor"), v.to_vec()))
            .collect();
        let p = Profile::from_checkpoints(7, years, &rows, 0.04, false).expect("valid table");
        assert_eq!(p.len(), *years.last().expect("years") as usize);
        let got = p.cumulative_pv_at(years, &Discounting::new(0.04).expect("rate"));
        for (a, (name, want)) in table.iter().enumerate() {
            for k in 0..N {
                assert!(
                    (got[a][k] - want[k]).abs() <= 0.5,
                    "{name} year {}: {} vs {}",
                    years[k],
                    got[a][k],
                    want[k]
                );
            }
        }
    }

    #[test]
    fn patrik_reproduces_the_report() {
        check(&PATRIK_YEARS, &PATRIK);
    }

    #[test]
    fn sammy_reproduces_the_report() {
        check(&SAMMY_YEARS, &SAMMY);
    }

    #[test]
    fn flat_costs_stay_flat() {
        // Sammy's employment-service cost is a flat 30 000 for years 1–5.
        let p = Profile::from_checkpoints(
            7,
            &SAMMY_YEARS,
            &[(ActorId(0), SAMMY[0].1.to_vec())],
            0.04,
            false,
        )
        .expect("valid");
        for j in 1..=5 {
            assert!(
                (p.cost(j, ActorId(0)) - 30000.0).abs() < 1.0,
                "year {j}: {}",
                p.cost(j, ActorId(0))
            );
        }
    }

    #[test]
    fn checkpoints_out_of_order() {
        let e = Profile::from_checkpoints(
            1,
            &[1, 5, 3],
            &[(ActorId(0), vec![1.0, 2.0, 3.0])],
            0.04,
            false,
        );
        assert_eq!(
            e,
            Err(CostError::CheckpointOrder {
                index: 2,
                year: 3,
                previous: Some(5)
            })
        );
        let e = Profile::from_checkpoints(1, &[0, 2], &[], 0.04, false);
        assert!(matches!(
            e,
            Err(CostError::CheckpointOrder { index: 0, .. })
        ));
    }

    #[test]
    fn falling_cumulative_needs_to_be_stated() {
        let rows = [(ActorId(0), vec![100.0, 200.0, 150.0])];
        let e = Profile::from_checkpoints(1, &[1, 2, 3], &rows, 0.04, false);
        assert!(matches!(
            e,
            Err(CostError::FallingCumulative {
                year_from: 2,
                year_to: 3,
                ..
            })
        ));
        let p = Profile::from_checkpoints(1, &[1, 2, 3], &rows, 0.04, true).expect("allowed");
        assert!(p.cost(3, ActorId(0)) < 0.0);
    }

    #[test]
    fn a_shorter_list_ends_the_cost_early() {
        let p = Profile::from_annual(
            2,
            3,
            &[
                (ActorId(0), vec![5.0, 7.0]),
                (ActorId(1), vec![1.0, 1.0, 1.0]),
            ],
        )
        .expect("valid");
        assert_eq!(p.len(), 3);
        assert_eq!(
            [
                p.cost(1, ActorId(0)),
                p.cost(2, ActorId(0)),
                p.cost(3, ActorId(0))
            ],
            [5.0, 7.0, 0.0]
        );
        assert_eq!(p.cost(3, ActorId(1)), 1.0);
    }

    #[test]
    fn wrong_lengths_and_rates() {
        let e = Profile::from_checkpoints(1, &[1, 2], &[(ActorId(0), vec![1.0])], 0.04, false);
        assert!(matches!(e, Err(CostError::Length { found: 1, .. })));
        let e = Profile::from_checkpoints(1, &[1, 2], &[], -0.04, false);
        assert_eq!(e, Err(CostError::InvalidRate(-0.04)));
        let e = Profile::from_annual(1, 3, &[(ActorId(0), vec![1.0, 2.0, 3.0, 4.0])]);
        assert!(matches!(e, Err(CostError::Length { found: 4, .. })));
        let e = Profile::from_annual(1, 3, &[(ActorId(0), vec![])]);
        assert!(matches!(e, Err(CostError::Length { found: 0, .. })));
        let e = Profile::from_annual(1, 3, &[(ActorId(3), vec![1.0])]);
        assert!(matches!(e, Err(CostError::UnknownActor { index: 3, .. })));
        assert_eq!(
            Profile::from_annual(1, 0, &[]),
            Err(CostError::EmptyProfile)
        );
    }

    #[test]
    fn resources_book_price_times_quantity_to_the_payer() {
        let mut cat = Catalogue::default();
        let day = cat
            .add(CatalogueItem {
                name: "prison_day".into(),
                unit_price: 3000.0,
                actor: ActorId(4),
                unit: "day".into(),
            })
            .expect("item");
        let p = Profile::from_resources(7, 2, &cat, &[(day, vec![365.0, 100.0])]).expect("valid");
        assert_eq!(p.cost(1, ActorId(4)), 1_095_000.0);
        assert_eq!(p.cost(2, ActorId(4)), 300_000.0);
        assert_eq!(p.cost(2, ActorId(0)), 0.0);
        assert_eq!(p.scaled(2.0).cost(2, ActorId(4)), 600_000.0);
    }
}
