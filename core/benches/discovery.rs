//! Cloud Map: DiscoverInstances on a service of 1,000 instances (Cloud Map's quota) with and
//! without attribute filters, and a DNS answer (MULTIVALUE, 8 of 1,000) from the resolver.
//! Figures go to docs/benchmarks.md.

#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use ecsim_core::sim::dns::QueryType;
use ecsim_core::Simulation;
use serde_json::json;

fn registry() -> Simulation {
    let mut sim = Simulation::default();
    sim.call(
        "servicediscovery",
        "CreatePrivateDnsNamespace",
        json!({"Name": "local", "Vpc": "vpc-1"}),
    )
    .unwrap();
    let namespace = sim
        .call("servicediscovery", "ListNamespaces", json!({}))
        .unwrap()["Namespaces"][0]["Id"]
        .clone();
    let service = sim
        .call(
            "servicediscovery",
            "CreateService",
            json!({"Name": "web", "NamespaceId": namespace,
                   "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 10}]}, "HealthCheckCustomConfig": {}}),
        )
        .unwrap()["Service"]["Id"]
        .clone();
    for i in 0..1000 {
        sim.call(
            "servicediscovery",
            "RegisterInstance",
            json!({"ServiceId": service, "InstanceId": format!("i-{i}"),
                   "Attributes": {"AWS_INSTANCE_IPV4": format!("10.0.{}.{}", i / 250, i % 250 + 1),
                                  "AVAILABILITY_ZONE": format!("us-east-1{}", ["a", "b", "c"][i % 3]),
                                  "version": (i % 4).to_string()}}),
        )
        .unwrap();
    }
    sim
}

fn discovery(c: &mut Criterion) {
    let mut sim = registry();
    let mut group = c.benchmark_group("discovery");
    group.bench_function("DiscoverInstances, 1000 instances, 100 returned", |b| {
        b.iter(|| {
            sim.call(
                "servicediscovery",
                "DiscoverInstances",
                json!({"NamespaceName": "local", "ServiceName": "web"}),
            )
            .unwrap()
        })
    });
    group.bench_function(
        "DiscoverInstances, 1000 instances, zone and version filters",
        |b| {
            b.iter(|| {
                sim.call(
                    "servicediscovery",
                    "DiscoverInstances",
                    json!({"NamespaceName": "local", "ServiceName": "web",
                       "QueryParameters": {"AVAILABILITY_ZONE": "us-east-1a"},
                       "OptionalParameters": {"version": "2"}}),
                )
                .unwrap()
            })
        },
    );
    group.bench_function("DNS A answer, 8 of 1000 healthy", |b| {
        b.iter(|| sim.resolve_dns("web.local.", QueryType::A))
    });
    group.finish();
}

criterion_group!(benches, discovery);
criterion_main!(benches);
