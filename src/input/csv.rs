//! CSV files: one document a row, columns named by dotted field paths (`budget.year`,
//! `indicator.1.weight`). Each row becomes a positioned tree of [`Kind::Cell`]s, built on
//! demand ([`Record::tree`]) so that a caller can build rows' trees in parallel.

use std::sync::Arc;

use super::sheet::{self, HeaderMap};
use super::{Entry, Kind, Node};
use crate::diag::{Diagnostic, Pos, Text};

/// The columns of one CSV file: each one's path split once at its dots, and its unit.
pub struct Headers {
    parts: Vec<Vec<String>>,
    units: Vec<Option<crate::numform::Unit>>,
}

/// One CSV row as read, its tree not yet built.
pub struct Record {
    /// The display name of the CSV file.
    pub file: Arc<str>,
    headers: Arc<Headers>,
    record: csv::StringRecord,
    /// 1-based data row (the header row is not counted).
    pub row: usize,
    /// The line the row starts on.
    pub line: usize,
}

impl Record {
    /// The nested tree of the row, from its dotted column names.
    pub fn tree(&self) -> Node {
        row_tree(&self.headers, &self.record, self.line)
    }
}

/// What reading a CSV produces: a row, or a located error (for the whole file when `row` is
/// `None`).
pub enum Read {
    Record(Record),
    /// Worth telling the user, not an error: the file was decoded from GBK (GB18030).
    Note(Diagnostic),
    Error {
        row: Option<usize>,
        error: Diagnostic,
    },
}

fn csv_error(file: &str, pos: Option<Pos>, msg: Text) -> Diagnostic {
    Diagnostic::new(file, pos, None, msg)
}

/// Builds the nested tree of one CSV row from its dotted column names.
fn row_tree(headers: &Headers, record: &csv::StringRecord, line: usize) -> Node {
    let mut root: Vec<Entry> = Vec::new();
    for (i, (parts, cell)) in headers.parts.iter().zip(record.iter()).enumerate() {
        if cell.trim().is_empty() {
            continue; // an empty cell is an absent field
        }
        let pos = Pos {
            line,
            column: i + 1,
        };
        let unit = headers.units.get(i).copied().flatten();
        sheet::insert(&mut root, parts, pos, &sheet::with_unit(cell.trim(), unit));
    }
    Node {
        pos: Pos { line, column: 1 },
        kind: Kind::Table(root),
    }
}

/// Reads the CSV file at `path`, calling `each` once per row or error, in order.
pub fn read_path(path: &std::path::Path, columns: HeaderMap, each: &mut impl FnMut(Read)) {
    let file = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(f) => read(&file, f, columns, each),
        Err(e) => each(Read::Error {
            row: None,
            error: csv_error(
                &file,
                None,
                Text::owned(
                    format!("无法读取 CSV：{e}"),
                    format!("cannot read the CSV: {e}"),
                ),
            ),
        }),
    }
}

/// Reads CSV text from `reader` (named `file` in messages), calling `each` once per row or
/// error, in order.
/// `columns` maps each header to the field it fills ([`sheet::dotted`] takes it as written).
pub fn read(
    file: &str,
    reader: impl std::io::Read,
    columns: HeaderMap,
    each: &mut impl FnMut(Read),
) {
    let invalid = |error| Read::Error { row: None, error };
    // Excel on a Chinese Windows saves CSV as GBK: decoded here (GB18030, its superset).
    let reader = match super::encoding::utf8_reader(reader) {
        Ok((r, None)) => r,
        Ok((r, Some(enc))) => {
            let name = enc.name().to_ascii_uppercase();
            each(Read::Note(
                csv_error(
                    file,
                    None,
                    Text::owned(
                        format!("文件不是 UTF-8 编码，已按 {name}（GBK）读取"),
                        format!("the file is not UTF-8: read as {name} (GBK)"),
                    ),
                )
                .warning(),
            ));
            r
        }
        Err(e) => {
            each(invalid(csv_error(
                file,
                None,
                Text::owned(
                    format!("无法读取 CSV：{e}"),
                    format!("cannot read the CSV: {e}"),
                ),
            )));
            return;
        }
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let headers = match rdr.headers() {
        Ok(h) if !(h.is_empty() || h.len() == 1 && h[0].trim().is_empty()) => {
            let cols: Vec<_> = h.iter().map(columns).collect();
            Arc::new(Headers {
                parts: cols.iter().map(|c| sheet::parts(&c.path)).collect(),
                units: cols.iter().map(|c| c.unit).collect(),
            })
        }
        Ok(_) => {
            each(invalid(csv_error(
                file,
                Some(Pos { line: 1, column: 1 }),
                Text::new(
                    "CSV 文件为空（没有表头）",
                    "the CSV file is empty (no header row)",
                ),
            )));
            return;
        }
        Err(e) => {
            each(invalid(csv_error(
                file,
                Some(Pos { line: 1, column: 1 }),
                csv_message(&e),
            )));
            return;
        }
    };
    let shared: Arc<str> = Arc::from(file);
    let mut row = 0;
    let mut record = csv::StringRecord::new();
    let mut next_line = 2; // the header is line 1
    loop {
        row += 1;
        // Counted here rather than taken from the reader, which miscounts CRLF files: a record
        // takes one line plus any line breaks inside its quoted cells.
        let line = next_line;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                next_line += 1 + record
                    .iter()
                    .map(|c| c.matches('\n').count())
                    .sum::<usize>();
                each(Read::Record(Record {
                    file: shared.clone(),
                    headers: headers.clone(),
                    record: std::mem::take(&mut record),
                    row,
                    line,
                }));
            }
            Err(e) => {
                next_line += 1;
                let pos = Some(Pos { line, column: 1 });
                each(Read::Error {
                    row: Some(row),
                    error: csv_error(file, pos, csv_message(&e)),
                });
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                ) {
                    break;
                }
            }
        }
    }
}

fn csv_message(e: &csv::Error) -> Text {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => Text::new(
            "该行不是 UTF-8 编码（可能是 GBK/GB2312）：请将 CSV 另存为 UTF-8",
            "the row is not UTF-8 (it may be GBK/GB2312): save the CSV as UTF-8",
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Text::owned(
            format!("列数不一致：表头 {expected_len} 列，该行 {len} 列"),
            format!("ragged row: the header has {expected_len} columns, this row {len}"),
        ),
        other => Text::owned(
            format!("CSV 错误：{other:?}"),
            format!("CSV error: {other:?}"),
        ),
    }
}
