//! TOML documents into positioned trees.

use super::{Entry, Kind, MAX_DOCUMENT_BYTES, Node, too_large};
use crate::diag::{Diagnostic, LineIndex, Text};

/// Parses a TOML document into a [`Node`] tree.
pub fn parse_toml(file: &str, text: &str) -> Result<Node, Diagnostic> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(file, text.len()));
    }
    super::check_values(file, text)?;
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
    // A table header (`[budget]` defined twice, or after `budget.x = …`): the table.
    let line = text.get(line_start..)?.lines().next().unwrap_or("").trim();
    if line.starts_with('[') {
        let inner = line.trim_start_matches('[');
        let inner = inner
            .split(']')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        return (!inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .then(|| inner.to_string());
    }
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
