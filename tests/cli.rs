//! The command line: exit codes, the JSON report, languages, stdout hygiene, `explain`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::BASE;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn wagecheck() -> Command {
    let mut c = Command::cargo_bin("wagecheck").expect("the wagecheck binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

struct Files {
    dir: TempDir,
}

impl Files {
    fn new() -> Files {
        Files {
            dir: TempDir::new().expect("temp dir"),
        }
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write temp file");
        p
    }
    /// The base filing with one replacement.
    fn variant(&self, name: &str, from: &str, to: &str) -> PathBuf {
        assert_eq!(BASE.matches(from).count(), 1, "{from:?}");
        self.write(name, &BASE.replacen(from, to, 1))
    }
}

fn stdout_json(out: &std::process::Output) -> Value {
    let text = String::from_utf8(out.stdout.clone()).expect("utf-8 stdout");
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{text}"))
}

/// No JSON number anywhere: every number is a decimal string.
fn assert_no_json_numbers(v: &Value, path: &str) {
    match v {
        Value::Number(n) => panic!("{path} is a JSON number {n}, not a decimal string"),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_no_json_numbers(x, &format!("{path}[{i}]"));
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                assert_no_json_numbers(x, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------ exit codes

#[test]
fn sample_01_passes_with_exit_0() {
    wagecheck()
        .arg("check")
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("12,960,000.00"));
}

#[test]
fn base_filing_passes_with_exit_0() {
    let f = Files::new();
    let p = f.write("base.toml", BASE);
    wagecheck()
        .args(["check", "--lang", "en"])
        .arg(&p)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("pass"));
}

#[test]
fn failing_filing_exits_1() {
    let f = Files::new();
    // 12,960,000.01 is one cent over the cap 12,960,000.00
    let p = f.variant(
        "over.toml",
        "wage_total = 12_600_000",
        "wage_total = 12_960_000.01",
    );
    wagecheck()
        .args(["check", "--lang", "en"])
        .arg(&p)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("fail"));
}

#[test]
fn invalid_filing_exits_2() {
    let f = Files::new();
    let p = f.variant(
        "typo.toml",
        "wage_total = 12_600_000",
        "wage_totl = 12_600_000",
    );
    wagecheck()
        .args(["check", "--lang", "en"])
        .arg(&p)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("budget.wage_totl"))
        .stdout(predicate::str::contains("did you mean `wage_total`"));
}

#[test]
fn missing_file_exits_2() {
    let f = Files::new();
    wagecheck()
        .arg("check")
        .arg(f.dir.path().join("no-such-filing.toml"))
        .assert()
        .code(2);
}

#[test]
fn unknown_pack_exits_2_with_nothing_on_stdout() {
    wagecheck()
        .args(["check", "--rules", "no-such-pack", "--lang", "en"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("no-such-pack"));
}

#[test]
fn bad_usage_exits_2() {
    wagecheck()
        .args(["check", "--no-such-flag"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
    wagecheck()
        .args(["frobnicate"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty());
    // `check` without a filing
    wagecheck().arg("check").assert().code(2);
    // a value not in the list
    wagecheck()
        .args(["check", "--format", "yaml"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(2);
    wagecheck()
        .args(["check", "--deny", "fail"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(2);
}

#[test]
fn deny_review_turns_review_into_1() {
    let f = Files::new();
    // HQ average wage growth 5% above the all-staff 4.16%: internal.hq_growth is review
    let p = f.variant(
        "review.toml",
        "hq_average_wage_growth = \"3%\"",
        "hq_average_wage_growth = \"5%\"",
    );
    wagecheck()
        .args(["check", "--format", "json"])
        .arg(&p)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"verdict\": \"review\""));
    wagecheck()
        .args(["check", "--deny", "review"])
        .arg(&p)
        .assert()
        .code(1);
    // a pass stays 0 under --deny review
    wagecheck()
        .args(["check", "--deny", "review"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(0);
}

#[test]
fn out_of_scope_exits_0() {
    let f = Files::new();
    let p = f.variant(
        "oos.toml",
        "ownership = \"wholly_owned\"",
        "ownership = \"other\"",
    );
    let out = wagecheck()
        .args(["check", "--format", "json", "--deny", "review"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_json(&out)["verdict"], "out_of_scope");
}

#[test]
fn highest_exit_code_wins_in_a_batch() {
    let f = Files::new();
    let pass = f.write("pass.toml", BASE);
    let fail = f.variant(
        "fail.toml",
        "wage_total = 12_600_000",
        "wage_total = 13_000_000",
    );
    let invalid = f.variant("bad.toml", "wage_total = 12_600_000", "wage_total = true");
    wagecheck()
        .arg("check")
        .args([&pass, &fail])
        .assert()
        .code(1);
    wagecheck()
        .arg("check")
        .args([&fail, &invalid, &pass])
        .assert()
        .code(2);
    // one bad filing does not hide the others: three reports
    let out = wagecheck()
        .args(["check", "--format", "json"])
        .args([&fail, &invalid, &pass])
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let verdicts: Vec<&str> = v
        .as_array()
        .expect("an array for several filings")
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, vec!["fail", "invalid", "pass"]);
}

#[test]
fn year_before_benxi_is_in_force_exits_2() {
    let f = Files::new();
    let p = f.variant("y2018.toml", "year = 2024", "year = 2018");
    let out = wagecheck()
        .args(["check", "--lang", "en"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("in force"), "{all}");
    assert!(all.contains("2018-01-01"), "{all}");
    assert!(all.contains("budget.year"), "{all}");

    // and in JSON: an invalid report with the position of budget.year
    let out = wagecheck()
        .args(["check", "--lang", "en", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v = stdout_json(&out);
    assert_eq!(v["verdict"], "invalid");
    let e = &v["errors"][0];
    assert_eq!(e["field"], "budget.year");
    let line = BASE.lines().position(|l| l == "year = 2024").unwrap() + 1;
    assert_eq!(e["line"], line);
    assert!(e["message"].as_str().unwrap().contains("in force"));

    // 2019 is the first year Benxi is in force
    let p = f.variant("y2019.toml", "year = 2024", "year = 2019");
    let out = wagecheck()
        .args(["check", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_ne!(stdout_json(&out)["verdict"], "invalid");
}

// ------------------------------------------------------------------------------------ JSON

#[test]
fn json_report_shape_and_decimal_strings() {
    let out = wagecheck()
        .args(["check", "--format", "json"])
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    assert_eq!(v["schema"], "wagecheck/report/v1");
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["kind"], "budget");
    assert_eq!(v["pack"]["id"], "benxi-2019");
    assert_eq!(
        v["pack"]["chain"],
        serde_json::json!(["national-2018", "benxi-2019"])
    );
    assert_eq!(v["required_regime"], "filing");
    // 12,000,000 × 1.08 = 12,960,000.00; 12,600,000 − 12,960,000 = −360,000.00
    assert_eq!(v["cap"]["max_wage_total"], "12960000.00");
    assert_eq!(v["cap"]["excess"], "-360000.00");
    assert_eq!(v["cap"]["binding_rule"], "linkage.growth_cap");
    assert_eq!(v["cap"]["wage_growth"], "0.08");
    assert_eq!(v["quantities"]["wage_growth"], "0.05");
    assert_eq!(v["quantities"]["efficiency_growth"], "0.08");
    assert!(v.get("clearing").is_none(), "no clearing for a budget");
    let rules = v["rules"].as_array().expect("rules");
    let cap_rule = rules
        .iter()
        .find(|r| r["id"] == "linkage.growth_cap")
        .expect("growth cap rule");
    assert_eq!(cap_rule["status"], "pass");
    assert_eq!(cap_rule["allowed_total"], "12960000.00");
    for r in rules {
        assert!(r["id"].is_string() && r["status"].is_string() && r["message"].is_string());
    }
    assert_no_json_numbers(&v, "report");
}

#[test]
fn json_max_wage_total_has_two_decimals() {
    let f = Files::new();
    // base 12,345,678.91 × 1.08 = 13,333,333.2228 → 13,333,333.22
    let p = f.variant(
        "odd.toml",
        "wage_total = 12_000_000",
        "wage_total = 12_345_678.91",
    );
    let out = wagecheck()
        .args(["check", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let max = v["cap"]["max_wage_total"].as_str().expect("a string");
    assert_eq!(max, "13333333.22");
    // 12,600,000 − 13,333,333.22 = −733,333.22
    assert_eq!(v["cap"]["excess"], "-733333.22");
    assert_no_json_numbers(&v, "report");
}

#[test]
fn json_invalid_report_has_errors() {
    let f = Files::new();
    let p = f.variant(
        "typo.toml",
        "wage_total = 12_600_000",
        "wage_totl = 12_600_000",
    );
    let out = wagecheck()
        .args(["check", "--format", "json", "--lang", "en"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v = stdout_json(&out);
    assert_eq!(v["schema"], "wagecheck/report/v1");
    assert_eq!(v["verdict"], "invalid");
    assert!(v.get("rules").is_none_or(Value::is_null));
    let errors = v["errors"].as_array().expect("errors");
    let e = errors
        .iter()
        .find(|e| e["field"] == "budget.wage_totl")
        .expect("an error for budget.wage_totl");
    let line = BASE
        .lines()
        .position(|l| l.starts_with("wage_total = 12_600_000"))
        .unwrap()
        + 1;
    assert_eq!(e["line"], line);
    assert_eq!(e["column"], 1);
    assert!(e["file"].as_str().unwrap().ends_with("typo.toml"));
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `wage_total`")
    );
}

#[test]
fn jsonl_is_one_report_a_line() {
    let f = Files::new();
    let a = f.write("a.toml", BASE);
    let b = f.variant(
        "b.toml",
        "wage_total = 12_600_000",
        "wage_total = 13_000_000",
    );
    let out = wagecheck()
        .args(["check", "--format", "jsonl"])
        .args([&a, &b])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    let verdicts: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            v["verdict"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(verdicts, vec!["pass", "fail"]);
}

// ------------------------------------------------------------------------------- languages

#[test]
fn lang_en_and_zh_differ() {
    let run = |lang: &str| {
        let out = wagecheck()
            .args(["check", "--format", "json", "--lang", lang])
            .arg(sample("01-pass-competitive.toml"))
            .output()
            .unwrap();
        stdout_json(&out)
    };
    let en = run("en");
    let zh = run("zh");
    let msg = |v: &Value| {
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "linkage.growth_cap")
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(msg(&en), msg(&zh));
    assert!(msg(&en).contains("efficiency"), "{}", msg(&en));
    assert!(msg(&zh).contains("效益"), "{}", msg(&zh));
    // same verdict and amounts either way
    assert_eq!(en["verdict"], zh["verdict"]);
    assert_eq!(en["cap"], zh["cap"]);

    // the table output too
    let en = wagecheck()
        .args(["check", "--lang", "en"])
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    let zh = wagecheck()
        .args(["check", "--lang", "zh"])
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    assert_ne!(en.stdout, zh.stdout);
    // zh is the default
    let default = wagecheck()
        .arg("check")
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    assert_eq!(default.stdout, zh.stdout);
}

#[test]
fn invalid_filing_errors_in_both_languages() {
    let f = Files::new();
    let p = f.variant("bool.toml", "wage_total = 12_600_000", "wage_total = true");
    let en = wagecheck()
        .args(["check", "--lang", "en"])
        .arg(&p)
        .output()
        .unwrap();
    let zh = wagecheck()
        .args(["check", "--lang", "zh"])
        .arg(&p)
        .output()
        .unwrap();
    let en = String::from_utf8(en.stdout).unwrap();
    let zh = String::from_utf8(zh.stdout).unwrap();
    assert!(en.contains("expected an amount"), "{en}");
    assert!(zh.contains("应为"), "{zh}");
    assert!(en.contains("budget.wage_total") && zh.contains("budget.wage_total"));
}

// --------------------------------------------------------------------------- stdout hygiene

#[test]
fn nothing_but_the_report_on_stdout() {
    // JSON: stdout is exactly one JSON document; a successful run writes nothing to stderr
    let out = wagecheck()
        .args(["check", "--format", "json"])
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    stdout_json(&out);
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A pack that fails to load: its errors on stderr, and under --format json a JSON error
    // document on stdout (a program reading stdout still reads JSON); none for the table.
    let out = wagecheck()
        .args(["check", "--format", "json", "--rules", "no-such-pack"])
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
    let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON error document");
    assert_eq!(doc["schema"], "wagecheck/report/v1");
    assert_eq!(doc["verdict"], "invalid");
    assert_eq!(doc["error"], "pack");
    assert!(doc["errors"][0]["message"].is_string(), "{doc}");
    for cmd in [
        ["batch", "--format", "jsonl"],
        ["explain", "--format", "json"],
    ] {
        let out = wagecheck()
            .args(cmd)
            .args(["--rules", "no-such-pack"])
            .arg(sample("01-pass-competitive.toml"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON error document");
        assert_eq!(doc["verdict"], "invalid", "{cmd:?}");
    }
    wagecheck()
        .args(["check", "--rules", "no-such-pack"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty().not());
    // usage errors go to stderr
    wagecheck()
        .args(["check", "--bogus"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("--bogus"));
}

// ---------------------------------------------------------------------------------- --rules

#[test]
fn rules_by_id_and_by_path() {
    // national-2018 leaves the "clearly above" multiple unset: restricted growth is review
    let out = wagecheck()
        .args(["check", "--format", "json", "--rules", "national-2018"])
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = stdout_json(&out);
    assert_eq!(v["pack"]["id"], "national-2018");
    assert_eq!(v["verdict"], "review");
    wagecheck()
        .args(["check", "--rules", "national-2018", "--deny", "review"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(1);

    // a pack file by path: Benxi with 80% instead of 70%
    let f = Files::new();
    let benxi = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/benxi-2019.toml"),
    )
    .unwrap();
    let pack = f.write("benxi-80.toml", &benxi.replace("\"70%\"", "\"80%\""));
    // productivity flat: restricted; 80% × 8% = 6.4%; 12,000,000 × 1.064 = 12,768,000.00
    let filing = f.variant("flat.toml", "budget = 416_000", "budget = 400_000");
    let out = wagecheck()
        .args(["check", "--format", "json", "--rules"])
        .arg(&pack)
        .arg(&filing)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    assert_eq!(v["cap"]["max_wage_total"], "12768000.00");
    assert_eq!(v["cap"]["binding_rule"], "linkage.restricted_growth");
    // built in: 70% × 8% = 5.6%; 12,000,000 × 1.056 = 12,672,000.00
    let out = wagecheck()
        .args(["check", "--format", "json"])
        .arg(&filing)
        .output()
        .unwrap();
    assert_eq!(stdout_json(&out)["cap"]["max_wage_total"], "12672000.00");
}

#[test]
fn broken_pack_file_exits_2_with_position() {
    let f = Files::new();
    let pack = f.write(
        "broken.toml",
        "[pack]\nid = \"broken\"\ntitle = { zh = \"坏\", en = \"broken\" }\ndocument = \"t\"\n\
         jurisdiction = \"t\"\nextends = \"benxi-2019\"\neffective_from = 2019-01-01\n\n\
         [[rule]]\nid = \"linkage.growth_cap\"\nbound = \"efficency_growth\"\n",
    );
    let out = wagecheck()
        .args(["check", "--lang", "en", "--rules"])
        .arg(&pack)
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.toml:11:"), "{err}");
    assert!(err.contains("rule.linkage.growth_cap.bound"), "{err}");
    assert!(err.contains("efficency_growth"), "{err}");
}

// ---------------------------------------------------------------------------------- explain

#[test]
fn explain_prints_the_formulas() {
    let out = wagecheck()
        .args(["explain", "--lang", "en"])
        .arg(sample("01-pass-competitive.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("budget.wage_total / base_wage_total - 1"),
        "{text}"
    );
    assert!(
        text.contains("dot(indicator.weight, indicator.growth)"),
        "{text}"
    );
    assert!(text.contains("linkage.growth_cap"), "{text}");
    assert!(text.contains("二(三)1"), "{text}");
}

#[test]
fn explain_one_rule_and_unknown_rule() {
    wagecheck()
        .args(["explain", "--lang", "en", "--rule", "linkage.growth_cap"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("linkage.growth_cap"));
    wagecheck()
        .args(["explain", "--rule", "no.such.rule"])
        .arg(sample("01-pass-competitive.toml"))
        .assert()
        .code(2);
}

#[test]
fn explain_exit_code_follows_the_verdict() {
    let f = Files::new();
    let p = f.variant(
        "over.toml",
        "wage_total = 12_600_000",
        "wage_total = 13_000_000",
    );
    wagecheck().arg("explain").arg(&p).assert().code(1);
}

// ------------------------------------------------------------------------------------ rules

#[test]
fn rules_list_names_the_builtin_packs() {
    wagecheck()
        .args(["rules", "list", "--lang", "en"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("benxi-2019"))
        .stdout(predicate::str::contains("national-2018"));
}

#[test]
fn check_reads_standard_input() {
    let toml = std::fs::read(sample("02-over-cap.toml")).unwrap();
    let out = wagecheck()
        .args(["check", "-", "--format", "json"])
        .write_stdin(toml)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    assert_eq!(v["source"], "<stdin>");
    assert_eq!(v["verdict"], "fail");
    assert_eq!(out.status.code(), Some(1));

    // JSON on standard input needs `--input-format json`; its errors are located in <stdin>.
    let out = wagecheck()
        .args(["check", "-", "--input-format", "json", "--format", "json"])
        .args(["--lang", "en"])
        .write_stdin("{\"schema\": 1,}")
        .output()
        .unwrap();
    let v = stdout_json(&out);
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(v["errors"][0]["file"], "<stdin>");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("JSON syntax error"),
        "{v}"
    );
    assert_eq!(out.status.code(), Some(2));
}
