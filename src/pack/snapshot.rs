//! The built-in packs' parsed trees, prepared at build time (`build.rs`): reading one back is a
//! small fraction of parsing its TOML, which was over half of a cold `check`. A tree is exactly
//! what [`crate::input::parse_toml`] makes of the same text, positions included (a test checks
//! every built-in pack against a fresh parse), so everything read from it (layers, merge,
//! compilation, diagnostics) is unchanged.

use crate::input::{Entry, Kind, Node, Pos};

// `BUILTIN_TREES`: (file, whole tree, tree of the `[pack]` table alone, the text of their
// strings), by build.rs.
include!(concat!(env!("OUT_DIR"), "/builtin_trees.rs"));

/// The parsed tree of the built-in pack `file` (`rules/<id>.toml`), when the build prepared one.
pub fn tree(file: &str) -> Option<Node> {
    let (_, whole, _, strings) = BUILTIN_TREES.iter().find(|(f, ..)| *f == file)?;
    decode(whole, strings)
}

/// The tree of a table holding only the `[pack]` table of the built-in pack `file`.
pub fn pack_table(file: &str) -> Option<Node> {
    let (_, _, pack, strings) = BUILTIN_TREES.iter().find(|(f, ..)| *f == file)?;
    decode(pack, strings)
}

// Tags, as written by build.rs.
#[path = "snapshot_tags.rs"]
mod tags;
use tags::{ARRAY, DATE, FALSE, NUMBER, STR, TABLE, TRUE};

/// A whole encoded tree; `None` when the bytes do not read as one (not expected: they come
/// from the build, and the caller then parses the text).
fn decode(bytes: &[u8], strings: &str) -> Option<Node> {
    let mut r = Reader {
        bytes,
        at: 0,
        strings,
    };
    let node = r.node(0)?;
    (r.at == bytes.len()).then_some(node)
}

/// Deeper than any parsed TOML can be (the parser's own limit is far lower).
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The text every string is a slice of.
    strings: &'a str,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn uint(&mut self) -> Option<usize> {
        let mut n: usize = 0;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
            shift += 7;
        }
    }

    fn str(&mut self) -> Option<String> {
        let start = self.uint()?;
        let end = start.checked_add(self.uint()?)?;
        Some(self.strings.get(start..end)?.to_string())
    }

    fn pos(&mut self) -> Option<Pos> {
        let line = self.uint()?;
        let column = self.uint()?;
        Some(Pos { line, column })
    }

    fn node(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pos = self.pos()?;
        let kind = match self.byte()? {
            STR => Kind::Str(self.str()?),
            NUMBER => Kind::Number(self.str()?),
            FALSE => Kind::Bool(false),
            TRUE => Kind::Bool(true),
            DATE => Kind::Date(self.str()?),
            ARRAY => {
                let n = self.uint()?;
                let mut items = Vec::with_capacity(n.min(self.bytes.len()));
                for _ in 0..n {
                    items.push(self.node(depth + 1)?);
                }
                Kind::Array(items)
            }
            TABLE => {
                let n = self.uint()?;
                let mut entries = Vec::with_capacity(n.min(self.bytes.len()));
                for _ in 0..n {
                    let key = self.str()?;
                    let pos = self.pos()?;
                    let value = self.node(depth + 1)?;
                    entries.push(Entry { key, pos, value });
                }
                Kind::Table(entries)
            }
            _ => return None,
        };
        Some(Node { pos, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::registry::BUILTIN;

    #[test]
    fn every_built_in_pack_has_the_tree_of_a_fresh_parse() {
        for (file, text) in BUILTIN {
            let parsed = crate::input::parse_toml(file, text).expect("built-in packs parse");
            assert_eq!(tree(file).as_ref(), Some(&parsed), "{file}");
            let Kind::Table(entries) = &parsed.kind else {
                panic!("{file}: not a table");
            };
            let pack = Node {
                pos: parsed.pos,
                kind: Kind::Table(
                    entries
                        .iter()
                        .filter(|e| e.key == "pack")
                        .cloned()
                        .collect(),
                ),
            };
            assert_eq!(pack_table(file).as_ref(), Some(&pack), "{file}");
        }
    }

    #[test]
    fn damaged_bytes_read_as_nothing() {
        let (_, whole, _, strings) = BUILTIN_TREES[0];
        assert!(decode(whole, strings).is_some());
        assert!(decode(&whole[..whole.len() - 1], strings).is_none());
        assert!(decode(whole, "").is_none());
        assert!(decode(&[], strings).is_none());
        assert!(decode(&[1, 1, 9], strings).is_none());
        let mut longer = whole.to_vec();
        longer.push(0);
        assert!(decode(&longer, strings).is_none());
    }
}
