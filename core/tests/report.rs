//! Template reports rendered as text, JSON and SARIF 2.1.0.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::template::report::render;
use ecsim_core::{validate_template_text, Format, TemplateReport, ValidationOptions};
use serde_json::Value;

fn api_template() -> TemplateReport {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/templates/api.template.yaml"
    ))
    .unwrap();
    validate_template_text(&text, &ValidationOptions::default())
}

#[test]
fn text_names_file_line_column_code_and_fix() {
    let text = render(&api_template(), Format::Text, "api.template.yaml");
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "api.template.yaml:12:7: error TD203 [Api]: No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values."
    );
    let help = "    help: On Linux, cpu 256 accepts memory 512, 1024, 2048; nearest: 2048. Memory 4096 goes with cpu 512 or 1024 or 2048.\n";
    assert!(text.contains(help), "{text}");
    assert!(text.ends_with("4 problems in 1 resource\n"), "{text}");
}

#[test]
fn json_round_trips() {
    let report = api_template();
    let parsed: TemplateReport = serde_json::from_str(&render(&report, Format::Json, "t")).unwrap();
    assert_eq!(parsed, report);
}

#[test]
fn sarif_has_the_2_1_0_shape() {
    let sarif: Value =
        serde_json::from_str(&render(&api_template(), Format::Sarif, "api.template.yaml")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ecsim");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["TD203", "TD301", "TD601", "TD602"]);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let first = &results[0];
    assert_eq!(first["ruleId"], "TD203");
    assert_eq!(first["level"], "error");
    let location = &first["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "api.template.yaml"
    );
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 12);
    assert_eq!(location["physicalLocation"]["region"]["startColumn"], 7);
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "$.Resources.Api.Properties.Memory"
    );
    assert_eq!(results[2]["level"], "warning");
    assert_eq!(first["properties"]["logicalId"], "Api");
}

#[test]
fn formats_are_named_case_insensitively() {
    assert_eq!("SARIF".parse::<Format>().unwrap(), Format::Sarif);
    assert_eq!(
        "nope".parse::<Format>().unwrap_err().code.as_str(),
        "InvalidParameterException"
    );
}

#[test]
fn json_text_and_the_yaml_reader_agree_on_positions() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/templates/shop.template.json"
    ))
    .unwrap();
    let options = ValidationOptions {
        security: true,
        ..Default::default()
    };
    let fast = validate_template_text(&text, &options);
    // A leading comment makes it YAML (which JSON is a subset of), one line further down.
    let slow = validate_template_text(&format!("# comment\n{text}"), &options);
    let positions =
        |report: &TemplateReport, shift: u32| -> Vec<(String, Option<u32>, Option<u32>)> {
            report
                .all()
                .map(|(_, d)| {
                    (
                        d.diagnostic.path.clone(),
                        d.line.map(|l| l - shift),
                        d.column,
                    )
                })
                .collect()
        };
    assert!(fast.all().count() > 5);
    assert!(fast.all().all(|(_, d)| d.line.is_some()));
    assert_eq!(positions(&fast, 0), positions(&slow, 1));
}

#[test]
fn text_escapes_control_characters_from_the_template() {
    let template = serde_json::json!({"Resources": {"Evil\nok.yaml:1:1: error FAKE\u{1b}[2J": {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {"ContainerDefinitions": [{"Name": "a\nb", "Image": "x"}]},
    }}});
    let report = ecsim_core::validate_template(&template, &ValidationOptions::default());
    let text = render(&report, Format::Text, "t.json");
    assert!(
        text.contains(r"[Evil\nok.yaml:1:1: error FAKE\u{1b}[2J]"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
    // Every line the report writes starts as one of its own lines do.
    for line in text.lines() {
        assert!(
            line.starts_with("t.json") || line.starts_with("    ") || line.ends_with("resource"),
            "{line}"
        );
    }
}
