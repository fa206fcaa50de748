//! Catalog names where a filing expects an id: a spreadsheet user writes what the pack's
//! catalog calls an indicator or a measure (`利润总额`), and the pack tells which id that is.

use std::borrow::Cow;

use crate::filing::{FieldValue, Filing, slot};
use crate::pack::{CatalogEntry, Pack};

/// The slots of the fields that may hold a catalog name.
const PRODUCTIVITY_KIND: usize = slot("productivity.kind");
const LABOR_COST_KIND: usize = slot("labor_cost.kind");

/// The filing with catalog names written where an id is expected replaced by the id
/// (`利润总额` → `profit_total`, matched against the pack's catalog names in Chinese or
/// English): a spreadsheet user writes what the catalog calls the indicator. Borrowed when
/// every id is already an id.
pub fn with_catalog_ids<'a>(filing: &'a Filing, pack: &Pack) -> Cow<'a, Filing> {
    let find = |entries: &[CatalogEntry], v: &str| -> Option<String> {
        if entries.iter().any(|e| e.id == v) {
            return None;
        }
        let v = v.trim();
        entries
            .iter()
            .find(|e| e.text.zh == v || e.text.en.eq_ignore_ascii_case(v))
            .map(|e| e.id.clone())
    };
    let mut out = Cow::Borrowed(filing);
    for i in 0..filing.indicators.len() {
        if let Some(id) = filing.indicators[i][0]
            .str()
            .and_then(|v| find(&pack.catalog.indicators, v))
        {
            out.to_mut().indicators[i][0] = FieldValue::Str(id.into());
        }
    }
    for (i, entries) in [
        (PRODUCTIVITY_KIND, &pack.catalog.productivity),
        (LABOR_COST_KIND, &pack.catalog.labor_cost),
    ] {
        if let Some(id) = filing.fields[i].str().and_then(|v| find(entries, v)) {
            out.to_mut().fields[i] = FieldValue::Str(id.into());
        }
    }
    out
}
