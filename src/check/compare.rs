//! Comparing two packs on the same filings: which filings change verdict, cap
//! (`max_wage_total`) or required regime, and by how much.

use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::engine::{self, Options, Verdict};
use crate::filing::Filing;
use crate::filing::read::{self, Item};
use crate::pack::Pack;

/// One filing's result under one pack.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub verdict: Verdict,
    pub max_wage_total: Option<Decimal>,
    pub binding_rule: Option<String>,
    pub required_regime: Option<String>,
}

/// A filing whose result differs between the packs.
#[derive(Clone, Debug)]
pub struct Change {
    pub source: String,
    pub row: Option<usize>,
    pub name: String,
    pub a: Side,
    pub b: Side,
}

impl Change {
    pub fn verdict_changed(&self) -> bool {
        self.a.verdict != self.b.verdict
    }
    pub fn cap_changed(&self) -> bool {
        self.a.max_wage_total != self.b.max_wage_total
    }
    pub fn regime_changed(&self) -> bool {
        self.a.required_regime != self.b.required_regime
    }
    /// `b − a` of the cap, where both have one.
    pub fn cap_delta(&self) -> Option<Decimal> {
        Some(self.b.max_wage_total? - self.a.max_wage_total?)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Comparison {
    pub filings: usize,
    /// Filings that could not be read at all (invalid under either pack).
    pub invalid: Vec<String>,
    pub changes: Vec<Change>,
    /// Why each filing is invalid: every error with its file, line, column and field (read
    /// errors, and a pack's validation errors for a filing invalid under one pack).
    pub errors: Vec<crate::diag::Diagnostic>,
    /// Paths the directory walk did not read, with the reason.
    pub skipped: Vec<crate::input::walk::Skipped>,
}

impl Comparison {
    pub fn count(&self, f: impl Fn(&Change) -> bool) -> usize {
        self.changes.iter().filter(|c| f(c)).count()
    }
}

fn side(filing: &Filing, pack: &Pack, errors: &mut Vec<crate::diag::Diagnostic>) -> Side {
    let filing = &*super::catalog::with_catalog_ids(filing, pack);
    let problems = engine::validate(filing, pack);
    if !problems.is_empty() {
        errors.extend(problems);
        return Side {
            verdict: Verdict::Invalid,
            max_wage_total: None,
            binding_rule: None,
            required_regime: None,
        };
    }
    let ev = engine::evaluate(filing, pack, Options::default());
    Side {
        verdict: ev.verdict,
        max_wage_total: ev.cap.as_ref().map(|c| c.max_wage_total),
        binding_rule: ev.cap.as_ref().map(|c| c.binding_rule.clone()),
        required_regime: ev.regime.required.as_deref().map(str::to_string),
    }
}

/// Evaluates every filing of `paths` under both packs, one filing at a time; directories
/// are walked as `walk` says.
pub fn compare(
    paths: &[PathBuf],
    walk: &crate::input::walk::Walk,
    a: &Pack,
    b: &Pack,
) -> Comparison {
    let mut out = Comparison::default();
    out.skipped = read::for_each_walked(paths, walk, crate::input::Format::Toml, |raw| {
        // A notice (a CSV decoded from GBK) is no filing.
        let Some(item) = raw.into_item() else {
            return;
        };
        out.filings += 1;
        match item {
            Item::Filing { filing, row } => {
                let sa = side(&filing, a, &mut out.errors);
                let sb = side(&filing, b, &mut out.errors);
                let changed = sa.verdict != sb.verdict
                    || sa.max_wage_total != sb.max_wage_total
                    || sa.required_regime != sb.required_regime;
                if changed {
                    out.changes.push(Change {
                        source: filing.source.clone(),
                        row,
                        name: filing.name().to_string(),
                        a: sa,
                        b: sb,
                    });
                }
            }
            Item::Invalid {
                source,
                row,
                errors,
            } => {
                out.errors.extend(errors);
                out.invalid.push(match row {
                    Some(r) => format!("{source}#{r}"),
                    None => source,
                });
            }
        }
    });
    out
}
