//! The README's figure: the cumulative net PV fan chart of one result
//! folder as a small PNG.
//!
//! ```sh
//! cargo run --release -- run scenarios/sodertalje.ron --out results
//! cargo run -p palett-report --example readme_figure -- results/sodertalje docs/img/sodertalje-net-pv.png
//! ```

use std::path::Path;

use palett_report::data::ResultFolder;
use palett_report::{figure, scenario};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: readme_figure RESULT_FOLDER OUT.png".into());
    };
    let folder = ResultFolder::read(Path::new(&dir))?.ok_or("no summary.json in that folder")?;
    let report = scenario::build("readme", folder);
    let chart = report.fan.ok_or("no mix to chart")?;
    let png = figure::png_at(&chart, &figure::options(), 1.0)?;
    std::fs::write(out, png)?;
    Ok(())
}
