//! The progress of a long batch on standard error: only when standard error is a terminal and
//! `--quiet` is not given (never in a pipe or a log), and only once the batch has run for a
//! second, so a short batch prints nothing extra.

use std::cell::RefCell;
use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use crate::diag::Lang;

/// How long a batch runs before its progress shows.
const SHOW_AFTER: Duration = Duration::from_secs(1);

pub struct Progress {
    /// `None` when no progress is shown at all.
    start: Option<Instant>,
    lang: Lang,
    done: RefCell<u64>,
    bar: RefCell<Option<indicatif::ProgressBar>>,
}

impl Progress {
    pub fn new(quiet: bool, lang: Lang) -> Progress {
        let shown = !quiet && std::io::stderr().is_terminal();
        Progress {
            start: shown.then(Instant::now),
            lang,
            done: RefCell::new(0),
            bar: RefCell::new(None),
        }
    }

    pub fn advance(&self, n: usize) {
        let Some(start) = self.start else { return };
        let mut done = self.done.borrow_mut();
        *done += n as u64;
        let mut bar = self.bar.borrow_mut();
        if bar.is_none() && start.elapsed() >= SHOW_AFTER {
            let b = indicatif::ProgressBar::new_spinner().with_elapsed(start.elapsed());
            let template = if self.lang.is_zh() {
                "{spinner} 已检查 {pos} 份申报（{per_sec}，已用 {elapsed}）"
            } else {
                "{spinner} {pos} filings checked ({per_sec}, {elapsed})"
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                b.set_style(style);
            }
            b.enable_steady_tick(Duration::from_millis(120));
            *bar = Some(b);
        }
        if let Some(b) = bar.as_ref() {
            b.set_position(*done);
        }
    }

    /// Clears the line, so the summary that follows starts clean.
    pub fn finish(&self) {
        if let Some(b) = self.bar.borrow().as_ref() {
            b.finish_and_clear();
        }
    }
}
