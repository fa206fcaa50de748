//! `init`: prints a commented filing template to fill in, or writes it as an Excel form.

use std::path::Path;

use crate::diag::Lang;
use crate::pack::Registry;

pub fn run(
    category: &str,
    kind: &str,
    lang: Lang,
    format: &str,
    output: Option<&Path>,
    registry: &Registry,
) -> i32 {
    // The pack in force for the template's example supplies its catalog.
    let year = crate::template::example_year(kind);
    let pack = match registry.select(crate::template::EXAMPLE_JURISDICTION, year) {
        Ok(p) => p,
        Err(errors) => {
            super::print_pack_errors(&errors, lang);
            return 2;
        }
    };
    let unknown = || {
        eprintln!(
            "{}",
            if lang.is_zh() {
                format!("未知的类别或申报类型：{category} / {kind}")
            } else {
                format!("unknown category or kind: {category} / {kind}")
            }
        );
        2
    };
    if format == "xlsx" {
        return match crate::filing::form::workbook(category, kind, lang, &pack) {
            Some(Ok(bytes)) => super::write_binary(&bytes, output, lang),
            Some(Err(e)) => {
                eprintln!("{e}");
                2
            }
            None => unknown(),
        };
    }
    match crate::template::filing(category, kind, lang, &pack) {
        Some(t) => match output {
            Some(_) => super::write_binary(format!("{t}\n").as_bytes(), output, lang),
            None => {
                outln!("{t}");
                0
            }
        },
        None => unknown(),
    }
}
