//! Input documents (TOML, JSON, CSV rows) turned into one positioned tree, [`Node`].
//!
//! Every value keeps where it was written (line and column) and, for numbers, the exact text
//! written, so that later stages can report errors precisely and keep decimals exact.
//!
//! This module knows the document formats ([`Format`]) and how to find documents (the
//! directory walk, [`expand`]); it knows nothing of filings or packs.

pub mod csv;
pub mod encoding;
mod json;
pub mod sheet;
mod toml;
pub mod walk;
pub mod xlsx;

use std::path::{Path, PathBuf};

pub use crate::diag::Pos;
use crate::diag::{Diagnostic, LineIndex, Text};
pub use json::parse_json;
pub use toml::parse_toml;

/// A document format. Taken from a file's extension ([`Format::from_path`]) or given
/// explicitly (standard input, a request body).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[warn(missing_docs)]
pub enum Format {
    /// TOML.
    Toml,
    /// Strict JSON.
    Json,
    /// Comma-separated rows, one document a row, columns named by dotted field paths.
    Csv,
    /// An Excel workbook: a sheet of documents (one a row, as a CSV) or a form ([`xlsx`]).
    Xlsx,
}

#[warn(missing_docs)]
impl Format {
    /// Every format, in the order they are listed to a user.
    pub const ALL: [Format; 4] = [Format::Toml, Format::Json, Format::Csv, Format::Xlsx];

    /// The format a file's extension names (case-insensitive), if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        Format::ALL
            .into_iter()
            .find(|f| ext.eq_ignore_ascii_case(f.extension()))
    }

    /// The file extension (and the name a user types), without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// The format a name (`toml`, `json`, `csv`, any case) stands for.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| name.eq_ignore_ascii_case(f.extension()))
    }
}

/// Parses one document (TOML or JSON) into a [`Node`] tree. CSV holds rows, not one document:
/// read it with [`csv::read`]; asked here, it is an error naming the file.
pub fn parse(file: &str, text: &str, format: Format) -> Result<Node, Diagnostic> {
    match format {
        Format::Toml => parse_toml(file, text),
        Format::Json => parse_json(file, text),
        Format::Xlsx => Err(Diagnostic::new(
            file,
            None,
            None,
            Text::new(
                "XLSX 工作簿是二进制文件，不能作为文本读取",
                "an XLSX workbook is binary, not text",
            ),
        )),
        Format::Csv => Err(Diagnostic::new(
            file,
            None,
            None,
            Text::new(
                "CSV 文件每行一份申报，不能作为单个文档读取：请使用 batch",
                "a CSV file holds one filing a row, not one document: use batch",
            ),
        )),
    }
}

/// The path that stands for standard input on a command line.
pub const STDIN: &str = "-";

/// Expands paths into files, in a stable order: a directory becomes every file under it whose
/// extension names a [`Format`], recursively and sorted; any other path (`-` included) is kept.
/// What the walk skips (and why) is in [`walk::expand`]'s result.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    walk::expand(paths, &walk::Walk::default()).files
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Str(String),
    /// A number as written (TOML integer or float, JSON number), underscores included.
    Number(String),
    Bool(bool),
    /// A TOML date or date-time, as written.
    Date(String),
    Array(Vec<Node>),
    Table(Vec<Entry>),
    /// Untyped text from a CSV cell: the schema decides how to read it.
    Cell(String),
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub pos: Pos,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

impl Node {
    /// What kind of value this is, for "expected …, found …" messages.
    pub fn kind_name(&self) -> Text {
        let (zh, en) = match &self.kind {
            Kind::Str(_) => ("字符串", "a string"),
            Kind::Number(_) => ("数字", "a number"),
            Kind::Bool(_) => ("布尔值", "a boolean"),
            Kind::Date(_) => ("日期", "a date"),
            Kind::Array(_) => ("数组", "an array"),
            Kind::Table(_) => ("表", "a table"),
            Kind::Cell(_) => ("文本", "text"),
            Kind::Null => ("null", "null"),
        };
        Text::new(zh, en)
    }

    /// A short rendering of the value as found, for messages.
    pub fn found(&self) -> String {
        let s = match &self.kind {
            Kind::Str(s) => format!("\"{s}\""),
            Kind::Cell(s) => format!("\"{s}\""),
            Kind::Number(s) | Kind::Date(s) => s.clone(),
            Kind::Bool(b) => b.to_string(),
            Kind::Array(_) => "[…]".into(),
            Kind::Table(_) => "{…}".into(),
            Kind::Null => "null".into(),
        };
        if s.chars().count() > 60 {
            let cut: String = s.chars().take(57).collect();
            format!("{cut}…")
        } else {
            s
        }
    }
}

/// Largest input document accepted, in bytes. A filing is a few kilobytes; a rule pack tens.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// Most values one TOML or JSON document may hold, counted before parsing as the characters
/// that open or separate one (`,` `=` `:` `[` `{`, an overcount). A filing has about a hundred
/// values and a large pack some hundred thousand; four megabytes of `1,1,1,…` would hold two
/// million, and their trees would need over 512 MB.
pub const MAX_VALUES: usize = 1_000_000;

/// Refuses a document with more than [`MAX_VALUES`] values, at the one past the limit.
pub(crate) fn check_values(file: &str, text: &str) -> Result<(), Diagnostic> {
    let past = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| matches!(b, b',' | b'=' | b':' | b'[' | b'{'))
        .nth(MAX_VALUES)
        .map(|(i, _)| i);
    match past {
        None => Ok(()),
        Some(offset) => Err(Diagnostic::new(
            file,
            Some(LineIndex::new(text).pos(offset)),
            None,
            Text::owned(
                format!("值过多：一个文件最多 {MAX_VALUES} 个值（数组元素、键）"),
                format!(
                    "too many values: at most {MAX_VALUES} in one document (array items, keys)"
                ),
            ),
        )),
    }
}

pub(crate) fn too_large(file: &str, len: usize) -> Diagnostic {
    Diagnostic::new(
        file,
        None,
        None,
        Text::owned(
            format!("文件过大：{len} 字节，上限 {MAX_DOCUMENT_BYTES} 字节"),
            format!("file too large: {len} bytes, the limit is {MAX_DOCUMENT_BYTES}"),
        ),
    )
}

/// Reads bytes as UTF-8, saying so clearly when they are not (a GBK file, typically).
pub fn decode_utf8(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(file, bytes.len()));
    }
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let pos = LineIndex::new(&prefix).pos(offset);
        Diagnostic::new(
            file,
            Some(pos),
            None,
            Text::new(
                "文件不是 UTF-8 编码（可能是 GBK/GB2312）：请另存为 UTF-8 后再提交",
                "the file is not UTF-8 (it may be GBK/GB2312): save it as UTF-8 and try again",
            ),
        )
    })
}

fn too_large_stream(file: &str) -> Diagnostic {
    Diagnostic::new(
        file,
        None,
        None,
        Text::owned(
            format!("文件过大：超过上限 {MAX_DOCUMENT_BYTES} 字节"),
            format!("file too large: more than the limit of {MAX_DOCUMENT_BYTES} bytes"),
        ),
    )
}

/// Reads at most [`MAX_DOCUMENT_BYTES`] + 1 bytes from `reader`: one more than the limit, so
/// that a longer input is known to be too long without holding it (`/dev/zero`, a 2 GB file).
fn read_at_most(reader: impl std::io::Read) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    reader
        .take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a document file (a filing, a pack, a pack test), never more than
/// [`MAX_DOCUMENT_BYTES`] + 1 bytes of it. The outer error is the file's I/O error, for the
/// caller to word; the inner one a file over the limit (its size named when the file has one).
pub fn read_document(file: &str, path: &Path) -> std::io::Result<Result<Vec<u8>, Diagnostic>> {
    let f = std::fs::File::open(path)?;
    let meta = f.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    if meta.is_file() && meta.len() > MAX_DOCUMENT_BYTES as u64 {
        return Ok(Err(too_large(
            file,
            usize::try_from(meta.len()).unwrap_or(usize::MAX),
        )));
    }
    let bytes = read_at_most(f)?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Ok(Err(too_large_stream(file)));
    }
    Ok(Ok(bytes))
}

/// Reads a whole stream (standard input, a request body) as a document's bytes, stopping one
/// byte past [`MAX_DOCUMENT_BYTES`]: a longer input is an error without holding all of it.
pub fn read_limited(file: &str, reader: impl std::io::Read) -> Result<Vec<u8>, Diagnostic> {
    let bytes = read_at_most(reader).map_err(|e| {
        Diagnostic::new(
            file,
            None,
            None,
            Text::owned(
                format!("无法读取输入：{e}"),
                format!("cannot read the input: {e}"),
            ),
        )
    })?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large_stream(file));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_numbers_keep_their_text() {
        let n = parse_toml("t.toml", "a = 0.30\nb = 12_600_000\n").unwrap();
        let Kind::Table(entries) = n.kind else {
            panic!()
        };
        assert_eq!(entries[0].value.kind, Kind::Number("0.30".into()));
        assert_eq!(entries[1].value.kind, Kind::Number("12600000".into()));
        assert_eq!(entries[1].value.pos, Pos { line: 2, column: 5 });
    }

    #[test]
    fn toml_syntax_error_is_located() {
        let e = parse_toml("t.toml", "a = 1\nb = = 2\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn json_is_strict_and_located() {
        let n = parse_json("t.json", "{\n  \"a\": 0.30\n}").unwrap();
        let Kind::Table(entries) = n.kind else {
            panic!()
        };
        assert_eq!(entries[0].value.kind, Kind::Number("0.30".into()));
        assert_eq!(entries[0].value.pos, Pos { line: 2, column: 8 });
        let e = parse_json("t.json", "{\"a\": 1,}").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn gbk_bytes_are_named() {
        // "本溪" in GBK
        let e = decode_utf8("x.toml", vec![b'a', b'=', 0xB1, 0xBE, 0xCF, 0xAA]).unwrap_err();
        assert!(e.message.en.contains("GBK"));
        assert_eq!(e.column, Some(3));
    }

    #[test]
    fn formats_from_extension_and_name() {
        assert_eq!(Format::from_path(Path::new("a/B.JSON")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("a.csv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.txt")), None);
        assert_eq!(Format::from_name("Toml"), Some(Format::Toml));
    }
}
