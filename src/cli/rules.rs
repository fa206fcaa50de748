//! `rules list` and `rules lint`; `rules show` and `rules test` live in their own modules.

use super::{RulesAction, print_pack_errors};
use crate::diag::Lang;
use crate::pack::Registry;

pub fn run(action: RulesAction, registry: &Registry) -> i32 {
    match action {
        RulesAction::List { lang } => list(lang),
        RulesAction::Show { pack, lang } => super::rules_show::run(&pack, lang, registry),
        RulesAction::Lint { pack, lang } => lint(&pack, lang),
        RulesAction::InitPack {
            extends,
            id,
            jurisdiction,
            dir,
            lang,
        } => init_pack(
            &extends,
            &id,
            jurisdiction.as_deref(),
            dir.as_deref(),
            lang,
            registry,
        ),
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

/// `rules init-pack`: the scaffold's text comes from the library; this writes or prints it.
fn init_pack(
    extends: &str,
    id: &str,
    jurisdiction: Option<&str>,
    dir: Option<&std::path::Path>,
    lang: Lang,
    registry: &Registry,
) -> i32 {
    use crate::pack::scaffold;
    let zh = lang.is_zh();
    let parent = match registry.load(extends) {
        Ok(p) => p,
        Err(errors) => {
            print_pack_errors(&errors, lang);
            return 2;
        }
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    let jurisdiction = jurisdiction
        .map(str::to_string)
        .unwrap_or_else(|| id.rsplit_once('-').map_or(id, |(j, _)| j).to_string());
    if !valid(id) || !valid(&jurisdiction) {
        eprintln!(
            "{}",
            if zh {
                "id 与管辖地区只能用小写字母、数字、- 和 _（如 --id harbin-2020）"
            } else {
                "the id and jurisdiction use lowercase letters, digits, - and _ only (e.g. --id harbin-2020)"
            }
        );
        return 2;
    }
    let is_builtin = Registry::builtin_infos().iter().any(|i| i.id == extends);
    let o = scaffold::Options {
        id,
        jurisdiction: &jurisdiction,
        lang,
    };
    let pack_text = scaffold::pack_text(&parent, &o);
    let Some(dir) = dir else {
        outln!("{pack_text}");
        return 0;
    };
    let pack_file = dir.join(format!("{id}.toml"));
    let tests_dir = dir.join(scaffold::tests_rel_dir(id));
    let test_file = tests_dir.join("inherited.toml");
    for f in [&pack_file, &test_file] {
        if f.exists() {
            eprintln!(
                "{}",
                if zh {
                    format!("{} 已存在，未改动任何文件", f.display())
                } else {
                    format!("{} exists already; nothing was written", f.display())
                }
            );
            return 2;
        }
    }
    let written = std::fs::create_dir_all(&tests_dir)
        .and_then(|_| std::fs::write(&pack_file, &pack_text))
        .and_then(|_| std::fs::write(&test_file, scaffold::test_text(&parent, is_builtin, &o)));
    if let Err(e) = written {
        eprintln!(
            "{}",
            if zh {
                format!("无法写入 {}：{e}", dir.display())
            } else {
                format!("cannot write into {}: {e}", dir.display())
            }
        );
        return 2;
    }
    outln!("{}", pack_file.display());
    outln!("{}", test_file.display());
    eprintln!(
        "{}",
        if zh {
            format!(
                "下一步：wagecheck rules lint {p}；wagecheck rules test {p} --min-coverage 100。{}",
                scaffold::guide_pointer(lang),
                p = pack_file.display()
            )
        } else {
            format!(
                "next: wagecheck rules lint {p}; wagecheck rules test {p} --min-coverage 100. {}",
                scaffold::guide_pointer(lang),
                p = pack_file.display()
            )
        }
    );
    0
}
