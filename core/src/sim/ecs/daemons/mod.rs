//! ECS managed daemons: one daemon task on every container instance of the capacity providers a
//! daemon names, placed before the other tasks at each scheduler look (`look.rs`); revisions
//! rolled out a batch of instances at a time, with a bake time between batches and a circuit
//! breaker that rolls back; a critical daemon's task that stops has its instance drained and
//! replaced. ECS runs daemons on Managed Instances capacity providers, which ecsim does not
//! simulate: here they run on Auto Scaling group capacity providers (docs/conventions.md).

pub mod actions;
pub mod definitions;
pub(crate) mod look;

use crate::api::ecs as api;
use crate::cluster::TaskPosition;
use crate::sim::fnv::Fnv;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The documented defaults of a daemon's deployment configuration.
const DRAIN_PERCENT: f64 = 25.0;

/// At most this many deployments are kept per daemon, the newest, with the revisions they or its
/// tasks name (as a service keeps its service deployments): a loop of updates keeps bounded state.
const KEPT_DEPLOYMENTS: usize = 1_000;

/// How long an instance waits before its failed daemon task is started again (ecsim's choice:
/// AWS documents no figure; ECS throttles restarts).
const RESTART_SECONDS: f64 = 10.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaemonState {
    Active,
    DeleteInProgress,
}

impl DaemonState {
    fn shown(self) -> api::DaemonStatus {
        match self {
            DaemonState::Active => api::DaemonStatus::Active,
            DaemonState::DeleteInProgress => api::DaemonStatus::DeleteInProgress,
        }
    }
}

/// What one revision of a daemon runs, and how.
#[derive(Clone, Debug)]
pub struct Revision {
    pub described: api::DaemonRevision,
    /// The capacity providers (names) whose instances run it.
    pub capacity_providers: Vec<String>,
    pub critical: bool,
    pub drain_percent: f64,
    pub bake_seconds: f64,
    pub configuration: api::DaemonDeploymentConfiguration,
}

impl Revision {
    pub fn arn(&self) -> &str {
        self.described
            .daemon_revision_arn
            .as_deref()
            .unwrap_or_default()
    }

    pub fn task_definition_arn(&self) -> &str {
        self.described
            .daemon_task_definition_arn
            .as_deref()
            .unwrap_or_default()
    }
}

/// One deployment of a daemon, as DescribeDaemonDeployments shows it, with what the look needs.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// How many deployments the daemon had before this one (its ARN is hashed from it).
    pub number: usize,
    pub described: api::DaemonDeployment,
    /// The revision (index in `revisions`) its instances move to; a rollback's source.
    pub target: usize,
    /// The revision it replaces, if any.
    pub source: Option<usize>,
    /// Tasks of the target revision that failed to run (the circuit breaker counts them).
    pub failures: u32,
    /// When the next batch may begin (a batch's bake time), once the last one is done.
    pub next_batch_at: Option<f64>,
}

impl Deployment {
    pub fn arn(&self) -> &str {
        self.described
            .daemon_deployment_arn
            .as_deref()
            .unwrap_or_default()
    }

    pub fn status(&self) -> api::DaemonDeploymentStatus {
        self.described
            .status
            .unwrap_or(api::DaemonDeploymentStatus::Pending)
    }

    pub fn is_running(&self) -> bool {
        matches!(
            self.status(),
            api::DaemonDeploymentStatus::InProgress
                | api::DaemonDeploymentStatus::RollbackInProgress
                | api::DaemonDeploymentStatus::Pending
        )
    }
}

/// A daemon task on an instance.
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    pub position: TaskPosition,
    /// Index of its revision in the daemon's `revisions`.
    pub revision: usize,
    /// Stopped by ECS on purpose (a new revision, the daemon deleted, its instance emptied):
    /// not a failure.
    pub retired: bool,
}

#[derive(Clone, Debug)]
pub struct Daemon {
    pub name: String,
    pub arn: String,
    /// The cluster's name.
    pub cluster: String,
    pub cluster_arn: String,
    pub status: DaemonState,
    pub created_at: f64,
    pub updated_at: f64,
    pub tags: Vec<api::Tag>,
    /// By the order they were made; the newest deployment's target is what new instances get.
    pub revisions: BTreeMap<usize, Revision>,
    /// Oldest first.
    pub deployments: Vec<Deployment>,
    /// Its task on each container instance, by the instance's ARN.
    pub tasks: BTreeMap<Arc<str>, Placed>,
    /// Instances whose daemon task failed, with the time it may start again.
    pub retry_at: BTreeMap<Arc<str>, f64>,
}

impl Daemon {
    /// The revision new daemon tasks run: the newest deployment's target.
    pub fn target(&self) -> usize {
        self.deployments.last().map_or(0, |d| d.target)
    }

    pub fn current_definition(&self) -> Option<&str> {
        Some(self.revisions.get(&self.target())?.task_definition_arn())
    }

    /// The number the next revision gets.
    pub fn next_revision(&self) -> usize {
        self.revisions.keys().next_back().map_or(0, |last| last + 1)
    }

    /// Forgets the deployments past `KEPT_DEPLOYMENTS`, the oldest, and the revisions no kept
    /// deployment or task names any more.
    pub fn forget_oldest(&mut self) {
        let excess = self.deployments.len().saturating_sub(KEPT_DEPLOYMENTS);
        if excess == 0 {
            return;
        }
        self.deployments.drain(..excess);
        let named: std::collections::BTreeSet<usize> = (self.deployments.iter())
            .flat_map(|d| std::iter::once(d.target).chain(d.source))
            .chain(self.tasks.values().map(|p| p.revision))
            .collect();
        self.revisions.retain(|index, _| named.contains(index));
    }

    pub fn deployment_mut(&mut self) -> Option<&mut Deployment> {
        self.deployments.last_mut().filter(|d| d.is_running())
    }

    pub fn summary(&self) -> api::DaemonSummary {
        api::DaemonSummary {
            daemon_arn: Some(self.arn.clone()),
            status: Some(self.status.shown()),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        }
    }
}

/// `<kind>/<cluster>/<daemon>/<id>`, the id hashed from the daemon and a count, so that no draw
/// of the simulation's generator is spent on it: 19 digits for a revision, 20 URL-safe
/// characters for a deployment.
fn child_arn(daemon_arn: &str, kind: &str, count: usize, digits: bool) -> String {
    let mut hash = Fnv::new();
    hash.bytes(daemon_arn.as_bytes());
    hash.bytes(kind.as_bytes());
    hash.bytes(&(count as u64).to_le_bytes());
    let id = if digits {
        format!("{:019}", hash.0 % 10_000_000_000_000_000_000)
    } else {
        crate::sim::fnv::url_safe_id(hash.0, 20)
    };
    let (prefix, path) = daemon_arn.split_once(":daemon/").unwrap_or_default();
    format!("{prefix}:{kind}/{path}/{id}")
}

/// ECS's daemons, by (cluster name, daemon name).
pub type Daemons = BTreeMap<(String, String), Daemon>;
