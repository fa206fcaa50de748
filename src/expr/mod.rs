//! A small, exact, three-valued expression language used inside rule packs.
//!
//! Expressions are parsed, resolved against a [`Scope`] and type-checked once
//! by [`compile`], then evaluated many times against per-filing [`Env`]s.
//! All arithmetic is exact [`Decimal`] arithmetic; missing inputs, division by
//! zero and overflow produce [`Value::Unknown`] carrying the reasons, and the
//! logic is Kleene three-valued logic.
//!
//! Limits (checked before any deep work): [`MAX_EXPR_LEN`] bytes of source,
//! [`MAX_DEPTH`] levels of AST nesting (note that a left-associative chain such
//! as `a + b + c` nests one level per operator) and [`MAX_NODES`] AST nodes.

mod check;
mod eval;
mod flat;
mod lexer;
mod parser;

use std::fmt;

pub use rust_decimal::Decimal;

/// Calendar date.
pub type Date = chrono::NaiveDate;

/// Maximum length of an expression's source text, in bytes.
pub const MAX_EXPR_LEN: usize = 4096;
/// Maximum nesting depth of the AST (a leaf has depth 1).
pub const MAX_DEPTH: usize = 64;
/// Maximum number of AST nodes.
pub const MAX_NODES: usize = 512;

/// The static type of an expression or name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Num,
    Bool,
    Str,
    Date,
    NumList,
    StrList,
}

impl Type {
    /// English name of the type.
    pub fn name(&self) -> &'static str {
        match self {
            Type::Num => "number",
            Type::Bool => "boolean",
            Type::Str => "string",
            Type::Date => "date",
            Type::NumList => "list of numbers",
            Type::StrList => "list of strings",
        }
    }

    /// Chinese name of the type.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Type::Num => "数字",
            Type::Bool => "布尔值",
            Type::Str => "字符串",
            Type::Date => "日期",
            Type::NumList => "数字列表",
            Type::StrList => "字符串列表",
        }
    }

    /// Name of the type in Chinese (`zh`) or English.
    pub fn name_lang(&self, zh: bool) -> &'static str {
        if zh { self.name_zh() } else { self.name() }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Byte range into the expression source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One reason a value is unknown: a field's or parameter's name, or a short text. A name the
/// schema spells (a `&'static str`) is borrowed, not copied: an empty field, the common
/// reason, costs no string of its own.
pub type Reason = std::borrow::Cow<'static, str>;

/// Why a value is unknown: names of fields/parameters that would settle it,
/// or short reason texts. Always kept sorted and deduplicated.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Unknown {
    pub reasons: Vec<Reason>,
}

impl Unknown {
    /// An `Unknown` with a single reason.
    pub fn new(reason: impl Into<Reason>) -> Unknown {
        Unknown {
            reasons: vec![reason.into()],
        }
    }

    /// Add one reason, keeping the list sorted and deduplicated.
    pub fn add(&mut self, reason: impl Into<Reason>) {
        self.reasons.push(reason.into());
        self.reasons.sort();
        self.reasons.dedup();
    }

    /// Add all reasons of `other`, keeping the list sorted and deduplicated
    /// (even if either side was not sorted before).
    pub fn merge(&mut self, other: &Unknown) {
        // Only the reasons not already here are copied (a copy may allocate).
        if self.reasons.is_empty() {
            self.reasons.extend(other.reasons.iter().cloned());
        }
        for r in &other.reasons {
            if !self.reasons.contains(r) {
                self.reasons.push(r.clone());
            }
        }
        self.reasons.sort();
        self.reasons.dedup();
    }

    /// [`Unknown::merge`], taking `other`'s reasons instead of copying them.
    pub fn absorb(&mut self, other: Unknown) {
        if self.reasons.is_empty() {
            self.reasons = other.reasons;
        } else {
            for r in other.reasons {
                if !self.reasons.contains(&r) {
                    self.reasons.push(r);
                }
            }
        }
        self.reasons.sort();
        self.reasons.dedup();
    }
}

/// A runtime value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Num(Decimal),
    Bool(bool),
    Str(String),
    Date(Date),
    List(Vec<Value>),
    Unknown(Unknown),
}

impl Value {
    /// An unknown value with one reason.
    pub fn unknown(reason: impl Into<Reason>) -> Value {
        Value::Unknown(Unknown::new(reason))
    }

    /// True unless the value itself is `Unknown` (list elements are not inspected).
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown(_))
    }

    /// True if the value is known and, for a list, every element is known.
    pub fn is_fully_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(items) => items.iter().all(Value::is_fully_known),
            _ => true,
        }
    }

    pub fn as_num(&self) -> Option<Decimal> {
        match self {
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            _ => None,
        }
    }

    /// Render the value; unknown is "未知" when `zh`, else "unknown".
    pub fn display_lang(&self, zh: bool) -> String {
        let mut out = String::new();
        self.render_into(&mut out, if zh { "未知" } else { "unknown" });
        out
    }

    /// Render into `out`, writing `unknown_text` for unknown values.
    pub(crate) fn render_into(&self, out: &mut String, unknown_text: &str) {
        use std::fmt::Write;
        // Writing into a String cannot fail.
        let _ = match self {
            Value::Num(d) => write!(out, "{}", d.normalize()),
            Value::Bool(b) => write!(out, "{b}"),
            Value::Str(s) => write!(out, "{s:?}"),
            Value::Date(d) => write!(out, "{}", d.format("%Y-%m-%d")),
            Value::List(items) => {
                out.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    it.render_into(out, unknown_text);
                }
                out.push(']');
                Ok(())
            }
            Value::Unknown(_) => {
                out.push_str(unknown_text);
                Ok(())
            }
        };
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_lang(false))
    }
}

/// What a name in an expression refers to, decided at load time by the caller's Scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRef {
    Slot(u32),
    Table(u32),
}

/// Load-time name resolution.
pub trait Scope {
    /// Resolve a dotted name (e.g. "budget.wage_total", "cap_ratio") to a slot and its type.
    fn resolve(&self, name: &str) -> Option<(u32, Type)>;
    /// Resolve a table name used as `name[key]`: returns (table id, key type, value type).
    fn resolve_table(&self, name: &str) -> Option<(u32, Type, Type)>;
    /// All names known (for did-you-mean suggestions).
    fn candidates(&self) -> Vec<String>;
}

/// Per-evaluation values.
pub trait Env {
    /// Value of a slot; may be `Value::Unknown`.
    fn get(&self, slot: u32) -> Value;
    /// The value of a slot, borrowed, when the environment holds it (then equal to
    /// [`Env::get`]): operands that are only read (compared, counted, summed) are not copied.
    fn get_ref(&self, slot: u32) -> Option<&Value> {
        let _ = slot;
        None
    }
    /// Table lookup; `Value::Unknown` (with a reason naming table and key) when missing.
    fn lookup(&self, table: u32, key: &Value) -> Value;
    /// The value of a slot as the compiled program reads it, without building a [`Value`]:
    /// numbers, booleans and dates by value, anything else borrowed; `None` when the
    /// environment does not hold it (then [`Env::get`] gives it). Equal to [`Env::get`].
    fn slot(&self, slot: u32) -> Option<SlotRef<'_>> {
        self.get_ref(slot).map(SlotRef::of)
    }
}

/// A slot's value lent by an [`Env`] (see [`Env::slot`]): `Copy`, nothing to drop.
#[derive(Clone, Copy, Debug)]
pub enum SlotRef<'a> {
    Num(Decimal),
    Bool(bool),
    Date(Date),
    /// Never a number, boolean or date.
    Ref(&'a Value),
}

impl<'a> SlotRef<'a> {
    /// `v`, scalars by value.
    pub fn of(v: &'a Value) -> SlotRef<'a> {
        match v {
            Value::Num(d) => SlotRef::Num(*d),
            Value::Bool(b) => SlotRef::Bool(*b),
            Value::Date(d) => SlotRef::Date(*d),
            v => SlotRef::Ref(v),
        }
    }

    /// The value, owned (a borrowed one cloned).
    pub fn to_value(self) -> Value {
        match self {
            SlotRef::Num(d) => Value::Num(d),
            SlotRef::Bool(b) => Value::Bool(b),
            SlotRef::Date(d) => Value::Date(d),
            SlotRef::Ref(v) => v.clone(),
        }
    }
}

/// A parsed, resolved and type-checked expression, ready to evaluate many times.
#[derive(Clone, Debug)]
pub struct Compiled {
    src: String,
    root: check::Node,
    ty: Type,
    flat: flat::Program,
}

impl Compiled {
    pub fn source(&self) -> &str {
        &self.src
    }

    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// Names (as written) of every slot this expression reads, in
    /// first-appearance order, deduplicated.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.root.collect_names(&mut out, false);
        out
    }

    /// Names of every table this expression looks up, in first-appearance
    /// order, deduplicated.
    pub fn tables(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.root.collect_names(&mut out, true);
        out
    }

    /// Every name with what it resolved to, in first-appearance order, deduplicated.
    pub fn refs(&self) -> Vec<(String, NameRef)> {
        let mut out = Vec::new();
        self.root.collect_refs(&mut out);
        out
    }

    /// Whether the expression reads slot `slot` (as `refs()` would name it, without building
    /// the list).
    pub fn reads_slot(&self, slot: u32) -> bool {
        self.root.reads_slot(slot)
    }

    /// Calls `f` with every slot the expression reads, repeats included (no allocation: for
    /// analyses run at each pack load).
    pub fn each_slot(&self, f: &mut dyn FnMut(u32)) {
        self.root.each_slot(f)
    }

    /// Whether the expression may evaluate to unknown for some input, given which slots may
    /// be unknown (a static over-approximation, for coverage).
    pub fn may_be_unknown(&self, unknowable: &dyn Fn(u32) -> bool) -> bool {
        self.root.may_be_unknown(unknowable, &[])
    }

    /// Evaluate without recording a trace, running the compiled flat program (equal to
    /// [`Compiled::eval_tree`] for every input).
    pub fn eval(&self, env: &dyn Env) -> Value {
        self.flat.eval(env).unwrap_or_else(|| self.eval_tree(env))
    }

    /// [`Compiled::eval`] in an environment of a known type (its reads are not dynamic calls).
    pub(crate) fn eval_in<E: Env>(&self, env: &E) -> Value {
        self.flat.eval(env).unwrap_or_else(|| self.eval_tree(env))
    }

    /// Evaluate by walking the checked tree: the straightforward reference evaluator, which
    /// [`Compiled::eval`]'s compiled program must always agree with. Used by tests and, with a
    /// trace, by [`Compiled::eval_traced`].
    pub fn eval_tree(&self, env: &dyn Env) -> Value {
        eval::Ctx::new(&self.src, env, None).eval(&self.root)
    }

    /// Evaluate, appending one [`Step`] per evaluated non-literal sub-expression
    /// (children before parents) to `trace`.
    pub fn eval_traced(&self, env: &dyn Env, trace: &mut Vec<Step>) -> Value {
        eval::Ctx::new(&self.src, env, Some(trace)).eval(&self.root)
    }

    /// The expression re-rendered with every name and table lookup replaced by
    /// its value (unknown as `?`), e.g. "12600000 / 12000000 - 1".
    pub fn substitute(&self, env: &dyn Env) -> String {
        let mut out = String::new();
        eval::Ctx::new(&self.src, env, None).render(&self.root, &mut out, false);
        out
    }
}

/// One evaluated sub-expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub span: Span,
    /// The source text of the sub-expression.
    pub text: String,
    pub value: Value,
}

/// Parse + resolve + type-check. `expected` = the type the caller requires (None = any).
pub fn compile(
    src: &str,
    scope: &dyn Scope,
    expected: Option<&Type>,
) -> Result<Compiled, ExprError> {
    let ast = parser::parse(src)?;
    let root = check::check(&ast, scope)?;
    if let Some(want) = expected
        && root.ty != *want
    {
        return Err(ExprError {
            span: root.span,
            kind: ExprErrorKind::WrongResultType {
                expected: want.clone(),
                found: root.ty.clone(),
            },
        });
    }
    let ty = root.ty.clone();
    let flat = flat::Program::new(src, &root);
    Ok(Compiled {
        src: src.to_string(),
        root,
        ty,
        flat,
    })
}

/// A compile-time error with the span of the offending sub-expression.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprError {
    pub span: Span,
    pub kind: ExprErrorKind,
}

/// What the parser expected at a syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// An operand (number, string, name, call, `(`, `[`, `if`, ...).
    Expression,
    /// An operator, or the end of the expression.
    Operator,
    /// A specific token, e.g. `)`, `then`, `]`.
    Token(&'static str),
    /// `,` or the given closing token (inside a call or list literal).
    CommaOr(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprErrorKind {
    /// Unexpected token; `found` is the token text, or `None` at the end of input.
    Syntax {
        expected: Expected,
        found: Option<String>,
    },
    /// A character that cannot start any token.
    UnexpectedChar {
        ch: char,
    },
    /// A string literal without its closing quote.
    UnterminatedString,
    /// A malformed number, or one not exactly representable as a Decimal.
    BadNumber {
        text: String,
    },
    /// `a < b < c` and similar.
    ChainedComparison {
        op: String,
    },
    UnknownName {
        name: String,
        suggestion: Option<String>,
    },
    UnknownTable {
        name: String,
        suggestion: Option<String>,
    },
    UnknownFunction {
        name: String,
        suggestion: Option<String>,
    },
    /// A table name used without `[key]`.
    TableWithoutKey {
        name: String,
    },
    /// An operand or argument of the wrong type. `context` is the operator,
    /// function or construct as written (e.g. `+`, `growth`, `if`, a table name).
    TypeMismatch {
        context: String,
        expected: Vec<Type>,
        found: Type,
    },
    /// The branches of an `if` have different types.
    BranchMismatch {
        then_type: Type,
        else_type: Type,
    },
    /// The whole expression has a different type than the caller requires.
    WrongResultType {
        expected: Type,
        found: Type,
    },
    /// `[]`: the element type of an empty list literal cannot be determined.
    EmptyList,
    /// Wrong number of function arguments; `max` is `None` for variadic functions.
    Arity {
        func: String,
        min: usize,
        max: Option<usize>,
        found: usize,
    },
    TooLong {
        len: usize,
        max: usize,
    },
    TooDeep {
        max: usize,
    },
    TooManyNodes {
        max: usize,
    },
}

fn type_list(types: &[Type], zh: bool) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.name_lang(zh)).collect();
    names.join(if zh { "或" } else { " or " })
}

impl ExprError {
    /// A full sentence describing the error, in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        use ExprErrorKind as K;
        match &self.kind {
            K::Syntax { expected, found } => {
                let exp = match (expected, zh) {
                    (Expected::Expression, false) => "an expression".to_string(),
                    (Expected::Expression, true) => "表达式".to_string(),
                    (Expected::Operator, false) => {
                        "an operator or the end of the expression".to_string()
                    }
                    (Expected::Operator, true) => "运算符或表达式结尾".to_string(),
                    (Expected::Token(t), _) => format!("`{t}`"),
                    (Expected::CommaOr(t), false) => format!("`,` or `{t}`"),
                    (Expected::CommaOr(t), true) => format!("`,` 或 `{t}`"),
                };
                let found = match (found, zh) {
                    (Some(t), _) => format!("`{t}`"),
                    (None, false) => "the end of the expression".to_string(),
                    (None, true) => "表达式结尾".to_string(),
                };
                if zh {
                    format!("语法错误：此处应为{exp}，但遇到{found}")
                } else {
                    format!("syntax error: expected {exp}, found {found}")
                }
            }
            K::UnexpectedChar { ch } => {
                if zh {
                    format!("无法识别的字符 `{ch}`")
                } else {
                    format!("unexpected character `{ch}`")
                }
            }
            K::UnterminatedString => {
                if zh {
                    "字符串缺少结束引号".to_string()
                } else {
                    "unterminated string: missing closing quote".to_string()
                }
            }
            K::BadNumber { text } => {
                if zh {
                    format!("无效或超出范围的数字 `{text}`")
                } else {
                    format!("invalid or out-of-range number `{text}`")
                }
            }
            K::ChainedComparison { op } => {
                if zh {
                    format!("比较运算不能连用（`{op}`），请用 `and` 连接")
                } else {
                    format!("comparisons cannot be chained (`{op}`); combine them with `and`")
                }
            }
            K::UnknownName { name, suggestion } => {
                unknown_msg(zh, "unknown name", "未知名称", name, suggestion)
            }
            K::UnknownTable { name, suggestion } => {
                unknown_msg(zh, "unknown table", "未知表", name, suggestion)
            }
            K::UnknownFunction { name, suggestion } => {
                unknown_msg(zh, "unknown function", "未知函数", name, suggestion)
            }
            K::TableWithoutKey { name } => {
                if zh {
                    format!("`{name}` 是一张表，请用 `{name}[键]` 查表取值")
                } else {
                    format!("`{name}` is a table; look a value up with `{name}[key]`")
                }
            }
            K::TypeMismatch {
                context,
                expected,
                found,
            } => {
                if zh {
                    format!(
                        "类型不匹配（`{context}`）：应为{}，实际为{}",
                        type_list(expected, true),
                        found.name_zh()
                    )
                } else {
                    format!(
                        "type mismatch in `{context}`: expected {}, found {}",
                        type_list(expected, false),
                        found.name()
                    )
                }
            }
            K::BranchMismatch {
                then_type,
                else_type,
            } => {
                if zh {
                    format!(
                        "`if` 的两个分支类型不同：`then` 为{}，`else` 为{}",
                        then_type.name_zh(),
                        else_type.name_zh()
                    )
                } else {
                    format!(
                        "the branches of `if` have different types: `then` is a {}, `else` is a {}",
                        then_type.name(),
                        else_type.name()
                    )
                }
            }
            K::WrongResultType { expected, found } => {
                if zh {
                    format!(
                        "表达式结果应为{}，实际为{}",
                        expected.name_zh(),
                        found.name_zh()
                    )
                } else {
                    format!(
                        "the expression must produce a {}, but it produces a {}",
                        expected.name(),
                        found.name()
                    )
                }
            }
            K::EmptyList => {
                if zh {
                    "不允许空列表 `[]`（无法确定元素类型）".to_string()
                } else {
                    "an empty list `[]` is not allowed (its element type is unknown)".to_string()
                }
            }
            K::Arity {
                func,
                min,
                max,
                found,
            } => {
                let want = match (max, zh) {
                    (Some(m), false) if m == min => format!("{m}"),
                    (Some(m), false) => format!("{min} to {m}"),
                    (None, false) => format!("at least {min}"),
                    (Some(m), true) if m == min => format!("{m} 个"),
                    (Some(m), true) => format!("{min} 至 {m} 个"),
                    (None, true) => format!("至少 {min} 个"),
                };
                if zh {
                    format!("函数 `{func}` 需要{want}参数，实际给出 {found} 个")
                } else {
                    let plural = if *min == 1 && max.is_none_or(|m| m == 1) {
                        "argument"
                    } else {
                        "arguments"
                    };
                    format!("`{func}` takes {want} {plural}, but got {found}")
                }
            }
            K::TooLong { len, max } => {
                if zh {
                    format!("表达式过长：{len} 字节（上限 {max}）")
                } else {
                    format!("the expression is too long: {len} bytes (maximum {max})")
                }
            }
            K::TooDeep { max } => {
                if zh {
                    format!("表达式嵌套过深（上限 {max} 层）")
                } else {
                    format!("the expression is nested too deeply (maximum depth {max})")
                }
            }
            K::TooManyNodes { max } => {
                if zh {
                    format!("表达式过大（超过 {max} 个节点）")
                } else {
                    format!("the expression is too large (more than {max} nodes)")
                }
            }
        }
    }
}

fn unknown_msg(
    zh: bool,
    en: &str,
    zh_text: &str,
    name: &str,
    suggestion: &Option<String>,
) -> String {
    match (suggestion, zh) {
        (Some(s), false) => format!("{en} `{name}`; did you mean `{s}`?"),
        (None, false) => format!("{en} `{name}`"),
        (Some(s), true) => format!("{zh_text} `{name}`，是否指 `{s}`？"),
        (None, true) => format!("{zh_text} `{name}`"),
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(false))
    }
}

impl std::error::Error for ExprError {}

#[cfg(test)]
mod flat_tests;
#[cfg(test)]
mod tests;
