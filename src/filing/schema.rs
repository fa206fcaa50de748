//! The filing schema `wagecheck/filing/v1` (spec/filing.md), as data: every field's dotted path,
//! type, whether it is required, and its default. The decoder, the CSV reader, the expression
//! scope and the template printer all read this one table.

pub const SCHEMA_ID: &str = "wagecheck/filing/v1";

pub const CATEGORIES: &[&str] = &[
    "competitive",
    "functional",
    "public_welfare",
    "financial_policy",
    "financial_commercial",
    "cultural",
];
pub const OWNERSHIPS: &[&str] = &["wholly_owned", "controlled", "de_facto_controlled", "other"];
pub const REGIMES: &[&str] = &["filing", "approval"];
pub const KINDS: &[&str] = &["budget", "annual_return"];
pub const PERIOD_REASONS: &[&str] = &[
    "cyclical",
    "startup",
    "strategic_adjustment",
    "fast_expansion",
    "restructuring",
    "other_special",
];
pub const REPORT_CONTENTS: &[&str] = &[
    "approved_total",
    "cleared_total",
    "actual_total_and_average",
    "indicator_results",
    "analysis",
    "audited_financials",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Free text.
    Text,
    /// One of a fixed set of strings.
    Enum(&'static [&'static str]),
    Bool,
    /// A decimal or percent string, any sign (indicator values, ratios, growth rates).
    Ratio,
    /// Yuan, not negative.
    Amount,
    /// Yuan, any sign (a divestiture's adjustment).
    SignedAmount,
    /// 平均职工人数: positive, may have decimals.
    Headcount,
    /// A calendar year (a whole number from 1949 to 2999).
    Year,
    /// A whole number ≥ 1.
    PositiveWhole,
    /// A whole number ≥ 0.
    Whole,
    /// A calendar date (TOML local date, or `YYYY-MM-DD` text).
    Date,
    /// A list of strings from a fixed set (free text when the set is empty).
    EnumList(&'static [&'static str]),
    /// A list of calendar years.
    YearList,
}

/// The default an absent field takes (spec/filing.md "Defaults"). `None` means unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldDefault {
    None,
    Bool(bool),
    Whole(i64),
    EmptyList,
    /// `fully_competitive`: true for `competitive`, else false.
    FullyCompetitiveByCategory,
}

#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    pub path: &'static str,
    pub ty: FieldType,
    pub required: bool,
    pub default: FieldDefault,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn f(
    path: &'static str,
    ty: FieldType,
    required: bool,
    default: FieldDefault,
    zh: &'static str,
    en: &'static str,
) -> FieldSpec {
    FieldSpec {
        path,
        ty,
        required,
        default,
        zh,
        en,
    }
}

use FieldDefault as D;
use FieldType as T;

/// Scalar fields: top level and the single tables.
pub const FIELDS: &[FieldSpec] = &[
    f(
        "schema",
        T::Enum(&[SCHEMA_ID]),
        true,
        D::None,
        "模式标识",
        "schema id",
    ),
    f(
        "kind",
        T::Enum(KINDS),
        true,
        D::None,
        "申报类型",
        "kind of filing",
    ),
    f(
        "enterprise.name",
        T::Text,
        true,
        D::None,
        "企业名称",
        "enterprise name",
    ),
    f(
        "enterprise.credit_code",
        T::Text,
        false,
        D::None,
        "统一社会信用代码",
        "unified social credit code",
    ),
    f(
        "enterprise.category",
        T::Enum(CATEGORIES),
        true,
        D::None,
        "企业功能分类",
        "enterprise category",
    ),
    f(
        "enterprise.fully_competitive",
        T::Bool,
        false,
        D::FullyCompetitiveByCategory,
        "主业处于充分竞争行业和领域",
        "main business fully competitive",
    ),
    f(
        "enterprise.ownership",
        T::Enum(OWNERSHIPS),
        true,
        D::None,
        "出资关系",
        "ownership",
    ),
    f(
        "enterprise.jurisdiction",
        T::Text,
        false,
        D::None,
        "管辖地区",
        "jurisdiction",
    ),
    f(
        "governance.standardized_board",
        T::Bool,
        false,
        D::None,
        "已建立规范董事会",
        "standardized board of directors",
    ),
    f(
        "governance.governance_sound",
        T::Bool,
        false,
        D::None,
        "法人治理结构完善",
        "sound corporate governance",
    ),
    f(
        "governance.internal_control_sound",
        T::Bool,
        false,
        D::None,
        "内控机制健全",
        "sound internal control",
    ),
    f(
        "governance.distribution_management_standard",
        T::Bool,
        false,
        D::None,
        "收入分配管理规范",
        "standard distribution management",
    ),
    f(
        "governance.budget_management_standard",
        T::Bool,
        false,
        D::Bool(true),
        "工资总额预算管理规范",
        "standard wage-budget management",
    ),
    f(
        "governance.major_violation_years",
        T::YearList,
        false,
        D::EmptyList,
        "重大违纪违规年份",
        "years with major wage violations",
    ),
    f(
        "governance.otherwise_ineligible",
        T::Bool,
        false,
        D::Bool(false),
        "其他暂不具备备案制条件",
        "otherwise ineligible for filing",
    ),
    f(
        "governance.current_regime",
        T::Enum(REGIMES),
        false,
        D::None,
        "现行管理方式",
        "current regime",
    ),
    f(
        "governance.standard_budget_years",
        T::Whole,
        false,
        D::Whole(0),
        "连续规范预算管理年数",
        "consecutive years of standard budget management",
    ),
    f(
        "governance.investor_consents_filing",
        T::Bool,
        false,
        D::Bool(false),
        "履行出资人职责机构同意实行备案制",
        "investor body consents to filing",
    ),
    f(
        "budget.year",
        T::Year,
        true,
        D::None,
        "预算年度",
        "budget year",
    ),
    f(
        "budget.period_years",
        T::PositiveWhole,
        false,
        D::Whole(1),
        "预算周期（年）",
        "budget period in years",
    ),
    f(
        "budget.period_reason",
        T::Enum(PERIOD_REASONS),
        false,
        D::None,
        "周期管理理由",
        "reason for a multi-year period",
    ),
    f(
        "budget.investor_consents_period",
        T::Bool,
        false,
        D::Bool(false),
        "履行出资人职责机构同意按周期管理",
        "investor body consents to the period",
    ),
    f(
        "budget.requested_regime",
        T::Enum(REGIMES),
        false,
        D::None,
        "申请的管理方式",
        "requested regime",
    ),
    f(
        "budget.wage_total",
        T::Amount,
        true,
        D::None,
        "预算工资总额",
        "proposed wage total",
    ),
    f(
        "budget.average_headcount",
        T::Headcount,
        true,
        D::None,
        "预算平均职工人数",
        "budget average headcount",
    ),
    f(
        "budget.hq_average_wage_growth",
        T::Ratio,
        false,
        D::None,
        "总部职工平均工资增长幅度",
        "HQ average wage growth",
    ),
    f(
        "budget.off_budget_wage_items",
        T::Amount,
        false,
        D::Whole(0),
        "工资总额外列支的工资性收入",
        "wage-type income outside the wage total",
    ),
    f(
        "budget.non_operating_factors",
        T::EnumList(&[]),
        false,
        D::EmptyList,
        "非经营性因素",
        "non-operating factors",
    ),
    f(
        "prior.wage_total",
        T::Amount,
        true,
        D::None,
        "上年实际工资总额",
        "prior-year wage total",
    ),
    f(
        "prior.average_headcount",
        T::Headcount,
        true,
        D::None,
        "上年平均职工人数",
        "prior-year average headcount",
    ),
    f(
        "prior.average_wage",
        T::Amount,
        false,
        D::None,
        "上年职工平均工资",
        "prior-year average wage",
    ),
    f(
        "prior.asset_preservation_ratio",
        T::Ratio,
        false,
        D::None,
        "国有资产保值增值率",
        "state asset preservation ratio",
    ),
    f(
        "productivity.kind",
        // An id from the pack's productivity catalog, checked against it by `engine::validate`.
        T::Text,
        false,
        D::None,
        "劳动生产率指标",
        "productivity measure",
    ),
    f(
        "productivity.prior",
        T::Ratio,
        false,
        D::None,
        "上年劳动生产率（人均）",
        "prior-year productivity (per capita)",
    ),
    f(
        "productivity.prior_total",
        T::Ratio,
        false,
        D::None,
        "上年劳动生产率总量",
        "prior-year productivity total",
    ),
    f(
        "productivity.budget",
        T::Ratio,
        false,
        D::None,
        "预算年度劳动生产率（人均）",
        "budget-year productivity (per capita)",
    ),
    f(
        "productivity.budget_total",
        T::Ratio,
        false,
        D::None,
        "预算年度劳动生产率总量",
        "budget-year productivity total",
    ),
    f(
        "productivity.actual",
        T::Ratio,
        false,
        D::None,
        "实际劳动生产率（人均）",
        "actual productivity (per capita)",
    ),
    f(
        "productivity.actual_total",
        T::Ratio,
        false,
        D::None,
        "实际劳动生产率总量",
        "actual productivity total",
    ),
    f(
        "labor_cost.kind",
        // An id from the pack's labour-cost catalog, checked against it by `engine::validate`.
        T::Text,
        false,
        D::None,
        "人工成本投入产出率指标",
        "labour-cost measure",
    ),
    f(
        "labor_cost.prior",
        T::Ratio,
        false,
        D::None,
        "上年人工成本投入产出率",
        "prior-year labour-cost ratio",
    ),
    f(
        "labor_cost.industry_average",
        T::Ratio,
        false,
        D::None,
        "行业平均水平",
        "industry average",
    ),
    f(
        "benchmarks.national_average_wage",
        T::Amount,
        false,
        D::None,
        "全国城镇单位就业人员平均工资",
        "national average urban wage",
    ),
    f(
        "benchmarks.control_level",
        T::Amount,
        false,
        D::None,
        "职工平均工资调控水平",
        "average-wage control level",
    ),
    f(
        "benchmarks.wage_growth_control_target",
        T::Ratio,
        false,
        D::None,
        "工资增长调控目标",
        "wage-growth control target",
    ),
    f(
        "execution.approved_wage_total",
        T::Amount,
        false,
        D::None,
        "经备案或核准的工资总额",
        "approved wage total",
    ),
    f(
        "execution.actual_wage_total",
        T::Amount,
        false,
        D::None,
        "实际发放的工资总额",
        "actual wage total",
    ),
    f(
        "execution.actual_average_headcount",
        T::Headcount,
        false,
        D::None,
        "实际平均职工人数",
        "actual average headcount",
    ),
    f(
        "execution.actual_asset_preservation_ratio",
        T::Ratio,
        false,
        D::None,
        "实际国有资产保值增值率",
        "actual asset preservation ratio",
    ),
    f(
        "execution.report_filed_on",
        T::Date,
        false,
        D::None,
        "执行情况报告报送日期",
        "execution report filed on",
    ),
    f(
        "execution.disclosed_on",
        T::Date,
        false,
        D::None,
        "信息公开日期",
        "publicly disclosed on",
    ),
    f(
        "execution.report_contents",
        T::EnumList(REPORT_CONTENTS),
        false,
        D::None,
        "执行情况报告内容",
        "execution report contents",
    ),
];

/// The sections that are single tables.
pub const TABLES: &[&str] = &[
    "enterprise",
    "governance",
    "budget",
    "prior",
    "productivity",
    "labor_cost",
    "benchmarks",
    "execution",
];

/// Fields of each `[[indicator]]` (路径 `indicator.N.x`).
pub const INDICATOR_FIELDS: &[FieldSpec] = &[
    f("id", T::Text, true, D::None, "名称", "id"),
    f("weight", T::Ratio, false, D::None, "权重", "weight"),
    f(
        "prior",
        T::Ratio,
        false,
        D::None,
        "上年实际值",
        "prior-year value",
    ),
    f(
        "budget",
        T::Ratio,
        false,
        D::None,
        "预算目标值",
        "budget-year target",
    ),
    f(
        "actual",
        T::Ratio,
        false,
        D::None,
        "实际完成值",
        "actual result",
    ),
];

/// Fields of each `[[adjustment]]`.
pub const ADJUSTMENT_FIELDS: &[FieldSpec] = &[
    f("kind", T::Text, true, D::None, "类型", "kind"),
    f("amount", T::SignedAmount, true, D::None, "金额", "amount"),
    f("note", T::Text, false, D::None, "说明", "note"),
];

/// How people name the arrays in column headers: `指标1权重` is `indicator.1.weight`.
pub const ARRAY_LABELS: &[(&str, &str, &str)] = &[
    ("indicator", "指标", "indicator"),
    ("adjustment", "调整", "adjustment"),
];

/// The arrays of tables and their fields.
pub const ARRAYS: &[(&str, &[FieldSpec])] = &[
    ("indicator", INDICATOR_FIELDS),
    ("adjustment", ADJUSTMENT_FIELDS),
];

/// At most this many indicators or adjustments in one filing: far above any policy's limit,
/// low enough that a hostile file cannot make the engine do unbounded work.
pub const MAX_ARRAY_ITEMS: usize = 64;

pub fn field_index(path: &str) -> Option<usize> {
    FIELDS.iter().position(|f| f.path == path)
}

/// How people read the schema's enumerated values (not policy: the names of the options the
/// filing format offers). `None` for values that are not enumerated here.
pub fn value_label(value: &str) -> Option<(&'static str, &'static str)> {
    Some(match value {
        "competitive" => ("竞争类", "competitive"),
        "functional" => ("功能类", "functional"),
        "public_welfare" => ("公益类", "public welfare"),
        "financial_policy" => ("金融类（开发性、政策性）", "financial (development/policy)"),
        "financial_commercial" => ("金融类（商业性）", "financial (commercial)"),
        "cultural" => ("文化类", "cultural"),
        "wholly_owned" => ("国有独资", "wholly state-owned"),
        "controlled" => ("国有控股", "state-controlled"),
        "de_facto_controlled" => (
            "实际控制或部门管理",
            "de-facto controlled or department-managed",
        ),
        "other" => ("其他", "other"),
        "filing" => ("备案制", "filing"),
        "approval" => ("核准制", "approval"),
        "budget" => ("工资总额预算", "budget"),
        "annual_return" => ("预算执行情况（清算）", "annual return"),
        "cyclical" => ("行业周期性明显", "cyclical industry"),
        "startup" => ("筹建期、初创期", "start-up"),
        "strategic_adjustment" => ("战略调整期", "strategic adjustment"),
        "fast_expansion" => ("快速扩张期", "fast expansion"),
        "restructuring" => ("重组改制", "restructuring"),
        "other_special" => ("其他特殊情况", "other special case"),
        "approved_total" => ("经备案或核准的工资总额", "approved total"),
        "cleared_total" => ("清算确定的应发工资总额", "cleared total"),
        "actual_total_and_average" => ("实发工资总额及平均工资", "actual total and average wage"),
        "indicator_results" => ("效益指标完成情况", "indicator results"),
        "analysis" => ("总结分析报告", "written analysis"),
        "audited_financials" => ("经审计的财务决算表", "audited financial statements"),
        "merger" => ("兼并重组", "merger"),
        "new_entity" => ("新设企业或机构", "new entity"),
        "divestiture" => ("分立或划出", "divestiture"),
        "policy_adjustment" => ("政策调整", "policy adjustment"),
        "value_added_per_capita" => ("人均增加值", "value added per capita"),
        "profit_per_capita" => ("人均利润", "profit per capita"),
        "revenue_per_capita" => ("人均营业收入", "revenue per capita"),
        "workload_per_capita" => ("人均工作量", "workload per capita"),
        "labor_cost_profit_ratio" => ("人工成本利润率", "labour-cost profit ratio"),
        "personnel_expense_ratio" => ("人事费用率", "personnel expense ratio"),
        _ => return None,
    })
}

/// The option of `opts` whose label is `label` (Chinese as written, or English ignoring case):
/// `竞争类` → `competitive`. Full-width and ASCII parentheses are the same here.
pub fn value_by_label(label: &str, opts: &[&'static str]) -> Option<&'static str> {
    let norm = |s: &str| -> String {
        s.trim()
            .chars()
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                '，' => ',',
                _ => c,
            })
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase()
    };
    let want = norm(label);
    if want.is_empty() {
        return None;
    }
    opts.iter()
        .copied()
        .find(|o| value_label(o).is_some_and(|(zh, en)| norm(zh) == want || norm(en) == want))
}
