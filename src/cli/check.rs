//! `check` and `explain`: one report per filing file.

use std::path::{Path, PathBuf};

use super::{Common, Notices};
use crate::check::{CheckOptions, Checked, Checker, PackChoice};
use crate::diag::Diagnostic;
use crate::filing;
use crate::input::{self, Format};
use crate::report::{self, OutputFormat, Report};

/// The pack `--rules` names, resolved once before any filing is read; without `--rules`, the
/// pack in force for each filing.
pub fn pack_choice(checker: &Checker, rules: Option<&str>) -> Result<PackChoice, Vec<Diagnostic>> {
    match rules {
        Some(spec) => checker.pack(spec),
        None => Ok(PackChoice::InForce),
    }
}

/// Checks one filing file; `-` reads standard input in `stdin_format`.
fn check_file(
    checker: &Checker,
    path: &Path,
    stdin_format: Format,
    pack: &PackChoice,
    opts: &CheckOptions,
) -> Checked {
    if path.as_os_str() != input::STDIN {
        return checker.check_path(path, pack, opts);
    }
    let name = filing::read::STDIN_NAME;
    match input::read_limited(name, std::io::stdin().lock()) {
        Ok(bytes) => checker.check_bytes(name, bytes, stdin_format, pack, opts),
        Err(e) => Checked {
            report: Report::invalid(name, vec![e]),
            notices: Vec::new(),
        },
    }
}

/// `check`: one report per filing; the exit code is the highest of them.
pub fn run_check(
    filings: &[PathBuf],
    common: &Common,
    format: OutputFormat,
    deny_review: bool,
    trace: bool,
    checker: &Checker,
) -> i32 {
    if super::refuse_binary_on_terminal(format.printer().is_binary(), common) {
        return 2;
    }
    let pack = match pack_choice(checker, common.rules.as_deref()) {
        Ok(p) => p,
        Err(errors) => {
            super::pack_failure(&errors, common.lang, format);
            return 2;
        }
    };
    let printer = format.printer_for(common.view(deny_review));
    // The trace is recorded only when it is printed (`--trace`; `explain` always).
    let opts = common.options(trace || printer.needs_trace());
    let mut notices = Notices::default();
    let mut reports = Vec::new();
    for f in filings {
        let start = std::time::Instant::now();
        let mut c = check_file(checker, f, common.stdin_format(), &pack, &opts);
        c.report.elapsed = Some(start.elapsed());
        notices.print(&c.notices, common.lang);
        reports.push(c.report);
    }
    if printer.is_binary() {
        let code = match printer.binary(&reports, common.lang) {
            Ok(bytes) => super::write_binary(&bytes, common.output.as_deref(), common.lang),
            Err(e) => {
                eprintln!("{e}");
                2
            }
        };
        if code != 0 {
            return code;
        }
    } else {
        let doc = printer.document(&reports, common.lang, trace);
        match &common.output {
            Some(_) => {
                let code =
                    super::write_binary(doc.as_bytes(), common.output.as_deref(), common.lang);
                if code != 0 {
                    return code;
                }
            }
            None => {
                super::note_write(std::io::Write::write_all(
                    &mut std::io::stdout(),
                    doc.as_bytes(),
                ));
            }
        }
    }
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
    checker: &Checker,
) -> i32 {
    let pack = pack_choice(checker, common.rules.as_deref());
    let opts = common.options(true);
    let checked = pack.map(|pack| check_file(checker, filing, common.stdin_format(), &pack, &opts));
    match checked {
        Ok(Checked { report: r, notices }) => {
            Notices::default().print(&notices, common.lang);
            if format == OutputFormat::Json {
                outln!(
                    "{}",
                    report::escape::json(
                        &serde_json::to_string_pretty(&report::json::report(&r, common.lang, true))
                            .unwrap_or_default()
                    )
                );
            } else {
                if let (Some(id), Some(ev)) = (rule, &r.eval)
                    && !ev.rules.iter().any(|x| &*x.id == id)
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
                if format == OutputFormat::Html {
                    let mode = report::html::Mode::Explain(rule);
                    let doc = report::html::document(std::slice::from_ref(&r), common.lang, mode);
                    super::note_write(std::io::Write::write_all(
                        &mut std::io::stdout().lock(),
                        doc.as_bytes(),
                    ));
                } else {
                    let view = common.view(false);
                    outln!("{}", report::table::explain(&r, common.lang, rule, view));
                }
            }
            r.verdict.exit_code(false)
        }
        Err(errors) => {
            super::pack_failure(&errors, common.lang, format);
            2
        }
    }
}
