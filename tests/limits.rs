//! Every bound on parsing and evaluation (README "Limits"), tested at the bound and just past it:
//! at the bound the input is accepted (or fails for another reason), one past it gets the
//! limit's own located error, never a panic, a stack overflow or a hang.

use std::time::{Duration, Instant};

use wagecheck::expr::{self, MAX_DEPTH, MAX_EXPR_LEN, MAX_NODES, Scope, Type};
use wagecheck::filing::{self, schema::MAX_ARRAY_ITEMS};
use wagecheck::input::{self, MAX_DOCUMENT_BYTES};
use wagecheck::pack::Registry;
use wagecheck::pack::registry::MAX_CHAIN;

fn is_too_large(e: &wagecheck::diag::Diagnostic) -> bool {
    e.message.en.contains("file too large")
}

/// Runs `f`, failing if it takes longer than a generous bound (a hang or a blow-up).
fn quick<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{what} took {:?}",
        start.elapsed()
    );
    out
}

#[test]
fn max_document_bytes() {
    // A comment line fills the document to exactly the limit, then one byte more.
    let head = "schema = \"wagecheck/filing/v1\"\n#";
    let at = format!("{head}{}", "x".repeat(MAX_DOCUMENT_BYTES - head.len()));
    assert_eq!(at.len(), MAX_DOCUMENT_BYTES);
    let past = format!("{at}x");
    quick("parse at the limit", || {
        assert!(input::parse_toml("a.toml", &at).is_ok());
        assert!(
            input::parse_json(
                "a.json",
                &format!("{{}}{}", " ".repeat(MAX_DOCUMENT_BYTES - 2))
            )
            .is_ok()
        );
        assert!(input::decode_utf8("a.toml", at.clone().into_bytes()).is_ok());
    });
    quick("parse past the limit", || {
        assert!(is_too_large(
            &input::parse_toml("a.toml", &past).unwrap_err()
        ));
        assert!(is_too_large(
            &input::parse_json(
                "a.json",
                &format!("{{}}{}", " ".repeat(MAX_DOCUMENT_BYTES - 1))
            )
            .unwrap_err()
        ));
        assert!(is_too_large(
            &input::decode_utf8("a.toml", past.clone().into_bytes()).unwrap_err()
        ));
        // filing::parse_str goes through the same check.
        let errs = filing::parse_str("a.toml", &past).unwrap_err();
        assert!(is_too_large(&errs[0]));
        // A rule pack too.
        let errs = Registry::compile_text("p.toml", &past, None).unwrap_err();
        assert!(is_too_large(&errs[0]));
    });
}

struct OneName;
impl Scope for OneName {
    fn resolve(&self, name: &str) -> Option<(u32, Type)> {
        (name == "x").then_some((0, Type::Num))
    }
    fn resolve_table(&self, _: &str) -> Option<(u32, Type, Type)> {
        None
    }
    fn candidates(&self) -> Vec<String> {
        vec!["x".into()]
    }
}

fn compile(src: &str) -> Result<expr::Compiled, expr::ExprErrorKind> {
    quick("compile", || {
        expr::compile(src, &OneName, None).map_err(|e| e.kind)
    })
}

#[test]
fn max_expr_len() {
    let at = format!("{}x", " ".repeat(MAX_EXPR_LEN - 1));
    assert_eq!(at.len(), MAX_EXPR_LEN);
    assert!(compile(&at).is_ok());
    let past = format!(" {at}");
    assert_eq!(
        compile(&past).unwrap_err(),
        expr::ExprErrorKind::TooLong {
            len: MAX_EXPR_LEN + 1,
            max: MAX_EXPR_LEN
        }
    );
    // A million terms: refused by length before any parsing.
    let million = vec!["x"; 1_000_000].join("+");
    assert!(matches!(
        compile(&million).unwrap_err(),
        expr::ExprErrorKind::TooLong { .. }
    ));
}

#[test]
fn max_depth() {
    // `(x)` nested: a leaf has depth 1, each pair of parentheses around a negation adds one.
    let nest = |n: usize| format!("{}x", "-".repeat(n));
    assert!(compile(&nest(MAX_DEPTH - 1)).is_ok());
    assert_eq!(
        compile(&nest(MAX_DEPTH)).unwrap_err(),
        expr::ExprErrorKind::TooDeep { max: MAX_DEPTH }
    );
    // Far past the bound (deeper than the stack would allow unchecked): the same error.
    let parens = format!("{}x{}", "(".repeat(2000), ")".repeat(2000));
    assert_eq!(
        compile(&parens).unwrap_err(),
        expr::ExprErrorKind::TooDeep { max: MAX_DEPTH }
    );
}

#[test]
fn max_nodes() {
    // `min(x, x, …)`: one call node plus its arguments.
    let call = |args: usize| format!("min({})", vec!["x"; args].join(","));
    assert!(compile(&call(MAX_NODES - 1)).is_ok());
    assert_eq!(
        compile(&call(MAX_NODES)).unwrap_err(),
        expr::ExprErrorKind::TooManyNodes { max: MAX_NODES }
    );
}

fn indicators(n: usize) -> String {
    let base = std::fs::read_to_string("samples/01-pass-competitive.toml").expect("sample");
    let cut = base.find("[[indicator]]").expect("indicators");
    let rest = &base[base.find("[productivity]").expect("productivity")..];
    let mut text = base[..cut].to_string();
    for i in 0..n {
        text.push_str(&format!(
            "[[indicator]]\nid = \"i{i}\"\nweight = 0\nprior = 1\nbudget = 1\n\n"
        ));
    }
    text + rest
}

#[test]
fn max_array_items() {
    assert!(filing::parse_str("a.toml", &indicators(MAX_ARRAY_ITEMS)).is_ok());
    let errs = filing::parse_str("a.toml", &indicators(MAX_ARRAY_ITEMS + 1)).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].field.as_deref(), Some("indicator"));
    assert!(errs[0].line.is_some());
    assert!(errs[0].message.en.contains("too many entries"), "{errs:?}");
}

#[test]
fn json_nesting_limit_is_512() {
    // jsonc-parser refuses arrays or objects nested more than 512 deep below the top value.
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deepest = (500..600)
        .take_while(|n| input::parse_json("a.json", &nested(*n)).is_ok())
        .last()
        .expect("some nesting is accepted");
    assert_eq!(deepest, 513, "JSON nesting limit moved");
    let Err(e) = input::parse_json("a.json", &nested(deepest + 1)) else {
        panic!("nesting past the limit is accepted")
    };
    assert!(e.message.en.contains("nesting"), "{e:?}");
    assert_eq!((e.line, e.column), (Some(1), Some(513)));
    // Far past the bound: the same error, no stack overflow.
    let deep = nested(200_000);
    assert!(quick("deep JSON", || input::parse_json("a.json", &deep).is_err()));
}

#[test]
fn toml_recursion_limit() {
    // The toml crate refuses values nested past its recursion limit (80 at toml 1.2).
    let nested = |n: usize| format!("a = {}{}\n", "[".repeat(n), "]".repeat(n));
    let deepest = (1..200)
        .take_while(|n| input::parse_toml("a.toml", &nested(*n)).is_ok())
        .last()
        .expect("some nesting is accepted");
    assert!(
        (64..=80).contains(&deepest),
        "TOML nesting limit moved: {deepest}"
    );
    let Err(e) = input::parse_toml("a.toml", &nested(deepest + 1)) else {
        panic!("nesting past the limit is accepted")
    };
    assert!(e.message.en.contains("recurs"), "{e:?}");
    assert!(e.line.is_some());
    let deep = nested(200_000);
    assert!(quick("deep TOML", || input::parse_toml("a.toml", &deep).is_err()));
    // Inline tables count the same way.
    let tables = |n: usize| format!("a = {}1{}\n", "{ b = ".repeat(n), " }".repeat(n));
    assert!(input::parse_toml("a.toml", &tables(deepest)).is_ok());
    assert!(input::parse_toml("a.toml", &tables(200_000)).is_err());
}

#[test]
fn max_chain() {
    // national-2018 is the first layer; c1 … cN extend it one after the other.
    let dir = tempfile::TempDir::new().expect("temp dir");
    let write = |i: usize| {
        let parent = if i == 1 {
            "national-2018".to_string()
        } else {
            format!("c{}", i - 1)
        };
        let text = format!(
            "[pack]\nid = \"c{i}\"\ntitle = {{ zh = \"链\", en = \"chain\" }}\ndocument = \"x\"\n\
             issuer = {{ zh = \"x\", en = \"x\" }}\njurisdiction = \"x\"\nextends = \"{parent}\"\n\
             effective_from = 2024-01-01\n"
        );
        let p = dir.path().join(format!("c{i}.toml"));
        std::fs::write(&p, text).expect("write pack");
        p
    };
    let mut last = None;
    for i in 1..=MAX_CHAIN {
        last = Some(write(i));
    }
    // c(MAX_CHAIN - 1) has MAX_CHAIN layers with national-2018.
    let at = dir.path().join(format!("c{}.toml", MAX_CHAIN - 1));
    let pack = Registry::new()
        .load(&at.display().to_string())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(pack.chain.len(), MAX_CHAIN);
    let past = last.expect("written");
    let errs = Registry::new()
        .load(&past.display().to_string())
        .unwrap_err();
    assert!(
        errs.iter().any(|e| e.message.en.contains("too long")),
        "{errs:?}"
    );
}
