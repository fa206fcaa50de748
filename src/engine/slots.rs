//! The slots an evaluation reads: the filing's fields and the pack's parameters, and the values
//! the engine derives from the catalog.

use rust_decimal::Decimal;

use crate::diag::Lang;
use crate::expr::{Env, Value};
use crate::filing::{FieldValue, Filing};
use crate::num;
use crate::pack::Pack;
use crate::pack::names::Derived;

pub(super) struct Slots<'a> {
    pub(super) values: Vec<Value>,
    pub(super) pack: &'a Pack,
    /// The one language messages are written in, or `None` for both.
    pub(super) only: Option<Lang>,
}

impl Env for Slots<'_> {
    fn get(&self, slot: u32) -> Value {
        self.values
            .get(slot as usize)
            .cloned()
            .unwrap_or_else(|| Value::unknown("?"))
    }
    fn get_ref(&self, slot: u32) -> Option<&Value> {
        self.values.get(slot as usize)
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

pub(super) fn field_value(v: &FieldValue, path: &str) -> Value {
    match v {
        FieldValue::Absent => Value::unknown(path),
        FieldValue::Num(n) => Value::Num(*n),
        FieldValue::Bool(b) => Value::Bool(*b),
        FieldValue::Str(s) => Value::Str(s.clone()),
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

pub(super) fn derive(d: Derived, s: &Slots<'_>, filing: &Filing) -> Value {
    let pack = s.pack;
    let slot = |name: &str| {
        pack.names
            .slot(name)
            .map(|i| s.get(i))
            .unwrap_or_else(|| Value::unknown(name))
    };
    let category = filing.get("enterprise.category").str().unwrap_or("");
    // A slot's value, borrowed (lists are not copied).
    let slot_ref = |name: &str| pack.names.slot(name).and_then(|i| s.values.get(i as usize));
    let ids: Vec<&str> = filing
        .indicators
        .iter()
        .map(|i| i[0].str().unwrap_or(""))
        .collect();
    match d {
        Derived::IndicatorGrowth => {
            let prior = list_items(slot_ref("indicator.prior"));
            let budget = list_items(slot_ref("indicator.budget"));
            Value::List(
                ids.iter()
                    .enumerate()
                    .map(|(i, id)| {
                        let higher = pack
                            .catalog
                            .indicator(id)
                            .is_none_or(|e| e.higher_is_better);
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
            ids.iter()
                .filter(|id| {
                    pack.catalog
                        .indicator(id)
                        .is_some_and(|e| e.main.iter().any(|c| c == category))
                })
                .count(),
        )),
        Derived::IndicatorUnlisted => Value::List(
            ids.iter()
                .filter(|id| {
                    !pack
                        .catalog
                        .indicator(id)
                        .is_some_and(|e| e.main.iter().chain(&e.additional).any(|c| c == category))
                })
                .map(|id| Value::Str(id.to_string()))
                .collect(),
        ),
        Derived::LaborCostAdvantage => {
            let kind = slot("labor_cost.kind");
            let higher = match &kind {
                Value::Str(k) => match pack.catalog.labor_cost.iter().find(|e| &e.id == k) {
                    Some(e) => e.higher_is_better,
                    None => return Value::unknown(format!("catalog.labor_cost.{k}")),
                },
                Value::Unknown(u) => {
                    // Name every field the comparison needs, not only the first one missing.
                    let mut u = u.clone();
                    for f in ["labor_cost.prior", "labor_cost.industry_average"] {
                        if !slot(f).is_known() {
                            u.add(f);
                        }
                    }
                    return Value::Unknown(u);
                }
                _ => return Value::unknown("labor_cost.kind"),
            };
            directed_growth(
                &slot("labor_cost.industry_average"),
                &slot("labor_cost.prior"),
                higher,
                &|| "labor_cost.industry_average".to_string(),
            )
        }
    }
}
