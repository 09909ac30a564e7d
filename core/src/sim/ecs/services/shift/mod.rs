//! ECS's blue/green, linear and canary deployments: a new service revision (green) scales up
//! beside the current one (blue) in the load balancers' other target group, takes the test
//! traffic, then the production traffic (all at once, in equal steps, or a canary share first),
//! bakes, and the blue tasks stop. Lifecycle hooks run at the stages they name and may pause the
//! deployment or roll it back (`hooks.rs`); the stages are walked by `round.rs`; the listener
//! rules' weights are written by `traffic.rs`.
//!
//! A service's first deployment has no blue revision to shift from: it starts its tasks as a
//! rolling deployment does, in the target group the production rule forwards to
//! (docs/conventions.md).

pub mod hooks;
pub(super) mod round;
pub(super) mod traffic;

use super::{Deployment, Service};
use crate::api::ecs::{
    self as api, DeploymentLifecycleHookStage as HookStage, DeploymentStrategy,
    ServiceDeploymentLifecycleStage as Stage,
};
use crate::error::EcsimError;
use crate::sim::elbv2::Elbv2State;

/// ECS's defaults and bounds (the API reference's DeploymentConfiguration, LinearConfiguration,
/// CanaryConfiguration and DeploymentLifecycleHookTimeoutConfiguration).
const LINEAR_STEP_PERCENT: f64 = 10.0;
const LINEAR_STEP_BAKE_MINUTES: i32 = 6;
const CANARY_PERCENT: f64 = 5.0;
const CANARY_BAKE_MINUTES: i32 = 10;
const MAX_BAKE_MINUTES: i32 = 1_440;
pub(super) const HOOK_TIMEOUT_MINUTES: i32 = 1_440;
const MAX_HOOK_TIMEOUT_MINUTES: i32 = 20_160;

/// How a service deploys a new revision, beyond ROLLING's percents: kept as given, shown by
/// DescribeServices and the service deployments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub strategy: Option<DeploymentStrategy>,
    pub bake_time_in_minutes: Option<i32>,
    pub lifecycle_hooks: Option<Vec<api::DeploymentLifecycleHook>>,
    pub linear_configuration: Option<api::LinearConfiguration>,
    pub canary_configuration: Option<api::CanaryConfiguration>,
}

impl Settings {
    /// The settings `given` makes of `current` (members not given stay), checked.
    pub fn updated(
        current: &Settings,
        given: Option<&api::DeploymentConfiguration>,
        daemon: bool,
    ) -> Result<Settings, EcsimError> {
        let Some(given) = given else {
            return Ok(current.clone());
        };
        let settings = Settings {
            strategy: given.strategy.or(current.strategy),
            bake_time_in_minutes: given.bake_time_in_minutes.or(current.bake_time_in_minutes),
            lifecycle_hooks: given
                .lifecycle_hooks
                .clone()
                .or_else(|| current.lifecycle_hooks.clone()),
            linear_configuration: given
                .linear_configuration
                .clone()
                .or_else(|| current.linear_configuration.clone()),
            canary_configuration: given
                .canary_configuration
                .clone()
                .or_else(|| current.canary_configuration.clone()),
        };
        settings.check(daemon)?;
        Ok(settings)
    }

    fn check(&self, daemon: bool) -> Result<(), EcsimError> {
        let strategy = self.strategy.unwrap_or(DeploymentStrategy::Rolling);
        if daemon && strategy != DeploymentStrategy::Rolling {
            return Err(invalid(format!(
                "deploymentConfiguration.strategy: the DAEMON scheduling strategy deploys with ROLLING only, not {}.",
                strategy.as_str()
            )));
        }
        if self.linear_configuration.is_some() && strategy != DeploymentStrategy::Linear {
            return Err(invalid(
                "deploymentConfiguration.linearConfiguration is only valid with the LINEAR strategy.",
            ));
        }
        if self.canary_configuration.is_some() && strategy != DeploymentStrategy::Canary {
            return Err(invalid(
                "deploymentConfiguration.canaryConfiguration is only valid with the CANARY strategy.",
            ));
        }
        check_minutes(
            "deploymentConfiguration.bakeTimeInMinutes",
            self.bake_time_in_minutes,
        )?;
        if let Some(linear) = &self.linear_configuration {
            check_percent(
                "deploymentConfiguration.linearConfiguration.stepPercent",
                linear.step_percent,
                3.0,
            )?;
            check_minutes(
                "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes",
                linear.step_bake_time_in_minutes,
            )?;
        }
        if let Some(canary) = &self.canary_configuration {
            check_percent(
                "deploymentConfiguration.canaryConfiguration.canaryPercent",
                canary.canary_percent,
                0.1,
            )?;
            check_minutes(
                "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes",
                canary.canary_bake_time_in_minutes,
            )?;
        }
        for (index, hook) in self.lifecycle_hooks.iter().flatten().enumerate() {
            check_hook(index, hook)?;
        }
        Ok(())
    }

    /// Whether new revisions shift traffic (BLUE_GREEN, LINEAR, CANARY) instead of rolling.
    pub fn shifts(&self) -> bool {
        self.strategy
            .is_some_and(|s| s != DeploymentStrategy::Rolling)
    }

    /// The hooks that run at `stage`.
    pub fn hooks_at(&self, stage: HookStage) -> Vec<&api::DeploymentLifecycleHook> {
        (self.lifecycle_hooks.iter().flatten())
            .filter(|h| h.lifecycle_stages.iter().flatten().any(|s| *s == stage))
            .collect()
    }

    pub fn bake_seconds(&self) -> f64 {
        f64::from(self.bake_time_in_minutes.unwrap_or(0)) * 60.0
    }

    /// The production traffic shift: (green's share of the first step, its step after, the
    /// wait between steps in seconds).
    pub fn steps(&self) -> (f64, f64, f64) {
        match self.strategy {
            Some(DeploymentStrategy::Linear) => {
                let linear = self.linear_configuration.clone().unwrap_or_default();
                let step = linear.step_percent.unwrap_or(LINEAR_STEP_PERCENT);
                let wait = linear
                    .step_bake_time_in_minutes
                    .unwrap_or(LINEAR_STEP_BAKE_MINUTES);
                (step, step, f64::from(wait) * 60.0)
            }
            Some(DeploymentStrategy::Canary) => {
                let canary = self.canary_configuration.clone().unwrap_or_default();
                let share = canary.canary_percent.unwrap_or(CANARY_PERCENT);
                let wait = canary
                    .canary_bake_time_in_minutes
                    .unwrap_or(CANARY_BAKE_MINUTES);
                (share, 100.0, f64::from(wait) * 60.0)
            }
            _ => (100.0, 100.0, 0.0),
        }
    }

    /// Its members in the service's deployment configuration.
    pub fn show(&self, configuration: &mut api::DeploymentConfiguration) {
        configuration.strategy = Some(self.strategy.unwrap_or(DeploymentStrategy::Rolling));
        configuration.bake_time_in_minutes = self.bake_time_in_minutes;
        configuration.lifecycle_hooks = self.lifecycle_hooks.clone();
        configuration.linear_configuration = self.linear_configuration.clone();
        configuration.canary_configuration = self.canary_configuration.clone();
    }
}

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

fn check_minutes(member: &str, minutes: Option<i32>) -> Result<(), EcsimError> {
    match minutes {
        Some(m) if !(0..=MAX_BAKE_MINUTES).contains(&m) => Err(invalid(format!(
            "{member} must be between 0 and {MAX_BAKE_MINUTES} minutes."
        ))),
        _ => Ok(()),
    }
}

/// A percentage that is a multiple of 0.1 between `lowest` and 100.
fn check_percent(member: &str, percent: Option<f64>, lowest: f64) -> Result<(), EcsimError> {
    let Some(percent) = percent else {
        return Ok(());
    };
    let tenths = percent * 10.0;
    if !(lowest..=100.0).contains(&percent) || (tenths - tenths.round()).abs() > 1e-9 {
        return Err(invalid(format!(
            "{member} must be a multiple of 0.1 between {lowest} and 100.0."
        )));
    }
    Ok(())
}

fn check_hook(index: usize, hook: &api::DeploymentLifecycleHook) -> Result<(), EcsimError> {
    let member = format!("deploymentConfiguration.lifecycleHooks[{index}]");
    let pause = hook.target_type == Some(api::DeploymentLifecycleHookTargetType::Pause);
    if !pause && (hook.hook_target_arn.is_none() || hook.role_arn.is_none()) {
        return Err(invalid(format!(
            "{member}: a hook that calls a Lambda function needs its hookTargetArn and a roleArn."
        )));
    }
    if pause && hook.hook_target_arn.is_some() {
        return Err(invalid(format!(
            "{member}: a PAUSE hook has no hookTargetArn."
        )));
    }
    if hook.lifecycle_stages.as_ref().is_none_or(|s| s.is_empty()) {
        return Err(invalid(format!(
            "{member}.lifecycleStages: name at least one stage."
        )));
    }
    let timeout = hook
        .timeout_configuration
        .as_ref()
        .and_then(|t| t.timeout_in_minutes);
    if timeout.is_some_and(|t| !(1..=MAX_HOOK_TIMEOUT_MINUTES).contains(&t)) {
        return Err(invalid(format!(
            "{member}.timeoutConfiguration.timeoutInMinutes must be between 1 and {MAX_HOOK_TIMEOUT_MINUTES}."
        )));
    }
    Ok(())
}

/// ECS's checks of the `advancedConfiguration` of a service's load balancers: the alternate
/// target group and the listener rules exist, and the production rule forwards to one of the
/// pair.
pub fn check_balancers(
    elbv2: &Elbv2State,
    balancers: &[api::LoadBalancer],
) -> Result<(), EcsimError> {
    for balancer in balancers {
        let Some(advanced) = &balancer.advanced_configuration else {
            continue;
        };
        let alternate = advanced.alternate_target_group_arn.as_deref().unwrap_or("");
        if !elbv2.target_groups.contains_key(alternate) {
            return Err(invalid(format!(
                "loadBalancers.advancedConfiguration.alternateTargetGroupArn: the target group {alternate} does not exist."
            )));
        }
        let primary = balancer.target_group_arn.as_deref().unwrap_or_default();
        if alternate == primary {
            return Err(invalid(
                "loadBalancers.advancedConfiguration.alternateTargetGroupArn must differ from targetGroupArn.",
            ));
        }
        let production = advanced.production_listener_rule.as_deref().unwrap_or("");
        if !elbv2.routes(production) {
            return Err(invalid(format!(
                "loadBalancers.advancedConfiguration.productionListenerRule: no listener or rule {production} exists."
            )));
        }
        let forwards = elbv2
            .weights(production)
            .iter()
            .any(|(group, _)| group == primary || group == alternate);
        if !forwards {
            return Err(invalid(format!(
                "loadBalancers.advancedConfiguration.productionListenerRule: {production} forwards to neither {primary} nor {alternate}."
            )));
        }
        if let Some(test) = advanced.test_listener_rule.as_deref() {
            if !elbv2.routes(test) {
                return Err(invalid(format!(
                    "loadBalancers.advancedConfiguration.testListenerRule: no listener or rule {test} exists."
                )));
            }
        }
        if advanced.role_arn.is_none() {
            return Err(invalid(
                "loadBalancers.advancedConfiguration.roleArn: ECS needs a role to change the listener rules.",
            ));
        }
    }
    Ok(())
}

/// Where a shifting deployment stands.
#[derive(Clone, Debug)]
pub struct Progress {
    /// The deployment whose tasks serve the production traffic until the shift (blue).
    pub blue: String,
    pub phase: round::Phase,
    /// Whether the hooks of the phase have all let it go on.
    pub hooks_passed: bool,
    /// Every hook run so far, the current phase's last.
    pub hooks: Vec<hooks::HookRun>,
    /// Green's share of the production traffic, in percent.
    pub production_share: f64,
    /// When the current wait (a step's bake, the bake time) ends.
    pub wait_until: Option<f64>,
    /// Why it rolls back, once something asked it to (the next look does it).
    pub abort: Option<String>,
}

impl Progress {
    pub fn stage(&self) -> Stage {
        self.phase.stage()
    }
}

/// Readies a new deployment of `service`: the target groups its tasks register with, and, when
/// it replaces a revision that serves traffic, its progress through the stages. A shift under
/// way stops there, as its service deployment does: a new deployment that shifts gives all the
/// production traffic to its blue revision at its reconcile, and a rollback to that revision
/// keeps it there instead of resuming a shift from a revision whose tasks are gone.
pub fn begin(service: &mut Service, elbv2: &Elbv2State, deployment: &mut Deployment) {
    prepare(service, elbv2, deployment);
    for superseded in &mut service.deployments {
        superseded.shift = None;
    }
}

fn prepare(service: &Service, elbv2: &Elbv2State, deployment: &mut Deployment) {
    let shifting = service.shift_settings.shifts();
    // The revision serving the production traffic: the current one, or, while a shift is under
    // way and has moved less than half, the one it shifts from.
    let current = service.deployments.first();
    let blue_id = match current.and_then(|d| d.shift.as_deref()) {
        Some(progress) if progress.production_share < 50.0 => Some(progress.blue.as_str()),
        _ => current.map(|d| d.id.as_str()),
    };
    let blue = service
        .deployments
        .iter()
        .find(|d| Some(d.id.as_str()) == blue_id && !d.tasks.is_empty());
    let advanced = service
        .load_balancers
        .iter()
        .any(|b| b.advanced_configuration.is_some());
    if advanced {
        deployment.balancers = Some(traffic::balancers_for(
            elbv2,
            &service.load_balancers,
            blue.map(|b| b.balancers(&service.load_balancers)),
            shifting,
        ));
    }
    if let (true, Some(blue)) = (shifting, blue) {
        let others = service.deployments.iter().filter(|d| d.id != blue.id);
        deployment.shift = Some(Box::new(Progress {
            blue: blue.id.clone(),
            phase: round::Phase::first(others.count() > 0),
            hooks_passed: false,
            hooks: Vec::new(),
            production_share: 0.0,
            wait_until: None,
            abort: None,
        }));
    }
}
