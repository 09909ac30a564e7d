//! The load model: PutServiceLoad gives an ECS service a demand trace, and every 20 seconds of
//! the clock the demand in force is spread evenly over the service's healthy tasks and published
//! as CloudWatch has it (`AWS/ECS` CPUUtilization and MemoryUtilization per service, every 20
//! seconds as ECS's high-resolution metrics are; `AWS/ApplicationELB` RequestCountPerTarget per
//! target group, and `AWS/ECS` CPUReservation and MemoryReservation of the loaded services'
//! clusters with container instances, every minute). Utilization is the share of the task's CPU units and MiB, not
//! capped at 100 (tasks on EC2 may use more than they reserve). With no healthy task nothing is
//! published, and the alarms see missing data, as with a service that has no task.

use super::super::ecs::cluster_name;
use super::World;
use crate::api::ecsim as api;
use crate::error::EcsimError;
use crate::sim::clock::Event;
use crate::sim::cloudwatch::{self, produced_series, CloudWatchState, MetricKey};
use std::collections::BTreeMap;

/// How often the utilization metrics are published (ECS's high-resolution metrics).
pub const TICK: f64 = 20.0;
/// How often RequestCountPerTarget is published (ELB's one-minute metrics).
const REQUEST_PERIOD: f64 = 60.0;

#[derive(Clone, Debug)]
pub struct Load {
    start: f64,
    points: Vec<(f64, Demand)>,
    repeat_every: Option<f64>,
    cpu_per_request: f64,
    memory_per_task: f64,
    metrics: ServiceMetrics,
    /// The trace point last in force.
    cursor: usize,
}

/// The series of the service's metrics, looked up once.
#[derive(Clone, Copy, Debug)]
struct ServiceMetrics {
    cpu: usize,
    memory: usize,
}

impl ServiceMetrics {
    fn of(state: &mut CloudWatchState, cluster: &str, service: &str) -> ServiceMetrics {
        let dimensions = [("ClusterName", cluster), ("ServiceName", service)];
        let mut series =
            |name| produced_series(state, &MetricKey::of("AWS/ECS", name, &dimensions));
        ServiceMetrics {
            cpu: series("CPUUtilization"),
            memory: series("MemoryUtilization"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Demand {
    requests_per_second: f64,
    cpu: f64,
    memory: f64,
}

/// The loads by (cluster, service), and whether the metrics tick is on the clock.
#[derive(Clone, Default)]
pub struct Loads {
    by_service: BTreeMap<(String, String), Load>,
    ticking: bool,
}

impl Load {
    /// The demand in force at `now`. The clock only moves forward, so the point in force is
    /// the last one's or a later one: a cursor walks the trace instead of searching it at
    /// every tick (it starts over when a repeated trace wraps).
    fn at(&mut self, now: f64) -> Option<Demand> {
        let mut offset = now - self.start;
        if let Some(period) = self.repeat_every {
            offset = offset.rem_euclid(period);
        }
        let mut index = self.cursor;
        if self.points.get(index).is_none_or(|(at, _)| *at > offset) {
            index = 0;
        }
        while self
            .points
            .get(index + 1)
            .is_some_and(|(at, _)| *at <= offset)
        {
            index += 1;
        }
        self.cursor = index;
        let (at, demand) = self.points.get(index)?;
        (*at <= offset).then_some(*demand)
    }
}

pub fn put_service_load(
    world: &mut World,
    request: api::PutServiceLoadRequest,
) -> Result<api::PutServiceLoadResponse, EcsimError> {
    let cluster = cluster_name(request.cluster.as_deref()).to_string();
    let reference = request.service.unwrap_or_default();
    let name = reference.rsplit('/').next().unwrap_or_default().to_string();
    let service = world
        .ecs
        .services
        .get(&(cluster.clone(), name.clone()))
        .ok_or_else(|| {
            api::Error::ServiceNotFoundException.with(format!("Service not found: {reference}"))
        })?;
    let arn = service.arn.clone();
    let invalid = |message: String| api::Error::InvalidParameterException.with(message);
    let number = |value: Option<f64>, member: &str| match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => Err(invalid(format!(
            "{member} must be a finite number of 0 or more, got {v}."
        ))),
        v => Ok(v.unwrap_or(0.0)),
    };
    let trace = match request.metric_data {
        None => request.trace.unwrap_or_default(),
        Some(export) => replayed(
            export,
            request.metric_data_as,
            request.metric_data_scale,
            request.trace.is_some(),
        )?,
    };
    let mut points = Vec::new();
    for (index, point) in trace.into_iter().enumerate() {
        let member = |name: &str| format!("trace[{index}].{name}");
        let at = number(point.at, &member("at"))?;
        if points
            .last()
            .is_some_and(|(previous, _): &(f64, Demand)| at <= *previous)
        {
            return Err(invalid(format!(
                "{} must be later than the point before it.",
                member("at")
            )));
        }
        let demand = Demand {
            requests_per_second: number(point.requests_per_second, &member("requestsPerSecond"))?,
            cpu: number(point.cpu, &member("cpu"))?,
            memory: number(point.memory, &member("memory"))?,
        };
        points.push((at, demand));
    }
    let repeat_every = match request.repeat_every {
        Some(period) if !(period.is_finite() && period > 0.0) => {
            return Err(invalid(format!(
                "repeatEvery must be a positive number of seconds, got {period}."
            )));
        }
        Some(period) if points.last().is_some_and(|(at, _)| *at >= period) => {
            return Err(invalid(
                "Every point of a repeated trace must be earlier than repeatEvery.".into(),
            ));
        }
        other => other,
    };
    let cpu_per_request = number(request.cpu_per_request, "cpuPerRequest")?;
    let memory_per_task = number(request.memory_per_task, "memoryPerTask")?;
    let count = points.len() as i32;
    let key = (cluster, name);
    if points.is_empty() {
        world.ecsim.loads.by_service.remove(&key);
    } else {
        let load = Load {
            start: world.now,
            points,
            repeat_every,
            cpu_per_request,
            memory_per_task,
            metrics: ServiceMetrics::of(&mut world.cloudwatch, &key.0, &key.1),
            cursor: 0,
        };
        world.ecsim.loads.by_service.insert(key, load);
        if !world.ecsim.loads.ticking {
            world.ecsim.loads.ticking = true;
            let next = (world.now / TICK).floor() * TICK + TICK;
            world.clock.schedule(next, Event::MetricsTick);
        }
    }
    Ok(api::PutServiceLoadResponse {
        service_arn: Some(arn),
        points: Some(count),
    })
}

/// A GetMetricData answer as trace points: its first result's values, scaled, at seconds
/// after its earliest timestamp.
fn replayed(
    export: crate::api::cloudwatch::GetMetricDataOutput,
    demand: Option<api::LoadDemand>,
    scale: Option<f64>,
    trace_given: bool,
) -> Result<Vec<api::LoadPoint>, EcsimError> {
    let invalid = |message: &str| api::Error::InvalidParameterException.with(message.to_string());
    if trace_given {
        return Err(invalid("Give either trace or metricData, not both."));
    }
    let demand = demand.ok_or_else(|| {
        invalid("metricDataAs is required with metricData: requestsPerSecond, cpu or memory.")
    })?;
    let scale = scale.unwrap_or(1.0);
    let result = export
        .metric_data_results
        .and_then(|results| results.into_iter().next())
        .ok_or_else(|| invalid("metricData has no MetricDataResults."))?;
    let (times, values) = (
        result.timestamps.unwrap_or_default(),
        result.values.unwrap_or_default(),
    );
    if times.len() != values.len() {
        return Err(invalid(
            "metricData: Timestamps and Values must be of the same length.",
        ));
    }
    let mut pairs: Vec<(f64, f64)> = times.into_iter().zip(values).collect();
    // boto3 answers newest first unless asked otherwise.
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    pairs.dedup_by(|later, earlier| later.0 == earlier.0);
    let start = pairs.first().map_or(0.0, |p| p.0);
    Ok(pairs
        .into_iter()
        .map(|(time, value)| {
            let value = Some(value * scale);
            api::LoadPoint {
                at: Some(time - start),
                requests_per_second: value.filter(|_| demand == api::LoadDemand::RequestsPerSecond),
                cpu: value.filter(|_| demand == api::LoadDemand::Cpu),
                memory: value.filter(|_| demand == api::LoadDemand::Memory),
            }
        })
        .collect())
}

/// The metrics tick: publishes every loaded service's metrics, then schedules the next tick
/// while any load remains.
pub(crate) fn tick(world: &mut World) {
    let now = world.now;
    let whole_minute = (now / REQUEST_PERIOD).fract() == 0.0;
    publish_service_metrics(world, now, whole_minute);
    if whole_minute {
        for (metric, value) in reservations(world) {
            let id = produced_series(&mut world.cloudwatch, &metric);
            cloudwatch::publish(&mut world.cloudwatch, now, id, [value]);
        }
    }
    if world.ecsim.loads.by_service.is_empty() {
        world.ecsim.loads.ticking = false;
    } else {
        world.clock.schedule(now + TICK, Event::MetricsTick);
    }
}

/// Each loaded service's CPU and memory utilization, and at whole minutes its target groups'
/// request counts.
fn publish_service_metrics(world: &mut World, now: f64, whole_minute: bool) {
    let World {
        ecsim,
        ecs,
        cloudwatch,
        ..
    } = &mut *world;
    // Both maps are in (cluster, service) order: one walk pairs each load with its service.
    let mut services = ecs.services_with_clusters().peekable();
    for (key, load) in &mut ecsim.loads.by_service {
        while services.next_if(|(k, _, _)| *k < key).is_some() {}
        let Some((_, service, cluster)) = services.next_if(|(k, _, _)| *k == key) else {
            continue;
        };
        let Some(demand) = load.at(now) else { continue };
        let reserved = &service.task_view(cluster, now).healthy;
        if reserved.is_empty() {
            continue;
        }
        let share = reserved.len() as f64;
        let cpu_demand = demand.cpu + demand.requests_per_second * load.cpu_per_request;
        let utilization = |used: f64, reserved: i64| {
            if reserved <= 0 {
                0.0
            } else {
                used / reserved as f64 * 100.0
            }
        };
        let cpu = reserved
            .iter()
            .map(|r| utilization(cpu_demand / share, r.0));
        cloudwatch::publish(cloudwatch, now, load.metrics.cpu, cpu);
        let memory = reserved
            .iter()
            .map(|r| utilization(demand.memory / share + load.memory_per_task, r.1));
        cloudwatch::publish(cloudwatch, now, load.metrics.memory, memory);
        if whole_minute {
            for balancer in &service.load_balancers {
                let Some(group) = balancer
                    .target_group_arn
                    .as_deref()
                    .and_then(|arn| arn.split_once(":targetgroup/"))
                else {
                    continue;
                };
                let per_target = demand.requests_per_second * REQUEST_PERIOD / share;
                let target_group = format!("targetgroup/{}", group.1);
                let metric = MetricKey::of(
                    "AWS/ApplicationELB",
                    "RequestCountPerTarget",
                    &[("TargetGroup", &target_group)],
                );
                let id = produced_series(cloudwatch, &metric);
                cloudwatch::publish(cloudwatch, now, id, [per_target]);
            }
        }
    }
}

/// CPUReservation and MemoryReservation of each cluster with a loaded service and ACTIVE
/// container instances: what the tasks reserve of what the instances registered, in percent.
fn reservations(world: &World) -> Vec<(MetricKey, f64)> {
    let clusters: std::collections::BTreeSet<&String> = world
        .ecsim
        .loads
        .by_service
        .keys()
        .map(|(c, _)| c)
        .collect();
    let mut published = Vec::new();
    for name in clusters {
        let Some(cluster) = world.ecs.cluster(name) else {
            continue;
        };
        let active = cluster
            .instances
            .iter()
            .filter(|i| i.status == crate::api::ecs::ContainerInstanceStatus::Active);
        let (mut registered, mut reserved) = ((0i64, 0i64), (0i64, 0i64));
        for instance in active {
            registered.0 += instance.registered.cpu;
            registered.1 += instance.registered.memory;
            reserved.0 += instance.registered.cpu - instance.remaining.cpu;
            reserved.1 += instance.registered.memory - instance.remaining.memory;
        }
        for (metric, used, total) in [
            ("CPUReservation", reserved.0, registered.0),
            ("MemoryReservation", reserved.1, registered.1),
        ] {
            if total > 0 {
                published.push((
                    MetricKey::of("AWS/ECS", metric, &[("ClusterName", name)]),
                    used as f64 / total as f64 * 100.0,
                ));
            }
        }
    }
    published
}
