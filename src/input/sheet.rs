//! What CSV and XLSX sheets share: columns named by a header, and the positioned tree of one
//! row. How a header names a field is the caller's business (the filing layer maps labels and
//! units, `filing::columns`); this module only nests dotted paths.

use super::{Entry, Kind, Node};
use crate::diag::Pos;
use crate::numform::Unit;

/// One column: the dotted path its cells fill, and the unit its numbers are written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub path: String,
    pub unit: Option<Unit>,
}

/// How a header becomes a [`Column`]. The default, [`dotted`], takes the header as the path.
pub type HeaderMap = fn(&str) -> Column;

/// A header taken as a dotted path, as written.
pub fn dotted(header: &str) -> Column {
    Column {
        path: header.trim().trim_start_matches('\u{feff}').to_string(),
        unit: None,
    }
}

/// How many dotted parts of a column name become levels of the row's tree; the deepest field
/// is `indicator.1.weight`. Not policy: a bound on the input's shape.
pub const MAX_COLUMN_PARTS: usize = 4;

/// A column's path split at its dots (at most [`MAX_COLUMN_PARTS`] parts: a longer dotted name
/// is no field anyway, and is then reported as unknown instead of nesting once per dot).
pub fn parts(path: &str) -> Vec<String> {
    path.splitn(MAX_COLUMN_PARTS, '.')
        .map(str::to_string)
        .collect()
}

/// Adds one cell to a row's tree at its dotted path.
pub fn insert(table: &mut Vec<Entry>, parts: &[String], pos: Pos, cell: &str) {
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    if rest.is_empty() {
        table.push(Entry {
            key: first.clone(),
            pos,
            value: Node {
                pos,
                kind: Kind::Cell(cell.to_string()),
            },
        });
        return;
    }
    let idx = match table.iter().position(|e| e.key == *first) {
        Some(i) => i,
        None => {
            table.push(Entry {
                key: first.clone(),
                pos,
                value: Node {
                    pos,
                    kind: Kind::Table(Vec::new()),
                },
            });
            table.len() - 1
        }
    };
    if let Kind::Table(t) = &mut table[idx].value.kind {
        insert(t, rest, pos, cell);
    }
}

/// A cell's text with its column's unit written after it (`1260.5` in a 万元 column reads as
/// `1260.5万元`, see [`crate::numform`]). Text that is no number, or already carries a unit,
/// is left alone.
pub fn with_unit(cell: &str, unit: Option<Unit>) -> std::borrow::Cow<'_, str> {
    let Some(unit) = unit.filter(|u| !u.suffix().is_empty()) else {
        return cell.into();
    };
    let f = crate::numform::fold(cell);
    let t = f.trim_end();
    if t.is_empty() || t.ends_with(['元', '万', '%']) || crate::numform::loosen(t).is_none() {
        return cell.into();
    }
    format!("{}{}", cell.trim(), unit.suffix()).into()
}

/// The `A1` name of a 1-based row and column (`C7`).
pub fn a1(row: usize, column: usize) -> String {
    let mut letters = Vec::new();
    let mut c = column;
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", String::from_utf8_lossy(&letters))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_names() {
        assert_eq!(a1(7, 3), "C7");
        assert_eq!(a1(1, 26), "Z1");
        assert_eq!(a1(1, 27), "AA1");
        assert_eq!(a1(1048576, 16384), "XFD1048576");
    }

    #[test]
    fn units_go_with_numbers() {
        assert_eq!(
            with_unit("1260.5", Some(Unit::TenThousandYuan)),
            "1260.5万元"
        );
        assert_eq!(
            with_unit("3850万元", Some(Unit::TenThousandYuan)),
            "3850万元"
        );
        assert_eq!(with_unit("60", Some(Unit::Percent)), "60%");
        assert_eq!(with_unit("一千万", Some(Unit::Yuan)), "一千万");
        assert_eq!(with_unit("12", None), "12");
    }
}
