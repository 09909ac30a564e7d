//! The task lifecycle on the virtual clock: PROVISIONING → PENDING → ACTIVATING → RUNNING →
//! DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED, as ECS documents the states. How long
//! each takes is not documented; `TaskTimings` holds ecsim's defaults (each configurable), and
//! what the image does (pull time, exit, failure to pull) comes from its `ImageBehavior`.

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
    /// DEACTIVATING (load balancer deregistration comes with load balancers).
    pub deactivating: f64,
    /// STOPPING: the containers stop (at most their stopTimeout).
    pub stopping: f64,
    /// DEPROVISIONING, for tasks with their own network interface.
    pub deprovisioning: f64,
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
}

/// What one task will do: its step times and how its containers end, fixed when it starts.
#[derive(Clone, Debug, Default)]
pub struct TaskPlan {
    pub provisioning: f64,
    pub pull: f64,
    pub activating: f64,
    pub deactivating: f64,
    pub stopping: f64,
    pub deprovisioning: f64,
    pub pull_fails: Option<String>,
    /// Seconds after RUNNING at which an essential container exits: (seconds, exit code,
    /// container index).
    pub exit: Option<(f64, i32, usize)>,
}

impl TaskPlan {
    /// The plan for a task whose containers run `images`: (image, its declared behaviour,
    /// whether the container is essential — only an essential container's exit stops the task).
    pub fn new(
        timings: &TaskTimings,
        eni: bool,
        images: &[(&str, Option<&ImageBehavior>, bool)],
    ) -> Self {
        let network = |seconds: f64| if eni { seconds } else { 0.0 };
        let pull = images
            .iter()
            .map(|(_, behavior, _)| {
                behavior
                    .and_then(|b| b.pull_seconds)
                    .unwrap_or(timings.pull)
            })
            .fold(0.0, f64::max);
        let pull_fails = images
            .iter()
            .find(|(_, behavior, _)| behavior.is_some_and(|b| b.pull_fails))
            .map(|(image, _, _)| {
                format!("CannotPullContainerError: pull image manifest has been retried 5 time(s): {image}: not found")
            });
        let exit = images
            .iter()
            .enumerate()
            .filter(|(_, (_, _, essential))| *essential)
            .filter_map(|(index, (_, behavior, _))| {
                let behavior = (*behavior)?;
                Some((behavior.exit_after?, behavior.exit_code.unwrap_or(1), index))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        TaskPlan {
            provisioning: network(timings.provisioning),
            pull,
            activating: timings.activating,
            deactivating: timings.deactivating,
            stopping: timings.stopping,
            deprovisioning: network(timings.deprovisioning),
            pull_fails,
            exit,
        }
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
        self.next_at = Some(now + self.plan.deactivating);
        self.version += 1;
    }

    /// The state after the current one on the way up, and how long it lasts.
    fn step(&mut self, at: f64) {
        let plan = &self.plan;
        let (next, wait) = match self.last_status {
            "PROVISIONING" => ("PENDING", plan.pull),
            "PENDING" => {
                if let Some(error) = plan.pull_fails.clone() {
                    self.pull_started_at = Some(at - plan.pull);
                    self.request_stop(at, TaskStopCode::TaskFailedToStart, error);
                    return;
                }
                self.pull_started_at = Some(at - plan.pull);
                self.pull_stopped_at = Some(at);
                ("ACTIVATING", plan.activating)
            }
            "ACTIVATING" => {
                self.started_at = Some(at);
                match plan.exit {
                    Some((after, code, container)) => {
                        self.exit_code = Some((container, code));
                        ("RUNNING", after)
                    }
                    None => ("RUNNING", f64::INFINITY),
                }
            }
            "RUNNING" => {
                // Only a planned exit brings a running task here.
                self.request_stop(
                    at,
                    TaskStopCode::EssentialContainerExited,
                    "Essential container in task exited".into(),
                );
                return;
            }
            "DEACTIVATING" => ("STOPPING", plan.stopping),
            "STOPPING" => ("DEPROVISIONING", plan.deprovisioning),
            _ => ("STOPPED", f64::INFINITY),
        };
        self.last_status = next;
        self.next_at = wait.is_finite().then_some(at + wait);
        self.version += 1;
    }
}

impl Cluster {
    /// The instance at `index` is gone (its EC2 instance terminated): it leaves the cluster and
    /// its tasks are STOPPED at once, with nothing to give back.
    pub fn lose_instance(&mut self, index: usize, now: f64) {
        let instance = self.instances.remove(index);
        let reason = format!(
            "Host EC2 (instance {}) terminated.",
            instance.ec2_instance_id
        );
        for task in &mut self.tasks {
            if task.instance_arn.as_deref() == Some(&*instance.arn) && task.last_status != "STOPPED"
            {
                task.request_stop(now, TaskStopCode::TerminationNotice, reason.clone());
                task.last_status = "STOPPED";
                task.stopped_at = Some(now);
                task.next_at = None;
                task.version += 1;
            }
        }
    }

    /// Takes task `position` through every step due by `now`, releasing what it holds on its
    /// instance when it reaches STOPPED; returns when its next step is due.
    pub fn progress_task(&mut self, position: usize, now: f64) -> Option<f64> {
        let task = &mut self.tasks[position];
        while let Some(at) = task.next_at.filter(|&at| at <= now) {
            task.step(at);
            if task.last_status == "STOPPED" {
                task.stopped_at = Some(at);
                task.next_at = None;
                let (spec, gpu_ids) = (std::sync::Arc::clone(&task.spec), task.gpu_ids.clone());
                if let Some(instance) = task
                    .instance_arn
                    .as_deref()
                    .and_then(|arn| self.instances.iter_mut().find(|i| &*i.arn == arn))
                {
                    instance.release(&spec.requirement, &spec.group, &gpu_ids);
                }
                return None;
            }
        }
        task.next_at
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
        let plan = TaskPlan::new(
            &TaskTimings::default(),
            false,
            &[
                ("slow", Some(&slow), true),
                ("crash", Some(&crash), false),
                ("crash", Some(&crash), true),
            ],
        );
        assert_eq!(
            (plan.provisioning, plan.pull, plan.deprovisioning),
            (0.0, 30.0, 0.0)
        );
        assert_eq!(plan.exit, Some((5.0, 1, 2)));
        assert!(plan.pull_fails.is_none());
    }
}
