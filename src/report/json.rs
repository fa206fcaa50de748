//! The JSON report, schema `wagecheck/report/v1` (spec/report.md). Every number is a decimal
//! string, exact; unknown values are `null`.

use serde_json::{Map, Value as J, json};

use super::Report;
use crate::diag::Lang;
use crate::engine::TraceLine;
use crate::expr::Value;
use crate::filing::FilingKind;
use crate::num;

pub const SCHEMA: &str = "wagecheck/report/v1";

fn value(v: &Value) -> J {
    match v {
        Value::Num(n) => J::String(num::plain(*n)),
        Value::Bool(b) => J::Bool(*b),
        Value::Str(s) => J::String(s.clone()),
        Value::Date(d) => J::String(d.to_string()),
        Value::List(items) => J::Array(items.iter().map(value).collect()),
        Value::Unknown(_) => J::Null,
    }
}

fn money(d: Option<rust_decimal::Decimal>) -> J {
    d.map(|d| J::String(num::money(d))).unwrap_or(J::Null)
}

fn trace(lines: &[TraceLine]) -> J {
    J::Array(
        lines
            .iter()
            .map(|t| {
                json!({
                    "label": t.label,
                    "expr": t.expr,
                    "substituted": t.substituted,
                    "value": value(&t.value),
                })
            })
            .collect(),
    )
}

/// One report as a JSON object. `with_trace` adds each rule's formulas and values.
pub fn report(r: &Report, lang: Lang, with_trace: bool) -> J {
    let mut o = Map::new();
    o.insert("schema".into(), json!(SCHEMA));
    o.insert("source".into(), json!(r.source));
    if let Some(row) = r.row {
        o.insert("row".into(), json!(row));
    }
    if r.eval.is_none() {
        o.insert("verdict".into(), json!(r.verdict.as_str()));
        o.insert(
            "errors".into(),
            J::Array(
                r.errors
                    .iter()
                    .map(|e| {
                        json!({
                            "file": e.file,
                            "line": e.line,
                            "column": e.column,
                            "field": e.field,
                            "message": e.message.get(lang),
                        })
                    })
                    .collect(),
            ),
        );
        return J::Object(o);
    }
    o.insert(
        "enterprise".into(),
        json!({"name": r.name, "credit_code": r.credit_code, "category": r.category}),
    );
    o.insert(
        "kind".into(),
        json!(match r.kind {
            Some(FilingKind::AnnualReturn) => "annual_return",
            _ => "budget",
        }),
    );
    if let Some(p) = &r.pack {
        o.insert(
            "pack".into(),
            json!({
                "id": p.id,
                "chain": p.chain.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
                "document": p.document,
                "title": p.title.get(lang),
                "receipt": {
                    "engine": concat!("wagecheck ", env!("CARGO_PKG_VERSION")),
                    "evaluated_on": super::evaluated_on(),
                    "packs": p.chain.iter().map(|(id, h)| json!({"id": id, "sha256": h})).collect::<Vec<_>>(),
                },
            }),
        );
    }
    o.insert("verdict".into(), json!(r.verdict.as_str()));
    let Some(ev) = &r.eval else {
        return J::Object(o);
    };
    o.insert("required_regime".into(), json!(ev.regime.required));
    o.insert(
        "regime".into(),
        json!({
            "required": ev.regime.required,
            "steps": ev.regime.fired.iter().map(|(id, t)| json!({"id": id, "message": t.get(lang)})).collect::<Vec<_>>(),
            "unknown": ev.regime.unknown,
        }),
    );
    let mut q = Map::new();
    for (name, v, _) in &ev.quantities {
        q.insert(name.clone(), value(v));
    }
    o.insert("quantities".into(), J::Object(q));
    match &ev.cap {
        Some(c) => {
            o.insert(
                "cap".into(),
                json!({
                    "wage_growth": num::plain(c.wage_growth),
                    "strict": c.strict,
                    "binding_rule": c.binding_rule,
                    "max_wage_total": num::money(c.max_wage_total),
                    "excess": num::money(c.excess),
                    "excess_points": c.excess_points.map(num::plain),
                }),
            );
        }
        None => {
            o.insert("cap".into(), J::Null);
            o.insert("cap_note".into(), json!(ev.cap_unknown.get(lang)));
        }
    }
    let rules: Vec<J> = ev
        .rules
        .iter()
        .map(|rr| {
            let mut m = Map::new();
            m.insert("id".into(), json!(rr.id));
            m.insert("status".into(), json!(rr.status.as_str()));
            m.insert("clause".into(), json!(rr.clause));
            m.insert("title".into(), json!(rr.title.get(lang)));
            m.insert("message".into(), json!(rr.message.get(lang)));
            if let Some(b) = rr.bound {
                m.insert("bound".into(), json!(num::plain(b)));
                m.insert("strict".into(), json!(rr.strict));
            }
            if let Some(a) = rr.allowed_total {
                m.insert("allowed_total".into(), json!(num::money(a)));
            }
            if !rr.triggers.is_empty() {
                m.insert("triggers".into(), json!(rr.triggers));
            }
            if !rr.unknown.is_empty() {
                m.insert("unknown".into(), json!(rr.unknown));
            }
            if with_trace {
                m.insert("trace".into(), trace(&rr.trace));
                m.insert("layers".into(), json!(rr.layers));
                if let Some(p) = &r.pack {
                    let params: Vec<J> = p
                        .params_of(&rr.id)
                        .iter()
                        .map(|(n, v, l)| json!({"name": n, "value": v, "layer": l}))
                        .collect();
                    m.insert("params".into(), J::Array(params));
                }
            }
            J::Object(m)
        })
        .collect();
    o.insert("rules".into(), J::Array(rules));
    if with_trace {
        let mut t = trace(&ev.quantity_trace);
        if let (J::Array(lines), Some(p)) = (&mut t, &r.pack) {
            for (line, tl) in lines.iter_mut().zip(&ev.quantity_trace) {
                if let (J::Object(m), Some(l)) = (line, p.quantity_layer(&tl.label)) {
                    m.insert("layer".into(), json!(l));
                }
            }
        }
        o.insert("trace".into(), t);
    }
    if let Some(c) = &ev.clearing {
        o.insert(
            "clearing".into(),
            json!({
                "approved_wage_total": money(c.approved_wage_total),
                "cleared_wage_total": money(c.cleared_wage_total),
                "actual_wage_total": money(c.actual_wage_total),
                "to_recover": money(c.to_recover),
                "unknown": c.unknown,
            }),
        );
    }
    J::Object(o)
}
