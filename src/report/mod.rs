//! Reports: what a reviewer reads. [`Report`] gathers one filing's result; each output format
//! lives in its own module and prints the same report.

pub mod escape;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod summary;
pub mod table;
pub mod xlsx;

pub mod words;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Lang, Text};
use crate::engine::{Evaluation, Verdict};
use crate::filing::{Filing, FilingKind};
use crate::pack::{Format, Pack};

/// A parameter a rule reads: (name, value as shown in each language, layer it came from).
pub type ParamUse = (String, Text, String);

/// The pack a report was evaluated under.
#[derive(Clone, Debug)]
pub struct PackRef {
    pub id: String,
    pub title: Text,
    pub document: String,
    pub chain: Vec<(String, String)>,
    /// Each quantity's name and the layer (pack id) that defined it.
    pub quantity_layers: Vec<(String, String)>,
    /// For each rule id, the parameters it reads.
    pub rule_params: Vec<(String, Vec<ParamUse>)>,
    /// The growth the cap limits, as the pack writes it (`[cap] growth`, a quantity's name).
    pub growth: String,
    /// The rules that bound growth (those whose bound a chart can draw).
    pub bounded: Vec<String>,
    /// Quantity name → its first place in `quantity_layers` (lookups per trace line stay
    /// constant-time however many quantities a pack has).
    quantity_index: std::collections::HashMap<String, usize>,
    /// The pack, when the description is shared by many reports ([`PackRef::shared`]): the
    /// compact JSON's constant parts are then written once per language, when first needed.
    source: Option<Arc<Pack>>,
    json: [std::sync::OnceLock<json::Fragments>; 2],
}

impl PackRef {
    pub fn quantity_layer(&self, name: &str) -> Option<&str> {
        let i = *self.quantity_index.get(name)?;
        self.quantity_layers.get(i).map(|(_, l)| l.as_str())
    }
    /// The constant parts of every compact JSON report under this pack in `lang`, written on
    /// first use; `None` unless the description is [`shared`](PackRef::shared).
    pub fn json_fragments(&self, lang: Lang) -> Option<&json::Fragments> {
        let pack = self.source.as_deref()?;
        let i = usize::from(!lang.is_zh());
        Some(self.json[i].get_or_init(|| json::Fragments::new(self, pack, lang)))
    }
    pub fn params_of(&self, rule: &str) -> &[ParamUse] {
        self.rule_params
            .iter()
            .find(|(id, _)| id == rule)
            .map(|(_, p)| p.as_slice())
            .unwrap_or(&[])
    }
}

/// One filing's result, as every output format prints it.
#[derive(Clone, Debug)]
#[warn(missing_docs)]
pub struct Report {
    /// The input's display name.
    pub source: String,
    /// Row number within a CSV source (1-based data row), if any.
    pub row: Option<usize>,
    /// The enterprise's name.
    pub name: String,
    /// The enterprise's unified social credit code, when given.
    pub credit_code: Option<String>,
    /// The enterprise's category (`competitive`, …).
    pub category: String,
    /// Budget or annual return (`None` when invalid).
    pub kind: Option<FilingKind>,
    /// The pack it was evaluated under (`None` when invalid).
    pub pack: Option<Arc<PackRef>>,
    /// The verdict.
    pub verdict: Verdict,
    /// The evaluation (`None` when invalid).
    pub eval: Option<Evaluation>,
    /// Why the filing is invalid, when it is.
    pub errors: Vec<Diagnostic>,
    /// The day the filing was evaluated, named in the receipt (`None` when it was not).
    pub evaluated_on: Option<NaiveDate>,
    /// How long reading and evaluating it took, when measured (JUnit's `time`).
    pub elapsed: Option<std::time::Duration>,
}

impl PackRef {
    /// What a report says about its pack, built once per pack and shared by every report
    /// evaluated under it (see [`Report::with_pack`]).
    pub fn new(pack: &Pack) -> PackRef {
        let mut quantity_index = std::collections::HashMap::new();
        for (i, q) in pack.quantities.iter().enumerate() {
            quantity_index.entry(q.name.clone()).or_insert(i);
        }
        PackRef {
            quantity_index,
            source: None,
            json: Default::default(),
            id: pack.id.clone(),
            title: pack.title.clone(),
            document: pack.document.clone(),
            chain: pack
                .chain
                .iter()
                .map(|l| (l.id.clone(), l.hash.clone()))
                .collect(),
            quantity_layers: pack
                .quantities
                .iter()
                .map(|q| (q.name.clone(), q.layer.clone()))
                .collect(),
            rule_params: pack
                .rules
                .iter()
                .map(|r| {
                    let used = pack.params_used(r).into_iter().map(|p| {
                        let v = if p.value.is_known() {
                            Text::owned(
                                crate::engine::format_value(&p.value, Format::Plain, Lang::Zh),
                                crate::engine::format_value(&p.value, Format::Plain, Lang::En),
                            )
                        } else {
                            Text::new("未设定", "unset")
                        };
                        (p.name.clone(), v, p.layer.clone())
                    });
                    (r.id.clone(), used.collect())
                })
                .collect(),
            growth: pack.cap.growth.source().to_string(),
            bounded: pack
                .rules
                .iter()
                .filter(|r| matches!(r.check, Some(crate::pack::Check::Bound { .. })))
                .map(|r| r.id.clone())
                .collect(),
        }
    }
}

impl PackRef {
    /// [`PackRef::new`] for a description many reports share (a batch): it keeps the pack, to
    /// write their JSON's constant parts once.
    pub fn shared(pack: &Arc<Pack>) -> PackRef {
        PackRef {
            source: Some(pack.clone()),
            ..PackRef::new(pack)
        }
    }
}

#[warn(missing_docs)]
impl Report {
    /// The report of `filing` evaluated under `pack` on `evaluated_on`.
    pub fn new(filing: &Filing, pack: &Pack, eval: Evaluation, evaluated_on: NaiveDate) -> Report {
        Report::with_pack(filing, Arc::new(PackRef::new(pack)), eval, evaluated_on)
    }

    /// A report whose pack description is shared: a batch builds the [`PackRef`] once per pack.
    pub fn with_pack(
        filing: &Filing,
        pack: Arc<PackRef>,
        eval: Evaluation,
        evaluated_on: NaiveDate,
    ) -> Report {
        Report {
            source: filing.source.clone(),
            row: None,
            name: filing.name().to_string(),
            credit_code: filing
                .get("enterprise.credit_code")
                .str()
                .map(str::to_string),
            category: filing
                .get("enterprise.category")
                .str()
                .unwrap_or("")
                .to_string(),
            kind: Some(filing.kind()),
            pack: Some(pack),
            verdict: eval.verdict,
            eval: Some(eval),
            errors: Vec::new(),
            evaluated_on: Some(evaluated_on),
            elapsed: None,
        }
    }

    /// The report of a filing that cannot be evaluated.
    pub fn invalid(source: &str, errors: Vec<Diagnostic>) -> Report {
        Report {
            source: source.to_string(),
            row: None,
            name: String::new(),
            credit_code: None,
            category: String::new(),
            kind: None,
            pack: None,
            verdict: Verdict::Invalid,
            eval: None,
            errors,
            evaluated_on: None,
            elapsed: None,
        }
    }

    /// The one-line reason a reviewer reads first: the binding rule when it fails, else the
    /// first failing rule, else the first to review, else the first error.
    pub fn main_reason(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.main_reason_into(&mut out, lang);
        out
    }

    /// [`Report::main_reason`], appended to `out`.
    pub(crate) fn main_reason_into(&self, out: &mut String, lang: Lang) {
        if let Some(e) = self.errors.first() {
            out.push_str(&e.render(lang));
            return;
        }
        let Some(ev) = &self.eval else {
            return;
        };
        if let Some(r) = ev.main_rule() {
            let message = r.message.get(lang);
            out.reserve(r.id.len() + r.clause.len() + message.len() + 6);
            out.push_str(&r.id);
            out.push_str(" [");
            out.push_str(&r.clause);
            out.push(']');
            out.push_str(if lang.is_zh() { "：" } else { ": " });
            out.push_str(message);
        }
    }
}

pub use summary::Summary;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[warn(missing_docs)]
pub enum OutputFormat {
    /// Tables for people.
    Table,
    /// JSON (`wagecheck/report/v1`).
    Json,
    /// JSON Lines: one compact JSON value a line.
    Jsonl,
    /// Markdown, for review memos.
    Markdown,
    /// JUnit XML, for CI.
    Junit,
    /// An Excel workbook (binary: `-o FILE`).
    Xlsx,

    /// One self-contained HTML page, to open, print or forward.
    Html,
}

#[warn(missing_docs)]
impl OutputFormat {
    /// Every format, in the order they are listed to a user.
    pub const ALL: [OutputFormat; 7] = [
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Jsonl,
        OutputFormat::Markdown,
        OutputFormat::Junit,
        OutputFormat::Xlsx,
        OutputFormat::Html,
    ];

    /// The name a user types (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Junit => "junit",
            OutputFormat::Xlsx => "xlsx",

            OutputFormat::Html => "html",
        }
    }

    /// The format a name stands for.
    pub fn from_name(name: &str) -> Option<OutputFormat> {
        OutputFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// How this format prints reports.
    pub fn printer(self) -> &'static dyn Printer {
        match self {
            OutputFormat::Table => &table::TableFormat { view: View::PLAIN },
            OutputFormat::Json => &json::Json,
            OutputFormat::Jsonl => &json::Jsonl,
            OutputFormat::Markdown => &markdown::Markdown { view: View::PLAIN },
            OutputFormat::Junit => &junit::Junit { view: View::PLAIN },
            OutputFormat::Xlsx => &xlsx::Xlsx,
            OutputFormat::Html => &html::Html,
        }
    }
}

/// How the person reading sees the output: the terminal's width (measured by the command
/// line, an input here), whether to colour, and whether `review` counts as a failure (JUnit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    pub width: u16,
    pub color: bool,
    pub deny_review: bool,
    /// JUnit's `time` of every test case, fixed (tests); measured when `None`.
    pub fixed_time: Option<std::time::Duration>,
    /// Whether a batch's table and Markdown listings include the filings that pass (they
    /// list only those that need attention unless asked, `--only pass`).
    pub list_pass: bool,
}

impl View {
    /// A page 120 columns wide, without colour: what goes into a file or a pipe.
    pub const PLAIN: View = View {
        width: 120,
        color: false,
        deny_review: false,
        fixed_time: None,
        list_pass: false,
    };
}

impl Default for View {
    fn default() -> View {
        View::PLAIN
    }
}

impl OutputFormat {
    /// How this format prints reports for `view`.
    pub fn printer_for(self, view: View) -> Box<dyn Printer> {
        match self {
            OutputFormat::Table => Box::new(table::TableFormat { view }),
            OutputFormat::Markdown => Box::new(markdown::Markdown { view }),
            OutputFormat::Junit => Box::new(junit::Junit { view }),
            other => Box::new(Fixed(other.printer())),
        }
    }
}

/// A format that looks the same whatever the view.
struct Fixed(&'static dyn Printer);

impl Printer for Fixed {
    fn document(&self, reports: &[Report], lang: Lang, trace: bool) -> String {
        self.0.document(reports, lang, trace)
    }
    fn item(&self, r: &Report, lang: Lang, trace: bool) -> Vec<u8> {
        self.0.item(r, lang, trace)
    }
    fn separator(&self) -> &'static [u8] {
        self.0.separator()
    }
    fn begin_reads_summary(&self) -> bool {
        self.0.begin_reads_summary()
    }
    fn begin(&self, summary: &Summary, lang: Lang) -> String {
        self.0.begin(summary, lang)
    }
    fn end(&self, summary: &Summary, lang: Lang) -> String {
        self.0.end(summary, lang)
    }
    fn wants_entries(&self) -> bool {
        self.0.wants_entries()
    }
    fn needs_trace(&self) -> bool {
        self.0.needs_trace()
    }
    fn item_messages(&self) -> crate::engine::Messages {
        self.0.item_messages()
    }
    fn is_binary(&self) -> bool {
        self.0.is_binary()
    }
    fn binary(&self, reports: &[Report], lang: Lang) -> Result<Vec<u8>, String> {
        self.0.binary(reports, lang)
    }
    fn binary_from_items(&self, items: &[u8], lang: Lang) -> Result<Vec<u8>, String> {
        self.0.binary_from_items(items, lang)
    }
}

/// How one output format prints reports; every format module has one, with the same shape.
///
/// - [`document`](Printer::document): the reports of `check`, one document.
/// - A stream (`batch`), written as [`begin`](Printer::begin), each report's
///   [`item`](Printer::item) (items may be rendered in parallel, then written in order, with
///   [`separator`](Printer::separator) between two), and [`end`](Printer::end).
///   When [`begin_reads_summary`](Printer::begin_reads_summary), `begin` is written only once
///   every report is counted, so the caller holds the items until then.
#[warn(missing_docs)]
pub trait Printer: Sync {
    /// Every report as one document.
    fn document(&self, reports: &[Report], lang: Lang, trace: bool) -> String;
    /// One report of a stream.
    fn item(&self, r: &Report, lang: Lang, trace: bool) -> Vec<u8>;
    /// Written between two items.
    fn separator(&self) -> &'static [u8] {
        b""
    }
    /// Whether [`begin`](Printer::begin) reads the summary.
    fn begin_reads_summary(&self) -> bool;
    /// The stream's opening.
    fn begin(&self, summary: &Summary, lang: Lang) -> String;
    /// The stream's closing.
    fn end(&self, summary: &Summary, lang: Lang) -> String;
    /// A binary format (a workbook): written with [`binary`](Printer::binary) or, for a
    /// stream, [`binary_from_items`](Printer::binary_from_items), never to a terminal.
    fn is_binary(&self) -> bool {
        false
    }
    /// Every report as one binary document.
    fn binary(&self, reports: &[Report], lang: Lang) -> Result<Vec<u8>, String> {
        let _ = (reports, lang);
        Err("not a binary format".into())
    }
    /// A stream's items (as [`item`](Printer::item) rendered them, in order) as one binary
    /// document.
    fn binary_from_items(&self, items: &[u8], lang: Lang) -> Result<Vec<u8>, String> {
        let _ = (items, lang);
        Err("not a binary format".into())
    }
    /// Whether [`begin`](Printer::begin) lists every filing (`Summary::entries`).
    fn wants_entries(&self) -> bool {
        false
    }
    /// Whether every report shows its trace (the evaluation must record it).
    fn needs_trace(&self) -> bool {
        false
    }
    /// Which rules' messages an [`item`](Printer::item) (and the summary) prints: all, or
    /// only [`Report::main_reason`]'s (the evaluation writes no others).
    fn item_messages(&self) -> crate::engine::Messages {
        crate::engine::Messages::All
    }
}
