//! The floor any checker must pay: reads the same CSV files with the `csv` crate, one
//! `StringRecord` per row (UTF-8 validated, headers read), and touches every cell, without
//! building filings or evaluating anything. `scripts/bench.sh` times `wagecheck batch` against it.
//!
//! Usage: `cargo run --release --example csv_baseline -- FILE.csv…`; prints the rows and cells read.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut rows = 0usize;
    let mut cells = 0usize;
    let mut bytes = 0usize;
    for path in std::env::args().skip(1) {
        let mut rdr = match csv::ReaderBuilder::new().flexible(true).from_path(&path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        };
        let mut record = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut record) {
                Ok(true) => {
                    rows += 1;
                    for cell in record.iter() {
                        if !cell.trim().is_empty() {
                            cells += 1;
                            bytes += cell.len();
                        }
                    }
                }
                Ok(false) => break,
                // A bad row (not UTF-8) is counted and skipped, as the checker reports it.
                Err(_) => rows += 1,
            }
        }
    }
    println!("rows {rows} cells {cells} bytes {bytes}");
    ExitCode::SUCCESS
}
