//! The filing template `wagecheck init` prints: every field with a comment in the chosen
//! language, and example values that pass `check` as they stand (replace them with the
//! enterprise's own figures).

use crate::diag::Lang;
use crate::filing::schema::{self, CATEGORIES, FieldSpec, FieldType, KINDS};
use crate::pack::{CatalogEntry, Pack};

/// (key, value, zh comment, en comment); a key starting with `[` is a table header. The
/// comments are filled from the schema ([`commented`]) or the pack's catalog.
type Line = (String, String, String, String);

/// How a schema option reads in a comment: the value, with its label in Chinese.
fn option(value: &str, lang: Lang) -> String {
    match schema::value_label(value) {
        Some((zh, _)) if lang.is_zh() => format!("{value} {zh}"),
        _ => value.to_string(),
    }
}

/// A field's comment from the schema: its description and, for an enumeration, its options.
fn schema_comment(spec: &FieldSpec, lang: Lang) -> String {
    let text = if lang.is_zh() { spec.zh } else { spec.en };
    let opts: &[&str] = match spec.ty {
        FieldType::Enum(o) | FieldType::EnumList(o) => o,
        _ => &[],
    };
    if opts.is_empty() {
        return text.to_string();
    }
    let list: Vec<String> = opts.iter().map(|o| option(o, lang)).collect();
    let sep = if lang.is_zh() { "：" } else { ": " };
    format!("{text}{sep}{}", list.join(" | "))
}

/// A field's comment from the pack's catalog: its description and the catalog's ids.
fn catalog_comment(text: &str, entries: &[CatalogEntry], lang: Lang) -> String {
    let list: Vec<String> = entries
        .iter()
        .map(|e| format!("{} {}", e.id, e.text.get(lang)))
        .collect();
    let sep = if lang.is_zh() { "：" } else { ": " };
    format!("{text}{sep}{}", list.join(" | "))
}

/// Lines of one table (`prefix` the table's name, `fields` the schema of its rows) with their
/// example values, each commented from the schema.
fn commented(
    header: &str,
    prefix: &str,
    fields: &[FieldSpec],
    values: &[(&str, &str)],
    lang: Lang,
) -> Vec<Line> {
    let mut out = vec![(
        header.to_string(),
        String::new(),
        String::new(),
        String::new(),
    )];
    for (key, value) in values {
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        let comment = fields
            .iter()
            .find(|f| f.path == path)
            .map(|f| schema_comment(f, lang))
            .unwrap_or_default();
        out.push((key.to_string(), value.to_string(), comment.clone(), comment));
    }
    out
}

/// Two example linkage indicators from the pack's catalog for a category: the first two whose
/// main categories include it (then additional ones), each with (id, weight, prior, budget,
/// actual) that grow in the indicator's good direction.
fn indicators(
    pack: &Pack,
    category: &str,
) -> Vec<(
    String,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    let cat = &pack.catalog.indicators;
    let main = cat.iter().filter(|e| e.main.iter().any(|c| c == category));
    let additional = cat
        .iter()
        .filter(|e| e.additional.iter().any(|c| c == category));
    let chosen: Vec<&CatalogEntry> = main.chain(additional).take(2).collect();
    // Index values: +10% and +5% in the good direction; weights 60% and 40%.
    let examples = [("\"60%\"", "100", "110"), ("\"40%\"", "100", "105")];
    chosen
        .into_iter()
        .zip(examples)
        .map(|(e, (weight, prior, better))| {
            let (prior, budget) = if e.higher_is_better {
                (prior, better)
            } else {
                (better, prior)
            };
            (e.id.clone(), weight, prior, budget, budget)
        })
        .collect()
}

fn render(lines: &[Line], lang: Lang, out: &mut String) {
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

/// The jurisdiction the template's example is written for: with [`example_year`], it picks the
/// pack whose catalog the template takes its examples from.
pub const EXAMPLE_JURISDICTION: &str = "benxi";

/// The budget year of the template's example for a kind of filing.
pub fn example_year(kind: &str) -> i32 {
    if kind == "annual_return" { 2024 } else { 2025 }
}

/// The template for a filing checked under `pack`, or `None` for an unknown category or kind.
/// The comments come from the filing schema; the example indicators and the productivity and
/// labour-cost measures from the pack's catalog.
pub fn filing(category: &str, kind: &str, lang: Lang, pack: &Pack) -> Option<String> {
    if !CATEGORIES.contains(&category) || !KINDS.contains(&kind) {
        return None;
    }
    let annual = kind == "annual_return";
    let competitive = category == "competitive";
    let zh = lang.is_zh();
    let f = schema::FIELDS;
    let mut out = String::new();
    out.push_str(if zh {
        "# 工资总额预算申报模板（wagecheck/filing/v1）。示例数值可直接通过检查；请替换为本企业的数据。\n# 金额单位为元；比率写作小数（0.07）或百分数字符串（\"7%\"）。\n"
    } else {
        "# Wage-total filing template (wagecheck/filing/v1). The example values pass `check` as they\n# stand; replace them with the enterprise's figures. Amounts in yuan; ratios as decimals (0.07)\n# or percent strings (\"7%\").\n"
    });
    out.push_str("schema = \"wagecheck/filing/v1\"\n");
    let kind_value = format!("\"{kind}\"");
    let mut top = commented("", "", f, &[("kind", &kind_value)], lang);
    top.remove(0);
    render(&top, lang, &mut out);
    out.push('\n');
    let category_value = format!("\"{category}\"");
    let regime = if competitive {
        "\"filing\""
    } else {
        "\"approval\""
    };
    let jurisdiction = format!("\"{EXAMPLE_JURISDICTION}\"");
    let mut enterprise = vec![
        ("name", "\"某某集团有限公司\""),
        ("credit_code", "\"91210500MA0YB12383\""),
        ("category", category_value.as_str()),
        ("ownership", "\"wholly_owned\""),
        ("jurisdiction", jurisdiction.as_str()),
    ];
    if !competitive {
        enterprise.push(("fully_competitive", "false"));
    }
    render(
        &commented("[enterprise]", "enterprise", f, &enterprise, lang),
        lang,
        &mut out,
    );
    out.push('\n');
    let governance = [
        ("standardized_board", "true"),
        ("governance_sound", "true"),
        ("internal_control_sound", "true"),
        ("distribution_management_standard", "true"),
        ("budget_management_standard", "true"),
        ("major_violation_years", "[]"),
        ("current_regime", regime),
        ("standard_budget_years", "4"),
    ];
    render(
        &commented("[governance]", "governance", f, &governance, lang),
        lang,
        &mut out,
    );
    out.push('\n');
    let year = example_year(kind).to_string();
    let budget = [
        ("year", year.as_str()),
        ("period_years", "1"),
        ("requested_regime", regime),
        ("wage_total", "12_600_000"),
        ("average_headcount", "250"),
        ("hq_average_wage_growth", "\"3%\""),
        ("off_budget_wage_items", "0"),
        ("non_operating_factors", "[]"),
    ];
    render(
        &commented("[budget]", "budget", f, &budget, lang),
        lang,
        &mut out,
    );
    out.push('\n');
    let prior = [
        ("wage_total", "12_000_000"),
        ("average_headcount", "248"),
        ("asset_preservation_ratio", "\"103.5%\""),
    ];
    render(
        &commented("[prior]", "prior", f, &prior, lang),
        lang,
        &mut out,
    );
    for (id, weight, p, b, a) in indicators(pack, category) {
        out.push('\n');
        let id = format!("\"{id}\"");
        let mut values = vec![
            ("id", id.as_str()),
            ("weight", weight),
            ("prior", p),
            ("budget", b),
        ];
        if annual {
            values.push(("actual", a));
        }
        let mut lines = commented("[[indicator]]", "", schema::INDICATOR_FIELDS, &values, lang);
        // The indicator ids are the pack's catalog's (too many to list here).
        let id_spec = &schema::INDICATOR_FIELDS[0];
        let text = if zh { id_spec.zh } else { id_spec.en };
        let see = if zh {
            "（见 wagecheck rules show 的指标目录）"
        } else {
            " (see the catalog in `wagecheck rules show`)"
        };
        let c = format!("{text}{see}");
        lines[1].2 = c.clone();
        lines[1].3 = c;
        render(&lines, lang, &mut out);
    }
    out.push('\n');
    // The productivity and labour-cost measures: the catalog's first, the catalog's list.
    let catalog = &pack.catalog;
    let productivity_kind = catalog
        .productivity
        .first()
        .map(|e| format!("\"{}\"", e.id))
        .unwrap_or_default();
    let mut productivity = vec![
        ("kind", productivity_kind.as_str()),
        ("prior", "400_000"),
        ("budget", "416_000"),
    ];
    if annual {
        productivity.push(("actual", "416_000"));
    }
    let mut lines = commented("[productivity]", "productivity", f, &productivity, lang);
    if let Some(spec) = f.iter().find(|s| s.path == "productivity.kind") {
        let c = catalog_comment(
            if zh { spec.zh } else { spec.en },
            &catalog.productivity,
            lang,
        );
        lines[1].2 = c.clone();
        lines[1].3 = c;
    }
    render(&lines, lang, &mut out);
    out.push('\n');
    let labor = catalog.labor_cost.first();
    let labor_kind = labor.map(|e| format!("\"{}\"", e.id)).unwrap_or_default();
    // Better than the industry in the measure's good direction.
    let (prior, average) = match labor {
        Some(e) if !e.higher_is_better => ("\"120%\"", "\"150%\""),
        _ => ("\"150%\"", "\"120%\""),
    };
    let labor_values = [
        ("kind", labor_kind.as_str()),
        ("prior", prior),
        ("industry_average", average),
    ];
    let mut lines = commented("[labor_cost]", "labor_cost", f, &labor_values, lang);
    if let Some(spec) = f.iter().find(|s| s.path == "labor_cost.kind") {
        let c = catalog_comment(
            if zh { spec.zh } else { spec.en },
            &catalog.labor_cost,
            lang,
        );
        lines[1].2 = c.clone();
        lines[1].3 = c;
    }
    render(&lines, lang, &mut out);
    out.push('\n');
    let bench: &[(&str, &str)] = if competitive {
        &[]
    } else {
        &[
            ("control_level", "150_000"),
            ("wage_growth_control_target", "\"6%\""),
        ]
    };
    render(
        &commented("[benchmarks]", "benchmarks", f, bench, lang),
        lang,
        &mut out,
    );
    // Shown, not set: the pack's table gives the figure when it has the year; a year it lacks
    // is filled in here (no figure is guessed).
    let lines: &[&str] = if zh {
        &[
            "全国城镇非私营单位就业人员年平均工资（预算年度上一年，元，国家统计局公布）。",
            "规则包的表中没有该年时（见 wagecheck rules show），去掉行首的 # 并填写。",
        ]
    } else {
        &[
            "national average annual wage, urban non-private units, of the year before the",
            "budget year (yuan, as NBS publishes it). When the pack's table lacks that year",
            "(see wagecheck rules show), remove the leading # and fill it in.",
        ]
    };
    for (i, line) in lines.iter().enumerate() {
        let key = if i == 0 {
            "# national_average_wage = …"
        } else {
            "#"
        };
        out.push_str(&format!("{key:<40} # {line}\n"));
    }
    if annual {
        out.push('\n');
        let exec = [
            ("approved_wage_total", "12_600_000"),
            ("actual_wage_total", "12_550_000"),
            ("actual_average_headcount", "251"),
            ("report_filed_on", "2025-07-20"),
            ("disclosed_on", "2025-10-15"),
            (
                "report_contents",
                "[\"approved_total\", \"cleared_total\", \"actual_total_and_average\", \"indicator_results\", \"analysis\", \"audited_financials\"]",
            ),
        ];
        render(
            &commented("[execution]", "execution", f, &exec, lang),
            lang,
            &mut out,
        );
    }
    Some(out)
}
