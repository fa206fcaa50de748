//! `rules lint`: what a pack may say that is legal but most likely a mistake. Errors (unknown
//! names, type errors, missing clauses or messages, bad overrides…) come from loading the pack;
//! these are the warnings on top: conditions that can be decided without a filing, and dated
//! tables with missing years.

use crate::diag::{Diagnostic, Text};
use crate::input::{Kind, Pos};
use crate::pack::analysis::constant_condition;
use crate::pack::layer::{Layer, Src};

fn warn(file: &str, pos: Pos, field: &str, msg: Text) -> Diagnostic {
    Diagnostic::new(file, Some(pos), Some(field), msg).warning()
}

fn constant_warning(file: &str, pos: Pos, field: &str, text: &str) -> Option<Diagnostic> {
    let value = constant_condition(text)?;
    let (zh, en) = if value {
        ("总是成立", "always holds")
    } else {
        ("永远不成立", "can never hold")
    };
    Some(warn(
        file,
        pos,
        field,
        Text::owned(
            format!("条件 `{text}` 不含任何名称，{zh}"),
            format!("the condition `{text}` names nothing and {en}"),
        ),
    ))
}

fn str_of(src: &Src) -> Option<&str> {
    match &src.node.kind {
        Kind::Str(s) => Some(s),
        _ => None,
    }
}

/// Warnings about a merged pack (every layer of the chain).
pub fn warnings(merged: &Layer) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &merged.rules {
        let f = &rule.fields;
        if f.get("off").is_some() {
            continue;
        }
        let on_violation = f.get("on_violation").and_then(str_of).unwrap_or("fail");
        for key in ["when", "require", "review_when"] {
            let Some(src) = f.get(key) else { continue };
            let Some(text) = str_of(src) else { continue };
            // The documented idiom: `require = "false"` with a `review` (or `advisory`)
            // outcome is a rule that, whenever it applies, asks a reviewer.
            if key == "require"
                && constant_condition(text) == Some(false)
                && matches!(on_violation, "review" | "advisory")
            {
                continue;
            }
            let field = format!("rule.{}.{key}", rule.id);
            out.extend(constant_warning(&src.file, src.pos(), &field, text));
        }
        if let Some(src) = f.get("triggers")
            && let Kind::Array(items) = &src.node.kind
        {
            for (i, item) in items.iter().enumerate() {
                let Kind::Table(entries) = &item.kind else {
                    continue;
                };
                if let Some(w) = entries.iter().find(|e| e.key == "when")
                    && let Kind::Str(text) = &w.value.kind
                {
                    let field = format!("rule.{}.triggers[{}].when", rule.id, i + 1);
                    out.extend(constant_warning(&src.file, w.value.pos, &field, text));
                }
            }
        }
    }
    for (name, _, rows, _) in &merged.tables {
        let mut keys: Vec<(i64, Pos, String)> = rows
            .entries
            .iter()
            .filter_map(|(k, s, p)| k.parse::<i64>().ok().map(|k| (k, *p, s.file.to_string())))
            .collect();
        keys.sort_by_key(|(k, _, _)| *k);
        let mut missing = Vec::new();
        let mut at = None;
        for w in keys.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if b.0 > a.0 + 1 {
                missing.extend(((a.0 + 1)..b.0).take(50).map(|k| k.to_string()));
                at.get_or_insert((b.1, b.2.clone()));
            }
        }
        if let Some((p, file)) = at {
            out.push(warn(
                &file,
                p,
                &format!("tables.{name}.rows"),
                Text::owned(
                    format!(
                        "按年份的表有缺口：缺少 {}（用到这些年份的规则将为需复核）",
                        missing.join(", ")
                    ),
                    format!(
                        "the dated table has gaps: no row for {} (rules that need those years will be review)",
                        missing.join(", ")
                    ),
                ),
            ));
        }
    }
    out
}
