//! The command line (spec/report.md): parses arguments, runs the library, prints, and returns
//! the exit code. Nothing goes to stdout but reports; errors about the run go to stderr.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::diag::{Diagnostic, Lang, Text};
use crate::engine::{self, Options, Verdict};
use crate::filing;
use crate::pack::Registry;
use crate::report::{self, OutputFormat, Report};

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
            println!("{}", out.unwrap_or_default());
        }
        OutputFormat::Jsonl => {
            for r in reports {
                println!("{}", report::json::report(r, lang, trace));
            }
        }
        OutputFormat::Markdown => {
            for r in reports {
                println!("{}", report::markdown::report(r, lang));
            }
        }
        OutputFormat::Table | OutputFormat::Junit => {
            for r in reports {
                println!("{}", report::table::report(r, lang));
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
                        println!(
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
                        println!(
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
                println!("{t}");
                0
            }
            RulesAction::Lint { pack, lang } => match registry.load(&pack) {
                Ok(p) => {
                    println!(
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

/// Keeps the verdict type reachable from the CLI for callers embedding it.
pub fn worst(reports: &[Report]) -> Verdict {
    reports
        .iter()
        .map(|r| r.verdict)
        .max()
        .unwrap_or(Verdict::Pass)
}
