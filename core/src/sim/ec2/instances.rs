//! EC2 instances on the clock: launched pending, running once booted, registered by their ECS
//! agent in the cluster their user data names (`ECS_CLUSTER=`, else `default`, as the agent
//! does), shutting down and terminated. A terminated instance's container instance leaves its
//! cluster and its tasks stop; EC2 shows it for an hour more.

use super::{api, invalid, page, read_filters};
use crate::cluster::catalog::InstanceType;
use crate::error::EcsimError;
use crate::sim::clock::Event;
use crate::sim::ecsim::subnets::Subnet;
use crate::sim::World;
use base64::Engine;
use std::sync::Arc;

/// EC2 lists a terminated instance for about an hour (EC2 User Guide, "Terminate instances").
const TERMINATED_VISIBLE_SECONDS: f64 = 3600.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
}

impl State {
    fn to_api(self) -> api::InstanceState {
        let (code, name) = match self {
            State::Pending => (0, api::InstanceStateName::Pending),
            State::Running => (16, api::InstanceStateName::Running),
            State::ShuttingDown => (32, api::InstanceStateName::ShuttingDown),
            State::Terminated => (48, api::InstanceStateName::Terminated),
        };
        api::InstanceState {
            code: Some(code),
            name: Some(name),
        }
    }

    fn name(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Running => "running",
            State::ShuttingDown => "shutting-down",
            State::Terminated => "terminated",
        }
    }
}

/// What an instance is launched from.
pub struct LaunchSpec {
    pub instance_type: &'static InstanceType,
    pub image_id: Option<String>,
    pub subnet: Subnet,
    /// Base64, as EC2 takes it.
    pub user_data: Option<String>,
    pub tags: Vec<(String, String)>,
    pub template: Option<super::launch_templates::Resolved>,
    pub spot: bool,
}

#[derive(Clone)]
pub struct Instance {
    pub id: Arc<str>,
    pub instance_type: &'static InstanceType,
    image_id: String,
    pub subnet: Subnet,
    private_ip: String,
    launch_time: f64,
    pub state: State,
    state_reason: String,
    /// The cluster the ECS agent registers the instance in.
    cluster: String,
    template: Option<(String, i64)>,
    pub tags: Vec<(String, String)>,
    pub spot: bool,
    reservation_id: String,
    /// When the instance's next step is due (booted, registered, shut down); events that find
    /// another time here are stale.
    next_at: Option<f64>,
    /// Whether its agent has registered it (it does so once).
    registered: bool,
    /// Whether it got a Spot interruption notice (it terminates when its next step is due).
    interrupted: bool,
    terminated_at: Option<f64>,
}

#[derive(Clone, Default)]
pub struct Instances {
    /// In launch order.
    list: Vec<Instance>,
}

impl Instances {
    pub fn get(&self, id: &str) -> Option<&Instance> {
        self.list.iter().find(|i| &*i.id == id)
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Instance> {
        self.list.iter_mut().find(|i| &*i.id == id)
    }
}

/// The cluster user data names (`ECS_CLUSTER=name`, as the agent's config file takes it), if
/// the user data is base64 text that names one.
fn cluster_in(user_data: Option<&str>) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(user_data?.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let at = text.find("ECS_CLUSTER=")? + "ECS_CLUSTER=".len();
    let name: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Whether user data is base64, as EC2 requires.
pub fn check_user_data(user_data: &str) -> Result<(), EcsimError> {
    base64::engine::general_purpose::STANDARD
        .decode(user_data.trim())
        .map(|_| ())
        .map_err(|_| invalid("Invalid BASE64 encoding of user data."))
}

/// Launches an instance: pending now, running after its boot time. Returns its id.
pub fn launch(world: &mut World, spec: LaunchSpec) -> Arc<str> {
    let id: Arc<str> = format!("i-{}", world.random_hex(17)).into();
    let reservation_id = format!("r-{}", world.random_hex(17));
    let private_ip = crate::cluster::ipv4_from_hex(&world.random_hex(4));
    let boot_at = world.now + world.config.instance_timings.boot;
    let instance = Instance {
        id: Arc::clone(&id),
        instance_type: spec.instance_type,
        image_id: spec
            .image_id
            .unwrap_or_else(|| "ami-0ecsim0000000000".into()),
        cluster: cluster_in(spec.user_data.as_deref()).unwrap_or_else(|| "default".into()),
        subnet: spec.subnet,
        private_ip,
        launch_time: world.now,
        state: State::Pending,
        state_reason: String::new(),
        template: spec.template.map(|t| (t.id, t.version)),
        tags: spec.tags,
        spot: spec.spot,
        reservation_id,
        next_at: Some(boot_at),
        registered: false,
        interrupted: false,
        terminated_at: None,
    };
    world.ec2.instances.list.push(instance);
    world.clock.schedule(
        boot_at,
        Event::InstanceStep {
            id: Arc::clone(&id),
        },
    );
    id
}

/// The clock's step of one instance: booted, registered by its agent, or shut down.
pub fn step(world: &mut World, id: &str, at: f64) {
    let timings = world.config.instance_timings;
    let Some(instance) = world.ec2.instances.get_mut(id) else {
        return;
    };
    if instance.next_at != Some(at) {
        return;
    }
    instance.next_at = None;
    match instance.state {
        State::Running | State::Pending if instance.interrupted => {
            terminate(
                world,
                &[id.into()],
                "Server.SpotInstanceTermination: Spot instance termination",
            );
        }
        State::Pending => {
            instance.state = State::Running;
            let register_at = at + timings.agent_registration;
            instance.next_at = Some(register_at);
            world
                .clock
                .schedule(register_at, Event::InstanceStep { id: id.into() });
            crate::sim::autoscaling::instance_running(world, id);
        }
        State::Running if !instance.registered => {
            instance.registered = true;
            register_with_ecs(world, id);
        }
        State::ShuttingDown => {
            instance.state = State::Terminated;
            instance.terminated_at = Some(at);
            crate::sim::autoscaling::instance_terminated(world, id);
        }
        State::Running | State::Terminated => {}
    }
    let until = world.now - TERMINATED_VISIBLE_SECONDS;
    world
        .ec2
        .instances
        .list
        .retain(|i| i.terminated_at.is_none_or(|t| t > until));
}

/// What the agent does once the instance runs: RegisterContainerInstance in its cluster, with
/// the identity document EC2 gives it. A cluster that does not exist gets no instance.
fn register_with_ecs(world: &mut World, id: &str) {
    let Some(instance) = world.ec2.instances.get(id) else {
        return;
    };
    let document = serde_json::json!({
        "instanceId": id,
        "instanceType": instance.instance_type.name,
        "availabilityZone": &*instance.subnet.availability_zone,
        "region": world.config.region,
        "imageId": instance.image_id,
        "privateIp": instance.private_ip,
        "accountId": world.config.account_id,
    });
    let request = crate::api::ecs::RegisterContainerInstanceRequest {
        cluster: Some(instance.cluster.clone()),
        instance_identity_document: Some(document.to_string()),
        ..Default::default()
    };
    let group = crate::sim::autoscaling::group_of(world, id);
    // The agent of an instance whose cluster does not exist keeps it out of ECS.
    let _ = crate::sim::ecs::register_agent_instance(world, request, group.as_deref());
}

/// Terminates instances (shutting down now, terminated after the shutdown time); their
/// container instances leave their clusters at once. `reason` is the state transition reason.
pub fn terminate(
    world: &mut World,
    ids: &[Arc<str>],
    reason: &str,
) -> Vec<api::InstanceStateChange> {
    let now = world.now;
    let shutdown_at = now + world.config.instance_timings.shutdown;
    let mut changes = Vec::new();
    for id in ids {
        let Some(instance) = world.ec2.instances.get_mut(id) else {
            continue;
        };
        let previous = instance.state;
        if matches!(previous, State::Pending | State::Running) {
            instance.state = State::ShuttingDown;
            instance.state_reason = format!(
                "{reason} ({})",
                crate::schedule::timestamp(now).strftime("%Y-%m-%d %H:%M:%S GMT")
            );
            instance.next_at = Some(shutdown_at);
            world
                .clock
                .schedule(shutdown_at, Event::InstanceStep { id: Arc::clone(id) });
            crate::sim::ecs::host_terminated(world, id);
            crate::sim::autoscaling::instance_lost(world, id);
        }
        let current = world.ec2.instances.get(id).map_or(previous, |i| i.state);
        changes.push(api::InstanceStateChange {
            instance_id: Some(id.to_string()),
            current_state: Some(current.to_api()),
            previous_state: Some(previous.to_api()),
        });
    }
    changes
}

/// Seconds between a Spot interruption notice and the instance's termination (EC2 documents a
/// two-minute warning).
const SPOT_NOTICE_SECONDS: f64 = 120.0;

/// ecsim's InterruptSpotInstance: the two-minute notice (the container instance drains, as the
/// agent does with `ECS_ENABLE_SPOT_INSTANCE_DRAINING`), then termination.
pub fn interrupt_spot(world: &mut World, id: &str) -> Result<api::Instance, EcsimError> {
    let not_spot = |why: &str| {
        crate::api::ecsim::Error::InvalidParameterException.with(format!(
            "Instance {id} {why}: only a running Spot instance can be interrupted."
        ))
    };
    let at = world.now + SPOT_NOTICE_SECONDS;
    let instance = world
        .ec2
        .instances
        .get_mut(id)
        .ok_or_else(|| not_spot("is not an instance of the simulation"))?;
    if !instance.spot {
        return Err(not_spot("is an On-Demand instance"));
    }
    if !matches!(instance.state, State::Pending | State::Running) || instance.interrupted {
        return Err(not_spot("is not running or was already interrupted"));
    }
    instance.interrupted = true;
    instance.next_at = Some(at);
    let answer = instance.to_api();
    world
        .clock
        .schedule(at, Event::InstanceStep { id: id.into() });
    crate::sim::ecs::drain_host(world, id);
    Ok(answer)
}

pub fn terminate_instances(
    world: &mut World,
    request: api::TerminateInstancesRequest,
) -> Result<api::TerminateInstancesResult, EcsimError> {
    let ids = request.instance_ids.unwrap_or_default();
    let known = known_ids(world, &ids)?;
    let changes = terminate(world, &known, "User initiated");
    Ok(api::TerminateInstancesResult {
        terminating_instances: Some(changes),
    })
}

/// The instances `ids` name, each checked to exist.
fn known_ids(world: &World, ids: &[String]) -> Result<Vec<Arc<str>>, EcsimError> {
    ids.iter()
        .map(|id| {
            if !id.starts_with("i-") {
                return Err(
                    api::Error::InvalidInstanceIDMalformed.with(format!("Invalid id: \"{id}\""))
                );
            }
            world
                .ec2
                .instances
                .get(id)
                .map(|i| Arc::clone(&i.id))
                .ok_or_else(|| {
                    api::Error::InvalidInstanceIDNotFound
                        .with(format!("The instance ID '{id}' does not exist"))
                })
        })
        .collect()
}

const FILTERS: &[&str] = &[
    "instance-id",
    "instance-state-name",
    "instance-type",
    "availability-zone",
    "subnet-id",
    "image-id",
    "instance-lifecycle",
    "tag-key",
    "tag:",
];

pub fn describe_instances(
    world: &mut World,
    request: api::DescribeInstancesRequest,
) -> Result<api::DescribeInstancesResult, EcsimError> {
    let filters = read_filters(request.filters, FILTERS)?;
    let wanted = known_ids(world, request.instance_ids.as_deref().unwrap_or_default())?;
    let until = world.now - TERMINATED_VISIBLE_SECONDS;
    let reservations: Vec<api::Reservation> = world
        .ec2
        .instances
        .list
        .iter()
        .filter(|i| i.terminated_at.is_none_or(|t| t > until))
        .filter(|i| wanted.is_empty() || wanted.contains(&i.id))
        .filter(|i| filters.pass(|name| i.values(name)))
        .map(|i| api::Reservation {
            reservation_id: Some(i.reservation_id.clone()),
            owner_id: Some(world.config.account_id.clone()),
            groups: Some(Vec::new()),
            instances: Some(vec![i.to_api()]),
            ..Default::default()
        })
        .collect();
    let (reservations, next_token) = page(
        reservations,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::DescribeInstancesResult {
        reservations: Some(reservations),
        next_token,
    })
}

impl Instance {
    fn values(&self, filter: &str) -> Vec<String> {
        let one = |value: &str| vec![value.to_string()];
        match filter {
            "instance-id" => one(&self.id),
            "instance-state-name" => one(self.state.name()),
            "instance-type" => one(self.instance_type.name),
            "availability-zone" => one(&self.subnet.availability_zone),
            "subnet-id" => one(&self.subnet.subnet_id),
            "image-id" => one(&self.image_id),
            "instance-lifecycle" => self.spot.then(|| "spot".to_string()).into_iter().collect(),
            "tag-key" => self.tags.iter().map(|(k, _)| k.clone()).collect(),
            tag => {
                let key = tag.strip_prefix("tag:").unwrap_or_default();
                self.tags
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .collect()
            }
        }
    }

    fn to_api(&self) -> api::Instance {
        // EC2 tags an instance launched from a template with the template and its version.
        let from_template = self.template.iter().flat_map(|(id, version)| {
            [
                ("aws:ec2launchtemplate:id".to_string(), id.clone()),
                (
                    "aws:ec2launchtemplate:version".to_string(),
                    version.to_string(),
                ),
            ]
        });
        let tags: Vec<api::Tag> = self
            .tags
            .iter()
            .cloned()
            .chain(from_template)
            .map(|(key, value)| api::Tag {
                key: Some(key),
                value: Some(value),
            })
            .collect();
        let architecture = match self.instance_type.architecture {
            crate::cluster::catalog::Architecture::X86_64 => api::ArchitectureValues::X86_64,
            crate::cluster::catalog::Architecture::Arm64 => api::ArchitectureValues::Arm64,
        };
        let live = matches!(self.state, State::Pending | State::Running);
        api::Instance {
            instance_id: Some(self.id.to_string()),
            image_id: Some(self.image_id.clone()),
            instance_type: api::InstanceType::from_name(self.instance_type.name),
            architecture: Some(architecture),
            state: Some(self.state.to_api()),
            state_transition_reason: Some(self.state_reason.clone()),
            launch_time: Some(self.launch_time),
            placement: Some(api::Placement {
                availability_zone: Some(self.subnet.availability_zone.to_string()),
                tenancy: Some(api::Tenancy::Default),
                ..Default::default()
            }),
            subnet_id: live.then(|| self.subnet.subnet_id.clone()),
            vpc_id: live.then(|| self.subnet.vpc_id.clone()),
            private_ip_address: live.then(|| self.private_ip.clone()),
            private_dns_name: Some(if live {
                format!("ip-{}.ec2.internal", self.private_ip.replace('.', "-"))
            } else {
                String::new()
            }),
            instance_lifecycle: self.spot.then_some(api::InstanceLifecycleType::Spot),
            tags: (!tags.is_empty()).then_some(tags),
            ami_launch_index: Some(0),
            ..Default::default()
        }
    }
}
