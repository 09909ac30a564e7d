//! Essential containers.

use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;

pub static ESSENTIAL_CONTAINER: Rule = Rule {
    code: "TD401",
    name: "essential-container",
    severity: Severity::Error,
    summary: "At least one container is essential (`essential` omitted counts as true).",
    why: "A task stops when an essential container stops; a task with none would have no lifetime, so ECS rejects it. `essential` defaults to true, so only explicit `false` values can trigger this.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "essential": false}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_essential",
};

pub static RULES: [&Rule; 1] = [&ESSENTIAL_CONTAINER];

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    if task.containers.is_empty()
        || task.containers.iter().any(|c| c.essential != Some(false))
        || task.unknown_in_containers("essential")
    {
        return;
    }
    out.push(
        ESSENTIAL_CONTAINER
            .at("$.containerDefinitions", "A task definition must have at least one essential container.")
            .with_help("Set \"essential\": true on the main container (or leave essential out: it defaults to true)."),
    );
}
