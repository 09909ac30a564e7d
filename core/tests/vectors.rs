//! Replays the language-neutral conformance vectors in `tests/vectors/` against the core.
//! pytest, `node --test` and the WASM run replay the same files through their bindings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{
    guard::guarded, validate_task_definition_with, Diagnostic, EcsimError, Simulation,
    ValidationOptions,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn vector_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut files = Vec::new();
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `expected` matches `actual` when every member it gives matches, arrays element by element.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|av| matches(v, av))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y))
        }
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

/// Diagnostics are compared as sets: both sides sorted by (path, code).
fn sorted(mut diagnostics: Vec<Value>) -> Value {
    let key = |d: &Value| {
        (
            d["path"].as_str().unwrap_or("").to_string(),
            d["code"].as_str().unwrap_or("").to_string(),
        )
    };
    diagnostics.sort_by_key(key);
    Value::Array(diagnostics)
}

fn error_value(error: &EcsimError) -> Value {
    json!({ "code": error.code.as_str(), "message": error.message, "diagnostics": error.diagnostics })
}

fn run_step(sim: &mut Simulation, step: &Value) -> Result<(), String> {
    if let Some(seconds) = step.get("advance") {
        return sim
            .advance(seconds.as_f64().unwrap())
            .map_err(|e| e.to_string());
    }
    let expect = &step["expect"];
    if let Some(function) = step.get("math").and_then(Value::as_str) {
        let result = ecsim_core::scaling::call(function, step["input"].clone());
        return match (result, expect.get("error")) {
            (Ok(result), None) if matches(&expect["result"], &result) => Ok(()),
            (Err(error), Some(wanted)) if matches(wanted, &error_value(&error)) => Ok(()),
            (Ok(result), _) => Err(format!("result: got {result:#}")),
            (Err(error), _) => Err(format!("error: got {:#}", error_value(&error))),
        };
    }
    if step["validate"] == "Template" {
        let options: ValidationOptions =
            serde_json::from_value(step.get("options").cloned().unwrap_or(json!({}))).unwrap();
        let report = match &step["input"] {
            Value::String(text) => ecsim_core::validate_template_text(text, &options),
            template => ecsim_core::validate_template(template, &options),
        };
        let actual = serde_json::to_value(report).unwrap();
        return if matches(&expect["report"], &actual) {
            Ok(())
        } else {
            Err(format!("report: got {actual:#}"))
        };
    }
    if step.get("validate").is_some() {
        let options: ValidationOptions =
            serde_json::from_value(step.get("options").cloned().unwrap_or(json!({}))).unwrap();
        let diagnostics: Vec<Diagnostic> = validate_task_definition_with(&step["input"], &options);
        let actual = sorted(
            diagnostics
                .iter()
                .map(|d| serde_json::to_value(d).unwrap())
                .collect(),
        );
        let wanted = sorted(expect["diagnostics"].as_array().unwrap().clone());
        return if matches(&wanted, &actual) {
            Ok(())
        } else {
            Err(format!("diagnostics: got {actual:#}"))
        };
    }
    let service = step["service"].as_str().unwrap();
    let action = step["action"].as_str().unwrap();
    let result = guarded(|| sim.call(service, action, step["input"].clone()));
    match (result, expect.get("output"), expect.get("error")) {
        (Ok(output), Some(wanted), None) if matches(wanted, &output) => Ok(()),
        (Err(error), None, Some(wanted)) => {
            // An error a service's client would not know (`client.exceptions`) is a defect.
            let known =
                ecsim_core::sim::service(service).map_or(true, |s| s.errors.contains(&error.code));
            if !known {
                return Err(format!("{service} does not list the error {}", error.code));
            }
            let mut actual = error_value(&error);
            if let Some(list) = wanted.get("diagnostics") {
                actual["diagnostics"] = sorted(actual["diagnostics"].as_array().unwrap().clone());
                let mut wanted = wanted.clone();
                wanted["diagnostics"] = sorted(list.as_array().unwrap().clone());
                return if matches(&wanted, &actual) {
                    Ok(())
                } else {
                    Err(format!("error: got {actual:#}"))
                };
            }
            if matches(wanted, &actual) {
                Ok(())
            } else {
                Err(format!("error: got {actual:#}"))
            }
        }
        (Ok(output), _, _) => Err(format!("output: got {output:#}")),
        (Err(error), _, _) => Err(format!("error: got {:#}", error_value(&error))),
    }
}

#[test]
fn every_vector_replays() {
    let files = vector_files();
    assert!(!files.is_empty(), "no vectors found");
    let mut failures = Vec::new();
    let mut steps = 0;
    for file in &files {
        let vector: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut config = vector.get("config").cloned().unwrap_or(json!({}));
        config["seed"] = vector.get("seed").cloned().unwrap_or(json!(0));
        let config: ecsim_core::SimulationConfig = serde_json::from_value(config).unwrap();
        let mut sim = Simulation::new(config);
        for (index, step) in vector["steps"].as_array().unwrap().iter().enumerate() {
            steps += 1;
            if step.get("restore").is_some() {
                // The simulation goes on from its snapshot, through JSON text.
                let text = serde_json::to_string(&sim.snapshot().unwrap()).unwrap();
                sim = Simulation::restore(serde_json::from_str(&text).unwrap()).unwrap();
                continue;
            }
            if let Some(scenario) = step.get("scenario") {
                // The simulation a scenario builds replaces the vector's.
                let problem = match Simulation::from_scenario(scenario.clone()) {
                    Ok(loaded) => {
                        let outputs = Value::Array(loaded.outputs);
                        sim = loaded.simulation;
                        (!matches(&step["expect"]["outputs"], &outputs))
                            .then(|| format!("outputs: got {outputs:#}"))
                    }
                    Err(error) => (!matches(&step["expect"]["error"], &error_value(&error)))
                        .then(|| format!("error: got {:#}", error_value(&error))),
                };
                if let Some(problem) = problem {
                    failures.push(format!("{}[{index}] scenario: {problem}", file.display()));
                }
                continue;
            }
            if let Err(problem) = run_step(&mut sim, step) {
                let name = step.get("name").and_then(Value::as_str).unwrap_or("");
                failures.push(format!("{}[{index}] {name}: {problem}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {steps} steps failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
