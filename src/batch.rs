//! Batch inputs: directories (recursively, `*.toml` and `*.json`), CSV files (one filing a row,
//! columns named by dotted field paths), and several paths at once, read one filing at a time.
//!
//! Every input becomes exactly one [`Item`]: a filing to evaluate or a located error. Nothing is
//! skipped silently, so a batch's counts always add up to the number of filings read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Text};
use crate::filing::{self, Filing};
use crate::source::{Entry, Kind, Node, Pos};

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

/// Expands the command line's paths into files, in a stable order (directories sorted).
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            walk(&e, out);
        } else if matches!(
            e.extension()
                .and_then(|x| x.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("toml" | "json" | "csv")
        ) {
            out.push(e);
        }
    }
}

fn is_csv(p: &Path) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"))
}

/// The column names of one CSV file, each split once at its dots.
struct Headers {
    parts: Vec<Vec<String>>,
}

/// One CSV row as read, not yet decoded: [`Row::decode`] builds its tree and checks it against
/// the schema, which is most of the cost of reading a row, so a batch can do it in parallel.
pub struct Row {
    file: Arc<str>,
    headers: Arc<Headers>,
    record: csv::StringRecord,
    row: usize,
    line: usize,
}

impl Row {
    /// The filing this row holds, or why it is not one.
    pub fn decode(&self) -> Item {
        let file = &*self.file;
        let tree = row_tree(&self.headers, &self.record, self.line);
        let name = format!("{file}#{}", self.row);
        match filing::decode(&name, &tree) {
            Ok(mut f) => {
                f.source = file.to_string();
                Item::Filing {
                    filing: f,
                    row: Some(self.row),
                }
            }
            Err(mut errors) => {
                for e in &mut errors {
                    e.file = file.to_string();
                }
                Item::Invalid {
                    source: file.to_string(),
                    row: Some(self.row),
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
}

impl Raw {
    /// The item, decoding a CSV row here.
    pub fn into_item(self) -> Item {
        match self {
            Raw::Item(i) => i,
            Raw::Row(r) => r.decode(),
        }
    }
}

/// Reads every filing of every path, calling `each` once per item, in input order.
pub fn for_each(paths: &[PathBuf], mut each: impl FnMut(Item)) {
    for_each_raw(paths, |r| each(r.into_item()));
}

/// Like [`for_each`], but leaves CSV rows undecoded: the caller decodes each [`Row`].
pub fn for_each_raw(paths: &[PathBuf], mut each: impl FnMut(Raw)) {
    for path in expand(paths) {
        if is_csv(&path) {
            read_csv(&path, &mut each);
        } else {
            let source = path.display().to_string();
            match filing::read_file(&path) {
                Ok(f) => each(Raw::Item(Item::Filing {
                    filing: f,
                    row: None,
                })),
                Err(errors) => each(Raw::Item(Item::Invalid {
                    source,
                    row: None,
                    errors,
                })),
            }
        }
    }
}

fn csv_error(file: &str, pos: Option<Pos>, msg: Text) -> Vec<Diagnostic> {
    vec![Diagnostic::new(file, pos, None, msg)]
}

fn insert(table: &mut Vec<Entry>, parts: &[String], pos: Pos, cell: &str) {
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    if rest.is_empty() {
        table.push(Entry {
            key: first.clone(),
            pos,
            value: Node {
                pos,
                kind: Kind::Cell(cell.to_string()),
            },
        });
        return;
    }
    let idx = match table.iter().position(|e| e.key == *first) {
        Some(i) => i,
        None => {
            table.push(Entry {
                key: first.clone(),
                pos,
                value: Node {
                    pos,
                    kind: Kind::Table(Vec::new()),
                },
            });
            table.len() - 1
        }
    };
    if let Kind::Table(t) = &mut table[idx].value.kind {
        insert(t, rest, pos, cell);
    }
}

/// How many dotted parts of a column name become levels of the row's tree; the deepest field
/// is `indicator.1.weight`. Not policy: a bound on the input's shape.
const MAX_COLUMN_PARTS: usize = 4;

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
        insert(&mut root, parts, pos, cell.trim());
    }
    Node {
        pos: Pos { line, column: 1 },
        kind: Kind::Table(root),
    }
}

fn read_csv(path: &Path, each: &mut impl FnMut(Raw)) {
    let file = path.display().to_string();
    let invalid = |errors| {
        Raw::Item(Item::Invalid {
            source: file.clone(),
            row: None,
            errors,
        })
    };
    let mut rdr = match csv::ReaderBuilder::new().flexible(false).from_path(path) {
        Ok(r) => r,
        Err(e) => {
            each(invalid(csv_error(
                &file,
                None,
                Text::owned(
                    format!("无法读取 CSV：{e}"),
                    format!("cannot read the CSV: {e}"),
                ),
            )));
            return;
        }
    };
    let headers = match rdr.headers() {
        Ok(h) if !(h.is_empty() || h.len() == 1 && h[0].trim().is_empty()) => Arc::new(Headers {
            parts: h
                .iter()
                .map(|s| {
                    let name = s.trim().trim_start_matches('\u{feff}');
                    // At most MAX_COLUMN_PARTS levels: a longer dotted name is no field anyway,
                    // and is then reported as unknown instead of nesting once per dot.
                    name.splitn(MAX_COLUMN_PARTS, '.')
                        .map(str::to_string)
                        .collect()
                })
                .collect(),
        }),
        Ok(_) => {
            each(invalid(csv_error(
                &file,
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
                &file,
                Some(Pos { line: 1, column: 1 }),
                csv_message(&e),
            )));
            return;
        }
    };
    let shared: Arc<str> = Arc::from(file.as_str());
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
                each(Raw::Row(Row {
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
                each(Raw::Item(Item::Invalid {
                    source: file.clone(),
                    row: Some(row),
                    errors: csv_error(&file, pos, csv_message(&e)),
                }));
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
