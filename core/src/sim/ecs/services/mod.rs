//! ECS services: the state the scheduler keeps for each, and how DescribeServices shows it.
//! The actions are in `actions`, the control loop that keeps each service at its desired count
//! and rolls its deployments in `scheduler`.

pub mod actions;
mod daemon;
pub mod deployments_api;
mod external;
mod health;
pub mod history;
pub mod registries;
pub(crate) mod rollback;
mod scale_in;
pub mod scheduler;
pub mod shift;
pub mod signals;
pub mod targets;
pub mod task_sets;
mod throttle;
pub mod view;

use crate::api::ecs::{self as api, DeploymentRolloutState, LaunchType};
use crate::cluster::TaskPosition;
use crate::placement::{Constraint, Strategy};
use crate::sim::ecs::capacity::{self, Share};
use crate::sim::subnets::Subnet;

/// At most this many events stay on a service (DescribeServices shows the newest 100).
const KEPT_EVENTS: usize = 100;

/// The documented defaults: 100 % healthy during a deployment, up to 200 % running.
pub const DEFAULT_MINIMUM_HEALTHY_PERCENT: u32 = 100;
pub const DEFAULT_MAXIMUM_PERCENT: u32 = 200;

/// A service's status, as DescribeServices shows it: DRAINING from DeleteService until its tasks
/// have stopped, then INACTIVE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceStatus {
    Active,
    Draining,
    Inactive,
}

impl ServiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "ACTIVE",
            ServiceStatus::Draining => "DRAINING",
            ServiceStatus::Inactive => "INACTIVE",
        }
    }
}

#[derive(Clone)]
pub struct Service {
    pub name: String,
    pub arn: String,
    pub cluster_arn: String,
    /// ACTIVE, DRAINING (deleted, tasks stopping) or INACTIVE.
    pub status: ServiceStatus,
    /// DAEMON: a task on every eligible instance (the desired count follows them).
    pub daemon: bool,
    pub desired_count: u32,
    pub launch_type: LaunchType,
    pub network_configuration: Option<api::NetworkConfiguration>,
    pub subnets: Vec<Subnet>,
    pub placement_constraints: Vec<api::PlacementConstraint>,
    pub placement_strategy: Vec<api::PlacementStrategy>,
    pub strategies: Vec<Strategy>,
    pub constraints: Vec<Constraint>,
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    pub circuit_breaker: Option<api::DeploymentCircuitBreaker>,
    /// BLUE_GREEN, LINEAR or CANARY, with their bake times and lifecycle hooks (`shift`).
    pub shift_settings: shift::Settings,
    pub health_check_grace_period_seconds: Option<i32>,
    /// Target groups its tasks are registered with.
    pub load_balancers: Vec<api::LoadBalancer>,
    /// The Cloud Map service its tasks are registered with (`registries`).
    pub service_registries: Vec<api::ServiceRegistry>,
    pub created_at: f64,
    pub tags: Vec<api::Tag>,
    /// Where its tasks' tags come from besides ECS's own (`propagateTags`).
    pub propagate_tags: Option<api::PropagateTags>,
    /// `enableECSManagedTags`: its tasks are tagged with the cluster's and the service's names.
    pub managed_tags: bool,
    /// The PRIMARY deployment first, then the ACTIVE ones it replaces.
    pub deployments: Vec<Deployment>,
    /// Newest first.
    pub events: Vec<api::ServiceEvent>,
    /// Whether the last look found the service steady (so that the event is sent once).
    pub steady: bool,
    /// Its tasks as last worked out (`view.rs`).
    pub view: Option<view::TaskView>,
    /// ECS's service throttle (`throttle.rs`).
    pub throttle: throttle::Throttle,
    /// Whether the last look found a deployment stuck (so that the event is sent once).
    pub stuck: bool,
    /// Events ever recorded (the kept ones are at most 100).
    pub events_added: u64,
    /// What it reports on EventBridge, until the simulation takes it.
    pub signals: Vec<(f64, signals::Signal)>,
    /// Every deployment it has had (the service deployments API).
    pub history: history::History,
    /// EXTERNAL: a deployment controller outside ECS runs it through task sets (`task_sets`),
    /// which are its `deployments`, the PRIMARY one first.
    pub external: bool,
}

#[derive(Clone)]
pub struct Deployment {
    /// `ecs-svc/` and 19 digits; also the `startedBy` of its tasks.
    pub id: String,
    pub task_definition_arn: String,
    /// Its tasks' split over FARGATE and FARGATE_SPOT (empty: the service's launch type alone).
    pub capacity_provider_strategy: Vec<Share>,
    pub created_at: f64,
    pub updated_at: f64,
    pub rollout_state: DeploymentRolloutState,
    pub rollout_state_reason: String,
    pub failed_tasks: u32,
    /// Positions in the cluster's `tasks` of this deployment's tasks that are not STOPPED yet.
    pub tasks: Vec<TaskPosition>,
    /// What a task set of an EXTERNAL service has besides (None for ECS's own deployments).
    pub task_set: Option<Box<task_sets::TaskSetSettings>>,
    /// The target groups its tasks register with, when they are not the service's (a blue/green
    /// service's revisions take turns in its two target groups).
    pub balancers: Option<Vec<api::LoadBalancer>>,
    /// Where it stands in a blue/green, linear or canary shift (None: it rolls, or is done).
    pub shift: Option<Box<shift::Progress>>,
}

impl Deployment {
    /// The load balancers its tasks register with: a task set's, its own, or the service's.
    pub fn balancers<'a>(&'a self, service: &'a [api::LoadBalancer]) -> &'a [api::LoadBalancer] {
        match (&self.task_set, &self.balancers) {
            (Some(set), _) => &set.load_balancers,
            (None, Some(own)) => own,
            (None, None) => service,
        }
    }

    /// Ends the rollout in `state`; returns the service event that says so.
    pub fn conclude(
        &mut self,
        service: &str,
        state: DeploymentRolloutState,
        reason: &str,
        event: &str,
        now: f64,
    ) -> String {
        self.rollout_state = state;
        self.rollout_state_reason = reason.into();
        self.updated_at = now;
        format!("(service {service}) (deployment {}) {event}", self.id)
    }
}

/// How the tasks of one deployment stand now.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Desired RUNNING and RUNNING.
    pub running: u32,
    /// Of those, the ones the scheduler counts as healthy.
    pub healthy: u32,
    /// Desired RUNNING, not RUNNING yet.
    pub pending: u32,
    /// Asked to stop, not STOPPED yet.
    pub stopping: u32,
}

impl Service {
    /// Adds an event, newest first; `at` is the simulation's clock.
    pub fn event(&mut self, id: String, at: f64, message: String) {
        self.events.insert(
            0,
            api::ServiceEvent {
                id: Some(id),
                created_at: Some(at),
                message: Some(message),
            },
        );
        self.events.truncate(KEPT_EVENTS);
        self.events_added += 1;
    }

    /// The rolling-update bounds (`scaling::math::rolling_update_bounds`).
    pub fn bounds(&self) -> (u32, u32) {
        let (lower, upper) = crate::scaling::math::rolling_update_bounds(
            u64::from(self.desired_count),
            u64::from(self.minimum_healthy_percent),
            u64::from(self.maximum_percent),
        );
        let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        (narrow(lower), narrow(upper))
    }

    /// The service's constraints, static memberOf expressions evaluated once over `instances`.
    pub fn constraints_over(
        &self,
        instances: &[crate::cluster::ContainerInstance],
    ) -> Vec<Constraint> {
        self.constraints
            .iter()
            .cloned()
            .map(|c| c.evaluated(instances))
            .collect()
    }

    /// A service or deployment on capacity providers shows its strategy and no launch type.
    pub(super) fn launch_shown(
        &self,
        strategy: &[Share],
    ) -> (
        Option<LaunchType>,
        Option<Vec<api::CapacityProviderStrategyItem>>,
    ) {
        if strategy.is_empty() {
            (Some(self.launch_type), None)
        } else {
            (None, Some(capacity::to_api(strategy)))
        }
    }

    /// Its deployment configuration, as DescribeServices and its service deployments show it.
    pub(super) fn deployment_configuration(&self) -> api::DeploymentConfiguration {
        let mut configuration = api::DeploymentConfiguration {
            deployment_circuit_breaker: self.circuit_breaker.clone(),
            maximum_percent: Some(self.maximum_percent as i32),
            minimum_healthy_percent: Some(self.minimum_healthy_percent as i32),
            ..api::DeploymentConfiguration::default()
        };
        if !self.external {
            self.shift_settings.show(&mut configuration);
        }
        configuration
    }

    pub fn to_api(&self, counts: &[Counts]) -> api::Service {
        if self.external {
            return task_sets::service_to_api(self, counts);
        }
        let total = counts.iter().fold(Counts::default(), |sum, c| Counts {
            running: sum.running + c.running,
            healthy: sum.healthy + c.healthy,
            pending: sum.pending + c.pending,
            stopping: sum.stopping + c.stopping,
        });
        let deployments = self
            .deployments
            .iter()
            .zip(counts)
            .enumerate()
            .map(|(index, (deployment, counts))| {
                let (launch_type, capacity_provider_strategy) =
                    self.launch_shown(&deployment.capacity_provider_strategy);
                api::Deployment {
                    id: Some(deployment.id.clone()),
                    status: Some(if index == 0 { "PRIMARY" } else { "ACTIVE" }.into()),
                    task_definition: Some(deployment.task_definition_arn.clone()),
                    desired_count: Some(if index == 0 {
                        self.desired_count as i32
                    } else {
                        0
                    }),
                    pending_count: Some(counts.pending as i32),
                    running_count: Some(counts.running as i32),
                    failed_tasks: Some(deployment.failed_tasks as i32),
                    created_at: Some(deployment.created_at),
                    updated_at: Some(deployment.updated_at),
                    launch_type,
                    capacity_provider_strategy,
                    network_configuration: self.network_configuration.clone(),
                    rollout_state: Some(deployment.rollout_state),
                    rollout_state_reason: Some(deployment.rollout_state_reason.clone()),
                    ..api::Deployment::default()
                }
            })
            .collect();
        let primary_strategy = self
            .deployments
            .first()
            .map(|d| d.capacity_provider_strategy.as_slice())
            .unwrap_or_default();
        let (launch_type, capacity_provider_strategy) = self.launch_shown(primary_strategy);
        api::Service {
            service_arn: Some(self.arn.clone()),
            service_name: Some(self.name.clone()),
            cluster_arn: Some(self.cluster_arn.clone()),
            status: Some(self.status.as_str().into()),
            desired_count: Some(self.desired_count as i32),
            running_count: Some(total.running as i32),
            pending_count: Some(total.pending as i32),
            launch_type,
            capacity_provider_strategy,
            task_definition: self
                .deployments
                .first()
                .map(|d| d.task_definition_arn.clone()),
            deployment_configuration: Some(self.deployment_configuration()),
            deployments: Some(deployments),
            events: Some(self.events.clone()),
            created_at: Some(self.created_at),
            placement_constraints: Some(self.placement_constraints.clone()),
            placement_strategy: Some(self.placement_strategy.clone()),
            network_configuration: self.network_configuration.clone(),
            health_check_grace_period_seconds: self.health_check_grace_period_seconds,
            load_balancers: Some(self.load_balancers.clone()),
            service_registries: Some(self.service_registries.clone()),
            scheduling_strategy: Some(if self.daemon {
                api::SchedulingStrategy::Daemon
            } else {
                api::SchedulingStrategy::Replica
            }),
            deployment_controller: Some(api::DeploymentController {
                r#type: Some(api::DeploymentControllerType::Ecs),
            }),
            tags: Some(self.tags.clone()),
            propagate_tags: Some(self.propagate_tags.unwrap_or(api::PropagateTags::None)),
            enable_ecs_managed_tags: Some(self.managed_tags),
            ..api::Service::default()
        }
    }
}
