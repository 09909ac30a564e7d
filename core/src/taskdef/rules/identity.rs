//! Names and counts: the family, the containers' names and images.

use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;
use std::collections::HashMap;

pub static FAMILY_FORMAT: Rule = Rule {
    code: "TD101",
    name: "family-name-format",
    severity: Severity::Error,
    summary: "The family name is 1 to 255 letters, digits, underscores and hyphens.",
    why: "RegisterTaskDefinition rejects any other character, including spaces, dots and slashes.",
    invalid: r#"{"family": "my web.app", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    valid: r#"{"family": "my-web_app", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-family",
};

pub static NO_CONTAINERS: Rule = Rule {
    code: "TD102",
    name: "no-containers",
    severity: Severity::Error,
    summary: "A task definition has at least one container definition.",
    why: "An empty `containerDefinitions` list is rejected at registration.",
    invalid: r#"{"family": "web", "containerDefinitions": []}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-containerDefinitions",
};

pub static CONTAINER_NAME_REQUIRED: Rule = Rule {
    code: "TD103",
    name: "container-name-required",
    severity: Severity::Error,
    summary: "Every container definition has a non-empty `name`.",
    why: "The API model does not mark `name` as required, but ECS rejects the registration with \"Container.name should not be null or empty.\"",
    invalid: r#"{"family": "web", "containerDefinitions": [{"image": "nginx", "memory": 512}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-name",
};

pub static CONTAINER_IMAGE_REQUIRED: Rule = Rule {
    code: "TD104",
    name: "container-image-required",
    severity: Severity::Error,
    summary: "Every container definition has a non-empty `image`.",
    why: "The API model does not mark `image` as required, but ECS rejects the registration with \"Container.image should not be null or empty.\"",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "memory": 512}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-image",
};

pub static CONTAINER_NAME_FORMAT: Rule = Rule {
    code: "TD105",
    name: "container-name-format",
    severity: Severity::Error,
    summary: "A container name is up to 255 letters, digits, underscores and hyphens.",
    why: "Container names are used in links and in dependsOn; ECS rejects any other character.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "my app", "image": "nginx", "memory": 512}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "my-app", "image": "nginx", "memory": 512}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-name",
};

pub static CONTAINER_NAME_UNIQUE: Rule = Rule {
    code: "TD106",
    name: "container-name-unique",
    severity: Severity::Error,
    summary: "Container names are unique within a task definition.",
    why: "Links, dependsOn, volumesFrom, load balancers and FireLens refer to containers by name, so a duplicate name is rejected.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}, {"name": "app", "image": "envoy", "memory": 256}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}, {"name": "proxy", "image": "envoy", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_name",
};

pub static TOO_MANY_CONTAINERS: Rule = Rule {
    code: "TD107",
    name: "container-count",
    severity: Severity::Error,
    summary: "A task definition has at most 10 container definitions.",
    why: "The documented quota of containers per task definition; registration fails with \"Too many containers.\"",
    invalid: "",
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html",
};

pub static TAGS: Rule = Rule {
    code: "TD108",
    name: "tags",
    severity: Severity::Error,
    summary: "Every tag has a key, keys are unique, and no key starts with `aws:`.",
    why: "The tag restrictions of every AWS resource; the `aws:` prefix is reserved for AWS. The model's bounds (at most 50 tags, keys of 1 to 128 characters, values of up to 256) are API005's.",
    invalid: r#"{"family": "web", "tags": [{"key": "aws:team", "value": "web"}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "tags": [{"key": "team", "value": "web"}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html",
};

pub static RULES: [&Rule; 8] = [
    &FAMILY_FORMAT,
    &NO_CONTAINERS,
    &CONTAINER_NAME_REQUIRED,
    &CONTAINER_IMAGE_REQUIRED,
    &CONTAINER_NAME_FORMAT,
    &CONTAINER_NAME_UNIQUE,
    &TOO_MANY_CONTAINERS,
    &TAGS,
];

fn is_valid_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    if let Some(family) = task.request.family.as_deref() {
        if !is_valid_name(family) {
            out.push(
                FAMILY_FORMAT
                    .at("$.family", format!("Family '{family}' must be 1 to 255 letters, digits, underscores or hyphens."))
                    .with_help("Replace spaces, dots and other characters with '-' or '_'."),
            );
        }
    }
    if task
        .request
        .container_definitions
        .as_ref()
        .is_some_and(Vec::is_empty)
    {
        out.push(NO_CONTAINERS.at("$.containerDefinitions", "Container list cannot be empty."));
    }
    if task.containers.len() > 10 {
        out.push(TOO_MANY_CONTAINERS.at(
            "$.containerDefinitions",
            format!(
                "Too many containers. ({} of at most 10)",
                task.containers.len()
            ),
        ));
    }
    check_tags(task, out);
    let mut first_index: HashMap<&str, usize> = HashMap::new();
    for (index, container) in task.containers.iter().enumerate() {
        let at = |member: &str| format!("$.containerDefinitions[{index}].{member}");
        match container.name.as_deref() {
            None | Some("") => out.push(CONTAINER_NAME_REQUIRED.at(at("name"), "Container.name should not be null or empty.")),
            Some(name) if !is_valid_name(name) => out.push(
                CONTAINER_NAME_FORMAT
                    .at(at("name"), format!("Container name '{name}' must be up to 255 letters, digits, underscores or hyphens."))
                    .with_help("Replace spaces, dots and other characters with '-' or '_'."),
            ),
            Some(name) => {
                if let Some(first) = first_index.insert(name, index) {
                    first_index.insert(name, first);
                    out.push(CONTAINER_NAME_UNIQUE.at(
                        at("name"),
                        format!("Container name '{name}' is already used by containerDefinitions[{first}]."),
                    ));
                }
            }
        }
        if container.image.as_deref().is_none_or(str::is_empty) {
            out.push(
                CONTAINER_IMAGE_REQUIRED
                    .at(at("image"), "Container.image should not be null or empty."),
            );
        }
    }
}

fn check_tags(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let tags = task.request.tags.as_deref().unwrap_or_default();
    let mut keys = std::collections::HashSet::new();
    for (index, tag) in tags.iter().enumerate() {
        let key = tag.key.as_deref().unwrap_or("");
        let problem = if key.is_empty() {
            Some("Tag keys are 1 to 128 characters.".to_string())
        } else if key.to_ascii_lowercase().starts_with("aws:") {
            Some(format!("Tag key '{key}' uses the reserved prefix 'aws:'."))
        } else if !keys.insert(key) {
            Some(format!("Tag key '{key}' appears more than once."))
        } else {
            None
        };
        if let Some(message) = problem {
            out.push(TAGS.at(format!("$.tags[{index}].key"), message));
        }
    }
}
