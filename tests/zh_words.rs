//! Under `--lang zh` no English word reaches the reader: every Chinese golden file of
//! tests/golden (each command × format) is scanned for English words outside ids, field
//! names and codes.

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Words of the rule packs' expression language (code, shown in traces as written).
const CODE_WORDS: &[&str] = &[
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "in",
    "min",
    "max",
    "abs",
    "sum",
    "count",
    "dot",
    "growth",
    "exists",
    "all_in",
    "any_between",
    "date",
    "true",
    "false",
    "wagecheck",
];

/// The text a person reads in one golden file: for HTML the visible text outside code (no
/// markup, style or script), for JUnit the messages and texts, for JSON the messages; the
/// rest as it is. Backquoted spans (Markdown code) are code.
fn readable(name: &str, text: &str) -> String {
    // The golden frame (`exit N`, `--- stdout`, `--- stderr`) is the test's, not the output.
    let body = text.split("--- stdout\n").nth(1).unwrap_or(text);
    let (stdout, stderr) = body.split_once("--- stderr\n").unwrap_or((body, ""));
    if name.contains(".json") {
        // The texts in JSON reports: every "message" and "title"; keys and codes are data.
        let mut out = String::new();
        let mut walk = Vec::new();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(stdout) {
            walk.push(v);
        } else {
            walk.extend(stdout.lines().filter_map(|l| serde_json::from_str(l).ok()));
        }
        while let Some(v) = walk.pop() {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        match (k.as_str(), v) {
                            ("message" | "title", serde_json::Value::String(s)) => {
                                out.push_str(&s);
                                out.push('\n');
                            }
                            (_, v) => walk.push(v),
                        }
                    }
                }
                serde_json::Value::Array(a) => walk.extend(a),
                _ => {}
            }
        }
        out.push_str(stderr);
        return out;
    }
    let body = format!("{stdout}\n{stderr}");
    let mut s = body.replace("<wbr>", "");
    if name.contains(".markdown") {
        // Markdown text as read: a backslash escapes the punctuation after it (`labor\_cost`).
        let mut plain = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
                continue;
            }
            plain.push(c);
        }
        s = plain;
    }
    if name.contains(".html") || name.contains(".junit") {
        for (open, close) in [
            ("<style", "</style>"),
            ("<script", "</script>"),
            ("<code", "</code>"),
            ("<?xml", "?>"),
        ] {
            while let Some(a) = s.find(open) {
                let b = s[a..]
                    .find(close)
                    .map(|b| a + b + close.len())
                    .unwrap_or(s.len());
                s.replace_range(a..b, " ");
            }
        }
        // Keep attribute values people read (JUnit messages, SVG labels), drop the markup.
        let mut out = String::new();
        let mut rest = s.as_str();
        while let Some(a) = rest.find('<') {
            out.push_str(&rest[..a]);
            let b = rest[a..].find('>').map(|b| a + b + 1).unwrap_or(rest.len());
            let tag = &rest[a..b];
            for attr in ["message=\"", "aria-label=\""] {
                if let Some(v) = tag.split(attr).nth(1) {
                    out.push(' ');
                    out.push_str(v.split('"').next().unwrap_or(""));
                    out.push(' ');
                }
            }
            out.push(' ');
            rest = &rest[b..];
        }
        out.push_str(rest);
        s = out
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'");
    }
    // Quoted literals ('approval', "filing") are values in code (trace lines).
    let mut unquoted = String::new();
    for line in s.lines() {
        let mut keep = String::new();
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None => keep.push(c),
            }
        }
        unquoted.push_str(&keep);
        unquoted.push('\n');
    }
    let s = unquoted;
    // Markdown code spans.
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(part);
        }
        out.push(' ');
    }
    out
}

/// English words in `text`: runs of letters that are not ids, field names, paths or codes.
fn english_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let is_run = |c: char| c.is_ascii_alphanumeric() || "_.-/#@:".contains(c);
    for run in text.split(|c: char| !is_run(c)) {
        // `field:` labels a field (as in `schema: 缺少必填字段`).
        if run.ends_with(':') && !run.ends_with("::") {
            continue;
        }
        let run = run.trim_matches(|c: char| ".-/#".contains(c));
        if run.is_empty() || !run.chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        // An id, a dotted field name, a path, a pack id, a code with digits.
        if run.contains(['_', '.', '/', '#', '-', ':', '@'])
            || run.chars().any(|c| c.is_ascii_digit())
        {
            continue;
        }
        // An acronym or a code in capitals (GBK, UTF, TOML).
        if run.chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        if CODE_WORDS.contains(&run) {
            continue;
        }
        found.push(run.to_string());
    }
    found
}

#[test]
fn chinese_golden_files_have_no_english_words() {
    let mut problems = Vec::new();
    let mut scanned = 0;
    // The command × format × language golden files (tests/golden.rs). The bad-input corpus
    // (tests/corpus/expected) quotes the input and the codes it expects, and is not scanned.
    for dir in ["tests/golden"] {
        let mut files: Vec<_> = std::fs::read_dir(Path::new(ROOT).join(dir))
            .expect("golden dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".zh.txt"))
            .collect();
        files.sort();
        for path in files {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .to_string();
            let text = std::fs::read_to_string(&path).expect("read golden file");
            scanned += 1;
            let words = english_words(&readable(&name, &text));
            if !words.is_empty() {
                let mut w = words.clone();
                w.sort();
                w.dedup();
                problems.push(format!("{dir}/{name}: {}", w.join(", ")));
            }
        }
    }
    assert!(scanned >= 15, "{scanned} files");
    assert!(
        problems.is_empty(),
        "English words in Chinese output:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_finds_english_words() {
    assert_eq!(
        english_words("结论 pass，类别 competitive"),
        ["pass", "competitive"]
    );
    assert!(
        english_words("linkage.growth_cap [二(三)1] national-2018 91210500MA0XK7N440 GBK")
            .is_empty()
    );
    assert_eq!(
        english_words(&readable(
            "x.html.zh.txt",
            "--- stdout\n<p title=\"a\">不通过 <code>if x then y</code> unset</p>"
        )),
        ["unset"]
    );
}
