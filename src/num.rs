//! Exact numbers: decimal and percent text to `Decimal`, money rounding, display.

use rust_decimal::{Decimal, RoundingStrategy};

/// Why a text is not an exact number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumError {
    NotANumber,
    /// More digits or a larger magnitude than an exact 96-bit decimal holds: refused, never rounded.
    OutOfRange,
}

/// Parses a decimal as written in TOML, JSON or a CSV cell: `12600000`, `12_600_000`, `0.30`,
/// `-5`, `1.5e6`. The value is exact to the digits written, or an error.
pub fn parse_decimal(text: &str) -> Result<Decimal, NumError> {
    let t = text.trim_start_matches('+');
    if t.is_empty()
        || t != text.trim()
        || t.contains("__")
        || t.starts_with('_')
        || t.ends_with('_')
    {
        return Err(NumError::NotANumber);
    }
    let t: String = t.chars().filter(|c| *c != '_').collect();
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
        || !t.chars().any(|c| c.is_ascii_digit())
    {
        return Err(NumError::NotANumber);
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t.as_str(), None),
    };
    let well_formed = {
        let m = mantissa.strip_prefix('-').unwrap_or(mantissa);
        let mut parts = m.split('.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        parts.next().is_none()
            && !int.is_empty()
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
    };
    if !well_formed {
        return Err(NumError::NotANumber);
    }
    let value = Decimal::from_str_exact(mantissa).map_err(|_| NumError::OutOfRange)?;
    let Some(exp) = exponent else {
        return Ok(value);
    };
    let e: i64 = exp.parse().map_err(|_| NumError::NotANumber)?;
    if e.abs() > 28 {
        return Err(NumError::OutOfRange);
    }
    // The exponent moves the decimal point of the digits written: `2.017e3` is 2017 and
    // `15e-1` is 1.5, each with the decimals its digits leave (not `2017.000`).
    let scale = i64::from(value.scale()) - e;
    let mut digits = value.mantissa();
    if scale < 0 {
        for _ in 0..-scale {
            digits = digits.checked_mul(10).ok_or(NumError::OutOfRange)?;
        }
        return Decimal::try_from_i128_with_scale(digits, 0).map_err(|_| NumError::OutOfRange);
    }
    let mut scale = scale;
    // More than 28 decimals can still be exact when the extra ones are zeros (`1.0e-28`).
    while scale > 28 && digits % 10 == 0 {
        digits /= 10;
        scale -= 1;
    }
    u32::try_from(scale)
        .ok()
        .and_then(|s| Decimal::try_from_i128_with_scale(digits, s).ok())
        .ok_or(NumError::OutOfRange)
}

/// Parses a number or a percent string (`"7%"`, `"103.5%"`) exactly. No space before `%`.
pub fn parse_number_or_percent(text: &str) -> Result<Decimal, NumError> {
    match text.strip_suffix('%') {
        Some(n) => {
            if n.ends_with(char::is_whitespace) {
                return Err(NumError::NotANumber);
            }
            let v = parse_decimal(n)?;
            // Dividing by 100 is exact unless the scale overflows.
            let scaled = v
                .checked_div(Decimal::ONE_HUNDRED)
                .ok_or(NumError::OutOfRange)?;
            if scaled.checked_mul(Decimal::ONE_HUNDRED) != Some(v) {
                return Err(NumError::OutOfRange);
            }
            Ok(scaled)
        }
        None => parse_decimal(text),
    }
}

/// Rounds money down (toward −∞) to whole cents.
pub fn floor_cents(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity);
    r.rescale(2);
    r
}

/// The largest whole-cent amount strictly below `v`.
pub fn cents_strictly_below(v: Decimal) -> Decimal {
    let f = floor_cents(v);
    if f == v { f - Decimal::new(1, 2) } else { f }
}

/// Money rounded half away from zero to the cent, for display only (a derived average wage,
/// say); amounts that decide anything are never rounded this way.
pub fn round_cents_display(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A money amount with exactly two decimals.
pub fn money(v: Decimal) -> String {
    let mut out = Vec::with_capacity(24);
    write_money(&mut out, v);
    ascii_string(out)
}

/// A decimal without trailing zeros.
pub fn plain(v: Decimal) -> String {
    let mut out = Vec::with_capacity(24);
    write_plain(&mut out, v);
    ascii_string(out)
}

/// Text of ASCII digits, signs and points as a `String`.
fn ascii_string(bytes: Vec<u8>) -> String {
    // The writers below write ASCII only, which is UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Appends `v` as [`money`] writes it (at least two decimals), without allocating.
pub fn write_money(out: &mut Vec<u8>, v: Decimal) {
    let mut r = v;
    if r.scale() < 2 {
        r.rescale(2);
    }
    write_decimal(out, r, false);
}

/// Appends `v` as [`plain`] writes it (no trailing zeros), without allocating.
pub fn write_plain(out: &mut Vec<u8>, v: Decimal) {
    write_decimal(out, v, true);
}

/// Appends `v` as `Decimal`'s `Display` writes it (every decimal its scale holds, `-` before
/// a negative value, negative zero included), or, when `trim`, as `v.normalize()` displays
/// (trailing zeros of the fraction and a bare point dropped, zero as `0`). Digits come
/// straight from the 96-bit mantissa: no `fmt` machinery, no allocation.
pub fn write_decimal(out: &mut Vec<u8>, v: Decimal, trim: bool) {
    let mut buf = [0u8; 64];
    out.extend_from_slice(decimal_text(&mut buf, v, trim));
}

/// [`write_decimal`]'s text, in `buf`: the digits written from the end of `buf` backwards,
/// the point put in place after the fraction's last digit.
pub(crate) fn decimal_text(buf: &mut [u8; 64], v: Decimal, trim: bool) -> &[u8] {
    let mut m = v.mantissa().unsigned_abs();
    let mut scale = v.scale() as usize;
    if trim {
        if m == 0 {
            buf[0] = b'0';
            return &buf[..1];
        }
        // `normalize`: the fraction's trailing zeros dropped (a 64-bit mantissa divided as one).
        while scale > 0 {
            let (q, r) = if m <= u128::from(u64::MAX) {
                let n = m as u64;
                (u128::from(n / 10), n % 10)
            } else {
                (m / 10, (m % 10) as u64)
            };
            if r != 0 {
                break;
            }
            m = q;
            scale -= 1;
        }
    }
    let end = buf.len();
    // At most 29 digits (below 2^96), at the end of `buf`.
    let mut start = if m <= u128::from(u64::MAX) {
        digits_u64(&mut buf[..end], m as u64)
    } else {
        // The high part (m / 10^19) fits in 64 bits.
        const E19: u128 = 10_000_000_000_000_000_000;
        let low = digits_u64(&mut buf[..end], (m % E19) as u64);
        let at = end - 19;
        buf[at..low].fill(b'0');
        digits_u64(&mut buf[..at], (m / E19) as u64)
    };
    // At least one digit before the point: zeros on the left.
    let need = end - (scale + 1);
    if start > need {
        buf[need..start].fill(b'0');
        start = need;
    }
    if scale > 0 {
        // The integer part moved one place left, the point after it.
        let point = end - scale;
        buf.copy_within(start..point, start - 1);
        start -= 1;
        buf[point - 1] = b'.';
    }
    if v.is_sign_negative() && !(trim && m == 0) {
        start -= 1;
        buf[start] = b'-';
    }
    &buf[start..]
}

/// Appends [`money_grouped`]'s text to `out`.
pub fn push_money_grouped(out: &mut String, v: Decimal) {
    let mut r = v;
    if r.scale() < 2 {
        r.rescale(2);
    }
    let mut buf = [0u8; 64];
    let text = decimal_text(&mut buf, r, false);
    let mut grouped = [0u8; 96];
    push_ascii(out, group_thousands(&mut grouped, text));
}

/// [`push_money_grouped`] of [`round_cents_display`]`(v)`: the rounding done on the mantissa.
pub fn push_money_rounded(out: &mut String, v: Decimal) {
    let r = round_half_away(v, 2);
    // Two decimals at least: the mantissa scaled up, when it stays below 2^96.
    let r = match r.scale() {
        s @ 0..2 => {
            let m = r.mantissa().unsigned_abs() * POW10[(2 - s) as usize];
            match from_magnitude(m, r.is_sign_negative(), 2) {
                Some(d) => d,
                None => return push_money_grouped(out, r),
            }
        }
        _ => r,
    };
    let mut buf = [0u8; 64];
    let text = decimal_text(&mut buf, r, false);
    let mut grouped = [0u8; 96];
    push_ascii(out, group_thousands(&mut grouped, text));
}

/// `text` (an optional `-`, digits, an optional fraction) with a `,` between each three digits
/// of its integer part, in `buf`.
fn group_thousands<'a>(buf: &'a mut [u8; 96], text: &[u8]) -> &'a [u8] {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (1, rest),
        _ => (0, text),
    };
    let int_len = digits
        .iter()
        .position(|c| *c == b'.')
        .unwrap_or(digits.len());
    let mut n = 0;
    if sign == 1 {
        buf[0] = b'-';
        n = 1;
    }
    // The first group: 1 to 3 digits.
    let mut at = match int_len % 3 {
        0 => 3.min(int_len),
        k => k,
    };
    buf[n..n + at].copy_from_slice(&digits[..at]);
    n += at;
    while at < int_len {
        buf[n] = b',';
        buf[n + 1..n + 4].copy_from_slice(&digits[at..at + 3]);
        n += 4;
        at += 3;
    }
    let frac = &digits[int_len..];
    buf[n..n + frac.len()].copy_from_slice(frac);
    n += frac.len();
    &buf[..n]
}

/// Appends the decimal digits of `n` to `out` (as `Display` writes it).
pub fn push_uint(out: &mut String, n: u64) {
    if n == 0 {
        out.push('0');
        return;
    }
    let mut buf = [0u8; 20];
    let start = digits_u64(&mut buf, n);
    push_ascii(out, &buf[start..]);
}

/// Appends ASCII text (what the digit writers write) to `out`.
pub(crate) fn push_ascii(out: &mut String, text: &[u8]) {
    // The digit writers write ASCII only, which is UTF-8.
    if let Ok(s) = std::str::from_utf8(text) {
        out.push_str(s);
    }
}

/// Powers of ten up to 10^28.
const POW10: [u128; 29] = {
    let mut t = [1u128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// The decimal of magnitude `m`, sign and scale, if `m` is below 2^96.
fn from_magnitude(m: u128, negative: bool, scale: u32) -> Option<Decimal> {
    if m >> 96 != 0 {
        return None;
    }
    Some(Decimal::from_parts(
        m as u32,
        (m >> 32) as u32,
        (m >> 64) as u32,
        negative,
        scale,
    ))
}

/// `v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)`, computed on the
/// mantissa: the same value, scale and sign.
pub(crate) fn round_half_away(v: Decimal, dp: u32) -> Decimal {
    let s = v.scale();
    if s <= dp {
        return v;
    }
    let m = v.mantissa().unsigned_abs();
    let d = POW10[(s - dp) as usize];
    let (q, r) = if m <= u128::from(u64::MAX) && d <= u128::from(u64::MAX) {
        let (m, d) = (m as u64, d as u64);
        (u128::from(m / d), u128::from(m % d))
    } else {
        (m / d, m % d)
    };
    // Half or more of the unit rounds away from zero (`r * 2 >= d`, without overflow).
    let q = if r >= d - r { q + 1 } else { q };
    // `q` is at most `m / 10 + 1`, below 2^96.
    from_magnitude(q, v.is_sign_negative(), dp)
        .unwrap_or_else(|| v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
}

/// [`percent`]'s number with `dp` decimals (`v × 100`, rounded), or `None` when `v × 100`
/// overflows.
pub(crate) fn percent_value(v: Decimal, dp: u32) -> Option<Decimal> {
    let s = v.scale();
    let hundredfold = if s >= 2 {
        // The same mantissa, two fewer decimals: exact.
        let mut p = v;
        p.set_scale(s - 2).ok()?;
        p
    } else {
        from_magnitude(
            v.mantissa().unsigned_abs() * POW10[(2 - s) as usize],
            v.is_sign_negative(),
            0,
        )?
    };
    Some(round_half_away(hundredfold, dp))
}

/// Writes the decimal digits of `n` (none for 0) at the end of `buf`; returns where they start.
fn digits_u64(buf: &mut [u8], mut n: u64) -> usize {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut i = buf.len();
    while n >= 100 {
        let d = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[d..d + 2]);
    }
    if n >= 10 {
        let d = n as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[d..d + 2]);
    } else if n > 0 {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    i
}

/// A ratio as a percentage for people: `0.04424` → `4.424%`; at most `dp` decimals, rounded
/// half away from zero (display only: comparisons never use it).
pub fn percent(v: Decimal, dp: u32) -> String {
    match v.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!(
            "{}%",
            p.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
                .normalize()
        ),
        None => plain(v),
    }
}

/// [`percent`] with at least `dp` decimals, and more when those would show a non-zero value as
/// 0%: a strict cap missed by 0.01 yuan is over by some 10⁻⁹ points, not "0%".
pub fn percent_significant(v: Decimal, dp: u32) -> String {
    let mut d = dp;
    while d < 26 {
        let shown = v
            .checked_mul(Decimal::ONE_HUNDRED)
            .map(|p| p.round_dp_with_strategy(d, RoundingStrategy::ToZero));
        match shown {
            Some(p) if p.is_zero() && !v.is_zero() => d += 1,
            _ => break,
        }
    }
    // Two significant digits once the first one shows.
    let extra = if d > dp { 1 } else { 0 };
    percent(v, d + extra)
}

/// Money for people, with thousands separators: `12530880.00` → `12,530,880.00`.
pub fn money_grouped(v: Decimal) -> String {
    let mut out = String::with_capacity(32);
    push_money_grouped(&mut out, v);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn small_percentages_show_enough_digits() {
        use super::percent_significant as p;
        use rust_decimal_macros::dec;
        assert_eq!(p(dec!(0.04), 4), "4%");
        assert_eq!(p(dec!(0.0152798515), 4), "1.528%");
        assert_eq!(p(dec!(0), 4), "0%");
        // 0.01 yuan over a strict cap on a base of about 12 million.
        assert_eq!(p(dec!(0.00000000081), 4), "0.000000081%");
        assert_eq!(p(dec!(0.0000012345), 4), "0.0001%");
        assert_eq!(p(dec!(0.00000012345), 4), "0.000012%");
    }

    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("0.30").unwrap(), dec!(0.30));
        assert_eq!(parse_decimal("0.30").unwrap().to_string(), "0.30");
        assert_eq!(parse_decimal("12_600_000").unwrap(), dec!(12600000));
        assert_eq!(parse_decimal("-5").unwrap(), dec!(-5));
        assert_eq!(parse_decimal("1.5e6").unwrap(), dec!(1500000));
        assert_eq!(parse_decimal("15e-1").unwrap(), dec!(1.5));
        // The exponent moves the point; the digits written decide the decimals.
        assert_eq!(parse_decimal("2.017e3").unwrap().to_string(), "2017");
        assert_eq!(parse_decimal("2.0175e3").unwrap().to_string(), "2017.5");
        assert_eq!(parse_decimal("15e-1").unwrap().to_string(), "1.5");
        assert_eq!(
            parse_decimal("1.0e-28").unwrap().to_string(),
            "0.0000000000000000000000000001"
        );
        assert_eq!(parse_decimal("1e-29"), Err(NumError::OutOfRange));
        assert_eq!(
            parse_decimal("79228162514264337593543950335e0").unwrap(),
            Decimal::MAX
        );
        assert_eq!(
            parse_decimal("7.9228162514264337593543950336e28"),
            Err(NumError::OutOfRange)
        );
        assert_eq!(
            parse_decimal("0.1").unwrap() + parse_decimal("0.2").unwrap(),
            dec!(0.3)
        );
    }

    #[test]
    fn twenty_digits_kept_or_refused() {
        assert_eq!(
            parse_decimal("12345678901234567890").unwrap().to_string(),
            "12345678901234567890"
        );
        assert_eq!(
            parse_decimal("0.12345678901234567890123456789012"),
            Err(NumError::OutOfRange)
        );
        assert_eq!(parse_decimal("1e400"), Err(NumError::OutOfRange));
    }

    #[test]
    fn bad_numbers() {
        for bad in [
            "", "abc", "1.2.3", "1_", "_1", "--1", ".5", "5.", "1 000", "nan", "inf", "0x10",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percents() {
        assert_eq!(parse_number_or_percent("7%").unwrap(), dec!(0.07));
        assert_eq!(parse_number_or_percent("103.5%").unwrap(), dec!(1.035));
        assert_eq!(parse_number_or_percent("8.4%").unwrap(), dec!(0.084));
        assert_eq!(parse_number_or_percent("0.07").unwrap(), dec!(0.07));
        assert!(parse_number_or_percent("7 %").is_err());
        assert!(parse_number_or_percent("%").is_err());
        assert!(parse_number_or_percent("1e400%").is_err());
    }

    #[test]
    fn rounding() {
        assert_eq!(floor_cents(dec!(12530880.009)).to_string(), "12530880.00");
        assert_eq!(floor_cents(dec!(-1.001)).to_string(), "-1.01");
        assert_eq!(floor_cents(dec!(5)).to_string(), "5.00");
        assert_eq!(cents_strictly_below(dec!(100.00)).to_string(), "99.99");
        assert_eq!(cents_strictly_below(dec!(100.005)).to_string(), "100.00");
        assert_eq!(money_grouped(dec!(12530880)), "12,530,880.00");
        assert_eq!(money_grouped(dec!(-1234.5)), "-1,234.50");
        assert_eq!(percent(dec!(0.04424), 2), "4.42%");
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::MAX] {
            let mut s = String::new();
            push_uint(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    /// The formatting before the direct writer: `Display` of the (rescaled, normalized) value.
    fn old_money(v: Decimal) -> String {
        let mut r = v;
        if r.scale() < 2 {
            r.rescale(2);
        }
        r.to_string()
    }

    fn shown(v: Decimal, trim: bool) -> String {
        let mut out = Vec::new();
        write_decimal(&mut out, v, trim);
        String::from_utf8(out).unwrap_or_default()
    }

    fn old_money_grouped(v: Decimal) -> String {
        let s = old_money(v);
        let (sign, s) = match s.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", s.as_str()),
        };
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if frac.is_empty() {
            format!("{sign}{out}")
        } else {
            format!("{sign}{out}.{frac}")
        }
    }

    fn check(v: Decimal) {
        assert_eq!(money_grouped(v), old_money_grouped(v), "{v:?}");
        assert_eq!(shown(v, false), v.to_string(), "{v:?}");
        assert_eq!(plain(v), v.normalize().to_string(), "{v:?}");
        assert_eq!(money(v), old_money(v), "{v:?}");
    }

    #[test]
    fn decimals_written_from_their_digits_read_as_displayed() {
        for v in [
            Decimal::ZERO,
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(0, 2),
            Decimal::new(0, 28),
            Decimal::new(-0, 5),
            Decimal::from_parts(0, 0, 0, true, 0), // negative zero
            Decimal::from_parts(0, 0, 0, true, 3),
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
            Decimal::new(1_000_000_000_000_000_000, 0),
            Decimal::new(i64::MAX, 0),
            Decimal::from_i128_with_scale(10_000_000_000_000_000_000, 19),
            Decimal::from_i128_with_scale(10_000_000_000_000_000_000, 0),
            Decimal::from_i128_with_scale(18_446_744_073_709_551_616, 3),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, false, 28),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 1),
            dec!(12530880.009),
            dec!(0.0599999963360011519612378234),
            dec!(-0.01999983298678090370852853),
            dec!(100.500),
            dec!(5.00),
            dec!(-5.10),
            dec!(0.10),
        ] {
            check(v);
        }
    }

    /// The rounded writers against the straightforward ones.
    fn check_rounded(v: Decimal) {
        let slow = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        for dp in [0, 2, 4, 7] {
            let fast = round_half_away(v, dp);
            let slow = v.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(fast.to_string(), slow.to_string(), "{v:?} {dp}");
            assert_eq!(
                fast.is_sign_negative(),
                slow.is_sign_negative(),
                "{v:?} {dp}"
            );
        }
        let mut fast = String::new();
        push_money_rounded(&mut fast, v);
        assert_eq!(fast, money_grouped(slow), "{v:?}");
        let shown = match percent_value(v, 4) {
            Some(p) => format!("{}%", plain(p)),
            None => plain(v),
        };
        assert_eq!(shown, percent(v, 4), "{v:?}");
    }

    #[test]
    fn rounded_writers_read_as_before() {
        for v in [
            Decimal::ZERO,
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_parts(0, 0, 0, true, 0),
            Decimal::from_parts(0, 0, 0, true, 5),
            Decimal::new(-1, 3),
            Decimal::new(-5, 3),
            Decimal::new(5, 3),
            Decimal::new(-4, 3),
            Decimal::new(-5, 7),
            Decimal::new(5, 1),
            Decimal::new(-5, 1),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, false, 28),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 1),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 2),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX / 100, false, 0),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX / 10, false, 1),
            dec!(12530880.005),
            dec!(0.0599999963360011519612378234),
            dec!(0.00004999999),
            dec!(0.00005),
            dec!(-0.000005),
        ] {
            check_rounded(v);
        }
    }

    proptest::proptest! {
        #[test]
        fn random_decimals_round_as_before(
            lo in proptest::prelude::any::<u32>(),
            mid in proptest::prelude::any::<u32>(),
            hi in proptest::prelude::any::<u32>(),
            small in 0u32..3,
            negative in proptest::prelude::any::<bool>(),
            scale in 0u32..=28,
            half in proptest::prelude::any::<bool>(),
        ) {
            let (mid, hi) = match small {
                0 => (0, 0),
                1 => (mid, 0),
                _ => (mid, hi),
            };
            check_rounded(Decimal::from_parts(lo, mid, hi, negative, scale));
            check_rounded(Decimal::from_parts(lo % 100_000, 0, 0, negative, scale));
            if half {
                // Exactly half a unit in some place.
                let m = (i64::from(lo % 100_000) * 10 + 5) * if negative { -1 } else { 1 };
                check_rounded(Decimal::new(m, scale.max(1)));
            }
        }

        #[test]
        fn random_decimals_read_as_displayed(
            lo in proptest::prelude::any::<u32>(),
            mid in proptest::prelude::any::<u32>(),
            hi in proptest::prelude::any::<u32>(),
            small in 0u32..3,
            negative in proptest::prelude::any::<bool>(),
            scale in 0u32..=28,
            zeros in 0u32..6,
        ) {
            // Small mantissas (64 bits, 32 bits) as often as full 96-bit ones, and trailing zeros.
            let (mid, hi) = match small {
                0 => (0, 0),
                1 => (mid, 0),
                _ => (mid, hi),
            };
            let v = Decimal::from_parts(lo, mid, hi, negative, scale);
            let mut padded = v;
            padded.rescale((scale + zeros).min(28));
            check(padded);
            check(v);
            check(Decimal::from_parts(lo % 1000, 0, 0, negative, scale));
        }
    }
}
