//! From a merged layer to a checked, compiled [`Pack`]. Every problem is collected, with the
//! file, line and column of the value at fault, so an author sees all of them in one run.

use chrono::NaiveDate;

use super::layer::{Items, Keyed, Layer, Src, unknown_key};
use super::names::{Names, SlotKind, Stage};
use super::*;
use crate::diag::{Diagnostic, Text, expected_found};
use crate::expr::{self, Compiled, Type, Value};
use crate::input::{Kind, Node, Pos};
use crate::num::parse_number_or_percent;

pub struct Ctx<'a> {
    pub errors: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, src: &Src, field: &str, msg: Text) {
        self.errors.push(Diagnostic::new(
            &src.file,
            Some(src.pos()),
            Some(field),
            msg,
        ));
    }
    fn err_at(&mut self, file: &str, pos: Pos, field: &str, msg: Text) {
        self.errors
            .push(Diagnostic::new(file, Some(pos), Some(field), msg));
    }

    fn string(&mut self, src: &Src, field: &str) -> Option<String> {
        match &src.node.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => {
                self.err(
                    src,
                    field,
                    expected_found(&Text::new("字符串", "a string"), &src.node.found()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, src: &Src, field: &str) -> Option<bool> {
        match &src.node.kind {
            Kind::Bool(b) => Some(*b),
            _ => {
                self.err(
                    src,
                    field,
                    expected_found(
                        &Text::new("true 或 false", "true or false"),
                        &src.node.found(),
                    ),
                );
                None
            }
        }
    }

    fn date(&mut self, src: &Src, field: &str) -> Option<NaiveDate> {
        let parsed = match &src.node.kind {
            Kind::Date(s) | Kind::Str(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.err(
                src,
                field,
                expected_found(
                    &Text::new("日期（如 2019-01-01）", "a date such as 2019-01-01"),
                    &src.node.found(),
                ),
            );
        }
        parsed
    }

    fn str_list(&mut self, src: &Src, field: &str) -> Option<Vec<String>> {
        let ok = match &src.node.kind {
            Kind::Array(items) => items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        if ok.is_none() {
            self.err(
                src,
                field,
                expected_found(
                    &Text::new("字符串数组", "an array of strings"),
                    &src.node.found(),
                ),
            );
        }
        ok
    }

    /// `{ zh = "…", en = "…" }`, both required.
    fn text(&mut self, src: &Src, field: &str) -> Option<Text> {
        let Kind::Table(entries) = &src.node.kind else {
            self.err(
                src,
                field,
                expected_found(
                    &Text::new("{ zh = \"…\", en = \"…\" }", "{ zh = \"…\", en = \"…\" }"),
                    &src.node.found(),
                ),
            );
            return None;
        };
        let get = |k: &str| {
            entries
                .iter()
                .find(|e| e.key == k)
                .and_then(|e| match &e.value.kind {
                    Kind::Str(s) if !s.trim().is_empty() => Some(s.clone()),
                    _ => None,
                })
        };
        for e in entries {
            if e.key != "zh" && e.key != "en" {
                self.errors.push(unknown_key(
                    &src.file,
                    e,
                    &format!("{field}."),
                    &["zh", "en"],
                ));
            }
        }
        match (get("zh"), get("en")) {
            (Some(zh), Some(en)) => Some(Text { zh, en }),
            (zh, en) => {
                let missing = if zh.is_none() { "zh" } else { "en" };
                let _ = en;
                self.err(src, field, Text::owned(
                    format!("缺少 {missing} 文本：每条文本都要有中文（zh）和英文（en）"),
                    format!("missing the {missing} text: every text needs Chinese (zh) and English (en)"),
                ));
                None
            }
        }
    }

    /// Compiles an expression written as a TOML string.
    pub fn expr(
        &mut self,
        src: &Src,
        field: &str,
        names: &Names,
        stage: Stage,
        expected: Option<&Type>,
    ) -> Option<Compiled> {
        let text = self.string(src, field)?;
        match expr::compile(&text, &names.scope(stage), expected) {
            Ok(c) => Some(c),
            Err(e) => {
                let pos = expr_pos(src.pos(), &text, e.span.start);
                self.err_at(
                    &src.file,
                    pos,
                    field,
                    Text::owned(
                        format!("表达式错误：{}（表达式：{}）", e.message(true), clip(&text)),
                        format!(
                            "expression error: {} (in: {})",
                            e.message(false),
                            clip(&text)
                        ),
                    ),
                );
                None
            }
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(77).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The position of byte `offset` of an expression written as a one-line TOML string at `pos`.
pub fn expr_pos(pos: Pos, text: &str, offset: usize) -> Pos {
    let before = text.get(..offset).map(|s| s.chars().count()).unwrap_or(0);
    Pos {
        line: pos.line,
        column: pos.column + 1 + before,
    }
}

fn check_keys(ctx: &mut Ctx<'_>, items: &Items, file: &str, prefix: &str, known: &[&str]) {
    for (k, _, pos) in &items.entries {
        if !known.contains(&k.as_str()) {
            let e = crate::input::Entry {
                key: k.clone(),
                pos: *pos,
                value: Node {
                    pos: *pos,
                    kind: Kind::Null,
                },
            };
            ctx.errors.push(unknown_key(file, &e, prefix, known));
        }
    }
}

/// A parameter's literal value and type.
pub fn param_value(node: &Node) -> Option<(Value, Type)> {
    Some(match &node.kind {
        Kind::Number(s) => (Value::Num(crate::num::parse_decimal(s).ok()?), Type::Num),
        Kind::Str(s) => match parse_number_or_percent(s) {
            Ok(d) => (Value::Num(d), Type::Num),
            Err(_) => (Value::Str(s.clone()), Type::Str),
        },
        Kind::Bool(b) => (Value::Bool(*b), Type::Bool),
        Kind::Date(s) => (
            Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?),
            Type::Date,
        ),
        Kind::Array(items) => {
            if items.iter().all(|i| matches!(i.kind, Kind::Str(_))) {
                let v = items
                    .iter()
                    .map(|i| match &i.kind {
                        Kind::Str(s) => Value::Str(s.clone()),
                        _ => Value::unknown("?"),
                    })
                    .collect();
                (Value::List(v), Type::StrList)
            } else {
                let v = items
                    .iter()
                    .map(|i| match &i.kind {
                        Kind::Number(s) | Kind::Str(s) => {
                            parse_number_or_percent(s).ok().map(Value::Num)
                        }
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                (Value::List(v), Type::NumList)
            }
        }
        _ => return None,
    })
}

fn type_named(s: &str) -> Option<Type> {
    Some(match s {
        "number" => Type::Num,
        "boolean" => Type::Bool,
        "string" => Type::Str,
        "date" => Type::Date,
        "numbers" => Type::NumList,
        "strings" => Type::StrList,
        _ => return None,
    })
}

/// An interval a numeric parameter must lie in: `(0, 1]`, `[0,)`.
pub struct Range {
    low: Option<(rust_decimal::Decimal, bool)>,
    high: Option<(rust_decimal::Decimal, bool)>,
    text: String,
}

impl Range {
    fn contains(&self, v: rust_decimal::Decimal) -> bool {
        self.low
            .is_none_or(|(l, incl)| if incl { v >= l } else { v > l })
            && self
                .high
                .is_none_or(|(h, incl)| if incl { v <= h } else { v < h })
    }
}

/// The `range` a parameter table declares: `None` when it declares none, `Err(text)` when
/// the text is not an interval.
fn param_range(node: &Node) -> Option<Result<Range, String>> {
    let Kind::Table(entries) = &node.kind else {
        return None;
    };
    let e = entries.iter().find(|e| e.key == "range")?;
    let Kind::Str(text) = &e.value.kind else {
        return Some(Err(e.value.found()));
    };
    let t = text.trim();
    let parse = || -> Option<Range> {
        let low_incl = match t.chars().next()? {
            '[' => true,
            '(' => false,
            _ => return None,
        };
        let high_incl = match t.chars().last()? {
            ']' => true,
            ')' => false,
            _ => return None,
        };
        let inner = t.get(1..t.len() - 1)?;
        let (a, b) = inner.split_once(',')?;
        let bound = |x: &str| -> Option<Option<rust_decimal::Decimal>> {
            let x = x.trim();
            if x.is_empty() {
                Some(None)
            } else {
                parse_number_or_percent(x).ok().map(Some)
            }
        };
        Some(Range {
            low: bound(a)?.map(|l| (l, low_incl)),
            high: bound(b)?.map(|h| (h, high_incl)),
            text: t.to_string(),
        })
    };
    Some(parse().ok_or_else(|| format!("\"{text}\"")))
}

/// The type a parameter's TOML declares, without reporting anything.
fn declared_type(node: &Node) -> Option<Type> {
    match &node.kind {
        Kind::Table(entries) => {
            let sub = |k: &str| entries.iter().find(|e| e.key == k).map(|e| &e.value);
            match (sub("value"), sub("unset")) {
                (Some(v), None) => param_value(v).map(|(_, t)| t),
                (
                    None,
                    Some(Node {
                        kind: Kind::Str(t), ..
                    }),
                ) => type_named(t),
                _ => None,
            }
        }
        _ => param_value(node).map(|(_, t)| t),
    }
}

fn compile_params(
    ctx: &mut Ctx<'_>,
    items: &Items,
    shadowed: &[(String, Src)],
    names: &mut Names,
) -> Vec<Param> {
    let mut out = Vec::new();
    for (name, src, _) in &items.entries {
        let field = format!("params.{name}");
        let mut text = Text::default();
        let mut source = None;
        let (value, ty) = match &src.node.kind {
            Kind::Table(entries) => {
                let sub = |k: &str| entries.iter().find(|e| e.key == k);
                for e in entries {
                    if !["value", "unset", "zh", "en", "source", "override", "range"]
                        .contains(&e.key.as_str())
                    {
                        ctx.errors.push(unknown_key(
                            &src.file,
                            e,
                            &format!("{field}."),
                            &["value", "unset", "zh", "en", "source", "override", "range"],
                        ));
                    }
                }
                if let (Some(zh), Some(en)) = (sub("zh"), sub("en"))
                    && let (Kind::Str(zh), Kind::Str(en)) = (&zh.value.kind, &en.value.kind)
                {
                    text = Text::owned(zh.clone(), en.clone());
                }
                if let Some(Kind::Str(s)) = sub("source").map(|e| &e.value.kind) {
                    source = Some(s.clone());
                }
                match (sub("value"), sub("unset")) {
                    (Some(v), None) => match param_value(&v.value) {
                        Some(x) => x,
                        None => {
                            ctx.err_at(
                                &src.file,
                                v.value.pos,
                                &field,
                                expected_found(
                                    &Text::new(
                                        "数字、百分数、字符串、布尔值、日期或数组",
                                        "a number, percent, string, boolean, date or array",
                                    ),
                                    &v.value.found(),
                                ),
                            );
                            continue;
                        }
                    },
                    (None, Some(u)) => match &u.value.kind {
                        Kind::Str(t) if type_named(t).is_some() => {
                            let ty = type_named(t).unwrap_or(Type::Num);
                            (
                                Value::unknown(format!(
                                    "{name} (unset: the supervising body must set it)"
                                )),
                                ty,
                            )
                        }
                        _ => {
                            ctx.err_at(&src.file, u.value.pos, &format!("{field}.unset"), expected_found(&Text::new("类型名：number | boolean | string | date | numbers | strings", "a type: number | boolean | string | date | numbers | strings"), &u.value.found()));
                            continue;
                        }
                    },
                    _ => {
                        ctx.err(
                            src,
                            &field,
                            Text::new(
                                "参数表须有 value 或 unset 之一（且只能有一个）",
                                "a parameter table needs exactly one of `value` or `unset`",
                            ),
                        );
                        continue;
                    }
                }
            }
            _ => match param_value(&src.node) {
                Some(x) => x,
                None => {
                    ctx.err(
                        src,
                        &field,
                        expected_found(
                            &Text::new(
                                "数字、百分数、字符串、布尔值、日期或数组",
                                "a number, percent, string, boolean, date or array",
                            ),
                            &src.node.found(),
                        ),
                    );
                    continue;
                }
            },
        };
        // A child may change a parameter's value, not its type: say so at the child's line,
        // not at some parent expression that no longer type-checks.
        let parent = shadowed
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, p)| p);
        let (value, ty) = match parent.and_then(|p| declared_type(&p.node).map(|t| (p, t))) {
            Some((p, parent_ty)) if parent_ty != ty => {
                // At the value itself when the parameter is written as a table.
                let shown = match &src.node.kind {
                    Kind::Table(entries) => entries
                        .iter()
                        .find(|e| e.key == "value")
                        .map(|e| Src {
                            node: e.value.clone(),
                            file: src.file.clone(),
                            layer: src.layer.clone(),
                        })
                        .unwrap_or_else(|| src.clone()),
                    _ => src.clone(),
                };
                let src = &shown;
                ctx.err(
                    src,
                    &field,
                    Text::owned(
                        format!(
                            "参数类型与上级包不同：{} 中为{}，此处为{}（{}）",
                            p.file,
                            parent_ty.name_zh(),
                            ty.name_zh(),
                            src.node.found()
                        ),
                        format!(
                            "the parameter's type differs from the parent's: {} in {}, {} here ({})",
                            parent_ty.name(),
                            p.file,
                            ty.name(),
                            src.node.found()
                        ),
                    ),
                );
                (Value::unknown(name.clone()), parent_ty)
            }
            _ => (value, ty),
        };
        // A declared range (here, or on the parent's parameter) binds every value set for it.
        let range = param_range(&src.node).or_else(|| {
            shadowed
                .iter()
                .rev()
                .filter(|(k, _)| k == name)
                .find_map(|(_, p)| param_range(&p.node))
        });
        let value = match (range, &value) {
            (Some(Err(bad)), _) => {
                ctx.err(
                    src,
                    &format!("{field}.range"),
                    expected_found(
                        &Text::new(
                            "区间，如 \"(0, 1]\"（圆括号不含端点，方括号含端点，一端可空）",
                            "an interval such as \"(0, 1]\" (parentheses exclude, brackets include; either end may be empty)",
                        ),
                        &bad,
                    ),
                );
                value
            }
            (Some(Ok(r)), Value::Num(v)) if !r.contains(*v) => {
                ctx.err(
                    src,
                    &field,
                    Text::owned(
                        format!("参数值 {v} 不在允许的区间 {} 内", r.text),
                        format!("the value {v} is outside the allowed range {}", r.text),
                    ),
                );
                Value::unknown(name.clone())
            }
            _ => value,
        };
        if names.slot(name).is_some() {
            ctx.err(
                src,
                &field,
                Text::owned(
                    format!("参数名 `{name}` 与已有名称冲突"),
                    format!("the parameter name `{name}` clashes with an existing name"),
                ),
            );
            continue;
        }
        let idx = out.len();
        names.add(name, ty.clone(), SlotKind::Param(idx));
        out.push(Param {
            name: name.clone(),
            value,
            ty,
            text,
            source,
            layer: src.layer.to_string(),
        });
    }
    out
}

fn compile_tables(ctx: &mut Ctx<'_>, layer: &Layer, names: &mut Names) -> Vec<Table> {
    let mut out = Vec::new();
    for (name, settings, rows, _pos) in &layer.tables {
        let file = layer.file.to_string();
        check_keys(
            ctx,
            settings,
            &file,
            &format!("tables.{name}."),
            &["key", "zh", "en", "source"],
        );
        let text = match (settings.get("zh"), settings.get("en")) {
            (Some(zh), Some(en)) => match (&zh.node.kind, &en.node.kind) {
                (Kind::Str(z), Kind::Str(e)) => Text::owned(z.clone(), e.clone()),
                _ => Text::default(),
            },
            _ => Text::default(),
        };
        let source = settings.get("source").and_then(|s| match &s.node.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => None,
        });
        let mut parsed = Vec::new();
        for (key, src, kpos) in &rows.entries {
            let Ok(k) = key.parse::<i64>() else {
                ctx.err_at(
                    &src.file,
                    *kpos,
                    &format!("tables.{name}.rows.{key}"),
                    expected_found(
                        &Text::new("整数年份作键", "a whole-number year as the key"),
                        key,
                    ),
                );
                continue;
            };
            if parsed.iter().any(|(x, _, _)| *x == k) {
                ctx.err_at(
                    &src.file,
                    *kpos,
                    &format!("tables.{name}.rows.{key}"),
                    Text::owned(
                        format!("表的行重叠：年份 {k} 出现两次"),
                        format!("the table's rows overlap: the year {k} appears twice"),
                    ),
                );
                continue;
            }
            match param_value(&src.node) {
                Some((v, Type::Num)) => parsed.push((k, v, src.layer.to_string())),
                _ => ctx.err(
                    src,
                    &format!("tables.{name}.rows.{key}"),
                    expected_found(&Text::new("数字", "a number"), &src.node.found()),
                ),
            }
        }
        parsed.sort_by_key(|(k, _, _)| *k);
        names.add_table(name, Type::Num, Type::Num);
        out.push(Table {
            name: name.clone(),
            text,
            source,
            rows: parsed,
        });
    }
    out
}

/// Quantities may use each other in any order: compile in passes, each adding those whose
/// names all resolve; what never resolves is an unknown name or a cycle.
fn compile_quantities(ctx: &mut Ctx<'_>, items: &Items, names: &mut Names) -> Vec<Quantity> {
    struct Pending<'a> {
        name: &'a str,
        src: Src,
        expr: String,
        text: Text,
    }
    let mut pending = Vec::new();
    for (name, src, _) in &items.entries {
        let field = format!("quantities.{name}");
        let (expr_node, text) = match &src.node.kind {
            Kind::Table(entries) => {
                for e in entries {
                    if !["expr", "zh", "en"].contains(&e.key.as_str()) {
                        ctx.errors.push(unknown_key(
                            &src.file,
                            e,
                            &format!("{field}."),
                            &["expr", "zh", "en"],
                        ));
                    }
                }
                let get = |k: &str| entries.iter().find(|e| e.key == k).map(|e| &e.value);
                let text = match (get("zh").map(|n| &n.kind), get("en").map(|n| &n.kind)) {
                    (Some(Kind::Str(z)), Some(Kind::Str(e))) => Text::owned(z.clone(), e.clone()),
                    _ => Text::default(),
                };
                match get("expr") {
                    Some(n) => (n.clone(), text),
                    None => {
                        ctx.err(src, &field, Text::new("缺少 expr", "missing `expr`"));
                        continue;
                    }
                }
            }
            _ => (src.node.clone(), Text::default()),
        };
        let Kind::Str(expr) = &expr_node.kind else {
            ctx.err(
                src,
                &field,
                expected_found(
                    &Text::new("表达式字符串", "an expression string"),
                    &expr_node.found(),
                ),
            );
            continue;
        };
        if names.slot(name).is_some() {
            ctx.err(
                src,
                &field,
                Text::owned(
                    format!("名称 `{name}` 与已有名称冲突"),
                    format!("the name `{name}` clashes with an existing name"),
                ),
            );
            continue;
        }
        pending.push(Pending {
            name,
            src: Src {
                node: expr_node.clone(),
                file: src.file.clone(),
                layer: src.layer.clone(),
            },
            expr: expr.clone(),
            text,
        });
    }
    let pending_names: Vec<String> = pending.iter().map(|p| p.name.to_string()).collect();
    let mut out: Vec<Quantity> = Vec::new();
    loop {
        let mut progress = false;
        let mut rest = Vec::new();
        for p in pending {
            match expr::compile(&p.expr, &names.scope(Stage::Quantities), None) {
                Ok(c) => {
                    let idx = out.len();
                    let slot = names.add(p.name, c.ty().clone(), SlotKind::Quantity(idx));
                    out.push(Quantity {
                        name: p.name.to_string(),
                        slot,
                        expr: c,
                        text: p.text,
                        layer: p.src.layer.to_string(),
                    });
                    progress = true;
                }
                Err(_) => rest.push(p),
            }
        }
        pending = rest;
        if pending.is_empty() || !progress {
            break;
        }
    }
    // Report what is left: with the other pending quantities visible (as unknown numbers) the
    // error is the genuine one; if it then compiles, the quantity is part of a cycle.
    for p in &pending {
        let field = format!("quantities.{}", p.name);
        let mut probe = names.clone();
        for n in &pending_names {
            if probe.slot(n).is_none() {
                probe.add(n, Type::Num, SlotKind::Quantity(usize::MAX));
            }
        }
        match expr::compile(&p.expr, &probe.scope(Stage::Quantities), None) {
            Err(_) => {
                ctx.expr(&p.src, &field, &probe, Stage::Quantities, None);
            }
            Ok(_) => ctx.err(&p.src, &field, Text::owned(
                format!("数量之间循环引用：`{}` 依赖尚未能计算的数量", p.name),
                format!("quantities refer to each other in a cycle: `{}` depends on a quantity that cannot be computed first", p.name),
            )),
        }
    }
    out
}

const RULE_KEYS: &[&str] = &[
    "id",
    "clause",
    "title",
    "applies_to",
    "when",
    "triggers",
    "bound",
    "strict",
    "require",
    "on_violation",
    "review_when",
    "pass_status",
    "on_unknown",
    "supersedes",
    "gate",
    "gate_message",
    "message",
    "notes",
    "off",
    "reachable",
    "new",
    "after",
];

fn parse_template(
    ctx: &mut Ctx<'_>,
    src: &Src,
    field: &str,
    text: &str,
    names: &Names,
) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Lit(rest[..open].to_string()));
        }
        let Some(close) = rest[open..].find('}') else {
            ctx.err(
                src,
                field,
                Text::new(
                    "消息模板中的 `{` 没有配对的 `}`",
                    "`{` without a matching `}` in the message template",
                ),
            );
            return out;
        };
        let inner = &rest[open + 1..open + close];
        let (name, fmt) = match inner.split_once(':') {
            Some((n, f)) => (n.trim(), f.trim()),
            None => (inner.trim(), ""),
        };
        let format = match fmt {
            "" => Format::Plain,
            "%" => Format::Percent,
            "¥" | "money" => Format::Money,
            other => {
                ctx.err(
                    src,
                    field,
                    Text::owned(
                        format!("未知的格式 `{other}`（可用：%、¥）"),
                        format!("unknown format `{other}` (use % or ¥)"),
                    ),
                );
                Format::Plain
            }
        };
        if ["bound", "allowed_total", "triggers"].contains(&name) {
            out.push(Piece::Own {
                name: name.to_string(),
                format,
            });
        } else if let Some(slot) = names.slot(name) {
            out.push(Piece::Slot { slot, format });
        } else {
            let all: Vec<String> = names.slots.iter().map(|s| s.name.clone()).collect();
            let hint = crate::diag::did_you_mean(name, all.iter().map(String::as_str));
            let pos = expr_pos(src.pos(), text, offset + open + 1);
            ctx.err_at(
                &src.file,
                pos,
                field,
                Text::owned(
                    format!(
                        "消息模板中的未知名称 `{name}`{}",
                        hint.map(|h| format!("；是否指 `{h}`？"))
                            .unwrap_or_default()
                    ),
                    format!(
                        "unknown name `{name}` in the message template{}",
                        hint.map(|h| format!("; did you mean `{h}`?"))
                            .unwrap_or_default()
                    ),
                ),
            );
        }
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Lit(rest.to_string()));
    }
    out
}

fn status_of(ctx: &mut Ctx<'_>, src: &Src, field: &str) -> Option<Status> {
    let s = ctx.string(src, field)?;
    let st = Status::parse(&s);
    if st.is_none() {
        ctx.err(
            src,
            field,
            expected_found(
                &Text::new(
                    "pass | fail | review | advisory | not_applicable",
                    "pass | fail | review | advisory | not_applicable",
                ),
                &format!("\"{s}\""),
            ),
        );
    }
    st
}

fn compile_rule(ctx: &mut Ctx<'_>, k: &Keyed, names: &Names, merged: &Layer) -> Option<Rule> {
    let f = &k.fields;
    let file = k.file.to_string();
    let p = format!("rule.{}", k.id);
    check_keys(ctx, f, &file, &format!("{p}."), RULE_KEYS);
    let fld = |key: &str| format!("{p}.{key}");
    if let Some(s) = f.get("new") {
        ctx.boolean(s, &fld("new"));
    }
    let clause = match f.get("clause") {
        Some(s) => {
            let c = ctx.string(s, &fld("clause")).unwrap_or_default();
            // A clause written in another layer of the chain cites that layer's document, so a
            // reader knows which text it is in (国发〔2018〕16号 二(三)1 vs 本政发〔2019〕5号 二(三)1).
            let doc = merged.document_of(&s.layer);
            let own = merged
                .documents
                .last()
                .map(|(_, d)| d.as_str())
                .unwrap_or("");
            if doc.is_empty() || doc == own || c.is_empty() {
                c
            } else {
                format!("{doc} {c}")
            }
        }
        None => {
            ctx.err_at(
                &file,
                k.pos,
                &fld("clause"),
                Text::new("规则缺少条款出处（clause）", "the rule has no clause"),
            );
            String::new()
        }
    };
    let title = match f.get("title") {
        Some(s) => ctx.text(s, &fld("title")).unwrap_or_default(),
        None => Text::owned(k.id.clone(), k.id.clone()),
    };
    let (budget, annual_return) = match f.get("applies_to") {
        Some(s) => {
            let list = ctx.str_list(s, &fld("applies_to")).unwrap_or_default();
            for x in &list {
                if x != "budget" && x != "annual_return" {
                    ctx.err(
                        s,
                        &fld("applies_to"),
                        expected_found(
                            &Text::new("budget 或 annual_return", "budget or annual_return"),
                            x,
                        ),
                    );
                }
            }
            (
                list.iter().any(|x| x == "budget"),
                list.iter().any(|x| x == "annual_return"),
            )
        }
        None => (true, true),
    };
    let bool_expr = |ctx: &mut Ctx<'_>, key: &str| {
        f.get(key)
            .and_then(|s| ctx.expr(s, &fld(key), names, Stage::Rules, Some(&Type::Bool)))
    };
    let when = bool_expr(ctx, "when");
    let review_when = bool_expr(ctx, "review_when");
    let mut triggers = Vec::new();
    if let Some(src) = f.get("triggers") {
        match &src.node.kind {
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let tf = format!("{p}.triggers[{}]", i + 1);
                    let Kind::Table(entries) = &item.kind else {
                        ctx.err_at(
                            &file,
                            item.pos,
                            &tf,
                            expected_found(&Text::new("一个表", "a table"), &item.found()),
                        );
                        continue;
                    };
                    let sub = |key: &str| {
                        entries.iter().find(|e| e.key == key).map(|e| Src {
                            node: e.value.clone(),
                            file: src.file.clone(),
                            layer: src.layer.clone(),
                        })
                    };
                    for e in entries {
                        if !["id", "when", "zh", "en"].contains(&e.key.as_str()) {
                            ctx.errors.push(unknown_key(
                                &src.file,
                                e,
                                &format!("{tf}."),
                                &["id", "when", "zh", "en"],
                            ));
                        }
                    }
                    let id = sub("id").and_then(|s| ctx.string(&s, &format!("{tf}.id")));
                    let w = sub("when").and_then(|s| {
                        ctx.expr(
                            &s,
                            &format!("{tf}.when"),
                            names,
                            Stage::Rules,
                            Some(&Type::Bool),
                        )
                    });
                    let zh = sub("zh").and_then(|s| ctx.string(&s, &format!("{tf}.zh")));
                    let en = sub("en").and_then(|s| ctx.string(&s, &format!("{tf}.en")));
                    if zh.is_none() || en.is_none() {
                        ctx.err_at(
                            &file,
                            item.pos,
                            &tf,
                            Text::new(
                                "触发条件需要中文（zh）和英文（en）标签",
                                "a trigger needs a Chinese (zh) and an English (en) label",
                            ),
                        );
                    }
                    if let (Some(id), Some(w), Some(zh), Some(en)) = (id, w, zh, en) {
                        triggers.push(Trigger {
                            id,
                            when: w,
                            text: Text { zh, en },
                        });
                    }
                }
            }
            _ => ctx.err(
                src,
                &fld("triggers"),
                expected_found(
                    &Text::new("表数组", "an array of tables"),
                    &src.node.found(),
                ),
            ),
        }
    }
    let strict = f
        .get("strict")
        .and_then(|s| ctx.boolean(s, &fld("strict")))
        .unwrap_or(false);
    let check = match (f.get("bound"), f.get("require")) {
        (Some(b), None) => ctx
            .expr(b, &fld("bound"), names, Stage::Rules, Some(&Type::Num))
            .map(|expr| Check::Bound { expr, strict }),
        (None, Some(r)) => ctx
            .expr(r, &fld("require"), names, Stage::Rules, Some(&Type::Bool))
            .map(Check::Require),
        (Some(_), Some(_)) => {
            ctx.err_at(
                &file,
                k.pos,
                &p,
                Text::new(
                    "规则只能有 bound 或 require 之一",
                    "a rule has either `bound` or `require`, not both",
                ),
            );
            None
        }
        (None, None) => {
            ctx.err_at(
                &file,
                k.pos,
                &p,
                Text::new(
                    "规则缺少 bound 或 require",
                    "the rule has neither `bound` nor `require`",
                ),
            );
            None
        }
    };
    let status = |ctx: &mut Ctx<'_>, key: &str, default: Status| {
        f.get(key)
            .and_then(|s| status_of(ctx, s, &fld(key)))
            .unwrap_or(default)
    };
    let on_violation = status(ctx, "on_violation", Status::Fail);
    let pass_status = status(ctx, "pass_status", Status::Pass);
    let on_unknown = status(ctx, "on_unknown", Status::Review);
    let supersedes = f
        .get("supersedes")
        .and_then(|s| ctx.str_list(s, &fld("supersedes")))
        .unwrap_or_default();
    let gate_scope = match f.get("gate") {
        Some(s) => match ctx.string(s, &fld("gate")).as_deref() {
            Some("out_of_scope") => true,
            Some(other) => {
                ctx.err(
                    s,
                    &fld("gate"),
                    expected_found(&Text::new("\"out_of_scope\"", "\"out_of_scope\""), other),
                );
                false
            }
            None => false,
        },
        None => false,
    };
    // What every other rule says when this gate takes a filing out of scope: the pack's words.
    let gate_message = match (f.get("gate").filter(|_| gate_scope), f.get("gate_message")) {
        (Some(_), Some(s)) => ctx.text(s, &fld("gate_message")),
        (Some(gate), None) => {
            ctx.err(
                gate,
                &fld("gate"),
                Text::new(
                    "gate 规则需要 gate_message（企业不在适用范围时其他规则的说明）",
                    "a gate rule needs gate_message (what the other rules say when the enterprise is out of scope)",
                ),
            );
            None
        }
        (None, Some(s)) => {
            ctx.err(
                s,
                &fld("gate_message"),
                Text::new(
                    "gate_message 只用于 gate 规则",
                    "gate_message belongs to a gate rule only",
                ),
            );
            None
        }
        (None, None) => None,
    };
    let message = match f.get("message") {
        Some(s) => match ctx.text(s, &fld("message")) {
            Some(t) => Template {
                zh: parse_template(ctx, s, &fld("message.zh"), &t.zh, names),
                en: parse_template(ctx, s, &fld("message.en"), &t.en, names),
            },
            None => Template::default(),
        },
        None => {
            ctx.err_at(
                &file,
                k.pos,
                &fld("message"),
                Text::new(
                    "规则缺少中英文消息（message）",
                    "the rule has no message in Chinese and English",
                ),
            );
            Template::default()
        }
    };
    let mut notes = Vec::new();
    if let Some(src) = f.get("notes")
        && let Kind::Array(items) = &src.node.kind
    {
        for (i, item) in items.iter().enumerate() {
            let nf = format!("{p}.notes[{}]", i + 1);
            let Kind::Table(entries) = &item.kind else {
                continue;
            };
            let sub = |key: &str| {
                entries.iter().find(|e| e.key == key).map(|e| Src {
                    node: e.value.clone(),
                    file: src.file.clone(),
                    layer: src.layer.clone(),
                })
            };
            let w = sub("when").and_then(|s| {
                ctx.expr(
                    &s,
                    &format!("{nf}.when"),
                    names,
                    Stage::Rules,
                    Some(&Type::Bool),
                )
            });
            let zh = sub("zh").and_then(|s| ctx.string(&s, &format!("{nf}.zh")));
            let en = sub("en").and_then(|s| ctx.string(&s, &format!("{nf}.en")));
            if let (Some(w), Some(zh), Some(en)) = (w, zh, en) {
                notes.push(Note {
                    when: w,
                    text: Text { zh, en },
                });
            } else {
                ctx.err_at(
                    &file,
                    item.pos,
                    &nf,
                    Text::new(
                        "说明需要 when、zh 和 en",
                        "a note needs `when`, `zh` and `en`",
                    ),
                );
            }
        }
    }
    let check = check?;
    Some(Rule {
        id: k.id.clone(),
        clause,
        title,
        layers: k.layers.iter().map(|l| l.to_string()).collect(),
        budget,
        annual_return,
        when,
        triggers,
        check: Some(check),
        on_violation,
        review_when,
        pass_status,
        on_unknown,
        supersedes,
        gate_scope,
        gate_message,
        message,
        notes,
        // Filled by `compile` once the whole pack is known (pack::analysis::reachable).
        reachable: Vec::new(),
    })
}

fn compile_regime(ctx: &mut Ctx<'_>, src: &Src, names: &Names) -> Regime {
    let mut regime = Regime::default();
    let Kind::Table(entries) = &src.node.kind else {
        ctx.err(
            src,
            "regime",
            expected_found(&Text::new("一个表", "a table"), &src.node.found()),
        );
        return regime;
    };
    let sub = |e: &crate::input::Entry| Src {
        node: e.value.clone(),
        file: src.file.clone(),
        layer: src.layer.clone(),
    };
    for e in entries {
        match e.key.as_str() {
            "values" => regime.values = ctx.str_list(&sub(e), "regime.values").unwrap_or_default(),
            "step" => {}
            _ => ctx
                .errors
                .push(unknown_key(&src.file, e, "regime.", &["values", "step"])),
        }
    }
    let Some(steps) = entries.iter().find(|e| e.key == "step") else {
        return regime;
    };
    let Kind::Array(items) = &steps.value.kind else {
        ctx.err(
            &sub(steps),
            "regime.step",
            expected_found(
                &Text::new(
                    "表数组 [[regime.step]]",
                    "an array of tables [[regime.step]]",
                ),
                &steps.value.found(),
            ),
        );
        return regime;
    };
    for (i, item) in items.iter().enumerate() {
        let sf = format!("regime.step[{}]", i + 1);
        let Kind::Table(fields) = &item.kind else {
            continue;
        };
        let get = |k: &str| fields.iter().find(|e| e.key == k).map(sub);
        for e in fields {
            if !["id", "when", "from", "to", "zh", "en"].contains(&e.key.as_str()) {
                ctx.errors.push(unknown_key(
                    &src.file,
                    e,
                    &format!("{sf}."),
                    &["id", "when", "from", "to", "zh", "en"],
                ));
            }
        }
        let id = get("id").and_then(|s| ctx.string(&s, &format!("{sf}.id")));
        let when = get("when").and_then(|s| {
            ctx.expr(
                &s,
                &format!("{sf}.when"),
                names,
                Stage::Quantities,
                Some(&Type::Bool),
            )
        });
        let from = get("from").and_then(|s| ctx.string(&s, &format!("{sf}.from")));
        let to = get("to").and_then(|s| ctx.string(&s, &format!("{sf}.to")));
        let zh = get("zh").and_then(|s| ctx.string(&s, &format!("{sf}.zh")));
        let en = get("en").and_then(|s| ctx.string(&s, &format!("{sf}.en")));
        for (label, v) in [("from", &from), ("to", &to)] {
            if let Some(v) = v
                && !regime.values.contains(v)
                && let Some(s) = get(label)
            {
                ctx.err(
                    &s,
                    &format!("{sf}.{label}"),
                    expected_found(
                        &Text::owned(
                            format!("regime.values 之一：{}", regime.values.join(" | ")),
                            format!("one of regime.values: {}", regime.values.join(" | ")),
                        ),
                        v,
                    ),
                );
            }
        }
        match (id, when, to, zh, en) {
            (Some(id), Some(when), Some(to), Some(zh), Some(en)) => regime.steps.push(RegimeStep {
                id,
                from,
                to,
                when,
                text: Text { zh, en },
            }),
            _ => ctx.err_at(
                &src.file,
                item.pos,
                &sf,
                Text::new(
                    "步骤需要 id、when、to、zh、en",
                    "a step needs id, when, to, zh and en",
                ),
            ),
        }
    }
    regime
}

fn compile_catalog(ctx: &mut Ctx<'_>, layer: &Layer) -> Catalog {
    let mut cat = Catalog::default();
    for (section, list) in &layer.catalog {
        for k in list {
            let p = format!("catalog.{section}.{}", k.id);
            check_keys(
                ctx,
                &k.fields,
                &k.file,
                &format!("{p}."),
                &["id", "zh", "en", "direction", "kind", "main", "additional"],
            );
            let get = |key: &str| k.fields.get(key);
            let text = match (get("zh"), get("en")) {
                (Some(z), Some(e)) => match (
                    ctx.string(z, &format!("{p}.zh")),
                    ctx.string(e, &format!("{p}.en")),
                ) {
                    (Some(z), Some(e)) => Text { zh: z, en: e },
                    _ => Text::default(),
                },
                _ => {
                    ctx.err_at(
                        &k.file,
                        k.pos,
                        &p,
                        Text::new(
                            "目录条目需要中文（zh）和英文（en）名称",
                            "a catalog entry needs a Chinese (zh) and an English (en) name",
                        ),
                    );
                    Text::default()
                }
            };
            let higher_is_better = match get("direction") {
                Some(s) => match ctx.string(s, &format!("{p}.direction")).as_deref() {
                    Some("higher") | None => true,
                    Some("lower") => false,
                    Some(other) => {
                        ctx.err(
                            s,
                            &format!("{p}.direction"),
                            expected_found(&Text::new("higher 或 lower", "higher or lower"), other),
                        );
                        true
                    }
                },
                None => true,
            };
            let main = get("main")
                .and_then(|s| ctx.str_list(s, &format!("{p}.main")))
                .unwrap_or_default();
            let additional = get("additional")
                .and_then(|s| ctx.str_list(s, &format!("{p}.additional")))
                .unwrap_or_default();
            for c in main.iter().chain(&additional) {
                if !crate::filing::schema::CATEGORIES.contains(&c.as_str()) {
                    ctx.err_at(
                        &k.file,
                        k.pos,
                        &p,
                        expected_found(
                            &Text::owned(
                                format!(
                                    "企业类别之一：{}",
                                    crate::filing::schema::CATEGORIES.join(" | ")
                                ),
                                format!(
                                    "one of the categories {}",
                                    crate::filing::schema::CATEGORIES.join(" | ")
                                ),
                            ),
                            c,
                        ),
                    );
                }
            }
            let entry = CatalogEntry {
                id: k.id.clone(),
                text,
                higher_is_better,
                main,
                additional,
            };
            match section.as_str() {
                "indicator" => cat.indicators.push(entry),
                "productivity" => cat.productivity.push(entry),
                _ => cat.labor_cost.push(entry),
            }
        }
    }
    cat
}

/// Compiles a merged chain. `chain` is root first; `hashes` gives each layer's file and hash.
pub fn compile(
    merged: &Layer,
    chain: Vec<super::Layer>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Pack> {
    let mut ctx = Ctx { errors };
    let file = merged.file.to_string();
    let m = &merged.meta;
    check_keys(
        &mut ctx,
        m,
        &file,
        "pack.",
        &[
            "id",
            "title",
            "document",
            "issuer",
            "jurisdiction",
            "extends",
            "effective_from",
            "effective_until",
        ],
    );
    let req = |ctx: &mut Ctx<'_>, key: &str| {
        let v = m.get(key).cloned();
        if v.is_none() {
            ctx.err_at(
                &file,
                Pos { line: 1, column: 1 },
                &format!("pack.{key}"),
                Text::new("缺少必填项", "missing required key"),
            );
        }
        v
    };
    let id = req(&mut ctx, "id").and_then(|s| ctx.string(&s, "pack.id"));
    let title = req(&mut ctx, "title").and_then(|s| ctx.text(&s, "pack.title"));
    let document = req(&mut ctx, "document").and_then(|s| ctx.string(&s, "pack.document"));
    let issuer = m
        .get("issuer")
        .and_then(|s| ctx.text(s, "pack.issuer"))
        .unwrap_or_default();
    let jurisdiction =
        req(&mut ctx, "jurisdiction").and_then(|s| ctx.string(&s, "pack.jurisdiction"));
    let extends = m.get("extends").and_then(|s| ctx.string(s, "pack.extends"));
    let effective_from =
        req(&mut ctx, "effective_from").and_then(|s| ctx.date(&s, "pack.effective_from"));
    let effective_until = m
        .get("effective_until")
        .and_then(|s| ctx.date(s, "pack.effective_until"));
    if let (Some(from), Some(until), Some(src)) =
        (effective_from, effective_until, m.get("effective_until"))
        && from > until
    {
        ctx.err(
            src,
            "pack.effective_until",
            Text::owned(
                format!("失效日期 {until} 早于生效日期 {from}：该规则包在任何一天都不生效"),
                format!(
                    "effective_until {until} is before effective_from {from}: the pack is never in force"
                ),
            ),
        );
    }

    let mut names = Names::with_filing();
    let params = compile_params(
        &mut ctx,
        &merged.params,
        &merged.shadowed_params,
        &mut names,
    );
    let tables = compile_tables(&mut ctx, merged, &mut names);
    let quantities = compile_quantities(&mut ctx, &merged.quantities, &mut names);

    check_keys(
        &mut ctx,
        &merged.cap,
        &file,
        "cap.",
        &["subject", "base", "growth"],
    );
    let cap_expr = |ctx: &mut Ctx<'_>, key: &str| match merged.cap.get(key) {
        Some(s) => ctx.expr(
            s,
            &format!("cap.{key}"),
            &names,
            Stage::Quantities,
            Some(&Type::Num),
        ),
        None => {
            ctx.err_at(
                &file,
                Pos { line: 1, column: 1 },
                &format!("cap.{key}"),
                Text::new("[cap] 缺少此项", "[cap] is missing this key"),
            );
            None
        }
    };
    let subject = cap_expr(&mut ctx, "subject");
    let base = cap_expr(&mut ctx, "base");
    let growth = cap_expr(&mut ctx, "growth");

    let regime = match &merged.regime {
        Some(src) => compile_regime(&mut ctx, src, &names),
        None => Regime::default(),
    };
    let catalog = compile_catalog(&mut ctx, merged);

    let mut rules = Vec::new();
    for k in &merged.rules {
        if let Some(off) = k.fields.get("off") {
            match &off.node.kind {
                Kind::Str(reason) if !reason.trim().is_empty() => {}
                _ => ctx.err(
                    off,
                    &format!("rule.{}.off", k.id),
                    Text::new(
                        "关闭上级规则须写明理由：off = \"理由\"",
                        "switching a rule off needs a reason: off = \"why\"",
                    ),
                ),
            }
            continue;
        }
        if let Some(r) = compile_rule(&mut ctx, k, &names, merged) {
            rules.push(r);
        }
    }
    for r in &rules {
        for s in &r.supersedes {
            if !rules.iter().any(|x| &x.id == s)
                && let Some(k) = merged.rules.iter().find(|k| k.id == r.id)
            {
                ctx.err_at(
                    &k.file,
                    k.pos,
                    &format!("rule.{}.supersedes", r.id),
                    Text::owned(format!("未知规则 `{s}`"), format!("unknown rule `{s}`")),
                );
            }
        }
    }

    let clearing = if merged.clearing.entries.is_empty() {
        None
    } else {
        check_keys(
            &mut ctx,
            &merged.clearing,
            &file,
            "clearing.",
            &["substitute", "to_recover"],
        );
        let mut substitute = Vec::new();
        if let Some(src) = merged.clearing.get("substitute")
            && let Kind::Table(entries) = &src.node.kind
        {
            for e in entries {
                let field = format!("clearing.substitute.{}", e.key);
                let Some(target) = names.slot(&e.key) else {
                    ctx.err_at(
                        &src.file,
                        e.pos,
                        &field,
                        Text::new(
                            "替换的目标不是已知名称",
                            "the substitution's target is not a known name",
                        ),
                    );
                    continue;
                };
                let ty = names.info(target).ty.clone();
                let value = Src {
                    node: e.value.clone(),
                    file: src.file.clone(),
                    layer: src.layer.clone(),
                };
                if let Some(c) = ctx.expr(&value, &field, &names, Stage::Quantities, Some(&ty)) {
                    substitute.push((target, c));
                }
            }
        }
        let to_recover = merged.clearing.get("to_recover").and_then(|s| {
            ctx.expr(
                s,
                "clearing.to_recover",
                &names,
                Stage::Rules,
                Some(&Type::Num),
            )
        });
        to_recover.map(|to_recover| Clearing {
            substitute,
            to_recover,
        })
    };

    if !ctx.errors.is_empty() {
        return None;
    }
    let mut pack = Pack {
        id: id?,
        title: title?,
        document: document?,
        issuer,
        jurisdiction: jurisdiction?,
        extends,
        effective_from: effective_from?,
        effective_until,
        chain,
        names,
        params,
        tables,
        quantities,
        rules,
        regime,
        catalog,
        cap: CapSpec {
            subject: subject?,
            base: base?,
            growth: growth?,
        },
        clearing,
        program: Default::default(),
    };
    let unknowable = super::analysis::unknowable_slots(&pack);
    let reach: Vec<Vec<Status>> = pack
        .rules
        .iter()
        .map(|r| super::analysis::reachable(r, &pack, &unknowable))
        .collect();
    for (r, x) in pack.rules.iter_mut().zip(reach) {
        r.reachable = x;
    }
    pack.program = std::sync::Arc::new(crate::engine::Program::new(&pack));
    Some(pack)
}
