//! The floor any checker must pay: reads the same CSV files with the `csv` crate, one
//! `StringRecord` per row (UTF-8 validated, headers read), and touches every cell, without
//! building filings or evaluating anything. `scripts/bench.sh` times `wagecheck batch` against it.
//!
//! Usage: `cargo run --release --example csv_baseline -- FILE.csv…`; prints the rows and cells read.
//!
//! `--write BYTES`: the second floor, for JSON Lines: the same parse, and for each row read, the
//! next line of the file BYTES (prepared beforehand, e.g. `wagecheck batch FILE.csv --format
//! jsonl > BYTES`) written to standard output through a buffer, then whatever BYTES holds after
//! the last row; so the floor writes exactly the bytes wagecheck writes, one line a row, without
//! computing them. BYTES is streamed (read as it is written), not held in memory. The counts then
//! go to standard error.

use std::io::{BufRead, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut rows = 0usize;
    let mut cells = 0usize;
    let mut bytes = 0usize;
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut write = None;
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let Some(path) = args.get(i + 1).cloned() else {
            eprintln!("--write needs a file");
            return ExitCode::from(2);
        };
        args.drain(i..i + 2);
        match std::fs::File::open(&path) {
            Ok(f) => write = Some(std::io::BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut line = Vec::new();
    // The next prepared line, written as wagecheck would write the row's report.
    let mut emit = |write: &mut Option<std::io::BufReader<std::fs::File>>| -> std::io::Result<()> {
        if let Some(src) = write {
            line.clear();
            src.read_until(b'\n', &mut line)?;
            out.write_all(&line)?;
        }
        Ok(())
    };
    for path in args {
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
                    if let Err(e) = emit(&mut write) {
                        eprintln!("writing: {e}");
                        return ExitCode::from(2);
                    }
                    for cell in record.iter() {
                        if !cell.trim().is_empty() {
                            cells += 1;
                            bytes += cell.len();
                        }
                    }
                }
                Ok(false) => break,
                // A bad row (not UTF-8) is counted and skipped, as the checker reports it.
                Err(_) => {
                    rows += 1;
                    if let Err(e) = emit(&mut write) {
                        eprintln!("writing: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
        }
    }
    let summary = format!("rows {rows} cells {cells} bytes {bytes}");
    match write {
        Some(mut rest) => {
            let done = std::io::copy(&mut rest, &mut out).and_then(|_| out.flush());
            if let Err(e) = done {
                eprintln!("writing: {e}");
                return ExitCode::from(2);
            }
            eprintln!("{summary}");
        }
        None => println!("{summary}"),
    }
    ExitCode::SUCCESS
}
