//! `init`: prints a commented filing template to fill in.

use crate::diag::Lang;
use crate::pack::Registry;

pub fn run(category: &str, kind: &str, lang: Lang, registry: &Registry) -> i32 {
    // The pack in force for the template's example supplies its catalog.
    let year = crate::template::example_year(kind);
    let pack = match registry.select(crate::template::EXAMPLE_JURISDICTION, year) {
        Ok(p) => p,
        Err(errors) => {
            super::print_pack_errors(&errors, lang);
            return 2;
        }
    };
    match crate::template::filing(category, kind, lang, &pack) {
        Some(t) => {
            outln!("{t}");
            0
        }
        None => {
            eprintln!(
                "{}",
                if lang.is_zh() {
                    format!("未知的类别或申报类型：{category} / {kind}")
                } else {
                    format!("unknown category or kind: {category} / {kind}")
                }
            );
            2
        }
    }
}
