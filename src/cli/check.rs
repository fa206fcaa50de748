//! `check` and `explain`: one report per filing file.

use std::path::{Path, PathBuf};

use super::{Common, print_pack_errors};
use crate::diag::{Diagnostic, Lang, Text};
use crate::engine::{self, Options};
use crate::filing;
use crate::pack::Registry;
use crate::report::{self, OutputFormat, Report};

pub fn check_file(
    path: &Path,
    registry: &mut Registry,
    rules: Option<&str>,
    opts: Options,
) -> Result<Report, Vec<Diagnostic>> {
    let source = path.display().to_string();
    let filing = match filing::read_file(path) {
        Ok(f) => f,
        Err(errors) => return Ok(Report::invalid(&source, errors)),
    };
    check_filing(&filing, registry, rules, opts)
}

/// Evaluates a decoded filing. `Err` only when a pack named with `--rules` fails to load.
pub fn check_filing(
    filing: &filing::Filing,
    registry: &mut Registry,
    rules: Option<&str>,
    opts: Options,
) -> Result<Report, Vec<Diagnostic>> {
    let pack = match rules {
        Some(spec) => registry.load(spec)?,
        None => {
            let jurisdiction = filing
                .get("enterprise.jurisdiction")
                .str()
                .map(str::to_string);
            let Some(j) = jurisdiction else {
                return Ok(Report::invalid(
                    &filing.source,
                    vec![Diagnostic::new(
                        &filing.source,
                        filing.pos("enterprise"),
                        Some("enterprise.jurisdiction"),
                        Text::new(
                            "未填管辖地区，无法选择规则包：请填写 enterprise.jurisdiction 或使用 --rules",
                            "no jurisdiction, so no rule pack can be chosen: give enterprise.jurisdiction or use --rules",
                        ),
                    )],
                ));
            };
            match registry.select(&j, filing.year()) {
                Ok(p) => p,
                Err(mut errors) => {
                    for e in &mut errors {
                        e.file = filing.source.clone();
                        e.field = Some("budget.year".into());
                        if let Some(p) = filing.pos("budget.year") {
                            e.line = Some(p.line);
                            e.column = Some(p.column);
                        }
                    }
                    return Ok(Report::invalid(&filing.source, errors));
                }
            }
        }
    };
    let problems = engine::validate(filing, &pack);
    if !problems.is_empty() {
        return Ok(Report::invalid(&filing.source, problems));
    }
    let eval = engine::evaluate(filing, &pack, opts);
    Ok(Report::new(filing, &pack, eval))
}

fn print_reports(reports: &[Report], format: OutputFormat, lang: Lang, trace: bool) {
    match format {
        OutputFormat::Json => {
            let values: Vec<_> = reports
                .iter()
                .map(|r| report::json::report(r, lang, trace))
                .collect();
            let out = if values.len() == 1 {
                serde_json::to_string_pretty(&values[0])
            } else {
                serde_json::to_string_pretty(&values)
            };
            outln!("{}", out.unwrap_or_default());
        }
        OutputFormat::Jsonl => {
            for r in reports {
                outln!("{}", report::json::report(r, lang, trace));
            }
        }
        OutputFormat::Markdown => {
            for r in reports {
                outln!("{}", report::markdown::report(r, lang));
            }
        }
        OutputFormat::Table | OutputFormat::Junit => {
            for r in reports {
                outln!("{}", report::table::report(r, lang));
            }
        }
    }
}

/// `check`: one report per filing; the exit code is the highest of them.
pub fn run_check(
    filings: &[PathBuf],
    common: &Common,
    format: OutputFormat,
    deny_review: bool,
    trace: bool,
    registry: &mut Registry,
) -> i32 {
    let opts = Options {
        trace: trace || format != OutputFormat::Table,
    };
    let mut reports = Vec::new();
    for f in filings {
        match check_file(f, registry, common.rules.as_deref(), opts) {
            Ok(r) => reports.push(r),
            Err(errors) => {
                print_pack_errors(&errors, common.lang);
                return 2;
            }
        }
    }
    print_reports(&reports, format, common.lang, trace);
    reports
        .iter()
        .map(|r| r.verdict.exit_code(deny_review))
        .max()
        .unwrap_or(0)
}

/// `explain`: the full trace of one filing, or of one rule.
pub fn run_explain(
    filing: &Path,
    common: &Common,
    rule: Option<&str>,
    format: OutputFormat,
    registry: &mut Registry,
) -> i32 {
    let opts = Options { trace: true };
    match check_file(filing, registry, common.rules.as_deref(), opts) {
        Ok(r) => {
            if format == OutputFormat::Json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&report::json::report(&r, common.lang, true))
                        .unwrap_or_default()
                );
            } else {
                if let (Some(id), Some(ev)) = (rule, &r.eval)
                    && !ev.rules.iter().any(|x| x.id == id)
                {
                    eprintln!(
                        "{}",
                        if common.lang.is_zh() {
                            format!("没有规则 `{id}`")
                        } else {
                            format!("no rule `{id}`")
                        }
                    );
                    return 2;
                }
                outln!("{}", report::table::explain(&r, common.lang, rule));
            }
            r.verdict.exit_code(false)
        }
        Err(errors) => {
            print_pack_errors(&errors, common.lang);
            2
        }
    }
}
