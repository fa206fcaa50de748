//! `check` and `explain`: one report per filing file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Common, print_pack_errors};
use crate::diag::{Diagnostic, Lang, Text};
use crate::engine::{self, Options};
use crate::filing;
use crate::pack::{Pack, Registry};
use crate::report::{self, OutputFormat, PackRef, Report};

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
    Ok(match resolve_pack(filing, registry, rules)? {
        Ok(pack) => evaluate_with(filing, &pack, opts),
        Err(report) => report,
    })
}

/// The pack a filing is checked under: named with `--rules`, or the one in force for its
/// jurisdiction and year. The inner `Err` is the filing's own `invalid` report (no jurisdiction,
/// no pack in force); the outer `Err` is a `--rules` pack that failed to load.
pub fn resolve_pack(
    filing: &filing::Filing,
    registry: &mut Registry,
    rules: Option<&str>,
) -> Result<Result<Arc<Pack>, Report>, Vec<Diagnostic>> {
    if let Some(spec) = rules {
        let pack = registry.load(spec)?;
        // As asked, but not silently: the pack's own dates do not cover this budget year.
        if registry.first_out_of_force(&pack, filing.year()) {
            let until = pack
                .effective_until
                .map(|d| d.to_string())
                .unwrap_or_default();
            eprintln!(
                "warning / 注意: {} is not in force on {}-01-01 (in force {}–{}); evaluated with it as asked by --rules / 该规则包在 {} 年 1 月 1 日未生效，按 --rules 的要求仍用其评估",
                pack.id,
                filing.year(),
                pack.effective_from,
                until,
                filing.year()
            );
        }
        return Ok(Ok(pack));
    }
    let Some(j) = filing.get("enterprise.jurisdiction").str() else {
        return Ok(Err(Report::invalid(
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
        )));
    };
    match registry.select(j, filing.year()) {
        Ok(p) => Ok(Ok(p)),
        Err(mut errors) => {
            for e in &mut errors {
                e.file = filing.source.clone();
                // The registry names the field at fault (the jurisdiction or the year).
                let field = e.field.clone().unwrap_or_else(|| "budget.year".into());
                e.field = Some(field.clone());
                if let Some(p) = filing.pos(&field) {
                    e.line = Some(p.line);
                    e.column = Some(p.column);
                }
            }
            Ok(Err(Report::invalid(&filing.source, errors)))
        }
    }
}

/// Validates a filing against its pack and evaluates it: the report, `invalid` or not.
pub fn evaluate_with(filing: &filing::Filing, pack: &Pack, opts: Options) -> Report {
    let problems = engine::validate(filing, pack);
    if !problems.is_empty() {
        return Report::invalid(&filing.source, problems);
    }
    let eval = engine::evaluate(filing, pack, opts);
    Report::new(filing, pack, eval)
}

/// [`evaluate_with`] for a batch: the pack's description is built once and shared, and the
/// messages are written only in the language printed.
pub fn evaluate_shared(
    filing: &filing::Filing,
    pack: &Pack,
    pack_ref: Arc<PackRef>,
    opts: Options,
    lang: Lang,
) -> Report {
    let problems = engine::validate(filing, pack);
    if !problems.is_empty() {
        return Report::invalid(&filing.source, problems);
    }
    let eval = engine::evaluate_in(filing, pack, opts, Some(lang));
    Report::with_pack(filing, pack_ref, eval)
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
    // The trace is recorded only when it is printed (`--trace`; `explain` always).
    let opts = Options { trace };
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
