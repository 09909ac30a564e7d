//! Reads a CloudFormation template from text, JSON or YAML, into a JSON value plus the line and
//! column of every node. JSON is read by the same YAML 1.2 parser, so both give positions.
//! CloudFormation's short-form tags (`!Ref`, `!GetAtt a.b`, `!Sub`, …) become their long forms.

use crate::diagnostics::{push_index, push_key};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, SpannedEventReceiver, Tag};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// 1-based line and column.
pub type Position = (u32, u32);

pub struct Source {
    pub value: Value,
    /// JSON path (`$.Resources.TD.Properties`) → where that node, or its key, starts.
    pub positions: HashMap<String, Position>,
    /// Keys given twice in one mapping (the value read is the last one given).
    pub duplicates: Vec<Duplicate>,
}

/// A key given again in a mapping that already has it.
pub struct Duplicate {
    pub key: String,
    /// The member's JSON path.
    pub path: String,
    /// Where the repeated key starts.
    pub position: Position,
}

impl Source {
    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn position(&self, path: &str) -> Option<Position> {
        let mut current = path;
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(*position);
            }
            let cut = current.rfind(['.', '['])?;
            current = &current[..cut];
        }
    }
}

enum Frame {
    Mapping {
        map: Map<String, Value>,
        key: Option<String>,
        tag: Option<Tag>,
        anchor: usize,
        path_len: usize,
    },
    Sequence {
        items: Vec<Value>,
        tag: Option<Tag>,
        anchor: usize,
        path_len: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    path: String,
    positions: HashMap<String, Position>,
    duplicates: Vec<Duplicate>,
    /// Each anchored value, with how many nodes it holds (what an alias to it adds).
    anchors: HashMap<usize, (Value, usize)>,
    root: Option<Value>,
    documents: usize,
    /// Nodes built so far, aliases counted at their full size.
    nodes: usize,
    /// Set when the template goes past a reading limit; later events are ignored.
    refused: Option<String>,
}

/// How deep a template may nest: CloudFormation templates stay within a few dozen levels, and
/// deeper nesting would cost memory quadratic in the depth (every node's path is kept).
pub const MAX_TEMPLATE_DEPTH: usize = 256;
/// How many nodes a template may hold, aliases expanded: a few hundred bytes of nested aliases
/// (the "billion laughs") would otherwise expand to gigabytes.
pub const MAX_TEMPLATE_NODES: usize = 1_000_000;

/// How a reading limit's error starts (`validate_template_text` reports it as TPL003).
pub const LIMIT_PREFIX: &str = "ecsim reads templates within limits: ";

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(members) => members.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn position(span: Span) -> Position {
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    (to_u32(span.start.line()), to_u32(span.start.col() + 1))
}

/// YAML 1.2 core schema resolution of an untagged plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(int) = text.parse::<i64>() {
            return Value::Number(int.into());
        }
    }
    let numeric = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if numeric {
        if let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(number);
        }
    }
    Value::String(text.to_string())
}

/// Applies a tag: CloudFormation's short forms become `{"Ref": …}` / `{"Fn::X": …}`.
fn tagged(tag: Option<Tag>, value: Value) -> Value {
    let Some(tag) = tag else { return value };
    if tag.handle != "!" {
        return value;
    }
    let mut wrapper = Map::new();
    let (name, value) = match tag.suffix.as_str() {
        "Ref" | "Condition" => (tag.suffix.clone(), value),
        "GetAtt" => {
            let value = match value {
                Value::String(text) => match text.split_once('.') {
                    Some((resource, attribute)) => {
                        Value::Array(vec![resource.into(), attribute.into()])
                    }
                    None => Value::String(text),
                },
                other => other,
            };
            ("Fn::GetAtt".to_string(), value)
        }
        other => (format!("Fn::{other}"), value),
    };
    wrapper.insert(name, value);
    Value::Object(wrapper)
}

impl Builder {
    /// Where the next node goes: its path is pushed, and its position recorded.
    fn enter_child(&mut self, span: Span) -> Option<usize> {
        let len = self.path.len();
        match self.stack.last_mut() {
            Some(Frame::Mapping { key: Some(key), .. }) => push_key(&mut self.path, key),
            Some(Frame::Sequence { items, .. }) => push_index(&mut self.path, items.len()),
            Some(Frame::Mapping { key: None, .. }) => return None,
            None => {}
        }
        self.positions
            .entry(self.path.clone())
            .or_insert_with(|| position(span));
        Some(len)
    }

    fn finish(&mut self, value: Value, anchor: usize) {
        if anchor != 0 {
            let size = count_nodes(&value);
            self.anchors.insert(anchor, (value.clone(), size));
        }
        match self.stack.last_mut() {
            Some(Frame::Mapping { map, key, .. }) => {
                if let Some(key) = key.take() {
                    map.insert(key, value);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(value),
            None if self.root.is_none() => self.root = Some(value),
            None => {}
        }
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        span: Span,
    ) {
        if let Some(Frame::Mapping {
            map,
            key: key @ None,
            ..
        }) = self.stack.last_mut()
        {
            *key = Some(text.to_string());
            let mut path = self.path.clone();
            push_key(&mut path, text);
            if map.contains_key(text) {
                self.duplicates.push(Duplicate {
                    key: text.to_string(),
                    path: path.clone(),
                    position: position(span),
                });
            }
            self.positions.entry(path).or_insert_with(|| position(span));
            return;
        }
        let len = self.enter_child(span);
        let value = match (&tag, style) {
            (Some(t), _) if t.handle == "!!" && t.suffix == "str" => Value::String(text.into()),
            (_, ScalarStyle::Plain) => resolve_plain(text),
            _ => Value::String(text.into()),
        };
        self.finish(tagged(tag, value), anchor);
        if let Some(len) = len {
            self.path.truncate(len);
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder {
    fn on_event(&mut self, event: Event<'input>, span: Span) {
        if self.refused.is_some() {
            return;
        }
        let added = match &event {
            Event::Alias(anchor) => self.anchors.get(anchor).map_or(1, |(_, size)| *size),
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) => 1,
            _ => 0,
        };
        self.nodes += added;
        let line = span.start.line();
        if self.nodes > MAX_TEMPLATE_NODES {
            self.refused = Some(format!(
                "the template holds more than {MAX_TEMPLATE_NODES} values with its aliases expanded (line {line})"
            ));
            return;
        }
        if self.stack.len() >= MAX_TEMPLATE_DEPTH
            && matches!(event, Event::MappingStart(..) | Event::SequenceStart(..))
        {
            self.refused = Some(format!(
                "the template nests deeper than {MAX_TEMPLATE_DEPTH} levels (line {line})"
            ));
            return;
        }
        match event {
            Event::DocumentStart(_) => self.documents += 1,
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(&text, style, anchor, tag.map(|t| t.into_owned()), span)
            }
            Event::Alias(anchor) => {
                let value = self
                    .anchors
                    .get(&anchor)
                    .map_or(Value::Null, |(value, _)| value.clone());
                if let Some(Frame::Mapping {
                    key: key @ None, ..
                }) = self.stack.last_mut()
                {
                    *key = Some(value.as_str().unwrap_or_default().to_string());
                    return;
                }
                let len = self.enter_child(span);
                self.finish(value, 0);
                if let Some(len) = len {
                    self.path.truncate(len);
                }
            }
            Event::MappingStart(anchor, tag) => {
                let path_len = self.enter_child(span).unwrap_or(self.path.len());
                let tag = tag.map(|t| t.into_owned());
                self.stack.push(Frame::Mapping {
                    map: Map::new(),
                    key: None,
                    tag,
                    anchor,
                    path_len,
                });
            }
            Event::SequenceStart(anchor, tag) => {
                let path_len = self.enter_child(span).unwrap_or(self.path.len());
                let tag = tag.map(|t| t.into_owned());
                self.stack.push(Frame::Sequence {
                    items: Vec::new(),
                    tag,
                    anchor,
                    path_len,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (value, tag, anchor, path_len) = match self.stack.pop() {
                    Some(Frame::Mapping {
                        map,
                        tag,
                        anchor,
                        path_len,
                        ..
                    }) => (Value::Object(map), tag, anchor, path_len),
                    Some(Frame::Sequence {
                        items,
                        tag,
                        anchor,
                        path_len,
                    }) => (Value::Array(items), tag, anchor, path_len),
                    None => return,
                };
                self.path.truncate(path_len);
                self.finish(tagged(tag, value), anchor);
            }
            _ => {}
        }
    }
}

/// An upper bound of how deep `text` nests, read without parsing: block levels (each needs an
/// indentation column or a `- `) and flow brackets outside quotes. The YAML parser recurses once
/// per level, so text nested thousands deep is refused before it runs.
fn nesting_bound(text: &str) -> (usize, usize) {
    let mut deepest = (0, 0);
    let mut flow = 0usize;
    let (mut quote, mut escaped) = (None, false);
    for (index, line) in text.lines().enumerate() {
        let rest = line.trim_start_matches(' ');
        let mut block = line.len() - rest.len();
        let mut rest = rest;
        while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
            block += 1;
            rest = after.trim_start_matches(' ');
        }
        let mut deepest_flow = flow;
        for c in line.chars() {
            match (quote, c) {
                (Some(_), _) if escaped => escaped = false,
                (Some('"'), '\\') => escaped = true,
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[' | '{') => {
                    flow += 1;
                    deepest_flow = deepest_flow.max(flow);
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        let depth = block.max(deepest_flow);
        if depth > deepest.0 {
            deepest = (depth, index + 1);
        }
    }
    deepest
}

/// Parses a JSON or YAML template. The error names the line and column.
pub fn parse(text: &str) -> Result<Source, String> {
    let (depth, line) = nesting_bound(text);
    if depth > MAX_TEMPLATE_DEPTH {
        return Err(format!(
            "{LIMIT_PREFIX}the template nests deeper than {MAX_TEMPLATE_DEPTH} levels (line {line})"
        ));
    }
    let mut builder = Builder {
        path: String::from("$"),
        ..Builder::default()
    };
    Parser::new_from_str(text)
        .load(&mut builder, false)
        .map_err(|e| e.to_string())?;
    if let Some(limit) = builder.refused {
        return Err(format!("{LIMIT_PREFIX}{limit}"));
    }
    Ok(Source {
        value: builder.root.unwrap_or(Value::Null),
        positions: builder.positions,
        duplicates: builder.duplicates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_with_short_form_tags_and_positions() {
        let text = "Resources:\n  TD:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Cpu: 256\n      ExecutionRoleArn: !GetAtt Role.Arn\n      Family: !Ref Name\n      ContainerDefinitions:\n        - Name: app\n          Essential: 'false'\n";
        let source = parse(text).unwrap();
        assert_eq!(
            source.value["Resources"]["TD"]["Properties"],
            json!({"Cpu": 256, "ExecutionRoleArn": {"Fn::GetAtt": ["Role", "Arn"]}, "Family": {"Ref": "Name"},
                   "ContainerDefinitions": [{"Name": "app", "Essential": "false"}]})
        );
        assert_eq!(
            source.position("$.Resources.TD.Properties.Cpu"),
            Some((5, 7))
        );
        assert_eq!(
            source.position("$.Resources.TD.Properties.ContainerDefinitions[0].Essential"),
            Some((10, 11))
        );
        assert_eq!(
            source.position("$.Resources.TD.Properties.ContainerDefinitions[0].Missing"),
            Some((9, 11))
        );
    }

    #[test]
    fn json_text_keeps_types_and_positions() {
        let text = "{\n  \"Resources\": {\n    \"TD\": {\"Type\": \"AWS::ECS::TaskDefinition\", \"Properties\": {\"Memory\": \"512\", \"N\": 1.5, \"B\": true}}\n  }\n}";
        let source = parse(text).unwrap();
        assert_eq!(
            source.value["Resources"]["TD"]["Properties"],
            json!({"Memory": "512", "N": 1.5, "B": true})
        );
        assert_eq!(
            source.position("$.Resources.TD.Properties.Memory"),
            Some((3, 63))
        );
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let previous = level - 1;
            bomb.push_str(&format!(
                "l{level}: &l{level} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                p = if previous == 0 { "a".to_string() } else { format!("l{previous}") }
            ));
        }
        let error = parse(&bomb).err().unwrap();
        assert!(error.contains("more than 1000000 values"), "{error}");
        for deep in [
            format!("{}x", "- ".repeat(MAX_TEMPLATE_DEPTH + 1)),
            format!("{}x", "- ".repeat(100_000)),
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            format!("{}x: 1", " ".repeat(300)),
        ] {
            let error = parse(&deep).err().unwrap();
            assert!(error.contains("deeper than 256"), "{error}");
        }
        assert!(parse("a: \"[[[[[[[[[[\"\nb: '{{{{'\n").is_ok());
        assert!(parse(&format!("{}x", "- ".repeat(100))).is_ok());
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let error = parse("Resources: [unclosed").err().unwrap();
        assert!(error.contains("line"), "{error}");
    }
}
