//! The expression language: parse, resolve, type-check, evaluate (traced) and substitute.
//! Input: one selector byte for the environment's values, then the expression text.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    harness::expr(data);
});
