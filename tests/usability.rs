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
