//! A batch loses nothing: a directory holding a CSV of good, bad and out-of-scope rows and a few
//! single filings goes through `wagecheck batch` in every format, and every input appears exactly
//! once, in input order, with the verdict it gets on its own.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as J;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Input {
    dir: tempfile::TempDir,
    csv: PathBuf,
    /// Every expected entry in input order: (source as printed, verdict).
    expected: Vec<(String, &'static str)>,
}

fn csv_rows() -> (String, Vec<String>) {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("samples/batch-2024.csv")).expect("sample");
    let mut lines = text.lines();
    let header = lines.next().expect("header").to_string();
    (header, lines.map(str::to_string).collect())
}

fn input() -> Input {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let (header, rows) = csv_rows();
    let good = &rows[..12];
    let cols = header.split(',').count();
    let mut bytes: Vec<u8> = Vec::new();
    let mut verdicts: Vec<Option<&'static str>> = Vec::new();
    bytes.extend_from_slice(header.as_bytes());
    bytes.push(b'\n');
    let mut push = |line: &[u8], verdict: Option<&'static str>| {
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
        verdicts.push(verdict);
    };
    for (i, r) in good.iter().enumerate() {
        push(r.as_bytes(), None); // verdict from `check`-equivalent evaluation below
        match i {
            2 => push(format!("{r},extra").as_bytes(), Some("invalid")), // ragged
            4 => push(
                r.replacen("wholly_owned", "other", 1)
                    .replacen("controlled", "other", 1)
                    .as_bytes(),
                Some("out_of_scope"),
            ),
            6 => {
                // GBK bytes in a cell
                let mut gbk = r.replacen("本溪", "\u{0}", 1).into_bytes();
                let at = gbk.iter().position(|b| *b == 0).expect("marker");
                gbk.splice(at..at + 1, [0xB1, 0xBE, 0xCF, 0xAA]);
                push(&gbk, Some("invalid"));
            }
            8 => push(",".repeat(cols - 1).as_bytes(), Some("invalid")), // every cell empty
            9 => {
                // A bad amount, and a name with a line break inside quotes (one row, two lines).
                let mut cells: Vec<String> = r.split(',').map(str::to_string).collect();
                cells[2] = "\"本溪\n换行有限公司\"".into();
                let w = header
                    .split(',')
                    .position(|h| h == "budget.wage_total")
                    .expect("budget.wage_total column");
                cells[w] = "-12600000".into();
                push(cells.join(",").as_bytes(), Some("invalid"));
            }
            _ => {}
        }
    }
    let csv = dir.path().join("b-rows.csv");
    std::fs::write(&csv, &bytes).expect("write csv");
    // Two single filings around the CSV (directories are read in sorted order).
    std::fs::copy(
        Path::new(ROOT).join("samples/01-pass-competitive.toml"),
        dir.path().join("a-pass.toml"),
    )
    .expect("copy");
    std::fs::write(dir.path().join("c-broken.toml"), "schema = \n").expect("write");
    std::fs::write(dir.path().join("d-ignored.txt"), "not a filing").expect("write");

    // The verdict each row gets when it is checked alone, for the rows not fixed above.
    let mut expected = vec![(dir.path().join("a-pass.toml").display().to_string(), "pass")];
    let csv_s = csv.display().to_string();
    let checker = wagecheck::check::Checker::builtin();
    let opts = wagecheck::check::CheckOptions::on(
        chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date"),
    );
    let mut alone = Vec::new();
    wagecheck::filing::read::for_each(std::slice::from_ref(&csv), |item| {
        let v = match item {
            wagecheck::filing::read::Item::Filing { filing, .. } => checker
                .check(&filing, &wagecheck::check::PackChoice::InForce, &opts)
                .report
                .verdict
                .as_str(),
            wagecheck::filing::read::Item::Invalid { .. } => "invalid",
        };
        alone.push(v);
    });
    assert_eq!(alone.len(), verdicts.len(), "rows read");
    for (i, (fixed, got)) in verdicts.iter().zip(&alone).enumerate() {
        if let Some(f) = fixed {
            assert_eq!(f, got, "row {}", i + 1);
        }
        expected.push((format!("{csv_s}#{}", i + 1), got));
    }
    expected.push((
        dir.path().join("c-broken.toml").display().to_string(),
        "invalid",
    ));
    Input { dir, csv, expected }
}

fn batch(input: &Input, format: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args([
            "batch",
            &input.dir.path().display().to_string(),
            "--format",
            format,
            "--lang",
            "en",
        ])
        .output()
        .expect("run wagecheck batch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

fn source_of(report: &J) -> String {
    let src = report["source"].as_str().expect("source").to_string();
    match report["row"].as_u64() {
        Some(r) => format!("{src}#{r}"),
        None => src,
    }
}

fn count_line(summary: &str, label: &str) -> usize {
    summary
        .lines()
        .find(|l| l.split(['│', '┆']).nth(1).map(str::trim) == Some(label))
        .and_then(|l| l.split('┆').nth(1))
        .and_then(|c| c.trim().trim_end_matches('│').trim().parse().ok())
        .unwrap_or(0)
}

/// A verdict as the English output words it.
fn label(v: &str) -> &str {
    if v == "out_of_scope" {
        "out of scope"
    } else {
        v
    }
}

fn check_summary(summary: &str, expected: &[(String, &str)]) {
    assert_eq!(count_line(summary, "filings"), expected.len(), "{summary}");
    for v in ["pass", "out_of_scope", "review", "fail", "invalid"] {
        let n = expected.iter().filter(|(_, x)| *x == v).count();
        assert_eq!(
            count_line(summary, &format!("verdict {}", label(v))),
            n,
            "{v}\n{summary}"
        );
    }
}

fn check_markdown_summary(md: &str, expected: &[(String, &str)]) {
    let count = |label: &str| -> usize {
        md.lines()
            .find(|l| l.starts_with(&format!("| {label} | ")))
            .and_then(|l| l.split(" | ").nth(1))
            .and_then(|c| c.trim_end_matches(" |").trim().parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(count("filings"), expected.len(), "{md}");
    for v in ["pass", "out_of_scope", "review", "fail", "invalid"] {
        let n = expected.iter().filter(|(_, x)| *x == v).count();
        assert_eq!(count(&format!("verdict {}", label(v))), n, "{v}\n{md}");
    }
}

#[test]
fn every_input_appears_once_in_order_in_every_format() {
    let input = input();
    let exp = &input.expected;
    assert!(exp.len() >= 18, "{} inputs", exp.len());
    for v in ["pass", "fail", "invalid", "out_of_scope"] {
        assert!(exp.iter().any(|(_, x)| *x == v), "no {v} input");
    }

    // JSON Lines: one report per input.
    let (code, out, err) = batch(&input, "jsonl");
    assert_eq!(code, 2, "{err}");
    let got: Vec<(String, String)> = out
        .lines()
        .map(|l| {
            let j: J = serde_json::from_str(l).expect("a JSON line");
            (
                source_of(&j),
                j["verdict"].as_str().expect("verdict").to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = exp
        .iter()
        .map(|(s, v)| (s.clone(), v.to_string()))
        .collect();
    assert_eq!(got, want, "jsonl");
    check_summary(&err, exp);

    // JSON: one array.
    let (code, out, _) = batch(&input, "json");
    assert_eq!(code, 2);
    let arr: J = serde_json::from_str(&out).expect("a JSON array");
    let got: Vec<(String, String)> = arr
        .as_array()
        .expect("array")
        .iter()
        .map(|j| {
            (
                source_of(j),
                j["verdict"].as_str().expect("verdict").to_string(),
            )
        })
        .collect();
    assert_eq!(got, want, "json");

    // JUnit: one test case per input, agreeing with the exit code: `fail` is a failure,
    // `invalid` an error, `out_of_scope` skipped, `review` passes (no --deny review).
    let (code, out, _) = batch(&input, "junit");
    assert_eq!(code, 2);
    let doc = roxmltree::Document::parse(&out).expect("JUnit XML parses");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("testsuite");
    assert_eq!(
        suite.attribute("tests"),
        Some(exp.len().to_string().as_str())
    );
    let count = |v: &str| exp.iter().filter(|(_, x)| *x == v).count().to_string();
    assert_eq!(suite.attribute("failures"), Some(count("fail").as_str()));
    assert_eq!(suite.attribute("errors"), Some(count("invalid").as_str()));
    assert_eq!(
        suite.attribute("skipped"),
        Some(count("out_of_scope").as_str())
    );
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), exp.len());
    for (case, (src, verdict)) in cases.iter().zip(exp) {
        let name = case.attribute("name").expect("name");
        // "name (source)", or the source alone when the filing could not be read.
        assert!(
            name == src || name.ends_with(&format!(" ({src})")),
            "{name} vs {src}"
        );
        assert!(case.attribute("time").is_some(), "{name}: a time");
        let has = |tag: &str| case.children().any(|n| n.has_tag_name(tag));
        assert_eq!(has("failure"), *verdict == "fail", "{name}");
        assert_eq!(has("error"), *verdict == "invalid", "{name}");
        assert_eq!(has("skipped"), *verdict == "out_of_scope", "{name}");
    }

    // Table and Markdown: the summary counts every input, then each non-pass one, in order.
    let non_pass: Vec<(String, String)> = want
        .iter()
        .filter(|(_, v)| v != "pass")
        .map(|(s, v)| (s.clone(), label(v).to_string()))
        .collect();
    let (code, out, _) = batch(&input, "table");
    assert_eq!(code, 2);
    check_summary(&out, exp);
    // Each listed filing opens a block: `verdict  [name  ]source`.
    let listed: Vec<(String, String)> = out
        .lines()
        .filter(|l| !l.starts_with(['┌', '│', '╞', '└', '├', ' ']))
        .map(|l| {
            let parts: Vec<&str> = l
                .split("  ")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            (parts[parts.len() - 1].to_string(), parts[0].to_string())
        })
        .collect();
    assert_eq!(listed, non_pass, "table\n{out}");

    let (code, out, _) = batch(&input, "markdown");
    assert_eq!(code, 2);
    assert!(
        out.starts_with("## "),
        "Markdown opens with a heading, not a box table"
    );
    check_markdown_summary(&out, exp);
    // The listing: | name | source | verdict | allowed | excess | reason | (the header row aside)
    let listed: Vec<(String, String)> = out
        .lines()
        .filter(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            l.starts_with("| ") && cells.len() == 6 && !["来源", "source"].contains(&cells[1])
        })
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            // Cells are Markdown text: a backslash escapes the punctuation after it.
            let text = |c: &str| {
                let mut out = String::new();
                let mut chars = c.chars().peekable();
                while let Some(ch) = chars.next() {
                    match (ch, chars.peek()) {
                        ('\\', Some(n)) if n.is_ascii_punctuation() => {}
                        _ => out.push(ch),
                    }
                }
                out
            };
            (text(cells[1]), text(cells[2]))
        })
        .collect();
    assert_eq!(listed, non_pass, "markdown\n{out}");

    // The CSV alone: the counts add up to its rows.
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(["batch", &input.csv.display().to_string(), "--lang", "en"])
        .output()
        .expect("run");
    let table = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(count_line(&table, "filings"), exp.len() - 2, "{table}");
}
