//! ECS's service throttle logic: when a service's tasks repeatedly fail to reach RUNNING (PENDING
//! straight to STOPPED), the scheduler waits longer and longer between attempts, up to 27
//! minutes, and says so in a service event. A task of the service reaching RUNNING, or a new
//! task definition, ends it. AWS publishes the ceiling but not the steps; ecsim's (the
//! `serviceThrottle` switch turns it all off, docs/conventions.md): from the second failure in a
//! row, 10 s, doubling with each further failure, at most 1,620 s.

use super::{Deployment, Service};
use crate::api::ecs::TaskStopCode;
use crate::cluster::{Cluster, Task, TaskPosition};
use crate::sim::clock::{Event, Queue};
use rand_chacha::ChaCha8Rng;

/// The first wait, from the second failure in a row.
const FIRST_WAIT: f64 = 10.0;
/// ECS documents 27 minutes as the longest wait.
const LONGEST_WAIT: f64 = 27.0 * 60.0;

#[derive(Clone, Debug, Default)]
pub struct Throttle {
    /// Tasks in a row that stopped without reaching RUNNING.
    failures: u32,
    last_failure: f64,
    /// No task starts before this moment.
    until: f64,
    /// Whether this spell's event was sent.
    announced: bool,
    /// The end of the wait the clock holds a look for.
    look_at: f64,
    /// The service's tasks already counted as failures (while it keeps them).
    counted: Vec<TaskPosition>,
}

impl Throttle {
    fn failed_to_start(&mut self, now: f64) {
        self.failures += 1;
        self.last_failure = now;
        if self.failures >= 2 {
            let doublings = (self.failures - 2).min(16);
            let wait = (FIRST_WAIT * f64::from(1u32 << doublings)).min(LONGEST_WAIT);
            self.until = now + wait;
        }
    }

    /// Back to normal: a task reached RUNNING, or the service has a new task definition.
    pub fn end(&mut self) {
        *self = Throttle::default();
    }

    /// The moment the scheduler may start tasks again, while it may not.
    pub fn holds(&self, now: f64) -> Option<f64> {
        (now < self.until).then_some(self.until)
    }

    /// The event to send, once a spell.
    pub fn announce(&mut self, service: &str) -> Option<String> {
        if self.announced || self.failures < 2 {
            return None;
        }
        self.announced = true;
        Some(format!(
            "(service {service}) is unable to consistently start tasks successfully."
        ))
    }

    /// Counts the service's tasks that failed to start since the last look (as soon as they
    /// are asked to stop: the scheduler replaces a task then, not when it has STOPPED), and
    /// ends the spell when a task started after the last failure reached RUNNING.
    pub fn observe(&mut self, cluster: &Cluster, deployments: &[Deployment], now: f64) {
        let tasks = || {
            deployments
                .iter()
                .flat_map(|d| &d.tasks)
                .filter_map(|&position| Some((position, cluster.tasks.get(position)?)))
        };
        self.counted
            .retain(|position| tasks().any(|(kept, _)| kept == *position));
        let failed: Vec<TaskPosition> = tasks()
            .filter(|(position, task)| failed_to_start(task) && !self.counted.contains(position))
            .map(|(position, _)| position)
            .collect();
        for position in failed {
            self.counted.push(position);
            self.failed_to_start(now);
        }
        let started = tasks().any(|(_, task)| {
            task.last_status == "RUNNING"
                && task.started_at.is_some_and(|at| at >= self.last_failure)
        });
        if self.failures > 0 && started {
            self.end();
        }
    }
}

/// How many of the `wanted` tasks may start now: none while the throttle holds, when it puts a
/// look of the scheduler on the clock for the end of the wait and sends the spell's event.
pub fn allow(
    service: &mut Service,
    wanted: u32,
    now: f64,
    world: (&mut Queue, &mut ChaCha8Rng, bool),
) -> u32 {
    let (clock, rng, switched_on) = world;
    let Some(until) = switched_on.then(|| service.throttle.holds(now)).flatten() else {
        return wanted;
    };
    if wanted == 0 {
        return 0;
    }
    if service.throttle.look_at != until {
        service.throttle.look_at = until;
        clock.schedule(until, Event::SchedulerLooks);
    }
    if let Some(message) = service.throttle.announce(&service.name) {
        service.signal(now, super::signals::Signal::TaskStartImpaired);
        super::scheduler::event(service, now, rng, message);
    }
    0
}

/// Whether a task failed to start: it is stopping or stopped without having reached RUNNING, for
/// a failure (not because the scheduler or a user stopped it).
fn failed_to_start(task: &Task) -> bool {
    task.desired_status == "STOPPED"
        && task.started_at.is_none()
        && matches!(
            task.stop_code,
            Some(TaskStopCode::TaskFailedToStart | TaskStopCode::EssentialContainerExited)
        )
}
