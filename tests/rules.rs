//! Every budget-side rule of the Benxi pack (and the national pack where it differs), driven from
//! one clean, passing competitive Benxi 2024 budget with small modifications. Amounts are checked
//! to the cent; each expected amount is worked out by hand in a comment.

use std::sync::{Arc, OnceLock};

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use wagecheck::engine::{self, Evaluation, Options, RuleResult, Verdict};
use wagecheck::expr::Value;
use wagecheck::filing::{self, Filing};
use wagecheck::pack::{Pack, Registry, Status};

mod common;
use common::BASE;

// ------------------------------------------------------------------------------------- helpers

/// The two linkage indicators of the base filing: profit +10% (weight 60%), ROE +5% (weight 40%),
/// so efficiency growth is 0.6 × 0.10 + 0.4 × 0.05 = 0.08.
const INDICATORS: &str = r#"[[indicator]]
id = "profit_total"
weight = "60%"
prior = 30_000_000
budget = 33_000_000

[[indicator]]
id = "roe"
weight = "40%"
prior = "8.0%"
budget = "8.4%"

"#;

/// The base filing: a clean competitive Benxi 2024 budget that passes (as samples/01).
/// base 12,000,000, proposed 12,600,000 (+5%), efficiency +8%, productivity +4%.
fn base_text() -> String {
    assert!(BASE.contains(INDICATORS));
    BASE.to_string()
}

/// Applies replacements (each `from` must occur exactly once) and appends `extra`.
fn modified(mods: &[(&str, &str)], extra: &str) -> String {
    let mut text = base_text();
    for (from, to) in mods {
        assert_eq!(
            text.matches(from).count(),
            1,
            "replacement target {from:?} must occur exactly once in the base filing"
        );
        text = text.replacen(from, to, 1);
    }
    text.push('\n');
    text.push_str(extra);
    text
}

fn parse(text: &str) -> Filing {
    match filing::parse_str("test.toml", text) {
        Ok(f) => f,
        Err(e) => panic!("the test filing does not parse: {e:#?}\n{text}"),
    }
}

fn benxi() -> Arc<Pack> {
    static P: OnceLock<Arc<Pack>> = OnceLock::new();
    P.get_or_init(|| {
        Registry::new()
            .load("benxi-2019")
            .expect("benxi-2019 loads")
    })
    .clone()
}

fn national() -> Arc<Pack> {
    static P: OnceLock<Arc<Pack>> = OnceLock::new();
    P.get_or_init(|| {
        Registry::new()
            .load("national-2018")
            .expect("national-2018 loads")
    })
    .clone()
}

/// A small child pack of benxi-2019 setting the parameters Benxi leaves unset.
fn child_of_benxi(params: &str) -> Pack {
    let text = format!(
        r#"[pack]
id = "benxi-test-child"
title = {{ zh = "测试子规则包", en = "test child pack" }}
document = "test"
jurisdiction = "benxi-test"
extends = "benxi-2019"
effective_from = 2019-01-01

[params]
{params}
"#
    );
    match Registry::compile_text("benxi-test-child.toml", &text, None) {
        Ok(p) => p,
        Err(e) => panic!("child pack does not compile: {e:#?}"),
    }
}

fn eval_in(pack: &Pack, text: &str) -> Evaluation {
    let f = parse(text);
    let problems = engine::validate(&f, pack);
    assert!(problems.is_empty(), "validate: {problems:#?}");
    engine::evaluate(&f, pack, Options { trace: false })
}

/// Builds the base filing with modifications and evaluates it under benxi-2019.
fn eval(mods: &[(&str, &str)], extra: &str) -> Evaluation {
    eval_in(&benxi(), &modified(mods, extra))
}

fn rule<'a>(ev: &'a Evaluation, id: &str) -> &'a RuleResult {
    ev.rule(id)
        .unwrap_or_else(|| panic!("no rule {id} in the evaluation"))
}

fn status(ev: &Evaluation, id: &str) -> Status {
    rule(ev, id).status
}

#[track_caller]
fn assert_status(ev: &Evaluation, id: &str, want: Status) {
    let r = rule(ev, id);
    assert_eq!(
        r.status, want,
        "rule {id}: expected {want:?}, got {:?}; message: {}; unknown: {:?}",
        r.status, r.message.en, r.unknown
    );
}

fn quantity(ev: &Evaluation, name: &str) -> Value {
    ev.quantity(name)
        .cloned()
        .unwrap_or_else(|| panic!("no quantity {name}"))
}

fn qnum(ev: &Evaluation, name: &str) -> Decimal {
    quantity(ev, name)
        .as_num()
        .unwrap_or_else(|| panic!("quantity {name} is not a number: {:?}", quantity(ev, name)))
}

/// Asserts the bound and the allowed total (to the cent) of an applied bound rule.
#[track_caller]
fn assert_bound(ev: &Evaluation, id: &str, bound: Decimal, allowed: Decimal) {
    let r = rule(ev, id);
    assert_eq!(r.bound, Some(bound), "bound of {id}");
    assert_eq!(r.allowed_total, Some(allowed), "allowed_total of {id}");
    assert_eq!(
        r.allowed_total.unwrap().scale(),
        2,
        "allowed_total of {id} is in cents"
    );
}

#[track_caller]
fn assert_cap(ev: &Evaluation, binding: &str, max: Decimal, excess: Decimal) {
    let cap = ev
        .cap
        .as_ref()
        .unwrap_or_else(|| panic!("no cap: {}", ev.cap_unknown.en));
    assert_eq!(cap.binding_rule, binding, "binding rule");
    assert_eq!(cap.max_wage_total, max, "max_wage_total");
    assert_eq!(cap.excess, Some(excess), "excess");
}

const BUDGET_RULES: &[&str] = &[
    "scope.applicability",
    "indicators.count",
    "indicators.weights",
    "indicators.category_fit",
    "linkage.growth_cap",
    "linkage.restricted_growth",
    "linkage.noncompetitive_control",
    "linkage.decline",
    "linkage.decline_relief",
    "linkage.non_operating",
    "linkage.asset_preservation",
    "linkage.headcount_neutral",
    "regime.required",
    "period.length",
    "internal.hq_growth",
    "internal.off_budget",
];

// ------------------------------------------------------------------------------- the base

#[test]
fn base_filing_passes_with_cap_8_percent() {
    let ev = eval(&[], "");
    assert_eq!(ev.verdict, Verdict::Pass);
    for id in BUDGET_RULES {
        assert!(
            matches!(status(&ev, id), Status::Pass | Status::NotApplicable),
            "{id}: {:?}",
            status(&ev, id)
        );
    }
    // wage growth 12,600,000 / 12,000,000 − 1 = 0.05; efficiency 0.08; productivity 0.04.
    assert_eq!(qnum(&ev, "wage_growth"), dec!(0.05));
    assert_eq!(qnum(&ev, "efficiency_growth"), dec!(0.08));
    assert_eq!(qnum(&ev, "productivity_growth"), dec!(0.04));
    assert_eq!(qnum(&ev, "base_wage_total"), dec!(12000000));
    // 12,000,000 × 1.08 = 12,960,000.00; 12,600,000 − 12,960,000 = −360,000.00
    assert_cap(
        &ev,
        "linkage.growth_cap",
        dec!(12960000.00),
        dec!(-360000.00),
    );
    assert_eq!(ev.regime.required.as_deref(), Some("filing"));
}

// --------------------------------------------------------------------- scope.applicability

#[test]
fn scope_wholly_owned_and_controlled_pass() {
    for own in ["wholly_owned", "controlled"] {
        let to = format!("ownership = \"{own}\"");
        let ev = eval(&[("ownership = \"wholly_owned\"", &to)], "");
        assert_status(&ev, "scope.applicability", Status::Pass);
        assert_eq!(ev.verdict, Verdict::Pass, "{own}");
    }
}

#[test]
fn scope_de_facto_controlled_applies_by_reference() {
    let ev = eval(
        &[(
            "ownership = \"wholly_owned\"",
            "ownership = \"de_facto_controlled\"",
        )],
        "",
    );
    assert_status(&ev, "scope.applicability", Status::Pass);
    let m = &rule(&ev, "scope.applicability").message;
    assert!(m.zh.contains("参照执行"), "{}", m.zh);
    assert!(m.en.contains("by reference"), "{}", m.en);
    assert_eq!(ev.verdict, Verdict::Pass);
}

#[test]
fn scope_other_is_out_of_scope_and_every_other_rule_not_applicable() {
    // Even with a failing wage total, an out-of-scope filing has no other verdicts.
    let ev = eval(
        &[
            ("ownership = \"wholly_owned\"", "ownership = \"other\""),
            ("wage_total = 12_600_000", "wage_total = 20_000_000"),
        ],
        "",
    );
    assert_eq!(ev.verdict, Verdict::OutOfScope);
    assert_status(&ev, "scope.applicability", Status::Fail);
    for id in BUDGET_RULES
        .iter()
        .filter(|id| **id != "scope.applicability")
    {
        assert_status(&ev, id, Status::NotApplicable);
    }
    assert!(ev.cap.is_none());
}

// ------------------------------------------------------------------------ indicators.count

/// `n` indicators from the competitive main list, equal weights summing to exactly 1, each +8%.
fn n_indicators(n: usize) -> String {
    let ids = [
        "profit_total",
        "roe",
        "net_profit",
        "eva",
        "asset_preservation_ratio",
    ];
    let weights = ["", "1", "0.5", "0.3333", "0.25", "0.2"];
    let mut s = String::new();
    for (i, id) in ids.iter().take(n).enumerate() {
        // Three equal weights cannot be exact: 0.3333 + 0.3333 + 0.3334.
        let w = if n == 3 && i == 2 {
            "0.3334"
        } else {
            weights[n]
        };
        s.push_str(&format!(
            "[[indicator]]\nid = \"{id}\"\nweight = \"{w}\"\nprior = 100\nbudget = 108\n\n"
        ));
    }
    s
}

#[test]
fn indicator_count_under_benxi() {
    let want = [
        (0, Status::Fail),
        (1, Status::Review),
        (2, Status::Pass),
        (3, Status::Pass),
        (4, Status::Review),
        (5, Status::Fail),
    ];
    for (n, st) in want {
        let block = n_indicators(n);
        let ev = eval(&[(INDICATORS, &block)], "");
        assert_eq!(
            status(&ev, "indicators.count"),
            st,
            "{n} indicators: {}",
            rule(&ev, "indicators.count").message.en
        );
        if n > 0 {
            assert_status(&ev, "indicators.weights", Status::Pass);
            // every indicator +8%, weights summing to 1: efficiency +8%.
            assert_eq!(qnum(&ev, "efficiency_growth"), dec!(0.08), "{n}");
        }
    }
}

#[test]
fn indicator_count_under_national_has_no_upper_limit() {
    for (n, st) in [
        (0, Status::Fail),
        (1, Status::Pass),
        (4, Status::Pass),
        (5, Status::Pass),
    ] {
        let block = n_indicators(n);
        let ev = eval_in(&national(), &modified(&[(INDICATORS, &block)], ""));
        assert_eq!(status(&ev, "indicators.count"), st, "{n} indicators");
    }
}

#[test]
fn single_indicator_without_weight_has_weight_one() {
    let one = "[[indicator]]\nid = \"profit_total\"\nprior = 100\nbudget = 110\n\n";
    let ev = eval(&[(INDICATORS, one)], "");
    assert_status(&ev, "indicators.weights", Status::Pass);
    assert_status(&ev, "indicators.count", Status::Review);
    assert_eq!(qnum(&ev, "efficiency_growth"), dec!(0.1));
}

// ---------------------------------------------------------------------- indicators.weights

#[test]
fn weights_not_summing_to_one_fail() {
    // 0.6 + 0.5 = 1.1
    let ev = eval(&[("weight = \"40%\"", "weight = \"50%\"")], "");
    assert_status(&ev, "indicators.weights", Status::Fail);
    assert_eq!(ev.verdict, Verdict::Fail);
    // 0.6 + 0.39 = 0.99
    let ev = eval(&[("weight = \"40%\"", "weight = \"39%\"")], "");
    assert_status(&ev, "indicators.weights", Status::Fail);
    // exactly 1 written differently: 0.60 + 0.4 passes
    let ev = eval(&[("weight = \"40%\"", "weight = 0.40")], "");
    assert_status(&ev, "indicators.weights", Status::Pass);
}

#[test]
fn weights_zero_negative_or_above_one_fail() {
    // 0 + 1 = 1, but 0 is not in (0, 1]
    let ev = eval(
        &[
            ("weight = \"60%\"", "weight = 0"),
            ("weight = \"40%\"", "weight = 1"),
        ],
        "",
    );
    assert_status(&ev, "indicators.weights", Status::Fail);
    // 1.2 − 0.2 = 1, but neither is in (0, 1]
    let ev = eval(
        &[
            ("weight = \"60%\"", "weight = 1.2"),
            ("weight = \"40%\"", "weight = -0.2"),
        ],
        "",
    );
    assert_status(&ev, "indicators.weights", Status::Fail);
}

#[test]
fn weight_missing_with_two_indicators_fails() {
    let ev = eval(&[("weight = \"40%\"\n", "")], "");
    assert_status(&ev, "indicators.weights", Status::Fail);
    let m = &rule(&ev, "indicators.weights").message;
    assert!(m.en.contains("no weight"), "{}", m.en);
}

#[test]
fn weights_and_fit_not_applicable_without_indicators() {
    let ev = eval(&[(INDICATORS, "")], "");
    assert_status(&ev, "indicators.count", Status::Fail);
    assert_status(&ev, "indicators.weights", Status::NotApplicable);
    assert_status(&ev, "indicators.category_fit", Status::NotApplicable);
    assert_eq!(ev.verdict, Verdict::Fail);
}

// ----------------------------------------------------------------- indicators.category_fit

#[test]
fn category_fit_review_when_no_main_indicator() {
    // revenue and task_completion_rate are not main indicators for a competitive enterprise
    let block = "[[indicator]]\nid = \"revenue\"\nweight = \"50%\"\nprior = 100\nbudget = 108\n\n\
                 [[indicator]]\nid = \"task_completion_rate\"\nweight = \"50%\"\nprior = 1\nbudget = 1.08\n\n";
    let ev = eval(&[(INDICATORS, block)], "");
    assert_status(&ev, "indicators.category_fit", Status::Review);
    assert_eq!(ev.verdict, Verdict::Review);
    let m = &rule(&ev, "indicators.category_fit").message;
    assert!(m.en.contains("revenue"), "{}", m.en);
    // one main indicator is enough
    let ev = eval(&[("id = \"roe\"", "id = \"revenue\"")], "");
    assert_status(&ev, "indicators.category_fit", Status::Pass);
}

#[test]
fn category_fit_pass_for_base() {
    let ev = eval(&[], "");
    assert_status(&ev, "indicators.category_fit", Status::Pass);
}

// ---------------------------------------------------------------------- linkage.growth_cap

#[test]
fn growth_cap_boundary_is_inclusive() {
    // bound 0.08; allowed 12,000,000 × 1.08 = 12,960,000.00
    let ev = eval(
        &[("wage_total = 12_600_000", "wage_total = 12_960_000")],
        "",
    );
    assert_status(&ev, "linkage.growth_cap", Status::Pass);
    assert_bound(&ev, "linkage.growth_cap", dec!(0.08), dec!(12960000.00));
    assert_cap(&ev, "linkage.growth_cap", dec!(12960000.00), dec!(0.00));
    assert_eq!(ev.verdict, Verdict::Pass);

    let ev = eval(
        &[("wage_total = 12_600_000", "wage_total = 12_960_000.01")],
        "",
    );
    assert_status(&ev, "linkage.growth_cap", Status::Fail);
    assert_cap(&ev, "linkage.growth_cap", dec!(12960000.00), dec!(0.01));
    assert_eq!(ev.verdict, Verdict::Fail);
}

#[test]
fn growth_cap_rounds_allowed_total_down_to_the_cent() {
    // base 12,345,678.91 × 1.08 = 13,333,333.2228 → 13,333,333.22 (down, not to nearest)
    let mods = [("wage_total = 12_000_000", "wage_total = 12_345_678.91")];
    let ok = [
        mods[0],
        ("wage_total = 12_600_000", "wage_total = 13_333_333.22"),
    ];
    let ev = eval(&ok, "");
    assert_status(&ev, "linkage.growth_cap", Status::Pass);
    assert_bound(&ev, "linkage.growth_cap", dec!(0.08), dec!(13333333.22));
    assert_cap(&ev, "linkage.growth_cap", dec!(13333333.22), dec!(0.00));
    let bad = [
        mods[0],
        ("wage_total = 12_600_000", "wage_total = 13_333_333.23"),
    ];
    let ev = eval(&bad, "");
    assert_status(&ev, "linkage.growth_cap", Status::Fail);
    assert_cap(&ev, "linkage.growth_cap", dec!(13333333.22), dec!(0.01));
}

#[test]
fn growth_cap_not_applicable_when_efficiency_does_not_grow() {
    // profit flat, ROE flat: efficiency growth exactly 0 → not growing
    let ev = eval(
        &[
            ("budget = 33_000_000", "budget = 30_000_000"),
            ("budget = \"8.4%\"", "budget = \"8.0%\""),
        ],
        "",
    );
    assert_eq!(qnum(&ev, "efficiency_growth"), dec!(0));
    assert_status(&ev, "linkage.growth_cap", Status::NotApplicable);
    assert_status(&ev, "linkage.restricted_growth", Status::NotApplicable);
    assert_status(&ev, "linkage.noncompetitive_control", Status::NotApplicable);
}

// -------------------------------------------------------------- linkage.restricted_growth

const NO_HQ: (&str, &str) = ("hq_average_wage_growth = \"3%\"\n", "");
const PRODUCTIVITY_FLAT: (&str, &str) = ("budget = 416_000", "budget = 400_000");
const LABOR_WORSE: (&str, &str) = ("prior = \"150%\"", "prior = \"119.99%\"");
// 2.5 × 120,698 (national average 2023) = 301,745.00; 301,745.01 is "more than 2.5 times"
const HIGH_WAGE: (&str, &str) = ("[prior]\n", "[prior]\naverage_wage = 301_745.01\n");

#[test]
fn restricted_growth_each_trigger_alone() {
    for (trigger, m) in [
        ("productivity_flat", PRODUCTIVITY_FLAT),
        ("labor_cost_worse", LABOR_WORSE),
        ("high_wage", HIGH_WAGE),
    ] {
        // bound 0.7 × 0.08 = 0.056; allowed 12,000,000 × 1.056 = 12,672,000.00
        let ev = eval(
            &[
                m,
                NO_HQ,
                ("wage_total = 12_600_000", "wage_total = 12_672_000"),
            ],
            "",
        );
        assert_status(&ev, "linkage.restricted_growth", Status::Pass);
        assert_eq!(
            rule(&ev, "linkage.restricted_growth").triggers,
            vec![trigger]
        );
        assert_bound(
            &ev,
            "linkage.restricted_growth",
            dec!(0.056),
            dec!(12672000.00),
        );
        assert_cap(
            &ev,
            "linkage.restricted_growth",
            dec!(12672000.00),
            dec!(0.00),
        );
        assert!(!ev.cap.as_ref().unwrap().strict);
        assert_eq!(ev.verdict, Verdict::Pass, "{trigger}");

        let ev = eval(
            &[
                m,
                NO_HQ,
                ("wage_total = 12_600_000", "wage_total = 12_672_000.01"),
            ],
            "",
        );
        assert_status(&ev, "linkage.restricted_growth", Status::Fail);
        assert_status(&ev, "linkage.growth_cap", Status::Pass);
        assert_cap(
            &ev,
            "linkage.restricted_growth",
            dec!(12672000.00),
            dec!(0.01),
        );
        assert_eq!(ev.verdict, Verdict::Fail, "{trigger}");
        let msg = &rule(&ev, "linkage.restricted_growth").message;
        assert!(msg.zh.contains("12,672,000.00"), "{}", msg.zh);
        assert!(msg.en.contains("12,672,000.00"), "{}", msg.en);
    }
}

#[test]
fn restricted_growth_all_triggers_named() {
    let ev = eval(&[PRODUCTIVITY_FLAT, LABOR_WORSE, HIGH_WAGE, NO_HQ], "");
    assert_eq!(
        rule(&ev, "linkage.restricted_growth").triggers,
        vec!["productivity_flat", "labor_cost_worse", "high_wage"]
    );
    assert_status(&ev, "linkage.restricted_growth", Status::Pass);
}

#[test]
fn restricted_growth_trigger_boundaries_do_not_fire() {
    // productivity down to 400,000.01: +0.0000000025 > 0, not flat
    // labour-cost ratio exactly at the industry average: not worse
    // prior average wage exactly 2.5 × 120,698 = 301,745: not more than 2.5 times
    let ev = eval(
        &[
            ("budget = 416_000", "budget = 400_000.01"),
            ("prior = \"150%\"", "prior = \"120%\""),
            ("[prior]\n", "[prior]\naverage_wage = 301_745\n"),
            NO_HQ,
        ],
        "",
    );
    assert_status(&ev, "linkage.restricted_growth", Status::NotApplicable);
    assert_cap(
        &ev,
        "linkage.growth_cap",
        dec!(12960000.00),
        dec!(-360000.00),
    );
}

#[test]
fn restricted_growth_productivity_fall_fires() {
    let ev = eval(&[("budget = 416_000", "budget = 399_999")], "");
    assert_eq!(
        rule(&ev, "linkage.restricted_growth").triggers,
        vec!["productivity_flat"]
    );
}

#[test]
fn restricted_growth_not_applicable_without_trigger() {
    let ev = eval(&[], "");
    assert_status(&ev, "linkage.restricted_growth", Status::NotApplicable);
}

#[test]
fn restricted_growth_rounds_down_to_the_cent() {
    // base 12,345,678.91; bound 0.056; 12,345,678.91 × 1.056 = 13,037,036.92896 → 13,037,036.92
    let base = ("wage_total = 12_000_000", "wage_total = 12_345_678.91");
    let ev = eval(
        &[
            base,
            PRODUCTIVITY_FLAT,
            NO_HQ,
            ("wage_total = 12_600_000", "wage_total = 13_037_036.92"),
        ],
        "",
    );
    assert_status(&ev, "linkage.restricted_growth", Status::Pass);
    assert_bound(
        &ev,
        "linkage.restricted_growth",
        dec!(0.056),
        dec!(13037036.92),
    );
    assert_cap(
        &ev,
        "linkage.restricted_growth",
        dec!(13037036.92),
        dec!(0.00),
    );
    let ev = eval(
        &[
            base,
            PRODUCTIVITY_FLAT,
            NO_HQ,
            ("wage_total = 12_600_000", "wage_total = 13_037_036.93"),
        ],
        "",
    );
    assert_status(&ev, "linkage.restricted_growth", Status::Fail);
    assert_cap(
        &ev,
        "linkage.restricted_growth",
        dec!(13037036.92),
        dec!(0.01),
    );
}

// ------------------------------------------------ national-2018: strict bound, unset multiple

#[test]
fn national_restricted_growth_is_strict() {
    // national: growth must stay strictly below efficiency growth 0.08.
    // 12,000,000 × 1.08 = 12,960,000.00 exactly, so the largest allowed total is 12,959,999.99.
    let ev = eval_in(
        &national(),
        &modified(
            &[
                PRODUCTIVITY_FLAT,
                ("wage_total = 12_600_000", "wage_total = 12_959_999.99"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.restricted_growth", Status::Pass);
    let r = rule(&ev, "linkage.restricted_growth");
    assert!(r.strict);
    assert_eq!(r.bound, Some(dec!(0.08)));
    assert_eq!(r.allowed_total, Some(dec!(12959999.99)));
    assert_cap(
        &ev,
        "linkage.restricted_growth",
        dec!(12959999.99),
        dec!(0.00),
    );
    assert!(ev.cap.as_ref().unwrap().strict);
    assert_eq!(ev.verdict, Verdict::Pass);

    let ev = eval_in(
        &national(),
        &modified(
            &[
                PRODUCTIVITY_FLAT,
                ("wage_total = 12_600_000", "wage_total = 12_960_000"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.restricted_growth", Status::Fail);
    // the inclusive growth cap is met exactly
    assert_status(&ev, "linkage.growth_cap", Status::Pass);
    assert_cap(
        &ev,
        "linkage.restricted_growth",
        dec!(12959999.99),
        dec!(0.01),
    );
    assert_eq!(ev.verdict, Verdict::Fail);
}

#[test]
fn national_strict_bound_not_on_whole_cent() {
    // base 12,345,678.91 × 1.08 = 13,333,333.2228: strictly below → 13,333,333.22 (floor)
    let ev = eval_in(
        &national(),
        &modified(
            &[
                PRODUCTIVITY_FLAT,
                ("wage_total = 12_000_000", "wage_total = 12_345_678.91"),
                ("wage_total = 12_600_000", "wage_total = 13_333_333.22"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.restricted_growth", Status::Pass);
    assert_cap(
        &ev,
        "linkage.restricted_growth",
        dec!(13333333.22),
        dec!(0.00),
    );
}

#[test]
fn national_high_wage_multiple_unset_gives_review() {
    // productivity +4%, labour cost better: the only open trigger is high_wage, whose
    // multiple the national text leaves unset.
    let ev = eval_in(&national(), &base_text());
    assert_status(&ev, "linkage.restricted_growth", Status::Review);
    let r = rule(&ev, "linkage.restricted_growth");
    assert!(
        r.unknown.iter().any(|u| u.contains("high_wage_multiple")),
        "unknown: {:?}",
        r.unknown
    );
    assert!(
        r.message.en.contains("high_wage_multiple"),
        "{}",
        r.message.en
    );
    assert_eq!(ev.verdict, Verdict::Review);

    // a fired trigger settles it regardless of the unset multiple
    let ev = eval_in(&national(), &modified(&[PRODUCTIVITY_FLAT], ""));
    let r = rule(&ev, "linkage.restricted_growth");
    assert_eq!(r.status, Status::Pass);
    assert!(r.unknown.is_empty(), "{:?}", r.unknown);
}

// --------------------------------------------------------- linkage.noncompetitive_control

const FUNCTIONAL: [(&str, &str); 2] = [
    ("category = \"competitive\"", "category = \"functional\""),
    (
        "requested_regime = \"filing\"",
        "requested_regime = \"approval\"",
    ),
];

#[test]
fn noncompetitive_control_two_bounds() {
    // prior average wage 12,000,000 / 248 = 48,387.0967…, at least the control level 40,000.
    // second bound: 1.06 × (12,000,000 / 248) × 250 / 12,000,000 − 1 = 265/248 − 1
    //             = 17/248 = 0.068548387096774…, tighter than efficiency growth 0.08.
    // allowed: 12,000,000 × 265/248 = 12,822,580.645161… → 12,822,580.64
    let bench = "[benchmarks]\ncontrol_level = 40_000\nwage_growth_control_target = \"6%\"\n";
    let ok = [
        FUNCTIONAL[0],
        FUNCTIONAL[1],
        ("wage_total = 12_600_000", "wage_total = 12_822_580.64"),
    ];
    let ev = eval(&ok, bench);
    assert_status(&ev, "linkage.noncompetitive_control", Status::Pass);
    let r = rule(&ev, "linkage.noncompetitive_control");
    assert_eq!(r.bound.unwrap().round_dp(12), dec!(0.068548387097));
    assert_eq!(r.allowed_total, Some(dec!(12822580.64)));
    assert_cap(
        &ev,
        "linkage.noncompetitive_control",
        dec!(12822580.64),
        dec!(0.00),
    );
    assert_status(&ev, "linkage.growth_cap", Status::Pass);
    assert_eq!(ev.verdict, Verdict::Pass);

    let bad = [
        FUNCTIONAL[0],
        FUNCTIONAL[1],
        ("wage_total = 12_600_000", "wage_total = 12_822_580.65"),
    ];
    let ev = eval(&bad, bench);
    assert_status(&ev, "linkage.noncompetitive_control", Status::Fail);
    assert_status(&ev, "linkage.growth_cap", Status::Pass);
    assert_cap(
        &ev,
        "linkage.noncompetitive_control",
        dec!(12822580.64),
        dec!(0.01),
    );
    assert_eq!(ev.verdict, Verdict::Fail);
}

#[test]
fn noncompetitive_control_efficiency_binds_when_target_is_loose() {
    // target 20%: 1.2 × 250/248 − 1 = 0.2096…, so efficiency growth 0.08 binds (12,960,000.00)
    let bench = "[benchmarks]\ncontrol_level = 40_000\nwage_growth_control_target = \"20%\"\n";
    let ev = eval(
        &[
            FUNCTIONAL[0],
            FUNCTIONAL[1],
            ("wage_total = 12_600_000", "wage_total = 12_960_000.01"),
        ],
        bench,
    );
    assert_status(&ev, "linkage.noncompetitive_control", Status::Fail);
    assert_bound(
        &ev,
        "linkage.noncompetitive_control",
        dec!(0.08),
        dec!(12960000.00),
    );
}

#[test]
fn noncompetitive_control_not_applicable() {
    // below the control level
    let bench = "[benchmarks]\ncontrol_level = 50_000\nwage_growth_control_target = \"6%\"\n";
    let ev = eval(&FUNCTIONAL, bench);
    assert_status(&ev, "linkage.noncompetitive_control", Status::NotApplicable);
    assert_eq!(ev.verdict, Verdict::Pass);
    // fully competitive
    let bench = "[benchmarks]\ncontrol_level = 40_000\nwage_growth_control_target = \"6%\"\n";
    let ev = eval(&[], bench);
    assert_status(&ev, "linkage.noncompetitive_control", Status::NotApplicable);
}

#[test]
fn noncompetitive_control_at_exactly_the_control_level_applies() {
    // prior average wage given as 48,000, control level 48,000: "达到" applies (≥)
    // bound: 1.06 × 48,000 × 250 / 12,000,000 − 1 = 12,720,000 / 12,000,000 − 1 = 0.06
    // allowed 12,720,000.00
    let bench = "[benchmarks]\ncontrol_level = 48_000\nwage_growth_control_target = \"6%\"\n";
    let ev = eval(
        &[
            FUNCTIONAL[0],
            FUNCTIONAL[1],
            ("[prior]\n", "[prior]\naverage_wage = 48_000\n"),
            ("wage_total = 12_600_000", "wage_total = 12_720_000.01"),
        ],
        bench,
    );
    assert_status(&ev, "linkage.noncompetitive_control", Status::Fail);
    assert_bound(
        &ev,
        "linkage.noncompetitive_control",
        dec!(0.06),
        dec!(12720000.00),
    );
}

#[test]
fn noncompetitive_control_without_control_level_is_review() {
    let ev = eval(&FUNCTIONAL, "");
    assert_status(&ev, "linkage.noncompetitive_control", Status::Review);
    let r = rule(&ev, "linkage.noncompetitive_control");
    assert!(
        r.unknown
            .iter()
            .any(|u| u.contains("benchmarks.control_level")),
        "{:?}",
        r.unknown
    );
    assert_eq!(ev.verdict, Verdict::Review);
}

// ------------------------------------------------------------------------ linkage.decline

/// Efficiency −8% (profit −10% × 0.6, ROE −5% × 0.4), productivity −5%, labour cost worse than
/// the industry, prior average wage 100,000 (not below 0.8 × 120,698 = 96,558.40): no relief.
const DECLINE: [(&str, &str); 5] = [
    ("budget = 33_000_000", "budget = 27_000_000"),
    ("budget = \"8.4%\"", "budget = \"7.6%\""),
    ("budget = 416_000", "budget = 380_000"),
    ("prior = \"150%\"", "prior = \"110%\""),
    ("hq_average_wage_growth = \"3%\"\n", ""),
];
const PRIOR_AVG_100K: (&str, &str) = ("[prior]\n", "[prior]\naverage_wage = 100_000\n");

fn decline_with(extra_mods: &[(&str, &str)], extra: &str) -> String {
    let mut mods: Vec<(&str, &str)> = DECLINE.to_vec();
    mods.extend_from_slice(extra_mods);
    modified(&mods, extra)
}

#[test]
fn decline_fail_and_pass_at_the_bound() {
    // bound −0.08; allowed 12,000,000 × 0.92 = 11,040,000.00
    let ev = eval_in(&benxi(), &decline_with(&[PRIOR_AVG_100K], ""));
    assert_eq!(qnum(&ev, "efficiency_growth"), dec!(-0.08));
    assert_status(&ev, "linkage.decline", Status::Fail);
    assert_bound(&ev, "linkage.decline", dec!(-0.08), dec!(11040000.00));
    // 12,600,000 − 11,040,000 = 1,560,000.00 over
    assert_cap(&ev, "linkage.decline", dec!(11040000.00), dec!(1560000.00));
    assert_status(&ev, "linkage.decline_relief", Status::NotApplicable);
    assert_status(&ev, "linkage.non_operating", Status::NotApplicable);
    assert_status(&ev, "linkage.growth_cap", Status::NotApplicable);
    assert_eq!(ev.verdict, Verdict::Fail);

    let ev = eval_in(
        &benxi(),
        &decline_with(
            &[
                PRIOR_AVG_100K,
                ("wage_total = 12_600_000", "wage_total = 11_040_000"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline", Status::Pass);
    assert_cap(&ev, "linkage.decline", dec!(11040000.00), dec!(0.00));
    assert_eq!(ev.verdict, Verdict::Pass);

    let ev = eval_in(
        &benxi(),
        &decline_with(
            &[
                PRIOR_AVG_100K,
                ("wage_total = 12_600_000", "wage_total = 11_040_000.01"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline", Status::Fail);
}

#[test]
fn decline_zero_efficiency_growth_means_no_wage_growth() {
    // profit and ROE flat: efficiency 0 → bound 0 → allowed 12,000,000.00
    let flat = [
        ("budget = 33_000_000", "budget = 30_000_000"),
        ("budget = \"8.4%\"", "budget = \"8.0%\""),
        ("budget = 416_000", "budget = 380_000"),
        ("prior = \"150%\"", "prior = \"110%\""),
        NO_HQ,
        PRIOR_AVG_100K,
    ];
    let mut ok = flat.to_vec();
    ok.push(("wage_total = 12_600_000", "wage_total = 12_000_000"));
    let ev = eval(&ok, "");
    assert_status(&ev, "linkage.decline", Status::Pass);
    assert_bound(&ev, "linkage.decline", dec!(0), dec!(12000000.00));
    let mut bad = flat.to_vec();
    bad.push(("wage_total = 12_600_000", "wage_total = 12_000_000.01"));
    let ev = eval(&bad, "");
    assert_status(&ev, "linkage.decline", Status::Fail);
}

#[test]
fn decline_relief_productivity_not_down_gives_review() {
    // productivity flat (400,000 → 400,000): growth 0 ≥ 0
    let ev = eval_in(
        &benxi(),
        &decline_with(
            &[PRIOR_AVG_100K, ("budget = 380_000", "budget = 400_000")],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline", Status::Review);
    assert_status(&ev, "linkage.decline_relief", Status::Review);
    let r = rule(&ev, "linkage.decline_relief");
    assert_eq!(r.triggers, vec!["productivity_not_down"]);
    assert!(
        r.unknown
            .iter()
            .any(|u| u.contains("decline_relief_factor")),
        "{:?}",
        r.unknown
    );
    assert_eq!(ev.verdict, Verdict::Review);
}

#[test]
fn decline_relief_low_wage_gives_review() {
    // 0.8 × 120,698 = 96,558.40; 96,558.39 is below it
    let ev = eval_in(
        &benxi(),
        &decline_with(&[("[prior]\n", "[prior]\naverage_wage = 96_558.39\n")], ""),
    );
    assert_status(&ev, "linkage.decline", Status::Review);
    assert_status(&ev, "linkage.decline_relief", Status::Review);
    assert_eq!(
        rule(&ev, "linkage.decline_relief").triggers,
        vec!["low_wage"]
    );
    // exactly 80% is not "below": no relief, decline fails
    let ev = eval_in(
        &benxi(),
        &decline_with(&[("[prior]\n", "[prior]\naverage_wage = 96_558.40\n")], ""),
    );
    assert_status(&ev, "linkage.decline", Status::Fail);
    assert_status(&ev, "linkage.decline_relief", Status::NotApplicable);
}

#[test]
fn decline_relief_labour_cost_better_is_open_under_benxi() {
    // Benxi leaves clearly_better_margin unset: a better labour-cost ratio (150% vs 120%)
    // cannot be judged "clearly" better, so decline and relief are review, naming it.
    let ev = eval_in(
        &benxi(),
        &decline_with(
            &[PRIOR_AVG_100K, ("prior = \"110%\"", "prior = \"150%\"")],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline", Status::Review);
    assert_status(&ev, "linkage.decline_relief", Status::Review);
    let r = rule(&ev, "linkage.decline_relief");
    assert!(
        r.unknown
            .iter()
            .any(|u| u.contains("clearly_better_margin")),
        "{:?}",
        r.unknown
    );
}

#[test]
fn decline_relief_labour_cost_clearly_better_with_margin() {
    // margin 20%: advantage (1.50 − 1.20) / 1.20 = 0.25 ≥ 0.20: clearly better
    let pack = child_of_benxi(r#"clearly_better_margin = { value = "20%", override = true }"#);
    let ev = eval_in(
        &pack,
        &decline_with(
            &[PRIOR_AVG_100K, ("prior = \"110%\"", "prior = \"150%\"")],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline", Status::Review);
    assert_status(&ev, "linkage.decline_relief", Status::Review);
    assert_eq!(
        rule(&ev, "linkage.decline_relief").triggers,
        vec!["labor_cost_clearly_better"]
    );
    // 1.40 vs 1.20: advantage 0.1666… < 0.20: not clearly better → no relief, decline fails
    let ev = eval_in(
        &pack,
        &decline_with(
            &[PRIOR_AVG_100K, ("prior = \"110%\"", "prior = \"140%\"")],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline", Status::Fail);
    assert_status(&ev, "linkage.decline_relief", Status::NotApplicable);
}

#[test]
fn decline_with_relief_factor_passes_or_fails_on_it() {
    // f = 0.5: bound 0.5 × −0.08 = −0.04; allowed 12,000,000 × 0.96 = 11,520,000.00
    let pack = child_of_benxi(r#"decline_relief_factor = { value = "50%", override = true }"#);
    let relief = ("budget = 380_000", "budget = 400_000"); // productivity not down
    let ev = eval_in(
        &pack,
        &decline_with(
            &[
                PRIOR_AVG_100K,
                relief,
                ("wage_total = 12_600_000", "wage_total = 11_520_000"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline_relief", Status::Pass);
    assert_bound(
        &ev,
        "linkage.decline_relief",
        dec!(-0.04),
        dec!(11520000.00),
    );
    // decline is superseded: the relieved bound binds
    assert_cap(&ev, "linkage.decline_relief", dec!(11520000.00), dec!(0.00));

    let ev = eval_in(
        &pack,
        &decline_with(
            &[
                PRIOR_AVG_100K,
                relief,
                ("wage_total = 12_600_000", "wage_total = 11_520_000.01"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline_relief", Status::Fail);
    assert_cap(&ev, "linkage.decline_relief", dec!(11520000.00), dec!(0.01));
    assert_eq!(ev.verdict, Verdict::Fail);

    // no relief trigger: the factor plays no part, decline binds at 11,040,000.00
    let ev = eval_in(&pack, &decline_with(&[PRIOR_AVG_100K], ""));
    assert_status(&ev, "linkage.decline_relief", Status::NotApplicable);
    assert_status(&ev, "linkage.decline", Status::Fail);
    assert_cap(&ev, "linkage.decline", dec!(11040000.00), dec!(1560000.00));
}

#[test]
fn decline_relief_factor_rounds_down() {
    // f = 0.5, efficiency −8%: base 12,345,678.91 × 0.96 = 11,851,851.7536 → 11,851,851.75
    let pack = child_of_benxi(r#"decline_relief_factor = { value = "50%", override = true }"#);
    let ev = eval_in(
        &pack,
        &decline_with(
            &[
                PRIOR_AVG_100K,
                ("budget = 380_000", "budget = 400_000"),
                ("wage_total = 12_000_000", "wage_total = 12_345_678.91"),
                ("wage_total = 12_600_000", "wage_total = 11_851_851.76"),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.decline_relief", Status::Fail);
    assert_bound(
        &ev,
        "linkage.decline_relief",
        dec!(-0.04),
        dec!(11851851.75),
    );
}

// ----------------------------------------------------------------- linkage.non_operating

#[test]
fn non_operating_factor_gives_review() {
    let ev = eval_in(
        &benxi(),
        &decline_with(
            &[
                PRIOR_AVG_100K,
                (
                    "[budget]\n",
                    "[budget]\nnon_operating_factors = [\"policy_adjustment\"]\n",
                ),
            ],
            "",
        ),
    );
    assert_status(&ev, "linkage.non_operating", Status::Review);
    assert_status(&ev, "linkage.decline", Status::Review);
    assert_status(&ev, "linkage.decline_relief", Status::NotApplicable);
    let m = &rule(&ev, "linkage.non_operating").message;
    assert!(m.en.contains("policy adjustment"), "{}", m.en);
    assert_eq!(ev.verdict, Verdict::Review);
}

#[test]
fn non_operating_not_applicable_when_efficiency_grows() {
    // declared factors do not matter when efficiency grows; the rule has no pass status
    // (its requirement is `false`: whenever it applies a reviewer decides).
    let ev = eval(
        &[(
            "[budget]\n",
            "[budget]\nnon_operating_factors = [\"policy_adjustment\"]\n",
        )],
        "",
    );
    assert_status(&ev, "linkage.non_operating", Status::NotApplicable);
    assert_eq!(ev.verdict, Verdict::Pass);
}

// ------------------------------------------------------------ linkage.asset_preservation

#[test]
fn asset_preservation_below_100_percent_bound_zero() {
    // bound 0: allowed 12,000,000 × 1 = 12,000,000.00
    let low = (
        "asset_preservation_ratio = \"103.5%\"",
        "asset_preservation_ratio = \"99.99%\"",
    );
    let ev = eval(&[low], "");
    assert_status(&ev, "linkage.asset_preservation", Status::Fail);
    assert_bound(
        &ev,
        "linkage.asset_preservation",
        dec!(0),
        dec!(12000000.00),
    );
    assert_cap(
        &ev,
        "linkage.asset_preservation",
        dec!(12000000.00),
        dec!(600000.00),
    );
    assert_eq!(ev.verdict, Verdict::Fail);

    // (no HQ figure: with the wage total flat the all-staff average wage falls)
    let ev = eval(
        &[
            low,
            NO_HQ,
            ("wage_total = 12_600_000", "wage_total = 12_000_000"),
        ],
        "",
    );
    assert_status(&ev, "linkage.asset_preservation", Status::Pass);
    assert_eq!(ev.verdict, Verdict::Pass);

    let ev = eval(
        &[
            low,
            ("wage_total = 12_600_000", "wage_total = 12_000_000.01"),
        ],
        "",
    );
    assert_status(&ev, "linkage.asset_preservation", Status::Fail);
}

#[test]
fn asset_preservation_exactly_100_percent_not_applicable() {
    let ev = eval(
        &[(
            "asset_preservation_ratio = \"103.5%\"",
            "asset_preservation_ratio = \"100%\"",
        )],
        "",
    );
    assert_status(&ev, "linkage.asset_preservation", Status::NotApplicable);
}

#[test]
fn asset_preservation_absent_is_advisory() {
    let ev = eval(&[("asset_preservation_ratio = \"103.5%\"\n", "")], "");
    assert_status(&ev, "linkage.asset_preservation", Status::Advisory);
    let r = rule(&ev, "linkage.asset_preservation");
    assert!(
        r.unknown
            .iter()
            .any(|u| u.contains("prior.asset_preservation_ratio")),
        "{:?}",
        r.unknown
    );
    assert!(r.message.en.contains("not checked"), "{}", r.message.en);
    // advisory does not change the verdict
    assert_eq!(ev.verdict, Verdict::Pass);
}

#[test]
fn asset_preservation_absent_still_has_a_cap() {
    // The rule is only advisory ("not checked") when the ratio is absent, and the verdict is
    // pass; the cap should still be the growth cap: 12,000,000 × 1.08 = 12,960,000.00.
    let ev = eval(&[("asset_preservation_ratio = \"103.5%\"\n", "")], "");
    assert_eq!(ev.verdict, Verdict::Pass);
    assert_cap(
        &ev,
        "linkage.growth_cap",
        dec!(12960000.00),
        dec!(-360000.00),
    );
}

// ------------------------------------------------------------ linkage.headcount_neutral

#[test]
fn headcount_merger_is_review_and_raises_the_base() {
    let adj = "[[adjustment]]\nkind = \"merger\"\namount = 800_000\nnote = \"2023年10月并入\"\n";
    let ev = eval(&[], adj);
    assert_status(&ev, "linkage.headcount_neutral", Status::Review);
    // base 12,000,000 + 800,000 = 12,800,000; growth 12,600,000 / 12,800,000 − 1 = −0.015625
    assert_eq!(qnum(&ev, "base_wage_total"), dec!(12800000));
    assert_eq!(qnum(&ev, "wage_growth"), dec!(-0.015625));
    // 12,800,000 × 1.08 = 13,824,000.00
    assert_bound(&ev, "linkage.growth_cap", dec!(0.08), dec!(13824000.00));
    assert_cap(
        &ev,
        "linkage.growth_cap",
        dec!(13824000.00),
        dec!(-1224000.00),
    );
    assert_eq!(ev.verdict, Verdict::Review);
}

#[test]
fn headcount_divestiture_lowers_the_base() {
    let adj = "[[adjustment]]\nkind = \"divestiture\"\namount = -500_000\n";
    let ev = eval(&[], adj);
    assert_status(&ev, "linkage.headcount_neutral", Status::Review);
    // base 11,500,000; 11,500,000 × 1.08 = 12,420,000.00; 12,600,000 is 180,000.00 over
    assert_eq!(qnum(&ev, "base_wage_total"), dec!(11500000));
    assert_cap(
        &ev,
        "linkage.growth_cap",
        dec!(12420000.00),
        dec!(180000.00),
    );
    assert_status(&ev, "linkage.growth_cap", Status::Fail);
}

#[test]
fn headcount_unknown_kind_fails() {
    let adj = "[[adjustment]]\nkind = \"hiring\"\namount = 300_000\n";
    let ev = eval(&[], adj);
    assert_status(&ev, "linkage.headcount_neutral", Status::Fail);
    assert_eq!(ev.verdict, Verdict::Fail);
    // one allowed and one not: still fail
    let adj2 = "[[adjustment]]\nkind = \"merger\"\namount = 100_000\n\n\
                [[adjustment]]\nkind = \"hiring\"\namount = 300_000\n";
    let ev = eval(&[], adj2);
    assert_status(&ev, "linkage.headcount_neutral", Status::Fail);
    // both amounts are in the base: 12,000,000 + 100,000 + 300,000
    assert_eq!(qnum(&ev, "base_wage_total"), dec!(12400000));
}

#[test]
fn headcount_no_adjustment_not_applicable() {
    let ev = eval(&[], "");
    assert_status(&ev, "linkage.headcount_neutral", Status::NotApplicable);
}

// ------------------------------------------------------------------------ regime.required

#[test]
fn regime_competitive_recent_violation() {
    // a major violation in 2022 (within 2021–2023): approval is required
    let v = (
        "major_violation_years = []",
        "major_violation_years = [2022]",
    );
    let ev = eval(&[v], "");
    assert_eq!(ev.regime.required.as_deref(), Some("approval"));
    assert_status(&ev, "regime.required", Status::Fail);
    assert_eq!(ev.verdict, Verdict::Fail);

    let ev = eval(
        &[
            v,
            (
                "requested_regime = \"filing\"",
                "requested_regime = \"approval\"",
            ),
        ],
        "",
    );
    assert_status(&ev, "regime.required", Status::Pass);
    assert_eq!(ev.verdict, Verdict::Pass);
}

#[test]
fn regime_violation_window_is_three_years_before_budget_year() {
    for (year, req) in [
        (2020, "filing"),
        (2021, "approval"),
        (2023, "approval"),
        (2024, "filing"),
    ] {
        let to = format!("major_violation_years = [{year}]");
        let ev = eval(&[("major_violation_years = []", &to)], "");
        assert_eq!(
            ev.regime.required.as_deref(),
            Some(req),
            "violation in {year}"
        );
    }
}

#[test]
fn regime_competitive_governance_flags() {
    for m in [
        ("standardized_board = true", "standardized_board = false"),
        ("governance_sound = true", "governance_sound = false"),
        (
            "internal_control_sound = true",
            "internal_control_sound = false",
        ),
        (
            "budget_management_standard = true",
            "budget_management_standard = false",
        ),
        (
            "[governance]\n",
            "[governance]\notherwise_ineligible = true\n",
        ),
    ] {
        let ev = eval(&[m], "");
        assert_eq!(ev.regime.required.as_deref(), Some("approval"), "{m:?}");
        assert_status(&ev, "regime.required", Status::Fail);
    }
}

#[test]
fn regime_noncompetitive_needs_investor_consent() {
    let functional = ("category = \"competitive\"", "category = \"functional\"");
    let ev = eval(&[functional], "");
    assert_eq!(ev.regime.required.as_deref(), Some("approval"));
    assert_status(&ev, "regime.required", Status::Fail);

    let ev = eval(
        &[
            functional,
            (
                "[governance]\n",
                "[governance]\ninvestor_consents_filing = true\n",
            ),
        ],
        "",
    );
    assert_eq!(ev.regime.required.as_deref(), Some("filing"));
    assert_status(&ev, "regime.required", Status::Pass);
}

#[test]
fn regime_approval_needs_three_standard_years() {
    let approval = (
        "current_regime = \"filing\"",
        "current_regime = \"approval\"",
    );
    let ev = eval(
        &[
            approval,
            ("standard_budget_years = 4", "standard_budget_years = 2"),
        ],
        "",
    );
    assert_eq!(ev.regime.required.as_deref(), Some("approval"));
    assert_status(&ev, "regime.required", Status::Fail);

    let ev = eval(
        &[
            approval,
            ("standard_budget_years = 4", "standard_budget_years = 3"),
        ],
        "",
    );
    assert_eq!(ev.regime.required.as_deref(), Some("filing"));
    assert_status(&ev, "regime.required", Status::Pass);
}

#[test]
fn regime_unknown_governance_is_review() {
    // standardized_board has no default: unknown, so the regime cannot be decided
    let ev = eval(&[("standardized_board = true\n", "")], "");
    assert_eq!(ev.regime.required, None);
    assert_status(&ev, "regime.required", Status::Review);
    // requesting approval is always allowed
    let ev = eval(
        &[
            ("standardized_board = true\n", ""),
            (
                "requested_regime = \"filing\"",
                "requested_regime = \"approval\"",
            ),
        ],
        "",
    );
    assert_status(&ev, "regime.required", Status::Pass);
}

// --------------------------------------------------------------------------- period.length

fn period(years: u32, reason: bool, consent: bool) -> Evaluation {
    let mut ins = format!("[budget]\nperiod_years = {years}\n");
    if reason {
        ins.push_str("period_reason = \"cyclical\"\n");
    }
    if consent {
        ins.push_str("investor_consents_period = true\n");
    }
    eval(&[("[budget]\n", &ins)], "")
}

#[test]
fn period_length() {
    assert_status(&period(1, false, false), "period.length", Status::Pass);
    assert_status(&period(2, true, true), "period.length", Status::Pass);
    assert_status(&period(3, true, true), "period.length", Status::Pass);
    assert_status(&period(2, true, false), "period.length", Status::Review);
    assert_status(&period(4, true, true), "period.length", Status::Fail);
    assert_status(&period(4, true, false), "period.length", Status::Fail);
    assert_status(&period(4, false, false), "period.length", Status::Fail);
    assert_eq!(period(2, true, false).verdict, Verdict::Review);
    assert_eq!(period(4, true, true).verdict, Verdict::Fail);
}

#[test]
fn period_without_reason_fails() {
    // filing.md "Defaults": `period_reason` none, so an absent reason is "no reason", never
    // unknown; rules.md period.length: "no reason: fail".
    assert_status(&period(2, false, true), "period.length", Status::Fail);
    assert_status(&period(2, false, false), "period.length", Status::Fail);
}

// ------------------------------------------------------------------------ internal.hq_growth

#[test]
fn hq_growth() {
    // all staff: (12,600,000 / 250) / (12,000,000 / 248) − 1 = 50,400 / 48,387.0967… − 1 = 0.0416
    let ev = eval(&[], "");
    assert_status(&ev, "internal.hq_growth", Status::Pass);
    assert_eq!(qnum(&ev, "average_wage_growth").round_dp(20), dec!(0.0416));

    let hq = |g: &str| {
        let to = format!("hq_average_wage_growth = \"{g}\"");
        eval(&[("hq_average_wage_growth = \"3%\"", &to)], "")
    };
    assert_status(&hq("5%"), "internal.hq_growth", Status::Review);
    assert_eq!(hq("5%").verdict, Verdict::Review);
    assert_status(&hq("4.15%"), "internal.hq_growth", Status::Pass);
    assert_status(&hq("4.17%"), "internal.hq_growth", Status::Review);

    let ev = eval(&[NO_HQ], "");
    assert_status(&ev, "internal.hq_growth", Status::NotApplicable);
}

#[test]
fn hq_growth_equal_to_all_staff_is_review() {
    // "should be lower": equal growth (exactly 4.16%) is not lower. The all-staff growth is
    // 50,400 × 248 / 12,000,000 − 1 = 0.0416 exactly.
    let ev = eval(
        &[(
            "hq_average_wage_growth = \"3%\"",
            "hq_average_wage_growth = \"4.16%\"",
        )],
        "",
    );
    assert_status(&ev, "internal.hq_growth", Status::Review);
}

// ---------------------------------------------------------------------- internal.off_budget

#[test]
fn off_budget() {
    let ev = eval(
        &[("[budget]\n", "[budget]\noff_budget_wage_items = 0\n")],
        "",
    );
    assert_status(&ev, "internal.off_budget", Status::Pass);
    let ev = eval(
        &[("[budget]\n", "[budget]\noff_budget_wage_items = 0.01\n")],
        "",
    );
    assert_status(&ev, "internal.off_budget", Status::Fail);
    assert_eq!(ev.verdict, Verdict::Fail);
    let ev = eval(
        &[("[budget]\n", "[budget]\noff_budget_wage_items = 50_000\n")],
        "",
    );
    assert_status(&ev, "internal.off_budget", Status::Fail);
    assert!(
        rule(&ev, "internal.off_budget")
            .message
            .en
            .contains("50,000.00"),
        "{}",
        rule(&ev, "internal.off_budget").message.en
    );
}

// --------------------------------------------------------------- lower-is-better indicators

#[test]
fn npl_ratio_falling_is_growth() {
    // financial_commercial (fully competitive so the control rule stays out, approval requested):
    // profit +10% × 0.6 = 0.06; NPL ratio 2.0% → 1.8%: (0.020 − 0.018) / 0.020 = +0.10 × 0.4 = 0.04
    // efficiency 0.10; allowed 12,000,000 × 1.10 = 13,200,000.00
    let block = "[[indicator]]\nid = \"profit_total\"\nweight = \"60%\"\nprior = 30_000_000\nbudget = 33_000_000\n\n\
                 [[indicator]]\nid = \"npl_ratio\"\nweight = \"40%\"\nprior = \"2.0%\"\nbudget = \"1.8%\"\n\n";
    let fin = [
        (
            "category = \"competitive\"",
            "category = \"financial_commercial\"\nfully_competitive = true",
        ),
        (
            "requested_regime = \"filing\"",
            "requested_regime = \"approval\"",
        ),
        (INDICATORS, block),
    ];
    let ev = eval(&fin, "");
    assert_eq!(qnum(&ev, "efficiency_growth"), dec!(0.10));
    assert_status(&ev, "indicators.category_fit", Status::Pass);
    assert_bound(&ev, "linkage.growth_cap", dec!(0.10), dec!(13200000.00));
    assert_eq!(ev.verdict, Verdict::Pass);

    // NPL ratio rising 2.0% → 2.2% is a fall of 10%: efficiency 0.06 − 0.04 = 0.02
    // allowed 12,000,000 × 1.02 = 12,240,000.00; 12,600,000 fails
    let block_up = block.replace("budget = \"1.8%\"", "budget = \"2.2%\"");
    let fin_up = [fin[0], fin[1], (INDICATORS, block_up.as_str())];
    let ev = eval(&fin_up, "");
    assert_eq!(qnum(&ev, "efficiency_growth"), dec!(0.02));
    assert_status(&ev, "linkage.growth_cap", Status::Fail);
    assert_cap(
        &ev,
        "linkage.growth_cap",
        dec!(12240000.00),
        dec!(360000.00),
    );
}

#[test]
fn loss_making_indicator_base_has_no_growth_rate() {
    // prior profit ≤ 0: the efficiency growth is unknown, linkage rules review, no cap
    let ev = eval(&[("prior = 30_000_000", "prior = -1_000_000")], "");
    assert!(matches!(
        quantity(&ev, "efficiency_growth"),
        Value::Unknown(_)
    ));
    assert_status(&ev, "linkage.growth_cap", Status::Review);
    assert!(ev.cap.is_none());
    assert_eq!(ev.verdict, Verdict::Review);
}
