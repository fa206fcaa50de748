//! The filing template `wagecheck init` prints: every field with a comment in the chosen
//! language, and example values that pass `check` as they stand (replace them with the
//! enterprise's own figures).

use crate::diag::Lang;
use crate::filing::schema::CATEGORIES;

/// (key, value, zh comment, en comment); a key starting with `[` is a table header.
type Line<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Two example linkage indicators per category: (id, weight, prior, budget, actual).
fn indicators(
    category: &str,
) -> [(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
); 2] {
    let (a, b) = match category {
        "functional" => ("profit_total", "revenue"),
        "public_welfare" => ("cost_control", "service_quality"),
        "financial_policy" => ("policy_business_ratio", "capital_adequacy_ratio"),
        "financial_commercial" => ("net_profit", "capital_adequacy_ratio"),
        "cultural" => ("social_benefit", "profit_total"),
        _ => ("profit_total", "roe"),
    };
    [
        (a, "\"60%\"", "30_000_000", "33_000_000", "33_000_000"),
        if matches!(b, "roe" | "capital_adequacy_ratio") {
            (b, "\"40%\"", "\"8.0%\"", "\"8.4%\"", "\"8.4%\"")
        } else {
            (b, "\"40%\"", "20_000_000", "21_000_000", "21_000_000")
        },
    ]
}

fn render(lines: &[Line<'_>], lang: Lang, out: &mut String) {
    for (key, value, zh, en) in lines {
        let comment = if lang.is_zh() { zh } else { en };
        let text = if key.starts_with('[') {
            key.to_string()
        } else {
            format!("{key} = {value}")
        };
        if comment.is_empty() {
            out.push_str(&format!("{text}\n"));
        } else {
            out.push_str(&format!("{text:<40} # {comment}\n"));
        }
    }
}

/// The template, or `None` for an unknown category or kind.
pub fn filing(category: &str, kind: &str, lang: Lang) -> Option<String> {
    if !CATEGORIES.contains(&category) || !matches!(kind, "budget" | "annual_return") {
        return None;
    }
    let annual = kind == "annual_return";
    let competitive = category == "competitive";
    let zh = lang.is_zh();
    let mut out = String::new();
    out.push_str(if zh {
        "# 工资总额预算申报模板（wagecheck/filing/v1）。示例数值可直接通过检查；请替换为本企业的数据。\n# 金额单位为元；比率写作小数（0.07）或百分数字符串（\"7%\"）。\n"
    } else {
        "# Wage-total filing template (wagecheck/filing/v1). The example values pass `check` as they\n# stand; replace them with the enterprise's figures. Amounts in yuan; ratios as decimals (0.07)\n# or percent strings (\"7%\").\n"
    });
    out.push_str("schema = \"wagecheck/filing/v1\"\n");
    out.push_str(&format!(
        "kind = \"{kind}\"{}\n\n",
        if zh {
            "                       # budget 工资总额预算方案 | annual_return 预算执行情况（清算）"
        } else {
            "                       # budget | annual_return (execution and clearing)"
        }
    ));
    let category_line = format!("\"{category}\"");
    let regime = if competitive {
        "\"filing\""
    } else {
        "\"approval\""
    };
    let head: Vec<Line> = vec![
        ("[enterprise]", "", "", ""),
        (
            "name",
            "\"某某集团有限公司\"",
            "企业名称",
            "enterprise name",
        ),
        (
            "credit_code",
            "\"91210500MA0YB12383\"",
            "统一社会信用代码（18 位，校验位会被核对）",
            "unified social credit code (18 characters; check digits verified)",
        ),
        (
            "category",
            &category_line,
            "competitive | functional | public_welfare | financial_policy | financial_commercial | cultural",
            "competitive | functional | public_welfare | financial_policy | financial_commercial | cultural",
        ),
        (
            "ownership",
            "\"wholly_owned\"",
            "wholly_owned 国有独资 | controlled 国有控股 | de_facto_controlled 实际控制 | other",
            "wholly_owned | controlled | de_facto_controlled | other",
        ),
        (
            "jurisdiction",
            "\"benxi\"",
            "管辖地区：与预算年度一起选择规则包",
            "jurisdiction: picks the rule pack with the budget year",
        ),
    ];
    render(&head, lang, &mut out);
    if !competitive {
        render(
            &[(
                "fully_competitive",
                "false",
                "主业是否处于充分竞争行业和领域",
                "main business fully competitive",
            )],
            lang,
            &mut out,
        );
    }
    out.push('\n');
    let governance: Vec<Line> = vec![
        ("[governance]", "", "", ""),
        (
            "standardized_board",
            "true",
            "已建立规范董事会",
            "standardized board of directors",
        ),
        (
            "governance_sound",
            "true",
            "法人治理结构完善",
            "sound corporate governance",
        ),
        (
            "internal_control_sound",
            "true",
            "内控机制健全",
            "sound internal control",
        ),
        (
            "distribution_management_standard",
            "true",
            "收入分配管理规范",
            "standard distribution management",
        ),
        (
            "budget_management_standard",
            "true",
            "工资总额预算管理规范",
            "standard wage-budget management",
        ),
        (
            "major_violation_years",
            "[]",
            "工资分配重大违纪违规的年份，如 [2022]",
            "years with a major wage violation, e.g. [2022]",
        ),
        (
            "current_regime",
            regime,
            "目前实行：filing 备案制 | approval 核准制",
            "regime now: filing | approval",
        ),
        (
            "standard_budget_years",
            "4",
            "连续规范管理的年数",
            "consecutive years of standard budget management",
        ),
    ];
    render(&governance, lang, &mut out);
    out.push('\n');
    let year = if annual { "2024" } else { "2025" };
    let budget: Vec<Line> = vec![
        ("[budget]", "", "", ""),
        ("year", year, "预算年度", "budget year"),
        (
            "period_years",
            "1",
            "预算周期（年），多于 1 年须有理由并经同意",
            "budget period in years; more than 1 needs a reason and consent",
        ),
        (
            "requested_regime",
            regime,
            "申请：filing 备案 | approval 核准",
            "requested: filing | approval",
        ),
        (
            "wage_total",
            "12_600_000",
            "预算工资总额",
            "proposed wage total",
        ),
        (
            "average_headcount",
            "250",
            "平均职工人数",
            "average headcount",
        ),
        (
            "hq_average_wage_growth",
            "\"3%\"",
            "可选：总部职工平均工资增长幅度",
            "optional: HQ average wage growth",
        ),
        (
            "off_budget_wage_items",
            "0",
            "工资总额外列支的工资性收入",
            "wage-type income outside the wage total",
        ),
        (
            "non_operating_factors",
            "[]",
            "效益下降的非经营性因素，如 [\"policy_adjustment\"]",
            "non-operating factors behind a fall, e.g. [\"policy_adjustment\"]",
        ),
    ];
    render(&budget, lang, &mut out);
    out.push('\n');
    let prior: Vec<Line> = vec![
        ("[prior]", "", "", ""),
        (
            "wage_total",
            "12_000_000",
            "上年实际工资总额",
            "prior-year wage total",
        ),
        (
            "average_headcount",
            "248",
            "上年平均职工人数",
            "prior-year average headcount",
        ),
        (
            "asset_preservation_ratio",
            "\"103.5%\"",
            "国有资产保值增值率",
            "state asset preservation ratio",
        ),
    ];
    render(&prior, lang, &mut out);
    for (id, weight, p, b, a) in indicators(category) {
        out.push('\n');
        let id = format!("\"{id}\"");
        let mut lines: Vec<Line> = vec![
            ("[[indicator]]", "", "", ""),
            (
                "id",
                &id,
                "工资效益联动指标（见 wagecheck rules show 的指标目录）",
                "linkage indicator (see the catalog in `wagecheck rules show`)",
            ),
            (
                "weight",
                weight,
                "权重，合计须为 100%",
                "weight; the weights sum to 100%",
            ),
            ("prior", p, "上年实际", "prior-year actual"),
            ("budget", b, "预算目标", "budget-year target"),
        ];
        if annual {
            lines.push(("actual", a, "当年实际完成", "the year's actual result"));
        }
        render(&lines, lang, &mut out);
    }
    out.push('\n');
    let mut productivity: Vec<Line> = vec![
        ("[productivity]", "", "", ""),
        (
            "kind",
            "\"value_added_per_capita\"",
            "value_added_per_capita | profit_per_capita | revenue_per_capita | workload_per_capita",
            "value_added_per_capita | profit_per_capita | revenue_per_capita | workload_per_capita",
        ),
        (
            "prior",
            "400_000",
            "上年人均劳动生产率",
            "prior-year productivity per capita",
        ),
        (
            "budget",
            "416_000",
            "预算年度人均劳动生产率",
            "budget-year productivity per capita",
        ),
    ];
    if annual {
        productivity.push(("actual", "416_000", "当年实际", "the year's actual"));
    }
    render(&productivity, lang, &mut out);
    out.push('\n');
    let labor: Vec<Line> = vec![
        ("[labor_cost]", "", "", ""),
        (
            "kind",
            "\"labor_cost_profit_ratio\"",
            "labor_cost_profit_ratio 人工成本利润率 | personnel_expense_ratio 人事费用率",
            "labor_cost_profit_ratio (higher better) | personnel_expense_ratio (lower better)",
        ),
        (
            "prior",
            "\"150%\"",
            "上年人工成本投入产出率",
            "prior-year labour-cost ratio",
        ),
        (
            "industry_average",
            "\"120%\"",
            "行业平均水平",
            "industry average",
        ),
    ];
    render(&labor, lang, &mut out);
    if !competitive {
        out.push('\n');
        let bench: Vec<Line> = vec![
            ("[benchmarks]", "", "", ""),
            (
                "control_level",
                "150_000",
                "非竞争类企业职工平均工资调控水平（人力资源社会保障部门）",
                "average-wage control level for non-competitive enterprises (HR department)",
            ),
            (
                "wage_growth_control_target",
                "\"6%\"",
                "工资增长调控目标",
                "wage growth control target",
            ),
        ];
        render(&bench, lang, &mut out);
    }
    if annual {
        out.push('\n');
        let exec: Vec<Line> = vec![
            ("[execution]", "", "", ""),
            (
                "approved_wage_total",
                "12_600_000",
                "经备案或核准的工资总额",
                "approved wage total",
            ),
            (
                "actual_wage_total",
                "12_550_000",
                "实际发放的工资总额",
                "wage total actually paid",
            ),
            (
                "actual_average_headcount",
                "251",
                "实际平均职工人数",
                "actual average headcount",
            ),
            (
                "report_filed_on",
                "2025-07-20",
                "执行情况报告报送日期（次年 7 月 31 日前）",
                "execution report filed on (by 31 July of the next year)",
            ),
            (
                "disclosed_on",
                "2025-10-15",
                "信息公开日期（次年 10 月 31 日前）",
                "disclosed on (by 31 October of the next year)",
            ),
            (
                "report_contents",
                "[\"approved_total\", \"cleared_total\", \"actual_total_and_average\", \"indicator_results\", \"analysis\", \"audited_financials\"]",
                "",
                "",
            ),
        ];
        render(&exec, lang, &mut out);
    }
    Some(out)
}
