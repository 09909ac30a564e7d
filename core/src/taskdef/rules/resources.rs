//! Task size and container memory arithmetic.

use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::fargate::{cpus_for_memory, size_for_cpu, SIZES};
use crate::taskdef::TaskDef;

pub static FARGATE_SIZE_REQUIRED: Rule = Rule {
    code: "TD201",
    name: "fargate-task-size-required",
    severity: Severity::Error,
    summary: "A task definition that requires FARGATE sets both the task-level `cpu` and `memory`.",
    why: "Fargate sizes the task from these two values and never from the containers; registration fails without them.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
};

pub static TASK_SIZE_FORMAT: Rule = Rule {
    code: "TD202",
    name: "task-size-format",
    severity: Severity::Error,
    summary: "Task-level `cpu` is CPU units (\"1024\") or vCPUs (\"1 vCPU\"); `memory` is MiB (\"2048\") or GB (\"2 GB\").",
    why: "These are the only forms RegisterTaskDefinition reads (case-insensitive, space optional). \"GiB\", \"MB\" and negative or fractional units are rejected.",
    invalid: r#"{"family": "web", "cpu": "1 core", "memory": "2 GiB", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    valid: r#"{"family": "web", "cpu": "1 vCPU", "memory": "2 GB", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-cpu",
};

pub static FARGATE_SIZE: Rule = Rule {
    code: "TD203",
    name: "fargate-task-size",
    severity: Severity::Error,
    summary: "On FARGATE, the task `cpu` and `memory` form one of the documented combinations (Windows: 1, 2 or 4 vCPU only).",
    why: "0.25 vCPU takes 512 MiB to 2 GB, 0.5 vCPU 1 to 4 GB, 1 vCPU 2 to 8 GB, 2 vCPU 4 to 16 GB, 4 vCPU 8 to 30 GB (1 GB steps), 8 vCPU 16 to 60 GB (4 GB steps), 16 vCPU 32 to 120 GB (8 GB steps). The rule applies whenever FARGATE is among `requiresCompatibilities`, even next to EC2. ecsim names the nearest valid memory for the cpu given.",
    invalid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "4096", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    valid: r#"{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "2048", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html",
};

pub static CONTAINER_MEMORY_EXCEEDS_TASK: Rule = Rule {
    code: "TD204",
    name: "container-memory-exceeds-task",
    severity: Severity::Error,
    summary: "A container's `memory` (hard limit) is not greater than the task-level memory.",
    why: "A container can never use more memory than its task has; ECS rejects the registration.",
    invalid: r#"{"family": "web", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 1024}]}"#,
    valid: r#"{"family": "web", "memory": "1024", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 1024}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory",
};

pub static CONTAINER_MEMORY_REQUIRED: Rule = Rule {
    code: "TD205",
    name: "container-memory-required",
    severity: Severity::Error,
    summary: "Without task-level memory, every container sets `memory`, `memoryReservation` or both.",
    why: "ECS must know how much memory to reserve for the task. `memoryReservation` alone is enough (moto wrongly demands `memory`).",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx"}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memoryReservation": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-memory",
};

pub static MEMORY_BELOW_RESERVATION: Rule = Rule {
    code: "TD206",
    name: "memory-below-reservation",
    severity: Severity::Error,
    summary: "When a container sets both, `memory` is not smaller than `memoryReservation`.",
    why: "The hard limit must allow at least the memory reserved. AWS documents \"greater than\"; ecsim accepts equal values, as CDK does, and rejects only a smaller limit.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "memoryReservation": 512}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512, "memoryReservation": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-memoryReservation",
};

pub static RESERVATION_SUM: Rule = Rule {
    code: "TD207",
    name: "container-reservations-exceed-task",
    severity: Severity::Error,
    summary: "The containers' `memoryReservation` values (or `memory` where no reservation is set) add up to no more than the task memory.",
    why: "ECS reserves each container's soft limit inside the task's memory; it rejects a task whose containers cannot fit.",
    invalid: r#"{"family": "web", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "memoryReservation": 384}, {"name": "proxy", "image": "envoy", "memory": 256}]}"#,
    valid: r#"{"family": "web", "memory": "640", "containerDefinitions": [{"name": "app", "image": "nginx", "memoryReservation": 384}, {"name": "proxy", "image": "envoy", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_memory",
};

pub static CPU_SUM: Rule = Rule {
    code: "TD208",
    name: "container-cpu-exceeds-task",
    severity: Severity::Error,
    summary: "The containers' `cpu` values add up to no more than the task-level `cpu`.",
    why: "ECS rejects the registration: \"The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.\" (a frequent CDK deploy-time failure).",
    invalid: r#"{"family": "web", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "cpu": 256}, {"name": "proxy", "image": "envoy", "cpu": 1}]}"#,
    valid: r#"{"family": "web", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "app", "image": "nginx", "cpu": 192}, {"name": "proxy", "image": "envoy", "cpu": 64}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-cpu",
};

pub static EC2_TASK_CPU: Rule = Rule {
    code: "TD209",
    name: "task-cpu-range",
    severity: Severity::Error,
    summary: "Outside Fargate, task-level `cpu` is 128 to 196608 CPU units (0.125 to 192 vCPUs).",
    why: "The RegisterTaskDefinition reference gives this range for the EC2 and EXTERNAL launch types (the troubleshooting page says 0.25 vCPU; ecsim follows the API reference).",
    invalid: r#"{"family": "web", "cpu": "64", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "cpu": "128", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-cpu",
};

pub static DOCKER_MINIMUM_MEMORY: Rule = Rule {
    code: "TD210",
    name: "container-memory-minimum",
    severity: Severity::Warning,
    summary: "A container's `memory` and `memoryReservation` are at least 6 MiB.",
    why: "Docker refuses to start a container with less than 6 MiB; ECS registers the definition and the task then fails to start.",
    invalid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 4}]}"#,
    valid: r#"{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 6}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html#ECS-Type-ContainerDefinition-memory",
};

pub static RULES: [&Rule; 10] = [
    &FARGATE_SIZE_REQUIRED,
    &TASK_SIZE_FORMAT,
    &FARGATE_SIZE,
    &CONTAINER_MEMORY_EXCEEDS_TASK,
    &CONTAINER_MEMORY_REQUIRED,
    &MEMORY_BELOW_RESERVATION,
    &RESERVATION_SUM,
    &CPU_SUM,
    &EC2_TASK_CPU,
    &DOCKER_MINIMUM_MEMORY,
];

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    check_task_size(task, out);
    check_container_memory(task, out);
    check_sums(task, out);
}

/// Whether the task's or this container's memory comes from an intrinsic function.
fn memory_unknown(task: &TaskDef, index: usize) -> bool {
    [
        "$.memory".to_string(),
        format!("$.containerDefinitions[{index}].memory"),
        format!("$.containerDefinitions[{index}].memoryReservation"),
    ]
    .iter()
    .any(|path| task.unknown(path))
}

fn check_sums(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let memory_known =
        !task.unknown_in_containers("memory") && !task.unknown_in_containers("memoryReservation");
    if let Some(limit) = task.memory().filter(|_| memory_known) {
        let reserved: i64 = task
            .containers
            .iter()
            .map(|c| i64::from(c.memory_reservation.or(c.memory).unwrap_or(0)))
            .sum();
        if reserved > i64::from(limit) {
            out.push(
                RESERVATION_SUM
                    .at("$.containerDefinitions", format!("The containers reserve {reserved} MiB in all, more than the task's {limit} MiB."))
                    .with_help(format!("Raise the task memory to at least {reserved}, or lower memoryReservation values.")),
            );
        }
    }
    if let Some(limit) = task.cpu().filter(|_| !task.unknown_in_containers("cpu")) {
        let total: i64 = task
            .containers
            .iter()
            .map(|c| i64::from(c.cpu.unwrap_or(0)))
            .sum();
        if total > i64::from(limit) {
            out.push(
                CPU_SUM
                    .at("$.containerDefinitions", "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.")
                    .with_help(format!("The containers ask for {total} units and the task has {limit}.")),
            );
        }
        if !task.fargate && !(128..=196_608).contains(&limit) {
            out.push(EC2_TASK_CPU.at(
                "$.cpu",
                format!("Task cpu {limit} is outside 128 to 196608 CPU units."),
            ));
        }
    }
    for (index, container) in task.containers.iter().enumerate() {
        for (member, value) in [
            ("memory", container.memory),
            ("memoryReservation", container.memory_reservation),
        ] {
            if let Some(mib) = value.filter(|&mib| mib < 6) {
                out.push(
                    DOCKER_MINIMUM_MEMORY
                        .at(
                            format!("$.containerDefinitions[{index}].{member}"),
                            format!("{mib} MiB is below Docker's minimum of 6 MiB."),
                        )
                        .with_help("Give the container at least 6 MiB."),
                );
            }
        }
    }
}

fn check_task_size(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let request = task.request;
    if let Some(cpu) = request.cpu.as_deref().filter(|_| task.cpu().is_none()) {
        out.push(
            TASK_SIZE_FORMAT
                .at(
                    "$.cpu",
                    format!("Task cpu '{cpu}' is not a number of CPU units or vCPUs."),
                )
                .with_help("Write CPU units (\"1024\") or vCPUs (\"1 vCPU\")."),
        );
    }
    if let Some(memory) = request
        .memory
        .as_deref()
        .filter(|_| task.memory().is_none())
    {
        out.push(
            TASK_SIZE_FORMAT
                .at(
                    "$.memory",
                    format!("Task memory '{memory}' is not a number of MiB or GB."),
                )
                .with_help("Write MiB (\"2048\") or GB (\"2 GB\")."),
        );
    }
    if !task.fargate {
        return;
    }
    for (member, value) in [("cpu", &request.cpu), ("memory", &request.memory)] {
        if value.is_none() && !task.unknown(&format!("$.{member}")) {
            out.push(
                FARGATE_SIZE_REQUIRED
                    .at(format!("$.{member}"), format!("Fargate requires that '{member}' be defined at the task level."))
                    .with_help("Set task-level cpu and memory, for example \"cpu\": \"256\", \"memory\": \"512\"."),
            );
        }
    }
    let (Some(cpu), Some(memory)) = (task.cpu(), task.memory()) else {
        return;
    };
    let os = if task.windows { "Windows" } else { "Linux" };
    let message = format!(
        "No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. See the Amazon ECS documentation for the valid values."
    );
    match size_for_cpu(cpu, task.windows) {
        Some(size) if size.accepts(memory) => {}
        Some(size) => {
            let fitting: Vec<String> = cpus_for_memory(memory, task.windows)
                .iter()
                .map(u32::to_string)
                .collect();
            let other_way = if fitting.is_empty() {
                String::new()
            } else {
                format!(" Memory {memory} goes with cpu {}.", fitting.join(" or "))
            };
            let nearest = size.nearest_memory(memory);
            out.push(
                FARGATE_SIZE
                    .at("$.memory", message)
                    .with_help(format!(
                        "On {os}, cpu {cpu} accepts memory {}; nearest: {nearest}.{other_way}",
                        size.describe_memories(),
                    ))
                    .fix_set(format!("Set memory to {nearest}"), nearest.to_string()),
            )
        }
        None => {
            let cpus: Vec<String> = SIZES
                .iter()
                .filter(|s| s.windows || !task.windows)
                .map(|s| s.cpu.to_string())
                .collect();
            let fitting: Vec<String> = cpus_for_memory(memory, task.windows)
                .iter()
                .map(u32::to_string)
                .collect();
            let hint = if fitting.is_empty() {
                String::new()
            } else {
                format!(" For memory {memory}: {}.", fitting.join(" or "))
            };
            out.push(FARGATE_SIZE.at("$.cpu", message).with_help(format!(
                "On {os}, Fargate task cpu is one of {}.{hint}",
                cpus.join(", ")
            )));
        }
    }
}

fn check_container_memory(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let task_memory = task.memory();
    for (index, container) in task.containers.iter().enumerate() {
        let label = task.container_label(index);
        let at = |member: &str| format!("$.containerDefinitions[{index}].{member}");
        match (container.memory, container.memory_reservation) {
            (None, None) if task.request.memory.is_none() && !memory_unknown(task, index) => out.push(
                CONTAINER_MEMORY_REQUIRED
                    .at(
                        format!("$.containerDefinitions[{index}]"),
                        format!("Invalid setting for {label}. At least one of 'memory' or 'memoryReservation' must be specified."),
                    )
                    .with_help("Set memoryReservation (soft) and/or memory (hard limit) in MiB, or task-level memory."),
            ),
            (Some(hard), Some(soft)) if hard < soft => out.push(
                MEMORY_BELOW_RESERVATION
                    .at(at("memory"), format!("The 'memory' of {label} ({hard} MiB) is less than its 'memoryReservation' ({soft} MiB)."))
                    .with_help(format!("Raise memory to at least {soft}, or lower memoryReservation."))
                    .fix_set(format!("Raise memory to {soft}"), soft),
            ),
            _ => {}
        }
        if let (Some(hard), Some(limit)) = (container.memory, task_memory) {
            if i64::from(hard) > i64::from(limit) {
                out.push(
                    CONTAINER_MEMORY_EXCEEDS_TASK
                        .at(at("memory"), format!("The 'memory' setting for {label} is greater than for the task."))
                        .with_help(format!("The task has {limit} MiB; set the container's memory to at most {limit}.")),
                );
            }
        }
    }
}
