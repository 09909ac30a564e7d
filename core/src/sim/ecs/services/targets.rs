//! A service's load balancers: the checks CreateService and UpdateService make, how the
//! service's tasks are registered (their health checks, their draining), and the targets
//! DescribeTargetHealth lists. A task is a target from RUNNING until it has drained.

use super::Service;
use crate::api::ecs::{self as api, NetworkMode};
use crate::api::elbv2 as elb;
use crate::cluster::health::Periodic;
use crate::cluster::{Cluster, Task};
use crate::error::EcsimError;
use crate::sim::ecs::EcsState;
use crate::sim::World;

/// ECS's checks of `loadBalancers` against the target groups and the task definition.
pub fn check(
    world: &World,
    balancers: &[api::LoadBalancer],
    task_definition: &api::TaskDefinition,
) -> Result<(), EcsimError> {
    if balancers.len() > 5 {
        return Err(api::Error::InvalidParameterException
            .with("A service can have at most 5 target groups."));
    }
    let awsvpc = task_definition.network_mode == Some(NetworkMode::Awsvpc);
    for balancer in balancers {
        let arn = balancer.target_group_arn.as_deref().ok_or_else(|| {
            api::Error::InvalidParameterException.with(
                "loadBalancers: ecsim simulates Application and Network Load Balancers: give a targetGroupArn.",
            )
        })?;
        let group = world.elbv2.target_groups.get(arn).ok_or_else(|| {
            api::Error::InvalidParameterException.with(format!(
                "loadBalancers: the target group {arn} does not exist."
            ))
        })?;
        if awsvpc && !group.ip_targets() {
            return Err(api::Error::InvalidParameterException.with(format!(
                "The provided target group {arn} has target type instance, which is incompatible with the awsvpc network mode specified in the task definition."
            )));
        }
        let name = balancer.container_name.as_deref().unwrap_or_default();
        let port = balancer.container_port.unwrap_or_default();
        let declared = task_definition
            .container_definitions
            .iter()
            .flatten()
            .filter(|c| c.name.as_deref() == Some(name))
            .flat_map(|c| c.port_mappings.iter().flatten())
            .any(|m| m.container_port == Some(port));
        if !declared {
            return Err(api::Error::InvalidParameterException.with(format!(
                "The container {name} did not have a container port {port} defined."
            )));
        }
    }
    Ok(())
}

/// Readies the service's launch: health settings, target group checks, draining time.
pub fn serve(world: &World, service: &Service, plan: &mut crate::cluster::lifecycle::TaskPlan) {
    let balancers = match service.deployments.first() {
        Some(primary) => primary.balancers(&service.load_balancers),
        None => &service.load_balancers,
    };
    serve_balancers(
        world,
        balancers,
        service.health_check_grace_period_seconds,
        plan,
    );
}

/// `serve` for tasks registered with `balancers` (a service's, or a task set's).
pub fn serve_balancers(
    world: &World,
    balancers: &[api::LoadBalancer],
    grace_period_seconds: Option<i32>,
    plan: &mut crate::cluster::lifecycle::TaskPlan,
) {
    let groups: Vec<&crate::sim::elbv2::TargetGroup> = balancers
        .iter()
        .filter_map(|b| {
            world
                .elbv2
                .target_groups
                .get(b.target_group_arn.as_deref()?)
        })
        .collect();
    let checks: Vec<Periodic> = groups.iter().map(|g| g.checks()).collect();
    let delay = groups
        .iter()
        .map(|g| g.deregistration_delay())
        .fold(0.0, f64::max);
    plan.serve(f64::from(grace_period_seconds.unwrap_or(0)), &checks, delay);
}

impl EcsState {
    /// The targets of a target group: every task of a service registered with it.
    pub fn target_health(
        &self,
        target_group_arn: &str,
        now: f64,
    ) -> Vec<elb::TargetHealthDescription> {
        let mut described = Vec::new();
        for ((cluster, _), service) in &self.services {
            let Some(cluster) = self.clusters.get(cluster) else {
                continue;
            };
            // A task set's tasks are registered with the task set's target groups, a blue/green
            // revision's with its own.
            for deployment in &service.deployments {
                registered(
                    cluster,
                    deployment.balancers(&service.load_balancers),
                    std::slice::from_ref(deployment),
                    target_group_arn,
                    now,
                    &mut described,
                );
            }
        }
        described
    }
}

/// The targets in `target_group_arn` of `deployments`' tasks registered through `balancers`.
fn registered(
    cluster: &Cluster,
    balancers: &[api::LoadBalancer],
    deployments: &[super::Deployment],
    target_group_arn: &str,
    now: f64,
    described: &mut Vec<elb::TargetHealthDescription>,
) {
    for balancer in balancers {
        if balancer.target_group_arn.as_deref() != Some(target_group_arn) {
            continue;
        }
        for deployment in deployments {
            for &position in &deployment.tasks {
                if let Some(target) = describe(cluster, &cluster.tasks[position], balancer, now) {
                    described.push(target);
                }
            }
        }
    }
}

/// The target a task is, if it is registered: from RUNNING until it has drained.
fn describe(
    cluster: &Cluster,
    task: &Task,
    balancer: &api::LoadBalancer,
    now: f64,
) -> Option<elb::TargetHealthDescription> {
    task.started_at?;
    let draining = task.desired_status == "STOPPED";
    if draining && task.last_status != "DEACTIVATING" {
        return None;
    }
    let name = balancer.container_name.as_deref().unwrap_or_default();
    let port = task.host_port(name, balancer.container_port.unwrap_or_default());
    let awsvpc = task.spec.task_definition.network_mode == Some(NetworkMode::Awsvpc);
    let id = if awsvpc {
        task.private_ipv4()
    } else {
        let arn = task.instance_arn.as_deref()?;
        let instance = cluster.instances.iter().find(|i| &*i.arn == arn)?;
        instance.ec2_instance_id.to_string()
    };
    let (state, reason, description) = if draining {
        (
            elb::TargetHealthStateEnum::Draining,
            Some(elb::TargetHealthReasonEnum::TargetDeregistrationInProgress),
            "Target deregistration is in progress",
        )
    } else {
        match task.target_health(now) {
            api::HealthStatus::Healthy => (elb::TargetHealthStateEnum::Healthy, None, ""),
            api::HealthStatus::Unhealthy => (
                elb::TargetHealthStateEnum::Unhealthy,
                Some(elb::TargetHealthReasonEnum::TargetFailedHealthChecks),
                "Health checks failed",
            ),
            api::HealthStatus::Unknown => (
                elb::TargetHealthStateEnum::Initial,
                Some(elb::TargetHealthReasonEnum::ElbInitialHealthChecking),
                "Initial health checks in progress",
            ),
        }
    };
    Some(elb::TargetHealthDescription {
        target: Some(elb::TargetDescription {
            id: Some(id),
            port,
            availability_zone: task.availability_zone.as_deref().map(str::to_string),
            quic_server_id: None,
        }),
        health_check_port: port.map(|p| p.to_string()),
        target_health: Some(elb::TargetHealth {
            state: Some(state),
            reason,
            description: (!description.is_empty()).then(|| description.to_string()),
        }),
        ..elb::TargetHealthDescription::default()
    })
}
