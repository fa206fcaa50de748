//! Messages: templates filled with values, in one language or both.

use rust_decimal::Decimal;

use super::slots::Slots;
use crate::diag::{Lang, Text};
use crate::expr::{Env, Value};
use crate::filing::schema;
use crate::num;
use crate::pack::{Format, Pack, Piece, Template};

/// A message in both languages, or only in `env.only` (the other left empty).
pub(super) fn text_in(
    env: &Slots<'_>,
    zh: impl FnOnce() -> String,
    en: impl FnOnce() -> String,
) -> Text {
    Text::owned(
        if env.only == Some(Lang::En) {
            String::new()
        } else {
            zh()
        },
        if env.only == Some(Lang::Zh) {
            String::new()
        } else {
            en()
        },
    )
}

/// A value for people, in a template's format.
pub fn format_value(v: &Value, format: Format, lang: Lang) -> String {
    format_labeled(v, format, lang, None)
}

/// How a string value reads: the pack's catalog name for an indicator or measure id, else
/// the schema's label for an enumerated value, else the value itself.
pub(super) fn label(s: &str, lang: Lang, pack: Option<&Pack>) -> String {
    let catalog = pack.and_then(|p| {
        let c = &p.catalog;
        c.indicators
            .iter()
            .chain(&c.productivity)
            .chain(&c.labor_cost)
            .find(|e| e.id == s)
            .map(|e| e.text.get(lang).to_string())
    });
    catalog
        .or_else(|| {
            schema::value_label(s).map(|(zh, en)| if lang.is_zh() { zh } else { en }.to_string())
        })
        .unwrap_or_else(|| s.to_string())
}

/// A value for people, with string values shown by their labels.
pub fn format_labeled(v: &Value, format: Format, lang: Lang, pack: Option<&Pack>) -> String {
    match (v, format) {
        (Value::Num(n), Format::Percent) => num::percent(*n, 4),
        (Value::Num(n), Format::Money) => num::money_grouped(num::round_cents_display(*n)),
        (Value::Num(n), Format::Plain) => num::plain(*n),
        (Value::Str(s), _) => label(s, lang, pack),
        (Value::List(items), _) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| format_labeled(i, format, lang, pack))
                .collect();
            let strings = items.iter().all(|i| matches!(i, Value::Str(_)));
            format!(
                "[{}]",
                parts.join(if lang.is_zh() && strings { "、" } else { ", " })
            )
        }
        (Value::Unknown(_), _) => if lang.is_zh() { "未知" } else { "unknown" }.to_string(),
        (other, _) => other.display_lang(lang.is_zh()),
    }
}

pub(super) struct Own<'a> {
    pub(super) bound: Option<Decimal>,
    pub(super) allowed: Option<Decimal>,
    pub(super) triggers: &'a [(String, Text)],
}

pub(super) fn render(pieces: &[Piece], env: &Slots<'_>, own: &Own<'_>, lang: Lang) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Slot { slot, format } => out.push_str(&format_labeled(
                &env.get(*slot),
                *format,
                lang,
                Some(env.pack),
            )),
            Piece::Own { name, format } => {
                let s = match name.as_str() {
                    "bound" => own
                        .bound
                        .map(|b| format_value(&Value::Num(b), *format, lang)),
                    "allowed_total" => own
                        .allowed
                        .map(|a| format_value(&Value::Num(a), Format::Money, lang)),
                    _ => Some(if own.triggers.is_empty() {
                        "—".to_string()
                    } else {
                        own.triggers
                            .iter()
                            .map(|(_, t)| t.get(lang).to_string())
                            .collect::<Vec<_>>()
                            .join(if lang.is_zh() { "；" } else { "; " })
                    }),
                };
                out.push_str(
                    &s.unwrap_or_else(|| if lang.is_zh() { "未知" } else { "unknown" }.to_string()),
                );
            }
        }
    }
    out
}

pub(super) fn message(t: &Template, env: &Slots<'_>, own: &Own<'_>) -> Text {
    text_in(
        env,
        || render(&t.zh, env, own, Lang::Zh),
        || render(&t.en, env, own, Lang::En),
    )
}
