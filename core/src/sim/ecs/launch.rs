//! What the tasks of one RunTask, PlaceTasks or StartTask call share, how a request's
//! placement strategies and constraints read, and the start of one task.

use super::task_definitions;
use crate::api::ecs::{self as api, LaunchType};
use crate::cluster::lifecycle::{PlannedContainer, TaskPlan};
use crate::cluster::TaskPosition;
use crate::cluster::{Cluster, Task, TaskEni, TaskSpec};
use crate::error::EcsimError;
use crate::placement::{Constraint, Requirement, Strategy};
use crate::query;
use crate::sim::subnets::Subnet;
use crate::sim::World;
use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use std::sync::Arc;

/// How the tasks of a RunTask or CreateService request run: on the capacity providers of its
/// strategy (or the cluster's default strategy), as FARGATE tasks or, for Auto Scaling group
/// providers, EC2 tasks on the providers' instances; or on the launch type it names (EC2 when
/// none). A cluster that does not exist has no providers; it is reported later.
pub(crate) fn resolve_launch(
    ecs: &super::EcsState,
    cluster: Option<&str>,
    launch_type: Option<LaunchType>,
    strategy: Option<&[api::CapacityProviderStrategyItem]>,
) -> Result<(LaunchType, Option<Vec<super::capacity::Share>>), EcsimError> {
    let providers = match ecs.cluster(super::cluster_name(cluster)) {
        Some(cluster) => super::capacity::resolve(launch_type, strategy, cluster)?,
        None => None,
    };
    let launch_type = match &providers {
        Some(shares) if shares.iter().all(super::capacity::Share::is_fargate) => {
            LaunchType::Fargate
        }
        Some(_) => LaunchType::Ec2,
        None => simulated_launch_type(launch_type)?,
    };
    Ok((launch_type, providers))
}

/// The launch type a request names (EC2 when none), if ecsim simulates it.
fn simulated_launch_type(given: Option<LaunchType>) -> Result<LaunchType, EcsimError> {
    let launch_type = given.unwrap_or(LaunchType::Ec2);
    if !matches!(launch_type, LaunchType::Ec2 | LaunchType::Fargate) {
        return Err(api::Error::InvalidParameterException.with(format!(
            "ecsim does not simulate the {} launch type yet.",
            launch_type.as_str()
        )));
    }
    Ok(launch_type)
}

pub(crate) fn strategies(given: &[api::PlacementStrategy]) -> Result<Vec<Strategy>, EcsimError> {
    if given.len() > 5 {
        return Err(api::Error::InvalidParameterException
            .with("You can specify a maximum of 5 placement strategies."));
    }
    given
        .iter()
        .map(|strategy| {
            let field = strategy.field.as_deref();
            match (strategy.r#type.map(|t| t.as_str()), field) {
                (Some("random"), None) => Ok(Strategy::Random),
                (Some("binpack"), Some(f)) if f.eq_ignore_ascii_case("cpu") => Ok(Strategy::BinpackCpu),
                (Some("binpack"), Some(f)) if f.eq_ignore_ascii_case("memory") => Ok(Strategy::BinpackMemory),
                (Some("spread"), Some("instanceId" | "host")) => Ok(Strategy::SpreadInstance),
                (Some("spread"), Some(f)) if f.starts_with("attribute:") => Ok(Strategy::SpreadAttribute(f["attribute:".len()..].to_string())),
                (kind, field) => Err(api::Error::InvalidParameterException.with(format!(
                    "Invalid placement strategy {} with field {}: binpack takes cpu or memory, spread takes instanceId, host or attribute:<name>, random takes none.",
                    kind.unwrap_or("(none)"),
                    field.unwrap_or("(none)")
                ))),
            }
        })
        .collect()
}

pub(crate) fn constraints(
    task_definition: &api::TaskDefinition,
    given: &[api::PlacementConstraint],
) -> Result<Vec<Constraint>, EcsimError> {
    let from_definition = task_definition
        .placement_constraints
        .iter()
        .flatten()
        .map(|c| (Some("memberOf"), c.expression.as_deref()));
    let from_request = given
        .iter()
        .map(|c| (c.r#type.map(|t| t.as_str()), c.expression.as_deref()));
    let all: Vec<_> = from_definition.chain(from_request).collect();
    if all.len() > 10 {
        return Err(api::Error::InvalidParameterException.with("You can specify a maximum of 10 placement constraints, counting the task definition's."));
    }
    all.into_iter()
        .map(|(kind, expression)| match (kind, expression) {
            (Some("distinctInstance"), None) => Ok(Constraint::DistinctInstance),
            (Some("distinctInstance"), Some(_)) => Err(api::Error::InvalidParameterException.with(
                "You cannot specify an expression if the constraint type is distinctInstance.",
            )),
            (Some("memberOf"), Some(text)) => {
                query::parse(text).map(Constraint::MemberOf).map_err(|e| {
                    api::Error::InvalidParameterException.with(format!("memberOf expression: {e}"))
                })
            }
            _ => Err(api::Error::InvalidParameterException
                .with("A memberOf placement constraint needs an expression.")),
        })
        .collect()
}

pub(crate) use super::task_tags::TagsAsked;

/// What every task of one RunTask, PlaceTasks or StartTask call shares.
pub(crate) struct Launch {
    pub spec: Arc<TaskSpec>,
    /// `arn:aws:ecs:<region>:<account>:task/`, to which the cluster name and id are added.
    arn_prefix: String,
    /// How each task's lifecycle goes (timings and what its images do), shared by its tasks.
    pub plan: Arc<TaskPlan>,
    pub now: f64,
}

impl Launch {
    pub fn new(
        world: &World,
        reference: Option<&str>,
        group: Option<&str>,
        started_by: Option<String>,
        tags: TagsAsked,
        launch_type: LaunchType,
    ) -> Result<Launch, EcsimError> {
        let registered = task_definitions::resolve(world, reference.unwrap_or_default())
            .ok_or_else(|| {
                api::Error::InvalidParameterException.with("TaskDefinition not found.")
            })?;
        let tags = tags.resolve(registered.tags())?;
        let task_definition = Arc::clone(&registered.task_definition);
        Ok(Launch::of(
            world,
            task_definition,
            group,
            started_by,
            tags,
            launch_type,
        ))
    }

    /// The launch of tasks of `task_definition` (a registered one, or a daemon's), tagged `tags`.
    pub fn of(
        world: &World,
        task_definition: Arc<api::TaskDefinition>,
        group: Option<&str>,
        started_by: Option<String>,
        tags: Option<Vec<api::Tag>>,
        launch_type: LaunchType,
    ) -> Launch {
        let family = task_definition.family.as_deref().unwrap_or_default();
        let spec = TaskSpec {
            requirement: Requirement::of(&task_definition),
            group: group.map_or_else(|| ["family:", family].concat(), str::to_string),
            task_definition,
            started_by,
            tags,
            launch_type,
        };
        let containers: Vec<PlannedContainer> = spec
            .task_definition
            .container_definitions
            .iter()
            .flatten()
            .map(|c| {
                let image = c.image.as_deref().unwrap_or_default();
                PlannedContainer {
                    image,
                    behavior: world.ecsim.images.get(image),
                    essential: c.essential != Some(false),
                    health_check: c.health_check.as_ref(),
                }
            })
            .collect();
        let plan = TaskPlan::new(
            &world.config.task_timings,
            spec.requirement.eni,
            &containers,
        );
        Launch {
            plan: Arc::new(plan),
            spec: Arc::new(spec),
            arn_prefix: world.arn("ecs", "task/"),
            now: world.now,
        }
    }

    /// Starts one task at `site`, which has room for it, on the capacity of `provider` when a
    /// strategy chose one; returns where the task is in `cluster.tasks`.
    pub fn start(
        &self,
        cluster: &mut Cluster,
        site: Site,
        provider: Option<&Arc<str>>,
        rng: &mut ChaCha8Rng,
    ) -> TaskPosition {
        let id = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
        let mut arn = String::with_capacity(self.arn_prefix.len() + cluster.name.len() + 33);
        arn.push_str(&self.arn_prefix);
        arn.push_str(&cluster.name);
        arn.push('/');
        push_hex(&mut arn, id, 32);
        let waits = matches!(site, Site::Waiting);
        let instance_at = match site {
            Site::Instance(index) => Some(index),
            _ => None,
        };
        let (instance_arn, availability_zone, gpu_ids, eni) = match site {
            Site::Instance(index) => {
                let gpu_ids =
                    cluster
                        .instances
                        .hold(index, &self.spec.requirement, &self.spec.group);
                let instance = &cluster.instances[index];
                let zone = instance.availability_zone.clone();
                (Some(Arc::clone(&instance.arn)), zone, gpu_ids, None)
            }
            Site::Subnet(subnet) => {
                let attachment = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
                let mut eni_id = String::from("eni-");
                push_hex(&mut eni_id, u128::from(rng.next_u64()), 17);
                let eni = TaskEni {
                    attachment_id: uuid(attachment),
                    eni_id,
                    subnet_id: subnet.subnet_id.clone(),
                };
                let zone = Some(Arc::clone(&subnet.availability_zone));
                (None, zone, Vec::new(), Some(Box::new(eni)))
            }
            Site::Waiting => (None, None, Vec::new(), None),
        };
        let mut task = Task::new(
            arn,
            Arc::clone(&self.spec),
            Arc::clone(&self.plan),
            self.now,
        );
        if waits {
            task.next_at = None;
        }
        task.instance_arn = instance_arn;
        task.availability_zone = availability_zone;
        task.gpu_ids = gpu_ids;
        task.eni = eni;
        task.capacity_provider = provider.cloned();
        cluster.add_task(task, id, instance_at, self.now)
    }
}

/// Where a task starts: on a container instance (by index), or for FARGATE in a subnet, with
/// a network interface of its own.
pub(crate) enum Site<'a> {
    Instance(usize),
    Subnet(&'a Subnet),
    /// Nowhere yet: the task waits in PROVISIONING for an instance (`provisioning.rs`).
    Waiting,
}

/// `value` as the 8-4-4-4-12 hex groups of a UUID (attachment ids).
pub(crate) fn uuid(value: u128) -> String {
    let mut hex = String::with_capacity(36);
    push_hex(&mut hex, value, 32);
    [
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32],
    ]
    .join("-")
}

/// The last `digits` hex digits of `value`, lowercase, without the formatting machinery: it
/// runs once per task placed.
fn push_hex(out: &mut String, value: u128, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digits = digits.min(32) as usize;
    let mut text = [0u8; 32];
    for (at, digit) in text[..digits].iter_mut().enumerate() {
        let shift = (digits - 1 - at) * 4;
        *digit = HEX[(value >> shift) as usize & 0xf];
    }
    // Hex digits are ASCII: the check cannot fail.
    out.push_str(std::str::from_utf8(&text[..digits]).unwrap_or_default());
}
