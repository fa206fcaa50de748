//! The labels the page shows for the filing schema's sections and units. The schema itself
//! (`GET /api/v1/schema`, the OpenAPI document's `Filing`) is the library's JSON Schema
//! generator, what `wagecheck schema` prints (`filing::json_schema`).

use crate::diag::Text;
use crate::filing::schema::FieldType;

/// A section's heading on the page (UI words, not policy).
pub fn section_label(name: &str) -> Text {
    let (zh, en) = match name {
        "filing" => ("申报", "Filing"),
        "enterprise" => ("企业基本情况", "Enterprise"),
        "governance" => ("公司治理与管理方式", "Governance and regime"),
        "budget" => ("预算年度", "Budget year"),
        "prior" => ("上年情况", "Prior year"),
        "productivity" => ("劳动生产率", "Labour productivity"),
        "labor_cost" => ("人工成本投入产出率", "Labour-cost efficiency"),
        "benchmarks" => ("调控基准", "Benchmarks"),
        "execution" => (
            "预算执行情况（仅年度清算填写）",
            "Execution (annual returns only)",
        ),
        "indicator" => ("经济效益指标", "Performance indicators"),
        "adjustment" => ("调整事项", "Adjustments"),
        other => (other, other),
    };
    Text::new(zh, en)
}

/// The unit a field is written in, for the label.
pub fn unit(ty: FieldType) -> Option<Text> {
    Some(match ty {
        FieldType::Amount | FieldType::SignedAmount => Text::new("元", "yuan"),
        FieldType::Headcount => Text::new("人", "persons"),
        FieldType::Ratio => Text::new(
            "小数或百分数，如 8% 或 0.08",
            "decimal or percent, e.g. 8% or 0.08",
        ),
        FieldType::Year => Text::new("年", "year"),
        FieldType::PositiveWhole | FieldType::Whole => Text::new("整数", "whole number"),
        FieldType::YearList => Text::new("年份，用分号分隔", "years, separated by ;"),
        FieldType::EnumList([]) => Text::new("用分号分隔", "separated by ;"),
        _ => return None,
    })
}
