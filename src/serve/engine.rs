//! The server's one door into the library: every check, pack lookup and output the server
//! makes goes through here, so the HTTP layer never copies what the command line does.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::check::{CheckOptions, Checker, PackChoice};
use crate::diag::{Diagnostic, Lang, Pos, Text};
use crate::engine::Verdict;
use crate::filing::{self, Filing};
use crate::pack::{Pack, Registry};
use crate::report::{OutputFormat, Report};

/// The document formats a request body may be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Toml,
    Json,
    Xlsx,
}

impl InputFormat {
    /// The format a file name's extension names.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.')?.1;
        Some(match ext {
            "toml" => InputFormat::Toml,
            "json" => InputFormat::Json,
            "xlsx" => InputFormat::Xlsx,
            _ => return None,
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            InputFormat::Toml => "toml",
            InputFormat::Json => "json",
            InputFormat::Xlsx => "xlsx",
        }
    }

    /// The library's input format, for the text formats.
    fn text_format(self) -> Option<crate::input::Format> {
        match self {
            InputFormat::Toml => Some(crate::input::Format::Toml),
            InputFormat::Json => Some(crate::input::Format::Json),
            InputFormat::Xlsx => None,
        }
    }
}

/// Why a body could not be checked at all (a filing that reads but is wrong is a `Report`
/// with verdict `invalid`).
#[derive(Debug)]
pub enum CheckError {
    /// The body is not a document of its format (not UTF-8, a TOML or JSON syntax error).
    Unparseable(Vec<Diagnostic>),
    /// `?rules=` names no pack loaded at start.
    UnknownPack(String),
}

/// A loaded pack as the API lists it.
#[derive(Clone, Debug)]
pub struct PackEntry {
    /// What `?rules=` accepts: the pack's id.
    pub id: String,
    pub pack: Arc<Pack>,
    /// Built in, or loaded from a file named at start.
    pub builtin: bool,
}

/// The checker the server shares between requests: packs loaded once at start.
pub struct Engine {
    checker: Checker,
    packs: Vec<PackEntry>,
    /// The evaluation date of every receipt, when fixed (tests); else the day of the request.
    today: Option<NaiveDate>,
}

/// A checked filing: the report, and warnings about the check (a pack used outside its dates).
pub struct Outcome {
    pub report: Report,
    pub notices: Vec<Diagnostic>,
}

impl Engine {
    /// Loads every built-in pack and every pack named by `rules` (ids or paths).
    pub fn new(rules: &[String], today: Option<NaiveDate>) -> Result<Engine, Vec<Diagnostic>> {
        let checker = Checker::builtin();
        let mut packs: Vec<PackEntry> = Vec::new();
        for info in Registry::builtin_infos() {
            let pack = checker.registry().load(&info.id)?;
            packs.push(PackEntry {
                id: pack.id.clone(),
                pack,
                builtin: true,
            });
        }
        for spec in rules {
            let pack = checker.registry().load(spec)?;
            if packs.iter().any(|p| p.id == pack.id) {
                continue;
            }
            packs.push(PackEntry {
                id: pack.id.clone(),
                pack,
                builtin: false,
            });
        }
        Ok(Engine {
            checker,
            packs,
            today,
        })
    }

    pub fn packs(&self) -> &[PackEntry] {
        &self.packs
    }

    pub fn pack(&self, id: &str) -> Option<&PackEntry> {
        self.packs.iter().find(|p| p.id == id)
    }

    /// The pack choice for `?rules=`: a loaded pack by id, or the one in force.
    fn choice(&self, rules: Option<&str>) -> Result<PackChoice, CheckError> {
        match rules {
            None => Ok(PackChoice::InForce),
            Some(id) => match self.pack(id) {
                Some(p) => Ok(PackChoice::Given(p.pack.clone())),
                None => Err(CheckError::UnknownPack(id.to_string())),
            },
        }
    }

    fn options(&self, lang: Lang, trace: bool) -> CheckOptions {
        CheckOptions {
            evaluated_on: self
                .today
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            trace,
            lang: Some(lang),
            messages: crate::engine::Messages::All,
        }
    }

    /// Reads a body into a filing: `Err(Unparseable)` for a document that does not parse,
    /// `Ok(Err(report))` for one that parses but is not a valid filing.
    pub fn read(
        &self,
        bytes: &[u8],
        format: InputFormat,
        source: &str,
    ) -> Result<Result<Filing, Report>, CheckError> {
        let Some(text_format) = format.text_format() else {
            return xlsx_to_filing(bytes, source);
        };
        let text = crate::input::decode_utf8(source, bytes.to_vec())
            .map_err(|d| CheckError::Unparseable(vec![d]))?;
        if text.trim().is_empty() {
            return Err(CheckError::Unparseable(vec![Diagnostic::new(
                source,
                Some(Pos { line: 1, column: 1 }),
                None,
                // The words the command line uses for an empty file, so both list the same error.
                Text::new("文件为空", "the file is empty"),
            )]));
        }
        let node = crate::input::parse(source, &text, text_format)
            .map_err(|d| CheckError::Unparseable(vec![d]))?;
        Ok(filing::decode(source, &node).map_err(|e| Report::invalid(source, e)))
    }

    /// Checks a body: the report exactly as `check` builds it.
    pub fn check(
        &self,
        bytes: &[u8],
        format: InputFormat,
        source: &str,
        rules: Option<&str>,
        lang: Lang,
        trace: bool,
    ) -> Result<Outcome, CheckError> {
        let choice = self.choice(rules)?;
        match self.read(bytes, format, source)? {
            Ok(f) => Ok(self.check_with(&f, &choice, lang, trace)),
            Err(report) => Ok(Outcome {
                report,
                notices: Vec::new(),
            }),
        }
    }

    /// Checks a decoded filing under the pack named (by id, among those loaded) or the one in
    /// force for it.
    pub fn check_filing(
        &self,
        filing: &Filing,
        rules: Option<&str>,
        lang: Lang,
        trace: bool,
    ) -> Result<Outcome, CheckError> {
        let choice = self.choice(rules)?;
        Ok(self.check_with(filing, &choice, lang, trace))
    }

    /// The commented filing template `wagecheck init` prints, its example indicators from the
    /// catalog of the pack in force for the example.
    pub fn template(&self, lang: Lang) -> Option<String> {
        let year = crate::template::example_year("budget");
        let pack = self
            .checker
            .registry()
            .select(crate::template::EXAMPLE_JURISDICTION, year)
            .ok()?;
        crate::template::filing("competitive", "budget", lang, &pack)
    }

    /// The pack `init` takes its example indicators from (the one in force for the template's
    /// example), whose catalog names the Excel form offers.
    fn example_pack(&self) -> Option<Arc<Pack>> {
        let year = crate::template::example_year("budget");
        self.checker
            .registry()
            .select(crate::template::EXAMPLE_JURISDICTION, year)
            .ok()
    }

    /// The Excel form `wagecheck init --format xlsx` writes, filled with the template's example.
    pub fn template_xlsx(&self, lang: Lang) -> Option<Vec<u8>> {
        let pack = self.example_pack()?;
        crate::filing::form::workbook("competitive", "budget", lang, &pack)?.ok()
    }

    /// A filing's values as the Excel form (`init --format xlsx`) filled in with them: `text`
    /// is the filing as TOML (the page's form values). `Err` names why it cannot be written.
    pub fn filing_xlsx(&self, text: &str, lang: Lang) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let tree = crate::input::parse_toml("filing.toml", text).map_err(|d| vec![d])?;
        let mut values = Vec::new();
        crate::filing::form::flatten("", &tree, &mut values);
        let pack = self.example_pack();
        crate::filing::form::filled(&values, lang, pack.as_deref()).map_err(|e| {
            vec![Diagnostic::new(
                "filing.xlsx",
                None,
                None,
                Text::owned(e.clone(), e),
            )]
        })
    }

    fn check_with(&self, filing: &Filing, choice: &PackChoice, lang: Lang, trace: bool) -> Outcome {
        let c = self
            .checker
            .check(filing, choice, &self.options(lang, trace));
        Outcome {
            report: c.report,
            notices: c.notices,
        }
    }
}

/// The report as `check --format json` prints it (the same printer), final newline included.
pub fn report_json(report: &Report, lang: Lang, trace: bool) -> String {
    OutputFormat::Json
        .printer()
        .document(std::slice::from_ref(report), lang, trace)
}

/// The verdict's HTTP meaning: only an `invalid` filing is a client error.
pub fn is_invalid(report: &Report) -> bool {
    report.verdict == Verdict::Invalid
}

/// An XLSX filing (the `init --format xlsx` form, or a sheet with one row), read as `check`
/// reads a workbook: a workbook that cannot be opened is unparseable, a filing in it with
/// mistakes is an `invalid` report with each error's sheet and cell.
fn xlsx_to_filing(bytes: &[u8], source: &str) -> Result<Result<Filing, Report>, CheckError> {
    let read =
        filing::read::read_workbook(source, bytes.to_vec()).map_err(CheckError::Unparseable)?;
    Ok(read.map_err(|e| Report::invalid(source, e)))
}

/// The document formats a batch body may be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchFormat {
    Csv,
    Xlsx,
}

impl BatchFormat {
    pub fn extension(self) -> &'static str {
        match self {
            BatchFormat::Csv => "csv",
            BatchFormat::Xlsx => "xlsx",
        }
    }
}

impl Engine {
    /// Checks every filing of a batch body with the library's batch (in parallel, in input
    /// order), handing each report's JSON Lines line to `sink`.
    #[allow(clippy::too_many_arguments)]
    pub fn batch(
        &self,
        bytes: &[u8],
        format: BatchFormat,
        source: &str,
        rules: Option<&str>,
        lang: Lang,
        trace: bool,
        sink: impl FnMut(Vec<u8>),
    ) -> Result<(), CheckError> {
        let pack = self.choice(rules)?;
        let opts = crate::check::batch::BatchOptions {
            pack,
            check: self.options(lang, trace),
            jobs: None,
        };
        let printer = OutputFormat::Jsonl.printer();
        // `Err` only when no worker thread can be started; the answer then ends early.
        let _ = match format {
            BatchFormat::Csv => self.checker.batch(
                |each| crate::filing::read::for_each_csv(source, bytes, each),
                &opts,
                |r| printer.item(r, lang, trace),
                sink,
            ),
            BatchFormat::Xlsx => self.checker.batch(
                |each| crate::filing::read::for_each_xlsx(source, bytes.to_vec(), each),
                &opts,
                |r| printer.item(r, lang, trace),
                sink,
            ),
        };
        Ok(())
    }
}
