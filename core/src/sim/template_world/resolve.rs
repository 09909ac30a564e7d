//! CloudFormation's intrinsic functions, as far as a template alone can answer them: `Ref` and
//! `Fn::GetAtt` of the resources the simulation created (a cluster's name, a task definition's
//! or target group's ARN, a subnet's id), the pseudo parameters, parameter defaults, and the
//! `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::GetAZs` and `Fn::Base64` built from those. A
//! resource the simulation does not model answers `Ref` with its logical id. Anything else (an
//! import, an unknown attribute) stays an intrinsic, which the CloudFormation reader drops as a
//! value it cannot know.

use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// What the template's names stand for in the simulation.
pub(super) struct Names<'t> {
    pub region: String,
    pub account: String,
    /// Logical id → what `Ref` gives once the resource exists in the simulation.
    pub refs: HashMap<String, String>,
    /// `Fn::GetAtt` attributes that differ from `Ref` (logical id, attribute) → value.
    pub attributes: HashMap<(String, String), String>,
    pub parameters: Option<&'t Map<String, Value>>,
    /// Every logical id of the template: a `Ref` to one the simulation does not model gives
    /// the id itself, so that a `Fn::Join` or `Fn::Sub` around it still makes a string.
    pub resources: HashSet<&'t str>,
}

impl Names<'_> {
    /// `value` with every intrinsic that can be answered replaced by its answer.
    pub fn resolve(&self, value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                if let Some(resolved) = self.intrinsic(map) {
                    return resolved;
                }
                let mut out = Map::new();
                for (key, member) in map {
                    let resolved = self.resolve(member);
                    if !is_no_value(&resolved) {
                        out.insert(key.clone(), resolved);
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.resolve(item))
                    .filter(|item| !is_no_value(item))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn intrinsic(&self, map: &Map<String, Value>) -> Option<Value> {
        if map.len() != 1 {
            return None;
        }
        let (name, argument) = map.iter().next()?;
        match name.as_str() {
            "Ref" => self.reference(argument.as_str()?),
            "Fn::GetAtt" => {
                let (id, attribute) = match argument {
                    Value::Array(parts) => (parts.first()?.as_str()?, parts.get(1)?.as_str()?),
                    Value::String(dotted) => dotted.split_once('.')?,
                    _ => return None,
                };
                let key = (id.to_string(), attribute.to_string());
                if let Some(value) = self.attributes.get(&key) {
                    return Some(Value::String(value.clone()));
                }
                // A resource the simulation does not model still has some value at deploy time.
                self.resources
                    .contains(id)
                    .then(|| Value::String(format!("{id}.{attribute}")))
            }
            "Fn::Join" => {
                let parts = argument.as_array()?;
                let separator = parts.first()?.as_str()?;
                let items = self.resolve(parts.get(1)?);
                let strings: Option<Vec<String>> =
                    items.as_array()?.iter().map(scalar_text).collect();
                Some(Value::String(strings?.join(separator)))
            }
            "Fn::Select" => {
                let parts = argument.as_array()?;
                let index = scalar_text(&self.resolve(parts.first()?))?
                    .parse::<usize>()
                    .ok()?;
                self.resolve(parts.get(1)?).as_array()?.get(index).cloned()
            }
            "Fn::GetAZs" => Some(Value::Array(
                ["a", "b", "c"]
                    .iter()
                    .map(|zone| Value::String(format!("{}{zone}", self.region)))
                    .collect(),
            )),
            "Fn::Sub" => {
                let (text, variables) = match argument {
                    Value::String(text) => (text.as_str(), None),
                    Value::Array(parts) => (parts.first()?.as_str()?, parts.get(1)),
                    _ => return None,
                };
                self.substitute(text, variables).map(Value::String)
            }
            "Fn::Base64" => {
                let resolved = self.resolve(argument);
                resolved.is_string().then_some(resolved)
            }
            _ => None,
        }
    }

    /// `Fn::Sub`: `${Name}` and `${Name.Attribute}` replaced, `${!Literal}` kept as `${Literal}`.
    fn substitute(&self, text: &str, variables: Option<&Value>) -> Option<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = start + rest[start..].find('}')?;
            let name = &rest[start + 2..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let given = variables.and_then(|v| v.get(name)).map(|v| self.resolve(v));
                let value = match given {
                    Some(value) => value,
                    None => match name.split_once('.') {
                        Some((id, attribute)) => {
                            let mut get_att = Map::new();
                            get_att.insert(
                                "Fn::GetAtt".into(),
                                Value::String(format!("{id}.{attribute}")),
                            );
                            self.intrinsic(&get_att)?
                        }
                        None => self.reference(name)?,
                    },
                };
                out.push_str(&scalar_text(&value)?);
            }
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    fn reference(&self, name: &str) -> Option<Value> {
        let text = match name {
            "AWS::Region" => self.region.clone(),
            "AWS::AccountId" => self.account.clone(),
            "AWS::Partition" => "aws".into(),
            "AWS::URLSuffix" => "amazonaws.com".into(),
            "AWS::StackName" => "stack".into(),
            "AWS::NoValue" => return Some(no_value()),
            _ => {
                if let Some(known) = self.refs.get(name) {
                    known.clone()
                } else if self.resources.contains(name) {
                    name.to_string()
                } else {
                    return self.parameters?.get(name)?.get("Default").cloned();
                }
            }
        };
        Some(Value::String(text))
    }
}

/// `Ref: AWS::NoValue` removes the member it is the value of.
fn no_value() -> Value {
    let mut marker = Map::new();
    marker.insert("Ref".into(), Value::String("AWS::NoValue".into()));
    Value::Object(marker)
}

fn is_no_value(value: &Value) -> bool {
    value.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue")
}

/// A string or a number as CloudFormation writes it into a string.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// A count CloudFormation accepts as a number or a numeric string (`DesiredCapacity: "2"`).
pub(super) fn count(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The logical id a `{"Ref": id}` or `{"Fn::GetAtt": [id, …]}` names.
pub(super) fn referenced_id(value: &Value) -> Option<&str> {
    if let Some(id) = value.get("Ref").and_then(Value::as_str) {
        return Some(id);
    }
    match value.get("Fn::GetAtt")? {
        Value::Array(parts) => parts.first()?.as_str(),
        Value::String(dotted) => dotted.split('.').next(),
        _ => None,
    }
}

/// Every logical id `value` refers to, anywhere inside it.
pub(super) fn references(value: &Value, found: &mut Vec<String>) {
    if let Some(id) = referenced_id(value) {
        found.push(id.to_string());
    }
    match value {
        Value::Object(map) => map.values().for_each(|v| references(v, found)),
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}
