//! Reports: what a reviewer reads. [`Report`] gathers one filing's result; each output format
//! lives in its own module and prints the same report.

pub mod json;
pub mod junit;
pub mod markdown;
pub mod table;

use crate::diag::{Diagnostic, Lang, Text};
use crate::engine::{Evaluation, Verdict};
use crate::filing::{Filing, FilingKind};
use crate::pack::Pack;

/// The pack a report was evaluated under.
#[derive(Clone, Debug)]
pub struct PackRef {
    pub id: String,
    pub title: Text,
    pub document: String,
    pub chain: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub source: String,
    /// Row number within a CSV source (1-based data row), if any.
    pub row: Option<usize>,
    pub name: String,
    pub credit_code: Option<String>,
    pub category: String,
    pub kind: Option<FilingKind>,
    pub pack: Option<PackRef>,
    pub verdict: Verdict,
    pub eval: Option<Evaluation>,
    pub errors: Vec<Diagnostic>,
}

impl Report {
    pub fn new(filing: &Filing, pack: &Pack, eval: Evaluation) -> Report {
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
            pack: Some(PackRef {
                id: pack.id.clone(),
                title: pack.title.clone(),
                document: pack.document.clone(),
                chain: pack
                    .chain
                    .iter()
                    .map(|l| (l.id.clone(), l.hash.clone()))
                    .collect(),
            }),
            verdict: eval.verdict,
            eval: Some(eval),
            errors: Vec::new(),
        }
    }

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
        }
    }

    /// The one-line reason a reviewer reads first: the first failing rule, else the first to
    /// review, else the first error.
    pub fn main_reason(&self, lang: Lang) -> String {
        if let Some(e) = self.errors.first() {
            return e.render(lang);
        }
        let Some(ev) = &self.eval else {
            return String::new();
        };
        for st in [crate::pack::Status::Fail, crate::pack::Status::Review] {
            if let Some(r) = ev.rules.iter().find(|r| r.status == st) {
                return format!("{} [{}]: {}", r.id, r.clause, r.message.get(lang));
            }
        }
        String::new()
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Jsonl,
    Markdown,
    Junit,
}
