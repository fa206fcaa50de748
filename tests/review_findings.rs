//! Regressions for a second reading of the spec: exact boundaries despite rounded quotients,
//! no efficiency growth without indicators, nothing recovered out of scope, the spec's own
//! example filing, adjustment signs, a cleared total without the amount paid, the national
//! average wage's year.

mod common;

use common::BASE;
use rust_decimal_macros::dec;
use wagecheck::engine::{Evaluation, Options, Verdict, evaluate, validate};
use wagecheck::expr::Value;
use wagecheck::pack::{Registry, Status};

fn eval_text(text: &str) -> Evaluation {
    let filing = wagecheck::filing::parse_str("r.toml", text).unwrap();
    let pack = Registry::new().load("benxi-2019").unwrap();
    assert!(validate(&filing, &pack).is_empty());
    evaluate(&filing, &pack, Options::default())
}

fn edit(base: &str, changes: &[(&str, &str)]) -> String {
    let mut text = base.to_string();
    for (from, to) in changes {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
    }
    text
}

fn status(e: &Evaluation, id: &str) -> Status {
    e.rule(id).unwrap().status
}

fn quantity(e: &Evaluation, name: &str) -> Value {
    e.quantity(name).unwrap().clone()
}

#[test]
fn a_total_exactly_at_an_average_wage_bound_passes() {
    // Sample 05 with 200 staff: the control target allows 1.05 × 160,000 × 200 = 33,600,000
    // exactly; the bound 33,600,000 / 36,000,000 − 1 = −1/15 is rounded at 28 digits, yet the
    // allowed total must be the exact amount, and a proposal of exactly that passes.
    let text = edit(
        include_str!("../samples/05-noncompetitive-control.toml"),
        &[("average_headcount = 222", "average_headcount = 200")],
    );
    let text = text.replacen("wage_total = 37_080_000", "wage_total = 33_600_000", 1);
    let e = eval_text(&text);
    let cap = e.cap.clone().unwrap();
    assert_eq!(cap.max_wage_total, dec!(33600000.00));
    assert_eq!(cap.excess, Some(dec!(0)));
    assert_eq!(status(&e, "linkage.noncompetitive_control"), Status::Pass);
}

#[test]
fn thirds_do_not_cost_a_cent() {
    // Two indicators 3 → 4 (+1/3 each): efficiency growth 1/3; 12,000,000 × 4/3 = 16,000,000.
    let text = edit(
        BASE,
        &[
            (
                "prior = 30_000_000\nbudget = 33_000_000",
                "prior = 3\nbudget = 4",
            ),
            (
                "prior = \"8.0%\"\nbudget = \"8.4%\"",
                "prior = 3\nbudget = 4",
            ),
            ("wage_total = 12_600_000", "wage_total = 16_000_000"),
        ],
    );
    let e = eval_text(&text);
    assert_eq!(e.cap.clone().unwrap().max_wage_total, dec!(16000000.00));
    assert_eq!(status(&e, "linkage.growth_cap"), Status::Pass);
}

#[test]
fn no_indicators_means_no_efficiency_growth_and_no_cap() {
    let mut text = BASE.to_string();
    let start = text.find("[[indicator]]").unwrap();
    let end = text.find("[productivity]").unwrap();
    text.replace_range(start..end, "");
    let e = eval_text(&text);
    assert!(!quantity(&e, "efficiency_growth").is_known());
    assert!(e.cap.is_none());
    assert_eq!(status(&e, "indicators.count"), Status::Fail);
    assert_eq!(e.verdict, Verdict::Fail);
}

#[test]
fn nothing_is_recovered_out_of_scope() {
    let text = edit(
        include_str!("../samples/08-annual-return.toml"),
        &[("ownership = \"wholly_owned\"", "ownership = \"other\"")],
    );
    let e = eval_text(&text);
    assert_eq!(e.verdict, Verdict::OutOfScope);
    let c = e.clearing.unwrap();
    assert_eq!(c.cleared_wage_total, None);
    assert_eq!(c.to_recover, None);
}

#[test]
fn the_spec_example_filing_is_valid() {
    // filing.md's example writes `period_reason = ""` for "none".
    let text = edit(BASE, &[("[budget]\n", "[budget]\nperiod_reason = \"\"\n")]);
    let e = eval_text(&text);
    assert_eq!(status(&e, "period.length"), Status::Pass);
}

#[test]
fn adjustment_signs_follow_their_kind() {
    for (kind, amount, ok) in [
        ("merger", "800_000", true),
        ("merger", "-5", false),
        ("new_entity", "-1", false),
        ("divestiture", "-500_000", true),
        ("divestiture", "500_000", false),
    ] {
        let text = format!("{BASE}\n[[adjustment]]\nkind = \"{kind}\"\namount = {amount}\n");
        let got = wagecheck::filing::parse_str("a.toml", &text);
        assert_eq!(got.is_ok(), ok, "{kind} {amount}");
        if let Err(errors) = got {
            assert_eq!(errors[0].field.as_deref(), Some("adjustment.1.amount"));
            assert!(errors[0].line.is_some());
        }
    }
}

#[test]
fn the_cleared_total_does_not_need_the_amount_paid() {
    let text = edit(
        include_str!("../samples/08-annual-return.toml"),
        &[("actual_wage_total = 12_550_000\n", "")],
    );
    let e = eval_text(&text);
    let c = e.clearing.clone().unwrap();
    // 12,000,000 × (1 + 0.7 × 0.046) = 12,386,400.00, whatever was paid.
    assert_eq!(c.cleared_wage_total, Some(dec!(12386400.00)));
    assert_eq!(c.to_recover, None);
    assert_eq!(status(&e, "execution.clearing"), Status::Review);
}

#[test]
fn the_report_names_the_national_average_wage_year() {
    let e = eval_text(BASE);
    assert_eq!(
        quantity(&e, "national_average_wage_year"),
        Value::Num(dec!(2023))
    );
    assert_eq!(
        quantity(&e, "national_average_wage"),
        Value::Num(dec!(120698))
    );
}

#[test]
fn a_declared_non_operating_factor_keeps_the_decline_bound_in_the_cap() {
    // Sample 04: efficiency −6.8%; with a non-operating factor the decline is for the investor
    // body to judge (review), but its bound is still the figure the rules give: 26,000,000 × 0.932.
    let text = edit(
        include_str!("../samples/04-declining-year.toml"),
        &[(
            "[budget]\n",
            "[budget]\nnon_operating_factors = [\"policy_adjustment\"]\n",
        )],
    );
    let e = eval_text(&text);
    assert_eq!(status(&e, "linkage.non_operating"), Status::Review);
    assert_eq!(status(&e, "linkage.decline"), Status::Review);
    let cap = e.cap.unwrap();
    assert_eq!(cap.binding_rule, "linkage.decline");
    assert_eq!(cap.max_wage_total, dec!(24232000.00));
}

#[test]
fn a_parameter_outside_its_declared_range_is_a_pack_error() {
    // national-2018 declares decline_relief_factor in (0, 1]; benxi-2019 restricted_cap_ratio too.
    let child = |relief: &str, ratio: &str| {
        format!(
            "[pack]\nid = \"t\"\ntitle = {{ zh = \"测试\", en = \"test\" }}\ndocument = \"t\"\n\
             jurisdiction = \"t\"\nextends = \"benxi-2019\"\neffective_from = 2024-01-01\n\n\
             [params]\ndecline_relief_factor = {{ value = \"{relief}\", override = true }}\n\
             restricted_cap_ratio = {{ value = \"{ratio}\", override = true }}\n"
        )
    };
    assert!(Registry::compile_text("t.toml", &child("0.5", "60%"), None).is_ok());
    assert!(Registry::compile_text("t.toml", &child("1", "100%"), None).is_ok());
    let errors = Registry::compile_text("t.toml", &child("1.5", "0"), None).unwrap_err();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].file, "t.toml");
    assert_eq!(
        errors[0].field.as_deref(),
        Some("params.decline_relief_factor")
    );
    assert_eq!(errors[0].line, Some(10));
    assert!(
        errors[0]
            .message
            .en
            .contains("outside the allowed range (0, 1]")
    );
    assert_eq!(
        errors[1].field.as_deref(),
        Some("params.restricted_cap_ratio")
    );
    assert_eq!(errors[1].line, Some(11));
}

#[test]
fn rules_outside_their_dates_are_used_as_asked_but_not_silently() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("y2018.toml");
    std::fs::write(&p, BASE.replace("year = 2024", "year = 2018")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(["check", p.to_str().unwrap(), p.to_str().unwrap()])
        .args(["--rules", "benxi-2019"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // In the chosen language (Chinese by default), once although two filings raise it.
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("注意").count(), 1, "{err}");
    assert!(
        err.contains("budget.year: 规则包 benxi-2019 在 2018 年 1 月 1 日未生效"),
        "{err}"
    );
    assert!(!err.contains("not in force"), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(["batch", p.to_str().unwrap(), p.to_str().unwrap()])
        .args(["--rules", "benxi-2019", "--lang", "en", "--format", "jsonl"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("budget.year: benxi-2019 is not in force on 2018-01-01"),
        "{err}"
    );
    assert!(!err.contains("未生效"), "{err}");
    // Without --rules the year has no pack: an input error.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(["check", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
