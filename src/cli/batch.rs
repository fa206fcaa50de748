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
use crate::report::summary::{summary_table, to_recover};
use crate::report::{OutputFormat, PackRef, Printer, Report, Summary};

/// Filings read ahead and evaluated together: enough to keep every core busy, few enough that
/// memory stays flat whatever the number of filings.
pub const CHUNK: usize = 512;

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

/// Where finished filings go: straight to stdout (JSON, JSON Lines), or, when the stream's
/// opening reads the summary (table, Markdown, JUnit), to a spill file copied after it, so
/// memory does not grow with the input.
struct Sink {
    printer: &'static dyn Printer,
    out: BufWriter<std::io::Stdout>,
    spill: Option<BufWriter<std::fs::File>>,
    first: bool,
}

impl Sink {
    fn new(printer: &'static dyn Printer, lang: Lang) -> std::io::Result<Sink> {
        let spill = match printer.begin_reads_summary() {
            true => Some(BufWriter::new(tempfile::tempfile()?)),
            false => None,
        };
        let mut out = BufWriter::new(std::io::stdout());
        if spill.is_none() {
            write!(out, "{}", printer.begin(&Summary::default(), lang))?;
        }
        Ok(Sink {
            printer,
            out,
            spill,
            first: true,
        })
    }

    fn put(&mut self, text: &[u8]) -> std::io::Result<()> {
        let w: &mut dyn Write = match &mut self.spill {
            Some(f) => f,
            None => &mut self.out,
        };
        if !self.first {
            w.write_all(self.printer.separator())?;
        }
        w.write_all(text)?;
        self.first = false;
        Ok(())
    }

    fn finish(mut self, summary: &Summary, lang: Lang) -> std::io::Result<()> {
        if let Some(spill) = self.spill.take() {
            write!(self.out, "{}", self.printer.begin(summary, lang))?;
            let mut f = spill.into_inner().map_err(|e| e.into_error())?;
            f.rewind()?;
            let mut buf = [0u8; 64 * 1024];
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                self.out.write_all(&buf[..n])?;
            }
        }
        write!(self.out, "{}", self.printer.end(summary, lang))?;
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
    let printer = format.printer();
    let mut sink = match Sink::new(printer, lang) {
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
                    let text = printer.item(&report, lang, trace);
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
            if let Err(e) = sink.put(&d.text) {
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
    summary.exit_code(deny_review)
}
