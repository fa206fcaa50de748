//! One filing's evaluation (with and without the trace), the JSON report of it, loading a
//! pack, and the per-row path of `batch` over the bundled 60-row CSV against the same CSV only
//! parsed (the floor). The batch-size figures (10k, 100k, 1M rows) come from `scripts/bench.sh`.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wagecheck::diag::Lang;
use wagecheck::engine::{self, Options};
use wagecheck::filing;
use wagecheck::pack::{Pack, Registry};
use wagecheck::report::{PackRef, Report};

// The allocator the `wagecheck` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The receipts' evaluation date.
const DAY: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date");

/// What `check` does with a decoded filing: validate against the pack, then evaluate.
fn evaluate_with(f: &filing::Filing, pack: &Pack, opts: Options) -> Report {
    let problems = engine::validate(f, pack);
    if !problems.is_empty() {
        return Report::invalid(&f.source, problems);
    }
    Report::new(f, pack, engine::evaluate(f, pack, opts), DAY)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bench(c: &mut Criterion) {
    let registry = Registry::new();
    let pack = match registry.load("benxi-2019") {
        Ok(p) => p,
        Err(e) => panic!("the built-in pack does not load: {e:?}"),
    };
    let budget = match filing::read_file(&root().join("samples/02-over-cap.toml")) {
        Ok(f) => f,
        Err(e) => panic!("sample does not read: {e:?}"),
    };
    let annual = match filing::read_file(&root().join("samples/08-annual-return.toml")) {
        Ok(f) => f,
        Err(e) => panic!("sample does not read: {e:?}"),
    };

    let mut g = c.benchmark_group("filing");
    for (name, f) in [("budget", &budget), ("annual_return", &annual)] {
        g.bench_function(format!("{name}/evaluate"), |b| {
            b.iter(|| engine::evaluate(black_box(f), &pack, Options { trace: false }))
        });
        g.bench_function(format!("{name}/evaluate_traced"), |b| {
            b.iter(|| engine::evaluate(black_box(f), &pack, Options { trace: true }))
        });
        g.bench_function(format!("{name}/evaluate_json"), |b| {
            b.iter(|| {
                let r = evaluate_with(black_box(f), &pack, Options { trace: false });
                wagecheck::report::json::report(&r, Lang::Zh, false).to_string()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("pack");
    g.bench_function("load_builtin", |b| {
        b.iter(|| Registry::new().load(black_box("benxi-2019")).is_ok())
    });
    g.bench_function("select_builtin", |b| {
        b.iter(|| Registry::new().select(black_box("benxi"), 2024).is_ok())
    });
    g.finish();

    let csv = root().join("samples/batch-2024.csv");
    let rows = 60;
    let mut g = c.benchmark_group("csv60");
    g.throughput(Throughput::Elements(rows));
    g.bench_function("baseline_parse", |b| {
        b.iter(|| {
            let mut n = 0usize;
            if let Ok(mut rdr) = csv::ReaderBuilder::new().from_path(&csv) {
                let mut rec = csv::StringRecord::new();
                while let Ok(true) | Err(_) = rdr.read_record(&mut rec).map_err(|_| ()) {
                    n += rec.iter().filter(|c| !c.trim().is_empty()).count();
                }
            }
            n
        })
    });
    g.bench_function("decode", |b| {
        b.iter(|| {
            let mut n = 0usize;
            wagecheck::filing::read::for_each(std::slice::from_ref(&csv), |_| n += 1);
            n
        })
    });
    // What a batch worker does with a row: decode, evaluate (messages in one language, the
    // pack's description shared), write the JSON line.
    let pack_ref = Arc::new(PackRef::new(&pack));
    g.bench_function("decode_evaluate_json", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            wagecheck::filing::read::for_each(std::slice::from_ref(&csv), |item| {
                if let wagecheck::filing::read::Item::Filing { filing, .. } = item {
                    let eval = engine::evaluate_in(
                        &filing,
                        &pack,
                        Options { trace: false },
                        Some(Lang::Zh),
                    );
                    let r = Report::with_pack(&filing, pack_ref.clone(), eval, DAY);
                    wagecheck::report::json::write(&mut out, &r, Lang::Zh, false);
                }
            });
            out.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
