//! Bilingual text and located diagnostics.

use serde::Serialize;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets of a text to line and column.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Characters before every [`CHUNK`]th byte, so that a column is counted from the nearest
    /// checkpoint, not from the line's start: a 4 MiB line of 600,000 values would otherwise
    /// cost a count of the whole line per value (quadratic).
    chars_before: Vec<u32>,
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const CHUNK: usize = 64;

/// A byte that starts a character (not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars_before = Vec::with_capacity(text.len() / CHUNK + 1);
        let mut n: u32 = 0;
        for chunk in text.as_bytes().chunks(CHUNK) {
            chars_before.push(n);
            n = n.saturating_add(chunk.iter().filter(|b| starts_char(**b)).count() as u32);
        }
        chars_before.push(n);
        LineIndex {
            text,
            starts,
            chars_before,
        }
    }

    /// Characters in the text before byte `offset`, in at most [`CHUNK`] steps.
    fn chars_to(&self, offset: usize) -> usize {
        let k = offset / CHUNK;
        let base = self.chars_before.get(k).copied().unwrap_or(0) as usize;
        let tail = self
            .text
            .as_bytes()
            .get(k * CHUNK..offset)
            .map_or(0, |t| t.iter().filter(|b| starts_char(**b)).count());
        base + tail
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1, // starts[0] == 0 <= offset, so i >= 1
        };
        let start = self.starts[line];
        let column = self.chars_to(offset) - self.chars_to(start) + 1;
        Pos {
            line: line + 1,
            column,
        }
    }
}

/// The language of everything a person reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[warn(missing_docs)]
pub enum Lang {
    /// Chinese (the default).
    #[default]
    Zh,
    /// English.
    En,
}

#[warn(missing_docs)]
impl Lang {
    /// Whether this is Chinese.
    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }
}

/// A text in Chinese and English.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[warn(missing_docs)]
pub struct Text {
    /// The Chinese text.
    pub zh: String,
    /// The English text.
    pub en: String,
}

#[warn(missing_docs)]
impl Text {
    /// A text from its two translations.
    pub fn new(zh: &str, en: &str) -> Text {
        Text {
            zh: zh.to_string(),
            en: en.to_string(),
        }
    }

    /// A text from its two translations, owned.
    pub fn owned(zh: String, en: String) -> Text {
        Text { zh, en }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Joins two texts with a separator per language.
    pub fn join(&self, other: &Text, sep_zh: &str, sep_en: &str) -> Text {
        Text::owned(
            format!("{}{sep_zh}{}", self.zh, other.zh),
            format!("{}{sep_en}{}", self.en, other.en),
        )
    }
}

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[warn(missing_docs)]
pub enum Severity {
    /// The input cannot be used as it is.
    #[default]
    Error,
    /// Worth a reader's attention; the work was done (a pack used outside its dates, a lint).
    Warning,
}

/// One located problem in an input: a filing, a CSV row or a rule pack.
#[derive(Clone, Debug, PartialEq, Eq)]
#[warn(missing_docs)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The input's display name (a path, `<stdin>`, a request's name).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// Full dotted path of the field (`budget.wage_totl`, `indicator.2.weight`).
    pub field: Option<String>,
    /// What is wrong, in both languages.
    pub message: Text,
    /// In a workbook, the sheet and cell (`预算!C7`); `line` and `column` are then its row and
    /// column numbers.
    pub cell: Option<String>,
}

#[warn(missing_docs)]
impl Diagnostic {
    /// An error at `pos` in `file`, about `field`.
    pub fn new(file: &str, pos: Option<Pos>, field: Option<&str>, message: Text) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            field: field.map(str::to_string),
            message,
            cell: None,
        }
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    /// `file:line:column: field: message`, as compilers print it.
    pub fn render(&self, lang: Lang) -> String {
        let mut s = self.file.clone();
        if let Some(cell) = &self.cell {
            s.push_str(&format!(":{cell}"));
        } else if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(":{c}"));
            }
        }
        s.push_str(": ");
        if let Some(f) = self.field.as_deref().filter(|f| !f.is_empty()) {
            s.push_str(&format!("{f}: "));
        }
        s.push_str(self.message.get(lang));
        s
    }
}

/// "expected X, found Y" in both languages.
pub fn expected_found(expected: &Text, found: &str) -> Text {
    Text::owned(
        format!("应为{}，实为 {found}", expected.zh),
        format!("expected {}, found {found}", expected.en),
    )
}

/// Jaro-Winkler similarity above which a candidate is offered as "did you mean" (not policy).
const SUGGESTION_SIMILARITY: f64 = 0.80;

/// The closest candidate to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= SUGGESTION_SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_across_checkpoints() {
        // Multi-byte characters straddling the 64-byte checkpoints, on one long line.
        let text = format!("{}\n{}x", "a".repeat(10), "中".repeat(100));
        let idx = LineIndex::new(&text);
        let x = text.len() - 1;
        assert_eq!(
            idx.pos(x),
            Pos {
                line: 2,
                column: 101
            }
        );
        for k in 0..100 {
            assert_eq!(idx.pos(11 + 3 * k).column, k + 1);
        }
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1 });
    }

    #[test]
    fn render_has_position_and_field() {
        let d = Diagnostic::new(
            "a.toml",
            Some(Pos { line: 3, column: 7 }),
            Some("budget.wage_totl"),
            Text::new("未知字段", "unknown field"),
        );
        assert_eq!(
            d.render(Lang::En),
            "a.toml:3:7: budget.wage_totl: unknown field"
        );
        assert_eq!(d.render(Lang::Zh), "a.toml:3:7: budget.wage_totl: 未知字段");
    }

    #[test]
    fn line_index_counts_characters() {
        let idx = LineIndex::new("ab\n中文x\n");
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(idx.pos(3), Pos { line: 2, column: 1 });
        // '中' and '文' are 3 bytes each: byte 9 is 'x', the third character.
        assert_eq!(idx.pos(9), Pos { line: 2, column: 3 });
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("wage_totl", ["wage_total", "year"]),
            Some("wage_total")
        );
        assert_eq!(did_you_mean("zzz", ["wage_total", "year"]), None);
    }
}
