//! Every rule's documented examples behave as documented, codes are unique, and
//! `docs/rules.md` is the rendering of the rules in the code (`UPDATE_DOCS=1` rewrites it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{validate_task_definition_with, ValidationOptions};
use serde_json::Value;
use std::collections::HashSet;

fn codes_for(example: &str) -> Vec<String> {
    if !example.starts_with('{') {
        let simulated = ValidationOptions {
            simulate: true,
            ..Default::default()
        };
        let report = ecsim_core::validate_template_text(example, &simulated);
        return report
            .all()
            .map(|(_, d)| d.diagnostic.code.clone())
            .collect();
    }
    let input: Value = serde_json::from_str(example)
        .unwrap_or_else(|e| panic!("example is not JSON ({e}): {example}"));
    let everything = ValidationOptions {
        security: true,
        ..Default::default()
    };
    validate_task_definition_with(&input, &everything)
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn examples_do_what_the_docs_say() {
    for rule in ecsim_core::rules() {
        if !rule.invalid.is_empty() {
            assert!(
                codes_for(rule.invalid).iter().any(|c| c == rule.code),
                "{}: invalid example passes",
                rule.code
            );
        }
        // Outside the security rules, examples need not be hardened: security findings are opt-in.
        let valid = codes_for(rule.valid);
        let clean = valid
            .iter()
            .all(|c| c.starts_with("SEC") && !rule.code.starts_with("SEC"));
        assert!(clean, "{}: valid example raises {valid:?}", rule.code);
    }
}

#[test]
fn codes_and_names_are_unique() {
    let rules = ecsim_core::rules();
    assert_eq!(
        rules.iter().map(|r| r.code).collect::<HashSet<_>>().len(),
        rules.len()
    );
    assert_eq!(
        rules.iter().map(|r| r.name).collect::<HashSet<_>>().len(),
        rules.len()
    );
}

/// Task definition examples are JSON; template examples are YAML.
fn language(example: &str) -> &'static str {
    if example.starts_with('{') {
        "json"
    } else {
        "yaml"
    }
}

fn pretty(example: &str) -> String {
    match serde_json::from_str::<Value>(example) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap(),
        Err(_) => example.to_string(),
    }
}

fn render() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from core/src by `UPDATE_DOCS=1 cargo test -p ecsim-core --test rules`; do not edit. -->\n\n\
         API, SEC and TD rules check task definitions (the API input or CloudFormation Properties); \
         TPL rules check templates as files; SIM rules run a template's ECS world in a simulation \
         (`simulate: true`, the CDK plugin's default, `ecsim validate --simulate`) and report what \
         goes wrong when it runs. Template examples are YAML.\n\n",
    );
    out.push_str("| code | name | severity | checks |\n|---|---|---|---|\n");
    for rule in ecsim_core::rules() {
        out.push_str(&format!(
            "| [{0}](#{1}) | {2} | {3} | {4} |\n",
            rule.code,
            rule.code.to_lowercase(),
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    for rule in ecsim_core::rules() {
        out.push_str(&format!(
            "\n## {}\n\n**{}** · {}\n\n{}\n\n{}\n\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary,
            rule.why
        ));
        if !rule.invalid.is_empty() {
            out.push_str(&format!(
                "Invalid:\n\n```{}\n{}\n```\n\n",
                language(rule.invalid),
                pretty(rule.invalid)
            ));
        }
        out.push_str(&format!(
            "Valid:\n\n```{}\n{}\n```\n\nSource: <{}>\n",
            language(rule.valid),
            pretty(rule.valid),
            rule.source
        ));
    }
    out
}

/// Checks that a file generated from the code is current; `UPDATE_DOCS=1` rewrites it.
fn assert_generated(relative: &str, rendered: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, rendered).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "{relative} is stale: run UPDATE_DOCS=1 cargo test -p ecsim-core --test rules"
    );
}

#[test]
fn rules_doc_is_current() {
    assert_generated("docs/rules.md", &render());
}

/// The rule examples as a conformance vector, so that every runtime replays them too.
fn render_vector() -> String {
    let everything = ValidationOptions {
        security: true,
        simulate: true,
        ..Default::default()
    };
    let mut steps = Vec::new();
    for rule in ecsim_core::rules() {
        for (kind, example) in [("invalid", rule.invalid), ("valid", rule.valid)] {
            if example.is_empty() {
                continue;
            }
            if !example.starts_with('{') {
                let report = ecsim_core::validate_template_text(example, &everything);
                steps.push(serde_json::json!({
                    "name": format!("{} {} example", rule.code, kind),
                    "validate": "Template",
                    "options": {"security": true, "simulate": true},
                    "input": example,
                    "expect": {"report": report},
                }));
                continue;
            }
            let input: Value = serde_json::from_str(example).unwrap();
            let found: Vec<Value> = validate_task_definition_with(&input, &everything)
                .into_iter()
                .map(
                    |d| serde_json::json!({"code": d.code, "severity": d.severity, "path": d.path}),
                )
                .collect();
            steps.push(serde_json::json!({
                "name": format!("{} {} example", rule.code, kind),
                "validate": "TaskDefinition",
                "options": {"security": true},
                "input": input,
                "expect": {"diagnostics": found},
            }));
        }
    }
    let vector = serde_json::json!({
        "description": "Every rule's documented examples (generated by `UPDATE_DOCS=1 cargo test -p ecsim-core --test rules`; core/tests/rules.rs checks what they must contain).",
        "steps": steps,
    });
    serde_json::to_string_pretty(&vector).unwrap() + "\n"
}

#[test]
fn rule_example_vector_is_current() {
    assert_generated("tests/vectors/taskdef/rule-examples.json", &render_vector());
}
