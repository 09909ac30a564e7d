//! AWS Cloud Map: namespaces (HTTP, private and public DNS), services with their DNS and health
//! settings, registered instances, the operations that changed them, and what DiscoverInstances
//! and DNS answer. ECS services with `serviceRegistries` register their tasks here
//! (`sim::ecs::services::registries`).
//!
//! Conventions where AWS is silent (docs/conventions.md): operations complete within the call;
//! Route 53 health checks (`HealthCheckConfig`) find every instance healthy, as ecsim reaches no
//! endpoint; answers are shuffled by a generator seeded from the simulation's seed, the service,
//! its revision and the clock, so a read never draws from the simulation's RNG.

mod discover;
pub mod handlers;
mod instances;
mod namespaces;
mod operations;
pub mod resolve;
mod services;
mod tags;

pub(crate) use instances::report_health;

use crate::api::servicediscovery as api;
use crate::error::EcsimError;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use std::collections::{BTreeMap, VecDeque};

/// Namespaces per account and Region (Cloud Map's quota).
pub const MAX_NAMESPACES: usize = 50;
/// Instances per service (Cloud Map's quota).
pub const MAX_INSTANCES_PER_SERVICE: usize = 1000;
/// Operations kept for GetOperation and ListOperations, the oldest forgotten first.
pub const MAX_OPERATIONS: usize = 10_000;

#[derive(Clone)]
pub struct Namespace {
    /// As GetNamespace shows it, without the service count.
    pub described: api::Namespace,
    pub tags: Vec<api::Tag>,
}

impl Namespace {
    pub fn id(&self) -> &str {
        self.described.id.as_deref().unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.described.name.as_deref().unwrap_or_default()
    }

    pub fn is_dns(&self) -> bool {
        self.described.r#type != Some(api::NamespaceType::Http)
    }

    /// The namespace's HTTP name: what DiscoverInstances names it by.
    pub fn http_name(&self) -> &str {
        self.described
            .properties
            .as_ref()
            .and_then(|p| p.http_properties.as_ref())
            .and_then(|h| h.http_name.as_deref())
            .unwrap_or_else(|| self.name())
    }
}

#[derive(Clone)]
pub struct Service {
    /// As GetService shows it, without the instance count.
    pub described: api::Service,
    pub tags: Vec<api::Tag>,
    pub instances: BTreeMap<String, Instance>,
    /// Bumped by every registration and deregistration (DiscoverInstancesRevision).
    pub revision: i64,
}

impl Service {
    pub fn id(&self) -> &str {
        self.described.id.as_deref().unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.described.name.as_deref().unwrap_or_default()
    }

    pub fn namespace_id(&self) -> &str {
        self.described.namespace_id.as_deref().unwrap_or_default()
    }

    /// Which health its instances have: pushed by the owner, checked by Route 53, or none.
    pub fn health_kind(&self) -> HealthKind {
        if self.described.health_check_custom_config.is_some() {
            HealthKind::Custom
        } else if self.described.health_check_config.is_some() {
            HealthKind::Route53
        } else {
            HealthKind::None
        }
    }

    pub fn record_types(&self) -> Vec<api::RecordType> {
        self.described
            .dns_config
            .as_ref()
            .and_then(|c| c.dns_records.as_ref())
            .map(|records| records.iter().filter_map(|r| r.r#type).collect())
            .unwrap_or_default()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HealthKind {
    Custom,
    Route53,
    None,
}

#[derive(Clone)]
pub struct Instance {
    pub attributes: BTreeMap<String, String>,
    pub creator_request_id: Option<String>,
    /// The custom health status in effect, and a change waiting for its delay to pass.
    pub custom_health: api::CustomHealthStatus,
    pub pending_health: Option<(api::CustomHealthStatus, f64)>,
}

impl Instance {
    /// Its health at `now` in a service of `kind`.
    pub fn health(&self, kind: HealthKind, now: f64) -> api::HealthStatus {
        match kind {
            HealthKind::None => api::HealthStatus::Unknown,
            HealthKind::Route53 => api::HealthStatus::Healthy,
            HealthKind::Custom => {
                let status = match self.pending_health {
                    Some((pending, at)) if at <= now => pending,
                    _ => self.custom_health,
                };
                match status {
                    api::CustomHealthStatus::Healthy => api::HealthStatus::Healthy,
                    api::CustomHealthStatus::Unhealthy => api::HealthStatus::Unhealthy,
                }
            }
        }
    }
}

/// Cloud Map's state: namespaces and services by id, and the recent operations.
#[derive(Clone, Default)]
pub struct ServiceDiscoveryState {
    pub namespaces: BTreeMap<String, Namespace>,
    pub services: BTreeMap<String, Service>,
    pub operations: VecDeque<api::Operation>,
}

impl ServiceDiscoveryState {
    pub fn namespace(&self, id: &str) -> Result<&Namespace, EcsimError> {
        self.namespaces
            .get(id)
            .ok_or_else(|| api::Error::NamespaceNotFound.with(format!("Namespace {id} not found.")))
    }

    pub fn service(&self, id: &str) -> Result<&Service, EcsimError> {
        self.services
            .get(id)
            .ok_or_else(|| api::Error::ServiceNotFound.with(format!("Service {id} not found.")))
    }

    pub fn service_mut(&mut self, id: &str) -> Result<&mut Service, EcsimError> {
        self.services
            .get_mut(id)
            .ok_or_else(|| api::Error::ServiceNotFound.with(format!("Service {id} not found.")))
    }

    /// The service named `service_name` in the namespace whose HTTP name is `namespace_name`.
    pub fn service_by_names(
        &self,
        namespace_name: &str,
        service_name: &str,
    ) -> Result<&Service, EcsimError> {
        let namespace = self
            .namespaces
            .values()
            .find(|n| n.http_name() == namespace_name)
            .ok_or_else(|| {
                api::Error::NamespaceNotFound.with(format!("Namespace {namespace_name} not found."))
            })?;
        self.services
            .values()
            .find(|s| s.namespace_id() == namespace.id() && s.name() == service_name)
            .ok_or_else(|| {
                api::Error::ServiceNotFound.with(format!(
                    "Service {service_name} not found in namespace {namespace_name}."
                ))
            })
    }
}

/// One page of a Cloud Map List action's answer (`MaxResults`, `NextToken`).
pub(crate) fn page<T>(
    items: Vec<T>,
    max_results: Option<i32>,
    next_token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), EcsimError> {
    crate::sim::paging::SERVICEDISCOVERY.page(items, max_results, next_token, |m| {
        api::Error::InvalidInput.with(m)
    })
}

/// `n` random characters of Cloud Map's ids (lowercase letters and digits).
pub fn random_id(rng: &mut ChaCha8Rng, n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| ALPHABET[(rng.next_u32() % ALPHABET.len() as u32) as usize] as char)
        .collect()
}

/// A generator for the order of a read's answer: seeded from the simulation's seed, what is read
/// and when, so that reading draws nothing from the simulation's own generator (reads are not
/// journaled) and the same question at the same moment gets the same answer.
pub fn answer_rng(seed: u64, subject: &str, revision: i64, now: f64) -> ChaCha8Rng {
    let mut hash = crate::sim::fnv::Fnv::new();
    hash.bytes(&seed.to_le_bytes());
    hash.bytes(subject.as_bytes());
    hash.bytes(&revision.to_le_bytes());
    hash.bytes(&now.to_bits().to_le_bytes());
    ChaCha8Rng::seed_from_u64(hash.0)
}

/// Shuffles `items` in place with `rng` (Fisher–Yates).
pub fn shuffle<T>(items: &mut [T], rng: &mut ChaCha8Rng) {
    for i in (1..items.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}
