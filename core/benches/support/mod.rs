//! What the benchmarks share: a big cluster of m5.large instances in 3 zones, with the `web`
//! task definition (4 CPU units, 16 MiB) registered.

use ecsim_core::{Simulation, SimulationConfig};
use serde_json::json;

pub fn cluster(instances: usize) -> Simulation {
    let mut config = SimulationConfig {
        seed: 1,
        ..Default::default()
    };
    // Past ECS's 5,000 instances per cluster: the benchmark measures how placement scales.
    config.quotas.container_instances_per_cluster = instances;
    let mut sim = Simulation::new(config);
    sim.call("ecs", "CreateCluster", json!({"clusterName": "big"}))
        .unwrap();
    for i in 0..instances {
        let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][i % 3];
        sim.call(
            "ecs",
            "RegisterContainerInstance",
            json!({"cluster": "big", "instanceType": "m5.large", "availabilityZone": zone}),
        )
        .unwrap();
    }
    sim.call("ecs", "RegisterTaskDefinition", json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "x", "memoryReservation": 16, "cpu": 4}]})).unwrap();
    sim
}
