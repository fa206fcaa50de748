//! Untrusted input (issue 10): numbers are values, one field has one value, and the other
//! classes of hostile input, each tested at its boundary through the binary a reviewer runs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use proptest::prelude::*;
use tempfile::TempDir;

mod common;
use common::BASE;

fn wagecheck() -> Command {
    let mut c = Command::cargo_bin("wagecheck").expect("the wagecheck binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("WAGECHECK_TODAY", "2025-01-01");
    c
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write temp file");
    p
}

/// Runs `check NAME --format json` inside `dir`, so that two files of the same name in two
/// directories give byte-identical reports when they hold the same filing.
fn check_in(dir: &Path, name: &str) -> (i32, String, String) {
    let out = wagecheck()
        .current_dir(dir)
        .args(["check", name, "--format", "json", "--lang", "en"])
        .output()
        .expect("run wagecheck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The same whole number written the four ways a filing may write it.
fn forms(n: u32, json: bool) -> Vec<String> {
    let e = {
        // 2017 → 2.017e3; 4 → 4e0
        let digits = n.to_string();
        let (head, tail) = digits.split_at(1);
        if tail.is_empty() {
            format!("{head}e0")
        } else {
            format!("{head}.{tail}e{}", tail.len())
        }
    };
    let _ = json;
    vec![
        n.to_string(),
        format!("{n}.0"),
        format!("{n}.000"),
        e,
        format!("\"{n}\""),
    ]
}

const JSON_BASE: &str = r#"{
  "schema": "wagecheck/filing/v1",
  "kind": "budget",
  "enterprise": {"name": "x", "category": "competitive", "ownership": "wholly_owned", "jurisdiction": "benxi"},
  "governance": {"standard_budget_years": SBY, "major_violation_years": [MVY]},
  "budget": {"year": YEAR, "period_years": PY, "wage_total": 12600000, "average_headcount": 250},
  "prior": {"wage_total": 12000000, "average_headcount": 248},
  "indicator": [{"id": "profit_total", "prior": 30000000, "budget": 33000000}]
}"#;

/// Every form of the year (and of the other whole-number fields) gives the same pack and the
/// same report, byte for byte; and the report is the one the plain integer gives.
fn same_report_for_all_forms(year: u32, sby: u32, json: bool) {
    let mut reports = Vec::new();
    for (i, (y, s)) in forms(year, json)
        .into_iter()
        .zip(forms(sby, json).into_iter().cycle().skip(1))
        .enumerate()
    {
        let dir = TempDir::new().expect("temp dir");
        let violation = forms(year - 3, json)[i % 5].clone();
        let (name, text) = if json {
            (
                "f.json",
                JSON_BASE
                    .replace("SBY", &s)
                    .replace("MVY", &violation)
                    .replace("YEAR", &y)
                    .replace("PY", &forms(1, json)[i % 5]),
            )
        } else {
            (
                "f.toml",
                BASE.replacen(
                    "year = 2024",
                    &format!("year = {y}\nperiod_years = {}", forms(1, json)[i % 5]),
                    1,
                )
                .replacen(
                    "standard_budget_years = 4",
                    &format!("standard_budget_years = {s}"),
                    1,
                )
                .replacen(
                    "major_violation_years = []",
                    &format!("major_violation_years = [{violation}]"),
                    1,
                ),
            )
        };
        write(dir.path(), name, &text);
        reports.push((y, check_in(dir.path(), name)));
    }
    let (first_form, first) = &reports[0];
    assert!(
        first.0 != 2 || first.1.contains("no `benxi` rule pack is in force"),
        "{first:?}"
    );
    for (form, r) in &reports[1..] {
        assert_eq!(r, first, "{form} differs from {first_form}");
    }
}

#[test]
fn the_year_2017_0_is_2017_not_20170() {
    // Before: `year = 2017.0` was read as 20170 and evaluated; `2024.000` was refused as 2024000.
    same_report_for_all_forms(2017, 4, false);
    same_report_for_all_forms(2024, 4, false);
    same_report_for_all_forms(2024, 4, true);
    let dir = TempDir::new().expect("temp dir");
    write(
        dir.path(),
        "f.toml",
        &BASE.replacen("year = 2017", "year = 2017.0", 1).replacen(
            "year = 2024",
            "year = 2017.0",
            1,
        ),
    );
    let (code, out, _) = check_in(dir.path(), "f.toml");
    assert_eq!(code, 2);
    assert!(
        out.contains("no `benxi` rule pack is in force on 2017-01-01"),
        "{out}"
    );
}

#[test]
fn a_fractional_whole_number_is_an_error_naming_the_field() {
    let dir = TempDir::new().expect("temp dir");
    for (from, to, field) in [
        ("year = 2024", "year = 2024.5", "budget.year"),
        ("year = 2024", "year = 2.0245e3", "budget.year"),
        (
            "standard_budget_years = 4",
            "standard_budget_years = 4.5",
            "governance.standard_budget_years",
        ),
        (
            "major_violation_years = []",
            "major_violation_years = [2022.5]",
            "governance.major_violation_years",
        ),
    ] {
        write(dir.path(), "f.toml", &BASE.replacen(from, to, 1));
        let (code, out, _) = check_in(dir.path(), "f.toml");
        assert_eq!(code, 2, "{to}: {out}");
        assert!(
            out.contains(&format!("\"field\":\"{field}\""))
                || out.contains(&format!("\"field\": \"{field}\"")),
            "{to}: {out}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn number_forms_give_the_same_pack_and_report(year in 1952u32..2999, sby in 0u32..40, json in any::<bool>()) {
        same_report_for_all_forms(year, sby, json);
    }
}

// ---- 8. Packs are configuration, confined --------------------------------------------------

fn sanming() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/examples/sanming-2019.toml"),
    )
    .expect("the example pack")
}

fn lint(pack: &Path) -> (i32, String) {
    let out = wagecheck()
        .args(["rules", "lint"])
        .arg(pack)
        .args(["--lang", "en"])
        .output()
        .expect("run wagecheck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn extends_names_a_pack_id_never_a_path() {
    let root = TempDir::new().expect("temp dir");
    let evil_dir = root.path().join("x");
    let child_dir = root.path().join("child");
    std::fs::create_dir_all(&evil_dir).expect("mkdir");
    std::fs::create_dir_all(&child_dir).expect("mkdir");
    let national = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/national-2018.toml"),
    )
    .expect("national pack");
    write(
        &evil_dir,
        "evil.toml",
        &national.replacen("id = \"national-2018\"", "id = \"evil\"", 1),
    );
    let abs = evil_dir.join("evil").display().to_string();
    for target in ["../x/evil", abs.as_str(), "x/../evil", "evil.toml", ""] {
        let p = write(
            &child_dir,
            "c.toml",
            &sanming().replacen(
                "\nextends = \"benxi-2019\"",
                &format!("\nextends = {target:?}"),
                1,
            ),
        );
        let (code, out) = lint(&p);
        assert_eq!(code, 2, "{target}: {out}");
        assert!(
            out.contains("c.toml:17:11: pack.extends:"),
            "{target}: {out}"
        );
        assert!(out.contains("not a path"), "{target}: {out}");
    }
    // A file of that name beside the child whose id is another: refused, naming both.
    write(
        &child_dir,
        "wrongid.toml",
        &national.replacen("id = \"national-2018\"", "id = \"other\"", 1),
    );
    let p = write(
        &child_dir,
        "c.toml",
        &sanming().replacen("\nextends = \"benxi-2019\"", "\nextends = \"wrongid\"", 1),
    );
    let (code, out) = lint(&p);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("whose id is `other`, not `wrongid`"), "{out}");
    // The id found beside the child with its own id is used (the documented override).
    write(
        &child_dir,
        "mine.toml",
        &national.replacen("id = \"national-2018\"", "id = \"mine\"", 1),
    );
    let p = write(
        &child_dir,
        "c.toml",
        &sanming().replacen("\nextends = \"benxi-2019\"", "\nextends = \"mine\"", 1),
    );
    let (_, out) = lint(&p);
    assert!(!out.contains("pack.extends"), "{out}");
}

#[test]
fn effective_until_before_effective_from_is_refused() {
    let dir = TempDir::new().expect("temp dir");
    let at = |until: &str| {
        sanming().replacen(
            "effective_from = 2019-01-01",
            &format!("effective_from = 2019-01-01\neffective_until = {until}"),
            1,
        )
    };
    // At the limit: a pack in force for one day.
    let (code, out) = lint(&write(dir.path(), "p.toml", &at("2019-01-01")));
    assert_eq!(code, 0, "{out}");
    // One past it.
    let (code, out) = lint(&write(dir.path(), "p.toml", &at("2018-12-31")));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("p.toml:19:19: pack.effective_until: effective_until 2018-12-31 is before effective_from 2019-01-01"),
        "{out}"
    );
}

// ---- 3. Walking directories safely -------------------------------------------------------

/// `batch DIR --format jsonl`: (exit code, sources read, stderr).
fn batch_sources(dir: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = wagecheck()
        .current_dir(dir)
        .arg("batch")
        .args(args)
        .args(["--format", "jsonl", "--lang", "en"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run wagecheck");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut sources: Vec<String> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["source"].as_str().unwrap_or("").to_string())
        .collect();
    sources.sort();
    (
        out.status.code().unwrap_or(-1),
        sources,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed_and_each_file_is_read_once() {
    let root = TempDir::new().expect("temp dir");
    let d = root.path().join("d");
    std::fs::create_dir(&d).expect("mkdir");
    write(&d, "a.toml", BASE);
    std::os::unix::fs::symlink(".", d.join("self")).expect("symlink");
    std::os::unix::fs::symlink(".", d.join("self2")).expect("symlink");
    std::os::unix::fs::symlink("a.toml", d.join("link.toml")).expect("symlink");
    std::fs::hard_link(d.join("a.toml"), d.join("hard.toml")).expect("hard link");
    // Before: 41 reports for one file with one link, no output after 10 s with two.
    let (code, sources, err) = batch_sources(root.path(), &["d"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sources, vec!["d/a.toml"], "{err}");
    assert!(
        err.contains("skipped: d/self: a symbolic link, not followed"),
        "{err}"
    );
    assert!(err.contains("skipped: d/self2:"), "{err}");
    assert!(err.contains("skipped: d/link.toml:"), "{err}");
    assert!(
        err.contains("skipped: d/hard.toml: the same file as one already read"),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.contains("paths skipped") && l.contains("┆ 4 ")),
        "{err}"
    );
    // Followed on request: the loops are detected, the file still read once.
    let (code, sources, err) = batch_sources(root.path(), &["d", "--follow"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sources, vec!["d/a.toml"], "{err}");
    assert!(
        err.contains("skipped: d/self: a symbolic link loop"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_directory_is_skipped_not_opened() {
    let root = TempDir::new().expect("temp dir");
    let d = root.path().join("d");
    std::fs::create_dir(&d).expect("mkdir");
    write(&d, "a.toml", BASE);
    let status = std::process::Command::new("mkfifo")
        .arg(d.join("x.toml"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let (code, sources, err) = batch_sources(root.path(), &["d"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sources, vec!["d/a.toml"]);
    assert!(
        err.contains("skipped: d/x.toml: not a regular file"),
        "{err}"
    );
}

#[test]
fn the_walk_goes_64_levels_down_and_reports_what_is_deeper() {
    let root = TempDir::new().expect("temp dir");
    let mut at_limit = root.path().join("d");
    for _ in 0..63 {
        at_limit.push("d");
    }
    // `d` is the path given (level 0); `at_limit` is 63 levels below it, so its file sits at
    // level 64 and is read; the directory below it is at level 64 and is not entered.
    std::fs::create_dir_all(at_limit.join("d")).expect("mkdir");
    write(&at_limit, "limit.toml", BASE);
    write(&at_limit.join("d"), "past.toml", BASE);
    let (code, sources, err) = batch_sources(root.path(), &["d"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sources.len(), 1, "{err}");
    assert!(sources[0].ends_with("/d/limit.toml"), "{sources:?}");
    assert!(err.contains("directory deeper than 64 levels"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("paths skipped") && l.contains("┆ 1 ")),
        "{err}"
    );
}

#[test]
fn the_output_file_of_the_run_is_not_read() {
    let root = TempDir::new().expect("temp dir");
    let d = root.path().join("d");
    std::fs::create_dir(&d).expect("mkdir");
    write(&d, "a.toml", BASE);
    for _ in 0..2 {
        let out_file = std::fs::File::create(d.join("out.json")).expect("create");
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("wagecheck"))
            .current_dir(root.path())
            .args(["batch", "d", "--format", "json", "--lang", "en"])
            .stdout(out_file)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(
            err.contains("skipped: d/out.json: the output file of this run"),
            "{err}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("out.json")).expect("read"))
                .expect("one JSON array");
        assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
    }
}

#[test]
fn gitignore_and_hidden_files_are_respected_counted_and_included_on_request() {
    let root = TempDir::new().expect("temp dir");
    let d = root.path().join("d");
    for sub in ["target/debug", ".hidden", "ok"] {
        std::fs::create_dir_all(d.join(sub)).expect("mkdir");
    }
    write(&d, ".gitignore", "target/\n");
    write(&d.join("ok"), "a.toml", BASE);
    write(&d.join("target/debug"), "b.toml", "garbage");
    write(&d.join("target/debug"), "c.json", "garbage");
    write(&d.join(".hidden"), "d.toml", "garbage");
    write(&d, ".e.toml", "garbage");
    let (code, sources, err) = batch_sources(root.path(), &["d"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sources, vec!["d/ok/a.toml"]);
    assert!(
        err.contains(
            "skipped: d/target: excluded by .gitignore/.ignore or hidden (2 file(s) under it"
        ),
        "{err}"
    );
    assert!(err.contains("skipped: d/.hidden: excluded"), "{err}");
    assert!(err.contains("skipped: d/.e.toml: excluded"), "{err}");
    let (code, sources, _) = batch_sources(root.path(), &["d", "--no-ignore"]);
    assert_eq!(code, 2);
    assert_eq!(sources.len(), 5, "{sources:?}");
}

// ---- 7. CSV exactness, 4. bounded records -----------------------------------------------

const CSV_HEADER: &str = "schema,kind,enterprise.name,enterprise.category,enterprise.ownership,enterprise.jurisdiction,budget.year,budget.wage_total,budget.average_headcount,prior.wage_total,prior.average_headcount";
const CSV_ROW: &str =
    "wagecheck/filing/v1,budget,x,competitive,wholly_owned,benxi,2024,12600000,250,12000000,248";

/// An error as (line, column, field, message).
type Located = (u64, u64, String, String);

/// `batch FILE --format jsonl`: exit code, reports, and every error.
fn csv_errors(text: &str) -> (i32, usize, Vec<Located>) {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "b.csv", text);
    let (code, sources, _) = batch_sources(dir.path(), &["b.csv"]);
    let out = wagecheck()
        .current_dir(dir.path())
        .args(["batch", "b.csv", "--format", "jsonl", "--lang", "en"])
        .output()
        .expect("run");
    let mut errors = Vec::new();
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("json line");
        for e in v["errors"].as_array().into_iter().flatten() {
            errors.push((
                e["line"].as_u64().unwrap_or(0),
                e["column"].as_u64().unwrap_or(0),
                e["field"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    (code, sources.len(), errors)
}

#[test]
fn csv_lines_are_exact_after_blank_lines_and_quoted_line_breaks() {
    let bad = CSV_ROW.replace("12600000", "-5");
    let quoted = CSV_ROW.replace(",x,", ",\"two\nlines\",");
    for eol in ["\n", "\r\n"] {
        // 1 header, 2–3 blank, 4–5 a quoted line break, 6 blank, 7 the bad row.
        let text = [CSV_HEADER, "", "", &quoted, "", &bad, ""].join(eol);
        let (code, n, errors) = csv_errors(&text);
        assert_eq!((code, n), (2, 2), "{errors:?}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].0, errors[0].1), (7, 8), "{eol:?}: {errors:?}");
        assert_eq!(errors[0].2, "budget.wage_total");
    }
}

#[test]
fn a_stray_quote_is_reported_where_it_opens() {
    // Before: "ragged row" at line 2, column 1, the quote not named, rows 2–3 swallowed.
    let text = format!(
        "{CSV_HEADER}\n{}\n{CSV_ROW}\n{CSV_ROW}\n",
        CSV_ROW.replace(",x,", ",\"x,")
    );
    let (code, n, errors) = csv_errors(&text);
    assert_eq!((code, n), (2, 1), "{errors:?}");
    assert_eq!((errors[0].0, errors[0].1), (2, 3), "{errors:?}");
    assert!(
        errors[0]
            .3
            .contains("a quote (\") opens in this cell and is never closed: lines 2–4"),
        "{errors:?}"
    );
}

#[test]
fn a_header_naming_no_known_field_or_a_misspelt_one_is_an_error() {
    // Before: "0 filings", exit 0.
    let (code, _, errors) = csv_errors("foo,bar,baz\n");
    assert_eq!(code, 2);
    assert_eq!((errors[0].0, errors[0].1), (1, 1), "{errors:?}");
    assert!(
        errors[0].3.contains("the header names no known field"),
        "{errors:?}"
    );
    let (code, _, errors) = csv_errors("schema,kindd,enterprise.nme\n");
    assert_eq!(code, 2);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        (errors[0].0, errors[0].1, errors[0].2.as_str()),
        (1, 2, "kindd")
    );
    assert!(errors[0].3.contains("did you mean `kind`"), "{errors:?}");
    assert_eq!(
        (errors[1].0, errors[1].1, errors[1].2.as_str()),
        (1, 3, "enterprise.nme")
    );
    // The same columns with rows: one error for the file, the rows not read as filings.
    let (code, n, errors) = csv_errors(&format!("{},kindd\n{CSV_ROW},x\n", CSV_HEADER));
    assert_eq!((code, n, errors.len()), (2, 1, 1), "{errors:?}");
}

#[test]
fn a_csv_record_is_read_up_to_its_limit_and_refused_one_byte_past_it() {
    use wagecheck::input::csv::MAX_CSV_RECORD_BYTES;
    let row_at = |len: usize| {
        let pad = len - CSV_ROW.len();
        CSV_ROW.replace(",x,", &format!(",{},", "x".repeat(pad + 1)))
    };
    let at = row_at(MAX_CSV_RECORD_BYTES);
    assert_eq!(at.len(), MAX_CSV_RECORD_BYTES);
    let (code, n, errors) = csv_errors(&format!("{CSV_HEADER}\n{at}\n{CSV_ROW}\n"));
    // Both rows read and evaluated (the minimal row fails a rule: exit 1, not 2).
    assert_eq!((code, n, errors.len()), (1, 2, 0));
    let past = row_at(MAX_CSV_RECORD_BYTES + 1);
    let (code, n, errors) = csv_errors(&format!("{CSV_HEADER}\n{past}\n{CSV_ROW}\n"));
    assert_eq!((code, n), (2, 1));
    assert_eq!((errors[0].0, errors[0].1), (2, 1));
    assert!(
        errors[0].3.contains("longer than 1048576 bytes"),
        "{errors:?}"
    );
    // No line break at all: refused at the limit, not read until memory runs out.
    let (code, _, errors) = csv_errors(&format!(
        "{CSV_HEADER}\n{}",
        "a".repeat(8 * MAX_CSV_RECORD_BYTES)
    ));
    assert_eq!(code, 2);
    assert!(errors[0].3.contains("longer than"), "{errors:?}");
}

#[cfg(unix)]
#[test]
fn endless_and_huge_files_are_refused_without_being_read_whole() {
    // Before: `check /dev/zero` grew until killed; a 2 GB file was read whole first.
    let out = wagecheck()
        .args(["check", "/dev/zero", "--lang", "en"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("file too large: more than the limit of 4194304 bytes"),
        "{text}"
    );
    let dir = TempDir::new().expect("temp dir");
    let f = std::fs::File::create(dir.path().join("huge.toml")).expect("create");
    f.set_len(2 << 30).expect("a sparse 2 GiB file");
    let out = wagecheck()
        .current_dir(dir.path())
        .args(["check", "huge.toml", "--lang", "en"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("file too large: 2147483648 bytes"), "{text}");
}

// ---- 5. Output cannot be forged ----------------------------------------------------------

#[test]
fn a_filing_name_cannot_drive_the_terminal_or_forge_a_report() {
    use wagecheck::report::escape::is_hidden;
    let dir = TempDir::new().expect("temp dir");
    // A failing filing (over the cap) whose name carries escapes, a forged Markdown verdict
    // and table, a noncharacter XML forbids and a bidi override.
    let name = "ACME\\u001b[32m PASS \\u001b[0m\\u001b]0;owned\\u0007\\u0000\\u009b2J — pass\\n\\n| rule | status |\\n|---|---|\\n| all | pass |\\n\\n## forged — pass \\uFFFE \\u202E";
    let text = BASE
        .replacen(
            "name = \"本溪钢联机械制造有限公司\"",
            &format!("name = \"{name}\""),
            1,
        )
        .replacen("wage_total = 12_600_000", "wage_total = 13_600_000", 1);
    write(dir.path(), "f\u{1b}[31m.toml", &text);
    let file = "f\u{1b}[31m.toml";
    for (cmd, format) in [
        ("check", "table"),
        ("check", "markdown"),
        ("check", "json"),
        ("check", "junit"),
        ("batch", "table"),
        ("batch", "markdown"),
        ("batch", "json"),
        ("batch", "jsonl"),
        ("batch", "junit"),
        ("explain", "table"),
    ] {
        let out = wagecheck()
            .current_dir(dir.path())
            .args([cmd, file, "--format", format, "--lang", "en"])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{cmd} {format}: {stdout}{stderr}"
        );
        for (what, s) in [("stdout", &stdout), ("stderr", &stderr)] {
            let bad = s.chars().find(|c| is_hidden(*c) && *c != '\n');
            assert!(bad.is_none(), "{cmd} {format} {what}: {bad:?} in\n{s}");
        }
        if format == "markdown" && cmd == "check" {
            // The only verdict line is the verdict's; the name is one escaped heading line.
            let verdicts: Vec<&str> = stdout.lines().filter(|l| l.contains("Verdict")).collect();
            assert_eq!(verdicts, vec!["- Verdict: **fail**"], "{stdout}");
            assert!(
                !stdout.lines().any(|l| l.starts_with("## forged")),
                "{stdout}"
            );
            assert!(!stdout.lines().any(|l| l == "| all | pass |"), "{stdout}");
        }
        if format == "junit" {
            let doc = roxmltree::Document::parse(&stdout)
                .unwrap_or_else(|e| panic!("{cmd}: JUnit does not parse ({e}):\n{stdout}"));
            assert!(doc.descendants().any(|n| n.has_tag_name("failure")));
        }
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
            let v = if v.is_array() { v[0].clone() } else { v };
            assert!(
                v["enterprise"]["name"]
                    .as_str()
                    .is_some_and(|n| n.contains('\u{1b}') && n.contains('\u{fffe}')),
                "JSON keeps the value exactly: {v}"
            );
        }
    }
}

// ---- 2. One field, one value -------------------------------------------------------------

/// (table, field, a value as TOML/JSON writes it) present in both [`BASE`] and [`JSON_BASE`].
const SCALARS: &[(&str, &str, &str)] = &[
    ("budget", "wage_total", "99000000"),
    ("budget", "year", "2019"),
    ("budget", "average_headcount", "1"),
    ("prior", "wage_total", "1"),
    ("prior", "average_headcount", "1000"),
    ("enterprise", "name", "\"Other\""),
    ("enterprise", "category", "\"functional\""),
    ("enterprise", "ownership", "\"other\""),
];

/// Every way to give one field a second value is an error located at one of the two places
/// it is written; never a filing that reads one of the values.
fn second_value_is_refused(field: usize, how: usize, format: usize) {
    let (table, name, value) = SCALARS[field % SCALARS.len()];
    let path = format!("{table}.{name}");
    let (file, text) = match format % 3 {
        0 => {
            let text = match how % 3 {
                // A quoted dotted key is one literal key, not a path.
                0 => format!("\"{path}\" = {value}\n{BASE}"),
                // The key again in its own table.
                1 => BASE.replacen(
                    &format!("[{table}]\n"),
                    &format!("[{table}]\n{name} = {value}\n"),
                    1,
                ),
                // A dotted key at the top beside the table.
                _ => format!("{path} = {value}\n{BASE}"),
            };
            ("f.toml", text)
        }
        1 => {
            let base = JSON_BASE
                .replace("SBY", "4")
                .replace("MVY", "")
                .replace("YEAR", "2024")
                .replace("PY", "1");
            let text = match how % 3 {
                0 => base.replacen("{\n", &format!("{{\n  \"{path}\": {value},\n"), 1),
                1 => base.replacen(
                    &format!("\"{table}\": {{"),
                    &format!("\"{table}\": {{\"{name}\": {value}, "),
                    1,
                ),
                _ => base.replacen(
                    &format!("\"{table}\": {{"),
                    &format!("\"{table}\": {{\"{name}\": {value}}},\n  \"{table}\": {{"),
                    1,
                ),
            };
            ("f.json", text)
        }
        _ => {
            let v = value.trim_matches('"');
            let (h, r) = match how % 2 {
                0 => (format!("{CSV_HEADER},{path}"), format!("{CSV_ROW},{v}")),
                _ => (format!("{path},{CSV_HEADER}"), format!("{v},{CSV_ROW}")),
            };
            ("f.csv", format!("{h}\n{r}\n"))
        }
    };
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.contains(&path)
                || l.trim_start().starts_with(&format!("{name} ="))
                || l.contains(&format!("\"{name}\""))
                || l.contains(&format!("\"{table}\""))
                || l.starts_with(&format!("[{table}]"))
        })
        .map(|(i, _)| i + 1)
        .collect();
    let errors = if file == "f.csv" {
        let dir = TempDir::new().expect("temp dir");
        let p = write(dir.path(), file, &text);
        let mut errors = Vec::new();
        wagecheck::filing::read::for_each(&[p], |item| match item {
            wagecheck::filing::read::Item::Invalid { errors: e, .. } => errors.extend(e),
            wagecheck::filing::read::Item::Filing { .. } => panic!("read a filing from:\n{text}"),
        });
        errors
    } else {
        match wagecheck::filing::read::parse_str(file, &text) {
            Ok(_) => panic!("a filing was read from:\n{text}"),
            Err(e) => e,
        }
    };
    assert!(
        errors
            .iter()
            .any(|e| e.line.is_some_and(|l| lines.contains(&l))),
        "{path} ({file}, way {how}): {errors:?} not at {lines:?}\n{text}"
    );
}

#[test]
fn a_dotted_key_is_not_a_path() {
    // Before: `"budget.wage_total"` in TOML or JSON was read as the field and won or lost
    // against `[budget]`'s own, by order.
    for format in 0..3 {
        for how in 0..3 {
            second_value_is_refused(0, how, format);
        }
    }
    let errs = wagecheck::filing::read::parse_str(
        "f.toml",
        &format!("\"budget.wage_total\" = 99_000_000\n{BASE}"),
    )
    .expect_err("refused");
    assert_eq!((errs[0].line, errs[0].column), (Some(1), Some(1)));
    assert_eq!(errs[0].field.as_deref(), Some("budget.wage_total"));
    assert!(
        errs[0].message.en.contains("is one name, not a path"),
        "{errs:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn one_field_one_value_in_toml_json_and_csv(field in 0usize..8, how in 0usize..3, format in 0usize..3) {
        second_value_is_refused(field, how, format);
    }
}

// ---- 4. Bounded time and memory: values per document -------------------------------------

#[test]
fn a_document_holds_up_to_a_million_values_and_not_one_more() {
    use wagecheck::input::{MAX_VALUES, parse_json, parse_toml};
    // `x = [` has two of the counted characters; each further `,` one more.
    let toml = |n: usize| format!("x = [{}1]\n", "1,".repeat(n - 2));
    let at = parse_toml("f.toml", &toml(MAX_VALUES));
    assert!(at.is_ok(), "{:?}", at.err());
    let past = parse_toml("f.toml", &toml(MAX_VALUES + 1)).expect_err("one past");
    assert!(past.message.en.contains("too many values"), "{past:?}");
    assert_eq!(
        (past.line, past.column),
        (Some(1), Some(2 * MAX_VALUES + 3))
    );
    let json = |n: usize| format!("{{\"x\": [{}1]}}", "1,".repeat(n - 3));
    assert!(parse_json("f.json", &json(MAX_VALUES)).is_ok());
    let past = parse_json("f.json", &json(MAX_VALUES + 1)).expect_err("one past");
    assert!(past.message.en.contains("too many values"), "{past:?}");
}

// ---- 6. Write errors are errors ----------------------------------------------------------

fn bin() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("wagecheck"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

const EVERY_COMMAND: &[&[&str]] = &[
    &[
        "check",
        "samples/01-pass-competitive.toml",
        "--format",
        "json",
    ],
    &["check", "samples/01-pass-competitive.toml"],
    &["init"],
    &["explain", "samples/01-pass-competitive.toml"],
    &["rules", "show", "benxi-2019"],
    &["rules", "list"],
    &[
        "compare",
        "--rules",
        "benxi-2019",
        "--rules",
        "national-2018",
        "samples/01-pass-competitive.toml",
    ],
    &[
        "batch",
        "samples/01-pass-competitive.toml",
        "--format",
        "jsonl",
    ],
    &["batch", "samples/01-pass-competitive.toml"],
];

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_exits_2_with_a_message() {
    // Before: `check f --format json > /dev/full` exited 0 with no report.
    for args in EVERY_COMMAND {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = bin().args(*args).stdout(full).output().expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot write the output"), "{args:?}: {err}");
    }
    // A closed stdout (`>&-`): the same.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' init >&-",
            assert_cmd::cargo::cargo_bin!("wagecheck").display()
        ))
        .output()
        .expect("sh");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output is closed"));
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    for args in EVERY_COMMAND {
        let mut child = bin()
            .args(*args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reader goes away before anything is read (`| head -0`).
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("panicked") && !err.contains("cannot write"),
            "{args:?}: {err}"
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
}

// ---- 9. Locations everywhere --------------------------------------------------------------

#[test]
fn compare_locates_each_invalid_filing() {
    // Before: "invalid filing: x.toml", the path only.
    let dir = TempDir::new().expect("temp dir");
    write(
        dir.path(),
        "bad.toml",
        &BASE.replacen(
            "standard_budget_years = 4",
            "standard_budget_years = 4.5",
            1,
        ),
    );
    write(
        dir.path(),
        "b.csv",
        &format!("{CSV_HEADER}\n\n{}\n", CSV_ROW.replace("12600000", "-5")),
    );
    let out = wagecheck()
        .current_dir(dir.path())
        .args([
            "compare",
            "--rules",
            "benxi-2019",
            "--rules",
            "national-2018",
            "bad.toml",
            "b.csv",
            "--lang",
            "en",
        ])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.toml:19:25: governance.standard_budget_years:"),
        "{err}"
    );
    assert!(err.contains("b.csv:3:8: budget.wage_total:"), "{err}");
    let out = wagecheck()
        .current_dir(dir.path())
        .args([
            "compare",
            "--rules",
            "benxi-2019",
            "--rules",
            "national-2018",
            "bad.toml",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["errors"][0]["line"], 19);
    assert_eq!(v["errors"][0]["column"], 25);
    assert_eq!(v["errors"][0]["field"], "governance.standard_budget_years");
}

#[test]
fn rules_test_locates_a_bad_set_value_in_the_test_file() {
    // Before: located in the sample filing, at a line of the test file.
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "p.toml", &sanming());
    let tests = dir.path().join("tests/sanming-2019");
    std::fs::create_dir_all(&tests).expect("mkdir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/01-pass-competitive.toml");
    write(
        &tests,
        "t.toml",
        &format!(
            "[[test]]\nname = \"a bad value\"\nfiling = {:?}\nset = {{ \"budget.wage_total\" = \"一千万\" }}\n[test.expect]\nverdict = \"pass\"\n",
            sample.display().to_string()
        ),
    );
    let out = wagecheck()
        .current_dir(dir.path())
        .args(["rules", "test", "p.toml", "--lang", "en"])
        .output()
        .expect("run");
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        all.contains("tests/sanming-2019/t.toml:4:31: budget.wage_total: expected an amount"),
        "{all}"
    );
}

#[test]
fn a_list_field_holds_up_to_64_items() {
    let list = |n: usize| vec!["2010"; n].join(", ");
    let at = wagecheck::filing::read::parse_str(
        "f.toml",
        &BASE.replacen(
            "major_violation_years = []",
            &format!("major_violation_years = [{}]", list(64)),
            1,
        ),
    );
    assert!(at.is_ok(), "{:?}", at.err());
    let past = wagecheck::filing::read::parse_str(
        "f.toml",
        &BASE.replacen(
            "major_violation_years = []",
            &format!("major_violation_years = [{}]", list(65)),
            1,
        ),
    )
    .expect_err("65 items");
    assert_eq!(
        past[0].field.as_deref(),
        Some("governance.major_violation_years")
    );
    assert_eq!((past[0].line, past[0].column), (Some(17), Some(25)));
    assert!(
        past[0]
            .message
            .en
            .contains("too many entries: 65, the limit is 64"),
        "{past:?}"
    );
}

#[test]
fn a_csv_header_holds_up_to_4096_columns() {
    use wagecheck::input::csv::MAX_CSV_COLUMNS;
    // Known columns first, then unknown ones up to the count: at the limit the header is read
    // (and its unknown columns are named); one past it, the header is refused as too wide.
    let header = |n: usize| {
        let mut cols: Vec<String> = CSV_HEADER.split(',').map(str::to_string).collect();
        let known = cols.len();
        cols.extend((known..n).map(|i| format!("x{i}")));
        cols.join(",")
    };
    let (code, _, errors) = csv_errors(&format!("{}\n", header(MAX_CSV_COLUMNS)));
    assert_eq!(code, 2);
    assert!(
        errors.iter().all(|e| !e.3.contains("too many columns")),
        "{:?}",
        &errors[..1]
    );
    assert_eq!(
        errors.len(),
        MAX_CSV_COLUMNS - CSV_HEADER.split(',').count()
    );
    let (code, _, errors) = csv_errors(&format!("{}\n", header(MAX_CSV_COLUMNS + 1)));
    assert_eq!(code, 2);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].0, errors[0].1), (1, 4097));
    assert!(
        errors[0]
            .3
            .contains("too many columns: 4097, the limit is 4096"),
        "{errors:?}"
    );
}

#[test]
fn an_extends_id_is_at_most_128_characters() {
    let dir = TempDir::new().expect("temp dir");
    let at = "a".repeat(128);
    let p = write(
        dir.path(),
        "c.toml",
        &sanming().replacen(
            "\nextends = \"benxi-2019\"",
            &format!("\nextends = \"{at}\""),
            1,
        ),
    );
    let (code, out) = lint(&p);
    assert_eq!(code, 2);
    assert!(out.contains("not found"), "{out}");
    let past = "a".repeat(129);
    let p = write(
        dir.path(),
        "c.toml",
        &sanming().replacen(
            "\nextends = \"benxi-2019\"",
            &format!("\nextends = \"{past}\""),
            1,
        ),
    );
    let (code, out) = lint(&p);
    assert_eq!(code, 2);
    assert!(out.contains("not a path"), "{out}");
}

/// The header check sees each column as the header mapping reads it: Chinese labels, units
/// (`预算工资总额（万元）`) and `指标1权重` are fields; a field named twice, in two spellings,
/// is a duplicate at its own column; an unknown column is located as before.
#[test]
fn a_header_check_accepts_labels_and_units_and_finds_duplicates_across_spellings() {
    let (code, _, errors) = csv_errors("企业名称,预算工资总额（万元）,指标1权重,bogus\n");
    assert_eq!(code, 2);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].0, errors[0].1, errors[0].2.as_str()),
        (1, 4, "bogus")
    );
    assert!(errors[0].3.contains("unknown field"), "{errors:?}");
    let (code, _, errors) = csv_errors("enterprise.name,budget.wage_total,预算工资总额（万元）\n");
    assert_eq!(code, 2);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].0, errors[0].1, errors[0].2.as_str()),
        (1, 3, "预算工资总额（万元）")
    );
    assert!(
        errors[0].3.contains("duplicate field (already column 2)"),
        "{errors:?}"
    );
}

/// A GBK file (decoded as GB18030) keeps exact lines: a blank line and a quoted line break
/// before a bad row, and a stray quote, are located as in a UTF-8 file.
#[test]
fn gbk_csv_lines_are_exact() {
    let row = |name: &str, total: &str| {
        CSV_ROW
            .replace(",x,", &format!(",{name},"))
            .replace("12600000", total)
    };
    let text = format!(
        "{CSV_HEADER}\n\n{}\n{}\n{}\n",
        row("\"本溪\n钢铁\"", "12600000"),
        row("本溪水务", "一千万"),
        row("\"本溪", "1")
    );
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let dir = TempDir::new().expect("temp dir");
    std::fs::write(dir.path().join("g.csv"), &bytes).expect("write");
    let out = wagecheck()
        .current_dir(dir.path())
        .args(["batch", "g.csv", "--format", "jsonl", "--lang", "en"])
        .output()
        .expect("run");
    let mut errors = Vec::new();
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("json line");
        for e in v["errors"].as_array().into_iter().flatten() {
            errors.push((
                e["line"].as_u64().unwrap_or(0),
                e["column"].as_u64().unwrap_or(0),
                e["message"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    // Header line 1, blank line 2, a row on lines 3–4, the bad amount on line 5 (column 8),
    // the stray quote opening on line 6 (column 3).
    assert_eq!((errors[0].0, errors[0].1), (5, 8), "{errors:?}");
    assert_eq!((errors[1].0, errors[1].1), (6, 3), "{errors:?}");
    assert!(errors[1].2.contains("never closed"), "{errors:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("GB18030"),
        "the GBK note"
    );
}
