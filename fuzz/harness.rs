//! The fuzz entry functions, shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the
//! regression test that replays the committed cases (`tests/fuzz_regressions.rs`), so both
//! drive exactly the same code. Each function takes arbitrary bytes and must return without
//! panicking; the few invariants checked here panic on purpose when broken.

#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use wagecheck::diag::{Diagnostic, Lang};
use wagecheck::engine::{self, Options, Verdict};
use wagecheck::expr::{self, Decimal, Env, Scope, Type, Value};
use wagecheck::filing::{self, Filing};
use wagecheck::pack::{Pack, Registry};
use wagecheck::report::{self, Report};

/// Sample filings, evaluated against every pack the pack target manages to compile.
const SAMPLES: &[(&str, &str)] = &[
    (
        "samples/01-pass-competitive.toml",
        include_str!("../samples/01-pass-competitive.toml"),
    ),
    (
        "samples/03-restricted-70.toml",
        include_str!("../samples/03-restricted-70.toml"),
    ),
    (
        "samples/05-noncompetitive-control.toml",
        include_str!("../samples/05-noncompetitive-control.toml"),
    ),
    (
        "samples/06-missing-data.toml",
        include_str!("../samples/06-missing-data.toml"),
    ),
    (
        "samples/08-annual-return.toml",
        include_str!("../samples/08-annual-return.toml"),
    ),
];

fn builtin_packs() -> &'static [Arc<Pack>] {
    static PACKS: OnceLock<Vec<Arc<Pack>>> = OnceLock::new();
    PACKS.get_or_init(|| {
        let reg = Registry::new();
        ["benxi-2019", "national-2018"]
            .iter()
            // The built-in packs are part of the binary and tested to load.
            .map(|id| {
                reg.load(id)
                    .unwrap_or_else(|e| panic!("built-in pack {id}: {e:?}"))
            })
            .collect()
    })
}

fn sample_filings() -> &'static [Filing] {
    static FILINGS: OnceLock<Vec<Filing>> = OnceLock::new();
    FILINGS.get_or_init(|| {
        SAMPLES
            .iter()
            .map(|(name, text)| {
                filing::parse_str(name, text).unwrap_or_else(|e| panic!("sample {name}: {e:?}"))
            })
            .collect()
    })
}

/// Every diagnostic must say something, in both languages, and render.
fn check_diagnostics(errors: &[Diagnostic]) {
    assert!(!errors.is_empty(), "an error result without diagnostics");
    for d in errors {
        assert!(!d.message.zh.trim().is_empty(), "empty zh message: {d:?}");
        assert!(!d.message.en.trim().is_empty(), "empty en message: {d:?}");
        let _ = d.render(Lang::Zh);
        let _ = d.render(Lang::En);
    }
}

/// Renders a report in every format and language.
fn render_all(r: &Report) {
    for lang in [Lang::Zh, Lang::En] {
        let j = report::json::report(r, lang, true);
        let _ = serde_json::to_string(&j);
        let view = report::View::PLAIN;
        let _ = report::table::report(r, lang, view);
        let _ = report::table::explain(r, lang, None, view);
        let _ = report::markdown::report(r, lang);
        let _ = report::junit::testcase(r, lang, view);
        let _ = report::html::section(r, lang, "r1", report::html::Mode::Explain(None));
        let _ = r.main_reason(lang);
    }
}

/// Validates and evaluates a filing against a pack, then renders the report.
fn evaluate(f: &Filing, pack: &Pack) {
    let problems = engine::validate(f, pack);
    let r = if problems.is_empty() {
        let eval = engine::evaluate(f, pack, Options { trace: true });
        assert_ne!(eval.verdict, Verdict::Invalid, "evaluate gave invalid");
        Report::new(f, pack, eval, chrono::NaiveDate::MIN)
    } else {
        check_diagnostics(&problems);
        Report::invalid(&f.source, problems)
    };
    render_all(&r);
}

/// A filing file: TOML, or JSON when the first byte is odd. Read as `filing::read_file` reads
/// a file (UTF-8 check, then parse), then validated, evaluated and rendered under both packs.
pub fn filing(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let name = if first & 1 == 1 { "f.json" } else { "f.toml" };
    let text = match wagecheck::input::decode_utf8(name, rest.to_vec()) {
        Ok(t) => t,
        Err(d) => return check_diagnostics(&[d]),
    };
    match filing::parse_str(name, &text) {
        Ok(f) => {
            for pack in builtin_packs() {
                evaluate(&f, pack);
            }
        }
        Err(errors) => {
            check_diagnostics(&errors);
            render_all(&Report::invalid(name, errors));
        }
    }
}

/// A rule pack text, compiled (with `extends` resolved among the built-in packs); a pack that
/// compiles is then run on the sample filings.
pub fn pack(data: &[u8]) {
    let text = match wagecheck::input::decode_utf8("p.toml", data.to_vec()) {
        Ok(t) => t,
        Err(d) => return check_diagnostics(&[d]),
    };
    match Registry::compile_text("p.toml", &text, None) {
        Ok(pack) => {
            for f in sample_filings() {
                evaluate(f, &pack);
            }
        }
        Err(errors) => check_diagnostics(&errors),
    }
}

/// A CSV batch file, read by the batch reader exactly as `wagecheck batch` reads it; every
/// filing read is evaluated against the built-in packs.
pub fn csv(data: &[u8]) {
    thread_local! {
        static PATH: std::path::PathBuf = std::env::temp_dir().join(format!(
            "wagecheck-fuzz-{}-{:?}.csv",
            std::process::id(),
            std::thread::current().id()
        ));
    }
    PATH.with(|path| csv_at(path, data));
}

fn csv_at(path: &Path, data: &[u8]) {
    if std::fs::write(path, data).is_err() {
        return;
    }
    wagecheck::filing::read::for_each(&[path.to_path_buf()], |item| match item {
        wagecheck::filing::read::Item::Filing { filing, .. } => {
            for pack in builtin_packs() {
                evaluate(&filing, pack);
            }
        }
        wagecheck::filing::read::Item::Invalid { errors, .. } => check_diagnostics(&errors),
    });
}

// ---------------------------------------------------------------------------------------------
// Expressions

/// Names an expression may use: (name, type).
const NAMES: &[(&str, Type)] = &[
    ("a", Type::Num),
    ("b", Type::Num),
    ("budget.wage_total", Type::Num),
    ("u", Type::Num),
    ("flag", Type::Bool),
    ("s", Type::Str),
    ("d", Type::Date),
    ("xs", Type::NumList),
    ("ws", Type::NumList),
    ("names", Type::StrList),
];

struct FuzzScope;

impl Scope for FuzzScope {
    fn resolve(&self, name: &str) -> Option<(u32, Type)> {
        NAMES
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| (i as u32, NAMES[i].1.clone()))
    }
    fn resolve_table(&self, name: &str) -> Option<(u32, Type, Type)> {
        match name {
            "t" => Some((0, Type::Num, Type::Num)),
            "flags" => Some((1, Type::Num, Type::Bool)),
            _ => None,
        }
    }
    fn candidates(&self) -> Vec<String> {
        NAMES
            .iter()
            .map(|(n, _)| n.to_string())
            .chain(["t".into(), "flags".into()])
            .collect()
    }
}

/// Values chosen by a selector byte: ordinary, zero, extreme and unknown numbers.
struct FuzzEnv {
    sel: u8,
}

fn num_for(sel: u8, i: u32) -> Value {
    let pick = (sel as u32).wrapping_add(i.wrapping_mul(37)) % 8;
    match pick {
        0 => Value::Num(Decimal::new(12_600_000, 0)),
        1 => Value::Num(Decimal::ZERO),
        2 => Value::Num(Decimal::MAX),
        3 => Value::Num(Decimal::MIN),
        4 => Value::Num(Decimal::new(1, 28)),
        5 => Value::Num(Decimal::new(-7, 2)),
        6 => Value::unknown(format!("slot{i}")),
        _ => Value::Num(Decimal::new(33, 1)),
    }
}

impl Env for FuzzEnv {
    fn get(&self, slot: u32) -> Value {
        let s = self.sel;
        match NAMES.get(slot as usize).map(|(_, t)| t) {
            Some(Type::Num) => num_for(s, slot),
            Some(Type::Bool) if s & 0x10 != 0 => Value::unknown("flag"),
            Some(Type::Bool) => Value::Bool(s & 0x20 != 0),
            Some(Type::Str) => Value::Str(if s & 0x40 != 0 { "filing" } else { "" }.into()),
            Some(Type::Date) => match chrono::NaiveDate::from_ymd_opt(2025, 7, 31) {
                Some(d) if s & 0x80 == 0 => Value::Date(d),
                _ => Value::unknown("d"),
            },
            Some(Type::NumList) => Value::List(
                (0..(s as u32 % 5))
                    .map(|i| num_for(s.rotate_left(3), slot + i))
                    .collect(),
            ),
            Some(Type::StrList) => Value::List(
                ["roe", "profit_total", ""][..(s as usize % 4).min(3)]
                    .iter()
                    .map(|x| Value::Str(x.to_string()))
                    .collect(),
            ),
            None => Value::unknown("?"),
        }
    }
    fn lookup(&self, table: u32, key: &Value) -> Value {
        match (table, key) {
            (0, Value::Num(k)) if *k == Decimal::new(2023, 0) => {
                Value::Num(Decimal::new(120698, 0))
            }
            (1, Value::Num(k)) if *k == Decimal::new(2023, 0) => Value::Bool(true),
            (_, Value::Unknown(u)) => Value::Unknown(u.clone()),
            _ => Value::unknown(format!("table{table}[?]")),
        }
    }
}

/// An expression: the first byte selects the environment's values, the rest is the source.
pub fn expr(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    let expected = match sel & 3 {
        0 => None,
        1 => Some(Type::Num),
        2 => Some(Type::Bool),
        _ => Some(Type::Str),
    };
    match expr::compile(src, &FuzzScope, expected.as_ref()) {
        Ok(c) => {
            let env = FuzzEnv { sel };
            let v = c.eval(&env);
            let mut trace = Vec::new();
            let v2 = c.eval_traced(&env, &mut trace);
            assert_eq!(v, v2, "traced and untraced evaluation differ for {src:?}");
            let _ = c.substitute(&env);
            let _ = v.display_lang(true);
            let _ = (c.names(), c.tables(), c.refs());
            for step in &trace {
                // A step's text is a slice of the source at its span.
                assert_eq!(
                    src.get(step.span.start..step.span.end),
                    Some(step.text.as_str())
                );
            }
        }
        Err(e) => {
            assert!(
                e.span.start <= e.span.end && e.span.end <= src.len(),
                "span {e:?}"
            );
            assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
            assert!(!e.message(true).is_empty() && !e.message(false).is_empty());
        }
    }
}
