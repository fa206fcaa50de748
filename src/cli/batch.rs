//! `batch`: many filings, a summary, and the filings that need attention.

use std::io::{BufWriter, Read, Seek, Write};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::check::pack_choice;
use super::{Common, Notices, print_pack_errors};
use crate::check::Checker;
use crate::diag::Lang;
use crate::engine::Verdict;
use crate::filing::read::{Item, Raw};
use crate::pack::Pack;
use crate::report::{self, OutputFormat, PackRef, Report};

/// Filings read ahead and evaluated together: enough to keep every core busy, few enough that
/// memory stays flat whatever the number of filings.
pub const CHUNK: usize = 512;

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
    /// Counts one report.
    pub fn add(&mut self, r: &Report) {
        self.count(r.verdict, &r.category, to_recover(r));
    }

    fn count(
        &mut self,
        verdict: Verdict,
        category: &str,
        to_recover: Option<rust_decimal::Decimal>,
    ) {
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
}

fn to_recover(r: &Report) -> Option<rust_decimal::Decimal> {
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

/// One filing on its way through the batch.
enum Work {
    Evaluate {
        filing: Box<crate::filing::Filing>,
        row: Option<usize>,
        pack: Arc<Pack>,
        pack_ref: Arc<PackRef>,
    },
    Done(Box<Report>),
}

/// What one filing contributes to the output: its rendering in the chosen format and what the
/// summary counts. The report itself is dropped on the worker that built it.
struct Done {
    verdict: Verdict,
    category: String,
    to_recover: Option<rust_decimal::Decimal>,
    text: Vec<u8>,
}

fn render(r: &Report, format: OutputFormat, lang: Lang, trace: bool) -> Vec<u8> {
    let text = match format {
        OutputFormat::Json | OutputFormat::Jsonl => {
            let mut out = Vec::with_capacity(4096);
            report::json::write(&mut out, r, lang, trace);
            return out;
        }
        OutputFormat::Junit => report::junit::testcase(r, lang),
        OutputFormat::Table => {
            if r.verdict == Verdict::Pass {
                String::new()
            } else {
                format!(
                    "{}  {}  {}\n",
                    source_of(r),
                    r.verdict.as_str(),
                    r.main_reason(lang)
                )
            }
        }
        OutputFormat::Markdown => {
            if r.verdict == Verdict::Pass {
                String::new()
            } else {
                let cells = [
                    source_of(r),
                    r.verdict.as_str().to_string(),
                    r.main_reason(lang),
                ];
                let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
                format!("| {} |\n", cells.join(" | "))
            }
        }
    };
    text.into_bytes()
}

/// Where finished filings go: straight to stdout (JSON, JSON Lines), or to a spill file that is
/// copied after the summary (table, Markdown, JUnit), so memory does not grow with the input.
struct Sink {
    format: OutputFormat,
    out: BufWriter<std::io::Stdout>,
    spill: Option<BufWriter<std::fs::File>>,
    first: bool,
    junit_failures: usize,
}

impl Sink {
    fn new(format: OutputFormat) -> std::io::Result<Sink> {
        let spill = match format {
            OutputFormat::Json | OutputFormat::Jsonl => None,
            _ => Some(BufWriter::new(tempfile::tempfile()?)),
        };
        let mut out = BufWriter::new(std::io::stdout());
        if format == OutputFormat::Json {
            writeln!(out, "[")?;
        }
        Ok(Sink {
            format,
            out,
            spill,
            first: true,
            junit_failures: 0,
        })
    }

    fn put(&mut self, d: &Done) -> std::io::Result<()> {
        if self.format == OutputFormat::Junit
            && !matches!(d.verdict, Verdict::Pass | Verdict::OutOfScope)
        {
            self.junit_failures += 1;
        }
        match (&mut self.spill, self.format) {
            (Some(f), _) => f.write_all(&d.text)?,
            (None, OutputFormat::Json) => {
                if !self.first {
                    self.out.write_all(b",")?;
                }
                self.out.write_all(&d.text)?;
                self.out.write_all(b"\n")?;
            }
            (None, _) => {
                self.out.write_all(&d.text)?;
                self.out.write_all(b"\n")?;
            }
        }
        self.first = false;
        Ok(())
    }

    fn finish(mut self, summary: &Summary, lang: Lang) -> std::io::Result<()> {
        let copy_spill = |out: &mut BufWriter<std::io::Stdout>,
                          spill: Option<BufWriter<std::fs::File>>|
         -> std::io::Result<()> {
            if let Some(spill) = spill {
                let mut f = spill.into_inner().map_err(|e| e.into_error())?;
                f.rewind()?;
                let mut buf = [0u8; 64 * 1024];
                loop {
                    let n = f.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    out.write_all(&buf[..n])?;
                }
            }
            Ok(())
        };
        let spill = self.spill.take();
        match self.format {
            OutputFormat::Json => writeln!(self.out, "]")?,
            OutputFormat::Jsonl => {}
            OutputFormat::Junit => {
                let (head, tail) = report::junit::frame(summary.total, self.junit_failures);
                write!(self.out, "{head}")?;
                copy_spill(&mut self.out, spill)?;
                write!(self.out, "{tail}")?;
            }
            OutputFormat::Table => {
                writeln!(self.out, "{}", summary_table(summary, lang))?;
                copy_spill(&mut self.out, spill)?;
            }
            OutputFormat::Markdown => {
                writeln!(self.out, "{}\n", summary_table(summary, lang))?;
                writeln!(self.out, "| source | verdict | reason |\n|---|---|---|")?;
                copy_spill(&mut self.out, spill)?;
            }
        }
        self.out.flush()
    }
}

/// Chunks the reader may have ready while the previous ones are evaluated.
const READ_AHEAD: usize = 2;

/// The packs a batch has met, each with the description its reports share.
#[derive(Default)]
struct PackCache {
    refs: Vec<(Arc<Pack>, Arc<PackRef>)>,
}

impl PackCache {
    fn pack_ref(&mut self, pack: &Arc<Pack>) -> Arc<PackRef> {
        if let Some((_, r)) = self.refs.iter().find(|(p, _)| Arc::ptr_eq(p, pack)) {
            return r.clone();
        }
        let r = Arc::new(PackRef::new(pack));
        self.refs.push((pack.clone(), r.clone()));
        r
    }
}

/// `wagecheck batch`: a reader thread reads the inputs in chunks of [`CHUNK`] (CSV rows left
/// undecoded); each chunk is decoded in parallel, its packs chosen in order (cached), then
/// evaluated and rendered in parallel, and written in input order. Memory holds a few chunks
/// and the summary, whatever the number of filings.
pub fn batch(
    paths: &[PathBuf],
    common: &Common,
    format: OutputFormat,
    deny_review: bool,
    trace: bool,
    jobs: Option<usize>,
    checker: &Checker,
) -> i32 {
    let lang = common.lang;
    let choice = match pack_choice(checker, common.rules.as_deref()) {
        Ok(p) => p,
        Err(errors) => {
            print_pack_errors(&errors, lang);
            return 2;
        }
    };
    let opts = common.options(trace);
    let mut notices = Notices::default();
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut sink = match Sink::new(format) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut summary = Summary::default();
    let mut packs = PackCache::default();
    let mut io_error: Option<std::io::Error> = None;

    let mut process = |chunk: Vec<Raw>| {
        let items: Vec<Item> = pool.install(|| chunk.into_par_iter().map(Raw::into_item).collect());
        // Pack selection is sequential and cached; evaluation and rendering run in parallel.
        let mut work = Vec::with_capacity(items.len());
        for item in items {
            work.push(match item {
                Item::Filing { filing, row } => {
                    let mut found = Vec::new();
                    let pack = checker.resolve(&filing, &choice, &mut found);
                    notices.print(&found, lang);
                    match pack {
                        Ok(pack) => Work::Evaluate {
                            filing: Box::new(filing),
                            row,
                            pack_ref: packs.pack_ref(&pack),
                            pack,
                        },
                        Err(mut r) => {
                            r.row = row;
                            Work::Done(Box::new(r))
                        }
                    }
                }
                Item::Invalid {
                    source,
                    row,
                    errors,
                } => {
                    let mut r = Report::invalid(&source, errors);
                    r.row = row;
                    Work::Done(Box::new(r))
                }
            });
        }
        let done: Vec<Done> = pool.install(|| {
            work.into_par_iter()
                .map(|w| {
                    let report = match w {
                        Work::Evaluate {
                            filing,
                            row,
                            pack,
                            pack_ref,
                        } => {
                            let mut r = checker.evaluate(&filing, &pack, pack_ref, &opts);
                            r.row = row;
                            r
                        }
                        Work::Done(r) => *r,
                    };
                    let text = render(&report, format, lang, trace);
                    Done {
                        verdict: report.verdict,
                        to_recover: to_recover(&report),
                        category: report.category,
                        text,
                    }
                })
                .collect()
        });
        for d in &done {
            summary.count(d.verdict, &d.category, d.to_recover);
            if let Err(e) = sink.put(d) {
                io_error.get_or_insert(e);
            }
        }
    };

    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Raw>>(READ_AHEAD);
        scope.spawn(move || {
            let mut pending = Vec::with_capacity(CHUNK);
            let mut open = true;
            crate::filing::read::for_each_raw(paths, common.stdin_format(), |raw| {
                if !open {
                    return;
                }
                pending.push(raw);
                if pending.len() >= CHUNK {
                    let full = std::mem::replace(&mut pending, Vec::with_capacity(CHUNK));
                    // The receiver is gone only after a failure: stop reading.
                    open = tx.send(full).is_ok();
                }
            });
            if open && !pending.is_empty() {
                let _ = tx.send(pending);
            }
        });
        rx.into_iter().for_each(&mut process);
    });
    if let Some(e) = io_error
        .take()
        .or_else(|| sink.finish(&summary, lang).err())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("{e}");
        return 2;
    }
    if !matches!(format, OutputFormat::Table | OutputFormat::Markdown) {
        eprintln!("{}", summary_table(&summary, lang));
    }
    summary.worst.map(|v| v.exit_code(deny_review)).unwrap_or(0)
}
