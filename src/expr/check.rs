//! Name resolution and type checking: turns the parser's AST into a typed,
//! resolved tree ready for evaluation.

use super::parser::{BinOp, Expr, ExprKind, UnOp};
use super::{ExprError, ExprErrorKind, NameRef, Scope, Span, Type, Value};

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    Min,
    Max,
    Abs,
    Sum,
    Count,
    Exists,
    Dot,
    Growth,
    AllIn,
    AnyBetween,
    Date,
    RoundDown,
}

const FUNCS: [Func; 12] = [
    Func::Min,
    Func::Max,
    Func::Abs,
    Func::Sum,
    Func::Count,
    Func::Exists,
    Func::Dot,
    Func::Growth,
    Func::AllIn,
    Func::AnyBetween,
    Func::Date,
    Func::RoundDown,
];

impl Func {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Sum => "sum",
            Func::Count => "count",
            Func::Exists => "exists",
            Func::Dot => "dot",
            Func::Growth => "growth",
            Func::AllIn => "all_in",
            Func::AnyBetween => "any_between",
            Func::Date => "date",
            Func::RoundDown => "round_down",
        }
    }

    fn from_name(name: &str) -> Option<Func> {
        FUNCS.iter().copied().find(|f| f.name() == name)
    }

    /// (minimum, maximum) number of arguments; `None` = variadic.
    fn arity(self) -> (usize, Option<usize>) {
        match self {
            Func::Min | Func::Max | Func::Sum => (1, None),
            Func::Abs | Func::Count | Func::Exists => (1, Some(1)),
            Func::Dot | Func::Growth | Func::AllIn | Func::RoundDown => (2, Some(2)),
            Func::AnyBetween | Func::Date => (3, Some(3)),
        }
    }
}

/// A resolved, typed AST node.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub span: Span,
    pub ty: Type,
    pub kind: NodeKind,
}

#[derive(Clone, Debug)]
pub(crate) enum NodeKind {
    Lit(Value),
    Slot {
        slot: u32,
        name: String,
    },
    Index {
        table: u32,
        name: String,
        key: Box<Node>,
    },
    Neg(Box<Node>),
    Not(Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
    List(Vec<Node>),
    Paren(Box<Node>),
}

impl Node {
    /// Visit children in source order.
    fn children(&self) -> impl Iterator<Item = &Node> {
        let (fixed, rest): ([Option<&Node>; 3], &[Node]) = match &self.kind {
            NodeKind::Lit(_) | NodeKind::Slot { .. } => ([None, None, None], &[]),
            NodeKind::Index { key: a, .. }
            | NodeKind::Neg(a)
            | NodeKind::Not(a)
            | NodeKind::Paren(a) => ([Some(a), None, None], &[]),
            NodeKind::Bin(_, a, b) => ([Some(a), Some(b), None], &[]),
            NodeKind::If(a, b, c) => ([Some(a), Some(b), Some(c)], &[]),
            NodeKind::Call(_, args) | NodeKind::List(args) => ([None, None, None], args),
        };
        fixed.into_iter().flatten().chain(rest.iter())
    }

    /// Whether this node may evaluate to unknown, given which slots may be unknown. Slots in
    /// `guarded` are known to exist here: the right side of `exists(x) and …`, the `then` branch
    /// of `if exists(x) then … else …`. Table lookups and `growth` (no rate without a positive
    /// base) may always be unknown. Used for rule-status coverage, not for evaluation.
    pub(crate) fn may_be_unknown(&self, unknowable: &dyn Fn(u32) -> bool, guarded: &[u32]) -> bool {
        match &self.kind {
            NodeKind::Lit(_) => false,
            NodeKind::Slot { slot, .. } => unknowable(*slot) && !guarded.contains(slot),
            NodeKind::Index { .. } | NodeKind::Call(Func::Growth, _) => true,
            NodeKind::Call(Func::Exists, _) => false,
            NodeKind::Bin(BinOp::And, a, b) => {
                let mut inner = guarded.to_vec();
                a.exists_guards(&mut inner);
                a.may_be_unknown(unknowable, guarded) || b.may_be_unknown(unknowable, &inner)
            }
            NodeKind::If(c, t, e) => {
                let mut inner = guarded.to_vec();
                c.exists_guards(&mut inner);
                c.may_be_unknown(unknowable, guarded)
                    || t.may_be_unknown(unknowable, &inner)
                    || e.may_be_unknown(unknowable, guarded)
            }
            _ => self
                .children()
                .any(|c| c.may_be_unknown(unknowable, guarded)),
        }
    }

    /// Slots that `exists(slot)` conjuncts of this condition guarantee.
    fn exists_guards(&self, out: &mut Vec<u32>) {
        match &self.kind {
            NodeKind::Paren(a) => a.exists_guards(out),
            NodeKind::Bin(BinOp::And, a, b) => {
                a.exists_guards(out);
                b.exists_guards(out);
            }
            NodeKind::Call(Func::Exists, args) => {
                if let [
                    Node {
                        kind: NodeKind::Slot { slot, .. },
                        ..
                    },
                ] = args.as_slice()
                {
                    out.push(*slot);
                }
            }
            _ => {}
        }
    }

    /// Collect slot names (or table names when `tables`) in pre-order, deduplicated.
    pub(crate) fn collect_names(&self, out: &mut Vec<String>, tables: bool) {
        match &self.kind {
            NodeKind::Slot { name, .. } if !tables && !out.contains(name) => {
                out.push(name.clone());
            }
            NodeKind::Index { name, .. } if tables && !out.contains(name) => {
                out.push(name.clone());
            }
            _ => {}
        }
        for c in self.children() {
            c.collect_names(out, tables);
        }
    }

    /// Whether the expression reads `slot` (no allocation; a filing's evaluation asks).
    pub(crate) fn reads_slot(&self, slot: u32) -> bool {
        matches!(&self.kind, NodeKind::Slot { slot: s, .. } if *s == slot)
            || self.children().any(|c| c.reads_slot(slot))
    }

    /// Calls `f` with every slot the expression reads (repeats included; no allocation).
    pub(crate) fn each_slot(&self, f: &mut dyn FnMut(u32)) {
        if let NodeKind::Slot { slot, .. } = &self.kind {
            f(*slot);
        }
        for c in self.children() {
            c.each_slot(f);
        }
    }

    pub(crate) fn collect_refs(&self, out: &mut Vec<(String, NameRef)>) {
        let r = match &self.kind {
            NodeKind::Slot { slot, name } => Some((name, NameRef::Slot(*slot))),
            NodeKind::Index { table, name, .. } => Some((name, NameRef::Table(*table))),
            _ => None,
        };
        if let Some((name, r)) = r
            && !out.iter().any(|(n, x)| n == name && *x == r)
        {
            out.push((name.clone(), r));
        }
        for c in self.children() {
            c.collect_refs(out);
        }
    }
}

/// Best did-you-mean suggestion for `name` among `candidates`.
pub(crate) fn suggest<S: AsRef<str>>(name: &str, candidates: &[S]) -> Option<String> {
    let mut best: Option<(usize, f64, &str)> = None;
    let long_enough = name.chars().count() >= 4;
    for c in candidates {
        let c = c.as_ref();
        if c == name {
            continue;
        }
        let lev = strsim::levenshtein(name, c);
        let jw = strsim::jaro_winkler(name, c);
        if !(jw >= 0.85 || (lev <= 2 && long_enough)) {
            continue;
        }
        let better = match best {
            None => true,
            Some((bl, bj, bc)) => {
                lev < bl
                    || (lev == bl
                        && (jw.total_cmp(&bj).is_gt() || (jw.total_cmp(&bj).is_eq() && c < bc)))
            }
        };
        if better {
            best = Some((lev, jw, c));
        }
    }
    best.map(|(_, _, c)| c.to_string())
}

pub(crate) fn check(e: &Expr, scope: &dyn Scope) -> Result<Node, ExprError> {
    Checker { scope }.node(e)
}

struct Checker<'a> {
    scope: &'a dyn Scope,
}

fn mismatch(node: &Node, context: &str, expected: &[Type]) -> ExprError {
    ExprError {
        span: node.span,
        kind: ExprErrorKind::TypeMismatch {
            context: context.to_string(),
            expected: expected.to_vec(),
            found: node.ty.clone(),
        },
    }
}

fn want(node: &Node, context: &str, allowed: &[Type]) -> Result<(), ExprError> {
    if allowed.contains(&node.ty) {
        Ok(())
    } else {
        Err(mismatch(node, context, allowed))
    }
}

type Checked = Result<(Type, NodeKind), ExprError>;

// Each construct is checked in its own small function so that the frame of the
// recursive `node` stays small (this matters for unoptimized builds).
impl Checker<'_> {
    fn node(&self, e: &Expr) -> Result<Node, ExprError> {
        let (ty, kind) = match &e.kind {
            ExprKind::Num(n) => (Type::Num, NodeKind::Lit(Value::Num(*n))),
            ExprKind::Str(s) => (Type::Str, NodeKind::Lit(Value::Str(s.clone()))),
            ExprKind::Bool(b) => (Type::Bool, NodeKind::Lit(Value::Bool(*b))),
            ExprKind::Name(name) => self.name(name, e.span)?,
            ExprKind::Index {
                name,
                name_span,
                key,
            } => self.index(name, *name_span, key)?,
            ExprKind::Unary(op, a) => self.unary(*op, a)?,
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b)?,
            ExprKind::If(c, a, b) => self.if_(c, a, b)?,
            ExprKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, *name_span, e.span, args)?,
            ExprKind::List(items) => self.list(items, e.span)?,
            ExprKind::Paren(a) => {
                let a = self.node(a)?;
                (a.ty.clone(), NodeKind::Paren(Box::new(a)))
            }
        };
        Ok(Node {
            span: e.span,
            ty,
            kind,
        })
    }

    fn name(&self, name: &str, span: Span) -> Checked {
        if let Some((slot, ty)) = self.scope.resolve(name) {
            let name = name.to_string();
            return Ok((ty, NodeKind::Slot { slot, name }));
        }
        let kind = if self.scope.resolve_table(name).is_some() {
            ExprErrorKind::TableWithoutKey {
                name: name.to_string(),
            }
        } else {
            ExprErrorKind::UnknownName {
                name: name.to_string(),
                suggestion: suggest(name, &self.scope.candidates()),
            }
        };
        Err(ExprError { span, kind })
    }

    fn index(&self, name: &str, name_span: Span, key: &Expr) -> Checked {
        let Some((table, key_ty, val_ty)) = self.scope.resolve_table(name) else {
            return Err(ExprError {
                span: name_span,
                kind: ExprErrorKind::UnknownTable {
                    name: name.to_string(),
                    suggestion: suggest(name, &self.scope.candidates()),
                },
            });
        };
        let key = self.node(key)?;
        want(&key, name, std::slice::from_ref(&key_ty))?;
        let name = name.to_string();
        let key = Box::new(key);
        Ok((val_ty, NodeKind::Index { table, name, key }))
    }

    fn unary(&self, op: UnOp, a: &Expr) -> Checked {
        let a = self.node(a)?;
        match op {
            UnOp::Neg => {
                want(&a, "-", &[Type::Num])?;
                Ok((Type::Num, NodeKind::Neg(Box::new(a))))
            }
            UnOp::Not => {
                want(&a, "not", &[Type::Bool])?;
                Ok((Type::Bool, NodeKind::Not(Box::new(a))))
            }
        }
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr) -> Checked {
        let l = self.node(a)?;
        let r = self.node(b)?;
        let ty = binary_type(op, &l, &r)?;
        Ok((ty, NodeKind::Bin(op, Box::new(l), Box::new(r))))
    }

    fn if_(&self, c: &Expr, a: &Expr, b: &Expr) -> Checked {
        let c = self.node(c)?;
        want(&c, "if", &[Type::Bool])?;
        let a = self.node(a)?;
        let b = self.node(b)?;
        if a.ty != b.ty {
            return Err(ExprError {
                span: b.span,
                kind: ExprErrorKind::BranchMismatch {
                    then_type: a.ty.clone(),
                    else_type: b.ty.clone(),
                },
            });
        }
        let ty = a.ty.clone();
        Ok((ty, NodeKind::If(Box::new(c), Box::new(a), Box::new(b))))
    }

    fn call(&self, name: &str, name_span: Span, span: Span, args: &[Expr]) -> Checked {
        let Some(func) = Func::from_name(name) else {
            let names: Vec<&str> = FUNCS.iter().map(|f| f.name()).collect();
            return Err(ExprError {
                span: name_span,
                kind: ExprErrorKind::UnknownFunction {
                    name: name.to_string(),
                    suggestion: suggest(name, &names),
                },
            });
        };
        let (min, max) = func.arity();
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            return Err(ExprError {
                span,
                kind: ExprErrorKind::Arity {
                    func: name.to_string(),
                    min,
                    max,
                    found: args.len(),
                },
            });
        }
        let args = self.nodes(args)?;
        let ty = call_type(func, &args)?;
        Ok((ty, NodeKind::Call(func, args)))
    }

    fn nodes(&self, items: &[Expr]) -> Result<Vec<Node>, ExprError> {
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            out.push(self.node(it)?);
        }
        Ok(out)
    }

    fn list(&self, items: &[Expr], span: Span) -> Checked {
        let items = self.nodes(items)?;
        let Some(first) = items.first() else {
            return Err(ExprError {
                span,
                kind: ExprErrorKind::EmptyList,
            });
        };
        want(first, "[...]", &[Type::Num, Type::Str])?;
        let elem = first.ty.clone();
        for it in &items {
            want(it, "[...]", std::slice::from_ref(&elem))?;
        }
        let ty = if elem == Type::Num {
            Type::NumList
        } else {
            Type::StrList
        };
        Ok((ty, NodeKind::List(items)))
    }
}

fn binary_type(op: BinOp, l: &Node, r: &Node) -> Result<Type, ExprError> {
    let sym = op.symbol();
    use Type::{Bool, Date, Num, NumList, Str, StrList};
    match op {
        BinOp::Or | BinOp::And => {
            want(l, sym, &[Bool])?;
            want(r, sym, &[Bool])?;
            Ok(Bool)
        }
        BinOp::Eq | BinOp::Ne => {
            want(l, sym, &[Num, Str, Bool, Date])?;
            want(r, sym, std::slice::from_ref(&l.ty))?;
            Ok(Bool)
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            want(l, sym, &[Num, Date])?;
            want(r, sym, std::slice::from_ref(&l.ty))?;
            Ok(Bool)
        }
        BinOp::In => {
            want(l, sym, &[Num, Str])?;
            let list = if l.ty == Num { NumList } else { StrList };
            want(r, sym, &[list])?;
            Ok(Bool)
        }
        BinOp::Add => match (&l.ty, &r.ty) {
            (Num, Num) => Ok(Num),
            (Date, Num) | (Num, Date) => Ok(Date),
            (Num, _) => Err(mismatch(r, sym, &[Num, Date])),
            (Date, _) => Err(mismatch(r, sym, &[Num])),
            _ => Err(mismatch(l, sym, &[Num, Date])),
        },
        BinOp::Sub => match (&l.ty, &r.ty) {
            (Num, Num) | (Date, Date) => Ok(Num),
            (Date, Num) => Ok(Date),
            (Num, _) => Err(mismatch(r, sym, &[Num])),
            (Date, _) => Err(mismatch(r, sym, &[Num, Date])),
            _ => Err(mismatch(l, sym, &[Num, Date])),
        },
        BinOp::Mul | BinOp::Div => {
            want(l, sym, &[Num])?;
            want(r, sym, &[Num])?;
            Ok(Num)
        }
    }
}

fn call_type(func: Func, args: &[Node]) -> Result<Type, ExprError> {
    use Type::{Bool, Date, Num, NumList, StrList};
    let name = func.name();
    let each = |tys: &[Type]| -> Result<(), ExprError> {
        for (a, t) in args.iter().zip(tys) {
            want(a, name, std::slice::from_ref(t))?;
        }
        Ok(())
    };
    match func {
        Func::Min | Func::Max | Func::Sum => {
            if let [only] = args {
                want(only, name, &[Num, NumList])?;
            } else {
                for a in args {
                    want(a, name, &[Num])?;
                }
            }
            Ok(Num)
        }
        Func::Abs => each(&[Num]).map(|()| Num),
        Func::Count => {
            for a in args {
                want(a, name, &[NumList, StrList])?;
            }
            Ok(Num)
        }
        Func::Exists => Ok(Bool),
        Func::Dot => each(&[NumList, NumList]).map(|()| Num),
        Func::Growth | Func::RoundDown => each(&[Num, Num]).map(|()| Num),
        Func::AllIn => {
            if let [list, set] = args {
                want(list, name, &[StrList, NumList])?;
                want(set, name, std::slice::from_ref(&list.ty))?;
            }
            Ok(Bool)
        }
        Func::AnyBetween => each(&[NumList, Num, Num]).map(|()| Bool),
        Func::Date => each(&[Num, Num, Num]).map(|()| Date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let c = ["cap_ratio", "budget.wage_total", "base_wage_total", "x"];
        assert_eq!(suggest("cap_ratoi", &c).as_deref(), Some("cap_ratio"));
        assert_eq!(
            suggest("budget.wage_totl", &c).as_deref(),
            Some("budget.wage_total")
        );
        assert_eq!(
            suggest("base_wage_tota", &c).as_deref(),
            Some("base_wage_total")
        );
        assert_eq!(suggest("completely_else", &c), None);
        // Very short names only match by Jaro-Winkler, not by edit distance.
        assert_eq!(suggest("y", &c), None);
        assert_eq!(suggest("cap_ratio", &["cap_ratio"]), None);
        let f: Vec<&str> = FUNCS.iter().map(|f| f.name()).collect();
        assert_eq!(suggest("grwoth", &f).as_deref(), Some("growth"));
        assert_eq!(suggest("maxx", &f).as_deref(), Some("max"));
    }

    #[test]
    fn func_names_roundtrip() {
        for f in FUNCS {
            assert_eq!(Func::from_name(f.name()), Some(f));
        }
        assert_eq!(Func::from_name("nope"), None);
    }
}
