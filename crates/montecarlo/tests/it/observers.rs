//! The observer seam and held inputs (docs/uncertainty.md, "Observers" and
//! "Held inputs").

use palett_montecarlo::{
    Block, InputSpace, McError, Method, Observe, Observed, Observer, SEGMENT_SAMPLES, run,
    run_observed,
};

use super::common::{Shadows, Toy, fingerprint, pools, settings, toy_inputs, toy_layout};

/// Records every (sample, inputs, outputs) it sees, and the order of
/// segment merges; only for small runs.
struct Recorder;

#[derive(Default)]
struct Seen {
    samples: Vec<u64>,
    rows: Vec<Vec<f64>>,
    values: Vec<Vec<f64>>,
    merges: usize,
}

impl Observer for Recorder {
    type State = Seen;
    fn new_state(&self) -> Seen {
        Seen::default()
    }
    fn observe(&self, state: &mut Seen, block: &Block<'_>) {
        let mut col = vec![0.0; block.len()];
        for c in 1..block.n_cells() {
            block.output_into(c, &mut col);
            for (k, v) in col.iter().enumerate() {
                assert_eq!(v.to_bits(), block.value(k, c).to_bits());
            }
        }
        block.output_into(0, &mut col);
        for (k, v) in col.iter().enumerate() {
            state.samples.push(block.first() + k as u64);
            state
                .rows
                .push((0..block.n_inputs()).map(|j| block.input(k, j)).collect());
            state
                .values
                .push((0..block.n_cells()).map(|c| block.value(k, c)).collect());
            assert_eq!(v.to_bits(), block.value(k, 0).to_bits());
        }
    }
    fn merge(&self, into: &mut Seen, later: Seen) {
        into.samples.extend(later.samples);
        into.rows.extend(later.rows);
        into.values.extend(later.values);
        into.merges += later.merges + 1;
    }
}

/// A streaming sum whose rounding depends on the order of folding, so any
/// change of order across thread counts would show.
struct Sum;

impl Observer for Sum {
    type State = (f64, u64);
    fn new_state(&self) -> (f64, u64) {
        (0.0, 0)
    }
    fn observe(&self, state: &mut (f64, u64), block: &Block<'_>) {
        for k in 0..block.len() {
            state.0 += block.value(k, 0) * block.input(k, 2) + 1e-3 * block.input(k, 0);
            state.1 += 1;
        }
    }
    fn merge(&self, into: &mut (f64, u64), later: (f64, u64)) {
        into.0 += later.0;
        into.1 += later.1;
    }
}

#[test]
fn observers_see_every_sample_once_in_order_with_its_inputs() {
    let inputs = toy_inputs();
    let layout = toy_layout();
    let s = settings(7, 3_000, Method::MonteCarlo);
    let mut seen = Observed::new(&Recorder);
    let summary = run_observed(&Toy, &inputs, &layout, &s, &|_| {}, &mut [&mut seen]).unwrap();
    let seen = seen.finish();
    assert_eq!(seen.samples, (0..3_000).collect::<Vec<_>>());
    // The inputs are the engine's own draws, the outputs what the model made
    // of them.
    let mut want = vec![0.0; 3_000 * inputs.len()];
    inputs.draw_samples(7, Method::MonteCarlo, 3_000, 0, &mut want);
    for (k, row) in seen.rows.iter().enumerate() {
        assert_eq!(
            row.as_slice(),
            &want[k * inputs.len()..(k + 1) * inputs.len()]
        );
        let mut rec = palett_montecarlo::SampleRecord::new(&layout);
        Toy.evaluate(row, &mut Vec::new(), &mut rec);
        let v = seen.values[k][0];
        assert_eq!(v.to_bits(), rec.scalar(0).unwrap().to_bits());
        let ratio = seen.values[k][1];
        assert_eq!(ratio.is_nan(), rec.scalar(1).is_none());
    }
    // Watching changes nothing.
    let plain = run(&Toy, &inputs, &layout, &s, &|_| {}).unwrap();
    assert_eq!(fingerprint(&summary), fingerprint(&plain));
}

use palett_montecarlo::Model as _;

#[test]
fn observers_see_twin_cells_values_as_the_model_made_them() {
    // The block buffer keeps one copy of values that twin cells share and
    // gives a follower its own slot in the block in which it parts: every
    // cell must still read as the model computed it, in every block.
    let inputs = toy_inputs();
    let (seed, n) = (11, 3 * SEGMENT_SAMPLES + 700);
    let s = settings(seed, n, Method::MonteCarlo);
    let mut rows = vec![0.0; n as usize * inputs.len()];
    inputs.draw_samples(seed, Method::MonteCarlo, n, 0, &mut rows);
    let p: Vec<f64> = rows.chunks(inputs.len()).map(|x| x[3]).collect();
    // `early` parts after the first block (in which the cells pair),
    // `late` after the first segment: both thresholds are the largest p
    // before then, so the first sample above them comes later.
    let max = |k: usize| p[..k].iter().copied().fold(f64::MIN, f64::max);
    let shadows = Shadows {
        only: None,
        early: max(2_000),
        late: max(SEGMENT_SAMPLES as usize + 1_500),
    };
    let first_above = |t: f64| p.iter().position(|&x| x > t);
    assert!(first_above(shadows.early).is_some_and(|k| k < SEGMENT_SAMPLES as usize));
    assert!(first_above(shadows.late).is_some());

    // P(best) reads the block too: `late` against `early`, both
    // followers of `v` until they part.
    let mut layout = shadows.layout();
    layout.contests.push(palett_montecarlo::Contest {
        name: "late or early".into(),
        members: vec![3, 2],
    });
    let mut seen = Observed::new(&Recorder);
    let summary = run_observed(&shadows, &inputs, &layout, &s, &|_| {}, &mut [&mut seen]).unwrap();
    let seen = seen.finish();
    assert_eq!(seen.samples.len() as u64, n);
    let mut wins = [0.0f64; 2];
    for (row, values) in seen.rows.iter().zip(&seen.values) {
        let mut rec = palett_montecarlo::SampleRecord::new(&layout);
        shadows.evaluate(row, &mut (), &mut rec);
        for (c, v) in values.iter().enumerate() {
            let want = rec.scalar(c).unwrap_or(f64::NAN);
            assert_eq!(v.to_bits(), want.to_bits(), "cell {}", Shadows::NAMES[c]);
        }
        // Ties split evenly (halves add exactly in any order).
        let (late, early) = (values[3], values[2]);
        match late.partial_cmp(&early) {
            Some(std::cmp::Ordering::Greater) => wins[0] += 1.0,
            Some(std::cmp::Ordering::Less) => wins[1] += 1.0,
            _ => (wins[0], wins[1]) = (wins[0] + 0.5, wins[1] + 0.5),
        }
    }
    let want: Vec<f64> = wins.iter().map(|w| w / n as f64).collect();
    assert_eq!(summary.contests[0], want);
}

#[test]
fn segments_fold_in_order_at_fixed_sample_counts() {
    let inputs = toy_inputs();
    let layout = toy_layout();
    let n = 2 * SEGMENT_SAMPLES + 100;
    let s = settings(1, n, Method::LatinHypercube);
    let mut seen = Observed::new(&Recorder);
    run_observed(&Toy, &inputs, &layout, &s, &|_| {}, &mut [&mut seen]).unwrap();
    let seen = seen.finish();
    assert_eq!(seen.samples.len() as u64, n);
    // Three segments: the first starts the total, the other two merge.
    assert_eq!(seen.merges, 2);
}

#[test]
fn observed_state_is_bit_identical_on_any_thread_count() {
    let inputs = toy_inputs();
    let layout = toy_layout();
    let s = settings(3, SEGMENT_SAMPLES + 5_000, Method::MonteCarlo);
    let results: Vec<(u64, u64)> = pools()
        .iter()
        .map(|pool| {
            pool.install(|| {
                let mut sum = Observed::new(&Sum);
                let mut obs: [&mut dyn Observe; 1] = [&mut sum];
                run_observed(&Toy, &inputs, &layout, &s, &|_| {}, &mut obs).unwrap();
                let (v, n) = sum.finish();
                (v.to_bits(), n)
            })
        })
        .collect();
    assert_eq!(results[0].1, s.samples);
    assert!(results.iter().all(|r| *r == results[0]), "{results:?}");
}

#[test]
fn held_inputs_stay_put_and_the_others_keep_their_draws() {
    let inputs = toy_inputs();
    let c = inputs.index_of("c").unwrap();
    let held = inputs.with_held(&[(c, 5.5)]).unwrap();
    assert_eq!(held.held(), &[(c, 5.5)]);
    for method in [Method::MonteCarlo, Method::LatinHypercube] {
        let n = 500;
        let mut plain = vec![0.0f64; n * inputs.len()];
        let mut fixed = vec![0.0f64; n * inputs.len()];
        inputs.draw_samples(11, method, n as u64, 0, &mut plain);
        held.draw_samples(11, method, n as u64, 0, &mut fixed);
        for (a, b) in plain
            .chunks_exact(inputs.len())
            .zip(fixed.chunks_exact(inputs.len()))
        {
            for j in 0..inputs.len() {
                if j == c {
                    assert_eq!(b[j], 5.5);
                } else {
                    assert_eq!(a[j].to_bits(), b[j].to_bits(), "input {j}");
                }
            }
        }
    }
    assert_eq!(held.central_values()[c], 5.5);
    // A run with the input held is the run of a model that ignores it.
    let s = settings(2, 2_000, Method::Central);
    let summary = run(&Toy, &held, &toy_layout(), &s, &|_| {}).unwrap();
    assert_eq!(summary.scalars[0].sd, Some(0.0));
}

#[test]
fn held_values_must_be_possible() {
    let inputs: InputSpace = toy_inputs();
    let p = inputs.index_of("p").unwrap();
    let d = inputs.index_of("d").unwrap();
    assert_eq!(
        inputs.with_held(&[(99, 1.0)]).unwrap_err(),
        McError::HeldIndex {
            index: 99,
            inputs: inputs.len()
        }
    );
    assert_eq!(
        inputs.with_held(&[(p, 0.2), (p, 0.3)]).unwrap_err(),
        McError::HeldTwice("p".into())
    );
    let e = inputs.with_held(&[(p, 1.5)]).unwrap_err().to_string();
    assert!(
        e.contains("`p` cannot be held at 1.5") && e.contains("[0, 1]"),
        "{e}"
    );
    let e = inputs.with_held(&[(d, 1.5)]).unwrap_err().to_string();
    assert!(e.contains("one of 1, 2"), "{e}");
    assert!(inputs.with_held(&[(p, f64::NAN)]).is_err());
    assert!(inputs.with_held(&[(d, 2.0), (p, 0.0)]).is_ok());
}

#[test]
fn input_bins_are_equiprobable_and_coarsen_to_the_coarse_bins() {
    use palett_montecarlo::stats::sensitivity::QuantileBins;
    let inputs = toy_inputs();
    for (i, d) in inputs.distributions().iter().enumerate() {
        if d.is_fixed() {
            continue;
        }
        let fine = inputs.quantile_bins(i, 256);
        assert_eq!(fine.len(), 256);
        let coarse = fine.coarsen(8);
        assert_eq!(coarse.len(), 32);
        let exact = QuantileBins::of_distribution(d, 32);
        // The prepared quantile function is tabulated: equal to within
        // rounding, so no sample lands in a different bin beyond an edge.
        for k in 1..32 {
            let u = k as f64 / 32.0;
            let x = d.inverse_cdf(u);
            let (lo, hi) = (x - 1e-9 * x.abs().max(1.0), x + 1e-9 * x.abs().max(1.0));
            assert!(coarse.bin(lo) <= exact.bin(hi) && exact.bin(lo) <= coarse.bin(hi));
        }
    }
}

/// A part of a run (segments `range`) as its segments' statistics and its
/// observer's segment states.
fn part(
    s: &palett_montecarlo::RunSettings,
    range: std::ops::Range<u64>,
) -> (Vec<palett_montecarlo::Partial>, Vec<(f64, u64)>) {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    let mut segs = Vec::new();
    let mut sum = palett_montecarlo::Segmented::new(&Sum);
    let mut obs: [&mut dyn Observe; 1] = [&mut sum];
    palett_montecarlo::run_segments(
        &Toy,
        &inputs,
        &layout,
        s,
        range,
        &|_| {},
        &mut obs,
        &mut |_, p| segs.push(p),
    )
    .expect("the part runs");
    (segs, sum.finish())
}

#[test]
fn parts_merged_in_order_equal_the_whole_run_bit_for_bit() {
    let layout = toy_layout();
    let s = settings(11, 3 * SEGMENT_SAMPLES + 777, Method::LatinHypercube);
    let n = palett_montecarlo::segment_count(s.samples);
    assert_eq!(n, 4);
    let mut whole = Observed::new(&Sum);
    let want = run_observed(&Toy, &toy_inputs(), &layout, &s, &|_| {}, &mut [&mut whole]).unwrap();
    let want_sum = whole.finish();
    // Parts of 0, 1 and 3 segments, run in reverse order, as on machines
    // that finish in any order.
    let ranges = [0..1, 1..1, 1..4];
    let mut parts: Vec<_> = ranges.iter().rev().map(|r| part(&s, r.clone())).collect();
    parts.reverse();
    let mut total = palett_montecarlo::Partial::new(&layout);
    let mut sum: Option<(f64, u64)> = None;
    for (segs, states) in parts {
        for p in segs {
            total.merge(p);
        }
        for st in states {
            match sum.as_mut() {
                None => sum = Some(st),
                Some(t) => Sum.merge(t, st),
            }
        }
    }
    let got = palett_montecarlo::summarise_partial(&layout, &total, false);
    assert_eq!(fingerprint(&got), fingerprint(&want));
    let got_sum = sum.unwrap();
    assert_eq!(
        (got_sum.0.to_bits(), got_sum.1),
        (want_sum.0.to_bits(), want_sum.1)
    );
}

#[test]
fn merging_segments_in_groups_equals_merging_them_one_by_one() {
    let layout = toy_layout();
    let s = settings(5, 6 * SEGMENT_SAMPLES + 123, Method::MonteCarlo);
    let (segs, _) = part(&s, 0..palett_montecarlo::segment_count(s.samples));
    assert_eq!(segs.len(), 7);
    let mut one_by_one = palett_montecarlo::Partial::new(&layout);
    for p in segs.clone() {
        one_by_one.merge(p);
    }
    // Groups of several, of one, and with an empty statistics among them.
    let mut grouped = palett_montecarlo::Partial::new(&layout);
    grouped.merge_all(&segs[..4]);
    grouped.merge_all(&[palett_montecarlo::Partial::new(&layout)]);
    grouped.merge_all(&segs[4..5]);
    grouped.merge_all(&[]);
    grouped.merge_all(&segs[5..]);
    assert_eq!(grouped, one_by_one);
    assert_eq!(
        fingerprint(&palett_montecarlo::summarise_partial(
            &layout, &grouped, false
        )),
        fingerprint(&palett_montecarlo::summarise_partial(
            &layout,
            &one_by_one,
            false
        ))
    );
}

#[test]
fn a_part_refuses_a_stop_rule_and_segments_beyond_the_run() {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    let s = settings(1, 5_000, Method::MonteCarlo);
    let beyond = palett_montecarlo::run_segments(
        &Toy,
        &inputs,
        &layout,
        &s,
        0..3,
        &|_| {},
        &mut [],
        &mut |_, _| {},
    );
    assert!(matches!(beyond, Err(McError::Settings(_))));
}

/// Folds parts cut at `cuts` (segment indices) of the run `s`.
fn merged_parts(s: &palett_montecarlo::RunSettings, cuts: &[u64]) -> palett_montecarlo::RunSummary {
    let layout = toy_layout();
    let count = palett_montecarlo::segment_count(s.samples);
    let mut bounds: Vec<u64> = cuts.iter().map(|c| c % (count + 1)).collect();
    bounds.extend([0, count]);
    bounds.sort_unstable();
    let mut total = palett_montecarlo::Partial::new(&layout);
    for w in bounds.windows(2) {
        for p in part(s, w[0]..w[1]).0 {
            total.merge(p);
        }
    }
    palett_montecarlo::summarise_partial(&layout, &total, false)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 10, ..Default::default() })]

    /// However a run is cut into parts, its parts merged in order give the
    /// one-machine summary bit for bit.
    #[test]
    fn any_split_merges_into_the_whole_run(
        seed in 0u64..1_000,
        samples in 1u64..(5 * SEGMENT_SAMPLES),
        cuts in proptest::collection::vec(0u64..6, 0..4),
        lhs in proptest::bool::ANY,
    ) {
        let method = if lhs { Method::LatinHypercube } else { Method::MonteCarlo };
        let s = settings(seed, samples, method);
        let whole = run(&Toy, &toy_inputs(), &toy_layout(), &s, &|_| {}).expect("runs");
        proptest::prop_assert_eq!(fingerprint(&merged_parts(&s, &cuts)), fingerprint(&whole));
    }
}
