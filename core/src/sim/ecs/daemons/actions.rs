//! CreateDaemon, UpdateDaemon, DescribeDaemon, ListDaemons, DeleteDaemon, and the daemon
//! deployments and revisions they leave.

use super::{child_arn, definitions, Daemon, DaemonState, Deployment, Revision, DRAIN_PERCENT};
use crate::api::ecs::ContainerInstanceStatus;
use crate::api::ecs::{self as api, DaemonDeploymentStatus as Status};
use crate::cluster::Cluster;
use crate::error::EcsimError;
use crate::sim::World;

fn invalid(message: impl Into<String>) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

fn not_found(arn: &str) -> EcsimError {
    api::Error::DaemonNotFoundException.with(format!("The daemon {arn} was not found."))
}

/// The daemon an ARN names.
fn key_of(world: &World, arn: &str) -> Result<(String, String), EcsimError> {
    world
        .ecs
        .daemons
        .iter()
        .find(|(_, d)| d.arn == arn)
        .map(|(key, _)| key.clone())
        .ok_or_else(|| not_found(arn))
}

/// The capacity providers' names, each an Auto Scaling group provider of the cluster.
fn providers(
    world: &World,
    cluster: &Cluster,
    given: &[String],
) -> Result<Vec<String>, EcsimError> {
    if given.is_empty() {
        return Err(invalid(
            "capacityProviderArns: name at least one capacity provider whose instances run the daemon.",
        ));
    }
    given
        .iter()
        .map(|reference| {
            let name = reference
                .rsplit_once(":capacity-provider/")
                .map_or(reference.as_str(), |(_, name)| name);
            if name == "FARGATE" || name == "FARGATE_SPOT" {
                return Err(invalid(format!(
                    "capacityProviderArns: {name} has no instances for a daemon to run on."
                )));
            }
            if !world.ecs.capacity_providers.contains_key(name) {
                return Err(invalid(format!(
                    "capacityProviderArns: the capacity provider {reference} does not exist."
                )));
            }
            if !cluster.capacity_providers.iter().any(|p| p == name) {
                return Err(invalid(format!(
                    "capacityProviderArns: the capacity provider {name} is not associated with the cluster {}.",
                    cluster.name
                )));
            }
            Ok(name.to_string())
        })
        .collect()
}

fn check_configuration(
    given: Option<&api::DaemonDeploymentConfiguration>,
) -> Result<api::DaemonDeploymentConfiguration, EcsimError> {
    let mut configuration = given.cloned().unwrap_or_default();
    let drain = *configuration.drain_percent.get_or_insert(DRAIN_PERCENT);
    if !(0.0..=100.0).contains(&drain) {
        return Err(invalid(
            "deploymentConfiguration.drainPercent must be between 0.0 and 100.0.",
        ));
    }
    let bake = *configuration.bake_time_in_minutes.get_or_insert(0);
    if !(0..=1_440).contains(&bake) {
        return Err(invalid(
            "deploymentConfiguration.bakeTimeInMinutes must be between 0 and 1440.",
        ));
    }
    Ok(configuration)
}

/// What CreateDaemon and UpdateDaemon both say of the revision they make.
struct Asked<'a> {
    task_definition: &'a str,
    capacity_providers: &'a [String],
    configuration: Option<&'a api::DaemonDeploymentConfiguration>,
    propagate_tags: Option<api::DaemonPropagateTags>,
    managed_tags: Option<bool>,
    execute_command: Option<bool>,
    critical: Option<bool>,
}

/// What a CreateDaemonRequest or UpdateDaemonRequest (the same members) asks for.
macro_rules! asked {
    ($request:expr) => {
        Asked {
            task_definition: $request.daemon_task_definition_arn.as_deref().unwrap_or(""),
            capacity_providers: $request
                .capacity_provider_arns
                .as_deref()
                .unwrap_or_default(),
            configuration: $request.deployment_configuration.as_ref(),
            propagate_tags: $request.propagate_tags,
            managed_tags: $request.enable_ecs_managed_tags,
            execute_command: $request.enable_execute_command,
            critical: $request.critical,
        }
    };
}

/// The revision `asked` makes of `daemon` (`previous`: the revision it replaces), checked.
fn revision(
    world: &World,
    cluster: &Cluster,
    daemon: &Daemon,
    asked: &Asked,
    previous: Option<&Revision>,
) -> Result<Revision, EcsimError> {
    let registered = definitions::active(world, asked.task_definition)?;
    let capacity_providers = providers(world, cluster, asked.capacity_providers)?;
    let configuration =
        check_configuration(asked.configuration.or(previous.map(|p| &p.configuration)))?;
    let previous_shown = previous.map(|p| &p.described);
    let critical = asked
        .critical
        .or(previous_shown.and_then(|p| p.critical))
        .unwrap_or(true);
    let images = registered
        .described
        .container_definitions
        .iter()
        .flatten()
        .map(|c| api::DaemonContainerImage {
            container_name: c.name.clone(),
            image_digest: None,
            image: c.image.clone(),
        })
        .collect();
    let described = api::DaemonRevision {
        daemon_revision_arn: Some(child_arn(
            &daemon.arn,
            "daemon-revision",
            daemon.next_revision(),
            true,
        )),
        cluster_arn: Some(daemon.cluster_arn.clone()),
        daemon_arn: Some(daemon.arn.clone()),
        daemon_task_definition_arn: registered.described.daemon_task_definition_arn.clone(),
        created_at: Some(world.now),
        container_images: Some(images),
        propagate_tags: Some(
            asked
                .propagate_tags
                .or(previous_shown.and_then(|p| p.propagate_tags))
                .unwrap_or(api::DaemonPropagateTags::None),
        ),
        enable_ecs_managed_tags: Some(
            asked
                .managed_tags
                .or(previous_shown.and_then(|p| p.enable_ecs_managed_tags))
                .unwrap_or(false),
        ),
        enable_execute_command: Some(
            asked
                .execute_command
                .or(previous_shown.and_then(|p| p.enable_execute_command))
                .unwrap_or(false),
        ),
        critical: Some(critical),
    };
    Ok(Revision {
        described,
        capacity_providers,
        critical,
        drain_percent: configuration.drain_percent.unwrap_or(DRAIN_PERCENT),
        bake_seconds: f64::from(configuration.bake_time_in_minutes.unwrap_or(0)) * 60.0,
        configuration,
    })
}

/// A new deployment of `daemon` to its revision `target`; a running one is STOPPED.
fn begin(daemon: &mut Daemon, target: usize, source: Option<usize>, now: f64) -> String {
    for deployment in &mut daemon.deployments {
        if deployment.is_running() {
            let d = &mut deployment.described;
            d.status = Some(Status::Stopped);
            d.status_reason = Some("Stopped by a newer daemon deployment.".into());
            d.stopped_at = Some(now);
        }
    }
    let number = daemon.deployments.last().map_or(0, |d| d.number + 1);
    let arn = child_arn(&daemon.arn, "daemon-deployment", number, false);
    let revision = &daemon.revisions[&target];
    daemon.deployments.push(Deployment {
        number,
        described: api::DaemonDeployment {
            daemon_deployment_arn: Some(arn.clone()),
            cluster_arn: Some(daemon.cluster_arn.clone()),
            status: Some(Status::InProgress),
            status_reason: None,
            deployment_configuration: Some(revision.configuration.clone()),
            created_at: Some(now),
            started_at: Some(now),
            ..api::DaemonDeployment::default()
        },
        target,
        source,
        failures: 0,
        next_batch_at: None,
    });
    daemon.updated_at = now;
    arn
}

pub fn create_daemon(
    world: &mut World,
    request: api::CreateDaemonRequest,
) -> Result<api::CreateDaemonResponse, EcsimError> {
    let name = request.daemon_name.clone().unwrap_or_default();
    crate::sim::ecs::names::check_name("daemonName", &name)?;
    crate::sim::ecs::names::check_tags(request.tags.as_deref())?;
    let cluster_name = crate::sim::ecs::cluster_name(request.cluster_arn.as_deref()).to_string();
    let cluster = world
        .ecs
        .clusters
        .get(&cluster_name)
        .ok_or_else(|| api::Error::ClusterNotFoundException.with("Cluster not found."))?;
    let key = (cluster_name.clone(), name.clone());
    if world.ecs.daemons.contains_key(&key) {
        return Err(invalid(format!(
            "A daemon named {name} already exists in the cluster {cluster_name}."
        )));
    }
    let now = world.now;
    let mut daemon = Daemon {
        arn: world.arn("ecs", &format!("daemon/{cluster_name}/{name}")),
        name,
        cluster: cluster_name,
        cluster_arn: cluster.arn.clone(),
        status: DaemonState::Active,
        created_at: now,
        updated_at: now,
        tags: request.tags.clone().unwrap_or_default(),
        revisions: Default::default(),
        deployments: Vec::new(),
        tasks: Default::default(),
        retry_at: Default::default(),
    };
    let asked = asked!(request);
    let first = revision(world, cluster, &daemon, &asked, None)?;
    daemon.revisions.insert(0, first);
    let deployment_arn = begin(&mut daemon, 0, None, now);
    let response = api::CreateDaemonResponse {
        daemon_arn: Some(daemon.arn.clone()),
        status: Some(api::DaemonStatus::Active),
        created_at: Some(now),
        deployment_arn: Some(deployment_arn),
    };
    world.ecs.daemons.insert(key, daemon);
    Ok(response)
}

pub fn update_daemon(
    world: &mut World,
    request: api::UpdateDaemonRequest,
) -> Result<api::UpdateDaemonResponse, EcsimError> {
    let arn = request.daemon_arn.clone().unwrap_or_default();
    let key = key_of(world, &arn)?;
    let daemon = &world.ecs.daemons[&key];
    if daemon.status != DaemonState::Active {
        return Err(api::Error::DaemonNotActiveException
            .with(format!("The daemon {arn} is being deleted.")));
    }
    let cluster = world
        .ecs
        .clusters
        .get(&key.0)
        .ok_or_else(|| api::Error::ClusterNotFoundException.with("Cluster not found."))?;
    let asked = asked!(request);
    let source = daemon.target();
    let next = revision(
        world,
        cluster,
        daemon,
        &asked,
        daemon.revisions.get(&source),
    )?;
    let now = world.now;
    let daemon = world
        .ecs
        .daemons
        .get_mut(&key)
        .ok_or_else(|| not_found(&arn))?;
    let target = daemon.next_revision();
    daemon.revisions.insert(target, next);
    let deployment_arn = begin(daemon, target, Some(source), now);
    daemon.forget_oldest();
    Ok(api::UpdateDaemonResponse {
        daemon_arn: Some(arn),
        status: Some(api::DaemonStatus::Active),
        created_at: Some(daemon.created_at),
        updated_at: Some(now),
        deployment_arn: Some(deployment_arn),
    })
}

pub fn delete_daemon(
    world: &mut World,
    request: api::DeleteDaemonRequest,
) -> Result<api::DeleteDaemonResponse, EcsimError> {
    let arn = request.daemon_arn.unwrap_or_default();
    let key = key_of(world, &arn)?;
    let now = world.now;
    let daemon = world
        .ecs
        .daemons
        .get_mut(&key)
        .ok_or_else(|| not_found(&arn))?;
    if daemon.status != DaemonState::Active {
        return Err(api::Error::DaemonNotActiveException
            .with(format!("The daemon {arn} is already being deleted.")));
    }
    daemon.status = DaemonState::DeleteInProgress;
    daemon.updated_at = now;
    for deployment in &mut daemon.deployments {
        if deployment.is_running() {
            let d = &mut deployment.described;
            d.status = Some(Status::Stopped);
            d.status_reason = Some("Stopped: the daemon is being deleted.".into());
            d.stopped_at = Some(now);
        }
    }
    Ok(api::DeleteDaemonResponse {
        daemon_arn: Some(arn),
        status: Some(api::DaemonStatus::DeleteInProgress),
        created_at: Some(daemon.created_at),
        updated_at: Some(now),
        deployment_arn: daemon.deployments.last().map(|d| d.arn().to_string()),
    })
}

/// Per capacity provider of revision `index`: its ARN, the instances running the revision's task,
/// those without a daemon task (the target revision only) and those draining with one.
fn counts(
    world: &World,
    daemon: &Daemon,
    cluster: &Cluster,
    index: usize,
) -> Vec<(String, i32, i32, i32)> {
    let revision = &daemon.revisions[&index];
    let target = index == daemon.target();
    revision
        .capacity_providers
        .iter()
        .map(|provider| {
            let (mut running, mut without, mut draining) = (0, 0, 0);
            let instances = cluster
                .instances
                .iter()
                .filter(|i| i.capacity_provider.as_deref() == Some(provider.as_str()));
            for instance in instances {
                let task = daemon
                    .tasks
                    .get(&instance.arn)
                    .filter(|p| cluster.tasks.get(p.position).is_some());
                let runs_it = task.is_some_and(|p| {
                    p.revision == index && cluster.tasks[p.position].last_status == "RUNNING"
                });
                let active = instance.status == ContainerInstanceStatus::Active;
                if runs_it && active {
                    running += 1;
                } else if runs_it {
                    draining += 1;
                } else if target && active && task.is_none() {
                    without += 1;
                }
            }
            let arn = world.arn("ecs", &format!("capacity-provider/{provider}"));
            (arn, running, without, draining)
        })
        .collect()
}

pub fn describe_daemon(
    world: &mut World,
    request: api::DescribeDaemonRequest,
) -> Result<api::DescribeDaemonResponse, EcsimError> {
    let arn = request.daemon_arn.unwrap_or_default();
    let key = key_of(world, &arn)?;
    let daemon = &world.ecs.daemons[&key];
    let cluster = world
        .ecs
        .clusters
        .get(&key.0)
        .ok_or_else(|| api::Error::ClusterNotFoundException.with("Cluster not found."))?;
    // The revisions that run somewhere, and the target.
    let mut current: Vec<usize> = daemon.tasks.values().map(|p| p.revision).collect();
    current.push(daemon.target());
    current.sort_unstable();
    current.dedup();
    let current_revisions = current
        .into_iter()
        .map(|index| {
            let counts = counts(world, daemon, cluster, index);
            api::DaemonRevisionDetail {
                arn: Some(daemon.revisions[&index].arn().to_string()),
                total_running_count: Some(counts.iter().map(|c| c.1).sum()),
                total_without_daemon_count: Some(counts.iter().map(|c| c.2).sum()),
                capacity_providers: Some(
                    counts
                        .into_iter()
                        .map(|(arn, running, without, _)| api::DaemonCapacityProvider {
                            arn: Some(arn),
                            running_count: Some(running),
                            without_daemon_count: Some(without),
                        })
                        .collect(),
                ),
            }
        })
        .collect();
    Ok(api::DescribeDaemonResponse {
        daemon: Some(api::DaemonDetail {
            daemon_arn: Some(daemon.arn.clone()),
            cluster_arn: Some(daemon.cluster_arn.clone()),
            status: Some(daemon.status.shown()),
            current_revisions: Some(current_revisions),
            deployment_arn: daemon.deployments.last().map(|d| d.arn().to_string()),
            created_at: Some(daemon.created_at),
            updated_at: Some(daemon.updated_at),
        }),
    })
}

pub fn list_daemons(
    world: &mut World,
    request: api::ListDaemonsRequest,
) -> Result<api::ListDaemonsResponse, EcsimError> {
    let cluster = match request.cluster_arn.as_deref() {
        Some(reference) => {
            let name = crate::sim::ecs::cluster_name(Some(reference));
            if !world.ecs.clusters.contains_key(name) {
                return Err(api::Error::ClusterNotFoundException.with("Cluster not found."));
            }
            Some(name.to_string())
        }
        None => None,
    };
    let wanted: Vec<&str> = (request.capacity_provider_arns.iter().flatten())
        .map(|p| {
            p.rsplit_once(":capacity-provider/")
                .map_or(p.as_str(), |(_, n)| n)
        })
        .collect();
    let summaries = world
        .ecs
        .daemons
        .iter()
        .filter(|((c, _), _)| cluster.as_ref().is_none_or(|wanted| wanted == c))
        .filter(|(_, d)| {
            let providers = d.revisions.get(&d.target()).map(|r| &r.capacity_providers);
            wanted.is_empty()
                || providers.is_some_and(|p| p.iter().any(|p| wanted.contains(&p.as_str())))
        })
        .map(|(_, d)| d.summary())
        .collect();
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        summaries,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListDaemonsResponse {
        daemon_summaries_list: Some(page),
        next_token,
    })
}

fn failure(arn: &str) -> api::Failure {
    api::Failure {
        arn: Some(arn.to_string()),
        reason: Some("MISSING".into()),
        detail: None,
    }
}

/// A deployment as DescribeDaemonDeployments shows it, its revisions counted now.
fn described_deployment(
    world: &World,
    daemon: &Daemon,
    deployment: &Deployment,
) -> api::DaemonDeployment {
    let cluster = world.ecs.clusters.get(&daemon.cluster);
    let detail = |index: usize| {
        let counts = cluster
            .map(|c| counts(world, daemon, c, index))
            .unwrap_or_default();
        api::DaemonDeploymentRevisionDetail {
            arn: Some(daemon.revisions[&index].arn().to_string()),
            total_running_instance_count: Some(counts.iter().map(|c| c.1).sum()),
            total_without_daemon_instance_count: Some(counts.iter().map(|c| c.2).sum()),
            total_draining_instance_count: Some(counts.iter().map(|c| c.3).sum()),
            capacity_providers: Some(
                counts
                    .into_iter()
                    .map(|(arn, running, without, draining)| {
                        api::DaemonDeploymentCapacityProvider {
                            arn: Some(arn),
                            running_instance_count: Some(running),
                            without_daemon_instance_count: Some(without),
                            draining_instance_count: Some(draining),
                        }
                    })
                    .collect(),
            ),
        }
    };
    let threshold = threshold(world, daemon);
    let tripped = deployment.failures >= threshold;
    api::DaemonDeployment {
        target_daemon_revision: Some(detail(deployment.target)),
        source_daemon_revisions: Some(deployment.source.map(detail).into_iter().collect()),
        circuit_breaker: Some(api::DaemonCircuitBreaker {
            failure_count: Some(deployment.failures as i32),
            status: Some(match (deployment.is_running(), tripped) {
                (_, true) => api::DaemonDeploymentRollbackMonitorsStatus::Triggered,
                (true, false) => api::DaemonDeploymentRollbackMonitorsStatus::Monitoring,
                (false, false) => api::DaemonDeploymentRollbackMonitorsStatus::MonitoringComplete,
            }),
            threshold: Some(threshold as i32),
        }),
        ..deployment.described.clone()
    }
}

/// The circuit breaker's threshold for a daemon's deployments: ECS's rule over the instances
/// the daemon runs on.
pub(super) fn threshold(world: &World, daemon: &Daemon) -> u32 {
    let instances = world
        .ecs
        .clusters
        .get(&daemon.cluster)
        .map_or(0, |cluster| {
            super::look::eligible(cluster, &daemon.revisions[&daemon.target()]).len()
        });
    crate::scaling::math::circuit_breaker_threshold(instances as u64) as u32
}

pub fn describe_daemon_deployments(
    world: &mut World,
    request: api::DescribeDaemonDeploymentsRequest,
) -> Result<api::DescribeDaemonDeploymentsResponse, EcsimError> {
    let (mut found, mut failures) = (Vec::new(), Vec::new());
    for arn in request.daemon_deployment_arns.iter().flatten() {
        let hit = world.ecs.daemons.values().find_map(|daemon| {
            let deployment = daemon.deployments.iter().find(|d| d.arn() == arn)?;
            Some(described_deployment(world, daemon, deployment))
        });
        match hit {
            Some(described) => found.push(described),
            None => failures.push(failure(arn)),
        }
    }
    Ok(api::DescribeDaemonDeploymentsResponse {
        failures: Some(failures),
        daemon_deployments: Some(found),
    })
}

pub fn list_daemon_deployments(
    world: &mut World,
    request: api::ListDaemonDeploymentsRequest,
) -> Result<api::ListDaemonDeploymentsResponse, EcsimError> {
    let arn = request.daemon_arn.unwrap_or_default();
    let key = key_of(world, &arn)?;
    let daemon = &world.ecs.daemons[&key];
    let statuses = request.status.unwrap_or_default();
    let window = request.created_at.unwrap_or_default();
    // Newest first.
    let summaries = daemon
        .deployments
        .iter()
        .rev()
        .filter(|d| statuses.is_empty() || statuses.contains(&d.status()))
        .filter(|d| {
            let created = d.described.created_at.unwrap_or_default();
            window.before.is_none_or(|t| created < t) && window.after.is_none_or(|t| created > t)
        })
        .map(|d| {
            let shown = &d.described;
            api::DaemonDeploymentSummary {
                daemon_deployment_arn: shown.daemon_deployment_arn.clone(),
                daemon_arn: Some(daemon.arn.clone()),
                cluster_arn: shown.cluster_arn.clone(),
                status: shown.status,
                status_reason: shown.status_reason.clone(),
                target_daemon_revision_arn: Some(daemon.revisions[&d.target].arn().to_string()),
                created_at: shown.created_at,
                started_at: shown.started_at,
                stopped_at: shown.stopped_at,
                finished_at: shown.finished_at,
            }
        })
        .collect();
    let (page, next_token) = crate::sim::ecs::page(
        &crate::sim::paging::ECS,
        summaries,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListDaemonDeploymentsResponse {
        next_token,
        daemon_deployments: Some(page),
    })
}

pub fn describe_daemon_revisions(
    world: &mut World,
    request: api::DescribeDaemonRevisionsRequest,
) -> Result<api::DescribeDaemonRevisionsResponse, EcsimError> {
    let (mut found, mut failures) = (Vec::new(), Vec::new());
    for arn in request.daemon_revision_arns.iter().flatten() {
        let hit = (world.ecs.daemons.values())
            .flat_map(|d| d.revisions.values())
            .find(|r| r.arn() == arn);
        match hit {
            Some(revision) => found.push(revision.described.clone()),
            None => failures.push(failure(arn)),
        }
    }
    Ok(api::DescribeDaemonRevisionsResponse {
        daemon_revisions: Some(found),
        failures: Some(failures),
    })
}
