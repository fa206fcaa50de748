//! `--format html` (golden files: tests/golden.rs): a self-contained document (nothing fetched
//! from the network), escaped input, a chart whose bars are the evaluation's own bounds, and a
//! browser test (headless Chromium, run explicitly in CI) that renders the reports and saves
//! PNG screenshots.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::BASE;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn wagecheck() -> Command {
    let mut c = Command::cargo_bin("wagecheck").expect("the wagecheck binary");
    c.current_dir(ROOT).env("WAGECHECK_TODAY", "2025-06-30");
    c
}

fn run(args: &[&str]) -> (String, i32) {
    let out = wagecheck().args(args).output().expect("run wagecheck");
    (
        String::from_utf8(out.stdout).expect("utf-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

/// The documents these tests look at (the golden files are in tests/golden.rs): (name,
/// arguments, exit code).
const DOCUMENTS: &[(&str, &[&str], i32)] = &[
    (
        "check-03-restricted",
        &["check", "samples/03-restricted-70.toml", "--format", "html"],
        1,
    ),
    (
        "check-08-annual-return",
        &["check", "samples/08-annual-return.toml", "--format", "html"],
        1,
    ),
    (
        "explain-06-missing-data",
        &[
            "explain",
            "samples/06-missing-data.toml",
            "--format",
            "html",
        ],
        0,
    ),
    (
        "batch-samples",
        &[
            "batch",
            "samples/01-pass-competitive.toml",
            "samples/03-restricted-70.toml",
            "samples/04-declining-year.toml",
            "samples/05-noncompetitive-control.toml",
            "samples/06-missing-data.toml",
            "samples/07-out-of-scope.toml",
            "samples/08-annual-return.toml",
            "tests/corpus/filings/credit-code-short.toml",
            "--format",
            "html",
        ],
        2,
    ),
];

fn document(args: &[&str], lang: &str) -> (String, i32) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--lang", lang]);
    run(&all)
}

#[test]
fn documents_are_self_contained() {
    for (name, args, _) in DOCUMENTS {
        for lang in ["zh", "en"] {
            let (html, _) = document(args, lang);
            assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
            assert!(html.trim_end().ends_with("</html>"), "{name}");
            // The only URL is the SVG namespace, which is a name, not a fetch.
            let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            for bad in [
                "http://",
                "https://",
                "<link",
                "@import",
                "url(",
                " src=",
                "@font-face",
                "//cdn",
            ] {
                assert!(!without_ns.contains(bad), "{name} [{lang}]: contains {bad}");
            }
            assert!(
                html.contains("@page { size: A4"),
                "{name}: print stylesheet"
            );
        }
    }
}

#[test]
fn the_verdict_the_cap_and_the_binding_rule_are_shown() {
    let (html, _) = run(&[
        "check",
        "samples/03-restricted-70.toml",
        "--format",
        "html",
        "--lang",
        "zh",
    ]);
    assert!(html.contains("<span class=\"badge\">不通过</span>"));
    assert!(html.contains("12,845,762.51"), "largest allowed total");
    assert!(html.contains("117,199.49"), "the excess");
    assert!(html.contains("0.9493 个百分点"), "the excess in points");
    assert!(
        html.contains("linkage.restricted_growth"),
        "the binding rule"
    );
    assert!(html.contains("条款 二(三)1 其中"), "the clause");
    // Every rule's trace is folded underneath it.
    assert!(html.contains("<details class=\"trace\"><summary>计算过程</summary>"));
    // No English word for a status or a value in the Chinese document's words.
    for leak in [
        ">pass<", ">fail<", ">true<", ">false<", "unset", ">when<", ">bound<",
    ] {
        assert!(!html.contains(leak), "zh document contains {leak}");
    }
}

/// The chart's bars are the evaluation's bounds: for every sample, each bar's value is the
/// bound the JSON report gives the same rule, and every applicable bound has a bar.
#[test]
fn chart_bars_are_the_evaluations_bounds() {
    let samples = [
        "01-pass-competitive",
        "02-over-cap",
        "03-restricted-70",
        "04-declining-year",
        "05-noncompetitive-control",
        "08-annual-return",
    ];
    for s in samples {
        let path = format!("samples/{s}.toml");
        let (json, _) = run(&["check", &path, "--format", "json", "--trace"]);
        let report: Value = serde_json::from_str(&json).expect("json report");
        let (html, _) = run(&["check", &path, "--format", "html", "--lang", "en"]);
        let svg = &html[html.find("<svg").expect("a chart")..html.find("</svg>").expect("end")];
        let rules = report["rules"].as_array().expect("rules");
        let mut bounded = 0;
        for rule in rules {
            let id = rule["id"].as_str().expect("id");
            let status = rule["status"].as_str().expect("status");
            let Some(bound) = rule["bound"].as_str() else {
                continue;
            };
            if status == "not_applicable" {
                assert!(!svg.contains(&format!("data-rule=\"{id}\"")), "{s}: {id}");
                continue;
            }
            bounded += 1;
            let want = format!("data-rule=\"{id}\" data-value=\"{}\"", trim(bound));
            assert!(svg.contains(&want), "{s}: no bar {want}\n{svg}");
        }
        assert!(bounded >= 1, "{s}: some bound applies");
        // The proposal is the first bar; over the cap it is drawn as such.
        let cap = &report["cap"];
        let growth: rust_decimal::Decimal = cap["wage_growth"]
            .as_str()
            .expect("cap")
            .parse()
            .expect("a decimal");
        let points: rust_decimal::Decimal = cap["excess_points"]
            .as_str()
            .expect("points")
            .parse()
            .expect("a decimal");
        let proposed = format!(
            "class=\"row proposed {}\" data-rule=\"\" data-value=\"{}\"",
            if report["verdict"] == "fail" && points > rust_decimal::Decimal::ZERO {
                "over"
            } else {
                "within"
            },
            (growth + points).normalize()
        );
        assert!(svg.contains(&proposed), "{s}: {proposed}\n{svg}");
        assert!(svg.contains("class=\"cap\""), "{s}: the cap line");
    }
}

fn trim(d: &str) -> String {
    d.parse::<rust_decimal::Decimal>()
        .expect("a decimal")
        .normalize()
        .to_string()
}

#[test]
fn input_text_is_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let evil = "<script>alert(\"x\")</script> & <img src=x onerror=alert(1)>";
    let text = BASE.replace(
        "name = \"本溪钢联机械制造有限公司\"",
        &format!("name = '{evil}'"),
    );
    let path = dir.path().join("evil<b>.toml");
    std::fs::write(&path, text).expect("write filing");
    let p = path.to_str().expect("utf-8 path");
    for args in [
        vec!["check", p, "--format", "html"],
        vec!["explain", p, "--format", "html"],
        vec!["batch", p, "--format", "html"],
    ] {
        let (html, _) = run(&args);
        assert!(!html.contains("<script>alert"), "{args:?}");
        assert!(!html.contains("<img"), "{args:?}");
        assert!(!html.contains("evil<b>"), "{args:?}");
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img"));
    }
}

#[test]
fn batch_links_each_enterprise_to_its_report() {
    let (html, code) = document(DOCUMENTS[3].1, "en");
    assert_eq!(code, DOCUMENTS[3].2);
    let links: Vec<&str> = html
        .split("<a href=\"#")
        .skip(1)
        .map(|s| &s[..s.find('"').expect("end of link")])
        .collect();
    assert_eq!(links.len(), 8, "one link per filing");
    for l in &links {
        assert_eq!(
            html.matches(&format!("<article class=\"report\" id=\"{l}\""))
                .count(),
            1,
            "link #{l} has its report"
        );
    }
    assert!(html.contains("<table class=\"list sortable\">"));
    assert!(html.contains("<script>"), "the sorting script");
}

// ---------------------------------------------------------------------------------------------
// In a browser.

fn chromium() -> PathBuf {
    let name = std::env::var("WAGECHECK_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let found = std::process::Command::new(&name)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "no Chromium ({name}); install it (`apt-get install -y chromium`) or set WAGECHECK_CHROMIUM"
    );
    PathBuf::from(name)
}

fn headless(browser: &Path, profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
#[ignore = "needs chromium"]
fn renders_in_headless_chromium() {
    let browser = chromium();
    let shots = Path::new(ROOT).join("target/html-screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    // (name, arguments, texts the rendered DOM holds, bars at least, window size)
    type Page<'a> = (&'a str, &'a [&'a str], &'a [&'a str], usize, &'a str);
    let pages: &[Page] = &[
        (
            "check-03-restricted.zh",
            &[
                "check",
                "samples/03-restricted-70.toml",
                "--format",
                "html",
                "--lang",
                "zh",
            ],
            &[
                "不通过",
                "12,845,762.51",
                "117,199.49",
                "linkage.restricted_growth",
                "0.9493 个百分点",
            ],
            3,
            "1100,1700",
        ),
        (
            "check-08-annual-return.en",
            &[
                "check",
                "samples/08-annual-return.toml",
                "--format",
                "html",
                "--lang",
                "en",
            ],
            &[
                "<span class=\"badge\">fail</span>",
                "12,386,400.00",
                "163,600.00",
                "To recover",
            ],
            3,
            "1100,1700",
        ),
        (
            "batch-2024.zh",
            &[
                "batch",
                "samples/batch-2024.csv",
                "--format",
                "html",
                "--lang",
                "zh",
            ],
            &[
                "工资总额批量检查",
                "本溪水务第2有限公司",
                "72,932,166.00",
                "2,917,287.00",
            ],
            60,
            "1100,2400",
        ),
    ];
    for (name, args, texts, bars, size) in pages {
        let (html, _) = run(args);
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, &html).expect("write html");
        let url = format!("file://{}", file.display());

        let profile = tempfile::tempdir().expect("profile dir");
        let out = headless(&browser, profile.path())
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .expect("run chromium");
        assert!(
            out.status.success(),
            "{name}: chromium failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dom = String::from_utf8_lossy(&out.stdout);
        for t in *texts {
            assert!(dom.contains(t), "{name}: the rendered page lacks {t}");
        }
        let svgs = dom.matches("<svg").count();
        let rects = dom.matches("class=\"bar\"").count();
        assert!(svgs >= 1, "{name}: no chart in the DOM");
        assert!(
            rects >= *bars,
            "{name}: {rects} bars, expected at least {bars}"
        );

        let png = shots.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&png);
        let profile = tempfile::tempdir().expect("profile dir");
        let out = headless(&browser, profile.path())
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("--window-size={size}"))
            .arg(&url)
            .output()
            .expect("run chromium");
        assert!(out.status.success(), "{name}: screenshot failed");
        let bytes = std::fs::read(&png).expect("the screenshot");
        assert!(bytes.starts_with(b"\x89PNG"), "{name}: not a PNG");
        println!("screenshot: {}", png.display());
    }
}
