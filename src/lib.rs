//! wagecheck: checks Chinese state-owned enterprises' wage-total budget filings against the wage
//! determination rules (国发〔2018〕16号 and local measures such as 本政发〔2019〕5号), and
//! explains every verdict with the clause it rests on.
//!
//! The pipeline, one module a stage: [`input`] reads documents (TOML, JSON, CSV rows) into
//! positioned trees; [`filing`] checks a tree against the filing schema; [`pack`] loads, merges
//! and compiles rule packs written in TOML, whose expressions are [`expr`]; [`engine`] evaluates
//! a filing against a pack; [`check`] is the use case every front end shares (pick the pack,
//! validate, evaluate, report; many filings at once); [`report`] prints reports as a table,
//! JSON, JSON Lines, Markdown or JUnit. The command line (`cli`, feature `cli`, on by default)
//! is a thin front end on top; the library prints nothing.
//!
//! A caller needs the types re-exported here:
//!
//! ```
//! use wagecheck::{CheckOptions, Checker, InputFormat, Lang, PackChoice, Verdict};
//!
//! let checker = Checker::builtin(); // once; share it (it is Send + Sync)
//! let text = std::fs::read("samples/02-over-cap.toml").unwrap();
//! let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
//! let checked = checker.check_bytes("02.toml", text, InputFormat::Toml, &PackChoice::InForce,
//!                                   &CheckOptions::on(day));
//! assert_eq!(checked.report.verdict, Verdict::Fail);
//! let json = wagecheck::report::json::report(&checked.report, Lang::En, false);
//! assert_eq!(json["cap"]["max_wage_total"], "16748000.00");
//! ```

// Diagnostics are the error path, built once per bad input; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod diag;
pub mod engine;
pub mod expr;
pub mod filing;
pub mod input;
pub mod num;
pub mod numform;
pub mod pack;
pub mod packtest;
pub mod report;
#[cfg(feature = "serve")]
pub mod serve;
pub mod template;

pub use check::batch::{BatchOptions, Batched};
pub use check::{CheckOptions, Checked, Checker, PackChoice};
pub use diag::{Diagnostic, Lang, Severity, Text};
pub use engine::{Evaluation, Verdict};
pub use filing::Filing;
pub use input::Format as InputFormat;
pub use pack::Registry;
pub use report::{OutputFormat, Printer, Report, Summary};
