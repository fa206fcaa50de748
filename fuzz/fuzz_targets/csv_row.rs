//! One CSV batch file (a header and a row, typically) through the batch reader and the engine.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| {
    harness::csv(data);
});
