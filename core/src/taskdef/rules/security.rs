//! Security findings, modelled on the AWS Security Hub controls for ECS task definitions
//! (ECS.1, ECS.3, ECS.4, ECS.5, ECS.8, ECS.9, ECS.17, ECS.20). AWS accepts all of these; they are
//! reported with the `security` severity, which can be switched off as a whole.

use crate::api::ecs::{NetworkMode, PidMode};
use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;

pub static HOST_NETWORK: Rule = Rule {
    code: "SEC001",
    name: "host-network-mode",
    severity: Severity::Security,
    summary: "The task does not use the `host` network mode (Security Hub ECS.17, ECS.1).",
    why: "In host mode containers share the instance's network stack and can reach every service listening on it.",
    invalid: r#"{"family": "web", "networkMode": "host", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    valid: r#"{"family": "web", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-17",
};

pub static PRIVILEGED: Rule = Rule {
    code: "SEC002",
    name: "privileged-container",
    severity: Severity::Security,
    summary: "No container runs `privileged` (Security Hub ECS.4).",
    why: "A privileged container has root access to the host.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "privileged": true, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "privileged": false, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4",
};

pub static WRITABLE_ROOT: Rule = Rule {
    code: "SEC003",
    name: "writable-root-filesystem",
    severity: Severity::Security,
    summary: "Containers set `readonlyRootFilesystem: true` (Security Hub ECS.5).",
    why: "A read-only root filesystem stops an intruder from changing the container's binaries and configuration; write to volumes instead.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "logConfiguration": {"logDriver": "json-file"}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5",
};

pub static SECRETS_IN_ENVIRONMENT: Rule = Rule {
    code: "SEC004",
    name: "secret-in-environment",
    severity: Severity::Security,
    summary: "No credential sits in a plain `environment` variable (Security Hub ECS.8).",
    why: "Environment values are visible to anyone who can describe the task definition. Security Hub flags AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA; ecsim also flags names containing PASSWORD, SECRET, TOKEN, API_KEY or PRIVATE_KEY, and values that look like AWS access keys. Use `secrets` (Secrets Manager or SSM Parameter Store) instead.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}, "environment": [{"name": "DB_PASSWORD", "value": "hunter2"}]}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}, "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}]}]}"#,
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8",
};

pub static NO_LOGGING: Rule = Rule {
    code: "SEC005",
    name: "no-log-configuration",
    severity: Severity::Security,
    summary: "Every container has a `logConfiguration` (Security Hub ECS.9).",
    why:
        "Without one, the container's output is lost with the instance (and on Fargate, entirely).",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9",
};

pub static HOST_PID: Rule = Rule {
    code: "SEC006",
    name: "host-pid-mode",
    severity: Severity::Security,
    summary: "The task does not share the host's process namespace (`pidMode: host`, Security Hub ECS.3).",
    why: "With the host's PID namespace a container can see, and signal, every process on the instance.",
    invalid: r#"{"family": "web", "pidMode": "host", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    valid: r#"{"family": "web", "pidMode": "task", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "1000", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3",
};

pub static ROOT_USER: Rule = Rule {
    code: "SEC007",
    name: "root-user",
    severity: Severity::Security,
    summary: "Linux containers set a non-root `user` (Security Hub ECS.20).",
    why: "Without `user`, or with `root`/`0`, the container's processes run as root, and a container escape lands as root on the host.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "0:0", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "user": "nginx", "readonlyRootFilesystem": true, "logConfiguration": {"logDriver": "json-file"}}]}"#,
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20",
};

pub static RULES: [&Rule; 7] = [
    &HOST_NETWORK,
    &PRIVILEGED,
    &WRITABLE_ROOT,
    &SECRETS_IN_ENVIRONMENT,
    &NO_LOGGING,
    &HOST_PID,
    &ROOT_USER,
];

const SECURITY_HUB_NAMES: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "ECS_ENGINE_AUTH_DATA",
];
const SECRET_WORDS: [&str; 5] = ["PASSWORD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY"];

fn looks_secret(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let aws_key = value.len() == 20
        && (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    SECURITY_HUB_NAMES.contains(&upper.as_str())
        || (!value.is_empty() && SECRET_WORDS.iter().any(|w| upper.contains(w)))
        || aws_key
}

/// "container 'app'" → "Container 'app'", for a label that opens a message.
fn sentence_start(label: String) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("");
    name == "root" || name == "0"
}

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    if task.network_mode == Some(NetworkMode::Host) {
        out.push(
            HOST_NETWORK
                .at("$.networkMode", "The task uses the host network mode.")
                .with_help("Use awsvpc (or bridge) instead."),
        );
    }
    if task.request.pid_mode == Some(PidMode::Host) {
        out.push(
            HOST_PID
                .at("$.pidMode", "The task shares the host's process namespace.")
                .with_help("Leave pidMode out, or set it to task.")
                .fix_remove("Remove pidMode"),
        );
    }
    for (index, container) in task.containers.iter().enumerate() {
        let at = |member: &str| format!("$.containerDefinitions[{index}].{member}");
        let label = || sentence_start(task.container_label(index));
        if container.privileged == Some(true) {
            out.push(
                PRIVILEGED
                    .at(at("privileged"), format!("{} runs privileged.", label()))
                    .with_help("Remove privileged; add the specific Linux capabilities it needs.")
                    .fix_remove("Remove privileged"),
            );
        }
        if container.readonly_root_filesystem != Some(true) && !task.windows {
            out.push(
                WRITABLE_ROOT
                    .at(
                        at("readonlyRootFilesystem"),
                        format!("{} can write to its root filesystem.", label()),
                    )
                    .with_help(
                        "Set \"readonlyRootFilesystem\": true and mount volumes where it writes.",
                    ),
            );
        }
        for (env_index, pair) in container.environment.iter().flatten().enumerate() {
            let (name, value) = (
                pair.name.as_deref().unwrap_or(""),
                pair.value.as_deref().unwrap_or(""),
            );
            if looks_secret(name, value) {
                out.push(
                    SECRETS_IN_ENVIRONMENT
                        .at(at(&format!("environment[{env_index}]")), format!("Environment variable '{name}' of {} looks like a credential in plain text.", label()))
                        .with_help("Move it to \"secrets\" with valueFrom pointing at Secrets Manager or SSM Parameter Store."),
                );
            }
        }
        if container.log_configuration.is_none() {
            out.push(
                NO_LOGGING
                    .at(
                        at("logConfiguration"),
                        format!("{} has no log configuration.", label()),
                    )
                    .with_help("Add a logConfiguration, for example the awslogs driver."),
            );
        }
        if !task.windows && container.user.as_deref().is_none_or(is_root) {
            out.push(
                ROOT_USER
                    .at(at("user"), format!("{} runs as root.", label()))
                    .with_help("Set \"user\" to a non-root user or UID, e.g. \"1000\"."),
            );
        }
    }
}
