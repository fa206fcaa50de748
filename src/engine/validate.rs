//! What only the pack can tell about a filing (catalog ids).

use crate::diag::{Diagnostic, Text};
use crate::filing::Filing;
use crate::pack::Pack;

/// Checks what only the pack can tell about a filing: indicator ids against its catalog.
pub fn validate(filing: &Filing, pack: &Pack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ids: Vec<&str> = pack
        .catalog
        .indicators
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for (i, ind) in filing.indicators.iter().enumerate() {
        let path = format!("indicator.{}.id", i + 1);
        let Some(id) = ind[0].str() else { continue };
        if !ids.contains(&id) {
            let hint = crate::diag::did_you_mean(id, ids.iter().copied());
            let (zh, en) = match hint {
                Some(h) => (
                    format!("；是否指 \"{h}\"？"),
                    format!("; did you mean \"{h}\"?"),
                ),
                None => (String::new(), String::new()),
            };
            out.push(Diagnostic::new(
                &filing.source,
                filing.pos(&path),
                Some(&path),
                Text::owned(
                    format!("规则包 {} 的指标目录中没有 \"{id}\"{zh}", pack.id),
                    format!(
                        "\"{id}\" is not in the indicator catalog of pack {}{en}",
                        pack.id
                    ),
                ),
            ));
        } else if seen.contains(&id) {
            out.push(Diagnostic::new(
                &filing.source,
                filing.pos(&path),
                Some(&path),
                Text::owned(
                    format!("指标 \"{id}\" 重复"),
                    format!("indicator \"{id}\" appears twice"),
                ),
            ));
        }
        seen.push(id);
    }
    // The productivity and labour-cost measures are the pack's catalog's, not a fixed list.
    let measures = [
        (
            "productivity.kind",
            &pack.catalog.productivity,
            "劳动生产率",
            "productivity",
        ),
        (
            "labor_cost.kind",
            &pack.catalog.labor_cost,
            "人工成本",
            "labour-cost",
        ),
    ];
    for (path, entries, zh_name, en_name) in measures {
        let Some(kind) = filing.get(path).str() else {
            continue;
        };
        if entries.iter().any(|e| e.id == kind) {
            continue;
        }
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        let list = ids.join(" | ");
        out.push(Diagnostic::new(
            &filing.source,
            filing.pos(path),
            Some(path),
            Text::owned(
                format!(
                    "规则包 {} 的{zh_name}指标目录中没有 \"{kind}\"（可选：{list}）",
                    pack.id
                ),
                format!(
                    "\"{kind}\" is not in the {en_name} catalog of pack {} (one of {list})",
                    pack.id
                ),
            ),
        ));
    }
    out
}
