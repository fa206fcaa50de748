//! What evaluating a pack needs beyond its rules, prepared once when the pack is compiled and
//! shared by every filing: the rules' ids, clauses, titles and layers as shared strings (a
//! result points into them instead of copying them), which rules apply to which kind of
//! filing, the numbered slots the engine writes itself, and which rules read a value that is
//! known only after the cap.

use std::sync::Arc;

use crate::diag::Text;
use crate::expr::{Compiled, Value};
use crate::filing::schema;
use crate::pack::names::{Derived, SlotKind, Special};
use crate::pack::{Check, Pack, Piece, Rule};

/// A rule's constant parts, shared by every result of the rule.
#[derive(Clone, Debug)]
pub(crate) struct RuleConst {
    pub(crate) id: SharedStr,
    pub(crate) clause: SharedStr,
    pub(crate) title: Arc<Text>,
    pub(crate) layers: Arc<[String]>,
    /// The ids of the rule's triggers, shared by every result that names them.
    pub(crate) triggers: Vec<SharedStr>,
    /// The rule's condition or check reads the cleared total (it is evaluated again once that
    /// is known).
    pub(crate) reads_cleared: bool,
    /// Its message (template or notes) reads the cleared total.
    pub(crate) message_reads_cleared: bool,
}

/// A pack prepared for evaluation (see the module's documentation).
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub(crate) rules: Vec<RuleConst>,
    /// Indices of the rules applying to budgets, and to annual returns, in pack order.
    pub(crate) budget: Vec<usize>,
    pub(crate) annual: Vec<usize>,
    /// The pack has a rule written for annual returns only.
    pub(crate) covers_annual: bool,
    pub(crate) required_regime: Option<u32>,
    pub(crate) cleared: Option<u32>,
    /// The layers of the entry a pack without rules for a kind of filing gets.
    pub(crate) own_layer: Arc<[String]>,
    pub(crate) document: SharedStr,
    /// The slots and fields the engine's derived values read (see `slots::derive`), found once.
    pub(crate) derive: DeriveSlots,
    /// For each rule applying to budgets (positions in [`Program::budget`]), the positions of
    /// the rules that supersede it, in order; the same for annual returns.
    pub(crate) budget_superseded_by: Vec<Vec<usize>>,
    pub(crate) annual_superseded_by: Vec<Vec<usize>>,
    /// For each regime step, the index of the regime it leads to and of the one it starts
    /// from (if it names one that exists); `None` for a step whose target is not a regime.
    pub(crate) regime_steps: Vec<Option<(usize, Option<usize>)>>,
    /// For each slot, the value it holds while unknown: an absent field's `unknown(path)`,
    /// a quantity's or derived value's `unknown(name)`. Built once; a filing's slots borrow
    /// it instead of allocating their own.
    pub(crate) unknown: Vec<Value>,
    /// Each quantity's name and label, shared by every evaluation's [`super::Evaluation`].
    pub(crate) quantities: Vec<(SharedStr, Arc<Text>)>,
    /// Every quantity has a slot of its own that nothing writes after the quantities are
    /// computed: an evaluation moves the values out of its slots instead of copying them.
    pub(crate) quantities_movable: bool,
    /// Each regime step's id and text, shared by every evaluation that records it as fired.
    pub(crate) regime_fired: Vec<(SharedStr, Arc<Text>)>,
    /// Each regime's name, as a shared string and as the value of `required_regime`.
    pub(crate) regime_values: Vec<(SharedStr, Value)>,
    /// The slots an evaluation fills before it starts, and how; every other slot holds a
    /// placeholder nothing reads. For the batch path (the live slots; a parameter's value is
    /// borrowed from the pack) and for the traced reference (every slot); in slot order.
    pub(crate) fill: Vec<(u32, Fill)>,
    pub(crate) fill_traced: Vec<(u32, Fill)>,
    /// The derived values an evaluation computes (the live ones; every one when traced).
    pub(crate) derived: Vec<(u32, Derived)>,
    pub(crate) derived_traced: Vec<(u32, Derived)>,
    /// The values of the fields of a fixed set of strings (see [`Fill::Enum`]).
    pub(crate) strs: Vec<Value>,
}

/// How an evaluation fills a slot before it starts (see [`Program::fill`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Fill {
    /// The filing's field (schema index).
    Field(usize),
    /// The filing's field of a fixed set of strings: `Program::strs[at..at + len]` holds the
    /// value of each, borrowed instead of copied.
    Enum {
        field: usize,
        at: u32,
        len: u32,
    },
    /// The list of the indicators' field `j`, or of the adjustments'.
    Indicators(usize),
    Adjustments(usize),
    /// The pack's parameter (borrowed).
    Param(usize),
    /// The pack's effective date.
    EffectiveFrom,
    /// The slot's unknown (see [`Program::unknown`]), until the engine computes it.
    Unknown,
}

/// See [`Program::fill`]: `traced` for the reference (every slot).
fn fill(
    pack: &Pack,
    live: &[bool],
    early: &[bool],
    traced: bool,
    strs: &mut Vec<Value>,
) -> Vec<(u32, Fill)> {
    let at = |v: &[bool], i: usize| v.get(i).copied().unwrap_or(true);
    pack.names
        .slots
        .iter()
        .enumerate()
        .filter(|(i, _)| traced || at(live, *i))
        .filter_map(|(i, s)| {
            let f = match s.kind {
                SlotKind::Field(f) => match schema::FIELDS.get(f).map(|x| x.ty) {
                    Some(schema::FieldType::Enum(set)) => {
                        let at = strs.len() as u32;
                        strs.extend(set.iter().map(|v| Value::Str(v.to_string())));
                        Fill::Enum {
                            field: f,
                            at,
                            len: set.len() as u32,
                        }
                    }
                    _ => Fill::Field(f),
                },
                SlotKind::IndicatorList(j) => Fill::Indicators(j),
                SlotKind::AdjustmentList(j) => Fill::Adjustments(j),
                SlotKind::Param(p) => Fill::Param(p),
                SlotKind::Special(Special::EffectiveFrom) => Fill::EffectiveFrom,
                // Computed before anything reads them, unless the pack reads them early.
                SlotKind::Quantity(_) | SlotKind::Derived(_) if !traced && !at(early, i) => {
                    return None;
                }
                _ => Fill::Unknown,
            };
            Some((i as u32, f))
        })
        .collect()
}

/// See [`Program::derived`].
fn derived(pack: &Pack, live: &[bool], traced: bool) -> Vec<(u32, Derived)> {
    pack.names
        .slots
        .iter()
        .enumerate()
        .filter(|(i, _)| traced || live.get(*i).copied().unwrap_or(true))
        .filter_map(|(i, s)| match s.kind {
            SlotKind::Derived(d) => Some((i as u32, d)),
            _ => None,
        })
        .collect()
}

/// See [`Program::unknown`].
fn unknown_values(pack: &Pack) -> Vec<Value> {
    pack.names
        .slots
        .iter()
        .map(|s| match s.kind {
            SlotKind::Field(f) => match schema::FIELDS.get(f) {
                Some(info) => Value::unknown(info.path),
                None => Value::unknown(s.name.clone()),
            },
            _ => Value::unknown(s.name.clone()),
        })
        .collect()
}

/// See [`Program::quantities_movable`].
fn quantities_movable(pack: &Pack, written_later: &[Option<u32>]) -> bool {
    let mut seen = vec![false; pack.names.slots.len()];
    for q in &pack.quantities {
        match seen.get_mut(q.slot as usize) {
            Some(s) if !*s => *s = true,
            _ => return false,
        }
    }
    written_later
        .iter()
        .flatten()
        .all(|w| !seen.get(*w as usize).copied().unwrap_or(false))
}

/// Where the values the engine derives come from: slots by name, found once per pack.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeriveSlots {
    pub(crate) indicator_prior: Option<u32>,
    pub(crate) indicator_budget: Option<u32>,
    pub(crate) labor_cost_kind: Option<u32>,
    pub(crate) labor_cost_prior: Option<u32>,
    pub(crate) labor_cost_industry_average: Option<u32>,
    /// The filing's fields `enterprise.category`, `execution.approved_wage_total` and
    /// `execution.actual_wage_total` (indices into the schema's fields).
    pub(crate) category: Option<usize>,
    pub(crate) approved_wage_total: Option<usize>,
    pub(crate) actual_wage_total: Option<usize>,
    /// The pack has a derived value something reads.
    pub(crate) any: bool,
}

/// For each of the rules `indices` (positions), the positions of those that supersede it.
fn superseded_by(pack: &Pack, indices: &[usize]) -> Vec<Vec<usize>> {
    indices
        .iter()
        .map(|&i| {
            let id = &pack.rules[i].id;
            indices
                .iter()
                .enumerate()
                .filter(|(_, j)| pack.rules[**j].supersedes.iter().any(|s| s == id))
                .map(|(q, _)| q)
                .collect()
        })
        .collect()
}

/// Which slots may be read before the engine computes them (a quantity or a derived value
/// read by a clearing substitution, or by a quantity computed before it): only those start
/// with their "unknown" placeholder.
fn read_early(pack: &Pack) -> Vec<bool> {
    let mut early = vec![false; pack.names.slots.len()];
    let mut mark = |e: &Compiled, before: Option<usize>| {
        e.each_slot(&mut |s| {
            let Some(info) = pack.names.slots.get(s as usize) else {
                return;
            };
            let hit = match (info.kind, before) {
                (SlotKind::Quantity(q), Some(j)) => q >= j,
                (_, Some(_)) => false,
                (_, None) => true,
            };
            if hit && let Some(x) = early.get_mut(s as usize) {
                *x = true;
            }
        });
    };
    if let Some(c) = &pack.clearing {
        for (_, e) in &c.substitute {
            mark(e, None);
        }
    }
    for (j, q) in pack.quantities.iter().enumerate() {
        mark(&q.expr, Some(j));
    }
    early
}

/// The slots an expression, a message or a derived value of `pack` reads: a slot nothing
/// reads is left unfilled (no copy of an unread field).
fn live_slots(pack: &Pack) -> Vec<bool> {
    let mut live = vec![false; pack.names.slots.len()];
    let mut mark = |s: u32| {
        if let Some(l) = live.get_mut(s as usize) {
            *l = true;
        }
    };
    let mut exprs: Vec<&Compiled> = Vec::new();
    exprs.extend(pack.quantities.iter().map(|q| &q.expr));
    for r in &pack.rules {
        exprs.extend(r.when.iter());
        exprs.extend(r.triggers.iter().map(|t| &t.when));
        if let Some(Check::Bound { expr, .. } | Check::Require(expr)) = &r.check {
            exprs.push(expr);
        }
        exprs.extend(r.review_when.iter());
        exprs.extend(r.notes.iter().map(|n| &n.when));
        for p in r.message.zh.iter().chain(&r.message.en) {
            if let Piece::Slot { slot, .. } = p {
                mark(*slot);
            }
        }
    }
    exprs.extend(pack.regime.steps.iter().map(|s| &s.when));
    exprs.extend([&pack.cap.subject, &pack.cap.base, &pack.cap.growth]);
    if let Some(c) = &pack.clearing {
        exprs.extend(c.substitute.iter().map(|(_, e)| e));
        exprs.push(&c.to_recover);
    }
    for e in exprs {
        e.each_slot(&mut mark);
    }
    // What the engine's derived values read (by name, see `slots::derive`).
    for name in [
        "indicator.prior",
        "indicator.budget",
        "labor_cost.kind",
        "labor_cost.prior",
        "labor_cost.industry_average",
    ] {
        if let Some(s) = pack.names.slot(name) {
            mark(s);
        }
    }
    live
}

fn pieces_read(pieces: &[Piece], slot: u32) -> bool {
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Slot { slot: s, .. } if *s == slot))
}

/// Whether the rule's condition or check reads `slot`.
pub(crate) fn rule_reads(rule: &Rule, slot: u32) -> bool {
    let reads = |c: &Compiled| c.reads_slot(slot);
    rule.when.as_ref().is_some_and(reads)
        || match &rule.check {
            Some(Check::Bound { expr, .. }) | Some(Check::Require(expr)) => reads(expr),
            None => false,
        }
}

impl Program {
    /// Prepares `pack` for evaluation (once per pack load).
    pub fn new(pack: &Pack) -> Program {
        let cleared = pack.names.slot("cleared_wage_total");
        let rules = pack
            .rules
            .iter()
            .map(|r| RuleConst {
                id: SharedStr::from(r.id.as_str()),
                clause: SharedStr::from(r.clause.as_str()),
                title: Arc::new(r.title.clone()),
                layers: Arc::from(r.layers.as_slice()),
                triggers: r
                    .triggers
                    .iter()
                    .map(|t| SharedStr::from(t.id.as_str()))
                    .collect(),
                reads_cleared: cleared.is_some_and(|s| rule_reads(r, s)),
                message_reads_cleared: cleared.is_some_and(|s| {
                    pieces_read(&r.message.zh, s)
                        || pieces_read(&r.message.en, s)
                        || r.notes.iter().any(|n| n.when.reads_slot(s))
                }),
            })
            .collect();
        let budget: Vec<usize> = (0..pack.rules.len())
            .filter(|i| pack.rules[*i].budget)
            .collect();
        let annual: Vec<usize> = (0..pack.rules.len())
            .filter(|i| pack.rules[*i].annual_return)
            .collect();
        let live = live_slots(pack);
        let field = crate::filing::schema::field_index;
        let derive = DeriveSlots {
            indicator_prior: pack.names.slot("indicator.prior"),
            indicator_budget: pack.names.slot("indicator.budget"),
            labor_cost_kind: pack.names.slot("labor_cost.kind"),
            labor_cost_prior: pack.names.slot("labor_cost.prior"),
            labor_cost_industry_average: pack.names.slot("labor_cost.industry_average"),
            category: field("enterprise.category"),
            approved_wage_total: field("execution.approved_wage_total"),
            actual_wage_total: field("execution.actual_wage_total"),
            any: pack.names.slots.iter().enumerate().any(|(i, s)| {
                matches!(s.kind, SlotKind::Derived(_)) && live.get(i).copied().unwrap_or(true)
            }),
        };
        let early = read_early(pack);
        let mut strs = Vec::new();
        Program {
            fill: fill(pack, &live, &early, false, &mut strs),
            fill_traced: fill(pack, &live, &early, true, &mut strs),
            strs,
            derived: derived(pack, &live, false),
            derived_traced: derived(pack, &live, true),
            rules,
            budget_superseded_by: superseded_by(pack, &budget),
            regime_steps: {
                let values = &pack.regime.values;
                let idx = |v: &str| values.iter().position(|x| x == v);
                pack.regime
                    .steps
                    .iter()
                    .map(|s| Some((idx(&s.to)?, s.from.as_deref().and_then(idx))))
                    .collect()
            },
            annual_superseded_by: superseded_by(pack, &annual),
            unknown: unknown_values(pack),
            quantities: pack
                .quantities
                .iter()
                .map(|q| (SharedStr::from(q.name.as_str()), Arc::new(q.text.clone())))
                .collect(),
            quantities_movable: quantities_movable(
                pack,
                &[pack.names.slot("required_regime"), cleared],
            ),
            regime_fired: pack
                .regime
                .steps
                .iter()
                .map(|s| (SharedStr::from(s.id.as_str()), Arc::new(s.text.clone())))
                .collect(),
            regime_values: pack
                .regime
                .values
                .iter()
                .map(|v| (SharedStr::from(v.as_str()), Value::Str(v.clone())))
                .collect(),
            budget,
            annual,
            derive,
            covers_annual: pack.rules.iter().any(|r| r.annual_return && !r.budget),
            required_regime: pack.names.slot("required_regime"),
            cleared,
            own_layer: Arc::from(vec![pack.id.clone()]),
            document: SharedStr::from(pack.document.as_str()),
        }
    }
}

/// A string shared with the pack (a rule's id or clause): cloning it copies a pointer. It
/// reads as a `str` and compares with `str`, `&str` and `String`.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr(Arc::from(s))
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

macro_rules! shared_str_eq {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for SharedStr {
            fn eq(&self, other: &$t) -> bool {
                *self.0 == **other
            }
        }
        impl PartialEq<SharedStr> for $t {
            fn eq(&self, other: &SharedStr) -> bool {
                **self == *other.0
            }
        }
    )*};
}
shared_str_eq!(&str, String);

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}
