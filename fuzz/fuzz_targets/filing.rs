//! The filing loader (TOML, or JSON when the first byte is odd), then validation, evaluation
//! against the built-in packs and every report format.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    harness::filing(data);
});
