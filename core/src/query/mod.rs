//! The ECS cluster query language: `subject operator [argument]` expressions joined with
//! `and`/`or`/`not` and parentheses, as memberOf constraints and ListContainerInstances filters use
//! them. Where AWS is silent (docs/conventions.md): `and` binds tighter than `or`; `>`/`<` compare as
//! numbers when both sides are numbers, as versions when both are dotted numbers (agentVersion),
//! as dates for registeredAt, else as strings; `=~` must match the whole value; `!=` and `not_in`
//! need the attribute to exist (`not(… == …)` does not).

mod eval;
mod parse;

pub use eval::Instance;
pub use parse::{parse, valid_attribute_name};

use regex_lite::Regex;

/// Expressions are at most 2,000 characters, as ECS documents.
pub const MAX_EXPRESSION_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Compare(Comparison),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub subject: Subject,
    pub operator: Operator,
    pub argument: Argument,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    AgentConnected,
    AgentVersion,
    Attribute(String),
    Ec2InstanceId,
    RegisteredAt,
    RunningTasksCount,
    TaskGroup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Equals,
    NotEquals,
    GreaterThan,
    GreaterThanEqual,
    LessThan,
    LessThanEqual,
    Exists,
    NotExists,
    In,
    NotIn,
    Matches,
    NotMatches,
}

impl Operator {
    /// Symbol and word spellings.
    pub const SPELLINGS: [(&'static str, Operator); 22] = [
        ("==", Operator::Equals),
        ("equals", Operator::Equals),
        ("!=", Operator::NotEquals),
        ("not_equals", Operator::NotEquals),
        (">=", Operator::GreaterThanEqual),
        ("greater_than_equal", Operator::GreaterThanEqual),
        (">", Operator::GreaterThan),
        ("greater_than", Operator::GreaterThan),
        ("<=", Operator::LessThanEqual),
        ("less_than_equal", Operator::LessThanEqual),
        ("<", Operator::LessThan),
        ("less_than", Operator::LessThan),
        ("!exists", Operator::NotExists),
        ("not_exists", Operator::NotExists),
        ("exists", Operator::Exists),
        ("!in", Operator::NotIn),
        ("not_in", Operator::NotIn),
        ("in", Operator::In),
        ("=~", Operator::Matches),
        ("matches", Operator::Matches),
        ("!~", Operator::NotMatches),
        ("not_matches", Operator::NotMatches),
    ];
}

#[derive(Debug, Clone)]
pub enum Argument {
    None,
    Value(String),
    List(Vec<String>),
    /// Compiled once, anchored: `=~` is a full match.
    Pattern(Regex),
}

/// Patterns compare by their text (a compiled regex has no equality of its own).
impl PartialEq for Argument {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Argument::None, Argument::None) => true,
            (Argument::Value(a), Argument::Value(b)) => a == b,
            (Argument::List(a), Argument::List(b)) => a == b,
            (Argument::Pattern(a), Argument::Pattern(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

/// A query that does not parse: where, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct QueryError {
    /// 0-based character offset into the expression.
    pub position: usize,
    pub message: String,
}
