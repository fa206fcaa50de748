//! Reports as an Excel workbook (`--format xlsx -o FILE`), for a reviewer who tracks a year's
//! filings in a spreadsheet: one row per filing (enterprise, credit code, category, verdict,
//! binding rule, largest allowed total, excess, to recover, then one column per rule with its
//! status), and a second sheet with the inputs that could not be read and their located errors.
//! Headers in the chosen language; amounts are number cells with a number format, exact to the
//! cent as displayed (a cent amount below 10^13 yuan is exact in a float's shortest decimal).
//!
//! A binary format: [`Printer::item`] renders each report as one line of JSON (a [`Row`]), which
//! a batch spills to disk like any stream; [`Printer::binary`] builds the workbook at the end.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

use super::{Printer, Report, Summary};
use crate::diag::Lang;

/// What the workbook shows of one report.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Row {
    pub source: String,
    pub name: String,
    pub credit_code: String,
    pub category: String,
    pub verdict: String,
    pub binding_rule: String,
    pub max_wage_total: Option<String>,
    pub excess: Option<String>,
    pub to_recover: Option<String>,
    /// (rule id, status label) in the pack's order.
    pub rules: Vec<(String, String)>,
    /// (where, field, message) for an invalid input.
    pub errors: Vec<(String, String, String)>,
}

fn source_of(r: &Report) -> String {
    match r.row {
        Some(row) => format!("{}#{row}", r.source),
        None => r.source.clone(),
    }
}

/// The row of one report, its labels in `lang`.
pub fn row(r: &Report, lang: Lang) -> Row {
    let label = |s: &str| {
        crate::filing::schema::value_label(s)
            .map(|(zh, en)| if lang.is_zh() { zh } else { en }.to_string())
            .unwrap_or_else(|| s.to_string())
    };
    let mut row = Row {
        source: source_of(r),
        name: r.name.clone(),
        credit_code: r.credit_code.clone().unwrap_or_default(),
        category: label(&r.category),
        verdict: r.verdict.label_in(lang).to_string(),
        ..Row::default()
    };
    if let Some(ev) = &r.eval {
        if let Some(cap) = &ev.cap {
            row.binding_rule = cap.binding_rule.clone();
            row.max_wage_total = Some(cap.max_wage_total.to_string());
            row.excess = cap.excess.map(|e| e.max(Decimal::ZERO).to_string());
        }
        row.to_recover = super::summary::to_recover(r).map(|d| d.to_string());
        row.rules = ev
            .rules
            .iter()
            .map(|x| (x.id.to_string(), x.status.label().get(lang).to_string()))
            .collect();
    }
    for e in &r.errors {
        let place = match (&e.cell, e.line, e.column) {
            (Some(cell), _, _) => format!("{}:{cell}", e.file),
            (None, Some(l), Some(c)) => format!("{}:{l}:{c}", e.file),
            (None, Some(l), None) => format!("{}:{l}", e.file),
            _ => e.file.clone(),
        };
        row.errors.push((
            place,
            e.field.clone().unwrap_or_default(),
            e.message.get(lang).to_string(),
        ));
    }
    row
}

fn headers(lang: Lang) -> [&'static str; 8] {
    if lang.is_zh() {
        [
            "企业名称",
            "统一社会信用代码",
            "企业功能分类",
            "结论",
            "约束规则",
            "允许的最高工资总额（元）",
            "超出（元）",
            "应扣回（元）",
        ]
    } else {
        [
            "enterprise",
            "credit code",
            "category",
            "verdict",
            "binding rule",
            "largest allowed total (yuan)",
            "excess (yuan)",
            "to recover (yuan)",
        ]
    }
}

fn amount(s: &Option<String>) -> Option<f64> {
    s.as_deref()
        .and_then(|s| s.parse::<Decimal>().ok())
        .and_then(|d| d.to_f64())
}

/// The workbook of these rows.
pub fn workbook(rows: &[Row], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Thin);
    let money = Format::new().set_num_format("#,##0.00");
    let text = Format::new().set_num_format("@");
    // Rule columns: every rule met, in the order first met.
    let mut rule_ids: Vec<&str> = Vec::new();
    for r in rows {
        for (id, _) in &r.rules {
            if !rule_ids.contains(&id.as_str()) {
                rule_ids.push(id);
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(if zh { "结果" } else { "results" })?;
        let mut col: u16 = 0;
        let source_header = if zh { "来源" } else { "source" };
        for h in std::iter::once(source_header).chain(headers(lang)) {
            ws.write_string_with_format(0, col, h, &bold)?;
            col += 1;
        }
        for id in &rule_ids {
            ws.write_string_with_format(0, col, *id, &bold)?;
            col += 1;
        }
        for (c, w) in [28.0, 30.0, 22.0, 14.0, 10.0, 28.0, 18.0, 16.0, 16.0]
            .into_iter()
            .enumerate()
        {
            ws.set_column_width(c as u16, w)?;
        }
        ws.set_freeze_panes(1, 2)?;
        let mut r: u32 = 1;
        for row in rows.iter().filter(|x| x.errors.is_empty()) {
            ws.write_string(r, 0, &row.source)?;
            ws.write_string(r, 1, &row.name)?;
            ws.write_string_with_format(r, 2, &row.credit_code, &text)?;
            ws.write_string(r, 3, &row.category)?;
            ws.write_string(r, 4, &row.verdict)?;
            ws.write_string(r, 5, &row.binding_rule)?;
            for (c, v) in [
                (6, &row.max_wage_total),
                (7, &row.excess),
                (8, &row.to_recover),
            ] {
                if let Some(x) = amount(v) {
                    ws.write_number_with_format(r, c, x, &money)?;
                }
            }
            for (i, id) in rule_ids.iter().enumerate() {
                if let Some((_, status)) = row.rules.iter().find(|(x, _)| x == id) {
                    ws.write_string(r, 9 + i as u16, status)?;
                }
            }
            r += 1;
        }
        if r > 1 {
            ws.autofilter(0, 0, r - 1, 8 + rule_ids.len() as u16)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(if zh { "无效输入" } else { "invalid inputs" })?;
        let hs = if zh {
            ["来源", "位置", "字段", "错误"]
        } else {
            ["source", "location", "field", "error"]
        };
        for (c, h) in hs.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (c, w) in [28.0, 36.0, 26.0, 80.0].into_iter().enumerate() {
            ws.set_column_width(c as u16, w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        let mut r: u32 = 1;
        for row in rows {
            for (place, field, message) in &row.errors {
                ws.write_string(r, 0, &row.source)?;
                ws.write_string(r, 1, place)?;
                ws.write_string(r, 2, field)?;
                ws.write_string(r, 3, message)?;
                r += 1;
            }
        }
    }
    wb.save_to_buffer()
}

/// The XLSX printer: binary, built once every report is in.
pub struct Xlsx;

impl Printer for Xlsx {
    fn document(&self, _reports: &[Report], _lang: Lang, _trace: bool) -> String {
        // Binary: see `binary`. Never printed as text (the command line writes `binary`).
        String::new()
    }

    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        let mut line = serde_json::to_vec(&row(r, lang)).unwrap_or_default();
        line.push(b'\n');
        line
    }

    fn begin_reads_summary(&self) -> bool {
        true
    }

    fn begin(&self, _summary: &Summary, _lang: Lang) -> String {
        String::new()
    }

    fn end(&self, _summary: &Summary, _lang: Lang) -> String {
        String::new()
    }

    fn is_binary(&self) -> bool {
        true
    }

    fn binary(&self, reports: &[Report], lang: Lang) -> Result<Vec<u8>, String> {
        let rows: Vec<Row> = reports.iter().map(|r| row(r, lang)).collect();
        workbook(&rows, lang).map_err(|e| e.to_string())
    }

    fn binary_from_items(&self, items: &[u8], lang: Lang) -> Result<Vec<u8>, String> {
        let rows = items
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(serde_json::from_slice::<Row>)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        workbook(&rows, lang).map_err(|e| e.to_string())
    }
}
