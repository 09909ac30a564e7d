//! UpdateCluster and UpdateClusterSettings, and what CreateCluster shares with them: the cluster's
//! settings (Container Insights, by default the account's `containerInsights`), its execute
//! command configuration and its Service Connect default namespace.

use super::account_settings::account_value;
use crate::api::ecs as api;
use crate::api::servicediscovery as cloud_map;
use crate::error::EcsimError;
use crate::sim::servicediscovery::handlers as namespaces;
use crate::sim::World;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// `given` checked, over `current`: a setting given replaces the one of its name.
fn merged(
    mut current: Vec<api::ClusterSetting>,
    given: Vec<api::ClusterSetting>,
) -> Result<Vec<api::ClusterSetting>, EcsimError> {
    for setting in given {
        let value = setting.value.as_deref().unwrap_or_default();
        if !["enabled", "disabled", "enhanced"].contains(&value) {
            return Err(invalid(format!(
                "'{value}' is not a value of the containerInsights cluster setting: it takes enhanced, enabled or disabled."
            )));
        }
        current.retain(|s| s.name != setting.name);
        current.push(setting);
    }
    Ok(current)
}

/// A new cluster's settings: those given, Container Insights as the account has it unless given.
pub(crate) fn new_cluster_settings(
    world: &World,
    given: Option<Vec<api::ClusterSetting>>,
) -> Result<Vec<api::ClusterSetting>, EcsimError> {
    let insights = api::ClusterSetting {
        name: Some(api::ClusterSettingName::ContainerInsights),
        value: Some(account_value(world, api::SettingName::ContainerInsights)),
    };
    merged(vec![insights], given.unwrap_or_default())
}

pub(crate) fn checked_configuration(
    configuration: Option<api::ClusterConfiguration>,
) -> Result<Option<api::ClusterConfiguration>, EcsimError> {
    let execute = configuration
        .as_ref()
        .and_then(|c| c.execute_command_configuration.as_ref());
    if let Some(execute) = execute {
        let overridden = execute.logging == Some(api::ExecuteCommandLogging::Override);
        if overridden && execute.log_configuration.is_none() {
            return Err(invalid(
                "executeCommandConfiguration: logging OVERRIDE needs a logConfiguration.",
            ));
        }
    }
    Ok(configuration)
}

/// The Service Connect default a request asks for: an existing Cloud Map namespace by name or
/// ARN, or a new HTTP namespace of that name (as ECS creates one); "" removes it (None).
pub(crate) fn service_connect_defaults(
    world: &mut World,
    given: api::ClusterServiceConnectDefaultsRequest,
) -> Result<Option<api::ClusterServiceConnectDefaults>, EcsimError> {
    let wanted = given.namespace.unwrap_or_default();
    if wanted.is_empty() {
        return Ok(None);
    }
    let find = |world: &World| {
        world
            .servicediscovery
            .namespaces
            .values()
            .map(|n| &n.described)
            .find(|n| n.arn.as_deref() == Some(&wanted) || n.name.as_deref() == Some(&wanted))
            .and_then(|n| n.arn.clone())
    };
    let arn = match find(world) {
        Some(arn) => arn,
        None if wanted.starts_with("arn:") => {
            return Err(api::Error::NamespaceNotFoundException
                .with(format!("The namespace {wanted} was not found.")))
        }
        None => {
            let request = cloud_map::CreateHttpNamespaceRequest {
                name: Some(wanted.clone()),
                ..Default::default()
            };
            namespaces::create_http_namespace(world, request).map_err(|e| invalid(e.message))?;
            find(world).unwrap_or_default()
        }
    };
    Ok(Some(api::ClusterServiceConnectDefaults {
        namespace: Some(arn),
    }))
}

pub fn update_cluster_settings(
    world: &mut World,
    request: api::UpdateClusterSettingsRequest,
) -> Result<api::UpdateClusterSettingsResponse, EcsimError> {
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    cluster.settings = merged(
        cluster.settings.clone(),
        request.settings.unwrap_or_default(),
    )?;
    let name = cluster.name.clone();
    Ok(api::UpdateClusterSettingsResponse {
        cluster: Some(described(world, &name)?),
    })
}

/// UpdateCluster: what it names changes, all of it checked before any of it does.
pub fn update_cluster(
    world: &mut World,
    request: api::UpdateClusterRequest,
) -> Result<api::UpdateClusterResponse, EcsimError> {
    let cluster = world.ecs.cluster_mut(request.cluster.as_deref())?;
    let name = cluster.name.clone();
    let settings = merged(
        cluster.settings.clone(),
        request.settings.unwrap_or_default(),
    )?;
    let configuration = checked_configuration(request.configuration)?;
    let defaults = request
        .service_connect_defaults
        .map(|given| service_connect_defaults(world, given))
        .transpose()?;
    let cluster = world.ecs.cluster_mut(Some(&name))?;
    cluster.settings = settings;
    if configuration.is_some() {
        cluster.configuration = configuration;
    }
    if let Some(defaults) = defaults {
        cluster.service_connect_defaults = defaults;
    }
    Ok(api::UpdateClusterResponse {
        cluster: Some(described(world, &name)?),
    })
}

fn described(world: &mut World, name: &str) -> Result<api::Cluster, EcsimError> {
    let services = world.ecs.active_services(name);
    Ok(world.ecs.cluster_mut(Some(name))?.to_api(services))
}
