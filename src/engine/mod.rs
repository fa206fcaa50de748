//! Evaluation: one filing against one compiled pack.
//!
//! The stages, in order: the filing's fields and the pack's parameters fill the slots; for an
//! annual return the pack's clearing substitutions put actual results where budget values were;
//! the engine derives catalog-dependent values; quantities are computed in dependency order; the
//! regime decision runs; the cap combines every applicable bound; then every rule gets its status
//! and message. Nothing here knows a policy number: they all come from the pack.

use rust_decimal::Decimal;

use crate::diag::{Lang, Text};
use crate::expr::{Unknown, Value};
use crate::filing::{Filing, FilingKind, schema};
use crate::num;
use crate::pack::names::{SlotKind, Special};
use crate::pack::{Pack, Rule, Status};

mod cap;
mod message;
mod regime;
mod rule;
mod slots;
mod validate;

use cap::combine_cap;
pub use message::{format_labeled, format_value};
use regime::decide_regime;
use rule::{eval_rule, reasons, rule_reads, traced};
use slots::{Slots, array_list, derive, field_value};
pub use validate::validate;

/// The outcome of one filing (spec/report.md), ordered from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[warn(missing_docs)]
pub enum Verdict {
    /// Every rule passes.
    Pass,
    /// The rules do not apply to this enterprise.
    OutOfScope,
    /// A person must decide: data missing, or a rule says "in principle".
    Review,
    /// A rule fails.
    Fail,
    /// The filing cannot be evaluated (syntax, schema, no pack).
    Invalid,
}

#[warn(missing_docs)]
impl Verdict {
    /// The verdict a name stands for (`pass`, `out_of_scope`, `review`, `fail`, `invalid`).
    pub fn parse(s: &str) -> Option<Verdict> {
        [
            Verdict::Pass,
            Verdict::OutOfScope,
            Verdict::Review,
            Verdict::Fail,
            Verdict::Invalid,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
    /// The name used in JSON and on the command line (`out_of_scope`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::OutOfScope => "out_of_scope",
            Verdict::Review => "review",
            Verdict::Fail => "fail",
            Verdict::Invalid => "invalid",
        }
    }
    /// The verdict as a reader sees it, in both languages.
    pub fn label(self) -> Text {
        match self {
            Verdict::Pass => Text::new("通过", "pass"),
            Verdict::OutOfScope => Text::new("不在适用范围", "out of scope"),
            Verdict::Review => Text::new("需复核", "review"),
            Verdict::Fail => Text::new("不通过", "fail"),
            Verdict::Invalid => Text::new("输入无效", "invalid"),
        }
    }
    /// Exit code contribution (spec/report.md).
    pub fn exit_code(self, deny_review: bool) -> i32 {
        match self {
            Verdict::Pass | Verdict::OutOfScope => 0,
            Verdict::Review => i32::from(deny_review),
            Verdict::Fail => 1,
            Verdict::Invalid => 2,
        }
    }
}

/// One evaluated expression, for the trace: formula, values substituted, result.
#[derive(Clone, Debug)]
pub struct TraceLine {
    pub label: String,
    pub expr: String,
    pub substituted: String,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub struct RuleResult {
    pub id: String,
    pub clause: String,
    pub title: Text,
    pub status: Status,
    pub message: Text,
    pub bound: Option<Decimal>,
    pub strict: bool,
    pub allowed_total: Option<Decimal>,
    pub triggers: Vec<String>,
    /// Fields or parameters that would settle an unknown.
    pub unknown: Vec<String>,
    pub trace: Vec<TraceLine>,
    pub layers: Vec<String>,
    /// The bound a rule would set if it applied, when whether it applies is undecided: the cap
    /// need not wait for a rule whose bound cannot be tighter than the binding one.
    pub undecided_bound: Option<Decimal>,
}

#[derive(Clone, Debug)]
pub struct CapResult {
    pub wage_growth: Decimal,
    pub strict: bool,
    pub binding_rule: String,
    pub max_wage_total: Decimal,
    /// `subject − max_wage_total`: positive is over the cap, negative is room left; `None`
    /// when the subject is unknown.
    pub excess: Option<Decimal>,
    /// `wage_growth − cap`, as a ratio (0.01 = one percentage point).
    pub excess_points: Option<Decimal>,
    /// Rules whose application stayed undecided but whose bound cannot be tighter than the
    /// cap: they cannot change it.
    pub undecided: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Clearing {
    pub approved_wage_total: Option<Decimal>,
    pub cleared_wage_total: Option<Decimal>,
    pub actual_wage_total: Option<Decimal>,
    pub to_recover: Option<Decimal>,
    pub unknown: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct RegimeResult {
    pub required: Option<String>,
    pub fired: Vec<(String, Text)>,
    pub unknown: Vec<String>,
}

/// Everything evaluating one filing produced: verdict, quantities, cap, regime, rules.
#[derive(Clone, Debug)]
#[warn(missing_docs)]
pub struct Evaluation {
    /// Budget or annual return.
    pub kind: FilingKind,
    /// The verdict (the worst rule status).
    pub verdict: Verdict,
    /// Each quantity: name, value (possibly unknown), label.
    pub quantities: Vec<(String, Value, Text)>,
    /// How each quantity was computed (when traced).
    pub quantity_trace: Vec<TraceLine>,
    /// The largest allowed wage total and the rule that binds it, when known.
    pub cap: Option<CapResult>,
    /// Why there is no cap; with a cap, which undecided rules cannot change it (else empty).
    pub cap_unknown: Text,
    /// The approval regime required, and the steps that decided it.
    pub regime: RegimeResult,
    /// Each rule's result, in pack order (see [`Evaluation::rule`]).
    pub rules: Vec<RuleResult>,
    /// For an annual return: the cleared total and the amount to recover.
    pub clearing: Option<Clearing>,
}

#[warn(missing_docs)]
impl Evaluation {
    /// The result of rule `id`, if the pack has it.
    pub fn rule(&self, id: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The value of quantity `name` (unknown values included), if the pack defines it.
    pub fn quantity(&self, name: &str) -> Option<&Value> {
        self.quantities
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v)
    }
}

/// What to record while evaluating.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub trace: bool,
}

/// Evaluates one filing against a pack. The filing must have passed [`validate`].
pub fn evaluate(filing: &Filing, pack: &Pack, opts: Options) -> Evaluation {
    evaluate_in(filing, pack, opts, None)
}

/// [`evaluate`], writing the rules' messages only in `only` (the other language left empty)
/// when that is the one language printed, as in `batch`.
pub fn evaluate_in(filing: &Filing, pack: &Pack, opts: Options, only: Option<Lang>) -> Evaluation {
    let kind = filing.kind();
    let mut env = Slots {
        // A placeholder: the loop below gives every slot its value.
        values: vec![Value::Bool(false); pack.names.slots.len()],
        pack,
        only,
    };
    // Fields and parameters.
    for (i, s) in pack.names.slots.iter().enumerate() {
        env.values[i] = match s.kind {
            SlotKind::Field(f) => field_value(&filing.fields[f], schema::FIELDS[f].path),
            SlotKind::IndicatorList(j) => array_list(
                &filing.indicators,
                j,
                "indicator",
                schema::INDICATOR_FIELDS[j].path,
            ),
            SlotKind::AdjustmentList(j) => array_list(
                &filing.adjustments,
                j,
                "adjustment",
                schema::ADJUSTMENT_FIELDS[j].path,
            ),
            SlotKind::Param(p) => pack.params[p].value.clone(),
            SlotKind::Special(Special::EffectiveFrom) => Value::Date(pack.effective_from),
            _ => Value::unknown(s.name.clone()),
        };
    }
    // Clearing: actual results stand in for the budget values.
    let mut quantity_trace = Vec::new();
    if kind == FilingKind::AnnualReturn
        && let Some(c) = &pack.clearing
    {
        let subs: Vec<(u32, Value)> = c
            .substitute
            .iter()
            .map(|(t, e)| (*t, e.eval(&env)))
            .collect();
        for (t, v) in subs {
            env.values[t as usize] = v;
        }
    }
    for (i, s) in pack.names.slots.iter().enumerate() {
        if let SlotKind::Derived(d) = s.kind {
            env.values[i] = derive(d, &env, filing);
        }
    }
    let mut quantities = Vec::with_capacity(pack.quantities.len());
    for q in &pack.quantities {
        let v = traced(&q.expr, &env, &q.name, opts.trace, &mut quantity_trace);
        env.values[q.slot as usize] = v.clone();
        quantities.push((q.name.clone(), v, q.text.clone()));
    }

    let regime = decide_regime(pack, &env);
    if let Some(slot) = pack.names.slot("required_regime") {
        env.values[slot as usize] = match &regime.required {
            Some(r) => Value::Str(r.clone()),
            None => Value::Unknown(Unknown {
                reasons: regime.unknown.clone(),
            }),
        };
    }

    let subject = pack.cap.subject.eval(&env);
    let base = pack.cap.base.eval(&env);
    let growth = pack.cap.growth.eval(&env);

    // Rules, first pass: applicability and bounds.
    let applicable: Vec<&Rule> = pack
        .rules
        .iter()
        .filter(|r| match kind {
            FilingKind::Budget => r.budget,
            FilingKind::AnnualReturn => r.annual_return,
        })
        .collect();
    let mut results = Vec::with_capacity(applicable.len());
    let mut applies_of: Vec<Option<bool>> = Vec::with_capacity(applicable.len());
    for rule in &applicable {
        let (res, applies) = eval_rule(rule, &env, &subject, &base, opts.trace);
        results.push(res);
        applies_of.push(applies);
    }

    let (cap, cap_unknown) =
        combine_cap(&applicable, &results, &applies_of, &subject, &base, &growth);

    // Clearing amounts for annual returns.
    let clearing = if kind == FilingKind::AnnualReturn {
        let cleared = cap.as_ref().map(|c| c.max_wage_total);
        if let Some(slot) = pack.names.slot("cleared_wage_total") {
            env.values[slot as usize] = match cleared {
                Some(c) => Value::Num(c),
                None => Value::unknown("cleared_wage_total"),
            };
        }
        let to_recover = pack.clearing.as_ref().map(|c| c.to_recover.eval(&env));
        let get = |p: &str| filing.get(p).num();
        Some(Clearing {
            approved_wage_total: get("execution.approved_wage_total"),
            cleared_wage_total: cleared,
            actual_wage_total: get("execution.actual_wage_total"),
            to_recover: to_recover
                .as_ref()
                .and_then(Value::as_num)
                .map(num::floor_cents),
            unknown: to_recover.as_ref().map(reasons).unwrap_or_default(),
        })
    } else {
        None
    };
    // Rules that read results of later stages (cleared total) are evaluated again now.
    if kind == FilingKind::AnnualReturn {
        let cleared_slot = pack.names.slot("cleared_wage_total");
        for (i, rule) in applicable.iter().enumerate() {
            if cleared_slot.is_some_and(|s| rule_reads(rule, s)) {
                results[i] = eval_rule(rule, &env, &subject, &base, opts.trace).0;
            }
        }
    }

    // A filing kind the pack has no rule for is never `pass`: an annual return needs a rule
    // written for annual returns (the budget rules re-run on actual results do not check the
    // amount paid against the approved total).
    let uncovered = match kind {
        FilingKind::AnnualReturn => !pack.rules.iter().any(|r| r.annual_return && !r.budget),
        FilingKind::Budget => applicable.is_empty(),
    };
    if uncovered {
        results.push(no_rules_for_kind(pack, kind));
    }
    // The first gate that fails takes the filing out of scope, in the pack's words.
    let gate = applicable
        .iter()
        .zip(&results)
        .find(|(r, res)| r.gate_scope && res.status == Status::Fail)
        .map(|(r, _)| r.gate_message.clone().unwrap_or_default());
    let out_of_scope = gate.is_some();
    if let Some(note) = gate {
        for (r, res) in applicable.iter().zip(results.iter_mut()) {
            if !r.gate_scope {
                res.status = Status::NotApplicable;
                res.message = note.clone();
            }
        }
    }
    if out_of_scope
        && uncovered
        && let Some(last) = results.last_mut()
    {
        last.status = Status::NotApplicable;
    }
    let mut clearing = clearing;
    if out_of_scope && let Some(c) = clearing.as_mut() {
        // Nothing is cleared or recovered outside the scope of the measures.
        c.cleared_wage_total = None;
        c.to_recover = None;
        c.unknown = vec!["out_of_scope".to_string()];
    }
    let verdict = if out_of_scope {
        Verdict::OutOfScope
    } else if results.iter().any(|r| r.status == Status::Fail) {
        Verdict::Fail
    } else if results.iter().any(|r| r.status == Status::Review) {
        Verdict::Review
    } else {
        Verdict::Pass
    };
    Evaluation {
        kind,
        verdict,
        quantities,
        quantity_trace,
        cap: if out_of_scope { None } else { cap },
        cap_unknown: if out_of_scope {
            Text::new("不在适用范围，不计算上限", "out of scope: no cap")
        } else {
            cap_unknown
        },
        regime,
        rules: results,
        clearing,
    }
}

/// The id of the entry a report gets when the pack has no rule for the filing's kind.
pub const NO_RULES_FOR_KIND: &str = "pack.no_rules_for_kind";

fn no_rules_for_kind(pack: &Pack, kind: FilingKind) -> RuleResult {
    let (kzh, ken, hint_zh, hint_en) = match kind {
        FilingKind::AnnualReturn => (
            "年度执行情况（annual_return）",
            "annual returns",
            "如 applies_to = [\"annual_return\"] 的 execution.within_budget、execution.clearing",
            "such as execution.within_budget and execution.clearing, with applies_to = [\"annual_return\"]",
        ),
        FilingKind::Budget => ("预算（budget）", "budgets", "", ""),
    };
    RuleResult {
        id: NO_RULES_FOR_KIND.to_string(),
        clause: pack.document.clone(),
        title: Text::new(
            "规则包未覆盖此类申报",
            "The pack has no rules for this kind of filing",
        ),
        status: Status::Review,
        message: Text::owned(
            format!(
                "规则包 {} 没有适用于{kzh}的规则{}：未检查，不能视为通过",
                pack.id,
                if hint_zh.is_empty() {
                    String::new()
                } else {
                    format!("（{hint_zh}）")
                }
            ),
            format!(
                "pack {} has no rule for {ken}{}: nothing was checked, so this cannot pass",
                pack.id,
                if hint_en.is_empty() {
                    String::new()
                } else {
                    format!(" ({hint_en})")
                }
            ),
        ),
        bound: None,
        strict: false,
        allowed_total: None,
        triggers: Vec::new(),
        unknown: Vec::new(),
        trace: Vec::new(),
        layers: vec![pack.id.clone()],
        undecided_bound: None,
    }
}
