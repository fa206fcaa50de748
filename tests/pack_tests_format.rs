//! `rules test` (issue 14): the test format says what a report says (excess points, boolean
//! quantities, triggers, message text), files with errors are counted, a child's tests import a
//! parent's with changed expectations, the built-in packs' tests travel with the binary, and
//! finding no test is not a success.

use std::path::Path;

use assert_cmd::Command;

fn wagecheck(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("wagecheck").expect("binary");
    c.current_dir(dir);
    c
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A child of benxi-2019 in `dir`, with `tests` as its one test file.
fn child_with_tests(dir: &Path, tests: &str) -> String {
    let pack = dir.join("child-2024.toml");
    std::fs::write(
        &pack,
        r#"[pack]
id = "child-2024"
title = { zh = "子规则包", en = "child pack" }
document = "子〔2024〕1号"
jurisdiction = "child"
extends = "benxi-2019"
effective_from = 2019-01-01

[params]
restricted_cap_ratio = { value = "60%", override = true, source = "二(三)1 其中" }
"#,
    )
    .expect("write");
    let t = dir.join("tests").join("child-2024");
    std::fs::create_dir_all(&t).expect("mkdir");
    std::fs::write(
        t.join("a.toml"),
        tests.replace("SAMPLES", &root().join("samples").display().to_string()),
    )
    .expect("write");
    pack.display().to_string()
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = wagecheck(dir).args(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn excess_points_booleans_triggers_and_messages_can_be_asserted() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Sample 02: efficiency +4.5% (a whole figure), wages +8%: over by 3.5 points.
    let pack = child_with_tests(
        dir.path(),
        r#"[[test]]
name = "sample 03 at 60%"
filing = "SAMPLES/03-restricted-70.toml"
[test.expect]
verdict = "fail"
triggers = { "linkage.restricted_growth" = ["productivity_flat"] }
amounts = { high_wage = false, labor_cost_worse = false }
messages = { "linkage.restricted_growth" = "60%" }

[[test]]
name = "sample 01: excess points"
filing = "SAMPLES/01-pass-competitive.toml"
[test.expect]
cap = { excess_points = "-0.03" }

[[test]]
name = "wrong on purpose"
filing = "SAMPLES/03-restricted-70.toml"
[test.expect]
triggers = { "linkage.restricted_growth" = ["high_wage"] }
amounts = { high_wage = true }
messages = { "linkage.restricted_growth" = "70%" }
cap = { excess_points = "0" }
"#,
    );
    let (code, out, err) = run(dir.path(), &["rules", "test", &pack, "--lang", "en"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("3 tests, 1 failed"), "{out}");
    assert!(
        out.contains("triggers of linkage.restricted_growth: expected [high_wage], actual [productivity_flat]"),
        "{out}"
    );
    assert!(
        out.contains("high_wage: expected true, actual false"),
        "{out}"
    );
    assert!(
        out.contains("message of linkage.restricted_growth: expected contains \"70%\""),
        "{out}"
    );
    assert!(
        out.contains("cap.excess_points: expected 0, actual 0.01527985"),
        "{out}"
    );
}

#[test]
fn a_test_file_with_errors_is_counted_in_the_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = child_with_tests(
        dir.path(),
        r#"[[test]]
name = "fine"
filing = "SAMPLES/01-pass-competitive.toml"
[test.expect]
verdict = "pass"
"#,
    );
    std::fs::write(
        dir.path().join("tests/child-2024/b.toml"),
        "[[test]]\nname = \"typo\"\nfiling = \"x.toml\"\n[test.expect]\nverdic = \"pass\"\n",
    )
    .expect("write");
    let (code, out, err) = run(dir.path(), &["rules", "test", &pack, "--lang", "en"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        out.contains("1 tests, 0 failed, 1 test file(s) with errors (not run)"),
        "{out}"
    );
    assert!(
        err.contains("b.toml:5:1: test[1].expect.verdic: unknown key"),
        "{err}"
    );
}

#[test]
fn a_child_imports_its_parent_s_tests_and_changes_expectations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = child_with_tests(
        dir.path(),
        r#"[[import]]
pack = "benxi-2019"
file = "annual.toml"
skip = ["dates and contents missing: review"]
[import.expect."paid more than approved: fail"]
amounts = { "clearing.to_recover" = "368800.00" }
"#,
    );
    let (code, out, err) = run(dir.path(), &["rules", "test", &pack, "--lang", "en"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let benxi_annual =
        std::fs::read_to_string(root().join("rules/tests/benxi-2019/annual.toml")).expect("read");
    let n = benxi_annual.matches("[[test]]").count();
    assert!(out.contains(&format!("{} tests, 0 failed", n - 1)), "{out}");

    // Without the changed expectation, the imported test fails where Benxi's 70% differs.
    let pack = child_with_tests(
        dir.path(),
        "[[import]]\npack = \"benxi-2019\"\nfile = \"annual.toml\"\n[import.expect.\"paid more than approvd: fail\"]\nverdict = \"fail\"\n",
    );
    let (code, _, err) = run(dir.path(), &["rules", "test", &pack, "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no imported test is named \"paid more than approvd: fail\"; did you mean `paid more than approved: fail`?"),
        "{err}"
    );
}

#[test]
fn built_in_tests_travel_with_the_binary_and_no_tests_is_not_success() {
    // Run outside the source tree: the built-in packs' tests are in the binary.
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(
        dir.path(),
        &["rules", "test", "--min-coverage", "100", "--lang", "en"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("national-2018 (<built-in>/rules/tests/national-2018)"),
        "{out}"
    );
    assert!(
        out.contains("benxi-2019 (<built-in>/rules/tests/benxi-2019)"),
        "{out}"
    );
    assert!(err.contains("no rules/examples here"), "{err}");

    // A pack with no tests beside it: exit 1, saying where it looked.
    let pack = dir.path().join("lonely-2024.toml");
    std::fs::write(
        &pack,
        std::fs::read_to_string(root().join("rules/examples/sanming-2019.toml"))
            .expect("read")
            .replace("id = \"sanming-2019\"", "id = \"lonely-2024\""),
    )
    .expect("write");
    let (code, out, err) = run(
        dir.path(),
        &[
            "rules",
            "test",
            pack.to_str().expect("utf-8"),
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("0 tests, 0 failed"), "{out}");
    assert!(err.contains("no tests found (looked in"), "{err}");
}

#[test]
fn bad_imports_are_located_errors_and_cycles_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = child_with_tests(
        dir.path(),
        "[[import]]\nfile = \"missing.toml\"\n\n[[import]]\npack = \"benxi-2019\"\nfile = \"nosuch.toml\"\n\n[[import]]\npack = \"benxi-2091\"\n",
    );
    std::fs::write(
        dir.path().join("tests/child-2024/self.toml"),
        "[[import]]\nfile = \"self.toml\"\n",
    )
    .expect("write");
    let (code, out, err) = run(dir.path(), &["rules", "test", &pack, "--lang", "en"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("a.toml:1:1: import[1]: "), "{err}");
    assert!(
        err.contains("missing.toml: cannot read the test file"),
        "{err}"
    );
    assert!(
        err.contains("a.toml:4:1: import[2]: <built-in>/rules/tests/benxi-2019/nosuch.toml: no such test file is built in"),
        "{err}"
    );
    assert!(
        err.contains("import[3].pack: no built-in pack `benxi-2091`"),
        "{err}"
    );
    assert!(err.contains("did you mean `benxi-2019`?"), "{err}");
    assert!(
        err.contains(
            "self.toml:1:3: import: test files import each other more than 8 deep (or in a cycle)"
        ),
        "{err}"
    );
    assert!(out.contains("2 test file(s) with errors"), "{out}");
}
