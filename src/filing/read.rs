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
/// `-` is standard input, read as TOML. Returns what the directory walk skipped.
pub fn for_each(paths: &[PathBuf], mut each: impl FnMut(Item)) -> Vec<Skipped> {
    for_each_raw(paths, &Walk::default(), Format::Toml, |r| {
        each(r.into_item())
    })
}

/// Like [`for_each`], but leaves CSV rows undecoded: the caller decodes each [`Row`].
/// Directories are walked as `walk` says; `-` is standard input, read in `stdin_format`.
/// Returns every path the walk skipped, with the reason.
pub fn for_each_raw(
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
            let mut rows = |r| each(csv_item(r));
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

fn csv_item(r: input::csv::Read) -> Raw {
    match r {
        input::csv::Read::Record(r) => Raw::Row(Row(r)),
        input::csv::Read::Error { row, error } => Raw::Item(Item::Invalid {
            source: error.file.clone(),
            row,
            errors: vec![error],
        }),
    }
}

/// Reads a filing file from disk: JSON when its extension is `.json`, TOML otherwise.
pub fn read_file(path: &Path) -> Result<Filing, Vec<Diagnostic>> {
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
