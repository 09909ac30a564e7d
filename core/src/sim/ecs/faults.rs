//! Faults a simulation can inject (service `ecsim`). For now the agent's connection; the service
//! scheduler reacts to faults once it runs on the clock.

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
