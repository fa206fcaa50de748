//! Batch inputs that are wrong as a whole: a GBK file, an empty file, an unknown column, a
//! directory mixing files. Each gives a clear message; the counts add up to what was read.

use std::process::Command;

fn batch(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .arg("batch")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn jsonl(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const HEADER: &str = "schema,kind,enterprise.name,enterprise.category,enterprise.ownership,enterprise.jurisdiction,budget.year,budget.wage_total,budget.average_headcount,prior.wage_total,prior.average_headcount,indicator.1.id,indicator.1.prior,indicator.1.budget\n";
const ROW: &str = "wagecheck/filing/v1,budget,本溪某公司,competitive,wholly_owned,benxi,2024,1050000,10,1000000,10,profit_total,100,110\n";

#[test]
fn gbk_csv_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gbk.csv");
    // The row's company name "本溪" in GBK bytes.
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"wagecheck/filing/v1,budget,\xB1\xBE\xCF\xAA,competitive,wholly_owned,benxi,2024,1050000,10,1000000,10,profit_total,100,110\n");
    bytes.extend_from_slice(ROW.as_bytes());
    std::fs::write(&p, bytes).unwrap();
    let (code, out, _) = batch(&[p.to_str().unwrap(), "--format", "jsonl", "--lang", "en"]);
    let reports = jsonl(&out);
    assert_eq!(reports.len(), 2, "both rows accounted for");
    assert_eq!(reports[0]["verdict"], "invalid");
    assert_eq!(reports[0]["row"], 1);
    assert_eq!(reports[0]["errors"][0]["line"], 2);
    assert!(
        reports[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("GBK")
    );
    assert_ne!(reports[1]["verdict"], "invalid");
    assert_eq!(code, Some(2));
}

#[test]
fn empty_csv_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.csv");
    std::fs::write(&p, "").unwrap();
    let (code, out, _) = batch(&[p.to_str().unwrap(), "--format", "jsonl", "--lang", "en"]);
    let reports = jsonl(&out);
    assert_eq!(reports.len(), 1);
    assert!(
        reports[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("empty")
    );
    assert_eq!(code, Some(2));
}

#[test]
fn unknown_column_is_named_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("typo.csv");
    let header = HEADER.replace("budget.wage_total", "budget.wage_totl");
    std::fs::write(&p, format!("{header}{ROW}")).unwrap();
    let (code, out, _) = batch(&[p.to_str().unwrap(), "--format", "jsonl", "--lang", "en"]);
    let reports = jsonl(&out);
    assert_eq!(reports.len(), 1);
    let errors = reports[0]["errors"].as_array().unwrap();
    let e = errors
        .iter()
        .find(|e| e["field"] == "budget.wage_totl")
        .unwrap();
    // At the header, where the column is named (issue 10: a misspelt header is an error even
    // with no rows); the file's rows are not read as filings.
    assert_eq!(e["line"], 1);
    assert_eq!(e["column"], 8);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `budget.wage_total`")
    );
    assert_eq!(code, Some(2));
}

#[test]
fn a_directory_and_a_csv_together_in_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "samples/01-pass-competitive.toml",
        dir.path().join("a.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.csv"), format!("{HEADER}{ROW}{ROW}")).unwrap();
    std::fs::write(dir.path().join("c.json"), "{").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let (code, out, err) = batch(&[dir.path().to_str().unwrap(), "--format", "jsonl"]);
    let reports = jsonl(&out);
    let sources: Vec<String> = reports
        .iter()
        .map(|r| {
            let s = r["source"].as_str().unwrap();
            let name = std::path::Path::new(s)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            match r.get("row") {
                Some(row) => format!("{name}#{row}"),
                None => name,
            }
        })
        .collect();
    assert_eq!(sources, ["a.toml", "b.csv#1", "b.csv#2", "c.json"]);
    assert_eq!(reports[3]["verdict"], "invalid");
    assert_eq!(code, Some(2));
    // The summary goes to stderr for machine formats and counts all four.
    assert!(err.contains('4'));
}

#[test]
fn jobs_do_not_change_the_output() {
    let one = batch(&["samples/batch-2024.csv", "--format", "jsonl", "-j", "1"]);
    let two = batch(&["samples/batch-2024.csv", "--format", "jsonl", "-j", "2"]);
    assert_eq!(one.1, two.1);
    assert_eq!(one.0, two.0);
}

/// `batch -` reads standard input in the format `--input-format` names.
fn batch_stdin(args: &[&str], stdin: &[u8]) -> (Option<i32>, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .arg("batch")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn batch_reads_csv_from_stdin() {
    let csv = format!("{HEADER}{ROW}{ROW}");
    let (code, out) = batch_stdin(
        &["-", "--input-format", "csv", "--format", "jsonl"],
        csv.as_bytes(),
    );
    let reports = jsonl(&out);
    assert_eq!(reports.len(), 2);
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(r["source"], "<stdin>");
        assert_eq!(r["row"], i + 1);
        // One indicator (two to three expected) and no governance facts: review.
        assert_eq!(r["verdict"], "review", "{r}");
    }
    assert_eq!(code, Some(0));
    // Read as TOML (the default), the same text is one invalid filing, located in <stdin>.
    let (code, out) = batch_stdin(&["-", "--format", "jsonl"], csv.as_bytes());
    let reports = jsonl(&out);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["verdict"], "invalid");
    assert_eq!(code, Some(2));
}
