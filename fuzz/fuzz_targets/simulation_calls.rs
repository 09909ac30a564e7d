//! Structure-aware: sequences of calls drawn from the simulated services' models. Each call is an
//! action the registry has, with an input built from its request shape (members, nested shapes,
//! enum values) out of the fuzzer's bytes, now and then with a misspelt member or a value of the
//! wrong type; clock moves in between. No call may fail with InternalError (a caught panic), and
//! the run's snapshot restores to the same snapshot.
#![no_main]

use ecsim_core::api::shape::{Kind, Shape};
use ecsim_core::{ErrorCode, Simulation, SimulationConfig};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

/// The fuzzer's bytes, read as choices; zeros once they run out.
struct Choices<'a>(std::slice::Iter<'a, u8>);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        self.0.next().copied().unwrap_or(0)
    }

    fn pick(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::from(self.byte()) % n
        }
    }
}

/// Names that make calls meet each other: the same clusters, families, services and images.
const WORDS: [&str; 8] = ["c", "default", "w", "web", "nginx", "us-east-1a", "m5.large", "subnet-a"];

fn value(shape: &Shape, choices: &mut Choices, depth: usize) -> Value {
    // One value in sixteen has the wrong type: the shape check must answer it.
    if choices.pick(16) == 0 {
        return [json!(null), json!("x"), json!(7), json!([]), json!({})][choices.pick(5)].clone();
    }
    match &shape.kind {
        Kind::String => json!(WORDS[choices.pick(WORDS.len())]),
        Kind::Enum(values) => json!(values[choices.pick(values.len())]),
        Kind::Integer => json!([0, 1, 2, 10, -1, 3000, i32::MAX][choices.pick(7)]),
        Kind::Long => json!([0i64, 1, 100, -5, i64::MAX][choices.pick(5)]),
        Kind::Boolean => json!(choices.byte() % 2 == 0),
        Kind::Number => json!([0.0, 1.5, 60.0, 1e9][choices.pick(4)]),
        Kind::List(member) if depth < 4 => {
            let n = choices.pick(3);
            Value::Array((0..n).map(|_| value(member, choices, depth + 1)).collect())
        }
        Kind::Map(member) if depth < 4 => {
            let mut map = Map::new();
            for _ in 0..choices.pick(3) {
                map.insert(WORDS[choices.pick(WORDS.len())].into(), value(member, choices, depth + 1));
            }
            Value::Object(map)
        }
        Kind::Structure(members) if depth < 4 => {
            let mut map = Map::new();
            for member in members.iter() {
                if member.required || choices.pick(3) == 0 {
                    map.insert(member.name.into(), value(member.shape, choices, depth + 1));
                }
            }
            if choices.pick(32) == 0 {
                map.insert("misspelt".into(), json!(1));
            }
            Value::Object(map)
        }
        _ => json!({}),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut choices = Choices(data.iter());
    let config = SimulationConfig {
        seed: u64::from(choices.byte()),
        ..SimulationConfig::default()
    };
    let mut sim = Simulation::new(config);
    // A cluster, an instance and a task definition to act on.
    let _ = sim.call("ecs", "CreateCluster", json!({"clusterName": "c"}));
    let _ = sim.call("ecs", "RegisterContainerInstance", json!({"cluster": "c", "instanceType": "m5.large", "availabilityZone": "us-east-1a"}));
    let _ = sim.call("ecs", "RegisterTaskDefinition", json!({"family": "w", "containerDefinitions": [{"name": "a", "image": "nginx", "memory": 64}]}));
    let services = ecsim_core::sim::services();
    for _ in 0..24 {
        if choices.0.len() == 0 {
            break;
        }
        if choices.pick(8) == 0 {
            let _ = sim.advance(f64::from(choices.byte()) * 7.0);
            continue;
        }
        let service = &services[choices.pick(services.len())];
        let operation = &service.operations[choices.pick(service.operations.len())];
        let input = value(operation.input, &mut choices, 0);
        if let Err(error) = sim.call(service.name, operation.name, input.clone()) {
            assert_ne!(error.code, ErrorCode::InternalError, "{} {} {input}: {}", service.name, operation.name, error.message);
        }
    }
    let snapshot = sim.snapshot().unwrap();
    let restored = Simulation::restore(snapshot.clone()).unwrap();
    assert_eq!(restored.snapshot().unwrap(), snapshot);
});
