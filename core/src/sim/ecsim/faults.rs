//! Faults a simulation can inject (service `ecsim`): an agent that loses its connection, an
//! instance that dies, a Fargate Spot task interrupted. The service scheduler replaces what they
//! take.

use crate::api::ecsim as api;
use crate::error::EcsimError;
use crate::sim::World;

/// DisconnectAgent / ReconnectAgent: the container agent of one instance loses or regains its
/// connection (`agentConnected`); a disconnected instance takes no new tasks (failure `AGENT`).
pub fn disconnect_agent(
    world: &mut World,
    request: api::ContainerInstanceFaultRequest,
) -> Result<api::ContainerInstanceFaultResponse, EcsimError> {
    set_agent_connected(world, request, false)
}

pub fn reconnect_agent(
    world: &mut World,
    request: api::ContainerInstanceFaultRequest,
) -> Result<api::ContainerInstanceFaultResponse, EcsimError> {
    set_agent_connected(world, request, true)
}

fn set_agent_connected(
    world: &mut World,
    request: api::ContainerInstanceFaultRequest,
    connected: bool,
) -> Result<api::ContainerInstanceFaultResponse, EcsimError> {
    let reference = request.container_instance.unwrap_or_default();
    let now = world.now;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let instance = cluster
        .instance_mut(&reference)
        .ok_or_else(|| not_registered(&reference))?;
    let changed = instance.agent_connected != connected;
    instance.agent_connected = connected;
    let described = instance.to_api(false);
    if changed {
        let arn = std::sync::Arc::clone(&instance.arn);
        cluster.note_instance(&arn, now);
    }
    Ok(api::ContainerInstanceFaultResponse {
        container_instance: Some(described),
    })
}

fn not_registered(reference: &str) -> EcsimError {
    api::Error::InvalidParameterException.with(format!(
        "Container instance '{reference}' is not registered in this cluster."
    ))
}

/// KillInstance: the EC2 instance behind a container instance terminates. The container
/// instance leaves the cluster and its tasks are STOPPED at once ("Host EC2 (instance …)
/// terminated."); services start replacements elsewhere.
pub fn kill_instance(
    world: &mut World,
    request: api::ContainerInstanceFaultRequest,
) -> Result<api::ContainerInstanceFaultResponse, EcsimError> {
    let reference = request.container_instance.unwrap_or_default();
    let now = world.now;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let index = cluster
        .instances
        .iter()
        .position(|i| i.is(&reference))
        .ok_or_else(|| not_registered(&reference))?;
    let mut described = cluster.instances[index].to_api(false);
    described.status = Some("INACTIVE".into());
    let ec2_instance_id = std::sync::Arc::clone(&cluster.instances[index].ec2_instance_id);
    crate::sim::ecs::lose_host(cluster, index, now);
    // An instance EC2 simulates terminates as well (its group, if any, replaces it).
    if world.ec2.instances.get(&ec2_instance_id).is_some() {
        crate::sim::ec2::instances::terminate(world, &[ec2_instance_id], "Server.InternalError");
    }
    Ok(api::ContainerInstanceFaultResponse {
        container_instance: Some(described),
    })
}

/// InterruptSpotTask: AWS reclaims the capacity of a FARGATE_SPOT task. It gets the two-minute
/// warning (desired status STOPPED, stop code SpotInterruption, "Your Spot Task was
/// interrupted.") and stops when the warning ends; a service starts its replacement at once.
pub fn interrupt_spot_task(
    world: &mut World,
    request: api::InterruptSpotTaskRequest,
) -> Result<crate::cluster::TaskAnswer, EcsimError> {
    let reference = request.task.unwrap_or_default();
    let now = world.now;
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let position = cluster.task_position(&reference).ok_or_else(|| {
        api::Error::InvalidParameterException.with(format!("Task '{reference}' was not found."))
    })?;
    let task = &cluster.tasks[position];
    if task.capacity_provider.as_deref() != Some("FARGATE_SPOT") || task.desired_status != "RUNNING"
    {
        return Err(api::Error::InvalidParameterException.with(format!(
            "Task '{}' is not a FARGATE_SPOT task that is running or starting.",
            reference
        )));
    }
    cluster.interrupt_spot_task(position, now);
    Ok(crate::cluster::TaskAnswer {
        task: cluster.document(position, now),
    })
}

/// InterruptSpotInstance: EC2 reclaims a Spot instance (`sim::ec2::instances::interrupt_spot`).
pub fn interrupt_spot_instance(
    world: &mut World,
    request: api::InterruptSpotInstanceRequest,
) -> Result<api::InterruptSpotInstanceResponse, EcsimError> {
    let id = request.instance_id.unwrap_or_default();
    let instance = crate::sim::ec2::instances::interrupt_spot(world, &id)?;
    Ok(api::InterruptSpotInstanceResponse {
        instance: Some(instance),
    })
}
