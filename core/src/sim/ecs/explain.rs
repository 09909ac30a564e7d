//! The `explain` extension of RunTask and PlaceTasks: one explanation per task attempted. ECS
//! itself reports only failures; these say why each task went where it did.

use crate::cluster::ContainerInstance;
use crate::placement::{Placement, Strategy};
use serde::Serialize;
use std::collections::BTreeMap;

/// One placement decision (core/models/ecsim.json, `Explanation`).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Explanation {
    /// EC2: the chosen instance (null when none fits), every rejected instance with ECS's reason,
    /// and the candidates each strategy kept.
    #[serde(rename_all = "camelCase")]
    Instance {
        container_instance_arn: Option<String>,
        rejected: Vec<Rejected>,
        strategies: Vec<Kept>,
    },
    /// FARGATE: the zone and subnet chosen, and the group's running tasks per zone they were
    /// chosen on.
    #[serde(rename_all = "camelCase")]
    Subnet {
        availability_zone: String,
        subnet_id: String,
        tasks_per_zone: BTreeMap<String, u64>,
    },
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejected {
    container_instance_arn: String,
    reason: &'static str,
}

/// What one strategy kept; `field` is null for `random`.
#[derive(Debug, Serialize)]
pub struct Kept {
    r#type: &'static str,
    field: Option<String>,
    kept: Vec<String>,
}

impl Explanation {
    /// An EC2 placement decision.
    pub fn of(
        decision: &Placement,
        instances: &[ContainerInstance],
        strategies: &[Strategy],
    ) -> Explanation {
        let arn = |i: usize| instances[i].arn.to_string();
        Explanation::Instance {
            container_instance_arn: decision.chosen.map(arn),
            rejected: decision
                .rejections
                .iter()
                .map(|&(i, rejection)| Rejected {
                    container_instance_arn: arn(i),
                    reason: rejection.reason(),
                })
                .collect(),
            strategies: strategies
                .iter()
                .zip(&decision.kept)
                .map(|(strategy, kept)| {
                    let (kind, field) = strategy.type_and_field();
                    Kept {
                        r#type: kind,
                        field,
                        kept: kept.iter().map(|&i| arn(i)).collect(),
                    }
                })
                .collect(),
        }
    }
}
