//! `rules`: browse and check rule packs.

use super::{RulesAction, print_pack_errors};
use crate::pack::Registry;

pub fn run(action: RulesAction, registry: &mut Registry) -> i32 {
    match action {
        RulesAction::List { lang } => {
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
        RulesAction::Lint { pack, lang } => match registry.load(&pack) {
            Ok(p) => {
                outln!(
                    "{}",
                    if lang.is_zh() {
                        format!("{}：没有发现问题（{} 条规则）", p.id, p.rules.len())
                    } else {
                        format!("{}: no problems found ({} rules)", p.id, p.rules.len())
                    }
                );
                0
            }
            Err(errors) => {
                print_pack_errors(&errors, lang);
                2
            }
        },
    }
}
