//! Reading filings: one file, one text, or many inputs at once (directories, recursively;
//! CSV files, one filing a row; `-` for standard input), one filing at a time.
//!
//! Every input becomes exactly one [`Item`]: a filing to evaluate or a located error. Nothing is
//! skipped silently, so a batch's counts always add up to the number of filings read.

use std::path::{Path, PathBuf};

use super::{Filing, decode};
use crate::diag::{Diagnostic, Pos, Text};
use crate::input::{self, Format};

/// The name standard input goes by in reports and messages.
pub const STDIN_NAME: &str = "<stdin>";

/// One filing read from a batch input, or why it could not be read.
pub enum Item {
    Filing {
        filing: Filing,
        row: Option<usize>,
    },
    Invalid {
        source: String,
        row: Option<usize>,
        errors: Vec<Diagnostic>,
    },
}

/// One CSV row as read, not yet decoded: [`Row::decode`] builds its tree and checks it against
/// the schema, which is most of the cost of reading a row, so a batch can do it in parallel.
pub struct Row(input::csv::Record);

impl Row {
    /// The filing this row holds, or why it is not one.
    pub fn decode(&self) -> Item {
        let file = &*self.0.file;
        let tree = self.0.tree();
        let name = format!("{file}#{}", self.0.row);
        match decode(&name, &tree) {
            Ok(mut f) => {
                f.source = file.to_string();
                Item::Filing {
                    filing: f,
                    row: Some(self.0.row),
                }
            }
            Err(mut errors) => {
                for e in &mut errors {
                    e.file = file.to_string();
                }
                Item::Invalid {
                    source: file.to_string(),
                    row: Some(self.0.row),
                    errors,
                }
            }
        }
    }
}

/// What the reader produces: an item already read (a whole file, or a row that could not be
/// read), or a CSV row still to decode.
pub enum Raw {
    Item(Item),
    Row(Row),
    /// A warning about an input that is still read (a CSV decoded from GBK).
    Notice(Diagnostic),
    /// A workbook row (or form) read, not yet decoded.
    Sheet(SheetRow),
}

/// One workbook record as read, not yet checked against the schema ([`SheetRow::decode`]), so
/// that a batch decodes rows in parallel as it does CSV rows.
pub struct SheetRow {
    rec: input::xlsx::Record,
    source: String,
}

impl SheetRow {
    /// The filing this record holds, or why it is not one.
    pub fn decode(self) -> Item {
        xlsx_item(self.rec, self.source)
    }
}

impl Raw {
    /// The item, decoding a CSV row here; `None` for a notice.
    pub fn into_item(self) -> Option<Item> {
        match self {
            Raw::Item(i) => Some(i),
            Raw::Row(r) => Some(r.decode()),
            Raw::Notice(_) => None,
            Raw::Sheet(r) => Some(r.decode()),
        }
    }
}

/// Reads every filing of every path, calling `each` once per item, in input order.
/// `-` is standard input, read as TOML.
pub fn for_each(paths: &[PathBuf], mut each: impl FnMut(Item)) {
    for_each_raw(paths, Format::Toml, |r| {
        if let Some(i) = r.into_item() {
            each(i)
        }
    });
}

/// Like [`for_each`], but leaves CSV rows undecoded: the caller decodes each [`Row`].
/// `-` is standard input, read in `stdin_format`.
pub fn for_each_raw(paths: &[PathBuf], stdin_format: Format, mut each: impl FnMut(Raw)) {
    for path in input::expand(paths) {
        if let (file, Some(sel)) = split_selector(&path) {
            let source = path.display().to_string();
            each(Raw::Item(match read_selected(&file, &sel) {
                Ok(filing) => Item::Filing { filing, row: None },
                Err(errors) => Item::Invalid {
                    source,
                    row: None,
                    errors,
                },
            }));
            continue;
        }
        let stdin = path.as_os_str() == input::STDIN;
        let format = if stdin {
            stdin_format
        } else {
            // A file's extension names its format; anything else is read as TOML.
            Format::from_path(&path).unwrap_or(Format::Toml)
        };
        if format == Format::Xlsx {
            let name = if stdin {
                STDIN_NAME.to_string()
            } else {
                path.display().to_string()
            };
            let mut sheets = Sheets::default();
            let mut rows = |r| each(sheets.item(r));
            if stdin {
                match input::read_limited(STDIN_NAME, std::io::stdin().lock()) {
                    Ok(bytes) => input::xlsx::read_bytes(
                        &name,
                        bytes,
                        super::columns::parse_header,
                        &mut rows,
                    ),
                    Err(e) => each(Raw::Item(Item::Invalid {
                        source: name,
                        row: None,
                        errors: vec![e],
                    })),
                }
            } else {
                input::xlsx::read_path(&path, super::columns::parse_header, &mut rows);
            }
            continue;
        }
        if format == Format::Csv {
            let mut rows = |r| each(csv_item(r));
            if stdin {
                input::csv::read(
                    STDIN_NAME,
                    std::io::stdin().lock(),
                    super::columns::parse_header,
                    &mut rows,
                );
            } else {
                input::csv::read_path(&path, super::columns::parse_header, &mut rows);
            }
            continue;
        }
        let (source, read) = if stdin {
            (STDIN_NAME.to_string(), read_stdin(format))
        } else {
            (path.display().to_string(), read_file(&path))
        };
        each(Raw::Item(match read {
            Ok(filing) => Item::Filing { filing, row: None },
            Err(errors) => Item::Invalid {
                source,
                row: None,
                errors,
            },
        }));
    }
}

fn csv_item(r: input::csv::Read) -> Raw {
    match r {
        input::csv::Read::Record(r) => Raw::Row(Row(r)),
        input::csv::Read::Note(n) => Raw::Notice(n),
        input::csv::Read::Error { row, error } => Raw::Item(Item::Invalid {
            source: error.file.clone(),
            row,
            errors: vec![error],
        }),
    }
}

/// Names the sheets of a workbook as its items' sources: a row of the first sheet of filings
/// is the file and its number (`book.xlsx#3`, as a CSV row); a row of a later sheet names its
/// sheet in the source (`book.xlsx#Sheet2!3`), the form it is written in on a command line.
#[derive(Default)]
struct Sheets {
    first: Option<std::sync::Arc<str>>,
}

impl Sheets {
    fn item(&mut self, r: input::xlsx::Read) -> Raw {
        match r {
            input::xlsx::Read::Error { row, error } => Raw::Item(Item::Invalid {
                source: error.file.clone(),
                row,
                errors: vec![error],
            }),
            input::xlsx::Read::Record(mut rec) => {
                let first = self.first.get_or_insert_with(|| rec.sheet.clone());
                let source = match rec.row {
                    Some(n) if *first != rec.sheet => {
                        rec.row = None;
                        format!("{}#{}!{n}", rec.file, rec.sheet)
                    }
                    _ => rec.file.to_string(),
                };
                Raw::Sheet(SheetRow { rec, source })
            }
        }
    }
}

/// Decodes one workbook record; every error names its sheet and cell.
fn xlsx_item(rec: input::xlsx::Record, source: String) -> Item {
    let decoded = decode(&rec.file, &rec.tree);
    let mut errors = rec.errors;
    let filing = match decoded {
        Ok(f) if errors.is_empty() => Some(f),
        Ok(_) => None,
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    match filing {
        Some(mut f) => {
            f.source = source;
            Item::Filing {
                filing: f,
                row: rec.row,
            }
        }
        None => {
            for e in &mut errors {
                if let (None, Some(line), Some(column)) = (&e.cell, e.line, e.column) {
                    e.cell = Some(input::xlsx::cell_name(&rec.sheet, Pos { line, column }));
                }
            }
            errors.sort_by_key(|e| (e.line, e.column));
            Item::Invalid {
                source,
                row: rec.row,
                errors,
            }
        }
    }
}

/// One row picked from a sheet: `FILE.csv#N`, `FILE.xlsx#N`, `FILE.xlsx#Sheet!N`, numbered as
/// `batch` numbers them (the first row under the header is 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    pub sheet: Option<String>,
    pub row: usize,
}

/// Splits a row selector off a path that does not exist as written: `a.csv#2` → (`a.csv`, 2).
pub fn split_selector(path: &Path) -> (PathBuf, Option<Selector>) {
    let whole = (path.to_path_buf(), None);
    if path.exists() {
        return whole;
    }
    let Some(s) = path.to_str() else {
        return whole;
    };
    let Some((file, sel)) = s.rsplit_once('#') else {
        return whole;
    };
    let (sheet, row) = match sel.rsplit_once('!') {
        Some((sheet, row)) => (Some(sheet.trim_matches('\'').to_string()), row),
        None => (None, sel),
    };
    let Ok(row) = row.trim().parse::<usize>() else {
        return whole;
    };
    let file = PathBuf::from(file);
    match Format::from_path(&file) {
        Some(Format::Csv) if sheet.is_none() => (file, Some(Selector { sheet, row })),
        Some(Format::Xlsx) => (file, Some(Selector { sheet, row })),
        _ => whole,
    }
}

/// Reads the one row a selector picks, or says why there is none.
pub fn read_selected(file: &Path, sel: &Selector) -> Result<Filing, Vec<Diagnostic>> {
    let name = file.display().to_string();
    let label = match &sel.sheet {
        Some(sh) => format!("{name}#{sh}!{}", sel.row),
        None => format!("{name}#{}", sel.row),
    };
    let mut found: Option<Item> = None;
    let mut file_error: Option<Vec<Diagnostic>> = None;
    let mut rows = 0usize;
    match Format::from_path(file) {
        Some(Format::Csv) => {
            input::csv::read_path(file, super::columns::parse_header, &mut |r| match r {
                input::csv::Read::Record(rec) => {
                    rows = rows.max(rec.row);
                    if rec.row == sel.row && found.is_none() {
                        found = Some(Row(rec).decode());
                    }
                }
                input::csv::Read::Note(_) => {}
                input::csv::Read::Error { row, error } => {
                    if row.is_none() {
                        file_error.get_or_insert_with(Vec::new).push(error);
                    } else if row == Some(sel.row) && found.is_none() {
                        found = Some(Item::Invalid {
                            source: name.clone(),
                            row,
                            errors: vec![error],
                        });
                    }
                }
            });
        }
        _ => {
            let mut first_sheet: Option<std::sync::Arc<str>> = None;
            input::xlsx::read_path(file, super::columns::parse_header, &mut |r| match r {
                input::xlsx::Read::Record(rec) => {
                    let sheet_ok = match &sel.sheet {
                        Some(sh) => *rec.sheet == **sh,
                        None => {
                            rec.row.is_some()
                                && **first_sheet.get_or_insert_with(|| rec.sheet.clone())
                                    == *rec.sheet
                        }
                    };
                    if sheet_ok {
                        rows = rows.max(rec.row.unwrap_or(0));
                    }
                    if sheet_ok && rec.row == Some(sel.row) && found.is_none() {
                        found = Some(xlsx_item(rec, label.clone()));
                    }
                }
                input::xlsx::Read::Error { row, error } => {
                    if row.is_none() {
                        file_error.get_or_insert_with(Vec::new).push(error);
                    }
                }
            });
        }
    }
    match found {
        Some(Item::Filing { mut filing, .. }) => {
            filing.source = label;
            Ok(filing)
        }
        Some(Item::Invalid { errors, .. }) => Err(errors),
        None => Err(file_error.unwrap_or_else(|| {
            vec![Diagnostic::new(
                &name,
                None,
                None,
                Text::owned(
                    format!("没有第 {} 行申报（共 {rows} 行；行号从表头下第一行起为 1）", sel.row),
                    format!(
                        "there is no filing #{} ({rows} rows; the first row under the header is #1)",
                        sel.row
                    ),
                ),
            )]
        })),
    }
}

/// Reads a filing file from disk: JSON when its extension is `.json`, a workbook's one filing
/// when `.xlsx`, TOML otherwise; `FILE.csv#N` / `FILE.xlsx#N` / `FILE.xlsx#Sheet!N` picks a row.
pub fn read_file(path: &Path) -> Result<Filing, Vec<Diagnostic>> {
    if let (file, Some(sel)) = split_selector(path) {
        return read_selected(&file, &sel);
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::new(
            &name,
            None,
            None,
            Text::owned(
                format!("无法读取文件：{e}"),
                format!("cannot read the file: {e}"),
            ),
        )]
    })?;
    let format = match Format::from_path(path) {
        Some(f @ (Format::Json | Format::Xlsx)) => f,
        _ => Format::Toml,
    };
    parse_bytes(&name, bytes, format)
}

/// Reads one filing from standard input, in `format`.
pub fn read_stdin(format: Format) -> Result<Filing, Vec<Diagnostic>> {
    let bytes = input::read_limited(STDIN_NAME, std::io::stdin().lock()).map_err(|d| vec![d])?;
    parse_bytes(STDIN_NAME, bytes, format)
}

/// Parses one filing from bytes (a file's, a request body's), named `name` in messages.
pub fn parse_bytes(name: &str, bytes: Vec<u8>, format: Format) -> Result<Filing, Vec<Diagnostic>> {
    if format == Format::Xlsx {
        return one_from_workbook(name, bytes);
    }
    let text = input::decode_utf8(name, bytes).map_err(|d| vec![d])?;
    parse(name, &text, format)
}

/// Parses one filing from text in `format` (TOML or JSON).
pub fn parse(name: &str, text: &str, format: Format) -> Result<Filing, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::new(
            name,
            Some(Pos { line: 1, column: 1 }),
            None,
            Text::new("文件为空", "the file is empty"),
        )]);
    }
    let node = input::parse(name, text, format).map_err(|d| vec![d])?;
    decode(name, &node)
}

/// Parses a filing from text; JSON when the name ends in `.json`, TOML otherwise.
pub fn parse_str(name: &str, text: &str) -> Result<Filing, Vec<Diagnostic>> {
    let format = match Format::from_path(Path::new(name)) {
        Some(Format::Json) => Format::Json,
        _ => Format::Toml,
    };
    parse(name, text, format)
}

/// The one filing of a workbook: a form, or a sheet with a single row. More than one is an
/// error that says how to pick one.
fn one_from_workbook(name: &str, bytes: Vec<u8>) -> Result<Filing, Vec<Diagnostic>> {
    read_workbook(name, bytes).and_then(|filing| filing)
}

/// The one filing of a workbook held in memory (a request body), named `name` in messages:
/// `Err` when the workbook itself cannot be read (not a workbook, damaged, too large);
/// `Ok(Err)` when it reads but holds no single valid filing (the located errors, or how many
/// filings it holds).
pub fn read_workbook(
    name: &str,
    bytes: Vec<u8>,
) -> Result<Result<Filing, Vec<Diagnostic>>, Vec<Diagnostic>> {
    let mut items = Vec::new();
    let mut sheets = Sheets::default();
    let mut errors = Vec::new();
    input::xlsx::read_bytes(
        name,
        bytes,
        super::columns::parse_header,
        &mut |r| match sheets.item(r) {
            Raw::Item(Item::Invalid {
                row: None,
                errors: e,
                ..
            }) if items.is_empty() => errors.extend(e),
            Raw::Item(i) => items.push(i),
            Raw::Row(r) => items.push(r.decode()),
            Raw::Notice(_) => {}
            Raw::Sheet(r) => items.push(r.decode()),
        },
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    if items.len() > 1 {
        return Ok(Err(vec![Diagnostic::new(
            name,
            None,
            None,
            Text::owned(
                format!(
                    "工作簿中有 {} 份申报：用 {name}#N（或 {name}#工作表!N）指定一行，或使用 batch",
                    items.len()
                ),
                format!(
                    "the workbook holds {} filings: pick one with {name}#N (or {name}#Sheet!N), or use batch",
                    items.len()
                ),
            ),
        )]));
    }
    Ok(match items.pop() {
        Some(Item::Filing { filing, .. }) => Ok(filing),
        Some(Item::Invalid { errors, .. }) => Err(errors),
        None => Err(vec![Diagnostic::new(
            name,
            None,
            None,
            Text::new("工作簿中没有申报", "the workbook holds no filing"),
        )]),
    })
}

/// Reads the filings of a CSV held in memory (a request body), named `name` in reports and
/// messages, one [`Raw`] a row, for [`Checker::batch`](crate::check::Checker::batch).
pub fn for_each_csv(name: &str, reader: impl std::io::Read, mut each: impl FnMut(Raw)) {
    input::csv::read(name, reader, super::columns::parse_header, &mut |r| {
        each(csv_item(r))
    });
}

/// Reads the filings of a workbook held in memory (a request body), named `name` in reports
/// and messages, one [`Raw`] a row (or the form), as `batch` reads a workbook file.
pub fn for_each_xlsx(name: &str, bytes: Vec<u8>, mut each: impl FnMut(Raw)) {
    let mut sheets = Sheets::default();
    input::xlsx::read_bytes(name, bytes, super::columns::parse_header, &mut |r| {
        each(sheets.item(r))
    });
}
