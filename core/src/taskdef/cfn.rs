//! The CloudFormation `AWS::ECS::TaskDefinition` Properties shape (PascalCase), read into the API
//! shape (camelCase) by walking the API shape table: names match case-insensitively
//! (`EFSVolumeConfiguration` → `efsVolumeConfiguration`, `FilesystemId` → `fileSystemId`,
//! `IAM` → `iam`), plus the one rename CloudFormation made (`ProxyConfigurationProperties` →
//! `properties`). Map keys (log options, Docker labels) are left alone. CloudFormation accepts
//! strings for booleans and numbers and numbers for strings, so do we. Intrinsic functions
//! (`Ref`, `Fn::*`) are values we cannot know: they are dropped and their paths remembered, so
//! that no rule reports a violation about them.

use crate::api::conform::UNKNOWN_MEMBER;
use crate::api::shape::{Kind, Member, Shape};
use crate::diagnostics::{nearest, push_index, push_key, Diagnostic};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Members CloudFormation names differently from the API beyond letter case: (shape, API member, CloudFormation name).
const RENAMED: [(&str, &str, &str); 5] = [
    (
        "ProxyConfiguration",
        "properties",
        "ProxyConfigurationProperties",
    ),
    ("EFSVolumeConfiguration", "fileSystemId", "FilesystemId"),
    ("Volume", "efsVolumeConfiguration", "EFSVolumeConfiguration"),
    (
        "Volume",
        "fsxWindowsFileServerVolumeConfiguration",
        "FSxWindowsFileServerVolumeConfiguration",
    ),
    ("EFSAuthorizationConfig", "iam", "IAM"),
];

/// The CloudFormation name of an API member of `shape`.
pub fn cfn_name(shape: &Shape, member: &str) -> String {
    if let Some((_, _, renamed)) = RENAMED
        .iter()
        .find(|(s, m, _)| *s == shape.name && *m == member)
    {
        return (*renamed).to_string();
    }
    let mut chars = member.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// The API member a CloudFormation key names: a CloudFormation rename, or the same name in any case.
fn member_for<'a>(shape: &Shape, members: &'a [Member], key: &str) -> Option<&'a Member> {
    let renamed = RENAMED
        .iter()
        .find(|(s, _, cfn)| *s == shape.name && *cfn == key)
        .map(|(_, api, _)| *api);
    members
        .iter()
        .find(|m| Some(m.name) == renamed || m.name.eq_ignore_ascii_case(key))
}

/// True for `{"Ref": …}`, `{"Fn::…": …}` and `{"Condition": …}`.
pub fn is_intrinsic(value: &Value) -> bool {
    match value {
        Value::Object(map) if map.len() == 1 => map
            .keys()
            .next()
            .is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

pub struct Converted {
    pub value: Value,
    /// API-shape paths of the values given by intrinsic functions.
    pub unknowns: BTreeSet<String>,
}

/// Converts CloudFormation Properties into the API shape, reporting members CloudFormation does not have.
pub fn to_api(properties: &Value, shape: &'static Shape, out: &mut Vec<Diagnostic>) -> Converted {
    let mut walk = Walk {
        root: shape,
        path: String::from("$"),
        unknowns: BTreeSet::new(),
        out,
    };
    let value = walk.convert(properties, shape).unwrap_or(Value::Null);
    Converted {
        value,
        unknowns: walk.unknowns,
    }
}

struct Walk<'a> {
    root: &'static Shape,
    /// Where the current value lands in the API shape; CloudFormation paths are derived from it
    /// only for what is reported.
    path: String,
    unknowns: BTreeSet<String>,
    out: &'a mut Vec<Diagnostic>,
}

impl Walk<'_> {
    fn child(
        &mut self,
        segment: Result<&str, usize>,
        value: &Value,
        shape: &'static Shape,
    ) -> Option<Value> {
        let len = self.path.len();
        match segment {
            Ok(key) => push_key(&mut self.path, key),
            Err(index) => push_index(&mut self.path, index),
        }
        let converted = self.convert(value, shape);
        self.path.truncate(len);
        converted
    }

    fn convert(&mut self, value: &Value, shape: &'static Shape) -> Option<Value> {
        if is_intrinsic(value) {
            self.unknowns.insert(self.path.clone());
            return match shape.kind {
                // An element of a list keeps its place, so that later indexes still match.
                Kind::Structure(_) => Some(Value::Object(Map::new())),
                _ => None,
            };
        }
        let converted = match (&shape.kind, value) {
            (Kind::Boolean, Value::String(text)) => match text.to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => value.clone(),
            },
            (Kind::Integer | Kind::Long, Value::String(text)) => text
                .trim()
                .parse::<i64>()
                .map_or_else(|_| value.clone(), |n| Value::Number(n.into())),
            (Kind::String | Kind::Enum(_), Value::Number(n)) => Value::String(n.to_string()),
            (Kind::String, Value::Bool(b)) => Value::String(b.to_string()),
            (Kind::Structure(members), Value::Object(map)) => {
                let mut result = Map::new();
                for (key, member_value) in map {
                    match member_for(shape, members, key) {
                        Some(member) => {
                            if let Some(child) =
                                self.child(Ok(member.name), member_value, member.shape)
                            {
                                result.insert(member.name.to_string(), child);
                            }
                        }
                        None => self.unknown_member(shape, members, key),
                    }
                }
                Value::Object(result)
            }
            (Kind::Map(value_shape), Value::Object(map)) => {
                let mut result = Map::new();
                for (key, entry) in map {
                    if let Some(child) = self.child(Ok(key), entry, value_shape) {
                        result.insert(key.clone(), child);
                    }
                }
                Value::Object(result)
            }
            (Kind::List(element), Value::Array(items)) => {
                let converted = items
                    .iter()
                    .enumerate()
                    .filter_map(|(index, item)| self.child(Err(index), item, element));
                Value::Array(converted.collect())
            }
            _ => value.clone(),
        };
        Some(converted)
    }

    fn unknown_member(&mut self, shape: &Shape, members: &[Member], key: &str) {
        let at = cfn_path(&joined(&self.path, key), self.root);
        let mut diagnostic =
            UNKNOWN_MEMBER.at(at, format!("Unknown property '{key}' in {}.", shape.name));
        let names: Vec<String> = members.iter().map(|m| cfn_name(shape, m.name)).collect();
        if let Some(best) = nearest(key, names.iter().map(String::as_str)) {
            diagnostic = diagnostic
                .with_help(format!("Did you mean '{best}'?"))
                .fix_rename(best);
        }
        self.out.push(diagnostic);
    }
}

fn joined(path: &str, key: &str) -> String {
    let mut full = path.to_string();
    push_key(&mut full, key);
    full
}

/// Rewrites an API-shape path (`$.containerDefinitions[0].portMappings[0].hostPort`) with
/// CloudFormation names (`$.ContainerDefinitions[0].PortMappings[0].HostPort`). Map keys and
/// paths the shape table does not know are kept as they are.
pub fn cfn_path(api_path: &str, shape: &'static Shape) -> String {
    let mut out = String::from("$");
    let mut rest = api_path.strip_prefix('$').unwrap_or(api_path);
    let mut current = Some(shape);
    while !rest.is_empty() {
        let (segment, tail, is_key) = next_segment(rest);
        rest = tail;
        match (current.map(|s| &s.kind), is_key) {
            (Some(Kind::Structure(members)), true) => {
                let member = members.iter().find(|m| m.name == segment);
                let name = match (current, member) {
                    (Some(shape), Some(member)) => cfn_name(shape, member.name),
                    _ => segment.to_string(),
                };
                push_key(&mut out, &name);
                current = member.map(|m| m.shape);
            }
            (Some(Kind::Map(value_shape)), true) => {
                push_key(&mut out, &segment);
                current = Some(value_shape);
            }
            (Some(Kind::List(element)), false) => {
                out.push_str(&format!("[{segment}]"));
                current = Some(element);
            }
            (_, true) => {
                push_key(&mut out, &segment);
                current = None;
            }
            (_, false) => {
                out.push_str(&format!("[{segment}]"));
                current = None;
            }
        }
    }
    out
}

/// Splits `.key…`, `["key"]…` or `[3]…` off a path: (segment, rest, whether it is a key).
fn next_segment(path: &str) -> (String, &str, bool) {
    if let Some(after) = path.strip_prefix('.') {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        return (after[..end].to_string(), &after[end..], true);
    }
    if let Some(after) = path.strip_prefix("[\"") {
        let mut stream = serde_json::Deserializer::from_str(&path[1..]).into_iter::<String>();
        if let Some(Ok(key)) = stream.next() {
            let consumed = stream.byte_offset() + 1;
            return (key, path.get(consumed + 1..).unwrap_or(""), true);
        }
        return (after.to_string(), "", true);
    }
    let inner = path.strip_prefix('[').unwrap_or(path);
    let end = inner.find(']').unwrap_or(inner.len());
    (
        inner[..end].to_string(),
        inner.get(end + 1..).unwrap_or(""),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ecs::shapes::REGISTER_TASK_DEFINITION_REQUEST as TD;
    use serde_json::json;

    #[test]
    fn names_convert_both_ways() {
        let cfn = json!({
            "Family": "web", "Cpu": 256, "Memory": "512",
            "ProxyConfiguration": {"ContainerName": "envoy", "ProxyConfigurationProperties": [{"Name": "AppPorts", "Value": "80"}]},
            "Volumes": [{"Name": "data", "EFSVolumeConfiguration": {"FilesystemId": "fs-1", "AuthorizationConfig": {"IAM": "ENABLED"}}}],
            "ContainerDefinitions": [{"Name": "app", "Essential": "false", "Memory": "512",
                "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": {"Ref": "Logs"}, "mode": "non-blocking"}},
                "DockerLabels": {"Team": "web"}, "Image": {"Fn::Sub": "${Repo}:latest"}}]
        });
        let mut out = Vec::new();
        let converted = to_api(&cfn, &TD, &mut out);
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(
            converted.value,
            json!({
                "family": "web", "cpu": "256", "memory": "512",
                "proxyConfiguration": {"containerName": "envoy", "properties": [{"name": "AppPorts", "value": "80"}]},
                "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "authorizationConfig": {"iam": "ENABLED"}}}],
                "containerDefinitions": [{"name": "app", "essential": false, "memory": 512,
                    "logConfiguration": {"logDriver": "awslogs", "options": {"mode": "non-blocking"}},
                    "dockerLabels": {"Team": "web"}}]
            })
        );
        assert_eq!(
            converted.unknowns.iter().cloned().collect::<Vec<_>>(),
            vec![
                r#"$.containerDefinitions[0].image"#.to_string(),
                r#"$.containerDefinitions[0].logConfiguration.options["awslogs-group"]"#
                    .to_string()
            ]
        );
        assert_eq!(
            cfn_path("$.volumes[0].efsVolumeConfiguration.fileSystemId", &TD),
            "$.Volumes[0].EFSVolumeConfiguration.FilesystemId"
        );
        assert_eq!(
            cfn_path(
                r#"$.containerDefinitions[0].logConfiguration.options["awslogs-group"]"#,
                &TD
            ),
            r#"$.ContainerDefinitions[0].LogConfiguration.Options["awslogs-group"]"#
        );
        assert_eq!(
            cfn_path("$.containerDefinitions[0].dockerLabels.team", &TD),
            "$.ContainerDefinitions[0].DockerLabels.team"
        );
    }

    #[test]
    fn unknown_properties_are_reported_in_cloudformation_terms() {
        let mut out = Vec::new();
        to_api(
            &json!({"Family": "web", "ContainerDefinitions": [{"Name": "a", "Esential": true}]}),
            &TD,
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "$.ContainerDefinitions[0].Esential");
        assert_eq!(out[0].help.as_deref(), Some("Did you mean 'Essential'?"));
    }
}
