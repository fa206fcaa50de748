//! The ways people write numbers outside a program, brought to the one form [`crate::num`]
//! parses exactly.
//!
//! Accepted in a text value of a numeric field (a CSV or XLSX cell, and a TOML or JSON string;
//! a TOML or JSON number is already exact and is taken as written):
//! - full-width digits and signs (`３８５０００００`, `－５`, `７％`), as an IME types them;
//! - thousands separators, only when every group is exactly three digits (`38,500,000`,
//!   `1,234.5`; `1,23` is refused, it may be a decimal comma), also full-width `，`;
//! - a unit after the number: `元` (as written) or `万元` / `万` (× 10,000, exact), for
//!   amounts and indicator values;
//!
//! Spaces are not: `7 %` or ` 60%` is refused, as a plain number with a space is.
//!
//! Chinese numerals (`一千万`, `壹仟万元`) are refused with a hint to write digits: reading them is
//! possible but a slip (`一千零万`) would silently become another amount.
//!
//! XLSX numeric cells are binary floats; [`float_text`] gives the shortest decimal that reads
//! back as the same float (what Excel shows), refusing more than 15 significant digits.

use crate::diag::Text;

/// How many significant digits an Excel number cell holds reliably; more needs a text cell.
pub const MAX_FLOAT_DIGITS: usize = 15;

/// A number unit written in a column header or after a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// 元: the value as written.
    Yuan,
    /// 万元: the value × 10,000.
    TenThousandYuan,
    /// %: the value is in percent (÷ 100).
    Percent,
    /// 人 (a headcount), 年 (years): the value as written.
    Plain,
}

impl Unit {
    /// Reads a unit as written in a header's parentheses (`万元`, `元`, `%`, `人`).
    pub fn parse(s: &str) -> Option<Unit> {
        Some(match fold(s.trim()).as_str() {
            "元" | "yuan" | "cny" | "rmb" => Unit::Yuan,
            "万元" | "万" => Unit::TenThousandYuan,
            "%" | "百分比" => Unit::Percent,
            "人" | "年" | "个" | "次" => Unit::Plain,
            _ => return None,
        })
    }

    /// The suffix that, written after a number, means this unit to [`loosen`].
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::TenThousandYuan => "万元",
            Unit::Percent => "%",
            Unit::Plain => "",
        }
    }
}

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII, ideographic space to space; everything else kept.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{3002}' => '.', // 。 typed for a decimal point
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// A number text brought to plain form, and the scale its unit asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loose {
    /// ASCII digits, sign, point, exponent and a trailing `%` if one was written.
    pub text: String,
    /// True when `万元` / `万` was written: the value is to be multiplied by 10,000.
    pub ten_thousand: bool,
}

/// Why a text is not a number in any accepted form; the hint is for the error message.
pub fn hint(text: &str) -> Option<Text> {
    const NUMERALS: &str = "零〇一二两三四五六七八九十百千万亿壹贰貳叁參肆伍陆陸柒捌玖拾佰仟";
    if text.chars().any(|c| NUMERALS.contains(c))
        && !text
            .chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return Some(Text::new(
            "请用阿拉伯数字书写金额，如 10000000 或 1000万元（不接受中文数字）",
            "write the number in digits, e.g. 10000000 or 1000万元 (Chinese numerals are not read)",
        ));
    }
    let f = fold(text);
    if f.contains(',') {
        return Some(Text::new(
            "千位分隔符须每三位一组（如 38,500,000）；小数点请用“.”",
            "thousands separators must group three digits (38,500,000); use \".\" for the decimal point",
        ));
    }
    None
}

/// Brings a number as people write it to plain form: `３８,５００,０００元` → `38500000`,
/// `3850万元` → `3850` with `ten_thousand`. `None` when the text is not in an accepted form
/// (the caller then reports what was found, with [`hint`]).
pub fn loosen(text: &str) -> Option<Loose> {
    let f = fold(text);
    // No spaces anywhere, as for a plain number (`7 %` is refused): a stray space is often a
    // missing digit.
    if f.chars().any(char::is_whitespace) {
        return None;
    }
    let mut t = f.as_str();
    let mut ten_thousand = false;
    if let Some(rest) = t.strip_suffix("元") {
        t = rest;
        if let Some(rest) = t.strip_suffix('万') {
            t = rest;
            ten_thousand = true;
        }
    } else if let Some(rest) = t.strip_suffix('万') {
        t = rest;
        ten_thousand = true;
    }
    let (body, percent) = match t.strip_suffix('%') {
        Some(b) => (b, true),
        None => (t, false),
    };
    if percent && ten_thousand {
        return None;
    }
    let body = ungroup(body)?;
    if body.is_empty() {
        return None;
    }
    let mut text = body;
    if percent {
        text.push('%');
    }
    Some(Loose { text, ten_thousand })
}

/// Removes thousands separators when they group exactly three digits; `None` when commas are
/// there but not in that pattern (`1,23`, `12,3456`).
fn ungroup(s: &str) -> Option<String> {
    if !s.contains(',') {
        return Some(s.to_string());
    }
    let (sign, rest) = match s.strip_prefix(['-', '+']) {
        Some(r) => (&s[..1], r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let ok = groups.len() >= 2
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && frac.is_none_or(|f| !f.contains(','));
    if !ok {
        return None;
    }
    let mut out = format!("{sign}{}", groups.concat());
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// Why a float cell cannot be read as an exact number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatError {
    /// NaN or infinite (not an Excel value, but a hostile file may hold one).
    NotFinite,
    /// More than [`MAX_FLOAT_DIGITS`] significant digits: the float is not what was typed.
    TooManyDigits(usize),
}

/// The shortest decimal text that reads back as the same `f64` (Rust's `Display` of `f64`, no
/// exponent), which is what Excel shows for a number typed into a cell. Never the binary
/// expansion: `0.1` is `"0.1"`, not `0.1000000000000000055511151231257827`.
pub fn float_text(v: f64) -> Result<String, FloatError> {
    if !v.is_finite() {
        return Err(FloatError::NotFinite);
    }
    let s = format!("{v}");
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    if significant > MAX_FLOAT_DIGITS {
        return Err(FloatError::TooManyDigits(significant));
    }
    // `-0` reads as 0.
    Ok(if v == 0.0 { "0".to_string() } else { s })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Option<(String, bool)> {
        loosen(s).map(|x| (x.text, x.ten_thousand))
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(l("38,500,000"), Some(("38500000".into(), false)));
        assert_eq!(l("３８，５００，０００"), Some(("38500000".into(), false)));
        assert_eq!(l("12,600,000元"), Some(("12600000".into(), false)));
        assert_eq!(l("3850万元"), Some(("3850".into(), true)));
        assert_eq!(l("1,260.5万"), Some(("1260.5".into(), true)));
        assert_eq!(l("－５"), Some(("-5".into(), false)));
        assert_eq!(l("７％"), Some(("7%".into(), false)));
        assert_eq!(l("103.5%"), Some(("103.5%".into(), false)));
        assert_eq!(l("-1,234.56"), Some(("-1234.56".into(), false)));
    }

    #[test]
    fn refused_forms() {
        for bad in [
            "1,23",
            "12,3456",
            "1,234,56",
            ",123",
            "1,234.5,6",
            "5%万元",
            "万元",
            "元",
        ] {
            assert_eq!(l(bad), None, "{bad}");
        }
        assert!(hint("一千万").unwrap().en.contains("digits"));
        assert!(hint("壹仟万元").is_some());
        assert!(hint("1,23").unwrap().en.contains("three"));
        assert!(hint("abc").is_none());
    }

    #[test]
    fn floats_as_excel_shows_them() {
        assert_eq!(float_text(0.1).unwrap(), "0.1");
        assert_eq!(float_text(12_600_000.0).unwrap(), "12600000");
        assert_eq!(float_text(1260.5).unwrap(), "1260.5");
        assert_eq!(float_text(0.035).unwrap(), "0.035");
        assert_eq!(float_text(1e20).unwrap(), "100000000000000000000");
        assert_eq!(float_text(-0.0).unwrap(), "0");
        assert_eq!(
            float_text(123_456_789_012_345.0).unwrap(),
            "123456789012345"
        );
        assert_eq!(float_text(0.1 + 0.2), Err(FloatError::TooManyDigits(17)));
        assert_eq!(
            float_text(1_234_567_890_123_456.0),
            Err(FloatError::TooManyDigits(16))
        );
        assert_eq!(float_text(f64::NAN), Err(FloatError::NotFinite));
    }
}
