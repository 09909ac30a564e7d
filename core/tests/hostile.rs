//! The hostile-input corpus (tests/hostile/corpus.json) in process: inputs go in as JSON text,
//! as they cross the JS bindings (values JSON text cannot hold, NaN or a cycle, are the
//! bindings' to refuse, and their runners cover them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::template::report::render;
use ecsim_core::{validate_template_text, Format, Simulation, ValidationOptions};
use serde_json::{json, Value};
use std::path::Path;

/// The case's value as JSON text, or None when JSON text cannot hold it.
fn text(value: &Value) -> Option<String> {
    Some(match value {
        Value::Object(members) if members.contains_key("$deep") => {
            let n = members["$deep"].as_u64().unwrap() as usize;
            format!("{}{}", "[".repeat(n), "]".repeat(n))
        }
        Value::Object(members) if members.contains_key("$number") => {
            match members["$number"].as_str() {
                Some("2**70") => "1180591620717411303424".to_string(),
                _ => return None,
            }
        }
        Value::Object(members) if members.contains_key("$cycle") => return None,
        Value::Object(members) if members.contains_key("$repeat") => {
            let repeated = members["$repeat"]
                .as_str()
                .unwrap()
                .repeat(members["times"].as_u64().unwrap() as usize)
                + members.get("then").and_then(Value::as_str).unwrap_or("");
            Value::String(repeated).to_string()
        }
        Value::Object(members) if members.contains_key("$tags") => {
            let tags: Vec<Value> = (0..members["$tags"].as_u64().unwrap())
                .map(|i| json!({"key": format!("k{i}"), "value": "v"}))
                .collect();
            Value::Array(tags).to_string()
        }
        Value::Object(members) if members.contains_key("$minified") => {
            let size = members["$minified"].as_u64().unwrap() as usize;
            let mut resources = serde_json::Map::new();
            for i in 0..size.div_ceil(230) {
                resources.insert(format!("TD{i}"), json!({"Type": "AWS::ECS::TaskDefinition", "Properties": {
                    "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "4096",
                    "ContainerDefinitions": [{"Name": "app", "Image": "nginx", "Essential": true}]}}));
            }
            Value::String(json!({"Resources": resources}).to_string()).to_string()
        }
        Value::Object(members) => {
            let mut parts = Vec::new();
            for (key, member) in members {
                parts.push(format!("{}:{}", Value::String(key.clone()), text(member)?));
            }
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(text).collect();
            format!("[{}]", parts?.join(","))
        }
        other => other.to_string(),
    })
}

fn error_code(result: Result<Value, ecsim_core::EcsimError>) -> Value {
    match result {
        Ok(_) => json!({"ok": true}),
        Err(error) => json!({"error": error.code.as_str()}),
    }
}

#[test]
fn the_hostile_corpus_is_answered() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/hostile/corpus.json");
    let corpus: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut ran = 0;
    for case in corpus["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        let outcome = match case["run"].as_str().unwrap() {
            "call" => {
                let Some(input) = text(&case["input"]) else {
                    continue;
                };
                let input = ecsim_core::api::parse_json(&input);
                error_code(input.and_then(|input| {
                    Simulation::default().call(
                        case["service"].as_str().unwrap(),
                        case["action"].as_str().unwrap(),
                        input,
                    )
                }))
            }
            "validate" if case.get("options").is_none() => {
                let Some(input) = text(&case["input"]) else {
                    continue;
                };
                error_code(ecsim_core::api::parse_json(&input).map(|_| Value::Null))
            }
            "template" => {
                let source: String = serde_json::from_str(&text(&case["text"]).unwrap()).unwrap();
                let report = validate_template_text(&source, &ValidationOptions::default());
                json!({"findings": report.all().map(|(_, d)| d.diagnostic.code.clone()).collect::<Vec<_>>()})
            }
            "advance" => {
                let result = Simulation::default().advance(case["seconds"].as_f64().unwrap());
                error_code(result.map(|()| Value::Null))
            }
            "calls" => {
                let mut sim =
                    Simulation::new(serde_json::from_value(case["config"].clone()).unwrap());
                for call in case["calls"].as_array().unwrap() {
                    sim.call(
                        call[0].as_str().unwrap(),
                        call[1].as_str().unwrap(),
                        call[2].clone(),
                    )
                    .unwrap();
                }
                error_code(
                    sim.advance(case["advance"].as_f64().unwrap())
                        .map(|()| Value::Null),
                )
            }
            "report" => {
                let report =
                    ecsim_core::validate_template(&case["template"], &ValidationOptions::default());
                json!({"lines": render(&report, Format::Text, "template").lines().collect::<Vec<_>>()})
            }
            "restore-edited" => {
                let mut sim = Simulation::default();
                sim.call("ecs", "CreateCluster", json!({"clusterName": "c"}))
                    .unwrap();
                let mut snapshot = sim.snapshot().unwrap();
                snapshot["config"]["seed"] = json!(2);
                error_code(Simulation::restore(snapshot).map(|_| Value::Null))
            }
            _ => continue,
        };
        ran += 1;
        if let Some(code) = expect.get("error") {
            // Past serde_json's nesting limit, JSON text is refused before any action runs.
            assert_eq!(&outcome["error"], code, "{name}: {outcome}");
        } else if let Some(code) = expect.get("finding") {
            assert!(
                outcome["findings"].as_array().unwrap().contains(code),
                "{name}: {outcome}"
            );
        } else if let Some(prefixes) = expect.get("lines_start_with") {
            let prefixes: Vec<&str> = prefixes
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            for line in outcome["lines"].as_array().unwrap() {
                let line = line.as_str().unwrap();
                assert!(
                    prefixes.iter().any(|p| line.starts_with(p)),
                    "{name}: {line}"
                );
            }
        } else {
            assert_eq!(outcome, json!({"ok": true}), "{name}");
        }
    }
    assert!(ran >= 15, "only {ran} cases ran");
}
