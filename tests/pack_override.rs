//! Changing a threshold is a TOML edit: the Benxi pack with 80% instead of 70% gives a
//! different cap and verdict for the same restricted filing, with no Rust change.

use std::path::Path;

use rust_decimal_macros::dec;
use wagecheck::engine::{self, Evaluation, Options, Verdict};
use wagecheck::filing;
use wagecheck::pack::{Pack, Registry, Status};

/// A competitive Benxi 2024 budget in the restricted case: efficiency +8% (profit +10% × 0.6,
/// ROE +5% × 0.4) but productivity flat (400,000 → 400,000). Base 12,345,678.91.
/// Proposed 13,100,000.00.
const FILING: &str = r#"schema = "wagecheck/filing/v1"
kind = "budget"

[enterprise]
name = "本溪测试有限公司"
credit_code = "91210500MA0YB12383"
category = "competitive"
ownership = "wholly_owned"
jurisdiction = "benxi"

[governance]
standardized_board = true
governance_sound = true
internal_control_sound = true
distribution_management_standard = true
current_regime = "filing"
standard_budget_years = 4

[budget]
year = 2024
requested_regime = "filing"
wage_total = 13_100_000
average_headcount = 250

[prior]
wage_total = 12_345_678.91
average_headcount = 248
asset_preservation_ratio = "103.5%"

[[indicator]]
id = "profit_total"
weight = "60%"
prior = 30_000_000
budget = 33_000_000

[[indicator]]
id = "roe"
weight = "40%"
prior = "8.0%"
budget = "8.4%"

[productivity]
kind = "value_added_per_capita"
prior = 400_000
budget = 400_000

[labor_cost]
kind = "labor_cost_profit_ratio"
prior = "150%"
industry_average = "120%"
"#;

fn benxi_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/benxi-2019.toml");
    std::fs::read_to_string(path).expect("rules/benxi-2019.toml")
}

fn evaluate(pack: &Pack, text: &str) -> Evaluation {
    let f = filing::parse_str("restricted.toml", text).expect("filing parses");
    assert!(engine::validate(&f, pack).is_empty());
    engine::evaluate(&f, pack, Options { trace: false })
}

fn restricted(ev: &Evaluation) -> &engine::RuleResult {
    ev.rule("linkage.restricted_growth")
        .expect("linkage.restricted_growth")
}

#[test]
fn cap_ratio_70_vs_80_percent() {
    let text = benxi_text();
    assert_eq!(
        text.matches("\"70%\"").count(),
        1,
        "benxi-2019 states 70% exactly once"
    );
    let text80 = text.replace("\"70%\"", "\"80%\"");
    let pack70 = Registry::new().load("benxi-2019").expect("benxi-2019");
    let pack80 = match Registry::compile_text("benxi-80.toml", &text80, None) {
        Ok(p) => p,
        Err(e) => panic!("benxi-80 does not compile: {e:#?}"),
    };

    // 70%: bound 0.7 × 0.08 = 0.056; 12,345,678.91 × 1.056 = 13,037,036.92896 → 13,037,036.92
    // 13,100,000.00 − 13,037,036.92 = 62,963.08 over: fail
    let ev = evaluate(&pack70, FILING);
    let r = restricted(&ev);
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.triggers, vec!["productivity_flat"]);
    assert_eq!(r.bound, Some(dec!(0.056)));
    assert_eq!(r.allowed_total, Some(dec!(13037036.92)));
    let cap = ev.cap.as_ref().expect("cap at 70%");
    assert_eq!(cap.binding_rule, "linkage.restricted_growth");
    assert_eq!(cap.wage_growth, dec!(0.056));
    assert_eq!(cap.max_wage_total, dec!(13037036.92));
    assert_eq!(cap.excess, Some(dec!(62963.08)));
    assert_eq!(ev.verdict, Verdict::Fail);

    // 80%: bound 0.8 × 0.08 = 0.064; 12,345,678.91 × 1.064 = 13,135,802.36024 → 13,135,802.36
    // 13,100,000.00 − 13,135,802.36 = −35,802.36 (room left): pass
    let ev = evaluate(&pack80, FILING);
    let r = restricted(&ev);
    assert_eq!(r.status, Status::Pass);
    assert_eq!(r.bound, Some(dec!(0.064)));
    assert_eq!(r.allowed_total, Some(dec!(13135802.36)));
    let cap = ev.cap.as_ref().expect("cap at 80%");
    assert_eq!(cap.binding_rule, "linkage.restricted_growth");
    assert_eq!(cap.wage_growth, dec!(0.064));
    assert_eq!(cap.max_wage_total, dec!(13135802.36));
    assert_eq!(cap.excess, Some(dec!(-35802.36)));
    assert_eq!(ev.verdict, Verdict::Pass);

    // the messages quote the pack's own number
    let ev70 = evaluate(&pack70, FILING);
    let m70 = &restricted(&ev70).message;
    let m80 = &restricted(&ev).message;
    assert!(m70.en.contains("70%"), "{}", m70.en);
    assert!(m80.en.contains("80%"), "{}", m80.en);
    assert!(m80.zh.contains("80%"), "{}", m80.zh);
}

#[test]
fn override_leaves_unrestricted_filings_alone() {
    // With productivity +4% no trigger fires: both packs give the growth cap,
    // 12,345,678.91 × 1.08 = 13,333,333.2228 → 13,333,333.22
    let text80 = benxi_text().replace("\"70%\"", "\"80%\"");
    let pack80 = Registry::compile_text("benxi-80.toml", &text80, None).expect("benxi-80");
    let pack70 = Registry::new().load("benxi-2019").expect("benxi-2019");
    let filing = FILING.replacen("budget = 400_000", "budget = 416_000", 1);
    for pack in [&*pack70, &pack80] {
        let ev = evaluate(pack, &filing);
        assert_eq!(restricted(&ev).status, Status::NotApplicable);
        let cap = ev.cap.as_ref().expect("cap");
        assert_eq!(cap.binding_rule, "linkage.growth_cap");
        assert_eq!(cap.max_wage_total, dec!(13333333.22));
        assert_eq!(ev.verdict, Verdict::Pass);
    }
}

#[test]
fn child_pack_overriding_the_ratio() {
    // The same change as a child pack of benxi-2019 rather than an edited copy.
    let child = r#"[pack]
id = "benxi-80-child"
title = { zh = "本溪（80%）", en = "Benxi (80%)" }
document = "test"
jurisdiction = "benxi-test"
extends = "benxi-2019"
effective_from = 2019-01-01

[params]
restricted_cap_ratio = { value = "80%", override = true }
"#;
    let pack = match Registry::compile_text("benxi-80-child.toml", child, None) {
        Ok(p) => p,
        Err(e) => panic!("child does not compile: {e:#?}"),
    };
    let ev = evaluate(&pack, FILING);
    assert_eq!(restricted(&ev).allowed_total, Some(dec!(13135802.36)));
    assert_eq!(ev.verdict, Verdict::Pass);
    assert_eq!(
        pack.chain.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        vec!["national-2018", "benxi-2019", "benxi-80-child"]
    );
}
