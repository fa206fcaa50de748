//! Messages: templates filled with values, in one language or both.

use std::cell::RefCell;

use chrono::Datelike;
use rust_decimal::Decimal;

use super::slots::Slots;
use crate::diag::{Lang, Text};
use crate::expr::Value;
use crate::filing::schema;
use crate::num;
use crate::pack::{Format, Pack, Piece, Trigger};

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
    let mut w = Writer::default();
    w.labeled(v, format, lang, pack);
    w.out
}

/// The last `width` decimal digits of `n` (at most 4), zero-padded.
fn push_digits(out: &mut String, n: u32, width: usize) {
    let mut buf = [b'0'; 4];
    let mut n = n;
    for b in buf[..width.min(4)].iter_mut().rev() {
        *b += (n % 10) as u8;
        n /= 10;
    }
    for b in &buf[..width.min(4)] {
        out.push(char::from(*b));
    }
}

fn unknown_word(lang: Lang) -> &'static str {
    if lang.is_zh() { "未知" } else { "unknown" }
}

/// Where a message is written, reused from one message to the next.
#[derive(Default)]
pub(super) struct Writer {
    pub(super) out: String,
}

thread_local! {
    /// Each thread's [`Writer`], reused by every message it writes.
    static WRITER: RefCell<Writer> = RefCell::new(Writer {
        out: String::with_capacity(512),
    });
}

/// Writes one text with the thread's reused [`Writer`] (cleared first) and returns a copy of
/// exactly its length.
pub(super) fn written(f: impl FnOnce(&mut Writer)) -> String {
    let copy = |w: &mut Writer| {
        w.out.clear();
        f(w);
        w.out.as_str().to_owned()
    };
    WRITER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut w) => copy(&mut w),
        // Only when a message is written while another is (never done): a fresh writer.
        Err(_) => copy(&mut Writer::default()),
    })
}

impl Writer {
    pub(super) fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// `v` as `Decimal`'s `Display` writes it, or its `normalize()`d form when `trim`.
    fn decimal(&mut self, v: Decimal, trim: bool) {
        let mut buf = [0u8; 64];
        num::push_ascii(&mut self.out, num::decimal_text(&mut buf, v, trim));
    }

    /// [`num::percent`] with 4 decimals, rounded on the mantissa.
    fn percent(&mut self, v: Decimal) {
        match num::percent_value(v, 4) {
            Some(p) => {
                self.decimal(p, true);
                self.out.push('%');
            }
            None => self.decimal(v, true),
        }
    }

    /// A value for people (see [`format_labeled`]).
    fn labeled(&mut self, v: &Value, format: Format, lang: Lang, pack: Option<&Pack>) {
        match (v, format) {
            (Value::Num(n), Format::Percent) => self.percent(*n),
            (Value::Num(n), Format::Money) => num::push_money_rounded(&mut self.out, *n),
            (Value::Num(n), Format::Plain) => self.decimal(*n, true),
            (Value::Str(s), _) => write_label(&mut self.out, s, lang, pack),
            (Value::List(items), _) => {
                let strings = items.iter().all(|i| matches!(i, Value::Str(_)));
                let sep = if lang.is_zh() && strings { "、" } else { ", " };
                self.out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        self.out.push_str(sep);
                    }
                    self.labeled(item, format, lang, pack);
                }
                self.out.push(']');
            }
            (Value::Unknown(_), _) => self.out.push_str(unknown_word(lang)),
            (Value::Bool(b), _) => self.out.push_str(if *b { "true" } else { "false" }),
            // `%Y-%m-%d` (years of four digits; others as chrono writes them).
            (Value::Date(d), _) if (0..=9999).contains(&d.year()) => {
                let out = &mut self.out;
                push_digits(out, d.year().unsigned_abs(), 4);
                out.push('-');
                push_digits(out, d.month(), 2);
                out.push('-');
                push_digits(out, d.day(), 2);
            }
            (other, _) => other.render_into(&mut self.out, unknown_word(lang)),
        }
    }

    /// A template's pieces filled with the slots' values and the rule's own.
    pub(super) fn pieces(&mut self, pieces: &[Piece], env: &Slots<'_>, own: &Own<'_>, lang: Lang) {
        for p in pieces {
            match p {
                Piece::Lit(s) => self.out.push_str(s),
                // The slot's value borrowed, not copied.
                Piece::Slot { slot, format } => match env.shown(*slot) {
                    Some(v) => self.labeled(&v, *format, lang, Some(env.pack)),
                    None => self.out.push_str(unknown_word(lang)),
                },
                Piece::Own { name, format } => match name.as_str() {
                    "bound" => match own.bound {
                        Some(b) => self.labeled(&Value::Num(b), *format, lang, None),
                        None => self.out.push_str(unknown_word(lang)),
                    },
                    "allowed_total" => match own.allowed {
                        Some(a) => num::push_money_rounded(&mut self.out, a),
                        None => self.out.push_str(unknown_word(lang)),
                    },
                    _ if own.fired.is_empty() => self.out.push('—'),
                    _ => {
                        let sep = if lang.is_zh() { "；" } else { "; " };
                        for (n, k) in own.fired.iter().enumerate() {
                            if n > 0 {
                                self.out.push_str(sep);
                            }
                            if let Some(t) = own.triggers.get(*k) {
                                self.out.push_str(t.text.get(lang));
                            }
                        }
                    }
                },
            }
        }
    }
}

pub(super) struct Own<'a> {
    pub(super) bound: Option<Decimal>,
    pub(super) allowed: Option<Decimal>,
    /// The triggers that fired: indices into `triggers`.
    pub(super) fired: &'a [usize],
    pub(super) triggers: &'a [Trigger],
}

/// A template filled in `lang`.
#[cfg(test)]
pub(super) fn render(pieces: &[Piece], env: &Slots<'_>, own: &Own<'_>, lang: Lang) -> String {
    written(|w| w.pieces(pieces, env, own, lang))
}

/// The renderer as it was before messages were written into one reused buffer: the reference
/// the tests compare the new one with, word for word.
#[cfg(test)]
mod reference {
    use super::super::rule::{Decided, missing_rows, truth};
    use super::super::slots::{Slots, ev};
    use super::{Own, text_in, unknown_word, write_label};
    use crate::diag::{Lang, Text};
    use crate::engine::RuleResult;
    use crate::expr::Value;
    use crate::num;
    use crate::pack::{Format, Pack, Piece, Rule, Status, Template};

    pub(super) fn format_value(v: &Value, format: Format, lang: Lang) -> String {
        let mut out = String::new();
        write_labeled(&mut out, v, format, lang, None);
        out
    }

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

    pub(super) fn render(pieces: &[Piece], env: &Slots<'_>, own: &Own<'_>, lang: Lang) -> String {
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Slot { slot, format } => match env.shown(*slot) {
                    Some(v) => write_labeled(&mut out, &v, *format, lang, Some(env.pack)),
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
                    out.push_str(&s.unwrap_or_else(|| {
                        if lang.is_zh() { "未知" } else { "unknown" }.to_string()
                    }));
                }
            }
        }
        out
    }

    fn message(t: &Template, env: &Slots<'_>, own: &Own<'_>) -> Text {
        text_in(
            env,
            || render(&t.zh, env, own, Lang::Zh),
            || render(&t.en, env, own, Lang::En),
        )
    }

    pub(super) fn rule_message(
        rule: &Rule,
        res: &RuleResult,
        decided: &Decided,
        env: &Slots<'_>,
    ) -> Text {
        let (applies, status, unknown) = (decided.applies, res.status, &res.unknown);
        let own = Own {
            bound: res.bound,
            allowed: res.allowed_total,
            fired: &decided.fired,
            triggers: &rule.triggers,
        };
        let mut msg = if applies.is_none() {
            text_in(
                env,
                || format!("无法判定是否适用：{}", rule.title.zh),
                || format!("cannot tell whether '{}' applies", rule.title.en),
            )
        } else if status == Status::NotApplicable {
            text_in(
                env,
                || format!("不适用：{}的适用条件不成立", rule.title.zh),
                || {
                    format!(
                        "not applicable: the condition of '{}' does not hold",
                        rule.title.en
                    )
                },
            )
        } else {
            message(&rule.message, env, &own)
        };
        for n in rule
            .notes
            .iter()
            .filter(|_| status != Status::NotApplicable)
        {
            if truth(&ev(&n.when, env, env.reference)) == Some(true) {
                let note = text_in(
                    env,
                    || render(&[Piece::Lit(n.text.zh.clone())], env, &own, Lang::Zh),
                    || render(&[Piece::Lit(n.text.en.clone())], env, &own, Lang::En),
                );
                msg = msg.join(&note, "；", "; ");
            }
        }
        if !unknown.is_empty() && matches!(status, Status::Review | Status::Advisory) {
            let list = unknown.join(", ");
            let note = if status == Status::Advisory {
                text_in(
                    env,
                    || format!("未检查，缺少：{list}"),
                    || format!("not checked, missing: {list}"),
                )
            } else {
                text_in(
                    env,
                    || format!("无法判定，需要：{list}"),
                    || format!("cannot decide without: {list}"),
                )
            };
            msg = msg.join(&note, "；", "; ");
            for hint in missing_rows(unknown, env) {
                msg = msg.join(&hint, "；", "; ");
            }
        }
        msg
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, OnceLock};

    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::super::RuleResult;
    use super::super::rule::{Decided, rule_message};
    use super::super::slots::Slots;
    use super::{Own, reference, render};
    use crate::diag::Lang;
    use crate::expr::{Unknown, Value};
    use crate::pack::{Format, Pack, Piece, Registry, Status};

    /// The built-in packs, compiled once.
    fn packs() -> &'static [Arc<Pack>] {
        static PACKS: OnceLock<Vec<Arc<Pack>>> = OnceLock::new();
        PACKS.get_or_init(|| {
            let r = Registry::new();
            ["benxi-2019", "national-2018"]
                .iter()
                .map(|id| r.load(id).expect("a built-in pack compiles"))
                .collect()
        })
    }

    /// Any decimal: every mantissa below 2^96, every scale, either sign (negative zero too).
    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
                any::<bool>(),
                0u32..=28
            )
                .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
            (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
            (-2_000_000_000i64..2_000_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<bool>(), 0u32..=28).prop_map(|(neg, s)| Decimal::from_parts(0, 0, 0, neg, s)),
            Just(Decimal::MAX),
            Just(Decimal::MIN),
        ]
    }

    /// Strings a message may show: catalog ids, enumerated values, anything else.
    fn text() -> impl Strategy<Value = String> {
        let known: Vec<String> = packs()
            .iter()
            .flat_map(|p| {
                let c = &p.catalog;
                c.indicators
                    .iter()
                    .chain(&c.productivity)
                    .chain(&c.labor_cost)
                    .map(|e| e.id.clone())
                    .collect::<Vec<_>>()
            })
            .chain(
                [
                    "competitive",
                    "functional",
                    "wholly_owned",
                    "filing",
                    "other",
                    "",
                ]
                .map(String::from),
            )
            .collect();
        prop_oneof![prop::sample::select(known), "\\PC{0,12}"]
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => decimal().prop_map(Value::Num),
            1 => any::<bool>().prop_map(Value::Bool),
            2 => text().prop_map(Value::Str),
            1 => (-1_000_000i32..4_000_000).prop_map(|d| Value::Date(
                chrono::NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default()
            )),
            2 => "[a-z_.]{1,20}".prop_map(|r| Value::Unknown(Unknown::new(r))),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            6 => scalar(),
            1 => prop::collection::vec(scalar(), 0..4).prop_map(Value::List),
            1 => prop::collection::vec(text().prop_map(Value::Str), 0..4).prop_map(Value::List),
        ]
    }

    fn format() -> impl Strategy<Value = Format> {
        prop::sample::select(vec![Format::Plain, Format::Percent, Format::Money])
    }

    fn piece(slots: u32) -> impl Strategy<Value = Piece> {
        prop_oneof![
            "\\PC{0,8}".prop_map(Piece::Lit),
            (0..slots + 2, format()).prop_map(|(slot, format)| Piece::Slot { slot, format }),
            (
                prop::sample::select(vec!["bound", "allowed_total", "triggers"]),
                format()
            )
                .prop_map(|(n, format)| Piece::Own {
                    name: n.to_string(),
                    format
                }),
        ]
    }

    fn lang() -> impl Strategy<Value = Lang> {
        prop::sample::select(vec![Lang::Zh, Lang::En])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A template filled by the writer reads as the reference filled it.
        #[test]
        fn templates_render_as_before(
            pack in 0usize..2,
            values in prop::collection::vec(value(), 0..6),
            pieces in prop::collection::vec(piece(6), 0..8),
            bound in prop::option::of(decimal()),
            allowed in prop::option::of(decimal()),
            fired in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
            rule in any::<prop::sample::Index>(),
            lang in lang(),
        ) {
            let pack = &packs()[pack];
            let rule = rule.get(&pack.rules);
            let fired: Vec<usize> = if rule.triggers.is_empty() {
                Vec::new()
            } else {
                fired.iter().map(|i| i.index(rule.triggers.len())).collect()
            };
            let env = Slots::from_values(values.clone(), pack, None, false);
            let own = Own { bound, allowed, fired: &fired, triggers: &rule.triggers };
            prop_assert_eq!(
                render(&pieces, &env, &own, lang),
                reference::render(&pieces, &env, &own, lang)
            );
            for v in &values {
                for f in [Format::Plain, Format::Percent, Format::Money] {
                    prop_assert_eq!(
                        super::format_value(v, f, lang),
                        reference::format_value(v, f, lang)
                    );
                }
            }
        }

        /// Each rule of the built-in packs, in any state, says what the reference said.
        #[test]
        fn rule_messages_read_as_before(
            pack in 0usize..2,
            rule in any::<prop::sample::Index>(),
            values in prop::collection::vec(value(), 0..400),
            applies in prop::option::of(any::<bool>()),
            status in prop::sample::select(vec![
                Status::Pass, Status::NotApplicable, Status::Advisory, Status::Review, Status::Fail,
            ]),
            bound in prop::option::of(decimal()),
            allowed in prop::option::of(decimal()),
            fired in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
            unknown in prop::collection::vec(prop_oneof![
                "[a-z_.]{1,20}",
                Just("budget.prior_year_wage_total".to_string()),
                (2000i32..2040).prop_map(|y| format!("national_average_wage_series[{y}]")),
            ], 0..3),
            only in prop::option::of(lang()),
        ) {
            let pack = &packs()[pack];
            let i = rule.index(pack.rules.len());
            let rule = &pack.rules[i];
            let fired: Vec<usize> = if rule.triggers.is_empty() {
                Vec::new()
            } else {
                fired.iter().map(|k| k.index(rule.triggers.len())).collect()
            };
            let c = &pack.program.rules[i];
            let res = RuleResult {
                id: c.id.clone(),
                clause: c.clause.clone(),
                title: c.title.clone(),
                status,
                message: Default::default(),
                bound,
                strict: false,
                allowed_total: allowed,
                triggers: Vec::new(),
                unknown: unknown.into_iter().map(Into::into).collect(),
                trace: Vec::new(),
                layers: c.layers.clone(),
                undecided_bound: None,
            };
            let decided = Decided { applies, fired };
            // Every slot filled: the values drawn, then unknowns.
            let mut values = values;
            values.resize(pack.names.slots.len(), Value::Unknown(Unknown::new("x")));
            let both = Slots::from_values(values.clone(), pack, None, false);
            let new = rule_message(rule, &res, &decided, &both);
            prop_assert_eq!(&new, &reference::rule_message(rule, &res, &decided, &both));
            if let Some(lang) = only {
                let env = Slots::from_values(values, pack, Some(lang), false);
                let one = rule_message(rule, &res, &decided, &env);
                prop_assert_eq!(one.get(lang), new.get(lang));
                let other = if lang == Lang::Zh { Lang::En } else { Lang::Zh };
                prop_assert_eq!(one.get(other), "");
            }
        }
    }
}
