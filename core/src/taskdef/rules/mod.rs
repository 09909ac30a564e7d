//! The task definition rules, by family. Each family module holds its rules' documentation
//! records and one `check` function; `CHECKS` runs them in order and `all()` lists every rule.

mod essential;
mod identity;
mod network;
mod resources;

use super::TaskDef;
use crate::api::conform;
use crate::diagnostics::{Diagnostic, Rule};

pub type Check = fn(&TaskDef, &mut Vec<Diagnostic>);

pub static CHECKS: [Check; 4] = [
    identity::check,
    resources::check,
    network::check,
    essential::check,
];

/// Every rule that task definition validation can report, in code order.
pub fn all() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = conform::RULES.to_vec();
    rules.push(&super::TOO_LARGE);
    rules.extend(identity::RULES);
    rules.extend(resources::RULES);
    rules.extend(network::RULES);
    rules.extend(essential::RULES);
    rules.sort_by_key(|rule| rule.code);
    rules
}
