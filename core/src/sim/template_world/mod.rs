//! A template's ECS world, run in a simulation: its subnets, clusters, Auto Scaling groups'
//! instances, target groups, task definitions, Cloud Map namespaces and services, ECS services
//! and scalable targets with their scheduled actions and scaling policies are created in order (intrinsics
//! resolved as `resolve.rs` says), the clock runs for `simulateSeconds`, and what went wrong is
//! reported against the resource that caused it (`rules.rs`). This is what no template linter
//! can tell: whether the services, as declared, reach a steady state.
//!
//! What the simulation does not model is left out rather than guessed: an Auto Scaling group
//! whose cluster cannot be told from its user data or capacity provider starts no instances;
//! a capacity provider of an Auto Scaling group runs its tasks as the EC2 launch type on the
//! group's instances (docs/rules.md, SIM001).

mod capacity;
mod registries;
mod resolve;
pub mod rules;
mod services;

use crate::diagnostics::{push_key, Diagnostic, Rule};
use crate::sim::fnv::Fnv;
use crate::taskdef::cfn;
use crate::template::{Located, ResourceReport};
use crate::{Simulation, SimulationConfig, ValidationOptions};
use resolve::Names;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub use rules::RULES;

/// The simulation findings of a template, by resource: none unless `options.simulate`.
pub fn findings(template: &Value, options: &ValidationOptions) -> Vec<ResourceReport> {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    if !options.simulate {
        return Vec::new();
    }
    let config = SimulationConfig::default();
    let names = Names {
        region: config.region.clone(),
        account: config.account_id.clone(),
        refs: Default::default(),
        attributes: Default::default(),
        parameters: template.get("Parameters").and_then(Value::as_object),
        resources: resources.keys().map(String::as_str).collect(),
    };
    let mut world = Build {
        sim: Simulation::new(config),
        names,
        resources,
        found: Vec::new(),
        subnet_zones: HashMap::new(),
        seconds: options.simulate_seconds,
    };
    world.networks();
    world.clusters();
    capacity::start_instances(&mut world);
    world.target_groups();
    world.task_definitions();
    registries::discovery(&mut world);
    let created = services::create(&mut world);
    registries::scalable_targets(&mut world);
    registries::scaling_policies(&mut world);
    if world.sim.advance(world.seconds).is_ok() {
        services::examine(&mut world, &created);
    }
    reports(world, options)
}

/// The template's resources, being created in a simulation.
pub(super) struct Build<'t> {
    sim: Simulation,
    names: Names<'t>,
    resources: &'t Map<String, Value>,
    found: Vec<(String, Diagnostic)>,
    /// The zone of each subnet created.
    subnet_zones: HashMap<String, String>,
    /// How long the clock runs before the services are examined.
    seconds: f64,
}

impl<'t> Build<'t> {
    /// The logical ids and resources of one type, in template order.
    fn of_type(&self, kind: &'static str) -> Vec<(&'t str, &'t Value)> {
        self.resources
            .iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
            .map(|(id, r)| (id.as_str(), r))
            .collect()
    }

    fn kind_of(&self, id: &str) -> Option<&'t str> {
        self.resources.get(id)?.get("Type")?.as_str()
    }

    /// A resource's Properties with every intrinsic the simulation can answer answered.
    fn properties(&self, resource: &Value) -> Value {
        resource
            .get("Properties")
            .map_or_else(|| json!({}), |p| self.names.resolve(p))
    }

    /// Properties in the API shape (CloudFormation's PascalCase read as the API's members);
    /// always an object, so that members can be set on it.
    fn api_input(&self, properties: &Value, shape: &'static crate::api::shape::Shape) -> Value {
        let mut ignored = Vec::new();
        match cfn::to_api(properties, shape, &mut ignored).value {
            value @ Value::Object(_) => value,
            _ => json!({}),
        }
    }

    /// What `Ref` to `id` gives, and the `Fn::GetAtt` attributes that differ from it.
    fn remember(&mut self, id: &str, reference: &str, attributes: &[(&str, &str)]) {
        self.names.refs.insert(id.into(), reference.into());
        for (attribute, value) in attributes {
            let key = (id.to_string(), (*attribute).to_string());
            self.names.attributes.insert(key, (*value).to_string());
        }
    }

    fn report(&mut self, id: &str, rule: &Rule, tail: &str, message: String) {
        self.report_with(id, rule.at("", message), tail);
    }

    /// A finding about the resource `id`, at `tail` below its Properties.
    fn report_with(&mut self, id: &str, mut diagnostic: Diagnostic, tail: &str) {
        let mut path = String::from("$.Resources");
        push_key(&mut path, id);
        path.push_str(".Properties");
        path.push_str(tail);
        diagnostic.path = path;
        self.found.push((id.to_string(), diagnostic));
    }

    fn simulated_minutes(&self) -> String {
        let minutes = self.seconds / 60.0;
        if minutes.fract() == 0.0 {
            format!("{minutes:.0}")
        } else {
            format!("{minutes:.1}")
        }
    }

    /// A call the template's resource makes; a refusal is that resource's SIM005 finding.
    fn call(&mut self, id: &str, service: &str, action: &str, input: Value) -> Option<Value> {
        match self.sim.call(service, action, input) {
            Ok(output) => Some(output),
            Err(error) => {
                let message = format!(
                    "{action} would be refused when the stack is deployed: {} ({}).",
                    error.message,
                    error.code.as_str()
                );
                self.report(id, &rules::REJECTED, "", message);
                None
            }
        }
    }

    /// Subnets in the simulation's region, with the zone letter their AvailabilityZone ends in
    /// (zones a, b, c in turn where it names none); VPCs and security groups as ids.
    fn networks(&mut self) {
        for (id, _) in self.of_type("AWS::EC2::VPC") {
            self.names
                .refs
                .insert(id.into(), format!("vpc-{}", hex_id(id)));
        }
        for (index, (id, resource)) in self.of_type("AWS::EC2::Subnet").into_iter().enumerate() {
            let properties = self.properties(resource);
            let zone = zone_in(
                &self.names.region,
                properties.get("AvailabilityZone").and_then(Value::as_str),
                index,
            );
            let subnet_id = format!("subnet-{}", hex_id(id));
            let input = json!({ "subnetId": subnet_id, "availabilityZone": zone });
            if self.sim.call("ecsim", "CreateSubnet", input).is_ok() {
                self.names.refs.insert(id.into(), subnet_id.clone());
                self.subnet_zones.insert(subnet_id, zone);
            }
        }
    }

    fn clusters(&mut self) {
        for (id, resource) in self.of_type("AWS::ECS::Cluster") {
            let properties = self.properties(resource);
            let name = properties
                .get("ClusterName")
                .and_then(Value::as_str)
                .unwrap_or(id)
                .to_string();
            let mut input = json!({ "clusterName": name });
            let providers = fargate_providers(&properties, "CapacityProviders");
            if !providers.is_empty() {
                input["capacityProviders"] = json!(providers);
            }
            if let Some(output) = self.call(id, "ecs", "CreateCluster", input) {
                if let Some(arn) = output
                    .pointer("/cluster/clusterArn")
                    .and_then(Value::as_str)
                {
                    self.names
                        .attributes
                        .insert((id.into(), "Arn".into()), arn.into());
                }
                self.names.refs.insert(id.into(), name);
            }
        }
        for (id, resource) in self.of_type("AWS::ECS::ClusterCapacityProviderAssociations") {
            let properties = self.properties(resource);
            let providers = fargate_providers(&properties, "CapacityProviders");
            let cluster = properties.get("Cluster").and_then(Value::as_str);
            if let (Some(cluster), false) = (cluster, providers.is_empty()) {
                let strategy: Vec<Value> = properties
                    .get("DefaultCapacityProviderStrategy")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|item| is_fargate(item.get("CapacityProvider")))
                    .map(|item| {
                        self.api_input(
                            item,
                            &crate::api::ecs::shapes::CAPACITY_PROVIDER_STRATEGY_ITEM,
                        )
                    })
                    .collect();
                let input = json!({
                    "cluster": cluster,
                    "capacityProviders": providers,
                    "defaultCapacityProviderStrategy": strategy,
                });
                self.call(id, "ecs", "PutClusterCapacityProviders", input);
            }
        }
    }

    fn target_groups(&mut self) {
        for (id, resource) in self.of_type("AWS::ElasticLoadBalancingV2::TargetGroup") {
            let properties = self.properties(resource);
            let mut input = self.api_input(
                &properties,
                &crate::api::elbv2::shapes::CREATE_TARGET_GROUP_INPUT,
            );
            if input.get("Name").is_none() {
                input["Name"] = json!(generated_name(id, 32));
            }
            let output = self.call(id, "elbv2", "CreateTargetGroup", input);
            let arn = output
                .as_ref()
                .and_then(|o| o.pointer("/TargetGroups/0/TargetGroupArn"))
                .and_then(Value::as_str);
            if let Some(arn) = arn {
                self.names.refs.insert(id.into(), arn.into());
                self.names
                    .attributes
                    .insert((id.into(), "TargetGroupArn".into()), arn.into());
            }
        }
    }

    /// Task definitions the validation rules accept; the others are reported by those rules.
    fn task_definitions(&mut self) {
        for (id, resource) in self.of_type("AWS::ECS::TaskDefinition") {
            let properties = self.properties(resource);
            let mut input = self.api_input(
                &properties,
                &crate::api::ecs::shapes::REGISTER_TASK_DEFINITION_REQUEST,
            );
            if input.get("family").is_none() {
                input["family"] = json!(generated_name(id, 255));
            }
            let registered = self.sim.call("ecs", "RegisterTaskDefinition", input);
            let arn = registered
                .ok()
                .and_then(|o| o.pointer("/taskDefinition/taskDefinitionArn").cloned());
            if let Some(Value::String(arn)) = arn {
                self.names.refs.insert(id.into(), arn);
            }
        }
    }
}

fn reports(world: Build<'_>, options: &ValidationOptions) -> Vec<ResourceReport> {
    let mut reports: Vec<ResourceReport> = Vec::new();
    for (id, diagnostic) in world.found {
        let mut kept = vec![diagnostic];
        options.filter(&mut kept);
        let Some(diagnostic) = kept.pop() else {
            continue;
        };
        let located = Located {
            diagnostic,
            line: None,
            column: None,
        };
        match reports.iter_mut().find(|r| r.logical_id == id) {
            Some(report) => report.diagnostics.push(located),
            None => {
                let mut template_path = String::from("$.Resources");
                push_key(&mut template_path, &id);
                let cdk_path = world
                    .resources
                    .get(&id)
                    .and_then(|r| r.pointer("/Metadata/aws:cdk:path"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                reports.push(ResourceReport {
                    logical_id: id,
                    template_path,
                    cdk_path,
                    diagnostics: vec![located],
                });
            }
        }
    }
    reports
}

/// A stable id for a resource the simulation names (`subnet-…`, `vpc-…`): 17 hex digits.
fn hex_id(logical_id: &str) -> String {
    let mut hash = Fnv::new();
    hash.bytes(logical_id.as_bytes());
    format!("{:017x}", hash.0)
}

/// What CloudFormation would name a resource the template leaves unnamed: its logical id, cut to
/// the name's limit.
fn generated_name(logical_id: &str, limit: usize) -> String {
    logical_id.chars().take(limit).collect()
}

/// A zone of `region`: the given one if it is in the region, else the region with the given
/// zone's last letter (CDK's `dummy1a`), else zones a, b, c in turn.
fn zone_in(region: &str, given: Option<&str>, index: usize) -> String {
    if let Some(zone) = given.filter(|z| z.starts_with(region)) {
        return zone.to_string();
    }
    let letter = given
        .and_then(|z| z.chars().last())
        .filter(char::is_ascii_lowercase)
        .unwrap_or(['a', 'b', 'c'][index % 3]);
    format!("{region}{letter}")
}

fn is_fargate(provider: Option<&Value>) -> bool {
    matches!(
        provider.and_then(Value::as_str),
        Some("FARGATE" | "FARGATE_SPOT")
    )
}

/// The FARGATE and FARGATE_SPOT providers a list names (Auto Scaling group providers are run as
/// the EC2 launch type instead).
fn fargate_providers(properties: &Value, member: &str) -> Vec<Value> {
    properties
        .get(member)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| is_fargate(Some(p)))
        .cloned()
        .collect()
}
