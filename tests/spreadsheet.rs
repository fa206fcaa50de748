//! Filings as people keep them in spreadsheets: every sample (`samples/*.toml`) written as a
//! sheet of filings in XLSX (dotted headers; Chinese headers with amounts in 万元 and labels for
//! options and catalog names), as a GBK CSV saved the way Excel saves it (Chinese headers,
//! thousands separators), and as the `init --format xlsx` form filled with its values, reads
//! back as the same filing and gets the same verdict and amounts as the TOML sample. The
//! workbooks are written here with rust_xlsxwriter; `tests/fixtures/openpyxl-filings.xlsx` was
//! written by another library (Python openpyxl, `tests/fixtures/make-openpyxl.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook, Worksheet};
use wagecheck::check::{CheckOptions, Checker, PackChoice};
use wagecheck::diag::Lang;
use wagecheck::engine::Verdict;
use wagecheck::filing::read::Item;
use wagecheck::filing::schema::{self, FieldType};
use wagecheck::filing::{Filing, columns, form};
use wagecheck::input::{Kind, Node};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn samples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 8, "the eight samples");
    v
}

/// Every value of a sample by dotted path, as its TOML holds it.
fn leaves(path: &Path) -> Vec<(String, Node)> {
    let text = std::fs::read_to_string(path).unwrap();
    let tree = wagecheck::input::parse_toml("s.toml", &text).unwrap();
    let mut out = Vec::new();
    form::flatten("", &tree, &mut out);
    out
}

fn field_type(path: &str) -> FieldType {
    if let Some(f) = schema::FIELDS.iter().find(|f| f.path == path) {
        return f.ty;
    }
    let mut parts = path.splitn(3, '.');
    let (array, _, field) = (parts.next(), parts.next(), parts.next());
    schema::ARRAYS
        .iter()
        .find(|(a, _)| Some(*a) == array)
        .and_then(|(_, specs)| specs.iter().find(|s| Some(s.path) == field))
        .map(|s| s.ty)
        .unwrap_or_else(|| panic!("no field {path}"))
}

fn is_amount(path: &str) -> bool {
    matches!(
        field_type(path),
        FieldType::Amount | FieldType::SignedAmount
    )
}

fn dec(s: &str) -> Decimal {
    wagecheck::num::parse_decimal(&s.replace('_', "")).unwrap()
}

/// A decimal as an Excel number cell when Excel keeps it exactly, else `None` (a text cell).
fn as_float(d: Decimal) -> Option<f64> {
    let v: f64 = d.to_string().parse().ok()?;
    let back = wagecheck::numform::float_text(v).ok()?;
    (dec(&back) == d).then_some(v)
}

/// What a reviewer compares: verdict, binding rule, largest total, excess, amount to recover.
#[derive(Debug, PartialEq)]
struct Outcome {
    verdict: Verdict,
    binding: Option<String>,
    max: Option<Decimal>,
    excess: Option<Decimal>,
    to_recover: Option<Decimal>,
}

fn outcome(f: &Filing) -> Outcome {
    let checker = Checker::builtin();
    let opts = CheckOptions::on(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
    let r = checker.check(f, &PackChoice::InForce, &opts).report;
    let ev = r.eval.as_ref();
    let cap = ev.and_then(|e| e.cap.as_ref());
    Outcome {
        verdict: r.verdict,
        binding: cap.map(|c| c.binding_rule.clone()),
        max: cap.map(|c| c.max_wage_total),
        excess: cap.and_then(|c| c.excess),
        to_recover: ev
            .and_then(|e| e.clearing.as_ref())
            .and_then(|c| c.to_recover),
    }
}

/// The TOML sample and the same filing read from elsewhere are the same filing, with the same
/// outcome.
#[track_caller]
fn assert_same(toml: &Path, other: &Filing, how: &str) {
    let want = wagecheck::filing::read_file(toml).unwrap();
    // Catalog names written for ids (`利润总额`) are read against the pack's catalog.
    let pack = wagecheck::pack::Registry::new()
        .select("benxi", 2024)
        .unwrap();
    let other = &*wagecheck::check::catalog::with_catalog_ids(other, &pack);
    let name = toml.file_name().unwrap().to_string_lossy();
    assert_eq!(want.fields, other.fields, "{name} as {how}: fields");
    assert_eq!(
        want.indicators, other.indicators,
        "{name} as {how}: indicators"
    );
    assert_eq!(
        want.adjustments, other.adjustments,
        "{name} as {how}: adjustments"
    );
    let (a, b) = (outcome(&want), outcome(other));
    assert_eq!(a, b, "{name} as {how}: outcome");
}

/// Reads every filing of a file as `batch` does.
fn read_all(path: &Path) -> Vec<Filing> {
    let mut out = Vec::new();
    wagecheck::filing::read::for_each(&[path.to_path_buf()], |item| match item {
        Item::Filing { filing, .. } => out.push(filing),
        Item::Invalid { errors, .. } => panic!("{}: {errors:#?}", path.display()),
    });
    out
}

/// All the samples' columns, in schema order.
fn all_columns(rows: &[Vec<(String, Node)>]) -> Vec<String> {
    let mut cols: Vec<String> = columns::all_paths(4);
    cols.retain(|c| rows.iter().any(|r| r.iter().any(|(p, _)| p == c)));
    cols
}

fn option_label(v: &str) -> String {
    schema::value_label(v).map_or(v.to_string(), |(zh, _)| zh.to_string())
}

fn catalog_name(id: &str) -> String {
    let pack = wagecheck::pack::Registry::new()
        .select("benxi", 2024)
        .unwrap();
    pack.catalog
        .indicator(id)
        .map_or(id.to_string(), |e| e.text.zh.clone())
}

/// Writes one value to a cell, as a person would type it into Excel; `chinese` writes options
/// and catalog names by their Chinese labels, yes/no as 是/否 and amounts in 万元.
fn write_cell(ws: &mut Worksheet, r: u32, c: u16, path: &str, node: &Node, chinese: bool) {
    let date = XFormat::new().set_num_format("yyyy-mm-dd");
    match &node.kind {
        Kind::Number(n) => {
            let mut d = dec(n);
            if chinese && is_amount(path) {
                d /= Decimal::from(10_000);
            }
            match as_float(d) {
                Some(v) => ws.write_number(r, c, v).map(|_| ()),
                None => ws.write_string(r, c, d.to_string()).map(|_| ()),
            }
        }
        Kind::Str(s) => {
            let shown = match field_type(path) {
                FieldType::Enum(_) if chinese => option_label(s),
                _ if chinese && path.ends_with(".id") => catalog_name(s),
                _ => s.clone(),
            };
            ws.write_string(r, c, shown).map(|_| ())
        }
        Kind::Bool(b) if chinese => ws
            .write_string(r, c, if *b { "是" } else { "否" })
            .map(|_| ()),
        Kind::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
        Kind::Date(d) => ws
            .write_datetime_with_format(r, c, ExcelDateTime::parse_from_str(d).unwrap(), &date)
            .map(|_| ()),
        Kind::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Str(s) if chinese => option_label(s),
                    Kind::Str(s) | Kind::Number(s) => s.clone(),
                    other => panic!("{other:?}"),
                })
                .collect();
            if parts.is_empty() {
                Ok(())
            } else {
                ws.write_string(r, c, parts.join(";")).map(|_| ())
            }
        }
        other => panic!("{path}: {other:?}"),
    }
    .unwrap();
}

fn header(path: &str, chinese: bool) -> String {
    if !chinese {
        return path.to_string();
    }
    let (zh, _) = columns::label(path).unwrap();
    if is_amount(path) {
        format!("{zh}（万元）")
    } else {
        zh
    }
}

/// One sheet of filings, a row per sample.
fn filing_sheet(rows: &[Vec<(String, Node)>], chinese: bool) -> Vec<u8> {
    let cols = all_columns(rows);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(if chinese { "申报" } else { "filings" })
        .unwrap();
    for (c, path) in cols.iter().enumerate() {
        ws.write_string(0, c as u16, header(path, chinese)).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (path, node) in row {
            let c = cols.iter().position(|x| x == path).unwrap();
            write_cell(ws, r as u32 + 1, c as u16, path, node, chinese);
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn every_sample_as_a_sheet_of_filings_with_dotted_headers() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<_> = samples().iter().map(|p| leaves(p)).collect();
    let path = dir.path().join("filings.xlsx");
    std::fs::write(&path, filing_sheet(&rows, false)).unwrap();
    let read = read_all(&path);
    assert_eq!(read.len(), samples().len());
    for (sample, f) in samples().iter().zip(&read) {
        assert_same(sample, f, "an XLSX row with dotted headers");
    }
}

#[test]
fn every_sample_as_a_sheet_with_chinese_headers_amounts_in_wan_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<_> = samples().iter().map(|p| leaves(p)).collect();
    let path = dir.path().join("申报.xlsx");
    std::fs::write(&path, filing_sheet(&rows, true)).unwrap();
    let read = read_all(&path);
    assert_eq!(read.len(), samples().len());
    for (sample, f) in samples().iter().zip(&read) {
        assert_same(sample, f, "an XLSX row with Chinese headers and 万元");
    }
}

/// A number as Excel writes it in a CSV with a thousands format: `16,906,000`, `48,387.10`.
fn grouped(d: &str) -> String {
    let d = d.replace('_', "");
    let (sign, d) = match d.strip_prefix('-') {
        Some(r) => ("-", r.to_string()),
        None => ("", d),
    };
    let (int, frac) = match d.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (d.clone(), None),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[test]
fn every_sample_as_a_gbk_csv_with_chinese_headers_and_thousands_separators() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<_> = samples().iter().map(|p| leaves(p)).collect();
    let cols = all_columns(&rows);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cols.iter().map(|c| columns::label(c).unwrap().0))
        .unwrap();
    for row in &rows {
        let cells: Vec<String> = cols
            .iter()
            .map(
                |c| match row.iter().find(|(p, _)| p == c).map(|(_, n)| &n.kind) {
                    None => String::new(),
                    Some(Kind::Number(n)) if is_amount(c) => grouped(n),
                    Some(Kind::Number(n)) => n.replace('_', ""),
                    Some(Kind::Str(s)) => match field_type(c) {
                        FieldType::Enum(_) => option_label(s),
                        _ if c.ends_with(".id") => catalog_name(s),
                        _ => s.clone(),
                    },
                    Some(Kind::Bool(b)) => if *b { "是" } else { "否" }.to_string(),
                    Some(Kind::Date(d)) => d.clone(),
                    Some(Kind::Array(items)) => items
                        .iter()
                        .map(|i| match &i.kind {
                            Kind::Str(s) => option_label(s),
                            Kind::Number(s) => s.clone(),
                            other => panic!("{other:?}"),
                        })
                        .collect::<Vec<_>>()
                        .join(";"),
                    Some(other) => panic!("{c}: {other:?}"),
                },
            )
            .collect();
        w.write_record(&cells).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let path = dir.path().join("申报.csv");
    std::fs::write(&path, &gbk).unwrap();
    let read = read_all(&path);
    assert_eq!(read.len(), samples().len());
    for (sample, f) in samples().iter().zip(&read) {
        assert_same(sample, f, "a GBK CSV row");
    }
    // The decoding is no secret: a batch says so, once, on stderr.
    let (_, out, err) = bin(&["batch", path.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(err.matches("read as GB18030").count(), 1, "{err}");
    assert!(!out.contains("GB18030"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("│ filings ")
                && l.trim_end_matches('│').trim_end().ends_with("┆ 8")),
        "{out}"
    );
}

#[test]
fn every_sample_as_the_init_form_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    for (i, sample) in samples().iter().enumerate() {
        for lang in [Lang::Zh, Lang::En] {
            let path = dir.path().join(format!("form-{i}-{lang:?}.xlsx"));
            let pack = wagecheck::pack::Registry::new()
                .select("benxi", 2024)
                .unwrap();
            let bytes = form::filled(&leaves(sample), lang, Some(&pack)).unwrap();
            std::fs::write(&path, bytes).unwrap();
            let f = wagecheck::filing::read_file(&path)
                .unwrap_or_else(|e| panic!("{}: {e:#?}", sample.display()));
            assert_same(sample, &f, &format!("the {lang:?} form"));
        }
    }
}

#[test]
fn the_init_form_reads_back_as_the_toml_template() {
    let registry = wagecheck::pack::Registry::new();
    for category in schema::CATEGORIES {
        for kind in ["budget", "annual_return"] {
            let year = wagecheck::template::example_year(kind);
            let pack = registry
                .select(wagecheck::template::EXAMPLE_JURISDICTION, year)
                .unwrap();
            for lang in [Lang::Zh, Lang::En] {
                let toml = wagecheck::template::filing(category, kind, lang, &pack).unwrap();
                let want = wagecheck::filing::parse_str("t.toml", &toml).unwrap();
                let bytes = form::workbook(category, kind, lang, &pack)
                    .unwrap()
                    .unwrap();
                let got = wagecheck::filing::read::parse_bytes(
                    "t.xlsx",
                    bytes,
                    wagecheck::input::Format::Xlsx,
                )
                .unwrap_or_else(|e| panic!("{category} {kind} {lang:?}: {e:#?}"));
                // Chinese forms name indicators and measures by the catalog's names.
                let got = &*wagecheck::check::catalog::with_catalog_ids(&got, &pack);
                assert_eq!(want.fields, got.fields, "{category} {kind} {lang:?}");
                assert_eq!(
                    want.indicators, got.indicators,
                    "{category} {kind} {lang:?}"
                );
            }
        }
    }
}

fn bin(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(args)
        .current_dir(ROOT)
        .env("WAGECHECK_TODAY", "2026-01-15")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn the_command_line_opens_one_row_of_a_workbook_or_csv() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<_> = samples().iter().map(|p| leaves(p)).collect();
    let book = dir.path().join("book.xlsx");
    std::fs::write(&book, filing_sheet(&rows, true)).unwrap();
    for (i, sample) in samples().iter().enumerate() {
        let sel = format!("{}#{}", book.display(), i + 1);
        let with_sheet = format!("{}#申报!{}", book.display(), i + 1);
        let (c0, want, _) = bin(&["check", sample.to_str().unwrap(), "--format", "json"]);
        for arg in [&sel, &with_sheet] {
            let (c1, got, err) = bin(&["check", arg, "--format", "json"]);
            assert_eq!(c0, c1, "{arg}: {err}");
            let (w, g) = (json(&want), json(&got));
            assert_eq!(w["verdict"], g["verdict"], "{arg}");
            for k in ["max_wage_total", "excess", "binding_rule"] {
                assert_eq!(w["cap"][k], g["cap"][k], "{arg} cap.{k}");
            }
            assert_eq!(w["clearing"], g["clearing"], "{arg}");
            assert_eq!(g["source"], *arg);
        }
    }
    // Without a row, a workbook of eight filings says how to pick one.
    let (code, out, _) = bin(&["check", book.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(out.contains("#N"), "{out}");
    // A row that is not there.
    let (code, out, _) = bin(&["check", &format!("{}#9", book.display()), "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(out.contains("no filing #9 (8 rows"), "{out}");
}

#[test]
fn explain_opens_a_flagged_csv_row() {
    let (code, out, err) = bin(&["explain", "samples/batch-2024.csv#2", "--lang", "en"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("本溪水务第2有限公司"), "{out}");
    assert!(out.contains("samples/batch-2024.csv#2"), "{out}");
    assert!(out.contains("linkage.asset_preservation"), "{out}");
    let (code, out, _) = bin(&["check", "samples/batch-2024.csv#6", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("samples/batch-2024.csv:7:17: budget.wage_total")
            && out.contains("Chinese numerals"),
        "{out}"
    );
}

#[test]
fn workbook_errors_name_sheet_cell_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows: Vec<_> = vec![leaves(&samples()[1])];
    for (p, n) in rows[0].iter_mut() {
        if p == "budget.wage_total" {
            n.kind = Kind::Str("一千万".into());
        }
    }
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("预算").unwrap();
    let cols = all_columns(&rows);
    for (c, path) in cols.iter().enumerate() {
        ws.write_string(0, c as u16, path).unwrap();
    }
    for (path, node) in &rows[0] {
        let c = cols.iter().position(|x| x == path).unwrap() as u16;
        write_cell(ws, 1, c, path, node, false);
    }
    // A float Excel cannot hold as typed: 17 significant digits.
    let hq = cols.iter().position(|x| x == "prior.wage_total").unwrap() as u16;
    ws.write_number(1, hq, 0.1 + 0.2).unwrap();
    let path = dir.path().join("bad.xlsx");
    wb.save(&path).unwrap();
    let col = |p: &str| {
        let i = cols.iter().position(|x| x == p).unwrap();
        wagecheck::input::sheet::a1(2, i + 1)
    };
    let (code, out, _) = bin(&[
        "check",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    let v = json(&out);
    let errors = v["errors"].as_array().unwrap();
    let wage = errors
        .iter()
        .find(|e| e["field"] == "budget.wage_total")
        .unwrap();
    assert_eq!(wage["cell"], format!("预算!{}", col("budget.wage_total")));
    assert_eq!(wage["line"], 2);
    let prior = errors
        .iter()
        .find(|e| e["field"] == "prior.wage_total")
        .unwrap();
    assert_eq!(prior["cell"], format!("预算!{}", col("prior.wage_total")));
    assert!(
        prior["message"].as_str().unwrap().contains("text"),
        "{prior}"
    );
    let (_, table, _) = bin(&["check", path.to_str().unwrap(), "--lang", "zh"]);
    assert!(
        table.contains(&format!(
            "bad.xlsx:预算!{}: budget.wage_total:",
            col("budget.wage_total")
        )),
        "{table}"
    );
}

#[test]
fn batch_writes_a_workbook_and_refuses_nothing_silently() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.xlsx");
    let (code, _, err) = bin(&[
        "batch",
        "samples/batch-2024.csv",
        "--format",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names, ["结果", "无效输入"]);
    let res = wb.worksheet_range("结果").unwrap();
    assert_eq!(res.height(), 1 + 54, "header and 54 evaluated filings");
    let head: Vec<String> = res
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(head[1], "企业名称");
    assert_eq!(head[6], "允许的最高工资总额（元）");
    assert!(head.contains(&"linkage.growth_cap".to_string()));
    let row2: Vec<&Data> = res.rows().nth(2).unwrap().iter().collect();
    assert_eq!(row2[0].to_string(), "samples/batch-2024.csv#2");
    assert_eq!(row2[5].to_string(), "linkage.asset_preservation");
    assert_eq!(*row2[6], Data::Float(72_932_166.0));
    assert_eq!(*row2[7], Data::Float(2_917_287.0));
    let inv = wb.worksheet_range("无效输入").unwrap();
    assert_eq!(
        inv.height(),
        1 + 6,
        "one line per error of the six invalid rows"
    );
    let first: Vec<String> = inv
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(first[0], "samples/batch-2024.csv#6");
    assert_eq!(first[1], "samples/batch-2024.csv:7:17");
    assert_eq!(first[2], "budget.wage_total");
}

#[test]
fn a_workbook_written_by_openpyxl() {
    let path = Path::new(ROOT).join("tests/fixtures/openpyxl-filings.xlsx");
    let read = read_all(&path);
    let names = ["02-over-cap.toml", "08-annual-return.toml"];
    assert_eq!(read.len(), names.len());
    for (name, f) in names.iter().zip(&read) {
        assert_same(
            &Path::new(ROOT).join("samples").join(name),
            f,
            "an openpyxl workbook",
        );
    }
}

/// Reads a workbook from bytes as `check` does; it must answer (a filing or located errors),
/// never panic or hang.
fn read_workbook(bytes: Vec<u8>) -> Result<Filing, Vec<wagecheck::diag::Diagnostic>> {
    wagecheck::filing::read::parse_bytes("hostile.xlsx", bytes, wagecheck::input::Format::Xlsx)
}

#[test]
fn hostile_workbooks_are_refused_not_panicked_on() {
    let rows = vec![leaves(&samples()[1])];
    let good = filing_sheet(&rows, false);
    assert!(read_workbook(good.clone()).is_ok());
    // Not a zip, an empty file, truncated and corrupted workbooks.
    assert!(read_workbook(b"schema = 1".to_vec()).is_err());
    assert!(read_workbook(Vec::new()).is_err());
    for cut in (0..good.len()).step_by(good.len() / 97 + 1) {
        let _ = read_workbook(good[..cut].to_vec());
    }
    for at in (0..good.len()).step_by(good.len() / 211 + 1) {
        let mut bad = good.clone();
        bad[at] ^= 0x5A;
        let _ = read_workbook(bad);
    }
}

#[test]
fn a_huge_declared_dimension_allocates_nothing() {
    // A header, one row, and one cell at the last row and column Excel allows.
    let rows = vec![leaves(&samples()[1])];
    let cols = all_columns(&rows);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, path) in cols.iter().enumerate() {
        ws.write_string(0, c as u16, path).unwrap();
    }
    for (path, node) in &rows[0] {
        let c = cols.iter().position(|x| x == path).unwrap() as u16;
        write_cell(ws, 1, c, path, node, false);
    }
    ws.write_string(1_048_575, 16_383, "far away").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let started = std::time::Instant::now();
    let mut items = 0;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    std::fs::write(&path, bytes).unwrap();
    wagecheck::filing::read::for_each(&[path], |i| {
        items += 1;
        if items == 1 {
            assert!(matches!(i, Item::Filing { .. }), "the real row reads");
        }
    });
    // The far cell's row is a document of its own (a value in no column: invalid), not an
    // allocation of a million rows by sixteen thousand columns.
    assert_eq!(items, 2);
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn a_workbook_of_two_sheets_names_each_row_as_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<_> = samples().iter().map(|p| leaves(p)).collect();
    let cols = all_columns(&rows);
    let mut wb = Workbook::new();
    for (name, part) in [("甲", &rows[..2]), ("乙 表", &rows[2..4])] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (c, path) in cols.iter().enumerate() {
            ws.write_string(0, c as u16, path).unwrap();
        }
        for (r, row) in part.iter().enumerate() {
            for (path, node) in row {
                let c = cols.iter().position(|x| x == path).unwrap() as u16;
                write_cell(ws, r as u32 + 1, c, path, node, false);
            }
        }
    }
    // A sheet of notes is no sheet of filings and is skipped.
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "填表说明：金额单位为元")
        .unwrap();
    let book = dir.path().join("two.xlsx");
    wb.save(&book).unwrap();
    let b = book.display().to_string();
    let (_, out, err) = bin(&["batch", &b, "--format", "jsonl", "--lang", "en"]);
    let sources: Vec<String> = out
        .lines()
        .map(|l| {
            let v = json(l);
            match v["row"].as_u64() {
                Some(n) => format!("{}#{n}", v["source"].as_str().unwrap()),
                None => v["source"].as_str().unwrap().to_string(),
            }
        })
        .collect();
    assert_eq!(
        sources,
        [
            format!("{b}#1"),
            format!("{b}#2"),
            format!("{b}#乙 表!1"),
            format!("{b}#乙 表!2")
        ],
        "{err}"
    );
    // Each source opens its row again, with the same verdict as the sample.
    for (i, s) in sources.iter().enumerate() {
        let (c1, got, _) = bin(&["check", s, "--format", "json"]);
        let (c0, want, _) = bin(&["check", samples()[i].to_str().unwrap(), "--format", "json"]);
        assert_eq!(c0, c1, "{s}");
        assert_eq!(json(&want)["verdict"], json(&got)["verdict"], "{s}");
    }
}

#[test]
fn a_hand_made_form_with_amounts_in_wan() {
    // A form as someone might lay it out: other column order, no label column, units per row.
    let sample = &samples()[1];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("预算").unwrap();
    for (c, h) in ["单位", "数值", "字段"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (path, node)) in leaves(sample).iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 2, path).unwrap();
        if is_amount(path) {
            ws.write_string(r, 0, "万元").unwrap();
        }
        // write_cell writes amounts in 万元 when `chinese`.
        write_cell(ws, r, 1, path, node, true);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.xlsx");
    wb.save(&path).unwrap();
    let f = wagecheck::filing::read_file(&path).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_same(sample, &f, "a hand-made form in 万元");
}

#[test]
fn a_workbook_is_not_written_to_a_terminal() {
    // `script` (util-linux) gives the command a terminal; without it there is none to test.
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: no /usr/bin/script to provide a terminal");
        return;
    }
    for cmd in [
        "check samples/01-pass-competitive.toml --format xlsx --lang en",
        "batch samples/batch-2024.csv --format xlsx --lang en",
        "init --format xlsx --lang en",
    ] {
        let out = Command::new("/usr/bin/script")
            .args([
                "-qec",
                &format!("{} {cmd}", env!("CARGO_BIN_EXE_wagecheck")),
                "/dev/null",
            ])
            .current_dir(ROOT)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {text}");
        assert!(text.contains("not written to a terminal"), "{cmd}: {text}");
        assert!(!text.contains("PK"), "{cmd}: no zip bytes on the terminal");
    }
}

/// A filing's name with characters XML forbids (NUL, C0 controls, U+FFFE, U+FFFF) and an
/// escape sequence: the report workbook stays a valid workbook (every XML part parses) and
/// calamine opens it.
#[test]
fn report_workbook_survives_xml_forbidden_characters_in_a_name() {
    use std::io::Read as _;
    let filing = samples()
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .unwrap();
    let text = std::fs::read_to_string(&filing).unwrap();
    let hostile = "A\\u0000B\\u0001C\\u001b[31mD\\uFFFEE\\uFFFF\\u007f\\u0085F";
    let text = if text.contains("name = ") {
        let mut out = String::new();
        let mut done = false;
        for line in text.lines() {
            if !done && line.trim_start().starts_with("name = ") {
                out.push_str(&format!("name = \"{hostile}\"\n"));
                done = true;
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        assert!(done);
        out
    } else {
        panic!("sample has no name");
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("f.toml");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("r.xlsx");
    let (_, _, err) = bin(&[
        "check",
        input.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        out.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        if !name.ends_with(".xml") && !name.ends_with(".rels") {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).unwrap();
    let cells: Vec<String> = range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        cells
            .iter()
            .any(|c| c.starts_with('A') && c.ends_with('F') && c.contains('D')),
        "{cells:?}"
    );
}
