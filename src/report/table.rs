//! The table view for people: the enterprise, the pack and the verdict first; then the cap
//! (largest allowed total, binding rule, how far over or under); then one row per rule.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use super::Report;
use super::escape::visible as v;
use crate::diag::Lang;
use crate::expr::Value;
use crate::num;

fn t(lang: Lang, zh: &str, en: &str) -> String {
    if lang.is_zh() { zh } else { en }.to_string()
}

fn money_opt(d: Option<rust_decimal::Decimal>, lang: Lang) -> String {
    d.map(num::money_grouped)
        .unwrap_or_else(|| t(lang, "未知", "unknown"))
}

/// One report as text.
pub fn report(r: &Report, lang: Lang) -> String {
    let mut out = String::new();
    let verdict = r.verdict.label();
    if r.eval.is_none() {
        // The verdict's line holds the verdict only; what the filing says (its file name, its
        // values in the errors) comes after, on lines of their own, made visible.
        out.push_str(&format!(
            "{}: {}\n  {}: {}\n",
            t(lang, "结论", "verdict"),
            verdict.get(lang),
            t(lang, "来源", "source"),
            v(&r.source)
        ));
        for e in &r.errors {
            out.push_str(&format!("  {}\n", v(&e.render(lang))));
        }
        return out;
    }
    let mut head = Table::new();
    head.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    head.add_row(vec![
        t(lang, "企业", "Enterprise"),
        format!(
            "{}  {}",
            v(&r.name),
            v(r.credit_code.as_deref().unwrap_or_default())
        ),
    ]);
    head.add_row(vec![t(lang, "来源", "Source"), v(&r.source).into_owned()]);
    if let Some(p) = &r.pack {
        let chain: Vec<&str> = p.chain.iter().map(|(id, _)| id.as_str()).collect();
        head.add_row(vec![
            t(lang, "规则包", "Rule pack"),
            format!(
                "{} {}（{}）",
                p.document,
                p.title.get(lang),
                chain.join(" → ")
            ),
        ]);
    }
    let shown = if lang.is_zh() {
        format!("{} ({})", verdict.get(lang), r.verdict.as_str())
    } else {
        r.verdict.as_str().to_string()
    };
    head.add_row(vec![t(lang, "结论", "Verdict"), shown]);
    let Some(ev) = &r.eval else {
        return out;
    };
    let regime = match &ev.regime.required {
        Some(x) => crate::filing::schema::value_label(x)
            .map(|(zh, en)| format!("{} ({x})", if lang.is_zh() { zh } else { en }))
            .unwrap_or_else(|| x.clone()),
        None => format!(
            "{} ({})",
            t(lang, "未定", "undecided"),
            v(&ev.regime.unknown.join(", "))
        ),
    };
    head.add_row(vec![t(lang, "应实行", "Required regime"), regime]);
    match &ev.cap {
        Some(c) => {
            head.add_row(vec![
                t(lang, "最高工资总额", "Largest allowed total"),
                format!(
                    "{} {}（{} {}，{}）",
                    num::money_grouped(c.max_wage_total),
                    t(lang, "元", "yuan"),
                    t(lang, "增幅上限", "growth cap"),
                    num::percent(c.wage_growth, 4),
                    c.binding_rule
                ),
            ]);
            let excess = c.excess.unwrap_or_default();
            let over = excess.is_sign_positive() && !excess.is_zero();
            let amount = num::money_grouped(excess.abs());
            let points = c
                .excess_points
                .map(|p| num::percent_significant(p.abs(), 4))
                .unwrap_or_default();
            head.add_row(vec![
                t(lang, "与上限相比", "Against the cap"),
                if c.excess.is_none() {
                    t(
                        lang,
                        "未知（缺少申报的工资总额）",
                        "unknown (no proposed total)",
                    )
                } else if over {
                    t(
                        lang,
                        &format!("超出 {amount} 元（{points}）"),
                        &format!("over by {amount} yuan ({points} points)"),
                    )
                } else {
                    t(
                        lang,
                        &format!("低于上限 {amount} 元（{points}）"),
                        &format!("under by {amount} yuan ({points} points)"),
                    )
                },
            ]);
            if !c.undecided.is_empty() {
                head.add_row(vec![
                    t(lang, "未定规则", "Undecided rules"),
                    ev.cap_unknown.get(lang).to_string(),
                ]);
            }
        }
        None => {
            head.add_row(vec![
                t(lang, "增幅上限", "Cap"),
                v(ev.cap_unknown.get(lang)).into_owned(),
            ]);
        }
    }
    if let Some(c) = &ev.clearing {
        head.add_row(vec![
            t(lang, "清算", "Clearing"),
            format!(
                "{} {} | {} {} | {} {} | {} {}",
                t(lang, "核定", "approved"),
                money_opt(c.approved_wage_total, lang),
                t(lang, "清算", "cleared"),
                money_opt(c.cleared_wage_total, lang),
                t(lang, "实发", "actual"),
                money_opt(c.actual_wage_total, lang),
                t(lang, "应扣回", "to recover"),
                money_opt(c.to_recover, lang),
            ),
        ]);
    }
    out.push_str(&head.to_string());
    out.push('\n');

    let mut rules = Table::new();
    rules
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(120)
        .set_header(vec![
            t(lang, "规则", "Rule"),
            t(lang, "条款", "Clause"),
            t(lang, "状态", "Status"),
            t(lang, "说明", "Message"),
        ]);
    for rr in &ev.rules {
        rules.add_row(vec![
            v(&rr.id).into_owned(),
            v(&rr.clause).into_owned(),
            rr.status.label().get(lang).to_string(),
            v(rr.message.get(lang)).into_owned(),
        ]);
    }
    out.push_str(&rules.to_string());
    out.push('\n');
    out
}

/// The full trace for `explain`: every quantity and every rule's formulas with values.
pub fn explain(r: &Report, lang: Lang, only: Option<&str>) -> String {
    let mut out = report(r, lang);
    let Some(ev) = &r.eval else { return out };
    let show = |x: &Value| v(&x.display_lang(lang.is_zh())).into_owned();
    if only.is_none() {
        out.push_str(&format!(
            "\n{}\n",
            t(lang, "== 数量 ==", "== Quantities ==")
        ));
        for (line, (_, _, text)) in ev.quantity_trace.iter().zip(&ev.quantities) {
            let layer = r
                .pack
                .as_ref()
                .and_then(|p| p.quantity_layer(&line.label))
                .map(|l| format!(" [{l}]"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{} ({}){layer}\n  = {}\n  = {}\n  = {}\n",
                v(&line.label),
                v(text.get(lang)),
                v(&line.expr),
                v(&line.substituted),
                show(&line.value)
            ));
        }
    }
    out.push_str(&format!("\n{}\n", t(lang, "== 规则 ==", "== Rules ==")));
    for rr in ev.rules.iter().filter(|rr| only.is_none_or(|o| o == rr.id)) {
        out.push_str(&format!(
            "{} [{}] {} — {}\n  {}\n",
            v(&rr.id),
            v(&rr.clause),
            v(rr.title.get(lang)),
            rr.status.label().get(lang),
            v(rr.message.get(lang))
        ));
        if !rr.layers.is_empty() {
            out.push_str(&format!(
                "  {}: {}\n",
                t(lang, "来自", "from"),
                rr.layers.join(" → ")
            ));
        }
        if let Some(p) = &r.pack
            && !p.params_of(&rr.id).is_empty()
        {
            let list: Vec<String> = p
                .params_of(&rr.id)
                .iter()
                .map(|(n, v, l)| format!("{n} = {v} [{l}]"))
                .collect();
            out.push_str(&format!(
                "  {}: {}\n",
                t(lang, "参数", "parameters"),
                list.join(", ")
            ));
        }
        for line in &rr.trace {
            out.push_str(&format!(
                "  {}: {}\n      = {}\n      = {}\n",
                v(&line.label),
                v(&line.expr),
                v(&line.substituted),
                show(&line.value)
            ));
        }
        if let Some(a) = rr.allowed_total {
            out.push_str(&format!(
                "  {}: {}\n",
                t(
                    lang,
                    "允许的最高工资总额（向下取整到分）",
                    "largest allowed total (rounded down to the cent)"
                ),
                num::money_grouped(a)
            ));
        }
    }
    out
}

/// The table format: each report as [`report`] in a document; in a stream, the summary table
/// first, then one line for each filing that is not `pass`.
pub struct TableFormat;

impl super::Printer for TableFormat {
    fn document(&self, reports: &[Report], lang: Lang, _trace: bool) -> String {
        reports.iter().map(|r| report(r, lang) + "\n").collect()
    }
    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        if r.verdict == crate::engine::Verdict::Pass {
            return Vec::new();
        }
        format!(
            "{}  {}  {}\n",
            v(&super::summary::source_of(r)),
            r.verdict.as_str(),
            v(&r.main_reason(lang))
        )
        .into_bytes()
    }
    fn begin_reads_summary(&self) -> bool {
        true
    }
    fn begin(&self, summary: &super::Summary, lang: Lang) -> String {
        super::summary::summary_table(summary, lang) + "\n"
    }
    fn end(&self, _summary: &super::Summary, _lang: Lang) -> String {
        String::new()
    }
}
