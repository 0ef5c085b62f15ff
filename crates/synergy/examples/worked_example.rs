//! The worked example of docs/synergy.md: four tracks and communication, a
//! repressive police operation, and the tipping year. Run with
//! `cargo run -p palett-synergy --example worked_example`.

use palett_synergy::{Channel, Drive, Repression, Schedule, SynergyError, SynergyParams, Track};

fn main() -> Result<(), SynergyError> {
    // Trust fades slowly once built (2 % a year), so synergy can outlast the programme.
    let mut p = SynergyParams {
        beta: [10.0; 4],
        c0: 0.2,
        kappa_down: 0.02,
        ..SynergyParams::default()
    };
    for j in 0..4 {
        for k in 0..4 {
            if j != k {
                p.w[j][k] = 0.6;
                // School results take three years to reach the other tracks.
                p.lags[j][k] = if j == Track::School.index() { 3 } else { 1 };
            }
        }
    }
    let model = p.validate()?;

    let programme = |weight: f64| -> Vec<Drive> {
        let mut school = Drive::new(
            Track::School,
            Schedule {
                delay: 2.0,
                ..Schedule::new(1, 8)
            },
        );
        let housing = Drive::new(
            Track::Housing,
            Schedule {
                ramp: 2.0,
                ..Schedule::new(1, 8)
            },
        );
        let labour = Drive::new(Track::Labour, Schedule::new(2, 6));
        let mut police = Drive::new(Track::Safety, Schedule::new(1, 6));
        police.repression = Some(Repression {
            height: 0.8,
            time_to_peak: 2.0,
        });
        let talk = Drive::new(Channel::Communication, Schedule::new(1, 8));
        school.weight = weight;
        let mut all = vec![school, housing, labour, police, talk];
        for d in &mut all[1..4] {
            d.weight = weight;
        }
        all
    };

    let d = model.diagnostics();
    println!(
        "spectral radius {:.4}, warning: {}",
        d.spectral_radius,
        d.warning.is_some()
    );

    for weight in [0.2, 0.6] {
        let drives = programme(weight);
        for dr in &drives {
            dr.validate()?;
        }
        let tr = model.simulate(&drives, 30);
        println!(
            "\nweight {weight}: tipping year {:?}",
            model.tipping_year(&drives, 30)
        );
        println!("year | school housing labour safety | c");
        for t in [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30] {
            let x = tr.x(t);
            println!(
                "{t:>4} | {:>6.3} {:>7.3} {:>6.3} {:>6.3} | {:.3}",
                x[0],
                x[1],
                x[2],
                x[3],
                tr.coordination(t)
            );
        }
    }

    // Without communication the same programme stays in stovepipes.
    let mut drives = programme(0.6);
    drives.retain(|d| d.channel != Channel::Communication);
    let tr = model.simulate(&drives, 30);
    println!(
        "\nweight 0.6 without communication: tipping year {:?}, school in year 30 {:.3}",
        model.tipping_year(&drives, 30),
        tr.state(30, Track::School)
    );

    // Trust that fades at the default 10 % a year: synergy dies with it.
    let fading = SynergyParams {
        kappa_down: 0.1,
        ..p
    }
    .validate()?;
    let drives = programme(0.6);
    let tr = fading.simulate(&drives, 30);
    println!(
        "weight 0.6 with kappa_down 0.1: tipping year {:?}, school in year 30 {:.3}, c(30) {:.3}",
        fading.tipping_year(&drives, 30),
        tr.state(30, Track::School),
        tr.coordination(30)
    );
    Ok(())
}
