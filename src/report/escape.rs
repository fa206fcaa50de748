//! Escaping what a filing says before it reaches a reader: a filing (its name, its file name, a
//! value quoted in a message) is untrusted text, and must never drive the terminal, forge a line
//! or a table of a Markdown report, or break the XML of a JUnit report.
//!
//! - [`visible`]: every control character (C0, DEL, C1), the Unicode line and paragraph
//!   separators, the bidirectional overrides and isolates, and the noncharacters U+FFFE/U+FFFF
//!   are written as `\u{…}`, so that an ANSI or OSC escape, a NUL or a newline shows as text.
//! - [`markdown`]: [`visible`], then every character Markdown (CommonMark, GitHub tables) gives a
//!   meaning is backslash-escaped, and `&` `<` `>` become entities.
//! - [`xml`]: [`visible`], then the five XML special characters become entities; what XML 1.0
//!   forbids can no longer occur.
//! - [`html`]: the same as [`xml`] (HTML text and attribute values).
//!
//! JSON needs none of this: serde escapes every control character.

use std::borrow::Cow;

/// True for a character that must not reach a reader raw.
pub fn is_hidden(c: char) -> bool {
    c.is_control() // C0, DEL and C1 (U+0080–U+009F)
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{200E}' | '\u{200F}' // left-to-right and right-to-left marks
            | '\u{202A}'..='\u{202E}' // bidirectional embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidirectional isolates
            | '\u{061C}' // Arabic letter mark
            | '\u{FEFF}' // zero-width no-break space (a byte order mark mid-text)
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{FFFE}' | '\u{FFFF}' // noncharacters (not allowed in XML)
        )
}

/// `s` with every hidden character ([`is_hidden`]) written as `\u{…}` (hex, lower case).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !may_hide(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    replace_chars(s, is_hidden, |c| format!("\\u{{{:x}}}", c as u32))
}

/// False when `b` (UTF-8) holds no hidden character ([`is_hidden`]), read a character at a
/// time by its lead byte alone: a hidden character is a C0 control or DEL, or starts with one of
/// the lead bytes `C2` (C1), `D8` (U+061C), `E2` (U+2xxx) or `EF` (U+FExx, U+FFxx), and is then
/// told apart by the byte after it. True means "maybe" only for `E2 80`, `E2 81`, `EF BB` and
/// `EF BF` sequences that are none; then [`is_hidden`] decides, a character at a time.
fn may_hide(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        i += match LEAD[usize::from(c)] {
            HIDDEN => return true,
            CHECK => {
                let next = b.get(i + 1).copied().unwrap_or(0);
                let hit = match c {
                    // U+0080–U+009F.
                    0xc2 => matches!(next, 0x80..=0x9f),
                    // U+061C.
                    0xd8 => next == 0x9c,
                    // U+2000–U+207F: the marks, separators, embeddings, overrides, isolates.
                    0xe2 => matches!(next, 0x80 | 0x81),
                    // U+FEC0–U+FEFF and U+FFC0–U+FFFF: the byte order mark, the
                    // annotations, the noncharacters.
                    _ => matches!(next, 0xbb | 0xbf),
                };
                if hit {
                    return true;
                }
                if c < 0xe0 { 2 } else { 3 }
            }
            n => usize::from(n),
        };
    }
    false
}

/// [`LEAD`]: a C0 control or DEL.
const HIDDEN: u8 = 0;
/// [`LEAD`]: the lead byte of a character that may be hidden.
const CHECK: u8 = 5;

/// For each byte at the start of a character: [`HIDDEN`], [`CHECK`], or the character's
/// length in bytes (a continuation byte, never at a start, counts one).
const LEAD: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c {
            0x00..=0x1f | 0x7f => HIDDEN,
            0xc2 | 0xd8 | 0xe2 | 0xef => CHECK,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xff => 4,
            _ => 1,
        };
        c += 1;
    }
    t
};

/// `s` with each character `hit` selects replaced by `with(c)`; borrowed when none is hit.
fn replace_chars(s: &str, hit: fn(char) -> bool, with: impl Fn(char) -> String) -> Cow<'_, str> {
    if !s.chars().any(hit) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hit(c) {
            out.push_str(&with(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text with every hidden character ([`is_hidden`]) written as a `\\uXXXX` escape. serde
/// escapes the C0 controls; DEL, the C1 controls (U+009B is a terminal's CSI), the bidi
/// overrides and the line separators it writes raw, which is valid JSON but reaches a terminal
/// that prints the output. The result is the same JSON value.
pub fn json(s: &str) -> Cow<'_, str> {
    // Every hidden character is in the Basic Multilingual Plane: one escape each.
    replace_chars(s, json_hidden, |c| format!("\\u{:04x}", c as u32))
}

/// Hidden outside JSON's own whitespace: serde escapes every C0 control inside a string, so
/// a line break or tab in JSON text is the pretty printer's.
fn json_hidden(c: char) -> bool {
    is_hidden(c) && !matches!(c, '\n' | '\r' | '\t')
}

/// `s` as literal Markdown text (a paragraph, a heading, a list item or a table cell): hidden
/// characters made visible, Markdown syntax backslash-escaped, `&` `<` `>` as entities.
pub fn markdown(s: &str) -> String {
    let v = visible(s);
    let mut out = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Every ASCII punctuation character may be backslash-escaped in CommonMark, and is
            // then literal; these start or end a construct anywhere in a line (emphasis, code,
            // a link or image, a heading's closing `#`s, a table cell, strikethrough). The
            // escaped text is never at the start of a line, so `-`, `+`, `1.` and `>` cannot
            // begin a list or a quote there.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` as XML character data or an attribute value (either quote): hidden characters made
/// visible, `& < > " '` as entities. The result holds only characters XML 1.0 allows.
pub fn xml(s: &str) -> String {
    let v = visible(s);
    let mut out = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Unreachable after `visible` (every C0 is hidden), kept so that the guarantee does
            // not rest on another function: XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] |
            // [#xE000-#xFFFD] | [#x10000-#x10FFFF].
            c if !xml_allowed(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A character XML 1.0 allows in a document.
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` as HTML text or a quoted attribute value: as [`xml`].
pub fn html(s: &str) -> String {
    xml(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(visible("本溪 ACME"), "本溪 ACME");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(
            visible("A\u{1b}[32mPASS\u{1b}]0;t\u{7}\0\n\r\t\u{7f}\u{85}"),
            "A\\u{1b}[32mPASS\\u{1b}]0;t\\u{7}\\u{0}\\u{a}\\u{d}\\u{9}\\u{7f}\\u{85}"
        );
        assert_eq!(
            visible("x\u{202e}y\u{2028}z\u{fffe}\u{2066}"),
            "x\\u{202e}y\\u{2028}z\\u{fffe}\\u{2066}"
        );
        assert!(!visible("\u{1b}\u{9b}\u{202e}").chars().any(is_hidden));
    }

    #[test]
    fn the_byte_scan_misses_no_hidden_character() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            if is_hidden(c) {
                assert!(may_hide(s.as_bytes()), "U+{:04X}", c as u32);
            }
            // Between other text too.
            let t = format!("a{c}本");
            assert!(!visible(&t).chars().any(is_hidden), "U+{:04X}", c as u32);
            assert_eq!(
                matches!(visible(&t), Cow::Borrowed(_)),
                !is_hidden(c),
                "U+{:04X}",
                c as u32
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn visible_is_unchanged(s in "\\PC*|[\\x00-\\x7f\u{80}-\u{9f}\u{2000}-\u{2070}\u{fef0}-\u{ffff}本a]{0,12}") {
            let old = replace_chars(&s, is_hidden, |c| format!("\\u{{{:x}}}", c as u32));
            proptest::prop_assert_eq!(visible(&s), old);
        }
    }

    #[test]
    fn markdown_cannot_forge_lines_tables_or_links() {
        let forged = "ACME — pass\n\n| rule | status |\n|---|---|\n## x [a](http://e) <b>&amp;";
        let m = markdown(forged);
        assert!(!m.contains('\n'));
        assert!(!m.contains('<'));
        assert!(m.contains("\\[a\\](http://e)")); // the link is broken by escapes
        assert!(m.chars().filter(|c| *c == '|').all(|_| true));
        assert_eq!(m.matches("\\|").count(), m.matches('|').count());
        assert!(m.contains("&lt;b&gt;&amp;amp;"));
        assert_eq!(markdown("a_b*c`d"), "a\\_b\\*c\\`d");
        assert_eq!(markdown("本溪钢联"), "本溪钢联");
    }

    #[test]
    fn json_keeps_its_value_without_hidden_characters() {
        let text = serde_json::to_string(&"a\u{1b}\u{9b}\u{202e}\u{fffe}b").unwrap_or_default();
        let safe = json(&text);
        assert!(!safe.chars().any(is_hidden), "{safe}");
        assert_eq!(json("{\n  \"a\": 1\n}"), "{\n  \"a\": 1\n}");
        let back: String = serde_json::from_str(&safe).unwrap_or_default();
        assert_eq!(back, "a\u{1b}\u{9b}\u{202e}\u{fffe}b");
    }

    #[test]
    fn xml_holds_only_allowed_characters() {
        let x = xml("bad\u{fffe}name\u{1}\u{1b}<&>\"'\u{ffff}");
        assert!(x.chars().all(xml_allowed));
        assert_eq!(
            x,
            "bad\\u{fffe}name\\u{1}\\u{1b}&lt;&amp;&gt;&quot;&apos;\\u{ffff}"
        );
        assert_eq!(html("<script>"), "&lt;script&gt;");
    }
}
