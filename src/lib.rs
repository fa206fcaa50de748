//! wagecheck: checks Chinese state-owned enterprises' wage-total budget filings against the wage
//! determination rules (国发〔2018〕16号 and local measures such as 本政发〔2019〕5号), and
//! explains every verdict with the clause it rests on.
//!
//! The pipeline, one module a stage: [`input`] reads documents (TOML, JSON, CSV rows) into positioned trees;
//! [`filing`] checks a tree against the filing schema; [`pack`] loads, merges and compiles rule
//! packs written in TOML, whose expressions are [`expr`]; [`engine`] evaluates a filing against a
//! pack; [`report`] builds the report and prints it as a table, JSON or Markdown; [`cli`] is the
//! thin command line on top.

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
pub mod pack;
pub mod packtest;
pub mod report;
pub mod template;
