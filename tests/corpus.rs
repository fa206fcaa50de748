//! The bad-input corpus: every malformed filing under `tests/corpus/filings/` and every broken
//! pack under `tests/corpus/packs/` (written by `tests/corpus/make-corpus.py`), plus a few that
//! are generated here because they are large (a 10 MB line, a million-term expression, a long
//! `extends` chain). Each must give its own located, readable error and exit 2: never a panic, a
//! hang or a verdict. The messages, in zh and en, are compared with
//! `tests/corpus/expected/<case>.<lang>.txt`; run with `WAGECHECK_BLESS=1` to rewrite those files
//! after an intended change to a message (and read the diff).
//!
//! Filings run through `wagecheck check` (CSV files through `wagecheck batch`), packs through
//! `wagecheck rules lint`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Longer than any input should take; a case that runs past it is a hang.
const HANG: Duration = Duration::from_secs(20);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary from the crate root, killing it (and failing) if it hangs.
fn run(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wagecheck");
    // Read the pipes on their own threads so a large output cannot block the child.
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            panic!("wagecheck {args:?} hangs (over {HANG:?})");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = String::from_utf8(t_out.join().expect("stdout reader")).expect("UTF-8 stdout");
    let stderr = String::from_utf8(t_err.join().expect("stderr reader")).expect("UTF-8 stderr");
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Cmd {
    Check,
    Batch,
    Lint,
}

fn command_for(path: &str) -> Cmd {
    if path.contains("/packs/") {
        Cmd::Lint
    } else if path.ends_with(".csv") {
        Cmd::Batch
    } else {
        Cmd::Check
    }
}

fn args<'a>(cmd: Cmd, path: &'a str, lang: &'a str) -> Vec<&'a str> {
    match cmd {
        Cmd::Check => vec!["check", path, "--lang", lang],
        Cmd::Batch => vec!["batch", path, "--lang", lang],
        Cmd::Lint => vec!["rules", "lint", path, "--lang", lang],
    }
}

/// What a person reads, with a generated case's temporary directory written `$TMP`.
fn shown(r: &Run, tmp: Option<&Path>) -> String {
    let mut s = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        r.code, r.stdout, r.stderr
    );
    if let Some(t) = tmp {
        s = s.replace(&t.display().to_string(), "$TMP");
    }
    s
}

/// Checks one case in both languages; returns a description of every problem found.
fn check_case(name: &str, path: &str, cmd: Cmd, tmp: Option<&Path>) -> Vec<String> {
    let mut problems = Vec::new();
    let file_name = Path::new(path)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(path)
        .to_string();
    let mut texts = Vec::new();
    for lang in ["zh", "en"] {
        let r = run(&args(cmd, path, lang));
        let text = shown(&r, tmp);
        if r.code != 2 {
            problems.push(format!("{name} [{lang}]: exit {} instead of 2", r.code));
        }
        if text.contains("panicked") || text.contains("RUST_BACKTRACE") {
            problems.push(format!("{name} [{lang}]: panicked:\n{text}"));
        }
        // Readable: the message names the file it is about.
        if !text.contains(&file_name) {
            problems.push(format!(
                "{name} [{lang}]: the message does not name {file_name}"
            ));
        }
        if lang == "en" && r.stdout.contains("通过") {
            problems.push(format!("{name} [en]: Chinese text in the English output"));
        }
        let expected = Path::new(ROOT)
            .join("tests/corpus/expected")
            .join(format!("{name}.{lang}.txt"));
        if std::env::var_os("WAGECHECK_BLESS").is_some() {
            std::fs::write(&expected, &text).expect("write expected output");
        } else {
            match std::fs::read_to_string(&expected) {
                Ok(want) if want == text => {}
                Ok(want) => problems.push(format!(
                    "{name} [{lang}]: output differs from {}\n--- expected\n{want}\n--- actual\n{text}",
                    expected.display()
                )),
                Err(_) => problems.push(format!(
                    "{name} [{lang}]: no {} (run with WAGECHECK_BLESS=1)\n{text}",
                    expected.display()
                )),
            }
        }
        texts.push(text);
    }
    if texts.len() == 2 && texts[0] == texts[1] {
        problems.push(format!("{name}: the zh and en messages are the same"));
    }
    // A filing's errors are located: the JSON report lists each with its file, line and column.
    if cmd == Cmd::Check {
        let r = run(&["check", path, "--format", "json", "--lang", "en"]);
        match serde_json::from_str::<Value>(&r.stdout) {
            Ok(v) => {
                let errors = v["errors"].as_array().cloned().unwrap_or_default();
                if v["verdict"] != "invalid" || errors.is_empty() {
                    problems.push(format!("{name}: not an invalid report with errors: {v}"));
                }
                for e in &errors {
                    let located = e["file"].as_str().is_some_and(|f| f.ends_with(&file_name))
                        && (e["line"].is_u64() || UNPOSITIONED.contains(&name));
                    let readable = e["message"].as_str().is_some_and(|m| m.len() > 5);
                    if !located || !readable {
                        problems.push(format!("{name}: error not located or not readable: {e}"));
                    }
                }
            }
            Err(err) => problems.push(format!("{name}: JSON report does not parse ({err})")),
        }
    }
    problems
}

/// Errors about a file as a whole, which no line or column could locate better.
const UNPOSITIONED: &[&str] = &["generated-10mb-line"];

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["filings", "packs"] {
        let dir = Path::new(ROOT).join("tests/corpus").join(sub);
        for e in std::fs::read_dir(&dir).expect("corpus directory") {
            let p = e.expect("dir entry").path();
            if p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Runs cases on a few threads; fails listing every problem.
fn check_all(cases: Vec<(String, String, Cmd, Option<PathBuf>)>) {
    let chunks: Vec<_> = cases.chunks(cases.len().div_ceil(4).max(1)).collect();
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|(name, path, cmd, tmp)| {
                            check_case(name, path, *cmd, tmp.as_deref())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("corpus thread"))
            .collect()
    });
    assert!(
        problems.is_empty(),
        "{} problems:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn every_committed_bad_input_is_refused_with_its_own_located_message() {
    let files = corpus_files();
    assert!(
        files.len() >= 50,
        "the corpus has only {} cases",
        files.len()
    );
    let cases = files
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(ROOT)
                .expect("under the crate")
                .display()
                .to_string();
            let stem = p.file_name().and_then(|f| f.to_str()).unwrap_or("?");
            let cmd = command_for(&rel);
            (stem.to_string(), rel, cmd, None)
        })
        .collect();
    check_all(cases);
}

#[test]
fn every_case_has_its_own_message() {
    // Two different bad inputs never produce the same output (a catch-all message would).
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    for p in corpus_files() {
        let name = p.file_name().and_then(|f| f.to_str()).unwrap_or("?");
        let Ok(text) = std::fs::read_to_string(
            Path::new(ROOT)
                .join("tests/corpus/expected")
                .join(format!("{name}.en.txt")),
        ) else {
            continue; // reported by the test above
        };
        // The file name is in every message; compare what is said about it.
        let stem = Path::new(name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(name);
        let said = text.replace(stem, "CASE");
        if let Some(other) = seen.insert(said, name.to_string()) {
            panic!("{name} and {other} give the same message");
        }
    }
}

/// Large cases, written to a temporary directory by the test.
#[test]
fn generated_bad_inputs() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let tmp = dir.path().to_path_buf();
    let mut cases = Vec::new();
    let mut add = |name: &str, file: &str, bytes: Vec<u8>, cmd: Cmd| {
        let p = tmp.join(file);
        std::fs::write(&p, bytes).expect("write generated case");
        cases.push((
            name.to_string(),
            p.display().to_string(),
            cmd,
            Some(tmp.clone()),
        ));
    };
    let base = std::fs::read_to_string(Path::new(ROOT).join("samples/01-pass-competitive.toml"))
        .expect("sample 01");

    // A 10 MB line: past MAX_DOCUMENT_BYTES, refused before parsing.
    let long = format!("{base}\n# {}\n", "x".repeat(10 * 1024 * 1024));
    add(
        "generated-10mb-line",
        "ten-mb.toml",
        long.into_bytes(),
        Cmd::Check,
    );

    // A 10 MB string value inside the limit's reach would be refused the same way; a long name
    // under the limit (1 MB) is read, and the filing is then invalid for another reason.
    let name_1mb = base.replace(
        "name = \"本溪钢联机械制造有限公司\"",
        &format!("name = \"{}\"\nowner = 1", "名".repeat(300_000)),
    );
    add(
        "generated-1mb-name",
        "long-name.toml",
        name_1mb.into_bytes(),
        Cmd::Check,
    );

    // An expression of a million terms in a pack: past MAX_EXPR_LEN.
    let terms = vec!["1"; 1_000_000].join("+");
    let pack = format!(
        "[pack]\nid = \"million\"\ntitle = {{ zh = \"百万\", en = \"million\" }}\ndocument = \"x\"\n\
         issuer = {{ zh = \"x\", en = \"x\" }}\njurisdiction = \"x\"\nextends = \"national-2018\"\neffective_from = 2024-01-01\n\n\
         [quantities]\nhuge = {{ expr = \"{terms}\", zh = \"x\", en = \"x\" }}\n"
    );
    add(
        "generated-million-terms-pack",
        "million.toml",
        pack.into_bytes(),
        Cmd::Lint,
    );

    // Deeply nested expression, 10 000 parentheses: past MAX_DEPTH, no stack overflow.
    let deep = format!("{}wage_growth{}", "(".repeat(10_000), ")".repeat(10_000));
    let pack = format!(
        "[pack]\nid = \"deep\"\ntitle = {{ zh = \"深\", en = \"deep\" }}\ndocument = \"x\"\n\
         issuer = {{ zh = \"x\", en = \"x\" }}\njurisdiction = \"x\"\nextends = \"national-2018\"\neffective_from = 2024-01-01\n\n\
         [quantities]\ndeep = {{ expr = \"{deep}\", zh = \"x\", en = \"x\" }}\n"
    );
    add(
        "generated-deep-expr-pack",
        "deep-expr.toml",
        pack.into_bytes(),
        Cmd::Lint,
    );

    // JSON nested 100 000 deep: jsonc-parser's nesting limit (512) refuses it.
    let json = format!(
        "{{\"schema\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    add(
        "generated-deep-json",
        "deep.json",
        json.into_bytes(),
        Cmd::Check,
    );

    // TOML nested 100 000 deep: the toml crate's recursion limit refuses it.
    let toml = format!("schema = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    add(
        "generated-deep-toml",
        "deep.toml",
        toml.into_bytes(),
        Cmd::Check,
    );

    // A CSV column name of 100 000 dotted parts.
    let csv = format!("{}\nx\n", vec!["a"; 100_000].join("."));
    add(
        "generated-deep-csv-header",
        "deep.csv",
        csv.into_bytes(),
        Cmd::Batch,
    );

    // A chain of `extends` longer than MAX_CHAIN.
    let head = |id: &str, parent: &str| {
        format!(
            "[pack]\nid = \"{id}\"\ntitle = {{ zh = \"链\", en = \"chain\" }}\ndocument = \"x\"\n\
             issuer = {{ zh = \"x\", en = \"x\" }}\njurisdiction = \"x\"\nextends = \"{parent}\"\neffective_from = 2024-01-01\n"
        )
    };
    let n = wagecheck::pack::registry::MAX_CHAIN + 2;
    for i in 1..n {
        let parent = if i == 1 {
            "national-2018".to_string()
        } else {
            format!("chain-{}", i - 1)
        };
        std::fs::write(
            tmp.join(format!("chain-{i}.toml")),
            head(&format!("chain-{i}"), &parent),
        )
        .expect("write chain pack");
    }
    let top = head(&format!("chain-{n}"), &format!("chain-{}", n - 1));
    add(
        "generated-chain-too-long",
        &format!("chain-{n}.toml"),
        top.into_bytes(),
        Cmd::Lint,
    );

    check_all(cases);
}
