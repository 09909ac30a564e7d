//! EventBridge event patterns: parsed once (`Pattern::parse`, which says what is wrong and
//! where), then matched against events as JSON values (`Pattern::matches`).
//!
//! A pattern is an object whose members mirror the event's: an object member matches the
//! event's object of that name, an array member lists the values a leaf may have. A leaf
//! matches when any of its values matches (when the event holds an array there, any of its
//! elements): an exact string, number, boolean or null; `{"prefix": …}`, `{"suffix": …}`
//! (a string, or `{"equals-ignore-case": …}`); `{"equals-ignore-case": …}`; `{"wildcard": …}`
//! (`*` for any run of characters); `{"anything-but": …}` (a value, a list of values, or a
//! prefix, suffix, equals-ignore-case or wildcard); `{"numeric": [op, n, op, n]}`;
//! `{"exists": bool}` (leaves only: an object never exists as a leaf); `{"cidr": …}`. An
//! object may hold `"$or": [pattern, pattern, …]`: it matches when one of them does, besides
//! its other members.

use serde_json::{Map, Value};
use std::net::IpAddr;

#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// Every member must match.
    fields: Vec<(String, Node)>,
    /// One of each must match.
    alternatives: Vec<Vec<Pattern>>,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Object(Pattern),
    Leaf(Vec<Matcher>),
}

#[derive(Clone, Debug, PartialEq)]
enum Text {
    Exact(String),
    IgnoringCase(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Matcher {
    Equals(Value),
    Prefix(Text),
    Suffix(Text),
    IgnoringCase(String),
    Wildcard(String),
    AnythingBut(Box<Matcher>),
    AnythingButAny(Vec<Value>),
    Numeric(Vec<(Comparison, f64)>),
    Exists(bool),
    Cidr(IpAddr, u8),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Comparison {
    Less,
    LessOrEqual,
    Equal,
    GreaterOrEqual,
    Greater,
}

/// EventBridge's limits on numeric matching: finite values within ±5×10⁹.
const NUMERIC_LIMIT: f64 = 5.0e9;

/// How deep a pattern may nest (EventBridge bounds a pattern's size; this bounds recursion).
const MAX_DEPTH: usize = 32;

fn invalid(at: &str, why: impl std::fmt::Display) -> String {
    if at.is_empty() {
        format!("Event pattern is not valid. Reason: {why}")
    } else {
        format!("Event pattern is not valid. Reason: {why} (at {at})")
    }
}

impl Pattern {
    /// Parses a pattern given as JSON text; the error is EventBridge's message, naming the member
    /// at fault.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| invalid("", format!("the pattern is not JSON: {e}")))?;
        Pattern::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<Pattern, String> {
        let Value::Object(members) = value else {
            return Err(invalid("", "a pattern must be a JSON object"));
        };
        if members.is_empty() {
            return Err(invalid("", "a pattern must have at least one member"));
        }
        object(members, "", 0)
    }

    /// Whether `event` matches.
    pub fn matches(&self, event: &Value) -> bool {
        let fields = self
            .fields
            .iter()
            .all(|(name, node)| node.matches(event.get(name)));
        fields
            && self
                .alternatives
                .iter()
                .all(|any| any.iter().any(|pattern| pattern.matches(event)))
    }

    /// Whether `event` can match, judged on its members other than `detail` (which an event
    /// builds last: most patterns are settled by `source` and `detail-type` alone).
    pub fn may_match_envelope(&self, envelope: &Value) -> bool {
        self.fields
            .iter()
            .filter(|(name, _)| name != "detail")
            .all(|(name, node)| node.matches(envelope.get(name)))
    }
}

fn object(members: &Map<String, Value>, at: &str, depth: usize) -> Result<Pattern, String> {
    if depth > MAX_DEPTH {
        return Err(invalid(
            at,
            format!("a pattern nests at most {MAX_DEPTH} levels"),
        ));
    }
    let mut pattern = Pattern {
        fields: Vec::new(),
        alternatives: Vec::new(),
    };
    for (name, value) in members {
        let path = if at.is_empty() {
            name.clone()
        } else {
            format!("{at}.{name}")
        };
        if name == "$or" {
            pattern
                .alternatives
                .push(alternatives(value, &path, depth)?);
            continue;
        }
        let node = match value {
            Value::Object(inner) if inner.is_empty() => {
                return Err(invalid(&path, "an object in a pattern must not be empty"))
            }
            Value::Object(inner) => Node::Object(object(inner, &path, depth + 1)?),
            Value::Array(values) if values.is_empty() => {
                return Err(invalid(&path, "empty arrays are not allowed"))
            }
            Value::Array(values) => Node::Leaf(
                values
                    .iter()
                    .map(|v| matcher(v, &path))
                    .collect::<Result<_, _>>()?,
            ),
            _ => {
                return Err(invalid(
                    &path,
                    "a member's value must be an object or an array",
                ))
            }
        };
        pattern.fields.push((name.clone(), node));
    }
    Ok(pattern)
}

fn alternatives(value: &Value, at: &str, depth: usize) -> Result<Vec<Pattern>, String> {
    let Value::Array(items) = value else {
        return Err(invalid(at, "\"$or\" must be an array of patterns"));
    };
    if items.len() < 2 {
        return Err(invalid(at, "\"$or\" needs at least two patterns"));
    }
    items
        .iter()
        .map(|item| match item {
            Value::Object(members) if !members.is_empty() => object(members, at, depth + 1),
            _ => Err(invalid(at, "each \"$or\" item must be a non-empty object")),
        })
        .collect()
}

fn matcher(value: &Value, at: &str) -> Result<Matcher, String> {
    let Value::Object(rule) = value else {
        return match value {
            Value::Array(_) => Err(invalid(at, "a pattern's values cannot be arrays")),
            Value::Number(n) => {
                numeric_value(n.as_f64(), at).map(|_| Matcher::Equals(value.clone()))
            }
            _ => Ok(Matcher::Equals(value.clone())),
        };
    };
    let mut entries = rule.iter();
    let (Some((kind, operand)), None) = (entries.next(), entries.next()) else {
        return Err(invalid(
            at,
            "a matching object must have exactly one member",
        ));
    };
    match kind.as_str() {
        "prefix" => Ok(Matcher::Prefix(text(operand, at, kind)?)),
        "suffix" => Ok(Matcher::Suffix(text(operand, at, kind)?)),
        "equals-ignore-case" => Ok(Matcher::IgnoringCase(
            string(operand, at, kind)?.to_lowercase(),
        )),
        "wildcard" => Ok(Matcher::Wildcard(wildcard(operand, at)?)),
        "anything-but" => anything_but(operand, at),
        "numeric" => numeric(operand, at),
        "exists" => match operand {
            Value::Bool(b) => Ok(Matcher::Exists(*b)),
            _ => Err(invalid(at, "\"exists\" takes true or false")),
        },
        "cidr" => cidr(operand, at),
        other => Err(invalid(at, format!("unrecognized match type {other}"))),
    }
}

fn string<'a>(operand: &'a Value, at: &str, kind: &str) -> Result<&'a str, String> {
    operand
        .as_str()
        .ok_or_else(|| invalid(at, format!("\"{kind}\" takes a string")))
}

fn text(operand: &Value, at: &str, kind: &str) -> Result<Text, String> {
    if let Value::Object(inner) = operand {
        if let (Some(Value::String(s)), 1) = (inner.get("equals-ignore-case"), inner.len()) {
            return Ok(Text::IgnoringCase(s.to_lowercase()));
        }
        return Err(invalid(
            at,
            format!("\"{kind}\" takes a string or {{\"equals-ignore-case\": string}}"),
        ));
    }
    Ok(Text::Exact(string(operand, at, kind)?.to_string()))
}

fn wildcard(operand: &Value, at: &str) -> Result<String, String> {
    let pattern = string(operand, at, "wildcard")?;
    if pattern.contains("**") {
        return Err(invalid(
            at,
            "consecutive wildcard characters are not allowed",
        ));
    }
    Ok(pattern.to_string())
}

fn anything_but(operand: &Value, at: &str) -> Result<Matcher, String> {
    match operand {
        Value::Array(values) if values.is_empty() => {
            Err(invalid(at, "\"anything-but\" needs at least one value"))
        }
        Value::Array(values) => {
            for value in values {
                if !(value.is_string() || value.is_number()) {
                    return Err(invalid(at, "\"anything-but\" lists strings or numbers"));
                }
            }
            Ok(Matcher::AnythingButAny(values.clone()))
        }
        Value::Object(_) => {
            let inner = matcher(operand, at)?;
            match inner {
                Matcher::Prefix(_)
                | Matcher::Suffix(_)
                | Matcher::IgnoringCase(_)
                | Matcher::Wildcard(_) => Ok(Matcher::AnythingBut(Box::new(inner))),
                _ => Err(invalid(
                    at,
                    "\"anything-but\" takes a value, a list, prefix, suffix, equals-ignore-case or wildcard",
                )),
            }
        }
        Value::String(_) | Value::Number(_) => Ok(Matcher::AnythingButAny(vec![operand.clone()])),
        _ => Err(invalid(at, "\"anything-but\" lists strings or numbers")),
    }
}

fn numeric_value(value: Option<f64>, at: &str) -> Result<f64, String> {
    match value {
        Some(n) if n.is_finite() && n.abs() <= NUMERIC_LIMIT => Ok(n),
        _ => Err(invalid(
            at,
            format!("numbers must be between -{NUMERIC_LIMIT:e} and {NUMERIC_LIMIT:e}"),
        )),
    }
}

fn numeric(operand: &Value, at: &str) -> Result<Matcher, String> {
    let Value::Array(items) = operand else {
        return Err(invalid(
            at,
            "\"numeric\" takes an array such as [\">\", 0, \"<=\", 5]",
        ));
    };
    if items.is_empty() || items.len() % 2 != 0 || items.len() > 4 {
        return Err(invalid(
            at,
            "\"numeric\" takes one or two (operator, number) pairs",
        ));
    }
    let mut bounds = Vec::new();
    for pair in items.chunks(2) {
        let comparison = match pair[0].as_str() {
            Some("<") => Comparison::Less,
            Some("<=") => Comparison::LessOrEqual,
            Some("=") => Comparison::Equal,
            Some(">=") => Comparison::GreaterOrEqual,
            Some(">") => Comparison::Greater,
            _ => {
                return Err(invalid(
                    at,
                    format!("unrecognized numeric range operator: {}", pair[0]),
                ))
            }
        };
        bounds.push((comparison, numeric_value(pair[1].as_f64(), at)?));
    }
    let lower = |c: Comparison| matches!(c, Comparison::Greater | Comparison::GreaterOrEqual);
    let upper = |c: Comparison| matches!(c, Comparison::Less | Comparison::LessOrEqual);
    if let [(first, low), (second, high)] = bounds[..] {
        if !(lower(first) && upper(second)) || low >= high {
            return Err(invalid(
                at,
                "a numeric range is a lower bound (> or >=) then a greater upper bound (< or <=)",
            ));
        }
    }
    Ok(Matcher::Numeric(bounds))
}

fn cidr(operand: &Value, at: &str) -> Result<Matcher, String> {
    let block = string(operand, at, "cidr")?;
    let parsed = block.split_once('/').and_then(|(address, bits)| {
        let address: IpAddr = address.parse().ok()?;
        let bits: u8 = bits.parse().ok()?;
        let width = if address.is_ipv4() { 32 } else { 128 };
        (bits <= width).then_some((address, bits))
    });
    let (address, bits) =
        parsed.ok_or_else(|| invalid(at, format!("\"{block}\" is not a CIDR block")))?;
    Ok(Matcher::Cidr(address, bits))
}

impl Node {
    fn matches(&self, value: Option<&Value>) -> bool {
        match self {
            Node::Object(pattern) => match value {
                Some(Value::Array(items)) => items.iter().any(|item| pattern.matches(item)),
                Some(inner @ Value::Object(_)) => pattern.matches(inner),
                _ => false,
            },
            Node::Leaf(matchers) => matchers.iter().any(|m| m.matches_leaf(value)),
        }
    }
}

impl Matcher {
    fn matches_leaf(&self, value: Option<&Value>) -> bool {
        match (self, value) {
            (Matcher::Exists(wanted), None) => !wanted,
            (_, None) => false,
            (_, Some(Value::Array(items))) => {
                items.iter().any(|item| self.matches_leaf(Some(item)))
            }
            (_, Some(Value::Object(_))) => false,
            (Matcher::Exists(wanted), Some(_)) => *wanted,
            (_, Some(value)) => self.matches_value(value),
        }
    }

    /// Against one scalar (string, number, boolean or null).
    fn matches_value(&self, value: &Value) -> bool {
        match self {
            Matcher::Equals(expected) => same(expected, value),
            Matcher::Prefix(text) => value.as_str().is_some_and(|s| text.prefix_of(s)),
            Matcher::Suffix(text) => value.as_str().is_some_and(|s| text.suffix_of(s)),
            Matcher::IgnoringCase(expected) => value
                .as_str()
                .is_some_and(|s| s.to_lowercase() == *expected),
            Matcher::Wildcard(pattern) => {
                value.as_str().is_some_and(|s| wildcard_matches(pattern, s))
            }
            Matcher::AnythingBut(inner) => {
                (value.is_string() || value.is_number()) && !inner.matches_value(value)
            }
            Matcher::AnythingButAny(values) => {
                (value.is_string() || value.is_number()) && !values.iter().any(|v| same(v, value))
            }
            Matcher::Numeric(bounds) => value.as_f64().is_some_and(|n| {
                bounds.iter().all(|&(comparison, bound)| match comparison {
                    Comparison::Less => n < bound,
                    Comparison::LessOrEqual => n <= bound,
                    Comparison::Equal => n == bound,
                    Comparison::GreaterOrEqual => n >= bound,
                    Comparison::Greater => n > bound,
                })
            }),
            Matcher::Exists(wanted) => *wanted,
            Matcher::Cidr(block, bits) => value
                .as_str()
                .and_then(|s| s.parse::<IpAddr>().ok())
                .is_some_and(|address| in_block(*block, *bits, address)),
        }
    }
}

/// Exact equality; numbers by value (300 matches 300.0).
fn same(expected: &Value, value: &Value) -> bool {
    match (expected, value) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => expected == value,
    }
}

impl Text {
    fn prefix_of(&self, s: &str) -> bool {
        match self {
            Text::Exact(p) => s.starts_with(p.as_str()),
            Text::IgnoringCase(p) => s.to_lowercase().starts_with(p.as_str()),
        }
    }

    fn suffix_of(&self, s: &str) -> bool {
        match self {
            Text::Exact(p) => s.ends_with(p.as_str()),
            Text::IgnoringCase(p) => s.to_lowercase().ends_with(p.as_str()),
        }
    }
}

/// `*` matches any run of characters (none included); everything else itself.
fn wildcard_matches(pattern: &str, s: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = s.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn in_block(block: IpAddr, bits: u8, address: IpAddr) -> bool {
    let (block, address, width) = match (block, address) {
        (IpAddr::V4(b), IpAddr::V4(a)) => (u128::from(u32::from(b)), u128::from(u32::from(a)), 32),
        (IpAddr::V6(b), IpAddr::V6(a)) => (u128::from(b), u128::from(a), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    shift >= 128 || (block >> shift) == (address >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn matches(pattern: Value, event: Value) -> bool {
        Pattern::from_value(&pattern).unwrap().matches(&event)
    }

    fn refused(pattern: Value) -> String {
        Pattern::from_value(&pattern).unwrap_err()
    }

    #[test]
    fn exact_values_match_leaves_and_any_element_of_an_array() {
        let event = json!({"source": "aws.ecs", "detail": {"lastStatus": "RUNNING", "cpu": 256, "ok": true, "tags": ["a", "b"]}});
        assert!(matches(json!({"source": ["aws.ecs"]}), event.clone()));
        assert!(!matches(json!({"source": ["aws.ec2"]}), event.clone()));
        assert!(matches(
            json!({"detail": {"cpu": [256.0], "ok": [true]}}),
            event.clone()
        ));
        assert!(matches(json!({"detail": {"tags": ["b"]}}), event.clone()));
        assert!(!matches(
            json!({"detail": {"missing": ["x"]}}),
            event.clone()
        ));
        assert!(!matches(json!({"detail": ["RUNNING"]}), event));
    }

    #[test]
    fn content_filters() {
        let event = json!({"detail": {"group": "service:web", "cpu": 300, "ip": "10.0.1.7", "reason": "Essential container in task exited"}});
        let cases = [
            (json!({"prefix": "service:"}), "group", true),
            (
                json!({"prefix": {"equals-ignore-case": "SERVICE:"}}),
                "group",
                true,
            ),
            (json!({"suffix": "web"}), "group", true),
            (json!({"equals-ignore-case": "SERVICE:WEB"}), "group", true),
            (json!({"wildcard": "service:*b"}), "group", true),
            (json!({"wildcard": "*:x*"}), "group", false),
            (json!({"anything-but": "service:web"}), "group", false),
            (
                json!({"anything-but": ["family:x", "service:api"]}),
                "group",
                true,
            ),
            (
                json!({"anything-but": {"prefix": "service:"}}),
                "group",
                false,
            ),
            (json!({"numeric": [">", 0, "<=", 300]}), "cpu", true),
            (json!({"numeric": ["<", 300]}), "cpu", false),
            (json!({"numeric": ["=", 300]}), "cpu", true),
            (json!({"numeric": [">", 0]}), "group", false),
            (json!({"cidr": "10.0.0.0/16"}), "ip", true),
            (json!({"cidr": "10.1.0.0/16"}), "ip", false),
            (json!({"exists": true}), "reason", true),
            (json!({"exists": false}), "reason", false),
            (json!({"exists": false}), "stopCode", true),
            (json!({"exists": true}), "stopCode", false),
        ];
        for (rule, member, expected) in cases {
            let pattern = json!({"detail": {member: [rule.clone()]}});
            assert_eq!(
                matches(pattern, event.clone()),
                expected,
                "{rule} on {member}"
            );
        }
    }

    #[test]
    fn or_and_nested_arrays_of_objects() {
        let event = json!({"detail": {"containers": [{"name": "web", "exitCode": 0}, {"name": "log", "exitCode": 1}]}});
        assert!(matches(
            json!({"detail": {"containers": {"exitCode": [{"numeric": [">", 0]}]}}}),
            event.clone()
        ));
        let or = json!({"$or": [{"detail": {"containers": {"name": ["db"]}}}, {"detail": {"containers": {"name": ["log"]}}}]});
        assert!(matches(or, event.clone()));
        let neither = json!({"$or": [{"detail": {"x": ["1"]}}, {"detail": {"y": ["2"]}}]});
        assert!(!matches(neither, event));
    }

    #[test]
    fn invalid_patterns_name_the_member_at_fault() {
        assert!(refused(json!(["aws.ecs"])).contains("must be a JSON object"));
        assert!(refused(json!({"source": "aws.ecs"})).contains("(at source)"));
        assert!(refused(json!({"detail": {"x": []}}))
            .contains("empty arrays are not allowed (at detail.x)"));
        assert!(refused(json!({"a": [{"prefix": 1}]})).contains("\"prefix\" takes a string"));
        assert!(refused(json!({"a": [{"numeric": [">", 5, "<", 1]}]})).contains("numeric range"));
        assert!(refused(json!({"a": [{"numeric": ["!", 5]}]})).contains("operator"));
        assert!(refused(json!({"a": [{"bogus": 5}]})).contains("unrecognized match type bogus"));
        assert!(refused(json!({"a": [{"cidr": "10.0.0.0/33"}]})).contains("CIDR"));
        assert!(refused(json!({"$or": [{"a": ["1"]}]})).contains("at least two"));
        assert!(Pattern::parse("{not json")
            .unwrap_err()
            .contains("not JSON"));
        let mut deep = json!(["x"]);
        for _ in 0..40 {
            deep = json!({ "a": deep });
        }
        assert!(refused(deep).contains("nests at most"));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_matches("a*", "abc"));
        assert!(wildcard_matches("*c", "abc"));
        assert!(wildcard_matches("a*c", "ac"));
        assert!(!wildcard_matches("a*bc", "abc*"));
        assert!(wildcard_matches("*", ""));
        assert!(!wildcard_matches("ab*ab", "ab"));
    }
}
