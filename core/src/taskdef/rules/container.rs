//! Per-container settings: health checks, logging, FireLens, restart policy, list limits.

use crate::api::ecs::{ContainerDefinition, LogDriver};
use crate::diagnostics::{nearest, Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;

pub static HEALTH_CHECK_RANGE: Rule = Rule {
    code: "TD601",
    name: "health-check-range",
    severity: Severity::Error,
    summary: "Health check `interval` is 5–300 s, `timeout` 2–60 s, `retries` 1–10 and `startPeriod` 0–300 s.",
    why: "These are the API's limits. CDK allows a timeout up to 120 s; the API reference says 60, and ecsim follows the API.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "healthCheck": {"command": ["CMD", "true"], "interval": 4}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "healthCheck": {"command": ["CMD", "true"], "interval": 5, "timeout": 2, "retries": 10, "startPeriod": 300}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
};

pub static HEALTH_CHECK_TIMING: Rule = Rule {
    code: "TD602",
    name: "health-check-timeout-exceeds-interval",
    severity: Severity::Warning,
    summary: "A health check's `timeout` is shorter than its `interval`.",
    why: "A check that may run longer than the interval overlaps the next one; CDK rejects it.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "healthCheck": {"command": ["CMD", "true"], "interval": 10, "timeout": 10}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "healthCheck": {"command": ["CMD", "true"], "interval": 10, "timeout": 9}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
};

pub static AWSLOGS_OPTIONS: Rule = Rule {
    code: "TD603",
    name: "awslogs-required-options",
    severity: Severity::Error,
    summary: "The `awslogs` log driver has the `awslogs-group` and `awslogs-region` options.",
    why: "ECS rejects the registration: \"Log driver awslogs requires options: awslogs-region, awslogs-group\".",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-stream-prefix": "web"}}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",
};

pub static AWSLOGS_UNKNOWN_OPTION: Rule = Rule {
    code: "TD604",
    name: "awslogs-unknown-option",
    severity: Severity::Warning,
    summary: "`awslogs` options are ones the driver knows.",
    why: "Docker refuses to start a container whose awslogs driver gets an unknown option, long after registration succeeded. Known: awslogs-group, awslogs-region, awslogs-stream-prefix, awslogs-create-group, awslogs-datetime-format, awslogs-multiline-pattern, awslogs-endpoint, awslogs-credentials-endpoint, mode, max-buffer-size, tag.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefx": "web"}}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-create-group": "true", "mode": "non-blocking", "max-buffer-size": "25m"}}}]}"#,
    source: "https://docs.docker.com/engine/logging/drivers/awslogs/",
};

pub static FIRELENS_PAIRING: Rule = Rule {
    code: "TD605",
    name: "firelens-pairing",
    severity: Severity::Error,
    summary: "The `awsfirelens` log driver needs exactly one container with `firelensConfiguration` (the log router), and a log router needs a container to route.",
    why: "FireLens sends each container's logs to the task's log router; ECS rejects awsfirelens without one, and a task has a single router.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}}, {"name": "log-router", "image": "fluent-bit", "memory": 64, "essential": true, "firelensConfiguration": {"type": "fluentbit"}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/firelens-taskdef.html",
};

pub static RESTART_POLICY: Rule = Rule {
    code: "TD606",
    name: "restart-policy-range",
    severity: Severity::Error,
    summary: "`restartPolicy.restartAttemptPeriod` is 60–1800 s and `ignoredExitCodes` has at most 50 codes.",
    why: "These are the API's limits for container restart policies.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "restartPolicy": {"enabled": true, "restartAttemptPeriod": 59}}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "restartPolicy": {"enabled": true, "restartAttemptPeriod": 60}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerRestartPolicy.html",
};

pub static LIST_LIMITS: Rule = Rule {
    code: "TD607",
    name: "container-list-limits",
    severity: Severity::Error,
    summary: "A container has at most 10 `environmentFiles` and at most 1 `credentialSpecs` entry.",
    why: "These are the API's documented limits.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "iis", "memory": 256, "credentialSpecs": ["credentialspec:arn:aws:s3:::bucket/a.json", "credentialspec:arn:aws:s3:::bucket/b.json"]}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "iis", "memory": 256, "credentialSpecs": ["credentialspec:arn:aws:s3:::bucket/a.json"]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-environmentFiles",
};

pub static ULIMIT_ORDER: Rule = Rule {
    code: "TD608",
    name: "ulimit-soft-above-hard",
    severity: Severity::Error,
    summary: "A ulimit's `softLimit` is not above its `hardLimit`.",
    why: "Docker refuses to start a container whose soft limit exceeds the hard limit.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "ulimits": [{"name": "nofile", "softLimit": 65536, "hardLimit": 4096}]}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "ulimits": [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html",
};

pub static DUPLICATE_VARIABLES: Rule = Rule {
    code: "TD609",
    name: "duplicate-environment-variable",
    severity: Severity::Warning,
    summary: "A variable name appears once among a container's `environment` and `secrets`.",
    why: "ECS accepts duplicates, but only one value reaches the container, and which one is not documented.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "environment": [{"name": "MODE", "value": "a"}, {"name": "MODE", "value": "b"}]}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "environment": [{"name": "MODE", "value": "a"}, {"name": "LEVEL", "value": "b"}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html",
};

pub static RULES: [&Rule; 9] = [
    &HEALTH_CHECK_RANGE,
    &HEALTH_CHECK_TIMING,
    &AWSLOGS_OPTIONS,
    &AWSLOGS_UNKNOWN_OPTION,
    &FIRELENS_PAIRING,
    &RESTART_POLICY,
    &LIST_LIMITS,
    &ULIMIT_ORDER,
    &DUPLICATE_VARIABLES,
];

const AWSLOGS_KNOWN: [&str; 11] = [
    "awslogs-group",
    "awslogs-region",
    "awslogs-stream-prefix",
    "awslogs-create-group",
    "awslogs-datetime-format",
    "awslogs-multiline-pattern",
    "awslogs-endpoint",
    "awslogs-credentials-endpoint",
    "mode",
    "max-buffer-size",
    "tag",
];

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let routers: Vec<usize> = (0..task.containers.len())
        .filter(|&i| task.containers[i].firelens_configuration.is_some())
        .collect();
    let routed = task.containers.iter().any(|c| {
        c.log_configuration.as_ref().and_then(|l| l.log_driver) == Some(LogDriver::Awsfirelens)
    });
    for &extra in routers.iter().skip(1) {
        out.push(FIRELENS_PAIRING.at(
            format!("$.containerDefinitions[{extra}].firelensConfiguration"),
            "A task definition can have only one FireLens log router container.",
        ));
    }
    if let (Some(&router), false) = (routers.first(), routed) {
        out.push(
            FIRELENS_PAIRING
                .at(format!("$.containerDefinitions[{router}].firelensConfiguration"), "The FireLens log router has no container using the awsfirelens log driver.")
                .with_help("Set \"logDriver\": \"awsfirelens\" on the containers whose logs it should route."),
        );
    }
    for (index, container) in task.containers.iter().enumerate() {
        let at = |member: &str| format!("$.containerDefinitions[{index}].{member}");
        check_health(container, &at, out);
        check_logging(container, routers.is_empty(), &at, out);
        check_limits(container, &at, out);
    }
}

fn check_health(
    container: &ContainerDefinition,
    at: &dyn Fn(&str) -> String,
    out: &mut Vec<Diagnostic>,
) {
    let Some(health) = &container.health_check else {
        return;
    };
    for (member, value, low, high) in [
        ("interval", health.interval, 5, 300),
        ("timeout", health.timeout, 2, 60),
        ("retries", health.retries, 1, 10),
        ("startPeriod", health.start_period, 0, 300),
    ] {
        if let Some(value) = value.filter(|v| !(low..=high).contains(v)) {
            out.push(HEALTH_CHECK_RANGE.at(
                at(&format!("healthCheck.{member}")),
                format!("Health check {member} {value} is outside {low} to {high}."),
            ));
        }
    }
    // Unset values take ECS's defaults: interval 30 s, timeout 5 s.
    let (interval, timeout) = (health.interval.unwrap_or(30), health.timeout.unwrap_or(5));
    if timeout >= interval && (health.interval.is_some() || health.timeout.is_some()) {
        out.push(
            HEALTH_CHECK_TIMING
                .at(at("healthCheck.timeout"), format!("Health check timeout ({timeout} s) is not shorter than its interval ({interval} s)."))
                .with_help("Make the interval longer than the timeout."),
        );
    }
}

fn check_logging(
    container: &ContainerDefinition,
    no_router: bool,
    at: &dyn Fn(&str) -> String,
    out: &mut Vec<Diagnostic>,
) {
    let Some(logging) = &container.log_configuration else {
        return;
    };
    let empty = std::collections::BTreeMap::new();
    let options = logging.options.as_ref().unwrap_or(&empty);
    match logging.log_driver {
        Some(LogDriver::Awslogs) => {
            let missing: Vec<&str> = ["awslogs-region", "awslogs-group"].into_iter().filter(|o| !options.contains_key(*o)).collect();
            if !missing.is_empty() {
                out.push(
                    AWSLOGS_OPTIONS
                        .at(at("logConfiguration.options"), format!("Log driver awslogs requires options: {}", missing.join(", ")))
                        .with_help("Set awslogs-group (a log group) and awslogs-region."),
                );
            }
            for key in options.keys().filter(|k| !AWSLOGS_KNOWN.contains(&k.as_str())) {
                let mut diagnostic = AWSLOGS_UNKNOWN_OPTION.at(
                    at(&format!("logConfiguration.options[{}]", serde_json::Value::String(key.clone()))),
                    format!("The awslogs log driver has no option '{key}'."),
                );
                if let Some(best) = nearest(key, AWSLOGS_KNOWN) {
                    diagnostic = diagnostic.with_help(format!("Did you mean '{best}'?"));
                }
                out.push(diagnostic);
            }
        }
        Some(LogDriver::Awsfirelens) if no_router => out.push(
            FIRELENS_PAIRING
                .at(at("logConfiguration.logDriver"), "The awsfirelens log driver needs a log router container with firelensConfiguration.")
                .with_help("Add a Fluent Bit or Fluentd container with \"firelensConfiguration\": {\"type\": \"fluentbit\"}."),
        ),
        _ => {}
    }
}

fn check_limits(
    container: &ContainerDefinition,
    at: &dyn Fn(&str) -> String,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(policy) = &container.restart_policy {
        if let Some(period) = policy
            .restart_attempt_period
            .filter(|p| !(60..=1800).contains(p))
        {
            out.push(RESTART_POLICY.at(
                at("restartPolicy.restartAttemptPeriod"),
                format!("restartAttemptPeriod {period} is outside 60 to 1800 seconds."),
            ));
        }
        if let Some(codes) = policy
            .ignored_exit_codes
            .as_ref()
            .filter(|codes| codes.len() > 50)
        {
            out.push(RESTART_POLICY.at(
                at("restartPolicy.ignoredExitCodes"),
                format!("{} ignoredExitCodes; the limit is 50.", codes.len()),
            ));
        }
    }
    for (member, count, limit) in [
        (
            "environmentFiles",
            container.environment_files.as_ref().map_or(0, Vec::len),
            10,
        ),
        (
            "credentialSpecs",
            container.credential_specs.as_ref().map_or(0, Vec::len),
            1,
        ),
    ] {
        if count > limit {
            out.push(LIST_LIMITS.at(
                at(member),
                format!("{count} {member}; the limit is {limit}."),
            ));
        }
    }
    for (index, ulimit) in container.ulimits.iter().flatten().enumerate() {
        if let (Some(soft), Some(hard)) = (ulimit.soft_limit, ulimit.hard_limit) {
            if soft > hard {
                out.push(ULIMIT_ORDER.at(
                    at(&format!("ulimits[{index}].softLimit")),
                    format!("Soft limit {soft} is above hard limit {hard}."),
                ));
            }
        }
    }
    let names = container
        .environment
        .iter()
        .flatten()
        .filter_map(|pair| pair.name.as_deref())
        .map(|name| (name, "environment"))
        .chain(
            container
                .secrets
                .iter()
                .flatten()
                .filter_map(|s| s.name.as_deref())
                .map(|name| (name, "secrets")),
        );
    let mut seen = std::collections::HashSet::new();
    for (name, list) in names {
        if !seen.insert(name) {
            out.push(DUPLICATE_VARIABLES.at(
                at(list),
                format!("Variable '{name}' is set more than once."),
            ));
        }
    }
}
