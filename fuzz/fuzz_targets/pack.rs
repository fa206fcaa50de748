//! The pack loader: TOML text → merged, checked, compiled pack.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    harness::pack(data);
});
