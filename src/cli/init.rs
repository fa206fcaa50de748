//! `init`: prints a commented filing template to fill in.

use crate::diag::Lang;

pub fn run(category: &str, kind: &str, lang: Lang) -> i32 {
    match crate::template::filing(category, kind, lang) {
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
