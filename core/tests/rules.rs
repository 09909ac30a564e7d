//! Every rule's documented examples behave as documented, codes are unique, and
//! `docs/rules.md` is the rendering of the rules in the code (`UPDATE_DOCS=1` rewrites it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::taskdef::rules;
use ecsim_core::validate_task_definition;
use serde_json::Value;
use std::collections::HashSet;

fn codes_for(example: &str) -> Vec<String> {
    let input: Value = serde_json::from_str(example)
        .unwrap_or_else(|e| panic!("example is not JSON ({e}): {example}"));
    validate_task_definition(&input)
        .into_iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn examples_do_what_the_docs_say() {
    for rule in rules::all() {
        if !rule.invalid.is_empty() {
            assert!(
                codes_for(rule.invalid).iter().any(|c| c == rule.code),
                "{}: invalid example passes",
                rule.code
            );
        }
        let valid = codes_for(rule.valid);
        assert!(
            valid.is_empty(),
            "{}: valid example raises {valid:?}",
            rule.code
        );
    }
}

#[test]
fn codes_and_names_are_unique() {
    let rules = rules::all();
    assert_eq!(
        rules.iter().map(|r| r.code).collect::<HashSet<_>>().len(),
        rules.len()
    );
    assert_eq!(
        rules.iter().map(|r| r.name).collect::<HashSet<_>>().len(),
        rules.len()
    );
}

fn pretty(example: &str) -> String {
    let value: Value = serde_json::from_str(example).unwrap();
    serde_json::to_string_pretty(&value).unwrap()
}

fn render() -> String {
    let mut out = String::from(
        "# Task definition rules\n\n<!-- Generated from core/src by `UPDATE_DOCS=1 cargo test -p ecsim-core --test rules`; do not edit. -->\n\n",
    );
    out.push_str("| code | name | severity | checks |\n|---|---|---|---|\n");
    for rule in rules::all() {
        out.push_str(&format!(
            "| [{0}](#{1}) | {2} | {3} | {4} |\n",
            rule.code,
            rule.code.to_lowercase(),
            rule.name,
            rule.severity.as_str(),
            rule.summary
        ));
    }
    for rule in rules::all() {
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
                "Invalid:\n\n```json\n{}\n```\n\n",
                pretty(rule.invalid)
            ));
        }
        out.push_str(&format!(
            "Valid:\n\n```json\n{}\n```\n\nSource: <{}>\n",
            pretty(rule.valid),
            rule.source
        ));
    }
    out
}

#[test]
fn rules_doc_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let rendered = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "docs/rules.md is stale: run UPDATE_DOCS=1 cargo test -p ecsim-core --test rules"
    );
}
