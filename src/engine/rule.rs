//! One rule: applicability, check, status and message.

use super::cap::{allowed_total, max_total};
use super::message::{Own, text_in, written};
use super::slots::{Slots, ev};
use super::{RuleResult, TraceLine};
use crate::diag::{Lang, Text};
use crate::expr::{Compiled, Reason, Unknown, Value};
use crate::filing::schema;
use crate::pack::{Check, Rule, Status};

/// Three-valued truth of a Bool value: Some(b) or None for unknown.
pub(super) fn truth(v: &Value) -> Option<bool> {
    v.as_bool()
}

pub(super) fn reasons(v: &Value) -> Vec<String> {
    match v {
        Value::Unknown(u) => u.reasons.iter().map(|r| r.to_string()).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn traced(
    c: &Compiled,
    env: &Slots<'_>,
    label: &str,
    on: bool,
    trace: &mut Vec<TraceLine>,
) -> Value {
    let v = ev(c, env, on);
    if on {
        trace.push(TraceLine {
            label: label.to_string(),
            expr: c.source().to_string(),
            substituted: c.substitute(env),
            value: v.clone(),
        });
    }
    v
}

pub(super) fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// What deciding a rule leaves for its message: whether it applies and which triggers fired
/// (indices into the rule's triggers).
#[derive(Clone, Debug, Default)]
pub(super) struct Decided {
    pub(super) applies: Option<bool>,
    pub(super) fired: Vec<usize>,
}

/// Decides rule `i` of the pack: status, bound, unknowns, trace. The message is left empty:
/// [`rule_message`] writes it when it is printed. `fired`: a buffer for the triggers that fire
/// (its contents are dropped).
pub(super) fn eval_rule(
    i: usize,
    env: &Slots<'_>,
    subject: &Value,
    base: &Value,
    trace_on: bool,
    mut fired: Vec<usize>,
) -> (RuleResult, Decided) {
    let rule = &env.pack.rules[i];
    let consts = &env.pack.program.rules[i];
    let mut trace = Vec::new();
    let mut unknown = Unknown::default();
    let when = match &rule.when {
        Some(w) => {
            let v = traced(w, env, "when", trace_on, &mut trace);
            let t = truth(&v);
            if let Value::Unknown(u) = v {
                unknown.absorb(u);
            }
            t
        }
        None => Some(true),
    };
    fired.clear();
    let any = if rule.triggers.is_empty() {
        Some(true)
    } else {
        let mut any_unknown = Unknown::default();
        let mut has_unknown = false;
        for (k, t) in rule.triggers.iter().enumerate() {
            let label = if trace_on {
                format!("trigger {}", t.id)
            } else {
                String::new()
            };
            let v = traced(&t.when, env, &label, trace_on, &mut trace);
            match truth(&v) {
                Some(true) => fired.push(k),
                Some(false) => {}
                None => {
                    has_unknown = true;
                    if let Value::Unknown(u) = v {
                        any_unknown.absorb(u);
                    }
                }
            }
        }
        if !fired.is_empty() {
            Some(true)
        } else if has_unknown {
            unknown.absorb(any_unknown);
            None
        } else {
            Some(false)
        }
    };
    let applies = and3(when, any);
    if applies == Some(false) {
        fired.clear(); // a rule that does not apply names no triggers
    }
    let mut bound = None;
    let mut allowed = None;
    let mut strict = false;
    let status = match applies {
        Some(false) => Status::NotApplicable,
        None => rule.on_unknown,
        Some(true) => {
            unknown = Unknown::default();
            let holds = match &rule.check {
                Some(Check::Bound { expr, strict: s }) => {
                    strict = *s;
                    let b = traced(expr, env, "bound", trace_on, &mut trace);
                    match (&b, base) {
                        (Value::Num(b), Value::Num(base)) => {
                            bound = Some(*b);
                            match allowed_total(*base, *b) {
                                Some(a) => {
                                    allowed = Some(a);
                                    // The allowed total is known even when the subject is not
                                    // (an annual return without the amount paid).
                                    match subject {
                                        Value::Num(subj) => {
                                            Some(if *s { subj < &a } else { subj <= &a })
                                        }
                                        other => {
                                            unknown.merge(
                                                other.as_unknown().unwrap_or(&Unknown::default()),
                                            );
                                            None
                                        }
                                    }
                                }
                                None => {
                                    unknown.add("arithmetic overflow in the allowed total");
                                    None
                                }
                            }
                        }
                        _ => {
                            for v in [&b, subject, base] {
                                if let Value::Unknown(u) = v {
                                    unknown.merge(u);
                                }
                            }
                            None
                        }
                    }
                }
                Some(Check::Require(expr)) => {
                    let v = traced(expr, env, "require", trace_on, &mut trace);
                    let t = truth(&v);
                    if let Value::Unknown(u) = v {
                        unknown.absorb(u);
                    }
                    t
                }
                None => None,
            };
            match holds {
                Some(true) => rule.pass_status,
                Some(false) => {
                    let soften = match &rule.review_when {
                        Some(rw) => {
                            truth(&traced(rw, env, "review_when", trace_on, &mut trace))
                                != Some(false)
                        }
                        None => false,
                    };
                    if soften {
                        Status::Review
                    } else {
                        rule.on_violation
                    }
                }
                None => rule.on_unknown,
            }
        }
    };
    // Undecided application: the bound it would set, if that is known.
    let undecided_bound = match (&applies, &rule.check) {
        (None, Some(Check::Bound { expr, .. })) => {
            traced(expr, env, "bound (if it applies)", trace_on, &mut trace).as_num()
        }
        _ => None,
    };
    (
        RuleResult {
            id: consts.id.clone(),
            clause: consts.clause.clone(),
            title: consts.title.clone(),
            status,
            message: Text::default(),
            bound,
            strict,
            allowed_total: allowed.map(|a| max_total(a, strict)),
            triggers: fired
                .iter()
                .filter_map(|k| consts.triggers.get(*k).cloned())
                .collect(),
            unknown: unknown.reasons,
            trace,
            layers: consts.layers.clone(),
            undecided_bound,
        },
        Decided { applies, fired },
    )
}

/// The message of a rule decided by [`eval_rule`] (`res`, before any gate changed its status).
pub(super) fn rule_message(
    rule: &Rule,
    res: &RuleResult,
    decided: &Decided,
    env: &Slots<'_>,
) -> Text {
    let (applies, status, unknown) = (decided.applies, res.status, &res.unknown);
    let own = Own {
        bound: res.bound,
        allowed: res.allowed_total,
        fired: &decided.fired,
        triggers: &rule.triggers,
    };
    let noted = !unknown.is_empty() && matches!(status, Status::Review | Status::Advisory);
    let hints = if noted {
        missing_rows(unknown, env)
    } else {
        Vec::new()
    };
    // Which notes hold, decided once for both languages (the first 64; any after them are
    // decided as they are written).
    let holds = |n: &crate::pack::Note| truth(&ev(&n.when, env, env.reference)) == Some(true);
    let mut held = 0u64;
    if status != Status::NotApplicable {
        for (k, n) in rule.notes.iter().enumerate().take(64) {
            held |= u64::from(holds(n)) << k;
        }
    }
    // Each part after the first is joined with "；" in Chinese, "; " in English.
    let one = |lang: Lang| {
        written(|w| {
            let zh = lang.is_zh();
            let sep = if zh { "；" } else { "; " };
            let title = rule.title.get(lang);
            if applies.is_none() {
                if zh {
                    w.push("无法判定是否适用：");
                    w.push(title);
                } else {
                    w.push("cannot tell whether '");
                    w.push(title);
                    w.push("' applies");
                }
            } else if status == Status::NotApplicable {
                if zh {
                    w.push("不适用：");
                    w.push(title);
                    w.push("的适用条件不成立");
                } else {
                    w.push("not applicable: the condition of '");
                    w.push(title);
                    w.push("' does not hold");
                }
            } else {
                let t = &rule.message;
                w.pieces(if zh { &t.zh } else { &t.en }, env, &own, lang);
            }
            for (k, n) in rule
                .notes
                .iter()
                .enumerate()
                .filter(|_| status != Status::NotApplicable)
            {
                if if k < 64 { held >> k & 1 == 1 } else { holds(n) } {
                    w.push(sep);
                    w.push(n.text.get(lang));
                }
            }
            if noted {
                w.push(sep);
                w.push(match (status == Status::Advisory, zh) {
                    (true, true) => "未检查，缺少：",
                    (true, false) => "not checked, missing: ",
                    (false, true) => "无法判定，需要：",
                    (false, false) => "cannot decide without: ",
                });
                for (k, u) in unknown.iter().enumerate() {
                    if k > 0 {
                        w.push(", ");
                    }
                    w.push(u);
                }
                for hint in &hints {
                    w.push(sep);
                    w.push(hint.get(lang));
                }
            }
        })
    };
    Text::owned(
        if env.only == Some(Lang::En) {
            String::new()
        } else {
            one(Lang::Zh)
        },
        if env.only == Some(Lang::Zh) {
            String::new()
        } else {
            one(Lang::En)
        },
    )
}

/// For each unknown that is a dated table's missing row (`national_average_wage_series[2025]`),
/// how to supply the figure: the filing fields among the same unknowns (which the pack reads
/// first), or a child pack that adds the row. Nothing is guessed: no earlier year stands in.
pub(super) fn missing_rows(reasons: &[Reason], env: &Slots<'_>) -> Vec<Text> {
    let fields: Vec<&str> = reasons
        .iter()
        .map(|r| &**r)
        .filter(|r| schema::field_index(r).is_some())
        .collect();
    let mut out = Vec::new();
    for r in reasons {
        let Some((name, key)) = r.strip_suffix(']').and_then(|r| r.split_once('[')) else {
            continue;
        };
        let Some(table) = env.pack.tables.iter().find(|t| t.name == name) else {
            continue;
        };
        let span = match (table.rows.first(), table.rows.last()) {
            (Some(a), Some(b)) => format!("{}–{}", a.0, b.0),
            _ => "-".to_string(),
        };
        let (give_zh, give_en) = if fields.is_empty() {
            (String::new(), String::new())
        } else {
            let f = fields.join(", ");
            (
                format!("在申报中填写 {f}（该年官方公布的数值），或"),
                format!(
                    "give {f} in the filing (the officially published figure for that year), or "
                ),
            )
        };
        out.push(text_in(
            env,
            || {
                format!(
                    "{}（{name}）没有 {key} 年的数据（现有 {span} 年）：{give_zh}在子规则包的 [tables.{name}] 中补上 {key} 年",
                    table.text.zh
                )
            },
            || {
                format!(
                    "the table {name} ({}) has no row for {key} (it covers {span}): {give_en}add the row {key} to [tables.{name}] in a child pack",
                    table.text.en
                )
            },
        ));
    }
    out
}
