//! Build-time work for a fast cold start: the sha256 digest of every built-in pack
//! (`rules/*.toml`), so that a run does not hash the packs it ships with. The registry uses a
//! digest only for a text identical to the built-in one; a test checks each against a fresh hash.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut files: Vec<String> = std::fs::read_dir("rules")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// The sha256 digest of each built-in pack file, computed by build.rs.\n\
         pub const BUILTIN_SHA256: &[(&str, &str)] = &[\n",
    );
    for name in files {
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
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("builtin_digests.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
