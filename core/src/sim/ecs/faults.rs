//! Faults a simulation can inject (service `ecsim`): an agent that loses its connection, an
//! instance that dies, a Fargate Spot task interrupted. The service scheduler replaces what they
//! take.

use super::cluster_mut;
use crate::error::EcsimError;
use crate::sim::Simulation;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InstanceRequest {
    cluster: Option<String>,
    container_instance: String,
}

/// DisconnectAgent / ReconnectAgent: the container agent of one instance loses or regains its
/// connection (`agentConnected`); a disconnected instance takes no new tasks (failure `AGENT`).
pub fn set_agent_connected(
    sim: &mut Simulation,
    action: &str,
    input: Value,
    connected: bool,
) -> Result<Value, EcsimError> {
    let request: InstanceRequest = crate::sim::parse_input(action, input)?;
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let instance = cluster
        .instance_mut(&request.container_instance)
        .ok_or_else(|| {
            EcsimError::invalid_parameter(format!(
                "Container instance '{}' is not registered in this cluster.",
                request.container_instance
            ))
        })?;
    instance.agent_connected = connected;
    Ok(json!({ "containerInstance": instance.to_api(false) }))
}

/// KillInstance: the EC2 instance behind a container instance terminates. The container
/// instance leaves the cluster and its tasks are STOPPED at once ("Host EC2 (instance …)
/// terminated."); services start replacements elsewhere.
pub fn kill_instance(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let request: InstanceRequest = crate::sim::parse_input("KillInstance", input)?;
    let now = sim.now;
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let index = cluster
        .instances
        .iter()
        .position(|i| i.is(&request.container_instance))
        .ok_or_else(|| {
            EcsimError::invalid_parameter(format!(
                "Container instance '{}' is not registered in this cluster.",
                request.container_instance
            ))
        })?;
    let mut described = cluster.instances[index].to_api(false);
    described.status = Some("INACTIVE".into());
    cluster.lose_instance(index, now);
    Ok(json!({ "containerInstance": described }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TaskRequest {
    cluster: Option<String>,
    task: String,
}

/// InterruptSpotTask: AWS reclaims the capacity of a FARGATE_SPOT task. It gets the two-minute
/// warning (desired status STOPPED, stop code SpotInterruption, "Your Spot Task was
/// interrupted.") and stops when the warning ends; a service starts its replacement at once.
pub fn interrupt_spot_task(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let request: TaskRequest = crate::sim::parse_input("InterruptSpotTask", input)?;
    let now = sim.now;
    let cluster = cluster_mut(sim, request.cluster.as_deref())?;
    let position = cluster.task_position(&request.task).ok_or_else(|| {
        EcsimError::invalid_parameter(format!("Task '{}' was not found.", request.task))
    })?;
    let task = &cluster.tasks[position];
    if task.capacity_provider != Some("FARGATE_SPOT") || task.desired_status != "RUNNING" {
        return Err(EcsimError::invalid_parameter(format!(
            "Task '{}' is not a FARGATE_SPOT task that is running or starting.",
            request.task
        )));
    }
    cluster.interrupt_spot_task(position, now);
    Ok(json!({ "task": cluster.tasks[position].to_api(&cluster.arn, now) }))
}
