//! The progress of a long batch on standard error: only when standard error is a terminal and
//! `--quiet` is not given; never in a pipe or a log.

use std::io::IsTerminal as _;

use crate::diag::Lang;

pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new(quiet: bool, lang: Lang) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        let template = if lang.is_zh() {
            "{spinner} 已检查 {pos} 份申报（{per_sec}，已用 {elapsed}）"
        } else {
            "{spinner} {pos} filings checked ({per_sec}, {elapsed})"
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    pub fn advance(&self, n: usize) {
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
    }

    /// Clears the line, so the summary that follows starts clean.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
