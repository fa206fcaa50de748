//! Many filings at once: inputs → reports, streaming, in parallel, in input order, with a
//! summary. The caller says what each report becomes (`each`, run on the workers) and where it
//! goes (`sink`, called in input order); memory holds a few chunks, whatever the input's size.

use std::sync::Arc;

use rayon::prelude::*;

use super::{CheckOptions, Checker, PackChoice};
use crate::diag::Diagnostic;
use crate::engine::Verdict;
use crate::filing::Filing;
use crate::filing::read::{Decoded, Raw};
use crate::pack::Pack;
use crate::report::summary::to_recover;
use crate::report::{PackRef, Report, Summary};

/// Filings read ahead and evaluated together: enough to keep every core busy, few enough that
/// memory stays flat whatever the number of filings.
pub const CHUNK: usize = 512;

/// The most bytes of CSV row text a chunk holds: a chunk of giant rows (up to
/// `input::csv::MAX_CSV_RECORD_BYTES` each) is sent before it has [`CHUNK`] rows, so that the
/// rows read ahead and the filings decoded from them stay a few tens of megabytes. A chunk of
/// ordinary rows (a few kilobytes each) never reaches it.
pub const CHUNK_BYTES: usize = 16 * 1024 * 1024;

/// Whether the reader's pending chunk is full: [`CHUNK`] rows, or [`CHUNK_BYTES`] of text.
fn chunk_full(rows: usize, bytes: usize) -> bool {
    rows >= CHUNK || bytes >= CHUNK_BYTES
}

/// Chunks the reader may have ready while the previous ones are evaluated.
const READ_AHEAD: usize = 2;

/// How to run a batch.
#[derive(Clone, Debug)]
#[warn(missing_docs)]
pub struct BatchOptions {
    /// The pack of every filing.
    pub pack: PackChoice,
    /// The options of each check.
    pub check: CheckOptions,
    /// Worker threads (`None`: all cores).
    pub jobs: Option<usize>,
}

/// What a batch returns besides its reports.
#[derive(Clone, Debug, Default)]
#[warn(missing_docs)]
pub struct Batched {
    /// The counts of the reports the batch produced.
    pub summary: Summary,
    /// Warnings about the run (a pack used outside its dates), each once.
    pub notices: Vec<Diagnostic>,
}

/// One filing on its way through the batch (the filing itself stays in the batch's list of
/// filings, at the same place).
enum Work {
    Evaluate {
        row: Option<usize>,
        pack: Arc<Pack>,
        pack_ref: Arc<PackRef>,
    },
    Done(Box<Report>),
    /// A notice, counted already: no report.
    Skip,
}

/// The slot of the field that chooses the pack in force.
const JURISDICTION: usize = crate::filing::slot("enterprise.jurisdiction");

/// What one filing contributes: what `each` made of its report and what the summary counts.
/// The report itself is dropped on the worker that built it.
struct Done<T> {
    verdict: Verdict,
    category: String,
    to_recover: Option<rust_decimal::Decimal>,
    out: T,
}

/// How many (jurisdiction, year) choices of the pack in force a batch remembers.
const IN_FORCE_CACHED: usize = 64;

/// The packs a batch has met, each with the description its reports share, and the pack in
/// force chosen for each jurisdiction and year met (chosen once, not once per filing).
#[derive(Default)]
struct PackCache {
    refs: Vec<(Arc<Pack>, Arc<PackRef>)>,
    in_force: Vec<(String, i32, Arc<Pack>)>,
}

impl PackCache {
    fn pack_ref(&mut self, pack: &Arc<Pack>) -> Arc<PackRef> {
        if let Some((_, r)) = self.refs.iter().find(|(p, _)| Arc::ptr_eq(p, pack)) {
            return r.clone();
        }
        let r = Arc::new(PackRef::shared(pack));
        self.refs.push((pack.clone(), r.clone()));
        r
    }
}

#[warn(missing_docs)]
impl Checker {
    /// Checks every filing `read` produces. A reader thread runs `read`, which calls its
    /// argument once per input in order (see [`crate::filing::read::for_each_raw`]), in
    /// chunks of [`CHUNK`]; each chunk is decoded in parallel, its packs chosen in order, then
    /// evaluated and turned into `T` by `each` in parallel; `sink` gets them in input order.
    ///
    /// `Err` only when the worker threads cannot be started.
    pub fn batch<T: Send>(
        &self,
        read: impl FnOnce(&mut dyn FnMut(Raw)) + Send,
        opts: &BatchOptions,
        each: impl Fn(&Report) -> T + Sync,
        mut sink: impl FnMut(T),
    ) -> Result<Batched, std::io::Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs.unwrap_or(0))
            .build()
            .map_err(std::io::Error::other)?;
        let mut out = Batched::default();
        let mut packs = PackCache::default();

        // Kept from one chunk to the next, so that the steady state allocates none of them
        // again: the filings rows are decoded into (at most one chunk's), and the chunk's
        // lists. Emptied chunks go back to the reader.
        let mut filings: Vec<Filing> = Vec::new();
        let mut decoded: Vec<Decoded> = Vec::new();
        let mut work: Vec<Work> = Vec::new();
        let mut done: Vec<Option<Done<T>>> = Vec::new();
        let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Vec<Raw>>(READ_AHEAD + 2);

        let mut process = |mut chunk: Vec<Raw>| {
            if filings.len() < chunk.len() {
                filings.resize_with(chunk.len(), Filing::empty);
            }
            pool.install(|| {
                chunk
                    .par_iter_mut()
                    .zip(filings.par_iter_mut())
                    .map(|(raw, filing)| raw.decode_into(filing))
                    .collect_into_vec(&mut decoded)
            });
            // Back to the reader, which reuses its rows' buffers (it may be gone, having read
            // everything: the chunk is then dropped). Only the rows whose buffers it keeps go
            // back: decoding has already freed giant rows and taken every other input, and the
            // empty items left in their place are dropped here.
            chunk.retain(Raw::recyclable);
            let _ = back_tx.try_send(chunk);
            // Pack selection is sequential and cached; evaluation and rendering run in parallel.
            work.clear();
            for (d, filing) in decoded.drain(..).zip(&filings) {
                work.push(match d {
                    Decoded::Notice(n) => {
                        if !out.notices.contains(&n) {
                            out.notices.push(n);
                        }
                        Work::Skip
                    }
                    Decoded::Filing { row } => {
                        let mut found = Vec::new();
                        // The pack in force for a jurisdiction and year is the same for every
                        // filing that names them (no notice comes with it): chosen once.
                        let key = match &opts.pack {
                            PackChoice::InForce => filing.fields[JURISDICTION]
                                .str()
                                .map(|j| (j, filing.year())),
                            PackChoice::Given(_) => None,
                        };
                        let cached = key.and_then(|(j, y)| {
                            packs
                                .in_force
                                .iter()
                                .find(|(cj, cy, _)| cj == j && *cy == y)
                                .map(|(_, _, p)| p.clone())
                        });
                        let pack = match cached {
                            Some(p) => Ok(p),
                            None => {
                                let pack = self.resolve(filing, &opts.pack, &mut found);
                                // Bounded: a file of many years keeps its first ones.
                                if let (Some((j, y)), Ok(p)) = (key, &pack)
                                    && packs.in_force.len() < IN_FORCE_CACHED
                                {
                                    packs.in_force.push((j.to_string(), y, p.clone()));
                                }
                                pack
                            }
                        };
                        for n in found {
                            if !out.notices.iter().any(|m| m.message == n.message) {
                                out.notices.push(n);
                            }
                        }
                        match pack {
                            Ok(pack) => Work::Evaluate {
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
                    Decoded::Invalid {
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
            pool.install(|| {
                work.par_drain(..)
                    .zip(filings.par_iter_mut())
                    .map(|(w, filing)| {
                        // The report is used where it is (a report is large: not moved).
                        let done = |report: &mut Report| Done {
                            out: each(report),
                            verdict: report.verdict,
                            to_recover: to_recover(report),
                            category: std::mem::take(&mut report.category),
                        };
                        let out = match w {
                            Work::Skip => None,
                            Work::Evaluate {
                                row,
                                pack,
                                pack_ref,
                            } => {
                                let start = std::time::Instant::now();
                                let mut r = self.evaluate(filing, &pack, pack_ref, &opts.check);
                                r.elapsed = Some(start.elapsed());
                                r.row = row;
                                Some(done(&mut r))
                            }
                            Work::Done(mut r) => Some(done(&mut r)),
                        };
                        // The filing's values are emptied as soon as it is reported (its small
                        // buffers kept for the next chunk, large ones dropped), so that a chunk
                        // of giant values is not alive beside the chunk's output.
                        filing.release();
                        out
                    })
                    .collect_into_vec(&mut done)
            });
            for d in done.drain(..).flatten() {
                out.summary.count(d.verdict, &d.category, d.to_recover);
                sink(d.out);
            }
        };

        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Raw>>(READ_AHEAD);
            scope.spawn(move || {
                let mut pending = Vec::with_capacity(CHUNK);
                let mut pending_bytes = 0;
                let mut open = true;
                read(&mut |raw| {
                    if !open {
                        return;
                    }
                    pending_bytes += raw.text_len();
                    pending.push(raw);
                    if chunk_full(pending.len(), pending_bytes) {
                        pending_bytes = 0;
                        // A chunk the caller has decoded, its rows' buffers given back to
                        // this thread's reader, else a new one.
                        let mut next = None;
                        while let Ok(mut used) = back_rx.try_recv() {
                            used.drain(..).for_each(Raw::recycle);
                            next.get_or_insert(used);
                        }
                        let next = next.unwrap_or_else(|| Vec::with_capacity(CHUNK));
                        let full = std::mem::replace(&mut pending, next);
                        // The receiver is gone only if the caller's thread panicked.
                        open = tx.send(full).is_ok();
                    }
                });
                if open && !pending.is_empty() {
                    let _ = tx.send(pending);
                }
            });
            rx.into_iter().for_each(&mut process);
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_is_full_at_its_rows_or_its_bytes() {
        // Ordinary rows (a few kilobytes): a chunk is CHUNK rows.
        assert!(!chunk_full(CHUNK - 1, (CHUNK - 1) * 4096));
        assert!(chunk_full(CHUNK, CHUNK * 4096));
        // Giant rows (700 KB, as a hostile file's): sent long before CHUNK rows, so that at
        // most CHUNK_BYTES and one row of text wait in a chunk.
        let giant = 700 * 1024;
        let rows = (1..=CHUNK)
            .find(|&n| chunk_full(n, n * giant))
            .expect("a chunk of giant rows is cut by its bytes");
        assert!(rows < CHUNK / 8, "{rows} rows");
        assert!(rows * giant < CHUNK_BYTES + crate::input::csv::MAX_CSV_RECORD_BYTES);
    }
}
