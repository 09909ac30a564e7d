//! The world a simulation runs: its configuration, the virtual clock and its queue, the RNG,
//! and the state of every simulated service. Handlers take `&mut World`; each service's state
//! is a field of its own, so a handler borrows the parts it needs side by side.

use super::clock;
use super::config::SimulationConfig;
use super::{
    application_autoscaling, autoscaling, cloudwatch, ec2, ecs, ecsim, elbv2, events,
    servicediscovery,
};
use crate::error::EcsimError;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use std::sync::Arc;

/// `digits` random lowercase hex digits drawn from `rng` (for a handler that borrows the RNG
/// beside another part of the world).
pub fn random_hex(rng: &mut ChaCha8Rng, digits: usize) -> String {
    let mut out = String::with_capacity(digits);
    while out.len() < digits {
        out.push_str(&format!("{:016x}", rng.next_u64()));
    }
    out.truncate(digits);
    out
}

/// A random UUID (8-4-4-4-12 hex groups), for event, activity and action ids.
pub fn random_uuid(rng: &mut ChaCha8Rng) -> String {
    let value = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
    super::ecs::launch::uuid(value)
}

#[derive(Clone)]
pub(crate) struct World {
    pub config: Arc<SimulationConfig>,
    /// The virtual clock, in seconds since the Unix epoch.
    pub now: f64,
    /// Every random choice (ids, ties) draws from this, seeded: same seed, same answers everywhere.
    pub rng: ChaCha8Rng,
    pub clock: clock::Queue,
    pub ecs: ecs::EcsState,
    pub elbv2: elbv2::Elbv2State,
    pub events: events::EventsState,
    pub servicediscovery: servicediscovery::ServiceDiscoveryState,
    pub application_autoscaling: application_autoscaling::ApplicationAutoScalingState,
    pub cloudwatch: cloudwatch::CloudWatchState,
    pub ecsim: ecsim::EcsimState,
    pub ec2: ec2::Ec2State,
    pub autoscaling: autoscaling::AutoScalingState,
    /// Set when something other than a call or an ECS event changed a service (a scaling
    /// policy run by an alarm), so that the scheduler looks at the end of the moment.
    pub services_changed: bool,
}

impl World {
    pub fn new(config: SimulationConfig) -> Self {
        World {
            now: config.start_time,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            config: Arc::new(config),
            clock: clock::Queue::default(),
            ecs: ecs::EcsState::default(),
            elbv2: elbv2::Elbv2State::default(),
            events: events::EventsState::default(),
            servicediscovery: servicediscovery::ServiceDiscoveryState::default(),
            application_autoscaling: Default::default(),
            cloudwatch: Default::default(),
            ecsim: ecsim::EcsimState::default(),
            ec2: Default::default(),
            autoscaling: Default::default(),
            services_changed: false,
        }
    }

    /// The ARN of `resource` of `service` in this simulation's partition, region and account.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        super::arn::arn(&self.config, service, resource)
    }

    /// A scaling policy's ARN (Application Auto Scaling's and EC2 Auto Scaling's alike): the one
    /// it `kept` when it is put again, else a new one for `scope` (`resource/ecs/...`,
    /// `autoScalingGroupName/...`).
    pub(crate) fn scaling_policy_arn(
        &mut self,
        kept: Option<String>,
        scope: &str,
        name: &str,
    ) -> String {
        kept.unwrap_or_else(|| {
            let id = random_uuid(&mut self.rng);
            self.arn(
                "autoscaling",
                &format!("scalingPolicy:{id}:{scope}:policyName/{name}"),
            )
        })
    }

    /// `digits` random lowercase hex digits, for ids such as container instance ids.
    pub fn random_hex(&mut self, digits: usize) -> String {
        random_hex(&mut self.rng, digits)
    }

    /// Takes every event due by `until` in time order, the clock at each event's time, and leaves
    /// the clock at `until`.
    pub fn run_due(&mut self, until: f64) {
        self.run_due_while(until, &mut || true);
    }

    /// `run_due`, asking `keep_going` at each moment once its events are all in (and the
    /// scheduler has looked): when it says no, the clock stays at that moment and this returns
    /// false. Stopping between moments leaves the world as `run_due` to that moment would, so the
    /// journal can record the moment reached.
    pub fn run_due_while(&mut self, until: f64, keep_going: &mut dyn FnMut() -> bool) -> bool {
        self.queue_due_steps();
        self.schedule_services();
        let mut look = false;
        while let Some((at, event)) = self.clock.pop_due(until) {
            self.now = self.now.max(at);
            // Metric ticks and alarm evaluations only observe ECS: the scheduler looks after
            // them only when a scaling policy changed a service (a moment of nothing but
            // observation is no moment for ECS).
            look |= !matches!(
                event,
                clock::Event::MetricsTick | clock::Event::AlarmEvaluates { .. }
            );
            match event {
                clock::Event::TaskStep { cluster, position } => {
                    self.ecs.task_step(&cluster, position, at);
                }
                clock::Event::RuleFires { rule, generation } => {
                    events::fire(self, &rule, generation);
                }
                clock::Event::RuleMatched { delivery } => events::deliver(self, delivery),
                clock::Event::ScheduledActionFires {
                    resource_id,
                    name,
                    generation,
                } => {
                    application_autoscaling::fire(self, &resource_id, &name, generation);
                }
                clock::Event::AlarmEvaluates { name, generation } => {
                    cloudwatch::evaluate(self, &name, generation);
                }
                clock::Event::MetricsTick => ecsim::load::tick(self),
                clock::Event::InstanceStep { id } => ec2::instances::step(self, &id, at),
                clock::Event::ManagedScalingTick => ecs::managed_scaling::tick(self),
                clock::Event::SchedulerLooks => {}
            }
            self.queue_due_steps();
            // The scheduler looks once the events of this moment are all in.
            if self.clock.next_at().is_none_or(|next| next > at) {
                if std::mem::take(&mut look) | std::mem::take(&mut self.services_changed) {
                    self.schedule_services();
                }
                autoscaling::finish_draining(self);
                events::bus::publish(self);
                if !keep_going() {
                    return false;
                }
            }
        }
        self.now = self.now.max(until);
        autoscaling::finish_draining(self);
        self.forget_stopped();
        events::bus::publish(self);
        true
    }

    /// Forgets the tasks STOPPED longer ago than the retention.
    fn forget_stopped(&mut self) {
        let until = self.now - self.config.stopped_task_retention;
        self.ecs.forget_stopped(until);
    }

    /// The service scheduler's look at this moment, repeated while it acts (a task it stops at
    /// once frees room for the next round) up to a bound.
    fn schedule_services(&mut self) {
        const ROUNDS: usize = 64;
        for _ in 0..ROUNDS {
            let before = self.ecs.service_activity();
            ecs::reconcile_services(self);
            self.queue_due_steps();
            if self.ecs.service_activity() == before {
                break;
            }
        }
        // After the scheduler has counted the tasks that failed.
        self.forget_stopped();
    }

    /// Puts the task steps that calls and events noted on the clock's queue.
    fn queue_due_steps(&mut self) {
        let clock = &mut self.clock;
        self.ecs.take_due(|cluster, at, position| {
            let cluster = Arc::clone(cluster);
            clock.schedule(at, clock::Event::TaskStep { cluster, position });
        });
    }
}

/// Runs `change`, a call made of other calls; when it fails, the world goes back to what it was
/// before, so that no call is half-applied.
pub(crate) fn atomically<T>(
    world: &mut World,
    change: impl FnOnce(&mut World) -> Result<T, EcsimError>,
) -> Result<T, EcsimError> {
    let before = world.clone();
    change(world).inspect_err(|_| *world = before)
}
