//! The JSON report, schema `wagecheck/report/v1` (spec/report.md). Every number is a decimal
//! string, exact; unknown values are `null`.

use rust_decimal::Decimal;
use serde::ser::{Serialize, Serializer};
use serde_json::{Value as J, json};

use super::{PackRef, Report};
use crate::diag::Lang;
use crate::engine::{RuleResult, TraceLine};
use crate::expr::Value;
use crate::filing::FilingKind;
use crate::num;
use crate::pack::Status;
use std::sync::Arc;

use crate::diag::Text;
use crate::engine::SharedStr;

pub const SCHEMA: &str = "wagecheck/report/v1";

/// The document printed instead of reports when a rule pack fails to load (exit 2): the
/// report schema's `invalid` shape, with the pack's located errors.
pub fn pack_error(errors: &[crate::diag::Diagnostic], lang: Lang) -> J {
    json!({
        "schema": SCHEMA,
        "verdict": "invalid",
        "error": "pack",
        "errors": serde_json::to_value(Errors(errors, lang)).unwrap_or(J::Null),
    })
}

struct Errors<'a>(&'a [crate::diag::Diagnostic], Lang);

impl Serialize for Errors<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let lang = self.1;
        s.collect_seq(self.0.iter().map(|e| {
            let mut v = json!({
                "file": e.file,
                "line": e.line,
                "column": e.column,
                "field": e.field,
                "message": e.message.get(lang),
            });
            // A workbook's errors also name the sheet and cell (`预算!C7`).
            if let (Some(cell), Some(o)) = (&e.cell, v.as_object_mut()) {
                o.insert("cell".into(), cell.clone().into());
            }
            v
        }))
    }
}

/// For each byte starting a character, how far to step over it when it needs no look; 0 for
/// what may need escaping: `"`, `\`, the C0 controls, DEL, and the UTF-8 lead bytes of the
/// other hidden characters ([`super::escape::is_hidden`]: C1 is `C2 80–9F`, U+061C is
/// `D8 9C`, U+200E–U+2069 start with `E2`, U+FEFF–U+FFFF with `EF`). A Chinese character
/// (lead bytes `E3`–`E9`) is stepped over whole.
static STEP: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i {
            0..0x20 | 0x22 | 0x5c | 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef => 0,
            0xc0..0xe0 => 2,
            0xe0..0xf0 => 3,
            0xf0..0xf8 => 4,
            _ => 1,
        };
        i += 1;
    }
    t
};

/// Appends `s` as a JSON string: what serde_json escapes (`"`, `\`, C0 controls, with its short
/// forms), escaped the same way, and every other hidden character as `\uXXXX` (what
/// [`super::escape::json`] does to serde's text afterwards). The same bytes, in one pass.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let step = STEP[c as usize];
        if step != 0 {
            i += step as usize;
            continue;
        }
        // `s` is UTF-8: a lead byte is followed by its continuation bytes.
        let b1 = b.get(i + 1).copied().unwrap_or(0);
        let b2 = b.get(i + 2).copied().unwrap_or(0);
        let (len, hidden) = match c {
            0xc2 => (2, b1 <= 0x9f),
            0xd8 => (2, b1 == 0x9c),
            0xe2 => (
                3,
                matches!(
                    (b1, b2),
                    (0x80, 0x8e | 0x8f | 0xa8..=0xae) | (0x81, 0xa6..=0xa9)
                ),
            ),
            0xef => (
                3,
                matches!((b1, b2), (0xbb, 0xbf) | (0xbf, 0xb9..=0xbb | 0xbe | 0xbf)),
            ),
            _ => (1, true),
        };
        if !hidden {
            i += len;
            continue;
        }
        out.extend_from_slice(&b[run..i]);
        let code = match len {
            1 => u32::from(c),
            2 => (u32::from(c & 0x1f) << 6) | u32::from(b1 & 0x3f),
            _ => (u32::from(c & 0x0f) << 12) | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f),
        };
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x09 => out.extend_from_slice(b"\\t"),
            0x0a => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            0x0d => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[(code >> shift) as usize & 0xf]);
                }
            }
        }
        i += len;
        run = i;
    }
    out.extend_from_slice(&b[run..]);
    out.push(b'"');
}

/// A member's key as [`W::key`] takes it: `,"name":`.
macro_rules! k {
    ($k:literal) => {
        concat!(",\"", $k, "\":")
    };
}

/// JSON text written straight into a buffer: compact, or pretty exactly as serde_json's pretty
/// printer writes it (two spaces a level, `": "`, empty containers as `[]` and `{}`).
struct W<'a> {
    out: &'a mut Vec<u8>,
    pretty: bool,
    depth: usize,
    /// Whether the open container has no element yet.
    first: bool,
}

impl W<'_> {
    fn newline(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }
    fn open(&mut self, c: u8) {
        self.out.push(c);
        self.depth += 1;
        self.first = true;
    }
    fn close(&mut self, c: u8) {
        self.depth -= 1;
        if self.pretty && !self.first {
            self.newline();
        }
        self.out.push(c);
        self.first = false;
    }
    /// Before an array's element or an object's member.
    fn elem(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        if self.pretty {
            self.newline();
        }
        self.first = false;
    }
    /// A member's key, one of ours (ASCII, nothing to escape), given as its compact text
    /// `,"key":` ([`k!`]).
    fn key(&mut self, frag: &'static str) {
        let f = frag.as_bytes();
        if self.pretty {
            self.elem();
            // `"key"`, then `": "`.
            self.out
                .extend_from_slice(f.get(1..f.len().saturating_sub(1)).unwrap_or_default());
            self.out.extend_from_slice(b": ");
            return;
        }
        // Compact: the whole fragment, without its comma before the first member.
        let f = if self.first {
            f.get(1..).unwrap_or_default()
        } else {
            f
        };
        self.first = false;
        self.out.extend_from_slice(f);
    }
    /// A member's key from a pack or a filing.
    fn key_text(&mut self, k: &str) {
        self.elem();
        string(self.out, k);
        self.colon();
    }
    fn colon(&mut self) {
        if self.pretty {
            self.out.extend_from_slice(b": ");
        } else {
            self.out.push(b':');
        }
    }
    /// Members written beforehand (compact only).
    fn members(&mut self, raw: &[u8]) {
        self.elem();
        self.out.extend_from_slice(raw);
    }
    fn str(&mut self, s: &str) {
        string(self.out, s);
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => string(self.out, s),
            None => self.null(),
        }
    }
    fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }
    fn bool(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" as &[u8] } else { b"false" });
    }
    fn uint(&mut self, n: usize) {
        let mut buf = itoa_buf();
        self.out.extend_from_slice(itoa(&mut buf, n as u64));
    }
    fn opt_uint(&mut self, n: Option<usize>) {
        match n {
            Some(n) => self.uint(n),
            None => self.null(),
        }
    }
    /// A decimal without trailing zeros, as a string.
    fn plain(&mut self, d: Decimal) {
        self.out.push(b'"');
        num::write_plain(self.out, d);
        self.out.push(b'"');
    }
    /// Money with two decimals at least, as a string.
    fn money(&mut self, d: Decimal) {
        self.out.push(b'"');
        num::write_money(self.out, d);
        self.out.push(b'"');
    }
    fn opt_money(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => self.money(d),
            None => self.null(),
        }
    }
    fn date(&mut self, d: chrono::NaiveDate) {
        self.out.push(b'"');
        write_date(self.out, d);
        self.out.push(b'"');
    }
    fn strs<S: AsRef<str>>(&mut self, items: &[S]) {
        self.open(b'[');
        for x in items {
            self.elem();
            self.str(x.as_ref());
        }
        self.close(b']');
    }
    fn value(&mut self, v: &Value) {
        match v {
            Value::Num(n) => self.plain(*n),
            Value::Bool(b) => self.bool(*b),
            Value::Str(x) => self.str(x),
            Value::Date(d) => self.date(*d),
            Value::List(items) => {
                self.open(b'[');
                for x in items {
                    self.elem();
                    self.value(x);
                }
                self.close(b']');
            }
            Value::Unknown(_) => self.null(),
        }
    }
}

fn itoa_buf() -> [u8; 20] {
    [0; 20]
}

/// The decimal digits of `n`.
fn itoa(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// A date as its `Display` writes it (`2026-01-15`).
fn write_date(out: &mut Vec<u8>, d: chrono::NaiveDate) {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        let y = y as u32;
        for x in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            out.push(b'0' + x as u8);
        }
        out.extend_from_slice(&[
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (day / 10) as u8,
            b'0' + (day % 10) as u8,
        ]);
    } else {
        use std::io::Write;
        let _ = write!(out, "{d}");
    }
}

/// What the compact JSON of every report under one pack shares, written once per pack and
/// language (see [`PackRef::json_fragments`]): the pack's block, each rule's id, clause and
/// title, each regime step, and the quantities' keys.
#[derive(Clone, Debug)]
pub struct Fragments {
    /// `"pack":{…,"receipt":{"engine":…,"evaluated_on":` (the date follows).
    pack_head: Vec<u8>,
    /// `,"packs":[…]}}`, after the date.
    pack_tail: Vec<u8>,
    rules: Vec<RuleFragment>,
    steps: Vec<StepFragment>,
    quantities: Quantities,
}

#[derive(Clone, Debug)]
struct RuleFragment {
    /// The pack's own strings: a result's are the same pointers, compared first.
    id: SharedStr,
    clause: SharedStr,
    title: String,
    title_text: Option<Arc<Text>>,
    /// `"id":"…"`
    head: Vec<u8>,
    /// `"clause":"…","title":"…"`
    middle: Vec<u8>,
    /// For each status: `"id":"…","status":"…","clause":"…","title":"…","message":`.
    openings: Vec<(Status, Vec<u8>)>,
}

#[derive(Clone, Debug)]
struct StepFragment {
    id: String,
    message: String,
    /// `{"id":"…","message":"…"}`
    object: Vec<u8>,
}

/// The pack's quantities in order, each with its key, and which to write: a later quantity of
/// the same name replaces the earlier one, in the earlier one's place.
#[derive(Clone, Debug, Default)]
struct Quantities {
    /// The pack's own names: an evaluation's are the same pointers, compared first.
    names: Vec<SharedStr>,
    /// For each quantity: `"name":`
    keys: Vec<Vec<u8>>,
    /// For each quantity: the index of the value written in its place, if it is the first of
    /// its name.
    written: Vec<Option<usize>>,
}

impl Quantities {
    fn new(names: impl Iterator<Item = SharedStr>) -> Quantities {
        let names: Vec<SharedStr> = names.collect();
        let written = dedup_plan(names.iter().map(SharedStr::as_str));
        let keys = names
            .iter()
            .map(|n| {
                let mut k = Vec::with_capacity(n.len() + 3);
                string(&mut k, n);
                k.push(b':');
                k
            })
            .collect();
        Quantities {
            names,
            keys,
            written,
        }
    }
}

/// For each name: the index of the last one of the same name when this is the first, else
/// `None`. (Linear: a pack may have tens of thousands of quantities.)
fn dedup_plan<'a>(names: impl Iterator<Item = &'a str> + Clone) -> Vec<Option<usize>> {
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, n) in names.clone().enumerate() {
        last.insert(n, i);
    }
    names.map(|n| last.remove(n)).collect()
}

/// The `"pack"` member up to the receipt's `"evaluated_on"` key (its value is the report's).
fn write_pack_head(w: &mut W, p: &PackRef, lang: Lang) {
    w.key(k!("pack"));
    w.open(b'{');
    w.key(k!("id"));
    w.str(&p.id);
    w.key(k!("chain"));
    w.open(b'[');
    for (id, _) in &p.chain {
        w.elem();
        w.str(id);
    }
    w.close(b']');
    w.key(k!("document"));
    w.str(&p.document);
    w.key(k!("title"));
    w.str(p.title.get(lang));
    w.key(k!("receipt"));
    w.open(b'{');
    w.key(k!("engine"));
    w.str(ENGINE);
    w.key(k!("evaluated_on"));
}

/// The receipt's `"packs"` after `"evaluated_on"`, and the closing of the receipt and the pack.
fn write_pack_tail(w: &mut W, p: &PackRef) {
    w.key(k!("packs"));
    w.open(b'[');
    for (id, h) in &p.chain {
        w.elem();
        w.open(b'{');
        w.key(k!("id"));
        w.str(id);
        w.key(k!("sha256"));
        w.str(h);
        w.close(b'}');
    }
    w.close(b']');
    w.close(b'}');
    w.close(b'}');
}

impl Fragments {
    pub(crate) fn new(p: &PackRef, pack: &crate::pack::Pack, lang: Lang) -> Fragments {
        let mut pack_head = Vec::with_capacity(512);
        let mut w = W {
            out: &mut pack_head,
            pretty: false,
            depth: 1,
            first: true,
        };
        write_pack_head(&mut w, p, lang);
        let mut pack_tail = Vec::with_capacity(256);
        let mut w = W {
            out: &mut pack_tail,
            pretty: false,
            depth: 3,
            first: false,
        };
        write_pack_tail(&mut w, p);
        let rules = pack
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let shared = pack
                    .program
                    .rules
                    .get(i)
                    .filter(|c| c.id == r.id && c.clause == r.clause);
                let mut head = Vec::with_capacity(r.id.len() + 8);
                head.extend_from_slice(b"\"id\":");
                string(&mut head, &r.id);
                let title = r.title.get(lang);
                let mut middle = Vec::with_capacity(r.clause.len() + title.len() + 24);
                middle.extend_from_slice(b"\"clause\":");
                string(&mut middle, &r.clause);
                middle.extend_from_slice(b",\"title\":");
                string(&mut middle, title);
                let openings = [
                    Status::Pass,
                    Status::NotApplicable,
                    Status::Advisory,
                    Status::Review,
                    Status::Fail,
                ]
                .into_iter()
                .map(|status| {
                    let mut o = Vec::with_capacity(head.len() + middle.len() + 40);
                    o.extend_from_slice(&head);
                    o.extend_from_slice(b",\"status\":");
                    string(&mut o, status.as_str());
                    o.push(b',');
                    o.extend_from_slice(&middle);
                    o.extend_from_slice(k!("message").as_bytes());
                    (status, o)
                })
                .collect();
                RuleFragment {
                    id: shared.map_or_else(|| r.id.as_str().into(), |c| c.id.clone()),
                    clause: shared.map_or_else(|| r.clause.as_str().into(), |c| c.clause.clone()),
                    title: title.to_string(),
                    title_text: shared
                        .filter(|c| c.title.get(lang) == title)
                        .map(|c| c.title.clone()),
                    head,
                    middle,
                    openings,
                }
            })
            .collect();
        let steps = pack
            .regime
            .steps
            .iter()
            .map(|s| {
                let message = s.text.get(lang);
                let mut object = Vec::with_capacity(s.id.len() + message.len() + 24);
                object.extend_from_slice(b"{\"id\":");
                string(&mut object, &s.id);
                object.extend_from_slice(b",\"message\":");
                string(&mut object, message);
                object.push(b'}');
                StepFragment {
                    id: s.id.clone(),
                    message: message.to_string(),
                    object,
                }
            })
            .collect();
        Fragments {
            pack_head,
            pack_tail,
            rules,
            steps,
            quantities: Quantities::new(pack.program.quantities.iter().map(|(n, _)| n.clone())),
        }
    }

    /// The rule fragment for `rr`, looked for from `from` on (results come in the pack's
    /// order), if its id, clause and title are the pack's.
    fn rule(&self, rr: &RuleResult, lang: Lang, from: &mut usize) -> Option<&RuleFragment> {
        let n = self.rules.len();
        let at = (0..n)
            .map(|k| (*from + k) % n)
            .find(|&i| same(&self.rules[i].id, &rr.id))?;
        *from = at + 1;
        let f = &self.rules[at];
        let title = match &f.title_text {
            Some(t) if Arc::ptr_eq(t, &rr.title) => true,
            _ => f.title == rr.title.get(lang),
        };
        (same(&f.clause, &rr.clause) && title).then_some(f)
    }
}

/// Whether two strings are equal, the same pointer and length first.
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

const ENGINE: &str = concat!("wagecheck ", env!("CARGO_PKG_VERSION"));

/// Writes one report.
struct ReportWriter<'a> {
    r: &'a Report,
    lang: Lang,
    trace: bool,
    /// The pack's shared fragments (compact text only).
    frags: Option<&'a Fragments>,
}

impl ReportWriter<'_> {
    fn write(&self, w: &mut W) {
        let (r, lang) = (self.r, self.lang);
        w.open(b'{');
        w.key(k!("schema"));
        w.str(SCHEMA);
        w.key(k!("source"));
        w.str(&r.source);
        if let Some(row) = r.row {
            w.key(k!("row"));
            w.uint(row);
        }
        let Some(ev) = &r.eval else {
            w.key(k!("verdict"));
            w.str(r.verdict.as_str());
            w.key(k!("errors"));
            errors(w, &r.errors, lang);
            w.close(b'}');
            return;
        };
        w.key(k!("enterprise"));
        w.open(b'{');
        w.key(k!("name"));
        w.str(&r.name);
        w.key(k!("credit_code"));
        w.opt_str(r.credit_code.as_deref());
        w.key(k!("category"));
        w.str(&r.category);
        w.close(b'}');
        w.key(k!("kind"));
        w.str(match r.kind {
            Some(FilingKind::AnnualReturn) => "annual_return",
            _ => "budget",
        });
        if let Some(p) = &r.pack {
            self.pack(w, p);
        }
        w.key(k!("verdict"));
        w.str(r.verdict.as_str());
        w.key(k!("required_regime"));
        w.opt_str(ev.regime.required.as_deref());
        w.key(k!("regime"));
        self.regime(w, &ev.regime);
        w.key(k!("quantities"));
        self.quantities(w, &ev.quantities);
        w.key(k!("cap"));
        match &ev.cap {
            Some(c) => {
                cap(w, c);
                if !c.undecided.is_empty() {
                    w.key(k!("cap_note"));
                    w.str(ev.cap_unknown.get(lang));
                }
            }
            None => {
                w.null();
                w.key(k!("cap_note"));
                w.str(ev.cap_unknown.get(lang));
            }
        }
        w.key(k!("rules"));
        w.open(b'[');
        let mut from = 0;
        for rr in &ev.rules {
            w.elem();
            self.rule(w, rr, &mut from);
        }
        w.close(b']');
        if self.trace {
            w.key(k!("trace"));
            trace(w, &ev.quantity_trace, r.pack.as_deref());
        }
        if let Some(c) = &ev.clearing {
            w.key(k!("clearing"));
            w.open(b'{');
            w.key(k!("approved_wage_total"));
            w.opt_money(c.approved_wage_total);
            w.key(k!("cleared_wage_total"));
            w.opt_money(c.cleared_wage_total);
            w.key(k!("actual_wage_total"));
            w.opt_money(c.actual_wage_total);
            w.key(k!("to_recover"));
            w.opt_money(c.to_recover);
            w.key(k!("unknown"));
            w.strs(&c.unknown);
            w.close(b'}');
        }
        w.close(b'}');
    }

    fn pack(&self, w: &mut W, p: &PackRef) {
        let date = |w: &mut W| match self.r.evaluated_on {
            Some(d) => w.date(d),
            None => w.null(),
        };
        if let Some(f) = self.frags {
            w.members(&f.pack_head);
            date(w);
            w.out.extend_from_slice(&f.pack_tail);
            return;
        }
        write_pack_head(w, p, self.lang);
        date(w);
        write_pack_tail(w, p);
    }

    fn regime(&self, w: &mut W, g: &crate::engine::RegimeResult) {
        w.open(b'{');
        w.key(k!("required"));
        w.opt_str(g.required.as_deref());
        w.key(k!("steps"));
        w.open(b'[');
        for (id, text) in &g.fired {
            let message = text.get(self.lang);
            let shared = self
                .frags
                .and_then(|f| f.steps.iter().find(|s| s.id == *id && s.message == message));
            match shared {
                Some(s) => w.members(&s.object),
                None => {
                    w.elem();
                    w.open(b'{');
                    w.key(k!("id"));
                    w.str(id);
                    w.key(k!("message"));
                    w.str(message);
                    w.close(b'}');
                }
            }
        }
        w.close(b']');
        w.key(k!("unknown"));
        w.strs(&g.unknown);
        w.close(b'}');
    }

    fn quantities(
        &self,
        w: &mut W,
        qs: &[(
            crate::engine::SharedStr,
            Value,
            std::sync::Arc<crate::diag::Text>,
        )],
    ) {
        w.open(b'{');
        let shared = self.frags.map(|f| &f.quantities).filter(|q| {
            q.names.len() == qs.len() && q.names.iter().zip(qs).all(|(a, (b, _, _))| same(a, b))
        });
        match shared {
            Some(q) => {
                for (key, at) in q.keys.iter().zip(&q.written) {
                    if let Some(i) = *at {
                        w.members(key);
                        w.value(&qs[i].1);
                    }
                }
            }
            None => {
                let plan = dedup_plan(qs.iter().map(|(n, _, _)| n.as_str()));
                for ((name, _, _), at) in qs.iter().zip(plan) {
                    if let Some(i) = at {
                        w.key_text(name);
                        w.value(&qs[i].1);
                    }
                }
            }
        }
        w.close(b'}');
    }

    fn rule(&self, w: &mut W, rr: &RuleResult, from: &mut usize) {
        let lang = self.lang;
        w.open(b'{');
        let shared = self.frags.and_then(|f| f.rule(rr, lang, from));
        let opening = shared.and_then(|f| f.openings.iter().find(|(s, _)| *s == rr.status));
        if let Some((_, o)) = opening {
            // Everything up to the message's value, written once per pack.
            w.members(o);
        } else {
            match shared {
                Some(f) => w.members(&f.head),
                None => {
                    w.key(k!("id"));
                    w.str(&rr.id);
                }
            }
            w.key(k!("status"));
            w.str(rr.status.as_str());
            match shared {
                Some(f) => w.members(&f.middle),
                None => {
                    w.key(k!("clause"));
                    w.str(&rr.clause);
                    w.key(k!("title"));
                    w.str(rr.title.get(lang));
                }
            }
            w.key(k!("message"));
        }
        w.str(rr.message.get(lang));
        if let Some(b) = rr.bound {
            w.key(k!("bound"));
            w.plain(b);
            w.key(k!("strict"));
            w.bool(rr.strict);
        }
        if let Some(a) = rr.allowed_total {
            w.key(k!("allowed_total"));
            w.money(a);
        }
        if !rr.triggers.is_empty() {
            w.key(k!("triggers"));
            w.strs(&rr.triggers);
        }
        if !rr.unknown.is_empty() {
            w.key(k!("unknown"));
            w.strs(&rr.unknown);
        }
        if self.trace {
            w.key(k!("trace"));
            trace(w, &rr.trace, None);
            w.key(k!("layers"));
            w.strs(&rr.layers);
            if let Some(p) = self.r.pack.as_deref() {
                w.key(k!("params"));
                w.open(b'[');
                for (n, v, l) in p.params_of(&rr.id) {
                    w.elem();
                    w.open(b'{');
                    w.key(k!("name"));
                    w.str(n);
                    w.key(k!("value"));
                    w.str(&v.en);
                    w.key(k!("layer"));
                    w.str(l);
                    w.close(b'}');
                }
                w.close(b']');
            }
        }
        w.close(b'}');
    }
}

/// Trace lines; with a pack, each quantity line names the layer that defined it.
fn trace(w: &mut W, lines: &[TraceLine], layers: Option<&PackRef>) {
    w.open(b'[');
    for t in lines {
        w.elem();
        w.open(b'{');
        w.key(k!("label"));
        w.str(&t.label);
        w.key(k!("expr"));
        w.str(&t.expr);
        w.key(k!("substituted"));
        w.str(&t.substituted);
        w.key(k!("value"));
        w.value(&t.value);
        if let Some(l) = layers.and_then(|p| p.quantity_layer(&t.label)) {
            w.key(k!("layer"));
            w.str(l);
        }
        w.close(b'}');
    }
    w.close(b']');
}

fn cap(w: &mut W, c: &crate::engine::CapResult) {
    w.open(b'{');
    w.key(k!("wage_growth"));
    w.plain(c.wage_growth);
    w.key(k!("strict"));
    w.bool(c.strict);
    w.key(k!("binding_rule"));
    w.str(&c.binding_rule);
    w.key(k!("max_wage_total"));
    w.money(c.max_wage_total);
    w.key(k!("excess"));
    w.opt_money(c.excess);
    w.key(k!("excess_points"));
    match c.excess_points {
        Some(x) => w.plain(x),
        None => w.null(),
    }
    if !c.undecided.is_empty() {
        w.key(k!("undecided"));
        w.strs(&c.undecided);
    }
    w.close(b'}');
}

/// Located errors: file, line, column, field, message, and a workbook's cell.
fn errors(w: &mut W, errors: &[crate::diag::Diagnostic], lang: Lang) {
    w.open(b'[');
    for e in errors {
        w.elem();
        w.open(b'{');
        w.key(k!("file"));
        w.str(&e.file);
        w.key(k!("line"));
        w.opt_uint(e.line);
        w.key(k!("column"));
        w.opt_uint(e.column);
        w.key(k!("field"));
        w.opt_str(e.field.as_deref());
        w.key(k!("message"));
        w.str(e.message.get(lang));
        // A workbook's errors also name the sheet and cell (`预算!C7`).
        if let Some(cell) = &e.cell {
            w.key(k!("cell"));
            w.str(cell);
        }
        w.close(b'}');
    }
    w.close(b']');
}

/// Writes `reports` as JSON text: pretty (two spaces) or compact; one report as an object,
/// else (`array`) an array.
fn write_reports(out: &mut Vec<u8>, reports: &[Report], lang: Lang, trace: bool, pretty: bool) {
    let mut w = W {
        out,
        pretty,
        depth: 0,
        first: true,
    };
    let one = |w: &mut W, r: &Report| {
        ReportWriter {
            r,
            lang,
            trace,
            frags: match pretty {
                true => None,
                false => r.pack.as_deref().and_then(|p| p.json_fragments(lang)),
            },
        }
        .write(w)
    };
    if let [r] = reports {
        one(&mut w, r);
        return;
    }
    w.open(b'[');
    for r in reports {
        w.elem();
        one(&mut w, r);
    }
    w.close(b']');
}

/// One report as a JSON object. `with_trace` adds each rule's formulas and values.
pub fn report(r: &Report, lang: Lang, with_trace: bool) -> J {
    let mut out = Vec::with_capacity(8192);
    write(&mut out, r, lang, with_trace);
    // Our own JSON text: it parses.
    serde_json::from_slice(&out).unwrap_or(J::Null)
}

/// One report written as compact JSON (the same text as `report(…).to_string()`, with every
/// hidden character escaped) straight into `out`: strings escaped in one pass, decimals
/// written from their digits, the pack's constant parts copied from its [`Fragments`].
pub fn write(out: &mut Vec<u8>, r: &Report, lang: Lang, with_trace: bool) {
    write_reports(out, std::slice::from_ref(r), lang, with_trace, false);
}

thread_local! {
    /// The length of the longest item each worker wrote (64 KiB at most).
    static LONGEST: std::cell::Cell<usize> = const { std::cell::Cell::new(4096) };
}

/// The JSON format: one report as a pretty object, several as a pretty array; a stream is an
/// array with one compact report a line.
pub struct Json;

impl super::Printer for Json {
    fn document(&self, reports: &[Report], lang: Lang, trace: bool) -> String {
        let mut out = Vec::with_capacity(8192 * reports.len().max(1));
        write_reports(&mut out, reports, lang, trace, true);
        out.push(b'\n');
        // JSON text is UTF-8.
        String::from_utf8(out).unwrap_or_default()
    }
    fn item(&self, r: &Report, lang: Lang, trace: bool) -> Vec<u8> {
        // Written straight into the item, sized by the longest item this thread wrote (up to
        // 64 KiB); one much shorter than its buffer is copied to its size.
        let mut buf = Vec::with_capacity(LONGEST.get() + 64);
        write(&mut buf, r, lang, trace);
        buf.push(b'\n');
        LONGEST.set(LONGEST.get().max(buf.len().min(1 << 16)));
        if buf.capacity() > 2 * buf.len() + 4096 {
            buf.shrink_to_fit();
        }
        buf
    }
    fn separator(&self) -> &'static [u8] {
        b","
    }
    fn begin_reads_summary(&self) -> bool {
        false
    }
    fn begin(&self, _summary: &super::Summary, _lang: Lang) -> String {
        "[\n".into()
    }
    fn end(&self, _summary: &super::Summary, _lang: Lang) -> String {
        "]\n".into()
    }
}

/// JSON Lines: one compact report a line, in a document as in a stream.
pub struct Jsonl;

impl super::Printer for Jsonl {
    fn document(&self, reports: &[Report], lang: Lang, trace: bool) -> String {
        let mut out = Vec::new();
        for r in reports {
            out.extend(self.item(r, lang, trace));
        }
        // `write` writes JSON text, which is UTF-8.
        String::from_utf8(out).unwrap_or_default()
    }
    fn item(&self, r: &Report, lang: Lang, trace: bool) -> Vec<u8> {
        Json.item(r, lang, trace)
    }
    fn begin_reads_summary(&self) -> bool {
        false
    }
    fn begin(&self, _summary: &super::Summary, _lang: Lang) -> String {
        String::new()
    }
    fn end(&self, _summary: &super::Summary, _lang: Lang) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text the JSON report wrote before: serde_json's string, then every hidden character
    /// escaped.
    fn reference(s: &str) -> String {
        super::super::escape::json(&serde_json::to_string(s).unwrap_or_default()).into_owned()
    }

    fn direct(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn every_character_is_escaped_as_before() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let s = format!("a{c}b{c}");
            assert_eq!(direct(&s), reference(&s), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn hidden_characters_and_quotes() {
        assert_eq!(direct("本溪 \"A\"\\\n"), "\"本溪 \\\"A\\\"\\\\\\n\"");
        assert_eq!(
            direct("\u{1b}[1m\u{9b}\u{202e}"),
            "\"\\u001b[1m\\u009b\\u202e\""
        );
        assert_eq!(direct(""), "\"\"");
    }

    proptest! {
        #[test]
        fn strings_are_escaped_as_before(s in "(\\PC|[\\x00-\\x1f\\x7f-\\x9f\u{2028}\u{202e}\u{fffe}\u{ffff}\u{feff}\u{61c}\"\\\\])*") {
            prop_assert_eq!(direct(&s), reference(&s));
        }

        #[test]
        fn any_string_is_escaped_as_before(s in any::<String>()) {
            prop_assert_eq!(direct(&s), reference(&s));
        }
    }

    #[test]
    fn dates_as_displayed() {
        for (y, m, d) in [
            (2026, 1, 15),
            (999, 12, 31),
            (0, 1, 1),
            (-5, 3, 4),
            (10000, 7, 8),
        ] {
            let Some(date) = chrono::NaiveDate::from_ymd_opt(y, m, d) else {
                continue;
            };
            let mut out = Vec::new();
            write_date(&mut out, date);
            assert_eq!(String::from_utf8(out).unwrap_or_default(), date.to_string());
        }
    }
}
