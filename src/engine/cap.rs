//! The cap: the smallest applicable bound, and the whole-cent totals it allows.

use rust_decimal::Decimal;

use super::rule::{Decided, reasons};
use super::{CapResult, RuleResult};
use crate::diag::Text;
use crate::expr::Value;
use crate::num;
use crate::pack::{Check, Rule, Status};

/// How far from a whole cent an allowed total may lie and still be that cent: quotients are
/// rounded at the 28th significant digit, so `base × (1 + X / base − 1)` can come out as
/// 33,599,999.999…9 for an exact 33,600,000. A true difference this small (10⁻¹² yuan) does
/// not occur with amounts in cents and ratios of a few digits.
pub(super) const DIVISION_NOISE: Decimal = Decimal::from_parts(1, 0, 0, false, 12);

/// `base × (1 + bound)`, the total a bound allows (unrounded, division noise removed).
pub(super) fn allowed_total(base: Decimal, bound: Decimal) -> Option<Decimal> {
    let a = base.checked_mul(Decimal::ONE.checked_add(bound)?)?;
    let cent = a.round_dp(2);
    Some(if (a - cent).abs() <= DIVISION_NOISE {
        cent
    } else {
        a
    })
}

/// The largest whole-cent total a bound allows.
pub(super) fn max_total(allowed: Decimal, strict: bool) -> Decimal {
    if strict {
        num::cents_strictly_below(allowed)
    } else {
        num::floor_cents(allowed)
    }
}

/// Combines the bounds into the cap: the smallest of those that apply. Where a rule that might
/// bind more tightly cannot be decided, the cap is unknown and the reason says which rule and
/// which fields would settle it. `superseded_by[i]` lists the positions of the rules that
/// supersede rule `i` (see [`super::Program`]); positions are in `indices`, the pack's rules
/// `rules` that apply to the filing's kind.
pub(super) fn combine_cap(
    (rules, indices): (&[Rule], &[usize]),
    superseded_by: &[Vec<usize>],
    results: &[RuleResult],
    decided: &[Decided],
    subject: &Value,
    base: &Value,
    growth: &Value,
) -> (Option<CapResult>, Text) {
    // Whether the rule at position `i` (in `indices`) applies.
    let applies = |i: usize| decided.get(i).and_then(|d| d.applies);
    let superseded = |i: usize| -> Option<bool> {
        let mut state = Some(false);
        for &j in superseded_by.get(i).map_or(&[][..], Vec::as_slice) {
            match applies(j) {
                Some(true) => return Some(true),
                None => state = None,
                Some(false) => {}
            }
        }
        state
    };
    let mut best: Option<(Decimal, bool, usize)> = None;
    let mut pending: Vec<(usize, Option<Decimal>, bool)> = Vec::new();
    for (i, r) in indices.iter().map(|&k| &rules[k]).enumerate() {
        let Some(Check::Bound { strict, .. }) = &r.check else {
            continue;
        };
        let sup = superseded(i);
        if sup == Some(true) || applies(i) == Some(false) {
            continue;
        }
        let b = results[i].bound.or(results[i].undecided_bound);
        if applies(i) == Some(true)
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
        } else if !(applies(i).is_none() && r.on_unknown == Status::Advisory) {
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
                    results[*i].id.to_string()
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
            binding_rule: results[i].id.to_string(),
            max_wage_total,
            excess,
            excess_points: growth.as_num().and_then(|g| g.checked_sub(cap)),
            undecided: undecided
                .iter()
                .map(|i| results[*i].id.to_string())
                .collect(),
        }),
        undecided_note(&undecided, results),
    )
}

/// What the report says of rules that stayed undecided without holding the cap back.
pub(super) fn undecided_note(undecided: &[usize], results: &[RuleResult]) -> Text {
    if undecided.is_empty() {
        return Text::default();
    }
    let parts: Vec<String> = undecided
        .iter()
        .map(|i| {
            let r = &results[*i];
            match r.bound.or(r.undecided_bound) {
                Some(b) => format!("{} ({})", r.id, num::percent(b, 4)),
                None => r.id.to_string(),
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
