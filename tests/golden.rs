//! Golden files for every command × output format it supports × language: a layout change is a
//! reviewed diff. The outputs are compared with `tests/golden/<command>.<format>.<lang>.txt`;
//! run with `WAGECHECK_BLESS=1` to rewrite them after an intended change (and read the diff).
//! Every format a command does not support is refused with a usage error naming the supported
//! ones.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FORMATS: [&str; 6] = ["table", "json", "jsonl", "markdown", "junit", "html"];

/// Each command with its arguments and the formats it supports.
const COMMANDS: &[(&str, &[&str], &[&str])] = &[
    (
        "check",
        &[
            "check",
            "samples/02-over-cap.toml",
            "samples/06-missing-data.toml",
        ],
        &FORMATS,
    ),
    (
        "batch",
        &[
            "batch",
            "tests/golden/batch.csv",
            "samples/01-pass-competitive.toml",
            "samples/07-out-of-scope.toml",
        ],
        &FORMATS,
    ),
    (
        "explain",
        &["explain", "samples/02-over-cap.toml"],
        &["table", "json", "html"],
    ),
    (
        "compare",
        &[
            "compare",
            "--rules",
            "national-2018",
            "--rules",
            "benxi-2019",
            "samples/01-pass-competitive.toml",
            "samples/03-restricted-70.toml",
            "samples/05-noncompetitive-control.toml",
        ],
        &["table", "json", "jsonl"],
    ),
];

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(args)
        .current_dir(ROOT)
        .env("WAGECHECK_TODAY", "2026-01-15")
        .env("WAGECHECK_JUNIT_TIME", "0.001")
        .output()
        .expect("run wagecheck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

#[test]
fn every_command_format_and_language_has_a_golden_file() {
    let bless = std::env::var_os("WAGECHECK_BLESS").is_some();
    let mut problems = Vec::new();
    for (name, args, formats) in COMMANDS {
        for format in *formats {
            for lang in ["zh", "en"] {
                let mut a = args.to_vec();
                a.extend(["--format", format, "--lang", lang]);
                let (code, stdout, stderr) = run(&a);
                let text = format!("exit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}");
                let file = Path::new(ROOT)
                    .join("tests/golden")
                    .join(format!("{name}.{format}.{lang}.txt"));
                if bless {
                    std::fs::write(&file, &text).expect("write golden file");
                    continue;
                }
                match std::fs::read_to_string(&file) {
                    Ok(want) if want == text => {}
                    Ok(want) => problems.push(format!(
                        "{}: output differs\n--- expected\n{want}\n--- actual\n{text}",
                        file.display()
                    )),
                    Err(_) => problems.push(format!(
                        "no {} (run with WAGECHECK_BLESS=1)\n{text}",
                        file.display()
                    )),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn unsupported_formats_are_usage_errors_naming_the_supported_ones() {
    for (name, args, formats) in COMMANDS {
        for format in FORMATS.iter().filter(|f| !formats.contains(f)) {
            let mut a = args.to_vec();
            a.extend(["--format", format]);
            let (code, stdout, stderr) = run(&a);
            assert_eq!(code, 2, "{name} --format {format}: {stderr}");
            assert!(stdout.is_empty(), "{name} --format {format}: {stdout}");
            assert!(
                stderr.contains(&format!("invalid value '{format}'"))
                    && stderr.contains(&format!("[possible values: {}]", formats.join(", "))),
                "{name} --format {format}: {stderr}"
            );
        }
    }
}

/// `compare --format jsonl` is JSON Lines: one changed filing a line, each a JSON object.
#[test]
fn compare_jsonl_is_json_lines() {
    let (_, args, _) = COMMANDS[3];
    let mut a = args.to_vec();
    a.extend(["--format", "jsonl"]);
    let (code, stdout, _) = run(&a);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line one JSON value"))
        .collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(
            l["source"].is_string() && l["a"]["verdict"].is_string(),
            "{l}"
        );
    }
}
