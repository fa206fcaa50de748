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
        static PATH: Scratch = Scratch(std::env::temp_dir().join(format!(
            "wagecheck-fuzz-{}-{:?}.csv",
            std::process::id(),
            std::thread::current().id()
        )));
    }
    PATH.with(|path| csv_at(&path.0, data));
}

/// A per-thread scratch path (a file or a directory), removed when the thread ends so that a
/// fuzz or test run leaves nothing behind in the temporary directory.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
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

/// Builds a small directory tree from the bytes (directories, filings, other files, hidden
/// files, `.gitignore`s, symbolic links to `.`, `..`, the root or a sibling, FIFOs, hard links)
/// and walks it as `wagecheck batch` does, with options from the first byte. Checks that the
/// walk ends, reads only regular candidate files, each once, never through a link unless asked,
/// and accounts for every candidate it does not read.
pub fn walk(data: &[u8]) {
    use std::os::unix::fs::MetadataExt;
    use wagecheck::input::walk::{self, Walk};
    thread_local! {
        static ROOT: Scratch = Scratch(std::env::temp_dir().join(format!(
            "wagecheck-fuzz-walk-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        )));
    }
    let Some((&flags, ops)) = data.split_first() else {
        return;
    };
    let base = ROOT.with(|r| r.0.clone());
    let _ = std::fs::remove_dir_all(&base);
    let root = base.join("r");
    if std::fs::create_dir_all(&root).is_err() {
        return;
    }
    const NAMES: &[&str] = &[
        "a", "b", ".h", "a.toml", "b.json", "c.csv", "d.TOML", ".x.toml", "e.txt", "target",
    ];
    let mut dirs = vec![root.clone()];
    let mut cur = root.clone();
    for pair in ops.chunks(2).take(48) {
        let (op, arg) = (pair[0], *pair.get(1).unwrap_or(&0));
        let name = NAMES[arg as usize % NAMES.len()];
        let p = cur.join(name);
        // Writing into a FIFO made earlier would block the harness itself.
        if std::fs::symlink_metadata(&p).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            continue;
        }
        let _ = match op % 9 {
            0 => std::fs::create_dir(&p).map(|_| dirs.push(p.clone())),
            1 => {
                cur = dirs[arg as usize % dirs.len()].clone();
                Ok(())
            }
            2 | 3 => std::fs::write(&p, b"x = 1\n"),
            4 if !std::fs::symlink_metadata(cur.join(".gitignore")).is_ok_and(|m| !m.is_file()) => {
                std::fs::write(cur.join(".gitignore"), format!("{name}\n"))
            }
            4 => Ok(()),
            5 => {
                let target = match arg % 4 {
                    0 => std::path::PathBuf::from("."),
                    1 => std::path::PathBuf::from(".."),
                    2 => root.clone(),
                    _ => dirs[arg as usize % dirs.len()].clone(),
                };
                std::os::unix::fs::symlink(target, cur.join(format!("l{}.toml", arg % 3)))
            }
            6 => std::os::unix::fs::symlink(cur.join(name), cur.join(format!("f{}.json", arg % 2))),
            7 => {
                // A FIFO: the walk must not open it.
                let c =
                    std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap_or_default();
                unsafe extern "C" {
                    fn mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
                }
                // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
                let _ = unsafe { mkfifo(c.as_ptr(), 0o644) };
                Ok(())
            }
            _ => std::fs::hard_link(cur.join("a.toml"), cur.join(format!("h{}.toml", arg % 2))),
        };
    }
    let out_file = root.join("out.json");
    let _ = std::fs::write(&out_file, b"[]");
    let opts = Walk {
        include_ignored: flags & 1 == 1,
        follow_links: flags & 2 == 2,
        exclude: walk::file_id(&out_file).into_iter().collect(),
    };
    let got = walk::expand(std::slice::from_ref(&root), &opts);
    let mut ids = std::collections::HashSet::new();
    for f in &got.files {
        let m = std::fs::metadata(f).expect("a file the walk returned exists");
        assert!(m.is_file(), "not a regular file: {}", f.display());
        assert!(
            wagecheck::input::Format::from_path(f).is_some(),
            "not a filing: {}",
            f.display()
        );
        assert!(
            ids.insert((m.dev(), m.ino())),
            "read twice: {}",
            f.display()
        );
        assert!(f != &out_file, "read its own output file");
        let rel = f.strip_prefix(&root).expect("under the root");
        if !opts.follow_links {
            let mut p = root.clone();
            for c in rel.components() {
                p.push(c);
                let lm = std::fs::symlink_metadata(&p).expect("exists");
                assert!(
                    !lm.file_type().is_symlink(),
                    "through a link: {}",
                    f.display()
                );
            }
        }
        if !opts.include_ignored {
            assert!(
                !rel.components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.')),
                "hidden: {}",
                f.display()
            );
        }
    }
    // Every regular candidate file under the root (not through links) is read or accounted
    // for by a skipped path at or above it.
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(lm) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if lm.is_dir() {
                if depth + 1 < walk::MAX_WALK_DEPTH {
                    stack.push((p, depth + 1));
                }
            } else if lm.is_file() && wagecheck::input::Format::from_path(&p).is_some() {
                let read = got.files.iter().any(|f| {
                    std::fs::metadata(f).is_ok_and(|m| (m.dev(), m.ino()) == (lm.dev(), lm.ino()))
                });
                let accounted = got.skipped.iter().any(|s| p.starts_with(&s.path));
                assert!(read || accounted, "dropped silently: {}", p.display());
            }
        }
    }
    for s in &got.skipped {
        assert!(!s.reason.zh.is_empty() && !s.reason.en.is_empty());
    }
    let _ = std::fs::remove_dir_all(&base);
}

/// Untrusted text through the escapers and through every report format (as a filing's name and
/// source, and quoted in an error): nothing hidden reaches a table, Markdown or JUnit output,
/// Markdown cannot gain a line or a cell, and the JUnit document stays well-formed.
pub fn escape(data: &[u8]) {
    use wagecheck::report::escape;
    // The first byte chooses what to render, so that each input renders one thing (fast) and
    // the corpus covers them all: the report kind, the language, the format and the call.
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let s = String::from_utf8_lossy(rest);
    let v = escape::visible(&s);
    assert!(!v.chars().any(escape::is_hidden), "visible: {v:?}");
    let m = escape::markdown(&s);
    assert!(
        !m.contains('\n') && !m.contains('\r'),
        "markdown line: {m:?}"
    );
    assert!(!m.chars().any(escape::is_hidden), "markdown hidden: {m:?}");
    assert!(!m.contains('<'), "markdown html: {m:?}");
    let bars = m.matches('|').count();
    assert_eq!(bars, m.matches("\\|").count(), "markdown cell: {m:?}");
    let x = escape::xml(&s);
    assert!(x.chars().all(escape::xml_allowed), "xml: {x:?}");
    assert!(!x.contains('<') && !x.contains('"'), "xml markup: {x:?}");
    let j = escape::json(&serde_json::to_string(&s.as_ref()).unwrap_or_default()).into_owned();
    assert!(!j.chars().any(escape::is_hidden), "json: {j:?}");
    assert_eq!(
        serde_json::from_str::<String>(&j).ok().as_deref(),
        Some(s.as_ref()),
        "json value"
    );

    // The same text as a filing's name, file name and credit code, or as an error: the
    // reports are evaluated once; each input only changes their strings.
    static BASE_REPORTS: OnceLock<Vec<Report>> = OnceLock::new();
    let base = BASE_REPORTS.get_or_init(|| {
        let Some(f) = sample_filings().first() else {
            return Vec::new();
        };
        builtin_packs()
            .iter()
            .map(|pack| {
                let eval = engine::evaluate(f, pack, Options { trace: true });
                Report::new(f, pack, eval, chrono::NaiveDate::MIN)
            })
            .collect()
    });
    let Some(r) = base.get(usize::from(sel & 1) % base.len().max(1)) else {
        return;
    };
    let r = if sel & 2 == 0 {
        let mut r = r.clone();
        r.name = s.to_string();
        r.source = s.to_string();
        r.credit_code = Some(s.to_string());
        r
    } else {
        Report::invalid(
            &s,
            vec![Diagnostic::new(
                &s,
                None,
                Some(&s),
                wagecheck::diag::Text::owned(s.to_string(), s.to_string()),
            )],
        )
    };
    let lang = if sel & 4 == 0 { Lang::Zh } else { Lang::En };
    let formats = report::OutputFormat::ALL;
    let format = formats[usize::from(sel >> 3) % formats.len()];
    let p = format.printer();
    if p.is_binary() {
        // A workbook is never text on a terminal: it must be built, whatever the strings
        // (`tests/spreadsheet.rs` checks such a workbook's XML parts parse). Its items are
        // an internal spill format, read back only by `binary_from_items`.
        let item = p.item(&r, lang, true);
        assert!(p.binary(std::slice::from_ref(&r), lang).is_ok(), "xlsx");
        assert!(p.binary_from_items(&item, lang).is_ok(), "xlsx from items");
        return;
    }
    let text = match (sel >> 6) % 4 {
        0 => p.document(std::slice::from_ref(&r), lang, true),
        1 => String::from_utf8_lossy(&p.item(&r, lang, true)).into_owned(),
        2 => p.begin(&report::Summary::default(), lang) + &p.end(&report::Summary::default(), lang),
        _ => report::table::explain(&r, lang, None, report::View::PLAIN),
    };
    let bad = text.chars().find(|c| escape::is_hidden(*c) && *c != '\n');
    assert!(bad.is_none(), "{bad:?} in {format:?} output:\n{text}");
    if format == report::OutputFormat::Junit {
        assert!(text.chars().all(escape::xml_allowed), "junit: {text}");
    }
}
