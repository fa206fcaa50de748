//! The names an expression in a pack may use, resolved to slots at load time.
//!
//! Filing fields come from the schema; parameters, tables and quantities from the pack; a few
//! derived values are computed by the engine from the filing and the pack's catalog (growth
//! rates with each indicator's direction, catalog membership); and a few are results of earlier
//! stages (`required_regime`, `cleared_wage_total`) that only rules may use.

use std::collections::HashMap;

use crate::expr::{Scope, Type};
use crate::filing::schema::{self, FieldType};

/// Values the engine derives from the filing and the catalog (mechanism, not policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derived {
    /// `indicator.growth`: each indicator's growth, budget vs prior, in its catalog direction.
    IndicatorGrowth,
    /// `indicator.main_count`: indicators on the catalog's main list for the category.
    IndicatorMainCount,
    /// `indicator.unlisted`: ids on neither the main nor the additional list for the category.
    IndicatorUnlisted,
    /// `labor_cost.advantage`: relative advantage of the prior ratio over the industry average,
    /// in the catalog direction of its kind (positive = better).
    LaborCostAdvantage,
}

/// Results of earlier stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    RequiredRegime,
    ClearedWageTotal,
    EffectiveFrom,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotKind {
    Field(usize),
    IndicatorList(usize),
    AdjustmentList(usize),
    Derived(Derived),
    Param(usize),
    Quantity(usize),
    Special(Special),
}

#[derive(Clone, Debug)]
pub struct SlotInfo {
    pub name: String,
    pub ty: Type,
    pub kind: SlotKind,
}

#[derive(Clone, Debug)]
pub struct TableInfo {
    pub name: String,
    pub key: Type,
    pub value: Type,
}

/// The registry of names; implements [`Scope`] for a given stage.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub slots: Vec<SlotInfo>,
    pub tables: Vec<TableInfo>,
    /// foldhash, not SipHash (names are looked up while every pack compiles).
    by_name: HashMap<String, u32, foldhash::fast::RandomState>,
}

pub fn field_type(ty: FieldType) -> Type {
    match ty {
        FieldType::Text | FieldType::Enum(_) => Type::Str,
        FieldType::Bool => Type::Bool,
        FieldType::Date => Type::Date,
        FieldType::EnumList(_) => Type::StrList,
        FieldType::YearList => Type::NumList,
        FieldType::Ratio
        | FieldType::Amount
        | FieldType::SignedAmount
        | FieldType::Headcount
        | FieldType::Year
        | FieldType::PositiveWhole
        | FieldType::Whole => Type::Num,
    }
}

fn list_of(ty: FieldType) -> Type {
    match field_type(ty) {
        Type::Str => Type::StrList,
        _ => Type::NumList,
    }
}

impl Names {
    /// Filing fields, indicator and adjustment lists, derived values and specials.
    pub fn with_filing() -> Names {
        let mut n = Names::default();
        for (i, f) in schema::FIELDS.iter().enumerate() {
            n.add(f.path, field_type(f.ty), SlotKind::Field(i));
        }
        for (i, f) in schema::INDICATOR_FIELDS.iter().enumerate() {
            n.add(
                &format!("indicator.{}", f.path),
                list_of(f.ty),
                SlotKind::IndicatorList(i),
            );
        }
        for (i, f) in schema::ADJUSTMENT_FIELDS.iter().enumerate() {
            n.add(
                &format!("adjustment.{}", f.path),
                list_of(f.ty),
                SlotKind::AdjustmentList(i),
            );
        }
        n.add(
            "indicator.growth",
            Type::NumList,
            SlotKind::Derived(Derived::IndicatorGrowth),
        );
        n.add(
            "indicator.main_count",
            Type::Num,
            SlotKind::Derived(Derived::IndicatorMainCount),
        );
        n.add(
            "indicator.unlisted",
            Type::StrList,
            SlotKind::Derived(Derived::IndicatorUnlisted),
        );
        n.add(
            "labor_cost.advantage",
            Type::Num,
            SlotKind::Derived(Derived::LaborCostAdvantage),
        );
        n.add(
            "pack.effective_from",
            Type::Date,
            SlotKind::Special(Special::EffectiveFrom),
        );
        n.add(
            "required_regime",
            Type::Str,
            SlotKind::Special(Special::RequiredRegime),
        );
        n.add(
            "cleared_wage_total",
            Type::Num,
            SlotKind::Special(Special::ClearedWageTotal),
        );
        n
    }

    pub fn add(&mut self, name: &str, ty: Type, kind: SlotKind) -> u32 {
        let id = self.slots.len() as u32;
        self.slots.push(SlotInfo {
            name: name.to_string(),
            ty,
            kind,
        });
        self.by_name.insert(name.to_string(), id);
        id
    }

    pub fn add_table(&mut self, name: &str, key: Type, value: Type) -> u32 {
        self.tables.push(TableInfo {
            name: name.to_string(),
            key,
            value,
        });
        (self.tables.len() - 1) as u32
    }

    pub fn slot(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }

    pub fn info(&self, slot: u32) -> &SlotInfo {
        &self.slots[slot as usize]
    }

    /// A scope for one stage of evaluation.
    pub fn scope(&self, stage: Stage) -> StageScope<'_> {
        StageScope { names: self, stage }
    }
}

/// What an expression may see depends on when it is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Quantities, regime steps, the cap: no results of later stages.
    Quantities,
    /// Rules and messages: everything.
    Rules,
}

pub struct StageScope<'a> {
    names: &'a Names,
    stage: Stage,
}

impl StageScope<'_> {
    fn visible(&self, s: &SlotInfo) -> bool {
        !(self.stage == Stage::Quantities
            && matches!(
                s.kind,
                SlotKind::Special(Special::RequiredRegime | Special::ClearedWageTotal)
            ))
    }
}

impl Scope for StageScope<'_> {
    fn resolve(&self, name: &str) -> Option<(u32, Type)> {
        let id = self.names.slot(name)?;
        let s = self.names.info(id);
        self.visible(s).then(|| (id, s.ty.clone()))
    }

    fn resolve_table(&self, name: &str) -> Option<(u32, Type, Type)> {
        self.names
            .tables
            .iter()
            .position(|t| t.name == name)
            .map(|i| {
                let t = &self.names.tables[i];
                (i as u32, t.key.clone(), t.value.clone())
            })
    }

    fn candidates(&self) -> Vec<String> {
        self.names
            .slots
            .iter()
            .filter(|s| self.visible(s))
            .map(|s| s.name.clone())
            .chain(self.names.tables.iter().map(|t| t.name.clone()))
            .collect()
    }
}
