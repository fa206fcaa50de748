//! The slots an evaluation reads: the filing's fields and the pack's parameters, and the values
//! the engine derives from the catalog.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::diag::Lang;
use crate::expr::{Compiled, Date, Env, SlotRef, Value};
use crate::filing::{FieldValue, Filing, schema};
use crate::num;
use crate::pack::names::Derived;
use crate::pack::{CatalogEntry, Pack};

/// One slot's value: `Copy`. Numbers, booleans and dates by value; anything else borrowed from
/// the pack (a parameter, an absent field's unknown, see [`super::Program::unknown`]) or kept
/// in the evaluation's [`Arena`] (by index).
#[derive(Clone, Copy, Debug)]
pub(super) enum Slot<'a> {
    Num(Decimal),
    Bool(bool),
    Date(Date),
    /// Never a number, boolean or date.
    Ref(&'a Value),
    /// An index into [`Slots::arena`]; never a number, boolean or date.
    Own(u32),
}

impl<'a> Slot<'a> {
    /// `v`, scalars by value.
    pub(super) fn of(v: &'a Value) -> Slot<'a> {
        match v {
            Value::Num(d) => Slot::Num(*d),
            Value::Bool(b) => Slot::Bool(*b),
            Value::Date(d) => Slot::Date(*d),
            v => Slot::Ref(v),
        }
    }
}

/// The values an evaluation computes or copies that are neither numbers, booleans nor dates
/// (lists, strings, unknowns). Reused from one filing to the next: a list's or a string's
/// buffer is refilled in place, so the steady state allocates nothing for them.
#[derive(Debug, Default)]
pub(super) struct Arena {
    values: Vec<Value>,
    /// Strings dropped from reused lists, kept for the next strings copied into a list.
    spare: Vec<String>,
    /// How many of `values` this evaluation uses (the rest are the last one's, not read).
    len: usize,
}

/// The longest string buffer the arena keeps for the next evaluation; a longer one (a long
/// text field a pack reads) is dropped, so that a long-lived worker keeps no large buffer.
const MAX_KEPT_TEXT: usize = 256;

impl Arena {
    /// Forget the previous evaluation's values (their buffers are reused, unless large).
    pub(super) fn reset(&mut self) {
        let large = |x: &String| x.capacity() > MAX_KEPT_TEXT;
        for v in &mut self.values[..self.len] {
            let big = match v {
                Value::Str(x) => large(x),
                Value::List(l) => {
                    l.capacity() > schema::MAX_ARRAY_ITEMS
                        || l.iter().any(|x| matches!(x, Value::Str(x) if large(x)))
                }
                _ => false,
            };
            if big {
                *v = Value::Bool(false);
            }
        }
        self.spare.retain(|x| !large(x));
        self.len = 0;
    }

    fn next(&mut self) -> (u32, &mut Value) {
        let k = self.len;
        if k >= self.values.len() {
            self.values.push(Value::Bool(false));
        }
        self.len = k + 1;
        // `k` < `values.len()`: pushed above if it was not.
        (index(k), &mut self.values[k])
    }

    /// Keep `v`; a slot for it.
    pub(super) fn slot<'a>(&mut self, v: Value) -> Slot<'a> {
        match v {
            Value::Num(d) => Slot::Num(d),
            Value::Bool(b) => Slot::Bool(b),
            Value::Date(d) => Slot::Date(d),
            v => {
                let (k, at) = self.next();
                *at = v;
                Slot::Own(k)
            }
        }
    }

    /// A list built by `fill` in a reused buffer (holding the list last built there, if
    /// any: `fill` replaces its items).
    pub(super) fn list<'a>(
        &mut self,
        fill: impl FnOnce(&mut Vec<Value>, &mut Vec<String>),
    ) -> Slot<'a> {
        let (k, _) = self.next();
        let (at, spare) = (&mut self.values[k as usize], &mut self.spare);
        match at {
            Value::List(l) => fill(l, spare),
            at => {
                let mut l = Vec::new();
                fill(&mut l, spare);
                *at = Value::List(l);
            }
        }
        Slot::Own(k)
    }

    /// A string, copied into a reused buffer.
    pub(super) fn str<'a>(&mut self, s: &str) -> Slot<'a> {
        let (k, at) = self.next();
        match at {
            Value::Str(x) => {
                x.clear();
                x.push_str(s);
            }
            at => *at = Value::Str(s.to_string()),
        }
        Slot::Own(k)
    }

    pub(super) fn get(&self, k: u32) -> Option<&Value> {
        self.values[..self.len].get(k as usize)
    }

    /// The value at `k`, moved out (it is not read again).
    pub(super) fn take(&mut self, k: u32) -> Value {
        match self.values[..self.len].get_mut(k as usize) {
            Some(v) => std::mem::replace(v, Value::Bool(false)),
            None => Value::unknown("?"),
        }
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

pub(super) struct Slots<'a> {
    /// Each slot's value (see [`Slot`]).
    pub(super) slots: Vec<Slot<'a>>,
    /// The values of the slots that are [`Slot::Own`].
    pub(super) arena: Arena,
    pub(super) pack: &'a Pack,
    /// The one language messages are written in, or `None` for both.
    pub(super) only: Option<Lang>,
    /// The traced reference evaluation (`Options::trace`): see [`ev`].
    pub(super) reference: bool,
}

/// Evaluates one of the pack's expressions: every expression the engine evaluates goes
/// through here. `reference` is true on the traced path (`Options::trace`), which runs the
/// straightforward tree-walker ([`Compiled::eval_tree`]); the batch path runs the compiled
/// program ([`Compiled::eval`]). `tests/program_agrees.rs` compares the two on random filings.
pub(super) fn ev(c: &Compiled, env: &Slots<'_>, reference: bool) -> Value {
    if reference {
        c.eval_tree(env)
    } else {
        c.eval_in(env)
    }
}

impl<'a> Slots<'a> {
    /// Slots holding `values` (for tests).
    #[cfg(test)]
    pub(super) fn from_values(
        values: Vec<Value>,
        pack: &'a Pack,
        only: Option<Lang>,
        reference: bool,
    ) -> Slots<'a> {
        let mut arena = Arena::default();
        let slots = values.into_iter().map(|v| arena.slot(v)).collect();
        Slots {
            slots,
            arena,
            pack,
            only,
            reference,
        }
    }

    /// The value of a slot (a parameter's borrowed from the pack).
    fn at(&self, slot: u32) -> Option<Slot<'a>> {
        self.slots.get(slot as usize).copied()
    }

    fn resolve(&self, s: Slot<'a>) -> Option<SlotRef<'_>> {
        Some(match s {
            Slot::Num(d) => SlotRef::Num(d),
            Slot::Bool(b) => SlotRef::Bool(b),
            Slot::Date(d) => SlotRef::Date(d),
            Slot::Ref(v) => SlotRef::Ref(v),
            Slot::Own(k) => SlotRef::Ref(self.arena.get(k)?),
        })
    }

    /// The value in slot `slot` as a message shows it (the slot itself, parameters included).
    pub(super) fn shown(&self, slot: u32) -> Option<Cow<'_, Value>> {
        let s = self.resolve(*self.slots.get(slot as usize)?)?;
        Some(match s {
            SlotRef::Ref(v) => Cow::Borrowed(v),
            s => Cow::Owned(s.to_value()),
        })
    }

    /// Set slot `slot` to `v`.
    pub(super) fn set(&mut self, slot: u32, v: Slot<'a>) {
        if let Some(s) = self.slots.get_mut(slot as usize) {
            *s = v;
        }
    }

    /// Set slot `slot` to the value `v` (kept in the arena unless it is a scalar).
    pub(super) fn set_value(&mut self, slot: u32, v: Value) {
        let v = self.arena.slot(v);
        self.set(slot, v);
    }

    /// The value of slot `slot`, moved out when the arena holds it (it is not read again).
    pub(super) fn take(&mut self, slot: u32) -> Value {
        match self.slots.get(slot as usize).copied() {
            Some(Slot::Own(k)) => self.arena.take(k),
            Some(s) => self
                .resolve(s)
                .map_or_else(|| Value::unknown("?"), SlotRef::to_value),
            None => Value::unknown("?"),
        }
    }
}

impl Env for Slots<'_> {
    fn get(&self, slot: u32) -> Value {
        match self.slot(slot) {
            Some(v) => v.to_value(),
            None => Value::unknown("?"),
        }
    }
    fn get_ref(&self, slot: u32) -> Option<&Value> {
        match self.slot(slot)? {
            SlotRef::Ref(v) => Some(v),
            _ => None,
        }
    }
    fn slot(&self, slot: u32) -> Option<SlotRef<'_>> {
        self.resolve(self.at(slot)?)
    }
    fn lookup(&self, table: u32, key: &Value) -> Value {
        let Some(t) = self.pack.tables.get(table as usize) else {
            return Value::unknown("?");
        };
        match key {
            Value::Num(k) => {
                let found = i64::try_from(k.trunc().mantissa())
                    .ok()
                    .filter(|_| k.fract().is_zero())
                    .and_then(|k| t.rows.iter().find(|(rk, _, _)| *rk == k));
                match found {
                    Some((_, v, _)) => v.clone(),
                    None => Value::unknown(format!("{}[{}]", t.name, num::plain(*k))),
                }
            }
            Value::Unknown(u) => Value::Unknown(u.clone()),
            _ => Value::unknown(format!("{}[?]", t.name)),
        }
    }
}

/// A field's value as a slot: scalars by value, a string or a list copied into the arena.
pub(super) fn field_slot<'a>(v: &FieldValue, path: &'static str, arena: &mut Arena) -> Slot<'a> {
    match v {
        FieldValue::Num(n) => Slot::Num(*n),
        FieldValue::Bool(b) => Slot::Bool(*b),
        FieldValue::Date(d) => Slot::Date(*d),
        FieldValue::Str(s) => arena.str(s),
        FieldValue::StrList(l) => arena.list(|out, spare| {
            refill(out, spare, l.iter().map(|s| Item::Str(s)));
        }),
        FieldValue::NumList(l) => arena.list(|out, spare| {
            refill(out, spare, l.iter().map(|n| Item::Value(Value::Num(*n))));
        }),
        v => arena.slot(field_value(v, path)),
    }
}

/// An item of a list refilled in place: a string to copy, or a value.
enum Item<'s> {
    Str(&'s str),
    Value(Value),
}

/// Writes `items` over the list `out`: a string is copied into the buffer of the string it
/// replaces, or of one of `spare` (the strings of items dropped from the end go there).
fn refill<'s>(
    out: &mut Vec<Value>,
    spare: &mut Vec<String>,
    items: impl Iterator<Item = Item<'s>>,
) {
    let mut n = 0;
    for it in items {
        match (out.get_mut(n), it) {
            (Some(Value::Str(x)), Item::Str(s)) => {
                x.clear();
                x.push_str(s);
            }
            (at, it) => {
                let v = match it {
                    Item::Str(s) => {
                        let mut x = spare.pop().unwrap_or_default();
                        x.clear();
                        x.push_str(s);
                        Value::Str(x)
                    }
                    Item::Value(v) => v,
                };
                match at {
                    Some(x) => {
                        if let Value::Str(old) = x {
                            spare.push(std::mem::take(old));
                        }
                        *x = v;
                    }
                    None => out.push(v),
                }
            }
        }
        n += 1;
    }
    for v in out.drain(n..) {
        if let Value::Str(x) = v {
            spare.push(x);
        }
    }
}

pub(super) fn field_value(v: &FieldValue, path: &'static str) -> Value {
    match v {
        FieldValue::Absent => Value::unknown(path),
        FieldValue::Num(n) => Value::Num(*n),
        FieldValue::Bool(b) => Value::Bool(*b),
        FieldValue::Str(s) => Value::Str(s.to_string()),
        FieldValue::Date(d) => Value::Date(*d),
        FieldValue::StrList(l) => Value::List(l.iter().map(|s| Value::Str(s.clone())).collect()),
        FieldValue::NumList(l) => Value::List(l.iter().map(|n| Value::Num(*n)).collect()),
    }
}

/// The list of field `j` of each item (indicators or adjustments), written over `out` (see
/// [`refill`]).
pub(super) fn array_list(
    out: &mut Vec<Value>,
    spare: &mut Vec<String>,
    items: &[Vec<FieldValue>],
    j: usize,
    prefix: &str,
    field: &str,
) {
    let items = items.iter().enumerate().map(|(i, it)| match &it[j] {
        FieldValue::Str(s) => Item::Str(s),
        // The path names the unknown; built only when the field is absent.
        FieldValue::Absent => Item::Value(Value::unknown(format!("{prefix}.{}.{field}", i + 1))),
        v => Item::Value(field_value(v, "")),
    });
    refill(out, spare, items);
}

/// Relative change of `now` over `prior` in a direction: `now/prior − 1` when higher is better,
/// `(prior − now)/prior` when lower is better. Unknown without a positive base.
pub(super) fn directed_growth(
    prior: &Value,
    now: &Value,
    higher: bool,
    prior_name: &dyn Fn() -> String,
) -> Value {
    match (prior, now) {
        (Value::Num(p), Value::Num(n)) => {
            if *p <= Decimal::ZERO {
                return Value::unknown(format!("{} ≤ 0 (no growth rate)", prior_name()));
            }
            let diff = if higher {
                n.checked_sub(*p)
            } else {
                p.checked_sub(*n)
            };
            match diff.and_then(|d| d.checked_div(*p)) {
                Some(g) => Value::Num(g),
                None => Value::unknown(format!("arithmetic overflow: {}", prior_name())),
            }
        }
        (Value::Unknown(a), Value::Unknown(b)) => {
            let mut u = a.clone();
            u.merge(b);
            Value::Unknown(u)
        }
        (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Value::Unknown(u.clone()),
        _ => Value::unknown(prior_name()),
    }
}

pub(super) fn list_items(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::List(l)) => l,
        _ => &[],
    }
}

/// The filing's indicators with their catalog entries and the enterprise's category, looked
/// up once per filing for every derived value.
#[derive(Default)]
pub(super) struct Indicators<'a> {
    ids: Vec<&'a str>,
    entries: Vec<Option<&'a CatalogEntry>>,
    category: &'a str,
}

impl<'a> Indicators<'a> {
    /// Looks them up, in the buffers of `reuse` (see [`Indicators::recycle`]).
    pub(super) fn new(
        pack: &'a Pack,
        filing: &'a Filing,
        reuse: Indicators<'static>,
    ) -> Indicators<'a> {
        let category = pack
            .program
            .derive
            .category
            .and_then(|f| filing.fields.get(f))
            .and_then(FieldValue::str)
            .unwrap_or("");
        let (mut ids, mut entries): (Vec<&'a str>, Vec<Option<&'a CatalogEntry>>) =
            (reuse.ids, reuse.entries);
        ids.clear();
        entries.clear();
        ids.extend(filing.indicators.iter().map(|i| i[0].str().unwrap_or("")));
        entries.extend(ids.iter().map(|id| pack.catalog.indicator(id)));
        Indicators {
            ids,
            entries,
            category,
        }
    }

    /// Empty buffers borrowing nothing, reusing these (an in-place collect of an empty vector
    /// keeps its allocation).
    pub(super) fn recycle(self) -> Indicators<'static> {
        let (mut ids, mut entries) = (self.ids, self.entries);
        ids.clear();
        entries.clear();
        Indicators {
            ids: ids.into_iter().map(|_| "").collect(),
            entries: entries.into_iter().map(|_| None).collect(),
            category: "",
        }
    }
}

pub(super) fn derive(d: Derived, s: &Slots<'_>, ind: &Indicators<'_>) -> Value {
    let pack = s.pack;
    let at = &pack.program.derive;
    let slot = |i: Option<u32>, name: &'static str| {
        i.map(|i| s.get(i)).unwrap_or_else(|| Value::unknown(name))
    };
    let category = ind.category;
    // A slot's value, borrowed (lists are not copied).
    let slot_ref = |i: Option<u32>| i.and_then(|i| s.get_ref(i));
    match d {
        Derived::IndicatorGrowth => {
            let prior = list_items(slot_ref(at.indicator_prior));
            let budget = list_items(slot_ref(at.indicator_budget));
            Value::List(
                ind.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let higher = e.is_none_or(|e| e.higher_is_better);
                        match (prior.get(i), budget.get(i)) {
                            (Some(p), Some(b)) => directed_growth(p, b, higher, &|| {
                                format!("indicator.{}.prior", i + 1)
                            }),
                            _ => Value::unknown(format!("indicator.{}", i + 1)),
                        }
                    })
                    .collect(),
            )
        }
        Derived::IndicatorMainCount => Value::Num(Decimal::from(
            ind.entries
                .iter()
                .filter(|e| e.is_some_and(|e| e.main.iter().any(|c| c == category)))
                .count(),
        )),
        Derived::IndicatorUnlisted => Value::List(
            ind.ids
                .iter()
                .zip(&ind.entries)
                .filter(|(_, e)| {
                    !e.is_some_and(|e| e.main.iter().chain(&e.additional).any(|c| c == category))
                })
                .map(|(id, _)| Value::Str(id.to_string()))
                .collect(),
        ),
        Derived::LaborCostAdvantage => {
            let kind = slot(at.labor_cost_kind, "labor_cost.kind");
            let higher = match &kind {
                Value::Str(k) => match pack.catalog.labor_cost.iter().find(|e| &e.id == k) {
                    Some(e) => e.higher_is_better,
                    None => return Value::unknown(format!("catalog.labor_cost.{k}")),
                },
                Value::Unknown(u) => {
                    // Name every field the comparison needs, not only the first one missing.
                    let mut u = u.clone();
                    for (i, f) in [
                        (at.labor_cost_prior, "labor_cost.prior"),
                        (
                            at.labor_cost_industry_average,
                            "labor_cost.industry_average",
                        ),
                    ] {
                        if !slot(i, f).is_known() {
                            u.add(f);
                        }
                    }
                    return Value::Unknown(u);
                }
                _ => return Value::unknown("labor_cost.kind"),
            };
            directed_growth(
                &slot(
                    at.labor_cost_industry_average,
                    "labor_cost.industry_average",
                ),
                &slot(at.labor_cost_prior, "labor_cost.prior"),
                higher,
                &|| "labor_cost.industry_average".to_string(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arena_keeps_small_buffers_and_drops_large_ones() {
        let mut arena = Arena::default();
        let long = "x".repeat(10 * MAX_KEPT_TEXT);
        let a = arena.str(&long);
        let b = arena.str("short");
        let c = arena
            .list(|out, spare| refill(out, spare, [Item::Str(&long), Item::Str("id")].into_iter()));
        let (Slot::Own(a), Slot::Own(b), Slot::Own(c)) = (a, b, c) else {
            panic!("strings and lists are kept in the arena");
        };
        assert_eq!(arena.get(a), Some(&Value::Str(long.clone())));
        arena.reset();
        // Nothing of the last evaluation is read again; only the small buffer is kept.
        assert_eq!(arena.get(a), None);
        assert!(matches!(&arena.values[a as usize], Value::Bool(false)));
        assert!(matches!(&arena.values[b as usize], Value::Str(s) if s == "short"));
        assert!(matches!(&arena.values[c as usize], Value::Bool(false)));
        // The next evaluation's values are its own.
        let d = arena.str("next");
        assert!(matches!(d, Slot::Own(0)));
        assert_eq!(arena.get(0), Some(&Value::Str("next".to_string())));
    }
}
