//! Template reports for people and tools: plain text, JSON, and SARIF 2.1.0 (for GitHub code
//! scanning and editors).

use super::TemplateReport;
use crate::diagnostics::{Rule, Severity};
use crate::error::EcsimError;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

impl std::str::FromStr for Format {
    type Err = EcsimError;

    fn from_str(name: &str) -> Result<Self, EcsimError> {
        match name.to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            other => Err(EcsimError::invalid_parameter(format!(
                "Unknown report format '{other}'; use text, json or sarif."
            ))),
        }
    }
}

/// Renders `report` for a template read from `file` (used in locations).
pub fn render(report: &TemplateReport, format: Format, file: &str) -> String {
    match format {
        Format::Text => text(report, file),
        Format::Json => serde_json::to_string_pretty(report).unwrap_or_default(),
        Format::Sarif => serde_json::to_string_pretty(&sarif(report, file)).unwrap_or_default(),
    }
}

/// Text from the template (logical ids, paths, values quoted in messages) with its control
/// characters escaped: a logical id holding a newline or a terminal escape cannot forge report
/// lines or recolour a terminal.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => format!("\\u{{{:x}}}", u32::from(c)),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

fn text(report: &TemplateReport, file: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    let file = printable(file);
    for (resource, located) in report.all() {
        count += 1;
        let d = &located.diagnostic;
        let place = match (located.line, located.column) {
            (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
            _ => file.to_string(),
        };
        let owner = resource.map(|r| r.cdk_path.clone().unwrap_or_else(|| r.logical_id.clone()));
        let owner = owner
            .map(|o| format!(" [{}]", printable(&o)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{place}: {} {}{owner}: {}",
            d.severity.as_str(),
            d.code,
            printable(&d.message)
        );
        let _ = writeln!(out, "    at {}", printable(&d.path));
        if let Some(help) = &d.help {
            let _ = writeln!(out, "    help: {}", printable(help));
        }
    }
    let checked = report.resources.len();
    let _ = writeln!(
        out,
        "{count} problem{} in {checked} resource{}",
        plural(count),
        plural(checked)
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning | Severity::Security => "warning",
    }
}

fn sarif(report: &TemplateReport, file: &str) -> Value {
    let known: BTreeMap<&str, &Rule> = crate::rules()
        .into_iter()
        .map(|rule| (rule.code, rule))
        .collect();
    let used: Vec<&Rule> = {
        let mut codes: Vec<&str> = report
            .all()
            .map(|(_, d)| d.diagnostic.code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
            .into_iter()
            .filter_map(|code| known.get(code).copied())
            .collect()
    };
    let rules: Vec<Value> = used
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.why},
                "helpUri": rule.source,
                "defaultConfiguration": {"level": level(rule.severity)},
                "properties": {"tags": if rule.severity == Severity::Security { vec!["security"] } else { vec![] }},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .all()
        .map(|(resource, located)| {
            let d = &located.diagnostic;
            let mut physical = json!({"artifactLocation": {"uri": file}});
            if let (Some(line), Some(column)) = (located.line, located.column) {
                physical["region"] = json!({"startLine": line, "startColumn": column});
            }
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message = format!("{message} {help}");
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": physical,
                    "logicalLocations": [{"fullyQualifiedName": d.path, "kind": "member"}],
                }],
            });
            if let Some(resource) = resource {
                result["properties"] =
                    json!({"logicalId": resource.logical_id, "cdkPath": resource.cdk_path});
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecsim",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// Renders a report that crossed a language boundary as data (what the bindings call).
pub fn render_value(
    report: serde_json::Value,
    format: &str,
    file: &str,
) -> Result<String, EcsimError> {
    let format: Format = format.parse()?;
    let report: TemplateReport = serde_json::from_value(report)
        .map_err(|e| EcsimError::invalid_parameter(format!("Not a template report: {e}")))?;
    Ok(render(&report, format, file))
}

/// Validates a template that crossed a language boundary: text (JSON or YAML) or a parsed value.
pub fn validate_value(
    template: &serde_json::Value,
    options: &crate::ValidationOptions,
    more: super::MoreFindings<'_>,
) -> TemplateReport {
    match template {
        serde_json::Value::String(text) => super::validate_template_text(text, options, more),
        value => super::validate_template(value, options, more),
    }
}
