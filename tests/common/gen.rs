//! A deterministic generator of varied filings as CSV rows: realistic Benxi budgets and annual
//! returns, then perturbed (cells left empty, booleans flipped, other categories, regimes, years,
//! packs, a few malformed cells), so that every rule status, unknowns, reviews, invalid rows and
//! out-of-scope filings all occur. The same seed gives the same text on every machine.

/// SplitMix64: tiny, portable, fixed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True with probability `percent` %.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

pub const COLUMNS: &[&str] = &[
    "schema",
    "kind",
    "enterprise.name",
    "enterprise.credit_code",
    "enterprise.category",
    "enterprise.ownership",
    "enterprise.jurisdiction",
    "governance.standardized_board",
    "governance.governance_sound",
    "governance.internal_control_sound",
    "governance.distribution_management_standard",
    "governance.budget_management_standard",
    "governance.major_violation_years",
    "governance.current_regime",
    "governance.standard_budget_years",
    "governance.investor_consents_filing",
    "budget.year",
    "budget.requested_regime",
    "budget.wage_total",
    "budget.average_headcount",
    "budget.hq_average_wage_growth",
    "prior.wage_total",
    "prior.average_headcount",
    "prior.asset_preservation_ratio",
    "indicator.1.id",
    "indicator.1.weight",
    "indicator.1.prior",
    "indicator.1.budget",
    "indicator.1.actual",
    "indicator.2.id",
    "indicator.2.weight",
    "indicator.2.prior",
    "indicator.2.budget",
    "indicator.2.actual",
    "productivity.kind",
    "productivity.prior",
    "productivity.budget",
    "productivity.actual",
    "labor_cost.kind",
    "labor_cost.prior",
    "labor_cost.industry_average",
    "benchmarks.national_average_wage",
    "execution.approved_wage_total",
    "execution.actual_wage_total",
    "execution.actual_average_headcount",
    "execution.actual_asset_preservation_ratio",
    "execution.report_filed_on",
    "execution.disclosed_on",
    "execution.report_contents",
];

const CODES: &[&str] = &[
    "91210500MA0XK7N440",
    "91210500MA10C2PT6K",
    "912105002413000048",
    "91210500119312562T",
    "912105007815964323",
    "91210500MA0YB12383",
];
const BOOLS: &[&str] = &["true", "false"];
const PERCENTS: &[&str] = &[
    "-3%", "0%", "2%", "4.5%", "8%", "12%", "101.5%", "98%", "103%",
];

/// One filing's cells, in [`COLUMNS`] order.
pub fn row(rng: &mut Rng, i: usize) -> Vec<String> {
    let annual = rng.chance(35);
    let heads = rng.range(20, 3000);
    let prior_avg = rng.range(40_000, 160_000);
    let prior_total = heads * prior_avg;
    let growth = *[-0.06, -0.02, 0.0, 0.02, 0.035, 0.05, 0.07, 0.1, 0.15]
        .get(rng.below(9) as usize)
        .unwrap_or(&0.0);
    let budget_total = (prior_total as f64 * (1.0 + growth)).round() as i64;
    let profit_prior = rng.range(-5, 80) * 1_000_000;
    let profit_growth = [-0.1, -0.03, 0.0, 0.02, 0.06, 0.1, 0.2][rng.below(7) as usize];
    let prod_prior = rng.range(100_000, 700_000);
    let prod_growth = [-0.04, -0.01, 0.0, 0.03, 0.06][rng.below(5) as usize];
    let year = *[2019, 2020, 2022, 2023, 2024, 2024, 2024, 2025, 2026]
        .get(rng.below(9) as usize)
        .unwrap_or(&2024);
    // Weights that add up, mostly.
    let weights = [
        ("60%", "40%"),
        ("50%", "50%"),
        ("70%", "30%"),
        ("60%", "50%"),
    ][[0, 0, 1, 2, 0, 1, 2, 0, 1, 3][rng.below(10) as usize]];
    let mut cells: Vec<String> = Vec::with_capacity(COLUMNS.len());
    for col in COLUMNS {
        let v: String = match *col {
            "schema" => "wagecheck/filing/v1".into(),
            "kind" => if annual { "annual_return" } else { "budget" }.into(),
            "enterprise.name" => format!("本溪第{}有限公司 \"{}\"", i + 1, rng.below(1000)),
            "enterprise.credit_code" => {
                if rng.chance(40) {
                    rng.pick(CODES).into()
                } else {
                    String::new()
                }
            }
            "enterprise.category" => rng
                .pick(&[
                    "competitive",
                    "competitive",
                    "competitive",
                    "functional",
                    "public_welfare",
                    "financial_commercial",
                    "cultural",
                ])
                .into(),
            "enterprise.ownership" => rng
                .pick(&[
                    "wholly_owned",
                    "wholly_owned",
                    "controlled",
                    "controlled",
                    "de_facto_controlled",
                    "other",
                ])
                .into(),
            "enterprise.jurisdiction" => rng
                .pick(&["benxi", "benxi", "benxi", "benxi", "national"])
                .into(),
            "governance.major_violation_years" => {
                if rng.chance(10) {
                    format!("{}", year - 1)
                } else {
                    String::new()
                }
            }
            c if c.starts_with("governance.") && c.ends_with("_regime") => rng
                .pick(&["filing", "filing", "filing", "filing", "approval"])
                .into(),
            "governance.standard_budget_years" => rng.range(0, 6).to_string(),
            c if c.starts_with("governance.") => {
                if rng.chance(95) { "true" } else { "false" }.into()
            }
            "budget.year" => year.to_string(),
            "budget.requested_regime" => rng
                .pick(&["filing", "filing", "filing", "filing", "filing", "approval"])
                .into(),
            "budget.wage_total" => budget_total.to_string(),
            "budget.average_headcount" => (heads + rng.range(-5, 5)).max(1).to_string(),
            "budget.hq_average_wage_growth" => rng.pick(PERCENTS).into(),
            "prior.wage_total" => prior_total.to_string(),
            "prior.average_headcount" => heads.to_string(),
            "prior.asset_preservation_ratio" | "execution.actual_asset_preservation_ratio" => rng
                .pick(&[
                    "103%", "101.5%", "100%", "98%", "105%", "102%", "104%", "110%",
                ])
                .into(),
            "indicator.1.id" => rng
                .pick(&["profit_total", "profit_total", "net_profit", "revenue"])
                .into(),
            "indicator.2.id" => rng
                .pick(&["roe", "roe", "roe", "eva", "service_quality"])
                .into(),
            "indicator.1.weight" => weights.0.into(),
            "indicator.2.weight" => weights.1.into(),
            "indicator.1.prior" => profit_prior.to_string(),
            "indicator.1.budget" => ((profit_prior as f64) * (1.0 + profit_growth))
                .round()
                .to_string(),
            "indicator.1.actual" => ((profit_prior as f64)
                * (1.0 + profit_growth * [0.5, 1.0, 1.3][rng.below(3) as usize]))
                .round()
                .to_string(),
            "indicator.2.prior" => "8%".into(),
            "indicator.2.budget" => rng.pick(&["7.6%", "8%", "8.4%", "9%"]).into(),
            "indicator.2.actual" => rng.pick(&["7.9%", "8.2%", "8.6%"]).into(),
            "productivity.kind" => rng
                .pick(&[
                    "value_added_per_capita",
                    "value_added_per_capita",
                    "revenue_per_capita",
                ])
                .into(),
            "productivity.prior" => prod_prior.to_string(),
            "productivity.budget" => ((prod_prior as f64) * (1.0 + prod_growth))
                .round()
                .to_string(),
            "productivity.actual" => ((prod_prior as f64)
                * (1.0 + prod_growth + [-0.03, 0.0, 0.02][rng.below(3) as usize]))
                .round()
                .to_string(),
            "labor_cost.kind" => rng
                .pick(&[
                    "labor_cost_profit_ratio",
                    "labor_cost_profit_ratio",
                    "personnel_expense_ratio",
                ])
                .into(),
            "labor_cost.prior" => rng.pick(&["90%", "110%", "130%", "150%"]).into(),
            "labor_cost.industry_average" => rng.pick(&["100%", "120%"]).into(),
            "benchmarks.national_average_wage" => {
                if rng.chance(20) {
                    rng.range(80_000, 130_000).to_string()
                } else {
                    String::new()
                }
            }
            "execution.approved_wage_total" => budget_total.to_string(),
            "execution.actual_wage_total" => ((budget_total as f64)
                * [0.97, 1.0, 1.0, 0.99, 1.02, 1.06][rng.below(6) as usize])
                .round()
                .to_string(),
            "execution.actual_average_headcount" => heads.to_string(),
            "execution.report_filed_on" => format!(
                "{}-{}",
                year + 1,
                rng.pick(&["07-20", "07-31", "07-10", "08-01", "06-30"])
            ),
            "execution.disclosed_on" => {
                if rng.chance(85) {
                    format!(
                        "{}-{}",
                        year + 1,
                        rng.pick(&["10-15", "10-31", "10-01", "11-02"])
                    )
                } else {
                    String::new()
                }
            }
            "execution.report_contents" => {
                if rng.chance(85) {
                    "approved_total;cleared_total;actual_total_and_average;indicator_results;analysis;audited_financials".into()
                } else {
                    "approved_total;cleared_total;analysis".into()
                }
            }
            _ => String::new(),
        };
        cells.push(v);
    }
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
    if !annual {
        for c in COLUMNS
            .iter()
            .filter(|c| c.starts_with("execution.") || c.ends_with(".actual"))
        {
            cells[col(c)] = String::new();
        }
    }
    // Perturbations: empty cells (unknowns, missing required fields), odd values.
    let blanks = [0, 0, 0, 0, 0, 0, 1, 1, 2, 4][rng.below(10) as usize];
    for _ in 0..blanks {
        let c = 2 + rng.below(COLUMNS.len() as u64 - 2) as usize;
        cells[c] = String::new();
    }
    if rng.chance(3) {
        let c = 2 + rng.below(COLUMNS.len() as u64 - 2) as usize;
        cells[c] = rng
            .pick(&["n/a", "-12", "一千万", "1e3", "6O%", "2024-13-01", "yes"])
            .into();
    }
    if rng.chance(4) {
        cells[col("governance.standardized_board")] = rng.pick(BOOLS).into();
        cells[col("indicator.1.prior")] = "0".into();
    }
    cells
}

/// A CSV of `n` generated filings (header included), from `seed`.
pub fn csv(n: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::new();
    out.push_str(&COLUMNS.join(","));
    out.push('\n');
    for i in 0..n {
        let cells = row(&mut rng, i);
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}
