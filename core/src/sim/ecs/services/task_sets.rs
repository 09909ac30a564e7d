//! Task sets: how a service with the EXTERNAL deployment controller runs. A controller outside
//! ECS creates task sets (CreateTaskSet: a task definition, launch type, network configuration and
//! load balancers each), scales them as percentages of the service's desired count
//! (UpdateTaskSet), names the one in production (UpdateServicePrimaryTaskSet) and deletes the old
//! ones (DeleteTaskSet). ECS keeps each at its computed desired count (`external.rs`). A task set
//! is one of the service's `deployments`, with these settings besides, so that its tasks are
//! counted, registered with its target groups and loaded like any deployment's.

use super::actions::{fargate_subnet_ids, not_found, service_key};
use super::rollback::new_deployment;
use super::{registries, targets, Counts, Deployment, Service, ServiceStatus};
use crate::api::ecs::{self as api, LaunchType, ScaleUnit, StabilityStatus};
use crate::error::EcsimError;
use crate::sim::ecs::launch::{resolve_launch, Launch, TagsAsked};
use crate::sim::ecs::{names, task_definition_lifecycle};
use crate::sim::subnets::Subnet;
use crate::sim::World;

/// What a task set has besides its deployment's task definition and tasks.
#[derive(Clone, Debug)]
pub struct TaskSetSettings {
    pub arn: String,
    pub external_id: Option<String>,
    /// A percentage of the service's desired count, 0 to 100.
    pub scale: f64,
    pub status: TaskSetStatus,
    pub launch_type: LaunchType,
    pub network_configuration: Option<api::NetworkConfiguration>,
    pub subnets: Vec<Subnet>,
    pub load_balancers: Vec<api::LoadBalancer>,
    /// The Cloud Map service its tasks are registered with (`registries.rs`).
    pub service_registries: Vec<api::ServiceRegistry>,
    pub platform_version: Option<String>,
    pub tags: Vec<api::Tag>,
    pub stability: StabilityStatus,
    pub stability_at: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskSetStatus {
    Primary,
    Active,
    /// Deleted: its tasks stop, then it is gone.
    Draining,
}

impl TaskSetStatus {
    fn as_str(self) -> &'static str {
        match self {
            TaskSetStatus::Primary => "PRIMARY",
            TaskSetStatus::Active => "ACTIVE",
            TaskSetStatus::Draining => "DRAINING",
        }
    }
}

/// At most this many task sets that are not DRAINING per service (AWS documents no count here;
/// ecsim's bound keeps a loop of CreateTaskSet from growing memory without end).
pub const MAX_TASK_SETS: usize = 50;

/// The task set's computed desired count: the service's desired count × its scale, rounded up
/// (documented: 1.2 tasks is 2).
pub fn computed_desired_count(service: &Service, settings: &TaskSetSettings) -> u32 {
    if settings.status == TaskSetStatus::Draining || service.status != ServiceStatus::Active {
        return 0;
    }
    let exact = f64::from(service.desired_count) * settings.scale / 100.0;
    // Rounded to a millionth first, so that 100 × 7 % is 7 and not 8.
    ((exact * 1e6).round() / 1e6).ceil() as u32
}

fn external_only() -> EcsimError {
    api::Error::InvalidParameterException.with(
        "Amazon ECS only supports task set management on services configured to use external deployment controllers.",
    )
}

fn task_set_not_found() -> EcsimError {
    api::Error::TaskSetNotFoundException.with("The specified task set does not exist.")
}

/// The scale asked for: a percentage from 0 to 100 (100 unless given).
fn scale(given: Option<&api::Scale>) -> Result<f64, EcsimError> {
    let value = given.and_then(|s| s.value).unwrap_or(100.0);
    if given
        .and_then(|s| s.unit)
        .is_some_and(|u| u != ScaleUnit::Percent)
    {
        return Err(api::Error::InvalidParameterException.with("scale.unit must be PERCENT."));
    }
    if !(0.0..=100.0).contains(&value) {
        return Err(api::Error::InvalidParameterException.with(format!(
            "scale.value must be between 0 and 100, got {value}."
        )));
    }
    Ok(value)
}

/// The EXTERNAL service a task set request names.
fn external_service(
    world: &mut World,
    cluster: Option<&str>,
    service: &str,
) -> Result<(String, String), EcsimError> {
    let key = service_key(world, cluster, service)?;
    let found = &world.ecs.services[&key];
    if !found.external {
        return Err(external_only());
    }
    if found.status != ServiceStatus::Active {
        return Err(api::Error::ServiceNotActiveException.with("Service was not ACTIVE."));
    }
    Ok(key)
}

/// The index in the service's deployments of the task set named by id or ARN.
fn find(service: &Service, reference: &str) -> Option<usize> {
    service.deployments.iter().position(|d| {
        d.task_set.as_ref().is_some_and(|set| {
            set.status != TaskSetStatus::Draining && (d.id == reference || set.arn == reference)
        })
    })
}

pub fn create_task_set(
    world: &mut World,
    request: api::CreateTaskSetRequest,
) -> Result<api::CreateTaskSetResponse, EcsimError> {
    let key = external_service(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    names::check_tags(request.tags.as_deref())?;
    let live_sets = world.ecs.services[&key]
        .deployments
        .iter()
        .filter(|d| {
            d.task_set
                .as_ref()
                .is_some_and(|s| s.status != TaskSetStatus::Draining)
        })
        .count();
    if live_sets >= MAX_TASK_SETS {
        return Err(api::Error::LimitExceededException.with(format!(
            "A service has at most {MAX_TASK_SETS} task sets that are not DRAINING (ecsim's bound): delete one first."
        )));
    }
    let scale = scale(request.scale.as_ref())?;
    let reference = request.task_definition.as_deref().unwrap_or_default();
    task_definition_lifecycle::check_active(world, reference)?;
    let (launch_type, providers) = resolve_launch(
        &world.ecs,
        Some(&key.0),
        request.launch_type,
        request.capacity_provider_strategy.as_deref(),
    )?;
    let launch = Launch::new(
        world,
        Some(reference),
        None,
        None,
        TagsAsked::default(),
        launch_type,
    )?;
    let load_balancers = request.load_balancers.clone().unwrap_or_default();
    targets::check(world, &load_balancers, &launch.spec.task_definition)?;
    let service_registries = request.service_registries.clone().unwrap_or_default();
    registries::check(world, &service_registries, &launch.spec.task_definition)?;
    let subnet_ids =
        fargate_subnet_ids(launch_type, request.network_configuration.as_ref(), &launch)?;
    let task_definition_arn = launch
        .spec
        .task_definition
        .task_definition_arn
        .clone()
        .unwrap_or_default();
    // Last, as it may declare subnets: nothing after it fails.
    let (region, policy) = (world.config.region.clone(), world.config.undeclared_subnets);
    let subnets = world.ecsim.subnets.resolve(&subnet_ids, &region, policy)?;
    let now = world.now;
    let mut deployment = new_deployment(
        task_definition_arn,
        providers.unwrap_or_default(),
        now,
        &mut world.rng,
    );
    let arn = world.arn(
        "ecs",
        &format!("task-set/{}/{}/{}", key.0, key.1, deployment.id),
    );
    deployment.task_set = Some(Box::new(TaskSetSettings {
        arn,
        external_id: request.external_id.clone(),
        scale,
        status: TaskSetStatus::Active,
        launch_type,
        network_configuration: request.network_configuration.clone(),
        subnets,
        load_balancers,
        service_registries,
        platform_version: request.platform_version.clone(),
        tags: request.tags.clone().unwrap_or_default(),
        stability: StabilityStatus::Stabilizing,
        stability_at: now,
    }));
    let service = world.ecs.services.get_mut(&key).ok_or_else(not_found)?;
    service.deployments.push(deployment);
    service.steady = false;
    let service = &world.ecs.services[&key];
    let set = service
        .deployments
        .last()
        .map(|d| describe(service, d, &Counts::default(), true));
    Ok(api::CreateTaskSetResponse { task_set: set })
}

pub fn update_task_set(
    world: &mut World,
    request: api::UpdateTaskSetRequest,
) -> Result<api::UpdateTaskSetResponse, EcsimError> {
    let key = external_service(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    let scale = scale(request.scale.as_ref())?;
    let reference = request.task_set.as_deref().unwrap_or_default();
    let index = change_task_set(world, &key, reference, |set| set.scale = scale)?;
    Ok(api::UpdateTaskSetResponse {
        task_set: Some(described_set(world, &key, index)),
    })
}

pub fn update_service_primary_task_set(
    world: &mut World,
    request: api::UpdateServicePrimaryTaskSetRequest,
) -> Result<api::UpdateServicePrimaryTaskSetResponse, EcsimError> {
    let key = external_service(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    let now = world.now;
    let service = world.ecs.services.get_mut(&key).ok_or_else(not_found)?;
    let index = find(
        service,
        request.primary_task_set.as_deref().unwrap_or_default(),
    )
    .ok_or_else(task_set_not_found)?;
    for (position, deployment) in service.deployments.iter_mut().enumerate() {
        let Some(set) = deployment.task_set.as_mut() else {
            continue;
        };
        let status = if position == index {
            TaskSetStatus::Primary
        } else if set.status == TaskSetStatus::Primary {
            TaskSetStatus::Active
        } else {
            set.status
        };
        if status != set.status {
            set.status = status;
            deployment.updated_at = now;
        }
    }
    // The PRIMARY task set goes first, as the PRIMARY deployment of an ECS service does.
    let primary = service.deployments.remove(index);
    service.deployments.insert(0, primary);
    service.view = None;
    Ok(api::UpdateServicePrimaryTaskSetResponse {
        task_set: Some(described_set(world, &key, 0)),
    })
}

pub fn delete_task_set(
    world: &mut World,
    request: api::DeleteTaskSetRequest,
) -> Result<api::DeleteTaskSetResponse, EcsimError> {
    let key = external_service(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    let reference = request.task_set.as_deref().unwrap_or_default();
    let service = &world.ecs.services[&key];
    let index = find(service, reference).ok_or_else(task_set_not_found)?;
    let settings = service.deployments[index].task_set.as_deref();
    let scaled = settings.is_some_and(|set| computed_desired_count(service, set) > 0);
    if scaled && request.force != Some(true) {
        return Err(api::Error::InvalidParameterException.with(
            "The task set cannot be deleted while it is scaled above 0: scale it to 0 with UpdateTaskSet, or delete it with force.",
        ));
    }
    change_task_set(world, &key, reference, |set| {
        set.status = TaskSetStatus::Draining
    })?;
    Ok(api::DeleteTaskSetResponse {
        task_set: Some(described_set(world, &key, index)),
    })
}

pub fn describe_task_sets(
    world: &mut World,
    request: api::DescribeTaskSetsRequest,
) -> Result<api::DescribeTaskSetsResponse, EcsimError> {
    let key = service_key(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    if !world.ecs.services[&key].external {
        return Err(external_only());
    }
    let tags = request
        .include
        .iter()
        .flatten()
        .any(|i| *i == api::TaskSetField::Tags);
    let service = &world.ecs.services[&key];
    let cluster = &world.ecs.clusters[&key.0];
    let now = world.now;
    let describe_at = |deployment: &Deployment| {
        describe(
            service,
            deployment,
            &super::scheduler::counts(cluster, deployment, now),
            tags,
        )
    };
    let mut task_sets = Vec::new();
    let mut failures = Vec::new();
    match request.task_sets.as_deref() {
        None | Some([]) => task_sets.extend(service.deployments.iter().map(describe_at)),
        Some(references) => {
            for reference in references {
                match service.deployments.iter().find(|d| {
                    d.id == *reference || d.task_set.as_ref().is_some_and(|s| s.arn == *reference)
                }) {
                    Some(deployment) => task_sets.push(describe_at(deployment)),
                    None => failures.push(crate::sim::ecs::failure(reference, "MISSING")),
                }
            }
        }
    }
    Ok(api::DescribeTaskSetsResponse {
        task_sets: Some(task_sets),
        failures: Some(failures),
    })
}

/// Changes the task set `reference` names with `change`; answers its index.
fn change_task_set(
    world: &mut World,
    key: &(String, String),
    reference: &str,
    change: impl FnOnce(&mut TaskSetSettings),
) -> Result<usize, EcsimError> {
    let now = world.now;
    let service = world.ecs.services.get_mut(key).ok_or_else(not_found)?;
    let index = find(service, reference).ok_or_else(task_set_not_found)?;
    let deployment = &mut service.deployments[index];
    deployment.updated_at = now;
    if let Some(set) = deployment.task_set.as_mut() {
        change(set);
    }
    service.steady = false;
    Ok(index)
}

fn described_set(world: &World, key: &(String, String), index: usize) -> api::TaskSet {
    let service = &world.ecs.services[key];
    let deployment = &service.deployments[index];
    let counts = super::scheduler::counts(&world.ecs.clusters[&key.0], deployment, world.now);
    describe(service, deployment, &counts, true)
}

/// A task set as DescribeTaskSets shows it (`tags` only when asked for, as AWS does there).
pub fn describe(
    service: &Service,
    deployment: &Deployment,
    counts: &Counts,
    tags: bool,
) -> api::TaskSet {
    let Some(set) = deployment.task_set.as_deref() else {
        return api::TaskSet::default();
    };
    let (launch_type, capacity_provider_strategy) =
        if deployment.capacity_provider_strategy.is_empty() {
            (Some(set.launch_type), None)
        } else {
            (
                None,
                Some(crate::sim::ecs::capacity::to_api(
                    &deployment.capacity_provider_strategy,
                )),
            )
        };
    api::TaskSet {
        id: Some(deployment.id.clone()),
        task_set_arn: Some(set.arn.clone()),
        service_arn: Some(service.arn.clone()),
        cluster_arn: Some(service.cluster_arn.clone()),
        external_id: set.external_id.clone(),
        status: Some(set.status.as_str().into()),
        task_definition: Some(deployment.task_definition_arn.clone()),
        computed_desired_count: Some(computed_desired_count(service, set) as i32),
        pending_count: Some(counts.pending as i32),
        running_count: Some(counts.running as i32),
        created_at: Some(deployment.created_at),
        updated_at: Some(deployment.updated_at),
        launch_type,
        capacity_provider_strategy,
        platform_version: set.platform_version.clone(),
        network_configuration: set.network_configuration.clone(),
        load_balancers: Some(set.load_balancers.clone()),
        service_registries: Some(set.service_registries.clone()),
        scale: Some(api::Scale {
            value: Some(set.scale),
            unit: Some(ScaleUnit::Percent),
        }),
        stability_status: Some(set.stability),
        stability_status_at: Some(set.stability_at),
        tags: tags.then(|| set.tags.clone()),
        ..api::TaskSet::default()
    }
}

/// DescribeServices for an EXTERNAL service: its task sets instead of deployments, and the
/// PRIMARY task set's settings as the service's (none while no task set is PRIMARY).
pub fn service_to_api(service: &Service, counts: &[Counts]) -> api::Service {
    let total = counts.iter().fold(Counts::default(), |sum, c| Counts {
        running: sum.running + c.running,
        healthy: sum.healthy + c.healthy,
        pending: sum.pending + c.pending,
        stopping: sum.stopping + c.stopping,
    });
    let task_sets = service
        .deployments
        .iter()
        .zip(counts)
        .map(|(deployment, counts)| describe(service, deployment, counts, false))
        .collect();
    let primary = service.deployments.first().filter(|d| {
        d.task_set
            .as_ref()
            .is_some_and(|s| s.status == TaskSetStatus::Primary)
    });
    let primary_set = primary.and_then(|d| d.task_set.as_deref());
    api::Service {
        service_arn: Some(service.arn.clone()),
        service_name: Some(service.name.clone()),
        cluster_arn: Some(service.cluster_arn.clone()),
        status: Some(service.status.as_str().into()),
        desired_count: Some(service.desired_count as i32),
        running_count: Some(total.running as i32),
        pending_count: Some(total.pending as i32),
        task_definition: primary.map(|d| d.task_definition_arn.clone()),
        launch_type: primary_set.map(|s| s.launch_type),
        network_configuration: primary_set.and_then(|s| s.network_configuration.clone()),
        load_balancers: Some(
            primary_set
                .map(|s| s.load_balancers.clone())
                .unwrap_or_default(),
        ),
        platform_version: primary_set.and_then(|s| s.platform_version.clone()),
        deployment_configuration: Some(service.deployment_configuration()),
        deployments: Some(Vec::new()),
        task_sets: Some(task_sets),
        events: Some(service.events.clone()),
        created_at: Some(service.created_at),
        placement_constraints: Some(service.placement_constraints.clone()),
        placement_strategy: Some(service.placement_strategy.clone()),
        health_check_grace_period_seconds: service.health_check_grace_period_seconds,
        service_registries: Some(
            primary_set
                .map(|s| s.service_registries.clone())
                .unwrap_or_default(),
        ),
        scheduling_strategy: Some(api::SchedulingStrategy::Replica),
        deployment_controller: Some(api::DeploymentController {
            r#type: Some(api::DeploymentControllerType::External),
        }),
        tags: Some(service.tags.clone()),
        propagate_tags: Some(service.propagate_tags.unwrap_or(api::PropagateTags::None)),
        enable_ecs_managed_tags: Some(service.managed_tags),
        ..api::Service::default()
    }
}
