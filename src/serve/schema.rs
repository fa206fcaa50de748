//! The filing schema as the server hands it out (`GET /api/v1/schema`), and the labels the page
//! shows for the schema's sections and units.
//!
//! Wired to the library's JSON Schema generator (`wagecheck schema`) when it lands; until then
//! a minimal JSON Schema built here from the same table (`filing::schema`).

use serde_json::{Map, Value as J, json};

use crate::diag::Text;
use crate::filing::schema::{
    self, ARRAYS, FIELDS, FieldDefault, FieldSpec, FieldType, SCHEMA_ID, TABLES,
};

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

fn field_schema(f: &FieldSpec) -> J {
    let number = json!({
        "type": ["string", "number"],
        "description": "An exact decimal; JSON numbers are read as written. Ratios may be percent strings (\"7%\")."
    });
    let mut s = match f.ty {
        FieldType::Text => json!({"type": "string", "minLength": 1}),
        FieldType::Enum(opts) => json!({"type": "string", "enum": opts}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Date => json!({"type": "string", "format": "date"}),
        FieldType::EnumList(opts) if !opts.is_empty() => {
            json!({"type": "array", "items": {"type": "string", "enum": opts}})
        }
        FieldType::EnumList(_) => json!({"type": "array", "items": {"type": "string"}}),
        FieldType::YearList => {
            json!({"type": "array", "items": {"type": ["integer", "string"]}})
        }
        _ => number,
    };
    if let J::Object(m) = &mut s {
        m.insert("title".into(), J::String(f.zh.to_string()));
        m.insert("x-title".into(), json!({"zh": f.zh, "en": f.en}));
        if let Some(u) = unit(f.ty) {
            m.insert("x-unit".into(), json!({"zh": u.zh, "en": u.en}));
        }
        match f.default {
            FieldDefault::Bool(b) => {
                m.insert("default".into(), J::Bool(b));
            }
            FieldDefault::Whole(n) => {
                m.insert("default".into(), json!(n));
            }
            FieldDefault::EmptyList => {
                m.insert("default".into(), json!([]));
            }
            FieldDefault::None | FieldDefault::FullyCompetitiveByCategory => {}
        }
        if let FieldType::Enum(opts) | FieldType::EnumList(opts) = f.ty {
            let labels: Map<String, J> = opts
                .iter()
                .filter_map(|o| {
                    schema::value_label(o)
                        .map(|(zh, en)| (o.to_string(), json!({"zh": zh, "en": en})))
                })
                .collect();
            if !labels.is_empty() {
                m.insert("x-enum-labels".into(), J::Object(labels));
            }
        }
    }
    s
}

fn object(fields: &[(&str, &FieldSpec)]) -> J {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (name, f) in fields {
        props.insert(name.to_string(), field_schema(f));
        if f.required {
            required.push(J::String(name.to_string()));
        }
    }
    json!({"type": "object", "additionalProperties": false, "properties": props, "required": required})
}

/// The filing schema as JSON Schema (2020-12).
pub fn filing_json_schema() -> J {
    let mut props = Map::new();
    let mut required: Vec<J> = Vec::new();
    for f in FIELDS.iter().filter(|f| !f.path.contains('.')) {
        props.insert(f.path.to_string(), field_schema(f));
        if f.required {
            required.push(J::String(f.path.to_string()));
        }
    }
    for t in TABLES {
        let fields: Vec<(&str, &FieldSpec)> = FIELDS
            .iter()
            .filter_map(|f| Some((f.path.strip_prefix(t)?.strip_prefix('.')?, f)))
            .collect();
        let mut o = object(&fields);
        let label = section_label(t);
        if let J::Object(m) = &mut o {
            m.insert("title".into(), J::String(label.zh.clone()));
            m.insert("x-title".into(), json!({"zh": label.zh, "en": label.en}));
        }
        if FIELDS
            .iter()
            .any(|f| f.required && f.path.starts_with(&format!("{t}.")))
        {
            required.push(J::String(t.to_string()));
        }
        props.insert(t.to_string(), o);
    }
    for (name, specs) in ARRAYS {
        let fields: Vec<(&str, &FieldSpec)> = specs.iter().map(|f| (f.path, f)).collect();
        let label = section_label(name);
        props.insert(
            name.to_string(),
            json!({
                "type": "array",
                "maxItems": schema::MAX_ARRAY_ITEMS,
                "title": label.zh,
                "x-title": {"zh": label.zh, "en": label.en},
                "items": object(&fields),
            }),
        );
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "工资总额预算申报 / wage-total filing",
        "type": "object",
        "additionalProperties": false,
        "properties": props,
        "required": required,
    })
}
