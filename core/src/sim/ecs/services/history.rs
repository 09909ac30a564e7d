//! Every deployment a service has had, as ECS's service deployments API shows them: a service
//! revision for what each one deployed, and a service deployment for each update, with its
//! status through to the end, the rollback it took, its circuit breaker. They are noted where a
//! deployment begins and ends (`signals.rs`), so every way one starts (CreateService,
//! UpdateService, a circuit breaker's rollback, StopServiceDeployment) is recorded alike.

use super::signals::Outcome;
use super::{Deployment, Service};
use crate::api::ecs::{
    self as api, ServiceDeploymentRollbackMonitorsStatus as Monitor,
    ServiceDeploymentStatus as Status,
};
use crate::sim::fnv::Fnv;

/// At most this many service deployments are kept per service, the newest (docs/conventions.md):
/// a loop of forced deployments keeps bounded state.
const KEPT_DEPLOYMENTS: usize = 1_000;

#[derive(Clone, Debug, Default)]
pub struct History {
    /// Oldest first.
    pub deployments: Vec<ServiceDeployment>,
    /// Oldest first.
    pub revisions: Vec<api::ServiceRevision>,
}

#[derive(Clone, Debug)]
pub struct ServiceDeployment {
    /// The ECS deployments (`ecs-svc/…`) that carried it: its own, then its rollback's.
    pub deployment_ids: Vec<String>,
    pub described: api::ServiceDeployment,
}

impl History {
    /// Drops the service deployments past `KEPT_DEPLOYMENTS`, the oldest, and the revisions
    /// that no kept one names any more.
    fn forget_oldest(&mut self) {
        let excess = self.deployments.len().saturating_sub(KEPT_DEPLOYMENTS);
        if excess == 0 {
            return;
        }
        self.deployments.drain(..excess);
        let named: std::collections::HashSet<&str> = self
            .deployments
            .iter()
            .flat_map(|r| r.revision_arns())
            .collect();
        self.revisions.retain(|revision| {
            named.contains(revision.service_revision_arn.as_deref().unwrap_or_default())
        });
    }
}

impl ServiceDeployment {
    /// The revisions it names: its sources, its target, the one it rolled back to.
    fn revision_arns(&self) -> impl Iterator<Item = &str> {
        let d = &self.described;
        let sources = d.source_service_revisions.iter().flatten().map(|s| &s.arn);
        let target = d.target_service_revision.iter().map(|t| &t.arn);
        let rollback = d.rollback.iter().map(|r| &r.service_revision_arn);
        sources
            .chain(target)
            .chain(rollback)
            .filter_map(|arn| arn.as_deref())
    }

    pub fn arn(&self) -> &str {
        self.described
            .service_deployment_arn
            .as_deref()
            .unwrap_or_default()
    }

    pub fn status(&self) -> Status {
        self.described.status.unwrap_or(Status::Pending)
    }

    pub fn is_running(&self) -> bool {
        matches!(
            self.status(),
            Status::Pending
                | Status::InProgress
                | Status::RollbackRequested
                | Status::RollbackInProgress
        )
    }

    pub fn brief(&self) -> api::ServiceDeploymentBrief {
        let d = &self.described;
        api::ServiceDeploymentBrief {
            service_deployment_arn: d.service_deployment_arn.clone(),
            service_arn: d.service_arn.clone(),
            cluster_arn: d.cluster_arn.clone(),
            started_at: d.started_at,
            created_at: d.created_at,
            finished_at: d.finished_at,
            target_service_revision_arn: d
                .target_service_revision
                .as_ref()
                .and_then(|t| t.arn.clone()),
            status: d.status,
            status_reason: d.status_reason.clone(),
        }
    }
}

/// `service-revision/<cluster>/<service>/<19 digits>`: the digits of the ECS deployment it
/// started with, so that no draw from the simulation's generator is spent on it.
fn revision_arn(service: &Service, deployment_id: &str) -> String {
    let digits = deployment_id.trim_start_matches("ecs-svc/");
    resource_arn(service, "service-revision", digits)
}

/// `service-deployment/<cluster>/<service>/<20 characters>`, hashed from its deployment's id.
fn deployment_arn(service: &Service, deployment_id: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut hash = Fnv::new();
    hash.bytes(service.arn.as_bytes());
    hash.bytes(deployment_id.as_bytes());
    let (mut high, mut low) = (hash.0, hash.0.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15);
    let id: String = (0..20)
        .map(|i| {
            let source = if i < 10 { &mut high } else { &mut low };
            let c = ALPHABET[(*source % 64) as usize] as char;
            *source /= 64;
            c
        })
        .collect();
    resource_arn(service, "service-deployment", &id)
}

fn resource_arn(service: &Service, kind: &str, id: &str) -> String {
    // The service ARN is `…:service/<cluster>/<name>`.
    let (prefix, path) = service.arn.split_once(":service/").unwrap_or_default();
    format!("{prefix}:{kind}/{path}/{id}")
}

impl Service {
    /// A revision of what `deployment` deploys, with the service's settings now.
    fn revision(&self, deployment: &Deployment, now: f64) -> api::ServiceRevision {
        let (launch_type, capacity_provider_strategy) =
            self.launch_shown(&deployment.capacity_provider_strategy);
        api::ServiceRevision {
            service_revision_arn: Some(revision_arn(self, &deployment.id)),
            service_arn: Some(self.arn.clone()),
            cluster_arn: Some(self.cluster_arn.clone()),
            task_definition: Some(deployment.task_definition_arn.clone()),
            launch_type,
            capacity_provider_strategy,
            load_balancers: Some(self.load_balancers.clone()),
            service_registries: Some(self.service_registries.clone()),
            network_configuration: self.network_configuration.clone(),
            created_at: Some(now),
            ..api::ServiceRevision::default()
        }
    }

    fn summary(&self, deployment: &Deployment, requested: u32) -> api::ServiceRevisionSummary {
        api::ServiceRevisionSummary {
            arn: Some(revision_arn(self, &deployment.id)),
            requested_task_count: Some(requested as i32),
            running_task_count: Some(deployment.tasks.len() as i32),
            pending_task_count: Some(0),
            ..api::ServiceRevisionSummary::default()
        }
    }

    fn breaker(&self, failures: u32) -> api::ServiceDeploymentCircuitBreaker {
        let enabled = self
            .circuit_breaker
            .as_ref()
            .is_some_and(|b| b.enable == Some(true));
        let threshold =
            crate::scaling::math::circuit_breaker_threshold(u64::from(self.desired_count));
        api::ServiceDeploymentCircuitBreaker {
            status: Some(if enabled {
                Monitor::Monitoring
            } else {
                Monitor::Disabled
            }),
            failure_count: Some(failures as i32),
            threshold: Some(threshold as i32),
        }
    }

    /// Notes that `deployment` begins: a new service deployment, or (`rollback`: ECS's reason)
    /// the rollback of the one whose deployment just failed.
    pub(super) fn note_begin(&mut self, deployment: &Deployment, now: f64, rollback: Option<&str>) {
        let revision = self.revision(deployment, now);
        let revision_arn = revision.service_revision_arn.clone();
        if !self
            .history
            .revisions
            .iter()
            .any(|r| r.service_revision_arn == revision_arn)
        {
            self.history.revisions.push(revision);
        }
        if let Some(reason) = rollback {
            let failed = self.deployments.first().map(|d| d.id.clone());
            if let Some(record) = self.record_of(failed.as_deref()) {
                record.deployment_ids.push(deployment.id.clone());
                let d = &mut record.described;
                d.status = Some(Status::RollbackInProgress);
                d.status_reason = Some(reason.to_string());
                d.updated_at = Some(now);
                d.finished_at = None;
                d.stopped_at = None;
                d.rollback = Some(api::Rollback {
                    reason: Some(reason.to_string()),
                    started_at: Some(now),
                    service_revision_arn: revision_arn,
                });
                return;
            }
        }
        for record in &mut self.history.deployments {
            if record.is_running() {
                let d = &mut record.described;
                d.status = Some(Status::Stopped);
                d.status_reason = Some("Stopped by a newer service deployment.".into());
                d.stopped_at = Some(now);
                d.updated_at = Some(now);
            }
        }
        let sources = self
            .deployments
            .iter()
            .enumerate()
            .map(|(i, d)| self.summary(d, if i == 0 { self.desired_count } else { 0 }))
            .collect();
        let described = api::ServiceDeployment {
            service_deployment_arn: Some(deployment_arn(self, &deployment.id)),
            service_arn: Some(self.arn.clone()),
            cluster_arn: Some(self.cluster_arn.clone()),
            created_at: Some(now),
            started_at: Some(now),
            updated_at: Some(now),
            source_service_revisions: Some(sources),
            target_service_revision: Some(self.summary(deployment, self.desired_count)),
            status: Some(Status::InProgress),
            deployment_configuration: Some(self.deployment_configuration()),
            deployment_circuit_breaker: Some(self.breaker(0)),
            ..api::ServiceDeployment::default()
        };
        self.history.deployments.push(ServiceDeployment {
            deployment_ids: vec![deployment.id.clone()],
            described,
        });
        self.history.forget_oldest();
    }

    /// Notes how the primary deployment ended.
    pub(super) fn note_end(&mut self, now: f64, outcome: Outcome, reason: &str) {
        let Some(primary) = self.deployments.first() else {
            return;
        };
        let (id, failures, running) = (
            primary.id.clone(),
            primary.failed_tasks,
            primary.tasks.len() as i32,
        );
        let mut breaker = self.breaker(failures);
        let Some(record) = self.record_of(Some(&id)) else {
            return;
        };
        let rolling_back = record.deployment_ids.len() > 1;
        let completed = outcome == Outcome::Completed;
        let status = match (rolling_back, completed) {
            (true, true) => Status::RollbackSuccessful,
            (true, false) => Status::RollbackFailed,
            (false, true) => Status::Successful,
            (false, false) => Status::Stopped,
        };
        if !rolling_back {
            let tripped = breaker.failure_count >= breaker.threshold;
            breaker.status = Some(match breaker.status {
                Some(Monitor::Disabled) => Monitor::Disabled,
                _ if tripped => Monitor::Triggered,
                _ => Monitor::MonitoringComplete,
            });
            record.described.deployment_circuit_breaker = Some(breaker);
            if let Some(target) = &mut record.described.target_service_revision {
                target.running_task_count = Some(running);
            }
        }
        let d = &mut record.described;
        d.status = Some(status);
        d.status_reason = (!reason.is_empty()).then(|| reason.to_string());
        d.updated_at = Some(now);
        if completed || rolling_back {
            d.finished_at = Some(now);
        } else {
            d.stopped_at = Some(now);
        }
    }

    /// Notes the stage a shifting deployment is at, and its hooks.
    pub(super) fn note_stage(
        &mut self,
        deployment_id: &str,
        stage: api::ServiceDeploymentLifecycleStage,
        hooks: Vec<api::DeploymentLifecycleHookDetail>,
    ) {
        if let Some(record) = self.record_of(Some(deployment_id)) {
            record.described.lifecycle_stage = Some(stage);
            record.described.lifecycle_hook_details = Some(hooks);
        }
    }

    /// Notes that a shifting deployment rolled back to `blue`, whose tasks still serve: the
    /// rollback is over as soon as the traffic is back.
    pub(super) fn note_rolled_back(
        &mut self,
        deployment_id: &str,
        blue: &Deployment,
        now: f64,
        reason: &str,
    ) {
        let revision = revision_arn(self, &blue.id);
        if let Some(record) = self.record_of(Some(deployment_id)) {
            let d = &mut record.described;
            d.status = Some(Status::RollbackSuccessful);
            d.status_reason = Some(reason.to_string());
            d.finished_at = Some(now);
            d.stopped_at = None;
            d.rollback = Some(api::Rollback {
                reason: Some(reason.to_string()),
                started_at: Some(now),
                service_revision_arn: Some(revision),
            });
        }
    }

    fn record_of(&mut self, deployment_id: Option<&str>) -> Option<&mut ServiceDeployment> {
        let id = deployment_id?;
        self.history
            .deployments
            .iter_mut()
            .rev()
            .find(|r| r.deployment_ids.iter().any(|d| d == id))
    }
}
