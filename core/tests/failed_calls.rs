//! Failed calls change nothing, the seeded RNG included: a simulation that made a refused call
//! has the same future as a twin that never made it. And the clock stays within what AWS
//! represents, where nothing loops; an answer written as text is the same answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecsim_core::{Simulation, SimulationConfig};
use serde_json::{json, Value};

fn quotas_of_one() -> Simulation {
    let mut config = SimulationConfig::default();
    config.quotas.container_instances_per_cluster = 1;
    let mut sim = Simulation::new(config);
    sim.call("ecs", "CreateCluster", json!({"clusterName": "c"}))
        .unwrap();
    sim.call(
        "ecs",
        "RegisterContainerInstance",
        json!({"cluster": "c", "instanceType": "m5.large", "availabilityZone": "us-east-1a"}),
    )
    .unwrap();
    sim.call(
        "ecs",
        "RegisterTaskDefinition",
        json!({"family": "w", "containerDefinitions": [{"name": "a", "image": "x", "memory": 64}]}),
    )
    .unwrap();
    sim
}

/// What the same later calls answer (ids included): equal futures give equal answers.
fn future(sim: &mut Simulation) -> Vec<Value> {
    vec![
        sim.call(
            "ecs",
            "RunTask",
            json!({"cluster": "c", "taskDefinition": "w", "count": 2}),
        )
        .unwrap(),
        sim.call(
            "ecsim",
            "CreateSubnet",
            json!({"availabilityZone": "us-east-1b"}),
        )
        .unwrap(),
        sim.call("ecs", "CreateCluster", json!({"clusterName": "d"}))
            .unwrap(),
        sim.call(
            "ecs",
            "RegisterContainerInstance",
            json!({"cluster": "d", "instanceType": "m5.large"}),
        )
        .unwrap(),
    ]
}

#[test]
fn a_refused_call_leaves_the_rng_and_the_state_as_they_were() {
    let refused = [
        (
            "ecs",
            "RegisterContainerInstance",
            json!({"cluster": "missing", "instanceType": "m5.large"}),
        ),
        (
            "ecs",
            "RegisterContainerInstance",
            json!({"cluster": "c", "instanceType": "m5.large"}),
        ),
        (
            "ecs",
            "RunTask",
            json!({"cluster": "c", "taskDefinition": "missing"}),
        ),
        ("ecsim", "PlaceTasks", json!([1, 2, 3])),
        (
            "ecsim",
            "CreateSubnet",
            json!({"availabilityZone": "eu-west-1a"}),
        ),
        (
            "ecsim",
            "PlaceTasks",
            json!({"cluster": "c", "taskDefinition": "w", "count": 500, "explain": true}),
        ),
        (
            "ecs",
            "CreateService",
            json!({"cluster": "missing", "serviceName": "s", "taskDefinition": "w", "desiredCount": 1}),
        ),
    ];
    for (service, action, input) in refused {
        let mut twin = quotas_of_one();
        let mut sim = quotas_of_one();
        sim.call(service, action, input.clone())
            .expect_err(&format!("{action} {input}"));
        assert_eq!(future(&mut sim), future(&mut twin), "{action} {input}");
    }
}

#[test]
fn the_clock_stays_within_what_aws_represents() {
    let mut config: SimulationConfig =
        serde_json::from_value(json!({"startTime": 253_402_206_000.0})).unwrap();
    config.seed = 1;
    let mut sim = Simulation::new(config);
    for time in [1e300, 253_402_207_201.0, -1.0] {
        let error: Result<SimulationConfig, _> = serde_json::from_value(json!({"startTime": time}));
        assert!(error.unwrap_err().to_string().contains("startTime"));
    }
    assert!(sim.advance(1e300).is_err());
    assert!(sim.run_until(1e300).is_err());
    // A rule that fires every minute, near the end of time: the clock runs to the last second.
    sim.call(
        "events",
        "PutRule",
        json!({"Name": "r", "ScheduleExpression": "rate(1 minute)"}),
    )
    .unwrap();
    sim.run_until(253_402_207_200.0).unwrap();
    assert_eq!(sim.now(), 253_402_207_200.0);
    assert!(sim.advance(1.0).is_err());
}

#[test]
fn an_interrupted_advance_stops_between_moments_and_replays_the_same() {
    let mut sim = quotas_of_one();
    sim.call(
        "ecs",
        "CreateService",
        json!({"cluster": "c", "serviceName": "s", "taskDefinition": "w", "desiredCount": 1}),
    )
    .unwrap();
    let mut moments = 0;
    let finished = sim
        .advance_while(3600.0, &mut || {
            moments += 1;
            moments < 3
        })
        .unwrap();
    assert!(!finished);
    assert!(sim.now() < 1_735_689_600.0 + 3600.0);
    let mut restored = Simulation::restore(sim.snapshot().unwrap()).unwrap();
    assert_eq!(restored.now(), sim.now());
    assert_eq!(future(&mut restored), future(&mut sim));
}

#[test]
fn an_answer_as_text_is_the_answer_as_a_value() {
    let mut sim = quotas_of_one();
    let mut twin = sim.fork().unwrap();
    let run = json!({"cluster": "c", "taskDefinition": "w", "count": 3});
    let value = sim.call("ecs", "RunTask", run.clone()).unwrap();
    let text = twin.call_text("ecs", "RunTask", run).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    let refused = twin.call_text(
        "ecs",
        "RunTask",
        json!({"cluster": "nope", "taskDefinition": "w"}),
    );
    assert_eq!(
        refused.unwrap_err().code.as_str(),
        "ClusterNotFoundException"
    );
}
