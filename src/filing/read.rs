//! Reading filings: one file, one text, or many inputs at once (directories, recursively;
//! CSV files, one filing a row; `-` for standard input), one filing at a time.
//!
//! Every input becomes exactly one [`Item`]: a filing to evaluate or a located error. Nothing is
//! skipped silently, so a batch's counts always add up to the number of filings read.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::plan::Plan;
use super::{Filing, decode};
use crate::diag::{Diagnostic, Pos, Text};
use crate::input::walk::{Skipped, Walk};
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

/// One CSV row as read, not yet decoded: [`Row::decode`] checks it against the schema, which is
/// most of the cost of reading a row, so a batch can do it in parallel. A row whose header
/// resolved into a [`Plan`] is decoded straight into the filing's slots; any other through its
/// tree (as a workbook's row is).
pub struct Row {
    rec: input::csv::Record,
    plan: Option<Arc<Plan>>,
}

impl Row {
    /// The filing this row holds, or why it is not one.
    pub fn decode(&self) -> Item {
        match &self.plan {
            Some(plan) => {
                let file = &*self.rec.file;
                let decoded = plan.decode(file, self.rec.cells(), self.rec.line);
                self.item(decoded)
            }
            None => self.decode_tree(),
        }
    }

    /// [`Row::decode`] into `out`, reusing its buffers (see [`Plan::decode_into`]): `Ok` when
    /// `out` is now the row's filing.
    pub fn decode_into(&self, out: &mut Filing) -> Result<(), Item> {
        let Some(plan) = &self.plan else {
            return match self.decode_tree() {
                Item::Filing { filing, .. } => {
                    *out = filing;
                    Ok(())
                }
                invalid => Err(invalid),
            };
        };
        let file = &*self.rec.file;
        plan.decode_into(file, self.rec.cells(), self.rec.line, out)
            .map_err(|errors| Item::Invalid {
                source: file.to_string(),
                row: Some(self.rec.row),
                errors,
            })
    }

    /// The row's number in its file (the first row under the header is 1).
    pub fn row(&self) -> usize {
        self.rec.row
    }

    /// The filing this row holds, decoded through the row's tree as a document is (the path
    /// every row took before [`Plan`], kept as the reference the typed decoder is tested
    /// against).
    #[doc(hidden)]
    pub fn decode_tree(&self) -> Item {
        let file = &*self.rec.file;
        let tree = self.rec.tree();
        let name = format!("{file}#{}", self.rec.row);
        let decoded = decode(&name, &tree).map_err(|mut errors| {
            for e in &mut errors {
                e.file = file.to_string();
            }
            errors
        });
        self.item(decoded)
    }

    #[cfg(test)]
    pub(crate) fn for_tests(rec: input::csv::Record, plan: Option<Arc<Plan>>) -> Row {
        Row { rec, plan }
    }

    fn item(&self, decoded: Result<Filing, Vec<Diagnostic>>) -> Item {
        let file = &*self.rec.file;
        match decoded {
            Ok(mut f) => {
                if f.source != file {
                    f.source = file.to_string();
                }
                Item::Filing {
                    filing: f,
                    row: Some(self.rec.row),
                }
            }
            Err(errors) => Item::Invalid {
                source: file.to_string(),
                row: Some(self.rec.row),
                errors,
            },
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

/// What [`Raw::decode_into`] found.
pub enum Decoded {
    /// The filing is in the caller's filing, read from `row` of a CSV or a workbook (`None`
    /// for a whole file).
    Filing { row: Option<usize> },
    /// Why the input is not a filing.
    Invalid {
        source: String,
        row: Option<usize>,
        errors: Vec<Diagnostic>,
    },
    /// A warning about an input that is still read.
    Notice(Diagnostic),
}

impl Raw {
    /// Decodes the input into `out` (a filing decoded before, whose buffers a CSV row reuses,
    /// or [`Filing::empty`]). A CSV row whose buffers [`Raw::recycle`] keeps stays, for it;
    /// a larger one is dropped as soon as it is decoded (a chunk of giant rows is not kept
    /// alive beside the filings decoded from it), and anything else is taken: an empty item is
    /// left, which is not [`Raw::recyclable`].
    pub fn decode_into(&mut self, out: &mut Filing) -> Decoded {
        if let Raw::Row(r) = self {
            let decoded = match r.decode_into(out) {
                Ok(()) => Decoded::Filing { row: Some(r.row()) },
                Err(item) => Decoded::from_item(item, out),
            };
            if !r.rec.recyclable() {
                *self = Raw::taken();
            }
            return decoded;
        }
        let taken = std::mem::replace(self, Raw::taken());
        let item = match taken {
            Raw::Notice(n) => return Decoded::Notice(n),
            Raw::Item(i) => i,
            Raw::Sheet(r) => r.decode(),
            Raw::Row(r) => r.decode(),
        };
        Decoded::from_item(item, out)
    }

    /// What is left of an input once decoded: an empty item, holding nothing on the heap.
    fn taken() -> Raw {
        Raw::Item(Item::Invalid {
            source: String::new(),
            row: None,
            errors: Vec::new(),
        })
    }

    /// Whether [`Raw::recycle`] would keep this row's buffers: a CSV row that is not too large.
    pub fn recyclable(&self) -> bool {
        matches!(self, Raw::Row(r) if r.rec.recyclable())
    }

    /// The bytes of text a CSV row holds (0 for any other input): what a batch counts to
    /// keep a chunk of giant rows small.
    pub fn text_len(&self) -> usize {
        match self {
            Raw::Row(r) => r.rec.text_len(),
            _ => 0,
        }
    }

    /// Gives a CSV row's buffers back to this thread's reader
    /// ([`input::csv::Record::recycle`]); anything else is dropped.
    pub fn recycle(self) {
        if let Raw::Row(r) = self {
            r.rec.recycle();
        }
    }

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

impl Decoded {
    /// An item as decoded: a filing moves into `out`.
    fn from_item(item: Item, out: &mut Filing) -> Decoded {
        match item {
            Item::Filing { filing, row } => {
                *out = filing;
                Decoded::Filing { row }
            }
            Item::Invalid {
                source,
                row,
                errors,
            } => Decoded::Invalid {
                source,
                row,
                errors,
            },
        }
    }
}

/// Reads every filing of every path, calling `each` once per item, in input order.
/// `-` is standard input, read as TOML. Directories are walked as [`Walk::default`] says;
/// what the walk skips is in [`for_each_walked`]'s result.
pub fn for_each(paths: &[PathBuf], mut each: impl FnMut(Item)) {
    for_each_walked(paths, &Walk::default(), Format::Toml, |r| {
        if let Some(i) = r.into_item() {
            each(i)
        }
    });
}

/// Like [`for_each`], but leaves CSV rows undecoded: the caller decodes each [`Row`].
/// `-` is standard input, read in `stdin_format`.
pub fn for_each_raw(paths: &[PathBuf], stdin_format: Format, each: impl FnMut(Raw)) {
    for_each_walked(paths, &Walk::default(), stdin_format, each);
}

/// Like [`for_each_raw`], with directories walked as `walk` says; returns every path the walk
/// skipped, with the reason (for the caller to report: nothing is dropped silently).
pub fn for_each_walked(
    paths: &[PathBuf],
    walk: &Walk,
    stdin_format: Format,
    mut each: impl FnMut(Raw),
) -> Vec<Skipped> {
    let expanded = input::walk::expand(paths, walk);
    for path in expanded.files {
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
            let mut rows = csv_rows(&mut each);
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
    expanded.skipped
}

/// True when a CSV column's field path (after [`super::columns::parse_header`] mapped its
/// header) names a field of the schema (`budget.year`, `indicator.2.weight`).
fn is_field_column(path: &str) -> bool {
    if super::schema::field_index(path).is_some() {
        return true;
    }
    let mut parts = path.splitn(3, '.');
    let (Some(array), Some(n), Some(field)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    n.parse::<usize>().is_ok()
        && super::schema::ARRAYS
            .iter()
            .any(|(a, specs)| *a == array && specs.iter().any(|s| s.path == field))
}

/// What is wrong with a CSV header: no known column at all (one error), else each unknown or
/// repeated column, at its own column. `names` are the headers as written, `paths` the field
/// each one maps to (a Chinese label, a unit, an alias: `工资总额（万元）` is `budget.wage_total`),
/// so that two headers naming one field are a duplicate however each is written.
fn check_header(file: &str, names: &[String], paths: &[String], line: usize) -> Vec<Diagnostic> {
    use crate::report::escape::visible;
    let known: Vec<&str> = super::schema::FIELDS.iter().map(|f| f.path).collect();
    if !paths.iter().any(|p| is_field_column(p)) {
        let shown: Vec<String> = names
            .iter()
            .take(5)
            .map(|n| {
                let v = visible(n);
                match v.char_indices().nth(40) {
                    Some((cut, _)) => format!("`{}…`", &v[..cut]),
                    None => format!("`{v}`"),
                }
            })
            .collect();
        return vec![Diagnostic::new(
            file,
            Some(Pos { line, column: 1 }),
            None,
            Text::owned(
                format!(
                    "表头没有任何已知字段（{}）：CSV 的列名应为带点的字段路径（如 budget.wage_total）或申报表的中文列名（如 预算工资总额）",
                    shown.join(", ")
                ),
                format!(
                    "the header names no known field ({}): CSV columns are dotted field paths such as budget.wage_total, or the form's labels (预算工资总额, proposed wage total)",
                    shown.join(", ")
                ),
            ),
        )];
    }
    let mut errors = Vec::new();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, (name, path)) in names.iter().zip(paths).enumerate() {
        let pos = Some(Pos {
            line,
            column: i + 1,
        });
        let shown = visible(name);
        if !is_field_column(path) {
            let (zh, en) = match crate::diag::did_you_mean(path, known.iter().copied()) {
                Some(h) => (
                    format!("；是否指 `{h}`？"),
                    format!("; did you mean `{h}`?"),
                ),
                None => (String::new(), String::new()),
            };
            errors.push(Diagnostic::new(
                file,
                pos,
                Some(&shown),
                Text::owned(
                    format!("未知字段（列名）{zh}"),
                    format!("unknown field (column){en}"),
                ),
            ));
        } else if let Some(first) = seen.insert(path, i + 1) {
            errors.push(Diagnostic::new(
                file,
                pos,
                Some(&shown),
                Text::owned(
                    format!("字段重复（已在第 {first} 列）"),
                    format!("duplicate field (already column {first})"),
                ),
            ));
        }
    }
    errors
}

/// A row or an error as a batch item, a row decoded by `plan`; the header is none.
fn csv_item(r: input::csv::Read, plan: &Option<Arc<Plan>>) -> Option<Raw> {
    Some(match r {
        input::csv::Read::Header { .. } => return None,
        input::csv::Read::Record(rec) => Raw::Row(Row {
            rec,
            plan: plan.clone(),
        }),
        input::csv::Read::Note(n) => Raw::Notice(n),
        input::csv::Read::Error { row, error } => Raw::Item(Item::Invalid {
            source: error.file.clone(),
            row,
            errors: vec![error],
        }),
    })
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
            let mut bad_header = false;
            let mut plan = None;
            input::csv::read_path(file, super::columns::parse_header, &mut |r| match r {
                // A bad header makes every row invalid: its errors are the answer.
                input::csv::Read::Header {
                    file,
                    names,
                    paths,
                    units,
                    line,
                } => {
                    let errors = check_header(&file, &names, &paths, line);
                    if !errors.is_empty() {
                        bad_header = true;
                        file_error.get_or_insert_with(Vec::new).extend(errors);
                    }
                    plan = Plan::new(&paths, &units).map(Arc::new);
                }
                _ if bad_header => {}
                input::csv::Read::Record(rec) => {
                    rows = rows.max(rec.row);
                    if rec.row == sel.row && found.is_none() {
                        found = Some(
                            Row {
                                rec,
                                plan: plan.clone(),
                            }
                            .decode(),
                        );
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
    let format = match Format::from_path(path) {
        Some(f @ (Format::Json | Format::Xlsx)) => f,
        _ => Format::Toml,
    };
    // A workbook has its own, larger limit (`input::xlsx::MAX_XLSX_BYTES`); every other
    // document is read at most to `input::MAX_DOCUMENT_BYTES` + 1 byte.
    let read = match format {
        Format::Xlsx => input::xlsx::read_file_bytes(path).map(Ok),
        _ => input::read_document(&name, path),
    };
    let bytes = read
        .map_err(|e| {
            vec![Diagnostic::new(
                &name,
                None,
                None,
                Text::owned(
                    format!("无法读取文件：{e}"),
                    format!("cannot read the file: {e}"),
                ),
            )]
        })?
        .map_err(|d| vec![d])?;
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
    input::csv::read(
        name,
        reader,
        super::columns::parse_header,
        &mut csv_rows(&mut each),
    );
}

/// What a CSV reader's events become, the header checked first. A header with a column that is
/// no field of the schema (misspelt, garbage) or a column named twice: the file is one invalid
/// entry naming each such column, and its rows are not read as filings (each would have, or
/// hide, that problem).
fn csv_rows(each: &mut impl FnMut(Raw)) -> impl FnMut(input::csv::Read) + '_ {
    let mut bad_header = false;
    let mut plan = None;
    move |r: input::csv::Read| {
        if let input::csv::Read::Header {
            file,
            names,
            paths,
            units,
            line,
        } = &r
        {
            let errors = check_header(file, names, paths, *line);
            if !errors.is_empty() {
                bad_header = true;
                each(Raw::Item(Item::Invalid {
                    source: file.to_string(),
                    row: None,
                    errors,
                }));
            }
            // The header resolved once; each row decoded straight into its filing's slots.
            plan = Plan::new(paths, units).map(Arc::new);
            return;
        }
        if !bad_header && let Some(raw) = csv_item(r, &plan) {
            each(raw);
        }
    }
}

/// Reads the filings of a workbook held in memory (a request body), named `name` in reports
/// and messages, one [`Raw`] a row (or the form), as `batch` reads a workbook file.
pub fn for_each_xlsx(name: &str, bytes: Vec<u8>, mut each: impl FnMut(Raw)) {
    let mut sheets = Sheets::default();
    input::xlsx::read_bytes(name, bytes, super::columns::parse_header, &mut |r| {
        each(sheets.item(r))
    });
}
