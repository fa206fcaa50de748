//! `rules show PACK`: everything a pack says, with the layer each item comes from.

use super::print_pack_errors;
use crate::diag::Lang;
use crate::engine::format_value;
use crate::pack::{Check, Format, Pack, Registry};

fn table(header: Vec<&str>) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(header);
    t
}

fn section(zh: bool, z: &str, e: &str) {
    outln!("\n== {} ==", if zh { z } else { e });
}

pub fn run(spec: &str, lang: Lang, registry: &Registry) -> i32 {
    match registry.load(spec) {
        Ok(p) => {
            show(&p, lang);
            0
        }
        Err(errors) => {
            print_pack_errors(&errors, lang);
            2
        }
    }
}

fn show(p: &Pack, lang: Lang) {
    let zh = lang.is_zh();
    let pick = |z: &'static str, e: &'static str| if zh { z } else { e };
    outln!("{} — {}", p.id, p.title.get(lang));
    outln!(
        "{}: {}  {}: {}  {}: {}{}",
        pick("文件", "document"),
        p.document,
        pick("管辖", "jurisdiction"),
        p.jurisdiction,
        pick("生效", "in force"),
        p.effective_from,
        p.effective_until
            .map(|u| format!(" – {u}"))
            .unwrap_or_default()
    );
    let chain: Vec<String> = p
        .chain
        .iter()
        .map(|l| format!("{} ({})", l.id, l.file))
        .collect();
    outln!("{}: {}", pick("层级", "chain"), chain.join(" → "));

    section(zh, "参数", "Parameters");
    let mut t = table(if zh {
        vec!["名称", "值", "出处", "层", "说明"]
    } else {
        vec!["name", "value", "source", "layer", "meaning"]
    });
    for q in &p.params {
        let value = if q.value.is_known() {
            format_value(&q.value, Format::Plain, lang)
        } else {
            pick("（未设定）", "(unset)").to_string()
        };
        t.add_row(vec![
            q.name.clone(),
            value,
            q.source.clone().unwrap_or_default(),
            q.layer.clone(),
            q.text.get(lang).to_string(),
        ]);
    }
    outln!("{t}");

    if !p.tables.is_empty() {
        section(zh, "按年份的表", "Dated tables");
        for tb in &p.tables {
            outln!(
                "{} — {}{}",
                tb.name,
                tb.text.get(lang),
                tb.source
                    .as_ref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            );
            let rows: Vec<String> = tb
                .rows
                .iter()
                .map(|(k, v, layer)| {
                    format!("{k} = {} [{layer}]", format_value(v, Format::Plain, lang))
                })
                .collect();
            outln!("  {}", rows.join(", "));
        }
    }

    section(zh, "数量", "Quantities");
    let mut t = table(if zh {
        vec!["名称", "公式", "层", "说明"]
    } else {
        vec!["name", "formula", "layer", "meaning"]
    });
    for q in &p.quantities {
        t.add_row(vec![
            q.name.clone(),
            q.expr.source().to_string(),
            q.layer.clone(),
            q.text.get(lang).to_string(),
        ]);
    }
    outln!("{t}");

    section(zh, "上限", "Cap");
    outln!(
        "{} = {}; {} = {}; {} = {}",
        pick("对象", "subject"),
        p.cap.subject.source(),
        pick("基数", "base"),
        p.cap.base.source(),
        pick("增幅", "growth"),
        p.cap.growth.source()
    );

    section(zh, "规则", "Rules");
    for r in &p.rules {
        outln!("{} [{}] {}", r.id, r.clause, r.title.get(lang));
        outln!("  {}: {}", pick("来自", "layers"), r.layers.join(" → "));
        if let Some(w) = &r.when {
            outln!("  {}: {}", pick("适用条件", "when"), w.source());
        }
        for tr in &r.triggers {
            outln!(
                "  {} {}: {} ({})",
                pick("触发", "trigger"),
                tr.id,
                tr.when.source(),
                tr.text.get(lang)
            );
        }
        match &r.check {
            Some(Check::Bound { expr, strict }) => outln!(
                "  {}: {} {}",
                pick("增幅上限", "bound"),
                if *strict { "<" } else { "≤" },
                expr.source()
            ),
            Some(Check::Require(e)) => outln!("  {}: {}", pick("要求", "require"), e.source()),
            None => {}
        }
        if let Some(rw) = &r.review_when {
            outln!("  {}: {}", pick("转为复核", "review when"), rw.source());
        }
        if !r.supersedes.is_empty() {
            outln!(
                "  {}: {}",
                pick("取代", "supersedes"),
                r.supersedes.join(", ")
            );
        }
        outln!(
            "  {}: {} {}, {} {}, {} {}; {}: {}",
            pick("状态", "statuses"),
            pick("通过", "pass"),
            r.pass_status.as_str(),
            pick("不满足", "violation"),
            r.on_violation.as_str(),
            pick("未知", "unknown"),
            r.on_unknown.as_str(),
            pick("可达", "reachable"),
            r.reachable
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    if !p.regime.steps.is_empty() {
        section(
            zh,
            "备案制或核准制（三(五)）",
            "Filing or approval (三(五))",
        );
        for (i, s) in p.regime.steps.iter().enumerate() {
            outln!(
                "{}. {}: {}{} → {}\n   {}\n   {}",
                i + 1,
                s.id,
                s.from.as_ref().map(|f| format!("{f} ")).unwrap_or_default(),
                pick("若", "if"),
                s.to,
                s.when.source(),
                s.text.get(lang)
            );
        }
    }

    section(zh, "指标目录", "Catalog");
    let mut t = table(if zh {
        vec!["类", "id", "名称", "方向", "主要指标用于", "可增加用于"]
    } else {
        vec![
            "kind",
            "id",
            "name",
            "direction",
            "main for",
            "additional for",
        ]
    });
    let groups = [
        (pick("效益指标", "indicator"), &p.catalog.indicators),
        (pick("劳动生产率", "productivity"), &p.catalog.productivity),
        (pick("人工成本", "labour cost"), &p.catalog.labor_cost),
    ];
    for (kind, list) in groups {
        for e in list.iter() {
            t.add_row(vec![
                kind.to_string(),
                e.id.clone(),
                e.text.get(lang).to_string(),
                if e.higher_is_better {
                    pick("越高越好", "higher")
                } else {
                    pick("越低越好", "lower")
                }
                .to_string(),
                e.main.join(", "),
                e.additional.join(", "),
            ]);
        }
    }
    outln!("{t}");
}
