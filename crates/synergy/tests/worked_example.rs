//! Locks the headline numbers of the worked example in docs/synergy.md
//! (examples/worked_example.rs), so the page cannot drift from the code.

use palett_synergy::{Channel, Drive, Repression, Schedule, SynergyModel, SynergyParams, Track};

fn params(kappa_down: f64) -> SynergyParams {
    let mut p = SynergyParams {
        beta: [10.0; 4],
        c0: 0.2,
        kappa_down,
        ..SynergyParams::default()
    };
    for j in 0..4 {
        for k in 0..4 {
            if j != k {
                p.w[j][k] = 0.6;
                p.lags[j][k] = if j == Track::School.index() { 3 } else { 1 };
            }
        }
    }
    p
}

fn programme(weight: f64, communication: bool) -> Vec<Drive> {
    let school = Drive {
        weight,
        ..Drive::new(
            Track::School,
            Schedule {
                delay: 2.0,
                ..Schedule::new(1, 8)
            },
        )
    };
    let housing = Drive {
        weight,
        ..Drive::new(
            Track::Housing,
            Schedule {
                ramp: 2.0,
                ..Schedule::new(1, 8)
            },
        )
    };
    let labour = Drive {
        weight,
        ..Drive::new(Track::Labour, Schedule::new(2, 6))
    };
    let mut police = Drive {
        weight,
        ..Drive::new(Track::Safety, Schedule::new(1, 6))
    };
    police.repression = Some(Repression {
        height: 0.8,
        time_to_peak: 2.0,
    });
    let mut all = vec![school, housing, labour, police];
    if communication {
        all.push(Drive::new(Channel::Communication, Schedule::new(1, 8)));
    }
    all
}

#[test]
fn worked_example_numbers() {
    let m: SynergyModel = params(0.02).validate().unwrap();
    assert!((m.diagnostics().spectral_radius - 0.7361).abs() < 5e-5);
    assert_eq!(m.tipping_year(&programme(0.2, true), 30), None);
    assert_eq!(m.tipping_year(&programme(0.4, true), 30), Some(7));
    assert_eq!(m.tipping_year(&programme(0.6, true), 30), Some(7));
    assert_eq!(m.tipping_year(&programme(0.6, false), 30), None);
    let tr = m.simulate(&programme(0.6, true), 30);
    assert!((tr.state(6, Track::Safety) - 0.561).abs() < 5e-4);
    assert!((tr.state(2, Track::Safety) + 0.002).abs() < 5e-4);
    assert!((tr.coordination(30) - 0.615).abs() < 5e-4);
    let fading = params(0.1).validate().unwrap();
    assert_eq!(fading.tipping_year(&programme(0.6, true), 30), None);
    assert!((fading.simulate(&programme(0.6, true), 30).coordination(30) - 0.082).abs() < 5e-4);
}
