//! Expression evaluation: one compiled expression evaluated many times, with and without a
//! trace, and its substitution (the "values put in" line of a trace).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use wagecheck::expr::{Compiled, Env, Scope, Type, Value, compile};

// The allocator the `wagecheck` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct BenchScope;

const NAMES: &[(&str, Type)] = &[
    ("budget.wage_total", Type::Num),
    ("prior.wage_total", Type::Num),
    ("efficiency_growth", Type::Num),
    ("productivity_growth", Type::Num),
    ("weights", Type::NumList),
    ("growths", Type::NumList),
    ("category", Type::Str),
];

impl Scope for BenchScope {
    fn resolve(&self, name: &str) -> Option<(u32, Type)> {
        let i = NAMES.iter().position(|(n, _)| *n == name)?;
        Some((u32::try_from(i).ok()?, NAMES[i].1.clone()))
    }
    fn resolve_table(&self, _: &str) -> Option<(u32, Type, Type)> {
        None
    }
    fn candidates(&self) -> Vec<String> {
        NAMES.iter().map(|(n, _)| n.to_string()).collect()
    }
}

struct BenchEnv(Vec<Value>);

impl Env for BenchEnv {
    fn get(&self, slot: u32) -> Value {
        self.0
            .get(slot as usize)
            .cloned()
            .unwrap_or_else(|| Value::unknown("?"))
    }
    fn lookup(&self, _: u32, _: &Value) -> Value {
        Value::unknown("no tables")
    }
}

fn env(known: bool) -> BenchEnv {
    let n = |s: &str| Value::Num(s.parse::<Decimal>().unwrap_or_default());
    BenchEnv(vec![
        n("12600000"),
        n("12000000"),
        n("0.08"),
        if known {
            n("0.03")
        } else {
            Value::unknown("productivity.prior")
        },
        Value::List(vec![n("0.6"), n("0.4")]),
        Value::List(vec![n("0.12"), n("0.05")]),
        Value::Str("competitive".into()),
    ])
}

fn compiled(src: &str) -> Compiled {
    match compile(src, &BenchScope, None) {
        Ok(c) => c,
        Err(e) => panic!("bench expression does not compile: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let cap = compiled(
        "if productivity_growth < 0 and efficiency_growth > 0 \
         then min(efficiency_growth * 0.7, dot(weights, growths)) \
         else max(0, efficiency_growth) + 0.01",
    );
    let growth = compiled("budget.wage_total / prior.wage_total - 1");
    let member = compiled("category in [\"competitive\", \"functional\"]");
    let known = env(true);
    let unknown = env(false);
    let mut g = c.benchmark_group("expr");
    g.bench_function("growth", |b| b.iter(|| growth.eval(black_box(&known))));
    g.bench_function("membership", |b| b.iter(|| member.eval(black_box(&known))));
    g.bench_function("cap_known", |b| b.iter(|| cap.eval(black_box(&known))));
    g.bench_function("cap_unknown", |b| b.iter(|| cap.eval(black_box(&unknown))));
    g.bench_function("cap_traced", |b| {
        b.iter(|| {
            let mut steps = Vec::new();
            let v = cap.eval_traced(black_box(&known), &mut steps);
            (v, steps)
        })
    });
    g.bench_function("cap_substitute", |b| {
        b.iter(|| cap.substitute(black_box(&known)))
    });
    g.bench_function("compile_cap", |b| {
        b.iter(|| {
            compile(
                black_box("if productivity_growth < 0 then efficiency_growth * 0.7 else 0"),
                &BenchScope,
                None,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
