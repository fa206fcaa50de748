//! Evaluation: one filing against one compiled pack.
//!
//! The stages, in order: the filing's fields and the pack's parameters fill the slots; for an
//! annual return the pack's clearing substitutions put actual results where budget values were;
//! the engine derives catalog-dependent values; quantities are computed in dependency order; the
//! regime decision runs; the cap combines every applicable bound; then every rule gets its status
//! and message. Nothing here knows a policy number: they all come from the pack.

use rust_decimal::Decimal;

use crate::diag::{Diagnostic, Lang, Text};
use crate::expr::{Compiled, Env, Unknown, Value};
use crate::filing::{FieldValue, Filing, FilingKind, schema};
use crate::num;
use crate::pack::names::{Derived, SlotKind, Special};
use crate::pack::{Check, Format, Pack, Piece, Rule, Status, Template};

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

struct Slots<'a> {
    values: Vec<Value>,
    pack: &'a Pack,
    /// The one language messages are written in, or `None` for both.
    only: Option<Lang>,
}

/// A message in both languages, or only in `env.only` (the other left empty).
fn text_in(env: &Slots<'_>, zh: impl FnOnce() -> String, en: impl FnOnce() -> String) -> Text {
    Text::owned(
        if env.only == Some(Lang::En) {
            String::new()
        } else {
            zh()
        },
        if env.only == Some(Lang::Zh) {
            String::new()
        } else {
            en()
        },
    )
}

impl Env for Slots<'_> {
    fn get(&self, slot: u32) -> Value {
        self.values
            .get(slot as usize)
            .cloned()
            .unwrap_or_else(|| Value::unknown("?"))
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

fn field_value(v: &FieldValue, path: &str) -> Value {
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

fn array_list(items: &[Vec<FieldValue>], j: usize, prefix: &str, field: &str) -> Value {
    Value::List(
        items
            .iter()
            .enumerate()
            .map(|(i, it)| field_value(&it[j], &format!("{prefix}.{}.{field}", i + 1)))
            .collect(),
    )
}

/// Checks what only the pack can tell about a filing: indicator ids against its catalog.
pub fn validate(filing: &Filing, pack: &Pack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ids: Vec<&str> = pack
        .catalog
        .indicators
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for (i, ind) in filing.indicators.iter().enumerate() {
        let path = format!("indicator.{}.id", i + 1);
        let Some(id) = ind[0].str() else { continue };
        if !ids.contains(&id) {
            let hint = crate::diag::did_you_mean(id, ids.iter().copied());
            let (zh, en) = match hint {
                Some(h) => (
                    format!("；是否指 \"{h}\"？"),
                    format!("; did you mean \"{h}\"?"),
                ),
                None => (String::new(), String::new()),
            };
            out.push(Diagnostic::new(
                &filing.source,
                filing.pos(&path),
                Some(&path),
                Text::owned(
                    format!("规则包 {} 的指标目录中没有 \"{id}\"{zh}", pack.id),
                    format!(
                        "\"{id}\" is not in the indicator catalog of pack {}{en}",
                        pack.id
                    ),
                ),
            ));
        } else if seen.contains(&id) {
            out.push(Diagnostic::new(
                &filing.source,
                filing.pos(&path),
                Some(&path),
                Text::owned(
                    format!("指标 \"{id}\" 重复"),
                    format!("indicator \"{id}\" appears twice"),
                ),
            ));
        }
        seen.push(id);
    }
    // The productivity and labour-cost measures are the pack's catalog's, not a fixed list.
    let measures = [
        (
            "productivity.kind",
            &pack.catalog.productivity,
            "劳动生产率",
            "productivity",
        ),
        (
            "labor_cost.kind",
            &pack.catalog.labor_cost,
            "人工成本",
            "labour-cost",
        ),
    ];
    for (path, entries, zh_name, en_name) in measures {
        let Some(kind) = filing.get(path).str() else {
            continue;
        };
        if entries.iter().any(|e| e.id == kind) {
            continue;
        }
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        let list = ids.join(" | ");
        out.push(Diagnostic::new(
            &filing.source,
            filing.pos(path),
            Some(path),
            Text::owned(
                format!(
                    "规则包 {} 的{zh_name}指标目录中没有 \"{kind}\"（可选：{list}）",
                    pack.id
                ),
                format!(
                    "\"{kind}\" is not in the {en_name} catalog of pack {} (one of {list})",
                    pack.id
                ),
            ),
        ));
    }
    out
}

/// Relative change of `now` over `prior` in a direction: `now/prior − 1` when higher is better,
/// `(prior − now)/prior` when lower is better. Unknown without a positive base.
fn directed_growth(prior: &Value, now: &Value, higher: bool, prior_name: &str) -> Value {
    match (prior, now) {
        (Value::Num(p), Value::Num(n)) => {
            if *p <= Decimal::ZERO {
                return Value::unknown(format!("{prior_name} ≤ 0 (no growth rate)"));
            }
            let diff = if higher {
                n.checked_sub(*p)
            } else {
                p.checked_sub(*n)
            };
            match diff.and_then(|d| d.checked_div(*p)) {
                Some(g) => Value::Num(g),
                None => Value::unknown(format!("arithmetic overflow: {prior_name}")),
            }
        }
        (Value::Unknown(a), Value::Unknown(b)) => {
            let mut u = a.clone();
            u.merge(b);
            Value::Unknown(u)
        }
        (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Value::Unknown(u.clone()),
        _ => Value::unknown(prior_name.to_string()),
    }
}

fn list_items(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.clone(),
        _ => Vec::new(),
    }
}

fn derive(d: Derived, s: &Slots<'_>, filing: &Filing) -> Value {
    let pack = s.pack;
    let slot = |name: &str| {
        pack.names
            .slot(name)
            .map(|i| s.get(i))
            .unwrap_or_else(|| Value::unknown(name))
    };
    let category = filing.get("enterprise.category").str().unwrap_or("");
    let ids: Vec<String> = filing
        .indicators
        .iter()
        .map(|i| i[0].str().unwrap_or("").to_string())
        .collect();
    match d {
        Derived::IndicatorGrowth => {
            let prior = list_items(&slot("indicator.prior"));
            let budget = list_items(&slot("indicator.budget"));
            Value::List(
                ids.iter()
                    .enumerate()
                    .map(|(i, id)| {
                        let higher = pack
                            .catalog
                            .indicator(id)
                            .is_none_or(|e| e.higher_is_better);
                        match (prior.get(i), budget.get(i)) {
                            (Some(p), Some(b)) => {
                                directed_growth(p, b, higher, &format!("indicator.{}.prior", i + 1))
                            }
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
                .map(|id| Value::Str(id.clone()))
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
                "labor_cost.industry_average",
            )
        }
    }
}

/// Three-valued truth of a Bool value: Some(b) or None for unknown.
fn truth(v: &Value) -> Option<bool> {
    v.as_bool()
}

fn reasons(v: &Value) -> Vec<String> {
    match v {
        Value::Unknown(u) => u.reasons.clone(),
        _ => Vec::new(),
    }
}

fn traced(
    c: &Compiled,
    env: &Slots<'_>,
    label: &str,
    on: bool,
    trace: &mut Vec<TraceLine>,
) -> Value {
    let v = c.eval(env);
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

/// A value for people, in a template's format.
pub fn format_value(v: &Value, format: Format, lang: Lang) -> String {
    format_labeled(v, format, lang, None)
}

/// How a string value reads: the pack's catalog name for an indicator or measure id, else
/// the schema's label for an enumerated value, else the value itself.
fn label(s: &str, lang: Lang, pack: Option<&Pack>) -> String {
    let catalog = pack.and_then(|p| {
        let c = &p.catalog;
        c.indicators
            .iter()
            .chain(&c.productivity)
            .chain(&c.labor_cost)
            .find(|e| e.id == s)
            .map(|e| e.text.get(lang).to_string())
    });
    catalog
        .or_else(|| {
            schema::value_label(s).map(|(zh, en)| if lang.is_zh() { zh } else { en }.to_string())
        })
        .unwrap_or_else(|| s.to_string())
}

/// A value for people, with string values shown by their labels.
pub fn format_labeled(v: &Value, format: Format, lang: Lang, pack: Option<&Pack>) -> String {
    match (v, format) {
        (Value::Num(n), Format::Percent) => num::percent(*n, 4),
        (Value::Num(n), Format::Money) => num::money_grouped(num::round_cents_display(*n)),
        (Value::Num(n), Format::Plain) => num::plain(*n),
        (Value::Str(s), _) => label(s, lang, pack),
        (Value::List(items), _) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| format_labeled(i, format, lang, pack))
                .collect();
            let strings = items.iter().all(|i| matches!(i, Value::Str(_)));
            format!(
                "[{}]",
                parts.join(if lang.is_zh() && strings { "、" } else { ", " })
            )
        }
        (Value::Unknown(_), _) => if lang.is_zh() { "未知" } else { "unknown" }.to_string(),
        (other, _) => other.display_lang(lang.is_zh()),
    }
}

struct Own<'a> {
    bound: Option<Decimal>,
    allowed: Option<Decimal>,
    triggers: &'a [(String, Text)],
}

fn render(pieces: &[Piece], env: &Slots<'_>, own: &Own<'_>, lang: Lang) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Slot { slot, format } => out.push_str(&format_labeled(
                &env.get(*slot),
                *format,
                lang,
                Some(env.pack),
            )),
            Piece::Own { name, format } => {
                let s = match name.as_str() {
                    "bound" => own
                        .bound
                        .map(|b| format_value(&Value::Num(b), *format, lang)),
                    "allowed_total" => own
                        .allowed
                        .map(|a| format_value(&Value::Num(a), Format::Money, lang)),
                    _ => Some(if own.triggers.is_empty() {
                        "—".to_string()
                    } else {
                        own.triggers
                            .iter()
                            .map(|(_, t)| t.get(lang).to_string())
                            .collect::<Vec<_>>()
                            .join(if lang.is_zh() { "；" } else { "; " })
                    }),
                };
                out.push_str(
                    &s.unwrap_or_else(|| if lang.is_zh() { "未知" } else { "unknown" }.to_string()),
                );
            }
        }
    }
    out
}

fn message(t: &Template, env: &Slots<'_>, own: &Own<'_>) -> Text {
    text_in(
        env,
        || render(&t.zh, env, own, Lang::Zh),
        || render(&t.en, env, own, Lang::En),
    )
}

/// How far from a whole cent an allowed total may lie and still be that cent: quotients are
/// rounded at the 28th significant digit, so `base × (1 + X / base − 1)` can come out as
/// 33,599,999.999…9 for an exact 33,600,000. A true difference this small (10⁻¹² yuan) does
/// not occur with amounts in cents and ratios of a few digits.
const DIVISION_NOISE: Decimal = Decimal::from_parts(1, 0, 0, false, 12);

/// `base × (1 + bound)`, the total a bound allows (unrounded, division noise removed).
fn allowed_total(base: Decimal, bound: Decimal) -> Option<Decimal> {
    let a = base.checked_mul(Decimal::ONE.checked_add(bound)?)?;
    let cent = a.round_dp(2);
    Some(if (a - cent).abs() <= DIVISION_NOISE {
        cent
    } else {
        a
    })
}

/// The largest whole-cent total a bound allows.
fn max_total(allowed: Decimal, strict: bool) -> Decimal {
    if strict {
        num::cents_strictly_below(allowed)
    } else {
        num::floor_cents(allowed)
    }
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
        values: vec![Value::unknown("?"); pack.names.slots.len()],
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
        for (i, rule) in applicable.iter().enumerate() {
            if rule_reads(rule, pack, "cleared_wage_total") {
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

fn rule_reads(rule: &Rule, pack: &Pack, name: &str) -> bool {
    let Some(slot) = pack.names.slot(name) else {
        return false;
    };
    let reads = |c: &Compiled| {
        c.refs()
            .iter()
            .any(|(_, r)| *r == crate::expr::NameRef::Slot(slot))
    };
    rule.when.as_ref().is_some_and(reads)
        || match &rule.check {
            Some(Check::Bound { expr, .. }) | Some(Check::Require(expr)) => reads(expr),
            None => false,
        }
}

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn eval_rule(
    rule: &Rule,
    env: &Slots<'_>,
    subject: &Value,
    base: &Value,
    trace_on: bool,
) -> (RuleResult, Option<bool>) {
    let mut trace = Vec::new();
    let mut unknown = Unknown::default();
    let when = match &rule.when {
        Some(w) => {
            let v = traced(w, env, "when", trace_on, &mut trace);
            if let Value::Unknown(u) = &v {
                unknown.merge(u);
            }
            truth(&v)
        }
        None => Some(true),
    };
    let mut fired = Vec::new();
    let any = if rule.triggers.is_empty() {
        Some(true)
    } else {
        let mut any_unknown = Unknown::default();
        let mut has_unknown = false;
        for t in &rule.triggers {
            let v = traced(
                &t.when,
                env,
                &format!("trigger {}", t.id),
                trace_on,
                &mut trace,
            );
            match truth(&v) {
                Some(true) => fired.push((t.id.clone(), t.text.clone())),
                Some(false) => {}
                None => {
                    has_unknown = true;
                    any_unknown.merge(v.as_unknown().unwrap_or(&Unknown::default()));
                }
            }
        }
        if !fired.is_empty() {
            Some(true)
        } else if has_unknown {
            unknown.merge(&any_unknown);
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
                    if let Value::Unknown(u) = &v {
                        unknown.merge(u);
                    }
                    truth(&v)
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
    let own = Own {
        bound,
        allowed: allowed.map(|a| max_total(a, strict)),
        triggers: &fired,
    };
    let mut msg = if applies.is_none() {
        text_in(
            env,
            || format!("无法判定是否适用：{}", rule.title.zh),
            || format!("cannot tell whether '{}' applies", rule.title.en),
        )
    } else if status == Status::NotApplicable {
        text_in(
            env,
            || format!("不适用：{}的适用条件不成立", rule.title.zh),
            || {
                format!(
                    "not applicable: the condition of '{}' does not hold",
                    rule.title.en
                )
            },
        )
    } else {
        message(&rule.message, env, &own)
    };
    for n in rule
        .notes
        .iter()
        .filter(|_| status != Status::NotApplicable)
    {
        if truth(&n.when.eval(env)) == Some(true) {
            let note = text_in(
                env,
                || render(&[Piece::Lit(n.text.zh.clone())], env, &own, Lang::Zh),
                || render(&[Piece::Lit(n.text.en.clone())], env, &own, Lang::En),
            );
            msg = msg.join(&note, "；", "; ");
        }
    }
    if !unknown.reasons.is_empty() && matches!(status, Status::Review | Status::Advisory) {
        let list = unknown.reasons.join(", ");
        let note = if status == Status::Advisory {
            text_in(
                env,
                || format!("未检查，缺少：{list}"),
                || format!("not checked, missing: {list}"),
            )
        } else {
            text_in(
                env,
                || format!("无法判定，需要：{list}"),
                || format!("cannot decide without: {list}"),
            )
        };
        msg = msg.join(&note, "；", "; ");
        for hint in missing_rows(&unknown.reasons, env) {
            msg = msg.join(&hint, "；", "; ");
        }
    }
    (
        RuleResult {
            id: rule.id.clone(),
            clause: rule.clause.clone(),
            title: rule.title.clone(),
            status,
            message: msg,
            bound,
            strict,
            allowed_total: own.allowed,
            triggers: fired.iter().map(|(id, _)| id.clone()).collect(),
            unknown: unknown.reasons,
            trace,
            layers: rule.layers.clone(),
            undecided_bound,
        },
        applies,
    )
}

/// For each unknown that is a dated table's missing row (`national_average_wage_series[2025]`),
/// how to supply the figure: the filing fields among the same unknowns (which the pack reads
/// first), or a child pack that adds the row. Nothing is guessed: no earlier year stands in.
fn missing_rows(reasons: &[String], env: &Slots<'_>) -> Vec<Text> {
    let fields: Vec<&str> = reasons
        .iter()
        .map(String::as_str)
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

/// Combines the bounds into the cap: the smallest of those that apply. Where a rule that might
/// bind more tightly cannot be decided, the cap is unknown and the reason says which rule and
/// which fields would settle it.
fn combine_cap(
    rules: &[&Rule],
    results: &[RuleResult],
    applies: &[Option<bool>],
    subject: &Value,
    base: &Value,
    growth: &Value,
) -> (Option<CapResult>, Text) {
    let superseded = |id: &str| -> Option<bool> {
        let mut state = Some(false);
        for (i, r) in rules.iter().enumerate() {
            if r.supersedes.iter().any(|s| s == id) {
                match applies[i] {
                    Some(true) => return Some(true),
                    None => state = None,
                    Some(false) => {}
                }
            }
        }
        state
    };
    let mut best: Option<(Decimal, bool, usize)> = None;
    let mut pending: Vec<(usize, Option<Decimal>, bool)> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let Some(Check::Bound { strict, .. }) = &r.check else {
            continue;
        };
        let sup = superseded(&r.id);
        if sup == Some(true) || applies[i] == Some(false) {
            continue;
        }
        let b = results[i].bound.or(results[i].undecided_bound);
        if applies[i] == Some(true)
            && sup == Some(false)
            && let Some(b) = b
        {
            let tighter = match best {
                None => true,
                Some((bb, bs, _)) => b < bb || (b == bb && *strict && !bs),
            };
            if tighter {
                best = Some((b, *strict, i));
            }
        } else if !(applies[i].is_none() && r.on_unknown == Status::Advisory) {
            // A rule the pack marks "not checked" when undecided (advisory) does not hold the
            // cap hostage; every other undecided rule might bind and is pending.
            pending.push((i, b, *strict));
        }
    }
    // An undecided rule matters only if its bound could be tighter than the best known one.
    let blocking: Vec<usize> = pending
        .iter()
        .filter(|(_, b, s)| match (b, best) {
            (Some(b), Some((bb, bs, _))) => *b < bb || (*b == bb && *s && !bs),
            _ => true,
        })
        .map(|(i, _, _)| *i)
        .collect();
    if !blocking.is_empty() {
        let parts: Vec<String> = blocking
            .iter()
            .map(|i| {
                let u = &results[*i].unknown;
                if u.is_empty() {
                    results[*i].id.clone()
                } else {
                    format!("{} ({})", results[*i].id, u.join(", "))
                }
            })
            .collect();
        let list = parts.join("; ");
        return (
            None,
            Text::owned(
                format!("无法计算上限：以下规则是否适用或其界限未定：{list}"),
                format!(
                    "no cap: it depends on rules whose application or bound is unknown: {list}"
                ),
            ),
        );
    }
    let undecided: Vec<usize> = pending.iter().map(|(i, _, _)| *i).collect();
    let Some((cap, strict, i)) = best else {
        return (
            None,
            Text::new("没有适用的增幅上限", "no bound on growth applies"),
        );
    };
    let Value::Num(base) = base else {
        let u = reasons(base);
        return (
            None,
            Text::owned(
                format!("无法计算上限，缺少：{}", u.join(", ")),
                format!("no cap, missing: {}", u.join(", ")),
            ),
        );
    };
    let Some(allowed) = allowed_total(*base, cap) else {
        return (None, Text::new("上限计算溢出", "the cap overflowed"));
    };
    let max_wage_total = max_total(allowed, strict);
    // Unknown when the proposal itself is (an annual return without the amount paid).
    let excess = subject.as_num().and_then(|s| s.checked_sub(max_wage_total));
    (
        Some(CapResult {
            wage_growth: cap,
            strict,
            binding_rule: results[i].id.clone(),
            max_wage_total,
            excess,
            excess_points: growth.as_num().and_then(|g| g.checked_sub(cap)),
            undecided: undecided.iter().map(|i| results[*i].id.clone()).collect(),
        }),
        undecided_note(&undecided, results),
    )
}

/// What the report says of rules that stayed undecided without holding the cap back.
fn undecided_note(undecided: &[usize], results: &[RuleResult]) -> Text {
    if undecided.is_empty() {
        return Text::default();
    }
    let parts: Vec<String> = undecided
        .iter()
        .map(|i| {
            let r = &results[*i];
            match r.bound.or(r.undecided_bound) {
                Some(b) => format!("{} ({})", r.id, num::percent(b, 4)),
                None => r.id.clone(),
            }
        })
        .collect();
    let list = parts.join("; ");
    Text::owned(
        format!("以下规则是否适用未定，但其界限不会比上限更严，不改变上限：{list}"),
        format!(
            "undecided, but their bounds cannot be tighter than the cap, so they cannot change it: {list}"
        ),
    )
}

fn decide_regime(pack: &Pack, env: &Slots<'_>) -> RegimeResult {
    let values = &pack.regime.values;
    let mut possible: Vec<bool> = vec![true; values.len()];
    let mut fired = Vec::new();
    let mut unknown = Unknown::default();
    let idx = |v: &str| values.iter().position(|x| x == v);
    for step in &pack.regime.steps {
        let cond = step.when.eval(env);
        let Some(to) = idx(&step.to) else { continue };
        let from = step.from.as_deref().and_then(idx);
        let mut next = vec![false; values.len()];
        let mut changed = false;
        for (v, p) in possible.iter().enumerate() {
            if !p {
                continue;
            }
            if from.is_some_and(|f| f != v) {
                next[v] = true;
                continue;
            }
            match truth(&cond) {
                Some(true) => {
                    next[to] = true;
                    changed = true;
                }
                Some(false) => next[v] = true,
                None => {
                    next[v] = true;
                    next[to] = true;
                    if v != to
                        && let Value::Unknown(u) = &cond
                    {
                        unknown.merge(u);
                    }
                }
            }
        }
        if changed {
            fired.push((step.id.clone(), step.text.clone()));
        }
        possible = next;
    }
    let live: Vec<&String> = values
        .iter()
        .zip(&possible)
        .filter(|(_, p)| **p)
        .map(|(v, _)| v)
        .collect();
    let required = (live.len() == 1).then(|| live[0].clone());
    RegimeResult {
        required,
        fired,
        unknown: if live.len() == 1 {
            Vec::new()
        } else {
            unknown.reasons
        },
    }
}
