//! The command line (spec/report.md): parses arguments, runs the library, prints, and returns
//! the exit code. Nothing goes to stdout but reports; errors about the run go to stderr.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::diag::{Diagnostic, Lang, Text};
use crate::engine::{self, Options, Verdict};
use crate::filing;
use crate::pack::Registry;
use crate::report::{self, OutputFormat, Report};

/// Prints a line to stdout, ignoring a closed pipe (`wagecheck … | head` must not panic).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

#[derive(Parser, Debug)]
#[command(
    name = "wagecheck",
    version,
    about = "Check SOE wage-total budget filings against the wage determination rules (国有企业工资决定机制)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// Rule pack: a built-in id (benxi-2019, national-2018) or a path to a pack file.
    /// Default: the pack in force for the filing's jurisdiction and budget year.
    #[arg(long)]
    pub rules: Option<String>,
    /// Language of every message.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate filings (TOML, JSON) and print one report each.
    Check {
        #[arg(required = true)]
        filings: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        /// Treat `review` as a failure for the exit code (1).
        #[arg(long, value_parser = ["review"])]
        deny: Option<String>,
        /// Include each rule's formulas and values in the JSON report.
        #[arg(long)]
        trace: bool,
    },
    /// Evaluate directories, CSV files (one filing a row) and files: a summary, then every
    /// filing that is not `pass` with its main reason.
    Batch {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        /// Treat `review` as a failure for the exit code (1).
        #[arg(long, value_parser = ["review"])]
        deny: Option<String>,
        /// Include each rule's formulas and values in JSON output.
        #[arg(long)]
        trace: bool,
    },
    /// The full trace of one filing: every quantity and rule, formula, values substituted, clause.
    Explain {
        filing: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Only this rule.
        #[arg(long)]
        rule: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Browse the rule packs.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum RulesAction {
    /// List the built-in packs.
    List {
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
    },
    /// Load and check a pack (an id or a path), printing every problem with its position.
    Lint {
        pack: String,
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
    },
}

/// Checks one filing file: read, pick the pack, validate, evaluate.
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

fn print_pack_errors(errors: &[Diagnostic], lang: Lang) {
    for e in errors {
        eprintln!("{}", e.render(lang));
    }
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

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    run(cli)
}

pub fn run(cli: Cli) -> i32 {
    let mut registry = Registry::new();
    match cli.command {
        Command::Check {
            filings,
            common,
            format,
            deny,
            trace,
        } => {
            let opts = Options {
                trace: trace || format != OutputFormat::Table,
            };
            let mut reports = Vec::new();
            for f in &filings {
                match check_file(f, &mut registry, common.rules.as_deref(), opts) {
                    Ok(r) => reports.push(r),
                    Err(errors) => {
                        print_pack_errors(&errors, common.lang);
                        return 2;
                    }
                }
            }
            print_reports(&reports, format, common.lang, trace);
            let deny_review = deny.is_some();
            reports
                .iter()
                .map(|r| r.verdict.exit_code(deny_review))
                .max()
                .unwrap_or(0)
        }
        Command::Batch {
            paths,
            common,
            format,
            deny,
            trace,
        } => batch(
            &paths,
            &common,
            format,
            deny.is_some(),
            trace,
            &mut registry,
        ),
        Command::Explain {
            filing,
            common,
            rule,
            format,
        } => {
            let opts = Options { trace: true };
            match check_file(&filing, &mut registry, common.rules.as_deref(), opts) {
                Ok(r) => {
                    if format == OutputFormat::Json {
                        outln!(
                            "{}",
                            serde_json::to_string_pretty(&report::json::report(
                                &r,
                                common.lang,
                                true
                            ))
                            .unwrap_or_default()
                        );
                    } else {
                        if let (Some(id), Some(ev)) = (&rule, &r.eval)
                            && !ev.rules.iter().any(|x| &x.id == id)
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
                        outln!(
                            "{}",
                            report::table::explain(&r, common.lang, rule.as_deref())
                        );
                    }
                    r.verdict.exit_code(false)
                }
                Err(errors) => {
                    print_pack_errors(&errors, common.lang);
                    2
                }
            }
        }
        Command::Rules { action } => match action {
            RulesAction::List { lang } => {
                let mut t = comfy_table::Table::new();
                t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
                t.set_header(if lang.is_zh() {
                    vec!["id", "标题", "文件", "管辖", "生效", "失效", "上级"]
                } else {
                    vec![
                        "id",
                        "title",
                        "document",
                        "jurisdiction",
                        "from",
                        "until",
                        "parent",
                    ]
                });
                for i in Registry::builtin_infos() {
                    t.add_row(vec![
                        i.id,
                        i.title.get(lang).to_string(),
                        i.document,
                        i.jurisdiction,
                        i.effective_from.map(|d| d.to_string()).unwrap_or_default(),
                        i.effective_until.map(|d| d.to_string()).unwrap_or_default(),
                        i.extends.unwrap_or_default(),
                    ]);
                }
                outln!("{t}");
                0
            }
            RulesAction::Lint { pack, lang } => match registry.load(&pack) {
                Ok(p) => {
                    outln!(
                        "{}",
                        if lang.is_zh() {
                            format!("{}：没有发现问题（{} 条规则）", p.id, p.rules.len())
                        } else {
                            format!("{}: no problems found ({} rules)", p.id, p.rules.len())
                        }
                    );
                    0
                }
                Err(errors) => {
                    print_pack_errors(&errors, lang);
                    2
                }
            },
        },
    }
}

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
