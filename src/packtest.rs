//! Pack tests: TOML files kept beside each pack (`<pack dir>/tests/<pack id>/*.toml`), each with
//! one or more `[[test]]`s: a filing (a path relative to the test file, or an inline table),
//! optional field edits and parameter overrides, and what the evaluation must give. Running them
//! also measures coverage: which of the statuses each rule can reach some test reaches.
//!
//! ```toml
//! [[test]]
//! name = "restricted case at 80%"
//! filing = "../../../samples/03-restricted-70.toml"
//! set = { "budget.wage_total" = 13_000_000, "indicator.1.prior" = 1 }   # dotted field → value
//! unset = ["prior.asset_preservation_ratio"]                           # fields to remove
//! params = { restricted_cap_ratio = "80%" }  # the compiled pack's parameter values, this test only
//! [test.expect]
//! verdict = "fail"
//! required_regime = "filing"                 # or "unknown"
//! cap = { max_wage_total = "12960000.00", binding_rule = "linkage.growth_cap" }  # or cap = "none"
//! rules = { "linkage.restricted_growth" = "fail" }
//! amounts = { "clearing.to_recover" = "0.00", wage_growth = "0.05" }
//! ```
//!
//! Also in `[test.expect]`: `triggers = { "rule" = ["id", …] }` (exactly the triggers that fired),
//! `messages = { "rule" = "text" }` (the message contains it, in either language),
//! `cap = { excess_points = "0.01" }`, and booleans in `amounts` (`high_wage = false`).
//!
//! A test file may import other tests instead of copying them (a child pack's tests, a parent's):
//!
//! ```toml
//! [[import]]
//! pack = "benxi-2019"            # the tests built in with that pack; or `file = "path"` alone
//! file = "annual.toml"           # one file of them (default: all)
//! skip = ["name of a test"]
//! [import.expect."paid more than approved: fail"]   # changed expectations, key by key
//! amounts = { "clearing.to_recover" = "368800.00" }
//! ```
//!
//! A parameter override replaces the value of the compiled pack's parameter for that one test
//! (the pack is cloned); its type must match the parameter's. The built-in packs' test files
//! and the sample filings they read are embedded ([`EMBEDDED`]), under the path [`BUILTIN_ROOT`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::diag::{Diagnostic, Text, did_you_mean, expected_found};
use crate::engine::{self, Evaluation, Options};
use crate::expr::{Type, Value};
use crate::filing;
use crate::input::{Entry, Kind, Node, Pos};
use crate::pack::{Pack, Status};

const TEST_KEYS: &[&str] = &["name", "filing", "set", "unset", "params", "expect"];
const IMPORT_KEYS: &[&str] = &["pack", "file", "skip", "expect"];
const EXPECT_KEYS: &[&str] = &[
    "verdict",
    "required_regime",
    "cap",
    "rules",
    "amounts",
    "triggers",
    "messages",
];
const CAP_KEYS: &[&str] = &[
    "max_wage_total",
    "binding_rule",
    "wage_growth",
    "excess",
    "excess_points",
];
/// How deep test files may import each other.
const MAX_IMPORT_DEPTH: usize = 8;
const VERDICTS: &[&str] = &["pass", "out_of_scope", "review", "fail", "invalid"];
const AMOUNTS: &[&str] = &[
    "clearing.to_recover",
    "clearing.cleared_wage_total",
    "clearing.approved_wage_total",
    "clearing.actual_wage_total",
    "cap.max_wage_total",
    "cap.excess",
    "cap.excess_points",
    "cap.wage_growth",
];

/// The folder name under which the built-in packs' tests (and the sample filings they use) are
/// found: they are embedded in the binary, so `rules test` needs no source tree.
pub const BUILTIN_ROOT: &str = "<built-in>";

/// The built-in packs' test files and the filings they read, by path from the repository root.
/// `tests::embedded_files_match_the_tree` keeps this list equal to the folders.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "rules/tests/national-2018/annual.toml",
        include_str!("../rules/tests/national-2018/annual.toml"),
    ),
    (
        "rules/tests/national-2018/national.toml",
        include_str!("../rules/tests/national-2018/national.toml"),
    ),
    (
        "rules/tests/benxi-2019/annual.toml",
        include_str!("../rules/tests/benxi-2019/annual.toml"),
    ),
    (
        "rules/tests/benxi-2019/rules.toml",
        include_str!("../rules/tests/benxi-2019/rules.toml"),
    ),
    (
        "rules/tests/benxi-2019/samples.toml",
        include_str!("../rules/tests/benxi-2019/samples.toml"),
    ),
    (
        "samples/01-pass-competitive.toml",
        include_str!("../samples/01-pass-competitive.toml"),
    ),
    (
        "samples/02-over-cap.toml",
        include_str!("../samples/02-over-cap.toml"),
    ),
    (
        "samples/03-restricted-70.toml",
        include_str!("../samples/03-restricted-70.toml"),
    ),
    (
        "samples/04-declining-year.toml",
        include_str!("../samples/04-declining-year.toml"),
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
        "samples/07-out-of-scope.toml",
        include_str!("../samples/07-out-of-scope.toml"),
    ),
    (
        "samples/08-annual-return.toml",
        include_str!("../samples/08-annual-return.toml"),
    ),
];

/// The tests folder of a built-in pack, inside the binary.
pub fn builtin_tests_dir(pack_id: &str) -> PathBuf {
    Path::new(BUILTIN_ROOT)
        .join("rules")
        .join("tests")
        .join(pack_id)
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<std::path::Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(out.last(), Some(std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// The path of an embedded file relative to the repository root, when `p` is one.
fn embedded_rel(p: &Path) -> Option<String> {
    let n = normalize(p);
    let rel = n.strip_prefix(BUILTIN_ROOT).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// A test or filing file's text: embedded under [`BUILTIN_ROOT`], else from disk.
fn read_text(path: &Path, what: &Text) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    if let Some(rel) = embedded_rel(path) {
        return EMBEDDED
            .iter()
            .find(|(f, _)| *f == rel)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| {
                Diagnostic::new(
                    &name,
                    None,
                    None,
                    Text::owned(
                        format!("程序内置的文件中没有此{}", what.zh),
                        format!("no such {} is built in", what.en),
                    ),
                )
            });
    }
    let bytes = crate::input::read_document(&name, path).map_err(|e| {
        Diagnostic::new(
            &name,
            None,
            None,
            Text::owned(
                format!("无法读取{}：{e}", what.zh),
                format!("cannot read the {}: {e}", what.en),
            ),
        )
    })??;
    crate::input::decode_utf8(&name, bytes)
}

/// Where a test's filing comes from.
#[derive(Clone, Debug)]
pub enum FilingSource {
    Path(PathBuf),
    Inline(Node),
}

/// An expected amount: a number, or unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Amount {
    Num(Decimal),
    Bool(bool),
    Unknown,
}

#[derive(Clone, Debug, Default)]
pub struct Expect {
    pub verdict: Option<String>,
    /// `Some(None)`: the regime must be undecided.
    pub required_regime: Option<Option<String>>,
    /// `Some(None)`: there must be no cap.
    pub cap: Option<Option<Vec<(String, String)>>>,
    pub rules: Vec<(String, Status)>,
    pub amounts: Vec<(String, Amount)>,
    /// Rule id → the triggers that must have fired (exactly these).
    pub triggers: Vec<(String, Vec<String>)>,
    /// Rule id → a text its message must contain (in Chinese or English).
    pub messages: Vec<(String, String)>,
}

/// Puts `o`'s values in place of `x`'s: whole keys for the verdict, regime and cap; rule by
/// rule and amount by amount for the rest.
fn merge_expect(x: &mut Expect, o: Expect) {
    fn by_key<T>(into: &mut Vec<(String, T)>, from: Vec<(String, T)>) {
        for (k, v) in from {
            match into.iter_mut().find(|(x, _)| *x == k) {
                Some(slot) => slot.1 = v,
                None => into.push((k, v)),
            }
        }
    }
    if o.verdict.is_some() {
        x.verdict = o.verdict;
    }
    if o.required_regime.is_some() {
        x.required_regime = o.required_regime;
    }
    if o.cap.is_some() {
        x.cap = o.cap;
    }
    by_key(&mut x.rules, o.rules);
    by_key(&mut x.amounts, o.amounts);
    by_key(&mut x.triggers, o.triggers);
    by_key(&mut x.messages, o.messages);
}

#[derive(Clone, Debug)]
pub struct TestCase {
    pub name: String,
    pub file: String,
    pub pos: Pos,
    pub filing: FilingSource,
    pub set: Vec<(String, Node)>,
    pub unset: Vec<String>,
    pub params: Vec<(usize, Value)>,
    pub expect: Expect,
}

/// One expectation that did not hold.
#[derive(Clone, Debug)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub name: String,
    pub file: String,
    pub pos: Pos,
    pub mismatches: Vec<Mismatch>,
    /// Why the filing was invalid, when it was.
    pub errors: Vec<Diagnostic>,
}

#[derive(Clone, Debug)]
pub struct RuleCoverage {
    pub id: String,
    pub reachable: Vec<Status>,
    pub covered: Vec<Status>,
    /// Statuses tests reached that the pack's analysis thought impossible.
    pub unexpected: Vec<Status>,
}

/// Every test of one pack, run.
#[derive(Clone, Debug)]
pub struct PackRun {
    pub pack_id: String,
    pub tests_dir: PathBuf,
    pub outcomes: Vec<Outcome>,
    pub coverage: Vec<RuleCoverage>,
    /// Test files that could not be read: unknown keys, rule ids, statuses, parameters.
    pub malformed: Vec<Diagnostic>,
    /// The test files skipped because of those errors.
    pub files_with_errors: Vec<String>,
}

impl PackRun {
    pub fn failed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| !o.mismatches.is_empty())
            .count()
    }
    /// Covered (rule, status) pairs over reachable ones, in percent.
    pub fn coverage_percent(&self) -> Decimal {
        let total: usize = self.coverage.iter().map(|c| c.reachable.len()).sum();
        let hit: usize = self.coverage.iter().map(|c| c.covered.len()).sum();
        if total == 0 {
            return Decimal::ONE_HUNDRED;
        }
        (Decimal::from(hit) * Decimal::ONE_HUNDRED / Decimal::from(total)).round_dp(2)
    }
}

/// The tests folder of a pack file: `<dir of the pack>/tests/<pack id>`.
pub fn tests_dir(pack_file: &Path, pack_id: &str) -> PathBuf {
    pack_file
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("tests")
        .join(pack_id)
}

fn err(file: &str, pos: Pos, field: &str, msg: Text) -> Diagnostic {
    Diagnostic::new(file, Some(pos), Some(field), msg)
}

fn unknown_key(file: &str, e: &Entry, prefix: &str, known: &[&str]) -> Diagnostic {
    crate::pack::layer::unknown_key(file, e, prefix, known)
}

fn table<'a>(node: &'a Node, file: &str, field: &str, errors: &mut Vec<Diagnostic>) -> &'a [Entry] {
    match &node.kind {
        Kind::Table(t) => t,
        _ => {
            errors.push(err(
                file,
                node.pos,
                field,
                expected_found(&Text::new("一个表", "a table"), &node.found()),
            ));
            &[]
        }
    }
}

fn string(node: &Node, file: &str, field: &str, errors: &mut Vec<Diagnostic>) -> Option<String> {
    match &node.kind {
        Kind::Str(s) => Some(s.clone()),
        _ => {
            errors.push(err(
                file,
                node.pos,
                field,
                expected_found(&Text::new("字符串", "a string"), &node.found()),
            ));
            None
        }
    }
}

fn amount(node: &Node) -> Option<Amount> {
    match &node.kind {
        Kind::Bool(b) => Some(Amount::Bool(*b)),
        Kind::Number(s) => crate::num::parse_decimal(s).ok().map(Amount::Num),
        Kind::Str(s) if s == "unknown" => Some(Amount::Unknown),
        Kind::Str(s) => crate::num::parse_number_or_percent(s).ok().map(Amount::Num),
        _ => None,
    }
}

fn with_hint(word: &str, candidates: &[&str], zh: &str, en: &str) -> Text {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(h) => Text::owned(
            format!("{zh}；是否指 `{h}`？"),
            format!("{en}; did you mean `{h}`?"),
        ),
        None => Text::owned(zh.to_string(), en.to_string()),
    }
}

fn read_expect(
    node: &Node,
    file: &str,
    prefix: &str,
    pack: &Pack,
    errors: &mut Vec<Diagnostic>,
) -> Expect {
    let mut x = Expect::default();
    let rule_ids: Vec<&str> = pack
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .chain([engine::NO_RULES_FOR_KIND])
        .collect();
    let known_rule = |key: &str, pos: Pos, field: &str, errors: &mut Vec<Diagnostic>| {
        if rule_ids.contains(&key) {
            return true;
        }
        errors.push(err(
            file,
            pos,
            field,
            with_hint(
                key,
                &rule_ids,
                &format!("规则包 {} 中没有规则 `{key}`", pack.id),
                &format!("pack {} has no rule `{key}`", pack.id),
            ),
        ));
        false
    };
    for e in table(node, file, prefix, errors) {
        let f = format!("{prefix}.{}", e.key);
        match e.key.as_str() {
            "verdict" => {
                if let Some(v) = string(&e.value, file, &f, errors) {
                    if VERDICTS.contains(&v.as_str()) {
                        x.verdict = Some(v);
                    } else {
                        errors.push(err(
                            file,
                            e.value.pos,
                            &f,
                            expected_found(
                                &Text::new(
                                    "pass | review | fail | out_of_scope | invalid",
                                    "pass | review | fail | out_of_scope | invalid",
                                ),
                                &format!("\"{v}\""),
                            ),
                        ));
                    }
                }
            }
            "required_regime" => {
                if let Some(v) = string(&e.value, file, &f, errors) {
                    if v == "unknown" {
                        x.required_regime = Some(None);
                    } else if pack.regime.values.contains(&v) {
                        x.required_regime = Some(Some(v));
                    } else {
                        errors.push(err(
                            file,
                            e.value.pos,
                            &f,
                            expected_found(
                                &Text::owned(
                                    format!("{} 或 unknown", pack.regime.values.join(" | ")),
                                    format!("{} or unknown", pack.regime.values.join(" | ")),
                                ),
                                &format!("\"{v}\""),
                            ),
                        ));
                    }
                }
            }
            "cap" => match &e.value.kind {
                Kind::Str(s) if s == "none" => x.cap = Some(None),
                Kind::Table(t) => {
                    let mut items = Vec::new();
                    for c in t {
                        let cf = format!("{f}.{}", c.key);
                        if !CAP_KEYS.contains(&c.key.as_str()) {
                            errors.push(unknown_key(file, c, &format!("{f}."), CAP_KEYS));
                            continue;
                        }
                        let v = match (&c.key[..], &c.value.kind) {
                            ("binding_rule", Kind::Str(s)) => {
                                if !rule_ids.contains(&s.as_str()) {
                                    errors.push(err(
                                        file,
                                        c.value.pos,
                                        &cf,
                                        with_hint(
                                            s,
                                            &rule_ids,
                                            &format!("规则包中没有规则 `{s}`"),
                                            &format!("the pack has no rule `{s}`"),
                                        ),
                                    ));
                                }
                                Some(s.clone())
                            }
                            ("binding_rule", _) => None,
                            _ => match amount(&c.value) {
                                Some(Amount::Num(d)) => Some(d.to_string()),
                                _ => None,
                            },
                        };
                        match v {
                            Some(v) => items.push((c.key.clone(), v)),
                            None => errors.push(err(
                                file,
                                c.value.pos,
                                &cf,
                                expected_found(
                                    &Text::new("字符串或数字", "a string or a number"),
                                    &c.value.found(),
                                ),
                            )),
                        }
                    }
                    x.cap = Some(Some(items));
                }
                _ => errors.push(err(
                    file,
                    e.value.pos,
                    &f,
                    expected_found(
                        &Text::new("一个表或 \"none\"", "a table or \"none\""),
                        &e.value.found(),
                    ),
                )),
            },
            "rules" => {
                for r in table(&e.value, file, &f, errors) {
                    let rf = format!("{f}.{}", r.key);
                    if !rule_ids.contains(&r.key.as_str()) {
                        errors.push(err(
                            file,
                            r.pos,
                            &rf,
                            with_hint(
                                &r.key,
                                &rule_ids,
                                &format!("规则包 {} 中没有规则 `{}`", pack.id, r.key),
                                &format!("pack {} has no rule `{}`", pack.id, r.key),
                            ),
                        ));
                        continue;
                    }
                    match string(&r.value, file, &rf, errors).map(|s| (Status::parse(&s), s)) {
                        Some((Some(st), _)) => x.rules.push((r.key.clone(), st)),
                        Some((None, s)) => errors.push(err(
                            file,
                            r.value.pos,
                            &rf,
                            expected_found(
                                &Text::new(
                                    "pass | fail | review | advisory | not_applicable",
                                    "pass | fail | review | advisory | not_applicable",
                                ),
                                &format!("\"{s}\""),
                            ),
                        )),
                        None => {}
                    }
                }
            }
            "amounts" => {
                let quantities: Vec<&str> = pack
                    .quantities
                    .iter()
                    .map(|q| q.name.as_str())
                    .chain(AMOUNTS.iter().copied())
                    .collect();
                for a in table(&e.value, file, &f, errors) {
                    let af = format!("{f}.{}", a.key);
                    if !quantities.contains(&a.key.as_str()) {
                        errors.push(err(
                            file,
                            a.pos,
                            &af,
                            with_hint(
                                &a.key,
                                &quantities,
                                "未知的金额或数量名",
                                "unknown amount or quantity",
                            ),
                        ));
                        continue;
                    }
                    match amount(&a.value) {
                        Some(v) => x.amounts.push((a.key.clone(), v)),
                        None => errors.push(err(
                            file,
                            a.value.pos,
                            &af,
                            expected_found(
                                &Text::new("数字或 \"unknown\"", "a number or \"unknown\""),
                                &a.value.found(),
                            ),
                        )),
                    }
                }
            }
            "triggers" => {
                for r in table(&e.value, file, &f, errors) {
                    let rf = format!("{f}.{}", r.key);
                    if !known_rule(&r.key, r.pos, &rf, errors) {
                        continue;
                    }
                    let known: Vec<&str> = pack
                        .rule(&r.key)
                        .map(|rule| rule.triggers.iter().map(|t| t.id.as_str()).collect())
                        .unwrap_or_default();
                    let ids = match &r.value.kind {
                        Kind::Array(items) => items
                            .iter()
                            .map(|i| string(i, file, &rf, errors))
                            .collect::<Option<Vec<String>>>(),
                        _ => {
                            errors.push(err(
                                file,
                                r.value.pos,
                                &rf,
                                expected_found(
                                    &Text::new("触发条件 id 数组", "an array of trigger ids"),
                                    &r.value.found(),
                                ),
                            ));
                            None
                        }
                    };
                    let Some(ids) = ids else { continue };
                    let bad: Vec<&String> = ids
                        .iter()
                        .filter(|i| !known.contains(&i.as_str()))
                        .collect();
                    if let Some(b) = bad.first() {
                        errors.push(err(
                            file,
                            r.value.pos,
                            &rf,
                            with_hint(
                                b,
                                &known,
                                &format!("规则 `{}` 没有触发条件 `{b}`", r.key),
                                &format!("rule `{}` has no trigger `{b}`", r.key),
                            ),
                        ));
                        continue;
                    }
                    let mut ids = ids;
                    ids.sort();
                    x.triggers.push((r.key.clone(), ids));
                }
            }
            "messages" => {
                for r in table(&e.value, file, &f, errors) {
                    let rf = format!("{f}.{}", r.key);
                    if !known_rule(&r.key, r.pos, &rf, errors) {
                        continue;
                    }
                    if let Some(text) = string(&r.value, file, &rf, errors) {
                        x.messages.push((r.key.clone(), text));
                    }
                }
            }
            _ => errors.push(unknown_key(file, e, &format!("{prefix}."), EXPECT_KEYS)),
        }
    }
    x
}

fn read_params(
    node: &Node,
    file: &str,
    prefix: &str,
    pack: &Pack,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(usize, Value)> {
    let names: Vec<&str> = pack.params.iter().map(|p| p.name.as_str()).collect();
    let mut out = Vec::new();
    for e in table(node, file, prefix, errors) {
        let f = format!("{prefix}.{}", e.key);
        let Some(i) = names.iter().position(|n| *n == e.key) else {
            errors.push(err(
                file,
                e.pos,
                &f,
                with_hint(
                    &e.key,
                    &names,
                    &format!("规则包 {} 中没有参数 `{}`", pack.id, e.key),
                    &format!("pack {} has no parameter `{}`", pack.id, e.key),
                ),
            ));
            continue;
        };
        let want = &pack.params[i].ty;
        match crate::pack::compile::param_value(&e.value) {
            // An empty array reads as a list of strings; it fits a list of numbers too.
            Some((v, ty))
                if ty == *want
                    || (*want == Type::NumList && v.as_list().is_some_and(<[Value]>::is_empty)) =>
            {
                out.push((i, v))
            }
            _ => errors.push(err(
                file,
                e.value.pos,
                &f,
                expected_found(
                    &Text::owned(
                        format!("类型为 {} 的值", want.name_zh()),
                        format!("a value of type {}", want.name()),
                    ),
                    &e.value.found(),
                ),
            )),
        }
    }
    out
}

/// Reads one test file against the pack it tests; every problem is collected. `[[import]]`s
/// bring in other test files' tests (a parent pack's, say), with changed expectations.
pub fn read_tests(path: &Path, pack: &Pack) -> Result<Vec<TestCase>, Vec<Diagnostic>> {
    read_tests_at(path, pack, 0)
}

fn read_tests_at(path: &Path, pack: &Pack, depth: usize) -> Result<Vec<TestCase>, Vec<Diagnostic>> {
    let file = path.display().to_string();
    let text = read_text(path, &Text::new("测试文件", "test file")).map_err(|d| vec![d])?;
    let root = crate::input::parse_toml(&file, &text).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut out = Vec::new();
    for e in table(&root, &file, "", &mut errors) {
        if e.key == "import" {
            read_imports(e, &file, dir, pack, depth, &mut out, &mut errors);
            continue;
        }
        if e.key != "test" {
            errors.push(unknown_key(&file, e, "", &["test", "import"]));
            continue;
        }
        let Kind::Array(items) = &e.value.kind else {
            errors.push(err(
                &file,
                e.value.pos,
                "test",
                expected_found(
                    &Text::new("表数组 [[test]]", "an array of tables [[test]]"),
                    &e.value.found(),
                ),
            ));
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let p = format!("test[{}]", i + 1);
            let mut case = TestCase {
                name: p.clone(),
                file: file.clone(),
                pos: item.pos,
                filing: FilingSource::Inline(Node {
                    pos: item.pos,
                    kind: Kind::Null,
                }),
                set: Vec::new(),
                unset: Vec::new(),
                params: Vec::new(),
                expect: Expect::default(),
            };
            let mut has_filing = false;
            let mut has_expect = false;
            for f in table(item, &file, &p, &mut errors) {
                let ff = format!("{p}.{}", f.key);
                match f.key.as_str() {
                    "name" => {
                        if let Some(n) = string(&f.value, &file, &ff, &mut errors) {
                            case.name = n;
                        }
                    }
                    "filing" => {
                        has_filing = true;
                        case.filing = match &f.value.kind {
                            Kind::Str(s) => FilingSource::Path(normalize(&dir.join(s))),
                            Kind::Table(_) => FilingSource::Inline(f.value.clone()),
                            _ => {
                                errors.push(err(
                                    &file,
                                    f.value.pos,
                                    &ff,
                                    expected_found(
                                        &Text::new(
                                            "路径（相对于测试文件）或内联表",
                                            "a path (relative to the test file) or an inline table",
                                        ),
                                        &f.value.found(),
                                    ),
                                ));
                                continue;
                            }
                        };
                    }
                    "set" => {
                        for s in table(&f.value, &file, &ff, &mut errors) {
                            case.set.push((s.key.clone(), s.value.clone()));
                        }
                    }
                    "unset" => match &f.value.kind {
                        Kind::Array(a) => {
                            for x in a {
                                if let Some(s) = string(x, &file, &ff, &mut errors) {
                                    case.unset.push(s);
                                }
                            }
                        }
                        _ => errors.push(err(
                            &file,
                            f.value.pos,
                            &ff,
                            expected_found(
                                &Text::new("字段路径数组", "an array of field paths"),
                                &f.value.found(),
                            ),
                        )),
                    },
                    "params" => case.params = read_params(&f.value, &file, &ff, pack, &mut errors),
                    "expect" => {
                        has_expect = true;
                        case.expect = read_expect(&f.value, &file, &ff, pack, &mut errors);
                    }
                    _ => errors.push(unknown_key(&file, f, &format!("{p}."), TEST_KEYS)),
                }
            }
            if !has_filing || !has_expect {
                errors.push(err(
                    &file,
                    item.pos,
                    &p,
                    Text::new(
                        "测试需要 filing 和 expect",
                        "a test needs `filing` and `expect`",
                    ),
                ));
            }
            out.push(case);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// `[[import]]`: the tests of another file (`file`, relative to this one), or those shipped with a
/// built-in pack (`pack`, optionally one `file` of them), run against this pack; `skip` drops
/// tests by name and `[import.expect."name"]` changes a test's expectations key by key.
fn read_imports(
    e: &Entry,
    file: &str,
    dir: &Path,
    pack: &Pack,
    depth: usize,
    out: &mut Vec<TestCase>,
    errors: &mut Vec<Diagnostic>,
) {
    let items: Vec<&Node> = match &e.value.kind {
        Kind::Array(items) => items.iter().collect(),
        Kind::Table(_) => vec![&e.value],
        _ => {
            errors.push(err(
                file,
                e.value.pos,
                "import",
                expected_found(
                    &Text::new("表数组 [[import]]", "an array of tables [[import]]"),
                    &e.value.found(),
                ),
            ));
            return;
        }
    };
    if depth >= MAX_IMPORT_DEPTH {
        errors.push(err(
            file,
            e.pos,
            "import",
            Text::owned(
                format!("测试文件的导入层数超过 {MAX_IMPORT_DEPTH}（或导入形成循环）"),
                format!(
                    "test files import each other more than {MAX_IMPORT_DEPTH} deep (or in a cycle)"
                ),
            ),
        ));
        return;
    }
    for (i, item) in items.into_iter().enumerate() {
        let p = format!("import[{}]", i + 1);
        let mut from_pack = None;
        let mut one_file = None;
        let mut skip: Vec<(String, Pos)> = Vec::new();
        let mut overrides: Vec<&Entry> = Vec::new();
        for f in table(item, file, &p, errors) {
            let ff = format!("{p}.{}", f.key);
            match f.key.as_str() {
                "pack" => from_pack = string(&f.value, file, &ff, errors).map(|s| (s, f.value.pos)),
                "file" => one_file = string(&f.value, file, &ff, errors),
                "skip" => match &f.value.kind {
                    Kind::Array(a) => {
                        for x in a {
                            if let Some(s) = string(x, file, &ff, errors) {
                                skip.push((s, x.pos));
                            }
                        }
                    }
                    _ => errors.push(err(
                        file,
                        f.value.pos,
                        &ff,
                        expected_found(
                            &Text::new("测试名称数组", "an array of test names"),
                            &f.value.found(),
                        ),
                    )),
                },
                "expect" => overrides.extend(table(&f.value, file, &ff, errors)),
                _ => errors.push(unknown_key(file, f, &format!("{p}."), IMPORT_KEYS)),
            }
        }
        let files: Vec<PathBuf> = match (&from_pack, &one_file) {
            (Some((id, pos)), f) => {
                let known: Vec<String> = crate::pack::Registry::builtin_infos()
                    .into_iter()
                    .map(|i| i.id)
                    .collect();
                if !known.contains(id) {
                    let k: Vec<&str> = known.iter().map(String::as_str).collect();
                    errors.push(err(
                        file,
                        *pos,
                        &format!("{p}.pack"),
                        with_hint(
                            id,
                            &k,
                            &format!("没有内置规则包 `{id}`（只能导入内置规则包的测试）"),
                            &format!("no built-in pack `{id}` (only built-in packs' tests can be imported by id)"),
                        ),
                    ));
                    continue;
                }
                let d = builtin_tests_dir(id);
                match f {
                    Some(f) => vec![d.join(f)],
                    None => test_files(&d),
                }
            }
            (None, Some(f)) => vec![normalize(&dir.join(f))],
            (None, None) => {
                errors.push(err(
                    file,
                    item.pos,
                    &p,
                    Text::new(
                        "导入需要 file（相对于本文件的路径）或 pack（内置规则包 id）",
                        "an import needs `file` (a path relative to this file) or `pack` (a built-in pack id)",
                    ),
                ));
                continue;
            }
        };
        let mut cases = Vec::new();
        for f in &files {
            match read_tests_at(f, pack, depth + 1) {
                Ok(mut c) => cases.append(&mut c),
                // A file that cannot be read at all: say so at the import.
                Err(e) if e.len() == 1 && e[0].line.is_none() => errors.push(err(
                    file,
                    item.pos,
                    &p,
                    Text::owned(
                        format!("{}：{}", f.display(), e[0].message.zh),
                        format!("{}: {}", f.display(), e[0].message.en),
                    ),
                )),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if files.is_empty() {
            errors.push(err(
                file,
                item.pos,
                &p,
                Text::new("导入的位置没有测试文件", "no test files to import there"),
            ));
        }
        let names: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
        let names_ref: Vec<&str> = names.iter().map(String::as_str).collect();
        let missing = |name: &str, pos: Pos, field: &str, errors: &mut Vec<Diagnostic>| {
            errors.push(err(
                file,
                pos,
                field,
                with_hint(
                    name,
                    &names_ref,
                    &format!("导入的测试中没有名为 \"{name}\" 的测试"),
                    &format!("no imported test is named \"{name}\""),
                ),
            ));
        };
        for (name, pos) in &skip {
            if !names.contains(name) {
                missing(name, *pos, &format!("{p}.skip"), errors);
            }
        }
        for o in overrides {
            let of = format!("{p}.expect.{}", o.key);
            let x = read_expect(&o.value, file, &of, pack, errors);
            match cases.iter_mut().find(|c| c.name == o.key) {
                Some(c) => merge_expect(&mut c.expect, x),
                None => missing(&o.key, o.pos, &of, errors),
            }
        }
        out.extend(
            cases
                .into_iter()
                .filter(|c| !skip.iter().any(|(n, _)| *n == c.name)),
        );
    }
}

/// Sets (or with `None`, removes) a dotted path in a document tree. Array items are numbered
/// from 1; the number one past the end appends a new table.
fn patch(node: &mut Node, parts: &[&str], value: Option<&Node>) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    match &mut node.kind {
        Kind::Table(entries) => {
            let idx = entries.iter().position(|e| e.key == *first);
            if rest.is_empty() {
                match (idx, value) {
                    (Some(i), Some(v)) => entries[i].value = v.clone(),
                    (None, Some(v)) => entries.push(Entry {
                        key: first.to_string(),
                        pos: v.pos,
                        value: v.clone(),
                    }),
                    (Some(i), None) => {
                        entries.remove(i);
                    }
                    (None, None) => return false,
                }
                return true;
            }
            let i = match idx {
                Some(i) => i,
                None => {
                    let Some(v) = value else { return false };
                    let kind = if rest.first().is_some_and(|r| r.parse::<usize>().is_ok()) {
                        Kind::Array(Vec::new())
                    } else {
                        Kind::Table(Vec::new())
                    };
                    entries.push(Entry {
                        key: first.to_string(),
                        pos: v.pos,
                        value: Node { pos: v.pos, kind },
                    });
                    entries.len() - 1
                }
            };
            patch(&mut entries[i].value, rest, value)
        }
        Kind::Array(items) => {
            let Ok(n) = first.parse::<usize>() else {
                return false;
            };
            if n == 0 || n > items.len() + 1 {
                return false;
            }
            if n == items.len() + 1 {
                let Some(v) = value else { return false };
                if rest.is_empty() {
                    items.push(v.clone());
                    return true;
                }
                items.push(Node {
                    pos: v.pos,
                    kind: Kind::Table(Vec::new()),
                });
            }
            if rest.is_empty() {
                match value {
                    Some(v) => items[n - 1] = v.clone(),
                    None => {
                        items.remove(n - 1);
                    }
                }
                return true;
            }
            patch(&mut items[n - 1], rest, value)
        }
        _ => false,
    }
}

fn load_filing(case: &TestCase) -> Result<filing::Filing, Vec<Diagnostic>> {
    let (name, mut node) = match &case.filing {
        FilingSource::Inline(n) => (case.file.clone(), n.clone()),
        FilingSource::Path(p) => {
            let name = p.display().to_string();
            let text = read_text(p, &Text::new("申报文件", "filing")).map_err(|d| {
                vec![Diagnostic::new(
                    &case.file,
                    Some(case.pos),
                    Some("filing"),
                    Text::owned(
                        format!("{name}：{}", d.message.zh),
                        format!("{name}: {}", d.message.en),
                    ),
                )]
            })?;
            let node = if name.to_ascii_lowercase().ends_with(".json") {
                crate::input::parse_json(&name, &text)
            } else {
                crate::input::parse_toml(&name, &text)
            }
            .map_err(|d| vec![d])?;
            (name, node)
        }
    };
    let mut errors = Vec::new();
    for (path, v) in &case.set {
        let parts: Vec<&str> = path.split('.').collect();
        if !patch(&mut node, &parts, Some(v)) {
            errors.push(err(
                &case.file,
                v.pos,
                &format!("set.{path}"),
                Text::new("无法设置此字段路径", "cannot set this field path"),
            ));
        }
    }
    for path in &case.unset {
        let parts: Vec<&str> = path.split('.').collect();
        if !patch(&mut node, &parts, None) {
            errors.push(err(
                &case.file,
                case.pos,
                &format!("unset.{path}"),
                Text::new(
                    "申报中没有此字段，无法删除",
                    "the filing has no such field to remove",
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    filing::decode(&name, &node).map_err(|mut errors| {
        // A value the test's `set` wrote is wrong where the test wrote it: the error names the
        // test file and the value's line and column there, not the sample filing.
        for e in &mut errors {
            let Some(field) = e.field.as_deref() else {
                continue;
            };
            let written = case.set.iter().find(|(path, _)| {
                field == path
                    || field
                        .strip_prefix(path.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            });
            if let Some((_, v)) = written {
                e.file = case.file.clone();
                e.line = Some(v.pos.line);
                e.column = Some(v.pos.column);
            }
        }
        errors
    })
}

fn show_amount(v: &Amount) -> String {
    match v {
        Amount::Num(d) => d.normalize().to_string(),
        Amount::Bool(b) => b.to_string(),
        Amount::Unknown => "unknown".into(),
    }
}

fn actual_amount(key: &str, ev: &Evaluation) -> Amount {
    let num = |d: Option<Decimal>| d.map(Amount::Num).unwrap_or(Amount::Unknown);
    let clearing = ev.clearing.as_ref();
    let cap = ev.cap.as_ref();
    match key {
        "clearing.to_recover" => num(clearing.and_then(|c| c.to_recover)),
        "clearing.cleared_wage_total" => num(clearing.and_then(|c| c.cleared_wage_total)),
        "clearing.approved_wage_total" => num(clearing.and_then(|c| c.approved_wage_total)),
        "clearing.actual_wage_total" => num(clearing.and_then(|c| c.actual_wage_total)),
        "cap.max_wage_total" => num(cap.map(|c| c.max_wage_total)),
        "cap.excess" => num(cap.and_then(|c| c.excess)),
        "cap.wage_growth" => num(cap.map(|c| c.wage_growth)),
        "cap.excess_points" => num(cap.and_then(|c| c.excess_points)),
        q => match ev
            .quantities
            .iter()
            .rev()
            .find(|(n, _, _)| n == q)
            .map(|(_, v, _)| v)
        {
            Some(Value::Bool(b)) => Amount::Bool(*b),
            v => num(v.and_then(Value::as_num)),
        },
    }
}

fn mismatch(out: &mut Vec<Mismatch>, what: String, expected: String, actual: String) {
    if expected != actual {
        out.push(Mismatch {
            what,
            expected,
            actual,
        });
    }
}

/// Runs one test; returns its outcome and the statuses each rule took.
pub fn run_case(case: &TestCase, pack: &Pack) -> (Outcome, Vec<(String, Status)>) {
    let mut outcome = Outcome {
        name: case.name.clone(),
        file: case.file.clone(),
        pos: case.pos,
        mismatches: Vec::new(),
        errors: Vec::new(),
    };
    let patched;
    let pack = if case.params.is_empty() {
        pack
    } else {
        let mut p = pack.clone();
        for (i, v) in &case.params {
            if let Some(param) = p.params.get_mut(*i) {
                param.value = v.clone();
            }
        }
        patched = p;
        &patched
    };
    let filing = load_filing(case).and_then(|f| {
        let problems = engine::validate(&f, pack);
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(problems)
        }
    });
    let x = &case.expect;
    let m = &mut outcome.mismatches;
    let ev = match filing {
        Ok(f) => engine::evaluate(&f, pack, Options::default()),
        Err(errors) => {
            let want = x.verdict.clone().unwrap_or_else(|| "(any valid)".into());
            mismatch(m, "verdict".into(), want, "invalid".into());
            outcome.errors = errors;
            return (outcome, Vec::new());
        }
    };
    if let Some(v) = &x.verdict {
        mismatch(m, "verdict".into(), v.clone(), ev.verdict.as_str().into());
    }
    if let Some(r) = &x.required_regime {
        let show = |r: &Option<String>| r.clone().unwrap_or_else(|| "unknown".into());
        mismatch(
            m,
            "required_regime".into(),
            show(r),
            show(&ev.regime.required.as_deref().map(str::to_string)),
        );
    }
    match (&x.cap, &ev.cap) {
        (None, _) => {}
        (Some(None), None) => {}
        (Some(None), Some(c)) => mismatch(
            m,
            "cap".into(),
            "none".into(),
            format!("{} ({})", c.max_wage_total, c.binding_rule),
        ),
        (Some(Some(items)), cap) => {
            for (k, want) in items {
                let actual = match (k.as_str(), cap) {
                    (_, None) => "none".to_string(),
                    ("binding_rule", Some(c)) => c.binding_rule.clone(),
                    (key, Some(_)) => show_amount(&actual_amount(&format!("cap.{key}"), &ev)),
                };
                let want = if k == "binding_rule" {
                    want.clone()
                } else {
                    want.parse::<Decimal>()
                        .map(|d| d.normalize().to_string())
                        .unwrap_or_else(|_| want.clone())
                };
                mismatch(m, format!("cap.{k}"), want, actual);
            }
        }
    }
    for (id, want) in &x.rules {
        let actual = ev
            .rules
            .iter()
            .find(|r| *r.id == **id)
            .map(|r| r.status.as_str())
            .unwrap_or("(not evaluated)");
        mismatch(m, format!("rule {id}"), want.as_str().into(), actual.into());
    }
    for (id, want) in &x.triggers {
        let actual = ev.rules.iter().find(|r| *r.id == **id).map(|r| {
            let mut t = r.triggers.clone();
            t.sort();
            t
        });
        mismatch(
            m,
            format!("triggers of {id}"),
            format!("[{}]", want.join(", ")),
            actual
                .map(|t| format!("[{}]", t.join(", ")))
                .unwrap_or_else(|| "(not evaluated)".into()),
        );
    }
    for (id, want) in &x.messages {
        let msg = ev.rules.iter().find(|r| *r.id == **id).map(|r| &r.message);
        let found =
            msg.is_some_and(|t| t.zh.contains(want.as_str()) || t.en.contains(want.as_str()));
        if !found {
            m.push(Mismatch {
                what: format!("message of {id}"),
                expected: format!("contains \"{want}\""),
                actual: msg
                    .map(|t| format!("\"{}\" / \"{}\"", t.zh, t.en))
                    .unwrap_or_else(|| "(not evaluated)".into()),
            });
        }
    }
    for (key, want) in &x.amounts {
        mismatch(
            m,
            key.clone(),
            show_amount(want),
            show_amount(&actual_amount(key, &ev)),
        );
    }
    let statuses = ev
        .rules
        .iter()
        .map(|r| (r.id.to_string(), r.status))
        .collect();
    (outcome, statuses)
}

/// The test files of a folder, sorted; none when the folder does not exist.
pub fn test_files(dir: &Path) -> Vec<PathBuf> {
    if let Some(rel) = embedded_rel(dir) {
        let prefix = format!("{rel}/");
        return EMBEDDED
            .iter()
            .filter(|(f, _)| {
                f.strip_prefix(&prefix)
                    .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".toml"))
            })
            .map(|(f, _)| Path::new(BUILTIN_ROOT).join(f))
            .collect();
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Runs every test of a pack found in `dir`, and measures coverage.
pub fn run_pack(pack: &Arc<Pack>, dir: &Path) -> PackRun {
    let mut run = PackRun {
        pack_id: pack.id.clone(),
        tests_dir: dir.to_path_buf(),
        outcomes: Vec::new(),
        coverage: pack
            .rules
            .iter()
            .map(|r| RuleCoverage {
                id: r.id.clone(),
                reachable: r.reachable.clone(),
                covered: Vec::new(),
                unexpected: Vec::new(),
            })
            .collect(),
        malformed: Vec::new(),
        files_with_errors: Vec::new(),
    };
    for file in test_files(dir) {
        let cases = match read_tests(&file, pack) {
            Ok(c) => c,
            Err(mut e) => {
                run.malformed.append(&mut e);
                run.files_with_errors.push(file.display().to_string());
                continue;
            }
        };
        for case in &cases {
            let (outcome, statuses) = run_case(case, pack);
            run.outcomes.push(outcome);
            for (id, st) in statuses {
                if let Some(c) = run.coverage.iter_mut().find(|c| c.id == id) {
                    let list = if c.reachable.contains(&st) {
                        &mut c.covered
                    } else {
                        &mut c.unexpected
                    };
                    if !list.contains(&st) {
                        list.push(st);
                        list.sort();
                    }
                }
            }
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every test file of a built-in pack, and every filing those tests read by path, is
    /// embedded; nothing else is.
    #[test]
    fn embedded_files_match_the_tree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut want: Vec<String> = Vec::new();
        for info in crate::pack::Registry::builtin_infos() {
            let dir = root.join("rules").join("tests").join(&info.id);
            for f in test_files(&dir) {
                let rel = f.strip_prefix(root).expect("under the root");
                want.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        let tests: Vec<String> = EMBEDDED
            .iter()
            .filter(|(f, _)| f.starts_with("rules/"))
            .map(|(f, _)| f.to_string())
            .collect();
        let mut sorted_want = want.clone();
        sorted_want.sort();
        let mut sorted = tests.clone();
        sorted.sort();
        assert_eq!(
            sorted, sorted_want,
            "EMBEDDED lists the built-in packs' test files"
        );
        for (f, text) in EMBEDDED {
            let on_disk = std::fs::read_to_string(root.join(f)).expect("embedded file exists");
            assert_eq!(&on_disk, text, "{f}");
        }
        // Every filing a built-in test reads resolves inside the binary.
        let registry = crate::pack::Registry::new();
        for info in crate::pack::Registry::builtin_infos() {
            let pack = registry.load(&info.id).expect("built-in pack");
            for f in test_files(&builtin_tests_dir(&info.id)) {
                let cases = read_tests(&f, &pack).expect("built-in tests read");
                for c in cases {
                    if let FilingSource::Path(p) = &c.filing {
                        assert!(embedded_rel(p).is_some(), "{}", p.display());
                        read_text(p, &Text::new("申报文件", "filing"))
                            .unwrap_or_else(|d| panic!("{}: {:?}", c.name, d));
                    }
                }
            }
        }
    }

    #[test]
    fn paths_are_normalized_without_the_file_system() {
        assert_eq!(
            normalize(Path::new(
                "<built-in>/rules/tests/x/../../../samples/a.toml"
            )),
            PathBuf::from("<built-in>/samples/a.toml")
        );
        assert_eq!(normalize(Path::new("../a/./b")), PathBuf::from("../a/b"));
    }
}
