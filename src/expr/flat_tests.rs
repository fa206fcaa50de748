//! The compiled flat program against the tree-walking reference: random well-typed
//! expressions (generated as source text and compiled), random environments, and the two
//! results compared by their `Debug` text (so decimal scales and reason order count too).

use super::*;
use proptest::prelude::*;
use std::collections::HashMap;

/// A stream of choices: proptest shrinks the bytes towards 0, and choice 0 is always the
/// simplest (a leaf), so failing cases shrink to small expressions.
struct Choices<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Choices<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let b = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        usize::from(b) % n.max(1)
    }
    fn one<'s>(&mut self, xs: &[&'s str]) -> &'s str {
        xs[self.pick(xs.len())]
    }
}

const NUMS: [&str; 6] = ["n0", "n1", "n2", "n3", "n4", "n5"];
const BOOLS: [&str; 3] = ["b0", "b1", "b2"];
const STRS: [&str; 2] = ["s0", "s1"];
const DATES: [&str; 2] = ["d0", "d1"];
const NUM_LISTS: [&str; 3] = ["nl0", "nl1", "nl2"];
const STR_LISTS: [&str; 2] = ["sl0", "sl1"];
/// Tables: name, key type, value type.
const TABLES: [(&str, Type, Type); 5] = [
    ("tn", Type::Num, Type::Num),
    ("ts", Type::Str, Type::Num),
    ("tb", Type::Num, Type::Bool),
    ("td", Type::Num, Type::Date),
    ("tstr", Type::Num, Type::Str),
];

const NUM_LITS: [&str; 16] = [
    "0",
    "0.00",
    "1",
    "2",
    "3",
    "10",
    "1.5",
    "0.05",
    "12_600_000",
    "70%",
    "2024",
    "29",
    "28",
    "79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "1000000000000000000",
];
const STR_LITS: [&str; 5] = ["\"state\"", "\"collective\"", "\"\"", "\"a\"", "\"b\""];

struct PropScope;

fn slot_names() -> Vec<(&'static str, Type)> {
    let mut out = Vec::new();
    for (names, ty) in [
        (&NUMS[..], Type::Num),
        (&BOOLS[..], Type::Bool),
        (&STRS[..], Type::Str),
        (&DATES[..], Type::Date),
        (&NUM_LISTS[..], Type::NumList),
        (&STR_LISTS[..], Type::StrList),
    ] {
        for n in names {
            out.push((*n, ty.clone()));
        }
    }
    out
}

impl Scope for PropScope {
    fn resolve(&self, name: &str) -> Option<(u32, Type)> {
        let names = slot_names();
        let i = names.iter().position(|(n, _)| *n == name)?;
        Some((u32::try_from(i).ok()?, names[i].1.clone()))
    }
    fn resolve_table(&self, name: &str) -> Option<(u32, Type, Type)> {
        let i = TABLES.iter().position(|(n, _, _)| *n == name)?;
        let (_, k, v) = &TABLES[i];
        Some((u32::try_from(i).ok()?, k.clone(), v.clone()))
    }
    fn candidates(&self) -> Vec<String> {
        slot_names().iter().map(|(n, _)| n.to_string()).collect()
    }
}

/// Expression source of type `ty`, at most `depth` more levels deep.
fn gen_expr(c: &mut Choices, ty: &Type, depth: u32) -> String {
    if depth == 0 {
        return leaf(c, ty);
    }
    let d = depth - 1;
    match ty {
        Type::Num => match c.pick(15) {
            0 => leaf(c, ty),
            1 => c.one(&NUM_LITS).to_string(),
            2 => {
                let op = c.one(&["+", "-", "*", "/"]);
                format!("{} {op} {}", operand(c, ty, d), operand(c, ty, d))
            }
            3 => format!("-{}", operand(c, ty, d)),
            4 => {
                let f = c.one(&["min", "max", "sum"]);
                if c.pick(3) == 0 {
                    format!("{f}({})", gen_expr(c, &Type::NumList, d))
                } else {
                    let n = 1 + c.pick(3);
                    let args: Vec<String> = (0..n).map(|_| gen_expr(c, ty, d)).collect();
                    format!("{f}({})", args.join(", "))
                }
            }
            5 => format!("abs({})", gen_expr(c, ty, d)),
            6 => {
                let lt = if c.pick(2) == 0 {
                    Type::NumList
                } else {
                    Type::StrList
                };
                format!("count({})", gen_expr(c, &lt, d))
            }
            7 => format!(
                "dot({}, {})",
                gen_expr(c, &Type::NumList, d),
                gen_expr(c, &Type::NumList, d)
            ),
            8 => format!("growth({}, {})", gen_expr(c, ty, d), gen_expr(c, ty, d)),
            9 => {
                let p = if c.pick(2) == 0 {
                    c.one(&["0", "1", "2", "28", "29", "0.5", "-1"]).to_string()
                } else {
                    gen_expr(c, ty, d)
                };
                format!("round_down({}, {p})", gen_expr(c, ty, d))
            }
            10 => format!(
                "{} - {}",
                operand(c, &Type::Date, d),
                operand(c, &Type::Date, d)
            ),
            11 => {
                if c.pick(2) == 0 {
                    format!("tn[{}]", gen_expr(c, ty, d))
                } else {
                    format!("ts[{}]", gen_expr(c, &Type::Str, d))
                }
            }
            12 => gen_if(c, ty, d),
            13 => format!("({})", gen_expr(c, ty, d)),
            _ => format!("count({})", gen_expr(c, &Type::NumList, d)),
        },
        Type::Bool => match c.pick(14) {
            0 => leaf(c, ty),
            1 => c.one(&["true", "false"]).to_string(),
            2 | 3 => {
                let op = c.one(&["and", "or"]);
                format!("{} {op} {}", operand(c, ty, d), operand(c, ty, d))
            }
            4 => format!("not {}", operand(c, ty, d)),
            5 => {
                let t = c.one(&["n", "d"]);
                let t = if t == "n" { Type::Num } else { Type::Date };
                let op = c.one(&["==", "!=", "<", "<=", ">", ">="]);
                format!("{} {op} {}", operand(c, &t, d), operand(c, &t, d))
            }
            6 => {
                let t = [Type::Str, Type::Bool, Type::Num][c.pick(3)].clone();
                let op = c.one(&["==", "!="]);
                format!("{} {op} {}", operand(c, &t, d), operand(c, &t, d))
            }
            7 => {
                if c.pick(2) == 0 {
                    format!(
                        "{} in {}",
                        operand(c, &Type::Num, d),
                        operand(c, &Type::NumList, d)
                    )
                } else {
                    format!(
                        "{} in {}",
                        operand(c, &Type::Str, d),
                        operand(c, &Type::StrList, d)
                    )
                }
            }
            8 => {
                let t = [
                    Type::Num,
                    Type::Bool,
                    Type::Str,
                    Type::Date,
                    Type::NumList,
                    Type::StrList,
                ][c.pick(6)]
                .clone();
                format!("exists({})", gen_expr(c, &t, d))
            }
            9 => {
                let t = if c.pick(2) == 0 {
                    Type::NumList
                } else {
                    Type::StrList
                };
                format!("all_in({}, {})", gen_expr(c, &t, d), gen_expr(c, &t, d))
            }
            10 => format!(
                "any_between({}, {}, {})",
                gen_expr(c, &Type::NumList, d),
                gen_expr(c, &Type::Num, d),
                gen_expr(c, &Type::Num, d)
            ),
            11 => gen_if(c, ty, d),
            12 => format!("tb[{}]", gen_expr(c, &Type::Num, d)),
            _ => format!("({})", gen_expr(c, ty, d)),
        },
        Type::Str => match c.pick(4) {
            0 => leaf(c, ty),
            1 => c.one(&STR_LITS).to_string(),
            2 => gen_if(c, ty, d),
            _ => format!("tstr[{}]", gen_expr(c, &Type::Num, d)),
        },
        Type::Date => match c.pick(6) {
            0 => leaf(c, ty),
            1 => {
                let part = |c: &mut Choices| {
                    if c.pick(3) == 0 {
                        gen_expr(c, &Type::Num, d)
                    } else {
                        c.one(&[
                            "2024", "2", "29", "30", "1", "12", "13", "0", "262143", "-262144",
                            "1.5",
                        ])
                        .to_string()
                    }
                };
                let (y, m, dd) = (part(c), part(c), part(c));
                format!("date({y}, {m}, {dd})")
            }
            2 => {
                let (a, b) = (operand(c, ty, d), operand(c, &Type::Num, d));
                match c.pick(3) {
                    0 => format!("{a} + {b}"),
                    1 => format!("{b} + {a}"),
                    _ => format!("{a} - {b}"),
                }
            }
            3 => gen_if(c, ty, d),
            4 => format!("td[{}]", gen_expr(c, &Type::Num, d)),
            _ => format!("({})", gen_expr(c, ty, d)),
        },
        Type::NumList | Type::StrList => match c.pick(3) {
            0 => leaf(c, ty),
            1 => {
                let et = if *ty == Type::NumList {
                    Type::Num
                } else {
                    Type::Str
                };
                let n = 1 + c.pick(4);
                let items: Vec<String> = (0..n).map(|_| gen_expr(c, &et, d)).collect();
                format!("[{}]", items.join(", "))
            }
            _ => gen_if(c, ty, d),
        },
    }
}

/// An operand of a binary operator: parenthesized unless a leaf.
fn operand(c: &mut Choices, ty: &Type, depth: u32) -> String {
    let e = gen_expr(c, ty, depth);
    if e.chars()
        .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '.')
    {
        e
    } else {
        format!("({e})")
    }
}

fn gen_if(c: &mut Choices, ty: &Type, depth: u32) -> String {
    // Often the `if exists(x) then x else y` shape (and its variations), for its reason rule.
    if c.pick(3) == 0 {
        let x = leaf(c, ty);
        let guard = if c.pick(2) == 0 {
            x.clone()
        } else {
            leaf(c, ty)
        };
        let then = if c.pick(2) == 0 {
            x
        } else {
            gen_expr(c, ty, depth)
        };
        return format!(
            "if exists({guard}) then {then} else {}",
            gen_expr(c, ty, depth)
        );
    }
    format!(
        "if {} then {} else {}",
        gen_expr(c, &Type::Bool, depth),
        gen_expr(c, ty, depth),
        gen_expr(c, ty, depth)
    )
}

fn leaf(c: &mut Choices, ty: &Type) -> String {
    match ty {
        Type::Num => c.one(&NUMS),
        Type::Bool => c.one(&BOOLS),
        Type::Str => c.one(&STRS),
        Type::Date => c.one(&DATES),
        Type::NumList => c.one(&NUM_LISTS),
        Type::StrList => c.one(&STR_LISTS),
    }
    .to_string()
}

/// The environment: slot values (possibly unknown or ill-typed), tables, and whether slot
/// values are lent (`get_ref`) or only copied.
#[derive(Debug)]
struct PropEnv {
    values: Vec<Value>,
    tables: Vec<HashMap<String, Value>>,
    lend: bool,
}

impl Env for PropEnv {
    fn get(&self, slot: u32) -> Value {
        self.values
            .get(slot as usize)
            .cloned()
            .unwrap_or_else(|| Value::unknown("no such slot"))
    }
    fn get_ref(&self, slot: u32) -> Option<&Value> {
        if self.lend {
            self.values.get(slot as usize)
        } else {
            None
        }
    }
    fn lookup(&self, table: u32, key: &Value) -> Value {
        let Some(t) = self.tables.get(table as usize) else {
            return Value::unknown("no such table");
        };
        t.get(&key.to_string())
            .cloned()
            .unwrap_or_else(|| Value::unknown(format!("t{table}[{key}] missing")))
    }
}

const REASONS: [&str; 5] = ["n0", "b.x", "z", "a", "x.1.y"];

fn gen_unknown(c: &mut Choices) -> Value {
    let n = 1 + c.pick(3);
    let reasons: Vec<Reason> = (0..n)
        .map(|_| Reason::Borrowed(REASONS[c.pick(REASONS.len())]))
        .collect();
    // Mostly as the engine makes them (sorted, no repeats); sometimes as an `Env` might.
    if c.pick(4) == 0 {
        Value::Unknown(Unknown { reasons })
    } else {
        let mut u = Unknown::default();
        for r in reasons {
            u.add(r);
        }
        Value::Unknown(u)
    }
}

fn gen_num(c: &mut Choices) -> Decimal {
    match c.pick(12) {
        0 => Decimal::ZERO,
        1 => Decimal::new(0, 2),
        2 => Decimal::new(i64::try_from(c.pick(21)).unwrap_or(0) - 5, 0),
        3 => Decimal::new(i64::try_from(c.pick(2001)).unwrap_or(0) - 1000, 2),
        4 => Decimal::MAX,
        5 => Decimal::MIN,
        6 => Decimal::new(1, 28),
        7 => Decimal::new(-7, 28),
        8 => Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950, 0),
        9 => Decimal::new(2024, 0),
        10 => Decimal::new(15, 1),
        _ => Decimal::new(i64::try_from(c.pick(256)).unwrap_or(0) * 1_000_003, 3),
    }
}

fn gen_date(c: &mut Choices) -> Date {
    let base = match c.pick(5) {
        0 => Date::MIN,
        1 => Date::MAX,
        2 => Date::from_ymd_opt(2024, 2, 29).unwrap_or_default(),
        3 => Date::from_ymd_opt(2024, 7, 31).unwrap_or_default(),
        _ => Date::from_ymd_opt(1970, 1, 1).unwrap_or_default(),
    };
    let shift = i64::try_from(c.pick(7)).unwrap_or(0) - 3;
    base.checked_add_signed(chrono::TimeDelta::days(shift))
        .unwrap_or(base)
}

fn gen_value(c: &mut Choices, ty: &Type, nested: bool) -> Value {
    match c.pick(10) {
        0 => return gen_unknown(c),
        // Ill-typed: a value of another type.
        1 if c.pick(3) == 0 => {
            let other =
                [Type::Num, Type::Bool, Type::Str, Type::Date, Type::NumList][c.pick(5)].clone();
            if other != *ty && !nested {
                return gen_value(c, &other, true);
            }
        }
        _ => {}
    }
    match ty {
        Type::Num => Value::Num(gen_num(c)),
        Type::Bool => Value::Bool(c.pick(2) == 0),
        Type::Str => Value::Str(["state", "collective", "", "a", "b"][c.pick(5)].to_string()),
        Type::Date => Value::Date(gen_date(c)),
        Type::NumList | Type::StrList => {
            let et = if *ty == Type::NumList {
                Type::Num
            } else {
                Type::Str
            };
            let n = c.pick(5);
            Value::List((0..n).map(|_| gen_value(c, &et, true)).collect())
        }
    }
}

fn gen_env(c: &mut Choices) -> PropEnv {
    let values = slot_names()
        .iter()
        .map(|(_, ty)| gen_value(c, ty, false))
        .collect();
    let mut tables = Vec::new();
    for (_, key, val) in &TABLES {
        let mut t = HashMap::new();
        let keys: Vec<String> = if *key == Type::Num {
            ["0", "1", "2", "3", "2024", "1.5"]
                .iter()
                .map(|k| k.to_string())
                .collect()
        } else {
            ["\"state\"", "\"a\"", "\"\""]
                .iter()
                .map(|k| k.to_string())
                .collect()
        };
        for k in keys {
            if c.pick(3) != 0 {
                t.insert(k, gen_value(c, val, false));
            }
        }
        tables.push(t);
    }
    PropEnv {
        values,
        tables,
        lend: c.pick(4) != 0,
    }
}

/// Compile `src` and check that both evaluators agree on `env`; `false` if it is too big to
/// compile (any other compile error fails).
fn agree(src: &str, env: &PropEnv) -> bool {
    let c = match compile(src, &PropScope, None) {
        Ok(c) => c,
        Err(ExprError {
            kind: ExprErrorKind::TooManyNodes { .. } | ExprErrorKind::TooDeep { .. },
            ..
        }) => return false,
        Err(e) => panic!("{src}: {}", e.message(false)),
    };
    let flat = c.eval(env);
    let tree = c.eval_tree(env);
    assert_eq!(
        format!("{flat:?}"),
        format!("{tree:?}"),
        "expression {src:?} in {env:?}"
    );
    true
}

proptest! {
    // 3,000 cases unless `PROPTEST_CASES` says otherwise.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(3000)
    ))]

    #[test]
    fn flat_program_agrees_with_tree_walker(
        expr in proptest::collection::vec(any::<u8>(), 0..400),
        env in proptest::collection::vec(any::<u8>(), 0..400),
        ty in 0usize..6,
        depth in 2u32..9,
    ) {
        let ty = [Type::Num, Type::Bool, Type::Str, Type::Date, Type::NumList, Type::StrList][ty]
            .clone();
        let src = gen_expr(&mut Choices { bytes: &expr, pos: 0 }, &ty, depth);
        let env = gen_env(&mut Choices { bytes: &env, pos: 0 });
        // Too large an expression is skipped (rare at these depths).
        prop_assume!(agree(&src, &env));
    }
}

/// The generator's expressions compile (it writes only well-typed ones).
#[test]
fn generated_expressions_compile() {
    let mut failed = Vec::new();
    for seed in 0..2000u32 {
        let bytes: Vec<u8> = (0..200u32)
            .map(|i| {
                let x = seed
                    .wrapping_mul(2_654_435_761)
                    .wrapping_add(i.wrapping_mul(40_503));
                (x ^ (x >> 13)).to_le_bytes()[0]
            })
            .collect();
        for ty in [Type::Num, Type::Bool, Type::Date, Type::NumList] {
            let src = gen_expr(
                &mut Choices {
                    bytes: &bytes,
                    pos: 0,
                },
                &ty,
                4,
            );
            match compile(&src, &PropScope, Some(&ty)) {
                Ok(_)
                | Err(ExprError {
                    kind: ExprErrorKind::TooManyNodes { .. },
                    ..
                }) => {}
                Err(e) => failed.push(format!("{src}: {}", e.message(false))),
            }
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

/// Fixed cases for the corners the two evaluators must agree on: reasons passed through
/// unsorted, merged (sorted) and named by `if exists(…)`, decimal scales, an unknown `if`
/// condition with equal branches, Kleene logic, overflow, ill-typed values.
#[test]
fn fixed_cases_agree() {
    let mut values: Vec<Value> = slot_names()
        .iter()
        .map(|(_, ty)| match ty {
            Type::Num => Value::Num(Decimal::new(100, 2)),
            Type::Bool => Value::Bool(true),
            Type::Str => Value::Str("state".to_string()),
            Type::Date => Value::Date(Date::MAX),
            Type::NumList => Value::List(vec![Value::Num(Decimal::MAX), Value::unknown("e")]),
            Type::StrList => Value::List(vec![]),
        })
        .collect();
    // n1: unknown with unsorted, repeated reasons; n2: Decimal::MAX; b1: unknown; b2: ill-typed.
    values[1] = Value::Unknown(Unknown {
        reasons: vec!["z".into(), "a".into(), "z".into()],
    });
    values[2] = Value::Num(Decimal::MAX);
    values[7] = Value::unknown("b1");
    values[8] = Value::Num(Decimal::ONE);
    let cases = [
        ("n1", "Unknown(Unknown { reasons: [\"z\", \"a\", \"z\"] })"),
        ("-n1", "Unknown(Unknown { reasons: [\"z\", \"a\", \"z\"] })"),
        ("n1 + 1", "Unknown(Unknown { reasons: [\"a\", \"z\"] })"),
        (
            "if exists(n1) then n1 else n1",
            "Unknown(Unknown { reasons: [\"a\", \"n1\", \"z\"] })",
        ),
        ("if b1 then 1.0 else 1.00", "Num(1.0)"),
        (
            "if b1 then n0 else 2",
            "Unknown(Unknown { reasons: [\"b1\"] })",
        ),
        ("b1 or true", "Bool(true)"),
        ("b1 and true", "Unknown(Unknown { reasons: [\"b1\"] })"),
        (
            "b2 and b1",
            "Unknown(Unknown { reasons: [\"internal error: a value does not match its checked type\"] })",
        ),
        (
            "n2 + n2",
            "Unknown(Unknown { reasons: [\"arithmetic overflow in n2 + n2\"] })",
        ),
        ("n0 * 3", "Num(3.00)"),
        (
            "n0 / (n0 - 1)",
            "Unknown(Unknown { reasons: [\"division by zero: (n0 - 1) = 0\"] })",
        ),
        ("sum(nl0)", "Unknown(Unknown { reasons: [\"e\"] })"),
        (
            "d0 + 1",
            "Unknown(Unknown { reasons: [\"arithmetic overflow in d0 + 1\"] })",
        ),
        (
            "count(sl0) + sum(1, n1, n2, n2)",
            "Unknown(Unknown { reasons: [\"arithmetic overflow in sum(1, n1, n2, n2)\"] })",
        ),
    ];
    let env = PropEnv {
        values,
        tables: vec![HashMap::new(); TABLES.len()],
        lend: true,
    };
    for (src, want) in cases {
        let c = match compile(src, &PropScope, None) {
            Ok(c) => c,
            Err(e) => panic!("{src}: {}", e.message(false)),
        };
        let flat = format!("{:?}", c.eval(&env));
        assert_eq!(flat, format!("{:?}", c.eval_tree(&env)), "{src}");
        assert_eq!(flat, want, "{src}");
    }
}
