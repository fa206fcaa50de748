//! Embedding wagecheck: load the packs once, then check filings held in memory (a JSON one and a
//! TOML one) from two threads sharing the one checker, and print each verdict and cap.
//!
//! Run: `cargo run --example embed`. `tests/embed_example.rs` asserts its output.

use std::sync::Arc;
use std::thread;

use wagecheck::{CheckOptions, Checker, InputFormat, PackChoice};

/// A filing as a web form or another system would send it: JSON, in memory.
const JSON_FILING: &str = r#"
{
  "schema": "wagecheck/filing/v1",
  "kind": "budget",
  "enterprise": {
    "name": "本溪水务集团有限公司",
    "credit_code": "91210500119312562T",
    "category": "functional",
    "ownership": "wholly_owned",
    "jurisdiction": "benxi"
  },
  "governance": {
    "standardized_board": true,
    "governance_sound": true,
    "internal_control_sound": true,
    "distribution_management_standard": true,
    "budget_management_standard": true,
    "major_violation_years": [],
    "current_regime": "filing",
    "standard_budget_years": 4,
    "investor_consents_filing": true
  },
  "budget": {
    "year": 2024,
    "requested_regime": "filing",
    "wage_total": 37080000,
    "average_headcount": 222
  },
  "prior": {
    "wage_total": 36000000,
    "average_headcount": 225,
    "asset_preservation_ratio": "103%"
  },
  "indicator": [
    {
      "id": "profit_total",
      "weight": "50%",
      "prior": 60000000,
      "budget": 64200000
    },
    {
      "id": "revenue",
      "weight": "50%",
      "prior": 800000000,
      "budget": 840000000
    }
  ],
  "productivity": {
    "kind": "revenue_per_capita",
    "prior": 3555556,
    "budget": 3783784
  },
  "labor_cost": {
    "kind": "labor_cost_profit_ratio",
    "prior": "166.7%",
    "industry_average": "140%"
  },
  "benchmarks": {
    "control_level": 150000,
    "wage_growth_control_target": "5%"
  }
}
"#;

/// A filing as an enterprise writes it: TOML.
const TOML_FILING: &str = include_str!("../samples/02-over-cap.toml");

/// Checks both filings on two threads; one line per filing, in a fixed order.
pub fn run() -> String {
    // Built once (the built-in packs, each compiled on first use), then shared: it is
    // Send + Sync, and every call takes `&self`.
    let checker = Arc::new(Checker::builtin());
    // The evaluation date is an input of each call (a receipt names it).
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a valid date");
    let opts = CheckOptions::on(day);
    let inputs = [
        ("form.json", JSON_FILING, InputFormat::Json),
        ("02-over-cap.toml", TOML_FILING, InputFormat::Toml),
    ];
    let handles: Vec<_> = inputs
        .into_iter()
        .map(|(name, text, format)| {
            let checker = Arc::clone(&checker);
            thread::spawn(move || {
                let checked = checker.check_bytes(
                    name,
                    text.as_bytes().to_vec(),
                    format,
                    &PackChoice::InForce,
                    &opts,
                );
                let r = checked.report;
                let cap = r.eval.as_ref().and_then(|e| e.cap.as_ref());
                match cap {
                    Some(c) => format!(
                        "{name}: {} (cap {} yuan, {})",
                        r.verdict.as_str(),
                        wagecheck::num::money_grouped(c.max_wage_total),
                        c.binding_rule
                    ),
                    None => format!("{name}: {} (no cap)", r.verdict.as_str()),
                }
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a checking thread") + "\n")
        .collect()
}

#[allow(dead_code)] // a test includes this file for `run`
fn main() {
    print!("{}", run());
}
