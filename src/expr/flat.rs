//! The compiled form of an expression: its checked tree lowered once into a flat program of
//! operations in post-order, run with an explicit, fixed-capacity stack.
//!
//! The program computes exactly what the tree-walker in `eval.rs` computes (same variants,
//! same decimal scales, same unknown reasons), which stays the reference: everything but the
//! common cases on known scalars goes through the tree-walker's own helper functions. What it
//! saves is the recursion, the trace checks at every node and the copies: a slot's value and
//! a string constant are borrowed ([`Val::Ref`]), numbers, booleans and dates are `Copy`, and
//! only unknowns and constructed lists own heap data. The stack lives in the evaluating
//! function's frame, sized from the program: no allocation for known values.
//!
//! `and`/`or` and `if` keep the tree's evaluation order and short circuits with jumps: the
//! untaken operand of a decided `and`/`or` and the untaken branch of an `if` with a known
//! condition are not run; an `if` with an unknown condition runs both branches.

use std::borrow::Cow;

use arrayvec::ArrayVec;

use super::check::{Func, Node, NodeKind};
use super::eval::{self, Fold};
use super::parser::BinOp;
use super::{Date, Decimal, Env, Span, Type, Value};

/// No exists-names for an `if` (see [`Op::IfEnd`]).
const NO_NAMES: u32 = u32::MAX;

/// One operation. Operand counts are fixed by the operation (or given); each leaves one value.
#[derive(Clone, Debug)]
enum Op {
    /// Push a numeric literal.
    Num(Decimal),
    /// Push a boolean literal.
    Bool(bool),
    /// Push a constant of the side table, borrowed.
    Const(u32),
    /// Push a slot's value, borrowed when the environment holds it.
    Slot(u32),
    /// Replace the key on top with the table's value for it (an unknown key stays).
    Index(u32),
    Neg,
    Not,
    /// `and` (`decisive` false) / `or` (true): if the left operand on top is `decisive`, it is
    /// the result: jump to `to` (past the right operand and its [`Op::Logic`]).
    Skip {
        decisive: bool,
        to: u32,
    },
    /// Combine the two operands of `and`/`or`.
    Logic {
        decisive: bool,
    },
    /// A binary operator other than `and`/`or`; texts of the operation and its right operand.
    Bin {
        op: BinOp,
        text: u32,
        rhs: u32,
    },
    /// `if`, the condition on top. `true` and unknown: keep it, run the `then` branch.
    /// `false`: keep it, push a placeholder for the `then` value, jump to `to_else`.
    /// Anything else: replace it by an internal error, jump to `to_end`.
    IfTest {
        to_else: u32,
        to_end: u32,
    },
    /// After the `then` branch (condition, value): a `true` condition leaves the value and
    /// jumps to `to_end`; an unknown one runs the `else` branch as well.
    IfThen {
        to_end: u32,
    },
    /// After the `else` branch (condition, `then` value or placeholder, `else` value): the
    /// result. `names`: index of the slot names an unknown `else` value adds when the
    /// condition is `exists(…)`, or [`NO_NAMES`].
    IfEnd {
        names: u32,
    },
    /// `min`/`max`/`sum` over the top `n` numbers; the call's text.
    Fold {
        f: Func,
        n: u32,
        text: u32,
    },
    /// `min`/`max`/`sum` of one list.
    FoldList {
        f: Func,
        text: u32,
    },
    Abs,
    Count,
    Exists,
    Dot {
        text: u32,
        w_text: u32,
    },
    Growth {
        text: u32,
        p_text: u32,
    },
    AllIn,
    AnyBetween,
    MakeDate,
    RoundDown,
    /// A list of the top `n` values.
    List(u32),
    /// A call the checker would not let through (wrong arity): drop `n` values, internal error.
    Internal(u32),
}

/// An expression's flat program.
#[derive(Clone, Debug, Default)]
pub(crate) struct Program {
    ops: Vec<Op>,
    /// Constants that are not `Copy` (strings), borrowed when pushed.
    consts: Vec<Value>,
    /// Source texts of sub-expressions named by messages.
    texts: Vec<String>,
    /// Slot names an `if exists(…) then … else …` adds to an unknown `else` value.
    names: Vec<Vec<String>>,
    /// The most values the stack holds at once.
    max_stack: usize,
}

/// A value on the stack.
#[derive(Debug)]
enum Val<'a> {
    Num(Decimal),
    Bool(bool),
    Date(Date),
    /// Borrowed from the environment or the constants; never a number, boolean or date.
    Ref(&'a Value),
    /// Owned; never a number, boolean or date.
    Own(Value),
}

impl<'a> Val<'a> {
    fn of_ref(v: &'a Value) -> Val<'a> {
        match v {
            Value::Num(d) => Val::Num(*d),
            Value::Bool(b) => Val::Bool(*b),
            Value::Date(d) => Val::Date(*d),
            _ => Val::Ref(v),
        }
    }

    fn of(v: Value) -> Val<'a> {
        match v {
            Value::Num(d) => Val::Num(d),
            Value::Bool(b) => Val::Bool(b),
            Value::Date(d) => Val::Date(d),
            v => Val::Own(v),
        }
    }

    /// The value, borrowed when it is not a scalar (a scalar is rebuilt, without allocating).
    fn value(&self) -> Cow<'_, Value> {
        match self {
            Val::Num(d) => Cow::Owned(Value::Num(*d)),
            Val::Bool(b) => Cow::Owned(Value::Bool(*b)),
            Val::Date(d) => Cow::Owned(Value::Date(*d)),
            Val::Ref(v) => Cow::Borrowed(v),
            Val::Own(v) => Cow::Borrowed(v),
        }
    }

    fn into_value(self) -> Value {
        match self {
            Val::Num(d) => Value::Num(d),
            Val::Bool(b) => Value::Bool(b),
            Val::Date(d) => Value::Date(d),
            Val::Ref(v) => v.clone(),
            Val::Own(v) => v,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_unknown(&self) -> bool {
        matches!(
            self,
            Val::Ref(Value::Unknown(_)) | Val::Own(Value::Unknown(_))
        )
    }

    fn is_fully_known(&self) -> bool {
        match self {
            Val::Ref(v) => v.is_fully_known(),
            Val::Own(v) => v.is_fully_known(),
            _ => true,
        }
    }
}

fn internal<'a>() -> Val<'a> {
    Val::Own(eval::internal())
}

/// Lowers a checked tree.
struct Lower<'s> {
    src: &'s str,
    prog: Program,
    depth: usize,
}

impl Lower<'_> {
    fn text(&mut self, span: Span) -> u32 {
        let t = self.src.get(span.start..span.end).unwrap_or_default();
        self.prog.texts.push(t.to_string());
        index(self.prog.texts.len() - 1)
    }

    /// Append `op`, which pops `pops` values and pushes one; its index.
    fn emit(&mut self, op: Op, pops: usize) -> usize {
        self.depth = self.depth.saturating_sub(pops) + 1;
        self.prog.max_stack = self.prog.max_stack.max(self.depth);
        self.prog.ops.push(op);
        self.prog.ops.len() - 1
    }

    fn here(&self) -> u32 {
        index(self.prog.ops.len())
    }

    fn node(&mut self, n: &Node) {
        match &n.kind {
            NodeKind::Lit(Value::Num(d)) => {
                self.emit(Op::Num(*d), 0);
            }
            NodeKind::Lit(Value::Bool(b)) => {
                self.emit(Op::Bool(*b), 0);
            }
            NodeKind::Lit(v) => {
                self.prog.consts.push(v.clone());
                let i = index(self.prog.consts.len() - 1);
                self.emit(Op::Const(i), 0);
            }
            NodeKind::Slot { slot, .. } => {
                self.emit(Op::Slot(*slot), 0);
            }
            NodeKind::Index { table, key, .. } => {
                self.node(key);
                self.emit(Op::Index(*table), 1);
            }
            NodeKind::Neg(a) => {
                self.node(a);
                self.emit(Op::Neg, 1);
            }
            NodeKind::Not(a) => {
                self.node(a);
                self.emit(Op::Not, 1);
            }
            NodeKind::Paren(a) => self.node(a),
            NodeKind::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                let decisive = *op == BinOp::Or;
                self.node(a);
                let skip = self.emit(Op::Skip { decisive, to: 0 }, 1);
                self.node(b);
                self.emit(Op::Logic { decisive }, 2);
                let end = self.here();
                self.prog.ops[skip] = Op::Skip { decisive, to: end };
            }
            NodeKind::Bin(op, a, b) => {
                self.node(a);
                self.node(b);
                let text = self.text(n.span);
                let rhs = self.text(b.span);
                self.emit(Op::Bin { op: *op, text, rhs }, 2);
            }
            NodeKind::If(c, a, b) => self.if_(c, a, b),
            NodeKind::Call(f, args) => self.call(n, *f, args),
            NodeKind::List(items) => {
                for it in items {
                    self.node(it);
                }
                self.emit(Op::List(index(items.len())), items.len());
            }
        }
    }

    fn if_(&mut self, c: &Node, a: &Node, b: &Node) {
        self.node(c);
        let test = self.emit(
            Op::IfTest {
                to_else: 0,
                to_end: 0,
            },
            1,
        );
        self.node(a);
        let then = self.emit(Op::IfThen { to_end: 0 }, 1);
        // Both ways into the `else` branch hold the condition and a `then` value.
        self.depth += 1;
        let to_else = self.here();
        self.node(b);
        let mut names = NO_NAMES;
        if let NodeKind::Call(Func::Exists, args) = &c.kind {
            let slots: Vec<String> = args
                .iter()
                .filter_map(|arg| match &arg.kind {
                    NodeKind::Slot { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            if !slots.is_empty() {
                self.prog.names.push(slots);
                names = index(self.prog.names.len() - 1);
            }
        }
        self.emit(Op::IfEnd { names }, 3);
        let to_end = self.here();
        self.prog.ops[test] = Op::IfTest { to_else, to_end };
        self.prog.ops[then] = Op::IfThen { to_end };
    }

    fn call(&mut self, n: &Node, f: Func, args: &[Node]) {
        if let (Func::Min | Func::Max | Func::Sum, [only]) = (f, args)
            && only.ty == Type::NumList
        {
            self.node(only);
            let text = self.text(n.span);
            self.emit(Op::FoldList { f, text }, 1);
            return;
        }
        for a in args {
            self.node(a);
        }
        let op = match (f, args) {
            (Func::Min | Func::Max | Func::Sum, _) => Op::Fold {
                f,
                n: index(args.len()),
                text: self.text(n.span),
            },
            (Func::Abs, [_]) => Op::Abs,
            (Func::Count, [_]) => Op::Count,
            (Func::Exists, [_]) => Op::Exists,
            (Func::Dot, [w, _]) => Op::Dot {
                text: self.text(n.span),
                w_text: self.text(w.span),
            },
            (Func::Growth, [p, _]) => Op::Growth {
                text: self.text(n.span),
                p_text: self.text(p.span),
            },
            (Func::AllIn, [_, _]) => Op::AllIn,
            (Func::AnyBetween, [_, _, _]) => Op::AnyBetween,
            (Func::Date, [_, _, _]) => Op::MakeDate,
            (Func::RoundDown, [_, _]) => Op::RoundDown,
            // Arity is enforced by the type checker.
            _ => Op::Internal(index(args.len())),
        };
        self.emit(op, args.len());
    }
}

/// An index into one of the program's tables (bounded by [`super::MAX_NODES`] nodes).
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Program {
    /// Lower the checked tree `root` of source `src`.
    pub(crate) fn new(src: &str, root: &Node) -> Program {
        let mut l = Lower {
            src,
            prog: Program::default(),
            depth: 0,
        };
        l.node(root);
        l.prog
    }

    /// Run the program; `None` only if it does not fit its stack (not for a program built by
    /// [`Program::new`]), and then the caller evaluates the tree.
    pub(crate) fn eval(&self, env: &dyn Env) -> Option<Value> {
        match self.max_stack {
            0..=8 => self.run::<8>(env),
            9..=32 => self.run::<32>(env),
            _ => self.run::<{ super::MAX_NODES }>(env),
        }
    }

    fn text(&self, i: u32) -> &str {
        self.texts.get(i as usize).map_or("", String::as_str)
    }

    fn run<const N: usize>(&self, env: &dyn Env) -> Option<Value> {
        let mut stack: ArrayVec<Val<'_>, N> = ArrayVec::new();
        let ops = self.ops.as_slice();
        let mut pc = 0;
        while let Some(op) = ops.get(pc) {
            pc += 1;
            let v = match op {
                Op::Num(d) => Val::Num(*d),
                Op::Bool(b) => Val::Bool(*b),
                Op::Const(i) => Val::of_ref(self.consts.get(*i as usize)?),
                Op::Slot(slot) => match env.get_ref(*slot) {
                    Some(v) => Val::of_ref(v),
                    None => Val::of(env.get(*slot)),
                },
                Op::Index(table) => {
                    let k = stack.pop()?;
                    if k.is_unknown() {
                        k
                    } else {
                        Val::of(env.lookup(*table, &k.value()))
                    }
                }
                Op::Neg => match stack.pop()? {
                    Val::Num(d) => Val::Num(-d),
                    u if u.is_unknown() => u,
                    _ => internal(),
                },
                Op::Not => match stack.pop()? {
                    Val::Bool(b) => Val::Bool(!b),
                    u if u.is_unknown() => u,
                    _ => internal(),
                },
                Op::Skip { decisive, to } => {
                    if stack.last()?.boolean() == Some(*decisive) {
                        pc = *to as usize;
                    }
                    continue;
                }
                Op::Logic { decisive } => {
                    let r = stack.pop()?;
                    let l = stack.pop()?;
                    match (&l, &r) {
                        // `l` is not decisive (else this was skipped): `r` decides.
                        (Val::Bool(_), Val::Bool(_)) => r,
                        _ => Val::of(eval::logic(*decisive, l.into_value(), r.into_value())),
                    }
                }
                Op::Bin { op, text, rhs } => {
                    let r = stack.pop()?;
                    let l = stack.pop()?;
                    self.binary(*op, *text, *rhs, l, r)
                }
                Op::IfTest { to_else, to_end } => {
                    let c = stack.last()?;
                    match c.boolean() {
                        Some(true) => {}
                        Some(false) => {
                            stack.try_push(Val::Bool(false)).ok()?;
                            pc = *to_else as usize;
                        }
                        None if c.is_unknown() => {}
                        None => {
                            stack.pop()?;
                            stack.try_push(internal()).ok()?;
                            pc = *to_end as usize;
                        }
                    }
                    continue;
                }
                Op::IfThen { to_end } => {
                    let c = stack.len().checked_sub(2).and_then(|i| stack.get(i))?;
                    if c.boolean() == Some(true) {
                        let a = stack.pop()?;
                        stack.pop()?;
                        stack.try_push(a).ok()?;
                        pc = *to_end as usize;
                    }
                    continue;
                }
                Op::IfEnd { names } => {
                    let y = stack.pop()?;
                    let x = stack.pop()?;
                    let c = stack.pop()?;
                    if c.boolean() == Some(false) {
                        match self.names.get(*names as usize) {
                            Some(names) if y.is_unknown() => {
                                let mut v = y.into_value();
                                if let Value::Unknown(u) = &mut v {
                                    for name in names {
                                        u.add(name.clone());
                                    }
                                }
                                Val::Own(v)
                            }
                            _ => y,
                        }
                    } else {
                        Val::of(eval::if_unknown(&c.value(), x.into_value(), &y.value()))
                    }
                }
                Op::Fold { f, n, text } => {
                    let base = stack.len().checked_sub(*n as usize)?;
                    let mut fold = Fold::new(*f);
                    for v in &stack[base..] {
                        match v {
                            Val::Num(d) => fold.push(&Value::Num(*d)),
                            v => fold.push(&v.value()),
                        }
                    }
                    stack.truncate(base);
                    Val::of(fold.finish(self.text(*text)))
                }
                Op::FoldList { f, text } => {
                    let v = stack.pop()?;
                    if v.is_unknown() {
                        v
                    } else if let Value::List(items) = &*v.value() {
                        let mut fold = Fold::new(*f);
                        for it in items {
                            fold.push(it);
                        }
                        Val::of(fold.finish(self.text(*text)))
                    } else {
                        internal()
                    }
                }
                Op::Abs => match stack.pop()? {
                    Val::Num(d) => Val::Num(d.abs()),
                    u if u.is_unknown() => u,
                    _ => internal(),
                },
                Op::Count => match stack.pop()? {
                    Val::Ref(Value::List(items)) => Val::Num(Decimal::from(items.len())),
                    v => Val::of(eval::count(&v.value())),
                },
                Op::Exists => Val::Bool(stack.pop()?.is_fully_known()),
                Op::Dot { text, w_text } => {
                    let vv = stack.pop()?;
                    let wv = stack.pop()?;
                    Val::of(eval::dot(
                        self.text(*text),
                        self.text(*w_text),
                        &wv.value(),
                        &vv.value(),
                    ))
                }
                Op::Growth { text, p_text } => {
                    let cv = stack.pop()?;
                    let pv = stack.pop()?;
                    Val::of(eval::growth(
                        self.text(*text),
                        self.text(*p_text),
                        &pv.value(),
                        &cv.value(),
                    ))
                }
                Op::AllIn => {
                    let sv = stack.pop()?;
                    let lv = stack.pop()?;
                    Val::of(eval::all_in(&lv.value(), &sv.value()))
                }
                Op::AnyBetween => {
                    let hi = stack.pop()?;
                    let lo = stack.pop()?;
                    let lv = stack.pop()?;
                    Val::of(eval::any_between(&lv.value(), &lo.value(), &hi.value()))
                }
                Op::MakeDate => {
                    let d = stack.pop()?;
                    let m = stack.pop()?;
                    let y = stack.pop()?;
                    Val::of(eval::make_date(&y.value(), &m.value(), &d.value()))
                }
                Op::RoundDown => {
                    let p = stack.pop()?;
                    let x = stack.pop()?;
                    Val::of(eval::round_down(&x.value(), &p.value()))
                }
                Op::List(n) => {
                    let base = stack.len().checked_sub(*n as usize)?;
                    let items: Vec<Value> = stack.drain(base..).map(Val::into_value).collect();
                    Val::Own(Value::List(items))
                }
                Op::Internal(n) => {
                    let base = stack.len().checked_sub(*n as usize)?;
                    stack.truncate(base);
                    internal()
                }
            };
            stack.try_push(v).ok()?;
        }
        let v = stack.pop()?;
        stack.is_empty().then(|| v.into_value())
    }

    /// A binary operator other than `and`/`or`: known numbers and dates directly, the rest
    /// (unknowns, strings, lists, ill-typed values) by the tree-walker's function.
    fn binary<'a>(&self, op: BinOp, text: u32, rhs: u32, l: Val<'a>, r: Val<'a>) -> Val<'a> {
        let num = |r: Option<Decimal>| match r {
            Some(d) => Val::Num(d),
            None => Val::of(eval::overflow(self.text(text))),
        };
        match (op, &l, &r) {
            (BinOp::Add, Val::Num(x), Val::Num(y)) => num(x.checked_add(*y)),
            (BinOp::Sub, Val::Num(x), Val::Num(y)) => num(x.checked_sub(*y)),
            (BinOp::Mul, Val::Num(x), Val::Num(y)) => num(x.checked_mul(*y)),
            (BinOp::Div, Val::Num(x), Val::Num(y)) if !y.is_zero() => num(x.checked_div(*y)),
            (BinOp::Eq, Val::Num(x), Val::Num(y)) => Val::Bool(x == y),
            (BinOp::Ne, Val::Num(x), Val::Num(y)) => Val::Bool(x != y),
            (BinOp::Eq, Val::Bool(x), Val::Bool(y)) => Val::Bool(x == y),
            (BinOp::Ne, Val::Bool(x), Val::Bool(y)) => Val::Bool(x != y),
            (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, Val::Num(x), Val::Num(y)) => {
                Val::Bool(eval::compare(op, x.cmp(y)))
            }
            (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, Val::Date(x), Val::Date(y)) => {
                Val::Bool(eval::compare(op, x.cmp(y)))
            }
            _ => Val::of(eval::binary(
                op,
                self.text(text),
                self.text(rhs),
                &l.value(),
                &r.value(),
            )),
        }
    }
}
