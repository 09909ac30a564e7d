//! Over random clusters and random RunTask/StopTask sequences: no resource is overcommitted, no
//! host port is used twice, every constraint holds for what was placed, and a call that fails
//! leaves the simulation exactly as it was.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::{Simulation, SimulationConfig};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const TYPES: [&str; 5] = ["t3.medium", "m5.large", "c5.large", "r5.large", "c7g.large"];
const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

#[derive(Clone, Debug)]
enum Op {
    Run {
        definition: usize,
        count: i32,
        strategy: usize,
        constraint: usize,
        group: Option<u8>,
    },
    Stop {
        nth: usize,
    },
    Drain {
        nth: usize,
    },
    /// The clock runs on: tasks take their lifecycle steps, stopping ones give back what they held.
    Advance {
        seconds: u8,
    },
    /// An instance dies (its tasks stop and it leaves the cluster: the instances after it move
    /// up), and another one registers at the end.
    Replace {
        nth: usize,
        instance_type: usize,
        zone: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..4usize, 1..12i32, 0..10usize, 0..5usize, proptest::option::of(0..2u8))
            .prop_map(|(definition, count, strategy, constraint, group)| Op::Run { definition, count, strategy, constraint, group }),
        2 => (0..50usize).prop_map(|nth| Op::Stop { nth }),
        1 => (0..20usize).prop_map(|nth| Op::Drain { nth }),
        2 => any::<u8>().prop_map(|seconds| Op::Advance { seconds }),
        1 => (0..20usize, 0..TYPES.len(), 0..ZONES.len())
            .prop_map(|(nth, instance_type, zone)| Op::Replace { nth, instance_type, zone }),
    ]
}

fn definitions() -> Vec<Value> {
    let container = |memory: i64, cpu: i64, mappings: Value| json!({"name": "app", "image": "x", "memoryReservation": memory, "cpu": cpu, "portMappings": mappings});
    vec![
        json!({"family": "static", "containerDefinitions": [container(512, 256, json!([{"containerPort": 80, "hostPort": 8080}, {"containerPort": 53, "hostPort": 5353, "protocol": "udp"}]))]}),
        json!({"family": "dynamic", "containerDefinitions": [container(700, 512, json!([{"containerPort": 80, "hostPort": 0}]))]}),
        json!({"family": "vpc", "networkMode": "awsvpc", "containerDefinitions": [container(256, 128, json!([{"containerPort": 80}]))]}),
        json!({"family": "host", "networkMode": "host", "containerDefinitions": [container(1024, 1024, json!([{"containerPort": 9000}]))]}),
    ]
}

fn strategy(index: usize) -> Value {
    let all = json!([
        [],
        [{"type": "binpack", "field": "memory"}],
        [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}],
        [{"type": "spread", "field": "instanceId"}],
        [{"type": "random"}],
        [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "spread", "field": "instanceId"}],
        [{"type": "binpack", "field": "memory"}, {"type": "spread", "field": "attribute:ecs.availability-zone"}],
        [{"type": "spread", "field": "attribute:ecs.instance-type"}, {"type": "random"}],
        [{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "cpu"}, {"type": "binpack", "field": "memory"}],
        [{"type": "spread", "field": "attribute:custom"}, {"type": "binpack", "field": "memory"}],
    ]);
    all[index].clone()
}

fn constraint(index: usize) -> Value {
    let all = json!([
        [],
        [{"type": "distinctInstance"}],
        [{"type": "memberOf", "expression": "attribute:ecs.availability-zone != us-east-1c"}],
        [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ .*\\.large"}, {"type": "distinctInstance"}],
        [{"type": "memberOf", "expression": "runningTasksCount < 4"}],
    ]);
    all[index].clone()
}

fn snapshot(sim: &mut Simulation) -> Value {
    let arns = sim
        .call("ecs", "ListContainerInstances", json!({"cluster": "p"}))
        .unwrap()["containerInstanceArns"]
        .clone();
    let instances = sim
        .call(
            "ecs",
            "DescribeContainerInstances",
            json!({"cluster": "p", "containerInstances": arns}),
        )
        .unwrap();
    let running = sim
        .call("ecs", "ListTasks", json!({"cluster": "p"}))
        .unwrap();
    let stopped = sim
        .call(
            "ecs",
            "ListTasks",
            json!({"cluster": "p", "desiredStatus": "STOPPED"}),
        )
        .unwrap();
    json!({"instances": instances, "running": running, "stopped": stopped})
}

fn resource<'a>(resources: &'a Value, name: &str) -> &'a Value {
    resources
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

/// Remaining = registered − what the tasks not yet STOPPED hold; nothing negative; no port twice.
fn check_accounting(sim: &mut Simulation, constrained: &BTreeMap<String, usize>) {
    let state = snapshot(sim);
    let mut arns: Vec<Value> = state["running"]["taskArns"].as_array().unwrap().clone();
    arns.extend(
        state["stopped"]["taskArns"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    let tasks: Vec<Value> = if arns.is_empty() {
        vec![]
    } else {
        sim.call(
            "ecs",
            "DescribeTasks",
            json!({"cluster": "p", "tasks": arns}),
        )
        .unwrap()["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["lastStatus"] != "STOPPED")
            .cloned()
            .collect()
    };
    for instance in state["instances"]["containerInstances"].as_array().unwrap() {
        let arn = &instance["containerInstanceArn"];
        let here: Vec<&Value> = tasks
            .iter()
            .filter(|t| &t["containerInstanceArn"] == arn)
            .collect();
        let held = |field: &str| -> i64 {
            here.iter()
                .map(|t| t[field].as_str().unwrap().parse::<i64>().unwrap())
                .sum()
        };
        for (name, field) in [("CPU", "cpu"), ("MEMORY", "memory")] {
            let registered = resource(&instance["registeredResources"], name)["integerValue"]
                .as_i64()
                .unwrap();
            let remaining = resource(&instance["remainingResources"], name)["integerValue"]
                .as_i64()
                .unwrap();
            assert!(remaining >= 0, "{name} overcommitted on {arn}");
            assert_eq!(
                remaining,
                registered - held(field),
                "{name} accounting on {arn}"
            );
        }
        for name in ["PORTS", "PORTS_UDP"] {
            let ports = resource(&instance["remainingResources"], name)["stringSetValue"]
                .as_array()
                .unwrap();
            let unique: BTreeSet<&str> = ports.iter().filter_map(Value::as_str).collect();
            assert_eq!(
                unique.len(),
                ports.len(),
                "a {name} port used twice on {arn}"
            );
        }
        // ECS's counts: desired RUNNING, and last status PENDING.
        let counted =
            |member: &str, value: &str| here.iter().filter(|t| t[member] == value).count();
        assert_eq!(
            instance["runningTasksCount"].as_u64().unwrap() as usize,
            counted("desiredStatus", "RUNNING")
        );
        assert_eq!(
            instance["pendingTasksCount"].as_u64().unwrap() as usize,
            counted("lastStatus", "PENDING")
        );
        // Groups placed with distinctInstance never share an instance.
        for (group, _) in constrained.iter() {
            let count = here.iter().filter(|t| t["group"] == group.as_str()).count();
            assert!(count <= 1, "distinctInstance group {group} twice on {arn}");
        }
        let zone = instance["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "ecs.availability-zone")
            .unwrap()["value"]
            .clone();
        for task in &here {
            if task["group"].as_str().unwrap().starts_with("zoned") {
                assert_ne!(zone, "us-east-1c", "memberOf violated");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn placements_never_overcommit_and_failed_calls_change_nothing(
        seed in any::<u64>(),
        instances in proptest::collection::vec((0..TYPES.len(), 0..ZONES.len()), 1..8),
        ops in proptest::collection::vec(op(), 1..25),
    ) {
        let mut sim = Simulation::new(SimulationConfig { seed, ..Default::default() });
        sim.call("ecs", "CreateCluster", json!({"clusterName": "p"})).unwrap();
        for (t, z) in &instances {
            sim.call("ecs", "RegisterContainerInstance", json!({"cluster": "p", "instanceType": TYPES[*t], "availabilityZone": ZONES[*z]})).unwrap();
        }
        for definition in definitions() {
            sim.call("ecs", "RegisterTaskDefinition", definition).unwrap();
        }
        let families = ["static", "dynamic", "vpc", "host"];
        let mut distinct_groups = BTreeMap::new();
        let mut tainted = BTreeSet::new();
        for op in ops {
            let before = snapshot(&mut sim);
            let result = match &op {
                Op::Run { definition, count, strategy: s, constraint: c, group } => {
                    let zoned = *c == 2;
                    let group_name = match (group, zoned) {
                        (_, true) => format!("zoned:{definition}"),
                        (Some(g), _) => format!("g{g}:{definition}:{c}"),
                        (None, _) => format!("family:{}", families[*definition]),
                    };
                    // Only groups that always used distinctInstance are checked for it.
                    if *c == 1 || *c == 3 {
                        if !tainted.contains(&group_name) {
                            distinct_groups.entry(group_name.clone()).or_insert(*c);
                        }
                    } else {
                        tainted.insert(group_name.clone());
                        distinct_groups.remove(&group_name);
                    }
                    sim.call("ecs", "RunTask", json!({"cluster": "p", "taskDefinition": families[*definition], "count": count,
                        "group": group_name, "placementStrategy": strategy(*s), "placementConstraints": constraint(*c)}))
                }
                Op::Stop { nth } => {
                    let running = before["running"]["taskArns"].as_array().unwrap();
                    let task = running.get(nth % running.len().max(1)).cloned().unwrap_or(json!("no-such-task"));
                    sim.call("ecs", "StopTask", json!({"cluster": "p", "task": task}))
                }
                Op::Drain { nth } => {
                    let arns = before["instances"]["containerInstances"].as_array().unwrap();
                    let arn = arns[nth % arns.len()]["containerInstanceArn"].clone();
                    sim.call("ecs", "UpdateContainerInstancesState", json!({"cluster": "p", "containerInstances": [arn], "status": "DRAINING"}))
                }
                Op::Advance { seconds } => sim.advance(f64::from(*seconds)).map(|()| json!({})),
                Op::Replace { nth, instance_type, zone } => {
                    let arns = before["instances"]["containerInstances"].as_array().unwrap();
                    let arn = arns[nth % arns.len()]["containerInstanceArn"].clone();
                    sim.call("ecsim", "KillInstance", json!({"cluster": "p", "containerInstance": arn}))
                        .and_then(|_| sim.call("ecs", "RegisterContainerInstance", json!({"cluster": "p", "instanceType": TYPES[*instance_type], "availabilityZone": ZONES[*zone]})))
                }
            };
            if result.is_err() {
                prop_assert_eq!(snapshot(&mut sim), before, "a failed {:?} changed the simulation", op);
            }
            check_accounting(&mut sim, &distinct_groups);
            prop_assert!(sim.placement_indexes_are_current(), "the kept placement index is stale after {:?}", op);
        }
    }
}

fn bulk_cluster(seed: u64, instances: usize) -> Simulation {
    let mut sim = Simulation::new(SimulationConfig {
        seed,
        ..Default::default()
    });
    sim.call("ecs", "CreateCluster", json!({"clusterName": "p"}))
        .unwrap();
    for i in 0..instances {
        let out = sim.call("ecs", "RegisterContainerInstance", json!({"cluster": "p", "instanceType": TYPES[i % TYPES.len()], "availabilityZone": ZONES[i % 3]})).unwrap();
        let arn = &out["containerInstance"]["containerInstanceArn"];
        // A custom attribute on two instances in three (the third has none), and one draining.
        if i % 3 != 0 {
            sim.call("ecs", "PutAttributes", json!({"cluster": "p", "attributes": [{"name": "custom", "value": if i % 2 == 0 { "x" } else { "y" }, "targetId": arn}]})).unwrap();
        }
        if i == 4 {
            sim.call(
                "ecs",
                "UpdateContainerInstancesState",
                json!({"cluster": "p", "containerInstances": [arn], "status": "DRAINING"}),
            )
            .unwrap();
        }
    }
    for definition in definitions() {
        sim.call("ecs", "RegisterTaskDefinition", definition)
            .unwrap();
    }
    sim
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn bulk_placement_answers_as_runtask_calls_of_ten(seed in any::<u64>(), instances in 1..12usize, count in 1..60u64, s in 0..10usize, c in 0..4usize, definition in 0..4usize, warm in 0..4i32) {
        let families = ["static", "dynamic", "vpc", "host"];
        let request = json!({"cluster": "p", "taskDefinition": families[definition], "placementStrategy": strategy(s), "placementConstraints": constraint(c)});
        // Some tasks of the group and of another already run, on instances RunTask chose.
        let warm_up = |sim: &mut Simulation| {
            for (group, warm_count) in [("family:dynamic", warm), ("other", 2)] {
                let mut call = request.clone();
                call["count"] = json!(warm_count.max(1));
                call["group"] = json!(group);
                call["taskDefinition"] = json!("dynamic");
                sim.call("ecs", "RunTask", call).unwrap();
            }
        };
        let mut bulk = bulk_cluster(seed, instances);
        warm_up(&mut bulk);
        let mut bulk_request = request.clone();
        bulk_request["count"] = json!(count);
        let together = bulk.call("ecsim", "PlaceTasks", bulk_request).unwrap();

        let mut single = bulk_cluster(seed, instances);
        warm_up(&mut single);
        let mut tasks = Vec::new();
        let mut failures = json!([]);
        let mut left = count;
        while left > 0 {
            let mut call = request.clone();
            call["count"] = json!(left.min(10));
            // The explanation takes the general path, which checks every instance for every task.
            call["explain"] = json!(true);
            let out = single.call("ecs", "RunTask", call).unwrap();
            let placed = out["tasks"].as_array().unwrap().clone();
            let complete = placed.len() as u64 == left.min(10);
            tasks.extend(placed);
            left -= left.min(10);
            if !complete {
                failures = out["failures"].clone();
                break;
            }
        }
        let column = |name: &str| json!(tasks.iter().map(|t| t[name].clone()).collect::<Vec<_>>());
        for name in ["taskArn", "containerInstanceArn", "availabilityZone"] {
            prop_assert_eq!(&together["placements"][name], &column(name));
        }
        prop_assert_eq!(&together["failures"], &failures);
        prop_assert_eq!(snapshot(&mut bulk), snapshot(&mut single));
    }
}
