//! The Markdown view, for pasting into a review memo or a pull request.

use super::Report;
use crate::diag::Lang;
use crate::num;

/// Untrusted text as literal Markdown (a filing's name, a file name, a message quoting a value).
fn cell(s: &str) -> String {
    super::escape::markdown(s)
}

/// An identifier from a pack (trusted: a rule id, a pack id) inside a code span: it cannot hold
/// a backtick or a line break, and is shown without them if it somehow does.
fn code(s: &str) -> String {
    super::escape::visible(s).replace(['`', '|'], "")
}

pub fn report(r: &Report, lang: Lang) -> String {
    let zh = lang.is_zh();
    // The heading names the filing; the verdict has a line of its own, built from the verdict
    // only, so that no name can read as a verdict.
    let mut out = format!(
        "## {}\n\n- {}: **{}**\n",
        cell(if r.name.is_empty() {
            &r.source
        } else {
            &r.name
        }),
        if zh { "结论" } else { "Verdict" },
        r.verdict.label().get(lang)
    );
    out.push_str(&format!(
        "- {}: {}\n",
        if zh { "来源" } else { "Source" },
        cell(&r.source)
    ));
    for e in &r.errors {
        out.push_str(&format!("- {}\n", cell(&e.render(lang))));
    }
    let Some(ev) = &r.eval else { return out };
    if let Some(p) = &r.pack {
        out.push_str(&format!(
            "- {}: {} `{}`\n",
            if zh { "规则包" } else { "Rule pack" },
            cell(&p.document),
            code(&p.id)
        ));
    }
    out.push_str(&format!(
        "- {}: {}\n",
        if zh { "应实行" } else { "Required regime" },
        cell(
            ev.regime
                .required
                .as_deref()
                .unwrap_or(if zh { "未定" } else { "undecided" })
        )
    ));
    match &ev.cap {
        Some(c) => out.push_str(&format!(
            "- {}: {} ({} {}, `{}`), {}: {}\n",
            if zh {
                "最高工资总额"
            } else {
                "Largest allowed total"
            },
            num::money_grouped(c.max_wage_total),
            if zh { "增幅上限" } else { "growth cap" },
            num::percent(c.wage_growth, 4),
            code(&c.binding_rule),
            if zh { "超出" } else { "excess" },
            c.excess
                .map(num::money_grouped)
                .unwrap_or_else(|| "?".into())
        )),
        None => out.push_str(&format!("- {}\n", cell(ev.cap_unknown.get(lang)))),
    }
    if ev.cap.as_ref().is_some_and(|c| !c.undecided.is_empty()) {
        out.push_str(&format!("- {}\n", ev.cap_unknown.get(lang)));
    }
    if let Some(c) = &ev.clearing {
        let m = |d: Option<rust_decimal::Decimal>| {
            d.map(num::money_grouped).unwrap_or_else(|| "?".into())
        };
        out.push_str(&format!(
            "- {}: {} / {} / {} / {}\n",
            if zh {
                "核定 / 清算 / 实发 / 应扣回"
            } else {
                "approved / cleared / actual / to recover"
            },
            m(c.approved_wage_total),
            m(c.cleared_wage_total),
            m(c.actual_wage_total),
            m(c.to_recover)
        ));
    }
    out.push_str(if zh {
        "\n| 规则 | 条款 | 状态 | 说明 |\n|---|---|---|---|\n"
    } else {
        "\n| Rule | Clause | Status | Message |\n|---|---|---|---|\n"
    });
    for rr in &ev.rules {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            code(&rr.id),
            cell(&rr.clause),
            rr.status.label().get(lang),
            cell(rr.message.get(lang))
        ));
    }
    out
}

/// The Markdown format: each report as [`report`] in a document; in a stream, the summary
/// table, then a table of the filings that are not `pass`.
pub struct Markdown;

impl super::Printer for Markdown {
    fn document(&self, reports: &[Report], lang: Lang, _trace: bool) -> String {
        reports.iter().map(|r| report(r, lang) + "\n").collect()
    }
    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        if r.verdict == crate::engine::Verdict::Pass {
            return Vec::new();
        }
        let cells = [
            super::summary::source_of(r),
            r.verdict.as_str().to_string(),
            r.main_reason(lang),
        ];
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        format!("| {} |\n", cells.join(" | ")).into_bytes()
    }
    fn begin_reads_summary(&self) -> bool {
        true
    }
    fn begin(&self, summary: &super::Summary, lang: Lang) -> String {
        format!(
            "{}\n\n| source | verdict | reason |\n|---|---|---|\n",
            super::summary::summary_table(summary, lang)
        )
    }
    fn end(&self, _summary: &super::Summary, _lang: Lang) -> String {
        String::new()
    }
}
