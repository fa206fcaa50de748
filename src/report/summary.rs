//! A batch's summary: counts by verdict and category and the total to recover, and its table.

use rust_decimal::Decimal;

use super::Report;
use crate::diag::Lang;
use crate::engine::Verdict;

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
    /// The worst verdict met.
    pub worst: Option<Verdict>,
    /// Paths a directory walk did not read (each reported with its reason).
    pub skipped: usize,
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

/// The summary as a table.
pub fn summary_table(s: &Summary, lang: Lang) -> String {
    let zh = lang.is_zh();
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(if zh {
        vec!["汇总", "数量"]
    } else {
        vec!["summary", "count"]
    });
    t.add_row(vec![
        (if zh { "申报总数" } else { "filings" }).to_string(),
        s.total.to_string(),
    ]);
    let mut verdicts = s.by_verdict.clone();
    verdicts.sort();
    for (v, n) in verdicts {
        t.add_row(vec![
            format!("{} {}", if zh { "结论" } else { "verdict" }, v.as_str()),
            n.to_string(),
        ]);
    }
    let mut cats = s.by_category.clone();
    cats.sort();
    for (c, n) in cats {
        t.add_row(vec![
            format!("{} {c}", if zh { "类别" } else { "category" }),
            n.to_string(),
        ]);
    }
    if s.skipped > 0 {
        t.add_row(vec![
            (if zh {
                "已跳过的路径"
            } else {
                "paths skipped"
            })
            .to_string(),
            s.skipped.to_string(),
        ]);
    }
    t.add_row(vec![
        (if zh {
            "应扣回合计（元）"
        } else {
            "total to recover (yuan)"
        })
        .to_string(),
        crate::num::money_grouped(s.to_recover),
    ]);
    t.to_string()
}

/// Where a report came from: the file, with `#row` for a CSV row.
pub fn source_of(r: &Report) -> String {
    match r.row {
        Some(row) => format!("{}#{row}", r.source),
        None => r.source.clone(),
    }
}
