//! `batch`: many filings, a summary, and the filings that need attention.

use std::path::PathBuf;

use super::{Common, check_filing, print_pack_errors};
use crate::diag::Lang;
use crate::engine::{Options, Verdict};
use crate::pack::Registry;
use crate::report::{self, OutputFormat, Report};

/// Counts for the batch summary.
#[derive(Default)]
pub struct Summary {
    pub total: usize,
    pub by_verdict: Vec<(Verdict, usize)>,
    pub by_category: Vec<(String, usize)>,
    pub to_recover: rust_decimal::Decimal,
    pub worst: Option<Verdict>,
}

impl Summary {
    pub fn add(&mut self, r: &Report) {
        self.total += 1;
        bump(&mut self.by_verdict, r.verdict);
        let cat = if r.category.is_empty() {
            "-".to_string()
        } else {
            r.category.clone()
        };
        bump(&mut self.by_category, cat);
        if let Some(c) = r.eval.as_ref().and_then(|e| e.clearing.as_ref())
            && let Some(x) = c.to_recover
        {
            self.to_recover += x;
        }
        self.worst = self.worst.max(Some(r.verdict));
    }
}

fn bump<K: PartialEq>(v: &mut Vec<(K, usize)>, k: K) {
    match v.iter_mut().find(|(x, _)| *x == k) {
        Some((_, n)) => *n += 1,
        None => v.push((k, 1)),
    }
}

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

fn source_of(r: &Report) -> String {
    match r.row {
        Some(row) => format!("{}#{row}", r.source),
        None => r.source.clone(),
    }
}

/// `wagecheck batch`: reads, evaluates and writes one filing at a time, in input order. Memory
/// holds the summary and, for the table and Markdown views, one line per filing that is not
/// `pass`; JSON, JSON Lines are written as they go (JUnit is assembled at the end).
pub fn batch(
    paths: &[PathBuf],
    common: &Common,
    format: OutputFormat,
    deny_review: bool,
    trace: bool,
    registry: &mut Registry,
) -> i32 {
    use std::io::Write;
    let lang = common.lang;
    let opts = Options { trace };
    let mut summary = Summary::default();
    let mut lines: Vec<[String; 3]> = Vec::new();
    let mut junit = String::new();
    let mut junit_failures = 0;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut first = true;
    let mut pack_error = None;
    if format == OutputFormat::Json {
        let _ = writeln!(out, "[");
    }
    crate::batch::for_each(paths, |item| {
        if pack_error.is_some() {
            return;
        }
        let report = match item {
            crate::batch::Item::Filing { filing, row } => {
                match check_filing(&filing, registry, common.rules.as_deref(), opts) {
                    Ok(mut r) => {
                        r.row = row;
                        r
                    }
                    Err(e) => {
                        pack_error = Some(e);
                        return;
                    }
                }
            }
            crate::batch::Item::Invalid {
                source,
                row,
                errors,
            } => {
                let mut r = Report::invalid(&source, errors);
                r.row = row;
                r
            }
        };
        summary.add(&report);
        match format {
            OutputFormat::Jsonl => {
                let _ = writeln!(out, "{}", report::json::report(&report, lang, trace));
            }
            OutputFormat::Json => {
                let sep = if first { "" } else { "," };
                let _ = writeln!(out, "{sep}{}", report::json::report(&report, lang, trace));
            }
            OutputFormat::Junit => {
                if !matches!(report.verdict, Verdict::Pass | Verdict::OutOfScope) {
                    junit_failures += 1;
                }
                junit.push_str(&report::junit::testcase(&report, lang));
            }
            OutputFormat::Table | OutputFormat::Markdown => {
                if report.verdict != Verdict::Pass {
                    lines.push([
                        source_of(&report),
                        report.verdict.as_str().to_string(),
                        report.main_reason(lang),
                    ]);
                }
            }
        }
        first = false;
    });
    if let Some(errors) = pack_error {
        let _ = out.flush();
        print_pack_errors(&errors, lang);
        return 2;
    }
    match format {
        OutputFormat::Json => {
            let _ = writeln!(out, "]");
        }
        OutputFormat::Junit => {
            let _ = write!(
                out,
                "{}",
                report::junit::document(&junit, summary.total, junit_failures)
            );
        }
        OutputFormat::Table => {
            let _ = writeln!(out, "{}", summary_table(&summary, lang));
            for [src, verdict, reason] in &lines {
                let _ = writeln!(out, "{src}  {verdict}  {reason}");
            }
        }
        OutputFormat::Markdown => {
            let _ = writeln!(out, "{}\n", summary_table(&summary, lang));
            let _ = writeln!(out, "| source | verdict | reason |\n|---|---|---|");
            for row in &lines {
                let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
        OutputFormat::Jsonl => {}
    }
    let _ = out.flush();
    if !matches!(format, OutputFormat::Table | OutputFormat::Markdown) {
        eprintln!("{}", summary_table(&summary, lang));
    }
    summary.worst.map(|v| v.exit_code(deny_review)).unwrap_or(0)
}
