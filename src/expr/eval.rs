//! Evaluation (with optional trace) and substitution rendering.
//!
//! Evaluation never panics: arithmetic uses checked operations, division by
//! zero and overflow yield `Value::Unknown` with a reason, and a value whose
//! shape does not match its checked type (only possible if an `Env` returns
//! ill-typed values) yields an "internal error" unknown.

use std::borrow::Cow;

use rust_decimal::RoundingStrategy;
use rust_decimal::prelude::ToPrimitive;

use super::check::{Func, Node, NodeKind};
use super::parser::BinOp;
use super::{Date, Decimal, Env, Span, Step, Type, Unknown, Value};

pub(crate) struct Ctx<'a> {
    src: &'a str,
    env: &'a dyn Env,
    trace: Option<&'a mut Vec<Step>>,
}

fn slice(src: &str, span: Span) -> &str {
    src.get(span.start..span.end).unwrap_or_default()
}

pub(super) fn internal() -> Value {
    Value::unknown("internal error: a value does not match its checked type")
}

/// Merge the reasons of `v` (and, for a list, of its unknown elements) into `acc`.
pub(super) fn merge_reasons(acc: &mut Option<Unknown>, v: &Value) {
    match v {
        Value::Unknown(u) => acc.get_or_insert_with(Unknown::default).merge(u),
        Value::List(items) => {
            for it in items {
                merge_reasons(acc, it);
            }
        }
        _ => {}
    }
}

/// If any of `vals` is itself unknown, the union of their reasons.
pub(super) fn unknown_of(vals: &[&Value]) -> Option<Value> {
    let mut acc = None;
    for v in vals {
        if let Value::Unknown(_) = v {
            merge_reasons(&mut acc, v);
        }
    }
    acc.map(Value::Unknown)
}

/// Integer value of `d` if it is whole and fits in an `i64`.
pub(super) fn whole(d: Decimal) -> Option<i64> {
    if d.fract().is_zero() {
        d.to_i64()
    } else {
        None
    }
}

enum FoldStop {
    Overflow,
    Internal,
}

/// The running state of `min`, `max` or `sum` over its operands, shared by both evaluators.
pub(super) struct Fold {
    f: Func,
    acc: Option<Decimal>,
    unk: Option<Unknown>,
    result: Result<(), FoldStop>,
}

impl Fold {
    pub(super) fn new(f: Func) -> Fold {
        Fold {
            f,
            acc: None,
            unk: None,
            result: Ok(()),
        }
    }

    /// Take one operand (after the first error, operands are ignored).
    pub(super) fn push(&mut self, v: &Value) {
        if self.result.is_ok() {
            self.result = fold_one(self.f, v, &mut self.acc, &mut self.unk);
        }
    }

    /// The result; `text` is the whole call's source text (for messages).
    pub(super) fn finish(self, text: &str) -> Value {
        match self.result {
            Err(FoldStop::Overflow) => return overflow(text),
            Err(FoldStop::Internal) => return internal(),
            Ok(()) => {}
        }
        if let Some(u) = self.unk {
            return Value::Unknown(u);
        }
        match (self.acc, self.f) {
            (Some(d), _) => Value::Num(d),
            (None, Func::Sum) => Value::Num(Decimal::ZERO),
            (None, _) => Value::unknown(format!("{text} of an empty list")),
        }
    }
}

/// "arithmetic overflow in …", `text` being the operation's source text.
pub(super) fn overflow(text: &str) -> Value {
    Value::unknown(format!("arithmetic overflow in {text}"))
}

/// A checked result: the number, or an overflow unknown naming `text`.
pub(super) fn checked(text: &str, r: Option<Decimal>) -> Value {
    match r {
        Some(d) => Value::Num(d),
        None => overflow(text),
    }
}

fn fold_one(
    f: Func,
    v: &Value,
    acc: &mut Option<Decimal>,
    unk: &mut Option<Unknown>,
) -> Result<(), FoldStop> {
    match v {
        Value::Num(d) => {
            *acc = Some(match (*acc, f) {
                (None, _) => *d,
                (Some(a), Func::Min) => a.min(*d),
                (Some(a), Func::Max) => a.max(*d),
                (Some(a), _) => a.checked_add(*d).ok_or(FoldStop::Overflow)?,
            });
            Ok(())
        }
        Value::Unknown(_) => {
            merge_reasons(unk, v);
            Ok(())
        }
        _ => Err(FoldStop::Internal),
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(src: &'a str, env: &'a dyn Env, trace: Option<&'a mut Vec<Step>>) -> Self {
        Ctx { src, env, trace }
    }

    fn text(&self, span: Span) -> &'a str {
        slice(self.src, span)
    }

    /// The value of an operand that is only read: a slot's value borrowed from the
    /// environment when nothing is traced, else evaluated.
    fn operand(&mut self, n: &Node) -> Cow<'a, Value> {
        if self.trace.is_none()
            && let NodeKind::Slot { slot, .. } = &n.kind
            && let Some(v) = self.env.get_ref(*slot)
        {
            return Cow::Borrowed(v);
        }
        Cow::Owned(self.eval(n))
    }

    pub(crate) fn eval(&mut self, n: &Node) -> Value {
        let v = self.eval_kind(n);
        if !matches!(n.kind, NodeKind::Lit(_) | NodeKind::Paren(_)) {
            let src = self.src;
            if let Some(t) = self.trace.as_deref_mut() {
                t.push(Step {
                    span: n.span,
                    text: slice(src, n.span).to_string(),
                    value: v.clone(),
                });
            }
        }
        v
    }

    fn eval_kind(&mut self, n: &Node) -> Value {
        match &n.kind {
            NodeKind::Lit(v) => v.clone(),
            NodeKind::Slot { slot, .. } => self.env.get(*slot),
            NodeKind::Index { table, key, .. } => {
                let k = self.eval(key);
                if k.is_known() {
                    self.env.lookup(*table, &k)
                } else {
                    k
                }
            }
            NodeKind::Neg(a) => match self.eval(a) {
                Value::Num(d) => Value::Num(-d),
                u @ Value::Unknown(_) => u,
                _ => internal(),
            },
            NodeKind::Not(a) => match self.eval(a) {
                Value::Bool(b) => Value::Bool(!b),
                u @ Value::Unknown(_) => u,
                _ => internal(),
            },
            NodeKind::Bin(op, a, b) => self.binary(n, *op, a, b),
            NodeKind::If(c, a, b) => match self.eval(c) {
                Value::Bool(true) => self.eval(a),
                Value::Bool(false) => {
                    // `if exists(x) then x else y` with both unknown: `x` settles it as well
                    // as `y` does, so name it too (it is usually the field people fill in).
                    let v = self.eval(b);
                    match (v, &c.kind) {
                        (Value::Unknown(mut u), NodeKind::Call(Func::Exists, args)) => {
                            for arg in args {
                                if let NodeKind::Slot { name, .. } = &arg.kind {
                                    u.add(name.clone());
                                }
                            }
                            Value::Unknown(u)
                        }
                        (v, _) => v,
                    }
                }
                cond @ Value::Unknown(_) => {
                    let x = self.eval(a);
                    let y = self.eval(b);
                    if_unknown(&cond, x, &y)
                }
                _ => internal(),
            },
            NodeKind::Call(f, args) => self.call(n, *f, args),
            NodeKind::List(items) => Value::List(items.iter().map(|i| self.eval(i)).collect()),
            NodeKind::Paren(a) => self.eval(a),
        }
    }

    fn binary(&mut self, n: &Node, op: BinOp, a: &Node, b: &Node) -> Value {
        if matches!(op, BinOp::And | BinOp::Or) {
            // The value that decides the result on its own.
            let decisive = op == BinOp::Or;
            let l = self.eval(a);
            if l == Value::Bool(decisive) {
                return l;
            }
            let r = self.eval(b);
            return logic(decisive, l, r);
        }
        let l = self.operand(a);
        let r = self.operand(b);
        binary(op, self.text(n.span), self.text(b.span), &l, &r)
    }

    fn call(&mut self, n: &Node, f: Func, args: &[Node]) -> Value {
        use Value::{Bool, Num};
        match (f, args) {
            (Func::Min | Func::Max | Func::Sum, _) => self.fold(n, f, args),
            (Func::Abs, [x]) => match self.eval(x) {
                Num(d) => Num(d.abs()),
                u @ Value::Unknown(_) => u,
                _ => internal(),
            },
            (Func::Count, [x]) => count(&self.operand(x)),
            (Func::Exists, [x]) => Bool(self.operand(x).is_fully_known()),
            (Func::Dot, [w, v]) => {
                let wv = self.operand(w);
                let vv = self.operand(v);
                dot(self.text(n.span), self.text(w.span), &wv, &vv)
            }
            (Func::Growth, [p, c]) => {
                let pv = self.eval(p);
                let cv = self.eval(c);
                growth(self.text(n.span), self.text(p.span), &pv, &cv)
            }
            (Func::AllIn, [list, set]) => {
                let lv = self.operand(list);
                let sv = self.operand(set);
                all_in(&lv, &sv)
            }
            (Func::AnyBetween, [list, lo, hi]) => {
                let lv = self.operand(list);
                let lo = self.operand(lo);
                let hi = self.operand(hi);
                any_between(&lv, &lo, &hi)
            }
            (Func::Date, [y, m, d]) => {
                let y = self.eval(y);
                let m = self.eval(m);
                let d = self.eval(d);
                make_date(&y, &m, &d)
            }
            (Func::RoundDown, [x, p]) => {
                let x = self.eval(x);
                let p = self.eval(p);
                round_down(&x, &p)
            }
            // Arity is enforced by the type checker.
            _ => internal(),
        }
    }

    /// `min`, `max` and `sum` over either numeric arguments or one list.
    fn fold(&mut self, n: &Node, f: Func, args: &[Node]) -> Value {
        let mut fold = Fold::new(f);
        match args {
            [only] if only.ty == Type::NumList => match &*self.operand(only) {
                Value::List(items) => {
                    for it in items {
                        fold.push(it);
                    }
                }
                u @ Value::Unknown(_) => return u.clone(),
                _ => return internal(),
            },
            _ => {
                for a in args {
                    let v = self.eval(a);
                    fold.push(&v);
                }
            }
        }
        fold.finish(self.text(n.span))
    }

    /// Render `n` with names and lookups replaced by their values.
    /// `operand` = `n` is an operand of an operator (negative values get parentheses).
    pub(crate) fn render(&mut self, n: &Node, out: &mut String, operand: bool) {
        match &n.kind {
            NodeKind::Lit(_) => out.push_str(self.text(n.span)),
            NodeKind::Slot { slot, .. } => {
                let v = self.env.get(*slot);
                push_value(out, &v, operand);
            }
            NodeKind::Index { table, key, .. } => {
                let k = self.eval(key);
                let v = if k.is_known() {
                    self.env.lookup(*table, &k)
                } else {
                    k
                };
                push_value(out, &v, operand);
            }
            NodeKind::Neg(a) => {
                out.push('-');
                self.render(a, out, true);
            }
            NodeKind::Not(a) => {
                out.push_str("not ");
                self.render(a, out, true);
            }
            NodeKind::Bin(op, a, b) => {
                self.render(a, out, true);
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                self.render(b, out, true);
            }
            NodeKind::If(c, a, b) => {
                out.push_str("if ");
                self.render(c, out, false);
                out.push_str(" then ");
                self.render(a, out, false);
                out.push_str(" else ");
                self.render(b, out, false);
            }
            NodeKind::Call(f, args) => {
                out.push_str(f.name());
                out.push('(');
                self.render_items(args, out);
                out.push(')');
            }
            NodeKind::List(items) => {
                out.push('[');
                self.render_items(items, out);
                out.push(']');
            }
            NodeKind::Paren(a) => {
                out.push('(');
                self.render(a, out, false);
                out.push(')');
            }
        }
    }

    fn render_items(&mut self, items: &[Node], out: &mut String) {
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.render(it, out, false);
        }
    }
}

fn push_value(out: &mut String, v: &Value, operand: bool) {
    let negative = matches!(v, Value::Num(d) if d.is_sign_negative() && !d.is_zero());
    if operand && negative {
        out.push('(');
        v.render_into(out, "?");
        out.push(')');
    } else {
        v.render_into(out, "?");
    }
}

/// `and` (`decisive` false) or `or` (`decisive` true) of `l` and `r`, `l` not being decisive
/// itself (then `r` is not evaluated).
pub(super) fn logic(decisive: bool, l: Value, r: Value) -> Value {
    match (&l, &r) {
        (Value::Bool(_), Value::Bool(_) | Value::Unknown(_)) => r,
        (Value::Unknown(_), Value::Bool(x)) if *x == decisive => r,
        (Value::Unknown(_), Value::Bool(_)) => l,
        (Value::Unknown(_), Value::Unknown(_)) => unknown_of(&[&l, &r]).unwrap_or_else(internal),
        _ => internal(),
    }
}

/// `if` whose condition `cond` is unknown, `x` and `y` being both branches' values.
pub(super) fn if_unknown(cond: &Value, x: Value, y: &Value) -> Value {
    if x.is_fully_known() && y.is_fully_known() && x == *y {
        return x;
    }
    let mut acc = None;
    merge_reasons(&mut acc, cond);
    merge_reasons(&mut acc, &x);
    merge_reasons(&mut acc, y);
    acc.map_or_else(internal, Value::Unknown)
}

/// A binary operator other than `and`/`or`. `text` is the operation's source text, `rhs`
/// its right operand's (for messages).
pub(super) fn binary(op: BinOp, text: &str, rhs: &str, l: &Value, r: &Value) -> Value {
    if let Some(u) = unknown_of(&[l, r]) {
        return u;
    }
    use Value::{Bool, Num};
    match (op, l, r) {
        (BinOp::Add, Num(x), Num(y)) => checked(text, x.checked_add(*y)),
        (BinOp::Add, Value::Date(d), Num(k)) | (BinOp::Add, Num(k), Value::Date(d)) => {
            add_days(text, *d, *k, false)
        }
        (BinOp::Sub, Num(x), Num(y)) => checked(text, x.checked_sub(*y)),
        (BinOp::Sub, Value::Date(d), Num(k)) => add_days(text, *d, *k, true),
        (BinOp::Sub, Value::Date(x), Value::Date(y)) => {
            Num(Decimal::from(x.signed_duration_since(*y).num_days()))
        }
        (BinOp::Mul, Num(x), Num(y)) => checked(text, x.checked_mul(*y)),
        (BinOp::Div, Num(x), Num(y)) => div(text, rhs, *x, *y),
        (BinOp::Eq, _, _) => Bool(l == r),
        (BinOp::Ne, _, _) => Bool(l != r),
        (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, _, _) => {
            let ord = match (&l, &r) {
                (Num(x), Num(y)) => x.cmp(y),
                (Value::Date(x), Value::Date(y)) => x.cmp(y),
                _ => return internal(),
            };
            Bool(compare(op, ord))
        }
        (BinOp::In, x, Value::List(items)) => membership(x, items),
        _ => internal(),
    }
}

/// `x / y`; `rhs` is the divisor's source text.
pub(super) fn div(text: &str, rhs: &str, x: Decimal, y: Decimal) -> Value {
    if y.is_zero() {
        Value::unknown(format!("division by zero: {rhs} = 0"))
    } else {
        checked(text, x.checked_div(y))
    }
}

/// Whether `ord` satisfies the comparison `op` (one of `<`, `<=`, `>`, `>=`).
pub(super) fn compare(op: BinOp, ord: std::cmp::Ordering) -> bool {
    match op {
        BinOp::Lt => ord.is_lt(),
        BinOp::Le => ord.is_le(),
        BinOp::Gt => ord.is_gt(),
        _ => ord.is_ge(),
    }
}

fn add_days(text: &str, d: Date, days: Decimal, subtract: bool) -> Value {
    let Some(k) = whole(days) else {
        if days.fract().is_zero() {
            return overflow(text);
        }
        return Value::unknown(format!(
            "not a whole number of days: {} in {}",
            days.normalize(),
            text
        ));
    };
    let delta = chrono::TimeDelta::try_days(k);
    let r = delta.and_then(|t| {
        if subtract {
            d.checked_sub_signed(t)
        } else {
            d.checked_add_signed(t)
        }
    });
    match r {
        Some(d) => Value::Date(d),
        None => overflow(text),
    }
}

/// `count(v)`.
pub(super) fn count(v: &Value) -> Value {
    match v {
        Value::List(items) => Value::Num(Decimal::from(items.len())),
        u @ Value::Unknown(_) => u.clone(),
        _ => internal(),
    }
}

/// `dot(wv, vv)`; `text` is the call's source text, `w_text` its first argument's.
pub(super) fn dot(text: &str, w_text: &str, wv: &Value, vv: &Value) -> Value {
    // A weighted sum of nothing is no weighted growth at all (no indicators), not 0.
    if let (Value::List(a), Value::List(b)) = (wv, vv)
        && a.is_empty()
        && b.is_empty()
    {
        return Value::unknown(format!("{w_text} is empty"));
    }
    if let Some(u) = unknown_of(&[wv, vv]) {
        return u;
    }
    let (Some(ws), Some(vs)) = (wv.as_list(), vv.as_list()) else {
        return internal();
    };
    if ws.len() != vs.len() {
        return Value::unknown(format!(
            "{}: lists have different lengths ({} and {})",
            text,
            ws.len(),
            vs.len()
        ));
    }
    let mut unk = None;
    let mut acc = Decimal::ZERO;
    for (x, y) in ws.iter().zip(vs) {
        match (x, y) {
            (Value::Num(a), Value::Num(b)) => {
                match a.checked_mul(*b).and_then(|p| acc.checked_add(p)) {
                    Some(s) => acc = s,
                    None => return overflow(text),
                }
            }
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => {
                merge_reasons(&mut unk, x);
                merge_reasons(&mut unk, y);
            }
            _ => return internal(),
        }
    }
    match unk {
        Some(u) => Value::Unknown(u),
        None => Value::Num(acc),
    }
}

/// `growth(pv, cv)`; `text` is the call's source text, `p_text` its first argument's.
pub(super) fn growth(text: &str, p_text: &str, pv: &Value, cv: &Value) -> Value {
    if let Value::Num(pd) = pv
        && *pd <= Decimal::ZERO
    {
        return Value::unknown(format!("{p_text} ≤ 0 (no growth rate)"));
    }
    if let Some(u) = unknown_of(&[pv, cv]) {
        return u;
    }
    match (pv, cv) {
        (Value::Num(pd), Value::Num(cd)) => checked(
            text,
            cd.checked_div(*pd)
                .and_then(|q| q.checked_sub(Decimal::ONE)),
        ),
        _ => internal(),
    }
}

/// `round_down(x, p)`.
pub(super) fn round_down(x: &Value, p: &Value) -> Value {
    if let Some(u) = unknown_of(&[x, p]) {
        return u;
    }
    match (x, p) {
        (Value::Num(x), Value::Num(p)) => match whole(*p).and_then(|p| u32::try_from(p).ok()) {
            Some(places) if places <= 28 => {
                Value::Num(x.round_dp_with_strategy(places, RoundingStrategy::ToNegativeInfinity))
            }
            _ => Value::unknown(format!(
                "invalid number of decimal places: {}",
                p.normalize()
            )),
        },
        _ => internal(),
    }
}

/// `x in items`, with `x` known.
pub(super) fn membership(x: &Value, items: &[Value]) -> Value {
    if items.iter().any(|it| it == x) {
        return Value::Bool(true);
    }
    let mut unk = None;
    for it in items {
        merge_reasons(&mut unk, it);
    }
    unk.map_or(Value::Bool(false), Value::Unknown)
}

pub(super) fn all_in(lv: &Value, sv: &Value) -> Value {
    let items = match lv {
        Value::List(items) => items,
        Value::Unknown(_) => return unknown_of(&[lv, sv]).unwrap_or_else(internal),
        _ => return internal(),
    };
    if items.is_empty() {
        return Value::Bool(true);
    }
    let set = match sv {
        Value::List(set) => set,
        Value::Unknown(_) => {
            let mut unk = None;
            merge_reasons(&mut unk, sv);
            merge_reasons(&mut unk, lv);
            return unk.map_or_else(internal, Value::Unknown);
        }
        _ => return internal(),
    };
    let mut unk = None;
    for it in items {
        if !it.is_known() {
            merge_reasons(&mut unk, it);
            continue;
        }
        match membership(it, set) {
            Value::Bool(true) => {}
            Value::Bool(false) => return Value::Bool(false),
            u => merge_reasons(&mut unk, &u),
        }
    }
    unk.map_or(Value::Bool(true), Value::Unknown)
}

pub(super) fn any_between(lv: &Value, lo: &Value, hi: &Value) -> Value {
    if matches!(lv, Value::List(items) if items.is_empty()) {
        return Value::Bool(false);
    }
    if let Some(u) = unknown_of(&[lv, lo, hi]) {
        return u;
    }
    let (Value::List(items), Value::Num(lo), Value::Num(hi)) = (lv, lo, hi) else {
        return internal();
    };
    let mut unk = None;
    for it in items {
        match it {
            Value::Num(x) if lo <= x && x <= hi => return Value::Bool(true),
            Value::Num(_) => {}
            Value::Unknown(_) => merge_reasons(&mut unk, it),
            _ => return internal(),
        }
    }
    unk.map_or(Value::Bool(false), Value::Unknown)
}

pub(super) fn make_date(y: &Value, m: &Value, d: &Value) -> Value {
    if let Some(u) = unknown_of(&[y, m, d]) {
        return u;
    }
    let (Value::Num(y), Value::Num(m), Value::Num(d)) = (y, m, d) else {
        return internal();
    };
    let parts = (
        whole(*y).and_then(|v| i32::try_from(v).ok()),
        whole(*m).and_then(|v| u32::try_from(v).ok()),
        whole(*d).and_then(|v| u32::try_from(v).ok()),
    );
    if let (Some(yy), Some(mm), Some(dd)) = parts
        && let Some(date) = Date::from_ymd_opt(yy, mm, dd)
    {
        return Value::Date(date);
    }
    Value::unknown(format!(
        "no such date: {}-{}-{}",
        y.normalize(),
        m.normalize(),
        d.normalize()
    ))
}
