//! Replays the committed fuzz cases (a minimized corpus and every crash found, under
//! `tests/fuzz-cases/<target>/`) through the same entry functions the fuzz targets call
//! (`fuzz/harness.rs`). Each case must return without panicking; a crash found by
//! `cargo fuzz` is kept here as a regression test (see fuzz/README.md).

#[path = "../fuzz/harness.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-cases")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no cases in {}", dir.display());
    let mut failed = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
            failed.push(f.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} cases panicked:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn expr_cases() {
    replay("expr", harness::expr);
}

#[test]
fn pack_cases() {
    replay("pack", harness::pack);
}

#[test]
fn filing_cases() {
    replay("filing", harness::filing);
}

#[test]
fn csv_row_cases() {
    replay("csv_row", harness::csv);
}

#[test]
fn walk_cases() {
    replay("walk", harness::walk);
}

#[test]
fn escape_cases() {
    replay("escape", harness::escape);
}
