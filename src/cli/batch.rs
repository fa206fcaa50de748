//! `batch`: many filings, a summary, and the filings that need attention.

use std::io::{BufWriter, Read, Seek, Write};
use std::path::PathBuf;

use super::check::pack_choice;
use super::{Common, Notices, SortKey};
use crate::check::batch::{BatchOptions, Batched};
use crate::check::{CheckOptions, Checker};
use crate::diag::Lang;
use crate::engine::Verdict;
use crate::filing::read;
use crate::report::summary::{Entry, summary_table};
use crate::report::{OutputFormat, Printer, Summary};

/// A listed filing held for `--sort`: its line and its rendering.
type Held = (Entry, Vec<u8>);

/// Where finished filings go: straight to stdout (JSON, JSON Lines), or, when the stream's
/// opening reads the summary (table, Markdown, JUnit, HTML), to a spill file copied after it,
/// so memory does not grow with the input. With `--sort`, the listed filings are held and
/// written in order at the end.
struct Sink<'p> {
    printer: &'p dyn Printer,
    out: BufWriter<Box<dyn Write>>,
    spill: Option<BufWriter<std::fs::File>>,
    sorted: Option<(SortKey, Vec<Held>)>,
    first: bool,
}

impl<'p> Sink<'p> {
    fn new(
        printer: &'p dyn Printer,
        lang: Lang,
        sort: Option<SortKey>,
        output: Option<&std::path::Path>,
    ) -> std::io::Result<Sink<'p>> {
        let spill = match printer.begin_reads_summary() && sort.is_none() {
            true => Some(BufWriter::new(tempfile::tempfile()?)),
            false => None,
        };
        let target: Box<dyn Write> = match output {
            Some(path) => Box::new(std::fs::File::create(path)?),
            None => Box::new(std::io::stdout()),
        };
        let mut out = BufWriter::new(target);
        if !printer.begin_reads_summary() {
            write!(out, "{}", printer.begin(&Summary::default(), lang))?;
        }
        Ok(Sink {
            printer,
            out,
            spill,
            sorted: sort.map(|k| (k, Vec::new())),
            first: true,
        })
    }

    fn put(&mut self, entry: &Entry, text: Vec<u8>) -> std::io::Result<()> {
        if let Some((_, held)) = &mut self.sorted {
            held.push((entry.clone(), text));
            return Ok(());
        }
        let w: &mut dyn Write = match &mut self.spill {
            Some(f) => f,
            None => &mut self.out,
        };
        if !self.first {
            w.write_all(self.printer.separator())?;
        }
        w.write_all(&text)?;
        self.first = false;
        Ok(())
    }

    fn finish(mut self, summary: &mut Summary, lang: Lang) -> std::io::Result<()> {
        if self.printer.is_binary() {
            // A workbook is built from every item at once (spilled to disk, or held to sort).
            let mut items = Vec::new();
            if let Some((key, mut held)) = self.sorted.take() {
                held.sort_by(|a, b| compare(key, &a.0, &b.0));
                for (_, text) in held {
                    items.extend(text);
                }
            }
            if let Some(spill) = self.spill.take() {
                let mut f = spill.into_inner().map_err(|e| e.into_error())?;
                f.rewind()?;
                f.read_to_end(&mut items)?;
            }
            let bytes = self
                .printer
                .binary_from_items(&items, lang)
                .map_err(std::io::Error::other)?;
            self.out.write_all(&bytes)?;
            return self.out.flush();
        }
        if let Some((key, mut held)) = self.sorted.take() {
            held.sort_by(|a, b| compare(key, &a.0, &b.0));
            summary.entries.sort_by(|a, b| compare(key, a, b));
            if self.printer.begin_reads_summary() {
                write!(self.out, "{}", self.printer.begin(summary, lang))?;
            }
            for (i, (_, text)) in held.iter().enumerate() {
                if i > 0 {
                    self.out.write_all(self.printer.separator())?;
                }
                self.out.write_all(text)?;
            }
        }
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

/// How two filings compare in the listing's order (stable: ties keep input order).
fn compare(key: SortKey, a: &Entry, b: &Entry) -> std::cmp::Ordering {
    use std::cmp::Reverse;
    let excess = |e: &Entry| Reverse(e.excess.map(|x| (1, x)).unwrap_or((0, Default::default())));
    let worst = |e: &Entry| {
        Reverse(match e.verdict {
            Verdict::Pass => 0,
            Verdict::OutOfScope => 1,
            Verdict::Review => 2,
            Verdict::Fail => 3,
            Verdict::Invalid => 4,
        })
    };
    match key {
        SortKey::Excess => excess(a).cmp(&excess(b)),
        SortKey::Name => {
            (a.name.is_empty(), &a.name, &a.source).cmp(&(b.name.is_empty(), &b.name, &b.source))
        }
        SortKey::Verdict => (worst(a), excess(a)).cmp(&(worst(b), excess(b))),
    }
}

/// What `batch` lists and how.
pub struct Listing {
    pub deny_review: bool,
    pub trace: bool,
    pub jobs: Option<usize>,
    /// Verdicts listed (all when empty).
    pub only: Vec<Verdict>,
    pub sort: Option<SortKey>,
    pub quiet: bool,
}

/// `wagecheck batch`: the library's batch ([`Checker::batch`]), its reports rendered in the
/// chosen format on the workers and written to stdout in input order (or in `--sort` order),
/// only those `--only` lists; the summary counts every filing.
#[allow(clippy::too_many_arguments)] // the command's options, each used once
pub fn batch(
    paths: &[PathBuf],
    common: &Common,
    walk: &crate::input::walk::Walk,
    format: OutputFormat,
    listing: Listing,
    checker: &Checker,
) -> i32 {
    let lang = common.lang;
    let pack = match pack_choice(checker, common.rules.as_deref()) {
        Ok(p) => p,
        Err(errors) => {
            super::pack_failure(&errors, lang, format);
            return 2;
        }
    };
    let mut view = common.view(listing.deny_review);
    view.list_pass = listing.only.contains(&Verdict::Pass);
    let printer = format.printer_for(view);
    let printer: &dyn Printer = printer.as_ref();
    if super::refuse_binary_on_terminal(printer.is_binary(), common) {
        return 2;
    }
    let trace = listing.trace;
    let opts = BatchOptions {
        pack,
        check: CheckOptions {
            messages: printer.item_messages(),
            ..common.options(trace || printer.needs_trace())
        },
        jobs: listing.jobs,
    };
    let listed = |v: Verdict| listing.only.is_empty() || listing.only.contains(&v);
    let keep_entries = printer.wants_entries() || listing.sort.is_some();
    let progress = super::progress::Progress::new(listing.quiet, lang);
    let mut sink = match Sink::new(printer, lang, listing.sort, common.output.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    // What the counts per rule, the totals and the HTML table read; the library counts the
    // verdicts, categories and amounts to recover.
    let mut extra = Summary::default();
    let mut io_error: Option<std::io::Error> = None;
    let stdin_format = common.stdin_format();
    let mut skipped = Vec::new();
    let run = checker.batch(
        |each| skipped = read::for_each_walked(paths, walk, stdin_format, each),
        &opts,
        |r| {
            let shown = listed(r.verdict);
            let entry = Entry::of(r, lang, keep_entries && shown);
            let text = if shown {
                printer.item(r, lang, trace)
            } else {
                Vec::new()
            };
            (entry, text)
        },
        |(entry, text)| {
            progress.advance(1);
            let shown = listed(entry.verdict);
            if shown && let Err(e) = sink.put(&entry, text) {
                io_error.get_or_insert(e);
            }
            extra.note_entry(entry, printer.wants_entries() && shown);
        },
    );
    progress.finish();
    let Batched {
        mut summary,
        notices,
    } = match run {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    summary.by_rule = extra.by_rule;
    summary.over_total = extra.over_total;
    summary.elapsed = extra.elapsed;
    summary.entries = extra.entries;
    summary.skipped = skipped.len();
    super::print_skipped(&skipped, lang);
    Notices::default().print(&notices, lang);
    // A failed write decides the exit code at the end of the run (`super::finish`).
    if let Some(e) = io_error
        .take()
        .or_else(|| sink.finish(&mut summary, lang).err())
    {
        super::note_write(Err(e));
    }
    if !matches!(format, OutputFormat::Table | OutputFormat::Markdown) {
        eprintln!("{}", summary_table(&summary, lang));
    }
    summary.exit_code(listing.deny_review)
}
