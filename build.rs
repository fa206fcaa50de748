//! Build-time work for a fast cold start, over every built-in pack (`rules/*.toml`):
//!
//! - its sha256 digest, so that a run does not hash the packs it ships with (the registry uses
//!   a digest only for a text identical to the built-in one; a test checks each against a fresh
//!   hash);
//! - its parsed tree in a compact binary form (`src/pack/snapshot.rs` reads it back), so that a
//!   run does not parse the TOML it ships with (parsing was over half of a cold `check`); and
//!   the tree of its `[pack]` table alone, for the identity of every built-in pack. The trees
//!   are those `input::parse_toml` makes, positions included: a test checks each against a
//!   fresh parse, and a pack that does not parse here gets no tree (the run parses it and
//!   reports its errors as for any file).

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};
use toml::de::{DeTable, DeValue};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/pack/snapshot_tags.rs");
    // Opt-in: `WAGECHECK_NO_PIE=1 cargo build --release` links the binary as a fixed-address
    // (non-PIE) executable on Linux with GNU tools. The loader then has no relocations to apply
    // at start: about 35 fewer page faults and a quarter of a millisecond off every run on the
    // 2-core build machine, for the loss of address-space randomisation of the binary's own
    // code (a hardening `serve` may want to keep), hence not the default.
    println!("cargo:rerun-if-env-changed=WAGECHECK_NO_PIE");
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|env| env == "gnu");
    if linux_gnu && std::env::var("WAGECHECK_NO_PIE").is_ok_and(|v| v == "1") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    } else if linux_gnu
        && std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "x86_64" || a == "aarch64")
        && glibc_runs_relr()
    {
        // The position-independent binary's relocations packed (DT_RELR: rust-lld, GNU ld
        // 2.38 or later, run by glibc 2.36 or later): its 6,700 relative relocations take a
        // few kilobytes instead of 160, which the loader reads at every start.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    let mut files: Vec<String> = std::fs::read_dir("rules")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let mut out = String::from(
        "/// The sha256 digest of each built-in pack file, computed by build.rs.\n\
         pub const BUILTIN_SHA256: &[(&str, &str)] = &[\n",
    );
    let mut trees = String::from(
        "/// Each built-in pack file's parsed tree and its `[pack]` table's tree, encoded by\n\
         /// build.rs (see `snapshot`), and the text their strings are cut from.\n\
         pub const BUILTIN_TREES: &[(&str, &[u8], &[u8], &str)] = &[\n",
    );
    for (i, name) in files.iter().enumerate() {
        let path = format!("rules/{name}");
        println!("cargo:rerun-if-changed={path}");
        let Ok(text) = std::fs::read(&path) else {
            continue;
        };
        let digest = Sha256::digest(&text);
        let hex = digest.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        let _ = writeln!(out, "    ({path:?}, {hex:?}),");
        let Ok(text) = String::from_utf8(text) else {
            continue;
        };
        let Some((whole, pack, strings)) = encode_pack(&text) else {
            continue;
        };
        let whole_file = Path::new(&out_dir).join(format!("builtin-{i}.tree"));
        let pack_file = Path::new(&out_dir).join(format!("builtin-{i}.pack.tree"));
        let strings_file = Path::new(&out_dir).join(format!("builtin-{i}.strings"));
        write(&whole_file, &whole);
        write(&pack_file, &pack);
        write(&strings_file, strings.as_bytes());
        let _ = writeln!(
            trees,
            "    ({path:?}, include_bytes!({:?}), include_bytes!({:?}), include_str!({:?})),",
            whole_file.display().to_string(),
            pack_file.display().to_string(),
            strings_file.display().to_string()
        );
    }
    out.push_str("];\n");
    trees.push_str("];\n");
    write(
        &Path::new(&out_dir).join("builtin_digests.rs"),
        out.as_bytes(),
    );
    write(
        &Path::new(&out_dir).join("builtin_trees.rs"),
        trees.as_bytes(),
    );
}

fn write(dest: &Path, bytes: &[u8]) {
    if let Err(e) = std::fs::write(dest, bytes) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// The whole document's tree, the tree of a table holding only its top-level `pack` entry, and
/// the text of their strings.
fn encode_pack(text: &str) -> Option<(Vec<u8>, Vec<u8>, String)> {
    let root = DeTable::parse(text).ok()?;
    let index = Lines {
        text,
        starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        strings: std::cell::RefCell::default(),
    };
    let mut whole = Vec::new();
    let root_pos = index.pos(root.span().start);
    put_table_node(&mut whole, root_pos, root.get_ref(), &index, |_| true);
    let mut pack = Vec::new();
    put_table_node(&mut pack, root_pos, root.get_ref(), &index, |k| k == "pack");
    Some((whole, pack, index.strings.into_inner().text))
}

// The encoding, read back by `src/pack/snapshot.rs`.
#[path = "src/pack/snapshot_tags.rs"]
mod tags;
use tags::{ARRAY, DATE, FALSE, NUMBER, STR, TABLE, TRUE};

fn put_table_node(
    out: &mut Vec<u8>,
    pos: (usize, usize),
    table: &DeTable<'_>,
    index: &Lines<'_>,
    keep: impl Fn(&str) -> bool,
) {
    put_pos(out, pos);
    out.push(TABLE);
    let kept: Vec<_> = table.iter().filter(|(k, _)| keep(k.get_ref())).collect();
    put_uint(out, kept.len());
    for (k, v) in kept {
        put_str(out, index, k.get_ref());
        put_pos(out, index.pos(k.span().start));
        put_value(out, v, index);
    }
}

fn put_value(out: &mut Vec<u8>, v: &toml::Spanned<DeValue<'_>>, index: &Lines<'_>) {
    let pos = index.pos(v.span().start);
    match v.get_ref() {
        DeValue::String(s) => {
            put_pos(out, pos);
            out.push(STR);
            put_str(out, index, s);
        }
        DeValue::Integer(i) => {
            let prefix = match i.radix() {
                2 => "0b",
                8 => "0o",
                16 => "0x",
                _ => "",
            };
            put_pos(out, pos);
            out.push(NUMBER);
            put_str(out, index, &format!("{prefix}{}", i.as_str()));
        }
        DeValue::Float(f) => {
            put_pos(out, pos);
            out.push(NUMBER);
            put_str(out, index, f.as_str());
        }
        DeValue::Boolean(b) => {
            put_pos(out, pos);
            out.push(if *b { TRUE } else { FALSE });
        }
        DeValue::Datetime(d) => {
            put_pos(out, pos);
            out.push(DATE);
            put_str(out, index, &d.to_string());
        }
        DeValue::Array(a) => {
            put_pos(out, pos);
            out.push(ARRAY);
            put_uint(out, a.len());
            for x in a.iter() {
                put_value(out, x, index);
            }
        }
        DeValue::Table(t) => put_table_node(out, pos, t, index, |_| true),
    }
}

fn put_pos(out: &mut Vec<u8>, (line, column): (usize, usize)) {
    put_uint(out, line);
    put_uint(out, column);
}

fn put_str(out: &mut Vec<u8>, index: &Lines<'_>, s: &str) {
    let mut strings = index.strings.borrow_mut();
    let offset = match strings.at.get(s) {
        Some(offset) => *offset,
        None => {
            let offset = strings.text.len();
            strings.text.push_str(s);
            strings.at.insert(s.to_string(), offset);
            offset
        }
    };
    put_uint(out, offset);
    put_uint(out, s.len());
}

fn put_uint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A file's strings, each written once.
#[derive(Default)]
struct Strings {
    text: String,
    at: std::collections::HashMap<String, usize>,
}

/// Line and column (1-based, the column in characters) of a byte offset, as `diag::LineIndex`;
/// and the strings written so far.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    strings: std::cell::RefCell<Strings>,
}

impl Lines<'_> {
    fn pos(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let chars = self.text.as_bytes()[start..offset]
            .iter()
            .filter(|b| **b & 0xC0 != 0x80)
            .count();
        (line + 1, chars + 1)
    }
}

/// Whether the binary may use packed relative relocations: a native build (the target is the
/// machine building it) whose glibc is 2.36 or later, the first to apply them (dynamically,
/// and in a static PIE's own start-up code). An older glibc, a cross build or a failed probe:
/// no (the relocations are then written the usual way).
fn glibc_runs_relr() -> bool {
    if std::env::var("HOST").ok() != std::env::var("TARGET").ok() {
        return false;
    }
    let Ok(out) = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
    else {
        return false;
    };
    // "glibc 2.36"
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text
        .trim()
        .strip_prefix("glibc ")
        .unwrap_or("")
        .split('.')
        .map(|p| p.parse::<u32>().ok());
    matches!(
        (parts.next().flatten(), parts.next().flatten()),
        (Some(major), Some(minor)) if (major, minor) >= (2, 36)
    )
}
