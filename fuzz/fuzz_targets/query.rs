//! Any text parses as a cluster query or fails with a position inside it; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(error) = ecsim_core::query::parse(text) {
        assert!(error.position <= text.chars().count());
    }
});
