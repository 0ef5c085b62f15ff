//! Writes the reports of a result folder: `cargo run -p palett-report --example report_dir -- DIR`.

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "results".into());
    match palett_report::write_reports(std::path::Path::new(&dir), None, env!("CARGO_PKG_VERSION"))
    {
        Ok(w) => {
            for e in &w.failed {
                eprintln!("{e}");
            }
            println!("{} pages, {} figures", w.pages.len(), w.figures)
        }
        Err(e) => eprintln!("{e}"),
    }
}
