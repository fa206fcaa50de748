//! What only the pack can tell about a filing (catalog ids).

use crate::diag::{Diagnostic, Text};
use crate::filing::{Filing, slot};
use crate::pack::Pack;

/// The slots of the measures' kinds.
const PRODUCTIVITY_KIND: usize = slot("productivity.kind");
const LABOR_COST_KIND: usize = slot("labor_cost.kind");

/// Checks what only the pack can tell about a filing: indicator ids against its catalog.
pub fn validate(filing: &Filing, pack: &Pack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ids = || pack.catalog.indicators.iter().map(|e| e.id.as_str());
    // The path is built only for an error.
    let path = |i: usize| format!("indicator.{}.id", i + 1);
    for (i, ind) in filing.indicators.iter().enumerate() {
        let Some(id) = ind[0].str() else { continue };
        if !ids().any(|x| x == id) {
            let path = path(i);
            let hint = crate::diag::did_you_mean(id, ids());
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
        } else if filing.indicators[..i]
            .iter()
            .any(|earlier| earlier[0].str() == Some(id))
        {
            let path = path(i);
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
    }
    // The productivity and labour-cost measures are the pack's catalog's, not a fixed list.
    let measures = [
        (
            PRODUCTIVITY_KIND,
            "productivity.kind",
            &pack.catalog.productivity,
            "劳动生产率",
            "productivity",
        ),
        (
            LABOR_COST_KIND,
            "labor_cost.kind",
            &pack.catalog.labor_cost,
            "人工成本",
            "labour-cost",
        ),
    ];
    for (at, path, entries, zh_name, en_name) in measures {
        let Some(kind) = filing.fields.get(at).and_then(|v| v.str()) else {
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
