//! Engine behaviour: common random numbers, P(best), missing values, stop
//! rule, progress, base case, settings errors (model.md §7).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use palett_montecarlo::{
    Contest, Distribution, InputSpace, McError, Method, Missing, Model, OutputLayout, RunSettings,
    SampleRecord, SeriesSpec, StopRule, block_size, run,
};

use super::common::{Shadows, Toy, pools, scalar, settings, toy_inputs, toy_layout};

/// Two identical alternatives and their difference.
struct Twins {
    nonzero_difference: AtomicBool,
}

impl Model for Twins {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        let npv = |x: &[f64]| x[0] * x[1] - x[2];
        let (a, b) = (npv(x), npv(x));
        if a - b != 0.0 {
            self.nonzero_difference.store(true, Ordering::Relaxed);
        }
        out.set_scalar(0, Some(a));
        out.set_scalar(1, Some(b));
        out.set_scalar(2, Some(a - b));
    }
}

#[test]
fn identical_alternatives_differ_by_exactly_zero_and_split_best() {
    let inputs = toy_inputs();
    let layout = OutputLayout {
        scalars: vec![
            scalar("a", Missing::Skip),
            scalar("b", Missing::Skip),
            scalar("diff", Missing::Skip),
        ],
        series: vec![],
        contests: vec![Contest {
            name: "best".into(),
            members: vec![0, 1],
        }],
    };
    let model = Twins {
        nonzero_difference: AtomicBool::new(false),
    };
    for method in [Method::MonteCarlo, Method::LatinHypercube] {
        let s = pools()[1]
            .install(|| {
                run(
                    &model,
                    &inputs,
                    &layout,
                    &settings(5, 10_001, method),
                    &|_| {},
                )
            })
            .expect("runs");
        assert!(!model.nonzero_difference.load(Ordering::Relaxed));
        let d = &s.scalars[2];
        assert_eq!(
            (d.mean, d.sd, d.p5, d.p50, d.p95),
            (Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(0.0))
        );
        assert_eq!(d.p_positive, 0.0);
        assert_eq!(s.contests, vec![vec![0.5, 0.5]]);
        assert_eq!(s.scalars[0], s.scalars[1]);
    }
}

/// An actor that invests when p > 0.3 and, having invested, pays back in
/// year ⌊20p⌋ when p < 0.5: its payback year, over the samples in which it
/// invests and over all.
struct Investor;

impl Model for Investor {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        let p = x[3];
        let year = (p > 0.3 && p < 0.5).then(|| (p * 20.0).floor());
        out.set_scalar(0, Some(if p > 0.3 { 1.0 } else { 0.0 }));
        out.set_scalar(1, year);
        out.set_scalar(2, year);
    }
}

#[test]
fn a_given_scalar_restricts_the_population() {
    let inputs = toy_inputs();
    let mut given = scalar("payback | invests", Missing::BeyondRange);
    given.given = Some(0);
    let layout = OutputLayout {
        scalars: vec![
            scalar("invests", Missing::Skip),
            given,
            scalar("payback", Missing::BeyondRange),
        ],
        series: vec![],
        contests: vec![],
    };
    let n = 20_000;
    let s = run(
        &Investor,
        &inputs,
        &layout,
        &settings(3, n, Method::MonteCarlo),
        &|_| {},
    )
    .expect("runs");
    let (invests, cond, all) = (&s.scalars[0], &s.scalars[1], &s.scalars[2]);
    // The population is the investing samples, counted exactly.
    assert_eq!(all.population, n);
    assert_eq!(
        cond.population as f64,
        (invests.p_positive * n as f64).round()
    );
    assert_eq!(cond.n_defined, all.n_defined);
    assert_eq!(
        cond.share_defined,
        cond.n_defined as f64 / cond.population as f64
    );
    // p ~ Beta(2, 3): P(0.3 < p < 0.5) = 0.3392, P(p > 0.3) = 0.6517.
    assert!((all.share_defined - 0.3392).abs() < 0.02, "{all:?}");
    assert!((cond.share_defined - 0.5205).abs() < 0.02, "{cond:?}");
    // Over investors more than half pay back, so the median is a year;
    // over all samples it is "never".
    assert!(cond.p50.is_some() && cond.p75.is_none(), "{cond:?}");
    assert!(all.p25.is_some() && all.p50.is_none(), "{all:?}");
    // Mean and sd are over the defined values either way.
    assert_eq!((cond.mean, cond.sd), (all.mean, all.sd));
}

#[test]
fn missing_values_follow_their_rule() {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    let s = run(
        &Toy,
        &inputs,
        &layout,
        &settings(3, 20_000, Method::MonteCarlo),
        &|_| {},
    )
    .expect("runs");
    assert_eq!(s.samples, 20_000);
    // ratio: defined when p > 0.3 (Beta(2,3): P ≈ 0.652); skipped otherwise.
    let ratio = &s.scalars[1];
    assert!(
        (ratio.share_defined - 0.6517).abs() < 0.02,
        "{}",
        ratio.share_defined
    );
    assert!(ratio.p5.is_some() && ratio.p95.is_some());
    // year: defined when p < 0.5 (P ≈ 0.6875); beyond range otherwise, so
    // percentiles above the defined share are None.
    let year = &s.scalars[2];
    assert!(
        (year.share_defined - 0.6875).abs() < 0.02,
        "{}",
        year.share_defined
    );
    assert!(year.p50.is_some());
    assert_eq!((year.p75, year.p95), (None, None));
    assert_eq!(year.n_defined as f64 / 20_000.0, year.share_defined);
    assert!(year.mean.is_some_and(|m| m < 10.0));
    // Series bands are ordered and P(best) sums to 1.
    assert_eq!(s.series[0].len(), 7);
    for b in &s.series[0] {
        assert!(b.p5 <= b.p50 && b.p50 <= b.p95, "{b:?}");
    }
    assert!((s.contests[0].iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn stop_rule_stops_at_a_block_boundary_or_at_the_maximum() {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    let block = block_size(layout.cells());
    let stop = |target: f64| RunSettings {
        seed: 11,
        samples: 0,
        method: Method::MonteCarlo,
        stop: Some(StopRule {
            target_se: target,
            watch: vec![0],
            max_samples: 50_000,
        }),
    };
    let loose = run(&Toy, &inputs, &layout, &stop(0.2), &|_| {}).expect("runs");
    assert!(loose.stopped_early);
    assert_eq!(loose.samples % block, 0);
    assert!(loose.scalars[0].se.is_some_and(|se| se < 0.2));
    let tight = run(&Toy, &inputs, &layout, &stop(1e-6), &|_| {}).expect("runs");
    assert!(!tight.stopped_early);
    assert_eq!(tight.samples, 50_000);
}

#[test]
fn progress_reports_every_block_in_order() {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    let seen = Mutex::new(Vec::new());
    let n = 5_000;
    run(
        &Toy,
        &inputs,
        &layout,
        &settings(1, n, Method::MonteCarlo),
        &|p| {
            seen.lock().expect("lock").push(p);
        },
    )
    .expect("runs");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((n, n)));
    assert!(seen.windows(2).all(|w| w[0].done < w[1].done));
}

#[test]
fn central_method_evaluates_the_base_case() {
    let inputs = InputSpace::new(
        vec![
            (
                "a".into(),
                Distribution::Pert {
                    min: 0.0,
                    mode: 2.0,
                    max: 9.0,
                },
            ),
            (
                "b".into(),
                Distribution::LogNormal {
                    mu: 0.0,
                    sigma: 1.0,
                },
            ),
        ],
        &[],
    )
    .expect("valid");
    struct Sum;
    impl Model for Sum {
        type Scratch = ();
        fn new_scratch(&self) {}
        fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
            out.set_scalar(0, Some(x[0] + x[1]));
        }
    }
    let layout = OutputLayout {
        scalars: vec![scalar("sum", Missing::Skip)],
        ..Default::default()
    };
    let s = run(
        &Sum,
        &inputs,
        &layout,
        &settings(0, 1, Method::Central),
        &|_| {},
    )
    .expect("runs");
    assert_eq!(s.scalars[0].mean, Some(3.0));
    assert_eq!(s.scalars[0].p50, Some(3.0));
    assert_eq!(s.scalars[0].sd, None);
}

#[test]
fn bad_settings_are_errors() {
    let (inputs, mut layout) = (toy_inputs(), toy_layout());
    let e = run(
        &Toy,
        &inputs,
        &layout,
        &settings(0, 0, Method::MonteCarlo),
        &|_| {},
    )
    .unwrap_err();
    assert!(matches!(e, McError::Settings(_)));
    let mut s = settings(0, 10, Method::MonteCarlo);
    s.stop = Some(StopRule {
        target_se: 1.0,
        watch: vec![9],
        max_samples: 10,
    });
    assert!(
        run(&Toy, &inputs, &layout, &s, &|_| {})
            .unwrap_err()
            .to_string()
            .contains("scalar 9")
    );
    layout.contests[0].members.push(42);
    assert!(
        run(
            &Toy,
            &inputs,
            &layout,
            &settings(0, 10, Method::MonteCarlo),
            &|_| {}
        )
        .is_err()
    );
}

#[test]
fn latin_hypercube_beats_monte_carlo_on_a_smooth_model() {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    // Spread of the estimated mean over seeds: LHS should be much tighter.
    let spread = |method| {
        let means: Vec<f64> = (0..12)
            .map(|seed| {
                run(
                    &Toy,
                    &inputs,
                    &layout,
                    &settings(seed, 2_000, method),
                    &|_| {},
                )
                .expect("runs")
                .scalars[3]
                    .mean
                    .expect("mean")
            })
            .collect();
        let m = means.iter().sum::<f64>() / means.len() as f64;
        means.iter().map(|x| (x - m).powi(2)).sum::<f64>()
    };
    assert!(spread(Method::LatinHypercube) < 0.5 * spread(Method::MonteCarlo));
}

/// Cell c of a series holds x + c, and undefined (NaN) in every 5th sample
/// for odd c; one scalar is the same x.
struct Shifted;

impl Model for Shifted {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        out.set_scalar(0, Some(x[0]));
        let hole = x[1] < 0.2;
        for (c, v) in out.series_mut(0).iter_mut().enumerate() {
            *v = if hole && c % 2 == 1 {
                f64::NAN
            } else {
                x[0] + c as f64
            };
        }
    }
}

/// The block is transposed into per-cell columns in groups of samples and
/// summarised in tiles of cells; with a layout of several tiles (the last
/// partial) and a sample count that ends mid-group, every cell must still
/// see exactly its own values, in sample order, on any thread count.
#[test]
fn wide_layouts_keep_each_cells_values_apart() {
    let inputs = InputSpace::new(
        vec![
            ("x".into(), Distribution::Normal { mean: 5.0, sd: 1.0 }),
            ("u".into(), Distribution::Uniform { lo: 0.0, hi: 1.0 }),
        ],
        &[],
    )
    .expect("valid");
    let cells = 150;
    let layout = OutputLayout {
        scalars: vec![scalar("x", Missing::Skip)],
        series: vec![SeriesSpec {
            name: "shifted".into(),
            len: cells,
        }],
        ..Default::default()
    };
    let n = 2_500u64;
    let s = settings(3, n, Method::MonteCarlo);
    let runs: Vec<_> = pools()
        .iter()
        .map(|p| {
            p.install(|| palett_montecarlo::run(&Shifted, &inputs, &layout, &s, &|_| {}))
                .expect("runs")
        })
        .collect();
    assert!(
        runs.iter()
            .all(|r| format!("{r:?}") == format!("{:?}", runs[0]))
    );
    let r = &runs[0];
    let mut xs = vec![0.0; 2 * n as usize];
    inputs.draw_samples(3, Method::MonteCarlo, n, 0, &mut xs);
    let (mut all, mut holed): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    for x in xs.chunks_exact(2) {
        all.push(x[0]);
        if x[1] >= 0.2 {
            holed.push(x[0]);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!((r.scalars[0].mean.expect("mean") - mean(&all)).abs() < 1e-12);
    for (c, band) in r.series[0].iter().enumerate() {
        let base = if c % 2 == 1 { mean(&holed) } else { mean(&all) };
        assert!(
            (band.mean - (base + c as f64)).abs() < 1e-9,
            "cell {c}: mean {} expected {}",
            band.mean,
            base + c as f64
        );
        assert!(
            band.p5 < band.p50 && band.p50 < band.p95,
            "cell {c}: {band:?}"
        );
    }
    // Even cells hold the same draws shifted by c, so their medians shift too
    // (up to rounding of x + c).
    let p50 = r.series[0][0].p50;
    for c in (0..cells).step_by(2) {
        assert!(
            (r.series[0][c].p50 - (p50 + c as f64)).abs() < 1e-9,
            "cell {c}"
        );
    }
}

/// x, except infinite where x > 0.999.
struct Overflows;

impl Model for Overflows {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        out.set_scalar(0, Some(if x[0] > 0.999 { f64::INFINITY } else { x[0] }));
    }
}

/// A scalar that turns infinite names the first sample where it did, the
/// same on any thread count; a finite one names none.
#[test]
fn first_non_finite_sample_is_reported() {
    let inputs = InputSpace::new(
        vec![("u".into(), Distribution::Uniform { lo: 0.0, hi: 1.0 })],
        &[],
    )
    .expect("valid");
    let layout = OutputLayout {
        scalars: vec![scalar("x", Missing::Skip)],
        ..Default::default()
    };
    let n = 20_000u64;
    let s = settings(11, n, Method::MonteCarlo);
    let mut xs = vec![0.0; n as usize];
    inputs.draw_samples(11, Method::MonteCarlo, n, 0, &mut xs);
    let want = xs.iter().position(|&x| x > 0.999).map(|i| i as u64);
    assert!(want.is_some(), "the seed draws some u > 0.999");
    for p in pools() {
        let r = p
            .install(|| run(&Overflows, &inputs, &layout, &s, &|_| {}))
            .expect("runs");
        assert_eq!(r.scalars[0].first_non_finite, want);
    }
    let finite = run(&Shifted, &inputs_two(), &shifted_layout(), &s, &|_| {}).expect("runs");
    assert_eq!(finite.scalars[0].first_non_finite, None);
}

fn inputs_two() -> InputSpace {
    InputSpace::new(
        vec![
            ("x".into(), Distribution::Normal { mean: 5.0, sd: 1.0 }),
            ("u".into(), Distribution::Uniform { lo: 0.0, hi: 1.0 }),
        ],
        &[],
    )
    .expect("valid")
}

fn shifted_layout() -> OutputLayout {
    OutputLayout {
        scalars: vec![scalar("x", Missing::Skip)],
        series: vec![SeriesSpec {
            name: "shifted".into(),
            len: 3,
        }],
        ..Default::default()
    }
}

/// Asserts that every cell of `Shadows` summarises over `settings` exactly
/// as when it is the model's only output.
fn assert_each_as_alone(early: f64, late: f64, settings: &RunSettings) {
    let inputs = toy_inputs();
    let all = Shadows {
        only: None,
        early,
        late,
    };
    let together = run(&all, &inputs, &all.layout(), settings, &|_| {}).expect("runs");
    for k in 0..Shadows::NAMES.len() {
        let one = Shadows {
            only: Some(k),
            ..all
        };
        let alone = run(&one, &inputs, &one.layout(), settings, &|_| {}).expect("runs");
        assert_eq!(
            format!("{:?}", together.scalars[k]),
            format!("{:?}", alone.scalars[0]),
            "{} over {} samples",
            Shadows::NAMES[k],
            settings.samples
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    #[test]
    fn cells_equal_to_others_summarise_as_alone_whenever_they_part(
        seed in proptest::prelude::any::<u64>(),
        samples in 1u64..20_000,
        early in 0.5f64..1.0,
        late in 0.5f64..1.0,
    ) {
        assert_each_as_alone(early, late, &settings(seed, samples, Method::LatinHypercube));
    }
}

#[test]
fn cells_equal_to_others_summarise_exactly_as_alone() {
    // The engine summarises a cell whose values equal an earlier cell's
    // only once; every cell must still come out as if it were the only one.
    let inputs = toy_inputs();
    let all = Shadows::all();
    let watching = |k: usize, samples: u64| RunSettings {
        stop: Some(StopRule {
            target_se: 0.08,
            watch: vec![k],
            max_samples: samples,
        }),
        ..settings(5, samples, Method::MonteCarlo)
    };
    for samples in [1_000, 30_000] {
        assert_each_as_alone(0.9, 0.95, &settings(5, samples, Method::MonteCarlo));
    }
    // A stop rule reads its watched scalar's running moments after every
    // block, including those of a cell equal to an earlier one.
    let together = run(&all, &inputs, &all.layout(), &watching(1, 30_000), &|_| {}).expect("runs");
    let one = Shadows {
        only: Some(1),
        ..all
    };
    let alone = run(&one, &inputs, &one.layout(), &watching(0, 30_000), &|_| {}).expect("runs");
    assert!(
        together.stopped_early && (8_192..30_000).contains(&together.samples),
        "{together:?}"
    );
    assert_eq!(together.samples, alone.samples);
    assert_eq!(
        format!("{:?}", together.scalars[1]),
        format!("{:?}", alone.scalars[0])
    );
}

#[test]
fn twin_cells_in_a_run_split_into_parts_merge_to_the_whole_run() {
    // Parts hand over complete segments; the one-machine run shares its
    // twins' totals. Both must give the same bits, whichever segment the
    // cells part in (p > 0.95 first happens well into the run).
    let inputs = toy_inputs();
    let model = Shadows::all();
    let layout = model.layout();
    let s = settings(5, 30_000, Method::LatinHypercube);
    let whole = run(&model, &inputs, &layout, &s, &|_| {}).expect("runs");
    let n = palett_montecarlo::segment_count(s.samples);
    assert!(n > 3);
    let mut total = palett_montecarlo::Partial::new(&layout);
    for range in [0..1, 1..3, 3..n] {
        palett_montecarlo::run_segments(
            &model,
            &inputs,
            &layout,
            &s,
            range,
            &|_| {},
            &mut [],
            &mut |_, p| total.merge(p),
        )
        .expect("the part runs");
    }
    let merged = palett_montecarlo::summarise_partial(&layout, &total, false);
    assert_eq!(format!("{whole:?}"), format!("{merged:?}"));
}
