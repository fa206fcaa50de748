//! Strict JSON documents into positioned trees.

use super::{Entry, Kind, MAX_DOCUMENT_BYTES, Node, too_large};
use crate::diag::{Diagnostic, LineIndex, Pos, Text};

/// Parses a strict JSON document into a [`Node`] tree.
pub fn parse_json(file: &str, text: &str) -> Result<Node, Diagnostic> {
    use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large(file, text.len()));
    }
    super::check_values(file, text)?;
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
