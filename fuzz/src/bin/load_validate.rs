//! Fuzz target: load and validate one scenario file. The input is written
//! as `s.ron` into a folder that also holds a copy of `scenarios/lib/`, so
//! includes of the shipped libraries resolve. Any outcome but a panic, an
//! abort or a hang is fine: invalid input must become diagnostics.

use std::path::PathBuf;

fn main() {
    let dir = std::env::temp_dir().join(format!("palett-fuzz-{}", std::process::id()));
    let lib = dir.join("lib");
    std::fs::create_dir_all(&lib).expect("create the fuzz folder");
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/lib");
    for e in std::fs::read_dir(&shipped).expect("scenarios/lib").flatten() {
        std::fs::copy(e.path(), lib.join(e.file_name())).expect("copy a library");
    }
    let file = dir.join("s.ron");
    afl::fuzz!(|data: &[u8]| {
        if std::fs::write(&file, data).is_ok() {
            let _ = palett_runner::load_scenario(&file);
        }
    });
}
