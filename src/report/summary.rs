//! A batch's summary: counts by verdict and category and the total to recover, and its table.

use rust_decimal::Decimal;

use super::Report;
use crate::diag::Lang;
use crate::engine::Verdict;
use crate::pack::Status;

/// Counts for the batch summary.
#[derive(Clone, Debug, Default)]
#[warn(missing_docs)]
pub struct Summary {
    /// Filings counted.
    pub total: usize,
    /// Filings per verdict.
    pub by_verdict: Vec<(Verdict, usize)>,
    /// Filings per enterprise category (`-` for none).
    pub by_category: Vec<(String, usize)>,
    /// The amounts to recover, added up.
    pub to_recover: Decimal,
    /// The sum of every positive excess over a cap.
    pub over_total: Decimal,
    /// The time reading and evaluating took, summed over the filings measured.
    pub elapsed: std::time::Duration,
    /// The worst verdict met.
    pub worst: Option<Verdict>,
    /// For each rule that failed or was left to review somewhere: (id, title, fails, reviews),
    /// in the order first met.
    pub by_rule: Vec<(String, String, usize, usize)>,
    /// Every filing as a line of the batch table, in input order, when the printer lists them
    /// all (see [`Printer::wants_entries`](super::Printer::wants_entries)); empty otherwise.
    pub entries: Vec<Entry>,
    /// Paths a directory walk did not read (each reported with its reason).
    pub skipped: usize,
}

/// One filing as the batch table lists it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The HTML anchor of its report.
    pub anchor: String,
    pub name: String,
    pub credit_code: String,
    pub category: String,
    /// `file.csv#N` for a CSV row, else the file.
    pub source: String,
    pub verdict: Verdict,
    pub binding_rule: String,
    pub allowed: Option<Decimal>,
    pub excess: Option<Decimal>,
    pub to_recover: Option<Decimal>,
    /// (rule id, title, status) of every rule that fails or is left to review.
    pub flagged: Vec<(String, String, Status)>,
    /// The one-line reason a reviewer reads first.
    pub reason: String,
    pub elapsed: Option<std::time::Duration>,
}

impl Entry {
    /// The line of `r`; with `full` false, only what the counts read (no names, binding rule
    /// or reason).
    pub fn of(r: &Report, lang: Lang, full: bool) -> Entry {
        let text = |s: &str| if full { s.to_string() } else { String::new() };
        let ev = r.eval.as_ref();
        let cap = ev.and_then(|e| e.cap.as_ref());
        Entry {
            anchor: if full { anchor_of(r) } else { String::new() },
            name: text(&r.name),
            credit_code: text(r.credit_code.as_deref().unwrap_or_default()),
            category: r.category.clone(),
            source: if full { source_of(r) } else { String::new() },
            verdict: r.verdict,
            binding_rule: cap
                .filter(|_| full)
                .map(|c| c.binding_rule.clone())
                .unwrap_or_default(),
            allowed: cap.map(|c| c.max_wage_total),
            excess: cap.and_then(|c| c.excess),
            to_recover: to_recover(r),
            elapsed: r.elapsed,
            flagged: ev
                .map(|e| {
                    e.rules
                        .iter()
                        .filter(|x| matches!(x.status, Status::Fail | Status::Review))
                        .map(|x| (x.id.to_string(), x.title.get(lang).to_string(), x.status))
                        .collect()
                })
                .unwrap_or_default(),
            reason: if full {
                r.main_reason(lang)
            } else {
                String::new()
            },
        }
    }
}

/// A stable HTML anchor for a report: `f-` and a hash of where it came from.
pub fn anchor_of(r: &Report) -> String {
    // FNV-1a, 64 bits: stable across runs and platforms, and short.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in source_of(r).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("f-{h:016x}")
}

#[warn(missing_docs)]
impl Summary {
    /// Counts one report.
    pub fn add(&mut self, r: &Report) {
        self.count(r.verdict, &r.category, to_recover(r));
    }

    /// Counts one filing from what the summary reads of its report.
    pub fn count(&mut self, verdict: Verdict, category: &str, to_recover: Option<Decimal>) {
        self.total += 1;
        bump(&mut self.by_verdict, verdict);
        let cat = if category.is_empty() { "-" } else { category };
        match self.by_category.iter_mut().find(|(x, _)| x == cat) {
            Some((_, n)) => *n += 1,
            None => self.by_category.push((cat.to_string(), 1)),
        }
        if let Some(x) = to_recover {
            self.to_recover += x;
        }
        self.worst = self.worst.max(Some(verdict));
    }

    /// Counts one filing from its table line; keeps the line when `keep`.
    pub fn count_entry(&mut self, e: Entry, keep: bool) {
        self.count(e.verdict, &e.category, e.to_recover);
        self.note_entry(e, keep);
    }

    /// What a table line adds besides the counts (the library's batch counts those): the
    /// per-rule counts, the total over the caps, the time; keeps the line when `keep`.
    pub fn note_entry(&mut self, e: Entry, keep: bool) {
        if let Some(d) = e.elapsed {
            self.elapsed += d;
        }
        if let Some(x) = e.excess.filter(|x| *x > Decimal::ZERO) {
            self.over_total = self.over_total.saturating_add(x);
        }
        for (id, title, st) in &e.flagged {
            let i = match self.by_rule.iter().position(|x| &x.0 == id) {
                Some(i) => i,
                None => {
                    self.by_rule.push((id.clone(), title.clone(), 0, 0));
                    self.by_rule.len() - 1
                }
            };
            if *st == Status::Fail {
                self.by_rule[i].2 += 1;
            } else {
                self.by_rule[i].3 += 1;
            }
        }
        if keep {
            self.entries.push(e);
        }
    }

    /// How many filings have one of `verdicts`.
    pub fn with_verdict(&self, verdicts: &[Verdict]) -> usize {
        self.by_verdict
            .iter()
            .filter(|(v, _)| verdicts.contains(v))
            .map(|(_, n)| n)
            .sum()
    }

    /// The exit code of the run: the worst verdict's (0 when there was no filing).
    pub fn exit_code(&self, deny_review: bool) -> i32 {
        self.worst.map(|v| v.exit_code(deny_review)).unwrap_or(0)
    }
}

/// The amount a report's clearing says is to be recovered, if any.
pub fn to_recover(r: &Report) -> Option<Decimal> {
    r.eval
        .as_ref()
        .and_then(|e| e.clearing.as_ref())
        .and_then(|c| c.to_recover)
}

fn bump<K: PartialEq>(v: &mut Vec<(K, usize)>, k: K) {
    match v.iter_mut().find(|(x, _)| *x == k) {
        Some((_, n)) => *n += 1,
        None => v.push((k, 1)),
    }
}

/// The summary as a table: the counts by verdict and by category, and the totals.
pub fn summary_table(s: &Summary, lang: Lang) -> String {
    let zh = lang.is_zh();
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(if zh {
        vec!["汇总", "数量"]
    } else {
        vec!["summary", "count"]
    });
    for (k, v) in summary_rows(s, lang) {
        t.add_row(vec![k, v]);
    }
    t.to_string()
}

/// The summary's lines: (what, how many or how much).
pub fn summary_rows(s: &Summary, lang: Lang) -> Vec<(String, String)> {
    let zh = lang.is_zh();
    let mut rows = vec![(
        (if zh { "申报总数" } else { "filings" }).to_string(),
        s.total.to_string(),
    )];
    let mut verdicts = s.by_verdict.clone();
    verdicts.sort();
    for (v, n) in verdicts {
        rows.push((
            format!(
                "{} {}",
                if zh { "结论" } else { "verdict" },
                v.label().get(lang)
            ),
            n.to_string(),
        ));
    }
    let mut cats = s.by_category.clone();
    cats.sort();
    for (c, n) in cats {
        let label = if c == "-" {
            (if zh { "未知" } else { "unknown" }).to_string()
        } else {
            super::words::value_label(&c, lang)
        };
        rows.push((
            format!("{} {label}", if zh { "类别" } else { "category" }),
            n.to_string(),
        ));
    }
    if s.skipped > 0 {
        rows.push((
            (if zh {
                "已跳过的路径"
            } else {
                "paths skipped"
            })
            .to_string(),
            s.skipped.to_string(),
        ));
    }
    rows.push((
        (if zh {
            "超出上限合计（元）"
        } else {
            "total over the caps (yuan)"
        })
        .to_string(),
        crate::num::money_grouped(s.over_total),
    ));
    rows.push((
        (if zh {
            "应扣回合计（元）"
        } else {
            "total to recover (yuan)"
        })
        .to_string(),
        crate::num::money_grouped(s.to_recover),
    ));
    rows
}

/// How many filings fail or are left to review on each rule, most first; empty when none.
pub fn rule_table(s: &Summary, lang: Lang) -> String {
    if s.by_rule.is_empty() {
        return String::new();
    }
    let zh = lang.is_zh();
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(vec![
        if zh { "规则" } else { "rule" },
        Status::Fail.label().get(lang),
        Status::Review.label().get(lang),
    ]);
    for (id, _title, f, r) in rules_by_count(s) {
        t.add_row(vec![id.clone(), f.to_string(), r.to_string()]);
    }
    t.to_string()
}

/// The per-rule counts, most fails and reviews first, then by id.
pub fn rules_by_count(s: &Summary) -> Vec<&(String, String, usize, usize)> {
    let mut v: Vec<_> = s.by_rule.iter().collect();
    v.sort_by(|a, b| (b.2 + b.3).cmp(&(a.2 + a.3)).then(a.0.cmp(&b.0)));
    v
}

/// Where a report came from: the file, with `#row` for a CSV row.
pub fn source_of(r: &Report) -> String {
    match r.row {
        Some(row) => format!("{}#{row}", r.source),
        None => r.source.clone(),
    }
}
