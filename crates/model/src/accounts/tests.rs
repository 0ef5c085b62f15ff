//! The accounts of a three-year toy case, checked against values computed
//! by hand (model.md §6).
//!
//! Discount rate 10 %, so d = 1, 1/1.1, 1/1.21; budget period N = 2.
//! Baseline cost: kommun 100 a year, region 50 a year. With the mix:
//! kommun 100, 40, 40 (it invests 80 in year 1), region 50, 30, 30 (it gains
//! without investing).

use palett_montecarlo::SampleRecord;

use super::*;
use crate::layout::{MixSlots, plan};
use crate::metric::Measure;
use crate::testing::toy;

const KOMMUN: usize = 2;
const REGION: usize = 3;
const N_ACTORS: usize = 7;
const TOTAL: usize = N_ACTORS;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn per_year(kommun: [f64; 3], region: [f64; 3]) -> Vec<f64> {
    let mut v = vec![0.0; 3 * N_ACTORS];
    for t in 0..3 {
        v[t * N_ACTORS + KOMMUN] = kommun[t];
        v[t * N_ACTORS + REGION] = region[t];
    }
    v
}

struct Booked {
    record: SampleRecord,
    mix: MixSlots,
    base: MixSlots,
}

impl Booked {
    fn get(&self, q: Quantity, key: usize) -> Option<f64> {
        self.record.scalar(self.mix.scalar(q)[key].index())
    }
}

/// Books the toy mix; `budget` is N.
fn book(budget: usize) -> Booked {
    let s = toy(3, 0.1, budget as u32, &[("kommun", 80.0)]);
    let p = plan(&s);
    let shape = Shape {
        horizon: 3,
        actors: N_ACTORS,
        budget_period: budget,
    };
    let d = [1.0, 1.0 / 1.1, 1.0 / 1.21];
    let base_cost = per_year([100.0; 3], [50.0; 3]);
    let mix_cost = per_year([100.0, 40.0, 40.0], [50.0, 30.0, 30.0]);
    let invest = per_year([80.0, 0.0, 0.0], [0.0; 3]);
    let no_area = AreaValues {
        by_actor: vec![0.0; 3 * N_ACTORS],
        by_class: vec![[0.0; 3]; 3],
    };
    let mut record = SampleRecord::new(&p.layout);
    let mut buf = Buffers::default();
    baseline(shape, &p.mixes[0], &d, &base_cost, &mut buf, &mut record);
    let m = MixAccounts {
        slots: &p.mixes[1],
        d: &d,
        base_cost: &base_cost,
        mix_cost: &mix_cost,
        invest: &invest,
        base_area: &no_area,
        mix_area: &no_area,
    };
    write(shape, &m, &mut buf, &mut record);
    Booked {
        record,
        mix: p.mixes[1].clone(),
        base: p.mixes[0].clone(),
    }
}

#[test]
fn npv_per_actor_and_in_total() {
    let b = book(2);
    let npv = |k| b.get(Quantity::Npv, k).expect("defined");
    // kommun: −80 + 60/1.1 + 60/1.21
    assert!(close(npv(KOMMUN), 24.132_231_404_958_68), "{}", npv(KOMMUN));
    // region: 20/1.1 + 20/1.21
    assert!(close(npv(REGION), 34.710_743_801_652_89), "{}", npv(REGION));
    // total: −80 + 80/1.1 + 80/1.21
    assert!(close(npv(TOTAL), 58.842_975_206_611_57), "{}", npv(TOTAL));
    assert_eq!(npv(0), 0.0);
}

#[test]
fn present_values_of_the_three_streams() {
    let b = book(2);
    let pv = |q, k| b.get(q, k).expect("defined");
    assert!(close(
        pv(Quantity::PvBaselineCost, TOTAL),
        150.0 + 150.0 / 1.1 + 150.0 / 1.21
    ));
    assert!(close(
        pv(Quantity::PvBaselineCost, KOMMUN),
        100.0 + 100.0 / 1.1 + 100.0 / 1.21
    ));
    assert_eq!(pv(Quantity::PvInvestment, TOTAL), 80.0);
    assert_eq!(pv(Quantity::PvInvestment, REGION), 0.0);
    assert!(close(
        pv(Quantity::PvAvoided, TOTAL),
        80.0 / 1.1 + 80.0 / 1.21
    ));
    assert!(close(
        pv(Quantity::PvAvoided, REGION),
        20.0 / 1.1 + 20.0 / 1.21
    ));
}

#[test]
fn benefit_cost_ratio() {
    let b = book(2);
    // (80/1.1 + 80/1.21) / 80
    let bcr = b.get(Quantity::Bcr, 0).expect("defined");
    assert!(close(bcr, 1.0 / 1.1 + 1.0 / 1.21), "{bcr}");
}

#[test]
fn payback_years() {
    let b = book(2);
    // Cumulative net, total: −80, −7.27, 58.84: pays back in year 3.
    assert_eq!(b.get(Quantity::PaybackYear, TOTAL), Some(3.0));
    // kommun: −80, −25.45, 24.13: year 3.
    assert_eq!(b.get(Quantity::PaybackYear, KOMMUN), Some(3.0));
    // region invests nothing: no payback year.
    assert_eq!(b.get(Quantity::PaybackYear, REGION), None);
    assert_eq!(b.get(Quantity::PaybackYear, 0), None);
}

#[test]
fn first_gain_year_for_every_actor_and_whether_it_invests() {
    let b = book(2);
    // region invests nothing but avoids 20 a year from year 2: it gains
    // from year 2, where it has no payback year.
    assert_eq!(b.get(Quantity::FirstGainYear, REGION), Some(2.0));
    assert_eq!(b.get(Quantity::FirstGainYear, KOMMUN), Some(3.0));
    assert_eq!(b.get(Quantity::FirstGainYear, TOTAL), Some(3.0));
    assert_eq!(b.get(Quantity::Invests, KOMMUN), Some(1.0));
    assert_eq!(b.get(Quantity::Invests, REGION), Some(0.0));
}

#[test]
fn an_actors_payback_statistics_describe_the_samples_in_which_it_invests() {
    let s = toy(3, 0.1, 2, &[("kommun", 80.0)]);
    let p = plan(&s);
    for mix in &p.mixes {
        let paybacks = mix.scalar(Quantity::PaybackYear);
        let invests = mix.scalar(Quantity::Invests);
        for a in 0..N_ACTORS {
            let spec = &p.layout.scalars[paybacks[a].index()];
            assert_eq!(spec.given, Some(invests[a].index()), "{}", spec.name);
        }
        // The total counts a mix that invests nothing as never.
        assert_eq!(p.layout.scalars[paybacks[TOTAL].index()].given, None);
    }
}

#[test]
fn recovery_within_the_budget_period() {
    let actor = |b: &Booked, k| b.get(Quantity::RecoversInBudget, k);
    // N = 2: kommun pays back in year 3, too late; region gains without
    // investing (cumulative net 18.18 ≥ 0 at year 2); an actor with no
    // money at all has cumulative net 0 ≥ 0.
    let b = book(2);
    assert_eq!(actor(&b, KOMMUN), Some(0.0));
    assert_eq!(actor(&b, REGION), Some(1.0));
    assert_eq!(actor(&b, 0), Some(1.0));
    // N = 3: kommun recovers in year 3.
    let b = book(3);
    assert_eq!(actor(&b, KOMMUN), Some(1.0));
}

#[test]
fn by_year_series() {
    let b = book(2);
    let series = |slots: &MixSlots, m: Measure, k: usize| {
        let slot = slots.series(m)[k].expect("tracked");
        b.record.series(slot.index()).to_vec()
    };
    let cum = series(&b.mix, Measure::CumNetPv, TOTAL);
    assert_eq!(cum[0], -80.0);
    assert!(close(cum[1], -80.0 + 80.0 / 1.1));
    assert!(close(cum[2], 58.842_975_206_611_57));
    assert_eq!(
        series(&b.mix, Measure::Investment, KOMMUN),
        [80.0, 0.0, 0.0]
    );
    assert_eq!(series(&b.mix, Measure::Avoided, REGION), [0.0, 20.0, 20.0]);
    // The baseline's cumulative PV is tracked once, under do-nothing.
    let base = series(&b.base, Measure::CumBaselinePv, TOTAL);
    assert!(close(base[2], 150.0 + 150.0 / 1.1 + 150.0 / 1.21));
    assert_eq!(
        b.mix.series(Measure::CumBaselinePv),
        b.base.series(Measure::CumBaselinePv)
    );
    // Region is charged nothing by the mix: its investment is not tracked.
    assert_eq!(b.mix.series(Measure::Investment)[REGION], None);
}
