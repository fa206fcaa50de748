//! `rules list` and `rules lint`; `rules show` and `rules test` live in their own modules.

use super::{RulesAction, print_pack_errors};
use crate::diag::Lang;
use crate::pack::Registry;

pub fn run(action: RulesAction, registry: &mut Registry) -> i32 {
    match action {
        RulesAction::List { lang } => list(lang),
        RulesAction::Show { pack, lang } => super::rules_show::run(&pack, lang, registry),
        RulesAction::Lint { pack, lang } => lint(&pack, lang),
        RulesAction::Test {
            pack,
            min_coverage,
            lang,
        } => super::rules_test::run(pack.as_deref(), min_coverage, lang),
    }
}

fn list(lang: Lang) -> i32 {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(if lang.is_zh() {
        vec!["id", "标题", "文件", "管辖", "生效", "失效", "上级"]
    } else {
        vec![
            "id",
            "title",
            "document",
            "jurisdiction",
            "from",
            "until",
            "parent",
        ]
    });
    for i in Registry::builtin_infos() {
        t.add_row(vec![
            i.id,
            i.title.get(lang).to_string(),
            i.document,
            i.jurisdiction,
            i.effective_from.map(|d| d.to_string()).unwrap_or_default(),
            i.effective_until.map(|d| d.to_string()).unwrap_or_default(),
            i.extends.unwrap_or_default(),
        ]);
    }
    outln!("{t}");
    0
}

/// Every error and warning at once; errors exit 2, warnings alone exit 0.
fn lint(pack: &str, lang: Lang) -> i32 {
    let zh = lang.is_zh();
    let (compiled, errors, warnings) = Registry::lint(pack);
    print_pack_errors(&errors, lang);
    for w in &warnings {
        eprintln!(
            "{}{}",
            if zh { "警告：" } else { "warning: " },
            w.render(lang)
        );
    }
    let summary = match (&compiled, errors.len(), warnings.len()) {
        (Some(p), 0, 0) => {
            if zh {
                format!("{}：没有发现问题（{} 条规则）", p.id, p.rules.len())
            } else {
                format!("{}: no problems found ({} rules)", p.id, p.rules.len())
            }
        }
        (_, e, w) => {
            if zh {
                format!("{pack}：{e} 个错误，{w} 个警告")
            } else {
                format!("{pack}: {e} error(s), {w} warning(s)")
            }
        }
    };
    outln!("{summary}");
    if !errors.is_empty() || !warnings.is_empty() {
        eprintln!("{}", crate::pack::scaffold::guide_pointer(lang));
    }
    if errors.is_empty() && compiled.is_some() {
        0
    } else {
        2
    }
}
