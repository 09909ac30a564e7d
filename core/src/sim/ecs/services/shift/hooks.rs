//! Deployment lifecycle hooks. A hook runs when a shifting deployment reaches a stage it names:
//! a PAUSE hook waits for ContinueServiceDeployment; an AWS_LAMBDA hook answers as
//! ecsim's PutHookFunction declared its function (no Lambda runs here), SUCCEEDED at once when
//! it was never declared. ECS asks a function that answers IN_PROGRESS again every 30 seconds.
//! A hook that outlives its timeout takes its timeout action (ROLLBACK unless given).

use super::{Progress, HOOK_TIMEOUT_MINUTES};
use crate::api::ecs::{
    self as api, DeploymentLifecycleHookAction as Action,
    DeploymentLifecycleHookStage as HookStage, DeploymentLifecycleHookStatus as Status,
    DeploymentLifecycleHookTargetType as TargetType,
};
use crate::api::ecsim as control;
use crate::error::EcsimError;
use crate::sim::fnv::Fnv;
use crate::sim::World;
use std::collections::BTreeMap;

/// How often ECS invokes a hook's function again while it answers IN_PROGRESS.
const CALLBACK_SECONDS: f64 = 30.0;

/// What a Lambda function answers as a hook (PutHookFunction).
#[derive(Clone, Debug)]
pub struct HookFunction {
    pub status: Status,
    pub in_progress_seconds: f64,
    /// None: every stage.
    pub stages: Option<Vec<HookStage>>,
}

/// The functions declared, by ARN.
pub type HookFunctions = BTreeMap<String, HookFunction>;

/// One run of a hook at one stage.
#[derive(Clone, Debug)]
pub struct HookRun {
    pub id: String,
    pub stage: HookStage,
    pub target_type: TargetType,
    pub target_arn: Option<String>,
    pub status: Status,
    pub expires_at: f64,
    pub timeout_action: Action,
    /// When a function answers its last word (None: a PAUSE hook, which waits for a person).
    pub answers_at: Option<f64>,
    /// What it answers then.
    pub answer: Status,
}

impl HookRun {
    pub fn detail(&self) -> api::DeploymentLifecycleHookDetail {
        api::DeploymentLifecycleHookDetail {
            hook_id: Some(self.id.clone()),
            target_type: Some(self.target_type),
            target_arn: self.target_arn.clone(),
            status: Some(self.status),
            expires_at: Some(self.expires_at),
            timeout_action: Some(self.timeout_action),
        }
    }

    fn waiting(&self) -> bool {
        matches!(self.status, Status::AwaitingAction | Status::InProgress)
    }
}

/// `ecs-pause-…` or `ecs-hook-…` and 43 URL-safe characters hashed from the deployment, the
/// stage and the hook's place, so that no draw of the simulation's generator is spent on it.
fn hook_id(deployment_id: &str, stage: HookStage, index: usize, pause: bool) -> String {
    let mut hash = Fnv::new();
    hash.bytes(deployment_id.as_bytes());
    hash.bytes(stage.as_str().as_bytes());
    hash.bytes(&(index as u64).to_le_bytes());
    let id = crate::sim::fnv::url_safe_id(hash.0, 43);
    format!("ecs-{}-{id}", if pause { "pause" } else { "hook" })
}

/// Starts the hooks `hooks` at `stage` of deployment `deployment_id`.
pub fn start(
    progress: &mut Progress,
    deployment_id: &str,
    stage: HookStage,
    hooks: &[&api::DeploymentLifecycleHook],
    functions: &HookFunctions,
    now: f64,
) {
    for (index, hook) in hooks.iter().enumerate() {
        let target_type = hook.target_type.unwrap_or(TargetType::AwsLambda);
        let pause = target_type == TargetType::Pause;
        let timeout = hook.timeout_configuration.as_ref();
        let minutes = timeout
            .and_then(|t| t.timeout_in_minutes)
            .unwrap_or(HOOK_TIMEOUT_MINUTES);
        let (answers_at, answer) = if pause {
            (None, Status::Succeeded)
        } else {
            let arn = hook.hook_target_arn.as_deref().unwrap_or_default();
            let declared = functions
                .get(arn)
                .filter(|f| f.stages.as_ref().is_none_or(|s| s.contains(&stage)));
            match declared {
                Some(function) => {
                    let calls = (function.in_progress_seconds / CALLBACK_SECONDS).ceil();
                    (Some(now + calls * CALLBACK_SECONDS), function.status)
                }
                None => (Some(now), Status::Succeeded),
            }
        };
        progress.hooks.push(HookRun {
            id: hook_id(deployment_id, stage, index, pause),
            stage,
            target_type,
            target_arn: hook.hook_target_arn.clone(),
            status: if pause {
                Status::AwaitingAction
            } else {
                Status::InProgress
            },
            expires_at: now + f64::from(minutes) * 60.0,
            timeout_action: timeout.and_then(|t| t.action).unwrap_or(Action::Rollback),
            answers_at,
            answer,
        });
    }
}

/// What the runs at `stage` say now.
pub enum Verdict {
    /// All succeeded (or timed out with CONTINUE): the deployment goes on.
    Pass,
    /// One failed: the deployment rolls back, for this reason.
    Fail(String),
    /// Some are still running: look again at this time (None: only a person can end them).
    Wait(Option<f64>),
}

/// Moves the runs at `stage` on to `now` and says what they decide.
pub fn verdict(progress: &mut Progress, stage: HookStage, now: f64) -> Verdict {
    let mut wake: Option<f64> = None;
    let mut failed = None;
    for run in progress.hooks.iter_mut().filter(|r| r.stage == stage) {
        if run.waiting() {
            match run.answers_at {
                Some(at) if at <= now && at <= run.expires_at => run.status = run.answer,
                _ if run.expires_at <= now => run.status = Status::TimedOut,
                _ => {}
            }
        }
        let stage = stage.as_str();
        match (run.status, run.timeout_action) {
            (Status::Failed, _) => {
                failed.get_or_insert(format!("the lifecycle hook {} failed at {stage}", run.id));
            }
            (Status::TimedOut, Action::Rollback) => {
                failed.get_or_insert(format!(
                    "the lifecycle hook {} timed out at {stage}",
                    run.id
                ));
            }
            (Status::AwaitingAction | Status::InProgress, _) => {
                let next = match run.answers_at {
                    Some(at) => at.min(run.expires_at),
                    None => run.expires_at,
                };
                wake = Some(wake.map_or(next, |w| w.min(next)));
            }
            _ => {}
        }
    }
    match (failed, wake) {
        (Some(reason), _) => Verdict::Fail(reason),
        (None, Some(at)) => Verdict::Wait(Some(at)),
        (None, None) => Verdict::Pass,
    }
}

/// ContinueServiceDeployment: a PAUSE hook awaiting action goes on (CONTINUE, the default) or
/// rolls the deployment back (ROLLBACK); the next look of the scheduler acts on it.
pub fn continue_service_deployment(
    world: &mut World,
    request: api::ContinueServiceDeploymentRequest,
) -> Result<api::ContinueServiceDeploymentResponse, EcsimError> {
    let arn = request.service_deployment_arn.unwrap_or_default();
    let hook_id = request.hook_id.unwrap_or_default();
    let service = crate::sim::ecs::services::deployments_api::service_of(&mut world.ecs, &arn)?;
    let in_progress = service
        .history
        .deployments
        .iter()
        .find(|r| r.arn() == arn)
        .filter(|r| r.status() == api::ServiceDeploymentStatus::InProgress)
        .and_then(|r| r.deployment_ids.first().cloned());
    let awaiting = service
        .deployments
        .first_mut()
        .filter(|d| in_progress.as_ref() == Some(&d.id))
        .and_then(|d| d.shift.as_deref_mut())
        .and_then(|p| p.hooks.iter_mut().find(|r| r.id == hook_id))
        .filter(|run| run.status == Status::AwaitingAction);
    let Some(run) = awaiting else {
        return Err(api::Error::ConflictException.with(format!(
            "The service deployment {arn} has no lifecycle hook {hook_id} awaiting action: it must be IN_PROGRESS and paused at a PAUSE hook."
        )));
    };
    run.status = match request.action.unwrap_or(Action::Continue) {
        Action::Continue => Status::Succeeded,
        Action::Rollback => Status::Failed,
    };
    service.steady = false;
    Ok(api::ContinueServiceDeploymentResponse {
        service_deployment_arn: Some(arn),
    })
}

/// ecsim's PutHookFunction: what a Lambda function named by hooks answers from now on.
pub fn put_hook_function(
    world: &mut World,
    request: control::PutHookFunctionRequest,
) -> Result<control::PutHookFunctionResponse, EcsimError> {
    let seconds = request.in_progress_seconds.unwrap_or(0.0);
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(control::Error::InvalidParameterException
            .with("inProgressSeconds must be a number of seconds, 0 or more."));
    }
    let status = match request.hook_status {
        Some(control::HookFunctionStatus::Failed) => Status::Failed,
        _ => Status::Succeeded,
    };
    let stages = request.lifecycle_stages.map(|stages| {
        stages
            .iter()
            .filter_map(|s| HookStage::from_name(s.as_str()))
            .collect()
    });
    world.ecs.hook_functions.insert(
        request.function_arn.unwrap_or_default(),
        HookFunction {
            status,
            in_progress_seconds: seconds,
            stages,
        },
    );
    Ok(control::PutHookFunctionResponse {})
}
