//! Same seed, same results — bit for bit — on 1, 2 and 8 threads, and when
//! nested inside other rayon work (model.md §7, "Reproducibility").

use palett_montecarlo::{Method, RunSettings, StopRule, run};
use proptest::prelude::*;
use rayon::prelude::*;

use super::common::{Toy, fingerprint, pools, settings, toy_inputs, toy_layout};

fn on_all_pools(s: &RunSettings) -> Vec<String> {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    pools()
        .iter()
        .map(|p| {
            fingerprint(
                &p.install(|| run(&Toy, &inputs, &layout, s, &|_| {}))
                    .expect("runs"),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn bit_identical_across_thread_counts(
        seed in any::<u64>(),
        samples in 1u64..2600,
        method in prop_oneof![Just(Method::MonteCarlo), Just(Method::LatinHypercube)],
    ) {
        let prints = on_all_pools(&settings(seed, samples, method));
        prop_assert_eq!(&prints[0], &prints[1]);
        prop_assert_eq!(&prints[0], &prints[2]);
    }

    #[test]
    fn bit_identical_with_stop_rule(seed in any::<u64>(), max in 1u64..5000, target in 0.01f64..0.3) {
        let s = RunSettings {
            seed,
            samples: 0,
            method: Method::LatinHypercube,
            stop: Some(StopRule { target_se: target, watch: vec![0, 3], max_samples: max }),
        };
        let prints = on_all_pools(&s);
        prop_assert_eq!(&prints[0], &prints[1]);
        prop_assert_eq!(&prints[0], &prints[2]);
    }
}

#[test]
fn different_seeds_differ_and_nested_runs_agree() {
    let (inputs, layout) = (toy_inputs(), toy_layout());
    let a = run(
        &Toy,
        &inputs,
        &layout,
        &settings(1, 3000, Method::MonteCarlo),
        &|_| {},
    )
    .expect("runs");
    let b = run(
        &Toy,
        &inputs,
        &layout,
        &settings(2, 3000, Method::MonteCarlo),
        &|_| {},
    )
    .expect("runs");
    assert_ne!(fingerprint(&a), fingerprint(&b));
    // Several runs at once inside another parallel iterator, on 8 threads.
    let nested: Vec<String> = pools()[2].install(|| {
        (0..4u64)
            .into_par_iter()
            .map(|_| {
                fingerprint(
                    &run(
                        &Toy,
                        &inputs,
                        &layout,
                        &settings(1, 3000, Method::MonteCarlo),
                        &|_| {},
                    )
                    .expect("runs"),
                )
            })
            .collect()
    });
    assert!(nested.iter().all(|p| *p == fingerprint(&a)));
}
