//! Rule packs: policy as TOML (spec/packs.md), loaded, merged along `extends`, checked and
//! compiled once, then evaluated against many filings.

pub mod analysis;
pub mod compile;
pub mod layer;
pub mod lint;
pub mod names;
pub mod registry;
pub mod scaffold;
mod snapshot;

use chrono::NaiveDate;

use crate::diag::Text;
use crate::expr::{self, Compiled, Type, Value};
use names::Names;

pub use registry::Registry;

/// A rule's status (spec/rules.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    NotApplicable,
    Advisory,
    Review,
    Fail,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "pass" => Status::Pass,
            "not_applicable" => Status::NotApplicable,
            "advisory" => Status::Advisory,
            "review" => Status::Review,
            "fail" => Status::Fail,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::NotApplicable => "not_applicable",
            Status::Advisory => "advisory",
            Status::Review => "review",
            Status::Fail => "fail",
        }
    }
    pub fn label(self) -> Text {
        match self {
            Status::Pass => Text::new("通过", "pass"),
            Status::NotApplicable => Text::new("不适用", "not applicable"),
            Status::Advisory => Text::new("提示", "advisory"),
            Status::Review => Text::new("需复核", "review"),
            Status::Fail => Text::new("不通过", "fail"),
        }
    }
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Review,
        Status::Advisory,
        Status::NotApplicable,
    ];
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub value: Value,
    pub ty: Type,
    pub text: Text,
    pub source: Option<String>,
    pub layer: String,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub text: Text,
    pub source: Option<String>,
    /// Rows by whole-number key (a year), ascending.
    pub rows: Vec<(i64, Value, String)>,
}

#[derive(Clone, Debug)]
pub struct Quantity {
    pub name: String,
    pub slot: u32,
    pub expr: Compiled,
    pub text: Text,
    pub layer: String,
}

#[derive(Clone, Debug)]
pub struct Trigger {
    pub id: String,
    pub when: Compiled,
    pub text: Text,
}

#[derive(Clone, Debug)]
pub struct Note {
    pub when: Compiled,
    pub text: Text,
}

#[derive(Clone, Debug)]
pub enum Check {
    /// An upper bound on the growth of the cap's subject over its base (`≤`, or `<` when strict).
    Bound { expr: Compiled, strict: bool },
    /// A condition that must hold.
    Require(Compiled),
}

/// A piece of a message template.
#[derive(Clone, Debug)]
pub enum Piece {
    Lit(String),
    Slot {
        slot: u32,
        format: Format,
    },
    /// Values the rule computes itself: `bound`, `allowed_total`, `triggers`.
    Own {
        name: String,
        format: Format,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Plain,
    Percent,
    Money,
}

#[derive(Clone, Debug, Default)]
pub struct Template {
    pub zh: Vec<Piece>,
    pub en: Vec<Piece>,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub clause: String,
    pub title: Text,
    pub layers: Vec<String>,
    pub budget: bool,
    pub annual_return: bool,
    pub when: Option<Compiled>,
    pub triggers: Vec<Trigger>,
    pub check: Option<Check>,
    pub on_violation: Status,
    pub review_when: Option<Compiled>,
    pub pass_status: Status,
    pub on_unknown: Status,
    /// When this rule applies, these rules' bounds leave the cap.
    pub supersedes: Vec<String>,
    /// A violation takes the whole report out of scope.
    pub gate_scope: bool,
    /// What every other rule says when this gate fails (set exactly when `gate_scope` is).
    pub gate_message: Option<Text>,
    pub message: Template,
    pub notes: Vec<Note>,
    /// Statuses this rule can reach, for coverage.
    pub reachable: Vec<Status>,
}

#[derive(Clone, Debug)]
pub struct RegimeStep {
    pub id: String,
    pub from: Option<String>,
    pub to: String,
    pub when: Compiled,
    pub text: Text,
}

#[derive(Clone, Debug, Default)]
pub struct Regime {
    pub values: Vec<String>,
    pub steps: Vec<RegimeStep>,
}

#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub id: String,
    pub text: Text,
    /// Higher is better (false: lower is better, 逆向指标).
    pub higher_is_better: bool,
    pub main: Vec<String>,
    pub additional: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub indicators: Vec<CatalogEntry>,
    pub productivity: Vec<CatalogEntry>,
    pub labor_cost: Vec<CatalogEntry>,
}

impl Catalog {
    pub fn indicator(&self, id: &str) -> Option<&CatalogEntry> {
        self.indicators.iter().find(|e| e.id == id)
    }
}

/// The cap: which amount grows over which base, and the growth quantity it bounds.
#[derive(Clone, Debug)]
pub struct CapSpec {
    pub subject: Compiled,
    pub base: Compiled,
    pub growth: Compiled,
}

/// How an annual return is cleared: the linkage rules re-run with actual values in place of
/// the budget values, and the amount to recover.
#[derive(Clone, Debug)]
pub struct Clearing {
    /// (target slot, expression): when clearing, the target takes the expression's value,
    /// every expression evaluated on the filing as written (before any substitution).
    pub substitute: Vec<(u32, Compiled)>,
    pub to_recover: Compiled,
}

#[derive(Clone, Debug)]
pub struct Layer {
    pub id: String,
    pub file: String,
    /// FNV-1a 64 of the pack file's bytes, for the report's receipt.
    pub hash: String,
}

/// A loaded, merged, checked and compiled pack.
#[derive(Clone, Debug)]
pub struct Pack {
    pub id: String,
    pub title: Text,
    pub document: String,
    pub issuer: Text,
    pub jurisdiction: String,
    pub extends: Option<String>,
    pub effective_from: NaiveDate,
    pub effective_until: Option<NaiveDate>,
    /// Root first, this pack last.
    pub chain: Vec<Layer>,
    pub names: Names,
    pub params: Vec<Param>,
    pub tables: Vec<Table>,
    pub quantities: Vec<Quantity>,
    pub rules: Vec<Rule>,
    pub regime: Regime,
    pub catalog: Catalog,
    pub cap: CapSpec,
    pub clearing: Option<Clearing>,
    /// The pack prepared for evaluation, once per load (built last by the compiler).
    pub program: std::sync::Arc<crate::engine::Program>,
}

impl Pack {
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_until.is_none_or(|u| day <= u)
    }
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The parameters a rule reads, directly or through quantities, in first-use order: for
    /// `explain` and the JSON trace, with the layer each value came from.
    pub fn params_used(&self, rule: &Rule) -> Vec<&Param> {
        let mut exprs: Vec<&Compiled> = Vec::new();
        exprs.extend(rule.when.iter());
        exprs.extend(rule.triggers.iter().map(|t| &t.when));
        if let Some(Check::Bound { expr, .. } | Check::Require(expr)) = &rule.check {
            exprs.push(expr);
        }
        exprs.extend(rule.review_when.iter());
        let mut seen: Vec<u32> = Vec::new();
        let mut out: Vec<&Param> = Vec::new();
        while let Some(e) = exprs.pop() {
            for (_, r) in e.refs() {
                let expr::NameRef::Slot(slot) = r else {
                    continue;
                };
                if seen.contains(&slot) {
                    continue;
                }
                seen.push(slot);
                match self.names.slots.get(slot as usize).map(|s| s.kind) {
                    Some(names::SlotKind::Param(i)) => out.extend(self.params.get(i)),
                    Some(names::SlotKind::Quantity(i)) => {
                        exprs.extend(self.quantities.get(i).map(|q| &q.expr))
                    }
                    _ => {}
                }
            }
        }
        out.sort_by_key(|p| self.params.iter().position(|x| x.name == p.name));
        out
    }
}
