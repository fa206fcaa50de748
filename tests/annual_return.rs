//! Annual returns: every execution.* and disclosure.* rule in pass and fail, the cleared total
//! and the amount to recover to the cent, and the deadline boundaries.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use wagecheck::engine::{Evaluation, Options, Verdict, evaluate, validate};
use wagecheck::pack::{Registry, Status};

const SAMPLE: &str = include_str!("../samples/08-annual-return.toml");

/// Evaluates sample 08 with text replacements (each must match exactly once).
fn eval(changes: &[(&str, &str)]) -> Evaluation {
    let mut text = SAMPLE.to_string();
    for (from, to) in changes {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
    }
    let filing = wagecheck::filing::parse_str("ar.toml", &text).unwrap();
    let pack = Registry::new().load("benxi-2019").unwrap();
    assert!(validate(&filing, &pack).is_empty());
    evaluate(&filing, &pack, Options::default())
}

fn status(e: &Evaluation, id: &str) -> Status {
    e.rule(id).unwrap().status
}

fn clearing(e: &Evaluation) -> (Decimal, Decimal) {
    let c = e.clearing.as_ref().unwrap();
    (c.cleared_wage_total.unwrap(), c.to_recover.unwrap())
}

#[test]
fn the_sample_is_cleared_on_actual_results() {
    // Actual efficiency: 0.6 × (31.8/30 − 1) + 0.4 × (8.2/8.0 − 1) = 0.036 + 0.010 = 0.046.
    // Productivity fell (398,000 < 400,000): 70% binds: 0.7 × 0.046 = 0.0322.
    // Cleared: 12,000,000 × 1.0322 = 12,386,400.00; to recover 12,550,000 − 12,386,400 = 163,600.00.
    let e = eval(&[]);
    assert_eq!(clearing(&e), (dec!(12386400.00), dec!(163600.00)));
    assert_eq!(status(&e, "execution.clearing"), Status::Fail);
    assert_eq!(status(&e, "execution.within_budget"), Status::Pass);
    assert_eq!(e.verdict, Verdict::Fail);
    // Budget-only rules are not run on an annual return.
    assert!(
        e.rules
            .iter()
            .all(|r| r.id != "regime.required" && r.id != "period.length")
    );
}

#[test]
fn clearing_passes_when_actual_pay_is_within_the_cleared_total() {
    // Productivity rose (410,000): no restriction, cap = efficiency 0.046:
    // cleared 12,000,000 × 1.046 = 12,552,000.00 ≥ 12,550,000 paid: nothing to recover.
    let e = eval(&[("actual = 398_000", "actual = 410_000")]);
    assert_eq!(clearing(&e), (dec!(12552000.00), dec!(0)));
    assert_eq!(status(&e, "execution.clearing"), Status::Pass);
    assert_eq!(e.verdict, Verdict::Pass);
}

#[test]
fn paying_more_than_approved_fails_and_recovers_the_excess_over_the_smaller_total() {
    // Approved 12,500,000 < cleared 12,552,000: to recover 12,550,000 − 12,500,000 = 50,000.00.
    let e = eval(&[
        ("actual = 398_000", "actual = 410_000"),
        (
            "approved_wage_total = 12_600_000",
            "approved_wage_total = 12_500_000",
        ),
    ]);
    assert_eq!(status(&e, "execution.within_budget"), Status::Fail);
    assert_eq!(status(&e, "execution.clearing"), Status::Pass);
    assert_eq!(clearing(&e).1, dec!(50000.00));
}

#[test]
fn cents_are_rounded_down_when_clearing() {
    // Base 12,345,678.91 with efficiency 0.046 (productivity up): 12,345,678.91 × 1.046
    // = 12,913,580.13986 → cleared 12,913,580.13; paid 12,913,580.14 → 0.01 to recover.
    let e = eval(&[
        ("actual = 398_000", "actual = 410_000"),
        (
            "[prior]\nwage_total = 12_000_000",
            "[prior]\nwage_total = 12_345_678.91",
        ),
        (
            "actual_wage_total = 12_550_000",
            "actual_wage_total = 12_913_580.14",
        ),
        (
            "approved_wage_total = 12_600_000",
            "approved_wage_total = 13_000_000",
        ),
    ]);
    assert_eq!(clearing(&e), (dec!(12913580.13), dec!(0.01)));
    assert_eq!(status(&e, "execution.clearing"), Status::Fail);
}

#[test]
fn report_contents_name_what_is_missing() {
    let e = eval(&[(
        "report_contents = [\"approved_total\", \"cleared_total\", \"actual_total_and_average\", \"indicator_results\", \"analysis\", \"audited_financials\"]",
        "report_contents = [\"approved_total\", \"cleared_total\", \"analysis\"]",
    )]);
    let r = e.rule("execution.report_contents").unwrap();
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.message
            .en
            .contains("missing: the actual wage total and average wage")
    );
    assert!(
        r.message
            .en
            .contains("missing: the linkage indicator results")
    );
    assert!(
        r.message
            .en
            .contains("missing: the audited financial statements")
    );
    assert!(!r.message.en.contains("missing: the approved wage total"));
    assert!(r.message.zh.contains("缺少：经审计的财务决算表"));
}

#[test]
fn disclosure_deadline_31_october_and_1_november() {
    for (date, expected) in [("2025-10-31", Status::Pass), ("2025-11-01", Status::Fail)] {
        let e = eval(&[(
            "disclosed_on = 2025-10-15",
            &format!("disclosed_on = {date}"),
        )]);
        assert_eq!(status(&e, "disclosure.deadline"), expected, "{date}");
    }
    let e = eval(&[("disclosed_on = 2025-10-15\n", "")]);
    assert_eq!(status(&e, "disclosure.deadline"), Status::Review);
}

#[test]
fn report_deadline_31_july_and_1_august() {
    for (date, expected) in [("2025-07-31", Status::Pass), ("2025-08-01", Status::Fail)] {
        let e = eval(&[(
            "report_filed_on = 2025-07-20",
            &format!("report_filed_on = {date}"),
        )]);
        assert_eq!(status(&e, "execution.report_deadline"), expected, "{date}");
    }
}

#[test]
fn missing_actual_results_leave_the_clearing_undecided() {
    // Without indicator 1's actual result, actual efficiency growth is unknown: no cleared total.
    let e = eval(&[("actual = 31_800_000\n", "")]);
    let c = e.clearing.as_ref().unwrap();
    assert_eq!(c.cleared_wage_total, None);
    assert_eq!(status(&e, "execution.clearing"), Status::Review);
    assert_eq!(e.verdict, Verdict::Review);
}

#[test]
fn junit_parses_as_xml_with_one_testcase_per_filing() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(["batch", "samples/", "--format", "junit"])
        .output()
        .unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    // 8 sample filings + 60 CSV rows.
    assert_eq!(cases.len(), 68);
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("68"));
    let failures = cases
        .iter()
        .filter(|c| c.children().any(|x| x.has_tag_name("failure")))
        .count();
    assert_eq!(
        suite.attribute("failures"),
        Some(failures.to_string().as_str())
    );
}
