//! `compare --rules A --rules B PATH…`: the filings whose verdict, cap or required regime
//! changes between two packs. Exit 0, or 2 when a pack fails to load, the usage is wrong or a
//! filing is invalid.

use std::path::PathBuf;

use serde_json::json;

use crate::check::Checker;
use crate::check::compare::{self, Change, Side};
use crate::diag::Lang;
use crate::num;
use crate::report::OutputFormat;

fn money(d: Option<rust_decimal::Decimal>) -> String {
    d.map(num::money_grouped).unwrap_or_else(|| "—".into())
}

fn label(c: &Change) -> String {
    match c.row {
        Some(r) => format!("{}#{r}", c.source),
        None => c.source.clone(),
    }
}

fn side_json(s: &Side) -> serde_json::Value {
    json!({
        "verdict": s.verdict.as_str(),
        "max_wage_total": s.max_wage_total.map(num::money),
        "binding_rule": s.binding_rule,
        "required_regime": s.required_regime,
    })
}

pub fn run(
    rules: &[String],
    paths: &[PathBuf],
    walk: &crate::input::walk::Walk,
    format: OutputFormat,
    lang: Lang,
    checker: &Checker,
) -> i32 {
    let zh = lang.is_zh();
    let [a, b] = rules else {
        eprintln!(
            "{}",
            if zh {
                "compare 需要恰好两个 --rules：--rules A --rules B"
            } else {
                "compare needs exactly two packs: --rules A --rules B"
            }
        );
        return 2;
    };
    let (pa, pb) = match (checker.registry().load(a), checker.registry().load(b)) {
        (Ok(pa), Ok(pb)) => (pa, pb),
        (ra, rb) => {
            let errors: Vec<_> = [ra.err(), rb.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            super::pack_failure(&errors, lang, format);
            return 2;
        }
    };
    let cmp = compare::compare(paths, walk, &pa, &pb);
    let n_verdict = cmp.count(Change::verdict_changed);
    let n_cap = cmp.count(Change::cap_changed);
    let n_regime = cmp.count(Change::regime_changed);
    let change_json = |c: &Change| {
        json!({
            "source": c.source,
            "row": c.row,
            "name": c.name,
            "a": side_json(&c.a),
            "b": side_json(&c.b),
            "cap_delta": c.cap_delta().map(num::money),
        })
    };
    let summary = if zh {
        format!(
            "{} → {}：{} 份申报，{} 份有变化（结论 {n_verdict}，上限 {n_cap}，审批方式 {n_regime}），{} 份无效",
            pa.id,
            pb.id,
            cmp.filings,
            cmp.changes.len(),
            cmp.invalid.len()
        )
    } else {
        format!(
            "{} → {}: {} filings, {} changed (verdict {n_verdict}, cap {n_cap}, regime {n_regime}), {} invalid",
            pa.id,
            pb.id,
            cmp.filings,
            cmp.changes.len(),
            cmp.invalid.len()
        )
    };
    match format {
        OutputFormat::Json => {
            let v = json!({
                "a": pa.id,
                "b": pb.id,
                "filings": cmp.filings,
                "invalid": cmp.invalid,
                "errors": cmp.errors.iter().map(|e| json!({
                    "file": e.file,
                    "line": e.line,
                    "column": e.column,
                    "field": e.field,
                    "message": e.message.get(lang),
                })).collect::<Vec<_>>(),
                "changed": cmp.changes.len(),
                "verdict_changed": n_verdict,
                "cap_changed": n_cap,
                "regime_changed": n_regime,
                "changes": cmp.changes.iter().map(change_json).collect::<Vec<_>>(),
            });
            outln!(
                "{}",
                crate::report::escape::json(&serde_json::to_string_pretty(&v).unwrap_or_default())
            );
        }
        // JSON Lines: one changed filing a line (as in the JSON document's `changes`); the
        // summary goes to stderr, as `batch` does.
        OutputFormat::Jsonl => {
            for c in &cmp.changes {
                outln!("{}", change_json(c));
            }
            eprintln!("{summary}");
        }
        _ => {
            let mut t = comfy_table::Table::new();
            t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header(if zh {
                vec![
                    "申报".to_string(),
                    format!("结论 {}", pa.id),
                    format!("结论 {}", pb.id),
                    format!("上限 {}", pa.id),
                    format!("上限 {}", pb.id),
                    "上限变化".to_string(),
                    "审批方式".to_string(),
                ]
            } else {
                vec![
                    "filing".to_string(),
                    format!("verdict {}", pa.id),
                    format!("verdict {}", pb.id),
                    format!("cap {}", pa.id),
                    format!("cap {}", pb.id),
                    "cap change".to_string(),
                    "regime".to_string(),
                ]
            });
            for c in &cmp.changes {
                let regime = |s: &Side| {
                    s.required_regime
                        .as_deref()
                        .map(|r| crate::report::words::value_label(r, lang))
                        .unwrap_or_else(|| "?".into())
                };
                t.add_row(vec![
                    label(c),
                    c.a.verdict.label().get(lang).to_string(),
                    c.b.verdict.label().get(lang).to_string(),
                    money(c.a.max_wage_total),
                    money(c.b.max_wage_total),
                    money(c.cap_delta()),
                    if c.regime_changed() {
                        format!("{} → {}", regime(&c.a), regime(&c.b))
                    } else {
                        regime(&c.a)
                    },
                ]);
            }
            if !cmp.changes.is_empty() {
                outln!("{t}");
            }
            outln!("{summary}");
        }
    }
    // Each invalid filing's errors, with file, line, column and field.
    super::print_skipped(&cmp.skipped, lang);
    super::print_pack_errors(&cmp.errors, lang);
    if cmp.invalid.is_empty() { 0 } else { 2 }
}
