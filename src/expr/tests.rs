//! End-to-end tests: compile (parse + resolve + check), evaluate, trace, substitute.

use super::*;
use rust_decimal_macros::dec;
use std::collections::HashMap;

struct TestScope {
    names: Vec<(String, Type)>,
    tables: Vec<(String, Type, Type)>,
}

impl Scope for TestScope {
    fn resolve(&self, name: &str) -> Option<(u32, Type)> {
        let i = self.names.iter().position(|(n, _)| n == name)?;
        Some((u32::try_from(i).ok()?, self.names[i].1.clone()))
    }
    fn resolve_table(&self, name: &str) -> Option<(u32, Type, Type)> {
        let i = self.tables.iter().position(|(n, _, _)| n == name)?;
        let (_, k, v) = &self.tables[i];
        Some((u32::try_from(i).ok()?, k.clone(), v.clone()))
    }
    fn candidates(&self) -> Vec<String> {
        self.names
            .iter()
            .map(|(n, _)| n.clone())
            .chain(self.tables.iter().map(|(n, _, _)| n.clone()))
            .collect()
    }
}

struct TestEnv {
    values: Vec<Value>,
    tables: Vec<(String, HashMap<String, Value>)>,
}

impl Env for TestEnv {
    fn get(&self, slot: u32) -> Value {
        self.values
            .get(slot as usize)
            .cloned()
            .unwrap_or_else(|| Value::unknown("no such slot"))
    }
    fn lookup(&self, table: u32, key: &Value) -> Value {
        let Some((name, t)) = self.tables.get(table as usize) else {
            return Value::unknown("no such table");
        };
        t.get(&key.to_string())
            .cloned()
            .unwrap_or_else(|| Value::unknown(format!("{name}[{key}] missing")))
    }
}

fn n(d: Decimal) -> Value {
    Value::Num(d)
}
fn s(x: &str) -> Value {
    Value::Str(x.to_string())
}
fn unk(reasons: &[&'static str]) -> Value {
    let mut u = Unknown::default();
    for r in reasons {
        u.add(*r);
    }
    Value::Unknown(u)
}
fn date(y: i32, m: u32, d: u32) -> Value {
    match Date::from_ymd_opt(y, m, d) {
        Some(d) => Value::Date(d),
        None => panic!("bad test date"),
    }
}
fn nums(xs: &[Decimal]) -> Value {
    Value::List(xs.iter().map(|d| Value::Num(*d)).collect())
}
fn strs(xs: &[&str]) -> Value {
    Value::List(xs.iter().map(|x| s(x)).collect())
}

/// A fixture: every name with its type and value.
fn fixture() -> (TestScope, TestEnv) {
    let entries: Vec<(&str, Type, Value)> = vec![
        ("budget.wage_total", Type::Num, n(dec!(12600000))),
        ("base_wage_total", Type::Num, n(dec!(12000000))),
        ("budget.year", Type::Num, n(dec!(2024))),
        ("cap_ratio", Type::Num, n(dec!(0.7000))),
        ("efficiency_growth", Type::Num, n(dec!(0.05))),
        ("productivity_growth", Type::Num, n(dec!(-0.01))),
        ("labor_cost_worse", Type::Bool, Value::Bool(false)),
        (
            "prior.average_wage",
            Type::Num,
            unk(&["prior.average_wage"]),
        ),
        ("prior.wage_total", Type::Num, n(dec!(1200000))),
        ("prior.average_headcount", Type::Num, n(dec!(0))),
        ("enterprise.ownership", Type::Str, s("state")),
        (
            "applicable_ownerships",
            Type::StrList,
            strs(&["state", "collective"]),
        ),
        ("t", Type::Bool, Value::Bool(true)),
        ("f", Type::Bool, Value::Bool(false)),
        ("u", Type::Bool, unk(&["u"])),
        ("u2", Type::Bool, unk(&["u2"])),
        ("a", Type::Num, n(dec!(3))),
        ("b", Type::Num, n(dec!(4))),
        ("neg", Type::Num, n(dec!(-5))),
        ("zero", Type::Num, n(dec!(0.00))),
        ("x", Type::Num, unk(&["x"])),
        ("y", Type::Num, unk(&["y"])),
        ("big", Type::Num, n(Decimal::MAX)),
        ("p", Type::Num, n(dec!(30000000))),
        ("c", Type::Num, n(dec!(33000000))),
        ("name", Type::Str, s("acme")),
        ("ustr", Type::Str, unk(&["ustr"])),
        ("d1", Type::Date, date(2024, 7, 31)),
        ("d2", Type::Date, date(2024, 1, 1)),
        ("ud", Type::Date, unk(&["ud"])),
        ("l", Type::NumList, nums(&[dec!(1), dec!(2), dec!(3)])),
        (
            "w",
            Type::NumList,
            nums(&[dec!(0.5), dec!(0.25), dec!(0.25)]),
        ),
        ("short", Type::NumList, nums(&[dec!(1), dec!(2)])),
        ("empty", Type::NumList, Value::List(vec![])),
        ("empty_s", Type::StrList, Value::List(vec![])),
        (
            "lu",
            Type::NumList,
            Value::List(vec![n(dec!(1)), unk(&["lu.1"]), n(dec!(10))]),
        ),
        ("ul", Type::NumList, unk(&["ul"])),
        ("sl", Type::StrList, strs(&["a", "b"])),
        (
            "slu",
            Type::StrList,
            Value::List(vec![s("a"), unk(&["slu.1"])]),
        ),
        ("usl", Type::StrList, unk(&["usl"])),
        ("bad_typed", Type::Num, s("not a number")),
    ];
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (name, ty, v) in entries {
        names.push((name.to_string(), ty));
        values.push(v);
    }
    let mut wages = HashMap::new();
    wages.insert("2023".to_string(), n(dec!(98000)));
    wages.insert("2022".to_string(), n(dec!(92000)));
    let mut codes = HashMap::new();
    codes.insert("\"state\"".to_string(), n(dec!(1)));
    (
        TestScope {
            names,
            tables: vec![
                (
                    "national_average_wage_table".to_string(),
                    Type::Num,
                    Type::Num,
                ),
                ("ownership_code".to_string(), Type::Str, Type::Num),
            ],
        },
        TestEnv {
            values,
            tables: vec![
                ("national_average_wage_table".to_string(), wages),
                ("ownership_code".to_string(), codes),
            ],
        },
    )
}

fn compiled(src: &str) -> Compiled {
    let (scope, _) = fixture();
    match compile(src, &scope, None) {
        Ok(c) => c,
        Err(e) => panic!("compile error for {src:?}: {}", e.message(false)),
    }
}

/// Evaluate with both evaluators, checking that the compiled program and the tree-walker
/// agree (`Debug`-equal: same variants, decimal scales and reasons).
fn both(c: &Compiled, env: &dyn Env) -> Value {
    let v = c.eval(env);
    assert_eq!(
        format!("{v:?}"),
        format!("{:?}", c.eval_tree(env)),
        "{}",
        c.source()
    );
    v
}

fn ev(src: &str) -> Value {
    let (_, env) = fixture();
    both(&compiled(src), &env)
}

fn err(src: &str) -> ExprError {
    let (scope, _) = fixture();
    match compile(src, &scope, None) {
        Ok(c) => panic!("expected an error for {src:?}, got type {:?}", c.ty()),
        Err(e) => e,
    }
}

fn err_at(src: &str, at: &str) -> ExprError {
    let e = err(src);
    let start = src.find(at).unwrap_or(usize::MAX);
    assert_eq!(
        e.span,
        Span {
            start,
            end: start + at.len()
        },
        "span for {src:?}: {e:?}"
    );
    e
}

fn err_span(src: &str, start: usize, end: usize) -> ExprError {
    let e = err(src);
    assert_eq!(e.span, Span { start, end }, "span for {src:?}: {e:?}");
    e
}

fn sub(src: &str) -> String {
    let (_, env) = fixture();
    compiled(src).substitute(&env)
}

#[test]
fn example_expressions() {
    assert_eq!(ev("budget.wage_total / base_wage_total - 1"), n(dec!(0.05)));
    assert_eq!(
        ev("efficiency_growth > 0 and (productivity_growth <= 0 or labor_cost_worse)"),
        Value::Bool(true)
    );
    assert_eq!(ev("cap_ratio * efficiency_growth"), n(dec!(0.035)));
    assert_eq!(
        ev(
            "if exists(prior.average_wage) then prior.average_wage else prior.wage_total / prior.average_headcount"
        ),
        // The else branch failed; `prior.average_wage` would settle it too, so both are named.
        unk(&[
            "division by zero: prior.average_headcount = 0",
            "prior.average_wage"
        ])
    );
    assert_eq!(
        ev("national_average_wage_table[budget.year - 1]"),
        n(dec!(98000))
    );
    assert_eq!(
        ev("enterprise.ownership in applicable_ownerships"),
        Value::Bool(true)
    );
    assert_eq!(ev("min(a, b)"), n(dec!(3)));
    assert_eq!(ev("growth(p, c)"), n(dec!(0.1)));
    assert_eq!(ev("date(budget.year + 1, 7, 31)"), date(2025, 7, 31));
}

#[test]
fn arithmetic_operators() {
    assert_eq!(ev("a + b"), n(dec!(7)));
    assert_eq!(ev("a - b"), n(dec!(-1)));
    assert_eq!(ev("a * b"), n(dec!(12)));
    assert_eq!(ev("a × b"), n(dec!(12)));
    assert_eq!(ev("b / 2 * 3"), n(dec!(6)));
    assert_eq!(ev("a ÷ b"), n(dec!(0.75)));
    assert_eq!(ev("-a"), n(dec!(-3)));
    assert_eq!(ev("--a"), n(dec!(3)));
    assert_eq!(ev("-neg * 2"), n(dec!(10)));
    assert_eq!(ev("2 + 3 * 4"), n(dec!(14)));
    assert_eq!(ev("(2 + 3) * 4"), n(dec!(20)));
    assert_eq!(ev("10 - 2 - 3"), n(dec!(5)));
    assert_eq!(ev("12_600_000 / 12_000_000 - 1"), n(dec!(0.05)));
    // Percent literals are exact.
    assert_eq!(ev("7% * 100"), n(dec!(7)));
    assert_eq!(ev("8.4% * 1000"), n(dec!(84)));
    assert_eq!(ev("70% == 0.7"), Value::Bool(true));
    // Exact decimal arithmetic, no float artifacts.
    assert_eq!(ev("0.1 + 0.2 == 0.3"), Value::Bool(true));
}

#[test]
fn comparison_operators() {
    let cases = [
        ("a < b", true),
        ("a <= b", true),
        ("a > b", false),
        ("a >= b", false),
        ("a == b", false),
        ("a != b", true),
        ("a = 3", true),
        ("a ≤ 3", true),
        ("a ≥ 3.000", true),
        ("a ≠ 3", false),
        ("zero == 0", true),
        ("b < a", false),
        ("b > a", true),
        ("name == \"acme\"", true),
        ("name != 'acme'", false),
        ("t == true", true),
        ("t != f", true),
        ("d1 > d2", true),
        ("d1 <= d2", false),
        ("d1 == date(2024, 7, 31)", true),
        ("d1 != d2", true),
        ("3 in l", true),
        ("4 in l", false),
        ("'b' in sl", true),
        ("'c' in sl", false),
        ("'a' in slu", true),
        ("'x' in empty_s", false),
        ("enterprise.ownership in ['state', 'collective']", true),
        ("2.0 in [1, 2]", true),
    ];
    for (src, want) in cases {
        assert_eq!(ev(src), Value::Bool(want), "{src}");
    }
    // Membership with unknown elements is decided only when a known element matches.
    assert_eq!(ev("'z' in slu"), unk(&["slu.1"]));
    assert_eq!(ev("5 in lu"), unk(&["lu.1"]));
    assert_eq!(ev("10 in lu"), Value::Bool(true));
    assert_eq!(ev("3 in ul"), unk(&["ul"]));
    assert_eq!(ev("ustr in sl"), unk(&["ustr"]));
    assert_eq!(ev("x < a"), unk(&["x"]));
    assert_eq!(ev("ud < d1"), unk(&["ud"]));
    assert_eq!(ev("ustr == name"), unk(&["ustr"]));
}

#[test]
fn date_arithmetic() {
    assert_eq!(ev("d1 + 1"), date(2024, 8, 1));
    assert_eq!(ev("1 + d1"), date(2024, 8, 1));
    assert_eq!(ev("d1 - 31"), date(2024, 6, 30));
    assert_eq!(ev("d1 - d2"), n(dec!(212)));
    assert_eq!(ev("d2 - d1"), n(dec!(-212)));
    assert_eq!(
        ev("d1 + 0.5"),
        unk(&["not a whole number of days: 0.5 in d1 + 0.5"])
    );
    assert_eq!(
        ev("d1 + 100000000000"),
        unk(&["arithmetic overflow in d1 + 100000000000"])
    );
    assert_eq!(ev("d1 + big"), unk(&["arithmetic overflow in d1 + big"]));
    assert_eq!(ev("ud + 1"), unk(&["ud"]));
}

#[test]
fn kleene_truth_tables() {
    // (lhs, rhs, and, or) with "u" unknown.
    let table = [
        ("t", "t", "t", "t"),
        ("t", "f", "f", "t"),
        ("t", "u", "u", "t"),
        ("f", "t", "f", "t"),
        ("f", "f", "f", "f"),
        ("f", "u", "f", "u"),
        ("u", "t", "u", "t"),
        ("u", "f", "f", "u"),
        ("u", "u", "u", "u"),
    ];
    let val = |x: &str| match x {
        "t" => Value::Bool(true),
        "f" => Value::Bool(false),
        _ => unk(&["u"]),
    };
    for (l, r, and, or) in table {
        assert_eq!(ev(&format!("{l} and {r}")), val(and), "{l} and {r}");
        assert_eq!(ev(&format!("{l} or {r}")), val(or), "{l} or {r}");
    }
    assert_eq!(ev("not t"), Value::Bool(false));
    assert_eq!(ev("not f"), Value::Bool(true));
    assert_eq!(ev("not u"), unk(&["u"]));
    assert_eq!(ev("u and u2"), unk(&["u", "u2"]));
    assert_eq!(ev("u2 or u"), unk(&["u", "u2"]));
    assert_eq!(ev("u and x > 0"), unk(&["u", "x"]));
}

#[test]
fn short_circuit_skips_evaluation() {
    let (_, env) = fixture();
    let mut trace = Vec::new();
    let v = compiled("f and a / zero > 1").eval_traced(&env, &mut trace);
    assert_eq!(v, Value::Bool(false));
    assert_eq!(trace.len(), 2);
    let mut trace = Vec::new();
    let v = compiled("t or x > 1").eval_traced(&env, &mut trace);
    assert_eq!(v, Value::Bool(true));
    assert_eq!(trace.len(), 2);
}

#[test]
fn unknown_propagation() {
    assert_eq!(ev("a + x"), unk(&["x"]));
    assert_eq!(ev("y * x + a"), unk(&["x", "y"]));
    assert_eq!(ev("x - x"), unk(&["x"]));
    assert_eq!(ev("-x"), unk(&["x"]));
    assert_eq!(ev("abs(x)"), unk(&["x"]));
    assert_eq!(ev("x / zero"), unk(&["x"]));
    assert_eq!(
        ev("prior.average_wage / base_wage_total"),
        unk(&["prior.average_wage"])
    );
}

#[test]
fn if_expressions() {
    assert_eq!(ev("if t then a else b"), n(dec!(3)));
    assert_eq!(ev("if f then a else b"), n(dec!(4)));
    // The untaken branch is not evaluated.
    assert_eq!(ev("if t then a else x"), n(dec!(3)));
    // Unknown condition with equal branches settles the value.
    assert_eq!(ev("if u then a else 3.00"), n(dec!(3)));
    assert_eq!(ev("if u then a else b"), unk(&["u"]));
    assert_eq!(ev("if u then a else x"), unk(&["u", "x"]));
    assert_eq!(ev("if u then y else x"), unk(&["u", "x", "y"]));
    assert_eq!(ev("if u then lu else lu"), unk(&["lu.1", "u"]));
    assert_eq!(ev("if u then sl else ['a', 'b']"), strs(&["a", "b"]));
    assert_eq!(ev("if a > 1 then 'big' else 'small'"), s("big"));
    assert_eq!(ev("1 + if f then 1 else 2 * 10"), n(dec!(21)));
}

#[test]
fn division_by_zero_and_overflow() {
    assert_eq!(ev("a / zero"), unk(&["division by zero: zero = 0"]));
    assert_eq!(ev("a / (b - 4)"), unk(&["division by zero: (b - 4) = 0"]));
    assert_eq!(ev("a / 0"), unk(&["division by zero: 0 = 0"]));
    assert_eq!(ev("big * 2"), unk(&["arithmetic overflow in big * 2"]));
    assert_eq!(ev("big + big"), unk(&["arithmetic overflow in big + big"]));
    assert_eq!(
        ev("-big - big"),
        unk(&["arithmetic overflow in -big - big"])
    );
    assert_eq!(ev("big / 0.1"), unk(&["arithmetic overflow in big / 0.1"]));
    assert_eq!(
        ev("sum(big, 1)"),
        unk(&["arithmetic overflow in sum(big, 1)"])
    );
    assert_eq!(ev("big - 1 + 1"), n(Decimal::MAX));
    assert_eq!(
        ev("dot([big, 1], [2, 1])"),
        unk(&["arithmetic overflow in dot([big, 1], [2, 1])"])
    );
    // Overflow inside a division's operand.
    assert_eq!(
        ev("1 / (big * 10)"),
        unk(&["arithmetic overflow in big * 10"])
    );
}

#[test]
fn min_max_sum_abs_count() {
    assert_eq!(ev("min(a, b, neg)"), n(dec!(-5)));
    assert_eq!(ev("max(a, b, neg)"), n(dec!(4)));
    assert_eq!(ev("max(a)"), n(dec!(3)));
    assert_eq!(ev("sum(a, b, neg)"), n(dec!(2)));
    assert_eq!(ev("min(l)"), n(dec!(1)));
    assert_eq!(ev("max(l)"), n(dec!(3)));
    assert_eq!(ev("sum(l)"), n(dec!(6)));
    assert_eq!(ev("sum([1, 2.5])"), n(dec!(3.5)));
    assert_eq!(ev("sum(empty)"), n(dec!(0)));
    assert_eq!(ev("min(empty)"), unk(&["min(empty) of an empty list"]));
    assert_eq!(ev("max(empty)"), unk(&["max(empty) of an empty list"]));
    assert_eq!(ev("min(a, x)"), unk(&["x"]));
    assert_eq!(ev("max(y, a, x)"), unk(&["x", "y"]));
    assert_eq!(ev("sum(lu)"), unk(&["lu.1"]));
    assert_eq!(ev("min(lu)"), unk(&["lu.1"]));
    assert_eq!(ev("sum(ul)"), unk(&["ul"]));
    assert_eq!(ev("abs(neg)"), n(dec!(5)));
    assert_eq!(ev("abs(a)"), n(dec!(3)));
    assert_eq!(ev("count(l)"), n(dec!(3)));
    assert_eq!(ev("count(sl)"), n(dec!(2)));
    assert_eq!(ev("count(empty)"), n(dec!(0)));
    // The number of elements is known even if some elements are not.
    assert_eq!(ev("count(lu)"), n(dec!(3)));
    assert_eq!(ev("count(ul)"), unk(&["ul"]));
}

#[test]
fn exists_never_unknown() {
    assert_eq!(ev("exists(a)"), Value::Bool(true));
    assert_eq!(ev("exists(x)"), Value::Bool(false));
    assert_eq!(ev("exists(x + a)"), Value::Bool(false));
    assert_eq!(ev("exists(l)"), Value::Bool(true));
    assert_eq!(ev("exists(lu)"), Value::Bool(false));
    assert_eq!(ev("exists(ul)"), Value::Bool(false));
    assert_eq!(ev("exists(u)"), Value::Bool(false));
    assert_eq!(ev("exists(name)"), Value::Bool(true));
    assert_eq!(ev("exists(a / zero)"), Value::Bool(false));
    assert_eq!(ev("not exists(x)"), Value::Bool(true));
}

#[test]
fn dot_product() {
    assert_eq!(ev("dot(w, l)"), n(dec!(1.75)));
    assert_eq!(ev("dot([1, 2], [3, 4])"), n(dec!(11)));
    assert_eq!(
        ev("dot(w, short)"),
        unk(&["dot(w, short): lists have different lengths (3 and 2)"])
    );
    assert_eq!(ev("dot(w, lu)"), unk(&["lu.1"]));
    assert_eq!(ev("dot(ul, l)"), unk(&["ul"]));
    // A weighted sum of nothing is undefined (no linkage indicators), not 0.
    assert_eq!(ev("dot(empty, empty)"), unk(&["empty is empty"]));
}

#[test]
fn growth_function() {
    assert_eq!(ev("growth(p, c)"), n(dec!(0.1)));
    assert_eq!(
        ev("growth(c, p)"),
        n(dec!(30000000) / dec!(33000000) - dec!(1))
    );
    assert_eq!(ev("growth(zero, c)"), unk(&["zero ≤ 0 (no growth rate)"]));
    assert_eq!(ev("growth(neg, c)"), unk(&["neg ≤ 0 (no growth rate)"]));
    // A non-positive prior settles it regardless of the unknown current value.
    assert_eq!(ev("growth(neg, x)"), unk(&["neg ≤ 0 (no growth rate)"]));
    assert_eq!(ev("growth(x, c)"), unk(&["x"]));
    assert_eq!(ev("growth(p, y)"), unk(&["y"]));
    assert_eq!(ev("growth(x, y)"), unk(&["x", "y"]));
    assert_eq!(ev("growth(p - p, c)"), unk(&["p - p ≤ 0 (no growth rate)"]));
}

#[test]
fn all_in_and_any_between() {
    assert_eq!(ev("all_in(['a'], sl)"), Value::Bool(true));
    assert_eq!(ev("all_in(sl, ['b', 'a', 'c'])"), Value::Bool(true));
    assert_eq!(ev("all_in(['a', 'z'], sl)"), Value::Bool(false));
    assert_eq!(ev("all_in(empty_s, sl)"), Value::Bool(true));
    assert_eq!(ev("all_in(empty_s, usl)"), Value::Bool(true));
    assert_eq!(ev("all_in(slu, sl)"), unk(&["slu.1"]));
    // A definite miss decides the answer even with unknown elements.
    assert_eq!(ev("all_in(slu, ['b'])"), Value::Bool(false));
    assert_eq!(ev("all_in(['b'], slu)"), unk(&["slu.1"]));
    assert_eq!(ev("all_in(['a'], slu)"), Value::Bool(true));
    assert_eq!(ev("all_in(usl, sl)"), unk(&["usl"]));
    assert_eq!(ev("all_in(sl, usl)"), unk(&["usl"]));
    assert_eq!(ev("all_in([1, 2], l)"), Value::Bool(true));

    assert_eq!(ev("any_between(l, 2, 2)"), Value::Bool(true));
    assert_eq!(ev("any_between(l, 1.5, 1.9)"), Value::Bool(false));
    assert_eq!(ev("any_between(l, 3, 10)"), Value::Bool(true));
    assert_eq!(ev("any_between(empty, 0, 1)"), Value::Bool(false));
    assert_eq!(ev("any_between(empty, x, 1)"), Value::Bool(false));
    assert_eq!(ev("any_between(lu, 9, 11)"), Value::Bool(true));
    assert_eq!(ev("any_between(lu, 4, 5)"), unk(&["lu.1"]));
    assert_eq!(ev("any_between(l, x, y)"), unk(&["x", "y"]));
    assert_eq!(ev("any_between(ul, 0, 1)"), unk(&["ul"]));
}

#[test]
fn date_and_round_down() {
    assert_eq!(ev("date(2024, 2, 29)"), date(2024, 2, 29));
    assert_eq!(ev("date(2023, 2, 29)"), unk(&["no such date: 2023-2-29"]));
    assert_eq!(ev("date(2023, 13, 1)"), unk(&["no such date: 2023-13-1"]));
    assert_eq!(ev("date(2023, 1.5, 1)"), unk(&["no such date: 2023-1.5-1"]));
    assert_eq!(ev("date(2023, -1, 1)"), unk(&["no such date: 2023--1-1"]));
    assert_eq!(
        ev("date(99999999999, 1, 1)"),
        unk(&["no such date: 99999999999-1-1"])
    );
    assert_eq!(ev("date(x, 1, 1)"), unk(&["x"]));

    assert_eq!(ev("round_down(1.239, 2)"), n(dec!(1.23)));
    assert_eq!(ev("round_down(-1.231, 2)"), n(dec!(-1.24)));
    assert_eq!(ev("round_down(1234.5, 0)"), n(dec!(1234)));
    assert_eq!(ev("round_down(a, 28)"), n(dec!(3)));
    assert_eq!(
        ev("round_down(1.5, 29)"),
        unk(&["invalid number of decimal places: 29"])
    );
    assert_eq!(
        ev("round_down(1.5, -1)"),
        unk(&["invalid number of decimal places: -1"])
    );
    assert_eq!(
        ev("round_down(1.5, 0.5)"),
        unk(&["invalid number of decimal places: 0.5"])
    );
    assert_eq!(ev("round_down(x, 2)"), unk(&["x"]));
}

#[test]
fn table_lookups() {
    assert_eq!(
        ev("national_average_wage_table[budget.year - 2]"),
        n(dec!(92000))
    );
    assert_eq!(
        ev("national_average_wage_table[budget.year + 5]"),
        unk(&["national_average_wage_table[2029] missing"])
    );
    assert_eq!(ev("national_average_wage_table[x]"), unk(&["x"]));
    assert_eq!(ev("ownership_code[enterprise.ownership]"), n(dec!(1)));
    assert_eq!(
        ev("national_average_wage_table[2023] / 12"),
        n(dec!(98000) / dec!(12))
    );
}

#[test]
fn ill_typed_env_values_do_not_panic() {
    let v = ev("bad_typed + 1");
    assert!(!v.is_known());
    let v = ev("bad_typed < 1");
    assert!(!v.is_known());
    let v = ev("abs(bad_typed)");
    assert!(!v.is_known());
}

#[test]
fn type_errors_with_spans() {
    let e = err_at("a + 'x'", "'x'");
    assert_eq!(
        e.kind,
        ExprErrorKind::TypeMismatch {
            context: "+".into(),
            expected: vec![Type::Num, Type::Date],
            found: Type::Str
        }
    );
    err_at("'x' * a", "'x'");
    err_at("a * 'x'", "'x'");
    err_at("a / t", "t");
    err_at("-name", "name");
    err_at("not a", "a");
    err_span("t and a", 6, 7);
    err_at("a or t", "a");
    err_at("a == name", "name");
    err_span("l == l", 0, 1);
    err_span("a == l", 5, 6);
    err_at("name < 'b'", "name");
    err_at("a < d1", "d1");
    err_at("t < f", "t");
    err_at("t in sl", "t");
    err_at("name in l", "l");
    err_at("a in sl", "sl");
    err_at("d1 + d2", "d2");
    err_at("a - d1", "d1");
    err_at("name - 1", "name");
    err_at("d1 - name", "name");
    err_at("if a then 1 else 2", "a");
    let e = err_at("if t then 1 else 'x'", "'x'");
    assert_eq!(
        e.kind,
        ExprErrorKind::BranchMismatch {
            then_type: Type::Num,
            else_type: Type::Str
        }
    );
    err_at("national_average_wage_table['2023']", "'2023'");
    err_at("min(a, name)", "name");
    err_at("min(sl)", "sl");
    err_at("sum(a, l)", "l");
    err_at("abs(l)", "l");
    err_at("count(a)", "a");
    err_at("dot(l, a)", "a");
    err_span("growth(a, t)", 10, 11);
    err_span("all_in(sl, l)", 11, 12);
    err_span("all_in(a, l)", 7, 8);
    err_at("any_between(l, a, 'x')", "'x'");
    err_at("date(2024, 1, 'x')", "'x'");
    err_at("round_down(a, t)", "t");
    err_at("[1, 'a']", "'a'");
    err_at("[t]", "t");
    err_at("[[1]]", "[1]");
    let e = err_at("[]", "[]");
    assert_eq!(e.kind, ExprErrorKind::EmptyList);
    // Inner sub-expression spans point into the source.
    err_at("(a + b) * (name + 1)", "name");
}

#[test]
fn name_errors() {
    let e = err_at("cap_ratoi * 2", "cap_ratoi");
    assert_eq!(
        e.kind,
        ExprErrorKind::UnknownName {
            name: "cap_ratoi".into(),
            suggestion: Some("cap_ratio".into())
        }
    );
    assert_eq!(
        e.message(false),
        "unknown name `cap_ratoi`; did you mean `cap_ratio`?"
    );
    assert_eq!(
        e.message(true),
        "未知名称 `cap_ratoi`，是否指 `cap_ratio`？"
    );
    let e = err_at("a + qqqqqqqq", "qqqqqqqq");
    assert_eq!(
        e.kind,
        ExprErrorKind::UnknownName {
            name: "qqqqqqqq".into(),
            suggestion: None
        }
    );
    assert_eq!(e.message(false), "unknown name `qqqqqqqq`");
    let e = err_at("budget.wage_totl", "budget.wage_totl");
    assert!(matches!(
        e.kind,
        ExprErrorKind::UnknownName { suggestion: Some(ref s), .. } if s == "budget.wage_total"
    ));
    let e = err_at("1 + grwoth(p, c)", "grwoth");
    assert_eq!(
        e.kind,
        ExprErrorKind::UnknownFunction {
            name: "grwoth".into(),
            suggestion: Some("growth".into())
        }
    );
    let e = err_at(
        "national_average_wage_tabel[2023]",
        "national_average_wage_tabel",
    );
    assert_eq!(
        e.kind,
        ExprErrorKind::UnknownTable {
            name: "national_average_wage_tabel".into(),
            suggestion: Some("national_average_wage_table".into())
        }
    );
    // A slot name is not a table.
    let e = err_at("a[1]", "a");
    assert!(matches!(e.kind, ExprErrorKind::UnknownTable { .. }));
    let e = err_at("ownership_code + 1", "ownership_code");
    assert_eq!(
        e.kind,
        ExprErrorKind::TableWithoutKey {
            name: "ownership_code".into()
        }
    );
}

#[test]
fn arity_errors() {
    let e = err_at("1 + growth(p)", "growth(p)");
    assert_eq!(
        e.kind,
        ExprErrorKind::Arity {
            func: "growth".into(),
            min: 2,
            max: Some(2),
            found: 1
        }
    );
    assert_eq!(e.message(false), "`growth` takes 2 arguments, but got 1");
    assert_eq!(e.message(true), "函数 `growth` 需要2 个参数，实际给出 1 个");
    let e = err_at("min()", "min()");
    assert_eq!(
        e.message(false),
        "`min` takes at least 1 argument, but got 0"
    );
    let e = err_at("abs(a, b)", "abs(a, b)");
    assert_eq!(e.message(false), "`abs` takes 1 argument, but got 2");
    err_at("date(1, 2)", "date(1, 2)");
    err_at("any_between(l, 1)", "any_between(l, 1)");
    err_at("exists()", "exists()");
    err_at("count(l, l)", "count(l, l)");
}

#[test]
fn expected_result_type() {
    let (scope, _) = fixture();
    let r = compile("a + 1", &scope, Some(&Type::Bool));
    let Err(e) = r else { panic!("expected error") };
    assert_eq!(
        e.kind,
        ExprErrorKind::WrongResultType {
            expected: Type::Bool,
            found: Type::Num
        }
    );
    assert_eq!(e.span, Span { start: 0, end: 5 });
    assert_eq!(
        e.message(false),
        "the expression must produce a boolean, but it produces a number"
    );
    assert_eq!(e.message(true), "表达式结果应为布尔值，实际为数字");
    assert!(compile("a > 1", &scope, Some(&Type::Bool)).is_ok());
    assert!(compile("l", &scope, Some(&Type::NumList)).is_ok());
    assert!(compile("d1", &scope, Some(&Type::Date)).is_ok());
    assert!(compile("[name]", &scope, Some(&Type::StrList)).is_ok());
}

#[test]
fn result_types() {
    let cases = [
        ("a", Type::Num),
        ("t", Type::Bool),
        ("name", Type::Str),
        ("d1", Type::Date),
        ("l", Type::NumList),
        ("sl", Type::StrList),
        ("d1 - d2", Type::Num),
        ("d1 + 1", Type::Date),
        ("date(2024, 1, 1)", Type::Date),
        ("exists(sl)", Type::Bool),
        ("[1, 2]", Type::NumList),
        ("['a']", Type::StrList),
        ("if t then sl else ['x']", Type::StrList),
        ("national_average_wage_table[2023]", Type::Num),
    ];
    for (src, ty) in cases {
        assert_eq!(compiled(src).ty(), &ty, "{src}");
    }
}

#[test]
fn names_tables_refs() {
    let c = compiled(
        "if exists(prior.average_wage) then prior.average_wage else prior.wage_total / prior.average_headcount",
    );
    assert_eq!(
        c.names(),
        vec![
            "prior.average_wage",
            "prior.wage_total",
            "prior.average_headcount"
        ]
    );
    assert_eq!(c.tables(), Vec::<String>::new());
    let c = compiled(
        "national_average_wage_table[budget.year - 1] + a + national_average_wage_table[budget.year]",
    );
    assert_eq!(c.names(), vec!["budget.year", "a"]);
    assert_eq!(c.tables(), vec!["national_average_wage_table"]);
    assert_eq!(
        c.refs(),
        vec![
            ("national_average_wage_table".to_string(), NameRef::Table(0)),
            ("budget.year".to_string(), NameRef::Slot(2)),
            ("a".to_string(), NameRef::Slot(16)),
        ]
    );
    assert_eq!(
        c.source(),
        "national_average_wage_table[budget.year - 1] + a + national_average_wage_table[budget.year]"
    );
    assert_eq!(compiled("1 + 2").names(), Vec::<String>::new());
}

#[test]
fn trace_is_post_order() {
    let (_, env) = fixture();
    let c = compiled("a + (b * 2) - min(a, x)");
    let mut trace = Vec::new();
    let v = c.eval_traced(&env, &mut trace);
    assert_eq!(v, unk(&["x"]));
    let got: Vec<(&str, Value)> = trace
        .iter()
        .map(|s| (s.text.as_str(), s.value.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a", n(dec!(3))),
            ("b", n(dec!(4))),
            ("b * 2", n(dec!(8))),
            ("a + (b * 2)", n(dec!(11))),
            ("a", n(dec!(3))),
            ("x", unk(&["x"])),
            ("min(a, x)", unk(&["x"])),
            ("a + (b * 2) - min(a, x)", unk(&["x"])),
        ]
    );
    assert_eq!(trace[2].span, Span { start: 5, end: 10 });
    // Traced and untraced evaluation agree.
    assert_eq!(both(&c, &env), v);
    // Literals produce no steps.
    let mut trace = Vec::new();
    compiled("1 + 2").eval_traced(&env, &mut trace);
    assert_eq!(trace.len(), 1);
    assert_eq!(trace[0].text, "1 + 2");
}

#[test]
fn substitution() {
    assert_eq!(
        sub("budget.wage_total / base_wage_total - 1"),
        "12600000 / 12000000 - 1"
    );
    assert_eq!(sub("growth(p, c)"), "growth(30000000, 33000000)");
    assert_eq!(sub("cap_ratio × efficiency_growth"), "0.7 * 0.05");
    assert_eq!(
        sub("a ≤ b and name = 'acme'"),
        "3 <= 4 and \"acme\" == 'acme'"
    );
    assert_eq!(
        sub("a ≥ b or a ≠ b or a ÷ b > 0"),
        "3 >= 4 or 3 != 4 or 3 / 4 > 0"
    );
    assert_eq!(sub("(a + x) * 2"), "(3 + ?) * 2");
    assert_eq!(sub("a - neg"), "3 - (-5)");
    assert_eq!(sub("neg"), "-5");
    assert_eq!(sub("-a"), "-3");
    assert_eq!(sub("not t"), "not true");
    assert_eq!(sub("abs(neg)"), "abs(-5)");
    assert_eq!(
        sub(
            "if exists(prior.average_wage) then prior.average_wage else prior.wage_total / prior.average_headcount"
        ),
        "if exists(?) then ? else 1200000 / 0"
    );
    assert_eq!(
        sub("national_average_wage_table[budget.year - 1] * 12"),
        "98000 * 12"
    );
    assert_eq!(sub("national_average_wage_table[x]"), "?");
    assert_eq!(
        sub("enterprise.ownership in applicable_ownerships"),
        "\"state\" in [\"state\", \"collective\"]"
    );
    assert_eq!(
        sub("sum(lu) + count([1, 2])"),
        "sum([1, ?, 10]) + count([1, 2])"
    );
    assert_eq!(sub("d1 - 1"), "2024-07-31 - 1");
    assert_eq!(sub("12_600_000 * 70%"), "12_600_000 * 70%");
}

#[test]
fn value_display() {
    assert_eq!(n(dec!(0.0500)).to_string(), "0.05");
    assert_eq!(n(dec!(12600000.00)).to_string(), "12600000");
    assert_eq!(n(dec!(-0.0)).to_string(), "0");
    assert_eq!(s("a\"b").to_string(), "\"a\\\"b\"");
    assert_eq!(s("国有").to_string(), "\"国有\"");
    assert_eq!(date(2024, 7, 1).to_string(), "2024-07-01");
    assert_eq!(Value::Bool(true).to_string(), "true");
    assert_eq!(
        Value::List(vec![n(dec!(1.50)), unk(&["x"])]).to_string(),
        "[1.5, unknown]"
    );
    assert_eq!(strs(&["a", "b"]).to_string(), "[\"a\", \"b\"]");
    assert_eq!(unk(&["x"]).to_string(), "unknown");
    assert_eq!(unk(&["x"]).display_lang(true), "未知");
    assert_eq!(n(dec!(1.0)).display_lang(true), "1");
}

#[test]
fn value_accessors() {
    assert_eq!(n(dec!(1)).as_num(), Some(dec!(1)));
    assert_eq!(s("x").as_num(), None);
    assert_eq!(Value::Bool(true).as_bool(), Some(true));
    assert_eq!(s("x").as_str(), Some("x"));
    assert!(date(2024, 1, 1).as_date().is_some());
    assert_eq!(nums(&[dec!(1)]).as_list().map(<[Value]>::len), Some(1));
    assert!(Value::unknown("r").as_unknown().is_some());
    assert!(!Value::unknown("r").is_known());
    assert!(Value::List(vec![unk(&["r"])]).is_known());
    assert!(!Value::List(vec![unk(&["r"])]).is_fully_known());
}

#[test]
fn unknown_reasons_sorted_and_deduped() {
    let mut u = Unknown::new("b");
    u.add("a");
    u.add("b");
    u.merge(&Unknown {
        reasons: vec!["a".into(), "c".into()],
    });
    assert_eq!(u.reasons, vec!["a", "b", "c"]);
    let mut v = Unknown::default();
    v.merge(&Unknown {
        reasons: vec!["z".into(), "a".into(), "z".into()],
    });
    assert_eq!(v.reasons, vec!["a", "z"]);
    assert_eq!(Value::unknown("z"), unk(&["z"]));
}

#[test]
fn error_messages_both_languages() {
    let cases = [
        "a +",
        "a b",
        "a @ b",
        "'abc",
        "1__2",
        "a < b < 3",
        "qqqqqqqq",
        "nope(1)",
        "zzz_table[1]",
        "ownership_code",
        "a + name",
        "if t then 1 else name",
        "[]",
        "growth(a)",
    ];
    for src in cases {
        let e = err(src);
        let en = e.message(false);
        let zh = e.message(true);
        assert!(!en.is_empty() && !zh.is_empty(), "{src}");
        assert_ne!(en, zh, "{src}");
        assert_eq!(e.to_string(), en);
    }
    assert_eq!(
        err("a +").message(false),
        "syntax error: expected an expression, found the end of the expression"
    );
    assert_eq!(
        err("a +").message(true),
        "语法错误：此处应为表达式，但遇到表达式结尾"
    );
    assert_eq!(
        err("a b").message(false),
        "syntax error: expected an operator or the end of the expression, found `b`"
    );
    assert_eq!(err("a @ b").message(false), "unexpected character `@`");
    assert_eq!(
        err("min(a b)").message(false),
        "syntax error: expected `,` or `)`, found `b`"
    );
    assert_eq!(
        err("min(a b)").message(true),
        "语法错误：此处应为`,` 或 `)`，但遇到`b`"
    );
    assert_eq!(
        err("1__2").message(false),
        "invalid or out-of-range number `1__2`"
    );
    assert_eq!(
        err("a + name").message(false),
        "type mismatch in `+`: expected number or date, found string"
    );
    assert_eq!(
        err("a + name").message(true),
        "类型不匹配（`+`）：应为数字或日期，实际为字符串"
    );
    let long = "1".repeat(MAX_EXPR_LEN + 1);
    assert_eq!(
        err(&long).message(false),
        "the expression is too long: 4097 bytes (maximum 4096)"
    );
    assert_eq!(
        err(&long).message(true),
        "表达式过长：4097 字节（上限 4096）"
    );
    let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
    assert_eq!(
        err(&deep).message(false),
        "the expression is nested too deeply (maximum depth 64)"
    );
    let wide = format!("sum({})", vec!["1"; 600].join(","));
    assert_eq!(
        err(&wide).message(false),
        "the expression is too large (more than 512 nodes)"
    );
}

#[test]
fn limits_through_compile() {
    let (scope, env) = fixture();
    // At the depth bound, compile and evaluate fine.
    let at = format!(
        "{}a{}",
        "(".repeat(MAX_DEPTH - 1),
        ")".repeat(MAX_DEPTH - 1)
    );
    let c = match compile(&at, &scope, None) {
        Ok(c) => c,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(both(&c, &env), n(dec!(3)));
    let chain = vec!["a"; MAX_DEPTH].join(" + ");
    let c = match compile(&chain, &scope, None) {
        Ok(c) => c,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(both(&c, &env), n(dec!(3) * Decimal::from(MAX_DEPTH)));
    let past = vec!["a"; MAX_DEPTH + 1].join(" + ");
    assert!(matches!(
        compile(&past, &scope, None),
        Err(ExprError {
            kind: ExprErrorKind::TooDeep { .. },
            ..
        })
    ));
    let at = format!("sum({})", vec!["a"; MAX_NODES - 1].join(","));
    let c = match compile(&at, &scope, None) {
        Ok(c) => c,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(both(&c, &env), n(dec!(3) * Decimal::from(MAX_NODES - 1)));

    let start = std::time::Instant::now();
    let parens = "(".repeat(1_000_000);
    assert!(matches!(
        compile(&parens, &scope, None),
        Err(ExprError {
            kind: ExprErrorKind::TooLong { .. },
            ..
        })
    ));
    let terms = vec!["1"; 1_000_000].join("+");
    assert!(matches!(
        compile(&terms, &scope, None),
        Err(ExprError {
            kind: ExprErrorKind::TooLong { .. },
            ..
        })
    ));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn type_names() {
    assert_eq!(Type::Num.name(), "number");
    assert_eq!(Type::Bool.name(), "boolean");
    assert_eq!(Type::Str.name(), "string");
    assert_eq!(Type::Date.name(), "date");
    assert_eq!(Type::NumList.name(), "list of numbers");
    assert_eq!(Type::StrList.name(), "list of strings");
    assert_eq!(Type::NumList.name_lang(true), "数字列表");
    assert_eq!(Type::StrList.to_string(), "list of strings");
}

#[test]
fn deepest_expression_fits_in_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let (scope, env) = fixture();
            let src = format!(
                "{}a{}",
                "abs(-(".repeat((MAX_DEPTH - 1) / 3),
                "))".repeat((MAX_DEPTH - 1) / 3)
            );
            let c = match compile(&src, &scope, None) {
                Ok(c) => c,
                Err(e) => panic!("{e:?}"),
            };
            let mut trace = Vec::new();
            let v = c.eval_traced(&env, &mut trace);
            let text = c.substitute(&env);
            (v, text.len())
        });
    let Ok(handle) = handle else {
        panic!("could not spawn thread")
    };
    match handle.join() {
        Ok((v, len)) => {
            assert_eq!(v, n(dec!(3)));
            assert!(len > 0);
        }
        Err(_) => panic!("evaluation failed"),
    }
}
