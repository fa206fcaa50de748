//! The page's form as data: the values a browser posts (`budget.wage_total`,
//! `indicator.2.weight`, …) written as a TOML filing, and a decoded filing read back into
//! such values (to show an uploaded filing in the form, or to download it as TOML).

use crate::filing::schema::{ARRAYS, FIELDS, FieldSpec, FieldType, SCHEMA_ID, TABLES};
use crate::filing::{FieldValue, Filing};

/// The form's values in the order posted; a key may repeat (a list of checkboxes). Keys
/// starting with `_` are the page's own controls.
pub type Values = Vec<(String, String)>;

pub fn get<'a>(values: &'a [(String, String)], key: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

pub fn get_all<'a>(values: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    values
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// A TOML basic string: JSON's escapes are TOML's, but for DEL, which TOML refuses raw.
fn quote(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace('\u{7f}', "\\u007F")
}

/// A TOML number when the text is a plain decimal TOML reads as written, else a string (the
/// decoder reads numbers from strings too, and says what is wrong with one that is not).
fn number(s: &str) -> String {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let int_ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'));
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if int_ok && frac_ok {
        s.to_string()
    } else {
        quote(s)
    }
}

fn split_list(s: &str) -> Vec<&str> {
    s.split(|c: char| matches!(c, ';' | ',' | '，' | '；' | '、') || c.is_whitespace())
        .filter(|x| !x.is_empty())
        .collect()
}

/// One value as TOML, by the field's type; `None` when the form left it empty.
fn value(ty: FieldType, all: &[&str]) -> Option<String> {
    let first = all.first().map(|s| s.trim()).unwrap_or("");
    match ty {
        FieldType::EnumList(opts) if !opts.is_empty() => {
            // Checkboxes post one value each; a typed list is split like any other.
            let items: Vec<String> = all.iter().flat_map(|s| split_list(s)).map(quote).collect();
            // A checkbox list that is posted at all was answered: none ticked is `[]`.
            (!all.is_empty()).then(|| format!("[{}]", items.join(", ")))
        }
        _ if first.is_empty() => None,
        FieldType::EnumList(_) => Some(format!(
            "[{}]",
            split_list(first)
                .into_iter()
                .map(quote)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        FieldType::YearList => Some(format!(
            "[{}]",
            split_list(first)
                .into_iter()
                .map(number)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        FieldType::Bool => Some(match first {
            "true" | "false" => first.to_string(),
            other => quote(other),
        }),
        FieldType::Date => Some(match chrono::NaiveDate::parse_from_str(first, "%Y-%m-%d") {
            Ok(d) if d.to_string() == first => first.to_string(),
            _ => quote(first),
        }),
        FieldType::Text | FieldType::Enum(_) => Some(quote(first)),
        FieldType::Ratio
        | FieldType::Amount
        | FieldType::SignedAmount
        | FieldType::Headcount
        | FieldType::Year
        | FieldType::PositiveWhole
        | FieldType::Whole => Some(number(first)),
    }
}

/// Whether a checkbox list was part of the posted form (it posts a marker `_list.PATH`), so
/// "none ticked" differs from "not asked".
fn answered<'a>(values: &'a [(String, String)], path: &str) -> Vec<&'a str> {
    let mut all = get_all(values, path);
    if all.is_empty() && get(values, &format!("_list.{path}")).is_some() {
        all.push("");
    }
    all
}

/// The row numbers of an array posted (`indicator.3.id` → 3), ascending, without rows left
/// wholly empty.
pub fn rows(values: &[(String, String)], name: &str) -> Vec<usize> {
    let prefix = format!("{name}.");
    let mut out: Vec<usize> = values
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .filter_map(|(k, _)| k.strip_prefix(&prefix)?.split('.').next()?.parse().ok())
        .filter(|n| *n >= 1)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The form written as a TOML filing: only what was filled in, rows renumbered from 1.
pub fn to_toml(values: &[(String, String)]) -> String {
    let mut out = format!("schema = {}\n", quote(SCHEMA_ID));
    for f in FIELDS
        .iter()
        .filter(|f| !f.path.contains('.') && f.path != "schema")
    {
        if let Some(v) = value(f.ty, &get_all(values, f.path)) {
            out.push_str(&format!("{} = {v}\n", f.path));
        }
    }
    for t in TABLES {
        let mut body = String::new();
        for f in FIELDS.iter() {
            let Some(key) = f.path.strip_prefix(t).and_then(|k| k.strip_prefix('.')) else {
                continue;
            };
            if let Some(v) = value(f.ty, &answered(values, f.path)) {
                body.push_str(&format!("{key} = {v}\n"));
            }
        }
        // An annual return needs its [execution] table, even if empty: the checker then
        // names the fields missing rather than the table.
        let needed = *t == "execution" && get(values, "kind") == Some("annual_return");
        if !body.is_empty() || needed {
            out.push_str(&format!("\n[{t}]\n{body}"));
        }
    }
    for (name, specs) in ARRAYS {
        for n in rows(values, name) {
            out.push_str(&format!("\n[[{name}]]\n"));
            for f in specs.iter() {
                let key = format!("{name}.{n}.{}", f.path);
                if let Some(v) = value(f.ty, &get_all(values, &key)) {
                    out.push_str(&format!("{} = {v}\n", f.path));
                }
            }
        }
    }
    out
}

fn push_value(out: &mut Values, key: &str, spec: &FieldSpec, v: &FieldValue) {
    let text = match v {
        FieldValue::Absent => return,
        FieldValue::Num(n) => crate::num::plain(*n),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Str(s) => s.to_string(),
        FieldValue::Date(d) => d.to_string(),
        FieldValue::StrList(items) => {
            if let FieldType::EnumList(opts) = spec.ty
                && !opts.is_empty()
            {
                out.push((format!("_list.{key}"), String::new()));
                for i in items {
                    out.push((key.to_string(), i.clone()));
                }
                return;
            }
            items.join("; ")
        }
        FieldValue::NumList(items) => items
            .iter()
            .map(|n| crate::num::plain(*n))
            .collect::<Vec<_>>()
            .join("; "),
    };
    out.push((key.to_string(), text));
}

/// A decoded filing as form values (what the page would have posted for it).
pub fn from_filing(filing: &Filing) -> Values {
    let mut out = Values::new();
    for (f, v) in FIELDS.iter().zip(&filing.fields) {
        if f.path != "schema" {
            push_value(&mut out, f.path, f, v);
        }
    }
    for (name, specs) in ARRAYS {
        let items = if *name == "indicator" {
            &filing.indicators
        } else {
            &filing.adjustments
        };
        for (i, item) in items.iter().enumerate() {
            for (f, v) in specs.iter().zip(item) {
                push_value(&mut out, &format!("{name}.{}.{}", i + 1, f.path), f, v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn writes_only_what_was_filled_in_with_rows_renumbered() {
        let t = to_toml(&v(&[
            ("kind", "budget"),
            ("enterprise.name", "A \"B\" 公司"),
            ("enterprise.category", "competitive"),
            ("budget.wage_total", "12600000"),
            ("budget.hq_average_wage_growth", "3%"),
            ("budget.average_headcount", "0250"),
            ("governance.major_violation_years", "2021；2022"),
            ("indicator.1.id", ""),
            ("indicator.3.id", "roe"),
            ("indicator.3.weight", "40%"),
            ("_op", "x"),
        ]));
        assert_eq!(
            t,
            "schema = \"wagecheck/filing/v1\"\nkind = \"budget\"\n\n[enterprise]\nname = \"A \\\"B\\\" 公司\"\ncategory = \"competitive\"\n\n[governance]\nmajor_violation_years = [2021, 2022]\n\n[budget]\nwage_total = 12600000\naverage_headcount = \"0250\"\nhq_average_wage_growth = \"3%\"\n\n[[indicator]]\nid = \"roe\"\nweight = \"40%\"\n"
        );
    }

    #[test]
    fn a_sample_reads_back_to_the_same_report() {
        let text = std::fs::read_to_string("samples/08-annual-return.toml").unwrap();
        let a = crate::filing::parse_str("a.toml", &text).unwrap();
        let b = crate::filing::parse_str("a.toml", &to_toml(&from_filing(&a))).unwrap();
        assert_eq!(a.fields, b.fields);
        assert_eq!(a.indicators, b.indicators);
        assert_eq!(a.adjustments, b.adjustments);
    }
}
