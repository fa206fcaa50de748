//! Typed decoding of CSV rows: a header resolved once into a [`Plan`] (each column's field slot,
//! its type and its unit), then each row decoded straight into a [`Filing`]'s slots, with no
//! tree, no map keyed by name and no path built unless an error names one.
//!
//! A row decodes exactly as its tree would ([`super::decode`] over the row's
//! [`Node`](crate::input::Node) tree, which stays for workbooks, and which the tests compare this
//! with): the same values, and the same errors, at the same places, in the same order.

use super::{
    Decoder, Filing, Src, decode_cell_fast, decode_field, item_path, missing_item_fields,
    numbering_gap, put, schema, settle, too_many_items, trim_cell,
};
use crate::diag::{Diagnostic, Pos};
use crate::numform::Unit;

/// Where one column's cells go.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// A scalar field, by its index in [`schema::FIELDS`]; `table` is the index of its table
    /// in [`schema::TABLES`] (none for `schema` and `kind`).
    Field { slot: usize, table: Option<usize> },
    /// Field `field` of an item of array `array` ([`schema::ARRAYS`]); `rank` is the item's
    /// place among the numbers the header uses for that array, in increasing order.
    Item {
        array: usize,
        rank: usize,
        field: usize,
    },
}

#[derive(Clone, Copy, Debug)]
struct Col {
    target: Target,
    unit: Option<Unit>,
}

/// A CSV header resolved against the schema, once per file.
#[derive(Debug)]
pub struct Plan {
    cols: Vec<Col>,
    /// The columns of items of arrays, in increasing order.
    item_cols: Vec<usize>,
    /// For each array, the item numbers its columns use (`indicator.3.…` is 3), increasing.
    numbers: [Vec<usize>; 2],
}

impl Plan {
    /// The plan of a header whose columns map to `paths` (as [`super::columns::parse_header`]
    /// maps them) in `units`. `None` when a column is no field of the schema, a field is named
    /// twice, or an item number is not written plainly (`indicator.01.id`): such a header is
    /// refused before any row is read (`read::check_header`), or read through the row's tree.
    pub fn new(paths: &[String], units: &[Option<Unit>]) -> Option<Plan> {
        if paths.len() != units.len() {
            return None;
        }
        let mut targets = Vec::with_capacity(paths.len());
        let mut numbers: [Vec<usize>; 2] = Default::default();
        for path in paths {
            targets.push(match schema::field_index(path) {
                Some(slot) => {
                    let table = match path.split_once('.') {
                        None => None,
                        Some((t, _)) => Some(schema::TABLES.iter().position(|x| *x == t)?),
                    };
                    (Some(slot), table, 0, 0)
                }
                None => {
                    let mut parts = path.splitn(3, '.');
                    let (array, n, field) = (parts.next()?, parts.next()?, parts.next()?);
                    let a = schema::ARRAYS.iter().position(|(x, _)| *x == array)?;
                    let j = schema::ARRAYS[a].1.iter().position(|s| s.path == field)?;
                    if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    let n: usize = n.parse().ok()?;
                    numbers[a].push(n);
                    (None, Some(a), n, j)
                }
            });
        }
        for list in &mut numbers {
            list.sort_unstable();
            list.dedup();
        }
        let mut cols = Vec::with_capacity(targets.len());
        for (&(slot, group, n, j), unit) in targets.iter().zip(units) {
            let target = match slot {
                Some(slot) => Target::Field { slot, table: group },
                None => {
                    let array = group?;
                    let rank = numbers[array].binary_search(&n).ok()?;
                    Target::Item {
                        array,
                        rank,
                        field: j,
                    }
                }
            };
            cols.push(Col {
                target,
                // A unit with nothing to write after a number is none.
                unit: unit.filter(|u| !u.suffix().is_empty()),
            });
        }
        // A field named twice is refused with the header; never decoded here.
        let mut seen = std::collections::HashSet::new();
        for c in &cols {
            let key = match c.target {
                Target::Field { slot, .. } => (usize::MAX, slot, 0),
                Target::Item { array, rank, field } => (array, rank, field),
            };
            if !seen.insert(key) {
                return None;
            }
        }
        let item_cols = (cols.iter().enumerate())
            .filter(|(_, c)| matches!(c.target, Target::Item { .. }))
            .map(|(i, _)| i)
            .collect();
        Some(Plan {
            cols,
            item_cols,
            numbers,
        })
    }

    /// Decodes one row (its cells in column order, read on line `line`) into a filing, or
    /// every error found, named in `file`.
    pub fn decode<'c>(
        &self,
        file: &str,
        cells: impl Iterator<Item = &'c str> + Clone,
        line: usize,
    ) -> Result<Filing, Vec<Diagnostic>> {
        let mut out = Filing::empty();
        self.decode_into(file, cells, line, &mut out)?;
        Ok(out)
    }

    /// [`Plan::decode`] into `out`, a filing decoded before (or [`Filing::empty`]), whose
    /// buffers it reuses: `out` is then the filing [`Plan::decode`] returns, or, when the row
    /// has errors, something to decode into again (never a filing to use).
    pub fn decode_into<'c>(
        &self,
        file: &str,
        cells: impl Iterator<Item = &'c str> + Clone,
        line: usize,
        out: &mut Filing,
    ) -> Result<(), Vec<Diagnostic>> {
        let at = |i: usize| Pos {
            line,
            column: i + 1,
        };
        out.reset();
        let mut d = Decoder {
            file,
            errors: Vec::new(),
            positions: std::mem::take(&mut out.positions),
        };
        let spare = out.spare.get();
        // Which items each array has in this row (an item with every cell empty is not
        // there), where each starts, and where the array starts: its first cell written.
        let mut starts = std::mem::take(&mut spare.starts);
        for (a, s) in starts.iter_mut().enumerate() {
            s.clear();
            s.resize(self.numbers[a].len(), None);
        }
        let mut array_at: [Option<Pos>; 2] = [None; 2];
        // Only the items' columns, the others skipped unread.
        let mut item_cells = cells.clone();
        let mut next = 0;
        for &i in &self.item_cols {
            let Some(cell) = item_cells.nth(i - next) else {
                break;
            };
            next = i + 1;
            if let Target::Item { array, rank, .. } = self.cols[i].target
                && !trim_cell(cell).is_empty()
            {
                starts[array][rank].get_or_insert(at(i));
                array_at[array].get_or_insert(at(i));
            }
        }
        // Each item's index in the filing (its rank among the items present); an array whose
        // numbering has a gap, or that has too many items, is not read at all.
        let mut index = std::mem::take(&mut spare.index);
        let mut read = [true; 2];
        let mut counts = [0usize; 2];
        for a in 0..2 {
            index[a].clear();
            index[a].resize(self.numbers[a].len(), usize::MAX);
            for (rank, start) in starts[a].iter().enumerate() {
                let Some(start) = *start else { continue };
                let k = counts[a];
                let n = self.numbers[a][rank];
                if n != k + 1 {
                    numbering_gap(&mut d, a, start, n, k + 1);
                    read[a] = false;
                    break;
                }
                index[a][rank] = k;
                counts[a] += 1;
            }
            if read[a] && counts[a] > schema::MAX_ARRAY_ITEMS {
                too_many_items(&mut d, a, array_at[a].unwrap_or(at(0)), counts[a]);
                read[a] = false;
            }
            if !read[a] {
                counts[a] = 0;
            }
        }

        // `reset` left every field absent and no item.
        let fields = &mut out.fields;
        let mut items = [
            std::mem::take(&mut out.indicators),
            std::mem::take(&mut out.adjustments),
        ];
        for (a, list) in items.iter_mut().enumerate() {
            for _ in 0..counts[a] {
                list.push(spare.item(schema::ARRAYS[a].1.len()));
            }
            // Every item counted has a cell written (which sets its position below).
            d.positions.items[a].resize(counts[a], Default::default());
        }
        for (i, (col, cell)) in self.cols.iter().zip(cells).enumerate() {
            let cell = trim_cell(cell);
            if cell.is_empty() {
                continue; // an empty cell is an absent field
            }
            let pos = at(i);
            let text = match col.unit {
                None => std::borrow::Cow::Borrowed(cell),
                unit => crate::input::sheet::with_unit(cell, unit),
            };
            match col.target {
                Target::Field { slot, table } => {
                    if let Some(t) = table {
                        d.positions.first_table(t, pos);
                    }
                    let spec = &schema::FIELDS[slot];
                    // Each slot is written once (the plan has no field twice), over `Absent`.
                    if let Some(v) = decode_cell_fast(spec, &text, spare) {
                        put(&mut fields[slot], v);
                    } else if let Err(msg) = decode_field(spec, Src::Cell(&text), &mut fields[slot])
                    {
                        d.err(pos, spec.path, msg);
                    }
                    d.positions.set_field(slot, pos);
                }
                Target::Item { array, rank, field } => {
                    if !read[array] {
                        continue;
                    }
                    let k = index[array][rank];
                    let spec = &schema::ARRAYS[array].1[field];
                    let out = &mut items[array][k][field];
                    if let Some(v) = decode_cell_fast(spec, &text, spare) {
                        put(out, v);
                    } else if let Err(msg) = decode_field(spec, Src::Cell(&text), out) {
                        d.err(pos, &item_path(array, k, field), msg);
                    }
                    let p = &mut d.positions.items[array][k];
                    p.at.get_or_insert(pos);
                    p.fields[field] = Some(pos);
                }
            }
        }
        spare.starts = starts;
        spare.index = index;
        for (a, values) in items.iter().enumerate() {
            for (k, v) in values.iter().enumerate() {
                let at = d.positions.item(a, k).and_then(|p| p.at).unwrap_or(at(0));
                missing_item_fields(&mut d, a, k, at, v);
            }
        }
        let [mut indicators, adjustments] = items;
        let settled = settle(&mut d, at(0), fields, &mut indicators, &adjustments);
        out.indicators = indicators;
        out.adjustments = adjustments;
        out.positions = d.positions;
        if settled.is_ok() {
            out.source.clear();
            out.source.push_str(file);
        }
        settled
    }
}
