# The Benxi budget wage-linkage rules (rules/benxi-2019.toml on its parent
# rules/national-2018.toml, read as ../shared/spec/rules.md describes them) written in Rego, as
# a benchmark peer for `wagecheck batch`: `examples/rego_peer.rs` runs it on the regorus crate's
# VM (RVM) over the same CSV, row by row, and `scripts/bench.sh` compares the throughputs.
#
# THIS IS A BENCHMARK PEER, NOT THE PRODUCT. Unlike wagecheck (policy in TOML, mechanism in
# Rust, exact decimals), it hard-codes the policy numbers (70 %, 2.5x, 80 %, 2-3 / 4 indicators,
# the indicator catalog, the national average wage series) and computes in Rego numbers, i.e.
# IEEE f64 for every fraction: amounts at the cap can come out one cent short. That difference
# is measured on purpose (`rego_peer --compare`); do not "fix" it with decimal tricks.
#
# Scope: budget filings only (kind = "budget"), with the fields the batch CSV carries; base
# adjustments (`adjustment.*`, linkage.headcount_neutral) are not modelled. Unknowns are
# three-valued as in wagecheck: a value is `null` when unknown, and every helper below
# propagates it; a rule that cannot be decided is `review` (or `advisory` where the pack says so).
#
# Written around a regorus 0.14.1 RVM bug: in an `else` chain, a body holding `some x in xs`
# that fails makes the whole rule undefined instead of falling through to the next `else`
# (the interpreter gets it right). Such tests are written as `count([x | some x in xs; …]) > 0`.
#
# Entry point: data.benxi.result = {"verdict": ..., "max_wage_total": number | null}.
package benxi

import rego.v1

# ------------------------------------------------------------------ policy numbers (peer only)

restricted_cap_ratio := 0.7 # 二(三)1 其中
high_wage_multiple := 2.5 # 二(三)1 其中, "more than 2.5 times"
low_wage_ratio := 0.8 # 二(三)2 其中
min_indicators := 2
max_indicators := 3
hard_max_indicators := 4
clearly_better_margin := null # unset in Benxi
decline_relief_factor := null # unset in Benxi
max_period_years := 3
recent_years := 3
standard_years_for_filing := 3

applicable_ownerships := {"wholly_owned", "controlled", "de_facto_controlled"}

qualifying_period_reasons := {"cyclical", "startup", "strategic_adjustment", "fast_expansion", "restructuring", "other_special"}

national_average_wage_series := {
	2016: 67569, 2017: 74318, 2018: 82413, 2019: 90501, 2020: 97379,
	2021: 106837, 2022: 114029, 2023: 120698, 2024: 124110,
}

# Main indicators per category (二(二)1–5).
main_indicators := {
	"competitive": {"profit_total", "net_profit", "eva", "roe", "asset_preservation_ratio"},
	"functional": {"profit_total", "net_profit", "eva", "roe", "asset_preservation_ratio", "revenue"},
	"public_welfare": {"cost_control", "service_quality", "operating_efficiency", "supply_capacity"},
	"financial_policy": {
		"policy_business_ratio", "non_agri_business_control", "capital_leverage", "guarantee_fee_rate",
		"capital_adequacy_ratio", "npl_ratio", "provision_coverage_ratio", "leverage_ratio",
		"guarantee_compensation_rate", "compensation_loss_rate",
	},
	"financial_commercial": {"net_profit", "profit_total", "roe", "capital_adequacy_ratio", "npl_ratio", "provision_coverage_ratio", "solvency_ratio"},
	"cultural": {"social_benefit", "profit_total", "revenue", "asset_preservation_ratio"},
}

# Indicators where lower is better (逆向指标): g = (prior - budget) / prior.
lower_is_better := {"guarantee_fee_rate", "npl_ratio", "guarantee_compensation_rate", "compensation_loss_rate"}

# ------------------------------------------------------------------ three-valued helpers

get(o, k) := object.get(o, k, null)

section(name) := object.get(input, name, {})

field(s, k) := object.get(section(s), k, null)

t_and(a, b) := false if {
	a == false
} else := false if {
	b == false
} else := true if {
	a == true
	b == true
} else := null

t_or(a, b) := true if {
	a == true
} else := true if {
	b == true
} else := false if {
	a == false
	b == false
} else := null

t_not(a) := false if {
	a == true
} else := true if {
	a == false
} else := null

t_any(xs) := true if {
	count([x | some x in xs; x == true]) > 0
} else := null if {
	count([x | some x in xs; x == null]) > 0
} else := false

known(a, b) if {
	a != null
	b != null
}

lt(a, b) := a < b if known(a, b) else := null

le(a, b) := a <= b if known(a, b) else := null

gt(a, b) := a > b if known(a, b) else := null

ge(a, b) := a >= b if known(a, b) else := null

mul(a, b) := a * b if known(a, b) else := null

growth(prior, now) := null if {
	not known(prior, now)
} else := null if {
	prior <= 0
} else := (now / prior) - 1

# ------------------------------------------------------------------ quantities

category := field("enterprise", "category")

fully_competitive := v if {
	v := field("enterprise", "fully_competitive")
	v != null
} else := category == "competitive"

wage_total := field("budget", "wage_total")

base_wage_total := field("prior", "wage_total")

wage_growth := (wage_total / base_wage_total) - 1

indicators := object.get(input, "indicators", [])

indicator_count := count(indicators)

weight(ind) := w if {
	w := get(ind, "weight")
	w != null
} else := 1 if {
	indicator_count == 1
} else := null

# g for a lower-is-better indicator is (prior - budget) / prior = -(budget / prior - 1).
signed_growth(ind) := null if {
	lower_is_better[ind.id]
	indicator_growth_raw(ind) == null
} else := 0 - indicator_growth_raw(ind) if {
	lower_is_better[ind.id]
} else := indicator_growth_raw(ind)

indicator_growth_raw(ind) := growth(get(ind, "prior"), get(ind, "budget"))

efficiency_terms := [mul(weight(ind), signed_growth(ind)) | some ind in indicators]

efficiency_growth := null if {
	count([t | some t in efficiency_terms; t == null]) > 0
} else := null if {
	indicator_count == 0
} else := sum(efficiency_terms)

productivity_prior := v if {
	v := field("productivity", "prior")
	v != null
} else := field("productivity", "prior_total") / field("prior", "average_headcount") if {
	field("productivity", "prior_total") != null
} else := null

productivity_budget := v if {
	v := field("productivity", "budget")
	v != null
} else := field("productivity", "budget_total") / field("budget", "average_headcount") if {
	field("productivity", "budget_total") != null
} else := null

productivity_growth := growth(productivity_prior, productivity_budget)

# Relative advantage of the prior labour-cost ratio over the industry average (positive = better).
labor_cost_advantage := null if {
	not known(field("labor_cost", "prior"), field("labor_cost", "industry_average"))
} else := 1 - (field("labor_cost", "prior") / field("labor_cost", "industry_average")) if {
	field("labor_cost", "kind") == "personnel_expense_ratio"
} else := (field("labor_cost", "prior") / field("labor_cost", "industry_average")) - 1

labor_cost_worse := lt(labor_cost_advantage, 0)

labor_cost_clearly_better := t_and(gt(labor_cost_advantage, 0), ge(labor_cost_advantage, clearly_better_margin))

prior_average_wage := v if {
	v := field("prior", "average_wage")
	v != null
} else := base_wage_total / field("prior", "average_headcount")

national_average_wage := v if {
	v := field("benchmarks", "national_average_wage")
	v != null
} else := object.get(national_average_wage_series, field("budget", "year") - 1, null)

average_wage_growth := ((wage_total / field("budget", "average_headcount")) / prior_average_wage) - 1

high_wage := gt(prior_average_wage, mul(high_wage_multiple, national_average_wage))

low_wage := lt(prior_average_wage, mul(low_wage_ratio, national_average_wage))

violation_years := object.get(section("governance"), "major_violation_years", [])

recent_major_violation := count([y |
	some y in violation_years
	y >= field("budget", "year") - recent_years
	y <= field("budget", "year") - 1
]) > 0

non_operating_factors := object.get(section("budget"), "non_operating_factors", [])

# ------------------------------------------------------------------ filing or approval (三(五))

gov(k) := field("governance", k)

gov_default(k, d) := object.get(section("governance"), k, d)

baseline_regime := "filing" if category == "competitive" else := "approval"

step(regime, from, to, cond) := to if {
	regime == from
	cond == true
} else := null if {
	regime == from
	cond == null
} else := regime

competitive_ineligible := t_and(category == "competitive", t_any([
	t_not(gov("standardized_board")), t_not(gov("governance_sound")),
	t_not(gov("internal_control_sound")), recent_major_violation,
	gov_default("otherwise_ineligible", false),
]))

other_eligible := t_and(category != "competitive", t_and(
	t_and(t_and(gov("standardized_board"), gov("governance_sound")), gov("internal_control_sound")),
	t_and(gov("distribution_management_standard"), gov_default("investor_consents_filing", false)),
))

switch_to_approval := t_and(t_eq(gov("current_regime"), "filing"), t_or(t_not(gov_default("budget_management_standard", true)), recent_major_violation))

stay_approval := t_and(t_eq(gov("current_regime"), "approval"), t_not(t_and(ge(gov_default("standard_budget_years", 0), standard_years_for_filing), t_not(recent_major_violation))))

t_eq(a, b) := null if a == null else := a == b

required_regime := step(step(step(step(baseline_regime, "filing", "approval", competitive_ineligible), "approval", "filing", other_eligible), "filing", "approval", switch_to_approval), "filing", "approval", stay_approval)

# ------------------------------------------------------------------ rules

# A rule with a bound on wage growth: its status, whether it applies, its bound.
bound_rule(applies, bound, review_when, on_unknown) := {"status": "not_applicable", "applies": false, "bound": bound} if {
	applies == false
} else := {"status": on_unknown, "applies": null, "bound": bound} if {
	applies == null
} else := {"status": on_unknown, "applies": true, "bound": null} if {
	bound == null
} else := {"status": "pass", "applies": true, "bound": bound} if {
	wage_total <= base_wage_total * (1 + bound)
} else := {"status": "review", "applies": true, "bound": bound} if {
	review_when != false
} else := {"status": "fail", "applies": true, "bound": bound}

growth_cap := bound_rule(gt(efficiency_growth, 0), efficiency_growth, false, "review")

restricted_growth := bound_rule(
	t_and(gt(efficiency_growth, 0), t_any([le(productivity_growth, 0), labor_cost_worse, high_wage])),
	mul(restricted_cap_ratio, efficiency_growth), false, "review",
)

control_bound := null if {
	not known(efficiency_growth, field("benchmarks", "wage_growth_control_target"))
} else := min([
	efficiency_growth,
	((((1 + field("benchmarks", "wage_growth_control_target")) * prior_average_wage) * field("budget", "average_headcount")) / base_wage_total) - 1,
])

noncompetitive_control := bound_rule(
	t_and(t_and(gt(efficiency_growth, 0), t_not(fully_competitive)), ge(prior_average_wage, field("benchmarks", "control_level"))),
	control_bound, false, "review",
)

decline := bound_rule(
	le(efficiency_growth, 0), efficiency_growth,
	t_any([ge(productivity_growth, 0), labor_cost_clearly_better, low_wage, count(non_operating_factors) > 0]),
	"review",
)

decline_relief := bound_rule(
	t_and(le(efficiency_growth, 0), t_any([ge(productivity_growth, 0), labor_cost_clearly_better, low_wage])),
	mul(decline_relief_factor, efficiency_growth), false, "review",
)

asset_preservation := bound_rule(lt(field("prior", "asset_preservation_ratio"), 1), 0, false, "advisory")

non_operating := "review" if {
	efficiency_growth != null
	efficiency_growth <= 0
	count(non_operating_factors) > 0
} else := "review" if {
	efficiency_growth == null
	count(non_operating_factors) > 0
} else := "not_applicable"

indicators_count := "pass" if {
	indicator_count >= min_indicators
	indicator_count <= max_indicators
} else := "review" if {
	indicator_count >= 1
	indicator_count <= hard_max_indicators
} else := "fail"

weights := [weight(ind) | some ind in indicators]

indicators_weights := "not_applicable" if {
	indicator_count == 0
} else := "fail" if {
	count([w | some w in weights; w == null]) > 0
} else := "pass" if {
	min(weights) > 0
	max(weights) <= 1
	sum(weights) == 1
} else := "fail"

main_count := count([1 | some ind in indicators; main_indicators[category][ind.id]])

category_fit := "not_applicable" if {
	indicator_count == 0
} else := "pass" if {
	main_count >= 1
} else := "review"

regime_status := "pass" if {
	t_or(field("budget", "requested_regime") == "approval", t_eq(required_regime, "filing")) == true
} else := "fail" if {
	required_regime != null
} else := "review"

period_years := object.get(section("budget"), "period_years", 1)

period_reason := field("budget", "period_reason")

period_length := "pass" if {
	period_years == 1
} else := "fail" if {
	period_years > max_period_years
} else := "fail" if {
	not qualifying_period_reasons[period_reason]
} else := "pass" if {
	object.get(section("budget"), "investor_consents_period", false) == true
} else := "review"

hq_growth := "not_applicable" if {
	field("budget", "hq_average_wage_growth") == null
} else := "pass" if {
	field("budget", "hq_average_wage_growth") < average_wage_growth
} else := "review"

off_budget := "pass" if {
	object.get(section("budget"), "off_budget_wage_items", 0) == 0
} else := "fail"

in_scope if applicable_ownerships[field("enterprise", "ownership")]

statuses := [
	indicators_count, indicators_weights, category_fit,
	growth_cap.status, restricted_growth.status, noncompetitive_control.status,
	decline.status, decline_relief.status, non_operating, asset_preservation.status,
	regime_status, period_length, hq_growth, off_budget,
]

verdict := "out_of_scope" if {
	not in_scope
} else := "fail" if {
	count([s | some s in statuses; s == "fail"]) > 0
} else := "review" if {
	count([s | some s in statuses; s == "review"]) > 0
} else := "pass"

# ------------------------------------------------------------------ the cap

# Each bound rule, whether something supersedes it (decline_relief supersedes decline), and
# whether an undecided application leaves it out of the cap (on_unknown = advisory).
cap_rules := [
	{"r": growth_cap, "sup": false, "advisory": false},
	{"r": restricted_growth, "sup": false, "advisory": false},
	{"r": noncompetitive_control, "sup": false, "advisory": false},
	{"r": decline, "sup": decline_relief.applies, "advisory": false},
	{"r": decline_relief, "sup": false, "advisory": false},
	{"r": asset_preservation, "sup": false, "advisory": true},
]

decided_bounds := [c.r.bound |
	some c in cap_rules
	c.r.applies == true
	c.sup == false
	c.r.bound != null
]

best := min(decided_bounds) if count(decided_bounds) > 0 else := null

pending := [c.r.bound |
	some c in cap_rules
	c.sup != true
	c.r.applies != false
	not decided(c)
	not advisory_unknown(c)
]

decided(c) if {
	c.r.applies == true
	c.sup == false
	c.r.bound != null
}

advisory_unknown(c) if {
	c.r.applies == null
	c.advisory
}

blocking := count([b | some b in pending; b == null]) + count([b | some b in pending; b != null; best != null; b < best]) > 0

cap := null if {
	not in_scope
} else := null if {
	blocking == true
} else := best

# The largest whole-cent total the cap allows, rounded down (f64 throughout).
max_wage_total := null if cap == null else := floor((base_wage_total * (1 + cap)) * 100) / 100

result := {"verdict": verdict, "max_wage_total": max_wage_total}

