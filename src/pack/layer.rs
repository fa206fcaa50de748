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
    /// Key → position in `entries` (the first entry of that key). foldhash, not SipHash: the
    /// keys are the pack author's, and hashing them was a twentieth of a cold `check`.
    index: HashMap<String, usize, foldhash::fast::RandomState>,
}

impl Items {
    fn from_entries(entries: Vec<(String, Src, Pos)>) -> Items {
        let mut index = HashMap::with_capacity_and_hasher(entries.len(), Default::default());
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
    /// Each layer's id and document, root first: a clause is cited with the document of the
    /// layer that wrote it.
    pub documents: Vec<(String, String)>,
}

impl Layer {
    /// The document of a layer of this chain (empty when unknown).
    pub fn document_of(&self, layer: &str) -> &str {
        self.documents
            .iter()
            .find(|(l, _)| l == layer)
            .map(|(_, d)| d.as_str())
            .unwrap_or("")
    }
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

/// The entries of a table (moved out of the document's tree), or none and an error.
fn table_entries(node: Node, file: &str, field: &str, errors: &mut Vec<Diagnostic>) -> Vec<Entry> {
    match node.kind {
        Kind::Table(e) => e,
        _ => {
            errors.push(err(
                file,
                node.pos,
                field,
                expected_found(&Text::new("一个表", "a table"), &node.found()),
            ));
            Vec::new()
        }
    }
}

fn items_of(entries: Vec<Entry>, file: &Arc<str>, layer: &Arc<str>) -> Items {
    Items::from_entries(
        entries
            .into_iter()
            .map(|e| {
                (
                    e.key,
                    Src {
                        node: e.value,
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
    node: Node,
    file: &Arc<str>,
    layer: &Arc<str>,
    field: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Keyed> {
    let Kind::Array(items) = node.kind else {
        errors.push(err(
            file,
            node.pos,
            field,
            expected_found(&Text::new("表数组", "an array of tables"), &node.found()),
        ));
        return Vec::new();
    };
    let mut out: Vec<Keyed> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let item_pos = item.pos;
        // The item's path is only for messages: built when there is one to write.
        let entries = match item.kind {
            Kind::Table(e) => e,
            _ => table_entries(item, file, &format!("{field}[{}]", i + 1), errors),
        };
        let fields = items_of(entries, file, layer);
        let id = match fields.get("id").map(|s| &s.node.kind) {
            Some(Kind::Str(s)) if !s.is_empty() => s.clone(),
            _ => {
                errors.push(err(
                    file,
                    item_pos,
                    &format!("{field}[{}].id", i + 1),
                    Text::new("缺少 id（非空字符串）", "missing id (a non-empty string)"),
                ));
                continue;
            }
        };
        if out.iter().any(|k| k.id == id) {
            errors.push(err(
                file,
                item_pos,
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
            pos: item_pos,
            file: file.clone(),
            layers: vec![layer.clone()],
        });
    }
    out
}

/// Splits one pack document into its keyed items (its values moved, not copied). Structural
/// errors are collected.
pub fn read_layer(file: &str, root: Node, errors: &mut Vec<Diagnostic>) -> Layer {
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
        let Entry { key, pos, value: v } = e;
        match key.as_str() {
            "pack" => {
                layer.meta = items_of(table_entries(v, &file, "pack", errors), &file, &layer_id);
                if let Some(Kind::Str(d)) = layer.meta.get("document").map(|s| &s.node.kind) {
                    layer.documents = vec![(layer.id.clone(), d.clone())];
                }
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
                    for x in table_entries(t.value, &file, &path, errors) {
                        if x.key == "rows" {
                            rows = items_of(
                                table_entries(x.value, &file, &format!("{path}.rows"), errors),
                                &file,
                                &layer_id,
                            );
                        } else {
                            settings.push(x);
                        }
                    }
                    layer
                        .tables
                        .push((t.key, items_of(settings, &file, &layer_id), rows, t.pos));
                }
            }
            "rule" => layer.rules = keyed_list(v, &file, &layer_id, "rule", errors),
            "regime" => {
                layer.regime = Some(Src {
                    node: v,
                    file: file.clone(),
                    layer: layer_id.clone(),
                })
            }
            "catalog" => {
                for c in table_entries(v, &file, "catalog", errors) {
                    if !CATALOG_SECTIONS.contains(&c.key.as_str()) {
                        errors.push(unknown_key(&file, &c, "catalog.", CATALOG_SECTIONS));
                        continue;
                    }
                    let list = keyed_list(
                        c.value,
                        &file,
                        &layer_id,
                        &format!("catalog.{}", c.key),
                        errors,
                    );
                    layer.catalog.push((c.key, list));
                }
            }
            _ => errors.push(unknown_key(
                &file,
                &Entry { key, pos, value: v },
                "",
                SECTIONS,
            )),
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
            let in_parent = acc.rules.iter().any(|r| r.id == rule.id);
            let declared_new = flag(rule.fields.get("new"));
            if in_parent && declared_new {
                let at = rule.fields.key_pos("new").unwrap_or(rule.pos);
                errors.push(err(
                    &rule.file,
                    at,
                    &format!("rule.{}.new", rule.id),
                    Text::owned(
                        format!(
                            "上级包已有规则 `{}`：去掉 new = true 即为覆盖它，或另起一个 id",
                            rule.id
                        ),
                        format!(
                            "the parent pack already has rule `{}`: drop `new = true` to override it, or choose another id",
                            rule.id
                        ),
                    ),
                ));
                orphans.push(rule.id.clone());
            } else if !in_parent && !declared_new {
                // A rule the parent lacks is new only when the author says so: otherwise it is
                // most likely a mistyped override, which would leave the parent's rule in force.
                let (zh, en) = hint(&rule.id, acc.rules.iter().map(|r| r.id.as_str()));
                errors.push(err(
                    &rule.file,
                    rule.pos,
                    &format!("rule.{}", rule.id),
                    Text::owned(
                        format!(
                            "上级包没有规则 `{}`：覆盖须用上级的规则 id，新增规则须写 new = true{zh}",
                            rule.id
                        ),
                        format!(
                            "the parent pack has no rule `{}`: an override must use the parent's rule id, a new rule must say `new = true`{en}",
                            rule.id
                        ),
                    ),
                ));
                orphans.push(rule.id.clone());
            }
        }
        for (k, s, p) in &child.params.entries {
            if acc.params.get(k).is_some() && !overrides_flag(s) {
                errors.push(err(
                    &s.file,
                    *p,
                    &format!("params.{k}"),
                    Text::owned(
                        format!(
                            "遮盖了上级包的参数 `{k}`：若有意覆盖，写成 {k} = {{ value = …, override = true }}；否则换一个名称"
                        ),
                        format!(
                            "shadows the parent's parameter `{k}`: to override it on purpose write {k} = {{ value = …, override = true }}; otherwise choose another name"
                        ),
                    ),
                ));
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
        acc.documents.extend(child.documents);
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
        let mut placed_after: Vec<(String, String)> = Vec::new();
        for rule in child.rules.into_iter().filter(|r| !orphans.contains(&r.id)) {
            match acc.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(r) => {
                    if let Some(a) = rule.fields.get("after") {
                        errors.push(err(
                            &a.file,
                            a.pos(),
                            &format!("rule.{}.after", rule.id),
                            Text::new(
                                "after 只用于新增规则（new = true）：被覆盖的规则保持上级包中的位置",
                                "`after` is for new rules (`new = true`) only: an overridden rule keeps its place in the parent",
                            ),
                        ));
                    }
                    r.fields.merge(rule.fields);
                    r.layers.extend(rule.layers);
                    r.pos = rule.pos;
                    r.file = rule.file;
                }
                None => {
                    // A new rule goes where its `after` says (next to the rule it refines),
                    // else last.
                    let after = rule.fields.get("after").map(|s| (s.clone(), &s.node.kind));
                    match after {
                        Some((_, Kind::Str(a))) => {
                            match acc.rules.iter().position(|r| r.id == *a) {
                                Some(i) => {
                                    // After the named rule and any new rules already placed
                                    // after it, in file order.
                                    let mut at = i + 1;
                                    while at < acc.rules.len()
                                        && placed_after
                                            .iter()
                                            .any(|(id, x)| *id == acc.rules[at].id && *x == *a)
                                    {
                                        at += 1;
                                    }
                                    placed_after.push((rule.id.clone(), a.clone()));
                                    acc.rules.insert(at, rule);
                                }
                                None => {
                                    let at = rule.fields.key_pos("after").unwrap_or(rule.pos);
                                    let (zh, en) = hint(a, acc.rules.iter().map(|r| r.id.as_str()));
                                    errors.push(err(
                                        &rule.file,
                                        at,
                                        &format!("rule.{}.after", rule.id),
                                        Text::owned(
                                            format!("after 指向的规则 `{a}` 不存在{zh}"),
                                            format!("`after` names no rule `{a}`{en}"),
                                        ),
                                    ));
                                    acc.rules.push(rule);
                                }
                            }
                        }
                        Some((src, _)) => {
                            errors.push(err(
                                &src.file,
                                src.pos(),
                                &format!("rule.{}.after", rule.id),
                                expected_found(
                                    &Text::new("规则 id（字符串）", "a rule id (a string)"),
                                    &src.node.found(),
                                ),
                            ));
                            acc.rules.push(rule);
                        }
                        None => acc.rules.push(rule),
                    }
                }
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

/// `key = true`.
fn flag(s: Option<&Src>) -> bool {
    s.is_some_and(|s| s.node.kind == Kind::Bool(true))
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
