//! The cluster query language: every subject, every operator in both spellings, precedence,
//! the documented missing-attribute semantics, and parse errors that point at the character.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::query::{parse, Instance};
use std::collections::BTreeMap;

struct Box {
    attributes: BTreeMap<&'static str, &'static str>,
    connected: bool,
    version: &'static str,
    id: &'static str,
    registered: f64,
    groups: Vec<&'static str>,
}

impl Instance for Box {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).copied()
    }
    fn agent_connected(&self) -> bool {
        self.connected
    }
    fn agent_version(&self) -> Option<&str> {
        Some(self.version)
    }
    fn ec2_instance_id(&self) -> Option<&str> {
        Some(self.id)
    }
    fn registered_at(&self) -> f64 {
        self.registered
    }
    fn running_tasks_count(&self) -> u32 {
        self.groups.len() as u32
    }
    fn task_groups(&self) -> Vec<&str> {
        self.groups.clone()
    }
}

fn web() -> Box {
    Box {
        attributes: [
            ("ecs.instance-type", "g4dn.xlarge"),
            ("ecs.availability-zone", "us-east-1a"),
            ("stack", "prod"),
            ("slots", "12"),
        ]
        .into_iter()
        .collect(),
        connected: true,
        version: "1.14.5",
        id: "i-abcd1234",
        registered: 1_529_360_908.0, // 2018-06-18T22:28:28Z
        groups: vec!["service:web", "family:batch"],
    }
}

fn bare() -> Box {
    Box {
        attributes: BTreeMap::new(),
        connected: false,
        version: "1.9.0",
        id: "i-wxyx7890",
        registered: 0.0,
        groups: vec![],
    }
}

fn check(expression: &str, on_web: bool, on_bare: bool) {
    let expr = parse(expression).unwrap_or_else(|e| panic!("{expression}: {e}"));
    assert_eq!(
        (expr.matches(&web()), expr.matches(&bare())),
        (on_web, on_bare),
        "{expression}"
    );
}

#[test]
fn attributes_and_equality() {
    check("attribute:stack == prod", true, false);
    check("attribute:stack equals prod", true, false);
    check("attribute:stack != dev", true, false); // != needs the attribute to exist
    check("attribute:stack not_equals prod", false, false);
    check("not(attribute:stack == dev)", true, true); // not(==) also matches instances without it
    check("attribute:stack exists", true, false);
    check("attribute:stack !exists", false, true);
    check("attribute:stack not_exists", false, true);
    check(
        "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]",
        true,
        false,
    );
    check(
        "attribute:ecs.availability-zone !in ['us-east-1a']",
        false,
        false,
    );
    check(
        "attribute:ecs.availability-zone not_in ['us-east-1c', \"us-east-1d\"]",
        true,
        false,
    );
}

#[test]
fn regular_expressions_match_whole_values() {
    check("attribute:ecs.instance-type =~ g4dn.*", true, false);
    check("attribute:ecs.instance-type matches g4", false, false);
    check("attribute:ecs.instance-type !~ t3.*", true, false);
    check(
        "attribute:ecs.instance-type not_matches g4dn.*",
        false,
        false,
    );
    check(
        "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
        false,
        false,
    );
}

#[test]
fn ordering_numbers_versions_and_dates() {
    check("attribute:slots > 9", true, false); // 12 > 9 as numbers, not as text
    check("attribute:slots greater_than_equal 12", true, false);
    check("attribute:slots < 100", true, false);
    check("attribute:slots less_than_equal 11", false, false);
    check("agentVersion < 1.14.10", true, true); // versions, not text
    check("agentVersion >= 1.14.5", true, false);
    check("registeredAt > 2018-06-18", true, false);
    check("registeredAt < 2018-02-13", false, true);
    check("registeredAt == 2018-06-18T22:28:28+00:00", true, false);
    check("registeredAt <= 2018-06-18T22:28:28Z", true, true);
    check("registeredAt >= 2018-06-18T22:28:29", false, false);
}

#[test]
fn other_subjects() {
    check("agentConnected == true", true, false);
    check("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true, true);
    check("runningTasksCount == 0", false, true);
    check("runningTasksCount >= 2", true, false);
    check("task:group == service:web", true, false);
    check("not(task:group == service:web)", false, true);
    check("task:group != service:db", true, false);
    check("task:group exists", true, false);
}

#[test]
fn and_binds_tighter_than_or_and_parentheses_group() {
    check(
        "attribute:stack == dev and attribute:slots == 12 or agentConnected == false",
        false,
        true,
    );
    check(
        "attribute:stack == dev and (attribute:slots == 12 or agentConnected == false)",
        false,
        false,
    );
    check(
        "attribute:stack == prod && !(runningTasksCount == 0) || ec2InstanceId == i-none",
        true,
        false,
    );
    check("not not attribute:stack exists", true, false);
}

fn error(expression: &str) -> (usize, String) {
    let error = parse(expression)
        .err()
        .unwrap_or_else(|| panic!("{expression} parsed"));
    (error.position, error.message)
}

#[test]
fn errors_point_at_the_character_and_say_what_was_expected() {
    let (at, message) = error("attribute:stack =! prod");
    assert_eq!(at, 16);
    assert!(message.starts_with("Expected an operator"), "{message}");
    let (at, message) = error("atribute:stack == prod");
    assert_eq!(at, 0);
    assert!(message.starts_with("Expected a subject"), "{message}");
    let (at, message) = error("(attribute:a == b");
    assert_eq!(at, 17);
    assert_eq!(message, "Expected ')', found the end of the expression");
    let (at, _) = error("attribute:a in [b, c");
    assert_eq!(at, 20);
    let (at, message) = error("attribute:a == b c");
    assert_eq!(at, 17);
    assert!(message.starts_with("Expected 'and', 'or'"), "{message}");
    let (at, message) = error("attribute:a =~ 'ab(c'");
    assert_eq!(at, 15);
    assert!(message.contains("Invalid regular expression"), "{message}");
    let (_, message) = error(&format!("attribute:a == {}", "x".repeat(2000)));
    assert!(message.contains("at most 2000 characters"), "{message}");
    let (at, _) = error("attribute:a == 'open");
    assert_eq!(at, 15);
    let (at, _) = error("registeredAt =~ 2018.*");
    assert_eq!(at, 0);
}
