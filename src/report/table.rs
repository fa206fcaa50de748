//! The table view for people: the verdict first, standing out; the enterprise and the pack;
//! then the cap (largest allowed total, binding rule, how far over or under); then one row per
//! rule. The width is an input (the command line measures the terminal): below
//! [`NARROW`] columns the rules are listed rather than tabulated, so 80 columns read well.
//! Colour only when the view asks for it.

use comfy_table::{
    Attribute, Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};
use unicode_width::UnicodeWidthStr;

use super::escape::visible as v;
use super::words::{self, t};
use super::{Report, Summary, View};
use crate::diag::Lang;
use crate::engine::Verdict;
use crate::num;
use crate::pack::Status;

/// Narrower than this, the rules table becomes a two-column list.
pub const NARROW: u16 = 100;

fn money_opt(d: Option<rust_decimal::Decimal>, lang: Lang) -> String {
    d.map(num::money_grouped)
        .unwrap_or_else(|| t(lang, "未知", "unknown"))
}

fn verdict_color(v: Verdict) -> Color {
    match v {
        Verdict::Pass => Color::Green,
        Verdict::OutOfScope => Color::Grey,
        Verdict::Review => Color::Yellow,
        Verdict::Fail => Color::Red,
        Verdict::Invalid => Color::Magenta,
    }
}

fn status_color(s: Status) -> Option<Color> {
    match s {
        Status::Pass => Some(Color::Green),
        Status::Fail => Some(Color::Red),
        Status::Review => Some(Color::Yellow),
        Status::Advisory => Some(Color::Cyan),
        Status::NotApplicable => None,
    }
}

/// ANSI SGR code of a colour, for text outside tables.
fn ansi(c: Color) -> &'static str {
    match c {
        Color::Green => "32",
        Color::Red => "31",
        Color::Yellow => "33",
        Color::Magenta => "35",
        Color::Cyan => "36",
        _ => "90",
    }
}

/// `text` in bold colour when the view colours.
fn paint(text: &str, c: Color, view: View) -> String {
    if view.color {
        format!("\x1b[1;{}m{text}\x1b[0m", ansi(c))
    } else {
        text.to_string()
    }
}

fn new_table(view: View) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(view.width);
    if view.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

fn colored(text: String, c: Option<Color>, view: View) -> Cell {
    let cell = Cell::new(text);
    match c {
        Some(c) if view.color => cell.fg(c).add_attribute(Attribute::Bold),
        _ => cell,
    }
}

/// The verdict line that opens a report: `■ 不通过  本溪…有限公司`.
fn banner(r: &Report, lang: Lang, view: View) -> String {
    // The verdict's line holds the verdict only; the name (or file name) the filing gives comes
    // on a line of its own, made visible, so no name can read as a verdict.
    let name = if r.name.is_empty() {
        super::summary::source_of(r)
    } else {
        r.name.clone()
    };
    let name = v(&name);
    format!(
        "{}\n  {name}\n",
        paint(
            &format!("■ {}", r.verdict.label_in(lang)),
            verdict_color(r.verdict),
            view
        )
    )
}

/// One report as text, at the view's width.
pub fn report(r: &Report, lang: Lang, view: View) -> String {
    let mut out = banner(r, lang, view);
    if r.eval.is_none() {
        for e in &r.errors {
            out.push_str(&format!("  {}\n", v(&e.render(lang))));
        }
        return out;
    }
    let mut head = new_table(view);
    head.add_row(vec![
        t(lang, "企业", "Enterprise"),
        format!(
            "{}  {}",
            v(&r.name),
            v(r.credit_code.as_deref().unwrap_or_default())
        ),
    ]);
    let kind = match r.kind {
        Some(crate::filing::FilingKind::AnnualReturn) => words::value_label("annual_return", lang),
        _ => words::value_label("budget", lang),
    };
    head.add_row(vec![
        t(lang, "类别", "Category"),
        format!("{} · {kind}", words::category(r, lang)),
    ]);
    head.add_row(vec![t(lang, "来源", "Source"), v(&r.source).into_owned()]);
    if let Some(p) = &r.pack {
        let chain: Vec<&str> = p.chain.iter().map(|(id, _)| id.as_str()).collect();
        head.add_row(vec![
            t(lang, "规则包", "Rule pack"),
            format!(
                "{} {}{}{}{}",
                p.document,
                p.title.get(lang),
                t(lang, "（", " ("),
                chain.join(" → "),
                t(lang, "）", ")")
            ),
        ]);
    }
    head.add_row(vec![
        Cell::new(t(lang, "结论", "Verdict")),
        colored(
            r.verdict.label_in(lang).to_string(),
            Some(verdict_color(r.verdict)),
            view,
        ),
    ]);
    let Some(ev) = &r.eval else {
        return out;
    };
    if r.verdict != Verdict::OutOfScope && ev.kind == crate::filing::FilingKind::Budget {
        let regime = match &ev.regime.required {
            Some(x) => words::value_label(x, lang),
            None => format!(
                "{}（{}）",
                t(lang, "未定", "undecided"),
                v(&ev.regime.unknown.join(", "))
            ),
        };
        head.add_row(vec![t(lang, "应实行", "Required regime"), regime]);
    }
    match &ev.cap {
        Some(c) => {
            head.add_row(vec![
                t(lang, "最高工资总额", "Largest allowed total"),
                format!(
                    "{} {}{}{} {}{}",
                    num::money_grouped(c.max_wage_total),
                    t(lang, "元", "yuan"),
                    t(lang, "（", " ("),
                    t(lang, "增幅上限", "growth cap"),
                    num::percent(c.wage_growth, 4),
                    t(lang, "）", ")"),
                ),
            ]);
            head.add_row(vec![
                t(lang, "约束规则", "Binding rule"),
                words::binding_rule(r, lang).unwrap_or_default(),
            ]);
            let over = c.excess.is_some_and(|e| e > rust_decimal::Decimal::ZERO);
            head.add_row(vec![
                Cell::new(t(lang, "与上限相比", "Against the cap")),
                colored(
                    words::against_cap(c, lang),
                    over.then_some(Color::Red),
                    view,
                ),
            ]);
            if !c.undecided.is_empty() {
                head.add_row(vec![
                    t(lang, "未定规则", "Undecided rules"),
                    ev.cap_unknown.get(lang).to_string(),
                ]);
            }
        }
        None if r.verdict != Verdict::OutOfScope => {
            head.add_row(vec![
                t(lang, "增幅上限", "Cap"),
                v(ev.cap_unknown.get(lang)).into_owned(),
            ]);
        }
        None => {}
    }
    if let Some(c) = &ev.clearing {
        head.add_row(vec![
            t(lang, "清算", "Clearing"),
            format!(
                "{} {} | {} {} | {} {} | {} {}",
                t(lang, "核定", "approved"),
                money_opt(c.approved_wage_total, lang),
                t(lang, "清算", "cleared"),
                money_opt(c.cleared_wage_total, lang),
                t(lang, "实发", "actual"),
                money_opt(c.actual_wage_total, lang),
                t(lang, "应扣回", "to recover"),
                money_opt(c.to_recover, lang),
            ),
        ]);
    }
    let fill = words::fields_to_fill(r);
    if !fill.is_empty() {
        head.add_row(vec![t(lang, "需补填", "To fill in"), fill.join(", ")]);
    }
    out.push_str(&head.to_string());
    out.push('\n');
    out.push_str(&rules_table(r, lang, view));
    out
}

/// The rules: a table when the view is wide enough, else a list of status and rule.
fn rules_table(r: &Report, lang: Lang, view: View) -> String {
    let Some(ev) = &r.eval else {
        return String::new();
    };
    let mut rules = new_table(view);
    if view.width >= NARROW {
        rules.set_header(vec![
            t(lang, "规则", "Rule"),
            t(lang, "条款", "Clause"),
            t(lang, "状态", "Status"),
            t(lang, "说明", "Message"),
        ]);
        for rr in &ev.rules {
            rules.add_row(vec![
                Cell::new(v(&rr.id)),
                Cell::new(v(&rr.clause)),
                colored(
                    rr.status.label().get(lang).to_string(),
                    status_color(rr.status),
                    view,
                ),
                Cell::new(v(rr.message.get(lang))),
            ]);
        }
    } else {
        rules.set_header(vec![
            t(lang, "状态", "Status"),
            t(lang, "规则 [条款] 与说明", "Rule [clause] and message"),
        ]);
        for rr in &ev.rules {
            rules.add_row(vec![
                colored(
                    rr.status.label().get(lang).to_string(),
                    status_color(rr.status),
                    view,
                ),
                Cell::new(format!(
                    "{} [{}]\n{}",
                    v(&rr.id),
                    v(&rr.clause),
                    v(rr.message.get(lang))
                )),
            ]);
        }
    }
    rules.to_string() + "\n"
}

/// The full trace for `explain`: a plain summary first (what was checked, the verdict, the
/// rule that binds, the largest total allowed, what to fill in), then the report, then every
/// quantity and every rule's formulas with values.
pub fn explain(r: &Report, lang: Lang, only: Option<&str>, view: View) -> String {
    let mut out = format!("{}\n", t(lang, "== 摘要 ==", "== Summary =="));
    for line in words::plain_summary(r, lang) {
        out.push_str(&wrap(&format!("• {}", v(&line)), view.width as usize, 2));
    }
    out.push('\n');
    out.push_str(&report(r, lang, view));
    let Some(ev) = &r.eval else { return out };
    if only.is_none() {
        out.push_str(&format!(
            "\n{}\n",
            t(lang, "== 数量 ==", "== Quantities ==")
        ));
        for (line, (_, _, text)) in ev.quantity_trace.iter().zip(&ev.quantities) {
            let layer = r
                .pack
                .as_ref()
                .and_then(|p| p.quantity_layer(&line.label))
                .map(|l| format!(" [{l}]"))
                .unwrap_or_default();
            out.push_str(&wrap(
                &format!("{} ({}){layer}", v(&line.label), v(text.get(lang))),
                view.width as usize,
                2,
            ));
            out.push_str(&format!(
                "  = {}\n  = {}\n  = {}\n",
                v(&line.expr),
                v(&line.substituted),
                v(&words::value(&line.value, lang))
            ));
        }
    }
    out.push_str(&format!("\n{}\n", t(lang, "== 规则 ==", "== Rules ==")));
    for rr in ev
        .rules
        .iter()
        .filter(|rr| only.is_none_or(|o| o == &*rr.id))
    {
        // Wrapped before painting: the colour codes take no columns.
        let head = wrap(
            &format!(
                "{} [{}] {} — {}",
                v(&rr.id),
                v(&rr.clause),
                v(rr.title.get(lang)),
                rr.status.label().get(lang)
            ),
            view.width as usize,
            2,
        );
        let status = rr.status.label();
        let status = status.get(lang);
        out.push_str(&match head.rfind(status) {
            Some(i) => format!(
                "{}{}{}",
                &head[..i],
                paint(status, status_color(rr.status).unwrap_or(Color::Grey), view),
                &head[i + status.len()..]
            ),
            None => head.clone(),
        });
        out.push_str(&wrap(
            &format!("  {}", v(rr.message.get(lang))),
            view.width as usize,
            2,
        ));
        if !rr.layers.is_empty() {
            out.push_str(&format!(
                "  {}: {}\n",
                t(lang, "来自", "from"),
                rr.layers.join(" → ")
            ));
        }
        if let Some(p) = &r.pack
            && !p.params_of(&rr.id).is_empty()
        {
            let list: Vec<String> = p
                .params_of(&rr.id)
                .iter()
                .map(|(n, v, l)| format!("{n} = {} [{l}]", v.get(lang)))
                .collect();
            out.push_str(&format!(
                "  {}: {}\n",
                t(lang, "参数", "parameters"),
                list.join(", ")
            ));
        }
        for line in &rr.trace {
            out.push_str(&format!(
                "  {}: {}\n      = {}\n      = {}\n",
                v(&words::trace_label(&line.label, lang)),
                v(&line.expr),
                v(&line.substituted),
                v(&words::value(&line.value, lang))
            ));
        }
        if let Some(a) = rr.allowed_total {
            out.push_str(&format!(
                "  {}: {}\n",
                t(
                    lang,
                    "允许的最高工资总额（向下取整到分）",
                    "largest allowed total (rounded down to the cent)"
                ),
                num::money_grouped(a)
            ));
        }
    }
    out
}

/// Wraps `text` to `width` columns (East Asian characters count two), continuation lines
/// indented by `indent`; breaks at a space where there is one, else between characters.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    wrap_into(&mut out, text, width, indent);
    out
}

/// [`wrap`], appended to `out`.
fn wrap_into(out: &mut String, text: &str, width: usize, indent: usize) {
    wrap_after(out, 0, text, width, indent);
}

/// [`wrap_into`] of `indent` spaces followed by `text`, appended to `out`: the same lines,
/// without building that text first.
fn wrap_indented_into(out: &mut String, text: &str, width: usize, indent: usize) {
    // The spaces of the indent never break a line: a break needs more than `indent` columns
    // on it, and every width is at least `indent + 20`.
    out.extend(std::iter::repeat_n(' ', indent));
    wrap_after(out, indent, text, width, indent);
}

/// Wraps `text` onto a line of `out` already `line_w` columns wide (`line_w` spaces, or
/// nothing), as [`wrap`] does: pieces ([`next_piece`]) fill a line up to `width` columns; a
/// line is ended before a piece that would pass it (and a space that would start the next line
/// is dropped), its trailing whitespace trimmed; a piece wider than a whole line is broken
/// between characters. The text is copied a run of pieces at a time, not piece by piece.
fn wrap_after(out: &mut String, mut line_w: usize, text: &str, width: usize, indent: usize) {
    let width = width.max(indent + 20);
    // The line being filled is `out[line..]`, then `text[from..i]` not yet copied.
    let mut line = out.len() - line_w.min(out.len());
    if line_w <= width && fits(text, width - line_w) {
        // Nothing to break (most lines): as the loop below would leave it.
        out.push_str(text);
        let kept = out[line..].trim_end().len();
        out.truncate(line + kept);
        out.push('\n');
        return;
    }
    let mut from = 0;
    let end_line = |out: &mut String, line: &mut usize| {
        let kept = out[*line..].trim_end().len();
        out.truncate(*line + kept);
        out.push('\n');
        *line = out.len();
        out.extend(std::iter::repeat_n(' ', indent));
    };
    let mut i = 0;
    let b = text.as_bytes();
    while let Some(&c) = b.get(i) {
        // A character led by `E5`–`E9` is a CJK ideograph (U+5000–U+9FFF): two columns, three
        // bytes (the text is UTF-8), a piece of its own.
        let (end, w) = if (0xe5..=0xe9).contains(&c) {
            (i + 3, 2)
        } else {
            next_piece(text, i)
        };
        if line_w + w > width && line_w > indent {
            out.push_str(&text[from..i]);
            end_line(out, &mut line);
            line_w = indent;
            from = i;
            if &text[i..end] == " " {
                from = end;
                i = end;
                continue;
            }
        }
        if w > width - indent {
            // A piece longer than a line: break it between characters.
            let word = &text[i..end];
            for (k, c) in word.char_indices() {
                let cw = word[k..k + c.len_utf8()].width();
                if line_w + cw > width {
                    out.push_str(&text[from..i + k]);
                    end_line(out, &mut line);
                    line_w = indent;
                    from = i + k;
                }
                line_w += cw;
            }
            i = end;
            continue;
        }
        line_w += w;
        i = end;
    }
    out.push_str(&text[from..]);
    let kept = out[line..].trim_end().len();
    out.truncate(line + kept);
    out.push('\n');
}

/// True when `text` is printable ASCII, CJK ideographs (U+4E00–U+9FFF) and fullwidth forms
/// (U+FF01–U+FF60) only, at most `room` columns wide in all: no piece of it then breaks a
/// line. False for anything else, which [`wrap_after`] measures piece by piece.
fn fits(text: &str, room: usize) -> bool {
    // Such text is at least two columns every three bytes: a longer one cannot fit.
    text.len() * 2 <= room * 3 && simple_width(text, room).is_some()
}

/// The width of `text` when it is printable ASCII, CJK ideographs (U+4E00–U+9FFF) and
/// fullwidth forms (U+FF01–U+FF60) only (as `str::width` counts it) and at most `most`
/// columns, else `None`.
fn simple_width(text: &str, most: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut w = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if w > most {
            return None;
        }
        if (0x20..0x7f).contains(&c) {
            w += 1;
            i += 1;
            continue;
        }
        // A lead byte `E5`–`E9`: a CJK ideograph (U+5000–U+9FFF), three bytes.
        if (0xe5..=0xe9).contains(&c) {
            w += 2;
            i += 3;
            continue;
        }
        let (Some(&b1), Some(&b2)) = (b.get(i + 1), b.get(i + 2)) else {
            return None;
        };
        let cp = (u32::from(c & 0x0f) << 12) | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f);
        if !(0xe0..=0xef).contains(&c) || !matches!(cp, 0x4e00..=0x9fff | 0xff01..=0xff60) {
            return None;
        }
        w += 2;
        i += 3;
    }
    (w <= most).then_some(w)
}

/// The piece of `text` that starts at byte `i` (a character boundary), as [`split_keep`]
/// splits it: where it ends, and its width as [`piece_width`] counts it.
fn next_piece(text: &str, i: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let word_byte = |c: u8| c.is_ascii() && !c.is_ascii_whitespace();
    if word_byte(b[i]) {
        // A run of non-space ASCII: printable ASCII is one column a byte.
        let mut j = i;
        let mut printable = true;
        while j < b.len() && word_byte(b[j]) {
            printable &= (0x20..0x7f).contains(&b[j]);
            j += 1;
        }
        let w = if printable { j - i } else { text[i..j].width() };
        return (j, w);
    }
    if b[i] == b' ' {
        return (i + 1, 1);
    }
    // A three-byte character (the text is UTF-8: two continuation bytes follow its lead
    // byte), decoded here: a CJK ideograph or a fullwidth form is two columns.
    if let (0xe0..=0xef, Some(&b1), Some(&b2)) = (b[i], b.get(i + 1), b.get(i + 2)) {
        let c = (u32::from(b[i] & 0x0f) << 12) | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f);
        if matches!(c, 0x4e00..=0x9fff | 0xff01..=0xff60) {
            return (i + 3, 2);
        }
    }
    let Some(c) = text[i..].chars().next() else {
        return (text.len(), 0);
    };
    let j = i + c.len_utf8();
    let w = if matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff60}') {
        2
    } else {
        text[i..j].width()
    };
    (j, w)
}

/// A piece's width, as `str::width` counts it: printable ASCII one column a byte, a CJK
/// ideograph or a fullwidth form two columns, anything else asked of `unicode-width`.
#[cfg(test)]
fn piece_width(piece: &str) -> usize {
    let b = piece.as_bytes();
    if b.iter().all(|c| (0x20..0x7f).contains(c)) {
        return b.len();
    }
    let mut chars = piece.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff60}')
    {
        return 2;
    }
    piece.width()
}

/// Splits into breakable pieces: runs of non-space ASCII stay whole (words, numbers, ids),
/// every other character and every space is a piece of its own.
#[cfg(test)]
fn split_keep(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        let word_char = |c: char| c.is_ascii() && !c.is_ascii_whitespace();
        let len = if word_char(c) {
            rest.find(|c| !word_char(c)).unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        let (piece, tail) = rest.split_at(len);
        rest = tail;
        Some(piece)
    })
}

/// The table format: each report as [`report`]; in a batch, the summary, the counts per rule,
/// then a block for every filing listed: verdict, enterprise and source, the allowed total and
/// the excess, and the main reason.
pub struct TableFormat {
    pub view: View,
}

/// One filing of a batch listing, as a block of lines at the view's width.
pub fn batch_block(r: &Report, lang: Lang, view: View) -> String {
    let mut out = String::with_capacity(256);
    batch_block_into(&mut out, r, lang, view);
    out
}

/// `zh` or `en`.
fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang.is_zh() { zh } else { en }
}

/// `text`, in bold colour when the view colours, appended to `out`.
fn push_painted(out: &mut String, text: &str, c: Color, view: View) {
    if view.color {
        out.push_str("\x1b[1;");
        out.push_str(ansi(c));
        out.push('m');
        out.push_str(text);
        out.push_str("\x1b[0m");
    } else {
        out.push_str(text);
    }
}

/// [`batch_block`], appended to `out`.
fn batch_block_into(out: &mut String, r: &Report, lang: Lang, view: View) {
    let label = r.verdict.label_in(lang);
    let pad =
        8usize.saturating_sub(simple_width(label, usize::MAX).unwrap_or_else(|| label.width()));
    push_painted(out, label, verdict_color(r.verdict), view);
    out.extend(std::iter::repeat_n(' ', pad + 2));
    if !r.name.is_empty() {
        out.push_str(&v(&r.name));
        out.push_str("  ");
    }
    // Where it came from (`file.csv#N`), made visible.
    out.push_str(&v(&r.source));
    if let Some(row) = r.row {
        out.push('#');
        num::push_uint(out, row as u64);
    }
    out.push('\n');
    const INDENT: &str = "          ";
    if let Some(c) = r.eval.as_ref().and_then(|e| e.cap.as_ref()) {
        out.push_str(INDENT);
        out.push_str(pick(lang, "最高工资总额", "largest allowed total"));
        out.push(' ');
        num::push_money_grouped(out, c.max_wage_total);
        out.push(' ');
        out.push_str(pick(lang, "元", "yuan"));
        if let Some(e) = c.excess {
            let over = e > rust_decimal::Decimal::ZERO;
            out.push_str(pick(lang, "，", ", "));
            // Over the cap: in bold red when the view colours (as `push_painted` writes it).
            let painted = over && view.color;
            if painted {
                out.push_str("\x1b[1;");
                out.push_str(ansi(Color::Red));
                out.push('m');
            }
            out.push_str(if over {
                pick(lang, "超出上限", "over the cap by")
            } else {
                pick(lang, "低于上限", "under the cap by")
            });
            out.push(' ');
            num::push_money_grouped(out, e.abs());
            out.push(' ');
            out.push_str(pick(lang, "元", "yuan"));
            if painted {
                out.push_str("\x1b[0m");
            }
        }
        out.push('\n');
    }
    if let Some(x) = super::summary::to_recover(r)
        && !x.is_zero()
    {
        out.push_str(INDENT);
        out.push_str(pick(lang, "应扣回", "to recover"));
        out.push(' ');
        num::push_money_grouped(out, x);
        out.push(' ');
        out.push_str(pick(lang, "元", "yuan"));
        out.push('\n');
    }
    // The reason is written into a reused buffer, then made visible and wrapped into `out`.
    let wrap = |out: &mut String, reason: &mut String| {
        reason.clear();
        r.main_reason_into(reason, lang);
        let reason = v(reason);
        if !reason.is_empty() {
            out.reserve(reason.len() + reason.len() / 4 + 16);
            wrap_indented_into(out, &reason, view.width as usize, INDENT.len());
        }
    };
    REASON.with(|cell| match cell.try_borrow_mut() {
        Ok(mut reason) => wrap(out, &mut reason),
        // Only when a block is written while another is (never done): a fresh buffer.
        Err(_) => wrap(out, &mut String::new()),
    });
}

thread_local! {
    /// Each thread's buffer for a block's reason, reused by every block it writes.
    static REASON: std::cell::RefCell<String> = std::cell::RefCell::new(String::with_capacity(512));
}

impl super::Printer for TableFormat {
    fn document(&self, reports: &[Report], lang: Lang, _trace: bool) -> String {
        reports
            .iter()
            .map(|r| report(r, lang, self.view) + "\n")
            .collect()
    }
    fn item(&self, r: &Report, lang: Lang, _trace: bool) -> Vec<u8> {
        if r.verdict == Verdict::Pass && !self.view.list_pass {
            return Vec::new();
        }
        let mut out = String::with_capacity(1024);
        batch_block_into(&mut out, r, lang, self.view);
        out.into_bytes()
    }
    fn item_messages(&self) -> crate::engine::Messages {
        crate::engine::Messages::Main
    }
    fn begin_reads_summary(&self) -> bool {
        true
    }
    fn begin(&self, summary: &Summary, lang: Lang) -> String {
        let mut out = super::summary::summary_table(summary, lang) + "\n";
        let rules = super::summary::rule_table(summary, lang);
        if !rules.is_empty() {
            out.push_str(&rules);
            out.push('\n');
        }
        out
    }
    fn end(&self, _summary: &Summary, _lang: Lang) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_chinese_and_words_to_the_width() {
        let s = wrap(
            "linkage.growth_cap [二(三)1]: 效益增长 3.2%：工资总额增幅 4% 不得超过 3.2%",
            30,
            4,
        );
        for line in s.lines() {
            assert!(line.width() <= 30, "{line:?}");
        }
        assert!(s.contains("linkage.growth_cap"), "an id is not broken: {s}");
        assert_eq!(s.lines().count(), 3, "{s}");
    }

    /// `wrap` as it was, allocating a piece list and a string a character.
    fn old_wrap(text: &str, width: usize, indent: usize) -> String {
        let width = width.max(indent + 20);
        let mut pieces = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            let word_char = c.is_ascii() && !c.is_ascii_whitespace();
            match (word_char, start) {
                (true, None) => start = Some(i),
                (true, Some(_)) => {}
                (false, s) => {
                    if let Some(s) = s {
                        pieces.push(&text[s..i]);
                        start = None;
                    }
                    pieces.push(&text[i..i + c.len_utf8()]);
                }
            }
        }
        if let Some(s) = start {
            pieces.push(&text[s..]);
        }
        let mut out = String::new();
        let mut line = String::new();
        let mut line_w = 0;
        for word in pieces {
            let w = word.width();
            if line_w + w > width && line_w > indent {
                out.push_str(line.trim_end());
                out.push('\n');
                line = " ".repeat(indent);
                line_w = indent;
                if word == " " {
                    continue;
                }
            }
            if w > width - indent {
                for c in word.chars() {
                    let cw = c.to_string().width();
                    if line_w + cw > width {
                        out.push_str(line.trim_end());
                        out.push('\n');
                        line = " ".repeat(indent);
                        line_w = indent;
                    }
                    line.push(c);
                    line_w += cw;
                }
                continue;
            }
            line.push_str(word);
            line_w += w;
        }
        out.push_str(line.trim_end());
        out.push('\n');
        out
    }

    #[test]
    fn piece_widths_as_unicode_width_counts_them() {
        for c in ('\u{20}'..'\u{7f}')
            .chain('\u{4e00}'..='\u{9fff}')
            .chain('\u{ff01}'..='\u{ff60}')
        {
            let s = c.to_string();
            assert_eq!(piece_width(&s), s.width(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn pieces_are_split_and_measured_as_before() {
        let text =
            "linkage.growth_cap [二(三)1]: 效益\u{3000}增长 3.2%：a\u{1}b\u{301}\tx\u{1f600}";
        let mut i = 0;
        let mut old = split_keep(text);
        while i < text.len() {
            let (end, w) = next_piece(text, i);
            let piece = old.next().unwrap_or_default();
            assert_eq!(&text[i..end], piece);
            assert_eq!(w, piece_width(piece), "{piece:?}");
            i = end;
        }
        assert_eq!(old.next(), None);
    }

    proptest::proptest! {
        #[test]
        fn indented_wrap_is_unchanged(
            text in "([a-z0-9._\\[\\]()]{1,40}|[ 　]{1,3}|[本溪工资总额：，（）%]{1,12}|\\PC{1,4})*",
            width in 0usize..90,
            indent in 0usize..12,
            before in "[a-z\n]{0,5}",
        ) {
            let mut out = before.clone();
            wrap_indented_into(&mut out, &text, width, indent);
            let spaced = format!("{}{text}", " ".repeat(indent));
            proptest::prop_assert_eq!(out, before + &old_wrap(&spaced, width, indent));
        }

        #[test]
        fn pieces_are_unchanged(text in "([a-z0-9._\\[\\]()]{1,40}|[ 　\t\n]{1,3}|[本溪工资总额：，（）%]{1,12}|\\PC{1,4}|[\\x00-\\x7f]{1,5})*") {
            let mut i = 0;
            let mut old = split_keep(&text);
            while i < text.len() {
                let (end, w) = next_piece(&text, i);
                let piece = old.next().unwrap_or_default();
                proptest::prop_assert_eq!(&text[i..end], piece);
                proptest::prop_assert_eq!(w, piece_width(piece));
                i = end;
            }
            proptest::prop_assert_eq!(old.next(), None);
        }

        #[test]
        fn wide_wrap_is_unchanged(
            text in "([a-z0-9._\\[\\]()%]{1,20}|[ ]{1,2}|[本溪工资总额：，（）]{1,12}|\\PC)*",
            width in 0usize..400,
            indent in 0usize..12,
        ) {
            proptest::prop_assert_eq!(wrap(&text, width, indent), old_wrap(&text, width, indent));
        }

        #[test]
        fn wrap_is_unchanged(
            text in "([a-z0-9._\\[\\]()]{1,40}|[ 　]{1,3}|[本溪工资总额：，（）%]{1,12}|\\PC{1,4})*",
            width in 0usize..90,
            indent in 0usize..12,
        ) {
            proptest::prop_assert_eq!(wrap(&text, width, indent), old_wrap(&text, width, indent));
        }
    }
}
