//! JUnit XML for CI, agreeing with the exit code: one test case per filing; `fail` is a
//! `<failure>`, `invalid` an `<error>`, `out_of_scope` is `<skipped>`, `review` is a failure
//! only with `--deny review` (else it passes, its reason in `<system-out>`), `pass` passes.
//! Every test case has its `time` (the view can fix it, for reproducible files).

use std::time::Duration;

use super::{Report, View};
use crate::diag::Lang;
use crate::engine::Verdict;

/// Text as an XML attribute value: every control character made visible, the XML special
/// characters as entities, nothing XML 1.0 forbids (`super::escape::xml`).
pub fn escape(s: &str) -> String {
    super::escape::xml(s)
}

/// What a verdict is to JUnit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failure,
    Error,
    Skipped,
}

fn outcome(v: Verdict, deny_review: bool) -> Outcome {
    match v {
        Verdict::Pass => Outcome::Passed,
        Verdict::Review if deny_review => Outcome::Failure,
        Verdict::Review => Outcome::Passed,
        Verdict::Fail => Outcome::Failure,
        Verdict::Invalid => Outcome::Error,
        Verdict::OutOfScope => Outcome::Skipped,
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn time_of(r: &Report, view: View) -> Duration {
    view.fixed_time.or(r.elapsed).unwrap_or_default()
}

/// One `<testcase>` element.
pub fn testcase(r: &Report, lang: Lang, view: View) -> String {
    let name = super::summary::source_of(r);
    let title = if r.name.is_empty() {
        name.clone()
    } else {
        format!("{} ({})", r.name, name)
    };
    let mut s = format!(
        "  <testcase classname=\"wagecheck\" name=\"{}\" time=\"{}\">",
        escape(&title),
        seconds(time_of(r, view))
    );
    let reason = escape(&r.main_reason(lang));
    let label = format!(
        "{}{}",
        escape(r.verdict.label_in(lang)),
        if lang.is_zh() { "：" } else { ": " }
    );
    match outcome(r.verdict, view.deny_review) {
        Outcome::Passed if r.verdict == Verdict::Review => {
            s.push_str(&format!("<system-out>{label}{reason}</system-out>"))
        }
        Outcome::Passed => {}
        Outcome::Failure => s.push_str(&format!(
            "<failure type=\"{}\" message=\"{reason}\">{label}{reason}</failure>",
            r.verdict.as_str()
        )),
        Outcome::Error => s.push_str(&format!(
            "<error type=\"{}\" message=\"{reason}\">{}</error>",
            r.verdict.as_str(),
            escape(
                &r.errors
                    .iter()
                    .map(|e| e.render(lang))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        )),
        Outcome::Skipped => s.push_str(&format!("<skipped message=\"{reason}\"/>")),
    }
    s.push_str("</testcase>\n");
    s
}

/// Counts of one suite.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    time: Duration,
}

impl Counts {
    fn add(&mut self, v: Verdict, n: usize, deny_review: bool) {
        self.tests += n;
        match outcome(v, deny_review) {
            Outcome::Failure => self.failures += n,
            Outcome::Error => self.errors += n,
            Outcome::Skipped => self.skipped += n,
            Outcome::Passed => {}
        }
    }
    fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"",
            self.tests,
            self.failures,
            self.errors,
            self.skipped,
            seconds(self.time)
        )
    }
}

/// The document's opening and closing around the test cases.
fn frame(c: Counts) -> (String, String) {
    let a = c.attributes();
    (
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wagecheck\" {a}>\n<testsuite name=\"wagecheck\" {a}>\n"
        ),
        "</testsuite>\n</testsuites>\n".to_string(),
    )
}

/// JUnit XML: one document with a test case per filing, in a document as in a stream.
pub struct Junit {
    pub view: View,
}

impl Junit {
    fn counts(&self, summary: &super::Summary) -> Counts {
        let mut c = Counts::default();
        for (v, n) in &summary.by_verdict {
            c.add(*v, *n, self.view.deny_review);
        }
        c.time = match self.view.fixed_time {
            Some(t) => t * u32::try_from(summary.total).unwrap_or(u32::MAX),
            None => summary.elapsed,
        };
        c
    }
}

impl super::Printer for Junit {
    fn document(&self, reports: &[Report], lang: Lang, _trace: bool) -> String {
        let cases: String = reports
            .iter()
            .map(|r| testcase(r, lang, self.view))
            .collect();
        let mut c = Counts::default();
        for r in reports {
            c.add(r.verdict, 1, self.view.deny_review);
            c.time += time_of(r, self.view);
        }
        let (head, tail) = frame(c);
        format!("{head}{cases}{tail}")
    }
    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        testcase(r, lang, self.view).into_bytes()
    }
    fn item_messages(&self) -> crate::engine::Messages {
        crate::engine::Messages::Main
    }
    fn begin_reads_summary(&self) -> bool {
        true
    }
    fn begin(&self, summary: &super::Summary, _lang: Lang) -> String {
        frame(self.counts(summary)).0
    }
    fn end(&self, summary: &super::Summary, _lang: Lang) -> String {
        frame(self.counts(summary)).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_agree_with_the_exit_code() {
        for v in [
            Verdict::Pass,
            Verdict::OutOfScope,
            Verdict::Review,
            Verdict::Fail,
            Verdict::Invalid,
        ] {
            for deny in [false, true] {
                let o = outcome(v, deny);
                let fails = matches!(o, Outcome::Failure | Outcome::Error);
                assert_eq!(fails, v.exit_code(deny) != 0, "{v:?} deny={deny}");
            }
        }
        assert_eq!(outcome(Verdict::Invalid, false), Outcome::Error);
        assert_eq!(outcome(Verdict::OutOfScope, false), Outcome::Skipped);
    }
}
