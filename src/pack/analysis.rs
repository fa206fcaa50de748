//! Static facts about a compiled pack, without a filing: which expressions are constant, which
//! values may be unknown, and so which statuses each rule can reach (the denominator of
//! `rules test` coverage).
//!
//! "May be unknown": an expression may be unknown when it reads a filing field that is optional
//! with no default, an unset parameter, a derived growth rate, a table row, a result of an
//! earlier stage, or a quantity that may itself be unknown, except where an `exists(field)`
//! guard settles it (`exists(x) and …`, `if exists(x) then … else …`). Division by zero is not
//! counted: the schema keeps divisors such as headcounts positive.

use crate::expr::{self, Compiled, Env, Scope, Type, Value};
use crate::filing::schema::{self, FieldDefault};

use super::names::{Derived, SlotKind, Special};
use super::{Check, Pack, Rule, Status};

struct NoNames;

impl Scope for NoNames {
    fn resolve(&self, _: &str) -> Option<(u32, Type)> {
        None
    }
    fn resolve_table(&self, _: &str) -> Option<(u32, Type, Type)> {
        None
    }
    fn candidates(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Env for NoNames {
    fn get(&self, _: u32) -> Value {
        Value::unknown("?")
    }
    fn lookup(&self, _: u32, _: &Value) -> Value {
        Value::unknown("?")
    }
}

/// The value of a condition written without any name (`true`, `1 > 2`): it never depends on a
/// filing. `None` when the text names something or is not a condition.
pub fn constant_condition(text: &str) -> Option<bool> {
    let c = expr::compile(text, &NoNames, Some(&Type::Bool)).ok()?;
    c.eval(&NoNames).as_bool()
}

/// The value of a compiled expression that reads no name, if it is a condition.
fn constant(c: &Compiled) -> Option<bool> {
    if !c.refs().is_empty() {
        return None;
    }
    c.eval(&NoNames).as_bool()
}

/// For every slot of the pack's names: may its value be unknown for some filing?
pub fn unknowable_slots(pack: &Pack) -> Vec<bool> {
    let mut out: Vec<bool> = pack
        .names
        .slots
        .iter()
        .map(|s| match s.kind {
            SlotKind::Field(i) => schema::FIELDS
                .get(i)
                .is_none_or(|f| !f.required && f.default == FieldDefault::None),
            SlotKind::IndicatorList(j) => {
                schema::INDICATOR_FIELDS.get(j).is_none_or(|f| !f.required)
            }
            SlotKind::AdjustmentList(j) => {
                schema::ADJUSTMENT_FIELDS.get(j).is_none_or(|f| !f.required)
            }
            SlotKind::Derived(d) => {
                matches!(d, Derived::IndicatorGrowth | Derived::LaborCostAdvantage)
            }
            SlotKind::Param(p) => pack.params.get(p).is_none_or(|p| !p.value.is_known()),
            SlotKind::Quantity(_) => false,
            SlotKind::Special(s) => !matches!(s, Special::EffectiveFrom),
        })
        .collect();
    if let Some(c) = &pack.clearing {
        let marks: Vec<u32> = c
            .substitute
            .iter()
            .filter(|(_, e)| may_be_unknown(e, &out))
            .map(|(t, _)| *t)
            .collect();
        for t in marks {
            if let Some(x) = out.get_mut(t as usize) {
                *x = true;
            }
        }
    }
    for q in &pack.quantities {
        let u = may_be_unknown(&q.expr, &out);
        if let Some(x) = out.get_mut(q.slot as usize) {
            *x = u;
        }
    }
    out
}

/// Whether an expression may evaluate to unknown, given which slots may be unknown.
pub fn may_be_unknown(c: &Compiled, unknowable: &[bool]) -> bool {
    c.may_be_unknown(&|s| unknowable.get(s as usize).copied().unwrap_or(true))
}

/// The statuses a rule can reach, for coverage. A status that no filing can produce is left
/// out: `pass` of a requirement that is literally false, an unknown outcome where nothing the
/// rule reads can be unknown, and so on.
pub fn reachable(rule: &Rule, pack: &Pack, unknowable: &[bool]) -> Vec<Status> {
    let unknown = |c: &Compiled| may_be_unknown(c, unknowable);
    let gated = pack.rules.iter().any(|r| r.gate_scope) && !rule.gate_scope;
    let when_const = rule.when.as_ref().and_then(constant);
    if when_const == Some(false) {
        return vec![Status::NotApplicable];
    }
    let trigger_always = rule
        .triggers
        .iter()
        .any(|t| constant(&t.when) == Some(true));
    let can_skip = (rule.when.is_some() && when_const != Some(true))
        || (!rule.triggers.is_empty() && !trigger_always);
    let applies_unknown = rule.when.as_ref().is_some_and(unknown)
        || (!trigger_always && rule.triggers.iter().any(|t| unknown(&t.when)));
    let (check_const, check_unknown) = match &rule.check {
        Some(Check::Require(e)) => (constant(e), unknown(e)),
        Some(Check::Bound { expr, .. }) => (
            None,
            unknown(expr) || unknown(&pack.cap.subject) || unknown(&pack.cap.base),
        ),
        None => (None, true),
    };
    let mut out = Vec::new();
    if check_const != Some(false) {
        out.push(rule.pass_status);
    }
    if check_const != Some(true) {
        out.push(rule.on_violation);
        if rule
            .review_when
            .as_ref()
            .is_some_and(|rw| constant(rw) != Some(false))
        {
            out.push(Status::Review);
        }
    }
    if applies_unknown || check_unknown {
        out.push(rule.on_unknown);
    }
    if can_skip || gated {
        out.push(Status::NotApplicable);
    }
    out.sort();
    out.dedup();
    out
}
