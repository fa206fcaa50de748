//! `rules test [PACK] [--min-coverage P]`: runs the pack tests and reports coverage.
//! Exit 2 when a test file is malformed or a pack fails to load; 1 when an expectation fails,
//! coverage is below the minimum or no test was found; 0 otherwise. The built-in packs' tests
//! are built into the binary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;

use super::print_pack_errors;
use crate::diag::Lang;
use crate::pack::{Registry, Status};
use crate::packtest::{self, PackRun};

/// (pack spec, tests folder) for every shipped pack: the built-in ones, whose tests are built
/// into the binary, then the example packs in `./rules/examples/` when that folder is here.
fn shipped() -> (Vec<(String, PathBuf)>, PathBuf) {
    let mut out: Vec<(String, PathBuf)> = Registry::builtin_infos()
        .into_iter()
        .map(|i| {
            let dir = packtest::builtin_tests_dir(&i.id);
            (i.id, dir)
        })
        .collect();
    let examples_dir = PathBuf::from("rules").join("examples");
    let mut examples: Vec<PathBuf> = std::fs::read_dir(&examples_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    examples.sort();
    for p in examples {
        out.push((p.display().to_string(), PathBuf::new()));
    }
    (out, examples_dir)
}

fn statuses(list: &[Status]) -> String {
    if list.is_empty() {
        "—".into()
    } else {
        list.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn print_run(run: &PackRun, lang: Lang) {
    let zh = lang.is_zh();
    super::print_pack_errors(&run.malformed, lang);
    for o in run.outcomes.iter().filter(|o| !o.mismatches.is_empty()) {
        outln!(
            "{} {}:{}:{} \"{}\"",
            if zh { "失败" } else { "FAIL" },
            o.file,
            o.pos.line,
            o.pos.column,
            o.name
        );
        for m in &o.mismatches {
            outln!(
                "  {}: {} {}, {} {}",
                m.what,
                if zh { "期望" } else { "expected" },
                m.expected,
                if zh { "实际" } else { "actual" },
                m.actual
            );
        }
        for e in &o.errors {
            outln!("  {}", e.render(lang));
        }
    }
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(if zh {
        vec!["规则", "可达状态", "已覆盖", "未覆盖"]
    } else {
        vec!["rule", "reachable", "covered", "missing"]
    });
    for c in &run.coverage {
        let missing: Vec<Status> = c
            .reachable
            .iter()
            .filter(|s| !c.covered.contains(s))
            .copied()
            .collect();
        t.add_row(vec![
            c.id.clone(),
            statuses(&c.reachable),
            statuses(&c.covered),
            statuses(&missing),
        ]);
        if !c.unexpected.is_empty() {
            eprintln!(
                "{}",
                if zh {
                    format!(
                        "警告：{} 达到了分析认为不可达的状态：{}",
                        c.id,
                        statuses(&c.unexpected)
                    )
                } else {
                    format!(
                        "warning: {} reached statuses the analysis thought unreachable: {}",
                        c.id,
                        statuses(&c.unexpected)
                    )
                }
            );
        }
    }
    outln!("{t}");
    let total: usize = run.coverage.iter().map(|c| c.reachable.len()).sum();
    let hit: usize = run.coverage.iter().map(|c| c.covered.len()).sum();
    let bad = run.files_with_errors.len();
    outln!(
        "{}",
        if zh {
            format!(
                "{}（{}）：{} 个测试，{} 个失败{}；覆盖率 {}%（{hit}/{total} 个规则状态）",
                run.pack_id,
                run.tests_dir.display(),
                run.outcomes.len(),
                run.failed(),
                if bad > 0 {
                    format!("，{bad} 个测试文件有错误（未运行）")
                } else {
                    String::new()
                },
                run.coverage_percent()
            )
        } else {
            format!(
                "{} ({}): {} tests, {} failed{}; coverage {}% ({hit}/{total} rule statuses)",
                run.pack_id,
                run.tests_dir.display(),
                run.outcomes.len(),
                run.failed(),
                if bad > 0 {
                    format!(", {bad} test file(s) with errors (not run)")
                } else {
                    String::new()
                },
                run.coverage_percent()
            )
        }
    );
}

pub fn run(pack: Option<&str>, min_coverage: Option<Decimal>, lang: Lang) -> i32 {
    let zh = lang.is_zh();
    let targets = match pack {
        Some(p) => vec![(p.to_string(), PathBuf::new())],
        None => {
            let (targets, examples) = shipped();
            if !examples.is_dir() {
                eprintln!(
                    "{}",
                    if zh {
                        format!(
                            "说明：当前目录下没有 {}，只运行内置规则包的测试（内置于程序）",
                            examples.display()
                        )
                    } else {
                        format!(
                            "note: no {} here, so only the built-in packs' tests (built into the binary) are run",
                            examples.display()
                        )
                    }
                );
            }
            targets
        }
    };
    let registry = Registry::new();
    let mut code = 0;
    for (spec, dir) in targets {
        let pack = match registry.load(&spec) {
            Ok(p) => p,
            Err(errors) => {
                print_pack_errors(&errors, lang);
                code = 2;
                continue;
            }
        };
        let dir = if dir.as_os_str().is_empty() {
            tests_dir_of(&spec, &pack)
        } else {
            dir
        };
        let run = packtest::run_pack(&pack, &dir);
        print_run(&run, lang);
        if !run.malformed.is_empty() {
            code = 2;
        } else if run.failed() > 0 {
            code = code.max(1);
        }
        if run.outcomes.is_empty() && run.files_with_errors.is_empty() {
            // Finding nothing to run is not a success.
            eprintln!(
                "{}",
                if zh {
                    format!(
                        "{}：没有找到测试（查找的目录：{}，应为 <规则包所在目录>/tests/<规则包 id>/*.toml）",
                        run.pack_id,
                        dir.display()
                    )
                } else {
                    format!(
                        "{}: no tests found (looked in {}; they belong in <pack dir>/tests/<pack id>/*.toml)",
                        run.pack_id,
                        dir.display()
                    )
                }
            );
            code = code.max(1);
        }
        if let Some(min) = min_coverage
            && run.coverage_percent() < min
        {
            eprintln!(
                "{}",
                if zh {
                    format!(
                        "{}：覆盖率 {}% 低于要求的 {min}%",
                        run.pack_id,
                        run.coverage_percent()
                    )
                } else {
                    format!(
                        "{}: coverage {}% is below the required {min}%",
                        run.pack_id,
                        run.coverage_percent()
                    )
                }
            );
            code = code.max(1);
        }
    }
    code
}

/// Where the tests of a pack named on the command line live.
fn tests_dir_of(spec: &str, pack: &Arc<crate::pack::Pack>) -> PathBuf {
    let is_builtin = Registry::builtin_infos().iter().any(|i| i.id == spec);
    if is_builtin {
        packtest::builtin_tests_dir(&pack.id)
    } else {
        packtest::tests_dir(Path::new(spec), &pack.id)
    }
}
