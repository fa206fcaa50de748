//! Recursive-descent parser producing an unresolved AST.
//!
//! Limits are enforced here: nesting depth is checked *before* every recursive
//! descent (so hostile inputs cannot overflow the stack), and the node count and
//! the depth of every node built are checked as nodes are created.

use super::lexer::{Tok, Token, lex};
use super::{
    Decimal, Expected, ExprError, ExprErrorKind, MAX_DEPTH, MAX_EXPR_LEN, MAX_NODES, Span,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    /// Normalized spelling used when rendering.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Expr {
    pub span: Span,
    /// Depth of this subtree (a leaf has depth 1).
    pub depth: usize,
    pub kind: ExprKind,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ExprKind {
    Num(Decimal),
    Str(String),
    Bool(bool),
    Name(String),
    Index {
        name: String,
        name_span: Span,
        key: Box<Expr>,
    },
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        name_span: Span,
        args: Vec<Expr>,
    },
    List(Vec<Expr>),
    Paren(Box<Expr>),
}

impl ExprKind {
    fn child_depth(&self) -> usize {
        match self {
            ExprKind::Num(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Name(_) => 0,
            ExprKind::Index { key, .. } => key.depth,
            ExprKind::Unary(_, e) | ExprKind::Paren(e) => e.depth,
            ExprKind::Binary(_, a, b) => a.depth.max(b.depth),
            ExprKind::If(a, b, c) => a.depth.max(b.depth).max(c.depth),
            ExprKind::Call { args, .. } => args.iter().map(|a| a.depth).max().unwrap_or(0),
            ExprKind::List(items) => items.iter().map(|a| a.depth).max().unwrap_or(0),
        }
    }
}

/// Parse `src` into an AST, enforcing all size limits.
pub(crate) fn parse(src: &str) -> Result<Expr, ExprError> {
    if src.len() > MAX_EXPR_LEN {
        return Err(ExprError {
            span: Span {
                start: 0,
                end: src.len(),
            },
            kind: ExprErrorKind::TooLong {
                len: src.len(),
                max: MAX_EXPR_LEN,
            },
        });
    }
    let toks = lex(src)?;
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        nodes: 0,
        nest: 0,
    };
    let e = p.parse_expr()?;
    let t = p.peek_token();
    if t.tok != Tok::End {
        return Err(p.syntax(Expected::Operator));
    }
    Ok(e)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    nodes: usize,
    /// Current number of enclosing nested constructs (parentheses, calls,
    /// lists, index keys, `if`, unary operators).
    nest: usize,
}

const PREC_OR: u8 = 1;
const PREC_AND: u8 = 2;
const PREC_NOT: u8 = 3;
const PREC_CMP: u8 = 4;
const PREC_ADD: u8 = 5;
const PREC_MUL: u8 = 6;

const END_TOKEN: Token = Token {
    tok: Tok::End,
    span: Span { start: 0, end: 0 },
};

impl Parser<'_> {
    fn peek_token(&self) -> &Token {
        // The lexer always appends `Tok::End` and `bump` never moves past it,
        // so the fallback is never used; it only avoids a panic path.
        self.toks.get(self.pos).unwrap_or(&END_TOKEN)
    }

    fn peek(&self) -> &Tok {
        &self.peek_token().tok
    }

    /// Consume the current token (never moves past `Tok::End`) and return its span.
    fn bump(&mut self) -> Span {
        let t = self.peek_token();
        let span = t.span;
        if t.tok != Tok::End {
            self.pos += 1;
        }
        span
    }

    fn syntax(&self, expected: Expected) -> ExprError {
        let t = self.peek_token();
        let found = if t.tok == Tok::End {
            None
        } else {
            Some(
                self.src
                    .get(t.span.start..t.span.end)
                    .unwrap_or_default()
                    .to_string(),
            )
        };
        ExprError {
            span: t.span,
            kind: ExprErrorKind::Syntax { expected, found },
        }
    }

    fn expect(&mut self, tok: Tok, text: &'static str) -> Result<Span, ExprError> {
        if *self.peek() == tok {
            Ok(self.bump())
        } else {
            Err(self.syntax(Expected::Token(text)))
        }
    }

    /// Enter a nested construct; fails before any recursion happens when the
    /// nesting would exceed `MAX_DEPTH`.
    fn enter(&mut self, span: Span) -> Result<(), ExprError> {
        if self.nest >= MAX_DEPTH {
            return Err(ExprError {
                span,
                kind: ExprErrorKind::TooDeep { max: MAX_DEPTH },
            });
        }
        self.nest += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.nest = self.nest.saturating_sub(1);
    }

    fn mk(&mut self, span: Span, kind: ExprKind) -> Result<Expr, ExprError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(ExprError {
                span,
                kind: ExprErrorKind::TooManyNodes { max: MAX_NODES },
            });
        }
        let depth = kind.child_depth() + 1;
        if depth > MAX_DEPTH {
            return Err(ExprError {
                span,
                kind: ExprErrorKind::TooDeep { max: MAX_DEPTH },
            });
        }
        Ok(Expr { span, depth, kind })
    }

    fn parse_expr(&mut self) -> Result<Expr, ExprError> {
        if *self.peek() == Tok::If {
            return self.parse_if();
        }
        self.parse_binary(PREC_OR)
    }

    fn parse_if(&mut self) -> Result<Expr, ExprError> {
        let if_tok = self.bump();
        self.enter(if_tok)?;
        let cond = self.parse_expr()?;
        self.expect(Tok::Then, "then")?;
        let then = self.parse_expr()?;
        self.expect(Tok::Else, "else")?;
        let other = self.parse_expr()?;
        self.leave();
        let span = Span {
            start: if_tok.start,
            end: other.span.end,
        };
        self.mk(
            span,
            ExprKind::If(Box::new(cond), Box::new(then), Box::new(other)),
        )
    }

    fn binary(&mut self, op: BinOp, lhs: Expr, rhs: Expr) -> Result<Expr, ExprError> {
        let span = Span {
            start: lhs.span.start,
            end: rhs.span.end,
        };
        self.mk(span, ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)))
    }

    /// Binary operators with their precedence (higher binds tighter).
    fn binop(tok: &Tok) -> Option<(BinOp, u8)> {
        Some(match tok {
            Tok::Or => (BinOp::Or, PREC_OR),
            Tok::And => (BinOp::And, PREC_AND),
            Tok::Eq => (BinOp::Eq, PREC_CMP),
            Tok::Ne => (BinOp::Ne, PREC_CMP),
            Tok::Lt => (BinOp::Lt, PREC_CMP),
            Tok::Le => (BinOp::Le, PREC_CMP),
            Tok::Gt => (BinOp::Gt, PREC_CMP),
            Tok::Ge => (BinOp::Ge, PREC_CMP),
            Tok::In => (BinOp::In, PREC_CMP),
            Tok::Plus => (BinOp::Add, PREC_ADD),
            Tok::Minus => (BinOp::Sub, PREC_ADD),
            Tok::Star => (BinOp::Mul, PREC_MUL),
            Tok::Slash => (BinOp::Div, PREC_MUL),
            _ => return None,
        })
    }

    /// Precedence climbing over `or`, `and`, prefix `not`, comparisons,
    /// `+ -` and `* /`. All binary operators are left-associative, except
    /// comparisons, which cannot be chained. A single function (rather than
    /// one per level) keeps the stack use per nesting level small.
    fn parse_binary(&mut self, min_prec: u8) -> Result<Expr, ExprError> {
        let mut lhs = if min_prec <= PREC_NOT && *self.peek() == Tok::Not {
            let not_tok = self.bump();
            self.enter(not_tok)?;
            let operand = self.parse_binary(PREC_NOT)?;
            self.leave();
            let span = Span {
                start: not_tok.start,
                end: operand.span.end,
            };
            self.mk(span, ExprKind::Unary(UnOp::Not, Box::new(operand)))?
        } else {
            self.parse_unary()?
        };
        while let Some((op, prec)) = Self::binop(self.peek()) {
            if prec < min_prec {
                break;
            }
            self.bump();
            // Left-associative. Operands of `and`/`or` may start with `not`
            // (their right-hand minimum is at most PREC_NOT); tighter ones may not.
            let rhs = self.parse_binary(prec + 1)?;
            lhs = self.binary(op, lhs, rhs)?;
            if prec == PREC_CMP && Self::binop(self.peek()).is_some_and(|(_, p)| p == PREC_CMP) {
                let t = self.peek_token();
                return Err(ExprError {
                    span: t.span,
                    kind: ExprErrorKind::ChainedComparison {
                        op: self
                            .src
                            .get(t.span.start..t.span.end)
                            .unwrap_or_default()
                            .to_string(),
                    },
                });
            }
        }
        Ok(lhs)
    }

    fn parse_unary(&mut self) -> Result<Expr, ExprError> {
        if *self.peek() != Tok::Minus {
            return self.parse_postfix();
        }
        let minus = self.bump();
        self.enter(minus)?;
        let operand = self.parse_unary()?;
        self.leave();
        let span = Span {
            start: minus.start,
            end: operand.span.end,
        };
        // Fold a negated number literal into a negative literal.
        if let ExprKind::Num(n) = operand.kind {
            return Ok(Expr {
                span,
                depth: 1,
                kind: ExprKind::Num(-n),
            });
        }
        self.mk(span, ExprKind::Unary(UnOp::Neg, Box::new(operand)))
    }

    fn parse_postfix(&mut self) -> Result<Expr, ExprError> {
        let base = self.parse_primary()?;
        if *self.peek() != Tok::LBracket {
            return Ok(base);
        }
        let ExprKind::Name(name) = &base.kind else {
            return Ok(base);
        };
        let name = name.clone();
        let open = self.bump();
        self.enter(open)?;
        let key = self.parse_expr()?;
        let close = self.expect(Tok::RBracket, "]")?;
        self.leave();
        // The table name itself is not a separate node.
        self.nodes = self.nodes.saturating_sub(1);
        let span = Span {
            start: base.span.start,
            end: close.end,
        };
        self.mk(
            span,
            ExprKind::Index {
                name,
                name_span: base.span,
                key: Box::new(key),
            },
        )
    }

    /// Comma-separated expressions up to `close`; the opening token has been consumed.
    fn parse_items(&mut self, close: Tok) -> Result<(Vec<Expr>, Span), ExprError> {
        let mut items = Vec::new();
        if *self.peek() == close {
            return Ok((items, self.bump()));
        }
        loop {
            items.push(self.parse_expr()?);
            if *self.peek() == Tok::Comma {
                self.bump();
                // Allow a trailing comma.
                if *self.peek() == close {
                    break;
                }
            } else {
                break;
            }
        }
        if *self.peek() == close {
            Ok((items, self.bump()))
        } else {
            let expected = if close == Tok::RParen {
                Expected::CommaOr(")")
            } else {
                Expected::CommaOr("]")
            };
            Err(self.syntax(expected))
        }
    }

    fn parse_primary(&mut self) -> Result<Expr, ExprError> {
        match self.peek() {
            Tok::LParen => self.parse_paren(),
            Tok::LBracket => self.parse_list(),
            Tok::If => self.parse_if(),
            Tok::Ident(_) => self.parse_name_or_call(),
            Tok::Num(_) | Tok::Str(_) | Tok::True | Tok::False => self.parse_literal(),
            _ => Err(self.syntax(Expected::Expression)),
        }
    }

    fn parse_literal(&mut self) -> Result<Expr, ExprError> {
        let kind = match self.peek() {
            Tok::Num(n) => ExprKind::Num(*n),
            Tok::Str(s) => ExprKind::Str(s.clone()),
            Tok::True => ExprKind::Bool(true),
            Tok::False => ExprKind::Bool(false),
            _ => return Err(self.syntax(Expected::Expression)),
        };
        let span = self.bump();
        self.mk(span, kind)
    }

    fn parse_name_or_call(&mut self) -> Result<Expr, ExprError> {
        let Tok::Ident(name) = self.peek() else {
            return Err(self.syntax(Expected::Expression));
        };
        let name = name.clone();
        let name_span = self.bump();
        if *self.peek() != Tok::LParen {
            return self.mk(name_span, ExprKind::Name(name));
        }
        let open = self.bump();
        self.enter(open)?;
        let (args, close) = self.parse_items(Tok::RParen)?;
        self.leave();
        let span = Span {
            start: name_span.start,
            end: close.end,
        };
        self.mk(
            span,
            ExprKind::Call {
                name,
                name_span,
                args,
            },
        )
    }

    fn parse_paren(&mut self) -> Result<Expr, ExprError> {
        let open = self.bump();
        self.enter(open)?;
        let inner = self.parse_expr()?;
        let close = self.expect(Tok::RParen, ")")?;
        self.leave();
        let span = Span {
            start: open.start,
            end: close.end,
        };
        self.mk(span, ExprKind::Paren(Box::new(inner)))
    }

    fn parse_list(&mut self) -> Result<Expr, ExprError> {
        let open = self.bump();
        self.enter(open)?;
        let (items, close) = self.parse_items(Tok::RBracket)?;
        self.leave();
        let span = Span {
            start: open.start,
            end: close.end,
        };
        self.mk(span, ExprKind::List(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use std::time::{Duration, Instant};

    fn ok(src: &str) -> Expr {
        match parse(src) {
            Ok(e) => e,
            Err(e) => panic!("parse error for {src:?}: {e:?}"),
        }
    }

    fn fail(src: &str) -> ExprError {
        match parse(src) {
            Ok(e) => panic!("expected parse error for {src:?}, got {e:?}"),
            Err(e) => e,
        }
    }

    /// Compact s-expression rendering for structural assertions.
    fn sx(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Num(n) => n.normalize().to_string(),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Index { name, key, .. } => format!("{name}[{}]", sx(key)),
            ExprKind::Unary(UnOp::Neg, a) => format!("(neg {})", sx(a)),
            ExprKind::Unary(UnOp::Not, a) => format!("(not {})", sx(a)),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", op.symbol(), sx(a), sx(b)),
            ExprKind::If(a, b, c) => format!("(if {} {} {})", sx(a), sx(b), sx(c)),
            ExprKind::Call { name, args, .. } => {
                let a: Vec<String> = args.iter().map(sx).collect();
                format!("{name}({})", a.join(" "))
            }
            ExprKind::List(items) => {
                let a: Vec<String> = items.iter().map(sx).collect();
                format!("[{}]", a.join(" "))
            }
            ExprKind::Paren(a) => sx(a),
        }
    }

    fn p(src: &str) -> String {
        sx(&ok(src))
    }

    #[test]
    fn precedence() {
        assert_eq!(p("a / b - 1"), "(- (/ a b) 1)");
        assert_eq!(p("a - b - c"), "(- (- a b) c)");
        assert_eq!(p("a + b * c"), "(+ a (* b c))");
        assert_eq!(p("(a + b) * c"), "(* (+ a b) c)");
        assert_eq!(p("a × b ÷ c"), "(/ (* a b) c)");
        assert_eq!(p("-a * b"), "(* (neg a) b)");
        assert_eq!(p("-2 * 3"), "(* -2 3)");
        assert_eq!(p("--2"), "2");
        assert_eq!(p("a < b + 1"), "(< a (+ b 1))");
        assert_eq!(p("a or b and c"), "(or a (and b c))");
        assert_eq!(p("not a and b"), "(and (not a) b)");
        assert_eq!(p("not a == b"), "(not (== a b))");
        assert_eq!(p("not not a"), "(not (not a))");
        assert_eq!(p("not a or b"), "(or (not a) b)");
        assert_eq!(p("a or not b and c"), "(or a (and (not b) c))");
        assert_eq!(p("a and b or c and d"), "(or (and a b) (and c d))");
        assert_eq!(p("a or b or c"), "(or (or a b) c)");
        assert_eq!(p("a * b / c * d"), "(* (/ (* a b) c) d)");
        assert_eq!(p("a - b + c"), "(+ (- a b) c)");
        assert_eq!(p("a + b == c * d"), "(== (+ a b) (* c d))");
        assert_eq!(p("a == b and c != d"), "(and (== a b) (!= c d))");
        assert_eq!(
            p("e > 0 and (p <= 0 or w)"),
            "(and (> e 0) (or (<= p 0) w))"
        );
        assert_eq!(p("a = b"), "(== a b)");
        assert_eq!(p("a ≠ b"), "(!= a b)");
        assert_eq!(p("a ≤ b"), "(<= a b)");
        assert_eq!(p("a ≥ b"), "(>= a b)");
        assert_eq!(p("x in ys"), "(in x ys)");
        assert_eq!(p("x.y in [\"a\", 'b']"), "(in x.y [\"a\" \"b\"])");
    }

    #[test]
    fn if_and_calls_and_index() {
        assert_eq!(
            p("if exists(a.b) then a.b else c / d"),
            "(if exists(a.b) a.b (/ c d))"
        );
        assert_eq!(p("1 + if c then 2 else 3 + 4"), "(+ 1 (if c 2 (+ 3 4)))");
        assert_eq!(p("t[budget.year - 1]"), "t[(- budget.year 1)]");
        assert_eq!(p("min(a, b,)"), "min(a b)");
        assert_eq!(p("f()"), "f()");
        assert_eq!(p("[1, 2, 3]"), "[1 2 3]");
        assert_eq!(p("date(y + 1, 7, 31)"), "date((+ y 1) 7 31)");
        assert_eq!(p("70% * x"), "(* 0.7 x)");
        assert_eq!(ok("12_600_000").kind, ExprKind::Num(dec!(12600000)));
    }

    #[test]
    fn spans() {
        let e = ok("a.b / (c - 1)");
        assert_eq!(e.span, Span { start: 0, end: 13 });
        let ExprKind::Binary(_, l, r) = &e.kind else {
            panic!("not binary")
        };
        assert_eq!(l.span, Span { start: 0, end: 3 });
        assert_eq!(r.span, Span { start: 6, end: 13 });
        let e = ok("-x");
        assert_eq!(e.span, Span { start: 0, end: 2 });
        let e = ok("t[k]");
        assert_eq!(e.span, Span { start: 0, end: 4 });
    }

    #[test]
    fn syntax_errors() {
        let e = fail("a < b < c");
        assert_eq!(e.kind, ExprErrorKind::ChainedComparison { op: "<".into() });
        assert_eq!(e.span, Span { start: 6, end: 7 });
        let e = fail("a == b in c");
        assert!(matches!(e.kind, ExprErrorKind::ChainedComparison { .. }));

        let e = fail("a +");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Expression,
                found: None
            }
        );
        assert_eq!(e.span, Span { start: 3, end: 3 });

        let e = fail("a b");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Operator,
                found: Some("b".into())
            }
        );
        assert_eq!(e.span, Span { start: 2, end: 3 });

        let e = fail("(a + b");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Token(")"),
                found: None
            }
        );
        let e = fail("if a then b");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Token("else"),
                found: None
            }
        );
        let e = fail("if a b");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Token("then"),
                found: Some("b".into())
            }
        );
        let e = fail("min(a b)");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::CommaOr(")"),
                found: Some("b".into())
            }
        );
        let e = fail("[1, 2");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::CommaOr("]"),
                found: None
            }
        );
        let e = fail("t[1");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Token("]"),
                found: None
            }
        );
        // Indexing is only allowed directly on a name.
        let e = fail("f(x)[1]");
        assert!(matches!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Operator,
                ..
            }
        ));
        let e = fail("");
        assert_eq!(
            e.kind,
            ExprErrorKind::Syntax {
                expected: Expected::Expression,
                found: None
            }
        );
        let e = fail("a == not b");
        assert_eq!(e.span, Span { start: 5, end: 8 });
    }

    fn nested_parens(n: usize, inner: &str) -> String {
        format!("{}{}{}", "(".repeat(n), inner, ")".repeat(n))
    }

    #[test]
    fn depth_limit_parens() {
        // n parentheses around a name: depth n + 1.
        assert_eq!(ok(&nested_parens(MAX_DEPTH - 1, "x")).depth, MAX_DEPTH);
        let e = fail(&nested_parens(MAX_DEPTH, "x"));
        assert_eq!(e.kind, ExprErrorKind::TooDeep { max: MAX_DEPTH });
        // Folded negative literal counts as one level.
        assert_eq!(ok(&nested_parens(MAX_DEPTH - 1, "-1")).depth, MAX_DEPTH);
        let e = fail(&nested_parens(MAX_DEPTH, "-1"));
        assert_eq!(e.kind, ExprErrorKind::TooDeep { max: MAX_DEPTH });
    }

    #[test]
    fn depth_limit_unary_chains() {
        let at = format!("{}x", "-".repeat(MAX_DEPTH - 1));
        assert_eq!(ok(&at).depth, MAX_DEPTH);
        let past = format!("{}x", "-".repeat(MAX_DEPTH));
        assert_eq!(fail(&past).kind, ExprErrorKind::TooDeep { max: MAX_DEPTH });

        let at = format!("{}x", "not ".repeat(MAX_DEPTH - 1));
        assert_eq!(ok(&at).depth, MAX_DEPTH);
        let past = format!("{}x", "not ".repeat(MAX_DEPTH));
        assert_eq!(fail(&past).kind, ExprErrorKind::TooDeep { max: MAX_DEPTH });

        // Long chains stop early with TooDeep, not a stack overflow.
        let huge = format!("{}x", "-".repeat(MAX_EXPR_LEN - 1));
        assert_eq!(fail(&huge).kind, ExprErrorKind::TooDeep { max: MAX_DEPTH });
        let huge = format!("{}x", "not ".repeat(MAX_EXPR_LEN / 4 - 1));
        assert_eq!(fail(&huge).kind, ExprErrorKind::TooDeep { max: MAX_DEPTH });
    }

    #[test]
    fn depth_limit_calls_ifs_lists_index() {
        let call = |n: usize| format!("{}x{}", "abs(".repeat(n), ")".repeat(n));
        assert_eq!(ok(&call(MAX_DEPTH - 1)).depth, MAX_DEPTH);
        assert_eq!(
            fail(&call(MAX_DEPTH)).kind,
            ExprErrorKind::TooDeep { max: MAX_DEPTH }
        );

        let ifs = |n: usize| format!("{}x", "if c then 1 else ".repeat(n));
        assert_eq!(ok(&ifs(MAX_DEPTH - 1)).depth, MAX_DEPTH);
        assert_eq!(
            fail(&ifs(MAX_DEPTH)).kind,
            ExprErrorKind::TooDeep { max: MAX_DEPTH }
        );
        let ifs_cond = |n: usize| format!("{}c{}", "if ".repeat(n), " then 1 else 2".repeat(n));
        assert_eq!(ok(&ifs_cond(MAX_DEPTH - 1)).depth, MAX_DEPTH);
        assert_eq!(
            fail(&ifs_cond(MAX_DEPTH)).kind,
            ExprErrorKind::TooDeep { max: MAX_DEPTH }
        );

        let lists = |n: usize| format!("{}x{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(ok(&lists(MAX_DEPTH - 1)).depth, MAX_DEPTH);
        assert_eq!(
            fail(&lists(MAX_DEPTH)).kind,
            ExprErrorKind::TooDeep { max: MAX_DEPTH }
        );

        let index = |n: usize| format!("{}x{}", "t[".repeat(n), "]".repeat(n));
        assert_eq!(ok(&index(MAX_DEPTH - 1)).depth, MAX_DEPTH);
        assert_eq!(
            fail(&index(MAX_DEPTH)).kind,
            ExprErrorKind::TooDeep { max: MAX_DEPTH }
        );
    }

    #[test]
    fn depth_limit_binary_chains() {
        // A left-deep chain of n terms has depth n.
        let chain = |n: usize| vec!["x"; n].join(" + ");
        assert_eq!(ok(&chain(MAX_DEPTH)).depth, MAX_DEPTH);
        assert_eq!(
            fail(&chain(MAX_DEPTH + 1)).kind,
            ExprErrorKind::TooDeep { max: MAX_DEPTH }
        );
    }

    #[test]
    fn node_limit() {
        // A call with n arguments has n + 1 nodes.
        let call = |n: usize| format!("sum({})", vec!["1"; n].join(","));
        let at = call(MAX_NODES - 1);
        assert!(at.len() <= MAX_EXPR_LEN);
        assert!(parse(&at).is_ok());
        let e = fail(&call(MAX_NODES));
        assert_eq!(e.kind, ExprErrorKind::TooManyNodes { max: MAX_NODES });

        let list = |n: usize| format!("[{}]", vec!["1"; n].join(","));
        assert!(parse(&list(MAX_NODES - 1)).is_ok());
        assert_eq!(
            fail(&list(MAX_NODES)).kind,
            ExprErrorKind::TooManyNodes { max: MAX_NODES }
        );
        // Index: the table name is not a node; t[k] is two nodes.
        let idx = |n: usize| format!("sum({})", vec!["t[k]"; n].join(","));
        assert!(parse(&idx((MAX_NODES - 1) / 2)).is_ok());
        assert_eq!(
            fail(&idx(MAX_NODES / 2)).kind,
            ExprErrorKind::TooManyNodes { max: MAX_NODES }
        );
    }

    #[test]
    fn length_limit() {
        let at = format!("{}1", " ".repeat(MAX_EXPR_LEN - 1));
        assert_eq!(at.len(), MAX_EXPR_LEN);
        assert!(parse(&at).is_ok());
        let past = format!("{}1", " ".repeat(MAX_EXPR_LEN));
        assert_eq!(
            fail(&past).kind,
            ExprErrorKind::TooLong {
                len: MAX_EXPR_LEN + 1,
                max: MAX_EXPR_LEN
            }
        );
    }

    #[test]
    fn hostile_inputs_fail_fast() {
        let start = Instant::now();
        let parens = "(".repeat(1_000_000);
        assert!(matches!(fail(&parens).kind, ExprErrorKind::TooLong { .. }));
        let terms = vec!["1"; 1_000_000].join("+");
        assert!(matches!(fail(&terms).kind, ExprErrorKind::TooLong { .. }));
        // Within the length limit, deep nesting still fails before recursing far.
        let parens = "(".repeat(MAX_EXPR_LEN);
        assert_eq!(
            fail(&parens).kind,
            ExprErrorKind::TooDeep { max: MAX_DEPTH }
        );
        let terms = vec!["1"; MAX_EXPR_LEN / 2].join("+");
        assert_eq!(fail(&terms).kind, ExprErrorKind::TooDeep { max: MAX_DEPTH });
        assert!(start.elapsed() < Duration::from_secs(5));
    }
}
