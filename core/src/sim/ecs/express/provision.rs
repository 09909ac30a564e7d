//! CreateExpressGatewayService, UpdateExpressGatewayService, DescribeExpressGatewayService and
//! DeleteExpressGatewayService, through the simulation's own handlers: RegisterTaskDefinition,
//! CreateTargetGroup, CreateLoadBalancer, CreateListener, CreateRule, CreateService (CANARY, its
//! circuit breaker rolling back), RegisterScalableTarget and PutScalingPolicy. A call that fails
//! part-way leaves the world as it was.

use super::ExpressService;
use crate::api::application_autoscaling as scaling;
use crate::api::ecs::{self as api, ExpressGatewayServiceScalingMetric as Metric};
use crate::api::elbv2 as elb;
use crate::error::EcsimError;
use crate::sim::ecs::relayed;
use crate::sim::fnv::hex_id;
use crate::sim::world::atomically;
use crate::sim::World;
use serde_json::json;

/// Express Mode's defaults (the developer guide's "Resources created by Amazon ECS Express Mode
/// services": 1 vCPU, 2 GB, the target tracking policy's target 60 on average CPU); the port,
/// the health check path and the task counts are ecsim's (docs/conventions.md).
const CPU: &str = "1024";
const MEMORY: &str = "2048";
const CONTAINER_PORT: i32 = 80;
const HEALTH_CHECK_PATH: &str = "/ping";
const MIN_TASKS: i32 = 1;
const MAX_TASKS: i32 = 20;
const TARGET_VALUE: i32 = 60;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// The settings of a configuration, the defaults filled in.
fn configured(
    mut configuration: api::ExpressGatewayServiceConfiguration,
) -> api::ExpressGatewayServiceConfiguration {
    configuration.cpu.get_or_insert_with(|| CPU.into());
    configuration.memory.get_or_insert_with(|| MEMORY.into());
    configuration
        .cpu_architecture
        .get_or_insert(api::ExpressCpuArchitecture::X86_64);
    configuration
        .health_check_path
        .get_or_insert_with(|| HEALTH_CHECK_PATH.into());
    if let Some(container) = &mut configuration.primary_container {
        container.container_port.get_or_insert(CONTAINER_PORT);
    }
    let target = configuration
        .scaling_target
        .get_or_insert_with(Default::default);
    target.min_task_count.get_or_insert(MIN_TASKS);
    target.max_task_count.get_or_insert(MAX_TASKS);
    target.auto_scaling_metric.get_or_insert(Metric::AverageCpu);
    target.auto_scaling_target_value.get_or_insert(TARGET_VALUE);
    configuration
}

fn port(configuration: &api::ExpressGatewayServiceConfiguration) -> i32 {
    (configuration.primary_container.as_ref())
        .and_then(|c| c.container_port)
        .unwrap_or(CONTAINER_PORT)
}

/// The task definition a configuration runs: the one it names, or one registered for it.
fn task_definition(
    world: &mut World,
    family: &str,
    configuration: &api::ExpressGatewayServiceConfiguration,
) -> Result<String, EcsimError> {
    if let Some(arn) = &configuration.task_definition_arn {
        return Ok(arn.clone());
    }
    let container = configuration.primary_container.clone().ok_or_else(|| {
        invalid("primaryContainer: give the container's image (or a taskDefinitionArn).")
    })?;
    let logs = container.aws_logs_configuration.as_ref().map(|l| {
        json!({"logDriver": "awslogs", "options": {
            "awslogs-group": l.log_group, "awslogs-stream-prefix": l.log_stream_prefix,
            "awslogs-region": world.config.region}})
    });
    let architecture = configuration
        .cpu_architecture
        .map_or("X86_64", |a| a.as_str());
    let input = json!({
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": configuration.cpu,
        "memory": configuration.memory,
        "executionRoleArn": configuration.execution_role_arn,
        "taskRoleArn": configuration.task_role_arn,
        "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": architecture},
        "containerDefinitions": [{
            "name": "Main",
            "image": container.image,
            "essential": true,
            "portMappings": [{"containerPort": port(configuration), "protocol": "tcp"}],
            "command": container.command,
            "environment": container.environment,
            "secrets": container.secrets,
            "repositoryCredentials": container.repository_credentials,
            "logConfiguration": logs,
        }],
    });
    let input = strip_nulls(input);
    let registered = crate::sim::ecs::task_definitions::register_task_definition(world, input)?;
    registered
        .task_definition
        .and_then(|t| t.task_definition_arn)
        .ok_or_else(|| invalid("The task definition could not be registered."))
}

/// JSON without its null members (what the serde types above leave out anyway).
fn strip_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(members) => members
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, strip_nulls(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        serde_json::Value::Array(items) => items.into_iter().map(strip_nulls).collect(),
        other => other,
    }
}

/// `ecs:service:DesiredCount` of the service, as Application Auto Scaling names it.
fn resource_id(key: &(String, String)) -> String {
    format!("service/{}/{}", key.0, key.1)
}

/// The scalable target and its target tracking policy, for `configuration`'s scaling target.
fn scale(
    world: &mut World,
    express: &ExpressService,
    configuration: &api::ExpressGatewayServiceConfiguration,
) -> Result<(), EcsimError> {
    let target = configuration.scaling_target.clone().unwrap_or_default();
    let resource = resource_id(&express.key);
    crate::sim::application_autoscaling::handlers::register_scalable_target(
        world,
        scaling::RegisterScalableTargetRequest {
            service_namespace: Some(scaling::ServiceNamespace::Ecs),
            resource_id: Some(resource.clone()),
            scalable_dimension: Some(scaling::ScalableDimension::EcsServiceDesiredCount),
            min_capacity: target.min_task_count,
            max_capacity: target.max_task_count,
            ..Default::default()
        },
    )
    .map_err(relayed("scalingTarget"))?;
    let (metric, label) = match target.auto_scaling_metric.unwrap_or(Metric::AverageCpu) {
        Metric::AverageCpu => (scaling::MetricType::ECSServiceAverageCPUUtilization, None),
        Metric::AverageMemory => (
            scaling::MetricType::ECSServiceAverageMemoryUtilization,
            None,
        ),
        Metric::RequestCountPerTarget => {
            // `app/<balancer>/<id>/targetgroup/<group>/<id>`.
            let balancer = express.load_balancer_arn.split_once(":loadbalancer/");
            let group = express.target_groups[0].split_once(":targetgroup/");
            let label = balancer
                .zip(group)
                .map(|((_, b), (_, g))| format!("{b}/targetgroup/{g}"));
            (scaling::MetricType::ALBRequestCountPerTarget, label)
        }
    };
    crate::sim::application_autoscaling::handlers::put_scaling_policy(
        world,
        scaling::PutScalingPolicyRequest {
            policy_name: Some(format!("{}-scaling", express.key.1)),
            service_namespace: Some(scaling::ServiceNamespace::Ecs),
            resource_id: Some(resource),
            scalable_dimension: Some(scaling::ScalableDimension::EcsServiceDesiredCount),
            policy_type: Some(scaling::PolicyType::TargetTrackingScaling),
            target_tracking_scaling_policy_configuration: Some(
                scaling::TargetTrackingScalingPolicyConfiguration {
                    target_value: target.auto_scaling_target_value.map(f64::from),
                    predefined_metric_specification: Some(scaling::PredefinedMetricSpecification {
                        predefined_metric_type: Some(metric),
                        resource_label: label,
                    }),
                    ..Default::default()
                },
            ),
            ..Default::default()
        },
    )
    .map_err(relayed("scalingTarget"))?;
    Ok(())
}

/// A name ELB takes (32 characters at most) for one of the service's resources.
fn elb_name(prefix: &str, service: &str, suffix: &str) -> String {
    let room = 32 - prefix.len() - suffix.len();
    let middle: String = service
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(room)
        .collect();
    format!("{prefix}{}{suffix}", middle.trim_matches('-'))
}

pub fn create_express_gateway_service(
    world: &mut World,
    request: api::CreateExpressGatewayServiceRequest,
) -> Result<api::CreateExpressGatewayServiceResponse, EcsimError> {
    atomically(world, |world| create(world, request))
}

fn create(
    world: &mut World,
    request: api::CreateExpressGatewayServiceRequest,
) -> Result<api::CreateExpressGatewayServiceResponse, EcsimError> {
    let cluster = crate::sim::ecs::cluster_name(request.cluster.as_deref()).to_string();
    if !world.ecs.clusters.contains_key(&cluster) {
        if cluster != "default" {
            return Err(api::Error::ClusterNotFoundException.with("Cluster not found."));
        }
        // Express Mode makes the default cluster, with the Fargate capacity providers.
        let providers = vec!["FARGATE".to_string(), "FARGATE_SPOT".to_string()];
        crate::sim::ecs::handlers::create_cluster(
            world,
            api::CreateClusterRequest {
                cluster_name: Some(cluster.clone()),
                capacity_providers: Some(providers),
                ..Default::default()
            },
        )?;
    }
    let image = (request.primary_container.as_ref()).and_then(|c| c.image.clone());
    let name = match (&request.service_name, &image) {
        (Some(name), _) => name.clone(),
        (None, Some(image)) => {
            let repository = image.rsplit('/').next().unwrap_or(image);
            let base = repository.split([':', '@']).next().unwrap_or(repository);
            base.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect()
        }
        (None, None) => {
            return Err(invalid(
                "serviceName: give it, or a primaryContainer whose image names the service.",
            ))
        }
    };
    let key = (cluster, name);
    crate::sim::ecs::services::actions::check_name_free(world, &key)?;
    let (cluster, name) = (&key.0, &key.1);
    let configuration = configured(api::ExpressGatewayServiceConfiguration {
        execution_role_arn: request.execution_role_arn.clone(),
        task_role_arn: request.task_role_arn.clone(),
        task_definition_arn: request.task_definition_arn.clone(),
        cpu: request.cpu.clone(),
        memory: request.memory.clone(),
        cpu_architecture: request.cpu_architecture,
        network_configuration: request.network_configuration.clone(),
        health_check_path: request.health_check_path.clone(),
        primary_container: request.primary_container.clone(),
        scaling_target: request.scaling_target.clone(),
        ..Default::default()
    });
    let task_definition_arn = task_definition(world, name, &configuration)?;
    let region = world.config.region.clone();
    let given = (configuration.network_configuration.as_ref()).and_then(|n| n.subnets.clone());
    let subnets = world.ecsim.subnets.or_defaults(given, &region);
    let vpc = (world.ecsim.subnets.get(&subnets[0]))
        .map_or("vpc-default".to_string(), |s| s.vpc_id.clone());
    // Names unique to the service (ELB names are the account's), readable where they fit.
    let id = hex_id(&[cluster, name]);
    let mut groups = Vec::new();
    for suffix in ["1", "2"] {
        let group = crate::sim::elbv2::new_target_group(
            world,
            elb::CreateTargetGroupInput {
                name: Some(elb_name("ecs-", name, &format!("-{}-{suffix}", &id[..6]))),
                protocol: Some(elb::ProtocolEnum::Http),
                port: Some(port(&configuration)),
                vpc_id: Some(vpc.clone()),
                target_type: Some(elb::TargetTypeEnum::Ip),
                health_check_path: configuration.health_check_path.clone(),
                ..Default::default()
            },
        )
        .map_err(relayed("target group"))?;
        groups.push(group);
    }
    let security_groups =
        (configuration.network_configuration.as_ref()).and_then(|n| n.security_groups.clone());
    let balancer_arn = crate::sim::elbv2::new_load_balancer(
        world,
        elb::CreateLoadBalancerInput {
            name: Some(elb_name("ecs-express-", name, &format!("-{}", &id[..6]))),
            subnets: Some(subnets.clone()),
            security_groups: security_groups.clone(),
            ..Default::default()
        },
    )
    .map_err(relayed("load balancer"))?;
    let host = format!("{name}-{}.ecs.{region}.on.aws", &id[6..14]);
    let certificate = world.arn(
        "acm",
        &format!("certificate/{}", hex_id(&[cluster, name, "acm"])),
    );
    let listener_arn = crate::sim::elbv2::https_listener(world, &balancer_arn, &certificate)
        .map_err(relayed("listener"))?;
    let host_rule = crate::sim::elbv2::condition("host-header", vec![host.clone()]);
    let pair = [groups[0].as_str(), groups[1].as_str()];
    let rule_arn = crate::sim::elbv2::forwarding_rule(world, &listener_arn, vec![host_rule], &pair)
        .map_err(relayed("listener rule"))?;
    let target = configuration.scaling_target.clone().unwrap_or_default();
    let infrastructure_role = request.infrastructure_role_arn.clone().unwrap_or_default();
    let created = crate::sim::ecs::handlers::create_service(
        world,
        api::CreateServiceRequest {
            cluster: Some(cluster.clone()),
            service_name: Some(name.clone()),
            task_definition: Some(task_definition_arn.clone()),
            desired_count: target.min_task_count,
            launch_type: Some(api::LaunchType::Fargate),
            network_configuration: Some(api::NetworkConfiguration {
                awsvpc_configuration: Some(api::AwsVpcConfiguration {
                    subnets: Some(subnets),
                    security_groups,
                    assign_public_ip: None,
                }),
            }),
            load_balancers: Some(vec![api::LoadBalancer {
                target_group_arn: Some(groups[0].clone()),
                container_name: Some("Main".into()),
                container_port: Some(port(&configuration)),
                advanced_configuration: Some(api::AdvancedConfiguration {
                    alternate_target_group_arn: Some(groups[1].clone()),
                    production_listener_rule: Some(rule_arn.clone()),
                    test_listener_rule: None,
                    role_arn: Some(infrastructure_role.clone()),
                }),
                ..Default::default()
            }]),
            deployment_configuration: Some(api::DeploymentConfiguration {
                strategy: Some(api::DeploymentStrategy::Canary),
                deployment_circuit_breaker: Some(api::DeploymentCircuitBreaker {
                    enable: Some(true),
                    rollback: Some(true),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            tags: request.tags.clone(),
            ..Default::default()
        },
    )?;
    let service_arn = (created.service.as_ref())
        .and_then(|s| s.service_arn.clone())
        .unwrap_or_default();
    let now = world.now;
    let mut express = ExpressService {
        key: key.clone(),
        infrastructure_role_arn: infrastructure_role,
        configurations: Vec::new(),
        load_balancer_arn: balancer_arn,
        target_groups: [groups[0].clone(), groups[1].clone()],
        endpoint: format!("https://{host}"),
        tags: request.tags.unwrap_or_default(),
        created_at: now,
        updated_at: now,
    };
    scale(world, &express, &configuration)?;
    express.configurations.push(recorded(
        world,
        &express,
        configuration,
        task_definition_arn,
    ));
    let shown = described(world, &express, true);
    world.ecs.express.insert(service_arn, express);
    Ok(api::CreateExpressGatewayServiceResponse {
        service: Some(shown),
    })
}

/// A configuration as the service deployed it: its task definition, the service revision, the
/// ingress path.
fn recorded(
    world: &World,
    express: &ExpressService,
    mut configuration: api::ExpressGatewayServiceConfiguration,
    task_definition_arn: String,
) -> api::ExpressGatewayServiceConfiguration {
    let service = world.ecs.services.get(&express.key);
    configuration.service_revision_arn = service
        .and_then(|s| s.history.revisions.last())
        .and_then(|r| r.service_revision_arn.clone());
    configuration.task_definition_arn = Some(task_definition_arn);
    configuration.ingress_paths = Some(vec![api::IngressPathSummary {
        access_type: Some(api::AccessType::Public),
        endpoint: Some(express.endpoint.clone()),
    }]);
    configuration.created_at = Some(world.now);
    configuration
}

/// Whether the ECS deployment of the configuration's service revision still runs (a revision's
/// id is its deployment's digits).
fn is_active(
    world: &World,
    key: &(String, String),
    configuration: &api::ExpressGatewayServiceConfiguration,
) -> bool {
    let arn = configuration
        .service_revision_arn
        .as_deref()
        .unwrap_or_default();
    (world.ecs.services.get(key).into_iter())
        .flat_map(|s| &s.deployments)
        .any(|d| arn.ends_with(d.id.trim_start_matches("ecs-svc/")))
}

/// The Express service as its actions show it: the ECS service's status, its newest service
/// deployment, the configurations whose revisions still run.
fn described(world: &World, express: &ExpressService, tags: bool) -> api::ECSExpressGatewayService {
    let service = world.ecs.services.get(&express.key);
    let status = service.map_or("INACTIVE", |s| s.status.as_str());
    let active = (express.configurations.iter())
        .filter(|c| is_active(world, &express.key, c))
        .cloned()
        .collect();
    api::ECSExpressGatewayService {
        cluster: service.map(|s| s.cluster_arn.clone()),
        service_name: Some(express.key.1.clone()),
        service_arn: service.map(|s| s.arn.clone()),
        infrastructure_role_arn: Some(express.infrastructure_role_arn.clone()),
        status: Some(api::ExpressGatewayServiceStatus {
            status_code: api::ExpressGatewayServiceStatusCode::from_name(status),
            status_reason: None,
        }),
        current_deployment: service
            .and_then(|s| s.history.deployments.last())
            .map(|d| d.arn().to_string()),
        active_configurations: Some(active),
        tags: tags.then(|| express.tags.clone()),
        created_at: Some(express.created_at),
        updated_at: Some(express.updated_at),
    }
}

fn express_of<'a>(world: &'a World, arn: &str) -> Result<&'a ExpressService, EcsimError> {
    world.ecs.express.get(arn).ok_or_else(|| {
        api::Error::ServiceNotFoundException
            .with(format!("The Express service {arn} was not found."))
    })
}

pub fn describe_express_gateway_service(
    world: &mut World,
    request: api::DescribeExpressGatewayServiceRequest,
) -> Result<api::DescribeExpressGatewayServiceResponse, EcsimError> {
    let arn = request.service_arn.unwrap_or_default();
    let express = world.ecs.express.get(&arn).ok_or_else(|| {
        api::Error::ResourceNotFoundException
            .with(format!("The Express service {arn} was not found."))
    })?;
    let tags =
        (request.include.iter().flatten()).any(|i| *i == api::ExpressGatewayServiceInclude::Tags);
    Ok(api::DescribeExpressGatewayServiceResponse {
        service: Some(described(world, express, tags)),
    })
}

pub fn update_express_gateway_service(
    world: &mut World,
    request: api::UpdateExpressGatewayServiceRequest,
) -> Result<api::UpdateExpressGatewayServiceResponse, EcsimError> {
    atomically(world, |world| update(world, request))
}

fn update(
    world: &mut World,
    request: api::UpdateExpressGatewayServiceRequest,
) -> Result<api::UpdateExpressGatewayServiceResponse, EcsimError> {
    let arn = request.service_arn.clone().unwrap_or_default();
    let express = express_of(world, &arn)?.clone();
    let active = world
        .ecs
        .services
        .get(&express.key)
        .is_some_and(|s| s.status == crate::sim::ecs::services::ServiceStatus::Active);
    if !active {
        return Err(api::Error::ServiceNotActiveException
            .with(format!("The Express service {arn} is being deleted.")));
    }
    let current = express.configurations.last().cloned().unwrap_or_default();
    let current_port = port(&current);
    let container = request
        .primary_container
        .clone()
        .or(current.primary_container.clone());
    let configuration = configured(api::ExpressGatewayServiceConfiguration {
        execution_role_arn: request
            .execution_role_arn
            .clone()
            .or(current.execution_role_arn),
        task_role_arn: request.task_role_arn.clone().or(current.task_role_arn),
        // A new task definition is registered unless one is named.
        task_definition_arn: request.task_definition_arn.clone(),
        cpu: request.cpu.clone().or(current.cpu),
        memory: request.memory.clone().or(current.memory),
        cpu_architecture: request.cpu_architecture.or(current.cpu_architecture),
        network_configuration: request
            .network_configuration
            .clone()
            .or(current.network_configuration),
        health_check_path: request
            .health_check_path
            .clone()
            .or(current.health_check_path),
        primary_container: container,
        scaling_target: request.scaling_target.clone().or(current.scaling_target),
        ..Default::default()
    });
    if port(&configuration) != current_port {
        return Err(invalid(
            "primaryContainer.containerPort cannot change: its target groups listen on the first port.",
        ));
    }
    let task_definition_arn = task_definition(world, &express.key.1, &configuration)?;
    crate::sim::ecs::services::actions::apply_update(
        world,
        api::UpdateServiceRequest {
            cluster: Some(express.key.0.clone()),
            service: Some(express.key.1.clone()),
            task_definition: Some(task_definition_arn.clone()),
            ..Default::default()
        },
    )?;
    for group in &express.target_groups {
        if let Some(group) = world.elbv2.target_groups.get_mut(group) {
            group.described.health_check_path = configuration.health_check_path.clone();
        }
    }
    scale(world, &express, &configuration)?;
    let record = recorded(world, &express, configuration, task_definition_arn);
    // Only active configurations are ever shown: the others are forgotten, so that a loop of
    // updates keeps bounded state.
    let mut configurations: Vec<_> = (express.configurations.into_iter())
        .filter(|c| is_active(world, &express.key, c))
        .collect();
    configurations.push(record.clone());
    let now = world.now;
    if let Some(express) = world.ecs.express.get_mut(&arn) {
        express.configurations = configurations;
        express.updated_at = now;
    }
    let shown = described(world, &world.ecs.express[&arn], false);
    Ok(api::UpdateExpressGatewayServiceResponse {
        service: Some(api::UpdatedExpressGatewayService {
            service_arn: shown.service_arn,
            cluster: shown.cluster,
            service_name: shown.service_name,
            status: shown.status,
            target_configuration: Some(record),
            created_at: shown.created_at,
            updated_at: shown.updated_at,
        }),
    })
}

pub fn delete_express_gateway_service(
    world: &mut World,
    request: api::DeleteExpressGatewayServiceRequest,
) -> Result<api::DeleteExpressGatewayServiceResponse, EcsimError> {
    let arn = request.service_arn.unwrap_or_default();
    let express = express_of(world, &arn)?.clone();
    atomically(world, |world| {
        crate::sim::ecs::handlers::delete_service(
            world,
            api::DeleteServiceRequest {
                cluster: Some(express.key.0.clone()),
                service: Some(express.key.1.clone()),
                force: Some(true),
            },
        )
        .map_err(|e| match e.code {
            crate::error::ErrorCode::ServiceNotActiveException => e,
            _ => invalid(e.message),
        })?;
        // Its load balancer goes now; its target groups once nothing forwards to them.
        let resource = resource_id(&express.key);
        let deregister = scaling::DeregisterScalableTargetRequest {
            service_namespace: Some(scaling::ServiceNamespace::Ecs),
            resource_id: Some(resource),
            scalable_dimension: Some(scaling::ScalableDimension::EcsServiceDesiredCount),
        };
        crate::sim::application_autoscaling::handlers::deregister_scalable_target(
            world, deregister,
        )
        .map_err(relayed("scalable target"))?;
        crate::sim::elbv2::handlers::delete_load_balancer(
            world,
            elb::DeleteLoadBalancerInput {
                load_balancer_arn: Some(express.load_balancer_arn.clone()),
            },
        )
        .map_err(relayed("load balancer"))?;
        for group in &express.target_groups {
            crate::sim::elbv2::handlers::delete_target_group(
                world,
                elb::DeleteTargetGroupInput {
                    target_group_arn: Some(group.clone()),
                },
            )
            .map_err(relayed("target group"))?;
        }
        Ok(())
    })?;
    Ok(api::DeleteExpressGatewayServiceResponse {
        service: Some(described(world, &world.ecs.express[&arn], false)),
    })
}
