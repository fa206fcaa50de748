//! The JSON report, schema `wagecheck/report/v1` (spec/report.md). Every number is a decimal
//! string, exact; unknown values are `null`.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value as J, json};

use super::{PackRef, Report};
use crate::diag::Lang;
use crate::engine::{RuleResult, TraceLine};
use crate::expr::Value;
use crate::filing::FilingKind;
use crate::num;

pub const SCHEMA: &str = "wagecheck/report/v1";

/// A value as JSON: numbers as exact decimal strings, unknown as `null`.
struct V<'a>(&'a Value);

impl Serialize for V<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Num(n) => s.serialize_str(&num::plain(*n)),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Str(x) => s.serialize_str(x),
            Value::Date(d) => s.collect_str(d),
            Value::List(items) => s.collect_seq(items.iter().map(V)),
            Value::Unknown(_) => s.serialize_unit(),
        }
    }
}

fn money(d: Option<rust_decimal::Decimal>) -> Option<String> {
    d.map(num::money)
}

/// Trace lines; with a pack, each quantity line names the layer that defined it.
struct Trace<'a> {
    lines: &'a [TraceLine],
    layers: Option<&'a PackRef>,
}

impl Serialize for Trace<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.lines.iter().map(|t| TraceItem {
            t,
            layer: self.layers.and_then(|p| p.quantity_layer(&t.label)),
        }))
    }
}

struct TraceItem<'a> {
    t: &'a TraceLine,
    layer: Option<&'a str>,
}

impl Serialize for TraceItem<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("label", &self.t.label)?;
        m.serialize_entry("expr", &self.t.expr)?;
        m.serialize_entry("substituted", &self.t.substituted)?;
        m.serialize_entry("value", &V(&self.t.value))?;
        if let Some(l) = self.layer {
            m.serialize_entry("layer", l)?;
        }
        m.end()
    }
}

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

struct Enterprise<'a>(&'a Report);

impl Serialize for Enterprise<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", &self.0.name)?;
        m.serialize_entry("credit_code", &self.0.credit_code)?;
        m.serialize_entry("category", &self.0.category)?;
        m.end()
    }
}

struct PackJson<'a>(&'a PackRef, Lang, Option<chrono::NaiveDate>);

impl Serialize for PackJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &p.id)?;
        m.serialize_entry("chain", &Seq(p.chain.iter().map(|(id, _)| id)))?;
        m.serialize_entry("document", &p.document)?;
        m.serialize_entry("title", p.title.get(self.1))?;
        m.serialize_entry("receipt", &Receipt(p, self.2))?;
        m.end()
    }
}

struct Receipt<'a>(&'a PackRef, Option<chrono::NaiveDate>);

impl Serialize for Receipt<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("engine", concat!("wagecheck ", env!("CARGO_PKG_VERSION")))?;
        m.serialize_entry("evaluated_on", &self.1.map(|d| d.to_string()))?;
        m.serialize_entry(
            "packs",
            &Seq(self.0.chain.iter().map(|(id, h)| PackHash(id, h))),
        )?;
        m.end()
    }
}

struct PackHash<'a>(&'a str, &'a str);

impl Serialize for PackHash<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", self.0)?;
        m.serialize_entry("sha256", self.1)?;
        m.end()
    }
}

/// A sequence from an iterator that can be walked again.
struct Seq<I>(I);

impl<I> Serialize for Seq<I>
where
    I: Iterator + Clone,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

struct Regime<'a>(&'a crate::engine::RegimeResult, Lang);

impl Serialize for Regime<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let lang = self.1;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("required", &self.0.required)?;
        m.serialize_entry(
            "steps",
            &Seq(self.0.fired.iter().map(|(id, t)| Step(id, t.get(lang)))),
        )?;
        m.serialize_entry("unknown", &self.0.unknown)?;
        m.end()
    }
}

struct Step<'a>(&'a str, &'a str);

impl Serialize for Step<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", self.0)?;
        m.serialize_entry("message", self.1)?;
        m.end()
    }
}

struct Quantities<'a>(&'a [(String, Value, crate::diag::Text)]);

impl Serialize for Quantities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A later quantity of the same name replaces the earlier one, in its place.
        // (Linear: a pack may have tens of thousands of quantities.)
        let mut last: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(self.0.len());
        for (i, (name, _, _)) in self.0.iter().enumerate() {
            last.insert(name, i);
        }
        let mut m = s.serialize_map(None)?;
        for (name, _, _) in self.0 {
            // The first place of a name: its last value is written there, once.
            if let Some(i) = last.remove(name.as_str()) {
                m.serialize_entry(name, &V(&self.0[i].1))?;
            }
        }
        m.end()
    }
}

struct Cap<'a>(&'a crate::engine::CapResult);

impl Serialize for Cap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("wage_growth", &num::plain(c.wage_growth))?;
        m.serialize_entry("strict", &c.strict)?;
        m.serialize_entry("binding_rule", &c.binding_rule)?;
        m.serialize_entry("max_wage_total", &num::money(c.max_wage_total))?;
        m.serialize_entry("excess", &c.excess.map(num::money))?;
        m.serialize_entry("excess_points", &c.excess_points.map(num::plain))?;
        if !c.undecided.is_empty() {
            m.serialize_entry("undecided", &c.undecided)?;
        }
        m.end()
    }
}

struct Rule<'a> {
    rr: &'a RuleResult,
    lang: Lang,
    trace: bool,
    pack: Option<&'a PackRef>,
}

impl Serialize for Rule<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (rr, lang) = (self.rr, self.lang);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &*rr.id)?;
        m.serialize_entry("status", rr.status.as_str())?;
        m.serialize_entry("clause", &*rr.clause)?;
        m.serialize_entry("title", rr.title.get(lang))?;
        m.serialize_entry("message", rr.message.get(lang))?;
        if let Some(b) = rr.bound {
            m.serialize_entry("bound", &num::plain(b))?;
            m.serialize_entry("strict", &rr.strict)?;
        }
        if let Some(a) = rr.allowed_total {
            m.serialize_entry("allowed_total", &num::money(a))?;
        }
        if !rr.triggers.is_empty() {
            m.serialize_entry("triggers", &rr.triggers)?;
        }
        if !rr.unknown.is_empty() {
            m.serialize_entry("unknown", &rr.unknown)?;
        }
        if self.trace {
            m.serialize_entry(
                "trace",
                &Trace {
                    lines: &rr.trace,
                    layers: None,
                },
            )?;
            m.serialize_entry("layers", &*rr.layers)?;
            if let Some(p) = self.pack {
                m.serialize_entry(
                    "params",
                    &Seq(p
                        .params_of(&rr.id)
                        .iter()
                        .map(|(n, v, l)| ParamJson(n, &v.en, l))),
                )?;
            }
        }
        m.end()
    }
}

struct ParamJson<'a>(&'a str, &'a str, &'a str);

impl Serialize for ParamJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.0)?;
        m.serialize_entry("value", self.1)?;
        m.serialize_entry("layer", self.2)?;
        m.end()
    }
}

struct ClearingJson<'a>(&'a crate::engine::Clearing);

impl Serialize for ClearingJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("approved_wage_total", &money(c.approved_wage_total))?;
        m.serialize_entry("cleared_wage_total", &money(c.cleared_wage_total))?;
        m.serialize_entry("actual_wage_total", &money(c.actual_wage_total))?;
        m.serialize_entry("to_recover", &money(c.to_recover))?;
        m.serialize_entry("unknown", &c.unknown)?;
        m.end()
    }
}

/// One report, serialized straight to its output: no intermediate JSON tree.
struct ReportJson<'a> {
    r: &'a Report,
    lang: Lang,
    trace: bool,
}

impl Serialize for ReportJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (r, lang) = (self.r, self.lang);
        let mut o = s.serialize_map(None)?;
        o.serialize_entry("schema", SCHEMA)?;
        o.serialize_entry("source", &r.source)?;
        if let Some(row) = r.row {
            o.serialize_entry("row", &row)?;
        }
        let Some(ev) = &r.eval else {
            o.serialize_entry("verdict", r.verdict.as_str())?;
            o.serialize_entry("errors", &Errors(&r.errors, lang))?;
            return o.end();
        };
        o.serialize_entry("enterprise", &Enterprise(r))?;
        o.serialize_entry(
            "kind",
            match r.kind {
                Some(FilingKind::AnnualReturn) => "annual_return",
                _ => "budget",
            },
        )?;
        if let Some(p) = &r.pack {
            o.serialize_entry("pack", &PackJson(p, lang, r.evaluated_on))?;
        }
        o.serialize_entry("verdict", r.verdict.as_str())?;
        o.serialize_entry("required_regime", &ev.regime.required)?;
        o.serialize_entry("regime", &Regime(&ev.regime, lang))?;
        o.serialize_entry("quantities", &Quantities(&ev.quantities))?;
        match &ev.cap {
            Some(c) => {
                o.serialize_entry("cap", &Cap(c))?;
                if !c.undecided.is_empty() {
                    o.serialize_entry("cap_note", ev.cap_unknown.get(lang))?;
                }
            }
            None => {
                o.serialize_entry("cap", &())?;
                o.serialize_entry("cap_note", ev.cap_unknown.get(lang))?;
            }
        }
        let pack = r.pack.as_deref();
        o.serialize_entry(
            "rules",
            &Seq(ev.rules.iter().map(|rr| Rule {
                rr,
                lang,
                trace: self.trace,
                pack,
            })),
        )?;
        if self.trace {
            o.serialize_entry(
                "trace",
                &Trace {
                    lines: &ev.quantity_trace,
                    layers: pack,
                },
            )?;
        }
        if let Some(c) = &ev.clearing {
            o.serialize_entry("clearing", &ClearingJson(c))?;
        }
        o.end()
    }
}

/// One report as a JSON object. `with_trace` adds each rule's formulas and values.
pub fn report(r: &Report, lang: Lang, with_trace: bool) -> J {
    let doc = ReportJson {
        r,
        lang,
        trace: with_trace,
    };
    // Serializing into a JSON tree cannot fail: every key is a string.
    serde_json::to_value(doc).unwrap_or(J::Null)
}

/// One report written as compact JSON (the same text as `report(…).to_string()`), without
/// building the tree first: for `batch`, where it is most of the cost of a filing.
pub fn write(out: &mut Vec<u8>, r: &Report, lang: Lang, with_trace: bool) {
    let doc = ReportJson {
        r,
        lang,
        trace: with_trace,
    };
    // Writing into memory cannot fail, and every key is a string.
    let start = out.len();
    let _ = serde_json::to_writer(&mut *out, &doc);
    // Hidden characters are all at or above DEL: most reports need no second look.
    if out[start..].iter().any(|b| *b >= 0x7f)
        && let Ok(text) = std::str::from_utf8(&out[start..])
        && let std::borrow::Cow::Owned(safe) = super::escape::json(text)
    {
        out.truncate(start);
        out.extend_from_slice(safe.as_bytes());
    }
}

/// The JSON format: one report as a pretty object, several as a pretty array; a stream is an
/// array with one compact report a line.
pub struct Json;

impl super::Printer for Json {
    fn document(&self, reports: &[Report], lang: Lang, trace: bool) -> String {
        let values: Vec<_> = reports.iter().map(|r| report(r, lang, trace)).collect();
        let out = if values.len() == 1 {
            serde_json::to_string_pretty(&values[0])
        } else {
            serde_json::to_string_pretty(&values)
        };
        super::escape::json(&out.unwrap_or_default()).into_owned() + "\n"
    }
    fn item(&self, r: &Report, lang: Lang, trace: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096);
        write(&mut out, r, lang, trace);
        out.push(b'\n');
        out
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
