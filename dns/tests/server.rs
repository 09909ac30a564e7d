//! The server over a live simulation: UDP answers, truncation and the TCP fallback, NXDOMAIN,
//! REFUSED, answers that follow the simulation as it changes, and a clean stop.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ecsim_core::Simulation;
use ecsim_dns::DnsServer;
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn call(sim: &Mutex<Simulation>, service: &str, action: &str, input: Value) -> Value {
    sim.lock().unwrap().call(service, action, input).unwrap()
}

/// A private namespace `local` with `web` (A records) holding `count` instances.
fn simulation(count: usize) -> (Arc<Mutex<Simulation>>, String) {
    let sim = Arc::new(Mutex::new(Simulation::default()));
    call(
        &sim,
        "servicediscovery",
        "CreatePrivateDnsNamespace",
        json!({"Name": "local", "Vpc": "vpc-1"}),
    );
    let namespace = call(&sim, "servicediscovery", "ListNamespaces", json!({}))["Namespaces"][0]
        ["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let service = call(
        &sim,
        "servicediscovery",
        "CreateService",
        json!({"Name": "web", "NamespaceId": namespace, "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 10}, {"Type": "AAAA", "TTL": 10}]}}),
    )["Service"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    for i in 0..count {
        call(
            &sim,
            "servicediscovery",
            "RegisterInstance",
            json!({"ServiceId": service, "InstanceId": format!("i-{i}"),
                   "Attributes": {"AWS_INSTANCE_IPV4": format!("10.0.0.{}", i + 1),
                                  "AWS_INSTANCE_IPV6": format!("fd00::{}", i + 1)}}),
        );
    }
    (sim, service)
}

fn serve(sim: &Arc<Mutex<Simulation>>) -> DnsServer {
    let shared = Arc::clone(sim);
    DnsServer::start(
        0,
        Arc::new(move |name, query| shared.lock().unwrap().resolve_dns(name, query)),
    )
    .unwrap()
}

fn query(name: &str, record_type: RecordType, edns: bool) -> Vec<u8> {
    let mut message = Message::new(7, MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), record_type));
    if edns {
        let mut options = Edns::new();
        options.set_max_payload(4096);
        message.set_edns(options);
    }
    message.to_vec().unwrap()
}

fn ask_udp(port: u16, name: &str, record_type: RecordType, edns: bool) -> Message {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    socket
        .send_to(&query(name, record_type, edns), ("127.0.0.1", port))
        .unwrap();
    let mut buffer = [0u8; 4096];
    let (size, _) = socket.recv_from(&mut buffer).unwrap();
    Message::from_vec(&buffer[..size]).unwrap()
}

fn ask_tcp(port: u16, name: &str, record_type: RecordType) -> Message {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let bytes = query(name, record_type, false);
    stream
        .write_all(&u16::try_from(bytes.len()).unwrap().to_be_bytes())
        .unwrap();
    stream.write_all(&bytes).unwrap();
    let mut length = [0u8; 2];
    stream.read_exact(&mut length).unwrap();
    let mut answer = vec![0u8; usize::from(u16::from_be_bytes(length))];
    stream.read_exact(&mut answer).unwrap();
    Message::from_vec(&answer).unwrap()
}

fn addresses(message: &Message) -> Vec<String> {
    let mut found: Vec<String> = message
        .answers
        .iter()
        .map(|record| match &record.data {
            RData::A(a) => a.0.to_string(),
            RData::AAAA(a) => a.0.to_string(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    found.sort();
    found
}

#[test]
fn answers_follow_the_registry_over_udp_and_tcp() {
    let (sim, service) = simulation(3);
    let mut server = serve(&sim);
    let answer = ask_udp(server.port(), "web.local.", RecordType::A, false);
    assert_eq!(answer.metadata.id, 7);
    assert!(answer.metadata.authoritative);
    assert_eq!(answer.metadata.response_code, ResponseCode::NoError);
    assert_eq!(addresses(&answer), ["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
    assert!(answer.answers.iter().all(|r| r.ttl == 10));

    let answer = ask_tcp(server.port(), "web.local.", RecordType::AAAA);
    assert_eq!(addresses(&answer), ["fd00::1", "fd00::2", "fd00::3"]);

    call(
        &sim,
        "servicediscovery",
        "DeregisterInstance",
        json!({"ServiceId": service, "InstanceId": "i-0"}),
    );
    let answer = ask_udp(server.port(), "web.local.", RecordType::A, false);
    assert_eq!(addresses(&answer), ["10.0.0.2", "10.0.0.3"]);

    let missing = ask_udp(server.port(), "nothing.local.", RecordType::A, false);
    assert_eq!(missing.metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(missing.authorities.len(), 1, "the SOA");
    let outside = ask_udp(server.port(), "example.org.", RecordType::A, false);
    assert_eq!(outside.metadata.response_code, ResponseCode::Refused);

    let port = server.port();
    server.stop();
    // The port is free again.
    drop(UdpSocket::bind(("127.0.0.1", port)).unwrap());
}

#[test]
fn an_answer_too_big_for_udp_is_truncated_and_whole_over_tcp() {
    // SRV answers with long targets: 8 of them with their addresses pass 512 bytes.
    let sim = Arc::new(Mutex::new(Simulation::default()));
    call(
        &sim,
        "servicediscovery",
        "CreatePrivateDnsNamespace",
        json!({"Name": "local", "Vpc": "vpc-1"}),
    );
    let namespace =
        call(&sim, "servicediscovery", "ListNamespaces", json!({}))["Namespaces"][0]["Id"].clone();
    let service = call(
        &sim,
        "servicediscovery",
        "CreateService",
        json!({"Name": "_database-replicas._tcp", "NamespaceId": namespace, "DnsConfig": {"DnsRecords": [{"Type": "SRV", "TTL": 10}]}}),
    )["Service"]["Id"]
        .clone();
    for i in 0..8 {
        call(
            &sim,
            "servicediscovery",
            "RegisterInstance",
            json!({"ServiceId": service, "InstanceId": format!("{:032x}", i + 1),
                   "Attributes": {"AWS_INSTANCE_IPV4": format!("10.0.0.{}", i + 1), "AWS_INSTANCE_PORT": "5432"}}),
        );
    }
    let server = serve(&sim);
    let name = "_database-replicas._tcp.local.";
    let udp = ask_udp(server.port(), name, RecordType::SRV, false);
    assert!(udp.metadata.truncation, "over 512 bytes, truncated");
    assert!(udp.answers.is_empty());
    let tcp = ask_tcp(server.port(), name, RecordType::SRV);
    assert!(!tcp.metadata.truncation);
    assert_eq!(tcp.answers.len(), 8);
    assert_eq!(tcp.additionals.len(), 8);
    let edns = ask_udp(server.port(), name, RecordType::SRV, true);
    assert!(!edns.metadata.truncation, "an EDNS client takes 4096 bytes");
    assert_eq!(edns.answers.len(), 8);
}
