//! What a service reports on EventBridge besides its service events: ECS Service Action and ECS
//! Deployment State Change events. A service keeps them until the simulation takes them after
//! the moment (`sim::events::bus`), which words them as ECS does.

use super::{Deployment, Service};

#[derive(Clone, Debug, PartialEq)]
pub enum Signal {
    /// SERVICE_STEADY_STATE.
    SteadyState,
    /// SERVICE_TASK_START_IMPAIRED: the service throttle holds it.
    TaskStartImpaired,
    /// SERVICE_TASK_PLACEMENT_FAILURE, with the failure's reason (`RESOURCE:MEMORY`, …).
    TaskPlacementFailure { reason: String },
    /// SERVICE_DEPLOYMENT_IN_PROGRESS, _COMPLETED or _FAILED.
    Deployment {
        id: String,
        outcome: Outcome,
        reason: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    InProgress,
    Completed,
    Failed,
}

impl Outcome {
    pub fn event_name(self) -> &'static str {
        match self {
            Outcome::InProgress => "SERVICE_DEPLOYMENT_IN_PROGRESS",
            Outcome::Completed => "SERVICE_DEPLOYMENT_COMPLETED",
            Outcome::Failed => "SERVICE_DEPLOYMENT_FAILED",
        }
    }
}

impl Service {
    pub fn signal(&mut self, at: f64, signal: Signal) {
        self.signals.push((at, signal));
    }

    /// Makes `deployment` the primary one and says so (`reason`: ECS's words for it, a rollback's
    /// differ from an update's).
    pub fn begin_deployment(&mut self, deployment: Deployment, now: f64, reason: Option<String>) {
        self.note_begin(&deployment, now, reason.as_deref());
        let reason =
            reason.unwrap_or_else(|| format!("ECS deployment {} in progress.", deployment.id));
        let signal = Signal::Deployment {
            id: deployment.id.clone(),
            outcome: Outcome::InProgress,
            reason,
        };
        self.deployments.insert(0, deployment);
        self.signal(now, signal);
    }

    /// The primary deployment's end, as a signal.
    pub fn signal_deployment_end(&mut self, now: f64, outcome: Outcome, reason: &str) {
        self.note_end(now, outcome, reason);
        let id = self.deployments[0].id.clone();
        let reason = match outcome {
            Outcome::Completed => format!("ECS deployment {id} completed."),
            _ => reason.to_string(),
        };
        self.signal(
            now,
            Signal::Deployment {
                id,
                outcome,
                reason,
            },
        );
    }

    /// The signals since the simulation last took them.
    pub fn take_signals(&mut self) -> Vec<(f64, Signal)> {
        std::mem::take(&mut self.signals)
    }
}
