//! Services with the EXTERNAL deployment controller: CreateService and UpdateService take only
//! what is not decided per task set, and the scheduler keeps each task set at its computed
//! desired count (`task_sets.rs`), with no rolling update of its own: the controller outside ECS
//! decides how traffic and tasks move between task sets.

use super::actions::{check_grace, desired, new_service_key, not_found, percents};
use super::scheduler::{
    counts, deployment_launch, event, live_tasks, start_tasks, stop_tasks, Where,
};
use super::signals::Signal;
use super::task_sets::{computed_desired_count, TaskSetStatus};
use super::{health, targets, throttle, Service, ServiceStatus};
use super::{DEFAULT_MAXIMUM_PERCENT, DEFAULT_MINIMUM_HEALTHY_PERCENT};
use crate::api::ecs::{self as api, StabilityStatus};
use crate::cluster::TaskPosition;
use crate::error::EcsimError;
use crate::sim::ecs::launch::{constraints, resolve_launch, Launch};
use crate::sim::World;

/// Refuses the first member given that CreateService or UpdateService may not set on an
/// EXTERNAL service: each task set has its own (docs/conventions.md, "Task sets").
fn refuse_task_set_members(members: &[(&str, bool)]) -> Result<(), EcsimError> {
    match members.iter().find(|(_, given)| *given) {
        Some((member, _)) => Err(api::Error::InvalidParameterException.with(format!(
            "{member} cannot be set on a service with the EXTERNAL deployment controller: each task set has its own (CreateTaskSet)."
        ))),
        None => Ok(()),
    }
}

pub(super) fn create_service(
    world: &mut World,
    request: api::CreateServiceRequest,
) -> Result<api::CreateServiceResponse, EcsimError> {
    let per_set = [
        ("taskDefinition", request.task_definition.is_some()),
        ("loadBalancers", request.load_balancers.is_some()),
        (
            "networkConfiguration",
            request.network_configuration.is_some(),
        ),
        ("serviceRegistries", request.service_registries.is_some()),
        ("launchType", request.launch_type.is_some()),
        (
            "capacityProviderStrategy",
            request.capacity_provider_strategy.is_some(),
        ),
        ("platformVersion", request.platform_version.is_some()),
    ];
    refuse_task_set_members(&per_set)?;
    if request.scheduling_strategy == Some(api::SchedulingStrategy::Daemon) {
        return Err(api::Error::InvalidParameterException.with(
            "The DAEMON scheduling strategy is not supported with the EXTERNAL deployment controller.",
        ));
    }
    let name = request.service_name.clone().unwrap_or_default();
    let desired_count = desired(world, request.desired_count, false)?.unwrap_or(0);
    let (minimum, maximum) = percents(
        request.deployment_configuration.as_ref(),
        (DEFAULT_MINIMUM_HEALTHY_PERCENT, DEFAULT_MAXIMUM_PERCENT),
    )?;
    check_grace(request.health_check_grace_period_seconds)?;
    let given_strategies = request.placement_strategy.clone().unwrap_or_default();
    let given_constraints = request.placement_constraints.clone().unwrap_or_default();
    let parsed_strategies = super::actions::service_strategies(&given_strategies)?;
    // The task definitions' own constraints join these as each task set's tasks start.
    let parsed_constraints = constraints(&api::TaskDefinition::default(), &given_constraints)?;
    let (launch_type, _) = resolve_launch(&world.ecs, request.cluster.as_deref(), None, None)?;
    let (key, cluster_arn) = new_service_key(world, request.cluster.as_deref(), &name)?;
    let service = Service {
        arn: world.arn("ecs", &format!("service/{}/{name}", key.0)),
        name,
        cluster_arn,
        status: ServiceStatus::Active,
        daemon: false,
        desired_count,
        launch_type,
        network_configuration: None,
        subnets: Vec::new(),
        placement_constraints: given_constraints,
        placement_strategy: given_strategies,
        strategies: parsed_strategies,
        constraints: parsed_constraints,
        minimum_healthy_percent: minimum,
        maximum_percent: maximum,
        shift_settings: Default::default(),
        circuit_breaker: None,
        health_check_grace_period_seconds: request.health_check_grace_period_seconds,
        load_balancers: Vec::new(),
        service_registries: Vec::new(),
        created_at: world.now,
        tags: request.tags.clone().unwrap_or_default(),
        propagate_tags: request.propagate_tags,
        managed_tags: request.enable_ecs_managed_tags == Some(true),
        deployments: Vec::new(),
        events: Vec::new(),
        steady: false,
        view: None,
        throttle: Default::default(),
        stuck: false,
        events_added: 0,
        signals: Vec::new(),
        history: Default::default(),
        external: true,
    };
    let described = service.to_api(&[]);
    world.ecs.services.insert(key, service);
    Ok(api::CreateServiceResponse {
        service: Some(described),
    })
}

/// UpdateService on an EXTERNAL service: the desired count, the health check grace period and
/// the tag settings; everything else belongs to the task sets.
pub(super) fn apply_update(
    world: &mut World,
    key: (String, String),
    request: &api::UpdateServiceRequest,
) -> Result<(String, String), EcsimError> {
    let per_set = [
        ("taskDefinition", request.task_definition.is_some()),
        ("loadBalancers", request.load_balancers.is_some()),
        (
            "networkConfiguration",
            request.network_configuration.is_some(),
        ),
        ("serviceRegistries", request.service_registries.is_some()),
        (
            "capacityProviderStrategy",
            request.capacity_provider_strategy.is_some(),
        ),
        ("platformVersion", request.platform_version.is_some()),
        (
            "forceNewDeployment",
            request.force_new_deployment == Some(true),
        ),
    ];
    refuse_task_set_members(&per_set)?;
    let desired_count = desired(world, request.desired_count, false)?;
    check_grace(request.health_check_grace_period_seconds)?;
    let service = world.ecs.services.get_mut(&key).ok_or_else(not_found)?;
    if let Some(count) = desired_count {
        service.desired_count = count;
    }
    if let Some(grace) = request.health_check_grace_period_seconds {
        service.health_check_grace_period_seconds = Some(grace);
    }
    if let Some(propagate) = request.propagate_tags {
        service.propagate_tags = Some(propagate);
    }
    if let Some(managed) = request.enable_ecs_managed_tags {
        service.managed_tags = managed;
    }
    service.steady = false;
    Ok(key)
}

/// One look at an EXTERNAL service: each task set is brought to its computed desired count
/// (the newest of its tasks stop first), drained task sets go once their tasks have stopped, and
/// each task set's stability is noted.
pub(super) fn reconcile(world: &mut World, key: &(String, String)) {
    let now = world.now;
    let mut starts: Vec<(usize, u32)> = Vec::new();
    {
        let World {
            ecs,
            rng,
            clock,
            config,
            ..
        } = &mut *world;
        let (Some(cluster), Some(service)) =
            (ecs.clusters.get_mut(&key.0), ecs.services.get_mut(key))
        else {
            return;
        };
        // Before prune forgets the tasks that have STOPPED.
        let Service {
            throttle,
            deployments,
            ..
        } = &mut *service;
        throttle.observe(cluster, deployments, now);
        super::scheduler::prune(cluster, service);
        health::replace_failed(cluster, service, now, rng);
        for index in 0..service.deployments.len() {
            let wanted = wanted(service, index) as usize;
            let live: Vec<TaskPosition> =
                live_tasks(cluster, &service.deployments[index]).collect();
            if live.len() > wanted {
                stop_tasks(cluster, service, &live[wanted..], now, rng);
            } else if live.len() < wanted {
                starts.push((index, (wanted - live.len()) as u32));
            }
        }
        // The service throttle holds back every task set's starts alike.
        let total = starts.iter().map(|(_, count)| count).sum();
        let gate = (&mut *clock, &mut *rng, config.service_throttle);
        if throttle::allow(service, total, now, gate) == 0 {
            starts.clear();
        }
    }
    for (index, count) in starts {
        let Some(launch) = task_set_launch(world, key, index) else {
            continue;
        };
        let World { ecs, rng, .. } = &mut *world;
        let (Some(cluster), Some(service)) =
            (ecs.clusters.get_mut(&key.0), ecs.services.get_mut(key))
        else {
            return;
        };
        start(cluster, service, index, &launch, count, now, rng);
    }
    let World { ecs, rng, .. } = world;
    let (Some(cluster), Some(service)) = (ecs.clusters.get(&key.0), ecs.services.get_mut(key))
    else {
        return;
    };
    service.deployments.retain(|d| {
        !(d.tasks.is_empty()
            && d.task_set
                .as_ref()
                .is_some_and(|s| s.status == TaskSetStatus::Draining))
    });
    let mut all_steady = !service.deployments.is_empty();
    for index in 0..service.deployments.len() {
        let wanted = wanted(service, index);
        let now_counts = counts(cluster, &service.deployments[index], now);
        let steady = now_counts.running == wanted
            && now_counts.healthy == wanted
            && now_counts.pending == 0
            && now_counts.stopping == 0;
        all_steady &= steady;
        let stability = if steady {
            StabilityStatus::SteadyState
        } else {
            StabilityStatus::Stabilizing
        };
        if let Some(set) = service.deployments[index].task_set.as_mut() {
            if set.stability != stability {
                set.stability = stability;
                set.stability_at = now;
            }
        }
    }
    if service.status != ServiceStatus::Active {
        if service.deployments.iter().all(|d| d.tasks.is_empty()) {
            service.status = ServiceStatus::Inactive;
        }
        return;
    }
    if all_steady && !service.steady {
        let message = format!("(service {}) has reached a steady state.", service.name);
        service.signal(now, Signal::SteadyState);
        event(service, now, rng, message);
    }
    service.steady = all_steady;
}

fn wanted(service: &Service, index: usize) -> u32 {
    service.deployments[index]
        .task_set
        .as_deref()
        .map_or(0, |set| computed_desired_count(service, set))
}

/// How a task set's tasks start: its task definition, launch type and target groups, with the
/// service's tag settings; `startedBy` is the task set's id.
fn task_set_launch(world: &World, key: &(String, String), index: usize) -> Option<Launch> {
    let service = world.ecs.services.get(key)?;
    let set = service.deployments.get(index)?.task_set.as_deref()?;
    let mut launch = deployment_launch(world, key, index, set.launch_type)?;
    targets::serve_balancers(
        world,
        &set.load_balancers,
        service.health_check_grace_period_seconds,
        std::sync::Arc::make_mut(&mut launch.plan),
    );
    Some(launch)
}

fn start(
    cluster: &mut crate::cluster::Cluster,
    service: &mut Service,
    index: usize,
    launch: &Launch,
    count: u32,
    now: f64,
    rng: &mut rand_chacha::ChaCha8Rng,
) {
    let Some(set) = service.deployments[index].task_set.as_deref() else {
        return;
    };
    // The service's constraints with the task set's task definition's own.
    let Ok(constraints) = constraints(&launch.spec.task_definition, &service.placement_constraints)
    else {
        return;
    };
    let target = Where {
        index,
        launch_type: set.launch_type,
        subnets: set.subnets.clone(),
        constraints,
    };
    start_tasks(cluster, service, launch, target, count, now, rng);
}
