//! Filings: what an enterprise submits (spec/filing.md), read from TOML, JSON or a CSV row.
//!
//! Reading has two steps: the document becomes a positioned [`Node`] tree (`crate::input`), then
//! [`decode`] checks it against the schema (`schema.rs`) and produces a [`Filing`]: every field
//! exact, every default applied, every absent field without a default left unknown.

pub mod columns;
pub mod credit_code;
pub mod form;
pub mod json_schema;
pub mod read;
pub mod schema;

use std::collections::HashMap;

/// The maps a decode fills for every filing (positions, keys seen): foldhash instead of SipHash,
/// still seeded per process, so a hostile input cannot choose colliding keys.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use rust_decimal::Decimal;

use crate::diag::Pos;
use crate::diag::{Diagnostic, Text, did_you_mean, expected_found};
use crate::input::{Entry, Kind, Node};
use crate::num::{NumError, parse_decimal, parse_number_or_percent};
pub use read::{parse_str, read_file};
use schema::{FieldSpec, FieldType};

/// One field's value. `Absent` is unknown (no default applies).
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Absent,
    Num(Decimal),
    Bool(bool),
    Str(String),
    Date(chrono::NaiveDate),
    StrList(Vec<String>),
    NumList(Vec<Decimal>),
}

impl FieldValue {
    pub fn num(&self) -> Option<Decimal> {
        match self {
            FieldValue::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match self {
            FieldValue::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_present(&self) -> bool {
        !matches!(self, FieldValue::Absent)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilingKind {
    Budget,
    AnnualReturn,
}

/// A decoded filing. Scalar fields are indexed like [`schema::FIELDS`]; indicators and
/// adjustments like [`schema::INDICATOR_FIELDS`] and [`schema::ADJUSTMENT_FIELDS`].
#[derive(Clone, Debug)]
#[warn(missing_docs)]
pub struct Filing {
    /// The input's display name (a path, `<stdin>`).
    pub source: String,
    /// Scalar fields, indexed like [`schema::FIELDS`].
    pub fields: Vec<FieldValue>,
    /// Linkage indicators, each indexed like [`schema::INDICATOR_FIELDS`].
    pub indicators: Vec<Vec<FieldValue>>,
    /// Adjustments, each indexed like [`schema::ADJUSTMENT_FIELDS`].
    pub adjustments: Vec<Vec<FieldValue>>,
    /// Where each field was written, by full dotted path (`indicator.2.weight`).
    pub positions: FastMap<String, Pos>,
}

#[warn(missing_docs)]
impl Filing {
    /// The value of a scalar field by dotted path (`budget.year`); `Absent` when unknown.
    pub fn get(&self, path: &str) -> &FieldValue {
        match schema::field_index(path) {
            Some(i) => &self.fields[i],
            None => &FieldValue::Absent,
        }
    }
    /// Budget or annual return.
    pub fn kind(&self) -> FilingKind {
        match self.get("kind").str() {
            Some("annual_return") => FilingKind::AnnualReturn,
            _ => FilingKind::Budget,
        }
    }
    /// The enterprise's name (empty when absent).
    pub fn name(&self) -> &str {
        self.get("enterprise.name").str().unwrap_or("")
    }
    /// The budget year (0 when absent).
    pub fn year(&self) -> i32 {
        use rust_decimal::prelude::ToPrimitive;
        self.get("budget.year")
            .num()
            .filter(|d| d.fract().is_zero())
            .and_then(|d| d.to_i32())
            .unwrap_or(0)
    }
    /// Where a field was written, by full dotted path.
    pub fn pos(&self, path: &str) -> Option<Pos> {
        self.positions.get(path).copied()
    }
}

struct Decoder<'a> {
    file: &'a str,
    errors: Vec<Diagnostic>,
    positions: FastMap<String, Pos>,
}

impl Decoder<'_> {
    fn err(&mut self, pos: Pos, field: &str, message: Text) {
        self.errors
            .push(Diagnostic::new(self.file, Some(pos), Some(field), message));
    }

    /// True (after reporting it) when `entry`'s key was already seen in the same table: a JSON
    /// object or a CSV header may name a field twice, and neither value may win silently.
    fn duplicate<'e>(
        &mut self,
        seen: &mut FastMap<&'e str, Pos>,
        entry: &'e Entry,
        path: &str,
    ) -> bool {
        let Some(first) = seen.get(entry.key.as_str()).copied() else {
            seen.insert(&entry.key, entry.pos);
            return false;
        };
        let (l, c) = (first.line, first.column);
        self.err(
            entry.pos,
            path,
            Text::owned(
                format!("字段重复（已在第 {l} 行第 {c} 列填写）"),
                format!("duplicate field (already given at line {l}, column {c})"),
            ),
        );
        true
    }

    fn unknown_field(&mut self, entry: &Entry, path: &str, known: &[&str]) {
        let hint = did_you_mean(&entry.key, known.iter().copied());
        let (zh, en) = match hint {
            Some(h) => (
                format!("；是否指 `{h}`？"),
                format!("; did you mean `{h}`?"),
            ),
            None => (String::new(), String::new()),
        };
        self.err(
            entry.pos,
            path,
            Text::owned(format!("未知字段{zh}"), format!("unknown field{en}")),
        );
    }
}

/// Checks a document tree against the schema and produces a filing, or every error found.
pub fn decode(file: &str, root: &Node) -> Result<Filing, Vec<Diagnostic>> {
    let mut d = Decoder {
        file,
        errors: Vec::new(),
        positions: FastMap::default(),
    };
    let mut fields = vec![FieldValue::Absent; schema::FIELDS.len()];
    let mut indicators = Vec::new();
    let mut adjustments = Vec::new();
    let mut seen_tables: Vec<&str> = Vec::new();

    let Kind::Table(entries) = &root.kind else {
        d.err(
            root.pos,
            "",
            expected_found(
                &Text::new("一个表（对象）", "a table (object)"),
                &root.found(),
            ),
        );
        return Err(d.errors);
    };

    let top_known: Vec<&str> = ["schema", "kind"]
        .into_iter()
        .chain(schema::TABLES.iter().copied())
        .chain(schema::ARRAYS.iter().map(|(n, _)| *n))
        .collect();

    let mut seen = FastMap::default();
    for entry in entries {
        let key = entry.key.as_str();
        if d.duplicate(&mut seen, entry, key) {
            continue;
        }
        // A key is one name, never a path: a quoted TOML key or a JSON key
        // `"budget.wage_total"` is not the field `wage_total` of `[budget]` (one field, one
        // value: it would sit beside the table's own, and one of them would win unseen).
        if let Some(i) = schema::field_index(key).filter(|_| !key.contains('.')) {
            decode_into(
                &mut d,
                &schema::FIELDS[i],
                key,
                &entry.value,
                &mut fields[i],
            );
        } else if let Some(table) = schema::TABLES.iter().find(|t| **t == key) {
            seen_tables.push(table);
            decode_table(&mut d, table, &entry.value, &mut fields);
        } else if let Some((name, specs)) = schema::ARRAYS.iter().find(|(n, _)| *n == key) {
            let out = if *name == "indicator" {
                &mut indicators
            } else {
                &mut adjustments
            };
            decode_array(&mut d, name, specs, &entry.value, out);
        } else {
            match key.split_once('.') {
                Some((table, field)) if schema::field_index(key).is_some() => d.err(
                    entry.pos,
                    key,
                    Text::owned(
                        format!(
                            "未知字段：键 \"{key}\" 是一个名字，不是路径；请在 [{table}] 中写 {field}"
                        ),
                        format!(
                            "unknown field: the key \"{key}\" is one name, not a path; write {field} under [{table}]"
                        ),
                    ),
                ),
                _ => d.unknown_field(entry, key, &top_known),
            }
        }
    }

    apply_defaults(&mut d, root.pos, &mut fields, &mut indicators, &seen_tables);
    check_adjustment_signs(&mut d, &adjustments);
    if let Some(code) = fields[schema::field_index("enterprise.credit_code").unwrap_or(0)].str()
        && let Err(e) = credit_code::verify(code)
    {
        let pos = d
            .positions
            .get("enterprise.credit_code")
            .copied()
            .unwrap_or(root.pos);
        d.err(
            pos,
            "enterprise.credit_code",
            Text::owned(e.message(true), e.message(false)),
        );
    }

    if d.errors.is_empty() {
        Ok(Filing {
            source: file.to_string(),
            fields,
            indicators,
            adjustments,
            positions: d.positions,
        })
    } else {
        d.errors.sort_by_key(|e| (e.line, e.column));
        Err(d.errors)
    }
}

/// filing.md: amounts are never negative except a divestiture's adjustment, which is.
fn check_adjustment_signs(d: &mut Decoder<'_>, adjustments: &[Vec<FieldValue>]) {
    for (i, adj) in adjustments.iter().enumerate() {
        let (Some(kind), Some(amount)) = (adj[0].str(), adj[1].num()) else {
            continue;
        };
        let wrong = match kind {
            "divestiture" => amount > Decimal::ZERO,
            "merger" | "new_entity" => amount < Decimal::ZERO,
            _ => false,
        };
        if wrong {
            let path = format!("adjustment.{}.amount", i + 1);
            let pos = d.positions.get(&path).copied().unwrap_or_default();
            let (zh, en) = if kind == "divestiture" {
                (
                    "分立或划出（divestiture）的调整金额应为负数",
                    "a divestiture's amount must be negative",
                )
            } else {
                (
                    "兼并重组或新设（merger、new_entity）的调整金额不能为负数",
                    "a merger's or new entity's amount may not be negative",
                )
            };
            d.err(
                pos,
                &path,
                Text::owned(
                    format!("{zh}，实为 {amount}"),
                    format!("{en}, found {amount}"),
                ),
            );
        }
    }
}

fn decode_table(d: &mut Decoder<'_>, table: &str, node: &Node, fields: &mut [FieldValue]) {
    d.positions.insert(table.to_string(), node.pos);
    let Kind::Table(entries) = &node.kind else {
        d.err(
            node.pos,
            table,
            expected_found(&Text::new("一个表", "a table"), &node.found()),
        );
        return;
    };
    // The table's field names, for a did-you-mean: listed only when a key is unknown.
    let known = || -> Vec<&str> {
        schema::FIELDS
            .iter()
            .filter_map(|f| f.path.strip_prefix(table)?.strip_prefix('.'))
            .collect()
    };
    let mut seen = FastMap::default();
    for entry in entries {
        let path = dotted(table, &entry.key);
        if d.duplicate(&mut seen, entry, &path) {
            continue;
        }
        match schema::field_index(&path) {
            Some(i) => decode_into(d, &schema::FIELDS[i], path, &entry.value, &mut fields[i]),
            None => d.unknown_field(entry, &path, &known()),
        }
    }
}

/// `table.key`, built directly (the decoder makes one for every field of every filing).
fn dotted(table: &str, key: &str) -> String {
    let mut s = String::with_capacity(table.len() + 1 + key.len());
    s.push_str(table);
    s.push('.');
    s.push_str(key);
    s
}

fn decode_array(
    d: &mut Decoder<'_>,
    name: &str,
    specs: &[FieldSpec],
    node: &Node,
    out: &mut Vec<Vec<FieldValue>>,
) {
    let items: Vec<&Node> = match &node.kind {
        Kind::Array(items) => items.iter().collect(),
        // A CSV builds `indicator.1…` as a table keyed by number.
        Kind::Table(entries) => {
            let mut numbered: Vec<(usize, &Entry)> = Vec::new();
            for e in entries {
                match e.key.parse::<usize>() {
                    Ok(n) if n >= 1 => numbered.push((n, e)),
                    _ => d.err(
                        e.pos,
                        &format!("{name}.{}", e.key),
                        expected_found(
                            &Text::owned(
                                format!("[[{name}]] 表数组（CSV 中为从 1 开始编号的列 {name}.1.…）"),
                                format!(
                                    "an array of [[{name}]] tables (in a CSV, columns numbered from 1: {name}.1.…)"
                                ),
                            ),
                            &e.key,
                        ),
                    ),
                }
            }
            numbered.sort_by_key(|(n, _)| *n);
            for (i, (n, e)) in numbered.iter().enumerate() {
                if *n != i + 1 {
                    d.err(
                        e.pos,
                        &format!("{name}.{n}"),
                        Text::owned(
                            format!("序号不连续：缺少 {name}.{}", i + 1),
                            format!("numbering has a gap: {name}.{} is missing", i + 1),
                        ),
                    );
                    return;
                }
            }
            numbered.into_iter().map(|(_, e)| &e.value).collect()
        }
        _ => {
            d.err(
                node.pos,
                name,
                expected_found(&Text::new("表数组", "an array of tables"), &node.found()),
            );
            return;
        }
    };
    if items.len() > schema::MAX_ARRAY_ITEMS {
        d.err(
            node.pos,
            name,
            Text::owned(
                format!(
                    "条目过多：{} 条，上限 {}",
                    items.len(),
                    schema::MAX_ARRAY_ITEMS
                ),
                format!(
                    "too many entries: {}, the limit is {}",
                    items.len(),
                    schema::MAX_ARRAY_ITEMS
                ),
            ),
        );
        return;
    }
    let known = || -> Vec<&str> { specs.iter().map(|s| s.path).collect() };
    for (i, item) in items.into_iter().enumerate() {
        let prefix = format!("{name}.{}", i + 1);
        let mut values = vec![FieldValue::Absent; specs.len()];
        let Kind::Table(entries) = &item.kind else {
            d.err(
                item.pos,
                &prefix,
                expected_found(&Text::new("一个表", "a table"), &item.found()),
            );
            continue;
        };
        d.positions.insert(prefix.clone(), item.pos);
        let mut seen = FastMap::default();
        for entry in entries {
            let path = dotted(&prefix, &entry.key);
            if d.duplicate(&mut seen, entry, &path) {
                continue;
            }
            match specs.iter().position(|s| s.path == entry.key) {
                Some(j) => decode_into(d, &specs[j], path, &entry.value, &mut values[j]),
                None => d.unknown_field(entry, &path, &known()),
            }
        }
        for (j, spec) in specs.iter().enumerate() {
            if spec.required && !values[j].is_present() {
                let pos = item.pos;
                d.err(
                    pos,
                    &format!("{prefix}.{}", spec.path),
                    Text::new("缺少必填字段", "missing required field"),
                );
            }
        }
        out.push(values);
    }
}

fn apply_defaults(
    d: &mut Decoder<'_>,
    root: Pos,
    fields: &mut [FieldValue],
    indicators: &mut [Vec<FieldValue>],
    seen_tables: &[&str],
) {
    let category = schema::field_index("enterprise.category")
        .and_then(|i| fields[i].str().map(str::to_string));
    for (i, spec) in schema::FIELDS.iter().enumerate() {
        if fields[i].is_present() {
            continue;
        }
        fields[i] = match spec.default {
            schema::FieldDefault::None => FieldValue::Absent,
            schema::FieldDefault::Bool(b) => FieldValue::Bool(b),
            schema::FieldDefault::Whole(n) => FieldValue::Num(Decimal::from(n)),
            schema::FieldDefault::EmptyList => match spec.ty {
                FieldType::YearList => FieldValue::NumList(Vec::new()),
                _ => FieldValue::StrList(Vec::new()),
            },
            schema::FieldDefault::FullyCompetitiveByCategory => match &category {
                Some(c) => FieldValue::Bool(c == "competitive"),
                None => FieldValue::Absent,
            },
        };
        // A field written but rejected already has its error; it is not also "missing".
        if spec.required && !fields[i].is_present() && !d.positions.contains_key(spec.path) {
            let table = spec.path.split_once('.').map(|(t, _)| t);
            let pos = table
                .and_then(|t| d.positions.get(t).copied())
                .unwrap_or(root);
            d.err(
                pos,
                spec.path,
                Text::new("缺少必填字段", "missing required field"),
            );
        }
    }
    let is_return =
        schema::field_index("kind").and_then(|i| fields[i].str()) == Some("annual_return");
    if is_return && !seen_tables.contains(&"execution") {
        d.err(
            root,
            "execution",
            Text::new(
                "年度执行情况申报（annual_return）必须包含 [execution]",
                "an annual return (kind = \"annual_return\") needs an [execution] table",
            ),
        );
    }
    // A single indicator may omit its weight, which is then 1 (filing.md "Defaults").
    if indicators.len() == 1 && !indicators[0][1].is_present() {
        indicators[0][1] = FieldValue::Num(Decimal::ONE);
    }
}

fn num_text(node: &Node) -> Option<&str> {
    match &node.kind {
        Kind::Number(s) | Kind::Str(s) | Kind::Cell(s) => Some(s.as_str()),
        _ => None,
    }
}

pub(crate) fn expected_text(ty: FieldType) -> Text {
    match ty {
        FieldType::Text => Text::new("字符串", "a string"),
        FieldType::Enum(opts) => Text::owned(
            format!("以下之一：{}", opts.join(" | ")),
            format!("one of {}", opts.join(" | ")),
        ),
        FieldType::Bool => Text::new("true 或 false", "true or false"),
        FieldType::Ratio => Text::new(
            "数字、小数字符串或百分数字符串（如 \"7%\"）",
            "a number, a decimal string or a percent string such as \"7%\"",
        ),
        FieldType::Amount => Text::new("不小于 0 的金额（元）", "an amount in yuan, not negative"),
        FieldType::SignedAmount => Text::new("金额（元）", "an amount in yuan"),
        FieldType::Headcount => Text::new("大于 0 的人数", "a headcount greater than 0"),
        FieldType::Year => Text::new(
            "年份（整数，1949–2999）",
            "a year (a whole number, 1949–2999)",
        ),
        FieldType::PositiveWhole => Text::new("正整数", "a whole number ≥ 1"),
        FieldType::Whole => Text::new("非负整数", "a whole number ≥ 0"),
        FieldType::Date => Text::new("日期（如 2025-07-20）", "a date such as 2025-07-20"),
        FieldType::EnumList(opts) if !opts.is_empty() => Text::owned(
            format!("字符串数组，元素取自：{}", opts.join(" | ")),
            format!("an array of strings from {}", opts.join(" | ")),
        ),
        FieldType::EnumList(_) => Text::new("字符串数组", "an array of strings"),
        FieldType::YearList => {
            Text::new("年份数组（如 [2022]）", "an array of years such as [2022]")
        }
    }
}

/// Decodes one field into `out`, recording where it was written. `path` may be given owned
/// (a path built for the field), so that it becomes the position's key without a copy.
fn decode_into(
    d: &mut Decoder<'_>,
    spec: &FieldSpec,
    path: impl AsRef<str> + Into<String>,
    node: &Node,
    out: &mut FieldValue,
) {
    if let Err(msg) = decode_field(spec, node, out) {
        d.err(node.pos, path.as_ref(), msg);
    }
    d.positions.insert(path.into(), node.pos);
}

fn decode_field(spec: &FieldSpec, node: &Node, out: &mut FieldValue) -> Result<(), Text> {
    // An empty string for an optional choice means "none" (filing.md writes
    // `period_reason = ""` for a one-year budget).
    if let (FieldType::Enum(_), false, Kind::Str(v) | Kind::Cell(v)) =
        (spec.ty, spec.required, &node.kind)
        && v.trim().is_empty()
    {
        *out = FieldValue::Absent;
        return Ok(());
    }
    match decode_value(spec.ty, node) {
        Ok(v) => {
            *out = v;
            Ok(())
        }
        Err(extra) => {
            let mut msg = expected_found(&expected_text(spec.ty), &node.found());
            if let Some(extra) = extra {
                msg = msg.join(&extra, "；", "; ");
            }
            Err(msg)
        }
    }
}

/// Decodes one value; the error carries an optional extra explanation.
fn decode_value(ty: FieldType, node: &Node) -> Result<FieldValue, Option<Text>> {
    match ty {
        FieldType::Text => match &node.kind {
            Kind::Str(s) | Kind::Cell(s) if !s.trim().is_empty() => Ok(FieldValue::Str(s.clone())),
            Kind::Str(_) | Kind::Cell(_) => {
                Err(Some(Text::new("不能为空", "it must not be empty")))
            }
            _ => Err(None),
        },
        FieldType::Enum(opts) => match &node.kind {
            Kind::Str(s) | Kind::Cell(s) => {
                if opts.contains(&s.as_str()) {
                    Ok(FieldValue::Str(s.clone()))
                } else if let Some(v) = schema::value_by_label(s, opts) {
                    // The option's label as people write it: `竞争类` for `competitive`.
                    Ok(FieldValue::Str(v.to_string()))
                } else {
                    Err(did_you_mean(s, opts.iter().copied()).map(|h| {
                        Text::owned(
                            format!("是否指 \"{h}\"？"),
                            format!("did you mean \"{h}\"?"),
                        )
                    }))
                }
            }
            _ => Err(None),
        },
        FieldType::Bool => match &node.kind {
            Kind::Bool(b) => Ok(FieldValue::Bool(*b)),
            Kind::Cell(s) if s.eq_ignore_ascii_case("true") => Ok(FieldValue::Bool(true)),
            Kind::Cell(s) if s.eq_ignore_ascii_case("false") => Ok(FieldValue::Bool(false)),
            // A spreadsheet's yes/no as Chinese forms write it.
            Kind::Cell(s) if matches!(s.trim(), "是" | "否") => {
                Ok(FieldValue::Bool(s.trim() == "是"))
            }
            _ => Err(None),
        },
        FieldType::Ratio
        | FieldType::Amount
        | FieldType::SignedAmount
        | FieldType::Headcount
        | FieldType::Year
        | FieldType::PositiveWhole
        | FieldType::Whole => {
            let written = num_text(node).ok_or(None)?;
            // Text as people write it (a cell, a string): `38,500,000`, full-width digits,
            // `3850万元`; a TOML or JSON number is taken as written (crate::numform).
            let loose = match &node.kind {
                Kind::Number(_) => None,
                _ => crate::numform::loosen(written),
            };
            let text = loose.as_ref().map_or(written, |l| l.text.as_str());
            let wan = loose.as_ref().is_some_and(|l| l.ten_thousand);
            if wan
                && !matches!(
                    ty,
                    FieldType::Amount | FieldType::SignedAmount | FieldType::Ratio
                )
            {
                return Err(Some(Text::new(
                    "该字段不是金额，不能以万元为单位",
                    "this field is not an amount: 万元 does not apply",
                )));
            }
            let parsed = if ty == FieldType::Ratio {
                parse_number_or_percent(text)
            } else {
                parse_decimal(text)
            };
            let parsed = parsed.and_then(|v| {
                if wan {
                    // × 10,000 is exact unless the 28 digits overflow; the scale the
                    // multiplication leaves (`1690.6万` → 16906000.0) is no digit written.
                    v.checked_mul(Decimal::from(10_000))
                        .map(|x| x.normalize())
                        .ok_or(NumError::OutOfRange)
                } else {
                    Ok(v)
                }
            });
            let v = parsed.map_err(|e| match e {
                NumError::OutOfRange => Some(Text::new(
                    "数值超出可精确表示的范围（最多 28 位有效数字），不作舍入",
                    "the value has more digits or magnitude than can be kept exactly (28 significant digits); it is not rounded",
                )),
                NumError::NotANumber => crate::numform::hint(written),
            })?;
            check_range(ty, v)?;
            Ok(FieldValue::Num(whole_value(ty, v)))
        }
        FieldType::Date => {
            let text = match &node.kind {
                Kind::Date(s) | Kind::Str(s) | Kind::Cell(s) => s.as_str(),
                _ => return Err(None),
            };
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(FieldValue::Date)
                .map_err(|_| {
                    Some(Text::new(
                        "不是有效的日期（只写日期，不带时间）",
                        "not a valid calendar date (a date only, no time)",
                    ))
                })
        }
        FieldType::EnumList(opts) => {
            let items = list_items(node).ok_or(None)?;
            check_list_len(items.len())?;
            let mut out = Vec::new();
            for item in items {
                match item {
                    ListItem::Text(s) if !s.is_empty() => {
                        let s = match schema::value_by_label(&s, opts) {
                            Some(v) if !opts.contains(&s.as_str()) => v.to_string(),
                            _ => s,
                        };
                        if !opts.is_empty() && !opts.contains(&s.as_str()) {
                            return Err(Some(Text::owned(
                                format!("\"{s}\" 不在允许的取值中"),
                                format!("\"{s}\" is not one of the allowed values"),
                            )));
                        }
                        out.push(s)
                    }
                    _ => return Err(None),
                }
            }
            Ok(FieldValue::StrList(out))
        }
        FieldType::YearList => {
            let items = list_items(node).ok_or(None)?;
            check_list_len(items.len())?;
            let mut out = Vec::new();
            for item in items {
                let text = match &item {
                    ListItem::Number(s) | ListItem::Text(s) => s,
                };
                let v = parse_decimal(text).map_err(|_| None)?;
                check_range(FieldType::Year, v)?;
                out.push(whole_value(FieldType::Year, v));
            }
            Ok(FieldValue::NumList(out))
        }
    }
}

enum ListItem {
    Number(String),
    Text(String),
}

fn list_items(node: &Node) -> Option<Vec<ListItem>> {
    match &node.kind {
        Kind::Array(items) => items
            .iter()
            .map(|i| match &i.kind {
                Kind::Str(s) => Some(ListItem::Text(s.clone())),
                Kind::Number(s) => Some(ListItem::Number(s.clone())),
                _ => None,
            })
            .collect(),
        // A CSV cell: items separated by `;`.
        Kind::Cell(s) => Some(
            s.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| ListItem::Text(s.to_string()))
                .collect(),
        ),
        _ => None,
    }
}

/// A list field (years, factors, report contents) holds at most [`schema::MAX_ARRAY_ITEMS`]
/// items, as the arrays of tables do.
fn check_list_len(n: usize) -> Result<(), Option<Text>> {
    let max = schema::MAX_ARRAY_ITEMS;
    if n <= max {
        return Ok(());
    }
    Err(Some(Text::owned(
        format!("条目过多：{n} 条，上限 {max}"),
        format!("too many entries: {n}, the limit is {max}"),
    )))
}

/// A whole-number field holds the number, not the digits written: `2017.0`, `2.017e3` and
/// `"2017"` are all the year 2017 (checked whole by [`check_range`] first), and every later
/// stage (the pack chosen, the report) sees the same value.
fn whole_value(ty: FieldType, v: Decimal) -> Decimal {
    match ty {
        FieldType::Year | FieldType::PositiveWhole | FieldType::Whole => v.normalize(),
        _ => v,
    }
}

fn check_range(ty: FieldType, v: Decimal) -> Result<(), Option<Text>> {
    let whole = v.fract().is_zero();
    let ok = match ty {
        FieldType::Amount => !v.is_sign_negative() || v.is_zero(),
        FieldType::Headcount => v > Decimal::ZERO,
        FieldType::Year => whole && v >= Decimal::from(1949) && v <= Decimal::from(2999),
        FieldType::PositiveWhole => whole && v >= Decimal::ONE,
        FieldType::Whole => whole && !v.is_sign_negative(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Some(Text::new(
            "数值超出允许范围",
            "the value is out of range",
        )))
    }
}

#[cfg(test)]
mod tests;
