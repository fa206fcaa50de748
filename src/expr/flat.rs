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

use super::check::{Func, Node, NodeKind};
use super::eval::{self, Fold};
use super::parser::BinOp;
use super::{Date, Decimal, Env, SlotRef, Span, Type, Value};

/// No exists-names for an `if` (see [`Kind::IfEnd`]).
const NO_NAMES: u32 = u32::MAX;

/// One operation: what it does, and where on the stack. The stack's depth before each
/// operation is the same whichever way it is reached, so every operand has a fixed register:
/// an operation reads its operands from `at` upwards and leaves its result at `at`.
#[derive(Clone, Debug)]
struct Op {
    at: u16,
    kind: Kind,
}

/// What an operation does. Operand counts are fixed by the operation (or given).
#[derive(Clone, Debug)]
enum Kind {
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
    /// the result: jump to `to` (past the right operand and its [`Kind::Logic`]).
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
    /// A call the checker would not let through (wrong arity): an internal error.
    Internal,
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

/// A value in a register: `Copy`, so moving it costs nothing and nothing is dropped.
#[derive(Clone, Copy, Debug)]
enum Val<'a> {
    Num(Decimal),
    Bool(bool),
    Date(Date),
    /// Borrowed from the environment or the constants; never a number, boolean or date.
    Ref(&'a Value),
    /// An owned value (an unknown, a list, a string), by its index in the run's `owned`
    /// values; never a number, boolean or date. Each is in one register only.
    Own(u32),
}

/// The owned values of one run: empty, and so not allocated, while every value is known. Its
/// buffer, once one is needed, is the thread's spare one (given back when the run ends), so
/// runs do not allocate one each.
struct Owned(Vec<Value>);

thread_local! {
    static SPARE: std::cell::Cell<Vec<Value>> = const { std::cell::Cell::new(Vec::new()) };
}

impl Drop for Owned {
    #[inline]
    fn drop(&mut self) {
        if self.0.capacity() > 0 {
            self.give_back();
        }
    }
}

impl Owned {
    /// The thread's spare buffer, for the first owned value of a run.
    #[cold]
    #[inline(never)]
    fn spare() -> Vec<Value> {
        SPARE.try_with(std::cell::Cell::take).unwrap_or_default()
    }

    /// Gives the buffer back as the thread's spare one (emptied).
    #[cold]
    #[inline(never)]
    fn give_back(&mut self) {
        self.0.clear();
        let v = std::mem::take(&mut self.0);
        // Fails only while the thread is being torn down: the buffer is dropped.
        let _ = SPARE.try_with(|s| s.set(v));
    }

    /// `v` as a register value: scalars by value, anything else kept here.
    fn keep<'a>(&mut self, v: Value) -> Val<'a> {
        match v {
            Value::Num(d) => Val::Num(d),
            Value::Bool(b) => Val::Bool(b),
            Value::Date(d) => Val::Date(d),
            v => {
                if self.0.capacity() == 0 {
                    self.0 = Owned::spare();
                }
                self.0.push(v);
                Val::Own(index(self.0.len() - 1))
            }
        }
    }

    fn internal<'a>(&mut self) -> Val<'a> {
        self.keep(eval::internal())
    }

    /// The value of `v`, borrowed when it is not a scalar (a scalar is rebuilt, without
    /// allocating).
    fn get<'s>(&'s self, v: Val<'s>) -> Cow<'s, Value> {
        match v {
            Val::Num(d) => Cow::Owned(Value::Num(d)),
            Val::Bool(b) => Cow::Owned(Value::Bool(b)),
            Val::Date(d) => Cow::Owned(Value::Date(d)),
            Val::Ref(v) => Cow::Borrowed(v),
            Val::Own(i) => match self.0.get(i as usize) {
                Some(v) => Cow::Borrowed(v),
                None => Cow::Owned(eval::internal()),
            },
        }
    }

    /// The value of `v`, taken out of the run (its register is not read again).
    fn take(&mut self, v: Val<'_>) -> Value {
        match v {
            Val::Num(d) => Value::Num(d),
            Val::Bool(b) => Value::Bool(b),
            Val::Date(d) => Value::Date(d),
            Val::Ref(v) => v.clone(),
            Val::Own(i) => match self.0.get_mut(i as usize) {
                Some(v) => std::mem::replace(v, Value::Bool(false)),
                None => eval::internal(),
            },
        }
    }

    fn is_unknown(&self, v: Val<'_>) -> bool {
        match v {
            Val::Ref(v) => !v.is_known(),
            Val::Own(i) => self.0.get(i as usize).is_some_and(|v| !v.is_known()),
            _ => false,
        }
    }
}

fn of_ref(v: &Value) -> Val<'_> {
    match v {
        Value::Num(d) => Val::Num(*d),
        Value::Bool(b) => Val::Bool(*b),
        Value::Date(d) => Val::Date(*d),
        _ => Val::Ref(v),
    }
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

    /// Append `kind`, which takes its `pops` operands off the stack and leaves one value;
    /// its index.
    fn emit(&mut self, kind: Kind, pops: usize) -> usize {
        let at = self.depth.saturating_sub(pops);
        self.depth = at + 1;
        self.prog.max_stack = self.prog.max_stack.max(self.depth);
        let at = u16::try_from(at).unwrap_or(u16::MAX);
        self.prog.ops.push(Op { at, kind });
        self.prog.ops.len() - 1
    }

    fn here(&self) -> u32 {
        index(self.prog.ops.len())
    }

    fn patch(&mut self, i: usize, kind: Kind) {
        if let Some(op) = self.prog.ops.get_mut(i) {
            op.kind = kind;
        }
    }

    fn node(&mut self, n: &Node) {
        match &n.kind {
            NodeKind::Lit(Value::Num(d)) => {
                self.emit(Kind::Num(*d), 0);
            }
            NodeKind::Lit(Value::Bool(b)) => {
                self.emit(Kind::Bool(*b), 0);
            }
            NodeKind::Lit(v) => {
                self.prog.consts.push(v.clone());
                let i = index(self.prog.consts.len() - 1);
                self.emit(Kind::Const(i), 0);
            }
            NodeKind::Slot { slot, .. } => {
                self.emit(Kind::Slot(*slot), 0);
            }
            NodeKind::Index { table, key, .. } => {
                self.node(key);
                self.emit(Kind::Index(*table), 1);
            }
            NodeKind::Neg(a) => {
                self.node(a);
                self.emit(Kind::Neg, 1);
            }
            NodeKind::Not(a) => {
                self.node(a);
                self.emit(Kind::Not, 1);
            }
            NodeKind::Paren(a) => self.node(a),
            NodeKind::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                let decisive = *op == BinOp::Or;
                self.node(a);
                let skip = self.emit(Kind::Skip { decisive, to: 0 }, 1);
                self.node(b);
                self.emit(Kind::Logic { decisive }, 2);
                let to = self.here();
                self.patch(skip, Kind::Skip { decisive, to });
            }
            NodeKind::Bin(op, a, b) => {
                self.node(a);
                self.node(b);
                let text = self.text(n.span);
                let rhs = self.text(b.span);
                self.emit(Kind::Bin { op: *op, text, rhs }, 2);
            }
            NodeKind::If(c, a, b) => self.if_(c, a, b),
            NodeKind::Call(f, args) => self.call(n, *f, args),
            NodeKind::List(items) => {
                for it in items {
                    self.node(it);
                }
                self.emit(Kind::List(index(items.len())), items.len());
            }
        }
    }

    fn if_(&mut self, c: &Node, a: &Node, b: &Node) {
        self.node(c);
        let test = self.emit(
            Kind::IfTest {
                to_else: 0,
                to_end: 0,
            },
            1,
        );
        self.node(a);
        // Both ways into the `else` branch hold the condition and a `then` value (or its
        // placeholder): the `then` value's register is this operation's.
        let then = self.emit(Kind::IfThen { to_end: 0 }, 1);
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
        self.emit(Kind::IfEnd { names }, 3);
        let to_end = self.here();
        self.patch(test, Kind::IfTest { to_else, to_end });
        self.patch(then, Kind::IfThen { to_end });
    }

    fn call(&mut self, n: &Node, f: Func, args: &[Node]) {
        if let (Func::Min | Func::Max | Func::Sum, [only]) = (f, args)
            && only.ty == Type::NumList
        {
            self.node(only);
            let text = self.text(n.span);
            self.emit(Kind::FoldList { f, text }, 1);
            return;
        }
        for a in args {
            self.node(a);
        }
        let kind = match (f, args) {
            (Func::Min | Func::Max | Func::Sum, _) => Kind::Fold {
                f,
                n: index(args.len()),
                text: self.text(n.span),
            },
            (Func::Abs, [_]) => Kind::Abs,
            (Func::Count, [_]) => Kind::Count,
            (Func::Exists, [_]) => Kind::Exists,
            (Func::Dot, [w, _]) => Kind::Dot {
                text: self.text(n.span),
                w_text: self.text(w.span),
            },
            (Func::Growth, [p, _]) => Kind::Growth {
                text: self.text(n.span),
                p_text: self.text(p.span),
            },
            (Func::AllIn, [_, _]) => Kind::AllIn,
            (Func::AnyBetween, [_, _, _]) => Kind::AnyBetween,
            (Func::Date, [_, _, _]) => Kind::MakeDate,
            (Func::RoundDown, [_, _]) => Kind::RoundDown,
            // Arity is enforced by the type checker.
            _ => Kind::Internal,
        };
        self.emit(kind, args.len());
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

    /// Run the program; `None` only if it does not fit its registers (not for a program
    /// built by [`Program::new`]), and then the caller evaluates the tree.
    pub(crate) fn eval<E: Env + ?Sized>(&self, env: &E) -> Option<Value> {
        // A lone name (a common rule operand) needs no registers: its value, as the tree has it.
        if let [
            Op {
                kind: Kind::Slot(slot),
                ..
            },
        ] = self.ops.as_slice()
        {
            return Some(match env.slot(*slot) {
                Some(v) => v.to_value(),
                None => env.get(*slot),
            });
        }
        match self.max_stack {
            0..=4 => self.run::<4, E>(env),
            5..=8 => self.run::<8, E>(env),
            9..=32 => self.run::<32, E>(env),
            _ => self.run::<{ super::MAX_NODES }, E>(env),
        }
    }

    fn text(&self, i: u32) -> &str {
        self.texts.get(i as usize).map_or("", String::as_str)
    }

    fn run<const N: usize, E: Env + ?Sized>(&self, env: &E) -> Option<Value> {
        const { assert!(N.is_power_of_two()) };
        if self.max_stack > N {
            return None;
        }
        // Registers in this frame. Every `at` (+ its operand count) is below `max_stack`, and
        // so below `N`, a power of two: `% N` changes no index and needs no bounds check.
        let mut regs = [Val::Bool(false); N];
        let mut owned = Owned(Vec::new());
        let ops = self.ops.as_slice();
        let mut pc = 0;
        while let Some(op) = ops.get(pc) {
            pc += 1;
            let at = usize::from(op.at);
            let v = match &op.kind {
                Kind::Num(d) => Val::Num(*d),
                Kind::Bool(b) => Val::Bool(*b),
                Kind::Const(i) => of_ref(self.consts.get(*i as usize)?),
                Kind::Slot(slot) => match env.slot(*slot) {
                    Some(SlotRef::Num(d)) => Val::Num(d),
                    Some(SlotRef::Bool(b)) => Val::Bool(b),
                    Some(SlotRef::Date(d)) => Val::Date(d),
                    Some(SlotRef::Ref(v)) => of_ref(v),
                    None => owned.keep(env.get(*slot)),
                },
                Kind::Index(table) => {
                    let k = regs[at % N];
                    if owned.is_unknown(k) {
                        continue;
                    }
                    let v = env.lookup(*table, &owned.get(k));
                    owned.keep(v)
                }
                Kind::Neg => match regs[at % N] {
                    Val::Num(d) => Val::Num(-d),
                    u if owned.is_unknown(u) => continue,
                    _ => owned.internal(),
                },
                Kind::Not => match regs[at % N] {
                    Val::Bool(b) => Val::Bool(!b),
                    u if owned.is_unknown(u) => continue,
                    _ => owned.internal(),
                },
                Kind::Skip { decisive, to } => {
                    if let Val::Bool(b) = regs[at % N]
                        && b == *decisive
                    {
                        pc = *to as usize;
                    }
                    continue;
                }
                Kind::Logic { decisive } => {
                    let l = regs[at % N];
                    let r = regs[(at + 1) % N];
                    match (l, r) {
                        // `l` is not decisive (else this was skipped): `r` decides.
                        (Val::Bool(_), Val::Bool(_)) => r,
                        _ => {
                            let v = eval::logic(*decisive, owned.take(l), owned.take(r));
                            owned.keep(v)
                        }
                    }
                }
                Kind::Bin { op, text, rhs } => {
                    let l = regs[at % N];
                    let r = regs[(at + 1) % N];
                    self.binary(&mut owned, *op, *text, *rhs, l, r)
                }
                Kind::IfTest { to_else, to_end } => {
                    match regs[at % N] {
                        Val::Bool(true) => {}
                        Val::Bool(false) => {
                            regs[(at + 1) % N] = Val::Bool(false);
                            pc = *to_else as usize;
                        }
                        c if owned.is_unknown(c) => {}
                        _ => {
                            regs[at % N] = owned.internal();
                            pc = *to_end as usize;
                        }
                    }
                    continue;
                }
                Kind::IfThen { to_end } => {
                    // The condition is below the `then` value.
                    if let Val::Bool(true) = regs[at.checked_sub(1)? % N] {
                        let a = regs[at % N];
                        regs[(at - 1) % N] = a;
                        pc = *to_end as usize;
                    }
                    continue;
                }
                Kind::IfEnd { names } => {
                    let c = regs[at % N];
                    let x = regs[(at + 1) % N];
                    let y = regs[(at + 2) % N];
                    match (c, self.names.get(*names as usize)) {
                        (Val::Bool(false), Some(names)) if owned.is_unknown(y) => {
                            let mut v = owned.take(y);
                            if let Value::Unknown(u) = &mut v {
                                for name in names {
                                    u.add(name.clone());
                                }
                            }
                            owned.keep(v)
                        }
                        (Val::Bool(false), _) => y,
                        _ => {
                            let x = owned.take(x);
                            let v = eval::if_unknown(&owned.get(c), x, &owned.get(y));
                            owned.keep(v)
                        }
                    }
                }
                Kind::Fold { f, n, text } => {
                    let mut fold = Fold::new(*f);
                    for v in regs.get(at..at + *n as usize)? {
                        match *v {
                            Val::Num(d) => fold.push(&Value::Num(d)),
                            v => fold.push(&owned.get(v)),
                        }
                    }
                    let v = fold.finish(self.text(*text));
                    owned.keep(v)
                }
                Kind::FoldList { f, text } => {
                    let v = regs[at % N];
                    if owned.is_unknown(v) {
                        continue;
                    }
                    let r = match &*owned.get(v) {
                        Value::List(items) => {
                            let mut fold = Fold::new(*f);
                            for it in items {
                                fold.push(it);
                            }
                            fold.finish(self.text(*text))
                        }
                        _ => eval::internal(),
                    };
                    owned.keep(r)
                }
                Kind::Abs => match regs[at % N] {
                    Val::Num(d) => Val::Num(d.abs()),
                    u if owned.is_unknown(u) => continue,
                    _ => owned.internal(),
                },
                Kind::Count => match regs[at % N] {
                    Val::Ref(Value::List(items)) => Val::Num(Decimal::from(items.len())),
                    v => {
                        let r = eval::count(&owned.get(v));
                        owned.keep(r)
                    }
                },
                Kind::Exists => Val::Bool(match regs[at % N] {
                    Val::Ref(v) => v.is_fully_known(),
                    v @ Val::Own(_) => owned.get(v).is_fully_known(),
                    _ => true,
                }),
                Kind::Dot { text, w_text } => {
                    let (wv, vv) = (regs[at % N], regs[(at + 1) % N]);
                    let r = eval::dot(
                        self.text(*text),
                        self.text(*w_text),
                        &owned.get(wv),
                        &owned.get(vv),
                    );
                    owned.keep(r)
                }
                Kind::Growth { text, p_text } => {
                    let (pv, cv) = (regs[at % N], regs[(at + 1) % N]);
                    let r = eval::growth(
                        self.text(*text),
                        self.text(*p_text),
                        &owned.get(pv),
                        &owned.get(cv),
                    );
                    owned.keep(r)
                }
                Kind::AllIn => {
                    let (lv, sv) = (regs[at % N], regs[(at + 1) % N]);
                    let r = eval::all_in(&owned.get(lv), &owned.get(sv));
                    owned.keep(r)
                }
                Kind::AnyBetween => {
                    let (lv, lo, hi) = (regs[at % N], regs[(at + 1) % N], regs[(at + 2) % N]);
                    let r = eval::any_between(&owned.get(lv), &owned.get(lo), &owned.get(hi));
                    owned.keep(r)
                }
                Kind::MakeDate => {
                    let (y, m, d) = (regs[at % N], regs[(at + 1) % N], regs[(at + 2) % N]);
                    let r = eval::make_date(&owned.get(y), &owned.get(m), &owned.get(d));
                    owned.keep(r)
                }
                Kind::RoundDown => {
                    let (x, p) = (regs[at % N], regs[(at + 1) % N]);
                    let r = eval::round_down(&owned.get(x), &owned.get(p));
                    owned.keep(r)
                }
                Kind::List(n) => {
                    let items = regs.get(at..at + *n as usize)?;
                    let items: Vec<Value> = items.iter().map(|v| owned.take(*v)).collect();
                    owned.keep(Value::List(items))
                }
                Kind::Internal => owned.internal(),
            };
            regs[at % N] = v;
        }
        Some(match regs[0] {
            Val::Num(d) => Value::Num(d),
            v => owned.take(v),
        })
    }

    /// A binary operator other than `and`/`or`: known numbers and dates directly, the rest
    /// (unknowns, strings, lists, ill-typed values) by the tree-walker's function.
    #[inline(always)]
    fn binary<'a>(
        &self,
        owned: &mut Owned,
        op: BinOp,
        text: u32,
        rhs: u32,
        l: Val<'a>,
        r: Val<'a>,
    ) -> Val<'a> {
        let num = |owned: &mut Owned, r: Option<Decimal>| match r {
            Some(d) => Val::Num(d),
            None => owned.keep(eval::overflow(self.text(text))),
        };
        match (op, l, r) {
            (BinOp::Add, Val::Num(x), Val::Num(y)) => num(owned, x.checked_add(y)),
            (BinOp::Sub, Val::Num(x), Val::Num(y)) => num(owned, x.checked_sub(y)),
            (BinOp::Mul, Val::Num(x), Val::Num(y)) => num(owned, x.checked_mul(y)),
            (BinOp::Div, Val::Num(x), Val::Num(y)) if !y.is_zero() => num(owned, x.checked_div(y)),
            (BinOp::Eq, Val::Num(x), Val::Num(y)) => Val::Bool(x == y),
            (BinOp::Ne, Val::Num(x), Val::Num(y)) => Val::Bool(x != y),
            (BinOp::Eq, Val::Bool(x), Val::Bool(y)) => Val::Bool(x == y),
            (BinOp::Ne, Val::Bool(x), Val::Bool(y)) => Val::Bool(x != y),
            (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, Val::Num(x), Val::Num(y)) => {
                Val::Bool(eval::compare(op, x.cmp(&y)))
            }
            (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, Val::Date(x), Val::Date(y)) => {
                Val::Bool(eval::compare(op, x.cmp(&y)))
            }
            _ => self.binary_slow(owned, op, text, rhs, l, r),
        }
    }

    /// [`Program::binary`] for anything but known numbers and dates.
    #[cold]
    #[inline(never)]
    fn binary_slow<'a>(
        &self,
        owned: &mut Owned,
        op: BinOp,
        text: u32,
        rhs: u32,
        l: Val<'a>,
        r: Val<'a>,
    ) -> Val<'a> {
        let v = eval::binary(
            op,
            self.text(text),
            self.text(rhs),
            &owned.get(l),
            &owned.get(r),
        );
        owned.keep(v)
    }
}
