//! The task definition rules, by family. Each family module holds its rules' documentation
//! records and one `check` function; `CHECKS` runs them in order and `all()` lists every rule.

mod container;
mod essential;
mod identity;
mod network;
mod platform;
mod references;
mod resources;
mod security;
mod volumes;

use super::TaskDef;
use crate::api::conform;
use crate::diagnostics::{Diagnostic, Rule};

pub type Check = fn(&TaskDef, &mut Vec<Diagnostic>);

/// The checks of errors and warnings; `SECURITY` runs only when security findings are asked for.
pub static CHECKS: [Check; 8] = [
    identity::check,
    resources::check,
    network::check,
    essential::check,
    references::check,
    platform::check,
    container::check,
    volumes::check,
];

pub static SECURITY: Check = security::check;

/// Every rule that task definition validation can report, in code order.
pub fn all() -> Vec<&'static Rule> {
    let families: [&[&'static Rule]; 10] = [
        &conform::RULES,
        &identity::RULES,
        &resources::RULES,
        &network::RULES,
        &essential::RULES,
        &references::RULES,
        &platform::RULES,
        &container::RULES,
        &volumes::RULES,
        &security::RULES,
    ];
    let mut rules: Vec<&'static Rule> = families.concat();
    rules.push(&super::TOO_LARGE);
    rules.sort_by_key(|rule| rule.code);
    rules
}
