//! Finding packs: the built-in ones (embedded in the binary), a pack file named by path, the
//! chain of `extends`, and the pack in force for a jurisdiction and budget year.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::Pack;
use super::layer::{self, Layer};
use crate::diag::{Diagnostic, Text};
use crate::input::Kind;

/// The packs shipped in the binary: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "rules/national-2018.toml",
        include_str!("../../rules/national-2018.toml"),
    ),
    (
        "rules/benxi-2019.toml",
        include_str!("../../rules/benxi-2019.toml"),
    ),
];

/// How deep a chain of `extends` may go (national → province → city → district …).
pub const MAX_CHAIN: usize = 8;

/// Identity of a pack, read without compiling it.
#[derive(Clone, Debug)]
pub struct PackInfo {
    pub id: String,
    pub file: String,
    pub title: Text,
    pub document: String,
    pub jurisdiction: String,
    pub extends: Option<String>,
    pub effective_from: Option<NaiveDate>,
    pub effective_until: Option<NaiveDate>,
}

struct Source {
    file: String,
    /// A built-in pack's text is borrowed from the binary, not copied.
    text: Cow<'static, str>,
    dir: Option<PathBuf>,
    /// The built-in pack this is (its file), whose tree and digest the build prepared.
    builtin: Option<&'static str>,
}

/// The packs a run can use: the built-in ones, each compiled on first use (once, whatever the
/// number of threads asking), and pack files named by path. Every lookup takes `&self`, so one
/// registry is shared by reference or `Arc` across threads.
#[warn(missing_docs)]
pub struct Registry {
    /// The built-in packs' identities, read at construction.
    infos: Vec<PackInfo>,
    /// Each built-in pack compiled, in the order of `infos`.
    compiled: Vec<OnceLock<Result<Arc<Pack>, Vec<Diagnostic>>>>,
}

impl Default for Registry {
    fn default() -> Registry {
        Registry::new()
    }
}

fn diag(file: &str, msg: Text) -> Vec<Diagnostic> {
    vec![Diagnostic::new(file, None, None, msg)]
}

// `BUILTIN_SHA256`: each built-in pack file's digest, computed at build time (build.rs).
include!(concat!(env!("OUT_DIR"), "/builtin_digests.rs"));

/// The sha256 digest of a pack's text, in hex. A built-in pack's text has its digest from the
/// build (hashing the shipped packs was a fifth of a cold `check`); any other text is hashed.
fn sha256(text: &str) -> String {
    let built = BUILTIN
        .iter()
        .find(|(_, t)| *t == text)
        .and_then(|(file, _)| BUILTIN_SHA256.iter().find(|(f, _)| f == file));
    match built {
        Some((_, digest)) => (*digest).to_string(),
        None => sha256_of(text),
    }
}

/// The digest of the built-in pack `file` whose text is `text`.
fn builtin_sha256(file: &str, text: &str) -> String {
    match BUILTIN_SHA256.iter().find(|(f, _)| *f == file) {
        Some((_, digest)) => (*digest).to_string(),
        None => sha256_of(text),
    }
}

fn sha256_of(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn meta_str(layer: &Layer, key: &str) -> Option<String> {
    match &layer.meta.get(key)?.node.kind {
        Kind::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn meta_date(layer: &Layer, key: &str) -> Option<NaiveDate> {
    match &layer.meta.get(key)?.node.kind {
        Kind::Date(s) | Kind::Str(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
        _ => None,
    }
}

fn read(src: &Source, errors: &mut Vec<Diagnostic>) -> Option<Layer> {
    if let Some(node) = src.builtin.and_then(super::snapshot::tree) {
        return Some(layer::read_layer(&src.file, node, errors));
    }
    match crate::input::parse_toml(&src.file, &src.text) {
        Ok(node) => Some(layer::read_layer(&src.file, node, errors)),
        Err(d) => {
            errors.push(d);
            None
        }
    }
}

/// The layer of a built-in pack's text up to the table after `[pack]`: enough for its identity
/// at a fraction of the cost of reading the whole pack (start-up reads every built-in's
/// identity). Falls back to the whole text when the cut does not read as that pack.
fn read_pack_table(file: &str, text: &str) -> Option<Layer> {
    let mut errors = Vec::new();
    let mut offset = 0;
    let mut in_pack = false;
    let mut cut = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if in_pack && t.starts_with('[') {
            cut = Some(offset);
            break;
        }
        in_pack |= t.starts_with("[pack]");
        offset += line.len();
    }
    let whole = |errors: &mut Vec<Diagnostic>| {
        let src = Source {
            file: file.to_string(),
            text: Cow::Owned(text.to_string()),
            dir: None,
            builtin: None,
        };
        read(&src, errors)
    };
    let Some(cut) = cut else {
        return whole(&mut errors);
    };
    let src = Source {
        file: file.to_string(),
        text: Cow::Owned(text[..cut].to_string()),
        dir: None,
        builtin: None,
    };
    match read(&src, &mut errors) {
        Some(l) if !l.id.is_empty() && l.meta.get("jurisdiction").is_some() => Some(l),
        _ => whole(&mut Vec::new()),
    }
}

/// The layer of a built-in pack's `[pack]` table alone, from its tree prepared at build time;
/// `None` (the caller reads the text) when there is none or it does not read as that pack.
fn builtin_pack_table(file: &str) -> Option<Layer> {
    let node = super::snapshot::pack_table(file)?;
    let l = layer::read_layer(file, node, &mut Vec::new());
    (!l.id.is_empty() && l.meta.get("jurisdiction").is_some()).then_some(l)
}

/// A built-in pack's identity from the layer of its `[pack]` table.
fn pack_info(file: &str, l: &Layer) -> PackInfo {
    let title = match l.meta.get("title").map(|s| &s.node.kind) {
        Some(Kind::Table(t)) => {
            let get = |k: &str| {
                t.iter()
                    .find(|e| e.key == k)
                    .and_then(|e| match &e.value.kind {
                        Kind::Str(s) => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap_or_default()
            };
            Text::owned(get("zh"), get("en"))
        }
        _ => Text::default(),
    };
    PackInfo {
        id: l.id.clone(),
        file: file.to_string(),
        title,
        document: meta_str(l, "document").unwrap_or_default(),
        jurisdiction: meta_str(l, "jurisdiction").unwrap_or_default(),
        extends: meta_str(l, "extends"),
        effective_from: meta_date(l, "effective_from"),
        effective_until: meta_date(l, "effective_until"),
    }
}

/// A pack id as `extends` may name it: letters, digits, `-` and `_`, so that it can only be a
/// file name in the child's own directory or a built-in pack, never a path (`../x`, `/tmp/x`).
pub fn is_pack_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[warn(missing_docs)]
impl Registry {
    /// The built-in packs (their identities read now, each compiled on first use).
    pub fn new() -> Registry {
        let infos = Self::builtin_infos();
        let compiled = infos.iter().map(|_| OnceLock::new()).collect();
        Registry { infos, compiled }
    }

    /// The identity of every built-in pack, as read at construction.
    pub fn infos(&self) -> &[PackInfo] {
        &self.infos
    }

    /// The identity of every built-in pack.
    pub fn builtin_infos() -> Vec<PackInfo> {
        BUILTIN
            .iter()
            .filter_map(|(file, text)| {
                let l = builtin_pack_table(file).or_else(|| read_pack_table(file, text))?;
                Some(pack_info(file, &l))
            })
            .collect()
    }

    /// The pack `id` from the child's own directory (`<dir>/<id>.toml`), else built in. `id` is
    /// a plain name ([`is_pack_id`]), so nothing outside those two places can be named.
    fn find_source(id: &str, near: Option<&Path>) -> Option<Source> {
        if !is_pack_id(id) {
            return None;
        }
        if let Some(dir) = near {
            let p = dir.join(format!("{id}.toml"));
            if p.is_file() {
                let text = crate::input::read_document("", &p).ok()?.ok()?;
                let text = String::from_utf8(text).ok()?;
                return Some(Source {
                    file: p.display().to_string(),
                    text: Cow::Owned(text),
                    dir: Some(dir.to_path_buf()),
                    builtin: None,
                });
            }
        }
        BUILTIN.iter().find_map(|(file, text)| {
            let stem = Path::new(file).file_stem()?.to_str()?;
            (stem == id).then(|| Source {
                file: file.to_string(),
                text: Cow::Borrowed(*text),
                dir: None,
                builtin: Some(*file),
            })
        })
    }

    /// A pack by id (built-in, compiled once per registry) or by path to a `.toml` file
    /// (compiled at each call: load it once and keep the `Arc`).
    pub fn load(&self, spec: &str) -> Result<Arc<Pack>, Vec<Diagnostic>> {
        if !Self::is_path(spec)
            && let Some(i) = self.infos.iter().position(|i| i.id == spec)
        {
            return self.compiled[i]
                .get_or_init(|| {
                    let source = Self::source_of(spec)?;
                    Ok(Arc::new(Self::compile_source(source)?))
                })
                .clone();
        }
        let source = Self::source_of(spec)?;
        Ok(Arc::new(Self::compile_source(source)?))
    }

    /// A spec names a file when it ends in `.toml` or a file of that name exists.
    fn is_path(spec: &str) -> bool {
        spec.ends_with(".toml") || Path::new(spec).is_file()
    }

    /// The file a pack spec names: a path, or a built-in id.
    fn source_of(spec: &str) -> Result<Source, Vec<Diagnostic>> {
        let path = Path::new(spec);
        if Self::is_path(spec) {
            let bytes = crate::input::read_document(spec, path).map_err(|e| {
                diag(
                    spec,
                    Text::owned(
                        format!("无法读取规则包：{e}"),
                        format!("cannot read the rule pack: {e}"),
                    ),
                )
            })?;
            let bytes = bytes.map_err(|d| vec![d])?;
            let text = crate::input::decode_utf8(spec, bytes).map_err(|d| vec![d])?;
            Ok(Source {
                file: spec.to_string(),
                text: Cow::Owned(text),
                dir: path.parent().map(Path::to_path_buf),
                builtin: None,
            })
        } else {
            Self::find_source(spec, None).ok_or_else(|| {
                let known: Vec<String> = Self::builtin_infos().into_iter().map(|i| i.id).collect();
                diag(
                    spec,
                    Text::owned(
                        format!(
                            "没有 id 为 `{spec}` 的规则包（内置：{}），也不是文件路径",
                            known.join(", ")
                        ),
                        format!(
                            "no rule pack with id `{spec}` (built in: {}), and no such file",
                            known.join(", ")
                        ),
                    ),
                )
            })
        }
    }

    /// The file a pack spec resolves to (`rules/<id>.toml` for a built-in pack).
    pub fn file_of(spec: &str) -> Option<String> {
        Self::source_of(spec).ok().map(|s| s.file)
    }

    /// Loads a pack for `rules lint`: every error, the pack-level warnings, and the pack when
    /// it compiles.
    pub fn lint(spec: &str) -> (Option<Pack>, Vec<Diagnostic>, Vec<Diagnostic>) {
        let source = match Self::source_of(spec) {
            Ok(s) => s,
            Err(e) => return (None, e, Vec::new()),
        };
        let mut errors = Vec::new();
        let Some((merged, layers)) = Self::read_chain(source, &mut errors) else {
            return (None, errors, Vec::new());
        };
        let warnings = super::lint::warnings(&merged);
        let pack = super::compile::compile(&merged, layers, &mut errors);
        (pack.filter(|_| errors.is_empty()), errors, warnings)
    }

    /// Reads a pack text (a file's contents) and compiles it with its chain.
    pub fn compile_text(
        file: &str,
        text: &str,
        dir: Option<&Path>,
    ) -> Result<Pack, Vec<Diagnostic>> {
        Self::compile_source(Source {
            file: file.to_string(),
            text: Cow::Owned(text.to_string()),
            dir: dir.map(Path::to_path_buf),
            builtin: None,
        })
    }

    fn compile_source(source: Source) -> Result<Pack, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let Some((merged, layers)) = Self::read_chain(source, &mut errors) else {
            return Err(errors);
        };
        match super::compile::compile(&merged, layers, &mut errors) {
            Some(p) if errors.is_empty() => Ok(p),
            _ => Err(errors),
        }
    }

    /// Reads a pack and its parents, and merges them (root first). `None` when the chain
    /// cannot be read at all; other errors are collected.
    fn read_chain(
        source: Source,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<(Layer, Vec<super::Layer>)> {
        let mut chain: Vec<(Layer, String, String)> = Vec::new();
        let mut current = Some(source);
        // The id the child's `extends` named, with where it was written.
        let mut expected_id: Option<(String, String, Option<crate::diag::Pos>)> = None;
        while let Some(src) = current.take() {
            let layer = read(&src, errors)?;
            if let Some((want, child, pos)) = expected_id.take()
                && layer.id != want
            {
                errors.push(Diagnostic::new(
                    &child,
                    pos,
                    Some("pack.extends"),
                    Text::owned(
                        format!(
                            "`extends = \"{want}\"` 找到的文件 {} 的 id 是 `{}`，不是 `{want}`",
                            src.file, layer.id
                        ),
                        format!(
                            "`extends = \"{want}\"` found {}, whose id is `{}`, not `{want}`",
                            src.file, layer.id
                        ),
                    ),
                ));
                return None;
            }
            let hash = match src.builtin {
                Some(file) => builtin_sha256(file, &src.text),
                None => sha256(&src.text),
            };
            let parent = meta_str(&layer, "extends");
            if chain.iter().any(|(l, _, _)| l.id == layer.id) {
                let ids: Vec<&str> = chain.iter().map(|(l, _, _)| l.id.as_str()).collect();
                errors.push(Diagnostic::new(
                    &src.file,
                    layer.meta.get("extends").map(|s| s.pos()),
                    Some("pack.extends"),
                    Text::owned(
                        format!("`extends` 形成循环：{} → {}", ids.join(" → "), layer.id),
                        format!(
                            "`extends` forms a cycle: {} → {}",
                            ids.join(" → "),
                            layer.id
                        ),
                    ),
                ));
                return None;
            }
            let dir = src.dir.clone();
            let file = src.file.clone();
            chain.push((layer, file.clone(), hash));
            if chain.len() > MAX_CHAIN {
                errors.push(Diagnostic::new(
                    &file,
                    None,
                    Some("pack.extends"),
                    Text::owned(
                        format!("`extends` 链过长（上限 {MAX_CHAIN} 层）"),
                        format!("the `extends` chain is too long (at most {MAX_CHAIN} levels)"),
                    ),
                ));
                return None;
            }
            if let Some(parent) = parent {
                let pos = chain
                    .last()
                    .and_then(|(l, _, _)| l.meta.get("extends"))
                    .map(|s| s.pos());
                if !is_pack_id(&parent) {
                    errors.push(Diagnostic::new(
                        &file,
                        pos,
                        Some("pack.extends"),
                        Text::owned(
                            format!(
                                "`extends` 应为规则包 id（字母、数字、-、_），不能是路径：`{parent}`"
                            ),
                            format!(
                                "`extends` names a pack id (letters, digits, - and _), not a path: `{parent}`"
                            ),
                        ),
                    ));
                    return None;
                }
                match Self::find_source(&parent, dir.as_deref()) {
                    Some(s) => {
                        expected_id = Some((parent, file.clone(), pos));
                        current = Some(s);
                    }
                    None => {
                        errors.push(Diagnostic::new(
                            &file,
                            pos,
                            Some("pack.extends"),
                            Text::owned(
                                format!("找不到上级规则包 `{parent}`（既非内置，也不在同一目录）"),
                                format!("parent pack `{parent}` not found (neither built in nor beside this file)"),
                            ),
                        ));
                        return None;
                    }
                }
            }
        }
        chain.reverse();
        let layers: Vec<super::Layer> = chain
            .iter()
            .map(|(l, f, h)| super::Layer {
                id: l.id.clone(),
                file: f.clone(),
                hash: h.clone(),
            })
            .collect();
        let merged = layer::merge(chain.into_iter().map(|(l, _, _)| l).collect(), errors);
        Some((merged, layers))
    }

    /// The built-in pack in force for a jurisdiction on 1 January of the budget year.
    pub fn select(&self, jurisdiction: &str, year: i32) -> Result<Arc<Pack>, Vec<Diagnostic>> {
        let day = NaiveDate::from_ymd_opt(year, 1, 1);
        let infos = &self.infos;
        let best = infos
            .iter()
            .filter(|i| i.jurisdiction == jurisdiction)
            .filter(|i| match (day, i.effective_from) {
                (Some(d), Some(from)) => from <= d && i.effective_until.is_none_or(|u| d <= u),
                _ => false,
            })
            .max_by_key(|i| i.effective_from);
        match best {
            Some(i) => {
                let id = i.id.clone();
                self.load(&id)
            }
            None => {
                let same: Vec<String> = infos
                    .iter()
                    .filter(|i| i.jurisdiction == jurisdiction)
                    .map(|i| {
                        format!(
                            "{} ({}–{})",
                            i.id,
                            i.effective_from.map(|d| d.to_string()).unwrap_or_default(),
                            i.effective_until.map(|d| d.to_string()).unwrap_or_default()
                        )
                    })
                    .collect();
                // The field at fault: an unknown jurisdiction, or a known one not in force that year.
                let field = if same.is_empty() {
                    "enterprise.jurisdiction"
                } else {
                    "budget.year"
                };
                let (zh, en) = if same.is_empty() {
                    let mut all: Vec<String> =
                        infos.iter().map(|i| i.jurisdiction.clone()).collect();
                    all.dedup();
                    let (hzh, hen) = match crate::diag::did_you_mean(
                        jurisdiction,
                        all.iter().map(String::as_str),
                    ) {
                        Some(h) => (
                            format!("；是否指 `{h}`？"),
                            format!("; did you mean `{h}`?"),
                        ),
                        None => (String::new(), String::new()),
                    };
                    (
                        format!(
                            "没有管辖地区为 `{jurisdiction}` 的规则包（已有：{}；可用 --rules 指定）{hzh}",
                            all.join(", ")
                        ),
                        format!(
                            "no rule pack for jurisdiction `{jurisdiction}` (known: {}; name one with --rules){hen}",
                            all.join(", ")
                        ),
                    )
                } else {
                    (
                        format!(
                            "{year} 年 1 月 1 日没有生效的 `{jurisdiction}` 规则包（已有：{}）",
                            same.join("; ")
                        ),
                        format!(
                            "no `{jurisdiction}` rule pack is in force on {year}-01-01 (known: {})",
                            same.join("; ")
                        ),
                    )
                };
                Err(vec![Diagnostic::new(
                    "",
                    None,
                    Some(field),
                    Text::owned(zh, en),
                )])
            }
        }
    }
}

#[cfg(test)]
mod digest_tests {
    use super::*;

    #[test]
    fn build_time_digests_are_those_of_the_shipped_packs() {
        for (file, text) in BUILTIN {
            assert!(
                BUILTIN_SHA256.iter().any(|(f, _)| f == file),
                "{file} has no build-time digest"
            );
            assert_eq!(sha256(text), sha256_of(text), "{file}");
        }
        let other = "[pack]\nid = \"x\"\n";
        assert_eq!(sha256(other), sha256_of(other));
        assert_eq!(sha256_of("").len(), 64);
        for (file, text) in BUILTIN {
            assert_eq!(builtin_sha256(file, text), sha256_of(text), "{file}");
        }
    }

    #[test]
    fn built_in_identities_from_the_build_are_those_read_from_the_text() {
        for (file, text) in BUILTIN {
            let from_tree = builtin_pack_table(file).expect("a tree from the build");
            let from_text = read_pack_table(file, text).expect("the text reads");
            assert_eq!(
                format!("{:?}", pack_info(file, &from_tree)),
                format!("{:?}", pack_info(file, &from_text)),
                "{file}"
            );
        }
    }
}
