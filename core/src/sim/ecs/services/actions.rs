//! CreateService, UpdateService, DeleteService, DescribeServices, ListServices.

use super::rollback::new_deployment;
use super::scheduler::counts;
use super::{registries, shift, targets};
use super::{Service, ServiceStatus, DEFAULT_MAXIMUM_PERCENT, DEFAULT_MINIMUM_HEALTHY_PERCENT};
use crate::api::ecs::{self as api, DeploymentControllerType, LaunchType, SchedulingStrategy};
use crate::error::EcsimError;
use crate::placement::Strategy;
use crate::sim::ecs::gateways::routes;
use crate::sim::ecs::launch::{constraints, resolve_launch, strategies, Launch, TagsAsked};
use crate::sim::ecs::task_definitions;
use crate::sim::ecs::{capacity, cluster_name, failure, fargate};
use crate::sim::world::atomically;
use crate::sim::World;

pub(super) fn not_found() -> EcsimError {
    api::Error::ServiceNotFoundException.with("Service not found.")
}

/// A desired count within 0 and the tasks-per-service quota (lower for a service that uses
/// service discovery).
pub(super) fn desired(
    world: &World,
    count: Option<i32>,
    discovery: bool,
) -> Result<Option<u32>, EcsimError> {
    let quotas = &world.config.quotas;
    let (most, quota) = if discovery {
        (
            quotas.tasks_per_service_with_service_discovery,
            "tasksPerServiceWithServiceDiscovery",
        )
    } else {
        (quotas.tasks_per_service, "tasksPerService")
    };
    match count {
        Some(n) if n < 0 || n as usize > most => Err(api::Error::InvalidParameterException.with(
            format!("desiredCount must be between 0 and {most} (quotas.{quota})."),
        )),
        other => Ok(other.map(|n| n as u32)),
    }
}

pub(super) fn percents(
    given: Option<&api::DeploymentConfiguration>,
    current: (u32, u32),
) -> Result<(u32, u32), EcsimError> {
    let minimum = given
        .and_then(|c| c.minimum_healthy_percent)
        .map_or(current.0 as i32, |m| m);
    let maximum = given
        .and_then(|c| c.maximum_percent)
        .map_or(current.1 as i32, |m| m);
    if !(0..=100).contains(&minimum) {
        return Err(api::Error::InvalidParameterException
            .with("minimumHealthyPercent must be between 0 and 100."));
    }
    if maximum < 100 || maximum < minimum {
        return Err(api::Error::InvalidParameterException
            .with("maximumPercent must be at least 100 and at least minimumHealthyPercent."));
    }
    Ok((minimum as u32, maximum as u32))
}

pub fn create_service(
    world: &mut World,
    request: api::CreateServiceRequest,
) -> Result<api::CreateServiceResponse, EcsimError> {
    // Gateway routes are made before the service's own checks: all or nothing.
    if request
        .gateway_connectors
        .as_ref()
        .is_some_and(|c| !c.is_empty())
    {
        return atomically(world, |world| create(world, request));
    }
    create(world, request)
}

fn create(
    world: &mut World,
    request: api::CreateServiceRequest,
) -> Result<api::CreateServiceResponse, EcsimError> {
    let name = request.service_name.clone().unwrap_or_default();
    crate::sim::ecs::names::check_service_name(&name)?;
    crate::sim::ecs::names::check_tags(request.tags.as_deref())?;
    match request
        .deployment_controller
        .as_ref()
        .and_then(|c| c.r#type)
    {
        Some(DeploymentControllerType::External) => {
            return super::external::create_service(world, request)
        }
        Some(DeploymentControllerType::CodeDeploy) => {
            return Err(api::Error::UnsupportedFeatureException.with(
                "The CODE_DEPLOY deployment controller is not simulated: ecsim has no CodeDeploy. Use ECS (rolling updates) or EXTERNAL (task sets).",
            ))
        }
        Some(DeploymentControllerType::Ecs) | None => {}
    }
    let daemon = request.scheduling_strategy == Some(SchedulingStrategy::Daemon);
    let (launch_type, providers) = resolve_launch(
        &world.ecs,
        request.cluster.as_deref(),
        request.launch_type,
        request.capacity_provider_strategy.as_deref(),
    )?;
    if daemon {
        check_daemon(&request, launch_type)?;
    }
    let registries = request.service_registries.clone().unwrap_or_default();
    let desired_count = desired(world, request.desired_count, !registries.is_empty())?.unwrap_or(0);
    // DAEMON defaults: 0 % healthy, 100 % at most (documented).
    let defaults = if daemon {
        (0, 100)
    } else {
        (DEFAULT_MINIMUM_HEALTHY_PERCENT, DEFAULT_MAXIMUM_PERCENT)
    };
    let (minimum, maximum) = percents(request.deployment_configuration.as_ref(), defaults)?;
    crate::sim::ecs::task_definition_lifecycle::check_active(
        world,
        request.task_definition.as_deref().unwrap_or_default(),
    )?;
    let launch = Launch::new(
        world,
        request.task_definition.as_deref(),
        None,
        None,
        TagsAsked::default(),
        launch_type,
    )?;
    let task_definition_arn = launch
        .spec
        .task_definition
        .task_definition_arn
        .clone()
        .unwrap_or_default();
    let given_strategies = request.placement_strategy.clone().unwrap_or_default();
    let given_constraints = request.placement_constraints.clone().unwrap_or_default();
    let parsed_strategies = service_strategies(&given_strategies)?;
    let parsed_constraints = constraints(&launch.spec.task_definition, &given_constraints)?;
    let mut load_balancers = request.load_balancers.clone().unwrap_or_default();
    if let Some(connectors) = request.gateway_connectors.as_deref() {
        let cluster = crate::sim::ecs::cluster_name(request.cluster.as_deref()).to_string();
        let key = (cluster, name.clone());
        check_name_free(world, &key)?;
        let task_definition = &launch.spec.task_definition;
        load_balancers.extend(routes::connect(world, &key, task_definition, connectors)?);
    }
    targets::check(world, &load_balancers, &launch.spec.task_definition)?;
    shift::check_balancers(&world.elbv2, &load_balancers)?;
    let shift_settings = shift::Settings::updated(
        &shift::Settings::default(),
        request.deployment_configuration.as_ref(),
        daemon,
    )?;
    registries::check(world, &registries, &launch.spec.task_definition)?;
    check_grace(request.health_check_grace_period_seconds)?;
    let subnet_ids =
        fargate_subnet_ids(launch_type, request.network_configuration.as_ref(), &launch)?;
    let (key, cluster_arn) = new_service_key(world, request.cluster.as_deref(), &name)?;
    let cluster_key = key.0.clone();
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
    let mut service = Service {
        arn: world.arn("ecs", &format!("service/{cluster_key}/{name}")),
        name,
        cluster_arn,
        status: ServiceStatus::Active,
        daemon,
        desired_count,
        launch_type,
        network_configuration: request.network_configuration.clone(),
        subnets,
        placement_constraints: given_constraints,
        placement_strategy: given_strategies,
        strategies: parsed_strategies,
        constraints: parsed_constraints,
        minimum_healthy_percent: minimum,
        maximum_percent: maximum,
        shift_settings,
        circuit_breaker: request
            .deployment_configuration
            .as_ref()
            .and_then(|c| c.deployment_circuit_breaker.clone()),
        health_check_grace_period_seconds: request.health_check_grace_period_seconds,
        load_balancers,
        service_registries: registries,
        created_at: now,
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
        external: false,
    };
    shift::begin(&mut service, &world.elbv2, &mut deployment);
    service.begin_deployment(deployment, now, None);
    let described = service.to_api(&[Default::default()]);
    world.ecs.services.insert(key, service);
    Ok(api::CreateServiceResponse {
        service: Some(described),
    })
}

/// A FARGATE service's new capacity provider strategy, checked against its cluster's providers.
fn updated_strategy(
    world: &World,
    key: &(String, String),
    items: &[api::CapacityProviderStrategyItem],
) -> Result<Vec<capacity::Share>, EcsimError> {
    if world.ecs.services[key].launch_type != LaunchType::Fargate || items.is_empty() {
        return Err(api::Error::InvalidParameterException.with(
            "ecsim changes the capacity provider strategy of FARGATE services only, to a strategy of FARGATE and FARGATE_SPOT.",
        ));
    }
    let cluster = &world.ecs.clusters[&key.0];
    capacity::parse(items, &cluster.capacity_providers)
}

/// healthCheckGracePeriodSeconds within 0 and 2,147,483,647 (documented).
/// The subnets a FARGATE service or task set asks for in its network configuration (none for EC2).
pub(super) fn fargate_subnet_ids(
    launch_type: LaunchType,
    network_configuration: Option<&api::NetworkConfiguration>,
    launch: &Launch,
) -> Result<Vec<String>, EcsimError> {
    if launch_type != LaunchType::Fargate {
        return Ok(Vec::new());
    }
    let as_run = api::RunTaskRequest {
        network_configuration: network_configuration.cloned(),
        ..api::RunTaskRequest::default()
    };
    Ok(fargate::requested_subnets(&as_run, launch)?.to_vec())
}

/// The key and cluster ARN of a service about to be created as `name`: its cluster exists, no
/// ACTIVE or DRAINING service has the name, and the cluster has room under its quota.
/// A new service may take the name of an INACTIVE one, not of one still ACTIVE or DRAINING.
pub(crate) fn check_name_free(world: &World, key: &(String, String)) -> Result<(), EcsimError> {
    let taken = (world.ecs.services.get(key)).is_some_and(|s| s.status != ServiceStatus::Inactive);
    if taken {
        return Err(
            api::Error::InvalidParameterException.with("Creation of service was not idempotent.")
        );
    }
    Ok(())
}

pub(super) fn new_service_key(
    world: &mut World,
    cluster: Option<&str>,
    name: &str,
) -> Result<((String, String), String), EcsimError> {
    let (cluster_key, cluster_arn) = {
        let cluster = world.ecs.cluster_mut(cluster)?;
        (cluster.name.clone(), cluster.arn.clone())
    };
    let key = (cluster_key, name.to_string());
    check_name_free(world, &key)?;
    let limit = world.config.quotas.services_per_cluster;
    if world.ecs.active_services(&key.0) >= limit {
        return Err(crate::sim::quotas::exceeded(
            "services in a cluster",
            "servicesPerCluster",
            limit,
        ));
    }
    Ok((key, cluster_arn))
}

/// A service's placement strategies: the given ones, else the service default (balanced over
/// zones, then over instances).
pub(super) fn service_strategies(
    given: &[api::PlacementStrategy],
) -> Result<Vec<Strategy>, EcsimError> {
    let parsed = strategies(given)?;
    if !parsed.is_empty() {
        return Ok(parsed);
    }
    Ok(vec![
        Strategy::SpreadAttribute("ecs.availability-zone".into()),
        Strategy::SpreadInstance,
    ])
}

pub(super) fn check_grace(grace: Option<i32>) -> Result<(), EcsimError> {
    if grace.is_some_and(|g| g < 0) {
        return Err(api::Error::InvalidParameterException
            .with("healthCheckGracePeriodSeconds must be between 0 and 2147483647."));
    }
    Ok(())
}

/// What a DAEMON service may not have (documented: no Fargate, no strategies, no desired
/// count, maximumPercent 100).
fn check_daemon(
    request: &api::CreateServiceRequest,
    launch_type: LaunchType,
) -> Result<(), EcsimError> {
    let problem = if launch_type == LaunchType::Fargate {
        Some("The DAEMON scheduling strategy does not support the FARGATE launch type.")
    } else if request
        .placement_strategy
        .as_ref()
        .is_some_and(|s| !s.is_empty())
    {
        Some("Placement strategies are not supported with the DAEMON scheduling strategy.")
    } else if request.desired_count.is_some() {
        Some("desiredCount is not supported with the DAEMON scheduling strategy: it runs a task on every eligible instance.")
    } else if request
        .deployment_configuration
        .as_ref()
        .and_then(|c| c.maximum_percent)
        .is_some_and(|m| m != 100)
    {
        Some("maximumPercent must be 100 with the DAEMON scheduling strategy.")
    } else {
        None
    };
    match problem {
        Some(message) => Err(api::Error::InvalidParameterException.with(message)),
        None => Ok(()),
    }
}

/// The service a request names (by name or ARN) in its cluster.
pub(super) fn service_key(
    world: &mut World,
    cluster: Option<&str>,
    service: &str,
) -> Result<(String, String), EcsimError> {
    let cluster = world.ecs.cluster_mut(cluster)?.name.clone();
    let name = service.rsplit('/').next().unwrap_or_default().to_string();
    let key = (cluster, name);
    match world.ecs.services.get(&key) {
        Some(found) if found.status != ServiceStatus::Inactive => Ok(key),
        _ => Err(not_found()),
    }
}

pub fn update_service(
    world: &mut World,
    request: api::UpdateServiceRequest,
) -> Result<api::UpdateServiceResponse, EcsimError> {
    let key = apply_update(world, request)?;
    let service = &world.ecs.services[&key];
    Ok(api::UpdateServiceResponse {
        service: Some(described(&world.ecs.clusters[&key.0], service, world.now)),
    })
}

/// UpdateService's change, without describing the service after it (Application Auto Scaling
/// sets desired counts thousands of times a simulated week and reads nothing back); returns
/// the service's key.
pub fn apply_update(
    world: &mut World,
    request: api::UpdateServiceRequest,
) -> Result<(String, String), EcsimError> {
    let key = service_key(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    if let Some(connectors) = request.gateway_connectors.clone() {
        // The service's routes are made again: all or nothing.
        return atomically(world, |world| {
            reconnect(world, &key, &request, &connectors)?;
            update(world, key, request)
        });
    }
    update(world, key, request)
}

/// Replaces the service's gateway routes with those of `connectors`, for the task definition it
/// will run.
fn reconnect(
    world: &mut World,
    key: &(String, String),
    request: &api::UpdateServiceRequest,
    connectors: &[api::GatewayConnector],
) -> Result<(), EcsimError> {
    routes::disconnect(world, key)?;
    let reference = request.task_definition.clone().unwrap_or_else(|| {
        world.ecs.services[key].deployments[0]
            .task_definition_arn
            .clone()
    });
    let task_definition = task_definitions::resolve(world, &reference)
        .map(|r| r.task_definition.clone())
        .ok_or_else(|| api::Error::InvalidParameterException.with("TaskDefinition not found."))?;
    let added = routes::connect(world, key, &task_definition, connectors)?;
    if let Some(service) = world.ecs.services.get_mut(key) {
        service.load_balancers.extend(added);
    }
    Ok(())
}

fn update(
    world: &mut World,
    key: (String, String),
    request: api::UpdateServiceRequest,
) -> Result<(String, String), EcsimError> {
    if world.ecs.services[&key].external {
        return super::external::apply_update(world, key, &request);
    }
    let service = &world.ecs.services[&key];
    let registered = match &request.service_registries {
        Some(registries) => !registries.is_empty(),
        None => !service.service_registries.is_empty(),
    };
    let desired_count = desired(world, request.desired_count, registered)?;
    if service.daemon && desired_count.is_some() {
        return Err(api::Error::InvalidParameterException.with(
            "desiredCount is not supported with the DAEMON scheduling strategy: it runs a task on every eligible instance.",
        ));
    }
    let (minimum, maximum) = percents(
        request.deployment_configuration.as_ref(),
        (service.minimum_healthy_percent, service.maximum_percent),
    )?;
    if let Some(reference) = request.task_definition.as_deref() {
        crate::sim::ecs::task_definition_lifecycle::check_active(world, reference)?;
    }
    let new_definition = match request.task_definition.as_deref() {
        Some(reference) => Some(
            task_definitions::resolve(world, reference)
                .and_then(|registered| registered.task_definition.task_definition_arn.clone())
                .ok_or_else(|| {
                    api::Error::InvalidParameterException.with("TaskDefinition not found.")
                })?,
        ),
        None => None,
    };
    // The load balancers and registries given are checked against the task definition the
    // service will run.
    if request.load_balancers.is_some() || request.service_registries.is_some() {
        let reference = new_definition.clone().unwrap_or_else(|| {
            world.ecs.services[&key].deployments[0]
                .task_definition_arn
                .clone()
        });
        let registered = task_definitions::resolve(world, &reference).ok_or_else(|| {
            api::Error::InvalidParameterException.with("TaskDefinition not found.")
        })?;
        if let Some(balancers) = &request.load_balancers {
            targets::check(world, balancers, &registered.task_definition)?;
            shift::check_balancers(&world.elbv2, balancers)?;
        }
        if let Some(registries) = &request.service_registries {
            registries::check(world, registries, &registered.task_definition)?;
        }
    }
    check_grace(request.health_check_grace_period_seconds)?;
    let service = &world.ecs.services[&key];
    let shift_settings = shift::Settings::updated(
        &service.shift_settings,
        request.deployment_configuration.as_ref(),
        service.daemon,
    )?;
    let new_strategy = match request.capacity_provider_strategy.as_deref() {
        Some(items) => Some(updated_strategy(world, &key, items)?),
        None => None,
    };
    let now = world.now;
    let World {
        ecs, rng, elbv2, ..
    } = world;
    let service = ecs.services.get_mut(&key).ok_or_else(not_found)?;
    service.shift_settings = shift_settings;
    if let Some(count) = desired_count {
        service.desired_count = count;
    }
    if let Some(balancers) = request.load_balancers.clone() {
        service.load_balancers = balancers;
    }
    if let Some(registries) = request.service_registries.clone() {
        service.service_registries = registries;
    }
    if let Some(grace) = request.health_check_grace_period_seconds {
        service.health_check_grace_period_seconds = Some(grace);
    }
    service.minimum_healthy_percent = minimum;
    // Tasks started from now on follow the new tag settings.
    if let Some(propagate) = request.propagate_tags {
        service.propagate_tags = Some(propagate);
    }
    if let Some(managed) = request.enable_ecs_managed_tags {
        service.managed_tags = managed;
    }
    service.maximum_percent = maximum;
    if let Some(breaker) = request
        .deployment_configuration
        .as_ref()
        .and_then(|c| c.deployment_circuit_breaker.clone())
    {
        service.circuit_breaker = Some(breaker);
    }
    let primary = &service.deployments[0];
    let current = primary.task_definition_arn.clone();
    let strategy = new_strategy.unwrap_or_else(|| primary.capacity_provider_strategy.clone());
    // A new task definition or strategy is a new deployment, as in ECS.
    let changed = new_definition.as_ref().is_some_and(|arn| *arn != current)
        || strategy != primary.capacity_provider_strategy;
    if changed || request.force_new_deployment == Some(true) {
        if new_definition.as_ref().is_some_and(|arn| *arn != current) {
            // ECS: a new task definition returns a throttled service to normal at once.
            service.throttle.end();
        }
        let arn = new_definition.unwrap_or(current);
        let mut deployment = new_deployment(arn, strategy, now, rng);
        shift::begin(service, elbv2, &mut deployment);
        service.begin_deployment(deployment, now, None);
        service.stuck = false;
    }
    service.steady = false;
    Ok(key)
}

pub fn delete_service(
    world: &mut World,
    request: api::DeleteServiceRequest,
) -> Result<api::DeleteServiceResponse, EcsimError> {
    let key = service_key(
        world,
        request.cluster.as_deref(),
        request.service.as_deref().unwrap_or_default(),
    )?;
    let service = world.ecs.services.get(&key).ok_or_else(not_found)?;
    if service.desired_count > 0 && request.force != Some(true) {
        return Err(api::Error::InvalidParameterException
            .with("The service cannot be stopped while it is scaled above 0."));
    }
    if routes::has_routes(world, &key) {
        atomically(world, |world| routes::disconnect(world, &key))?;
    }
    let service = world.ecs.services.get_mut(&key).ok_or_else(not_found)?;
    service.status = ServiceStatus::Draining;
    service.desired_count = 0;
    Ok(api::DeleteServiceResponse {
        service: Some(described(&world.ecs.clusters[&key.0], service, world.now)),
    })
}

/// The service as DescribeServices shows it, with its deployments' task counts.
fn described(cluster: &crate::cluster::Cluster, service: &Service, now: f64) -> api::Service {
    let all: Vec<_> = service
        .deployments
        .iter()
        .map(|d| counts(cluster, d, now))
        .collect();
    service.to_api(&all)
}

pub fn describe_services(
    world: &mut World,
    request: api::DescribeServicesRequest,
) -> Result<api::DescribeServicesResponse, EcsimError> {
    let cluster = world
        .ecs
        .cluster_mut(request.cluster.as_deref())?
        .name
        .clone();
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for reference in request.services.iter().flatten() {
        let name = reference.rsplit('/').next().unwrap_or_default().to_string();
        match world.ecs.services.get(&(cluster.clone(), name)) {
            Some(service) => {
                found.push(described(&world.ecs.clusters[&cluster], service, world.now))
            }
            None => failures.push(failure(reference, "MISSING")),
        }
    }
    Ok(api::DescribeServicesResponse {
        services: Some(found),
        failures: Some(failures),
    })
}

pub fn list_services(
    world: &mut World,
    request: api::ListServicesRequest,
) -> Result<api::ListServicesResponse, EcsimError> {
    let cluster = cluster_name(request.cluster.as_deref()).to_string();
    world.ecs.cluster_mut(Some(&cluster))?;
    let arns: Vec<String> = world
        .ecs
        .services
        .iter()
        .filter(|((c, _), s)| *c == cluster && s.status != ServiceStatus::Inactive)
        .filter(|(_, s)| request.launch_type.is_none_or(|l| l == s.launch_type))
        .map(|(_, s)| s.arn.clone())
        .collect();
    // ListServices answers 10 a page unless asked for more (up to 100).
    let paging = crate::sim::paging::Paging {
        default: 10,
        ..crate::sim::paging::ECS
    };
    let (page, next_token) = crate::sim::ecs::page(
        &paging,
        arns,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListServicesResponse {
        service_arns: Some(page),
        next_token,
    })
}
