//! Whole CloudFormation (and CDK-synthesized) templates: every `AWS::ECS::TaskDefinition` is
//! validated, and each finding gets its template path, the resource's logical id, its CDK
//! construct path (from `aws:cdk:path` metadata) and, when the template was text, a line and column.

mod locate;
pub mod report;
pub mod source;
mod unique;

use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::{check_cloudformation, ValidationOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use source::Position;
use std::collections::{HashMap, HashSet};

pub static TEMPLATE_SYNTAX: Rule = Rule {
    code: "TPL001",
    name: "template-syntax",
    severity: Severity::Error,
    summary: "The template is well-formed JSON or YAML.",
    why: "Nothing in a template that does not parse can be checked; the finding says where parsing stopped.",
    invalid: "Resources: [unclosed",
    valid: "Resources: {}",
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html",
};

pub static TEMPLATE_RESOURCES: Rule = Rule {
    code: "TPL002",
    name: "template-resources",
    severity: Severity::Error,
    summary: "A template is an object with a Resources section.",
    why: "CloudFormation requires the Resources section; an empty file, `null` or a list is not a template, and finding nothing in it would read as a clean bill of health.",
    invalid: "AWSTemplateFormatVersion: '2010-09-09'",
    valid: "Resources: {}",
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html",
};

pub static TEMPLATE_LIMITS: Rule = Rule {
    code: "TPL003",
    name: "template-limits",
    severity: Severity::Error,
    summary: "A template stays within ecsim's reading limits: 256 levels of nesting, 1,000,000 values with its aliases expanded.",
    why: "YAML aliases can repeat a value inside itself: a few hundred bytes of nested aliases (the \"billion laughs\") expand to gigabytes, and thousands of nested levels cost memory quadratic in the depth. CloudFormation's own limits (1 MB templates) are far inside these.",
    invalid: "a: &a [x, x, x, x, x, x, x, x, x, x]\nl1: &l1 [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nl2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\nl3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\nl4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]\nl5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]\nl6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]\nl7: &l7 [*l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6, *l6]\n",
    valid: "Resources: {}",
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html",
};

pub static TEMPLATE_DUPLICATE_KEYS: Rule = Rule {
    code: "TPL004",
    name: "template-duplicate-keys",
    severity: Severity::Error,
    summary: "No key is given twice in one mapping or object.",
    why: "YAML requires the keys of a mapping to be unique, and JSON readers disagree on a repeated key: most keep the last one without a word, some the first, some refuse the template. Whichever value was meant, the other one is silently lost. ecsim reads the last one and checks that.",
    invalid: "Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Memory: 512\n          Memory: 256\n",
    valid: "Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Memory: 512\n",
    source: "https://yaml.org/spec/1.2.2/#mapping",
};

pub static RULES: [&Rule; 4] = [
    &TEMPLATE_SYNTAX,
    &TEMPLATE_RESOURCES,
    &TEMPLATE_LIMITS,
    &TEMPLATE_DUPLICATE_KEYS,
];

/// A finding in a template, with where it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Located {
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
    /// 1-based; present when the template was given as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// The findings of one `AWS::ECS::TaskDefinition` resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceReport {
    pub logical_id: String,
    /// `$.Resources.<logicalId>`
    pub template_path: String,
    /// The CDK construct path, from the resource's `aws:cdk:path` metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdk_path: Option<String>,
    pub diagnostics: Vec<Located>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateReport {
    /// Every task definition of the template, by logical id.
    pub resources: Vec<ResourceReport>,
    /// Findings about the template as a whole (it does not parse).
    pub diagnostics: Vec<Located>,
}

impl TemplateReport {
    /// Every finding, resource by resource, then the template's own.
    pub fn all(&self) -> impl Iterator<Item = (Option<&ResourceReport>, &Located)> {
        self.resources
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| (Some(r), d)))
            .chain(self.diagnostics.iter().map(|d| (None, d)))
    }
}

/// Findings by resource that a layer below this one adds to a template's report before its
/// findings are located and ordered (the simulation's SIM rules, `crate::validate_template*`).
pub type MoreFindings<'a> = &'a dyn Fn(&Value, &ValidationOptions) -> Vec<ResourceReport>;

/// Validates a template given as JSON or YAML text; findings carry line and column.
pub fn validate_template_text(
    text: &str,
    options: &ValidationOptions,
    more: MoreFindings<'_>,
) -> TemplateReport {
    if text.trim_start().starts_with('{') {
        if let Some(value) = unique::json_with_unique_keys(text) {
            let mut report = validate(&value, options, more);
            let wanted: HashSet<String> = report
                .all()
                .flat_map(|(_, d)| ancestors(&d.diagnostic.path))
                .collect();
            let positions = locate::json_positions(text, &wanted);
            report.locate(|path| nearest_position(&positions, path));
            return report;
        }
    }
    match source::parse(text) {
        Ok(source) => {
            let mut report = validate(&source.value, options, more);
            report.locate(|path| source.position(path));
            for duplicate in source.duplicates {
                let mut found = vec![TEMPLATE_DUPLICATE_KEYS.at(
                    &duplicate.path,
                    format!(
                        "{} is given twice in this mapping; the last value given is the one read, and the other is lost.",
                        duplicate.key
                    ),
                )];
                options.filter(&mut found);
                report
                    .diagnostics
                    .extend(found.into_iter().map(|diagnostic| Located {
                        diagnostic,
                        line: Some(duplicate.position.0),
                        column: Some(duplicate.position.1),
                    }));
            }
            report
        }
        Err(message) => {
            let (line, column) = syntax_position(&message);
            let diagnostic = match message.strip_prefix(source::LIMIT_PREFIX) {
                Some(limit) => {
                    TEMPLATE_LIMITS.at("$", format!("The template is not read: {limit}."))
                }
                None => TEMPLATE_SYNTAX.at(
                    "$",
                    format!("The template is neither JSON nor YAML: {message}"),
                ),
            };
            TemplateReport {
                resources: Vec::new(),
                diagnostics: vec![Located {
                    diagnostic,
                    line,
                    column,
                }],
            }
        }
    }
}

/// Validates a template given as an already-parsed value.
pub fn validate_template(
    template: &Value,
    options: &ValidationOptions,
    more: MoreFindings<'_>,
) -> TemplateReport {
    let mut report = validate(template, options, more);
    report.locate(|_| None);
    report
}

/// A task definition given as JSON text (an editor's buffer), validated; each finding carries the
/// line and column of its path, or of the nearest enclosing member the text has.
pub fn validate_task_definition_text(
    text: &str,
    options: &ValidationOptions,
) -> Result<Vec<Located>, crate::EcsimError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        crate::EcsimError::invalid_parameter(format!("The task definition is not JSON: {e}"))
    })?;
    let diagnostics = crate::taskdef::validate_task_definition_with(&value, options);
    let wanted: HashSet<String> = diagnostics
        .iter()
        .flat_map(|d| ancestors(&d.path))
        .collect();
    let positions = locate::json_positions(text, &wanted);
    Ok(diagnostics
        .into_iter()
        .map(|diagnostic| {
            let position = nearest_position(&positions, &diagnostic.path);
            Located {
                line: position.map(|(line, _)| line),
                column: position.map(|(_, column)| column),
                diagnostic,
            }
        })
        .collect())
}

/// `$.a.b[0]` and every path above it.
fn ancestors(path: &str) -> Vec<String> {
    let mut found = vec![path.to_string()];
    let mut current = path;
    while let Some(cut) = current.rfind(['.', '[']) {
        current = &current[..cut];
        found.push(current.to_string());
    }
    found
}

fn nearest_position(positions: &HashMap<String, Position>, path: &str) -> Option<Position> {
    let mut current = path;
    loop {
        if let Some(position) = positions.get(current) {
            return Some(*position);
        }
        let cut = current.rfind(['.', '['])?;
        current = &current[..cut];
    }
}

impl TemplateReport {
    /// Fills in lines and columns, then orders each resource's findings: in reading order where
    /// the text is known, else by path; the same on every platform.
    fn locate(&mut self, position: impl Fn(&str) -> Option<Position>) {
        for resource in &mut self.resources {
            for located in &mut resource.diagnostics {
                let found = position(&located.diagnostic.path);
                located.line = found.map(|p| p.0);
                located.column = found.map(|p| p.1);
            }
            resource.diagnostics.sort_by(|a, b| {
                let key = |l: &Located| {
                    (
                        l.line,
                        l.column,
                        l.diagnostic.path.clone(),
                        l.diagnostic.code.clone(),
                    )
                };
                key(a).cmp(&key(b))
            });
        }
    }
}

fn validate(
    template: &Value,
    options: &ValidationOptions,
    more: MoreFindings<'_>,
) -> TemplateReport {
    let mut report = TemplateReport::default();
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        let message = match template {
            Value::Object(_) => {
                "The template has no Resources section; CloudFormation requires one.".to_string()
            }
            Value::Null => "The template is empty: it has no Resources section.".to_string(),
            other => format!(
                "The template is {}, not an object with a Resources section.",
                match other {
                    Value::Array(_) => "a list",
                    Value::String(_) => "a string",
                    Value::Number(_) => "a number",
                    _ => "a boolean",
                }
            ),
        };
        report.diagnostics.push(Located {
            diagnostic: TEMPLATE_RESOURCES.at("$", message),
            line: None,
            column: None,
        });
        return report;
    };
    for (logical_id, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::ECS::TaskDefinition") {
            continue;
        }
        let mut template_path = String::from("$.Resources");
        crate::diagnostics::push_key(&mut template_path, logical_id);
        let no_properties = Value::Object(Default::default());
        let properties = resource.get("Properties").unwrap_or(&no_properties);
        let mut found = check_cloudformation(properties, options.security);
        options.filter(&mut found);
        let diagnostics = found
            .into_iter()
            .map(|mut diagnostic| {
                diagnostic.path = format!("{template_path}.Properties{}", &diagnostic.path[1..]);
                Located {
                    diagnostic,
                    line: None,
                    column: None,
                }
            })
            .collect();
        let cdk_path = resource
            .pointer("/Metadata/aws:cdk:path")
            .and_then(Value::as_str)
            .map(str::to_string);
        report.resources.push(ResourceReport {
            logical_id: logical_id.clone(),
            template_path,
            cdk_path,
            diagnostics,
        });
    }
    for extra in more(template, options) {
        match report
            .resources
            .iter_mut()
            .find(|r| r.logical_id == extra.logical_id)
        {
            Some(resource) => resource.diagnostics.extend(extra.diagnostics),
            None => report.resources.push(extra),
        }
    }
    report
}

/// Reads "… at line L column C" out of the YAML parser's message.
fn syntax_position(message: &str) -> (Option<u32>, Option<u32>) {
    let number_after = |word: &str| {
        message.split(word).nth(1).and_then(|rest| {
            rest.trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
    };
    (number_after("line"), number_after("column"))
}
