//! The task lifecycle on the virtual clock: PROVISIONING → PENDING → ACTIVATING → RUNNING →
//! DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED, as ECS documents the states. How long
//! each takes is not documented; `TaskTimings` holds ecsim's defaults (each configurable), and
//! what the image does (pull time, exit, failure to pull) comes from its `ImageBehavior`.

use super::health::{HealthPlan, Periodic, Verdict};
use super::TaskPosition;
use super::{Cluster, Task};
use crate::api::ecs::TaskStopCode;
use serde::{Deserialize, Serialize};

/// Seconds each lifecycle step takes. The defaults are ecsim's conventions: an awsvpc task
/// spends 5 s attaching its network interface and 5 s detaching it, images pull in 10 s unless
/// their behaviour says otherwise, containers take 1 s to start and 2 s to stop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TaskTimings {
    /// PROVISIONING, for tasks with their own network interface (awsvpc); others pass at once.
    pub provisioning: f64,
    /// PENDING: pulling the images.
    pub pull: f64,
    /// ACTIVATING: starting the containers.
    pub activating: f64,
    /// DEACTIVATING (a load balancer target drains for at least its deregistration delay).
    pub deactivating: f64,
    /// STOPPING: the containers stop (at most their stopTimeout).
    pub stopping: f64,
    /// DEPROVISIONING, for tasks with their own network interface.
    pub deprovisioning: f64,
    /// A service task with neither container nor load balancer health checks counts as healthy
    /// this long after RUNNING (40 s, as ECS documents).
    pub healthy_after_running: f64,
}

impl Default for TaskTimings {
    fn default() -> Self {
        TaskTimings {
            provisioning: 5.0,
            pull: 10.0,
            activating: 1.0,
            deactivating: 0.0,
            stopping: 2.0,
            deprovisioning: 5.0,
            healthy_after_running: 40.0,
        }
    }
}

impl TaskTimings {
    /// Every step takes no time: tasks are RUNNING, or STOPPED, within the call that asked.
    pub fn instant() -> Self {
        TaskTimings {
            provisioning: 0.0,
            pull: 0.0,
            activating: 0.0,
            deactivating: 0.0,
            stopping: 0.0,
            deprovisioning: 0.0,
            healthy_after_running: 0.0,
        }
    }

    fn negative(&self) -> Option<&'static str> {
        [
            ("provisioning", self.provisioning),
            ("pull", self.pull),
            ("activating", self.activating),
            ("deactivating", self.deactivating),
            ("stopping", self.stopping),
            ("deprovisioning", self.deprovisioning),
            ("healthyAfterRunning", self.healthy_after_running),
        ]
        .into_iter()
        .find(|(_, seconds)| !(seconds.is_finite() && *seconds >= 0.0))
        .map(|(name, _)| name)
    }

    /// Checks that every step takes a finite, non-negative time.
    pub fn check(&self) -> Result<(), String> {
        match self.negative() {
            Some(name) => Err(format!(
                "taskTimings.{name} must be a finite number of seconds >= 0."
            )),
            None => Ok(()),
        }
    }
}

/// What running an image does in the simulation (declared with the ecsim action PutImage).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ImageBehavior {
    /// Seconds to pull it, instead of `TaskTimings::pull`.
    pub pull_seconds: Option<f64>,
    /// The pull fails: the task stops before RUNNING (stop code TaskFailedToStart).
    pub pull_fails: bool,
    /// The container exits this many seconds after the task is RUNNING.
    pub exit_after: Option<f64>,
    /// Its exit code when it exits (default 1 when `exit_after` is set).
    pub exit_code: Option<i32>,
    /// Its health checks (the container's and a load balancer's) fail from this many seconds
    /// after the task is RUNNING (0: they never pass).
    pub unhealthy_after: Option<f64>,
    /// Only its container health checks fail from then on (instead of `unhealthy_after` for
    /// them): the app's endpoint still answers the load balancer.
    pub container_unhealthy_after: Option<f64>,
    /// Only a load balancer's checks of it fail from then on (instead of `unhealthy_after` for
    /// them): the container's own check still passes.
    pub target_unhealthy_after: Option<f64>,
}

/// One container of a task about to start, as its plan needs it.
pub struct PlannedContainer<'a> {
    pub image: &'a str,
    /// What its image does, if declared (PutImage).
    pub behavior: Option<&'a ImageBehavior>,
    /// Only an essential container's exit stops the task, and only essential containers'
    /// health makes the task's.
    pub essential: bool,
    pub health_check: Option<&'a crate::api::ecs::HealthCheck>,
}

/// What one task will do: its step times and how its containers end, fixed when it starts.
#[derive(Clone, Debug, Default)]
pub struct TaskPlan {
    /// This task's step times: the simulation's, with its images' pull times, and no network
    /// interface to attach or detach unless it is awsvpc.
    pub steps: TaskTimings,
    pub pull_fails: Option<String>,
    /// Seconds after RUNNING at which an essential container exits: (seconds, exit code,
    /// container index).
    pub exit: Option<(f64, i32, usize)>,
    pub health: HealthPlan,
    /// Behind a load balancer: how long a deregistered target drains before the task stops.
    pub deregistration_delay: f64,
    /// From when the app's health checks fail (seconds after RUNNING), for target checks added
    /// when the task's service puts it behind a load balancer.
    pub fails_from: Option<f64>,
}

impl TaskPlan {
    /// The plan for a task with these containers.
    pub fn new(timings: &TaskTimings, eni: bool, containers: &[PlannedContainer]) -> Self {
        let pull = containers
            .iter()
            .map(|c| {
                c.behavior
                    .and_then(|b| b.pull_seconds)
                    .unwrap_or(timings.pull)
            })
            .fold(0.0, f64::max);
        let pull_fails = containers
            .iter()
            .find(|c| c.behavior.is_some_and(|b| b.pull_fails))
            .map(|c| {
                format!(
                    "CannotPullContainerError: pull image manifest has been retried 5 time(s): {}: not found",
                    c.image
                )
            });
        let exit = containers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.essential)
            .filter_map(|(index, c)| {
                let behavior = c.behavior?;
                Some((behavior.exit_after?, behavior.exit_code.unwrap_or(1), index))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let container_fails_from = |c: &PlannedContainer| {
            c.behavior
                .and_then(|b| b.container_unhealthy_after.or(b.unhealthy_after))
        };
        let target_fails_from = |c: &PlannedContainer| {
            c.behavior
                .and_then(|b| b.target_unhealthy_after.or(b.unhealthy_after))
        };
        let verdicts: Vec<Option<Verdict>> = containers
            .iter()
            .map(|c| Some(Periodic::container(c.health_check?).verdict(container_fails_from(c))))
            .collect();
        let task = Verdict::all(
            containers
                .iter()
                .zip(&verdicts)
                .filter(|(c, _)| c.essential)
                .filter_map(|(_, v)| *v),
        );
        let network = |seconds: f64| if eni { seconds } else { 0.0 };
        TaskPlan {
            steps: TaskTimings {
                provisioning: network(timings.provisioning),
                pull,
                deprovisioning: network(timings.deprovisioning),
                ..timings.clone()
            },
            pull_fails,
            exit,
            health: HealthPlan {
                containers: verdicts.into(),
                task,
                target: None,
                grace: None,
            },
            deregistration_delay: 0.0,
            fails_from: containers
                .iter()
                .filter_map(target_fails_from)
                .min_by(f64::total_cmp),
        }
    }

    /// The plan of a service's task: unhealthy ignored for `grace`, registered with target groups
    /// checked as `targets`, drained for `deregistration_delay` when it stops.
    pub fn serve(&mut self, grace: f64, targets: &[Periodic], deregistration_delay: f64) {
        self.health.grace = Some(grace);
        self.health.target = Verdict::all(targets.iter().map(|t| t.verdict(self.fails_from)));
        self.deregistration_delay = deregistration_delay;
    }

    /// The first moment after `after` (seconds after RUNNING) at which something happens to
    /// a running task: an essential container exits or its health changes.
    fn next_running_instant(&self, after: f64) -> Option<f64> {
        self.running_instants()
            .filter(|&t| t > after)
            .min_by(f64::total_cmp)
    }

    /// Every moment (seconds after RUNNING) at which something happens to a running task: an
    /// essential container exits, its health changes, or — for a service's task — it counts as
    /// healthy without checks, or its grace period ends (the scheduler looks then).
    fn running_instants(&self) -> impl Iterator<Item = f64> + '_ {
        let served = self
            .health
            .grace
            .into_iter()
            .flat_map(|grace| [grace, self.steps.healthy_after_running]);
        self.exit
            .map(|(seconds, _, _)| seconds)
            .into_iter()
            .chain(self.health.instants())
            .chain(served)
    }
}

impl Task {
    /// Asks the task to stop: its desired status becomes STOPPED and it starts to wind down.
    /// Does nothing to a task already stopping or stopped.
    pub fn request_stop(&mut self, now: f64, code: TaskStopCode, reason: String) {
        if self.desired_status == "STOPPED" {
            return;
        }
        self.desired_status = "STOPPED";
        self.stop_code = Some(code);
        self.stopped_reason = Some(reason);
        self.stopping_at = Some(now);
        self.last_status = "DEACTIVATING";
        // A task that ran was a registered target: it drains first.
        let draining = if self.started_at.is_some() {
            self.plan.deregistration_delay
        } else {
            0.0
        };
        self.next_at = Some(now + self.plan.steps.deactivating.max(draining));
        self.version += 1;
    }

    /// The state after the current one on the way up, and how long it lasts.
    fn step(&mut self, at: f64) {
        let plan = &self.plan;
        let (next, wait) = match self.last_status {
            "PROVISIONING" => ("PENDING", plan.steps.pull),
            "PENDING" => {
                if let Some(error) = plan.pull_fails.clone() {
                    self.pull_started_at = Some(at - plan.steps.pull);
                    self.request_stop(at, TaskStopCode::TaskFailedToStart, error);
                    return;
                }
                self.pull_started_at = Some(at - plan.steps.pull);
                self.pull_stopped_at = Some(at);
                ("ACTIVATING", plan.steps.activating)
            }
            "ACTIVATING" => {
                self.started_at = Some(at);
                if let Some((_, code, container)) = plan.exit {
                    self.exit_code = Some((container, code));
                }
                let next = plan.next_running_instant(0.0);
                ("RUNNING", next.unwrap_or(f64::INFINITY))
            }
            "RUNNING" => {
                let started = self.started_at.unwrap_or(at);
                let exits = plan.exit.is_some_and(|(after, _, _)| started + after <= at);
                if exits {
                    self.request_stop(
                        at,
                        TaskStopCode::EssentialContainerExited,
                        "Essential container in task exited".into(),
                    );
                    return;
                }
                // A change of health: the scheduler looks, DescribeTasks shows it. The instants
                // passed are found as `started + t <= at`, the very sum `next_at` was set to:
                // `at - started` may round below `t` and take the same instant again forever.
                let after = plan
                    .running_instants()
                    .filter(|&t| started + t <= at)
                    .fold(0.0, f64::max);
                self.next_at = plan.next_running_instant(after).map(|t| started + t);
                self.version += 1;
                return;
            }
            "DEACTIVATING" => ("STOPPING", plan.steps.stopping),
            "STOPPING" => ("DEPROVISIONING", plan.steps.deprovisioning),
            _ => ("STOPPED", f64::INFINITY),
        };
        self.last_status = next;
        self.next_at = wait.is_finite().then_some(at + wait);
        self.version += 1;
    }
}

/// A Fargate Spot task has two minutes between the interruption warning and its end
/// (documented).
pub const SPOT_WARNING_SECONDS: f64 = 120.0;

impl Cluster {
    /// The Fargate Spot task at `position` is interrupted: it is asked to stop now and goes on
    /// to STOPPING when the two-minute warning ends.
    pub fn interrupt_spot_task(&mut self, position: TaskPosition, now: f64) {
        self.counted(position, |cluster| {
            let task = &mut cluster.tasks[position];
            task.request_stop(
                now,
                TaskStopCode::SpotInterruption,
                "Your Spot Task was interrupted.".into(),
            );
            task.next_at = task.next_at.map(|at| at.max(now + SPOT_WARNING_SECONDS));
        });
        self.note_task(position, now);
        self.settle_task(position, now);
    }

    /// The instance at `index` is gone: it leaves the cluster and its tasks are STOPPED at once,
    /// with nothing to give back, for the reason `why` gives for the instance.
    /// A task that waited in PROVISIONING (on no instance) goes to the instance at `index`: it
    /// takes what it needs there and its lifecycle starts.
    pub fn assign_waiting(&mut self, position: TaskPosition, index: usize, now: f64) {
        let spec = std::sync::Arc::clone(&self.tasks[position].spec);
        let gpu_ids = self.instances.hold(index, &spec.requirement, &spec.group);
        let instance = &self.instances[index];
        let (arn, zone) = (
            std::sync::Arc::clone(&instance.arn),
            instance.availability_zone.clone(),
        );
        let task = &mut self.tasks[position];
        task.instance_arn = Some(std::sync::Arc::clone(&arn));
        task.availability_zone = zone;
        task.gpu_ids = gpu_ids;
        task.next_at = Some(now + task.plan.steps.provisioning);
        task.version += 1;
        self.settle_task(position, now);
        self.note_task(position, now);
        self.note_instance(&arn, now);
    }

    pub fn lose_instance(
        &mut self,
        index: usize,
        now: f64,
        code: TaskStopCode,
        why: impl Fn(&super::ContainerInstance) -> String,
    ) {
        let instance = self.instances.remove(index);
        let reason = why(&instance);
        let lost: Vec<TaskPosition> = self
            .tasks
            .positioned()
            .filter(|(_, task)| {
                task.instance_arn.as_deref() == Some(&*instance.arn)
                    && task.last_status != "STOPPED"
            })
            .map(|(position, _)| position)
            .collect();
        for position in lost {
            let task = &mut self.tasks[position];
            task.request_stop(now, code, reason.clone());
            task.last_status = "STOPPED";
            task.stopped_at = Some(now);
            task.next_at = None;
            task.version += 1;
            self.stopped.push_back((now, position));
            self.note_task(position, now);
        }
        self.note_instance_leaving(instance, now);
    }

    /// Takes task `position` through every step due by `now`, releasing what it holds on its
    /// instance when it reaches STOPPED; returns when its next step is due.
    pub fn progress_task(&mut self, position: TaskPosition, now: f64) -> Option<f64> {
        while let Some(at) = self.tasks[position].next_at.filter(|&at| at <= now) {
            let task = &mut self.tasks[position];
            let status = (task.last_status, task.desired_status);
            task.step(at);
            // A change of health alone is no event: the events leave health out.
            let changed = status != (task.last_status, task.desired_status);
            if task.last_status == "STOPPED" {
                task.stopped_at = Some(at);
                task.next_at = None;
                let (spec, gpu_ids) = (std::sync::Arc::clone(&task.spec), task.gpu_ids.clone());
                let instance_arn = task.instance_arn.clone();
                if let Some(index) = instance_arn
                    .as_deref()
                    .and_then(|arn| self.instances.position_of(arn))
                {
                    self.instances
                        .release(index, &spec.requirement, &spec.group, &gpu_ids);
                }
                self.stopped.push_back((at, position));
                self.note_task(position, at);
                if let Some(arn) = instance_arn {
                    self.note_instance(&arn, at);
                }
                return None;
            }
            if changed {
                self.note_task(position, at);
            }
        }
        self.tasks[position].next_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timings_must_be_finite_and_not_negative() {
        let mut timings = TaskTimings::instant();
        assert!(timings.check().is_ok());
        timings.stopping = -1.0;
        assert_eq!(
            timings.check(),
            Err("taskTimings.stopping must be a finite number of seconds >= 0.".into())
        );
        timings.stopping = f64::NAN;
        assert!(timings.check().is_err());
    }

    #[test]
    fn a_plan_waits_for_the_slowest_pull_and_the_first_essential_exit() {
        let slow = ImageBehavior {
            pull_seconds: Some(30.0),
            ..ImageBehavior::default()
        };
        let crash = ImageBehavior {
            exit_after: Some(5.0),
            ..ImageBehavior::default()
        };
        let container = |image, behavior, essential| PlannedContainer {
            image,
            behavior: Some(behavior),
            essential,
            health_check: None,
        };
        let plan = TaskPlan::new(
            &TaskTimings::default(),
            false,
            &[
                container("slow", &slow, true),
                container("crash", &crash, false),
                container("crash", &crash, true),
            ],
        );
        assert_eq!(
            (
                plan.steps.provisioning,
                plan.steps.pull,
                plan.steps.deprovisioning
            ),
            (0.0, 30.0, 0.0)
        );
        assert_eq!(plan.exit, Some((5.0, 1, 2)));
        assert!(plan.pull_fails.is_none());
    }
}
