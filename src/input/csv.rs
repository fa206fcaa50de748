//! CSV files: one document a row, columns named by dotted field paths (`budget.year`,
//! `indicator.1.weight`). Each row becomes a positioned tree of [`Kind::Cell`]s, built on
//! demand ([`Record::tree`]) so that a caller can build rows' trees in parallel.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
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
    /// The row's cells, one after the other (checked UTF-8 once for the whole row).
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
    /// 1-based data row (the header row is not counted).
    pub row: usize,
    /// The line the row starts on.
    pub line: usize,
}

impl Record {
    /// The row's cells, in column order.
    pub fn cells(&self) -> Cells<'_> {
        Cells {
            text: &self.text,
            ends: self.ends.iter(),
            start: 0,
        }
    }

    /// The nested tree of the row, from its dotted column names.
    pub fn tree(&self) -> Node {
        row_tree(&self.headers, self.cells(), self.line)
    }
}

/// The cells of a [`Record`], in column order.
#[derive(Clone)]
pub struct Cells<'a> {
    text: &'a str,
    ends: std::slice::Iter<'a, usize>,
    start: usize,
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let end = *self.ends.next()?;
        // Every end is a character boundary ([`utf8_cells`]); `get` is never `None`.
        let cell = self.text.get(self.start..end).unwrap_or_default();
        self.start = end;
        Some(cell)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ends.size_hint()
    }

    /// The cell `n` places on, the ones before it skipped without being sliced.
    fn nth(&mut self, n: usize) -> Option<&'a str> {
        if n > 0 {
            self.start = *self.ends.nth(n - 1)?;
        }
        self.next()
    }
}

/// A record's bytes as text and where each of its cells ends, when every cell is UTF-8 (as
/// `csv::StringRecord` requires, checked once for the whole record instead of once a cell: the
/// cells are UTF-8 exactly when their concatenation is and each cell starts on a character
/// boundary of it).
/// The ends go into `ends` (emptied first).
fn utf8_cells<'r>(record: &'r csv::ByteRecord, ends: &mut Vec<usize>) -> Option<&'r str> {
    let text = std::str::from_utf8(record.as_slice()).ok()?;
    ends.clear();
    ends.reserve(record.len());
    let mut end = 0;
    for cell in record {
        end += cell.len();
        if !text.is_char_boundary(end) {
            return None;
        }
        ends.push(end);
    }
    Some(text)
}

/// The most records' buffers a thread keeps for its next rows ([`Record::recycle`]).
const MAX_SPARE_RECORDS: usize = 2048;

/// The longest row text whose buffer is kept.
const MAX_SPARE_TEXT: usize = 16 * 1024;

thread_local! {
    /// Buffers of records read before and given back ([`Record::recycle`]), for this thread's
    /// reader to fill again instead of allocating two a row.
    static SPARE: std::cell::RefCell<Vec<(String, Vec<usize>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl Record {
    /// The row's text, in bytes (what its cells hold).
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Whether [`Record::recycle`] keeps the record's buffers (none larger than
    /// [`MAX_SPARE_TEXT`] bytes).
    pub fn recyclable(&self) -> bool {
        self.text.capacity() <= MAX_SPARE_TEXT
    }

    /// Gives the record's buffers to the reader of this thread (a batch's reader thread gets
    /// its chunks back once decoded): its next rows fill them instead of new ones. At most
    /// [`MAX_SPARE_RECORDS`] are kept, none larger than [`MAX_SPARE_TEXT`] bytes.
    pub fn recycle(self) {
        if !self.recyclable() {
            return;
        }
        SPARE.with_borrow_mut(|spare| {
            if spare.len() < MAX_SPARE_RECORDS {
                spare.push((self.text, self.ends));
            }
        });
    }
}

/// What reading a CSV produces: its header, then each row, or a located error (for the whole
/// file when `row` is `None`).
pub enum Read {
    /// The column names as written (trimmed), before any row, and the field path each one
    /// maps to (`HeaderMap`: `工资总额（万元）` → `budget.wage_total`); `line` is the header's line.
    Header {
        file: Arc<str>,
        names: Vec<String>,
        paths: Vec<String>,
        /// The unit each column's numbers are written in (`工资总额（万元）`: 万元).
        units: Vec<Option<crate::numform::Unit>>,
        line: usize,
    },
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
fn row_tree(headers: &Headers, cells: Cells<'_>, line: usize) -> Node {
    let mut root: Vec<Entry> = Vec::new();
    for (i, (parts, cell)) in headers.parts.iter().zip(cells).enumerate() {
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

/// The longest CSV record (the header or one row, without its line break; blank lines before
/// it count) read, in bytes: a filing's row is a few kilobytes. A longer one (a file with no
/// line break, an unclosed quote in a huge file) ends the file's reading with an error at the
/// line where the record starts; memory stays bounded.
pub const MAX_CSV_RECORD_BYTES: usize = 1024 * 1024;

/// The most columns a CSV header may have: the schema has about 600 (64 indicators and 64
/// adjustments included).
pub const MAX_CSV_COLUMNS: usize = 4096;

/// Marks the I/O error [`Tracked`] returns when a record is too long.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record longer than {MAX_CSV_RECORD_BYTES} bytes")
    }
}

impl std::error::Error for RecordTooLong {}

/// The bytes on their way to the CSV parser, watched: where every line break is (the parser's
/// own line count skips blank lines and miscounts CRLF), and how long the current record is.
struct Tracked<R> {
    inner: R,
    /// Bytes handed to the parser so far.
    read: Cell<u64>,
    /// Offsets of line breaks (`\n`) not yet counted by [`Tracked::breaks_before`].
    breaks: RefCell<VecDeque<u64>>,
    /// Line breaks before the last offset asked about.
    counted: Cell<u64>,
    /// Offsets where a line with content starts (a byte other than `\r`/`\n` after a line
    /// break, or the first byte), not yet passed by [`Tracked::line_from`].
    starts: RefCell<VecDeque<u64>>,
    /// The last byte read (a line break before the first byte).
    prev: Cell<u8>,
    /// Where the current record starts (the end of the previous one).
    record_start: Cell<u64>,
}

impl<R> Tracked<R> {
    fn new(inner: R) -> Self {
        Tracked {
            inner,
            read: Cell::new(0),
            breaks: RefCell::new(VecDeque::new()),
            counted: Cell::new(0),
            starts: RefCell::new(VecDeque::new()),
            prev: Cell::new(b'\n'),
            record_start: Cell::new(0),
        }
    }

    /// The line of the record that begins at or after byte `from` (the end of the previous
    /// record): the parser skips blank lines before a record, so it starts on the first line
    /// with content from there. Asked in increasing order.
    fn line_from(&self, from: u64) -> usize {
        let mut starts = self.starts.borrow_mut();
        while starts.front().is_some_and(|s| *s < from) {
            starts.pop_front();
        }
        let at = starts.front().copied().unwrap_or(from);
        drop(starts);
        usize::try_from(1 + self.breaks_before(at)).unwrap_or(usize::MAX)
    }

    /// How many line breaks lie before byte `offset` (offsets asked in increasing order).
    fn breaks_before(&self, offset: u64) -> u64 {
        let mut breaks = self.breaks.borrow_mut();
        while breaks.front().is_some_and(|b| *b < offset) {
            breaks.pop_front();
            self.counted.set(self.counted.get() + 1);
        }
        self.counted.get()
    }
}

impl<R: std::io::Read> std::io::Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = self.read.get();
        // Never more than the limit past the record's start, so a longer record is known as
        // soon as the parser asks for the byte after it.
        let allowed =
            (self.record_start.get() + MAX_CSV_RECORD_BYTES as u64 + 1).saturating_sub(start);
        if allowed == 0 {
            return Err(std::io::Error::other(RecordTooLong));
        }
        let cap = buf
            .len()
            .min(usize::try_from(allowed).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..cap])?;
        let mut breaks = self.breaks.borrow_mut();
        let mut starts = self.starts.borrow_mut();
        // From one line break to the next (memchr, not byte by byte): a line with content
        // starts at the first byte after a break that is no break itself.
        let bytes = &buf[..n];
        let mut after_break = matches!(self.prev.get(), b'\n' | b'\r');
        let mut i = 0;
        for j in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if j > i && after_break {
                starts.push_back(start + i as u64);
            }
            if bytes[j] == b'\n' {
                breaks.push_back(start + j as u64);
            }
            after_break = true;
            i = j + 1;
        }
        if i < n && after_break {
            starts.push_back(start + i as u64);
        }
        if let Some(&last) = bytes.last() {
            self.prev.set(last);
        }
        self.read.set(start + n as u64);
        Ok(n)
    }
}

/// How many line breaks a cell holds.
fn breaks(cell: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', cell).count()
}

fn breaks_in(record: &csv::ByteRecord) -> u64 {
    record.iter().map(|c| breaks(c) as u64).sum()
}

/// Reads CSV text from `reader` (named `file` in messages; UTF-8, or GBK decoded as GB18030),
/// calling `each` once for the header, then once per row or error, in order. Lines are exact:
/// blank lines and line breaks inside quoted cells count.
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
        // One read call for many rows (the default is 8 KiB); the bytes are copied once, into
        // this buffer, and parsed from there.
        .buffer_capacity(64 * 1024)
        .flexible(false)
        .has_headers(false)
        .from_reader(Tracked::new(reader));
    // The line a record just read starts on.
    let start_line = |rdr: &csv::Reader<Tracked<_>>| -> usize {
        let t = rdr.get_ref();
        t.line_from(t.record_start.get())
    };
    let mut header = csv::StringRecord::new();
    let header_line = match rdr.read_record(&mut header) {
        Ok(true) if !(header.is_empty() || header.len() == 1 && header[0].trim().is_empty()) => {
            start_line(&rdr)
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
    rdr.get_ref().record_start.set(rdr.position().byte());
    if header.len() > MAX_CSV_COLUMNS {
        each(invalid(csv_error(
            file,
            Some(Pos {
                line: header_line,
                column: MAX_CSV_COLUMNS + 1,
            }),
            Text::owned(
                format!(
                    "表头列数过多：{} 列，上限 {MAX_CSV_COLUMNS} 列",
                    header.len()
                ),
                format!(
                    "too many columns: {}, the limit is {MAX_CSV_COLUMNS}",
                    header.len()
                ),
            ),
        )));
        return;
    }
    let names: Vec<String> = header
        .iter()
        .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let cols: Vec<_> = names.iter().map(|n| columns(n)).collect();
    let headers = Arc::new(Headers {
        // At most MAX_COLUMN_PARTS levels (`sheet::parts`): a longer dotted name is no field
        // anyway, and is then reported as unknown instead of nesting once per dot.
        parts: cols.iter().map(|c| sheet::parts(&c.path)).collect(),
        units: cols.iter().map(|c| c.unit).collect(),
    });
    let shared: Arc<str> = Arc::from(file);
    each(Read::Header {
        file: shared.clone(),
        names,
        units: cols.iter().map(|c| c.unit).collect(),
        paths: cols.into_iter().map(|c| c.path).collect(),
        line: header_line,
    });
    let mut row = 0;
    // Read as bytes, each row's UTF-8 checked once (`utf8_cells`), not once a cell.
    let mut record = csv::ByteRecord::new();
    loop {
        row += 1;
        let result = rdr.read_byte_record(&mut record);
        let end = rdr.position().byte();
        match result {
            Ok(false) => break,
            Ok(true) => {
                let line = start_line(&rdr);
                rdr.get_ref().record_start.set(end);
                // Buffers of a record given back, when there is one.
                let (mut buf, mut ends) = SPARE.with_borrow_mut(Vec::pop).unwrap_or_default();
                let Some(text) = utf8_cells(&record, &mut ends) else {
                    each(Read::Error {
                        row: Some(row),
                        error: csv_error(file, Some(Pos { line, column: 1 }), not_utf8()),
                    });
                    continue;
                };
                buf.clear();
                buf.push_str(text);
                each(Read::Record(Record {
                    file: shared.clone(),
                    headers: headers.clone(),
                    // The reader's record is reused (its buffers keep their size from row to
                    // row); the row keeps a copy of its text.
                    text: buf,
                    ends,
                    row,
                    line,
                }));
            }
            Err(e) => {
                let line = start_line(&rdr);
                rdr.get_ref().record_start.set(end);
                let (pos, msg) = match e.kind() {
                    // A ragged row that is not UTF-8 is read as no cells at all (as
                    // `csv::StringRecord` clears it).
                    csv::ErrorKind::UnequalLengths { .. } => {
                        match utf8_cells(&record, &mut Vec::new())
                            .and_then(|_| open_quote(&record, line))
                        {
                            Some((pos, until)) => (pos, stray_quote(line, until)),
                            None => (Pos { line, column: 1 }, csv_message(&e)),
                        }
                    }
                    _ => (Pos { line, column: 1 }, csv_message(&e)),
                };
                each(Read::Error {
                    row: Some(row),
                    error: csv_error(file, Some(pos), msg),
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

/// Where a quote opens that swallowed the line breaks after it: the first cell of a ragged
/// record holding a line break (a cell can only hold one when quoted), with the last line the
/// quote reached.
fn open_quote(record: &csv::ByteRecord, line: usize) -> Option<(Pos, usize)> {
    let mut at = line;
    for (i, cell) in record.iter().enumerate() {
        let n = breaks(cell);
        if n > 0 {
            let pos = Pos {
                line: at,
                column: i + 1,
            };
            let trailing = record
                .iter()
                .next_back()
                .is_some_and(|c| c.ends_with(b"\n"));
            return Some((
                pos,
                line + breaks_in(record) as usize - usize::from(trailing),
            ));
        }
        at += n;
    }
    None
}

fn stray_quote(line: usize, until: usize) -> Text {
    let (zh, en) = if until > line {
        (
            format!("第 {line}–{until} 行都被读成了这一个单元格"),
            format!("lines {line}–{until} were read as this one cell"),
        )
    } else {
        (
            "该行其余内容都被读成了这一个单元格".to_string(),
            "the rest of the line was read as this one cell".to_string(),
        )
    };
    Text::owned(
        format!("此处的引号 \" 没有闭合：{zh}（多余的引号，或缺少闭合引号）"),
        format!(
            "a quote (\") opens in this cell and is never closed: {en} (a stray quote, or a missing closing one)"
        ),
    )
}

fn not_utf8() -> Text {
    Text::new(
        "该行不是 UTF-8 编码（可能是 GBK/GB2312）：请将 CSV 另存为 UTF-8",
        "the row is not UTF-8 (it may be GBK/GB2312): save the CSV as UTF-8",
    )
}

fn csv_message(e: &csv::Error) -> Text {
    match e.kind() {
        csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|x| x.is::<RecordTooLong>()) => {
            Text::owned(
                format!(
                    "该行（记录）超过 {MAX_CSV_RECORD_BYTES} 字节：没有换行符，或有未闭合的引号；不再读取此文件"
                ),
                format!(
                    "this record is longer than {MAX_CSV_RECORD_BYTES} bytes (no line break, or an unclosed quote): the rest of the file is not read"
                ),
            )
        }
        csv::ErrorKind::Utf8 { .. } => not_utf8(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What reading `bytes` gives: each row's cells, or its error's line and column.
    fn rows(bytes: &[u8]) -> Vec<Result<Vec<String>, (usize, usize, String)>> {
        let mut out = Vec::new();
        // Enough well-formed characters that the file is read as UTF-8 (not GBK).
        let bytes = ["本".repeat(20).as_bytes(), bytes].concat();
        read("t.csv", &bytes[..], sheet::dotted, &mut |r| match r {
            Read::Record(rec) => out.push(Ok(rec.cells().map(str::to_string).collect())),
            Read::Error { error, .. } => out.push(Err((
                error.line.unwrap_or(0),
                error.column.unwrap_or(0),
                error.message.en.to_string(),
            ))),
            _ => {}
        });
        out
    }

    #[test]
    fn a_character_split_between_cells_is_no_utf8() {
        // `本` is E6 9C AC: the row's bytes without the comma are UTF-8, its cells are not.
        let got = rows(b"a,b\n\xe6\x9c\xac,x\n\xe6,\x9c\xac\n\xe6\x9c,\xac\nok,\xe6\x9c\xac\n");
        assert_eq!(got[0], Ok(vec!["本".to_string(), "x".to_string()]));
        for (i, line) in [(1, 3), (2, 4)] {
            let Err((l, c, msg)) = &got[i] else {
                panic!("{:?}", got[i]);
            };
            assert_eq!((*l, *c), (line, 1));
            assert!(msg.contains("not UTF-8"), "{msg}");
        }
        assert_eq!(got[3], Ok(vec!["ok".to_string(), "本".to_string()]));
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn a_ragged_row_names_its_open_quote_only_when_utf8() {
        let got = rows(b"a,b,c\n1,\"x\ny,z\n");
        let Err((l, c, msg)) = &got[0] else {
            panic!("{got:?}");
        };
        assert_eq!((*l, *c), (2, 2), "{msg}");
        assert!(msg.contains("quote"), "{msg}");
        let got = rows(b"a,b,c\n\xff,\"x\ny,z\n");
        let Err((l, c, msg)) = &got[0] else {
            panic!("{got:?}");
        };
        assert_eq!((*l, *c), (2, 1), "{msg}");
        assert!(msg.contains("ragged"), "{msg}");
    }
}
