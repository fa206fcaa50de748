//! Filings: what an enterprise submits (spec/filing.md), read from TOML, JSON or a CSV row.
//!
//! Reading has two steps: the document becomes a positioned [`Node`] tree (`crate::input`), then
//! [`decode`] checks it against the schema (`schema.rs`) and produces a [`Filing`]: every field
//! exact, every default applied, every absent field without a default left unknown. A CSV row
//! skips the tree: its header is resolved once into a [`plan::Plan`], and each row is decoded
//! straight into the filing's slots, through the same field decoding and the same checks.

pub mod columns;
pub mod credit_code;
pub mod form;
pub mod json_schema;
pub mod plan;
pub mod read;
pub mod schema;

use std::collections::HashMap;

/// The maps a tree decode fills (keys seen in a table): foldhash instead of SipHash, still
/// seeded per process, so a hostile input cannot choose colliding keys.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use rust_decimal::Decimal;

use crate::diag::Pos;
use crate::diag::{Diagnostic, Text, did_you_mean, expected_found};
use crate::input::{Entry, Kind, Node};
use crate::num::{NumError, parse_decimal, parse_number_or_percent};
pub use read::{parse_str, read_file};
use schema::{FieldSpec, FieldType};

/// One field's value. `Absent` is unknown (no default applies).
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Absent,
    Num(Decimal),
    Bool(bool),
    /// Text: a choice of an enumerated field is the schema's own value (borrowed, never
    /// allocated per filing); free text is owned.
    Str(std::borrow::Cow<'static, str>),
    Date(chrono::NaiveDate),
    StrList(Vec<String>),
    NumList(Vec<Decimal>),
}

impl FieldValue {
    pub fn num(&self) -> Option<Decimal> {
        match self {
            FieldValue::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match self {
            FieldValue::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_present(&self) -> bool {
        !matches!(self, FieldValue::Absent)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilingKind {
    Budget,
    AnnualReturn,
}

/// A decoded filing. Scalar fields are indexed like [`schema::FIELDS`]; indicators and
/// adjustments like [`schema::INDICATOR_FIELDS`] and [`schema::ADJUSTMENT_FIELDS`].
#[derive(Clone)]
#[warn(missing_docs)]
pub struct Filing {
    /// The input's display name (a path, `<stdin>`).
    pub source: String,
    /// Scalar fields, indexed like [`schema::FIELDS`].
    pub fields: Vec<FieldValue>,
    /// Linkage indicators, each indexed like [`schema::INDICATOR_FIELDS`].
    pub indicators: Vec<Vec<FieldValue>>,
    /// Adjustments, each indexed like [`schema::ADJUSTMENT_FIELDS`].
    pub adjustments: Vec<Vec<FieldValue>>,
    /// Where each field was written (asked by full dotted path with [`Filing::pos`]).
    pub positions: Positions,
    /// Buffers kept for the next decode into this filing (a batch decodes each chunk's rows
    /// into the previous chunk's filings): never part of the filing's value.
    spare: Kept,
}

impl std::fmt::Debug for Filing {
    /// The filing's value; the buffers kept for the next decode are not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filing")
            .field("source", &self.source)
            .field("fields", &self.fields)
            .field("indicators", &self.indicators)
            .field("adjustments", &self.adjustments)
            .field("positions", &self.positions)
            .finish_non_exhaustive()
    }
}

/// A filing's [`Spare`], made by its first decode in place (boxed: a filing stays small).
/// Kept buffers are no part of a filing's value: a clone starts without any, and `Debug` does
/// not show them.
#[derive(Default)]
struct Kept(Option<Box<Spare>>);

impl Kept {
    fn get(&mut self) -> &mut Spare {
        self.0.get_or_insert_with(Box::default)
    }
}

impl Clone for Kept {
    fn clone(&self) -> Kept {
        Kept(None)
    }
}

/// What a filing keeps from one decode to the next ([`plan::Plan::decode_into`]), so that a
/// row decoded into a used filing allocates nothing: its text cells' buffers, its items'
/// vectors, the decoder's scratch lists. Bounded: a text buffer larger than
/// [`Spare::MAX_TEXT`] bytes is dropped, and at most twice the schema's field count of text
/// buffers, twice [`schema::MAX_ARRAY_ITEMS`] item vectors and four string lists are kept.
#[derive(Default)]
struct Spare {
    strings: Vec<String>,
    items: Vec<Vec<FieldValue>>,
    lists: Vec<Vec<String>>,
    starts: [Vec<Option<Pos>>; 2],
    index: [Vec<usize>; 2],
}

impl Spare {
    /// The longest text buffer kept for the next filing.
    const MAX_TEXT: usize = 256;
    /// The shortest text buffer made.
    const MIN_TEXT: usize = 48;

    /// Makes `v` absent, keeping its buffers.
    #[inline(always)]
    fn clear(&mut self, v: &mut FieldValue) {
        match v {
            FieldValue::Absent => {}
            FieldValue::Str(std::borrow::Cow::Owned(_))
            | FieldValue::StrList(_)
            | FieldValue::NumList(_) => self.keep(std::mem::replace(v, FieldValue::Absent)),
            // Nothing on the heap (a number, a date, a choice borrowed from the schema):
            // nothing to drop, and no call to drop it.
            _ => std::mem::forget(std::mem::replace(v, FieldValue::Absent)),
        }
    }

    /// Keeps `v`'s buffers, if any.
    fn keep(&mut self, v: FieldValue) {
        match v {
            FieldValue::Str(std::borrow::Cow::Owned(s)) => self.keep_string(s),
            FieldValue::StrList(mut list) => {
                for s in list.drain(..) {
                    self.keep_string(s);
                }
                // An empty default (`EmptyList`) has no buffer to keep.
                if (1..=schema::MAX_ARRAY_ITEMS).contains(&list.capacity()) && self.lists.len() < 4
                {
                    self.lists.push(list);
                }
            }
            _ => {}
        }
    }

    fn keep_string(&mut self, s: String) {
        if s.capacity() <= Self::MAX_TEXT && self.strings.len() < schema::FIELDS.len() * 2 {
            self.strings.push(s);
        }
    }

    /// Owned text equal to `text`, in a kept buffer when one is left.
    fn text(&mut self, text: &str) -> FieldValue {
        FieldValue::Str(std::borrow::Cow::Owned(self.string(text)))
    }

    fn string(&mut self, text: &str) -> String {
        match self.strings.pop() {
            Some(mut s) => {
                s.clear();
                s.push_str(text);
                s
            }
            // Room for most names and ids, so that a kept buffer fits the next filing's text.
            None => {
                let mut s = String::with_capacity(text.len().max(Self::MIN_TEXT));
                s.push_str(text);
                s
            }
        }
    }

    /// `n` absent values, in a kept vector when one is left.
    fn item(&mut self, n: usize) -> Vec<FieldValue> {
        let mut v = self.items.pop().unwrap_or_default();
        v.resize_with(n, || FieldValue::Absent);
        v
    }
}

/// The most fields an item of an array of tables has (`indicator.N.…`: five).
const MAX_ITEM_FIELDS: usize = 5;
const _: () = assert!(
    schema::INDICATOR_FIELDS.len() <= MAX_ITEM_FIELDS
        && schema::ADJUSTMENT_FIELDS.len() <= MAX_ITEM_FIELDS
        && schema::ARRAYS.len() == 2
);

/// Where each field of a filing was written, by slot: a scalar field by its index in
/// [`schema::FIELDS`], a table by its index in [`schema::TABLES`], an item of an array and its
/// fields by number. No path is built until one is asked for ([`Positions::get`]).
#[derive(Clone, Debug, Default)]
pub struct Positions {
    /// The scalar fields (like [`schema::FIELDS`]), then the tables (like [`schema::TABLES`]).
    slots: Vec<Option<Pos>>,
    /// Each array's items (like [`schema::ARRAYS`]), in order.
    items: [Vec<ItemPos>; 2],
}

/// Where one item of an array of tables was written, and each of its fields.
#[derive(Clone, Copy, Debug, Default)]
struct ItemPos {
    at: Option<Pos>,
    fields: [Option<Pos>; MAX_ITEM_FIELDS],
}

impl Positions {
    fn new() -> Positions {
        Positions {
            slots: vec![None; schema::FIELDS.len() + schema::TABLES.len()],
            items: Default::default(),
        }
    }

    /// As [`Positions::new`] makes them, keeping the vectors.
    fn reset(&mut self) {
        if self.slots.len() == schema::FIELDS.len() + schema::TABLES.len() {
            self.slots.fill(None);
        } else {
            self.slots = vec![None; schema::FIELDS.len() + schema::TABLES.len()];
        }
        for items in &mut self.items {
            items.clear();
        }
    }

    fn field(&self, i: usize) -> Option<Pos> {
        self.slots.get(i).copied().flatten()
    }

    fn set_field(&mut self, i: usize, pos: Pos) {
        if let Some(p) = self.slots.get_mut(i) {
            *p = Some(pos);
        }
    }

    fn table(&self, t: usize) -> Option<Pos> {
        self.field(schema::FIELDS.len() + t)
    }

    /// Where table `t` starts: the first place it is written (a CSV's first cell of it).
    fn first_table(&mut self, t: usize, pos: Pos) {
        if let Some(p) = self.slots.get_mut(schema::FIELDS.len() + t) {
            p.get_or_insert(pos);
        }
    }

    fn set_table(&mut self, t: usize, pos: Pos) {
        self.set_field(schema::FIELDS.len() + t, pos);
    }

    fn item(&self, array: usize, i: usize) -> Option<&ItemPos> {
        self.items.get(array)?.get(i)
    }

    /// The item `i` (0-based) of `array`, made when first written.
    fn item_mut(&mut self, array: usize, i: usize) -> &mut ItemPos {
        let items = &mut self.items[array.min(1)];
        if items.len() <= i {
            items.resize(i + 1, ItemPos::default());
        }
        &mut items[i]
    }

    /// Where the field, table or item a dotted path names was written: `budget.year`,
    /// `budget`, `indicator.2`, `indicator.2.weight` (numbered from 1, as written in messages).
    pub fn get(&self, path: &str) -> Option<Pos> {
        if let Some(i) = schema::field_index(path) {
            return self.field(i);
        }
        if let Some(t) = schema::TABLES.iter().position(|t| *t == path) {
            return self.table(t);
        }
        let (array, rest) = path.split_once('.')?;
        let a = schema::ARRAYS.iter().position(|(n, _)| *n == array)?;
        let (n, field) = match rest.split_once('.') {
            Some((n, f)) => (n, Some(f)),
            None => (rest, None),
        };
        // The number as the decoder writes it: digits, no leading zero.
        if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let item = self.item(a, n.parse::<usize>().ok()?.checked_sub(1)?)?;
        match field {
            None => item.at,
            Some(f) => {
                let j = schema::ARRAYS[a].1.iter().position(|s| s.path == f)?;
                item.fields[j]
            }
        }
    }
}

#[warn(missing_docs)]
impl Filing {
    /// A filing with nothing in it (every field absent), for [`plan::Plan::decode_into`] to
    /// decode rows into.
    pub fn empty() -> Filing {
        Filing {
            source: String::new(),
            fields: vec![FieldValue::Absent; schema::FIELDS.len()],
            indicators: Vec::new(),
            adjustments: Vec::new(),
            positions: Positions::new(),
            spare: Kept::default(),
        }
    }

    /// Empties the filing for the next decode into it: every field absent, no items, no
    /// positions, its buffers kept in [`Spare`].
    /// Empties the filing's values, keeping their small buffers for the next decode into it
    /// and dropping the large ones (a batch releases each chunk's filings once they are
    /// reported, so that large values are not kept alive while the next chunk is read).
    pub(crate) fn release(&mut self) {
        self.reset();
    }

    fn reset(&mut self) {
        let spare = self.spare.get();
        if self.fields.len() == schema::FIELDS.len() {
            for v in &mut self.fields {
                spare.clear(v);
            }
        } else {
            self.fields.clear();
            self.fields
                .resize_with(schema::FIELDS.len(), || FieldValue::Absent);
        }
        for mut item in self.indicators.drain(..).chain(self.adjustments.drain(..)) {
            for v in &mut item {
                spare.clear(v);
            }
            item.clear();
            if spare.items.len() < 2 * schema::MAX_ARRAY_ITEMS {
                spare.items.push(item);
            }
        }
        self.positions.reset();
    }

    /// The value of a scalar field by dotted path (`budget.year`); `Absent` when unknown.
    pub fn get(&self, path: &str) -> &FieldValue {
        match schema::field_index(path) {
            Some(i) => &self.fields[i],
            None => &FieldValue::Absent,
        }
    }
    /// Budget or annual return.
    pub fn kind(&self) -> FilingKind {
        match self.fields[KIND].str() {
            Some("annual_return") => FilingKind::AnnualReturn,
            _ => FilingKind::Budget,
        }
    }
    /// The enterprise's name (empty when absent).
    pub fn name(&self) -> &str {
        self.fields[NAME].str().unwrap_or("")
    }
    /// The budget year (0 when absent).
    pub fn year(&self) -> i32 {
        use rust_decimal::prelude::ToPrimitive;
        self.fields[YEAR]
            .num()
            .filter(|d| d.fract().is_zero())
            .and_then(|d| d.to_i32())
            .unwrap_or(0)
    }
    /// Where a field was written, by full dotted path.
    pub fn pos(&self, path: &str) -> Option<Pos> {
        self.positions.get(path)
    }
}

struct Decoder<'a> {
    file: &'a str,
    errors: Vec<Diagnostic>,
    positions: Positions,
}

impl Decoder<'_> {
    fn err(&mut self, pos: Pos, field: &str, message: Text) {
        self.errors
            .push(Diagnostic::new(self.file, Some(pos), Some(field), message));
    }

    /// True (after reporting it) when `entry`'s key was already seen in the same table: a JSON
    /// object or a CSV header may name a field twice, and neither value may win silently.
    fn duplicate<'e>(
        &mut self,
        seen: &mut FastMap<&'e str, Pos>,
        entry: &'e Entry,
        path: &str,
    ) -> bool {
        let Some(first) = seen.get(entry.key.as_str()).copied() else {
            seen.insert(&entry.key, entry.pos);
            return false;
        };
        let (l, c) = (first.line, first.column);
        self.err(
            entry.pos,
            path,
            Text::owned(
                format!("字段重复（已在第 {l} 行第 {c} 列填写）"),
                format!("duplicate field (already given at line {l}, column {c})"),
            ),
        );
        true
    }

    fn unknown_field(&mut self, entry: &Entry, path: &str, known: &[&str]) {
        let hint = did_you_mean(&entry.key, known.iter().copied());
        let (zh, en) = match hint {
            Some(h) => (
                format!("；是否指 `{h}`？"),
                format!("; did you mean `{h}`?"),
            ),
            None => (String::new(), String::new()),
        };
        self.err(
            entry.pos,
            path,
            Text::owned(format!("未知字段{zh}"), format!("unknown field{en}")),
        );
    }
}

/// Checks a document tree against the schema and produces a filing, or every error found.
pub fn decode(file: &str, root: &Node) -> Result<Filing, Vec<Diagnostic>> {
    let mut d = Decoder {
        file,
        errors: Vec::new(),
        positions: Positions::new(),
    };
    let mut fields = vec![FieldValue::Absent; schema::FIELDS.len()];
    let mut indicators = Vec::new();
    let mut adjustments = Vec::new();

    let Kind::Table(entries) = &root.kind else {
        d.err(
            root.pos,
            "",
            expected_found(
                &Text::new("一个表（对象）", "a table (object)"),
                &root.found(),
            ),
        );
        return Err(d.errors);
    };

    let top_known: Vec<&str> = ["schema", "kind"]
        .into_iter()
        .chain(schema::TABLES.iter().copied())
        .chain(schema::ARRAYS.iter().map(|(n, _)| *n))
        .collect();

    let mut seen = FastMap::default();
    for entry in entries {
        let key = entry.key.as_str();
        if d.duplicate(&mut seen, entry, key) {
            continue;
        }
        // A key is one name, never a path: a quoted TOML key or a JSON key
        // `"budget.wage_total"` is not the field `wage_total` of `[budget]` (one field, one
        // value: it would sit beside the table's own, and one of them would win unseen).
        if let Some(i) = schema::field_index(key).filter(|_| !key.contains('.')) {
            decode_into(&mut d, i, key, &entry.value, &mut fields[i]);
        } else if let Some(t) = schema::TABLES.iter().position(|t| *t == key) {
            decode_table(&mut d, t, &entry.value, &mut fields);
        } else if let Some(a) = schema::ARRAYS.iter().position(|(n, _)| *n == key) {
            let out = if a == 0 {
                &mut indicators
            } else {
                &mut adjustments
            };
            decode_array(&mut d, a, &entry.value, out);
        } else {
            match key.split_once('.') {
                Some((table, field)) if schema::field_index(key).is_some() => d.err(
                    entry.pos,
                    key,
                    Text::owned(
                        format!(
                            "未知字段：键 \"{key}\" 是一个名字，不是路径；请在 [{table}] 中写 {field}"
                        ),
                        format!(
                            "unknown field: the key \"{key}\" is one name, not a path; write {field} under [{table}]"
                        ),
                    ),
                ),
                _ => d.unknown_field(entry, key, &top_known),
            }
        }
    }

    finish(d, root.pos, fields, indicators, adjustments)
}

/// What every decode ends with, whatever the input's form: the defaults, the checks across
/// fields, and the filing or its errors in the order they were written (by line and column;
/// errors at one place in the order found).
fn finish(
    mut d: Decoder<'_>,
    root: Pos,
    mut fields: Vec<FieldValue>,
    mut indicators: Vec<Vec<FieldValue>>,
    adjustments: Vec<Vec<FieldValue>>,
) -> Result<Filing, Vec<Diagnostic>> {
    apply_defaults(&mut d, root, &mut fields, &mut indicators);
    check_adjustment_signs(&mut d, &adjustments);
    check_credit_code(&mut d, root, &fields);

    if d.errors.is_empty() {
        Ok(Filing {
            source: d.file.to_string(),
            fields,
            indicators,
            adjustments,
            positions: d.positions,
            spare: Kept::default(),
        })
    } else {
        d.errors.sort_by_key(|e| (e.line, e.column));
        Err(d.errors)
    }
}

/// The checks [`finish`] makes, on a filing decoded in place ([`plan::Plan::decode_into`]):
/// the errors found, in the order they were written, or none.
fn settle(
    d: &mut Decoder<'_>,
    root: Pos,
    fields: &mut [FieldValue],
    indicators: &mut [Vec<FieldValue>],
    adjustments: &[Vec<FieldValue>],
) -> Result<(), Vec<Diagnostic>> {
    apply_defaults(d, root, fields, indicators);
    check_adjustment_signs(d, adjustments);
    check_credit_code(d, root, fields);
    if d.errors.is_empty() {
        Ok(())
    } else {
        let mut errors = std::mem::take(&mut d.errors);
        errors.sort_by_key(|e| (e.line, e.column));
        Err(errors)
    }
}

fn check_credit_code(d: &mut Decoder<'_>, root: Pos, fields: &[FieldValue]) {
    if let Some(code) = fields[CREDIT_CODE].str()
        && let Err(e) = credit_code::verify(code)
    {
        let pos = d.positions.field(CREDIT_CODE).unwrap_or(root);
        d.err(
            pos,
            schema::FIELDS[CREDIT_CODE].path,
            Text::owned(e.message(true), e.message(false)),
        );
    }
}

/// The slots of the fields the decoder itself reads.
const CREDIT_CODE: usize = slot("enterprise.credit_code");
const CATEGORY: usize = slot("enterprise.category");
const KIND: usize = slot("kind");
const NAME: usize = slot("enterprise.name");
const YEAR: usize = slot("budget.year");
const EXECUTION: usize = table_slot("execution");

/// The index of a field of [`schema::FIELDS`], at compile time.
pub(crate) const fn slot(path: &str) -> usize {
    let mut i = 0;
    while i < schema::FIELDS.len() {
        if const_eq(schema::FIELDS[i].path, path) {
            return i;
        }
        i += 1;
    }
    panic!("no such field")
}

/// The index of a table of [`schema::TABLES`], at compile time.
const fn table_slot(name: &str) -> usize {
    let mut i = 0;
    while i < schema::TABLES.len() {
        if const_eq(schema::TABLES[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("no such table")
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// filing.md: amounts are never negative except a divestiture's adjustment, which is.
fn check_adjustment_signs(d: &mut Decoder<'_>, adjustments: &[Vec<FieldValue>]) {
    for (i, adj) in adjustments.iter().enumerate() {
        let (Some(kind), Some(amount)) = (adj[0].str(), adj[1].num()) else {
            continue;
        };
        let wrong = match kind {
            "divestiture" => amount > Decimal::ZERO,
            "merger" | "new_entity" => amount < Decimal::ZERO,
            _ => false,
        };
        if wrong {
            let path = format!("adjustment.{}.amount", i + 1);
            let pos = d
                .positions
                .item(1, i)
                .and_then(|p| p.fields[1])
                .unwrap_or_default();
            let (zh, en) = if kind == "divestiture" {
                (
                    "分立或划出（divestiture）的调整金额应为负数",
                    "a divestiture's amount must be negative",
                )
            } else {
                (
                    "兼并重组或新设（merger、new_entity）的调整金额不能为负数",
                    "a merger's or new entity's amount may not be negative",
                )
            };
            d.err(
                pos,
                &path,
                Text::owned(
                    format!("{zh}，实为 {amount}"),
                    format!("{en}, found {amount}"),
                ),
            );
        }
    }
}

fn decode_table(d: &mut Decoder<'_>, t: usize, node: &Node, fields: &mut [FieldValue]) {
    let table = schema::TABLES[t];
    d.positions.set_table(t, node.pos);
    let Kind::Table(entries) = &node.kind else {
        d.err(
            node.pos,
            table,
            expected_found(&Text::new("一个表", "a table"), &node.found()),
        );
        return;
    };
    // The table's field names, for a did-you-mean: listed only when a key is unknown.
    let known = || -> Vec<&str> {
        schema::FIELDS
            .iter()
            .filter_map(|f| f.path.strip_prefix(table)?.strip_prefix('.'))
            .collect()
    };
    let mut seen = FastMap::default();
    for entry in entries {
        let path = dotted(table, &entry.key);
        if d.duplicate(&mut seen, entry, &path) {
            continue;
        }
        match schema::field_index(&path) {
            Some(i) => decode_into(d, i, &path, &entry.value, &mut fields[i]),
            None => d.unknown_field(entry, &path, &known()),
        }
    }
}

/// `table.key`, built directly.
fn dotted(table: &str, key: &str) -> String {
    let mut s = String::with_capacity(table.len() + 1 + key.len());
    s.push_str(table);
    s.push('.');
    s.push_str(key);
    s
}

/// The path of field `j` of item `i` (0-based) of array `a`: `indicator.2.weight`. Built only
/// for a message.
fn item_path(a: usize, i: usize, j: usize) -> String {
    let (name, specs) = schema::ARRAYS[a];
    format!("{name}.{}.{}", i + 1, specs[j].path)
}

/// Why an array of tables is not read at all: its numbering has a gap (a CSV's `indicator.1…`,
/// `indicator.3…`), the error at the entry after the gap.
fn numbering_gap(d: &mut Decoder<'_>, a: usize, pos: Pos, n: usize, missing: usize) {
    let name = schema::ARRAYS[a].0;
    d.err(
        pos,
        &format!("{name}.{n}"),
        Text::owned(
            format!("序号不连续：缺少 {name}.{missing}"),
            format!("numbering has a gap: {name}.{missing} is missing"),
        ),
    );
}

/// Why an array of tables is not read at all: more than [`schema::MAX_ARRAY_ITEMS`] entries.
fn too_many_items(d: &mut Decoder<'_>, a: usize, pos: Pos, n: usize) {
    d.err(
        pos,
        schema::ARRAYS[a].0,
        Text::owned(
            format!("条目过多：{n} 条，上限 {}", schema::MAX_ARRAY_ITEMS),
            format!(
                "too many entries: {n}, the limit is {}",
                schema::MAX_ARRAY_ITEMS
            ),
        ),
    );
}

/// The required fields item `i` of array `a` lacks, each an error at the item.
fn missing_item_fields(d: &mut Decoder<'_>, a: usize, i: usize, at: Pos, values: &[FieldValue]) {
    for (j, spec) in schema::ARRAYS[a].1.iter().enumerate() {
        if spec.required && !values[j].is_present() {
            d.err(
                at,
                &item_path(a, i, j),
                Text::new("缺少必填字段", "missing required field"),
            );
        }
    }
}

fn decode_array(d: &mut Decoder<'_>, a: usize, node: &Node, out: &mut Vec<Vec<FieldValue>>) {
    let (name, specs) = schema::ARRAYS[a];
    let items: Vec<&Node> = match &node.kind {
        Kind::Array(items) => items.iter().collect(),
        // A CSV builds `indicator.1…` as a table keyed by number.
        Kind::Table(entries) => {
            let mut numbered: Vec<(usize, &Entry)> = Vec::new();
            for e in entries {
                match e.key.parse::<usize>() {
                    Ok(n) if n >= 1 => numbered.push((n, e)),
                    _ => d.err(
                        e.pos,
                        &format!("{name}.{}", e.key),
                        expected_found(
                            &Text::owned(
                                format!("[[{name}]] 表数组（CSV 中为从 1 开始编号的列 {name}.1.…）"),
                                format!(
                                    "an array of [[{name}]] tables (in a CSV, columns numbered from 1: {name}.1.…)"
                                ),
                            ),
                            &e.key,
                        ),
                    ),
                }
            }
            numbered.sort_by_key(|(n, _)| *n);
            for (i, (n, e)) in numbered.iter().enumerate() {
                if *n != i + 1 {
                    numbering_gap(d, a, e.pos, *n, i + 1);
                    return;
                }
            }
            numbered.into_iter().map(|(_, e)| &e.value).collect()
        }
        _ => {
            d.err(
                node.pos,
                name,
                expected_found(&Text::new("表数组", "an array of tables"), &node.found()),
            );
            return;
        }
    };
    if items.len() > schema::MAX_ARRAY_ITEMS {
        too_many_items(d, a, node.pos, items.len());
        return;
    }
    let known = || -> Vec<&str> { specs.iter().map(|s| s.path).collect() };
    for (i, item) in items.into_iter().enumerate() {
        let prefix = format!("{name}.{}", i + 1);
        let mut values = vec![FieldValue::Absent; specs.len()];
        let Kind::Table(entries) = &item.kind else {
            d.err(
                item.pos,
                &prefix,
                expected_found(&Text::new("一个表", "a table"), &item.found()),
            );
            continue;
        };
        // Positions by the item's place in the input, as its paths number it.
        d.positions.item_mut(a, i).at = Some(item.pos);
        let mut seen = FastMap::default();
        for entry in entries {
            let path = dotted(&prefix, &entry.key);
            if d.duplicate(&mut seen, entry, &path) {
                continue;
            }
            match specs.iter().position(|s| s.path == entry.key) {
                Some(j) => {
                    if let Err(msg) =
                        decode_field(&specs[j], Src::Node(&entry.value), &mut values[j])
                    {
                        d.err(entry.value.pos, &path, msg);
                    }
                    d.positions.item_mut(a, i).fields[j] = Some(entry.value.pos);
                }
                None => d.unknown_field(entry, &path, &known()),
            }
        }
        missing_item_fields(d, a, i, item.pos, &values);
        out.push(values);
    }
}

/// The fields [`apply_defaults`] has something to do for when they are absent (required, or
/// with a default), in the schema's order: the slots, and how many.
const DEFAULTED: ([usize; schema::FIELDS.len()], usize) = {
    let mut slots = [0; schema::FIELDS.len()];
    let (mut i, mut n) = (0, 0);
    while i < schema::FIELDS.len() {
        let spec = &schema::FIELDS[i];
        if spec.required || !matches!(spec.default, schema::FieldDefault::None) {
            slots[n] = i;
            n += 1;
        }
        i += 1;
    }
    (slots, n)
};

fn apply_defaults(
    d: &mut Decoder<'_>,
    root: Pos,
    fields: &mut [FieldValue],
    indicators: &mut [Vec<FieldValue>],
) {
    let competitive = fields[CATEGORY].str().map(|c| c == "competitive");
    let (slots, n) = &DEFAULTED;
    for &i in &slots[..*n] {
        let spec = &schema::FIELDS[i];
        // Written: nothing to apply and nothing to report.
        if fields[i].is_present() {
            continue;
        }
        fields[i] = match spec.default {
            schema::FieldDefault::None => FieldValue::Absent,
            schema::FieldDefault::Bool(b) => FieldValue::Bool(b),
            schema::FieldDefault::Whole(n) => FieldValue::Num(Decimal::from(n)),
            schema::FieldDefault::EmptyList => match spec.ty {
                FieldType::YearList => FieldValue::NumList(Vec::new()),
                _ => FieldValue::StrList(Vec::new()),
            },
            schema::FieldDefault::FullyCompetitiveByCategory => match competitive {
                Some(c) => FieldValue::Bool(c),
                None => FieldValue::Absent,
            },
        };
        // A field written but rejected already has its error; it is not also "missing".
        if spec.required && !fields[i].is_present() && d.positions.field(i).is_none() {
            let table = spec
                .path
                .split_once('.')
                .and_then(|(t, _)| schema::TABLES.iter().position(|x| *x == t));
            let pos = table.and_then(|t| d.positions.table(t)).unwrap_or(root);
            d.err(
                pos,
                spec.path,
                Text::new("缺少必填字段", "missing required field"),
            );
        }
    }
    let is_return = fields[KIND].str() == Some("annual_return");
    if is_return && d.positions.table(EXECUTION).is_none() {
        d.err(
            root,
            "execution",
            Text::new(
                "年度执行情况申报（annual_return）必须包含 [execution]",
                "an annual return (kind = \"annual_return\") needs an [execution] table",
            ),
        );
    }
    // A single indicator may omit its weight, which is then 1 (filing.md "Defaults").
    if indicators.len() == 1 && !indicators[0][1].is_present() {
        indicators[0][1] = FieldValue::Num(Decimal::ONE);
    }
}

pub(crate) fn expected_text(ty: FieldType) -> Text {
    match ty {
        FieldType::Text => Text::new("字符串", "a string"),
        FieldType::Enum(opts) => Text::owned(
            format!("以下之一：{}", opts.join(" | ")),
            format!("one of {}", opts.join(" | ")),
        ),
        FieldType::Bool => Text::new("true 或 false", "true or false"),
        FieldType::Ratio => Text::new(
            "数字、小数字符串或百分数字符串（如 \"7%\"）",
            "a number, a decimal string or a percent string such as \"7%\"",
        ),
        FieldType::Amount => Text::new("不小于 0 的金额（元）", "an amount in yuan, not negative"),
        FieldType::SignedAmount => Text::new("金额（元）", "an amount in yuan"),
        FieldType::Headcount => Text::new("大于 0 的人数", "a headcount greater than 0"),
        FieldType::Year => Text::new(
            "年份（整数，1949–2999）",
            "a year (a whole number, 1949–2999)",
        ),
        FieldType::PositiveWhole => Text::new("正整数", "a whole number ≥ 1"),
        FieldType::Whole => Text::new("非负整数", "a whole number ≥ 0"),
        FieldType::Date => Text::new("日期（如 2025-07-20）", "a date such as 2025-07-20"),
        FieldType::EnumList(opts) if !opts.is_empty() => Text::owned(
            format!("字符串数组，元素取自：{}", opts.join(" | ")),
            format!("an array of strings from {}", opts.join(" | ")),
        ),
        FieldType::EnumList(_) => Text::new("字符串数组", "an array of strings"),
        FieldType::YearList => {
            Text::new("年份数组（如 [2022]）", "an array of years such as [2022]")
        }
    }
}

/// A value to decode: a node of a document's tree (TOML, JSON, a workbook's row), or the text
/// of a CSV cell decoded straight from its row ([`plan`]). A cell reads as a node of kind
/// [`Kind::Cell`] would: both go through the same code.
#[derive(Clone, Copy)]
enum Src<'a> {
    Node(&'a Node),
    Cell(&'a str),
}

impl<'a> Src<'a> {
    /// Text written as a string or an untyped cell.
    fn text(self) -> Option<&'a str> {
        match self {
            Src::Cell(s) => Some(s),
            Src::Node(n) => match &n.kind {
                Kind::Str(s) | Kind::Cell(s) => Some(s),
                _ => None,
            },
        }
    }
    /// An untyped cell's text.
    fn cell(self) -> Option<&'a str> {
        match self {
            Src::Cell(s) => Some(s),
            Src::Node(n) => match &n.kind {
                Kind::Cell(s) => Some(s),
                _ => None,
            },
        }
    }
    fn node_kind(self) -> Option<&'a Kind> {
        match self {
            Src::Cell(_) => None,
            Src::Node(n) => Some(&n.kind),
        }
    }
    /// What was found, for "expected …, found …" (built only for an error).
    fn found(self) -> String {
        match self {
            Src::Node(n) => n.found(),
            Src::Cell(s) => Node {
                pos: Pos::default(),
                kind: Kind::Cell(s.to_string()),
            }
            .found(),
        }
    }
}

/// Decodes scalar field `i` of a tree into `out`, recording where it was written.
fn decode_into(d: &mut Decoder<'_>, i: usize, path: &str, node: &Node, out: &mut FieldValue) {
    if let Err(msg) = decode_field(&schema::FIELDS[i], Src::Node(node), out) {
        d.err(node.pos, path, msg);
    }
    d.positions.set_field(i, node.pos);
}

fn decode_field(spec: &FieldSpec, src: Src<'_>, out: &mut FieldValue) -> Result<(), Text> {
    // An empty string for an optional choice means "none" (filing.md writes
    // `period_reason = ""` for a one-year budget).
    if let (FieldType::Enum(_), false, Some(v)) = (spec.ty, spec.required, src.text())
        && trim_cell(v).is_empty()
    {
        *out = FieldValue::Absent;
        return Ok(());
    }
    match decode_value(spec.ty, src) {
        Ok(v) => {
            put(out, v);
            Ok(())
        }
        Err(extra) => {
            let mut msg = expected_found(&expected_text(spec.ty), &src.found());
            if let Some(extra) = extra {
                msg = msg.join(&extra, "；", "; ");
            }
            Err(msg)
        }
    }
}

/// Writes `v` into a slot: most slots are written once, over `Absent`, which has nothing to
/// drop (no call to drop it).
fn put(out: &mut FieldValue, v: FieldValue) {
    match std::mem::replace(out, v) {
        FieldValue::Absent => {}
        old => drop(old),
    }
}

/// A CSV cell's value (trimmed, not empty, its unit written after it) when it is in the form
/// most cells are in and decodes without error: a plain number in range, a choice written as
/// the schema writes it, `true`/`false`, text. `None` for anything else, which
/// [`decode_field`] reads (and explains, when it is wrong). Each case is the one
/// [`decode_value`] takes for such a cell, with the same result.
fn decode_cell_fast(spec: &FieldSpec, cell: &str, spare: &mut Spare) -> Option<FieldValue> {
    match spec.ty {
        FieldType::Ratio
        | FieldType::Amount
        | FieldType::SignedAmount
        | FieldType::Headcount
        | FieldType::Year
        | FieldType::PositiveWhole
        | FieldType::Whole => {
            let v = plain_number(spec.ty, cell)?.ok()?;
            // A whole number not below zero (most are) is in range by its integer, and is its
            // own normal form: `check_range` and `whole_value` as they would answer.
            if v.scale() == 0 && !v.is_sign_negative() {
                let m = v.mantissa();
                let ok = match spec.ty {
                    FieldType::Headcount | FieldType::PositiveWhole => m >= 1,
                    FieldType::Year => (YEARS.0..=YEARS.1).contains(&m),
                    _ => true,
                };
                return ok.then_some(FieldValue::Num(v));
            }
            check_range(spec.ty, v).ok()?;
            Some(FieldValue::Num(whole_value(spec.ty, v)))
        }
        FieldType::Enum(opts) => opts
            .iter()
            .find(|o| **o == cell)
            .map(|v| FieldValue::Str(std::borrow::Cow::Borrowed(v))),
        FieldType::Bool => match cell {
            "true" => Some(FieldValue::Bool(true)),
            "false" => Some(FieldValue::Bool(false)),
            _ => None,
        },
        FieldType::Text if !trim_cell(cell).is_empty() => Some(spare.text(cell)),
        // Items separated by `;`, each written as the schema writes it (as `list_items` and
        // `decode_value` read a cell), in kept buffers.
        FieldType::EnumList(opts) => {
            let items = || cell.split(';').map(str::trim).filter(|s| !s.is_empty());
            let mut n = 0;
            for item in items() {
                if !opts.is_empty() && !opts.contains(&item) {
                    return None;
                }
                n += 1;
            }
            if n > schema::MAX_ARRAY_ITEMS {
                return None;
            }
            let mut list = spare.lists.pop().unwrap_or_default();
            list.clear();
            for item in items() {
                list.push(spare.string(item));
            }
            Some(FieldValue::StrList(list))
        }
        _ => None,
    }
}

/// A cell without the whitespace around it: `str::trim`, without its search through the
/// cell's characters when the cell starts and ends with a visible ASCII character (most do).
fn trim_cell(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// Decodes one value; the error carries an optional extra explanation.
fn decode_value(ty: FieldType, src: Src<'_>) -> Result<FieldValue, Option<Text>> {
    match ty {
        FieldType::Text => match src.text() {
            Some(s) if !trim_cell(s).is_empty() => Ok(FieldValue::Str(s.to_string().into())),
            Some(_) => Err(Some(Text::new("不能为空", "it must not be empty"))),
            None => Err(None),
        },
        FieldType::Enum(opts) => {
            let s = src.text().ok_or(None)?;
            if let Some(v) = opts.iter().find(|o| **o == s) {
                Ok(FieldValue::Str(std::borrow::Cow::Borrowed(v)))
            } else if let Some(v) = schema::value_by_label(s, opts) {
                // The option's label as people write it: `竞争类` for `competitive`.
                Ok(FieldValue::Str(std::borrow::Cow::Borrowed(v)))
            } else {
                Err(did_you_mean(s, opts.iter().copied()).map(|h| {
                    Text::owned(
                        format!("是否指 \"{h}\"？"),
                        format!("did you mean \"{h}\"?"),
                    )
                }))
            }
        }
        FieldType::Bool => match (src.node_kind(), src.cell()) {
            (Some(Kind::Bool(b)), _) => Ok(FieldValue::Bool(*b)),
            (_, Some(s)) if s.eq_ignore_ascii_case("true") => Ok(FieldValue::Bool(true)),
            (_, Some(s)) if s.eq_ignore_ascii_case("false") => Ok(FieldValue::Bool(false)),
            // A spreadsheet's yes/no as Chinese forms write it.
            (_, Some(s)) if matches!(s.trim(), "是" | "否") => {
                Ok(FieldValue::Bool(s.trim() == "是"))
            }
            _ => Err(None),
        },
        FieldType::Ratio
        | FieldType::Amount
        | FieldType::SignedAmount
        | FieldType::Headcount
        | FieldType::Year
        | FieldType::PositiveWhole
        | FieldType::Whole => {
            let (written, typed) = match src.node_kind() {
                Some(Kind::Number(s)) => (s.as_str(), true),
                _ => (src.text().ok_or(None)?, false),
            };
            let v = decode_number(ty, written, typed)?;
            check_range(ty, v)?;
            Ok(FieldValue::Num(whole_value(ty, v)))
        }
        FieldType::Date => {
            let text = match src.node_kind() {
                Some(Kind::Date(s)) => s.as_str(),
                _ => src.text().ok_or(None)?,
            };
            plain_date(text)
                .unwrap_or_else(|| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                .map(FieldValue::Date)
                .ok_or(())
                .map_err(|_| {
                    Some(Text::new(
                        "不是有效的日期（只写日期，不带时间）",
                        "not a valid calendar date (a date only, no time)",
                    ))
                })
        }
        FieldType::EnumList(opts) => {
            let items = list_items(src).ok_or(None)?;
            check_list_len(items.len())?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    ListItem::Text(s) if !s.is_empty() => {
                        // A value as the schema writes it, else its label (`经审计的财务决算表`).
                        let s = if opts.contains(&s) {
                            s
                        } else {
                            schema::value_by_label(s, opts).unwrap_or(s)
                        };
                        if !opts.is_empty() && !opts.contains(&s) {
                            return Err(Some(Text::owned(
                                format!("\"{s}\" 不在允许的取值中"),
                                format!("\"{s}\" is not one of the allowed values"),
                            )));
                        }
                        out.push(s.to_string())
                    }
                    _ => return Err(None),
                }
            }
            Ok(FieldValue::StrList(out))
        }
        FieldType::YearList => {
            let items = list_items(src).ok_or(None)?;
            check_list_len(items.len())?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let text = match item {
                    ListItem::Number(s) | ListItem::Text(s) => s,
                };
                let v = parse_decimal(text).map_err(|_| None)?;
                check_range(FieldType::Year, v)?;
                out.push(whole_value(FieldType::Year, v));
            }
            Ok(FieldValue::NumList(out))
        }
    }
}

/// A number field's value: `written` as a TOML or JSON number (`typed`) is taken as written;
/// text as people write it (a cell, a string: `38,500,000`, full-width digits, `3850万元`) is
/// brought to plain form first (crate::numform).
fn decode_number(ty: FieldType, written: &str, typed: bool) -> Result<Decimal, Option<Text>> {
    let out_of_range = || {
        Some(Text::new(
            "数值超出可精确表示的范围（最多 28 位有效数字），不作舍入",
            "the value has more digits or magnitude than can be kept exactly (28 significant digits); it is not rounded",
        ))
    };
    // Plain digits (most cells) read the same in every form: no copy, no folding.
    if let Some(v) = plain_number(ty, written) {
        return v.map_err(|_| out_of_range());
    }
    let loose = if typed {
        None
    } else {
        crate::numform::loosen(written)
    };
    let text = loose.as_ref().map_or(written, |l| l.text.as_str());
    let wan = loose.as_ref().is_some_and(|l| l.ten_thousand);
    if wan
        && !matches!(
            ty,
            FieldType::Amount | FieldType::SignedAmount | FieldType::Ratio
        )
    {
        return Err(Some(Text::new(
            "该字段不是金额，不能以万元为单位",
            "this field is not an amount: 万元 does not apply",
        )));
    }
    let parsed = if ty == FieldType::Ratio {
        parse_number_or_percent(text)
    } else {
        parse_decimal(text)
    };
    let parsed = parsed.and_then(|v| {
        if wan {
            // × 10,000 is exact unless the 28 digits overflow; the scale the
            // multiplication leaves (`1690.6万` → 16906000.0) is no digit written.
            v.checked_mul(Decimal::from(10_000))
                .map(|x| x.normalize())
                .ok_or(NumError::OutOfRange)
        } else {
            Ok(v)
        }
    });
    parsed.map_err(|e| match e {
        NumError::OutOfRange => out_of_range(),
        NumError::NotANumber => crate::numform::hint(written),
    })
}

/// A number written in plain form, `-?[0-9]+(\.[0-9]+)?` (and `%` after it for a ratio), read
/// directly; `None` for any other form, which the general path reads. Plain text is its own
/// loose form (`numform::loosen` leaves it alone) and [`parse_decimal`] reads it as
/// `Decimal::from_str_exact` does, so both paths give the same value and the same error.
fn plain_number(ty: FieldType, written: &str) -> Option<Result<Decimal, NumError>> {
    let (body, percent) = match written.strip_suffix('%') {
        Some(b) if ty == FieldType::Ratio => (b, true),
        Some(_) => return None,
        None => (written, false),
    };
    // Digits, at most one point, with a digit on each side of it.
    let negative = body.starts_with('-');
    let digits = body.strip_prefix('-').unwrap_or(body).as_bytes();
    let mut point = None;
    // The digits as one integer, while it has at most 18 of them.
    let mut mantissa: u64 = 0;
    for (i, b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0')),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    if digits.is_empty() || point.is_some_and(|p| p == 0 || p + 1 == digits.len()) {
        return None;
    }
    let scale = point.map_or(0, |p| digits.len() - p - 1) as u32;
    if digits.len() - usize::from(point.is_some()) <= 18 && !(negative && mantissa == 0) {
        // What `from_str_exact` makes of it: the digits as the mantissa (under 10^18, so in
        // 64 bits), as many decimal places as written (a negative zero is left to it).
        let parts = |m: u64, scale: u32| {
            Decimal::from_parts(m as u32, (m >> 32) as u32, 0, negative, scale)
        };
        if !percent {
            return Some(Ok(parts(mantissa, scale)));
        }
        // As below, for a mantissa that is not zero.
        if mantissa != 0 {
            let (m, scale) = if mantissa.is_multiple_of(100) {
                (mantissa / 100, scale)
            } else {
                (mantissa, scale + 2)
            };
            if scale <= 20 {
                return Some(Ok(parts(m, scale)));
            }
        }
    }
    let v = match Decimal::from_str_exact(body) {
        Ok(v) => v,
        Err(_) => return Some(Err(NumError::OutOfRange)),
    };
    if !percent {
        return Some(Ok(v));
    }
    // A mantissa far from the 96-bit limit divides by 100 exactly, as `checked_div` does it:
    // by the mantissa when it ends in two zeros, else by the scale (`60` is `0.60`, `8.4`
    // is `0.084`, `100` is `1`). Zero, and anything larger or finer, goes through division:
    // at a result scale of 22 `checked_div` drops a trailing zero that this would keep
    // (the property test `percent_fast_path` found it), so the fast path stops at 20.
    let m = v.mantissa();
    if m != 0 && m.unsigned_abs() < 1_000_000_000_000_000_000 {
        let (m, scale) = if m % 100 == 0 {
            (m / 100, v.scale())
        } else {
            (m, v.scale() + 2)
        };
        if scale <= 20 {
            return Some(Ok(Decimal::from_i128_with_scale(m, scale)));
        }
    }
    // As `parse_number_or_percent`: dividing by 100 is exact unless the scale overflows.
    let scaled = match v.checked_div(Decimal::ONE_HUNDRED) {
        Some(s) if s.checked_mul(Decimal::ONE_HUNDRED) == Some(v) => s,
        _ => return Some(Err(NumError::OutOfRange)),
    };
    Some(Ok(scaled))
}

/// A date written exactly `YYYY-MM-DD` (most are), read without chrono's format parser:
/// `Some(None)` for no such day, as chrono would refuse it; `None` for any other form, which
/// chrono reads.
fn plain_date(text: &str) -> Option<Option<chrono::NaiveDate>> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    Some(chrono::NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        m,
        d,
    ))
}

enum ListItem<'a> {
    Number(&'a str),
    Text(&'a str),
}

fn list_items(src: Src<'_>) -> Option<Vec<ListItem<'_>>> {
    if let Some(s) = src.cell() {
        // A CSV cell: items separated by `;`.
        return Some(
            s.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(ListItem::Text)
                .collect(),
        );
    }
    match src.node_kind()? {
        Kind::Array(items) => items
            .iter()
            .map(|i| match &i.kind {
                Kind::Str(s) => Some(ListItem::Text(s.as_str())),
                Kind::Number(s) => Some(ListItem::Number(s.as_str())),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// A list field (years, factors, report contents) holds at most [`schema::MAX_ARRAY_ITEMS`]
/// items, as the arrays of tables do.
fn check_list_len(n: usize) -> Result<(), Option<Text>> {
    let max = schema::MAX_ARRAY_ITEMS;
    if n <= max {
        return Ok(());
    }
    Err(Some(Text::owned(
        format!("条目过多：{n} 条，上限 {max}"),
        format!("too many entries: {n}, the limit is {max}"),
    )))
}

/// A whole-number field holds the number, not the digits written: `2017.0`, `2.017e3` and
/// `"2017"` are all the year 2017 (checked whole by [`check_range`] first), and every later
/// stage (the pack chosen, the report) sees the same value.
fn whole_value(ty: FieldType, v: Decimal) -> Decimal {
    match ty {
        FieldType::Year | FieldType::PositiveWhole | FieldType::Whole => v.normalize(),
        _ => v,
    }
}

/// The years a year field may hold (the schema's `year` type), first and last.
const YEARS: (i128, i128) = (1949, 2999);

fn check_range(ty: FieldType, v: Decimal) -> Result<(), Option<Text>> {
    // Asked only of the whole-number types; a number written without a point is whole.
    let whole = || v.scale() == 0 || v.fract().is_zero();
    let ok = match ty {
        FieldType::Amount => !v.is_sign_negative() || v.is_zero(),
        FieldType::Headcount => v > Decimal::ZERO,
        FieldType::Year => whole() && v >= Decimal::from(YEARS.0) && v <= Decimal::from(YEARS.1),
        FieldType::PositiveWhole => whole() && v >= Decimal::ONE,
        FieldType::Whole => whole() && !v.is_sign_negative(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Some(Text::new(
            "数值超出允许范围",
            "the value is out of range",
        )))
    }
}

#[cfg(test)]
mod tests;
