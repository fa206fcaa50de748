//! The command line (spec/report.md): parses arguments, runs the library, prints, and returns
//! the exit code. Nothing goes to stdout but reports; errors about the run go to stderr.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::check::{CheckOptions, Checker};
use crate::diag::{Diagnostic, Lang};
use crate::input::Format;
use crate::report::{OutputFormat, View};

/// Prints a line to stdout. A failed write is remembered ([`note_write`]) and decides the exit
/// code at the end of the run ([`finish`]); it never panics (`wagecheck … | head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        $crate::cli::note_write(writeln!(std::io::stdout(), $($t)*));
    }};
}

/// The first error writing the report to stdout in this run.
static STDOUT_ERROR: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);

/// Remembers the first failed write to stdout.
pub(crate) fn note_write(result: std::io::Result<()>) {
    if let Err(e) = result {
        // A poisoned lock still holds the slot: a panic elsewhere does not hide the error.
        let mut slot = STDOUT_ERROR.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
    }
}

/// True when the run was started with stdout closed (`>&-`). Rust's runtime then opens
/// `/dev/null` read-write on it before `main`, so every report would vanish with success; a
/// shell's `> /dev/null` opens it write-only. (Linux; elsewhere never true.)
#[cfg(target_os = "linux")]
fn stdout_was_closed() -> bool {
    // The access mode first (one system call, where reading `/proc/self/fdinfo/1` took six):
    // `> /dev/null` and pipes are write-only.
    // SAFETY: F_GETFL on a descriptor number only reads its flags (-1 if it is not open).
    let flags = unsafe { libc::fcntl(1, libc::F_GETFL) };
    flags != -1
        && flags & libc::O_ACCMODE == libc::O_RDWR
        && std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|p| p == std::path::Path::new("/dev/null"))
}

#[cfg(not(target_os = "linux"))]
fn stdout_was_closed() -> bool {
    false
}

/// The run's exit code once stdout is flushed: a report that could not be written (a full
/// disk, a closed stdout) is an error of the run, exit 2 with a message; a closed pipe
/// (`| head`) ends the run quietly with the code it had, as ripgrep does.
fn finish(code: i32) -> i32 {
    use std::io::Write as _;
    note_write(std::io::stdout().flush());
    let error = STDOUT_ERROR
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    match error {
        None => code,
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Some(e) => {
            eprintln!("wagecheck: 无法写出结果 / cannot write the output: {e}");
            2
        }
    }
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

/// The output formats each command supports: `--format` offers these and refuses any other
/// with a usage error (exit 2) naming them.
pub const CHECK_FORMATS: &[OutputFormat] = &OutputFormat::ALL;
pub const BATCH_FORMATS: &[OutputFormat] = &OutputFormat::ALL;
pub const EXPLAIN_FORMATS: &[OutputFormat] =
    &[OutputFormat::Table, OutputFormat::Json, OutputFormat::Html];
pub const COMPARE_FORMATS: &[OutputFormat] =
    &[OutputFormat::Table, OutputFormat::Json, OutputFormat::Jsonl];

/// `--format` limited to `supported`.
fn formats(
    supported: &'static [OutputFormat],
) -> impl clap::builder::TypedValueParser<Value = OutputFormat> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(supported.iter().map(|f| f.name()))
        // Only the names of `supported` get through the parser.
        .map(|name| OutputFormat::from_name(&name).unwrap_or(OutputFormat::Table))
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
    /// Colours in the terminal: `auto` when standard output is a terminal and NO_COLOR is not
    /// set.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Format of standard input (`-`); files are read by their extension.
    #[arg(long, default_value = "toml", value_parser = ["toml", "json", "csv", "xlsx"])]
    pub input_format: String,
    /// Write the report to this file instead of standard output (needed for `--format xlsx`
    /// on a terminal).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

/// The order of a batch's listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    /// Largest excess over the cap first; filings without a cap last.
    Excess,
    /// By enterprise name (then source).
    Name,
    /// Worst verdict first (invalid, fail, review, out of scope, pass), then by excess.
    Verdict,
}

/// When to colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How `batch` and `compare` walk directories (`crate::input::walk`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct WalkArgs {
    /// Also read hidden files and the files `.gitignore`/`.ignore` exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links in directories (loops are detected and reported).
    #[arg(long)]
    pub follow: bool,
}

impl WalkArgs {
    /// The walk, never reading the file standard output is redirected to.
    pub fn walk(&self) -> crate::input::walk::Walk {
        crate::input::walk::Walk {
            include_ignored: self.no_ignore,
            follow_links: self.follow,
            exclude: crate::input::walk::stdout_file_id().into_iter().collect(),
        }
    }
}

/// Prints what a directory walk skipped, one line each, on stderr (file names made visible).
pub(crate) fn print_skipped(skipped: &[crate::input::walk::Skipped], lang: Lang) {
    for s in skipped {
        let path = s.path.display().to_string();
        let path = crate::report::escape::visible(&path);
        if lang.is_zh() {
            eprintln!("已跳过：{path}：{}", s.reason.get(lang));
        } else {
            eprintln!("skipped: {path}: {}", s.reason.get(lang));
        }
    }
}

impl Common {
    /// How the output is seen: the terminal's width (`COLUMNS` when set, else the terminal's,
    /// else 120 columns for a file or a pipe), colour as `--color` and `NO_COLOR` say, and
    /// `WAGECHECK_JUNIT_TIME` (seconds) fixing JUnit's times for reproducible files.
    pub fn view(&self, deny_review: bool) -> View {
        use std::io::IsTerminal as _;
        let tty = std::io::stdout().is_terminal();
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|w| *w >= 40)
            .or_else(|| {
                terminal_size::terminal_size_of(std::io::stdout())
                    .map(|(terminal_size::Width(w), _)| w)
                    .filter(|_| tty)
            })
            .unwrap_or(View::PLAIN.width);
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        View {
            width,
            color: match self.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => tty && !no_color,
            },
            deny_review,
            fixed_time: std::env::var("WAGECHECK_JUNIT_TIME")
                .ok()
                .and_then(|t| t.trim().parse::<f64>().ok())
                .filter(|t| t.is_finite() && *t >= 0.0)
                .map(std::time::Duration::from_secs_f64),
            list_pass: false,
        }
    }

    /// The options of a check: today's date (see [`evaluation_date`]), messages only in the
    /// language printed.
    pub fn options(&self, trace: bool) -> CheckOptions {
        CheckOptions {
            evaluated_on: evaluation_date(),
            trace,
            lang: Some(self.lang),
            messages: crate::engine::Messages::All,
        }
    }

    /// The format of standard input (`-`), which has no extension to tell it.
    pub fn stdin_format(&self) -> Format {
        // clap only lets the names of `Format`s through; TOML is the default anyway.
        Format::from_name(&self.input_format).unwrap_or(Format::Toml)
    }
}

// `check`'s arguments (the variant's doc comment above is its help), a struct of their own so
// that `parse_check` can parse them without building every other command.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[arg(required = true)]
    pub filings: Vec<PathBuf>,
    #[command(flatten)]
    pub common: Common,
    #[arg(long, default_value = "table", value_parser = formats(CHECK_FORMATS))]
    pub format: OutputFormat,
    /// Treat `review` as a failure for the exit code (1).
    #[arg(long, value_parser = ["review"])]
    pub deny: Option<String>,
    /// Include each rule's formulas and values in the JSON report.
    #[arg(long)]
    pub trace: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate filings (TOML, JSON) and print one report each. `-` reads standard input.
    Check(CheckArgs),
    /// Evaluate directories, CSV files (one filing a row) and files: a summary, then every
    /// filing that is not `pass` with its main reason. `-` reads standard input.
    Batch {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = "table", value_parser = formats(BATCH_FORMATS))]
        format: OutputFormat,
        /// Treat `review` as a failure for the exit code (1).
        #[arg(long, value_parser = ["review"])]
        deny: Option<String>,
        /// Include each rule's formulas and values in JSON output.
        #[arg(long)]
        trace: bool,
        /// Worker threads for evaluation (default: all cores). Output stays in input order.
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        /// List only filings with these verdicts (the summary still counts every filing).
        #[arg(long, value_delimiter = ',', value_parser = ["pass", "out_of_scope", "review", "fail", "invalid"])]
        only: Vec<String>,
        /// Order of the listing: largest excess first, by enterprise name, or worst verdict
        /// first. Default: input order.
        #[arg(long, value_enum)]
        sort: Option<SortKey>,
        /// No progress bar on standard error.
        #[arg(long, short = 'q')]
        quiet: bool,
        #[command(flatten)]
        walk: WalkArgs,
    },
    /// The full trace of one filing: every quantity and rule, formula, values substituted, clause.
    Explain {
        /// A filing file, or `-` for standard input.
        filing: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Only this rule.
        #[arg(long)]
        rule: Option<String>,
        #[arg(long, default_value = "table", value_parser = formats(EXPLAIN_FORMATS))]
        format: OutputFormat,
    },
    /// Evaluate filings under two packs and list those whose verdict, cap or required
    /// regime changes.
    Compare {
        /// The two packs (ids or paths): `--rules A --rules B`.
        #[arg(long, required = true, num_args = 1)]
        rules: Vec<String>,
        /// Filings, directories or CSV files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, default_value = "table", value_parser = formats(COMPARE_FORMATS))]
        format: OutputFormat,
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
        #[command(flatten)]
        walk: WalkArgs,
    },
    /// Print a commented filing template (example values that pass `check`) to fill in.
    Init {
        /// Enterprise category.
        #[arg(long, default_value = "competitive", value_parser = crate::filing::schema::CATEGORIES.to_vec())]
        category: String,
        #[arg(long, default_value = "budget", value_parser = ["budget", "annual_return"])]
        kind: String,
        /// Language of the comments.
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
        /// `toml` (a commented text template) or `xlsx` (an Excel form to fill in).
        #[arg(long, default_value = "toml", value_parser = ["toml", "xlsx"])]
        format: String,
        /// Write to this file instead of standard output (required for `xlsx` on a terminal).
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Print the filing schema as a JSON Schema (2020-12): every field's type, unit, allowed
    /// values, default, and title in Chinese and English.
    Schema {
        /// Language of the titles and descriptions (both are always in `x-title`).
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell) to standard output.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output: `wagecheck man | man -l -`.
    Man,
    /// Serve the self-check page (`/`) and the HTTP API (`/api/v1`) until SIGINT or SIGTERM.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Browse, check and test the rule packs.
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
    /// Show a pack: parameters with their sources and layers, tables, quantities with their
    /// formulas, rules with their clauses and layers, the regime steps and the catalog.
    Show {
        /// A built-in id or a path to a pack file.
        pack: String,
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
    },
    /// Load and check a pack (an id or a path), printing every problem with its position.
    /// Errors exit 2; warnings are printed and exit 0.
    Lint {
        pack: String,
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
    },
    /// Start a pack for a new jurisdiction: a child of PACK listing every parameter and rule it
    /// may override, and a first test file importing the parent's tests. With --dir, writes
    /// `DIR/<id>.toml` and `DIR/tests/<id>/inherited.toml`; else prints the pack.
    InitPack {
        /// The parent: a built-in id (national-2018) or a path to a pack file.
        #[arg(long)]
        extends: String,
        /// The new pack's id, `<jurisdiction>-<year>`.
        #[arg(long)]
        id: String,
        /// Default: the id up to its last `-`.
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Folder to write the pack and its first test file into.
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
    },
    /// Run the pack tests (`<pack dir>/tests/<pack id>/*.toml`) and report coverage: for every
    /// rule, which of the statuses it can reach some test reaches. Without PACK: every shipped
    /// pack (built in, with their tests built into the binary, and `./rules/examples/`).
    Test {
        /// A built-in id or a path to a pack file.
        pack: Option<String>,
        /// Fail (exit 1) when a pack's (rule, status) coverage is below this percentage.
        #[arg(long)]
        min_coverage: Option<rust_decimal::Decimal>,
        #[arg(long, value_enum, default_value = "zh")]
        lang: Lang,
    },
}

/// Checks one filing file: read, pick the pack, validate, evaluate.
mod batch;
mod check;
mod compare;
mod init;
mod progress;
mod rules;
mod rules_show;
mod rules_test;
#[cfg(feature = "serve")]
mod serve;

/// Why a binary format is not written to a terminal, and what to do instead.
fn binary_on_terminal(lang: Lang) -> &'static str {
    if lang.is_zh() {
        "XLSX 是二进制格式，不输出到终端：请用 -o 文件名.xlsx 指定输出文件（或重定向到文件）"
    } else {
        "XLSX is a binary format and is not written to a terminal: give -o FILE.xlsx (or redirect to a file)"
    }
}

/// A binary format with no `-o` on a terminal: refused before any work, with the reason.
pub(crate) fn refuse_binary_on_terminal(binary: bool, common: &Common) -> bool {
    use std::io::IsTerminal;
    if binary && common.output.is_none() && std::io::stdout().is_terminal() {
        eprintln!("{}", binary_on_terminal(common.lang));
        return true;
    }
    false
}

/// Writes a binary document (a workbook) to `output`, or to standard output unless that is a
/// terminal, which a binary format refuses. The exit code: 0, or 2 when it cannot be written.
pub(crate) fn write_binary(bytes: &[u8], output: Option<&std::path::Path>, lang: Lang) -> i32 {
    use std::io::{IsTerminal, Write};
    let zh = lang.is_zh();
    let result = match output {
        Some(path) => std::fs::write(path, bytes).map_err(|e| {
            if zh {
                format!("无法写入 {}：{e}", path.display())
            } else {
                format!("cannot write {}: {e}", path.display())
            }
        }),
        None if std::io::stdout().is_terminal() => Err(binary_on_terminal(lang).to_string()),
        None => {
            // A failed write to stdout is remembered and decides the exit code in `finish`
            // (a closed pipe ends quietly, any other error exits 2 with a message).
            let mut out = std::io::stdout().lock();
            note_write(out.write_all(bytes).and_then(|_| out.flush()));
            Ok(())
        }
    };
    match result {
        Ok(()) => 0,
        Err(msg) => {
            eprintln!("{msg}");
            2
        }
    }
}

/// Prints diagnostics on stderr, one a line; what they quote from an input (a file name, a
/// value) is made visible (`report::escape::visible`), never sent to the terminal raw.
pub(crate) fn print_pack_errors(errors: &[Diagnostic], lang: Lang) {
    for e in errors {
        eprintln!("{}", crate::report::escape::visible(&e.render(lang)));
    }
}

/// A pack that failed to load: its errors on stderr, and for `--format json`/`jsonl` also a
/// JSON error document on stdout, so a program reading the output still reads JSON.
pub(crate) fn pack_failure(errors: &[Diagnostic], lang: Lang, format: OutputFormat) {
    print_pack_errors(errors, lang);
    if matches!(format, OutputFormat::Json | OutputFormat::Jsonl) {
        let doc = crate::report::json::pack_error(errors, lang);
        let text = if format == OutputFormat::Json {
            serde_json::to_string_pretty(&doc)
        } else {
            serde_json::to_string(&doc)
        };
        outln!("{}", text.unwrap_or_default());
    }
}

/// The evaluation date of this run's receipts: `WAGECHECK_TODAY` (`YYYY-MM-DD`) when set, for
/// reproducible output, else today (local time). Read once per run, so a batch's receipts
/// agree and the clock is not read per filing.
pub fn evaluation_date() -> chrono::NaiveDate {
    static TODAY: std::sync::OnceLock<chrono::NaiveDate> = std::sync::OnceLock::new();
    *TODAY.get_or_init(|| {
        std::env::var("WAGECHECK_TODAY")
            .ok()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    })
}

/// Warnings about the run (a pack used outside its dates), printed to stderr in the chosen
/// language, each once however many filings raise it.
#[derive(Default)]
pub(crate) struct Notices {
    seen: std::collections::HashSet<String>,
}

impl Notices {
    pub(crate) fn print(&mut self, notices: &[Diagnostic], lang: Lang) {
        for n in notices {
            if self.seen.insert(n.message.en.clone()) {
                let prefix = if lang.is_zh() {
                    "注意："
                } else {
                    "warning: "
                };
                eprintln!(
                    "{prefix}{}",
                    crate::report::escape::visible(&n.render(lang))
                );
            }
        }
    }
}

/// Runs the command line; returns the exit code.
/// `wagecheck check …` parsed by a command that knows `check` alone: building every
/// command's arguments was a tenth of a cold `check`'s own work. `None` for any other command
/// and for anything this parse does not accept (help, a usage error, `--version`): the full
/// parser then handles the arguments, with its messages, as for every other command.
fn parse_check() -> Option<Cli> {
    use clap::{Args as _, FromArgMatches as _};
    if std::env::args_os().nth(1)? != "check" {
        return None;
    }
    let command = clap::Command::new("wagecheck")
        .subcommand(CheckArgs::augment_args(clap::Command::new("check")));
    let matches = command.try_get_matches_from(std::env::args_os()).ok()?;
    let (_, check) = matches.subcommand()?;
    let args = CheckArgs::from_arg_matches(check).ok()?;
    Some(Cli {
        command: Command::Check(args),
    })
}

pub fn main() -> i32 {
    if let Some(cli) = parse_check() {
        return run(cli);
    }
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
    if stdout_was_closed() {
        eprintln!("wagecheck: 无法写出结果 / cannot write the output: standard output is closed");
        return 2;
    }
    let code = dispatch(cli);
    finish(code)
}

fn dispatch(cli: Cli) -> i32 {
    // The checker and the packs it compiled live until the process exits: freeing them just
    // before the exit would be work for nothing.
    let checker = std::mem::ManuallyDrop::new(Checker::builtin());
    match cli.command {
        Command::Check(CheckArgs {
            filings,
            common,
            format,
            deny,
            trace,
        }) => check::run_check(&filings, &common, format, deny.is_some(), trace, &checker),
        Command::Batch {
            paths,
            common,
            format,
            deny,
            trace,
            jobs,
            only,
            sort,
            quiet,
            walk,
        } => batch::batch(
            &paths,
            &common,
            &walk.walk(),
            format,
            batch::Listing {
                deny_review: deny.is_some(),
                trace,
                jobs,
                only: only
                    .iter()
                    .filter_map(|v| crate::engine::Verdict::parse(v))
                    .collect(),
                sort,
                quiet,
            },
            &checker,
        ),
        Command::Explain {
            filing,
            common,
            rule,
            format,
        } => check::run_explain(&filing, &common, rule.as_deref(), format, &checker),
        Command::Compare {
            rules,
            paths,
            format,
            lang,
            walk,
        } => compare::run(&rules, &paths, &walk.walk(), format, lang, &checker),
        Command::Init {
            category,
            kind,
            lang,
            format,
            output,
        } => init::run(
            &category,
            &kind,
            lang,
            &format,
            output.as_deref(),
            checker.registry(),
        ),
        Command::Schema { lang } => {
            let schema = crate::filing::json_schema::filing_schema(lang);
            outln!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            0
        }
        Command::Rules { action } => rules::run(action, checker.registry()),
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            let mut cmd = Cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "wagecheck", &mut out);
            note_write(std::io::Write::write_all(
                &mut std::io::stdout().lock(),
                &out,
            ));
            0
        }
        Command::Man => {
            use clap::CommandFactory as _;
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => {
                    note_write(std::io::Write::write_all(
                        &mut std::io::stdout().lock(),
                        &out,
                    ));
                    0
                }
                Err(e) => {
                    eprintln!("{e}");
                    2
                }
            }
        }
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args),
    }
}
