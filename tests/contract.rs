//! End-to-end contract checks: the pack is policy (70% → 80% changes verdicts without Rust),
//! exit codes, JSON shape, and a batch that accounts for every row.

use std::process::Command;

use rust_decimal_macros::dec;
use wagecheck::engine::{Options, Verdict, evaluate, validate};
use wagecheck::pack::{Registry, Status};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wagecheck"))
}

#[test]
fn changing_70_to_80_percent_in_the_pack_changes_the_verdict() {
    // samples/03: productivity fell, so growth is limited to a share of efficiency growth.
    let filing = wagecheck::filing::read_file("samples/03-restricted-70.toml".as_ref()).unwrap();
    let text = std::fs::read_to_string("rules/benxi-2019.toml").unwrap();
    assert!(text.contains("\"70%\""));
    let benxi = Registry::new().load("benxi-2019").unwrap();
    let edited = text.replace("\"70%\"", "\"80%\"");
    let benxi80 = Registry::compile_text("benxi-80.toml", &edited, None).unwrap();
    assert!(validate(&filing, &benxi).is_empty());

    let a = evaluate(&filing, &benxi, Options::default());
    let b = evaluate(&filing, &benxi80, Options::default());
    // Efficiency growth 2957/51100 (0.6 × 5% + 0.4 × …); base 12,345,678; proposal 12,962,962.
    // 70%: 12,345,678 × (1 + 0.7 × 0.0578669…) = 12,845,762.518… → 12,845,762.51 (fail)
    // 80%: 12,345,678 × (1 + 0.8 × 0.0578669…) = 12,917,203.163… → 12,917,203.16 (still below
    //      the proposal, so it fails too, but on a different amount).
    let ca = a.cap.clone().unwrap();
    let cb = b.cap.clone().unwrap();
    assert_eq!(ca.max_wage_total, dec!(12845762.51));
    assert_eq!(ca.binding_rule, "linkage.restricted_growth");
    assert_eq!(cb.max_wage_total, dec!(12917203.16));
    assert_eq!(cb.binding_rule, "linkage.restricted_growth");
}

#[test]
fn a_higher_share_turns_a_fail_into_a_pass() {
    let mut text = std::fs::read_to_string("samples/03-restricted-70.toml").unwrap();
    // 12,900,000 is over the 70% cap (12,845,762.51) and under the 80% one.
    let start = text.find("wage_total = ").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    assert!(text[start..end].contains("12"));
    text.replace_range(start..end, "wage_total = 12_900_000");
    let filing = wagecheck::filing::parse_str("x.toml", &text).unwrap();
    let pack70 = Registry::new().load("benxi-2019").unwrap();
    let edited = std::fs::read_to_string("rules/benxi-2019.toml")
        .unwrap()
        .replace("\"70%\"", "\"80%\"");
    let pack80 = Registry::compile_text("benxi-80.toml", &edited, None).unwrap();
    let v70 = evaluate(&filing, &pack70, Options::default());
    let v80 = evaluate(&filing, &pack80, Options::default());
    let status =
        |e: &wagecheck::engine::Evaluation| e.rule("linkage.restricted_growth").unwrap().status;
    assert_eq!(status(&v70), Status::Fail);
    assert_eq!(status(&v80), Status::Pass);
    assert_eq!(v70.verdict, Verdict::Fail);
}

#[test]
fn exit_codes() {
    let code = |args: &[&str]| bin().args(args).output().unwrap().status.code();
    assert_eq!(
        code(&["check", "samples/01-pass-competitive.toml"]),
        Some(0)
    );
    assert_eq!(code(&["check", "samples/02-over-cap.toml"]), Some(1));
    assert_eq!(code(&["check", "samples/06-missing-data.toml"]), Some(0));
    assert_eq!(
        code(&["check", "samples/06-missing-data.toml", "--deny", "review"]),
        Some(1)
    );
    assert_eq!(code(&["check", "samples/07-out-of-scope.toml"]), Some(0));
    assert_eq!(code(&["check", "no/such/file.toml"]), Some(2));
    assert_eq!(
        code(&[
            "check",
            "samples/01-pass-competitive.toml",
            "--rules",
            "no-such-pack"
        ]),
        Some(2)
    );
    assert_eq!(code(&["check", "--no-such-flag", "x"]), Some(2));
    assert_eq!(code(&["batch", "samples/batch-2024.csv"]), Some(2));
}

#[test]
fn json_report_shape_and_exact_strings() {
    let out = bin()
        .args([
            "check",
            "samples/08-annual-return.toml",
            "--format",
            "json",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "wagecheck/report/v1");
    assert_eq!(v["verdict"], "fail");
    assert_eq!(v["kind"], "annual_return");
    assert_eq!(
        v["pack"]["chain"],
        serde_json::json!(["national-2018", "benxi-2019"])
    );
    // Cleared on actual results: 12,000,000 × (1 + 0.7 × 0.046) = 12,386,400.00.
    assert_eq!(v["cap"]["max_wage_total"], "12386400.00");
    assert_eq!(v["clearing"]["cleared_wage_total"], "12386400.00");
    // max(0, 12,550,000 − min(12,600,000, 12,386,400)) = 163,600.00
    assert_eq!(v["clearing"]["to_recover"], "163600.00");
    let rules = v["rules"].as_array().unwrap();
    let status = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap()["status"].clone();
    assert_eq!(status("execution.clearing"), "fail");
    assert_eq!(status("execution.within_budget"), "pass");
    assert_eq!(status("execution.report_deadline"), "pass");
    assert_eq!(status("disclosure.deadline"), "pass");
}

#[test]
fn report_deadline_boundary_31_july_and_1_august() {
    let base = std::fs::read_to_string("samples/08-annual-return.toml").unwrap();
    for (date, expected) in [("2025-07-31", Status::Pass), ("2025-08-01", Status::Fail)] {
        let text = base.replace(
            "report_filed_on = 2025-07-20",
            &format!("report_filed_on = {date}"),
        );
        let f = wagecheck::filing::parse_str("r.toml", &text).unwrap();
        let p = Registry::new().load("benxi-2019").unwrap();
        let e = evaluate(&f, &p, Options::default());
        let r = e.rule("execution.report_deadline").unwrap();
        assert_eq!(r.status, expected, "{date}");
    }
    let text = base.replace("report_filed_on = 2025-07-20\n", "");
    let f = wagecheck::filing::parse_str("r.toml", &text).unwrap();
    let p = Registry::new().load("benxi-2019").unwrap();
    let e = evaluate(&f, &p, Options::default());
    let r = e.rule("execution.report_deadline").unwrap();
    assert_eq!(r.status, Status::Review);
    assert_eq!(r.unknown, vec!["execution.report_filed_on".to_string()]);
}

#[test]
fn batch_accounts_for_every_row_in_order() {
    let out = bin()
        .args(["batch", "samples/batch-2024.csv", "--format", "jsonl"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 60);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["row"], i + 1);
    }
    let invalid: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["verdict"] == "invalid").collect();
    assert_eq!(invalid.len(), 6);
    // Row 6: "一千万" is not a number; the error names the file line (7), column and field.
    let e = &lines[5]["errors"][0];
    assert_eq!(e["field"], "budget.wage_total");
    assert_eq!(e["line"], 7);
    assert_eq!(e["column"], 17);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn junit_has_one_testcase_per_filing() {
    let out = bin()
        .args(["batch", "samples/batch-2024.csv", "--format", "junit"])
        .output()
        .unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 60);
    assert!(xml.contains("tests=\"60\""));
    assert!(xml.trim_end().ends_with("</testsuites>"));
}

#[test]
fn bad_inputs_are_located() {
    let base = std::fs::read_to_string("samples/01-pass-competitive.toml").unwrap();
    // A misspelt field: its own line and column, with a suggestion.
    let text = base.replace("wage_total = 12_600_000", "wage_totl = 12_600_000");
    let errs = wagecheck::filing::parse_str("f.toml", &text).unwrap_err();
    let line = text
        .lines()
        .position(|l| l.starts_with("wage_totl"))
        .unwrap()
        + 1;
    let e = errs
        .iter()
        .find(|e| e.field.as_deref() == Some("budget.wage_totl"))
        .unwrap();
    assert_eq!((e.line, e.column), (Some(line), Some(1)));
    assert!(e.message.en.contains("did you mean `wage_total`"));
    // A wrong type.
    let text = base.replace("wage_total = 12_600_000", "wage_total = true");
    let errs = wagecheck::filing::parse_str("f.toml", &text).unwrap_err();
    let e = &errs[0];
    assert_eq!(e.field.as_deref(), Some("budget.wage_total"));
    assert_eq!((e.line, e.column), (Some(line), Some(14)));
    assert!(e.message.en.contains("found true"));
    assert_ne!(e.message.zh, e.message.en);
}
