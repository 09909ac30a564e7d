//! The `ecsim` service: what only a simulation has. Its actions are described by
//! `core/models/ecsim.json`, in botocore's format, like the AWS services' models: bulk
//! placement, image behaviours, faults, schedule previews and the records the simulation keeps.

mod dns;
mod faults;
mod layout;
pub mod load;
pub mod subnets;

use super::ecs::tasks::{launch_tasks, MAX_PLACE_TASKS_COUNT};
use super::ecs::{cluster_name, tasks::Launched};
use super::World;
use crate::api::ecs::RunTaskRequest;
use crate::api::ecsim as api;
use crate::cluster::lifecycle::ImageBehavior;
use crate::error::EcsimError;
use crate::schedule::Schedule;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The handlers the generated operation table (`sim/registry.rs`) calls.
pub(crate) mod handlers {
    pub(crate) use super::dns::resolve_dns;
    pub(crate) use super::faults::{
        disconnect_agent, interrupt_spot_instance, interrupt_spot_task, kill_instance,
        reconnect_agent,
    };
    pub(crate) use super::layout::describe_cluster_layout;
    pub(crate) use super::load::put_service_load;
    pub(crate) use super::{
        create_subnet, list_events, list_invocations, next_fire_times, place_tasks, put_image,
    };
    pub(crate) use crate::sim::ecs::services::shift::hooks::put_hook_function;
    pub(crate) use crate::sim::events::bus::list_bus_events;
}

#[derive(Clone, Default)]
pub struct EcsimState {
    /// What running each image does (PutImage); images not here pull in the default time and
    /// run until stopped.
    pub images: BTreeMap<String, ImageBehavior>,
    /// The subnets FARGATE tasks land in, with their zones (CreateSubnet).
    pub subnets: subnets::Subnets,
    /// The demand traces of services (PutServiceLoad).
    pub loads: load::Loads,
}

/// PlaceTasks' answer: one column per field, a row per task, ready for a data frame (a million
/// task documents would cost far more than placing the tasks). FARGATE rows have a null
/// container instance.
#[derive(Debug, Serialize)]
pub struct PlaceTasksOutput {
    placements: Placements,
    failures: Vec<crate::api::ecs::Failure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanations: Option<Vec<super::ecs::Explanation>>,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Placements {
    task_arn: Vec<Arc<str>>,
    container_instance_arn: Vec<Option<Arc<str>>>,
    availability_zone: Vec<Option<Arc<str>>>,
}

/// Explanations name every instance for every task: 10,000 tasks on 1,000 instances would be
/// hundreds of megabytes, so PlaceTasks explains up to this many tasks a call.
pub const MAX_EXPLAINED_TASKS: u64 = 100;

/// PlaceTasks: RunTask's input with any `count` up to [`MAX_PLACE_TASKS_COUNT`]. The answers are
/// exactly those of successive RunTask calls of 10 (a property test compares them); it stops at
/// the first task that finds no instance, as the following calls would fail the same way.
pub fn place_tasks(
    world: &mut World,
    request: RunTaskRequest,
) -> Result<PlaceTasksOutput, EcsimError> {
    let count = match request.count {
        None => 1,
        Some(count) => u64::try_from(count)
            .ok()
            .filter(|c| (1..=MAX_PLACE_TASKS_COUNT).contains(c))
            .ok_or_else(|| {
                api::Error::InvalidParameterException.with(format!(
                    "count must be a whole number from 1 to {MAX_PLACE_TASKS_COUNT}."
                ))
            })?,
    };
    if request.explain == Some(true) && count > MAX_EXPLAINED_TASKS {
        return Err(api::Error::InvalidParameterException.with(format!(
            "explain is answered for up to {MAX_EXPLAINED_TASKS} tasks a call (each explanation names every instance): place more without it."
        )));
    }
    let Launched {
        cluster,
        placed,
        failures,
        explanations,
    } = launch_tasks(world, request, count)?;
    let cluster = world.ecs.cluster_mut(Some(&cluster))?;
    let mut placements = Placements::default();
    for task in placed.iter().map(|&position| &cluster.tasks[position]) {
        placements.task_arn.push(Arc::clone(&task.arn));
        placements
            .container_instance_arn
            .push(task.instance_arn.clone());
        placements
            .availability_zone
            .push(task.availability_zone.clone());
    }
    Ok(PlaceTasksOutput {
        placements,
        failures,
        explanations,
    })
}

/// PutImage's answer: the image and what it does now (unset members as nulls).
#[derive(Debug, Serialize)]
pub struct PutImageOutput {
    image: String,
    behavior: ImageBehavior,
}

/// PutImage: what running an image does in this simulation, for tasks started from now on.
pub fn put_image(
    world: &mut World,
    request: api::PutImageRequest,
) -> Result<PutImageOutput, EcsimError> {
    let image = request
        .image
        .filter(|image| !image.is_empty())
        .ok_or_else(|| {
            api::Error::InvalidParameterException.with("PutImage needs an image name.")
        })?;
    let behavior = ImageBehavior {
        pull_seconds: request.pull_seconds,
        pull_fails: request.pull_fails.unwrap_or(false),
        exit_after: request.exit_after,
        exit_code: request.exit_code,
        unhealthy_after: request.unhealthy_after,
        container_unhealthy_after: request.container_unhealthy_after,
        target_unhealthy_after: request.target_unhealthy_after,
    };
    let valid = |seconds: Option<f64>| seconds.is_none_or(|s| s.is_finite() && s >= 0.0);
    if ![
        behavior.pull_seconds,
        behavior.exit_after,
        behavior.unhealthy_after,
        behavior.container_unhealthy_after,
        behavior.target_unhealthy_after,
    ]
    .into_iter()
    .all(valid)
    {
        return Err(api::Error::InvalidParameterException.with(
            "pullSeconds, exitAfter, unhealthyAfter, containerUnhealthyAfter and targetUnhealthyAfter must be finite numbers of seconds >= 0.",
        ));
    }
    world.ecsim.images.insert(image.clone(), behavior.clone());
    Ok(PutImageOutput { image, behavior })
}

/// ListEvents: every service event of the simulation, oldest first, each with its service's
/// ARN; `cluster` keeps one cluster's, `since` those at or after that time.
pub fn list_events(
    world: &mut World,
    request: api::ListEventsRequest,
) -> Result<api::ListEventsResponse, EcsimError> {
    let cluster = request
        .cluster
        .as_deref()
        .map(|c| cluster_name(Some(c)).to_string());
    let mut events: Vec<(f64, u64, api::ServiceEventRecord)> = Vec::new();
    for ((service_cluster, _), service) in &world.ecs.services {
        if cluster.as_ref().is_some_and(|c| c != service_cluster) {
            continue;
        }
        // Kept newest first; the count since creation orders events of the same moment.
        for (age, event) in service.events.iter().enumerate() {
            let at = event.created_at.unwrap_or_default();
            if request.since.is_some_and(|since| at < since) {
                continue;
            }
            let order = service.events_added - age as u64;
            let record = api::ServiceEventRecord {
                created_at: Some(at),
                service_arn: Some(service.arn.clone()),
                id: event.id.clone(),
                message: event.message.clone(),
            };
            events.push((at, order, record));
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    Ok(api::ListEventsResponse {
        events: Some(events.into_iter().map(|(_, _, e)| e).collect()),
    })
}

/// NextFireTimes: the next fire times of a schedule expression in an IANA zone, as epoch seconds
/// and as ISO 8601 in the zone. Rates count from `after` (now unless given).
pub fn next_fire_times(
    world: &mut World,
    request: api::NextFireTimesRequest,
) -> Result<api::NextFireTimesResponse, EcsimError> {
    let invalid = |message: String| api::Error::InvalidParameterException.with(message);
    let schedule =
        Schedule::parse(request.expression.as_deref().unwrap_or_default()).map_err(invalid)?;
    let name = request.timezone.as_deref().unwrap_or("UTC");
    let zone = crate::schedule::zones::time_zone(name)
        .ok_or_else(|| invalid(format!("Unknown time zone '{name}'.")))?;
    let count = request.count.unwrap_or(5);
    if !(1..=1000).contains(&count) {
        return Err(invalid("count must be between 1 and 1000.".into()));
    }
    let after = request.after.unwrap_or(world.now);
    let start = Timestamp::from_second(after.floor() as i64)
        .map_err(|_| invalid(format!("after {after} is outside the supported range.")))?;
    let mut times = Vec::new();
    let mut cursor = start;
    while times.len() < count as usize {
        let Some(next) = schedule.next_after(cursor, start, &zone) else {
            break;
        };
        times.push(next);
        cursor = next;
    }
    Ok(api::NextFireTimesResponse {
        fire_times: Some(times.iter().map(|t| t.as_second()).collect()),
        iso_times: Some(
            times
                .iter()
                .map(|t| t.to_zoned_datetime(zone.clone()).to_string())
                .collect(),
        ),
    })
}

/// ListInvocations: what each firing of a rule's targets did, oldest first.
pub fn list_invocations(
    world: &mut World,
    request: api::ListInvocationsRequest,
) -> Result<api::ListInvocationsResponse, EcsimError> {
    let invocations = world
        .events
        .invocations()
        .iter()
        .filter(|i| request.rule.is_none() || i.rule == request.rule)
        .cloned()
        .collect();
    Ok(api::ListInvocationsResponse {
        invocations: Some(invocations),
    })
}

/// CreateSubnet: a subnet and its zone, for FARGATE tasks.
pub fn create_subnet(
    world: &mut World,
    request: api::CreateSubnetRequest,
) -> Result<api::CreateSubnetResponse, EcsimError> {
    let rng = &mut world.rng;
    let region = &world.config.region;
    world
        .ecsim
        .subnets
        .create(request, region, || super::world::random_hex(rng, 17))
}
