//! Evaluation: one filing against one compiled pack.
//!
//! The stages, in order: the filing's fields and the pack's parameters fill the slots; for an
//! annual return the pack's clearing substitutions put actual results where budget values were;
//! the engine derives catalog-dependent values; quantities are computed in dependency order; the
//! regime decision runs; the cap combines every applicable bound; then every rule gets its status
//! and message. Nothing here knows a policy number: they all come from the pack.

use std::borrow::Cow;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::diag::{Lang, Text};
use crate::expr::{Reason, Unknown, Value};
use crate::filing::{FieldValue, Filing, FilingKind, schema};
use crate::num;
use crate::pack::{Pack, Status};

mod cap;
mod message;
mod program;
mod regime;
mod rule;
mod slots;
mod validate;

use cap::combine_cap;
pub use message::{format_labeled, format_value};
use program::Fill;
pub use program::{Program, SharedStr};
use regime::decide_regime;
use rule::{Decided, eval_rule, reasons, rule_message, traced};
use slots::{Arena, Indicators, Slot, Slots, array_list, derive, ev, field_slot};
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
        Text::new(self.label_in(Lang::Zh), self.label_in(Lang::En))
    }
    /// [`Verdict::label`] in one language, without allocating.
    pub fn label_in(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Verdict::Pass => ("通过", "pass"),
            Verdict::OutOfScope => ("不在适用范围", "out of scope"),
            Verdict::Review => ("需复核", "review"),
            Verdict::Fail => ("不通过", "fail"),
            Verdict::Invalid => ("输入无效", "invalid"),
        };
        if lang.is_zh() { zh } else { en }
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

/// One rule's result. The id, clause, title and layers are the pack's, shared (not copied).
#[derive(Clone, Debug)]
pub struct RuleResult {
    pub id: SharedStr,
    pub clause: SharedStr,
    pub title: Arc<Text>,
    pub status: Status,
    /// The message; empty when the evaluation was asked for other rules' messages only
    /// ([`Messages::Main`]) or in the other language only.
    pub message: Text,
    pub bound: Option<Decimal>,
    pub strict: bool,
    pub allowed_total: Option<Decimal>,
    /// The ids of the triggers that fired, shared with the pack.
    pub triggers: Vec<SharedStr>,
    /// Fields or parameters that would settle an unknown (sorted, without repeats); a name
    /// the pack or the schema spells is borrowed, not copied.
    pub unknown: Vec<Reason>,
    pub trace: Vec<TraceLine>,
    pub layers: Arc<[String]>,
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
    pub required: Option<SharedStr>,
    /// The steps that fired: id and text, shared with the pack.
    pub fired: Vec<(SharedStr, Arc<Text>)>,
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
    /// Each quantity: name, value (possibly unknown), label (the name and label shared with
    /// the pack).
    pub quantities: Vec<(SharedStr, Value, Arc<Text>)>,
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
        self.rules.iter().find(|r| &*r.id == id)
    }

    /// The rule a reader reads first: the binding rule when it fails, else the first failing
    /// rule, else the first to review (the one whose message [`Messages::Main`] writes).
    pub fn main_rule(&self) -> Option<&RuleResult> {
        main_rule_index(&self.rules, self.cap.as_ref()).map(|i| &self.rules[i])
    }

    /// The value of quantity `name` (unknown values included), if the pack defines it.
    pub fn quantity(&self, name: &str) -> Option<&Value> {
        self.quantities
            .iter()
            .find(|(n, _, _)| n.as_str() == name)
            .map(|(_, v, _)| v)
    }
}

fn main_rule_index(rules: &[RuleResult], cap: Option<&CapResult>) -> Option<usize> {
    // The binding rule first when it fails: it is the one that sets the largest total.
    let binding = cap.map(|c| &*c.binding_rule);
    rules
        .iter()
        .position(|r| Some(&*r.id) == binding && r.status == Status::Fail)
        .or_else(|| rules.iter().position(|r| r.status == Status::Fail))
        .or_else(|| rules.iter().position(|r| r.status == Status::Review))
}

/// Which rules' messages an evaluation writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Messages {
    /// Every rule's.
    #[default]
    All,
    /// Only the message of [`Evaluation::main_rule`] (what one line per filing prints); the
    /// others are left empty.
    Main,
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
    evaluate_with(filing, pack, opts, only, Messages::All)
}

/// [`evaluate_in`], writing only the messages `messages` asks for (the others left empty): a
/// format that prints one line per filing has the other rules' messages left unwritten.
pub fn evaluate_with(
    filing: &Filing,
    pack: &Pack,
    opts: Options,
    only: Option<Lang>,
    messages: Messages,
) -> Evaluation {
    let kind = filing.kind();
    let program = &*pack.program;
    let mut scratch = Scratch::take();
    let mut arena = std::mem::take(&mut scratch.arena);
    arena.reset();
    // Fields and parameters: those something reads (every one for the traced reference); a
    // slot left unfilled holds a placeholder nothing reads. Parameters, unknowns and choice
    // fields' strings are borrowed from the pack; numbers, booleans and dates are copied.
    const PLACEHOLDER: Slot<'static> = Slot::Bool(false);
    let unknown = |i: usize, arena: &mut Arena| match program.unknown.get(i) {
        Some(u) => Slot::Ref(u),
        None => arena.slot(Value::unknown("?")),
    };
    let n = pack.names.slots.len();
    let mut values: Vec<Slot<'_>> = std::mem::take(&mut scratch.slots);
    values.clear();
    values.resize(n, PLACEHOLDER);
    let fill = if opts.trace {
        &program.fill_traced
    } else {
        &program.fill
    };
    for &(i, f) in fill {
        let v = match f {
            Fill::Field(f) => match &filing.fields[f] {
                FieldValue::Absent => unknown(i as usize, &mut arena),
                v => field_slot(v, schema::FIELDS[f].path, &mut arena),
            },
            Fill::Enum { field, at, len } => match &filing.fields[field] {
                FieldValue::Absent => unknown(i as usize, &mut arena),
                FieldValue::Str(s) => program
                    .strs
                    .get(at as usize..(at + len) as usize)
                    .and_then(|set| set.iter().find(|v| matches!(v, Value::Str(x) if x == s)))
                    .map_or_else(|| arena.str(s), Slot::Ref),
                v => field_slot(v, schema::FIELDS[field].path, &mut arena),
            },
            Fill::Indicators(j) => arena.list(|l, spare| {
                array_list(
                    l,
                    spare,
                    &filing.indicators,
                    j,
                    "indicator",
                    schema::INDICATOR_FIELDS[j].path,
                )
            }),
            Fill::Adjustments(j) => arena.list(|l, spare| {
                array_list(
                    l,
                    spare,
                    &filing.adjustments,
                    j,
                    "adjustment",
                    schema::ADJUSTMENT_FIELDS[j].path,
                )
            }),
            Fill::Param(p) => Slot::of(&pack.params[p].value),
            Fill::EffectiveFrom => Slot::Date(pack.effective_from),
            Fill::Unknown => unknown(i as usize, &mut arena),
        };
        if let Some(s) = values.get_mut(i as usize) {
            *s = v;
        }
    }
    let mut env = Slots {
        slots: values,
        arena,
        pack,
        only,
        reference: opts.trace,
    };
    // Clearing: actual results stand in for the budget values.
    let mut quantity_trace = Vec::new();
    if kind == FilingKind::AnnualReturn
        && let Some(c) = &pack.clearing
    {
        let mut subs = std::mem::take(&mut scratch.subs);
        subs.extend(
            c.substitute
                .iter()
                .map(|(t, e)| (*t, ev(e, &env, opts.trace))),
        );
        for (t, v) in subs.drain(..) {
            env.set_value(t, v);
        }
        scratch.subs = subs;
    }
    if program.derive.any || opts.trace {
        let catalog = Indicators::new(pack, filing, std::mem::take(&mut scratch.indicators));
        let derived = if opts.trace {
            &program.derived_traced
        } else {
            &program.derived
        };
        for &(i, d) in derived {
            let v = derive(d, &env, &catalog);
            env.set_value(i, v);
        }
        scratch.indicators = catalog.recycle();
    }
    // The quantities' values stay in their slots until the end (moved out then, see
    // `Program::quantities_movable`), else they are copied as they are computed.
    let mut quantities: Vec<(SharedStr, Value, Arc<Text>)> =
        Vec::with_capacity(if program.quantities_movable {
            0
        } else {
            pack.quantities.len()
        });
    for (q, (name, text)) in pack.quantities.iter().zip(&program.quantities) {
        let v = traced(&q.expr, &env, &q.name, opts.trace, &mut quantity_trace);
        if !program.quantities_movable {
            quantities.push((name.clone(), v.clone(), text.clone()));
        }
        env.set_value(q.slot, v);
    }

    let regime = decide_regime(pack, &env, &mut scratch.regime);
    if let Some(slot) = program.required_regime {
        match regime
            .required_at
            .and_then(|r| program.regime_values.get(r))
        {
            Some((_, v)) => env.set(slot, Slot::of(v)),
            None => env.set_value(
                slot,
                Value::Unknown(Unknown {
                    reasons: regime
                        .result
                        .unknown
                        .iter()
                        .cloned()
                        .map(Cow::Owned)
                        .collect(),
                }),
            ),
        }
    }

    let regime_result = regime.result;
    let subject = ev(&pack.cap.subject, &env, opts.trace);
    let base = ev(&pack.cap.base, &env, opts.trace);
    let growth = ev(&pack.cap.growth, &env, opts.trace);

    // Rules, first pass: applicability and bounds.
    let indices: &[usize] = match kind {
        FilingKind::Budget => &program.budget,
        FilingKind::AnnualReturn => &program.annual,
    };
    let applicable = || indices.iter().map(|i| &pack.rules[*i]);
    let mut results = Vec::with_capacity(indices.len() + 1);
    let mut decided: Vec<Decided> = std::mem::take(&mut scratch.decided);
    // The previous filing's lists of fired triggers, kept for their buffers.
    let mut fired = std::mem::take(&mut scratch.fired);
    fired.extend(
        decided
            .drain(..)
            .map(|d| d.fired)
            .filter(|f| f.capacity() > 0),
    );
    // Messages written before the cleared total is known, for the rules whose message reads
    // it but whose condition and check do not (they are not evaluated again).
    let mut early: Vec<Option<Text>> = std::mem::take(&mut scratch.early);
    early.clear();
    for &i in indices {
        let buf = fired.pop().unwrap_or_default();
        let (mut res, d) = eval_rule(i, &env, &subject, &base, opts.trace, buf);
        let c = &program.rules[i];
        if kind == FilingKind::AnnualReturn && c.message_reads_cleared && !c.reads_cleared {
            early.resize(results.len() + 1, None);
            res.message = rule_message(&pack.rules[i], &res, &d, &env);
            early[results.len()] = Some(res.message.clone());
        }
        results.push(res);
        decided.push(d);
    }

    let superseded_by = match kind {
        FilingKind::Budget => &program.budget_superseded_by,
        FilingKind::AnnualReturn => &program.annual_superseded_by,
    };
    let (cap, cap_unknown) = combine_cap(
        (&pack.rules, indices),
        superseded_by,
        &results,
        &decided,
        &subject,
        &base,
        &growth,
    );

    // Clearing amounts for annual returns.
    let clearing = if kind == FilingKind::AnnualReturn {
        let cleared = cap.as_ref().map(|c| c.max_wage_total);
        if let Some(slot) = program.cleared {
            match cleared {
                Some(c) => env.set(slot, Slot::Num(c)),
                // The slot's unknown names it: `unknown(cleared_wage_total)`.
                None => match program.unknown.get(slot as usize) {
                    Some(u) => env.set(slot, Slot::Ref(u)),
                    None => env.set_value(slot, Value::unknown("cleared_wage_total")),
                },
            }
        }
        let to_recover = pack
            .clearing
            .as_ref()
            .map(|c| ev(&c.to_recover, &env, opts.trace));
        let get = |f: Option<usize>| f.and_then(|f| filing.fields.get(f)).and_then(|v| v.num());
        Some(Clearing {
            approved_wage_total: get(program.derive.approved_wage_total),
            cleared_wage_total: cleared,
            actual_wage_total: get(program.derive.actual_wage_total),
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
        for (k, &i) in indices.iter().enumerate() {
            if program.rules[i].reads_cleared {
                let buf = std::mem::take(&mut decided[k].fired);
                (results[k], decided[k]) = eval_rule(i, &env, &subject, &base, opts.trace, buf);
            }
        }
    }

    // A filing kind the pack has no rule for is never `pass`: an annual return needs a rule
    // written for annual returns (the budget rules re-run on actual results do not check the
    // amount paid against the approved total).
    let uncovered = match kind {
        FilingKind::AnnualReturn => !program.covers_annual,
        FilingKind::Budget => indices.is_empty(),
    };
    if uncovered {
        results.push(no_rules_for_kind(pack, kind));
    }
    // The first gate that fails takes the filing out of scope, in the pack's words.
    let gate = applicable()
        .zip(&results)
        .find(|(r, res)| r.gate_scope && res.status == Status::Fail)
        .map(|(r, _)| r.gate_message.clone().unwrap_or_default());
    let out_of_scope = gate.is_some();
    // The rules' messages are written against their status before any gate: a gate's note
    // stands in for the others' (below).
    // (Kept only when a gate changes them.)
    let mut pre_gate: Vec<Status> = std::mem::take(&mut scratch.pre_gate);
    pre_gate.clear();
    if gate.is_some() {
        pre_gate.extend(results.iter().map(|r| r.status));
    }
    if gate.is_some() {
        for (r, res) in applicable().zip(results.iter_mut()) {
            if !r.gate_scope {
                res.status = Status::NotApplicable;
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
    let cap = if out_of_scope { None } else { cap };
    // Messages: every rule's, or only the one printed.
    let wanted = match messages {
        Messages::All => None,
        Messages::Main => Some(main_rule_index(&results, cap.as_ref())),
    };
    for (k, (&i, rule)) in indices.iter().zip(applicable()).enumerate() {
        if wanted.is_some_and(|w| w != Some(k)) {
            continue;
        }
        let res = &mut results[k];
        res.message = match (&gate, rule.gate_scope) {
            (Some(note), false) => note.clone(),
            _ => match early.get_mut(k).and_then(Option::take) {
                Some(m) => m,
                None => {
                    let before = pre_gate.get(k).copied().unwrap_or(res.status);
                    let status = std::mem::replace(&mut res.status, before);
                    let m = rule_message(&pack.rules[i], res, &decided[k], &env);
                    res.status = status;
                    m
                }
            },
        };
    }
    if program.quantities_movable {
        quantities.extend(
            pack.quantities
                .iter()
                .zip(&program.quantities)
                .map(|(q, (name, text))| (name.clone(), env.take(q.slot), text.clone())),
        );
    }
    scratch.decided = decided;
    scratch.fired = fired;
    scratch.early = early;
    scratch.pre_gate = pre_gate;
    scratch.put(env);
    Evaluation {
        kind,
        verdict,
        quantities,
        quantity_trace,
        cap,
        cap_unknown: if out_of_scope {
            Text::new("不在适用范围，不计算上限", "out of scope: no cap")
        } else {
            cap_unknown
        },
        regime: regime_result,
        rules: results,
        clearing,
    }
}

/// What an evaluation needs only while it runs, kept from one filing to the next (one per
/// thread): its buffers are reused, so the steady state does not allocate them.
#[derive(Default)]
struct Scratch {
    slots: Vec<Slot<'static>>,
    arena: Arena,
    subs: Vec<(u32, Value)>,
    indicators: Indicators<'static>,
    regime: (Vec<bool>, Vec<bool>),
    decided: Vec<Decided>,
    fired: Vec<Vec<usize>>,
    early: Vec<Option<Text>>,
    pre_gate: Vec<Status>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

impl Scratch {
    /// This thread's scratch (a fresh one if an evaluation is already using it).
    fn take() -> Scratch {
        SCRATCH.try_with(std::cell::Cell::take).unwrap_or_default()
    }

    /// Gives the buffers of `env` back to this thread's scratch.
    fn put(mut self, env: Slots<'_>) {
        self.arena = env.arena;
        self.slots = recycle(env.slots);
        // Fails only while the thread is being torn down: the buffers are dropped.
        let _ = SCRATCH.try_with(|s| s.set(self));
    }
}

/// An empty vector of slots borrowing nothing, reusing `v`'s buffer (an in-place collect of
/// an empty vector keeps its allocation).
fn recycle(mut v: Vec<Slot<'_>>) -> Vec<Slot<'static>> {
    v.clear();
    v.into_iter().map(|_| Slot::Bool(false)).collect()
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
        id: SharedStr::from(NO_RULES_FOR_KIND),
        clause: pack.program.document.clone(),
        title: Arc::new(Text::new(
            "规则包未覆盖此类申报",
            "The pack has no rules for this kind of filing",
        )),
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
        layers: pack.program.own_layer.clone(),
        undecided_bound: None,
    }
}
