//! ECS's events on the default EventBridge bus: ECS Task State Change, ECS Container Instance
//! State Change, ECS Service Action and ECS Deployment State Change, in AWS's shapes.
//!
//! Clusters note copies of what changed and services note their signals; after every moment
//! the simulation takes them (`publish`), keeps the newest `eventBusRetention` for ListBusEvents
//! and hands each to the rules whose patterns it matches, delivered `eventDeliveryDelay` later.
//! The JSON is written only when something reads it: a rule whose envelope test passed, or a
//! listing.

use super::World;
use crate::api::ecsim as api;
use crate::cluster::{Change, ContainerInstance, Task, TaskDocument};
use crate::error::EcsimError;
use crate::pattern::Pattern;
use crate::sim::clock::Event;
use crate::sim::config::SimulationConfig;
use crate::sim::ecs::services::signals::Signal;
use serde_json::{json, Map, Value};
use std::sync::Arc;

#[derive(Clone, Debug)]
enum Source {
    Task {
        cluster_arn: Arc<str>,
        task: Arc<Task>,
    },
    Instance {
        cluster_arn: Arc<str>,
        instance: Box<ContainerInstance>,
        leaving: bool,
    },
    Service {
        cluster_arn: Arc<str>,
        service_arn: Arc<str>,
        signal: Signal,
    },
}

/// One event on the bus.
#[derive(Clone, Debug)]
pub struct BusEvent {
    /// Its number on the bus, from which its id is drawn when it is written.
    number: u64,
    at: f64,
    source: Source,
}

/// Task timestamps as the event writes them (ISO 8601 text, not epoch seconds).
const TASK_TIMES: [&str; 8] = [
    "createdAt",
    "startedAt",
    "stoppedAt",
    "stoppingAt",
    "pullStartedAt",
    "pullStoppedAt",
    "executionStoppedAt",
    "connectivityAt",
];

/// `2025-01-01T00:00:00Z`, or with milliseconds as the details write them.
fn iso(seconds: f64, millis: bool) -> String {
    let milliseconds = (seconds * 1000.0).round() as i64;
    let time = jiff::Timestamp::from_millisecond(milliseconds).unwrap_or(jiff::Timestamp::MAX);
    let format = if millis {
        "%Y-%m-%dT%H:%M:%S%.3fZ"
    } else {
        "%Y-%m-%dT%H:%M:%SZ"
    };
    time.strftime(format).to_string()
}

fn times_as_text(object: &mut Map<String, Value>, members: &[&str]) {
    for member in members {
        if let Some(seconds) = object.get(*member).and_then(Value::as_f64) {
            object.insert((*member).to_string(), Value::String(iso(seconds, true)));
        }
    }
}

impl BusEvent {
    fn detail_type(&self) -> &'static str {
        match &self.source {
            Source::Task { .. } => "ECS Task State Change",
            Source::Instance { .. } => "ECS Container Instance State Change",
            Source::Service {
                signal: Signal::Deployment { .. },
                ..
            } => "ECS Deployment State Change",
            Source::Service { .. } => "ECS Service Action",
        }
    }

    fn resource(&self) -> String {
        match &self.source {
            Source::Task { task, .. } => task.arn.to_string(),
            Source::Instance { instance, .. } => instance.arn.to_string(),
            Source::Service { service_arn, .. } => service_arn.to_string(),
        }
    }

    /// Everything but `detail`: what most patterns decide on.
    fn envelope(&self, config: &SimulationConfig) -> Value {
        json!({
            "version": "0",
            "id": self.id(config),
            "detail-type": self.detail_type(),
            "source": "aws.ecs",
            "account": config.account_id,
            "time": iso(self.at, false),
            "region": config.region,
            "resources": [self.resource()],
        })
    }

    fn detail(&self) -> Value {
        let updated_at = iso(self.at, true);
        match &self.source {
            Source::Task { cluster_arn, task } => {
                let task = TaskDocument::new(Arc::clone(task), Arc::clone(cluster_arn), self.at);
                let mut detail = match serde_json::to_value(task) {
                    Ok(Value::Object(detail)) => detail,
                    _ => Map::new(),
                };
                times_as_text(&mut detail, &TASK_TIMES);
                // ECS leaves health out of these events (documented).
                detail.remove("healthStatus");
                if let Some(Value::Array(containers)) = detail.get_mut("containers") {
                    for container in containers.iter_mut().filter_map(Value::as_object_mut) {
                        container.remove("healthStatus");
                    }
                }
                detail.insert("updatedAt".into(), updated_at.into());
                Value::Object(detail)
            }
            Source::Instance {
                cluster_arn,
                instance,
                leaving,
            } => {
                let mut detail = match serde_json::to_value(instance.to_api(false)) {
                    Ok(Value::Object(detail)) => detail,
                    _ => Map::new(),
                };
                times_as_text(&mut detail, &["registeredAt"]);
                if *leaving {
                    detail.insert("status".into(), "INACTIVE".into());
                    detail.insert("agentConnected".into(), false.into());
                }
                detail.insert("clusterArn".into(), cluster_arn.to_string().into());
                detail.insert("updatedAt".into(), updated_at.into());
                Value::Object(detail)
            }
            Source::Service {
                cluster_arn,
                signal,
                ..
            } => match signal {
                Signal::Deployment {
                    id,
                    outcome,
                    reason,
                } => json!({
                    "eventType": if *outcome == crate::sim::ecs::services::signals::Outcome::Failed { "ERROR" } else { "INFO" },
                    "eventName": outcome.event_name(),
                    "deploymentId": id,
                    "updatedAt": updated_at,
                    "reason": reason,
                }),
                Signal::SteadyState => json!({
                    "eventType": "INFO",
                    "eventName": "SERVICE_STEADY_STATE",
                    "clusterArn": cluster_arn.as_ref(),
                    "createdAt": updated_at,
                }),
                Signal::TaskStartImpaired => json!({
                    "eventType": "WARN",
                    "eventName": "SERVICE_TASK_START_IMPAIRED",
                    "clusterArn": cluster_arn.as_ref(),
                    "createdAt": updated_at,
                }),
                Signal::TaskPlacementFailure { reason } => json!({
                    "eventType": "ERROR",
                    "eventName": "SERVICE_TASK_PLACEMENT_FAILURE",
                    "clusterArn": cluster_arn.as_ref(),
                    "reason": reason,
                    "createdAt": updated_at,
                }),
            },
        }
    }

    pub fn to_json(&self, config: &SimulationConfig) -> Value {
        let mut event = self.envelope(config);
        event["detail"] = self.detail();
        event
    }

    pub fn id(&self, config: &SimulationConfig) -> String {
        event_id(config.seed, self.number)
    }
}

/// A UUID for the `n`th event of a simulation seeded with `seed` (not drawn from the world's
/// RNG: listening to the bus must not change any other answer).
fn event_id(seed: u64, n: u64) -> String {
    let mut high = crate::sim::fnv::Fnv::new();
    high.bytes(&seed.to_le_bytes());
    high.bytes(&n.to_le_bytes());
    let mut low = crate::sim::fnv::Fnv(high.0);
    low.bytes(b"aws.ecs");
    crate::sim::ecs::launch::uuid(u128::from(high.0) << 64 | u128::from(low.0))
}

/// Takes what clusters and services noted since the last moment, puts it on the bus and hands it
/// to the rules it matches.
pub fn publish(world: &mut World) {
    let listening = world.events.listening(&world.config);
    let mut sources = Vec::new();
    for cluster in world.ecs.clusters_mut() {
        cluster.listen(listening);
        let noted = cluster.changes_noted();
        if noted == 0 {
            continue;
        }
        sources.reserve(noted);
        let cluster_arn: Arc<str> = cluster.arn.as_str().into();
        for change in cluster.take_changes() {
            sources.push(match change {
                Change::Task { at, task } => (
                    at,
                    Source::Task {
                        cluster_arn: Arc::clone(&cluster_arn),
                        task,
                    },
                ),
                Change::Instance {
                    at,
                    instance,
                    leaving,
                } => (
                    at,
                    Source::Instance {
                        cluster_arn: Arc::clone(&cluster_arn),
                        instance,
                        leaving,
                    },
                ),
            });
        }
    }
    for service in world.ecs.services.values_mut() {
        if service.signals.is_empty() {
            continue;
        }
        let signals = service.take_signals();
        if !listening {
            continue;
        }
        let cluster_arn: Arc<str> = service.cluster_arn.as_str().into();
        let service_arn: Arc<str> = service.arn.as_str().into();
        for (at, signal) in signals {
            sources.push((
                at,
                Source::Service {
                    cluster_arn: Arc::clone(&cluster_arn),
                    service_arn: Arc::clone(&service_arn),
                    signal,
                },
            ));
        }
    }
    if sources.is_empty() {
        return;
    }
    sources.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (at, source) in sources {
        let number = world.events.published;
        world.events.published += 1;
        let event = Arc::new(BusEvent { number, at, source });
        hand_to_rules(world, &event);
        let bus = &mut world.events.bus;
        bus.push_back(event);
        while bus.len() > world.config.event_bus_retention {
            bus.pop_front();
        }
    }
}

/// Schedules the event's delivery to every enabled rule whose pattern it matches.
fn hand_to_rules(world: &mut World, event: &Arc<BusEvent>) {
    let mut whole = None;
    let mut matched = Vec::new();
    let envelope = world
        .events
        .has_patterns()
        .then(|| event.envelope(&world.config));
    let Some(envelope) = envelope else {
        return;
    };
    for (name, pattern) in world.events.patterns() {
        if !pattern.may_match_envelope(&envelope) {
            continue;
        }
        let whole = whole.get_or_insert_with(|| event.to_json(&world.config));
        if pattern.matches(whole) {
            matched.push(name.to_string());
        }
    }
    let due = event.at + world.config.event_delivery_delay;
    for rule in matched {
        let delivery = world.events.pend(rule, Arc::clone(event));
        world.clock.schedule(due, Event::RuleMatched { delivery });
    }
}

/// ListBusEvents.
pub fn list_bus_events(
    world: &mut World,
    request: api::ListBusEventsRequest,
) -> Result<api::ListBusEventsResponse, EcsimError> {
    let invalid = |message: String| api::Error::InvalidParameterException.with(message);
    let pattern = request
        .event_pattern
        .as_deref()
        .map(Pattern::parse)
        .transpose()
        .map_err(|why| invalid(format!("eventPattern: {why}")))?;
    let config = &world.config;
    let events: Vec<Value> = world
        .events
        .bus
        .iter()
        .filter(|e| request.since.is_none_or(|since| e.at >= since))
        .filter(|e| {
            request
                .detail_type
                .as_deref()
                .is_none_or(|wanted| e.detail_type() == wanted)
        })
        .map(|e| e.to_json(config))
        .filter(|whole| pattern.as_ref().is_none_or(|p| p.matches(whole)))
        .collect();
    let (page, next_token) = crate::sim::paging::BUS.page(
        events,
        request.max_results,
        request.next_token.as_deref(),
        invalid,
    )?;
    Ok(api::ListBusEventsResponse {
        events: Some(page.iter().map(Value::to_string).collect()),
        next_token,
    })
}
