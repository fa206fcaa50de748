//! XLSX workbooks (calamine), in two shapes:
//!
//! - a **sheet of documents**: the first non-empty row is the header, each row below it one
//!   document (as a CSV); a row is numbered by its distance from the header (the first row
//!   under the header is `#1`), empty rows are skipped but keep their numbers;
//! - a **form**: a sheet whose header row has a `字段` / `field` column and a `数值` / `value`
//!   column (optionally `单位` / `unit`); every row names a field and gives its value, and the
//!   whole sheet is one document (what `wagecheck init --format xlsx` writes).
//!
//! Sheets of neither shape (notes, option lists) are skipped; a workbook with no sheet of either
//! shape is an error. Every value becomes a [`Kind::Cell`] text, so the schema decides how to
//! read it: a number cell becomes the shortest decimal that reads back as the same float (what
//! Excel shows, [`crate::numform::float_text`]), a date cell `YYYY-MM-DD`, a boolean
//! `true`/`false`. Positions are the cell's row and column; errors also name `Sheet!C7`.
//!
//! Reading is bounded: the file's size, the zip's entries and their unpacked sizes (checked by
//! unpacking before calamine sees them: a zip bomb stops at the limit), rows and cells; the
//! sheet is streamed cell by cell, so a huge declared dimension allocates nothing.

use std::io::{Cursor, Read as _};
use std::sync::Arc;

use calamine::{DataRef, Reader, Xlsx};

use super::sheet::{self, Column, HeaderMap};
use super::{Entry, Kind, Node};
use crate::diag::{Diagnostic, Pos, Text};
use crate::numform::{FloatError, MAX_FLOAT_DIGITS, float_text};

/// Largest workbook file accepted.
pub const MAX_XLSX_BYTES: usize = 64 * 1024 * 1024;
/// Largest unpacked size of one part of the workbook, and of all parts together.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// Most parts (files) in the workbook's zip.
pub const MAX_PARTS: usize = 4096;
/// Most columns read in a row: a filing has about sixty fields.
pub const MAX_COLUMNS: usize = 1024;
/// Most entries read from a form (a filing has about sixty fields).
pub const MAX_FORM_ROWS: usize = 4096;
/// Most text in one cell, in characters.
pub const MAX_CELL_BYTES: usize = 32 * 1024;

/// One document read from a workbook: a row of a sheet of documents, or a whole form.
pub struct Record {
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    /// For a row: its number under the header (1 for the first row below it). `None` for a form.
    pub row: Option<usize>,
    pub tree: Node,
    /// Cells that could not be read (a number with more than 15 significant digits), located.
    pub errors: Vec<Diagnostic>,
}

/// What reading a workbook produces, in order.
pub enum Read {
    Record(Record),
    Error {
        row: Option<usize>,
        error: Diagnostic,
    },
}

fn error(file: &str, msg: Text) -> Read {
    Read::Error {
        row: None,
        error: Diagnostic::new(file, None, None, msg),
    }
}

/// A diagnostic at a cell: `file:Sheet!C7`, row and column as line and column.
pub fn at_cell(
    file: &str,
    sheet: &str,
    pos: Pos,
    field: Option<&str>,
    message: Text,
) -> Diagnostic {
    let mut d = Diagnostic::new(file, Some(pos), field, message);
    d.cell = Some(cell_name(sheet, pos));
    d
}

/// `Sheet!C7`; a sheet name with spaces or punctuation is quoted as Excel does (`'My sheet'!C7`).
pub fn cell_name(sheet: &str, pos: Pos) -> String {
    let plain = sheet
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || !c.is_ascii());
    let a1 = sheet::a1(pos.line, pos.column);
    if plain {
        format!("{sheet}!{a1}")
    } else {
        format!("'{}'!{a1}", sheet.replace('\'', "''"))
    }
}

/// The bytes of the workbook file at `path`, never more than [`MAX_XLSX_BYTES`] + 1 of them
/// (a longer file is refused by [`read_bytes`] without holding all of it).
pub fn read_file_bytes(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut v = Vec::new();
    f.take(MAX_XLSX_BYTES as u64 + 1).read_to_end(&mut v)?;
    Ok(v)
}

/// Reads the workbook at `path`.
pub fn read_path(path: &std::path::Path, columns: HeaderMap, each: &mut impl FnMut(Read)) {
    let file = path.display().to_string();
    let bytes = match read_file_bytes(path) {
        Ok(b) => b,
        Err(e) => {
            each(error(
                &file,
                Text::owned(
                    format!("无法读取文件：{e}"),
                    format!("cannot read the file: {e}"),
                ),
            ));
            return;
        }
    };
    read_bytes(&file, bytes, columns, each);
}

/// Reads a workbook from its bytes, named `file` in messages.
pub fn read_bytes(file: &str, bytes: Vec<u8>, columns: HeaderMap, each: &mut impl FnMut(Read)) {
    if bytes.len() > MAX_XLSX_BYTES {
        each(error(
            file,
            Text::owned(
                format!("工作簿过大：超过 {MAX_XLSX_BYTES} 字节"),
                format!("workbook too large: more than {MAX_XLSX_BYTES} bytes"),
            ),
        ));
        return;
    }
    if let Err(msg) = check_zip(&bytes, MAX_PART_BYTES, MAX_UNPACKED_BYTES) {
        each(error(file, msg));
        return;
    }
    let mut wb: Xlsx<_> = match Xlsx::new(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => {
            each(error(file, not_xlsx(&e.to_string())));
            return;
        }
    };
    let shared: Arc<str> = Arc::from(file);
    let mut found = false;
    for name in wb.sheet_names() {
        let Ok(mut cells) = wb.worksheet_cells_reader(&name) else {
            continue;
        };
        let sheet: Arc<str> = Arc::from(name.as_str());
        let mut reader = SheetReader {
            file: shared.clone(),
            sheet,
            columns,
            shape: Shape::Unknown,
            current: None,
            row_cells: Vec::new(),
            form: Vec::new(),
            form_errors: Vec::new(),
        };
        loop {
            match cells.next_cell() {
                Ok(Some(c)) => {
                    let (r, col) = c.get_position();
                    let r = r as usize + 1;
                    let col = col as usize + 1;
                    if col > MAX_COLUMNS {
                        reader.beyond(r, col, each);
                        continue;
                    }
                    reader.cell(r, col, c.get_value(), each);
                }
                Ok(None) => break,
                Err(e) => {
                    each(Read::Error {
                        row: None,
                        error: Diagnostic::new(
                            file,
                            None,
                            None,
                            Text::owned(
                                format!("工作表“{name}”无法读取：{e}"),
                                format!("sheet \"{name}\" cannot be read: {e}"),
                            ),
                        ),
                    });
                    found = true;
                    break;
                }
            }
        }
        found |= reader.finish(each);
    }
    if !found {
        each(error(
            file,
            Text::new(
                "工作簿中没有申报表：需要一个表头行为字段名（或字段的中文名称）的工作表，或含“字段”“数值”两列的填报表",
                "no sheet of filings in the workbook: a sheet needs a header row of field names (or their Chinese labels), or a form with \"field\" and \"value\" columns",
            ),
        ));
    }
}

fn not_xlsx(detail: &str) -> Text {
    Text::owned(
        format!("不是有效的 XLSX 工作簿（{detail}）"),
        format!("not a valid XLSX workbook ({detail})"),
    )
}

/// Unpacks every part of the zip with a limit, before calamine reads it: a zip bomb or a
/// part that lies about its size stops here.
fn check_zip(bytes: &[u8], part_max: u64, total_max: u64) -> Result<(), Text> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e.to_string()))?;
    if zip.len() > MAX_PARTS {
        return Err(not_xlsx(&format!("{} parts", zip.len())));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| not_xlsx(&e.to_string()))?;
        let n = std::io::copy(&mut part.take(part_max + 1), &mut std::io::sink())
            .map_err(|e| not_xlsx(&e.to_string()))?;
        total += n;
        if n > part_max || total > total_max {
            return Err(Text::owned(
                format!("工作簿解压后过大（超过 {total_max} 字节或单个部件超过 {part_max} 字节）"),
                format!(
                    "the workbook unpacks to too much data (over {total_max} bytes, or {part_max} in one part)"
                ),
            ));
        }
    }
    Ok(())
}

enum Shape {
    /// No header row seen yet.
    Unknown,
    /// A sheet of documents: the header row and its columns by 1-based index.
    Rows {
        header_row: usize,
        columns: Vec<Option<Column>>,
    },
    /// A form: the columns holding the field, the value and the unit.
    Form {
        field: usize,
        value: usize,
        unit: Option<usize>,
    },
    /// Neither: skipped.
    Other,
}

struct SheetReader {
    file: Arc<str>,
    sheet: Arc<str>,
    columns: HeaderMap,
    shape: Shape,
    /// The row being gathered, and its cells (column, text).
    current: Option<usize>,
    row_cells: Vec<(usize, String)>,
    /// A form's entries: (path, value position, value text).
    form: Vec<(String, Pos, String)>,
    form_errors: Vec<Diagnostic>,
}

/// A cell as text, or why it cannot be read exactly.
fn cell_text(v: &DataRef<'_>) -> Result<Option<String>, FloatError> {
    Ok(Some(match v {
        DataRef::Empty => return Ok(None),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f)?,
        DataRef::String(s) => s.chars().take(MAX_CELL_BYTES).collect(),
        DataRef::SharedString(s) => s.chars().take(MAX_CELL_BYTES).collect(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => {
            let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
            if (h, min, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02}T{h:02}:{min:02}:{s:02}")
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }))
}

fn float_message(e: FloatError) -> Text {
    match e {
        FloatError::TooManyDigits(n) => Text::owned(
            format!(
                "数字单元格有 {n} 位有效数字，超过 Excel 能精确保存的 {MAX_FLOAT_DIGITS} 位：请将该单元格设为文本格式后按原样输入"
            ),
            format!(
                "the number cell has {n} significant digits, more than the {MAX_FLOAT_DIGITS} Excel keeps exactly: format the cell as text and type the value as written"
            ),
        ),
        FloatError::NotFinite => Text::new(
            "数字单元格的值无效",
            "the number cell holds no valid number",
        ),
    }
}

fn is_header(s: &str, names: &[&str]) -> bool {
    let t = crate::numform::fold(s);
    let t = t.trim();
    names.contains(&t)
}

impl SheetReader {
    fn cell(&mut self, row: usize, col: usize, v: &DataRef<'_>, each: &mut impl FnMut(Read)) {
        if self.current != Some(row) {
            self.flush(each);
            self.current = Some(row);
        }
        match cell_text(v) {
            Ok(Some(t)) if !t.trim().is_empty() => self.row_cells.push((col, t)),
            Ok(_) => {}
            Err(e) => {
                // Kept as a marker: the row reports it with the field's name.
                self.row_cells.push((col, String::new()));
                let pos = Pos {
                    line: row,
                    column: col,
                };
                let field = self.field_of(col);
                self.form_errors.push(at_cell(
                    &self.file,
                    &self.sheet,
                    pos,
                    field.as_deref(),
                    float_message(e),
                ));
            }
        }
    }

    /// A value past [`MAX_COLUMNS`]: not read, but not ignored either (once per row).
    fn beyond(&mut self, row: usize, col: usize, each: &mut impl FnMut(Read)) {
        if self.current != Some(row) {
            self.flush(each);
            self.current = Some(row);
        }
        if self.form_errors.iter().any(|e| e.line == Some(row)) {
            return;
        }
        let pos = Pos {
            line: row,
            column: col,
        };
        self.form_errors.push(at_cell(
            &self.file,
            &self.sheet,
            pos,
            None,
            Text::owned(
                format!("单元格超出可读取的范围（最多 {MAX_COLUMNS} 列）"),
                format!("a value beyond the columns read (at most {MAX_COLUMNS})"),
            ),
        ));
    }

    fn field_of(&self, col: usize) -> Option<String> {
        match &self.shape {
            Shape::Rows { columns, .. } => columns
                .get(col)
                .and_then(|c| c.as_ref())
                .map(|c| c.path.clone()),
            _ => None,
        }
    }

    /// Ends the gathered row: the header row decides the sheet's shape; a later row is a
    /// document (a sheet of documents) or a form entry.
    fn flush(&mut self, each: &mut impl FnMut(Read)) {
        let Some(row) = self.current.take() else {
            return;
        };
        let cells = std::mem::take(&mut self.row_cells);
        match &self.shape {
            Shape::Unknown => {
                if cells.iter().all(|(_, t)| t.trim().is_empty()) {
                    self.current = None;
                    return;
                }
                let find = |names: &[&str]| {
                    cells
                        .iter()
                        .find(|(_, t)| is_header(t, names))
                        .map(|(c, _)| *c)
                };
                let field = find(&["字段", "field", "字段名"]);
                let value = find(&["数值", "value", "填报值", "值"]);
                self.shape = match (field, value) {
                    (Some(field), Some(value)) => Shape::Form {
                        field,
                        value,
                        unit: find(&["单位", "unit"]),
                    },
                    _ => {
                        let mut columns: Vec<Option<Column>> = Vec::new();
                        for (c, t) in &cells {
                            if columns.len() <= *c {
                                columns.resize(*c + 1, None);
                            }
                            columns[*c] = Some((self.columns)(t));
                        }
                        // A sheet of documents names at least one known field: its header
                        // maps some column to a dotted path that the map recognised.
                        let known = columns.iter().flatten().any(|c| {
                            c.path.contains('.') || matches!(c.path.as_str(), "schema" | "kind")
                        });
                        if known {
                            Shape::Rows {
                                header_row: row,
                                columns,
                            }
                        } else {
                            Shape::Other
                        }
                    }
                };
                // A value error in the header row is no document's.
                self.form_errors.clear();
            }
            Shape::Rows {
                header_row,
                columns,
            } => {
                // Cells come in row order; a hostile file's stray earlier row is no document.
                let Some(n) = row.checked_sub(*header_row).filter(|n| *n > 0) else {
                    return;
                };
                let mut errors = std::mem::take(&mut self.form_errors);
                if cells.iter().all(|(_, t)| t.trim().is_empty()) && errors.is_empty() {
                    return; // an empty row is no document
                }
                let mut root: Vec<Entry> = Vec::new();
                for (c, text) in &cells {
                    let pos = Pos {
                        line: row,
                        column: *c,
                    };
                    let Some(Some(col)) = columns.get(*c) else {
                        errors.push(at_cell(
                            &self.file,
                            &self.sheet,
                            pos,
                            None,
                            Text::new(
                                "该列没有表头：值无处可填",
                                "this column has no header: the value fills no field",
                            ),
                        ));
                        continue;
                    };
                    if text.is_empty() {
                        continue;
                    }
                    let t = sheet::with_unit(text.trim(), col.unit);
                    sheet::insert(&mut root, &sheet::parts(&col.path), pos, &t);
                }
                each(Read::Record(Record {
                    file: self.file.clone(),
                    sheet: self.sheet.clone(),
                    row: Some(n),
                    tree: Node {
                        pos: Pos {
                            line: row,
                            column: 1,
                        },
                        kind: Kind::Table(root),
                    },
                    errors,
                }));
            }
            Shape::Form { field, value, unit } => {
                let get = |c: usize| cells.iter().find(|(x, _)| *x == c).map(|(_, t)| t.trim());
                let Some(name) = get(*field).filter(|f| !f.is_empty()) else {
                    return; // a heading or a note row
                };
                let column = (self.columns)(name);
                let unit = unit
                    .and_then(get)
                    .and_then(crate::numform::Unit::parse)
                    .or(column.unit);
                if self.form.len() >= MAX_FORM_ROWS {
                    return;
                }
                if let Some(v) = get(*value).filter(|v| !v.is_empty()) {
                    let pos = Pos {
                        line: row,
                        column: *value,
                    };
                    let t = sheet::with_unit(v, unit).into_owned();
                    self.form.push((column.path, pos, t));
                } else if let Some(e) = self.form_errors.last_mut()
                    && e.line == Some(row)
                {
                    e.field = Some(column.path);
                }
            }
            Shape::Other => {}
        }
    }

    /// Ends the sheet; true when it was a sheet of documents or a form.
    fn finish(mut self, each: &mut impl FnMut(Read)) -> bool {
        self.flush(each);
        match self.shape {
            Shape::Form { .. } => {
                let mut root: Vec<Entry> = Vec::new();
                for (path, pos, text) in &self.form {
                    sheet::insert(&mut root, &sheet::parts(path), *pos, text);
                }
                each(Read::Record(Record {
                    file: self.file.clone(),
                    sheet: self.sheet.clone(),
                    row: None,
                    tree: Node {
                        pos: Pos { line: 1, column: 1 },
                        kind: Kind::Table(root),
                    },
                    errors: self.form_errors,
                }));
                true
            }
            Shape::Rows { .. } => true,
            Shape::Unknown | Shape::Other => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        // 4 MiB of zeros packs into a few kilobytes.
        let bomb = zip_of(&[("xl/worksheets/sheet1.xml", vec![0u8; 4 << 20])]);
        assert!(bomb.len() < 64 * 1024);
        let e = check_zip(&bomb, 1 << 20, 8 << 20).unwrap_err();
        assert!(e.en.contains("too much data"), "{}", e.en);
        // Several parts, each under the part limit, over the total.
        let parts: Vec<(&str, Vec<u8>)> = ["a", "b", "c"]
            .iter()
            .map(|n| (*n, vec![0u8; 1 << 20]))
            .collect();
        assert!(check_zip(&zip_of(&parts), 2 << 20, (5 << 20) / 2).is_err());
        assert!(check_zip(&zip_of(&parts), 2 << 20, 4 << 20).is_ok());
    }

    #[test]
    fn not_a_workbook_is_an_error_naming_the_file() {
        let mut out = Vec::new();
        read_bytes(
            "x.xlsx",
            b"PK not really".to_vec(),
            sheet::dotted,
            &mut |r| out.push(r),
        );
        assert_eq!(out.len(), 1);
        let Read::Error { error, .. } = &out[0] else {
            panic!("an error")
        };
        assert_eq!(error.file, "x.xlsx");
        assert!(error.message.en.contains("not a valid XLSX"));
    }

    #[test]
    fn cell_names() {
        assert_eq!(cell_name("预算", Pos { line: 7, column: 3 }), "预算!C7");
        assert_eq!(cell_name("Sheet1", Pos { line: 1, column: 1 }), "Sheet1!A1");
        assert_eq!(
            cell_name(
                "my sheet",
                Pos {
                    line: 2,
                    column: 28
                }
            ),
            "'my sheet'!AB2"
        );
    }
}
