#!/usr/bin/env python3
"""Writes samples/batch-2024.csv: a year of filings for `wagecheck batch`, mixing budgets and
annual returns with pass, fail, review and out_of_scope outcomes and a few deliberately bad rows.
Deterministic (fixed seed), so the README's summary stays true.

Usage: scripts/make-batch-sample.py [N] [OUT] [--force] [--round]
--round: round-number filings (headcounts in tens, average wages in thousands, profit growth in
whole percents), for the regorus peer's f64 cent check (`examples/rego_peer --compare`).
The committed sample (samples/batch-2024.csv, the default OUT) is never overwritten unless
--force is given: the README, the tests and the golden files describe it as it is."""
import argparse, csv, os, random, sys

ap = argparse.ArgumentParser(description="Write a batch CSV of filings.")
ap.add_argument("n", nargs="?", type=int, default=60, help="rows (default 60)")
ap.add_argument("out", nargs="?", default="samples/batch-2024.csv", help="output path")
ap.add_argument("--force", action="store_true",
                help="overwrite the committed samples/batch-2024.csv")
ap.add_argument("--round", action="store_true",
                help="round-number amounts and whole-percent growth (a different sample)")
args = ap.parse_args()
N, OUT = args.n, args.out
COMMITTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples", "batch-2024.csv")
if os.path.exists(OUT) and os.path.exists(COMMITTED) and os.path.samefile(OUT, COMMITTED) \
        and not args.force:
    sys.exit(f"{OUT} is the committed sample: not overwritten (give --force to rewrite it, "
             "or an OUT path to write elsewhere)")
rnd = random.Random(2024)
COLS = ["schema", "kind", "enterprise.name", "enterprise.credit_code", "enterprise.category",
        "enterprise.ownership", "enterprise.jurisdiction",
        "governance.standardized_board", "governance.governance_sound", "governance.internal_control_sound",
        "governance.distribution_management_standard", "governance.current_regime",
        "governance.standard_budget_years", "governance.investor_consents_filing",
        "budget.year", "budget.requested_regime", "budget.wage_total", "budget.average_headcount",
        "prior.wage_total", "prior.average_headcount", "prior.asset_preservation_ratio",
        "indicator.1.id", "indicator.1.weight", "indicator.1.prior", "indicator.1.budget", "indicator.1.actual",
        "indicator.2.id", "indicator.2.weight", "indicator.2.prior", "indicator.2.budget", "indicator.2.actual",
        "productivity.kind", "productivity.prior", "productivity.budget", "productivity.actual",
        "labor_cost.kind", "labor_cost.prior", "labor_cost.industry_average",
        "execution.approved_wage_total", "execution.actual_wage_total", "execution.actual_average_headcount",
        "execution.report_filed_on", "execution.disclosed_on", "execution.report_contents"]
CODES = ["91210500MA0XK7N440", "91210500MA10C2PT6K", "912105002413000048", "91210500119312562T",
         "912105007815964323", "91210500MA0YB12383"]
NAMES = ["本溪钢铁", "本溪水务", "本溪城建", "本溪热力", "本溪交通", "本溪文旅", "本溪药业", "本溪矿业",
         "本溪燃气", "本溪粮储"]

def row(i):
    annual = i % 3 == 2
    if args.round:
        heads = rnd.randint(8, 200) * 10
        prior_avg = rnd.randint(60, 140) * 1000
        eg_profit = rnd.randint(-10, 15) / 100
    else:
        heads = rnd.randint(80, 2000)
        prior_avg = rnd.randint(60_000, 140_000)
        eg_profit = rnd.choice([-0.08, -0.03, 0.02, 0.05, 0.08, 0.12])
    prior_total = heads * prior_avg
    wage_growth = rnd.choice([-0.05, 0.0, 0.02, 0.04, 0.06, 0.1])
    budget_total = round(prior_total * (1 + wage_growth))
    prod_prior = rnd.randint(200_000, 600_000)
    prod_growth = rnd.choice([-0.02, 0.03, 0.05])
    r = {c: "" for c in COLS}
    r.update({
        "schema": "wagecheck/filing/v1", "kind": "annual_return" if annual else "budget",
        "enterprise.name": f"{NAMES[i % len(NAMES)]}第{i + 1}有限公司",
        "enterprise.credit_code": CODES[i % len(CODES)] if i % 4 == 0 else "",
        "enterprise.category": "competitive" if i % 5 else "functional",
        "enterprise.ownership": "other" if i % 17 == 16 else rnd.choice(["wholly_owned", "controlled"]),
        "enterprise.jurisdiction": "benxi",
        "governance.standardized_board": "true", "governance.governance_sound": "true",
        "governance.internal_control_sound": "true", "governance.distribution_management_standard": "true",
        "governance.current_regime": "filing", "governance.standard_budget_years": "4",
        "governance.investor_consents_filing": "true",
        "budget.year": "2024", "budget.requested_regime": "filing" if i % 7 else "approval",
        "budget.wage_total": str(budget_total), "budget.average_headcount": str(heads),
        "prior.wage_total": str(prior_total), "prior.average_headcount": str(heads),
        "prior.asset_preservation_ratio": rnd.choice(["103%", "101.5%", "98%", "105%"]),
        "indicator.1.id": "profit_total", "indicator.1.weight": "60%",
        "indicator.1.prior": "50000000", "indicator.1.budget": str(round(50_000_000 * (1 + eg_profit))),
        "indicator.2.id": "roe", "indicator.2.weight": "40%",
        "indicator.2.prior": "8%", "indicator.2.budget": "8.4%",
        "productivity.kind": "value_added_per_capita",
        "productivity.prior": str(prod_prior), "productivity.budget": str(round(prod_prior * (1 + prod_growth))),
        "labor_cost.kind": "labor_cost_profit_ratio", "labor_cost.prior": rnd.choice(["110%", "130%", "150%"]),
        "labor_cost.industry_average": "120%",
    })
    if i % 11 == 10:  # missing productivity: review
        for c in ["productivity.kind", "productivity.prior", "productivity.budget"]:
            r[c] = ""
    if annual:
        actual_total = round(budget_total * rnd.choice([0.97, 1.0, 1.02]))
        r.update({
            "indicator.1.actual": str(round(50_000_000 * (1 + eg_profit * rnd.choice([0.5, 1.0, 1.2])))),
            "indicator.2.actual": rnd.choice(["8.2%", "8.4%", "8.6%"]),
            "productivity.actual": str(round(prod_prior * (1 + rnd.choice([-0.01, 0.02, 0.04])))),
            "execution.approved_wage_total": str(budget_total),
            "execution.actual_wage_total": str(actual_total),
            "execution.actual_average_headcount": str(heads),
            "execution.report_filed_on": rnd.choice(["2025-07-20", "2025-07-31", "2025-08-01"]),
            "execution.disclosed_on": rnd.choice(["2025-10-15", "2025-10-31", ""]),
            "execution.report_contents": "approved_total;cleared_total;actual_total_and_average;indicator_results;analysis;audited_financials"
                if i % 4 else "approved_total;cleared_total;actual_total_and_average;analysis",
        })
    return r

rows = [row(i) for i in range(N)]
# Deliberately bad rows: each becomes an `invalid` entry that says where and why.
rows[5]["budget.wage_total"] = "一千万"            # not a number
rows[12]["enterprise.category"] = "competitve"     # misspelt category
rows[23]["indicator.1.weight"] = "6O%"             # letter O instead of zero
rows[34]["prior.average_headcount"] = "-12"        # negative headcount
rows[45]["enterprise.credit_code"] = "91210500MA0YB12384"  # wrong check character
with open(OUT, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(COLS)
    for i, r in enumerate(rows):
        line = [r[c] for c in COLS]
        if i == 50:
            line = line[:10]                        # a ragged row
        w.writerow(line)
