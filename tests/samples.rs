//! The bundled Benxi samples (`samples/01…07`), checked through the library API.
//!
//! Every expected amount below is worked out by hand in the comment next to it, from the numbers
//! in the sample file: `max_wage_total = base × (1 + cap)` rounded DOWN to the cent, and
//! `excess = budget.wage_total − max_wage_total`. Growth rates that are not finite decimals
//! (03) are compared to their exact value within 1e-25; the engine keeps 28 significant digits.

use std::path::PathBuf;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use wagecheck::engine::{self, Evaluation, Options, Verdict};
use wagecheck::pack::{Registry, Status};

fn evaluate(name: &str) -> Evaluation {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "samples", name]
        .iter()
        .collect();
    let filing = wagecheck::filing::read_file(&path)
        .unwrap_or_else(|d| panic!("{name}: filing does not load: {d:?}"));
    assert_eq!(filing.year(), 2024, "{name}: budget.year");
    let pack = Registry::new()
        .select("benxi", 2024)
        .unwrap_or_else(|d| panic!("no benxi pack for 2024: {d:?}"));
    let diags = engine::validate(&filing, &pack);
    assert!(diags.is_empty(), "{name}: validation failed: {diags:?}");
    engine::evaluate(&filing, &pack, Options { trace: false })
}

fn status(eval: &Evaluation, id: &str) -> Status {
    eval.rule(id)
        .unwrap_or_else(|| panic!("rule {id} missing from the evaluation"))
        .status
}

fn triggers(eval: &Evaluation, id: &str) -> Vec<String> {
    eval.rule(id)
        .unwrap_or_else(|| panic!("rule {id} missing from the evaluation"))
        .triggers
        .iter()
        .map(|t| t.to_string())
        .collect()
}

/// Asserts the listed rule statuses, and that every other rule is pass or not applicable.
fn assert_rules(eval: &Evaluation, expected: &[(&str, Status)]) {
    for (id, want) in expected {
        assert_eq!(status(eval, id), *want, "status of {id}");
    }
    for r in &eval.rules {
        if expected.iter().any(|(id, _)| *id == r.id) {
            continue;
        }
        assert!(
            matches!(r.status, Status::Pass | Status::NotApplicable),
            "unexpected {:?} on {}",
            r.status,
            r.id
        );
    }
}

fn assert_close(got: Decimal, want: Decimal, what: &str) {
    assert!(
        (got - want).abs() < dec!(0.0000000000000000000000001),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn s01_pass_competitive() {
    let eval = evaluate("01-pass-competitive.toml");
    assert_eq!(eval.verdict, Verdict::Pass);
    assert_eq!(eval.regime.required.as_deref(), Some("filing"));
    assert_rules(
        &eval,
        &[
            ("scope.applicability", Status::Pass),
            ("linkage.growth_cap", Status::Pass),
            ("linkage.restricted_growth", Status::NotApplicable),
            ("linkage.noncompetitive_control", Status::NotApplicable),
            ("linkage.decline", Status::NotApplicable),
            ("linkage.decline_relief", Status::NotApplicable),
            ("internal.hq_growth", Status::Pass),
            ("regime.required", Status::Pass),
        ],
    );
    // efficiency = 60% × (33,000,000 / 30,000,000 − 1) + 40% × (8.4% / 8.0% − 1)
    //            = 0.6 × 0.10 + 0.4 × 0.05 = 0.06 + 0.02 = 0.08
    // max = 12,000,000 × 1.08 = 12,960,000.00 (exact, nothing to round)
    // excess = 12,600,000 − 12,960,000.00 = −360,000.00
    let cap = eval.cap.expect("cap");
    assert_eq!(cap.binding_rule, "linkage.growth_cap");
    assert_eq!(cap.wage_growth, dec!(0.08));
    assert_eq!(cap.max_wage_total, dec!(12960000.00));
    assert_eq!(cap.excess, Some(dec!(-360000.00)));
}

#[test]
fn s02_over_cap() {
    let eval = evaluate("02-over-cap.toml");
    assert_eq!(eval.verdict, Verdict::Fail);
    assert_eq!(eval.regime.required.as_deref(), Some("filing"));
    // No restriction: productivity 460,000 → 482,000 rises; labour-cost profit ratio 128% beats
    // the industry's 115%; prior average wage 15,800,000 / 180 = 87,777.78
    // ≤ 2.5 × 120,698 = 301,745.
    assert_rules(
        &eval,
        &[
            ("scope.applicability", Status::Pass),
            ("linkage.growth_cap", Status::Fail),
            ("linkage.restricted_growth", Status::NotApplicable),
            ("linkage.noncompetitive_control", Status::NotApplicable),
            ("linkage.decline", Status::NotApplicable),
            ("internal.hq_growth", Status::Pass),
            ("regime.required", Status::Pass),
        ],
    );
    // efficiency = 60% × (44,940,000 / 42,000,000 − 1) + 40% × (31,350,000 / 30,000,000 − 1)
    //            = 0.6 × 0.07 + 0.4 × 0.045 = 0.042 + 0.018 = 0.06
    // max = 15,800,000 × 1.06 = 16,748,000.00
    // excess = 16,906,000 − 16,748,000.00 = 158,000.00 (wage growth 7% vs 6%)
    let cap = eval.cap.expect("cap");
    assert_eq!(cap.binding_rule, "linkage.growth_cap");
    assert_eq!(cap.wage_growth, dec!(0.06));
    assert_eq!(cap.max_wage_total, dec!(16748000.00));
    assert_eq!(cap.excess, Some(dec!(158000.00)));
}

#[test]
fn s03_restricted_70() {
    let eval = evaluate("03-restricted-70.toml");
    assert_eq!(eval.verdict, Verdict::Fail);
    assert_eq!(eval.regime.required.as_deref(), Some("filing"));
    assert_rules(
        &eval,
        &[
            ("scope.applicability", Status::Pass),
            ("linkage.growth_cap", Status::Pass),
            ("linkage.restricted_growth", Status::Fail),
            ("linkage.noncompetitive_control", Status::NotApplicable),
            ("linkage.decline", Status::NotApplicable),
            ("regime.required", Status::Pass),
        ],
    );
    // productivity 380,000 → 372,000: growth −8,000 / 380,000 < 0, the only trigger
    // (labour cost 135% > 120%; prior average 12,345,678 / 156 = 79,138.96 ≤ 301,745).
    assert_eq!(
        triggers(&eval, "linkage.restricted_growth"),
        vec!["productivity_flat".to_string()]
    );
    // g(profit_total) = 29,185,000 / 27,300,000 − 1 = 1,885,000 / 27,300,000 = 29/420
    // g(roe)          = 7.6% / 7.3% − 1 = 0.3 / 7.3 = 3/73
    // efficiency = 0.6 × 29/420 + 0.4 × 3/73 = 29/700 + 6/365 = (2,117 + 840) / 51,100
    //            = 2,957/51,100 = 0.0578669275929549902152641878…
    // restricted bound = 0.7 × 2,957/51,100 = 20,699/511,000 = 0.0405068493150684931506849315…
    // max = 12,345,678 × (1 + 20,699/511,000) = 12,345,678 × 531,699/511,000
    //     = 6,564,184,646,922/511,000 = 12,845,762.518438…
    //     rounded down to the cent: 12,845,762.51 (half-up would give .52)
    // excess = 12,962,962 − 12,845,762.51 = 117,199.49
    // wage growth = 12,962,962 / 12,345,678 − 1 = 0.0500000081…: above 70% of efficiency
    // growth (0.0405…), below all of it (0.0578…), so growth_cap passes and
    // restricted_growth fails.
    let cap = eval.cap.clone().expect("cap");
    assert_eq!(cap.binding_rule, "linkage.restricted_growth");
    assert_close(
        cap.wage_growth,
        dec!(0.0405068493150684931506849315),
        "restricted cap",
    );
    assert_eq!(cap.max_wage_total, dec!(12845762.51));
    assert_eq!(cap.excess, Some(dec!(117199.49)));
    // The non-binding bound: 12,345,678 × (1 + 2,957/51,100) = 333,685,157,823/25,550
    //                     = 13,060,084.454911…, rounded down: 13,060,084.45.
    let growth_cap = eval.rule("linkage.growth_cap").unwrap();
    assert_close(
        growth_cap.bound.expect("growth_cap bound"),
        dec!(0.0578669275929549902152641879),
        "efficiency growth",
    );
    assert_eq!(growth_cap.allowed_total, Some(dec!(13060084.45)));
}

#[test]
fn s04_declining_year() {
    let eval = evaluate("04-declining-year.toml");
    assert_eq!(eval.verdict, Verdict::Fail);
    assert_eq!(eval.regime.required.as_deref(), Some("filing"));
    // No relief: productivity 520,000 → 498,000 falls; labour-cost profit ratio 95% is worse than
    // the industry's 110% (so not clearly better); prior average wage 26,000,000 / 200 = 130,000
    // ≥ 0.8 × 120,698 = 96,558.40; no non-operating factor. So decline fails, not review.
    assert_rules(
        &eval,
        &[
            ("scope.applicability", Status::Pass),
            ("linkage.growth_cap", Status::NotApplicable),
            ("linkage.restricted_growth", Status::NotApplicable),
            ("linkage.decline", Status::Fail),
            ("linkage.decline_relief", Status::NotApplicable),
            ("linkage.non_operating", Status::NotApplicable),
            ("linkage.asset_preservation", Status::NotApplicable),
            ("regime.required", Status::Pass),
        ],
    );
    // efficiency = 60% × (46,000,000 / 50,000,000 − 1) + 40% × (8.55% / 9% − 1)
    //            = 0.6 × (−0.08) + 0.4 × (−0.05) = −0.048 − 0.02 = −0.068
    // max = 26,000,000 × (1 − 0.068) = 26,000,000 × 0.932 = 24,232,000.00
    // excess = 26,000,000 − 24,232,000.00 = 1,768,000.00 (a flat wage total is still too much)
    let cap = eval.cap.expect("cap");
    assert_eq!(cap.binding_rule, "linkage.decline");
    assert_eq!(cap.wage_growth, dec!(-0.068));
    assert_eq!(cap.max_wage_total, dec!(24232000.00));
    assert_eq!(cap.excess, Some(dec!(1768000.00)));
}

#[test]
fn s05_noncompetitive_control() {
    let eval = evaluate("05-noncompetitive-control.toml");
    assert_eq!(eval.verdict, Verdict::Pass);
    // Functional: approval by default; board, governance, internal control, distribution all
    // sound and the investor body consents → filing; currently filing with standard budget
    // management and no violation, so it stays filing.
    assert_eq!(eval.regime.required.as_deref(), Some("filing"));
    assert_rules(
        &eval,
        &[
            ("scope.applicability", Status::Pass),
            ("indicators.category_fit", Status::Pass),
            ("linkage.growth_cap", Status::Pass),
            ("linkage.restricted_growth", Status::NotApplicable),
            ("linkage.noncompetitive_control", Status::Pass),
            ("linkage.decline", Status::NotApplicable),
            ("regime.required", Status::Pass),
        ],
    );
    // efficiency = 50% × (64,200,000 / 60,000,000 − 1) + 50% × (840,000,000 / 800,000,000 − 1)
    //            = 0.5 × 0.07 + 0.5 × 0.05 = 0.06
    // prior average wage = 36,000,000 / 225 = 160,000 ≥ control level 150,000
    // second bound = (1 + 5%) × 160,000 × 222 / 36,000,000 − 1 = 37,296,000 / 36,000,000 − 1
    //              = 1.036 − 1 = 0.036
    // cap = min(0.06, 0.036) = 0.036
    // max = 36,000,000 × 1.036 = 37,296,000.00
    // excess = 37,080,000 − 37,296,000.00 = −216,000.00 (wage growth 3%)
    let cap = eval.cap.clone().expect("cap");
    assert_eq!(cap.binding_rule, "linkage.noncompetitive_control");
    assert_eq!(cap.wage_growth, dec!(0.036));
    assert_eq!(cap.max_wage_total, dec!(37296000.00));
    assert_eq!(cap.excess, Some(dec!(-216000.00)));
    // growth_cap alone: 36,000,000 × 1.06 = 38,160,000.00
    let growth_cap = eval.rule("linkage.growth_cap").unwrap();
    assert_eq!(growth_cap.allowed_total, Some(dec!(38160000.00)));
}

#[test]
fn s06_missing_data() {
    let eval = evaluate("06-missing-data.toml");
    assert_eq!(eval.verdict, Verdict::Review);
    assert_eq!(eval.regime.required.as_deref(), Some("filing"));
    // efficiency = 50% × (19,080,000 / 18,000,000 − 1) + 50% × (14,040,000 / 13,500,000 − 1)
    //            = 0.5 × 0.06 + 0.5 × 0.04 = 0.05 > 0, so growth_cap applies:
    // 24,336,000 ≤ 23,400,000 × 1.05 = 24,570,000.00, it passes.
    // Whether restricted_growth applies needs [productivity] and [labor_cost]: review, and with
    // a rule undecided the cap (0.05 or 0.7 × 0.05 = 0.035) is unknown.
    assert_rules(
        &eval,
        &[
            ("scope.applicability", Status::Pass),
            ("linkage.growth_cap", Status::Pass),
            ("linkage.restricted_growth", Status::Review),
            ("linkage.decline", Status::NotApplicable),
            ("regime.required", Status::Pass),
        ],
    );
    let growth_cap = eval.rule("linkage.growth_cap").unwrap();
    assert_eq!(growth_cap.allowed_total, Some(dec!(24570000.00)));
    let restricted = eval.rule("linkage.restricted_growth").unwrap();
    assert!(
        restricted
            .unknown
            .iter()
            .any(|f| f.starts_with("productivity.")),
        "restricted_growth should name a productivity field: {:?}",
        restricted.unknown
    );
    assert!(
        restricted
            .unknown
            .iter()
            .any(|f| f.starts_with("labor_cost.")),
        "restricted_growth should name a labor_cost field: {:?}",
        restricted.unknown
    );
    assert!(eval.cap.is_none(), "cap should be unknown: {:?}", eval.cap);
}

#[test]
fn s07_out_of_scope() {
    let eval = evaluate("07-out-of-scope.toml");
    assert_eq!(eval.verdict, Verdict::OutOfScope);
    assert_eq!(status(&eval, "scope.applicability"), Status::Fail);
    // Competitive with sound governance: filing would be allowed if the measures applied.
    assert_eq!(eval.regime.required.as_deref(), Some("filing"));
    assert!(eval.cap.is_none(), "no cap out of scope: {:?}", eval.cap);
}
