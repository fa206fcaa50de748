//! JUnit XML for CI: one test case per filing; `fail` and `invalid` are failures, `review` is a
//! failure of type `review` (so it shows in any CI), `pass` and `out_of_scope` pass.

use super::Report;
use crate::diag::Lang;
use crate::engine::Verdict;

/// Text as an XML attribute value: every control character made visible, the XML special
/// characters as entities, nothing XML 1.0 forbids (`super::escape::xml`).
pub fn escape(s: &str) -> String {
    super::escape::xml(s)
}

/// One `<testcase>` element.
pub fn testcase(r: &Report, lang: Lang) -> String {
    let name = match r.row {
        Some(row) => format!("{}#{row}", r.source),
        None => r.source.clone(),
    };
    let title = if r.name.is_empty() {
        name.clone()
    } else {
        format!("{} ({})", r.name, name)
    };
    let mut s = format!(
        "  <testcase classname=\"wagecheck\" name=\"{}\">",
        escape(&title)
    );
    match r.verdict {
        Verdict::Pass | Verdict::OutOfScope => {}
        v => s.push_str(&format!(
            "<failure type=\"{}\" message=\"{}\"/>",
            v.as_str(),
            escape(&r.main_reason(lang))
        )),
    }
    s.push_str("</testcase>\n");
    s
}

/// The document's opening and closing around the test cases.
pub fn frame(tests: usize, failures: usize) -> (String, String) {
    (
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"wagecheck\" tests=\"{tests}\" failures=\"{failures}\">\n"
        ),
        "</testsuite>\n</testsuites>\n".to_string(),
    )
}

/// The whole document around the test cases.
pub fn document(cases: &str, tests: usize, failures: usize) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"wagecheck\" tests=\"{tests}\" failures=\"{failures}\">\n{cases}</testsuite>\n</testsuites>\n"
    )
}

/// The verdicts JUnit counts as failures.
const FAILURES: [Verdict; 3] = [Verdict::Review, Verdict::Fail, Verdict::Invalid];

/// JUnit XML: one document with a test case per filing, in a document as in a stream.
pub struct Junit;

impl super::Printer for Junit {
    fn document(&self, reports: &[Report], lang: Lang, _trace: bool) -> String {
        let cases: String = reports.iter().map(|r| testcase(r, lang)).collect();
        let failures = reports
            .iter()
            .filter(|r| FAILURES.contains(&r.verdict))
            .count();
        document(&cases, reports.len(), failures)
    }
    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        testcase(r, lang).into_bytes()
    }
    fn begin_reads_summary(&self) -> bool {
        true
    }
    fn begin(&self, summary: &super::Summary, _lang: Lang) -> String {
        frame(summary.total, summary.with_verdict(&FAILURES)).0
    }
    fn end(&self, summary: &super::Summary, _lang: Lang) -> String {
        frame(summary.total, summary.with_verdict(&FAILURES)).1
    }
}
