//! `batch`: many filings, a summary, and the filings that need attention.

use std::io::{BufWriter, Read, Seek, Write};
use std::path::PathBuf;

use super::check::pack_choice;
use super::{Common, Notices, print_pack_errors};
use crate::check::Checker;
use crate::check::batch::{BatchOptions, Batched};
use crate::diag::Lang;
use crate::filing::read;
use crate::report::summary::summary_table;
use crate::report::{OutputFormat, Printer, Summary};

/// Where finished filings go: straight to stdout (JSON, JSON Lines), or, when the stream's
/// opening reads the summary (table, Markdown, JUnit), to a spill file copied after it, so
/// memory does not grow with the input.
struct Sink {
    printer: &'static dyn Printer,
    out: BufWriter<Box<dyn Write>>,
    spill: Option<BufWriter<std::fs::File>>,
    first: bool,
}

impl Sink {
    fn new(
        printer: &'static dyn Printer,
        lang: Lang,
        output: Option<&std::path::Path>,
    ) -> std::io::Result<Sink> {
        let spill = match printer.begin_reads_summary() {
            true => Some(BufWriter::new(tempfile::tempfile()?)),
            false => None,
        };
        let target: Box<dyn Write> = match output {
            Some(path) => Box::new(std::fs::File::create(path)?),
            None => Box::new(std::io::stdout()),
        };
        let mut out = BufWriter::new(target);
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
        if self.printer.is_binary() {
            // A workbook is built from every item at once (they were spilled to disk).
            let mut items = Vec::new();
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

/// `wagecheck batch`: the library's batch ([`Checker::batch`]), its reports rendered in the
/// chosen format on the workers and written to stdout in input order.
#[allow(clippy::too_many_arguments)] // the command's options, each used once
pub fn batch(
    paths: &[PathBuf],
    common: &Common,
    walk: &crate::input::walk::Walk,
    format: OutputFormat,
    deny_review: bool,
    trace: bool,
    jobs: Option<usize>,
    checker: &Checker,
) -> i32 {
    let lang = common.lang;
    let pack = match pack_choice(checker, common.rules.as_deref()) {
        Ok(p) => p,
        Err(errors) => {
            print_pack_errors(&errors, lang);
            return 2;
        }
    };
    let opts = BatchOptions {
        pack,
        check: common.options(trace),
        jobs,
    };
    let printer = format.printer();
    if super::refuse_binary_on_terminal(printer.is_binary(), common) {
        return 2;
    }
    let mut sink = match Sink::new(printer, lang, common.output.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut io_error: Option<std::io::Error> = None;
    let stdin_format = common.stdin_format();
    let mut skipped = Vec::new();
    let run = checker.batch(
        |each| skipped = read::for_each_walked(paths, walk, stdin_format, each),
        &opts,
        |r| printer.item(r, lang, trace),
        |text| {
            if let Err(e) = sink.put(&text) {
                io_error.get_or_insert(e);
            }
        },
    );
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
    summary.skipped = skipped.len();
    super::print_skipped(&skipped, lang);
    Notices::default().print(&notices, lang);
    // A failed write decides the exit code at the end of the run (`super::finish`).
    if let Some(e) = io_error
        .take()
        .or_else(|| sink.finish(&summary, lang).err())
    {
        super::note_write(Err(e));
    }
    if !matches!(format, OutputFormat::Table | OutputFormat::Markdown) {
        eprintln!("{}", summary_table(&summary, lang));
    }
    summary.exit_code(deny_review)
}
