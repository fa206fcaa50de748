//! The use case every front end shares: pick the pack for a filing, validate the filing against
//! it, evaluate it and build the report. Nothing here prints; warnings are returned as data.
//!
//! A [`Checker`] is built once (it holds the [`Registry`]), is immutable afterwards, and is
//! `Send + Sync`: share it by reference or clone it (an `Arc` inside) across threads.

pub mod batch;
pub mod catalog;
pub mod compare;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diag::{Diagnostic, Lang, Text};
use crate::engine;
use crate::filing::{self, Filing};
use crate::input::Format;
use crate::pack::{Pack, Registry};
use crate::report::{PackRef, Report};

/// Which pack a filing is checked under.
#[derive(Clone, Debug)]
#[warn(missing_docs)]
pub enum PackChoice {
    /// The built-in pack in force for the filing's jurisdiction on 1 January of its budget year.
    InForce,
    /// One pack, resolved once up front ([`Checker::pack`]), used for every filing even outside
    /// its dates (with a warning).
    Given(Arc<Pack>),
}

/// How to check: everything that may differ between two calls on the same checker.
#[derive(Clone, Copy, Debug)]
#[warn(missing_docs)]
pub struct CheckOptions {
    /// The day the report's receipt names as its evaluation date.
    pub evaluated_on: NaiveDate,
    /// Record each rule's formulas and values (for `explain` and `--trace`).
    pub trace: bool,
    /// Write messages only in this language (the other left empty), or `None` for both.
    pub lang: Option<Lang>,
    /// Which rules' messages to write: all, or only the one a one-line-per-filing format
    /// prints ([`Report::main_reason`]).
    pub messages: engine::Messages,
}

#[warn(missing_docs)]
impl CheckOptions {
    /// No trace, messages in both languages, evaluated on `evaluated_on`.
    pub fn on(evaluated_on: NaiveDate) -> CheckOptions {
        CheckOptions {
            evaluated_on,
            trace: false,
            lang: None,
            messages: engine::Messages::All,
        }
    }
}

/// A report and the warnings met while producing it (for example a pack used outside its
/// dates). The report's own problems are in [`Report::errors`].
#[derive(Clone, Debug)]
#[warn(missing_docs)]
pub struct Checked {
    /// The report: a verdict, or `invalid` with its errors.
    pub report: Report,
    /// Warnings about the check itself, each a [`Diagnostic`] with
    /// [`Severity::Warning`](crate::diag::Severity::Warning).
    pub notices: Vec<Diagnostic>,
}

/// Checks filings against rule packs. Built once, shared across threads.
#[derive(Clone)]
#[warn(missing_docs)]
pub struct Checker {
    registry: Arc<Registry>,
}

impl Default for Checker {
    fn default() -> Checker {
        Checker::builtin()
    }
}

#[warn(missing_docs)]
impl Checker {
    /// A checker over `registry`.
    pub fn new(registry: Arc<Registry>) -> Checker {
        Checker { registry }
    }

    /// A checker over the built-in packs.
    pub fn builtin() -> Checker {
        Checker::new(Arc::new(Registry::new()))
    }

    /// The registry the checker finds packs in.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// A pack named by built-in id or path, resolved once, to check many filings under.
    pub fn pack(&self, spec: &str) -> Result<PackChoice, Vec<Diagnostic>> {
        Ok(PackChoice::Given(self.registry.load(spec)?))
    }

    /// Checks a decoded filing. Never fails: a filing the pack rejects, or one with no pack in
    /// force, is an `invalid` report.
    pub fn check(&self, filing: &Filing, pack: &PackChoice, opts: &CheckOptions) -> Checked {
        let mut notices = Vec::new();
        let report = match self.resolve(filing, pack, &mut notices) {
            Ok(p) => self.evaluate(filing, &p, Arc::new(PackRef::new(&p)), opts),
            Err(r) => r,
        };
        Checked { report, notices }
    }

    /// Checks one filing given as bytes (a request body, standard input) in `format`, named
    /// `name` in the report and its messages.
    pub fn check_bytes(
        &self,
        name: &str,
        bytes: Vec<u8>,
        format: Format,
        pack: &PackChoice,
        opts: &CheckOptions,
    ) -> Checked {
        match filing::read::parse_bytes(name, bytes, format) {
            Ok(f) => self.check(&f, pack, opts),
            Err(errors) => Checked {
                report: Report::invalid(name, errors),
                notices: Vec::new(),
            },
        }
    }

    /// Checks one filing file (TOML, or JSON by its extension).
    pub fn check_path(&self, path: &Path, pack: &PackChoice, opts: &CheckOptions) -> Checked {
        match filing::read_file(path) {
            Ok(f) => self.check(&f, pack, opts),
            Err(errors) => Checked {
                report: Report::invalid(&path.display().to_string(), errors),
                notices: Vec::new(),
            },
        }
    }

    /// The pack a filing is checked under, with a warning in `notices` when a given pack is not
    /// in force for the budget year; `Err` is the filing's own `invalid` report (no
    /// jurisdiction, no pack in force).
    pub fn resolve(
        &self,
        filing: &Filing,
        pack: &PackChoice,
        notices: &mut Vec<Diagnostic>,
    ) -> Result<Arc<Pack>, Report> {
        if let PackChoice::Given(pack) = pack {
            if let Some(n) = out_of_force(filing, pack) {
                notices.push(n);
            }
            return Ok(pack.clone());
        }
        let Some(j) = filing.get("enterprise.jurisdiction").str() else {
            return Err(Report::invalid(
                &filing.source,
                vec![Diagnostic::new(
                    &filing.source,
                    filing.pos("enterprise"),
                    Some("enterprise.jurisdiction"),
                    Text::new(
                        "未填管辖地区，无法选择规则包：请填写 enterprise.jurisdiction 或使用 --rules",
                        "no jurisdiction, so no rule pack can be chosen: give enterprise.jurisdiction or use --rules",
                    ),
                )],
            ));
        };
        self.registry
            .select(j, filing.year())
            .map_err(|mut errors| {
                for e in &mut errors {
                    e.file = filing.source.clone();
                    // The registry names the field at fault (the jurisdiction or the year).
                    let field = e.field.clone().unwrap_or_else(|| "budget.year".into());
                    e.field = Some(field.clone());
                    if let Some(p) = filing.pos(&field) {
                        e.line = Some(p.line);
                        e.column = Some(p.column);
                    }
                }
                Report::invalid(&filing.source, errors)
            })
    }

    /// Validates a filing against its pack and evaluates it: the report, `invalid` or not.
    /// `pack_ref` describes `pack`; a batch builds it once per pack and shares it.
    pub fn evaluate(
        &self,
        filing: &Filing,
        pack: &Pack,
        pack_ref: Arc<PackRef>,
        opts: &CheckOptions,
    ) -> Report {
        let filing = &*catalog::with_catalog_ids(filing, pack);
        let problems = engine::validate(filing, pack);
        if !problems.is_empty() {
            return Report::invalid(&filing.source, problems);
        }
        let eval = engine::evaluate_with(
            filing,
            pack,
            engine::Options { trace: opts.trace },
            opts.lang,
            opts.messages,
        );
        Report::with_pack(filing, pack_ref, eval, opts.evaluated_on)
    }
}

/// The warning for a pack used for a budget year it is not in force in (1 January).
fn out_of_force(filing: &Filing, pack: &Pack) -> Option<Diagnostic> {
    let year = filing.year();
    if NaiveDate::from_ymd_opt(year, 1, 1).is_some_and(|d| pack.in_force_on(d)) {
        return None;
    }
    let until = pack
        .effective_until
        .map(|d| d.to_string())
        .unwrap_or_default();
    let (id, from) = (&pack.id, pack.effective_from);
    Some(
        Diagnostic::new(
            &filing.source,
            filing.pos("budget.year"),
            Some("budget.year"),
            Text::owned(
                format!("规则包 {id} 在 {year} 年 1 月 1 日未生效（有效期 {from}–{until}），按要求仍用其评估"),
                format!("{id} is not in force on {year}-01-01 (in force {from}–{until}); evaluated with it as asked"),
            ),
        )
        .warning(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checker_is_send_and_sync() {
        fn shared<T: Send + Sync + Clone>() {}
        shared::<Checker>();
        shared::<PackChoice>();
    }
}
