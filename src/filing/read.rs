//! Reading filings: one file, one text, or many inputs at once (directories, recursively;
//! CSV files, one filing a row; `-` for standard input), one filing at a time.
//!
//! Every input becomes exactly one [`Item`]: a filing to evaluate or a located error. Nothing is
//! skipped silently, so a batch's counts always add up to the number of filings read.

use std::path::{Path, PathBuf};

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
/// `-` is standard input, read as TOML. Directories are walked as [`Walk::default`] says;
/// what the walk skips is in [`for_each_walked`]'s result.
pub fn for_each(paths: &[PathBuf], mut each: impl FnMut(Item)) {
    for_each_walked(paths, &Walk::default(), Format::Toml, |r| {
        each(r.into_item())
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
        let stdin = path.as_os_str() == input::STDIN;
        let format = if stdin {
            stdin_format
        } else {
            // A file's extension names its format; anything else is read as TOML.
            Format::from_path(&path).unwrap_or(Format::Toml)
        };
        if format == Format::Csv {
            // A header with a column that is no field of the schema (misspelt, garbage) or a
            // column named twice: the file is one invalid entry naming each such column, and
            // its rows are not read as filings (each would have, or hide, that problem).
            let mut bad_header = false;
            let mut rows = |r: input::csv::Read| {
                if let input::csv::Read::Header { file, names, line } = &r {
                    let errors = check_header(file, names, *line);
                    if !errors.is_empty() {
                        bad_header = true;
                        each(Raw::Item(Item::Invalid {
                            source: file.to_string(),
                            row: None,
                            errors,
                        }));
                    }
                    return;
                }
                if !bad_header && let Some(raw) = csv_item(r) {
                    each(raw);
                }
            };
            if stdin {
                input::csv::read(STDIN_NAME, std::io::stdin().lock(), &mut rows);
            } else {
                input::csv::read_path(&path, &mut rows);
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

/// True when a CSV column names a field of the schema (`budget.year`, `indicator.2.weight`).
fn is_field_column(name: &str) -> bool {
    if super::schema::field_index(name).is_some() {
        return true;
    }
    let mut parts = name.splitn(3, '.');
    let (Some(array), Some(n), Some(field)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    n.parse::<usize>().is_ok()
        && super::schema::ARRAYS
            .iter()
            .any(|(a, specs)| *a == array && specs.iter().any(|s| s.path == field))
}

/// What is wrong with a CSV header: no known column at all (one error), else each unknown or
/// repeated column, at its own column.
fn check_header(file: &str, names: &[String], line: usize) -> Vec<Diagnostic> {
    use crate::report::escape::visible;
    let known: Vec<&str> = super::schema::FIELDS.iter().map(|f| f.path).collect();
    if !names.iter().any(|n| is_field_column(n)) {
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
                    "表头没有任何已知字段（{}）：CSV 的列名应为带点的字段路径，如 budget.wage_total",
                    shown.join(", ")
                ),
                format!(
                    "the header names no known field ({}): CSV columns are dotted field paths such as budget.wage_total",
                    shown.join(", ")
                ),
            ),
        )];
    }
    let mut errors = Vec::new();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, name) in names.iter().enumerate() {
        let pos = Some(Pos {
            line,
            column: i + 1,
        });
        let shown = visible(name);
        if !is_field_column(name) {
            let (zh, en) = match crate::diag::did_you_mean(name, known.iter().copied()) {
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
        } else if let Some(first) = seen.insert(name, i + 1) {
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

/// A row or an error as a batch item; the header is none.
fn csv_item(r: input::csv::Read) -> Option<Raw> {
    Some(match r {
        input::csv::Read::Header { .. } => return None,
        input::csv::Read::Record(r) => Raw::Row(Row(r)),
        input::csv::Read::Error { row, error } => Raw::Item(Item::Invalid {
            source: error.file.clone(),
            row,
            errors: vec![error],
        }),
    })
}

/// Reads a filing file from disk: JSON when its extension is `.json`, TOML otherwise.
pub fn read_file(path: &Path) -> Result<Filing, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let bytes = input::read_document(&name, path)
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
    let format = match Format::from_path(path) {
        Some(Format::Json) => Format::Json,
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
