//! Any JSON document, in either shape and with every option, validates without panicking.
#![no_main]

use ecsim_core::{validate_task_definition_with, InputShape, ValidationOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    for shape in [InputShape::Auto, InputShape::Api, InputShape::Cloudformation] {
        let options = ValidationOptions { security: true, shape, ..Default::default() };
        for diagnostic in validate_task_definition_with(&value, &options) {
            assert!(diagnostic.path.starts_with('$'));
        }
    }
    let mut sim = ecsim_core::Simulation::default();
    let _ = sim.call("ecs", "RegisterTaskDefinition", value);
});
