//! The slots an evaluation reads: the filing's fields and the pack's parameters, and the values
//! the engine derives from the catalog.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::diag::Lang;
use crate::expr::{Compiled, Env, Value};
use crate::filing::{FieldValue, Filing};
use crate::num;
use crate::pack::names::Derived;
use crate::pack::{CatalogEntry, Pack};

pub(super) struct Slots<'a> {
    /// Each slot's value: the filing's own, or borrowed from the pack (a parameter, an absent
    /// field's unknown, see [`super::Program::unknown`]).
    pub(super) values: Vec<Cow<'a, Value>>,
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
        c.eval(env)
    }
}

impl Slots<'_> {
    /// The value of a slot: a parameter read directly from the pack (see
    /// [`super::Program::param_direct`]), else the filing's slot.
    fn value(&self, slot: u32) -> Option<&Value> {
        match self.pack.program.param_direct.get(slot as usize) {
            Some(Some(p)) => self.pack.params.get(*p).map(|p| &p.value),
            _ => self.values.get(slot as usize).map(|v| &**v),
        }
    }
}

impl Env for Slots<'_> {
    fn get(&self, slot: u32) -> Value {
        self.value(slot)
            .cloned()
            .unwrap_or_else(|| Value::unknown("?"))
    }
    fn get_ref(&self, slot: u32) -> Option<&Value> {
        self.value(slot)
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

pub(super) fn array_list(items: &[Vec<FieldValue>], j: usize, prefix: &str, field: &str) -> Value {
    Value::List(
        items
            .iter()
            .enumerate()
            .map(|(i, it)| match &it[j] {
                // The path names the unknown; built only when the field is absent.
                FieldValue::Absent => Value::unknown(format!("{prefix}.{}.{field}", i + 1)),
                v => field_value(v, ""),
            })
            .collect(),
    )
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
pub(super) struct Indicators<'a> {
    ids: Vec<&'a str>,
    entries: Vec<Option<&'a CatalogEntry>>,
    category: &'a str,
}

impl<'a> Indicators<'a> {
    pub(super) fn new(pack: &'a Pack, filing: &'a Filing) -> Indicators<'a> {
        let category = pack
            .program
            .derive
            .category
            .and_then(|f| filing.fields.get(f))
            .and_then(FieldValue::str)
            .unwrap_or("");
        let ids: Vec<&str> = filing
            .indicators
            .iter()
            .map(|i| i[0].str().unwrap_or(""))
            .collect();
        let entries = ids.iter().map(|id| pack.catalog.indicator(id)).collect();
        Indicators {
            ids,
            entries,
            category,
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
    let slot_ref = |i: Option<u32>| i.and_then(|i| s.values.get(i as usize)).map(|v| &**v);
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
