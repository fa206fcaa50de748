//! The regorus peer: the Benxi budget linkage rules written in Rego (`benches/rego/benxi.rego`),
//! compiled once for the regorus VM (RVM) and run over the same batch CSV as `wagecheck batch`,
//! one input document a row. `scripts/bench.sh` times it side by side with wagecheck.
//!
//! Usage:
//!   cargo run --release --example rego_peer -- FILE.csv [--jobs N] [--rego FILE.rego]
//!       [--compare WAGECHECK.jsonl] [--interpreter]
//!
//! Each CSV row is read with the `csv` crate and turned into an input document (sections
//! `enterprise`, `governance`, `budget`, `prior`, `productivity`, `labor_cost`, `benchmarks` and
//! an `indicators` array; `true`/`false` as booleans, amounts as integers or f64, `8.4%` as the
//! f64 nearest 0.084). A row missing a required field, with a number that does not parse, a
//! headcount that is not positive or an unknown category is counted `invalid` and not
//! evaluated. Annual returns are read but not evaluated (the peer encodes the budget rules only).
//! Rows are evaluated on `--jobs` threads (default: all cores), one VM each
//! (`--interpreter`: regorus's tree-walking interpreter instead of the VM, for a cross-check).
//!
//! Prints one line: `rows R evaluated E invalid I annual_returns A pass P fail F review V
//! out_of_scope O`. With `--compare`, reads `wagecheck batch FILE --format jsonl` output and,
//! for every budget row both decide (neither `invalid`), compares the verdict and the cap's
//! `max_wage_total` to the cent, and prints the counts (and a few examples of each kind of
//! difference on stderr).

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, mpsc};

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Rc, Value};
use rust_decimal::Decimal;

const ENTRY: &str = "data.benxi.result";
const CHUNK: usize = 512;

/// Columns whose cells are text, not numbers or booleans.
const TEXT: &[&str] = &[
    "schema",
    "kind",
    "enterprise.name",
    "enterprise.credit_code",
    "enterprise.category",
    "enterprise.ownership",
    "enterprise.jurisdiction",
    "governance.current_regime",
    "budget.requested_regime",
    "budget.period_reason",
    "productivity.kind",
    "labor_cost.kind",
];

const REQUIRED: &[&str] = &[
    "schema",
    "kind",
    "enterprise.name",
    "enterprise.category",
    "enterprise.ownership",
    "budget.year",
    "budget.wage_total",
    "budget.average_headcount",
    "prior.wage_total",
    "prior.average_headcount",
];

const CATEGORIES: &[&str] = &[
    "competitive",
    "functional",
    "public_welfare",
    "financial_policy",
    "financial_commercial",
    "cultural",
];

/// What the peer made of one row.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Invalid,
    AnnualReturn,
    /// The verdict and the largest allowed total (f64, as Rego computed it).
    Decided(String, Option<f64>),
}

/// A cell as a Rego number: integers as integers, `x%` and decimals as the nearest f64.
fn number(cell: &str) -> Option<Value> {
    let s = cell.trim().replace('_', "");
    if let Some(p) = s.strip_suffix('%') {
        let v: f64 = format!("{}e-2", p.trim()).parse().ok()?;
        return v.is_finite().then(|| Value::from(v));
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    let v: f64 = s.parse().ok()?;
    v.is_finite().then(|| Value::from(v))
}

/// Column plan: for each column, its section and key (or indicator number and key).
enum Col {
    Field(String, String, bool),
    Indicator(usize, String),
    Skip,
}

fn plan(headers: &csv::StringRecord) -> Vec<Col> {
    headers
        .iter()
        .map(|h| {
            let parts: Vec<&str> = h.split('.').collect();
            match parts.as_slice() {
                ["indicator", n, key] => match n.parse::<usize>() {
                    Ok(n) if n >= 1 => Col::Indicator(n, (*key).to_string()),
                    _ => Col::Skip,
                },
                ["execution", _] => Col::Skip,
                [section, key] => Col::Field(
                    (*section).to_string(),
                    (*key).to_string(),
                    TEXT.contains(&h),
                ),
                [key] => Col::Field(String::new(), (*key).to_string(), TEXT.contains(&h)),
                _ => Col::Skip,
            }
        })
        .collect()
}

/// The input document of one row, or why it has none.
fn document(
    plan: &[Col],
    headers: &csv::StringRecord,
    rec: &csv::StringRecord,
) -> Result<Value, Outcome> {
    let kind = headers
        .iter()
        .position(|h| h == "kind")
        .and_then(|i| rec.get(i))
        .map(str::trim);
    match kind {
        Some("budget") => {}
        Some("annual_return") => return Err(Outcome::AnnualReturn),
        _ => return Err(Outcome::Invalid),
    }
    for r in REQUIRED {
        let present = headers
            .iter()
            .position(|h| h == *r)
            .and_then(|i| rec.get(i))
            .is_some_and(|c| !c.trim().is_empty());
        if !present {
            return Err(Outcome::Invalid);
        }
    }
    let mut top: BTreeMap<Value, Value> = BTreeMap::new();
    let mut sections: BTreeMap<String, BTreeMap<Value, Value>> = BTreeMap::new();
    let mut inds: BTreeMap<usize, BTreeMap<Value, Value>> = BTreeMap::new();
    for (col, cell) in plan.iter().zip(rec.iter()) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        match col {
            Col::Skip => {}
            Col::Indicator(n, key) => {
                let v = if key == "id" {
                    Value::from(cell)
                } else {
                    number(cell).ok_or(Outcome::Invalid)?
                };
                inds.entry(*n)
                    .or_default()
                    .insert(Value::from(key.as_str()), v);
            }
            Col::Field(section, key, text) => {
                let v = if *text {
                    Value::from(cell)
                } else if cell == "true" || cell == "false" {
                    Value::from(cell == "true")
                } else {
                    number(cell).ok_or(Outcome::Invalid)?
                };
                if section.is_empty() {
                    top.insert(Value::from(key.as_str()), v);
                } else {
                    sections
                        .entry(section.clone())
                        .or_default()
                        .insert(Value::from(key.as_str()), v);
                }
            }
        }
    }
    let sec = |s: &str, k: &str| sections.get(s).and_then(|m| m.get(&Value::from(k)));
    let category_ok = sec("enterprise", "category")
        .and_then(|c| c.as_string().ok())
        .is_some_and(|c| CATEGORIES.contains(&c.as_ref()));
    let positive = |s: &str, k: &str| {
        sec(s, k)
            .and_then(|v| v.as_f64().ok())
            .is_some_and(|v| v > 0.0)
    };
    if !category_ok
        || !positive("budget", "average_headcount")
        || !positive("prior", "average_headcount")
        || !positive("prior", "wage_total")
    {
        return Err(Outcome::Invalid);
    }
    for (name, map) in sections {
        top.insert(Value::from(name.as_str()), Value::from(map));
    }
    let list: Vec<Value> = inds.into_values().map(Value::from).collect();
    top.insert(Value::from("indicators"), Value::from(list));
    Ok(Value::from(top))
}

/// The regorus VM (the default), or its tree-walking interpreter (`--interpreter`).
enum Evaluator {
    Vm(Box<RegoVM>),
    Interpreter(Box<Engine>),
}

fn evaluate(ev: &mut Evaluator, input: Value) -> Result<Outcome, String> {
    let out = match ev {
        Evaluator::Vm(vm) => {
            vm.set_input(input);
            vm.execute().map_err(|e| e.to_string())?
        }
        Evaluator::Interpreter(engine) => {
            engine.set_input(input);
            engine
                .eval_rule(ENTRY.to_string())
                .map_err(|e| e.to_string())?
        }
    };
    let verdict = out["verdict"]
        .as_string()
        .map_err(|e| format!("verdict: {e} in {out}"))?
        .to_string();
    let max = match &out["max_wage_total"] {
        Value::Null => None,
        v => Some(v.as_f64().map_err(|e| format!("max_wage_total: {e}"))?),
    };
    Ok(Outcome::Decided(verdict, max))
}

/// The policy loaded into an interpreter.
fn engine(rego_path: &str, text: &str) -> Result<Engine, String> {
    let mut engine = Engine::new();
    engine
        .add_policy(rego_path.to_string(), text.to_string())
        .map_err(|e| e.to_string())?;
    Ok(engine)
}

/// The policy compiled once into an RVM program.
fn compile(rego_path: &str, text: &str) -> Result<Arc<Program>, String> {
    let mut engine = engine(rego_path, text)?;
    let entry: Rc<str> = ENTRY.into();
    let policy = engine
        .compile_with_entrypoint(&entry)
        .map_err(|e| e.to_string())?;
    Compiler::compile_from_policy(&policy, &[ENTRY]).map_err(|e| e.to_string())
}

/// What wagecheck said of one budget row: its verdict, the cap's max_wage_total in cents, and
/// whether `base_wage_total × (1 + cap)` is itself a whole-cent amount (an exact-cent cap, where
/// rounding down has nothing to cut and an f64 a hair short loses a whole cent).
/// (The flag is `Some(cap is zero)` for an exact-cent cap, `None` otherwise.)
type Wagecheck = (String, Option<i64>, Option<bool>);

/// wagecheck's view of each budget row of its JSON Lines (and of each invalid row).
fn wagecheck_rows(path: &str) -> Result<HashMap<u64, Wagecheck>, String> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut out = HashMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| format!("{path}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let Some(row) = v["row"].as_u64() else {
            continue;
        };
        let verdict = v["verdict"].as_str().unwrap_or("invalid").to_string();
        if verdict != "invalid" && v["kind"].as_str() != Some("budget") {
            continue;
        }
        let max = v["cap"]["max_wage_total"].as_str().map(cents).transpose()?;
        let dec = |x: &serde_json::Value| x.as_str().and_then(|s| s.parse::<Decimal>().ok());
        let exact = match (
            dec(&v["quantities"]["base_wage_total"]),
            dec(&v["cap"]["wage_growth"]),
        ) {
            (Some(base), Some(cap)) => base
                .checked_mul(Decimal::ONE + cap)
                .filter(|a| *a == a.round_dp(2))
                .map(|_| cap.is_zero()),
            _ => None,
        };
        out.insert(row, (verdict, max, exact));
    }
    Ok(out)
}

/// A decimal string with two decimals, in cents.
fn cents(s: &str) -> Result<i64, String> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    let frac = format!("{frac:0<2}");
    let w: i64 = whole.parse().map_err(|_| format!("amount {s}"))?;
    let f: i64 = frac[..2].parse().map_err(|_| format!("amount {s}"))?;
    Ok(if w < 0 { w * 100 - f } else { w * 100 + f })
}

fn compare(results: &[(u64, Outcome)], jsonl: &str) -> Result<(), String> {
    let wc = wagecheck_rows(jsonl)?;
    let (mut both, mut verdict_same, mut max_same, mut short1, mut over1, mut max_other) =
        (0, 0, 0, 0, 0, 0);
    let (mut with_cap, mut exact, mut exact_short) = (0, 0, 0);
    let (mut exact_nonzero, mut exact_nonzero_short) = (0, 0);
    let mut shown: HashMap<&str, usize> = HashMap::new();
    let mut show = |kind: &'static str, msg: String| {
        let n = shown.entry(kind).or_default();
        if *n < 3 {
            eprintln!("{kind}: {msg}");
        }
        *n += 1;
    };
    for (row, o) in results {
        let Outcome::Decided(verdict, max) = o else {
            continue;
        };
        let Some((wv, wmax, wexact)) = wc.get(row) else {
            continue;
        };
        if wv == "invalid" {
            continue;
        }
        both += 1;
        if verdict == wv {
            verdict_same += 1;
        } else {
            show(
                "verdict differs",
                format!("row {row}: rego {verdict}, wagecheck {wv}"),
            );
        }
        // f64 amount → cents: the Rego value is already floor(x × 100) / 100.
        let rmax = max.map(|m| (m * 100.0).round() as i64);
        match (rmax, wmax) {
            (None, None) => max_same += 1,
            (Some(r), Some(w)) => {
                with_cap += 1;
                if let Some(zero) = *wexact {
                    exact += 1;
                    exact_short += usize::from(r == w - 1);
                    if !zero {
                        exact_nonzero += 1;
                        exact_nonzero_short += usize::from(r == w - 1);
                    }
                }
                match r - w {
                    0 => max_same += 1,
                    -1 => {
                        short1 += 1;
                        show(
                            "one cent short",
                            format!("row {row}: rego {r}, wagecheck {w} (cents)"),
                        );
                    }
                    1 => {
                        over1 += 1;
                        show(
                            "one cent over",
                            format!("row {row}: rego {r}, wagecheck {w} (cents)"),
                        );
                    }
                    _ => {
                        max_other += 1;
                        show(
                            "max differs",
                            format!("row {row}: rego {r}, wagecheck {w} (cents)"),
                        );
                    }
                }
            }
            (r, w) => {
                max_other += 1;
                show(
                    "cap differs",
                    format!("row {row}: rego {r:?}, wagecheck {w:?} (cents)"),
                );
            }
        }
    }
    let agree = results
        .iter()
        .filter(|(row, o)| match (o, wc.get(row)) {
            (Outcome::Decided(v, m), Some((wv, wm, _))) if wv != "invalid" => {
                v == wv && m.map(|m| (m * 100.0).round() as i64) == *wm
            }
            _ => false,
        })
        .count();
    println!(
        "compared {both} budget rows: agree (verdict and max_wage_total) {agree}; \
         verdict same {verdict_same}, differs {}; max_wage_total same {max_same}, \
         one cent short {short1}, one cent over {over1}, other {max_other}",
        both - verdict_same
    );
    println!(
        "rows with a cap on both sides {with_cap}: one cent short {short1} ({:.1} %); \
         exact-cent caps (base × (1 + cap) a whole-cent amount) {exact}: one cent short {exact_short} ({:.1} %); \
         of those with a non-zero cap {exact_nonzero}: one cent short {exact_nonzero_short} ({:.1} %)",
        pct(short1, with_cap),
        pct(exact_short, exact),
        pct(exact_nonzero_short, exact_nonzero)
    );
    Ok(())
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut csv_path, mut rego, mut jsonl) = (None, "benches/rego/benxi.rego".to_string(), None);
    let mut interpreter = false;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--interpreter" => interpreter = true,
            "--rego" => rego = args.next().ok_or("--rego needs a file")?,
            "--compare" => jsonl = Some(args.next().ok_or("--compare needs a file")?),
            "--jobs" => {
                jobs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n >= 1)
                    .ok_or("--jobs needs a positive number")?
            }
            _ if csv_path.is_none() => csv_path = Some(a),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    let csv_path =
        csv_path.ok_or("usage: rego_peer FILE.csv [--jobs N] [--rego FILE] [--compare JSONL]")?;
    let text = std::fs::read_to_string(&rego).map_err(|e| format!("{rego}: {e}"))?;
    let program = compile(&rego, &text)?;

    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&csv_path)
        .map_err(|e| format!("{csv_path}: {e}"))?;
    let headers = Arc::new(rdr.headers().map_err(|e| e.to_string())?.clone());
    let plan = Arc::new(plan(&headers));

    // The reader sends chunks of rows; each worker has its own VM and keeps its results.
    type Chunk = Vec<(u64, Option<csv::StringRecord>)>;
    let (tx, rx) = mpsc::sync_channel::<Chunk>(2 * jobs);
    let rx = Arc::new(Mutex::new(rx));
    let results = std::thread::scope(|s| -> Result<Vec<(u64, Outcome)>, String> {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                let (rx, program, plan, headers) =
                    (rx.clone(), program.clone(), plan.clone(), headers.clone());
                let (rego, text) = (&rego, &text);
                s.spawn(move || -> Result<Vec<(u64, Outcome)>, String> {
                    let mut ev = if interpreter {
                        Evaluator::Interpreter(Box::new(engine(rego, text)?))
                    } else {
                        let mut vm = RegoVM::new();
                        vm.load_program(program);
                        Evaluator::Vm(Box::new(vm))
                    };
                    let mut out = Vec::new();
                    loop {
                        // A poisoned lock means another worker panicked: stop too.
                        let chunk = match rx.lock().map_err(|e| e.to_string())?.recv() {
                            Ok(c) => c,
                            Err(_) => break,
                        };
                        for (row, rec) in chunk {
                            let o = match rec.map(|r| document(&plan, &headers, &r)) {
                                None | Some(Err(Outcome::Invalid)) => Outcome::Invalid,
                                Some(Err(o)) => o,
                                Some(Ok(input)) => evaluate(&mut ev, input)
                                    .map_err(|e| format!("row {row}: {e}"))?,
                            };
                            out.push((row, o));
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut row = 0u64;
        let mut rec = csv::StringRecord::new();
        loop {
            row += 1;
            match rdr.read_record(&mut rec) {
                Ok(true) => chunk.push((row, Some(rec.clone()))),
                Ok(false) => break,
                // Not UTF-8: invalid, as wagecheck reports it.
                Err(_) => chunk.push((row, None)),
            }
            if chunk.len() == CHUNK && tx.send(std::mem::take(&mut chunk)).is_err() {
                break;
            }
        }
        if !chunk.is_empty() {
            let _ = tx.send(chunk);
        }
        drop(tx);
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.join().map_err(|_| "a worker panicked".to_string())??);
        }
        all.sort_by_key(|(row, _)| *row);
        Ok(all)
    })?;

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, o) in &results {
        let k = match o {
            Outcome::Invalid => "invalid",
            Outcome::AnnualReturn => "annual_returns",
            Outcome::Decided(v, _) => {
                *counts.entry("evaluated").or_default() += 1;
                v.as_str()
            }
        };
        *counts.entry(k).or_default() += 1;
    }
    let c = |k: &str| counts.get(k).copied().unwrap_or(0);
    println!(
        "rows {} evaluated {} invalid {} annual_returns {} pass {} fail {} review {} out_of_scope {}",
        results.len(),
        c("evaluated"),
        c("invalid"),
        c("annual_returns"),
        c("pass"),
        c("fail"),
        c("review"),
        c("out_of_scope")
    );
    if let Some(j) = jsonl {
        compare(&results, &j)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rego_peer: {e}");
            ExitCode::from(2)
        }
    }
}
