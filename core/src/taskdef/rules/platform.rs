//! What Fargate and Windows do not support, and runtime platform pairs.

use crate::api::ecs::{CPUArchitecture, ContainerDefinition, LogDriver, PidMode, ResourceType};
use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;

pub static FARGATE_UNSUPPORTED: Rule = Rule {
    code: "TD501",
    name: "fargate-unsupported-parameter",
    severity: Severity::Error,
    summary: "A task definition that requires FARGATE uses no parameter Fargate rejects.",
    why: "Fargate rejects `privileged`, `devices`, `sharedMemorySize`, `maxSwap`, `swappiness`, `ipcMode`, `pidMode` other than `task`, `disableNetworking`, `dnsServers`, `dnsSearchDomains`, `dockerSecurityOptions`, `extraHosts`, `links`, `placementConstraints`, `inferenceAccelerators`, GPU resource requirements, Docker volumes and host `sourcePath`.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "privileged": true}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "privileged": false}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html",
};

pub static FARGATE_CAPABILITIES: Rule = Rule {
    code: "TD502",
    name: "fargate-capabilities",
    severity: Severity::Error,
    summary: "On FARGATE, `linuxParameters.capabilities.add` holds at most `SYS_PTRACE`.",
    why: "SYS_PTRACE is the only capability Fargate lets a task add.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "linuxParameters": {"capabilities": {"add": ["NET_ADMIN"]}}}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"]}}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html",
};

pub static FARGATE_LOG_DRIVER: Rule = Rule {
    code: "TD503",
    name: "fargate-log-driver",
    severity: Severity::Error,
    summary: "On FARGATE, the log driver is `awslogs`, `splunk` or `awsfirelens`.",
    why: "Fargate runs no other Docker log driver.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "logConfiguration": {"logDriver": "json-file"}}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "executionRoleArn": "arn:aws:iam::123456789012:role/exec", "containerDefinitions": [{"name": "app", "image": "nginx", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html",
};

pub static FARGATE_EXECUTION_ROLE: Rule = Rule {
    code: "TD504",
    name: "fargate-awslogs-execution-role",
    severity: Severity::Error,
    summary: "On FARGATE, a container logging with `awslogs` needs the task's `executionRoleArn`.",
    why: "The Fargate agent writes to CloudWatch Logs with the task execution role.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "executionRoleArn": "arn:aws:iam::123456789012:role/exec", "containerDefinitions": [{"name": "app", "image": "nginx", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}}]}"#,
    source:
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
};

pub static FARGATE_TIMEOUTS: Rule = Rule {
    code: "TD505",
    name: "fargate-container-timeouts",
    severity: Severity::Error,
    summary: "On FARGATE, container `startTimeout` and `stopTimeout` are 2 to 120 seconds.",
    why: "These are the limits the API reference gives for Fargate tasks.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "stopTimeout": 121}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "stopTimeout": 120}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-stopTimeout",
};

pub static EPHEMERAL_STORAGE: Rule = Rule {
    code: "TD506",
    name: "ephemeral-storage-size",
    severity: Severity::Error,
    summary: "`ephemeralStorage.sizeInGiB` is 21 to 200.",
    why: "Fargate always gives 20 GiB; the parameter asks for more, up to 200 GiB.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "ephemeralStorage": {"sizeInGiB": 20}, "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "ephemeralStorage": {"sizeInGiB": 21}, "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html",
};

pub static ARM_ON_WINDOWS: Rule = Rule {
    code: "TD507",
    name: "runtime-platform-pair",
    severity: Severity::Error,
    summary: "`runtimePlatform.cpuArchitecture: ARM64` goes only with the `LINUX` operating system family.",
    why: "There are no ARM64 Windows containers on ECS.",
    invalid: r#"{"family": "web", "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}, "containerDefinitions": [{"name": "app", "image": "iis", "memory": 1024}]}"#,
    valid: r#"{"family": "web", "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}, "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 1024}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RuntimePlatform.html",
};

pub static WINDOWS_UNSUPPORTED: Rule = Rule {
    code: "TD508",
    name: "windows-unsupported-parameter",
    severity: Severity::Error,
    summary: "A Windows task definition uses no Linux-only parameter.",
    why: "Windows containers do not support `privileged`, `linuxParameters`, `readonlyRootFilesystem`, `ulimits`, `dnsServers`, `dnsSearchDomains`, `pidMode` or `ipcMode` (links and extraHosts: TD304, TD306).",
    invalid: r#"{"family": "web", "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}, "containerDefinitions": [{"name": "app", "image": "iis", "memory": 1024, "readonlyRootFilesystem": true}]}"#,
    valid: r#"{"family": "web", "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}, "containerDefinitions": [{"name": "app", "image": "iis", "memory": 1024}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/windows_task_definitions.html",
};

pub static FARGATE_FIRELENS_CONFIG: Rule = Rule {
    code: "TD509",
    name: "fargate-firelens-config-file",
    severity: Severity::Error,
    summary: "On FARGATE, a FireLens `config-file-type` is `file` (a path in the router's image), not `s3`.",
    why: "Fargate cannot fetch a FireLens configuration file from S3; bake it into the log router image instead.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "logConfiguration": {"logDriver": "awsfirelens"}}, {"name": "router", "image": "fluent-bit", "firelensConfiguration": {"type": "fluentbit", "options": {"config-file-type": "s3", "config-file-value": "arn:aws:s3:::bucket/extra.conf"}}}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "logConfiguration": {"logDriver": "awsfirelens"}}, {"name": "router", "image": "fluent-bit", "firelensConfiguration": {"type": "fluentbit", "options": {"config-file-type": "file", "config-file-value": "/extra.conf"}}}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/firelens-taskdef.html",
};

pub static PLACEMENT_CONSTRAINT_COUNT: Rule = Rule {
    code: "TD510",
    name: "placement-constraint-count",
    severity: Severity::Error,
    summary: "A task definition has at most 10 placement constraints.",
    why: "ECS allows 10 constraints per task, counting the task definition's and those given at run time together.",
    invalid: "",
    valid: r#"{"family": "web", "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-placementConstraints",
};

pub static RULES: [&Rule; 10] = [
    &FARGATE_FIRELENS_CONFIG,
    &PLACEMENT_CONSTRAINT_COUNT,
    &FARGATE_UNSUPPORTED,
    &FARGATE_CAPABILITIES,
    &FARGATE_LOG_DRIVER,
    &FARGATE_EXECUTION_ROLE,
    &FARGATE_TIMEOUTS,
    &EPHEMERAL_STORAGE,
    &ARM_ON_WINDOWS,
    &WINDOWS_UNSUPPORTED,
];

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let constraints = task
        .request
        .placement_constraints
        .as_ref()
        .map_or(0, Vec::len);
    if constraints > 10 {
        out.push(PLACEMENT_CONSTRAINT_COUNT.at(
            "$.placementConstraints",
            format!("{constraints} placement constraints; the limit is 10."),
        ));
    }
    if let Some(storage) = task
        .request
        .ephemeral_storage
        .as_ref()
        .and_then(|s| s.size_in_gi_b)
    {
        if !(21..=200).contains(&storage) {
            out.push(EPHEMERAL_STORAGE.at(
                "$.ephemeralStorage.sizeInGiB",
                format!("Ephemeral storage of {storage} GiB is outside 21 to 200 GiB."),
            ));
        }
    }
    if let Some(platform) = &task.request.runtime_platform {
        if platform.cpu_architecture == Some(CPUArchitecture::Arm64) && task.windows {
            out.push(ARM_ON_WINDOWS.at(
                "$.runtimePlatform.cpuArchitecture",
                "ARM64 is supported only with operatingSystemFamily LINUX.",
            ));
        }
    }
    if task.fargate {
        check_fargate(task, out);
    }
    if task.windows {
        check_windows(task, out);
    }
}

/// The parameters a container sets that Fargate rejects, as (member path, shown name).
fn fargate_rejected(container: &ContainerDefinition) -> Vec<(&'static str, &'static str)> {
    let linux = container.linux_parameters.as_ref();
    let non_empty = |list: &Option<Vec<String>>| list.as_ref().is_some_and(|l| !l.is_empty());
    [
        (
            container.privileged == Some(true),
            "privileged",
            "privileged",
        ),
        (
            linux.is_some_and(|l| l.devices.as_ref().is_some_and(|d| !d.is_empty())),
            "linuxParameters.devices",
            "devices",
        ),
        (
            linux.is_some_and(|l| l.shared_memory_size.is_some()),
            "linuxParameters.sharedMemorySize",
            "sharedMemorySize",
        ),
        (
            linux.is_some_and(|l| l.max_swap.is_some()),
            "linuxParameters.maxSwap",
            "maxSwap",
        ),
        (
            linux.is_some_and(|l| l.swappiness.is_some()),
            "linuxParameters.swappiness",
            "swappiness",
        ),
        (
            container.disable_networking.is_some(),
            "disableNetworking",
            "disableNetworking",
        ),
        (
            non_empty(&container.dns_servers),
            "dnsServers",
            "dnsServers",
        ),
        (
            non_empty(&container.dns_search_domains),
            "dnsSearchDomains",
            "dnsSearchDomains",
        ),
        (
            non_empty(&container.docker_security_options),
            "dockerSecurityOptions",
            "dockerSecurityOptions",
        ),
        (
            container
                .extra_hosts
                .as_ref()
                .is_some_and(|h| !h.is_empty()),
            "extraHosts",
            "extraHosts",
        ),
        (non_empty(&container.links), "links", "links"),
        (
            container
                .resource_requirements
                .iter()
                .flatten()
                .any(|r| r.r#type == Some(ResourceType::Gpu)),
            "resourceRequirements",
            "GPU resource requirements",
        ),
    ]
    .into_iter()
    .filter_map(|(rejected, member, shown)| rejected.then_some((member, shown)))
    .collect()
}

fn fargate_message(parameter: &str) -> String {
    format!("Fargate does not support the '{parameter}' parameter.")
}

fn check_fargate(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let request = task.request;
    let task_level = [
        (request.ipc_mode.is_some(), "$.ipcMode", "ipcMode"),
        (
            request.pid_mode.is_some_and(|mode| mode != PidMode::Task),
            "$.pidMode",
            "pidMode host",
        ),
        (
            request
                .placement_constraints
                .as_ref()
                .is_some_and(|c| !c.is_empty()),
            "$.placementConstraints",
            "placementConstraints",
        ),
        (
            request
                .inference_accelerators
                .as_ref()
                .is_some_and(|a| !a.is_empty()),
            "$.inferenceAccelerators",
            "inferenceAccelerators",
        ),
    ];
    for (rejected, path, shown) in task_level {
        if rejected {
            out.push(FARGATE_UNSUPPORTED.at(path, fargate_message(shown)));
        }
    }
    for (index, volume) in request.volumes.iter().flatten().enumerate() {
        if volume.docker_volume_configuration.is_some() {
            out.push(FARGATE_UNSUPPORTED.at(
                format!("$.volumes[{index}].dockerVolumeConfiguration"),
                fargate_message("dockerVolumeConfiguration"),
            ));
        }
        if volume
            .host
            .as_ref()
            .is_some_and(|host| host.source_path.is_some())
        {
            out.push(
                FARGATE_UNSUPPORTED
                    .at(
                        format!("$.volumes[{index}].host.sourcePath"),
                        fargate_message("host.sourcePath"),
                    )
                    .with_help(
                        "Leave out sourcePath for a task-scoped bind mount, or use an EFS volume.",
                    ),
            );
        }
    }
    let uses_awslogs = task.containers.iter().any(|c| {
        c.log_configuration.as_ref().and_then(|l| l.log_driver) == Some(LogDriver::Awslogs)
    });
    if uses_awslogs && request.execution_role_arn.is_none() {
        out.push(
            FARGATE_EXECUTION_ROLE
                .at("$.executionRoleArn", "Fargate requires task definition to have execution role ARN to support log driver awslogs.")
                .with_help("Set executionRoleArn to a role with the AmazonECSTaskExecutionRolePolicy."),
        );
    }
    for (index, container) in task.containers.iter().enumerate() {
        let at = |member: &str| format!("$.containerDefinitions[{index}].{member}");
        for (member, shown) in fargate_rejected(container) {
            out.push(FARGATE_UNSUPPORTED.at(at(member), fargate_message(shown)));
        }
        let added = container
            .linux_parameters
            .as_ref()
            .and_then(|l| l.capabilities.as_ref())
            .and_then(|c| c.add.as_ref());
        for (cap_index, capability) in added.into_iter().flatten().enumerate() {
            if capability != "SYS_PTRACE" {
                out.push(
                    FARGATE_CAPABILITIES
                        .at(at(&format!("linuxParameters.capabilities.add[{cap_index}]")), format!("Fargate does not support adding capability '{capability}'; only SYS_PTRACE."))
                        .with_help("Remove it; Fargate tasks can add only SYS_PTRACE."),
                );
            }
        }
        let firelens_options = container
            .firelens_configuration
            .as_ref()
            .and_then(|f| f.options.as_ref());
        if firelens_options
            .and_then(|o| o.get("config-file-type"))
            .is_some_and(|kind| kind == "s3")
        {
            out.push(
                FARGATE_FIRELENS_CONFIG
                    .at(
                        at(r#"firelensConfiguration.options["config-file-type"]"#),
                        "Fargate supports only config-file-type 'file' for FireLens.",
                    )
                    .with_help("Copy the configuration into the log router image and point config-file-value at its path."),
            );
        }
        if let Some(driver) = container
            .log_configuration
            .as_ref()
            .and_then(|l| l.log_driver)
        {
            if !matches!(
                driver,
                LogDriver::Awslogs | LogDriver::Splunk | LogDriver::Awsfirelens
            ) {
                out.push(
                    FARGATE_LOG_DRIVER
                        .at(
                            at("logConfiguration.logDriver"),
                            format!("Fargate does not support log driver '{}'.", driver.as_str()),
                        )
                        .with_help("Use awslogs, splunk or awsfirelens."),
                );
            }
        }
        for (member, value) in [
            ("startTimeout", container.start_timeout),
            ("stopTimeout", container.stop_timeout),
        ] {
            if let Some(seconds) = value.filter(|s| !(2..=120).contains(s)) {
                out.push(FARGATE_TIMEOUTS.at(
                    at(member),
                    format!("On Fargate, {member} must be 2 to 120 seconds, not {seconds}."),
                ));
            }
        }
    }
}

fn check_windows(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    for (present, path, shown) in [
        (task.request.pid_mode.is_some(), "$.pidMode", "pidMode"),
        (task.request.ipc_mode.is_some(), "$.ipcMode", "ipcMode"),
    ] {
        if present {
            out.push(WINDOWS_UNSUPPORTED.at(
                path,
                format!("Windows containers do not support '{shown}'."),
            ));
        }
    }
    for (index, container) in task.containers.iter().enumerate() {
        let rejected = [
            (container.privileged == Some(true), "privileged"),
            (container.linux_parameters.is_some(), "linuxParameters"),
            (
                container.readonly_root_filesystem == Some(true),
                "readonlyRootFilesystem",
            ),
            (
                container.ulimits.as_ref().is_some_and(|u| !u.is_empty()),
                "ulimits",
            ),
            (
                container
                    .dns_servers
                    .as_ref()
                    .is_some_and(|d| !d.is_empty()),
                "dnsServers",
            ),
            (
                container
                    .dns_search_domains
                    .as_ref()
                    .is_some_and(|d| !d.is_empty()),
                "dnsSearchDomains",
            ),
        ];
        for (_, member) in rejected.into_iter().filter(|(present, _)| *present) {
            out.push(WINDOWS_UNSUPPORTED.at(
                format!("$.containerDefinitions[{index}].{member}"),
                format!("Windows containers do not support '{member}'."),
            ));
        }
    }
}
