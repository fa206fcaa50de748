//! What several integration tests share.
#![allow(dead_code)] // each test crate uses its own part of this module

/// A clean, passing competitive Benxi 2024 budget (as samples/01, without the comments).
pub const BASE: &str = r#"schema = "wagecheck/filing/v1"
kind = "budget"

[enterprise]
name = "本溪钢联机械制造有限公司"
credit_code = "91210500MA0YB12383"
category = "competitive"
ownership = "wholly_owned"
jurisdiction = "benxi"

[governance]
standardized_board = true
governance_sound = true
internal_control_sound = true
distribution_management_standard = true
budget_management_standard = true
major_violation_years = []
current_regime = "filing"
standard_budget_years = 4

[budget]
year = 2024
requested_regime = "filing"
wage_total = 12_600_000
average_headcount = 250
hq_average_wage_growth = "3%"

[prior]
wage_total = 12_000_000
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
budget = 416_000

[labor_cost]
kind = "labor_cost_profit_ratio"
prior = "150%"
industry_average = "120%"
"#;
