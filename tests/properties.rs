//! Properties of the evaluator over generated valid filings (proptest):
//!
//! - raising the proposed wage total never turns `fail` into `pass`;
//! - the reported `max_wage_total` passes the cap and one cent more fails it (benxi-2019, and
//!   national-2018 whose restricted growth is a strict bound, "应低于");
//! - the JSON report parses back to the same decimals;
//! - `--lang zh` and `--lang en` give the same verdicts and amounts;
//! - evaluating the same filing twice, or inside a batch, gives the same report.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value as J;
use wagecheck::diag::Lang;

/// The evaluation date of every report here (the receipt names it; nothing else reads it).
const DAY: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date");
use wagecheck::engine::{Evaluation, Options, Verdict, evaluate, validate};
use wagecheck::expr::Value;
use wagecheck::filing::{self, Filing};
use wagecheck::pack::{Pack, Registry, Status};
use wagecheck::report::{Report, json};

fn pack(id: &str) -> Arc<Pack> {
    static PACKS: OnceLock<(Arc<Pack>, Arc<Pack>)> = OnceLock::new();
    let (benxi, national) = PACKS.get_or_init(|| {
        let r = Registry::new();
        (
            r.load("benxi-2019").expect("benxi-2019"),
            r.load("national-2018").expect("national-2018"),
        )
    });
    if id == "benxi-2019" {
        benxi.clone()
    } else {
        national.clone()
    }
}

/// The knobs of a generated filing; every combination is a valid filing.
#[derive(Clone, Debug)]
struct Gen {
    competitive: bool,
    controlled: bool,
    prior_wage: i64,    // cents
    budget_wage: i64,   // cents
    prior_heads: i64,   // tenths
    budget_heads: i64,  // tenths
    weight1: i64,       // percent
    profit_prior: i64,  // yuan
    profit_budget: i64, // yuan
    roe_prior: i64,     // basis points
    roe_budget: i64,
    prod_prior: i64,
    prod_budget: i64,
    labor_prior: i64, // percent
    labor_industry: i64,
    asset_ratio: i64, // tenths of a percent
    control_level: i64,
    control_target: i64, // tenths of a percent
    non_operating: bool,
}

fn yuan(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn tenths(t: i64) -> String {
    format!("{}.{}", t / 10, t % 10)
}

impl Gen {
    fn toml(&self, budget_wage: &str) -> String {
        let g = self;
        format!(
            r#"schema = "wagecheck/filing/v1"
kind = "budget"

[enterprise]
name = "本溪测试有限公司"
category = "{category}"
ownership = "{ownership}"
jurisdiction = "benxi"

[governance]
standardized_board = true
governance_sound = true
internal_control_sound = true
distribution_management_standard = true
budget_management_standard = true
current_regime = "filing"
standard_budget_years = 4
investor_consents_filing = true

[budget]
year = 2024
requested_regime = "filing"
wage_total = "{budget_wage}"
average_headcount = "{budget_heads}"
non_operating_factors = {non_operating}

[prior]
wage_total = "{prior_wage}"
average_headcount = "{prior_heads}"
asset_preservation_ratio = "{asset}%"

[[indicator]]
id = "profit_total"
weight = "{w1}%"
prior = {profit_prior}
budget = {profit_budget}

[[indicator]]
id = "roe"
weight = "{w2}%"
prior = "{roe_prior}%"
budget = "{roe_budget}%"

[productivity]
kind = "value_added_per_capita"
prior = {prod_prior}
budget = {prod_budget}

[labor_cost]
kind = "labor_cost_profit_ratio"
prior = "{labor_prior}%"
industry_average = "{labor_industry}%"

[benchmarks]
control_level = {control_level}
wage_growth_control_target = "{control_target}%"
"#,
            category = if g.competitive {
                "competitive"
            } else {
                "functional"
            },
            ownership = if g.controlled {
                "controlled"
            } else {
                "wholly_owned"
            },
            budget_heads = tenths(g.budget_heads),
            prior_wage = yuan(g.prior_wage),
            prior_heads = tenths(g.prior_heads),
            non_operating = if g.non_operating {
                "[\"policy_adjustment\"]"
            } else {
                "[]"
            },
            asset = tenths(g.asset_ratio),
            w1 = g.weight1,
            w2 = 100 - g.weight1,
            profit_prior = g.profit_prior,
            profit_budget = g.profit_budget,
            roe_prior = Decimal::new(g.roe_prior, 2),
            roe_budget = Decimal::new(g.roe_budget, 2),
            prod_prior = g.prod_prior,
            prod_budget = g.prod_budget,
            labor_prior = g.labor_prior,
            labor_industry = g.labor_industry,
            control_level = g.control_level,
            control_target = tenths(g.control_target),
        )
    }

    fn filing_with(&self, budget_wage: &str) -> Filing {
        let text = self.toml(budget_wage);
        filing::parse_str("gen.toml", &text)
            .unwrap_or_else(|e| panic!("generated filing does not decode: {e:?}\n{text}"))
    }

    fn filing(&self) -> Filing {
        self.filing_with(&yuan(self.budget_wage))
    }
}

fn gen_filing() -> impl Strategy<Value = Gen> {
    (
        (any::<bool>(), any::<bool>(), 100_000_000i64..10_000_000_000),
        (-2000i64..3000, 100i64..50_000, -50i64..50, 4i64..8),
        (1_000_000i64..100_000_000, -400i64..500),
        (300i64..2000, -300i64..300),
        (100_000i64..1_000_000, -100i64..120),
        (80i64..200, 80i64..200, 950i64..1100),
        (50_000i64..200_000, 0i64..100, any::<bool>()),
    )
        .prop_map(
            |(
                (competitive, controlled, prior_wage),
                (wage_pm, prior_heads, heads_pm, w),
                (profit_prior, profit_pm),
                (roe_prior, roe_delta),
                (prod_prior, prod_pm),
                (labor_prior, labor_industry, asset_ratio),
                (control_level, control_target, non_operating),
            )| Gen {
                competitive,
                controlled,
                prior_wage,
                // −20 % … +30 %, to the cent
                budget_wage: prior_wage + prior_wage * wage_pm / 10_000 + 37,
                prior_heads,
                budget_heads: (prior_heads + prior_heads * heads_pm / 1000).max(1),
                weight1: w * 10,
                profit_prior,
                profit_budget: profit_prior + profit_prior * profit_pm / 1000,
                roe_prior,
                roe_budget: roe_prior + roe_delta,
                prod_prior,
                prod_budget: prod_prior + prod_prior * prod_pm / 1000,
                labor_prior,
                labor_industry,
                asset_ratio,
                control_level,
                control_target,
                non_operating,
            },
        )
}

fn eval(f: &Filing, pack: &Pack) -> Evaluation {
    let problems = validate(f, pack);
    assert!(
        problems.is_empty(),
        "generated filing invalid: {problems:?}"
    );
    evaluate(f, pack, Options { trace: true })
}

fn status_of(e: &Evaluation, id: &str) -> Option<Status> {
    e.rule(id).map(|r| r.status)
}

const CASES: u32 = 48;

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn raising_the_wage_total_never_turns_fail_into_pass(
        g in gen_filing(),
        raise in 1i64..200_000_000,
    ) {
        for id in ["benxi-2019", "national-2018"] {
            let p = pack(id);
            let low = eval(&g.filing(), &p);
            let high = eval(&g.filing_with(&yuan(g.budget_wage + raise)), &p);
            if low.verdict == Verdict::Fail {
                prop_assert_ne!(high.verdict, Verdict::Pass, "{}: raised by {}", id, yuan(raise));
            }
            // Every rule that failed still fails (or at worst asks for review).
            for r in low.rules.iter().filter(|r| r.status == Status::Fail) {
                prop_assert_ne!(status_of(&high, &r.id), Some(Status::Pass), "{} {}", id, r.id);
            }
        }
    }

    #[test]
    fn max_wage_total_passes_and_one_cent_more_fails(g in gen_filing()) {
        for id in ["benxi-2019", "national-2018"] {
            let p = pack(id);
            let first = eval(&g.filing(), &p);
            let Some(cap) = first.cap.clone() else { continue };
            prop_assume!(cap.max_wage_total > Decimal::ZERO);
            let at = eval(&g.filing_with(&cap.max_wage_total.to_string()), &p);
            let over_amount = cap.max_wage_total + Decimal::new(1, 2);
            let over = eval(&g.filing_with(&over_amount.to_string()), &p);
            let at_cap = at.cap.clone().expect("a cap at the maximum");
            let over_cap = over.cap.clone().expect("a cap one cent over");
            // The cap does not move with the proposal.
            prop_assert_eq!(at_cap.max_wage_total, cap.max_wage_total);
            prop_assert_eq!(over_cap.max_wage_total, cap.max_wage_total);
            prop_assert_eq!(&at_cap.binding_rule, &cap.binding_rule);
            // At the maximum: within the cap, the binding rule holds.
            prop_assert!(at_cap.excess <= Some(Decimal::ZERO), "{}: excess {:?}", id, at_cap.excess);
            let binding_at = status_of(&at, &cap.binding_rule);
            prop_assert!(
                matches!(binding_at, Some(Status::Pass | Status::Advisory | Status::NotApplicable)),
                "{}: {} is {:?} at the maximum {} (strict {})",
                id, cap.binding_rule, binding_at, cap.max_wage_total, cap.strict
            );
            // One cent more: over the cap, the binding rule is violated.
            prop_assert!(over_cap.excess > Some(Decimal::ZERO));
            let binding_over = status_of(&over, &cap.binding_rule);
            prop_assert!(
                matches!(binding_over, Some(Status::Fail | Status::Review)),
                "{}: {} is {:?} one cent over {} (strict {})",
                id, cap.binding_rule, binding_over, cap.max_wage_total, cap.strict
            );
            prop_assert_ne!(over.verdict, Verdict::Pass);
        }
    }

    #[test]
    fn json_report_parses_back_to_the_same_decimals(g in gen_filing()) {
        let f = g.filing();
        let p = pack("benxi-2019");
        let e = eval(&f, &p);
        let expected_quantities: Vec<(String, Value)> =
            e.quantities.iter().map(|(n, v, _)| (n.to_string(), v.clone())).collect();
        let cap = e.cap.clone();
        let report = Report::new(&f, &p, e, DAY);
        let text = serde_json::to_string(&json::report(&report, Lang::En, true)).expect("serialize");
        let back: J = serde_json::from_str(&text).expect("the JSON report parses");
        for (name, v) in &expected_quantities {
            if let Value::Num(d) = v {
                let s = back["quantities"][name].as_str().unwrap_or_else(|| panic!("{name}: {}", back["quantities"][name]));
                prop_assert_eq!(s.parse::<Decimal>().expect("a decimal string"), *d, "{}", name);
            }
        }
        if let Some(c) = cap {
            let get = |k: &str| -> Decimal {
                back["cap"][k].as_str().unwrap_or_else(|| panic!("cap.{k}")).parse().expect("decimal")
            };
            prop_assert_eq!(get("max_wage_total"), c.max_wage_total);
            prop_assert_eq!(Some(get("excess")), c.excess);
            prop_assert_eq!(get("wage_growth"), c.wage_growth);
            // Money has exactly two decimals.
            let s = back["cap"]["max_wage_total"].as_str().unwrap_or("");
            prop_assert_eq!(s.split_once('.').map(|(_, f)| f.len()), Some(2));
        } else {
            prop_assert!(back["cap"].is_null());
        }
        assert_no_json_floats(&back, "");
    }

    #[test]
    fn zh_and_en_give_the_same_verdicts_and_amounts(g in gen_filing()) {
        let f = g.filing();
        for id in ["benxi-2019", "national-2018"] {
            let p = pack(id);
            let report = Report::new(&f, &p, eval(&f, &p), DAY);
            let zh = json::report(&report, Lang::Zh, true);
            let en = json::report(&report, Lang::En, true);
            prop_assert_eq!(&zh["verdict"], &en["verdict"]);
            prop_assert_eq!(&zh["cap"]["max_wage_total"], &en["cap"]["max_wage_total"]);
            prop_assert_eq!(&zh["cap"]["excess"], &en["cap"]["excess"]);
            prop_assert_eq!(&zh["cap"]["binding_rule"], &en["cap"]["binding_rule"]);
            prop_assert_eq!(&zh["quantities"], &en["quantities"]);
            prop_assert_eq!(&zh["required_regime"], &en["required_regime"]);
            let statuses = |j: &J| -> Vec<(J, J)> {
                j["rules"].as_array().cloned().unwrap_or_default().iter()
                    .map(|r| (r["id"].clone(), r["status"].clone())).collect()
            };
            prop_assert_eq!(statuses(&zh), statuses(&en));
        }
    }

    #[test]
    fn evaluating_twice_gives_the_same_report(g in gen_filing()) {
        let f = g.filing();
        let p = pack("benxi-2019");
        let a = Report::new(&f, &p, eval(&f, &p), DAY);
        let b = Report::new(&f, &p, eval(&f, &p), DAY);
        for lang in [Lang::Zh, Lang::En] {
            prop_assert_eq!(json::report(&a, lang, true), json::report(&b, lang, true));
        }
    }
}

fn assert_no_json_floats(v: &J, path: &str) {
    match v {
        J::Number(n) => panic!("{path}: a JSON number {n}; every number must be a decimal string"),
        J::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| assert_no_json_floats(x, &format!("{path}[{i}]"))),
        J::Object(o) => o
            .iter()
            .for_each(|(k, x)| assert_no_json_floats(x, &format!("{path}.{k}"))),
        _ => {}
    }
}

/// The same filings through `check` one by one and through one `batch` give the same reports.
#[test]
fn a_batch_gives_the_same_reports_as_check() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut runner = TestRunner::deterministic();
    let strategy = gen_filing();
    let mut files = Vec::new();
    for i in 0..24 {
        let g = strategy
            .new_tree(&mut runner)
            .expect("a generated filing")
            .current();
        let p = dir.path().join(format!("f{i:02}.toml"));
        std::fs::write(&p, g.toml(&yuan(g.budget_wage))).expect("write");
        files.push(p);
    }
    let bin = env!("CARGO_BIN_EXE_wagecheck");
    let run = |args: &[&str]| -> String {
        let out = std::process::Command::new(bin)
            .args(args)
            .env("WAGECHECK_TODAY", DAY.to_string())
            .output()
            .expect("run wagecheck");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    for lang in ["zh", "en"] {
        let dir_s = dir.path().display().to_string();
        let batch = run(&[
            "batch", &dir_s, "--format", "jsonl", "--trace", "--lang", lang, "--jobs", "2",
        ]);
        let lines: Vec<J> = batch
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        assert_eq!(lines.len(), files.len());
        for (f, from_batch) in files.iter().zip(&lines) {
            let fs = f.display().to_string();
            let single: J = serde_json::from_str(&run(&[
                "check", &fs, "--format", "json", "--trace", "--lang", lang,
            ]))
            .expect("check --format json");
            assert_eq!(&single, from_batch, "{}", f.display());
        }
    }
    // And the library gives the same as the binary.
    let f = filing::read_file(Path::new(&files[0])).expect("decode");
    let p = pack("benxi-2019");
    let r = Report::new(&f, &p, eval(&f, &p), DAY);
    let lib = json::report(&r, Lang::En, true);
    let fs = files[0].display().to_string();
    let bin_report: J = serde_json::from_str(&run(&[
        "check", &fs, "--format", "json", "--trace", "--lang", "en",
    ]))
    .expect("check");
    assert_eq!(lib, bin_report);
}

/// The generator reaches the interesting cases: caps under both packs, national-2018's strict
/// restricted growth binding, fails and passes.
#[test]
fn the_generated_filings_cover_strict_and_non_strict_caps() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = gen_filing();
    let (mut strict, mut lenient, mut fails, mut passes) = (0, 0, 0, 0);
    for _ in 0..CASES {
        let g = strategy
            .new_tree(&mut runner)
            .expect("a generated filing")
            .current();
        for id in ["benxi-2019", "national-2018"] {
            let e = eval(&g.filing(), &pack(id));
            match &e.cap {
                Some(c) if c.strict => strict += 1,
                Some(_) => lenient += 1,
                None => {}
            }
            match e.verdict {
                Verdict::Fail => fails += 1,
                Verdict::Pass => passes += 1,
                _ => {}
            }
        }
    }
    assert!(
        strict >= 3 && lenient >= 3 && fails >= 3 && passes >= 3,
        "strict {strict}, non-strict {lenient}, fail {fails}, pass {passes}"
    );
}
