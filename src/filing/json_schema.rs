//! The filing schema (`schema.rs`) as a JSON Schema (draft 2020-12), for `wagecheck schema`:
//! every field with its type, unit, allowed values (with their labels), default, and its title
//! in Chinese and English. Generated from the one table the decoder reads, so it cannot drift.
//!
//! `title` and `description` are in the language asked for; `x-title` and `x-unit` carry both
//! languages, `x-enum-labels` each option's labels, `x-column` the column header a sheet of
//! filings uses. A JSON filing is described as written: amounts and ratios may be numbers or
//! decimal strings (`"7%"`, `"38,500,000"`, `"3850万元"`, see `crate::numform`).

use serde_json::{Map, Value, json};

use super::schema::{self, FieldDefault, FieldSpec, FieldType};
use crate::diag::Lang;

/// The JSON Schema meta-schema this document follows.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A field's unit, zh and en, if it has one.
pub fn unit(ty: FieldType) -> Option<(&'static str, &'static str)> {
    Some(match ty {
        FieldType::Amount | FieldType::SignedAmount => ("元", "yuan"),
        FieldType::Headcount => ("人", "persons"),
        FieldType::PositiveWhole | FieldType::Whole => ("年", "years"),
        _ => return None,
    })
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    if lang.is_zh() { zh } else { en }.to_string()
}

/// The JSON Schema of one field.
fn field(spec: &FieldSpec, column: &str, lang: Lang) -> Value {
    let mut m = Map::new();
    let expected = super::expected_text(spec.ty);
    m.insert("title".into(), pick(lang, spec.zh, spec.en).into());
    m.insert("description".into(), expected.get(lang).into());
    m.insert("x-title".into(), json!({"zh": spec.zh, "en": spec.en}));
    m.insert("x-column".into(), column.into());
    if let Some((zh, en)) = unit(spec.ty) {
        m.insert("x-unit".into(), json!({"zh": zh, "en": en}));
    }
    let labels = |opts: &[&str]| -> Value {
        let mut l = Map::new();
        for o in opts {
            if let Some((zh, en)) = schema::value_label(o) {
                l.insert((*o).into(), json!({"zh": zh, "en": en}));
            }
        }
        Value::Object(l)
    };
    let number_or_text = json!(["number", "string"]);
    match spec.ty {
        FieldType::Text => {
            m.insert("type".into(), "string".into());
            m.insert("minLength".into(), 1.into());
        }
        FieldType::Enum(opts) => {
            m.insert("type".into(), "string".into());
            m.insert("enum".into(), json!(opts));
            m.insert("x-enum-labels".into(), labels(opts));
        }
        FieldType::Bool => {
            m.insert("type".into(), "boolean".into());
        }
        FieldType::Ratio | FieldType::SignedAmount => {
            m.insert("type".into(), number_or_text);
        }
        FieldType::Amount => {
            m.insert("type".into(), number_or_text);
            m.insert("minimum".into(), 0.into());
        }
        FieldType::Headcount => {
            m.insert("type".into(), number_or_text);
            m.insert("exclusiveMinimum".into(), 0.into());
        }
        FieldType::Year => {
            m.insert("type".into(), json!(["integer", "string"]));
            m.insert("minimum".into(), 1949.into());
            m.insert("maximum".into(), 2999.into());
        }
        FieldType::PositiveWhole => {
            m.insert("type".into(), json!(["integer", "string"]));
            m.insert("minimum".into(), 1.into());
        }
        FieldType::Whole => {
            m.insert("type".into(), json!(["integer", "string"]));
            m.insert("minimum".into(), 0.into());
        }
        FieldType::Date => {
            m.insert("type".into(), "string".into());
            m.insert("format".into(), "date".into());
        }
        FieldType::EnumList(opts) => {
            m.insert("type".into(), "array".into());
            let mut items = json!({"type": "string"});
            if !opts.is_empty() {
                items["enum"] = json!(opts);
                items["x-enum-labels"] = labels(opts);
            }
            m.insert("items".into(), items);
        }
        FieldType::YearList => {
            m.insert("type".into(), "array".into());
            m.insert(
                "items".into(),
                json!({"type": "integer", "minimum": 1949, "maximum": 2999}),
            );
        }
    }
    match spec.default {
        FieldDefault::None => {}
        FieldDefault::Bool(b) => {
            m.insert("default".into(), b.into());
        }
        FieldDefault::Whole(n) => {
            m.insert("default".into(), n.into());
        }
        FieldDefault::EmptyList => {
            m.insert("default".into(), json!([]));
        }
        FieldDefault::FullyCompetitiveByCategory => {
            m.insert(
                "x-default".into(),
                pick(
                    lang,
                    "企业功能分类为 competitive（竞争类）时为 true，否则为 false",
                    "true when enterprise.category is competitive, else false",
                )
                .into(),
            );
        }
    }
    Value::Object(m)
}

/// An object of fields with their required list.
fn object(specs: &[(String, &FieldSpec)], lang: Lang) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (column, spec) in specs {
        let key = column.rsplit('.').next().unwrap_or(column);
        props.insert(key.to_string(), field(spec, column, lang));
        if spec.required {
            required.push(key.to_string());
        }
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

/// The whole filing schema, titles and descriptions in `lang`.
pub fn filing_schema(lang: Lang) -> Value {
    let mut props = Map::new();
    let mut required: Vec<String> = Vec::new();
    for spec in schema::FIELDS.iter().filter(|f| !f.path.contains('.')) {
        props.insert(spec.path.to_string(), field(spec, spec.path, lang));
        if spec.required {
            required.push(spec.path.to_string());
        }
    }
    for table in schema::TABLES {
        let prefix = format!("{table}.");
        let specs: Vec<(String, &FieldSpec)> = schema::FIELDS
            .iter()
            .filter(|f| f.path.starts_with(&prefix))
            .map(|f| (f.path.to_string(), f))
            .collect();
        let mut o = object(&specs, lang);
        let (zh, en) = table_title(table);
        o["title"] = pick(lang, zh, en).into();
        o["x-title"] = json!({"zh": zh, "en": en});
        if specs.iter().any(|(_, s)| s.required) {
            required.push(table.to_string());
        }
        props.insert(table.to_string(), o);
    }
    for (name, fields) in schema::ARRAYS {
        let specs: Vec<(String, &FieldSpec)> = fields
            .iter()
            .map(|f| (format!("{name}.N.{}", f.path), f))
            .collect();
        let (_, zh, en) = schema::ARRAY_LABELS
            .iter()
            .find(|(a, _, _)| a == name)
            .copied()
            .unwrap_or((name, name, name));
        let items = object(&specs, lang);
        props.insert(
            name.to_string(),
            json!({
                "type": "array",
                "title": pick(lang, zh, en),
                "x-title": {"zh": zh, "en": en},
                "maxItems": schema::MAX_ARRAY_ITEMS,
                "items": items,
            }),
        );
    }
    json!({
        "$schema": DIALECT,
        "$id": "urn:wagecheck:filing:v1",
        "title": pick(lang, "工资总额预算申报（wagecheck/filing/v1）", "Wage-total filing (wagecheck/filing/v1)"),
        "description": pick(
            lang,
            "金额单位为元；比率写作小数（0.07）或百分数字符串（\"7%\"）；数字可写作数字或十进制字符串，按所写数字精确读取。",
            "Amounts in yuan; ratios as decimals (0.07) or percent strings (\"7%\"); a number may be a number or a decimal string, exact to the digits written.",
        ),
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

/// The title of a section of the filing.
pub fn table_title(table: &str) -> (&'static str, &'static str) {
    match table {
        "enterprise" => ("企业基本情况", "enterprise"),
        "governance" => ("治理与管理", "governance"),
        "budget" => ("预算年度", "budget year"),
        "prior" => ("上年实际", "prior year"),
        "productivity" => ("劳动生产率", "productivity"),
        "labor_cost" => ("人工成本投入产出率", "labour cost"),
        "benchmarks" => ("基准数据", "benchmarks"),
        "execution" => ("预算执行情况", "execution"),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_described_in_both_languages() {
        let s = filing_schema(Lang::Zh);
        assert_eq!(s["$schema"], DIALECT);
        for f in schema::FIELDS {
            let node = match f.path.split_once('.') {
                Some((t, k)) => &s["properties"][t]["properties"][k],
                None => &s["properties"][f.path],
            };
            assert_eq!(node["x-title"]["zh"], f.zh, "{}", f.path);
            assert_eq!(node["x-title"]["en"], f.en, "{}", f.path);
            assert_eq!(node["title"], f.zh, "{}", f.path);
            assert!(node.get("type").is_some(), "{}", f.path);
        }
        let wage = &s["properties"]["budget"]["properties"]["wage_total"];
        assert_eq!(wage["x-unit"]["zh"], "元");
        assert_eq!(wage["minimum"], 0);
        let cat = &s["properties"]["enterprise"]["properties"]["category"];
        assert_eq!(cat["x-enum-labels"]["competitive"]["zh"], "竞争类");
        assert_eq!(
            s["properties"]["governance"]["properties"]["budget_management_standard"]["default"],
            true
        );
        let req = s["required"].as_array().unwrap();
        for r in ["schema", "kind", "enterprise", "budget", "prior"] {
            assert!(req.iter().any(|x| x == r), "{r} required");
        }
        let ind = &s["properties"]["indicator"]["items"]["properties"]["weight"];
        assert_eq!(ind["x-column"], "indicator.N.weight");
        let en = filing_schema(Lang::En);
        assert_eq!(
            en["properties"]["budget"]["properties"]["wage_total"]["title"],
            "proposed wage total"
        );
    }
}
