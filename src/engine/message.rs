//! Messages: templates filled with values, in one language or both.

use rust_decimal::Decimal;

use super::slots::Slots;
use crate::diag::{Lang, Text};
use crate::expr::Value;
use crate::filing::schema;
use crate::num;
use crate::pack::{Format, Pack, Piece, Template, Trigger};

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

/// How a string value reads, written at the end of `out`: the pack's catalog name for an
/// indicator or measure id, else the schema's label for an enumerated value, else the value.
fn write_label(out: &mut String, s: &str, lang: Lang, pack: Option<&Pack>) {
    let catalog = pack.and_then(|p| {
        let c = &p.catalog;
        c.indicators
            .iter()
            .chain(&c.productivity)
            .chain(&c.labor_cost)
            .find(|e| e.id == s)
    });
    if let Some(e) = catalog {
        out.push_str(e.text.get(lang));
    } else if let Some((zh, en)) = schema::value_label(s) {
        out.push_str(if lang.is_zh() { zh } else { en });
    } else {
        out.push_str(s);
    }
}

/// A value for people, with string values shown by their labels.
pub fn format_labeled(v: &Value, format: Format, lang: Lang, pack: Option<&Pack>) -> String {
    let mut out = String::new();
    write_labeled(&mut out, v, format, lang, pack);
    out
}

/// [`format_labeled`], written at the end of `out` (a message is built without a string for
/// each of its values).
fn write_labeled(out: &mut String, v: &Value, format: Format, lang: Lang, pack: Option<&Pack>) {
    match (v, format) {
        (Value::Num(n), Format::Percent) => out.push_str(&num::percent(*n, 4)),
        (Value::Num(n), Format::Money) => {
            out.push_str(&num::money_grouped(num::round_cents_display(*n)))
        }
        (Value::Num(n), Format::Plain) => out.push_str(&num::plain(*n)),
        (Value::Str(s), _) => write_label(out, s, lang, pack),
        (Value::List(items), _) => {
            let strings = items.iter().all(|i| matches!(i, Value::Str(_)));
            let sep = if lang.is_zh() && strings { "、" } else { ", " };
            out.push('[');
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push_str(sep);
                }
                write_labeled(out, item, format, lang, pack);
            }
            out.push(']');
        }
        (Value::Unknown(_), _) => out.push_str(unknown_word(lang)),
        (other, _) => other.render_into(out, unknown_word(lang)),
    }
}

fn unknown_word(lang: Lang) -> &'static str {
    if lang.is_zh() { "未知" } else { "unknown" }
}

pub(super) struct Own<'a> {
    pub(super) bound: Option<Decimal>,
    pub(super) allowed: Option<Decimal>,
    /// The triggers that fired: indices into `triggers`.
    pub(super) fired: &'a [usize],
    pub(super) triggers: &'a [Trigger],
}

pub(super) fn render(pieces: &[Piece], env: &Slots<'_>, own: &Own<'_>, lang: Lang) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            // The slot's value borrowed, not copied.
            Piece::Slot { slot, format } => match env.values.get(*slot as usize) {
                Some(v) => write_labeled(&mut out, v, *format, lang, Some(env.pack)),
                None => out.push_str(unknown_word(lang)),
            },
            Piece::Own { name, format } => {
                let s = match name.as_str() {
                    "bound" => own
                        .bound
                        .map(|b| format_value(&Value::Num(b), *format, lang)),
                    "allowed_total" => own
                        .allowed
                        .map(|a| format_value(&Value::Num(a), Format::Money, lang)),
                    _ => Some(if own.fired.is_empty() {
                        "—".to_string()
                    } else {
                        own.fired
                            .iter()
                            .map(|k| own.triggers[*k].text.get(lang).to_string())
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
