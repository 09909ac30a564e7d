//! The stages of a blue/green, linear or canary deployment, walked by the service scheduler's
//! looks: each stage first runs its lifecycle hooks, then does its work (start green, shift the
//! test traffic, shift the production traffic step by step, bake, stop blue), and the next
//! begins at once when it is done. A failed hook, a circuit breaker or StopServiceDeployment
//! rolls back until the clean-up begins: the traffic returns to blue, green's tasks stop.

use super::{hooks, traffic, Progress};
use crate::api::ecs::{
    DeploymentLifecycleHookStage as HookStage, DeploymentRolloutState,
    ServiceDeploymentLifecycleStage as Stage,
};
use crate::cluster::{Cluster, TaskPosition};
use crate::sim::clock::{Event, Queue};
use crate::sim::ecs::services::scheduler::{counts, event, live_tasks, stop_tasks};
use crate::sim::ecs::services::signals::Outcome;
use crate::sim::ecs::services::Service;
use crate::sim::elbv2::Elbv2State;
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Reconcile,
    PreScaleUp,
    ScaleUp,
    PostScaleUp,
    TestShift,
    PostTestShift,
    PreProductionShift,
    ProductionShift,
    PostProductionShift,
    Bake,
    CleanUp,
}

const ORDER: [Phase; 11] = [
    Phase::Reconcile,
    Phase::PreScaleUp,
    Phase::ScaleUp,
    Phase::PostScaleUp,
    Phase::TestShift,
    Phase::PostTestShift,
    Phase::PreProductionShift,
    Phase::ProductionShift,
    Phase::PostProductionShift,
    Phase::Bake,
    Phase::CleanUp,
];

impl Phase {
    /// RECONCILE_SERVICE only when more than one revision is active besides the new one.
    pub fn first(reconcile: bool) -> Phase {
        if reconcile {
            Phase::Reconcile
        } else {
            Phase::PreScaleUp
        }
    }

    fn next(self) -> Option<Phase> {
        let index = ORDER.iter().position(|p| *p == self)?;
        ORDER.get(index + 1).copied()
    }

    /// The stage the service deployment shows.
    pub fn stage(self) -> Stage {
        match self {
            Phase::Reconcile => Stage::ReconcileService,
            Phase::PreScaleUp => Stage::PreScaleUp,
            Phase::ScaleUp => Stage::ScaleUp,
            Phase::PostScaleUp => Stage::PostScaleUp,
            Phase::TestShift => Stage::TestTrafficShift,
            Phase::PostTestShift => Stage::PostTestTrafficShift,
            Phase::PreProductionShift | Phase::ProductionShift => Stage::ProductionTrafficShift,
            Phase::PostProductionShift => Stage::PostProductionTrafficShift,
            Phase::Bake => Stage::BakeTime,
            Phase::CleanUp => Stage::CleanUp,
        }
    }

    /// The hooks' stage that runs when it begins.
    fn hook_stage(self) -> Option<HookStage> {
        Some(match self {
            Phase::Reconcile => HookStage::ReconcileService,
            Phase::PreScaleUp => HookStage::PreScaleUp,
            Phase::PostScaleUp => HookStage::PostScaleUp,
            Phase::TestShift => HookStage::TestTrafficShift,
            Phase::PostTestShift => HookStage::PostTestTrafficShift,
            Phase::PreProductionShift => HookStage::PreProductionTrafficShift,
            Phase::ProductionShift => HookStage::ProductionTrafficShift,
            Phase::PostProductionShift => HookStage::PostProductionTrafficShift,
            Phase::ScaleUp | Phase::Bake | Phase::CleanUp => return None,
        })
    }
}

/// What one look works with.
pub struct Round<'a> {
    pub cluster: &'a mut Cluster,
    pub service: &'a mut Service,
    pub elbv2: &'a mut Elbv2State,
    pub functions: &'a hooks::HookFunctions,
    pub clock: &'a mut Queue,
    pub rng: &'a mut ChaCha8Rng,
    pub now: f64,
}

enum Work {
    Done,
    /// Look again then (None: a task's change will bring the next look).
    Wait(Option<f64>),
}

/// Whether the service's primary deployment is shifting traffic.
pub fn shifting(service: &Service) -> bool {
    service
        .deployments
        .first()
        .is_some_and(|d| d.shift.is_some())
}

/// One look at a service whose primary deployment shifts: walks its stages as far as they go
/// now; returns how many green tasks to start.
pub fn round(mut round: Round) -> u32 {
    // Taken out while the look works on it, put back unless the deployment ended.
    let Some(mut progress) = round.service.deployments[0].shift.take() else {
        return 0;
    };
    let now = round.now;
    loop {
        if let Some(reason) = progress.abort.take() {
            if progress.phase < Phase::CleanUp {
                roll_back(&mut round, *progress, &reason);
                return 0;
            }
        }
        let phase = progress.phase;
        if !progress.hooks_passed {
            if let Some(stage) = phase.hook_stage() {
                if !progress.hooks.iter().any(|r| r.stage == stage) {
                    let id = &round.service.deployments[0].id;
                    let hooks = round.service.shift_settings.hooks_at(stage);
                    hooks::start(&mut progress, id, stage, &hooks, round.functions, now);
                }
                match hooks::verdict(&mut progress, stage, now) {
                    hooks::Verdict::Pass => {}
                    hooks::Verdict::Fail(reason) => {
                        roll_back(&mut round, *progress, &reason);
                        return 0;
                    }
                    hooks::Verdict::Wait(at) => return pause(round, progress, at),
                }
            }
            progress.hooks_passed = true;
        }
        match work(&mut round, &mut progress) {
            Work::Wait(at) => return pause(round, progress, at),
            Work::Done => match phase.next() {
                Some(next) => {
                    progress.phase = next;
                    progress.hooks_passed = false;
                    progress.wait_until = None;
                }
                None => {
                    // Done: the scheduler's settle completes the deployment.
                    note_stage(round.service, &progress);
                    return 0;
                }
            },
        }
    }
}

/// Puts the progress back, asks the clock for a look at `at`, notes the stage in the service
/// deployment, and says how many green tasks to start: as many as the desired count wants,
/// once the scale-up has begun.
fn pause(round: Round, progress: Box<Progress>, at: Option<f64>) -> u32 {
    if let Some(at) = at {
        round.clock.schedule(at, Event::SchedulerLooks);
    }
    note_stage(round.service, &progress);
    let started = progress.phase >= Phase::ScaleUp;
    round.service.deployments[0].shift = Some(progress);
    if !started {
        return 0;
    }
    let green = counts(round.cluster, &round.service.deployments[0], round.now);
    round
        .service
        .desired_count
        .saturating_sub(green.running + green.pending)
}

fn note_stage(service: &mut Service, progress: &Progress) {
    let details = progress.hooks.iter().map(|r| r.detail()).collect();
    let id = service.deployments[0].id.clone();
    service.note_stage(&id, progress.stage(), details);
}

fn blue_index(service: &Service, progress: &Progress) -> Option<usize> {
    service
        .deployments
        .iter()
        .position(|d| d.id == progress.blue)
}

fn work(round: &mut Round, progress: &mut Progress) -> Work {
    let now = round.now;
    let service = &mut *round.service;
    let blue = blue_index(service, progress);
    let green_balancers = service.deployments[0]
        .balancers(&service.load_balancers)
        .to_vec();
    match progress.phase {
        Phase::Reconcile => {
            traffic::write(
                round.elbv2,
                &service.load_balancers,
                &green_balancers,
                0.0,
                0.0,
            );
            let others: Vec<TaskPosition> = (service.deployments.iter().enumerate())
                .filter(|(i, _)| *i != 0 && Some(*i) != blue)
                .flat_map(|(_, d)| live_tasks(round.cluster, d))
                .filter(|&p| !round.cluster.tasks[p].protected(now))
                .collect();
            stop_tasks(round.cluster, service, &others, now, round.rng);
            let left = (service.deployments.iter().enumerate())
                .any(|(i, d)| i != 0 && Some(i) != blue && !d.tasks.is_empty());
            if left {
                Work::Wait(None)
            } else {
                Work::Done
            }
        }
        Phase::ScaleUp => {
            if green_ready(round) {
                Work::Done
            } else {
                Work::Wait(None)
            }
        }
        Phase::TestShift => {
            traffic::write(
                round.elbv2,
                &service.load_balancers,
                &green_balancers,
                0.0,
                100.0,
            );
            Work::Done
        }
        Phase::ProductionShift => shift_production(round, progress, &green_balancers),
        Phase::Bake => {
            let bake = service.shift_settings.bake_seconds();
            let until = *progress.wait_until.get_or_insert(now + bake);
            if now >= until {
                Work::Done
            } else {
                Work::Wait(Some(until))
            }
        }
        Phase::CleanUp => {
            let Some(blue) = blue else {
                return Work::Done;
            };
            let stopping: Vec<TaskPosition> = live_tasks(round.cluster, &service.deployments[blue])
                .filter(|&p| !round.cluster.tasks[p].protected(now))
                .collect();
            stop_tasks(round.cluster, service, &stopping, now, round.rng);
            if service.deployments[blue].tasks.is_empty() {
                Work::Done
            } else {
                Work::Wait(None)
            }
        }
        Phase::PreScaleUp
        | Phase::PostScaleUp
        | Phase::PostTestShift
        | Phase::PreProductionShift
        | Phase::PostProductionShift => Work::Done,
    }
}

/// Whether green has the tasks the service wants and every one of them is RUNNING and healthy:
/// traffic reaches only healthy targets, and a scale-in during the shift can leave more green
/// tasks than it wants, some of them not yet healthy.
fn green_ready(round: &Round) -> bool {
    let green = counts(round.cluster, &round.service.deployments[0], round.now);
    let desired = round.service.desired_count;
    green.running >= desired && green.healthy == green.running && green.pending == 0
}

/// The production traffic moves to green: all at once (BLUE_GREEN), in equal steps (LINEAR) or
/// a canary share first (CANARY), waiting the step's bake time between steps.
fn shift_production(
    round: &mut Round,
    progress: &mut Progress,
    green_balancers: &[crate::api::ecs::LoadBalancer],
) -> Work {
    let now = round.now;
    let (first, step, wait) = round.service.shift_settings.steps();
    loop {
        if let Some(until) = progress.wait_until.filter(|until| now < *until) {
            return Work::Wait(Some(until));
        }
        let share = progress.production_share;
        if share >= 100.0 {
            return Work::Done;
        }
        if !green_ready(round) {
            return Work::Wait(None);
        }
        let next = if share <= 0.0 { first } else { share + step }.min(100.0);
        let balancers = &round.service.load_balancers;
        traffic::write(round.elbv2, balancers, green_balancers, next, 100.0);
        progress.production_share = next;
        // The step's bake time is not waited after the last step.
        progress.wait_until = (next < 100.0).then_some(now + wait);
    }
}

/// Rolls the deployment back: the traffic returns to blue, green ends FAILED and its tasks stop,
/// blue is the primary deployment again.
fn roll_back(round: &mut Round, progress: Progress, reason: &str) {
    let now = round.now;
    let service = &mut *round.service;
    let green_balancers = service.deployments[0]
        .balancers(&service.load_balancers)
        .to_vec();
    traffic::write(
        round.elbv2,
        &service.load_balancers,
        &green_balancers,
        0.0,
        0.0,
    );
    note_stage(service, &progress);
    let green_id = service.deployments[0].id.clone();
    let reason = format!("ECS deployment rolled back: {reason}.");
    let message = service.deployments[0].conclude(
        &service.name,
        DeploymentRolloutState::Failed,
        &reason,
        "deployment failed: rolling back.",
        now,
    );
    service.signal_deployment_end(now, Outcome::Failed, &reason);
    event(service, now, round.rng, message);
    let Some(blue) = blue_index(service, &progress) else {
        return;
    };
    let blue_deployment = service.deployments.remove(blue);
    service.note_rolled_back(&green_id, &blue_deployment, now, &reason);
    let message = format!(
        "(service {}) rolling back to deployment {}.",
        service.name, blue_deployment.id
    );
    service.deployments.insert(0, blue_deployment);
    event(service, now, round.rng, message);
    let green: Vec<TaskPosition> = live_tasks(round.cluster, &service.deployments[1])
        .filter(|&p| !round.cluster.tasks[p].protected(now))
        .collect();
    stop_tasks(round.cluster, service, &green, now, round.rng);
    service.steady = false;
}
