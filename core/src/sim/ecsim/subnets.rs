//! Subnets and the availability zones they are in: FARGATE tasks land in the zone of the subnet
//! they get, and instances in their subnet's. Subnets are made with EC2's CreateSubnet (or the
//! `ecsim` action CreateSubnet, its shorthand that also takes the subnet's id), and subnets a
//! request names without making them are handled as `SimulationConfig::undeclared_subnets` says
//! (docs/conventions.md).

use crate::api::ecsim as api;
use crate::error::EcsimError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a subnet a request names but nobody declared stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UndeclaredSubnets {
    /// It is declared on first use, in the region's zones a, b, c in turn (ecsim's choice: quick
    /// experiments need no set-up, and three zones is what most regions offer).
    #[default]
    Assign,
    /// It is an error, as in AWS, where the subnet must exist.
    Reject,
}

const ASSIGNED_ZONES: [&str; 3] = ["a", "b", "c"];

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subnet {
    pub subnet_id: String,
    pub availability_zone: Arc<str>,
    pub vpc_id: String,
    /// As EC2's CreateSubnet was given it (None for subnets declared otherwise).
    pub cidr_block: Option<String>,
}

#[derive(Clone, Default)]
pub struct Subnets {
    declared: BTreeMap<String, Subnet>,
    /// How many undeclared subnets were assigned a zone so far.
    assigned: usize,
}

impl Subnets {
    /// CreateSubnet: `availabilityZone` (required), `subnetId` (generated when absent) and
    /// `vpcId`.
    pub fn create(
        &mut self,
        request: api::CreateSubnetRequest,
        region: &str,
        generate_id: impl FnOnce() -> String,
    ) -> Result<api::CreateSubnetResponse, EcsimError> {
        let availability_zone = request.availability_zone.unwrap_or_default();
        if !availability_zone.starts_with(region) {
            return Err(api::Error::InvalidParameterException
                .with(outside_region(&availability_zone, region)));
        }
        // Drawn only once the zone is known good: a refused call leaves the RNG as it was.
        let subnet_id = request
            .subnet_id
            .unwrap_or_else(|| format!("subnet-{}", generate_id()));
        if self.declared.contains_key(&subnet_id) {
            return Err(api::Error::InvalidParameterException
                .with(format!("Subnet {subnet_id} already exists.")));
        }
        let subnet = Subnet {
            subnet_id: subnet_id.clone(),
            availability_zone: availability_zone.into(),
            vpc_id: request.vpc_id.unwrap_or_else(|| "vpc-ecsim".into()),
            cidr_block: None,
        };
        self.declared.insert(subnet_id, subnet.clone());
        Ok(api::CreateSubnetResponse {
            subnet: Some(api::Subnet {
                subnet_id: Some(subnet.subnet_id),
                availability_zone: Some(subnet.availability_zone.to_string()),
                vpc_id: Some(subnet.vpc_id),
            }),
        })
    }

    /// The subnets `ids` name, in order; undeclared ones are declared or refused as `policy` says
    /// (all are checked before any is declared).
    pub fn resolve(
        &mut self,
        ids: &[String],
        region: &str,
        policy: UndeclaredSubnets,
    ) -> Result<Vec<Subnet>, EcsimError> {
        let unknown: Vec<&String> = ids
            .iter()
            .filter(|id| !self.declared.contains_key(*id))
            .collect();
        if let (Some(first), UndeclaredSubnets::Reject) = (unknown.first(), policy) {
            return Err(api::Error::InvalidParameterException.with(format!(
                "Error retrieving subnet information for [{}]: The subnet ID '{first}' does not exist",
                unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        for id in unknown {
            if self.declared.contains_key(id) {
                continue;
            }
            let subnet = Subnet {
                subnet_id: id.clone(),
                availability_zone: self.assign_zone(region),
                vpc_id: "vpc-ecsim".into(),
                cidr_block: None,
            };
            self.declared.insert(id.clone(), subnet);
        }
        Ok(ids
            .iter()
            .filter_map(|id| self.declared.get(id).cloned())
            .collect())
    }

    /// The next of the region's zones a, b, c, in turn, for a subnet made without one.
    pub fn assign_zone(&mut self, region: &str) -> Arc<str> {
        let zone = ASSIGNED_ZONES[self.assigned % ASSIGNED_ZONES.len()];
        self.assigned += 1;
        format!("{region}{zone}").into()
    }

    /// The zone's default subnet (`subnet-default-<zone>` in `vpc-default`), declared on first
    /// use: where groups and Express services go when given zones or nothing.
    pub fn default_in(&mut self, zone: &str) -> Subnet {
        let id = format!("subnet-default-{zone}");
        self.declared
            .entry(id.clone())
            .or_insert_with(|| Subnet {
                subnet_id: id,
                availability_zone: zone.into(),
                vpc_id: "vpc-default".into(),
                cidr_block: None,
            })
            .clone()
    }

    /// The subnets `given`, or, when none are, the default subnets of the region's zones a and b
    /// (where Express services and gateways go without a network configuration).
    pub fn or_defaults(&mut self, given: Option<Vec<String>>, region: &str) -> Vec<String> {
        match given {
            Some(ids) if !ids.is_empty() => ids,
            _ => ["a", "b"]
                .iter()
                .map(|zone| self.default_in(&format!("{region}{zone}")).subnet_id)
                .collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Subnet> {
        self.declared.get(id)
    }

    /// Every subnet made or declared, by id.
    pub fn all(&self) -> impl Iterator<Item = &Subnet> {
        self.declared.values()
    }

    /// Keeps a subnet EC2's CreateSubnet made (its id is new).
    pub fn insert(&mut self, subnet: Subnet) {
        self.declared.insert(subnet.subnet_id.clone(), subnet);
    }
}

/// Why a zone outside the simulation's region is refused.
pub fn outside_region(zone: &str, region: &str) -> String {
    format!("Value ({zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the simulation's region {region}.")
}
