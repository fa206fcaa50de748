//! One pack file as keyed items, and the merging of a chain of them (parent first).
//!
//! A child pack overrides its parent item by item: parameters, quantities and table rows by name,
//! rules by id and then key by key, catalog entries by id; `[cap]` and `[clearing]` key by key;
//! `[regime]` whole. Every leaf remembers the file and the pack it came from, so errors point at
//! the right file and `explain` can say which layer each number came from.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::{Diagnostic, Text, did_you_mean, expected_found};
use crate::input::{Entry, Kind, Node, Pos};

/// A value and where it came from.
#[derive(Clone, Debug)]
pub struct Src {
    pub node: Node,
    pub file: Arc<str>,
    pub layer: Arc<str>,
}

impl Src {
    pub fn pos(&self) -> Pos {
        self.node.pos
    }
}

/// An ordered map of keys to sourced values. Looked up by key through an index: a pack of
/// 60,000 quantities is merged and compiled in linear time, not quadratic.
#[derive(Clone, Debug, Default)]
pub struct Items {
    pub entries: Vec<(String, Src, Pos)>,
    /// Key → position in `entries` (the first entry of that key).
    index: HashMap<String, usize>,
}

impl Items {
    fn from_entries(entries: Vec<(String, Src, Pos)>) -> Items {
        let mut index = HashMap::with_capacity(entries.len());
        for (i, (k, _, _)) in entries.iter().enumerate() {
            index.entry(k.clone()).or_insert(i);
        }
        Items { entries, index }
    }
    pub fn get(&self, key: &str) -> Option<&Src> {
        self.index.get(key).map(|i| &self.entries[*i].1)
    }
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.index.get(key).map(|i| self.entries[*i].2)
    }
    fn set(&mut self, key: String, src: Src, pos: Pos) {
        match self.index.get(&key) {
            Some(i) => self.entries[*i] = (key, src, pos),
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, src, pos));
            }
        }
    }
    fn merge(&mut self, child: Items) {
        for (k, s, p) in child.entries {
            self.set(k, s, p);
        }
    }
}

/// A rule (or catalog entry) as keyed fields, with the layer that last touched it.
#[derive(Clone, Debug)]
pub struct Keyed {
    pub id: String,
    pub fields: Items,
    pub pos: Pos,
    pub file: Arc<str>,
    /// Layers that defined or changed it, parent first.
    pub layers: Vec<Arc<str>>,
}

#[derive(Clone, Debug, Default)]
pub struct Layer {
    pub id: String,
    pub file: Arc<str>,
    pub meta: Items,
    pub params: Items,
    /// Table name → (table settings, rows by key).
    pub tables: Vec<(String, Items, Items, Pos)>,
    pub quantities: Items,
    pub rules: Vec<Keyed>,
    pub regime: Option<Src>,
    pub catalog: Vec<(String, Vec<Keyed>)>,
    pub cap: Items,
    pub clearing: Items,
    /// Parent parameters a child overrode (name, the parent's value), parent first.
    pub shadowed_params: Vec<(String, Src)>,
}

const SECTIONS: &[&str] = &[
    "pack",
    "params",
    "tables",
    "quantities",
    "rule",
    "regime",
    "catalog",
    "cap",
    "clearing",
];
pub const CATALOG_SECTIONS: &[&str] = &["indicator", "productivity", "labor_cost"];

fn err(file: &str, pos: Pos, field: &str, msg: Text) -> Diagnostic {
    Diagnostic::new(file, Some(pos), Some(field), msg)
}

fn table_entries<'a>(
    node: &'a Node,
    file: &str,
    field: &str,
    errors: &mut Vec<Diagnostic>,
) -> &'a [Entry] {
    match &node.kind {
        Kind::Table(e) => e,
        _ => {
            errors.push(err(
                file,
                node.pos,
                field,
                expected_found(&Text::new("一个表", "a table"), &node.found()),
            ));
            &[]
        }
    }
}

fn items_of(entries: &[Entry], file: &Arc<str>, layer: &Arc<str>) -> Items {
    Items::from_entries(
        entries
            .iter()
            .map(|e| {
                (
                    e.key.clone(),
                    Src {
                        node: e.value.clone(),
                        file: file.clone(),
                        layer: layer.clone(),
                    },
                    e.pos,
                )
            })
            .collect(),
    )
}

fn keyed_list(
    node: &Node,
    file: &Arc<str>,
    layer: &Arc<str>,
    field: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Keyed> {
    let Kind::Array(items) = &node.kind else {
        errors.push(err(
            file,
            node.pos,
            field,
            expected_found(&Text::new("表数组", "an array of tables"), &node.found()),
        ));
        return Vec::new();
    };
    let mut out: Vec<Keyed> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("{field}[{}]", i + 1);
        let entries = table_entries(item, file, &path, errors);
        let fields = items_of(entries, file, layer);
        let id = match fields.get("id").map(|s| &s.node.kind) {
            Some(Kind::Str(s)) if !s.is_empty() => s.clone(),
            _ => {
                errors.push(err(
                    file,
                    item.pos,
                    &format!("{path}.id"),
                    Text::new("缺少 id（非空字符串）", "missing id (a non-empty string)"),
                ));
                continue;
            }
        };
        if out.iter().any(|k| k.id == id) {
            errors.push(err(
                file,
                item.pos,
                &format!("{field}.{id}"),
                Text::owned(
                    format!("重复的 id `{id}`（同一文件中只能出现一次）"),
                    format!("duplicate id `{id}` (an id may appear once per file)"),
                ),
            ));
            continue;
        }
        out.push(Keyed {
            id,
            fields,
            pos: item.pos,
            file: file.clone(),
            layers: vec![layer.clone()],
        });
    }
    out
}

/// Splits one pack document into its keyed items. Structural errors are collected.
pub fn read_layer(file: &str, root: &Node, errors: &mut Vec<Diagnostic>) -> Layer {
    let file: Arc<str> = Arc::from(file);
    let entries = table_entries(root, &file, "", errors);
    let id = entries
        .iter()
        .find(|e| e.key == "pack")
        .and_then(|e| match &e.value.kind {
            Kind::Table(t) => t.iter().find(|x| x.key == "id"),
            _ => None,
        })
        .and_then(|e| match &e.value.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let layer_id: Arc<str> = Arc::from(id.as_str());
    let mut layer = Layer {
        id,
        file: file.clone(),
        ..Layer::default()
    };
    for e in entries {
        let v = &e.value;
        match e.key.as_str() {
            "pack" => {
                layer.meta = items_of(table_entries(v, &file, "pack", errors), &file, &layer_id)
            }
            "params" => {
                layer.params = items_of(table_entries(v, &file, "params", errors), &file, &layer_id)
            }
            "quantities" => {
                layer.quantities = items_of(
                    table_entries(v, &file, "quantities", errors),
                    &file,
                    &layer_id,
                )
            }
            "cap" => layer.cap = items_of(table_entries(v, &file, "cap", errors), &file, &layer_id),
            "clearing" => {
                layer.clearing = items_of(
                    table_entries(v, &file, "clearing", errors),
                    &file,
                    &layer_id,
                )
            }
            "tables" => {
                for t in table_entries(v, &file, "tables", errors) {
                    let path = format!("tables.{}", t.key);
                    let mut settings = Vec::new();
                    let mut rows = Items::default();
                    for x in table_entries(&t.value, &file, &path, errors) {
                        if x.key == "rows" {
                            rows = items_of(
                                table_entries(&x.value, &file, &format!("{path}.rows"), errors),
                                &file,
                                &layer_id,
                            );
                        } else {
                            settings.push(x.clone());
                        }
                    }
                    layer.tables.push((
                        t.key.clone(),
                        items_of(&settings, &file, &layer_id),
                        rows,
                        t.pos,
                    ));
                }
            }
            "rule" => layer.rules = keyed_list(v, &file, &layer_id, "rule", errors),
            "regime" => {
                layer.regime = Some(Src {
                    node: v.clone(),
                    file: file.clone(),
                    layer: layer_id.clone(),
                })
            }
            "catalog" => {
                for c in table_entries(v, &file, "catalog", errors) {
                    if !CATALOG_SECTIONS.contains(&c.key.as_str()) {
                        errors.push(unknown_key(&file, c, "catalog.", CATALOG_SECTIONS));
                        continue;
                    }
                    let list = keyed_list(
                        &c.value,
                        &file,
                        &layer_id,
                        &format!("catalog.{}", c.key),
                        errors,
                    );
                    layer.catalog.push((c.key.clone(), list));
                }
            }
            _ => errors.push(unknown_key(&file, e, "", SECTIONS)),
        }
    }
    layer
}

pub fn unknown_key(file: &str, e: &Entry, prefix: &str, known: &[&str]) -> Diagnostic {
    let hint = did_you_mean(&e.key, known.iter().copied());
    let (zh, en) = match hint {
        Some(h) => (
            format!("；是否指 `{h}`？"),
            format!("; did you mean `{h}`?"),
        ),
        None => (
            format!("；可用的键：{}", known.join(", ")),
            format!("; known keys: {}", known.join(", ")),
        ),
    };
    err(
        file,
        e.pos,
        &format!("{prefix}{}", e.key),
        Text::owned(format!("未知的键{zh}"), format!("unknown key{en}")),
    )
}

/// A chain merged into one layer, and what each child overrode that the parent lacked.
pub fn merge(chain: Vec<Layer>, errors: &mut Vec<Diagnostic>) -> Layer {
    let mut iter = chain.into_iter();
    let Some(mut acc) = iter.next() else {
        return Layer::default();
    };
    for child in iter {
        for (k, s, p) in &child.params.entries {
            if acc.params.get(k).is_none() && overrides_flag(s) {
                let (zh, en) = hint(k, acc.params.entries.iter().map(|(n, _, _)| n.as_str()));
                errors.push(err(
                    &s.file,
                    *p,
                    &format!("params.{k}"),
                    Text::owned(
                        format!("声明覆盖上级参数，但上级包没有此参数{zh}"),
                        format!(
                            "declared as an override, but the parent pack has no such parameter{en}"
                        ),
                    ),
                ));
            }
        }
        let mut orphans: Vec<String> = Vec::new();
        for rule in &child.rules {
            if acc.rules.iter().any(|r| r.id == rule.id) {
                continue;
            }
            // A rule the parent lacks must be complete: one that only switches off or changes
            // some keys names a parent rule that does not exist (a typo, usually).
            let f = &rule.fields;
            let incomplete = f.get("clause").is_none() || f.get("message").is_none();
            let near = did_you_mean(&rule.id, acc.rules.iter().map(|r| r.id.as_str())).is_some();
            let partial = f.get("off").is_some()
                || (f.get("bound").is_none() && f.get("require").is_none())
                || (incomplete && near);
            if partial {
                let (zh, en) = hint(&rule.id, acc.rules.iter().map(|r| r.id.as_str()));
                errors.push(err(
                    &rule.file,
                    rule.pos,
                    &format!("rule.{}", rule.id),
                    Text::owned(
                        format!(
                            "覆盖或关闭规则 `{}`，但上级包没有此规则{zh}",
                            rule.id
                        ),
                        format!(
                            "overrides or switches off rule `{}`, but the parent pack has no such rule{en}",
                            rule.id
                        ),
                    ),
                ));
                orphans.push(rule.id.clone());
            }
        }
        for (k, _, _) in &child.params.entries {
            if let Some(parent) = acc.params.get(k) {
                acc.shadowed_params.push((k.clone(), parent.clone()));
            }
        }
        acc.params.merge(child.params);
        acc.quantities.merge(child.quantities);
        acc.cap.merge(child.cap);
        acc.clearing.merge(child.clearing);
        acc.meta = child.meta;
        acc.id = child.id;
        acc.file = child.file;
        for (name, settings, rows, pos) in child.tables {
            match acc.tables.iter_mut().find(|(n, ..)| *n == name) {
                Some(t) => {
                    t.1.merge(settings);
                    t.2.merge(rows);
                }
                None => acc.tables.push((name, settings, rows, pos)),
            }
        }
        for rule in child.rules.into_iter().filter(|r| !orphans.contains(&r.id)) {
            match acc.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(r) => {
                    r.fields.merge(rule.fields);
                    r.layers.extend(rule.layers);
                    r.pos = rule.pos;
                    r.file = rule.file;
                }
                None => acc.rules.push(rule),
            }
        }
        if child.regime.is_some() {
            acc.regime = child.regime;
        }
        for (section, list) in child.catalog {
            match acc.catalog.iter_mut().find(|(s, _)| *s == section) {
                Some((_, existing)) => {
                    for entry in list {
                        match existing.iter_mut().find(|e| e.id == entry.id) {
                            Some(e) => *e = entry,
                            None => existing.push(entry),
                        }
                    }
                }
                None => acc.catalog.push((section, list)),
            }
        }
    }
    acc
}

/// "; did you mean `x`?" in both languages, or nothing.
fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> (String, String) {
    match did_you_mean(word, candidates) {
        Some(h) => (
            format!("；是否指 `{h}`？"),
            format!("; did you mean `{h}`?"),
        ),
        None => (String::new(), String::new()),
    }
}

/// `{ value = …, override = true }`: the author says the parent has this parameter.
fn overrides_flag(s: &Src) -> bool {
    match &s.node.kind {
        Kind::Table(t) => t
            .iter()
            .any(|e| e.key == "override" && e.value.kind == Kind::Bool(true)),
        _ => false,
    }
}
