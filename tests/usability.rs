//! What a newcomer meets: the national average wage for a year the pack's table lacks.

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::BASE;

fn wagecheck() -> Command {
    let mut c = Command::cargo_bin("wagecheck").expect("the wagecheck binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("WAGECHECK_TODAY", "2026-06-30");
    c
}

fn json(path: &std::path::Path, lang: &str) -> Value {
    let out = wagecheck()
        .args([
            "check",
            path.to_str().expect("utf-8"),
            "--format",
            "json",
            "--lang",
            lang,
        ])
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

fn rule<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == id)
        .expect("the rule")
}

/// Budget year 2026 needs the 2025 figure, which the built-in table (to 2024) lacks: the rule
/// that needs it is `review`, its message says how to supply the figure, and none is invented.
#[test]
fn a_year_missing_from_the_table_says_how_to_supply_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Productivity and labour cost settle nothing here: only the wage level could trigger.
    let path = dir.path().join("y2026.toml");
    std::fs::write(&path, BASE.replace("year = 2024", "year = 2026")).expect("write");

    let en = json(&path, "en");
    assert_eq!(en["verdict"], "review");
    assert_eq!(en["quantities"]["national_average_wage"], Value::Null);
    let r = rule(&en, "linkage.restricted_growth");
    assert_eq!(r["status"], "review");
    let m = r["message"].as_str().expect("message");
    for part in [
        "national_average_wage_series",
        "has no row for 2025",
        "it covers 2016–2024",
        "give benchmarks.national_average_wage in the filing",
        "add the row 2025 to [tables.national_average_wage_series] in a child pack",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
    let zh = json(&path, "zh");
    let m = rule(&zh, "linkage.restricted_growth")["message"]
        .as_str()
        .expect("message");
    for part in [
        "没有 2025 年的数据",
        "现有 2016–2024 年",
        "在申报中填写 benchmarks.national_average_wage",
        "在子规则包的 [tables.national_average_wage_series] 中补上 2025 年",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }

    // Supplied in the filing, the figure settles the rule.
    let given = dir.path().join("given.toml");
    std::fs::write(
        &given,
        format!(
            "{}\n[benchmarks]\nnational_average_wage = 130_000\n",
            BASE.replace("year = 2024", "year = 2026")
        ),
    )
    .expect("write");
    let en = json(&given, "en");
    assert_eq!(en["verdict"], "pass");
    assert_eq!(en["quantities"]["national_average_wage"], "130000");
    assert_eq!(
        rule(&en, "linkage.restricted_growth")["status"],
        "not_applicable"
    );

    // So does a child pack that adds the row, as the README shows.
    let pack = dir.path().join("benxi-local.toml");
    std::fs::write(
        &pack,
        r#"[pack]
id = "benxi-local"
title = { zh = "本溪（补 2025 年全国平均工资）", en = "Benxi (with the 2025 national average wage)" }
document = "本政发〔2019〕5号"
issuer = { zh = "本溪市人民政府", en = "Benxi Municipal Government" }
jurisdiction = "benxi"
extends = "benxi-2019"
effective_from = 2019-01-01

[tables.national_average_wage_series]
rows = { 2025 = 130000 }
"#,
    )
    .expect("write pack");
    let out = wagecheck()
        .args([
            "check",
            path.to_str().expect("utf-8"),
            "--format",
            "json",
            "--lang",
            "en",
        ])
        .args(["--rules", pack.to_str().expect("utf-8")])
        .output()
        .expect("run");
    let en: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(en["verdict"], "pass");
    assert_eq!(en["quantities"]["national_average_wage"], "130000");
}

#[test]
fn init_shows_the_national_average_wage_field() {
    for lang in ["zh", "en"] {
        for category in ["competitive", "functional"] {
            let out = wagecheck()
                .args(["init", "--lang", lang, "--category", category])
                .output()
                .expect("run");
            let text = String::from_utf8(out.stdout).expect("utf-8");
            assert!(text.contains("[benchmarks]"), "{lang} {category}");
            assert!(
                text.contains("# national_average_wage = …"),
                "{lang} {category}: the field is shown, commented out"
            );
        }
    }
}

fn run(args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = wagecheck();
    c.args(args).env_remove("NO_COLOR").env_remove("COLUMNS");
    for (k, v) in envs {
        c.env(k, v);
    }
    let out = c.output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// `batch --only fail --sort excess`: only the failing filings, largest excess first; the
/// summary still counts every filing.
#[test]
fn batch_only_fail_sorted_by_excess() {
    let (code, out, _) = run(
        &[
            "batch",
            "samples/batch-2024.csv",
            "--only",
            "fail",
            "--sort",
            "excess",
            "--lang",
            "en",
        ],
        &[],
    );
    assert_eq!(code, 2, "the exit code still counts the invalid rows");
    assert!(out.contains("│ filings                    ┆ 60"), "{out}");
    let blocks: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(['┌', '│', '╞', '└', '├', ' ']))
        .collect();
    assert_eq!(
        blocks.len(),
        34,
        "every failing filing, nothing else:\n{out}"
    );
    assert!(blocks.iter().all(|l| l.starts_with("fail ")), "{blocks:?}");
    // Each names the enterprise and its row.
    assert!(
        blocks[0].contains("本溪燃气第19有限公司")
            && blocks[0].ends_with("samples/batch-2024.csv#19"),
        "{}",
        blocks[0]
    );
    // Largest excess first.
    let excess: Vec<f64> = out
        .lines()
        .filter_map(|l| l.split("over the cap by ").nth(1))
        .map(|x| {
            x.trim_end_matches(" yuan")
                .replace(',', "")
                .parse()
                .expect("an amount")
        })
        .collect();
    assert!(excess.len() > 10);
    assert!(excess.windows(2).all(|w| w[0] >= w[1]), "{excess:?}");

    // The same in JSON Lines: only fails, the same order.
    let (_, jsonl, _) = run(
        &[
            "batch",
            "samples/batch-2024.csv",
            "--only",
            "fail",
            "--sort",
            "excess",
            "--format",
            "jsonl",
        ],
        &[],
    );
    let rows: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(rows.len(), 34);
    assert!(rows.iter().all(|r| r["verdict"] == "fail"));
    assert_eq!(rows[0]["row"], 19);

    // By name; and review with invalid.
    let (_, out, _) = run(
        &[
            "batch",
            "samples/batch-2024.csv",
            "--only",
            "review,invalid",
            "--sort",
            "verdict",
            "--lang",
            "en",
        ],
        &[],
    );
    let verdicts: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(['┌', '│', '╞', '└', '├', ' ']))
        .map(|l| l.split("  ").next().unwrap_or("").trim())
        .collect();
    assert_eq!(verdicts.len(), 14, "{out}");
    assert!(
        verdicts[..6].iter().all(|v| *v == "invalid")
            && verdicts[6..].iter().all(|v| *v == "review"),
        "{verdicts:?}"
    );
}

/// `explain FILE.csv#2`-style work aside, a batch's Markdown opens with a heading, not a box.
#[test]
fn batch_markdown_has_no_box_drawing() {
    let (_, out, _) = run(
        &["batch", "samples/batch-2024.csv", "--format", "markdown"],
        &[],
    );
    assert!(out.starts_with("## "), "{out}");
    assert!(!out.contains(['┌', '│', '╞', '└']), "{out}");
    assert!(out.contains("| 本溪水务第2有限公司 | samples/batch-2024.csv\\#2 | 不通过 | 72,932,166.00 | 2,917,287.00 |"), "{out}");
}

/// The width is the terminal's (COLUMNS here): at 80 columns no line is wider than 80.
#[test]
fn eighty_columns_fit() {
    use unicode_width::UnicodeWidthStr as _;
    for args in [
        vec!["check", "samples/03-restricted-70.toml"],
        vec!["check", "samples/06-missing-data.toml", "--lang", "en"],
        vec!["explain", "samples/08-annual-return.toml"],
        vec!["batch", "samples/batch-2024.csv"],
    ] {
        let (_, out, _) = run(&args, &[("COLUMNS", "80")]);
        let mut in_trace = false;
        for line in out.lines() {
            // The trace quotes formulas as written (indented lines); everything else fits.
            in_trace |= line.starts_with("== 数量 ==");
            if in_trace && line.starts_with("  ") {
                continue;
            }
            assert!(
                line.width() <= 80,
                "{args:?}: {} columns: {line}",
                line.width()
            );
        }
    }
}

/// Colour only when asked (or on a terminal), never with NO_COLOR; the verdict is coloured.
#[test]
fn colour_follows_the_flag_and_no_color() {
    let (_, plain, _) = run(&["check", "samples/02-over-cap.toml"], &[]);
    assert!(!plain.contains('\x1b'), "a pipe gets no colour");
    let (_, always, _) = run(
        &["check", "samples/02-over-cap.toml", "--color", "always"],
        &[],
    );
    assert!(always.contains("\x1b[1;31m■ 不通过\x1b[0m"), "{always}");
    let (_, auto, _) = run(
        &["check", "samples/02-over-cap.toml", "--color", "auto"],
        &[("NO_COLOR", "1")],
    );
    assert!(!auto.contains('\x1b'));
    let (_, never, _) = run(
        &["check", "samples/02-over-cap.toml", "--color", "never"],
        &[],
    );
    assert!(!never.contains('\x1b'));
}

/// No progress bar when stderr is not a terminal: stderr of a table batch stays empty.
#[test]
fn no_progress_in_a_pipe() {
    let (_, _, err) = run(&["batch", "samples/batch-2024.csv"], &[]);
    assert!(err.is_empty(), "{err}");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, _) = run(&["completions", shell], &[]);
        assert_eq!(code, 0, "{shell}");
        assert!(
            out.contains("wagecheck") && out.contains("explain"),
            "{shell}"
        );
    }
    let (code, man, _) = run(&["man"], &[]);
    assert_eq!(code, 0);
    assert!(man.contains(".TH wagecheck"), "{man}");
    assert!(man.contains("batch"));
}

/// JUnit agrees with the exit code: review is a failure only with --deny review.
#[test]
fn junit_review_follows_deny_review() {
    let envs = [("WAGECHECK_JUNIT_TIME", "0.25")];
    let (code, xml, _) = run(
        &["check", "samples/06-missing-data.toml", "--format", "junit"],
        &envs,
    );
    assert_eq!(code, 0);
    assert!(
        xml.contains("failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.250\""),
        "{xml}"
    );
    assert!(xml.contains("<system-out>需复核："), "{xml}");
    let (code, xml, _) = run(
        &[
            "check",
            "samples/06-missing-data.toml",
            "--format",
            "junit",
            "--deny",
            "review",
        ],
        &envs,
    );
    assert_eq!(code, 1);
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(xml.contains("<failure type=\"review\""), "{xml}");
    // Measured times without the fixed one.
    let (_, xml, _) = run(
        &[
            "check",
            "samples/01-pass-competitive.toml",
            "--format",
            "junit",
        ],
        &[],
    );
    assert!(xml.contains(" time=\""), "{xml}");
}
