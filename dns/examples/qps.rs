//! DNS queries per second against the server: a registry of 1,000 instances behind `web.local`
//! (MULTIVALUE, 8 records an answer), clients sending UDP queries one at a time for five
//! seconds. `cargo run --release -p ecsim-dns --example qps [clients]`; the figure goes to
//! docs/benchmarks.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecsim_core::Simulation;
use ecsim_dns::DnsServer;
use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, RecordType};
use serde_json::json;
use std::net::UdpSocket;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let clients: usize = std::env::args()
        .nth(1)
        .map_or(2, |n| n.parse().expect("clients"));
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
            json!({"Name": "web", "NamespaceId": namespace, "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 10}]}}),
        )
        .unwrap()["Service"]["Id"]
        .clone();
    for i in 0..1000 {
        sim.call(
            "servicediscovery",
            "RegisterInstance",
            json!({"ServiceId": service, "InstanceId": format!("i-{i}"),
                   "Attributes": {"AWS_INSTANCE_IPV4": format!("10.0.{}.{}", i / 250, i % 250 + 1)}}),
        )
        .unwrap();
    }
    let sim = Arc::new(Mutex::new(sim));
    let shared = Arc::clone(&sim);
    let server = DnsServer::start(
        0,
        Arc::new(move |name, query| shared.lock().unwrap().resolve_dns(name, query)),
    )
    .unwrap();
    let port = server.port();
    let mut message = Message::new(1, MessageType::Query, OpCode::Query);
    message.add_query(Query::query(
        Name::from_ascii("web.local.").unwrap(),
        RecordType::A,
    ));
    let query = message.to_vec().unwrap();
    let seconds = 5.0;
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let query = query.clone();
            std::thread::spawn(move || {
                let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
                socket
                    .set_read_timeout(Some(Duration::from_secs(2)))
                    .unwrap();
                let mut buffer = [0u8; 1024];
                let mut answered = 0u64;
                while started.elapsed().as_secs_f64() < seconds {
                    socket.send_to(&query, ("127.0.0.1", port)).unwrap();
                    if socket.recv_from(&mut buffer).is_ok() {
                        answered += 1;
                    }
                }
                answered
            })
        })
        .collect();
    let answered: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{answered} answers in {elapsed:.1} s with {clients} clients: {:.0} queries a second",
        answered as f64 / elapsed
    );
}
