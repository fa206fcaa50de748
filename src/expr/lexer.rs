//! Tokenizer for the expression language.
//!
//! Produces a flat token list with byte spans. Numbers are parsed exactly into
//! `Decimal` here, so malformed or out-of-range literals are reported with the
//! span of the literal.

use super::{Decimal, ExprError, ExprErrorKind, Span};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Num(Decimal),
    Str(String),
    /// An identifier, possibly dotted (`budget.wage_total`, `indicator.1.prior`).
    Ident(String),
    True,
    False,
    And,
    Or,
    Not,
    If,
    Then,
    Else,
    In,
    Plus,
    Minus,
    Star,
    Slash,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

fn err(start: usize, end: usize, kind: ExprErrorKind) -> ExprError {
    ExprError {
        span: Span { start, end },
        kind,
    }
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Split `src` into tokens. The last token is always `Tok::End` with an empty
/// span at the end of the source.
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(c) = src.get(i..).and_then(|rest| rest.chars().next()) {
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if c.is_ascii_digit() {
            let (tok, end) = lex_number(src, start)?;
            toks.push(Token {
                tok,
                span: Span { start, end },
            });
            i = end;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let end = lex_ident_end(bytes, start);
            let text = src.get(start..end).unwrap_or_default();
            let tok = match text {
                "true" => Tok::True,
                "false" => Tok::False,
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "if" => Tok::If,
                "then" => Tok::Then,
                "else" => Tok::Else,
                "in" => Tok::In,
                _ => Tok::Ident(text.to_string()),
            };
            toks.push(Token {
                tok,
                span: Span { start, end },
            });
            i = end;
            continue;
        }
        if c == '"' || c == '\'' {
            let (s, end) = lex_string(src, start, c)?;
            toks.push(Token {
                tok: Tok::Str(s),
                span: Span { start, end },
            });
            i = end;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (tok, len) = match c {
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            '*' | '×' => (Tok::Star, c.len_utf8()),
            '/' | '÷' => (Tok::Slash, c.len_utf8()),
            '=' if next == Some(b'=') => (Tok::Eq, 2),
            '=' => (Tok::Eq, 1),
            '!' if next == Some(b'=') => (Tok::Ne, 2),
            '<' if next == Some(b'=') => (Tok::Le, 2),
            '<' => (Tok::Lt, 1),
            '>' if next == Some(b'=') => (Tok::Ge, 2),
            '>' => (Tok::Gt, 1),
            '≤' => (Tok::Le, c.len_utf8()),
            '≥' => (Tok::Ge, c.len_utf8()),
            '≠' => (Tok::Ne, c.len_utf8()),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            _ => {
                return Err(err(
                    start,
                    start + c.len_utf8(),
                    ExprErrorKind::UnexpectedChar { ch: c },
                ));
            }
        };
        toks.push(Token {
            tok,
            span: Span {
                start,
                end: start + len,
            },
        });
        i += len;
    }
    toks.push(Token {
        tok: Tok::End,
        span: Span {
            start: src.len(),
            end: src.len(),
        },
    });
    Ok(toks)
}

/// End of a (possibly dotted) identifier starting at `start`. Segments after a
/// dot may start with a digit (`indicator.1.prior`).
fn lex_ident_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while bytes.get(i).is_some_and(|&b| is_ident_continue(b)) {
        i += 1;
    }
    while bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(|&b| is_ident_continue(b)) {
        i += 1;
        while bytes.get(i).is_some_and(|&b| is_ident_continue(b)) {
            i += 1;
        }
    }
    i
}

/// Scan digits with single underscores between digits. Returns false if an
/// underscore is misplaced.
fn scan_digits(bytes: &[u8], i: &mut usize, out: &mut String) -> bool {
    let mut ok = true;
    loop {
        match bytes.get(*i) {
            Some(&b) if b.is_ascii_digit() => {
                out.push(char::from(b));
                *i += 1;
            }
            Some(b'_') => {
                let prev_digit = *i > 0 && bytes.get(*i - 1).is_some_and(u8::is_ascii_digit);
                let next_digit = bytes.get(*i + 1).is_some_and(u8::is_ascii_digit);
                if !(prev_digit && next_digit) {
                    ok = false;
                }
                *i += 1;
            }
            _ => return ok,
        }
    }
}

fn lex_number(src: &str, start: usize) -> Result<(Tok, usize), ExprError> {
    let bytes = src.as_bytes();
    let mut i = start;
    let mut digits = String::new();
    let mut ok = scan_digits(bytes, &mut i, &mut digits);
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            digits.push('.');
            ok &= scan_digits(bytes, &mut i, &mut digits);
        } else {
            ok = false;
        }
    }
    // Letters, dots or underscores glued to a number make it malformed (`12abc`, `1.2.3`).
    while bytes
        .get(i)
        .is_some_and(|&b| is_ident_continue(b) || b == b'.')
    {
        ok = false;
        i += 1;
    }
    let percent = bytes.get(i) == Some(&b'%');
    if percent {
        i += 1;
    }
    let bad = || {
        err(
            start,
            i,
            ExprErrorKind::BadNumber {
                text: src.get(start..i).unwrap_or_default().to_string(),
            },
        )
    };
    if !ok {
        return Err(bad());
    }
    let value = Decimal::from_str_exact(&digits).map_err(|_| bad())?;
    let value = if percent {
        // Exact division by 100: shift the scale instead of dividing.
        Decimal::try_from_i128_with_scale(value.mantissa(), value.scale() + 2).map_err(|_| bad())?
    } else {
        value
    };
    Ok((Tok::Num(value), i))
}

fn lex_string(src: &str, start: usize, quote: char) -> Result<(String, usize), ExprError> {
    let mut out = String::new();
    let body_start = start + quote.len_utf8();
    let rest = src.get(body_start..).unwrap_or_default();
    let mut chars = rest.char_indices();
    while let Some((off, c)) = chars.next() {
        if c == quote {
            return Ok((out, body_start + off + c.len_utf8()));
        }
        if c == '\\' {
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, e)) => out.push(e),
                None => break,
            }
        } else {
            out.push(c);
        }
    }
    Err(err(start, src.len(), ExprErrorKind::UnterminatedString))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn toks(src: &str) -> Vec<Tok> {
        match lex(src) {
            Ok(t) => t.into_iter().map(|t| t.tok).collect(),
            Err(e) => panic!("lex error for {src:?}: {e:?}"),
        }
    }

    fn lex_err(src: &str) -> ExprError {
        match lex(src) {
            Ok(t) => panic!("expected lex error for {src:?}, got {t:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("12"), vec![Tok::Num(dec!(12)), Tok::End]);
        assert_eq!(toks("0.7"), vec![Tok::Num(dec!(0.7)), Tok::End]);
        assert_eq!(toks("12_600_000"), vec![Tok::Num(dec!(12600000)), Tok::End]);
        assert_eq!(
            toks("1_000.000_5"),
            vec![Tok::Num(dec!(1000.0005)), Tok::End]
        );
        assert_eq!(toks("70%"), vec![Tok::Num(dec!(0.70)), Tok::End]);
        assert_eq!(toks("7%"), vec![Tok::Num(dec!(0.07)), Tok::End]);
        assert_eq!(toks("8.4%"), vec![Tok::Num(dec!(0.084)), Tok::End]);
        assert_eq!(toks("100%"), vec![Tok::Num(dec!(1)), Tok::End]);
    }

    #[test]
    fn bad_numbers() {
        for src in ["1__0", "1_", "1.", "1.2.3", "12abc", "1._5", "1_.5"] {
            let e = lex_err(src);
            assert!(
                matches!(e.kind, ExprErrorKind::BadNumber { .. }),
                "{src}: {e:?}"
            );
            assert_eq!(e.span.start, 0, "{src}");
        }
        // Too many digits: must not be rounded silently.
        let e = lex_err("x + 79228162514264337593543950336");
        assert_eq!(e.span, Span { start: 4, end: 33 });
        assert!(matches!(e.kind, ExprErrorKind::BadNumber { .. }));
        // Too many decimal places.
        let e = lex_err("0.00000000000000000000000000001");
        assert!(matches!(e.kind, ExprErrorKind::BadNumber { .. }));
        // Percent pushing the scale past 28.
        let e = lex_err("0.000000000000000000000000001%");
        assert!(matches!(e.kind, ExprErrorKind::BadNumber { .. }));
        // Largest representable integer is fine.
        assert_eq!(
            toks("79228162514264337593543950335"),
            vec![Tok::Num(Decimal::MAX), Tok::End]
        );
    }

    #[test]
    fn idents_and_keywords() {
        assert_eq!(
            toks("budget.wage_total and not x.1.prior or _a"),
            vec![
                Tok::Ident("budget.wage_total".into()),
                Tok::And,
                Tok::Not,
                Tok::Ident("x.1.prior".into()),
                Tok::Or,
                Tok::Ident("_a".into()),
                Tok::End
            ]
        );
        assert_eq!(
            toks("if then else in true false android"),
            vec![
                Tok::If,
                Tok::Then,
                Tok::Else,
                Tok::In,
                Tok::True,
                Tok::False,
                Tok::Ident("android".into()),
                Tok::End
            ]
        );
        // A trailing dot is not part of the name.
        let e = lex_err("budget.");
        assert_eq!(e.kind, ExprErrorKind::UnexpectedChar { ch: '.' });
        assert_eq!(e.span, Span { start: 6, end: 7 });
    }

    #[test]
    fn operators() {
        assert_eq!(
            toks("+ - * × / ÷ = == != ≠ < <= ≤ > >= ≥ ( ) [ ] ,"),
            vec![
                Tok::Plus,
                Tok::Minus,
                Tok::Star,
                Tok::Star,
                Tok::Slash,
                Tok::Slash,
                Tok::Eq,
                Tok::Eq,
                Tok::Ne,
                Tok::Ne,
                Tok::Lt,
                Tok::Le,
                Tok::Le,
                Tok::Gt,
                Tok::Ge,
                Tok::Ge,
                Tok::LParen,
                Tok::RParen,
                Tok::LBracket,
                Tok::RBracket,
                Tok::Comma,
                Tok::End
            ]
        );
        let e = lex_err("a ! b");
        assert_eq!(e.kind, ExprErrorKind::UnexpectedChar { ch: '!' });
        assert_eq!(e.span, Span { start: 2, end: 3 });
        let e = lex_err("a ≤ 预算");
        assert_eq!(e.kind, ExprErrorKind::UnexpectedChar { ch: '预' });
        assert_eq!(e.span, Span { start: 6, end: 9 });
    }

    #[test]
    fn spans_are_bytes() {
        let t = match lex("a ≤ b") {
            Ok(t) => t,
            Err(e) => panic!("{e:?}"),
        };
        assert_eq!(t[1].span, Span { start: 2, end: 5 });
        assert_eq!(t[2].span, Span { start: 6, end: 7 });
        assert_eq!(t[3].span, Span { start: 7, end: 7 });
    }

    #[test]
    fn strings() {
        assert_eq!(
            toks(r#""state" 'cen"tral' "a\"b\\c" '国有'"#),
            vec![
                Tok::Str("state".into()),
                Tok::Str("cen\"tral".into()),
                Tok::Str("a\"b\\c".into()),
                Tok::Str("国有".into()),
                Tok::End
            ]
        );
        let e = lex_err("x == \"abc");
        assert_eq!(e.kind, ExprErrorKind::UnterminatedString);
        assert_eq!(e.span, Span { start: 5, end: 9 });
        let e = lex_err("'abc\\");
        assert_eq!(e.kind, ExprErrorKind::UnterminatedString);
    }
}
