//! Any text, read as a JSON or YAML template, validates and renders without panicking.
#![no_main]

use ecsim_core::template::report::render;
use ecsim_core::{validate_template_text, Format, ValidationOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let report = validate_template_text(text, &ValidationOptions { security: true, ..Default::default() });
    let _ = render(&report, Format::Sarif, "fuzz.yaml");
    let _ = render(&report, Format::Text, "fuzz.yaml");
});
