//! Column headers of a sheet of filings (CSV or XLSX): a dotted field name or the field's label
//! from the schema, optionally followed by a unit in parentheses.
//!
//! `budget.wage_total`, `budget.wage_total（万元）`, `预算工资总额(万元)`, `工资总额（元）`,
//! `指标1名称`, `指标1 权重(%)` and `indicator 1 weight` all name a field. The labels are the
//! schema's ([`schema::FIELDS`], [`schema::ARRAY_LABELS`]); the one source for the JSON
//! Schema titles, the template and the Excel forms.

use super::schema::{self, ARRAY_LABELS, ARRAYS, FIELDS};
pub use crate::input::sheet::Column;
use crate::numform::Unit;

/// Short names people use for a field, besides its label. Kept few and unambiguous: the
/// budget year's figures, as a budget form heads them.
const ALIASES: &[(&str, &str)] = &[
    ("工资总额", "budget.wage_total"),
    ("平均职工人数", "budget.average_headcount"),
    ("统一社会信用代码（18位）", "enterprise.credit_code"),
    ("类别", "enterprise.category"),
    ("企业类别", "enterprise.category"),
];

/// Labels are compared without spaces, separators and case, full-width folded.
fn norm(s: &str) -> String {
    crate::numform::fold(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '_' | '-' | '.' | '、' | ':' | '：'))
        .collect()
}

/// The zh and en label of a column's dotted path (`indicator.2.weight` → `指标2权重`,
/// `indicator 2 weight`); `None` for a path that is not a field.
pub fn label(path: &str) -> Option<(String, String)> {
    if let Some(f) = FIELDS.iter().find(|f| f.path == path) {
        return Some((f.zh.to_string(), f.en.to_string()));
    }
    let mut parts = path.splitn(3, '.');
    let (array, n, field) = (parts.next()?, parts.next()?, parts.next()?);
    let n: usize = n.parse().ok().filter(|n| *n >= 1)?;
    let (_, zh, en) = ARRAY_LABELS.iter().find(|(a, _, _)| *a == array)?;
    let (_, specs) = ARRAYS.iter().find(|(a, _)| *a == array)?;
    let spec = specs.iter().find(|s| s.path == field)?;
    Some((
        format!("{zh}{n}{}", spec.zh),
        format!("{en} {n} {}", spec.en),
    ))
}

/// Splits a trailing unit in parentheses off a header: `工资总额（万元）` → (`工资总额`, 万元).
/// A parenthesis that is no unit stays part of the name (`预算周期（年）` is a label).
fn split_unit(h: &str) -> (&str, Option<Unit>) {
    let t = h.trim_end();
    let close = if t.ends_with(')') {
        Some(('(', ')'))
    } else if t.ends_with('）') {
        Some(('（', '）'))
    } else {
        None
    };
    let Some((open, close)) = close else {
        return (t, None);
    };
    let inner_end = t.len() - close.len_utf8();
    // Either kind of opening parenthesis may pair with either closing one.
    let Some(start) = t[..inner_end].rfind([open, '(', '（']) else {
        return (t, None);
    };
    let opener = t[start..].chars().next().map_or(1, char::len_utf8);
    match Unit::parse(&t[start + opener..inner_end]) {
        Some(u) => (t[..start].trim_end(), Some(u)),
        None => (t, None),
    }
}

/// The column a header names. An unrecognised header is kept as written, so that the filing
/// decoder reports it as an unknown field at its column, with a did-you-mean.
pub fn parse_header(header: &str) -> Column {
    let h = header.trim().trim_start_matches('\u{feff}');
    let (name, unit) = split_unit(h);
    // The label first: a label with its own parentheses (`预算周期（年）`) wins over a unit.
    if let Some(path) = by_label(h) {
        return Column { path, unit: None };
    }
    let path = if name.is_ascii() && name.contains('.') && !name.contains(' ') {
        name.to_string()
    } else {
        by_label(name).unwrap_or_else(|| name.to_string())
    };
    Column { path, unit }
}

/// A field's zh label, en label and path, normalised.
type Names = [String; 3];

/// The schema's labels, names and aliases as [`norm`] makes them, made once: a header is
/// compared with every one of them, and a file's header has dozens of columns.
struct Norms {
    /// Each field's zh label, en label and path, like [`FIELDS`].
    fields: Vec<Names>,
    /// Like [`ALIASES`].
    aliases: Vec<String>,
    /// For each entry of [`ARRAY_LABELS`]: its zh and en prefix, and the zh label, en label and
    /// path of each field of its array (none when no array has that name).
    arrays: Vec<([String; 2], Option<Vec<Names>>)>,
}

fn norms() -> &'static Norms {
    static NORMS: std::sync::OnceLock<Norms> = std::sync::OnceLock::new();
    NORMS.get_or_init(|| Norms {
        fields: FIELDS
            .iter()
            .map(|f| [norm(f.zh), norm(f.en), norm(f.path)])
            .collect(),
        aliases: ALIASES.iter().map(|(a, _)| norm(a)).collect(),
        arrays: ARRAY_LABELS
            .iter()
            .map(|(array, zh, en)| {
                let specs = ARRAYS.iter().find(|(a, _)| a == array).map(|(_, specs)| {
                    specs
                        .iter()
                        .map(|s| [norm(s.zh), norm(s.en), norm(s.path)])
                        .collect()
                });
                ([norm(zh), norm(en)], specs)
            })
            .collect(),
    })
}

fn by_label(name: &str) -> Option<String> {
    let want = norm(name);
    if want.is_empty() {
        return None;
    }
    let norms = norms();
    let is = |n: &Names| n.contains(&want);
    if let Some(i) = norms.fields.iter().position(is) {
        return Some(FIELDS[i].path.to_string());
    }
    if let Some(i) = norms.aliases.iter().position(|a| *a == want) {
        return Some(ALIASES[i].1.to_string());
    }
    // 指标1权重, indicator 1 weight
    for ((array, _, _), (prefixes, specs)) in ARRAY_LABELS.iter().zip(&norms.arrays) {
        for prefix in prefixes {
            let Some(rest) = want.strip_prefix(prefix.as_str()) else {
                continue;
            };
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let Ok(n) = digits.parse::<usize>() else {
                continue;
            };
            let field = &rest[digits.len()..];
            let specs = specs.as_ref()?;
            if let Some(j) = specs.iter().position(|s| s.iter().any(|x| x == field)) {
                let (_, fields) = ARRAYS.iter().find(|(a, _)| a == array)?;
                return Some(format!("{array}.{n}.{}", fields[j].path));
            }
        }
    }
    None
}

/// Every scalar field's column, then `count` indicators' columns: the header row of a sheet of
/// filings as `wagecheck` writes one.
pub fn all_paths(indicators: usize) -> Vec<String> {
    let mut out: Vec<String> = schema::FIELDS.iter().map(|f| f.path.to_string()).collect();
    for n in 1..=indicators {
        for s in schema::INDICATOR_FIELDS {
            out.push(format!("indicator.{n}.{}", s.path));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(h: &str) -> (String, Option<Unit>) {
        let c = parse_header(h);
        (c.path, c.unit)
    }

    #[test]
    fn headers() {
        assert_eq!(p("budget.wage_total"), ("budget.wage_total".into(), None));
        assert_eq!(
            p("budget.wage_total（万元）"),
            ("budget.wage_total".into(), Some(Unit::TenThousandYuan))
        );
        assert_eq!(
            p("工资总额(万元)"),
            ("budget.wage_total".into(), Some(Unit::TenThousandYuan))
        );
        assert_eq!(
            p("预算工资总额（元）"),
            ("budget.wage_total".into(), Some(Unit::Yuan))
        );
        assert_eq!(p("预算周期（年）"), ("budget.period_years".into(), None));
        assert_eq!(p("指标1名称"), ("indicator.1.id".into(), None));
        assert_eq!(
            p("指标2 权重(%)"),
            ("indicator.2.weight".into(), Some(Unit::Percent))
        );
        assert_eq!(
            p("Indicator 1 prior-year value"),
            ("indicator.1.prior".into(), None)
        );
        assert_eq!(p("企业功能分类"), ("enterprise.category".into(), None));
        assert_eq!(p("\u{feff}schema"), ("schema".into(), None));
        assert_eq!(p("不存在的列"), ("不存在的列".into(), None));
        assert_eq!(p("budget.wage_totl"), ("budget.wage_totl".into(), None));
    }

    #[test]
    fn labels_round_trip_and_are_unique() {
        let paths = all_paths(3);
        let mut seen = std::collections::HashSet::new();
        for path in &paths {
            let (zh, en) = label(path).unwrap_or_else(|| panic!("{path}"));
            assert!(seen.insert(norm(&zh)), "duplicate label {zh}");
            assert_eq!(parse_header(&zh).path, *path, "{zh}");
            assert_eq!(parse_header(&en).path, *path, "{en}");
            assert_eq!(
                parse_header(&format!("{zh}（万元）")).path,
                *path,
                "{zh} with a unit"
            );
        }
    }
}
