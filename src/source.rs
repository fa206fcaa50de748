//! Input documents (TOML, JSON, CSV rows) turned into one positioned tree, [`Node`].
//!
//! Every value keeps where it was written (line and column) and, for numbers, the exact text
//! written, so that later stages can report errors precisely and keep decimals exact.

use crate::diag::{Diagnostic, Text};

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
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1, // starts[0] == 0 <= offset, so i >= 1
        };
        let start = self.starts[line];
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start)
            + 1;
        Pos {
            line: line + 1,
            column,
        }
    }
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

fn too_large(file: &str, len: usize) -> Diagnostic {
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

/// Parses a TOML document into a [`Node`] tree.
pub fn parse_toml(file: &str, text: &str) -> Result<Node, Diagnostic> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(file, text.len()));
    }
    let index = LineIndex::new(text);
    let root = toml::de::DeTable::parse(text).map_err(|e| {
        let pos = e.span().map(|s| index.pos(s.start));
        let msg = e.message().trim().to_string();
        let field = e.span().and_then(|s| field_at(text, s.start));
        Diagnostic::new(
            file,
            pos,
            field.as_deref(),
            Text::owned(
                match toml_error_zh(&msg) {
                    Some(zh) => format!("TOML 语法错误：{zh}（{msg}）"),
                    None => format!("TOML 语法错误：{msg}"),
                },
                format!("TOML syntax error: {msg}"),
            ),
        )
    })?;
    let pos = index.pos(root.span().start);
    Ok(Node {
        pos,
        kind: Kind::Table(toml_table(root.get_ref(), &index)),
    })
}

/// The dotted field a TOML syntax error sits in, when the line reads `key = value` (an
/// impossible date such as `2025-02-30` is a syntax error to the TOML parser): the key, under
/// the nearest `[table]` header above it. A best effort for the message; `None` otherwise.
fn field_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = before.get(line_start..)?.split_once('=')?;
    let key = key.trim().trim_matches('"');
    let is_key = |k: &str| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    };
    if !is_key(key) {
        return None;
    }
    let table = before[..line_start].lines().rev().find_map(|l| {
        let l = l.trim();
        let inner = l.strip_prefix("[[").and_then(|r| r.strip_suffix("]]"));
        let inner = inner.or_else(|| l.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
        inner.map(str::trim).filter(|t| is_key(t))
    });
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

fn toml_table(table: &toml::de::DeTable<'_>, index: &LineIndex<'_>) -> Vec<Entry> {
    table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            pos: index.pos(k.span().start),
            value: toml_value(v, index),
        })
        .collect()
}

fn toml_value(v: &toml::Spanned<toml::de::DeValue<'_>>, index: &LineIndex<'_>) -> Node {
    use toml::de::DeValue;
    let pos = index.pos(v.span().start);
    let kind = match v.get_ref() {
        DeValue::String(s) => Kind::Str(s.to_string()),
        DeValue::Integer(i) => {
            let prefix = match i.radix() {
                2 => "0b",
                8 => "0o",
                16 => "0x",
                _ => "",
            };
            Kind::Number(format!("{prefix}{}", i.as_str()))
        }
        DeValue::Float(f) => Kind::Number(f.as_str().to_string()),
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(d) => Kind::Date(d.to_string()),
        DeValue::Array(a) => Kind::Array(a.iter().map(|x| toml_value(x, index)).collect()),
        DeValue::Table(t) => Kind::Table(toml_table(t, index)),
    };
    Node { pos, kind }
}

/// Parses a strict JSON document into a [`Node`] tree.
pub fn parse_json(file: &str, text: &str) -> Result<Node, Diagnostic> {
    use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(file, text.len()));
    }
    let index = LineIndex::new(text);
    let opts = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &opts).map_err(|e| {
        let msg = e.kind().to_string();
        Diagnostic::new(
            file,
            Some(index.pos(e.range().start)),
            None,
            Text::owned(
                format!("JSON 语法错误：{}", json_error_zh(e.kind()).unwrap_or(&msg)),
                format!("JSON syntax error: {msg}"),
            ),
        )
    })?;
    match parsed.value {
        Some(v) => Ok(json_value(&v, &index)),
        None => Err(Diagnostic::new(
            file,
            Some(Pos { line: 1, column: 1 }),
            None,
            Text::new("JSON 文件为空", "the JSON file is empty"),
        )),
    }
}

/// The JSON parser's messages in Chinese (its own are English only).
fn json_error_zh(kind: &jsonc_parser::errors::ParseErrorKind) -> Option<&'static str> {
    use jsonc_parser::errors::ParseErrorKind as K;
    Some(match kind {
        K::BareDecimalPointNumbersNotAllowed => "数字不能以小数点开头或结尾",
        K::CommentsNotAllowed => "不允许注释",
        K::ExpectedColonAfterObjectKey => "对象的键后应为冒号",
        K::ExpectedObjectValue => "应为对象的值",
        K::ExpectedDigit => "应为数字",
        K::ExpectedDigitFollowingNegativeSign => "负号后应为数字",
        K::ExpectedPlusMinusOrDigitInNumberLiteral => "数字的指数部分应为 +、- 或数字",
        K::ExpectedStringObjectProperty => "对象的键应为字符串",
        K::HexadecimalNumbersNotAllowed => "不允许十六进制数字",
        K::ExpectedComma => "应为逗号",
        K::MultipleRootJsonValues => "文件中有多个顶层值",
        K::NonFiniteNumbersNotAllowed => "不允许 NaN 或无穷大",
        K::SingleQuotedStringsNotAllowed => "不允许单引号字符串",
        K::String(_) => "字符串有误（未结束或转义不正确）",
        K::TrailingCommasNotAllowed => "不允许末尾多余的逗号",
        K::UnaryPlusNumbersNotAllowed => "数字前不允许加号",
        K::UnexpectedCloseBrace => "多余的右花括号 }",
        K::UnexpectedCloseBracket => "多余的右方括号 ]",
        K::UnexpectedColon => "多余的冒号",
        K::UnexpectedComma => "多余的逗号",
        K::UnexpectedToken | K::UnexpectedTokenInObject | K::UnexpectedWord => "无法识别的内容",
        K::UnterminatedArray => "数组未结束（缺少 ]）",
        K::UnterminatedCommentBlock => "注释未结束",
        K::UnterminatedObject => "对象未结束（缺少 }）",
        K::NestingDepthExceeded => "嵌套层数超过上限（512 层）",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// The TOML parser's most common messages in Chinese; others are shown as the parser wrote them.
fn toml_error_zh(msg: &str) -> Option<&'static str> {
    const KNOWN: &[(&str, &str)] = &[
        ("duplicate key", "键重复"),
        ("cannot recurse further", "嵌套层数超过上限"),
        ("string values must be quoted", "字符串值必须加引号"),
        ("invalid basic string", "字符串未正确结束（缺少 \")"),
        ("invalid literal string", "字符串未正确结束（缺少 '）"),
        ("invalid date", "日期无效"),
        ("invalid time", "时间无效"),
        ("expected newline", "值后应换行"),
        ("invalid table header", "表头无效"),
        ("unclosed array", "数组未结束（缺少 ]）"),
        ("unclosed inline table", "内联表未结束（缺少 }）"),
        ("invalid unquoted key", "键无效"),
        ("key with no value", "键缺少值"),
        ("missing value", "缺少值"),
        ("invalid number", "数字无效"),
        ("invalid integer", "整数无效"),
        ("invalid float", "浮点数无效"),
    ];
    KNOWN
        .iter()
        .find(|(en, _)| msg.starts_with(en))
        .map(|(_, zh)| *zh)
}

fn json_value(v: &jsonc_parser::ast::Value<'_>, index: &LineIndex<'_>) -> Node {
    use jsonc_parser::ast::Value;
    let (start, kind) = match v {
        Value::StringLit(s) => (s.range.start, Kind::Str(s.value.to_string())),
        Value::NumberLit(n) => (n.range.start, Kind::Number(n.value.to_string())),
        Value::BooleanLit(b) => (b.range.start, Kind::Bool(b.value)),
        Value::NullKeyword(n) => (n.range.start, Kind::Null),
        Value::Array(a) => (
            a.range.start,
            Kind::Array(a.elements.iter().map(|x| json_value(x, index)).collect()),
        ),
        Value::Object(o) => (
            o.range.start,
            Kind::Table(
                o.properties
                    .iter()
                    .map(|p| Entry {
                        key: p.name.clone().into_string(),
                        pos: index.pos(p.range.start),
                        value: json_value(&p.value, index),
                    })
                    .collect(),
            ),
        ),
    };
    Node {
        pos: index.pos(start),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters() {
        let idx = LineIndex::new("ab\n中文x\n");
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(idx.pos(3), Pos { line: 2, column: 1 });
        // '中' and '文' are 3 bytes each: byte 9 is 'x', the third character.
        assert_eq!(idx.pos(9), Pos { line: 2, column: 3 });
    }

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
}
