//! Golden equality over a generated CSV: `batch` over a few thousand deterministic, varied
//! filings (tests/common/gen.rs) prints, in every format and both languages, exactly the bytes it
//! printed when `tests/golden/equality.sha256` was written. A change to the evaluator's speed
//! must not change one verdict, amount or message; an intended change of output re-blesses the
//! digests with `WAGECHECK_BLESS=1` (and the ordinary golden files show the diff to review).

#[path = "common/gen.rs"]
mod generator;

use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const ROWS: usize = 2000;
const SEED: u64 = 13;
const FORMATS: [&str; 5] = ["table", "json", "jsonl", "markdown", "junit"];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn batch_output_over_a_generated_csv_is_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("generated.csv");
    std::fs::write(&csv, generator::csv(ROWS, SEED)).expect("write CSV");
    let mut lines = Vec::new();
    for format in FORMATS {
        for lang in ["zh", "en"] {
            let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
                .args(["batch", "generated.csv", "--format", format, "--lang", lang])
                .current_dir(dir.path())
                .env("WAGECHECK_TODAY", "2026-01-15")
                .env("WAGECHECK_JUNIT_TIME", "0.001")
                .output()
                .expect("run wagecheck");
            let mut h = Sha256::new();
            h.update(out.stdout.as_slice());
            h.update(b"\0stderr\0");
            h.update(out.stderr.as_slice());
            lines.push(format!(
                "{format} {lang} exit={} stdout={} stderr={} sha256={}",
                out.status.code().unwrap_or(-1),
                out.stdout.len(),
                out.stderr.len(),
                hex(&h.finalize())
            ));
        }
    }
    let text = lines.join("\n") + "\n";
    let file = Path::new(ROOT).join("tests/golden/equality.sha256");
    if std::env::var_os("WAGECHECK_BLESS").is_some() {
        std::fs::write(&file, &text).expect("write digests");
        return;
    }
    let want = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        want,
        text,
        "batch output over the generated CSV changed (WAGECHECK_BLESS=1 rewrites {})",
        file.display()
    );
}

/// The generated CSV exercises what the equality is meant to guard: every verdict occurs.
#[test]
fn the_generated_csv_covers_every_verdict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("generated.csv");
    std::fs::write(&csv, generator::csv(ROWS, SEED)).expect("write CSV");
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args([
            "batch",
            "generated.csv",
            "--format",
            "jsonl",
            "--lang",
            "en",
        ])
        .current_dir(dir.path())
        .env("WAGECHECK_TODAY", "2026-01-15")
        .output()
        .expect("run wagecheck");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut counts = std::collections::BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let verdict = v["verdict"].as_str().unwrap_or("?").to_string();
        *counts.entry(verdict).or_insert(0usize) += 1;
    }
    for verdict in ["pass", "fail", "review", "out_of_scope", "invalid"] {
        assert!(
            counts.get(verdict).copied().unwrap_or(0) >= 10,
            "{verdict} too rare in the generated CSV: {counts:?}"
        );
    }
}
