//! The virtual clock's queue: what falls due when. Times are seconds since the Unix epoch;
//! events due at the same time run in the order they were scheduled.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A task's next lifecycle step (stale when the task's `next_at` moved since).
    TaskStep {
        cluster: std::sync::Arc<str>,
        position: crate::cluster::TaskPosition,
    },
    /// An EventBridge rule's scheduled firing (stale when the rule changed since).
    RuleFires { rule: String, generation: u64 },
    /// An event reaches the targets of a rule whose pattern it matched (`events::deliver`).
    RuleMatched { delivery: u64 },
    /// An Application Auto Scaling scheduled action's firing (stale when it changed since).
    ScheduledActionFires {
        resource_id: String,
        name: String,
        generation: u64,
    },
    /// A CloudWatch alarm's evaluation at the end of a period (stale when it changed since).
    AlarmEvaluates {
        name: std::sync::Arc<str>,
        generation: u64,
    },
    /// An EC2 instance's next step: booted, registered by its agent, shut down (stale when
    /// the instance's next step moved since).
    InstanceStep { id: std::sync::Arc<str> },
    /// ECS's managed scaling looks at its capacity providers (every minute while one has it).
    ManagedScalingTick,
    /// The load model publishes the services' metrics (`ecsim::load`).
    MetricsTick,
    /// Nothing but a look of the service scheduler (a throttled service may start tasks again).
    SchedulerLooks,
}

#[derive(Clone, Debug)]
struct Due {
    at: f64,
    sequence: u64,
    event: Event,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> Ordering {
        self.at
            .total_cmp(&other.at)
            .then(self.sequence.cmp(&other.sequence))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Queue {
    heap: BinaryHeap<Reverse<Due>>,
    scheduled: u64,
}

impl Queue {
    pub fn schedule(&mut self, at: f64, event: Event) {
        self.scheduled += 1;
        self.heap.push(Reverse(Due {
            at,
            sequence: self.scheduled,
            event,
        }));
    }

    /// When the earliest event is due.
    pub fn next_at(&self) -> Option<f64> {
        self.heap.peek().map(|Reverse(due)| due.at)
    }

    /// The earliest event due at or before `until`, taken off the queue.
    pub fn pop_due(&mut self, until: f64) -> Option<(f64, Event)> {
        if self.heap.peek()?.0.at > until {
            return None;
        }
        self.heap.pop().map(|Reverse(due)| (due.at, due.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_in_time_order_then_in_the_order_scheduled() {
        let mut queue = Queue::default();
        let step = |generation| Event::RuleFires {
            rule: "r".into(),
            generation,
        };
        queue.schedule(5.0, step(1));
        queue.schedule(2.0, step(2));
        queue.schedule(5.0, step(3));
        queue.schedule(9.0, step(4));
        let mut taken = Vec::new();
        while let Some((at, event)) = queue.pop_due(6.0) {
            if let Event::RuleFires { generation, .. } = event {
                taken.push((at, generation));
            }
        }
        assert_eq!(taken, vec![(2.0, 2), (5.0, 1), (5.0, 3)]);
        assert!(queue.pop_due(100.0).is_some());
        assert!(queue.pop_due(100.0).is_none());
    }
}
