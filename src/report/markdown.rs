//! The Markdown view, for pasting into a review memo or a pull request.

use super::words::{self, t};
use super::{Report, View};
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
        r.verdict.label_in(lang)
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
    if !r.category.is_empty() {
        out.push_str(&format!(
            "- {}: {}\n",
            t(lang, "类别", "Category"),
            words::category(r, lang)
        ));
    }
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
            &ev.regime
                .required
                .as_deref()
                .map(|x| words::value_label(x, lang))
                .unwrap_or_else(|| t(lang, "未定", "undecided"))
        )
    ));
    match &ev.cap {
        Some(c) => {
            out.push_str(&format!(
                "- {}: {} {}{}{} {}{}{}{}\n",
                if zh {
                    "最高工资总额"
                } else {
                    "Largest allowed total"
                },
                num::money_grouped(c.max_wage_total),
                t(lang, "元", "yuan"),
                t(lang, "（", " ("),
                t(lang, "增幅上限", "growth cap"),
                num::percent(c.wage_growth, 4),
                t(lang, "，", ", "),
                cell(&words::binding_rule(r, lang).unwrap_or_default()),
                t(lang, "）", ")"),
            ));
            out.push_str(&format!(
                "- {}: {}\n",
                t(lang, "与上限相比", "Against the cap"),
                words::against_cap(c, lang)
            ));
        }
        None => out.push_str(&format!("- {}\n", cell(ev.cap_unknown.get(lang)))),
    }
    if ev.cap.as_ref().is_some_and(|c| !c.undecided.is_empty()) {
        out.push_str(&format!("- {}\n", cell(ev.cap_unknown.get(lang))));
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
    let fill = words::fields_to_fill(r);
    if !fill.is_empty() {
        let list: Vec<String> = fill.iter().map(|f| format!("`{}`", code(f))).collect();
        out.push_str(&format!(
            "- {}: {}\n",
            t(lang, "需补填", "To fill in"),
            list.join(", ")
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

/// The Markdown format: each report as [`report`] in a document; in a stream, the summary and
/// the counts per rule as Markdown tables, then a table of the filings listed.
pub struct Markdown {
    pub view: View,
}

impl super::Printer for Markdown {
    fn document(&self, reports: &[Report], lang: Lang, _trace: bool) -> String {
        reports.iter().map(|r| report(r, lang) + "\n").collect()
    }
    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        if r.verdict == crate::engine::Verdict::Pass && !self.view.list_pass {
            return Vec::new();
        }
        let cap = r.eval.as_ref().and_then(|e| e.cap.as_ref());
        let cells = [
            if r.name.is_empty() {
                "–".to_string()
            } else {
                r.name.clone()
            },
            super::summary::source_of(r),
            r.verdict.label_in(lang).to_string(),
            cap.map(|c| num::money_grouped(c.max_wage_total))
                .unwrap_or_else(|| "–".into()),
            cap.and_then(|c| c.excess)
                .map(num::money_grouped)
                .unwrap_or_else(|| "–".into()),
            r.main_reason(lang),
        ];
        let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        format!("| {} |\n", cells.join(" | ")).into_bytes()
    }
    fn item_messages(&self) -> crate::engine::Messages {
        crate::engine::Messages::Main
    }
    fn begin_reads_summary(&self) -> bool {
        true
    }
    fn begin(&self, summary: &super::Summary, lang: Lang) -> String {
        let zh = lang.is_zh();
        let mut out = format!(
            "## {}\n\n| {} | {} |\n|---|---:|\n",
            t(lang, "批量检查汇总", "Batch summary"),
            t(lang, "汇总", "summary"),
            t(lang, "数量", "count")
        );
        for (k, v) in super::summary::summary_rows(summary, lang) {
            out.push_str(&format!("| {} | {} |\n", cell(&k), cell(&v)));
        }
        let rules = super::summary::rules_by_count(summary);
        if !rules.is_empty() {
            out.push_str(&format!(
                "\n| {} | {} | {} |\n|---|---:|---:|\n",
                t(lang, "规则", "rule"),
                crate::pack::Status::Fail.label().get(lang),
                crate::pack::Status::Review.label().get(lang)
            ));
            for (id, _, f, r) in rules {
                out.push_str(&format!("| `{}` | {f} | {r} |\n", code(id)));
            }
        }
        out.push_str(if zh {
            "\n| 企业 | 来源 | 结论 | 最高工资总额（元） | 超出（元） | 主要原因 |\n|---|---|---|---:|---:|---|\n"
        } else {
            "\n| enterprise | source | verdict | allowed total (yuan) | excess (yuan) | reason |\n|---|---|---|---:|---:|---|\n"
        });
        out
    }
    fn end(&self, _summary: &super::Summary, _lang: Lang) -> String {
        String::new()
    }
}
