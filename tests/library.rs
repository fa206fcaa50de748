//! The library's use case, as a second front end calls it: one `Checker`, many calls, no
//! printing; the evaluation date and the pack are inputs of each call.

use std::sync::Arc;

use chrono::NaiveDate;
use wagecheck::check::{CheckOptions, Checker, PackChoice};
use wagecheck::diag::{Lang, Severity};
use wagecheck::engine::Verdict;
use wagecheck::input::Format;

mod common;
use common::BASE;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn receipt_date(report: &wagecheck::report::Report) -> String {
    let v = wagecheck::report::json::report(report, Lang::En, false);
    v["pack"]["receipt"]["evaluated_on"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_long_running_caller_gets_each_calls_date() {
    let checker = Checker::builtin();
    let filing = wagecheck::filing::parse_str("a.toml", BASE).unwrap();
    let before = checker.check(
        &filing,
        &PackChoice::InForce,
        &CheckOptions::on(day(2026, 3, 31)),
    );
    let after = checker.check(
        &filing,
        &PackChoice::InForce,
        &CheckOptions::on(day(2026, 4, 1)),
    );
    assert_eq!(receipt_date(&before.report), "2026-03-31");
    assert_eq!(receipt_date(&after.report), "2026-04-01");
    assert_eq!(before.report.verdict, Verdict::Pass);
    assert_eq!(after.report.verdict, Verdict::Pass);
    assert!(before.notices.is_empty());
}

#[test]
fn a_pack_outside_its_dates_is_a_warning_returned_as_data() {
    let checker = Checker::builtin();
    let pack = checker.pack("benxi-2019").unwrap();
    let text = BASE.replace("year = 2024", "year = 2018");
    let c = checker.check_bytes(
        "y2018.toml",
        text.into_bytes(),
        Format::Toml,
        &pack,
        &CheckOptions::on(day(2026, 1, 15)),
    );
    assert_eq!(c.report.verdict, Verdict::Pass, "evaluated as asked");
    assert_eq!(c.notices.len(), 1);
    let n = &c.notices[0];
    assert_eq!(n.severity, Severity::Warning);
    assert_eq!(n.field.as_deref(), Some("budget.year"));
    assert_eq!(n.file, "y2018.toml");
    assert!(
        n.message
            .en
            .starts_with("benxi-2019 is not in force on 2018-01-01")
    );
    assert!(n.message.zh.contains("2018 年 1 月 1 日未生效"));
    // Without a pack given, the year has no pack in force: the filing's own invalid report.
    let c = checker.check_bytes(
        "y2018.toml",
        BASE.replace("year = 2024", "year = 2018").into_bytes(),
        Format::Toml,
        &PackChoice::InForce,
        &CheckOptions::on(day(2026, 1, 15)),
    );
    assert_eq!(c.report.verdict, Verdict::Invalid);
    assert_eq!(c.report.errors[0].field.as_deref(), Some("budget.year"));
    assert!(c.notices.is_empty());
}

#[test]
fn one_checker_serves_many_threads() {
    let checker = Arc::new(Checker::builtin());
    let opts = CheckOptions::on(day(2026, 1, 15));
    let caps: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let checker = checker.clone();
                s.spawn(move || {
                    let c = checker.check_bytes(
                        "t.toml",
                        BASE.as_bytes().to_vec(),
                        Format::Toml,
                        &PackChoice::InForce,
                        &opts,
                    );
                    let cap = c.report.eval.as_ref().unwrap().cap.as_ref().unwrap();
                    cap.max_wage_total.to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(caps.len(), 4);
    assert!(caps.iter().all(|c| c == &caps[0]), "{caps:?}");
}

/// A batch worker's loop body: the library's batch, reports in input order, a summary.
#[test]
fn a_batch_is_a_library_call_in_input_order() {
    use wagecheck::check::batch::BatchOptions;
    let checker = Checker::builtin();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths = vec![
        root.join("samples/02-over-cap.toml"),
        root.join("samples/batch-2024.csv"),
        root.join("samples/01-pass-competitive.toml"),
    ];
    let opts = BatchOptions {
        pack: PackChoice::InForce,
        check: CheckOptions::on(day(2026, 1, 15)),
        jobs: Some(2),
    };
    let mut seen = Vec::new();
    let run = checker
        .batch(
            |each| wagecheck::filing::read::for_each_raw(&paths, Format::Toml, each),
            &opts,
            |r| (r.source.clone(), r.row, r.verdict),
            |x| seen.push(x),
        )
        .unwrap();
    assert_eq!(seen.len(), 62);
    assert_eq!(run.summary.total, 62);
    assert!(seen[0].0.ends_with("02-over-cap.toml") && seen[0].2 == Verdict::Fail);
    for (i, s) in seen[1..61].iter().enumerate() {
        assert!(s.0.ends_with("batch-2024.csv"));
        assert_eq!(s.1, Some(i + 1), "rows in order");
    }
    assert_eq!(seen[61].2, Verdict::Pass);
    assert_eq!(run.summary.with_verdict(&[Verdict::Invalid]), 6);
    assert_eq!(run.summary.worst, Some(Verdict::Invalid));
    assert!(run.notices.is_empty());
}

/// The productivity and labour-cost measures are the pack's catalog's: a pack that adds one
/// accepts it; a pack without it rejects it, located at the field.
#[test]
fn measure_kinds_are_checked_against_the_packs_catalog() {
    let child = r#"[pack]
id = "catalog-city"
title = { zh = "目录", en = "catalog" }
document = "none"
jurisdiction = "catalog-city"
extends = "benxi-2019"
effective_from = 2019-01-01

[[catalog.productivity]]
id = "output_per_capita"
zh = "人均产量"
en = "output per capita"
"#;
    let child = wagecheck::pack::Registry::compile_text("child.toml", child, None).unwrap();
    let checker = Checker::builtin();
    let text = BASE.replace(
        "kind = \"value_added_per_capita\"",
        "kind = \"output_per_capita\"",
    );
    assert!(text.contains("output_per_capita"));
    let opts = CheckOptions::on(day(2026, 1, 15));
    let check = |pack: &PackChoice| {
        checker
            .check_bytes(
                "k.toml",
                text.clone().into_bytes(),
                Format::Toml,
                pack,
                &opts,
            )
            .report
    };
    let r = check(&PackChoice::Given(Arc::new(child)));
    assert_ne!(r.verdict, Verdict::Invalid, "{:?}", r.errors);
    let r = check(&PackChoice::InForce);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].field.as_deref(), Some("productivity.kind"));
    assert!(r.errors[0].line.is_some());
    assert!(
        r.errors[0].message.en.contains(
            "\"output_per_capita\" is not in the productivity catalog of pack benxi-2019"
        ),
        "{}",
        r.errors[0].message.en
    );
}

/// What the other rules say when a gate takes a filing out of scope is the pack's words: a gate
/// rule without them does not load.
#[test]
fn a_gate_rule_needs_its_out_of_scope_message() {
    let child = r#"[pack]
id = "gate-city"
title = { zh = "门", en = "gate" }
document = "none"
jurisdiction = "gate-city"
extends = "benxi-2019"
effective_from = 2019-01-01

[[rule]]
id = "scope.extra"
new = true
clause = "一"
title = { zh = "额外范围", en = "extra scope" }
require = "enterprise.ownership == 'wholly_owned'"
gate = "out_of_scope"
message = { zh = "出资关系", en = "ownership" }
"#;
    let errors = wagecheck::pack::Registry::compile_text("gate.toml", child, None).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.field.as_deref() == Some("rule.scope.extra.gate")
                && e.message.en.contains("gate_message")
                && e.line == Some(15)),
        "{errors:?}"
    );
    let fixed = child.replace(
        "gate = \"out_of_scope\"\n",
        "gate = \"out_of_scope\"\ngate_message = { zh = \"不适用：不在范围内\", en = \"not applicable: out of scope here\" }\n",
    );
    let pack = wagecheck::pack::Registry::compile_text("gate.toml", &fixed, None).unwrap();
    let checker = Checker::builtin();
    let text = BASE.replace("ownership = \"wholly_owned\"", "ownership = \"controlled\"");
    let r = checker
        .check_bytes(
            "g.toml",
            text.into_bytes(),
            Format::Toml,
            &PackChoice::Given(Arc::new(pack)),
            &CheckOptions::on(day(2026, 1, 15)),
        )
        .report;
    assert_eq!(r.verdict, Verdict::OutOfScope);
    let eval = r.eval.as_ref().unwrap();
    assert_eq!(
        eval.rule("linkage.growth_cap").unwrap().message.en,
        "not applicable: out of scope here"
    );
}
