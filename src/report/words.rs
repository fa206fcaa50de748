//! The words every view shares: labels of statuses, categories and enumerations, the excess
//! over the cap in yuan and percentage points, trace labels and values, in the reader's
//! language. A view that needs a word asks here, so `--lang zh` never leaks an English word.

use rust_decimal::Decimal;

use super::Report;
use crate::diag::Lang;
use crate::engine::CapResult;
use crate::expr::Value;
use crate::num;

/// `zh` or `en`, as the language asks.
pub fn t(lang: Lang, zh: &str, en: &str) -> String {
    if lang.is_zh() { zh } else { en }.to_string()
}

/// An enumerated value of the filing schema (a category, an ownership, a regime…) as people
/// read it; the value itself when the schema has no label for it.
pub fn value_label(value: &str, lang: Lang) -> String {
    match crate::filing::schema::value_label(value) {
        Some((zh, en)) => t(lang, zh, en),
        None => value.to_string(),
    }
}

/// The enterprise category of a report, or a dash.
pub fn category(r: &Report, lang: Lang) -> String {
    if r.category.is_empty() {
        "-".to_string()
    } else {
        value_label(&r.category, lang)
    }
}

/// A growth difference (`0.025444`) in percentage points (`2.5444`), with at least `dp`
/// decimals and more when those would show a non-zero difference as 0 (a strict cap missed by
/// 0.01 yuan is over by some 10⁻⁹ points).
pub fn points(v: Decimal, dp: u32) -> String {
    let p = num::percent_significant(v, dp);
    match p.strip_suffix('%') {
        Some(x) => x.to_string(),
        None => p,
    }
}

/// The excess relative to the largest allowed total (`excess / max_wage_total`): how much the
/// proposal is above (or below) the allowed amount, as a ratio. `None` without a proposal or
/// with a zero cap.
pub fn relative_excess(c: &CapResult) -> Option<Decimal> {
    let e = c.excess?;
    if c.max_wage_total.is_zero() {
        return None;
    }
    e.checked_div(c.max_wage_total)
}

/// Where the proposal stands against the cap: the amount in yuan, the growth difference in
/// percentage points (百分点), and the relative excess over the allowed total.
pub fn against_cap(c: &CapResult, lang: Lang) -> String {
    let Some(excess) = c.excess else {
        return t(
            lang,
            "未知（缺少申报的工资总额）",
            "unknown (no proposed total)",
        );
    };
    let amount = num::money_grouped(excess.abs());
    let pts = c
        .excess_points
        .map(|p| points(p.abs(), 4))
        .unwrap_or_else(|| "?".into());
    let rel = relative_excess(c)
        .map(|r| num::percent_significant(r.abs(), 2))
        .unwrap_or_else(|| "?".into());
    let unit = if pts == "1" { "point" } else { "points" };
    if excess.is_zero() {
        t(lang, "恰好等于上限", "exactly at the cap")
    } else if excess.is_sign_positive() {
        t(
            lang,
            &format!("超出上限 {amount} 元：增幅高出上限 {pts} 个百分点，比最高工资总额多 {rel}"),
            &format!(
                "over the cap by {amount} yuan: growth {pts} percentage {unit} above the cap, {rel} more than the largest allowed total"
            ),
        )
    } else {
        t(
            lang,
            &format!("低于上限 {amount} 元：增幅低于上限 {pts} 个百分点，比最高工资总额少 {rel}"),
            &format!(
                "under the cap by {amount} yuan: growth {pts} percentage {unit} below the cap, {rel} less than the largest allowed total"
            ),
        )
    }
}

/// A trace line's label: `when`, `require`, `bound`, `trigger NAME` in the reader's language
/// (the trigger's name is an id and stays).
pub fn trace_label(label: &str, lang: Lang) -> String {
    if !lang.is_zh() {
        return label.to_string();
    }
    match label {
        "when" => "适用条件".to_string(),
        "require" => "要求".to_string(),
        "bound" => "增幅界限".to_string(),
        "bound (if it applies)" => "增幅界限（如适用）".to_string(),
        "review_when" => "转复核条件".to_string(),
        _ => match label.strip_prefix("trigger ") {
            Some(name) => format!("触发情形 {name}"),
            None => label.to_string(),
        },
    }
}

/// A value for people: numbers as written, yes/no for truth values, unknown in the language.
pub fn value(v: &Value, lang: Lang) -> String {
    match v {
        Value::Bool(b) if lang.is_zh() => if *b { "是" } else { "否" }.to_string(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        _ => v.display_lang(lang.is_zh()),
    }
}

/// The rule that binds the cap, with its title: `限制增长情形（linkage.restricted_growth）`.
pub fn binding_rule(r: &Report, lang: Lang) -> Option<String> {
    let ev = r.eval.as_ref()?;
    let id = &ev.cap.as_ref()?.binding_rule;
    Some(match ev.rules.iter().find(|x| *x.id == **id) {
        Some(rule) => format!(
            "{}{}{id}{}",
            rule.title.get(lang),
            t(lang, "（", " ("),
            t(lang, "）", ")")
        ),
        None => id.clone(),
    })
}

/// The fields (or parameters) a reviewer would fill in to settle the rules left to review,
/// each once, in the order first named.
pub fn fields_to_fill(r: &Report) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(ev) = &r.eval else { return out };
    for rule in ev
        .rules
        .iter()
        .filter(|x| x.status == crate::pack::Status::Review)
    {
        for u in &rule.unknown {
            if !out.iter().any(|o| o == u) {
                out.push(u.to_string());
            }
        }
    }
    out
}

/// What `explain` says before the full trace, in plain sentences: what was checked, the
/// verdict, the rule that binds and the largest total allowed, where the proposal stands, what
/// fails, and for `review` which fields to fill in.
pub fn plain_summary(r: &Report, lang: Lang) -> Vec<String> {
    let zh = lang.is_zh();
    let mut out = Vec::new();
    let Some(ev) = &r.eval else {
        out.push(if zh {
            format!(
                "{} 无法检查：输入有 {} 处错误，见下。",
                r.source,
                r.errors.len()
            )
        } else {
            format!(
                "{} could not be checked: the input has {} error(s), listed below.",
                r.source,
                r.errors.len()
            )
        });
        return out;
    };
    let what = match r.kind {
        Some(crate::filing::FilingKind::Budget) => value_label("budget", lang),
        Some(crate::filing::FilingKind::AnnualReturn) => value_label("annual_return", lang),
        None => t(lang, "申报", "filing"),
    };
    let pack = r
        .pack
        .as_ref()
        .map(|p| format!("{} {}", p.document, p.title.get(lang)))
        .unwrap_or_default();
    let category = category(r, lang);
    out.push(if zh {
        format!("检查对象：{}（{category}）的{what}，依据 {pack}。", r.name)
    } else {
        format!(
            "Checked: the {what} of {} ({category}) under {pack}.",
            r.name
        )
    });
    out.push(format!(
        "{}{}",
        t(lang, "结论：", "Verdict: "),
        r.verdict.label_in(lang)
    ));
    match &ev.cap {
        Some(c) => {
            let rule = binding_rule(r, lang).unwrap_or_default();
            out.push(if zh {
                format!(
                    "最高工资总额 {} 元（增幅上限 {}），由{rule}决定。",
                    num::money_grouped(c.max_wage_total),
                    num::percent(c.wage_growth, 4)
                )
            } else {
                format!(
                    "The largest total allowed is {} yuan (growth cap {}), set by {rule}.",
                    num::money_grouped(c.max_wage_total),
                    num::percent(c.wage_growth, 4)
                )
            });
            out.push(format!(
                "{}{}",
                t(lang, "申报与上限相比：", "Against the cap: "),
                against_cap(c, lang)
            ));
        }
        None if r.verdict != crate::engine::Verdict::OutOfScope => {
            out.push(ev.cap_unknown.get(lang).to_string());
        }
        None => {}
    }
    if let Some(c) = &ev.clearing
        && let Some(x) = c.to_recover
    {
        out.push(format!(
            "{}{} {}",
            t(lang, "应扣回：", "To recover: "),
            num::money_grouped(x),
            t(lang, "元", "yuan")
        ));
    }
    for (status, zh_l, en_l) in [
        (
            crate::pack::Status::Fail,
            "不通过的规则：",
            "Rules that fail: ",
        ),
        (
            crate::pack::Status::Review,
            "需复核的规则：",
            "Rules to review: ",
        ),
    ] {
        let ids: Vec<String> = ev
            .rules
            .iter()
            .filter(|x| x.status == status)
            .map(|x| format!("{} [{}]", x.id, x.clause))
            .collect();
        if !ids.is_empty() {
            out.push(format!(
                "{}{}",
                t(lang, zh_l, en_l),
                ids.join(t(lang, "；", "; ").as_str())
            ));
        }
    }
    let fill = fields_to_fill(r);
    if !fill.is_empty() {
        out.push(format!(
            "{}{}",
            t(
                lang,
                "补填以下字段即可判定：",
                "Fill in these fields to settle them: "
            ),
            fill.join(", ")
        ));
    }
    if r.verdict == crate::engine::Verdict::OutOfScope
        && let Some(s) = ev
            .rules
            .iter()
            .find(|x| x.status == crate::pack::Status::Fail)
    {
        out.push(s.message.get(lang).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn cap(excess: Decimal, points: Decimal, max: Decimal) -> CapResult {
        CapResult {
            wage_growth: dec!(0.03),
            strict: false,
            binding_rule: "linkage.growth_cap".into(),
            max_wage_total: max,
            excess: Some(excess),
            excess_points: Some(points),
            undecided: Vec::new(),
        }
    }

    #[test]
    fn points_are_points_and_the_relative_excess_is_a_percent() {
        // The newcomer's example: 2.5444 points over, 2.44 % more than allowed.
        let c = cap(dec!(916000.00), dec!(0.025444), dec!(37540000.00));
        assert_eq!(
            against_cap(&c, Lang::Zh),
            "超出上限 916,000.00 元：增幅高出上限 2.5444 个百分点，比最高工资总额多 2.44%"
        );
        assert_eq!(
            against_cap(&c, Lang::En),
            "over the cap by 916,000.00 yuan: growth 2.5444 percentage points above the cap, 2.44% more than the largest allowed total"
        );
        let under = cap(dec!(-360000.00), dec!(-0.03), dec!(12960000.00));
        assert_eq!(
            against_cap(&under, Lang::Zh),
            "低于上限 360,000.00 元：增幅低于上限 3 个百分点，比最高工资总额少 2.78%"
        );
    }

    #[test]
    fn trace_words_in_chinese() {
        assert_eq!(
            trace_label("trigger high_wage", Lang::Zh),
            "触发情形 high_wage"
        );
        assert_eq!(value(&Value::Bool(true), Lang::Zh), "是");
        assert_eq!(value(&Value::Bool(false), Lang::En), "no");
    }
}
