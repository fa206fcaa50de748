//! The filing as an Excel form, for `wagecheck init --format xlsx`: one sheet with a row per
//! field (label, field, value, unit, note), section headings, data validation lists for the
//! enumerations and yes/no fields, and the indicator rows. The values are the TOML template's
//! (`crate::template`), so reading the workbook back (`crate::input::xlsx`, a form) gives the
//! same filing as the template; empty value cells are fields left to fill in.

use rust_xlsxwriter::{
    DataValidation, ExcelDateTime, Format, FormatBorder, Formula, Workbook, Worksheet,
};

use super::columns;
use super::json_schema::{table_title, unit};
use super::schema::{self, FieldSpec, FieldType};
use crate::diag::{Lang, Text};
use crate::input::{Kind, Node};

/// The header row of a form; the reader finds the field and value columns by these names
/// (either language).
pub const HEADERS_ZH: [&str; 5] = ["项目", "字段", "数值", "单位", "说明"];
pub const HEADERS_EN: [&str; 5] = ["label", "field", "value", "unit", "note"];

/// How many indicator slots the form offers (the policy asks for 2–3; the template fills 2).
const INDICATOR_ROWS: usize = 3;

/// The form workbook for a category and kind, or `None` for an unknown one.
/// `pack` supplies the example indicators, as for the TOML template.
pub fn workbook(
    category: &str,
    kind: &str,
    lang: Lang,
    pack: &crate::pack::Pack,
) -> Option<Result<Vec<u8>, String>> {
    let template = crate::template::filing(category, kind, lang, pack)?;
    let tree = crate::input::parse_toml("template.toml", &template).ok()?;
    let mut values = Vec::new();
    flatten("", &tree, &mut values);
    Some(write(&values, lang, Some(pack)).map_err(|e| e.to_string()))
}

/// The form filled with `values` (dotted path and value as a TOML document holds it, see
/// [`flatten`]): what a user who filled in the `init` form with them would save. With a pack,
/// indicators and measures are offered (and, in Chinese, written) by their catalog names.
pub fn filled(
    values: &[(String, Node)],
    lang: Lang,
    pack: Option<&crate::pack::Pack>,
) -> Result<Vec<u8>, String> {
    write(values, lang, pack).map_err(|e| e.to_string())
}

/// The catalog lists a form offers: (field suffix, column header, entries as (id, zh name)).
type CatalogList = (&'static str, Text, Vec<(String, String)>);

fn catalog_lists(pack: &crate::pack::Pack) -> Vec<CatalogList> {
    let entries = |v: &[crate::pack::CatalogEntry]| -> Vec<(String, String)> {
        v.iter()
            .map(|e| (e.id.clone(), e.text.zh.clone()))
            .collect()
    };
    vec![
        (
            "id",
            Text::new("联动指标目录", "linkage indicators"),
            entries(&pack.catalog.indicators),
        ),
        (
            "productivity.kind",
            Text::new("劳动生产率指标目录", "productivity measures"),
            entries(&pack.catalog.productivity),
        ),
        (
            "labor_cost.kind",
            Text::new("人工成本指标目录", "labour-cost measures"),
            entries(&pack.catalog.labor_cost),
        ),
    ]
}

/// Which catalog list a field's values come from, if any.
fn catalog_of(path: &str) -> Option<usize> {
    if path.starts_with("indicator.") && path.ends_with(".id") {
        Some(0)
    } else if path == "productivity.kind" {
        Some(1)
    } else if path == "labor_cost.kind" {
        Some(2)
    } else {
        None
    }
}

/// Every leaf of a document's tree by dotted path (`indicator.1.weight`); an array of tables
/// is numbered from 1, an array of values is one leaf.
pub fn flatten(prefix: &str, node: &Node, out: &mut Vec<(String, Node)>) {
    match &node.kind {
        Kind::Table(entries) => {
            for e in entries {
                let path = if prefix.is_empty() {
                    e.key.clone()
                } else {
                    format!("{prefix}.{}", e.key)
                };
                flatten(&path, &e.value, out);
            }
        }
        Kind::Array(items) if items.iter().all(|i| matches!(i.kind, Kind::Table(_))) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{}", i + 1), item, out);
            }
        }
        _ => out.push((prefix.to_string(), node.clone())),
    }
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang.is_zh() { zh } else { en }
}

/// How many items of an array the values hold (`indicator.3.id` → 3).
fn items_in(values: &[(String, Node)], array: &str) -> usize {
    values
        .iter()
        .filter_map(|(p, _)| p.strip_prefix(array)?.strip_prefix('.')?.split('.').next())
        .filter_map(|n| n.parse::<usize>().ok())
        .max()
        .unwrap_or(0)
}

/// The rows of the form: section headings (`None`) and fields with their specs; as many
/// indicator and adjustment rows as the values need, at least [`INDICATOR_ROWS`] and one.
fn rows(values: &[(String, Node)]) -> Vec<(Option<(String, FieldSpec)>, Text)> {
    let mut out = Vec::new();
    for spec in schema::FIELDS.iter().filter(|f| !f.path.contains('.')) {
        out.push((Some((spec.path.to_string(), *spec)), Text::default()));
    }
    let array = |out: &mut Vec<_>, name: &str, n: usize| {
        let Some((_, specs)) = schema::ARRAYS.iter().find(|(a, _)| *a == name) else {
            return;
        };
        let (zh, en) = schema::ARRAY_LABELS
            .iter()
            .find(|(a, _, _)| *a == name)
            .map_or((name, name), |(_, zh, en)| (*zh, *en));
        for i in 1..=n {
            out.push((None, Text::owned(format!("{zh} {i}"), format!("{en} {i}"))));
            for spec in *specs {
                out.push((
                    Some((format!("{name}.{i}.{}", spec.path), *spec)),
                    Text::default(),
                ));
            }
        }
    };
    for table in schema::TABLES {
        let (zh, en) = table_title(table);
        out.push((None, Text::new(zh, en)));
        let prefix = format!("{table}.");
        for spec in schema::FIELDS
            .iter()
            .filter(|f| f.path.starts_with(&prefix))
        {
            out.push((Some((spec.path.to_string(), *spec)), Text::default()));
        }
        if *table == "prior" {
            let n = items_in(values, "indicator").max(INDICATOR_ROWS);
            array(&mut out, "indicator", n);
        }
        if *table == "benchmarks" {
            let n = items_in(values, "adjustment").max(1);
            array(&mut out, "adjustment", n);
        }
    }
    out
}

/// What the note column says a value cell takes: in Chinese, options by their labels.
fn note(ty: FieldType, lang: Lang) -> String {
    match (lang, ty) {
        (Lang::Zh, FieldType::Enum(opts)) if opts.len() > 1 => {
            let labels: Vec<&str> = opts
                .iter()
                .map(|o| schema::value_label(o).map_or(*o, |l| l.0))
                .collect();
            format!("从下拉列表选择：{}", labels.join(" | "))
        }
        (Lang::Zh, FieldType::Bool) => "是 或 否".to_string(),
        (Lang::Zh, FieldType::EnumList(opts)) if !opts.is_empty() => {
            let labels: Vec<&str> = opts
                .iter()
                .map(|o| schema::value_label(o).map_or(*o, |l| l.0))
                .collect();
            format!("多项以“;”分隔，取自：{}", labels.join(" | "))
        }
        _ => super::expected_text(ty).get(lang).to_string(),
    }
}

/// The options a value cell offers, in the form's language; labels read back as the ids.
fn options(ty: FieldType, lang: Lang) -> Option<Vec<String>> {
    let opts = match ty {
        FieldType::Enum(opts) if opts.len() > 1 => opts,
        FieldType::Bool => {
            return Some(if lang.is_zh() {
                vec!["是".into(), "否".into()]
            } else {
                vec!["true".into(), "false".into()]
            });
        }
        _ => return None,
    };
    Some(
        opts.iter()
            .map(|o| match (lang, schema::value_label(o)) {
                (Lang::Zh, Some((zh, _))) => zh.to_string(),
                _ => o.to_string(),
            })
            .collect(),
    )
}

fn write(
    values: &[(String, Node)],
    lang: Lang,
    pack: Option<&crate::pack::Pack>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let lists = pack.map(catalog_lists).unwrap_or_default();
    let list_sheet = pick(lang, "选项", "options");
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(pick(lang, "申报表", "filing"))?;
    let bold = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let section = Format::new().set_bold().set_background_color("#DDEBF7");
    let grey = Format::new().set_font_color("#808080");
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let text = Format::new().set_num_format("@");
    let headers = if lang.is_zh() { HEADERS_ZH } else { HEADERS_EN };
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (c, w) in [36.0, 34.0, 24.0, 8.0, 60.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut r: u32 = 1;
    for (field, heading) in rows(values) {
        let Some((path, spec)) = field else {
            ws.write_string_with_format(r, 0, heading.get(lang), &section)?;
            for c in 1..5 {
                ws.write_blank(r, c, &section)?;
            }
            r += 1;
            continue;
        };
        let (zh, en) = columns::label(&path).unwrap_or_default();
        ws.write_string(r, 0, if lang.is_zh() { zh } else { en })?;
        ws.write_string_with_format(r, 1, &path, &grey)?;
        if let Some((uzh, uen)) = unit(spec.ty) {
            ws.write_string(r, 3, pick(lang, uzh, uen))?;
        }
        let mut note = note(spec.ty, lang);
        if spec.required {
            note = format!("{}{note}", pick(lang, "必填。", "Required. "));
        }
        ws.write_string_with_format(r, 4, &note, &grey)?;
        let catalog = catalog_of(&path).and_then(|i| lists.get(i).map(|l| (i, l)));
        if let Some((i, (_, _, entries))) = catalog.filter(|(_, l)| !l.2.is_empty()) {
            // The pack's catalog, on the options sheet: a list longer than Excel's 255
            // characters of inline options.
            let col = (b'A' + i as u8) as char;
            let range = format!("='{list_sheet}'!${col}$2:${col}${}", entries.len() + 1);
            let dv = DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .ignore_blank(true);
            ws.add_data_validation(r, 2, r, 2, &dv)?;
        } else if let Some(opts) = options(spec.ty, lang) {
            let dv = DataValidation::new()
                .allow_list_strings(&opts)?
                .ignore_blank(true);
            ws.add_data_validation(r, 2, r, 2, &dv)?;
        }
        if let Some((_, node)) = values.iter().find(|(p, _)| *p == path) {
            // In Chinese, an id from the catalog is written by its name (read back as the id).
            let named = match (&node.kind, catalog.filter(|_| lang.is_zh())) {
                (Kind::Str(id), Some((_, (_, _, entries)))) => {
                    entries.iter().find(|(e, _)| e == id).map(|(_, zh)| Node {
                        pos: node.pos,
                        kind: Kind::Str(zh.clone()),
                    })
                }
                _ => None,
            };
            let node = named.as_ref().unwrap_or(node);
            write_value(ws, r, &spec, node, lang, &money, &date, &text)?;
        } else if matches!(spec.ty, FieldType::Text | FieldType::Enum(_)) {
            // Text cells stay text as typed (a credit code is no number).
            ws.write_blank(r, 2, &text)?;
        }
        r += 1;
    }
    if !lists.is_empty() {
        let ls = wb.add_worksheet();
        ls.set_name(list_sheet)?;
        let bold = Format::new().set_bold();
        for (c, (_, title, entries)) in lists.iter().enumerate() {
            let c = c as u16;
            ls.write_string_with_format(0, c, title.get(lang), &bold)?;
            ls.set_column_width(c, 28)?;
            for (r, (id, zh)) in entries.iter().enumerate() {
                ls.write_string(r as u32 + 1, c, if lang.is_zh() { zh } else { id })?;
            }
        }
        ls.set_hidden(true);
    }
    wb.save_to_buffer()
}

#[allow(clippy::too_many_arguments)]
fn write_value(
    ws: &mut Worksheet,
    r: u32,
    spec: &FieldSpec,
    node: &Node,
    lang: Lang,
    money: &Format,
    date: &Format,
    text: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match &node.kind {
        Kind::Bool(b) => {
            if lang.is_zh() {
                ws.write_string(r, 2, if *b { "是" } else { "否" })?;
            } else {
                ws.write_boolean(r, 2, *b)?;
            }
        }
        Kind::Number(n) => {
            // A number Excel keeps exactly (15 significant digits) is a number cell; any other
            // stays the text written.
            match n.parse::<f64>() {
                Ok(v) if crate::numform::float_text(v).is_ok_and(|t| same_number(&t, n)) => {
                    if matches!(spec.ty, FieldType::Amount | FieldType::SignedAmount) {
                        ws.write_number_with_format(r, 2, v, money)?;
                    } else {
                        ws.write_number(r, 2, v)?;
                    }
                }
                _ => {
                    ws.write_string_with_format(r, 2, n, text)?;
                }
            }
        }
        Kind::Date(d) => match ExcelDateTime::parse_from_str(d) {
            Ok(dt) => {
                ws.write_datetime_with_format(r, 2, &dt, date)?;
            }
            Err(_) => {
                ws.write_string_with_format(r, 2, d, text)?;
            }
        },
        Kind::Str(s) | Kind::Cell(s) => {
            let shown = match (lang, spec.ty) {
                (Lang::Zh, FieldType::Enum(_)) => {
                    schema::value_label(s).map_or(s.as_str(), |l| l.0)
                }
                _ => s.as_str(),
            };
            ws.write_string_with_format(r, 2, shown, text)?;
        }
        Kind::Array(items) => {
            let joined: Vec<String> = items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Str(s) | Kind::Number(s) | Kind::Cell(s) => s.clone(),
                    _ => i.found(),
                })
                .collect();
            if !joined.is_empty() {
                ws.write_string_with_format(r, 2, joined.join(";"), text)?;
            }
        }
        Kind::Table(_) | Kind::Null => {}
    }
    Ok(())
}

/// Whether a float's text and the text written are the same decimal (`12600000` and
/// `12_600_000`, `8.0` and `8`).
fn same_number(a: &str, b: &str) -> bool {
    match (
        crate::num::parse_decimal(a),
        crate::num::parse_decimal(&b.replace('_', "")),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
