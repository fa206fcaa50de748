//! The HTML view: one self-contained file (inline CSS, an inline SVG chart, a few lines of
//! inline script to sort the batch table; no network, no external fonts or scripts) that a
//! reviewer opens in a browser, prints on A4 or forwards. Every text that comes from an input
//! or a pack is escaped.
//!
//! One report: the verdict, the largest allowed total and the rule that binds, a chart of the
//! proposed growth against every bound that applies (taken from the evaluation), the rules with
//! their clauses and messages, each rule's trace folded underneath. `explain` adds a plain
//! summary and the quantities. A batch: a summary, a sortable table of enterprises linking to
//! each report further down the same file, then the reports.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::words::{self, t};
use super::{Report, Summary};
use crate::diag::Lang;
use crate::engine::{RuleResult, TraceLine, Verdict};
use crate::expr::Value;
use crate::num;
use crate::pack::Status;

/// Escapes text for HTML and SVG content and attribute values: `report::escape::html` (markup
/// escaped, and every control, bidi override and separator character made visible as `\u{…}`,
/// so that no filing's text can reorder or hide what a reviewer reads).
pub fn esc(s: &str) -> String {
    super::escape::html(s)
}

/// What a report section shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode<'a> {
    /// `check` and `batch`: verdict, figures, chart, rules with folded traces.
    Report,
    /// `explain`: a plain summary first, then everything `Report` shows and the quantities;
    /// with a rule id, only that rule.
    Explain(Option<&'a str>),
}

/// The report's style sheet: inline in a document, served as a file by `wagecheck serve`.
pub const CSS: &str = include_str!("html.css");
/// The script that sorts a batch's table: inline in a document.
pub const SCRIPT: &str = include_str!("html.js");

/// A whole HTML document around `body`.
pub fn page(lang: Lang, title: &str, body: &str, sortable: bool) -> String {
    let mut out = page_head(lang, title);
    out.push_str(body);
    out.push_str(&page_tail(sortable));
    out
}

/// A document's opening, up to the start of its body's content.
pub fn page_head(lang: Lang, title: &str) -> String {
    let mut out = String::with_capacity(CSS.len() + 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"wagecheck {}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        if lang.is_zh() { "zh-CN" } else { "en" },
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );
    out
}

/// A document's closing; with the script that sorts tables when `sortable`.
pub fn page_tail(sortable: bool) -> String {
    let mut out = String::from("</main>\n");
    if sortable {
        let _ = write!(out, "<script>\n{SCRIPT}</script>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// `check` or `explain`: one document holding each report.
pub fn document(reports: &[Report], lang: Lang, mode: Mode<'_>) -> String {
    let mut body = String::new();
    for (i, r) in reports.iter().enumerate() {
        body.push_str(&section(r, lang, &format!("r{}", i + 1), mode));
    }
    let title = match reports {
        [one] => format!("{} — {}", display_name(one), one.verdict.label_in(lang)),
        _ => t(lang, "工资总额检查报告", "Wage-total check report"),
    };
    page(lang, &title, &body, false)
}

fn display_name(r: &Report) -> String {
    if r.name.is_empty() {
        source_of(r)
    } else {
        r.name.clone()
    }
}

use super::summary::source_of;

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::OutOfScope => "na",
        Verdict::Review => "review",
        Verdict::Fail => "fail",
        Verdict::Invalid => "invalid",
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::NotApplicable => "na",
        Status::Advisory => "advisory",
        Status::Review => "review",
        Status::Fail => "fail",
    }
}

/// An escaped amount with its unit set smaller: `1,234.00 <span class="unit">元</span>`.
fn unit_small(escaped: &str, lang: Lang) -> String {
    let unit = t(lang, " 元", " yuan");
    match escaped.strip_suffix(unit.as_str()) {
        Some(n) => format!("{n}<span class=\"unit\">{unit}</span>"),
        None => escaped.to_string(),
    }
}

fn yuan(d: Decimal, lang: Lang) -> String {
    format!("{} {}", num::money_grouped(d), t(lang, "元", "yuan"))
}

/// One report as an `<article id="{anchor}">`.
pub fn section(r: &Report, lang: Lang, anchor: &str, mode: Mode<'_>) -> String {
    let mut o = String::with_capacity(16 * 1024);
    let vc = verdict_class(r.verdict);
    let _ = write!(
        o,
        "<article class=\"report\" id=\"{}\" data-verdict=\"{}\">\n<header>\n<h1>{}</h1>\n<p class=\"meta\">",
        esc(anchor),
        r.verdict.as_str(),
        esc(&display_name(r))
    );
    let mut meta = Vec::new();
    if let Some(c) = &r.credit_code {
        meta.push(format!(
            "{} <span class=\"code\">{}</span>",
            t(lang, "统一社会信用代码", "Credit code"),
            esc(c)
        ));
    }
    if !r.category.is_empty() {
        meta.push(format!(
            "{} {}",
            t(lang, "类别", "Category"),
            esc(&words::category(r, lang))
        ));
    }
    if let Some(k) = r.kind {
        let k = match k {
            crate::filing::FilingKind::Budget => "budget",
            crate::filing::FilingKind::AnnualReturn => "annual_return",
        };
        meta.push(esc(&words::value_label(k, lang)));
    }
    meta.push(format!(
        "{} <span class=\"code\">{}</span>",
        t(lang, "来源", "Source"),
        esc(&source_of(r))
    ));
    o.push_str(&meta.join(" · "));
    o.push_str("</p>\n</header>\n");

    // The verdict stands out: a coloured band with the word and the main reason.
    let _ = writeln!(
        o,
        "<div class=\"verdict v-{vc}\" role=\"status\"><span class=\"badge\">{}</span><span class=\"reason\">{}</span></div>",
        esc(r.verdict.label_in(lang)),
        esc(&reason(r, lang))
    );

    if let Mode::Explain(_) = mode {
        o.push_str("<section class=\"summary\">\n<h2>");
        o.push_str(&t(lang, "摘要", "Summary"));
        o.push_str("</h2>\n<ul>\n");
        for line in words::plain_summary(r, lang) {
            let _ = writeln!(o, "<li>{}</li>", esc(&line));
        }
        o.push_str("</ul>\n</section>\n");
    }

    let Some(ev) = &r.eval else {
        o.push_str("<section class=\"errors\">\n<h2>");
        o.push_str(&t(lang, "输入错误", "Input errors"));
        o.push_str("</h2>\n<ul>\n");
        for e in &r.errors {
            let mut place = e.file.clone();
            if let Some(l) = e.line {
                let _ = write!(place, ":{l}");
                if let Some(c) = e.column {
                    let _ = write!(place, ":{c}");
                }
            }
            let _ = writeln!(
                o,
                "<li><span class=\"code\">{}</span>{}<br>{}</li>",
                esc(&place),
                e.field
                    .as_deref()
                    .filter(|f| !f.is_empty())
                    .map(|f| format!(" <code>{}</code>", esc(f)))
                    .unwrap_or_default(),
                esc(e.message.get(lang))
            );
        }
        o.push_str("</ul>\n</section>\n</article>\n");
        return o;
    };

    figures(&mut o, r, lang);
    if r.verdict != Verdict::OutOfScope
        && let Some(svg) = chart(r, lang)
    {
        let _ = write!(
            o,
            "<section class=\"chart\">\n<h2>{}</h2>\n<figure>\n{svg}<figcaption>{}</figcaption>\n</figure>\n</section>\n",
            t(
                lang,
                "工资总额增幅与各项上限",
                "Wage growth against every bound"
            ),
            esc(&chart_caption(r, lang))
        );
    }

    let only = match mode {
        Mode::Explain(only) => only,
        Mode::Report => None,
    };
    let (shown, folded): (Vec<&RuleResult>, Vec<&RuleResult>) = ev
        .rules
        .iter()
        .filter(|x| only.is_none_or(|o| o == &*x.id))
        .partition(|x| x.status != Status::NotApplicable || only.is_some());
    let _ = writeln!(
        o,
        "<section class=\"rules\">\n<h2>{}</h2>",
        t(lang, "规则", "Rules")
    );
    for rule in &shown {
        rule_block(&mut o, r, rule, lang, anchor);
    }
    if !folded.is_empty() {
        let _ = writeln!(
            o,
            "<details class=\"na-rules\"><summary>{} ({})</summary>",
            t(lang, "不适用的规则", "Rules that do not apply"),
            folded.len()
        );
        for rule in &folded {
            rule_block(&mut o, r, rule, lang, anchor);
        }
        o.push_str("</details>\n");
    }
    o.push_str("</section>\n");

    if matches!(mode, Mode::Explain(None)) {
        let _ = writeln!(
            o,
            "<section class=\"quantities\">\n<h2>{}</h2>\n<table class=\"trace\">",
            t(lang, "数量", "Quantities")
        );
        for (line, (_, _, text)) in ev.quantity_trace.iter().zip(&ev.quantities) {
            let layer = r
                .pack
                .as_ref()
                .and_then(|p| p.quantity_layer(&line.label))
                .map(|l| format!(" <span class=\"layer\">{}</span>", esc(l)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<tr><th>{}<br><code>{}</code>{layer}</th><td>{}</td></tr>",
                esc(text.get(lang)),
                esc(&line.label),
                trace_steps(line, lang)
            );
        }
        o.push_str("</table>\n</section>\n");
    }

    if let Some(p) = &r.pack {
        let chain: Vec<&str> = p.chain.iter().map(|(id, _)| id.as_str()).collect();
        let _ = writeln!(
            o,
            "<footer>{} {} {} · <span class=\"code\">{}</span> · wagecheck {}{}</footer>",
            t(lang, "规则包", "Rule pack"),
            esc(&p.document),
            esc(p.title.get(lang)),
            esc(&chain.join(" → ")),
            env!("CARGO_PKG_VERSION"),
            r.evaluated_on
                .map(|d| format!(" · {} {d}", t(lang, "评估日期", "evaluated on")))
                .unwrap_or_default()
        );
    }
    o.push_str("</article>\n");
    o
}

/// The reason under the verdict: the first failing rule, else the first to review, else the
/// first error; for a pass, the figure that matters.
fn reason(r: &Report, lang: Lang) -> String {
    if let Some(e) = r.errors.first() {
        return e.render(lang);
    }
    let Some(ev) = &r.eval else {
        return String::new();
    };
    for st in [Status::Fail, Status::Review] {
        if let Some(x) = ev.rules.iter().find(|x| x.status == st) {
            return format!(
                "{}{}{}",
                x.title.get(lang),
                t(lang, "：", ": "),
                x.message.get(lang)
            );
        }
    }
    match &ev.cap {
        Some(c) => words::against_cap(c, lang),
        None => String::new(),
    }
}

/// The figures a reviewer looks for first: the largest allowed total, the proposal, how far
/// over or under, and for an annual return the amount to recover; then the binding rule, where
/// the proposal stands in words, the regime and the clearing.
fn figures(o: &mut String, r: &Report, lang: Lang) {
    let Some(ev) = &r.eval else { return };
    let annual = r.kind == Some(crate::filing::FilingKind::AnnualReturn);
    // (class, figure name for `data-figure`, label, value, line under it)
    let mut kpis: Vec<(&str, &str, String, String, String)> = Vec::new();
    let mut facts: Vec<(String, String)> = Vec::new();
    match &ev.cap {
        Some(c) => {
            kpis.push((
                "allowed",
                "max-total",
                t(lang, "最高工资总额", "Largest allowed total"),
                yuan(c.max_wage_total, lang),
                format!(
                    "{} {}",
                    t(lang, "增幅上限", "growth cap"),
                    num::percent(c.wage_growth, 4)
                ),
            ));
            if let Some(e) = c.excess {
                kpis.push((
                    "proposed",
                    "proposed-total",
                    if annual {
                        t(lang, "实发工资总额", "Actual total")
                    } else {
                        t(lang, "申报工资总额", "Proposed total")
                    },
                    yuan(c.max_wage_total + e, lang),
                    proposed_growth(r)
                        .map(|g| format!("{} {}", t(lang, "增幅", "growth"), num::percent(g, 4)))
                        .unwrap_or_default(),
                ));
                let pts = c
                    .excess_points
                    .map(|p| words::points(p.abs(), 4))
                    .unwrap_or_else(|| "?".into());
                let rel = words::relative_excess(c)
                    .map(|x| num::percent_significant(x.abs(), 2))
                    .unwrap_or_else(|| "?".into());
                let over = e > Decimal::ZERO;
                kpis.push((
                    if over { "excess over" } else { "excess within" },
                    "excess",
                    if over {
                        t(lang, "超出上限", "Over the cap by")
                    } else {
                        t(lang, "低于上限", "Under the cap by")
                    },
                    yuan(e.abs(), lang),
                    if lang.is_zh() {
                        format!(
                            "增幅{}上限 {pts} 个百分点 · {} {rel}",
                            if over { "高出" } else { "低于" },
                            if over { "多" } else { "少" }
                        )
                    } else {
                        format!(
                            "{pts} percentage points · {rel} {} the allowed total",
                            if over { "above" } else { "below" }
                        )
                    },
                ));
            }
            let binding = ev.rules.iter().find(|x| *x.id == *c.binding_rule);
            facts.push((
                t(lang, "约束规则", "Binding rule"),
                match binding {
                    Some(b) => format!(
                        "{} <code data-figure=\"binding-rule\">{}</code> <span class=\"clause\">{} {}</span>",
                        esc(b.title.get(lang)),
                        esc(&b.id),
                        t(lang, "条款", "clause"),
                        esc(&b.clause)
                    ),
                    None => format!(
                        "<code data-figure=\"binding-rule\">{}</code>",
                        esc(&c.binding_rule)
                    ),
                },
            ));
            facts.push((
                t(lang, "与上限相比", "Against the cap"),
                esc(&words::against_cap(c, lang)),
            ));
        }
        None if r.verdict != Verdict::OutOfScope => {
            facts.push((
                t(lang, "增幅上限", "Growth cap"),
                format!(
                    "<span class=\"unknown\">{}</span>",
                    esc(ev.cap_unknown.get(lang))
                ),
            ));
        }
        None => {}
    }
    if let Some(c) = &ev.clearing {
        let m = |d: Option<Decimal>| {
            d.map(|d| yuan(d, lang))
                .unwrap_or_else(|| t(lang, "未知", "unknown"))
        };
        kpis.push((
            if c.to_recover.is_some_and(|x| x > Decimal::ZERO) {
                "recover over"
            } else {
                "recover"
            },
            "to-recover",
            t(lang, "应扣回", "To recover"),
            m(c.to_recover),
            format!(
                "{} {}",
                t(lang, "清算确定", "cleared"),
                m(c.cleared_wage_total)
            ),
        ));
        facts.push((
            t(lang, "清算", "Clearing"),
            esc(&format!(
                "{} {} · {} {} · {} {} · {} {}",
                t(lang, "核定", "approved"),
                m(c.approved_wage_total),
                t(lang, "清算确定", "cleared"),
                m(c.cleared_wage_total),
                t(lang, "实发", "actual"),
                m(c.actual_wage_total),
                t(lang, "应扣回", "to recover"),
                m(c.to_recover),
            )),
        ));
    }
    let fill = words::fields_to_fill(r);
    if !fill.is_empty() {
        let list: Vec<String> = fill
            .iter()
            .map(|f| format!("<code>{}</code>", esc(f)))
            .collect();
        facts.push((t(lang, "需补填", "To fill in"), list.join(" ")));
    }
    if r.verdict != Verdict::OutOfScope && !annual {
        let regime = match &ev.regime.required {
            Some(x) => words::value_label(x, lang),
            None => format!(
                "{}（{}）",
                t(lang, "未定", "undecided"),
                ev.regime.unknown.join(", ")
            ),
        };
        facts.push((t(lang, "应实行", "Required regime"), esc(&regime)));
    }
    if !kpis.is_empty() {
        o.push_str("<section class=\"kpis\">\n");
        for (class, figure, k, v, sub) in kpis {
            let _ = writeln!(
                o,
                "<div class=\"kpi {class}\"><div class=\"k\">{}</div><div class=\"v\" data-figure=\"{figure}\">{}</div><div class=\"sub\">{}</div></div>",
                esc(&k),
                unit_small(&esc(&v), lang),
                esc(&sub)
            );
        }
        o.push_str("</section>\n");
    }
    if !facts.is_empty() {
        o.push_str("<dl class=\"facts\">\n");
        for (k, v) in facts {
            let _ = writeln!(o, "<dt>{}</dt><dd>{v}</dd>", esc(&k));
        }
        o.push_str("</dl>\n");
    }
}

fn rule_block(o: &mut String, r: &Report, rule: &RuleResult, lang: Lang, anchor: &str) {
    let sc = status_class(rule.status);
    let _ = write!(
        o,
        "<div class=\"rule s-{sc}\" id=\"{}\" data-rule=\"{}\">\n<div class=\"rule-head\"><span class=\"status s-{sc}\">{}</span> <span class=\"title\">{}</span> <span class=\"clause\">{} {}</span> <code class=\"id\">{}</code></div>\n<p class=\"msg\">{}</p>\n",
        esc(&format!("{anchor}-{}", rule.id)),
        esc(&rule.id),
        esc(rule.status.label().get(lang)),
        esc(rule.title.get(lang)),
        t(lang, "条款", "clause"),
        esc(&rule.clause),
        esc(&rule.id),
        esc(rule.message.get(lang))
    );
    let params = r
        .pack
        .as_ref()
        .map(|p| p.params_of(&rule.id))
        .unwrap_or(&[]);
    if rule.trace.is_empty() && params.is_empty() && rule.layers.is_empty() {
        o.push_str("</div>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<details class=\"trace\"><summary>{}</summary>",
        t(lang, "计算过程", "How it was computed")
    );
    if !rule.layers.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"layers\">{} <span class=\"code\">{}</span></p>",
            t(lang, "来自", "From"),
            esc(&rule.layers.join(" → "))
        );
    }
    if !params.is_empty() {
        let list: Vec<String> = params
            .iter()
            .map(|(n, v, l)| {
                format!(
                    "<code>{}</code> = {} <span class=\"layer\">{}</span>",
                    esc(n),
                    esc(v.get(lang)),
                    esc(l)
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "<p class=\"params\">{}：{}</p>",
            t(lang, "参数", "Parameters"),
            list.join("，")
        );
    }
    if !rule.trace.is_empty() {
        o.push_str("<table class=\"trace\">\n");
        for line in &rule.trace {
            let _ = writeln!(
                o,
                "<tr><th>{}</th><td>{}</td></tr>",
                esc(&words::trace_label(&line.label, lang)),
                trace_steps(line, lang)
            );
        }
        o.push_str("</table>\n");
    }
    if let Some(a) = rule.allowed_total {
        let _ = writeln!(
            o,
            "<p class=\"allowed\">{}：<b>{}</b></p>",
            t(
                lang,
                "允许的最高工资总额（向下取整到分）",
                "Largest allowed total (rounded down to the cent)"
            ),
            esc(&yuan(a, lang))
        );
    }
    o.push_str("</details>\n</div>\n");
}

fn trace_steps(line: &TraceLine, lang: Lang) -> String {
    format!(
        "<code>{}</code><br><code>= {}</code><br>= <b>{}</b>",
        esc(&line.expr),
        esc(&line.substituted),
        esc(&words::value(&line.value, lang))
    )
}

/// One bar of the chart.
struct Bar {
    label: String,
    id: String,
    value: Option<Decimal>,
    class: &'static str,
    note: String,
}

/// The growth the cap limits: the cap plus the excess in points when there is a cap, else the
/// pack's growth quantity when the report names it.
fn proposed_growth(r: &Report) -> Option<Decimal> {
    let ev = r.eval.as_ref()?;
    if let Some(c) = &ev.cap {
        return c.excess_points.and_then(|p| c.wage_growth.checked_add(p));
    }
    let name = r.pack.as_ref().map(|p| p.growth.as_str())?;
    ev.quantities
        .iter()
        .rev()
        .find(|(n, _, _)| n == name)
        .and_then(|(_, v, _)| v.as_num())
}

/// The bounds that apply, from the evaluation: every rule that applies and has a bound on
/// growth; a rule whose bound is unknown is listed without a bar.
fn bounds(r: &Report) -> Vec<&RuleResult> {
    let Some(ev) = &r.eval else { return Vec::new() };
    ev.rules
        .iter()
        .filter(|x| x.status != Status::NotApplicable)
        .filter(|x| {
            x.bound.is_some()
                || r.pack
                    .as_ref()
                    .is_some_and(|p| p.bounded.iter().any(|b| **b == *x.id))
                || x.trace
                    .iter()
                    .any(|l| l.label == "bound" && matches!(l.value, Value::Unknown(_)))
        })
        .collect()
}

fn chart_caption(r: &Report, lang: Lang) -> String {
    let Some(ev) = &r.eval else {
        return String::new();
    };
    match &ev.cap {
        Some(_) => t(
            lang,
            "虚线为约束上限；条形从零起算。",
            "The dashed line is the binding cap; bars start at zero.",
        ),
        None => t(
            lang,
            "界限未定的规则标为“未知”，补填所缺字段后即可确定上限；条形从零起算。",
            "Rules whose bound is undecided are marked unknown; fill in the missing fields to settle the cap. Bars start at zero.",
        ),
    }
}

/// The chart as inline SVG: one horizontal bar for the proposed growth and one for each bound,
/// from zero, with the binding cap as a dashed line. `None` when there is nothing to draw.
pub fn chart(r: &Report, lang: Lang) -> Option<String> {
    let ev = r.eval.as_ref()?;
    let proposed = proposed_growth(r);
    let binding = ev.cap.as_ref().map(|c| c.binding_rule.as_str());
    let over = ev
        .cap
        .as_ref()
        .and_then(|c| c.excess)
        .map(|e| e > Decimal::ZERO);
    let mut bars = vec![Bar {
        label: match r.kind {
            Some(crate::filing::FilingKind::AnnualReturn) => {
                t(lang, "实际工资总额增幅", "Actual wage growth")
            }
            _ => t(lang, "申报的工资总额增幅", "Proposed wage growth"),
        },
        id: String::new(),
        value: proposed,
        class: match over {
            Some(true) => "proposed over",
            Some(false) => "proposed within",
            None => "proposed",
        },
        note: String::new(),
    }];
    for rule in bounds(r) {
        let is_binding = binding == Some(&*rule.id);
        bars.push(Bar {
            label: rule.title.get(lang).to_string(),
            id: rule.id.to_string(),
            value: rule.bound,
            class: if is_binding { "bound binding" } else { "bound" },
            note: if is_binding {
                t(lang, "约束", "binding")
            } else if rule.bound.is_none() {
                t(lang, "未知", "unknown")
            } else {
                String::new()
            },
        });
    }
    if bars.len() == 1 && proposed.is_none() {
        return None;
    }
    // Geometry only: positions on the screen are floats; every number shown is the exact
    // decimal, formatted from the evaluation.
    let f = |d: Decimal| d.to_f64().unwrap_or(0.0);
    let values: Vec<f64> = bars.iter().filter_map(|b| b.value.map(f)).collect();
    let lo = values.iter().copied().fold(0.0_f64, f64::min);
    let hi = values.iter().copied().fold(0.0_f64, f64::max);
    let (lo, hi) = if (hi - lo).abs() < 1e-12 {
        (lo - 0.01, hi + 0.01)
    } else {
        (lo, hi)
    };
    let step = nice_step((hi - lo) / 5.0);
    let lo = (lo / step).floor() * step;
    let hi = (hi / step).ceil() * step;

    const W: f64 = 760.0;
    const LABEL_W: f64 = 300.0;
    const PLOT_L: f64 = 372.0;
    const PLOT_R: f64 = 684.0;
    const ROW: f64 = 40.0;
    const TOP: f64 = 30.0;
    let x = |v: f64| PLOT_L + (v - lo) / (hi - lo) * (PLOT_R - PLOT_L);
    let rows_h = ROW * bars.len() as f64;
    let h = TOP + rows_h + 34.0;
    let mut s = String::with_capacity(4096);
    let title = t(
        lang,
        "工资总额增幅与各项上限",
        "Wage growth against every bound",
    );
    let _ = writeln!(
        s,
        "<svg class=\"growth-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>",
        esc(&title),
        esc(&title)
    );
    // Grid and ticks.
    let mut v = lo;
    let mut guard = 0;
    while v <= hi + step / 2.0 && guard < 40 {
        let xv = x(v);
        let zero = v.abs() < step / 1000.0;
        let _ = writeln!(
            s,
            "<line class=\"{}\" x1=\"{xv:.1}\" y1=\"{:.1}\" x2=\"{xv:.1}\" y2=\"{:.1}\"/><text class=\"tick\" x=\"{xv:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            if zero { "zero" } else { "grid" },
            TOP - 6.0,
            TOP + rows_h,
            TOP + rows_h + 18.0,
            tick_label(v, step)
        );
        v += step;
        guard += 1;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let mid = y + ROW / 2.0;
        let label_y = if b.id.is_empty() {
            mid + 5.0
        } else {
            mid - 2.0
        };
        let _ = write!(
            s,
            "<g class=\"row {}\" data-rule=\"{}\" data-value=\"{}\">",
            b.class,
            esc(&b.id),
            b.value.map(num::plain).unwrap_or_default()
        );
        if i % 2 == 1 {
            let _ = write!(
                s,
                "<rect class=\"band\" x=\"0\" y=\"{y:.1}\" width=\"{W}\" height=\"{ROW}\"/>"
            );
        }
        let _ = write!(
            s,
            "<text class=\"label\" x=\"8\" y=\"{label_y:.1}\">{}</text>",
            esc(&clip(&b.label, LABEL_W, lang))
        );
        if !b.id.is_empty() {
            let _ = write!(
                s,
                "<text class=\"rid\" x=\"8\" y=\"{:.1}\">{}{}</text>",
                mid + 13.0,
                esc(&b.id),
                if b.note.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", esc(&b.note))
                }
            );
        }
        match b.value {
            Some(val) => {
                let (x0, x1) = (x(0.0), x(f(val)));
                let (left, width) = (x0.min(x1), (x1 - x0).abs().max(1.5));
                let _ = write!(
                    s,
                    "<rect class=\"bar\" x=\"{left:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\"><title>{}: {}</title></rect>",
                    y + 10.0,
                    ROW - 20.0,
                    esc(&b.label),
                    num::percent(val, 4)
                );
                // The proposal also gets a dot, so a growth of zero still shows.
                if b.id.is_empty() {
                    let _ = write!(
                        s,
                        "<circle class=\"dot\" cx=\"{x1:.1}\" cy=\"{mid:.1}\" r=\"5\"/>"
                    );
                }
                let (tx, anchor) = if val < Decimal::ZERO {
                    (x1 - 8.0, "end")
                } else {
                    (x1 + 8.0, "start")
                };
                let _ = write!(
                    s,
                    "<text class=\"value\" x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                    mid + 5.0,
                    num::percent(val, 4)
                );
            }
            None => {
                let _ = write!(
                    s,
                    "<text class=\"value unknown\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\">{}</text>",
                    x(0.0) + 6.0,
                    mid + 5.0,
                    t(lang, "未知", "unknown")
                );
            }
        }
        s.push_str("</g>\n");
    }
    if let Some(c) = &ev.cap {
        let xc = x(f(c.wage_growth));
        let _ = writeln!(
            s,
            "<line class=\"cap\" x1=\"{xc:.1}\" y1=\"{:.1}\" x2=\"{xc:.1}\" y2=\"{:.1}\"/><text class=\"cap-label\" x=\"{xc:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} {}</text>",
            TOP - 12.0,
            TOP + rows_h,
            TOP - 16.0,
            t(lang, "上限", "cap"),
            num::percent(c.wage_growth, 4)
        );
    }
    s.push_str("</svg>\n");
    Some(s)
}

/// A step of 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw.is_nan() || raw <= 0.0 {
        return 0.01;
    }
    let p = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= raw {
            return m * p;
        }
    }
    10.0 * p
}

/// A tick as a percentage with as many decimals as the step needs.
fn tick_label(v: f64, step: f64) -> String {
    let pct = v * 100.0;
    let sp = step * 100.0;
    let dp = (0..4)
        .find(|dp| {
            let scaled = sp * 10f64.powi(*dp as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(4);
    let pct = if pct.abs() < 1e-9 { 0.0 } else { pct };
    format!("{pct:.dp$}%")
}

/// Clips a label to about `width` pixels (CJK characters count double).
fn clip(s: &str, width: f64, lang: Lang) -> String {
    let _ = lang;
    let mut w = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        w += if c.is_ascii() { 7.2 } else { 14.0 };
        if w > width - 12.0 {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Pass => 0,
        Verdict::OutOfScope => 1,
        Verdict::Review => 2,
        Verdict::Fail => 3,
        Verdict::Invalid => 4,
    }
}

/// The head of a batch document: the summary and the sortable table of enterprises, each
/// linking to its report below (the reports follow, then [`page_tail`]).
pub fn batch_head(summary: &Summary, lang: Lang) -> String {
    let rows = &summary.entries;
    let total_rows = summary.total;
    let mut o = String::with_capacity(1024 + rows.len() * 512);
    let _ = writeln!(
        o,
        "<article class=\"batch\" id=\"summary\">\n<header>\n<h1>{}</h1>\n<p class=\"meta\">{} · wagecheck {}</p>\n</header>",
        t(lang, "工资总额批量检查", "Wage-total batch check"),
        match (lang.is_zh(), rows.len() == total_rows) {
            (true, true) => format!("共 {total_rows} 份申报"),
            (true, false) => format!("共 {total_rows} 份申报，下列 {} 份", rows.len()),
            (false, true) => format!("{total_rows} filings"),
            (false, false) => format!("{total_rows} filings, {} listed", rows.len()),
        },
        env!("CARGO_PKG_VERSION"),
    );
    // Counts by verdict, worst first.
    o.push_str("<section class=\"counts\">\n");
    for v in [
        Verdict::Fail,
        Verdict::Review,
        Verdict::Invalid,
        Verdict::Pass,
        Verdict::OutOfScope,
    ] {
        let n = summary.with_verdict(&[v]);
        let _ = writeln!(
            o,
            "<div class=\"count v-{}\"><div class=\"n\">{n}</div><div class=\"k\">{}</div></div>",
            verdict_class(v),
            esc(v.label().get(lang))
        );
    }
    o.push_str("</section>\n");
    let mut money = Vec::new();
    let (over, recover) = (summary.over_total, summary.to_recover);
    money.push((
        t(lang, "超出上限合计", "Total over the caps"),
        yuan(over, lang),
    ));
    money.push((
        t(lang, "应扣回合计", "Total to recover"),
        yuan(recover, lang),
    ));
    if summary.skipped > 0 {
        // What a directory walk did not read (each path is named on standard error).
        money.push((
            t(lang, "已跳过的路径", "Paths skipped"),
            summary.skipped.to_string(),
        ));
    }
    o.push_str("<section class=\"kpis\">\n");
    for (k, v) in money {
        let _ = writeln!(
            o,
            "<div class=\"kpi\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
            esc(&k),
            unit_small(&esc(&v), lang)
        );
    }
    o.push_str("</section>\n");

    // Fail and review counts per rule.
    let mut per_rule = summary.by_rule.clone();
    if !per_rule.is_empty() {
        per_rule.sort_by(|a, b| (b.2 + b.3).cmp(&(a.2 + a.3)).then(a.0.cmp(&b.0)));
        let _ = writeln!(
            o,
            "<section class=\"per-rule\">\n<h2>{}</h2>\n<table class=\"list\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead>\n<tbody>",
            t(lang, "按规则统计", "By rule"),
            t(lang, "规则", "Rule"),
            esc(Status::Fail.label().get(lang)),
            esc(Status::Review.label().get(lang))
        );
        for (id, title, f, rv) in per_rule {
            let _ = writeln!(
                o,
                "<tr><td>{} <code>{}</code></td><td class=\"num\">{f}</td><td class=\"num\">{rv}</td></tr>",
                esc(&title),
                esc(&id)
            );
        }
        o.push_str("</tbody>\n</table>\n</section>\n");
    }

    // The enterprises.
    let _ = writeln!(
        o,
        "<section class=\"enterprises\">\n<h2>{}</h2>\n<p class=\"hint noprint\">{}</p>\n<div class=\"scroll\"><table class=\"list sortable\">\n<thead><tr>\
         <th data-type=\"text\">{}</th><th data-type=\"text\">{}</th><th data-type=\"num\">{}</th><th data-type=\"text\">{}</th>\
         <th data-type=\"num\" class=\"num\">{}</th><th data-type=\"num\" class=\"num\">{}</th><th data-type=\"num\" class=\"num\">{}</th></tr></thead>\n<tbody>",
        t(lang, "企业", "Enterprises"),
        t(
            lang,
            "点击表头排序；点击企业名称查看报告。",
            "Click a heading to sort; click a name to open its report."
        ),
        t(lang, "企业（来源）", "Enterprise (source)"),
        t(lang, "统一社会信用代码", "Credit code"),
        t(lang, "结论", "Verdict"),
        t(lang, "约束规则", "Binding rule"),
        t(lang, "最高工资总额（元）", "Allowed total (yuan)"),
        t(lang, "超出（元）", "Excess (yuan)"),
        t(lang, "应扣回（元）", "To recover (yuan)"),
    );
    for r in rows {
        let amount = |d: Option<Decimal>, class: &str| match d {
            Some(d) => format!(
                "<td class=\"num{class}\" data-v=\"{}\">{}</td>",
                num::plain(d),
                num::money_grouped(d)
            ),
            None => "<td class=\"num\" data-v=\"\">–</td>".to_string(),
        };
        let name = if r.name.is_empty() {
            &r.source
        } else {
            &r.name
        };
        let _ = writeln!(
            o,
            "<tr class=\"v-{vc}\"><td data-v=\"{}\"><a href=\"#{}\">{}</a>{}</td><td class=\"code\">{}</td>\
             <td data-v=\"{}\"><span class=\"tag v-{vc}\">{}</span></td><td class=\"rule-id\">{}</td>{}{}{}</tr>",
            esc(name),
            esc(&r.anchor),
            esc(name),
            if r.name.is_empty() {
                String::new()
            } else {
                format!("<br><span class=\"src\">{}</span>", esc(&r.source))
            },
            esc(&r.credit_code),
            verdict_rank(r.verdict),
            esc(r.verdict.label_in(lang)),
            if r.binding_rule.is_empty() {
                "–".to_string()
            } else {
                // Allow a break after each dot of a long id.
                esc(&r.binding_rule).replace('.', ".<wbr>")
            },
            amount(r.allowed, ""),
            amount(
                r.excess,
                match r.excess {
                    Some(e) if e > Decimal::ZERO => " over",
                    Some(e) if e < Decimal::ZERO => " room",
                    _ => "",
                }
            ),
            amount(r.to_recover, ""),
            vc = verdict_class(r.verdict),
        );
    }
    o.push_str("</tbody>\n</table></div>\n</section>\n</article>\n");
    o
}

/// The title of a batch document.
pub fn batch_title(lang: Lang) -> String {
    t(lang, "工资总额批量检查", "Wage-total batch check")
}

/// The HTML format: `check` and `batch` documents as above.
pub struct Html;

impl super::Printer for Html {
    fn document(&self, reports: &[Report], lang: Lang, _trace: bool) -> String {
        document(reports, lang, Mode::Report)
    }
    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        section(r, lang, &super::summary::anchor_of(r), Mode::Report).into_bytes()
    }
    fn begin_reads_summary(&self) -> bool {
        true
    }
    fn begin(&self, summary: &Summary, lang: Lang) -> String {
        let mut out = page_head(lang, &batch_title(lang));
        out.push_str(&batch_head(summary, lang));
        out
    }
    fn end(&self, _summary: &Summary, _lang: Lang) -> String {
        page_tail(true)
    }
    fn wants_entries(&self) -> bool {
        true
    }
    fn needs_trace(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            esc("<a href=\"x\">&'\u{1}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u{1}&lt;/a&gt;"
        );
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_step(0.013), 0.02);
        assert_eq!(nice_step(0.011), 0.02);
        assert_eq!(nice_step(0.004), 0.005);
        assert_eq!(tick_label(0.02, 0.01), "2%");
        assert_eq!(tick_label(-0.025, 0.025), "-2.5%");
        assert_eq!(tick_label(0.005, 0.005), "0.5%");
    }
}
