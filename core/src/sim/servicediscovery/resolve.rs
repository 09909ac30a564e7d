//! What Route 53 answers for the DNS namespaces, computed from the registry without I/O (so the
//! browser build has it too): MULTIVALUE routing gives up to eight healthy records (up to eight
//! of all when none is healthy), WEIGHTED one random healthy record (one of all when none is);
//! SRV records point at `<instance-id>.<service>.<namespace>`, whose A and AAAA records come as
//! additional records; a name outside every namespace is refused, an unknown one is NXDOMAIN.

use super::instances::{CNAME, IPV4, IPV6, PORT};
use super::{answer_rng, shuffle, HealthKind, Namespace, Service, ServiceDiscoveryState};
use crate::api::servicediscovery::{RecordType, RoutingPolicy};
use rand_core::Rng;
use std::net::{Ipv4Addr, Ipv6Addr};

/// MULTIVALUE routing answers at most this many records.
pub const MULTIVALUE_RECORDS: usize = 8;

/// Route 53's SOA for Cloud Map's hosted zones, but for the TTL, which is the namespace's.
const SOA_PRIMARY: &str = "ns-1536.awsdns-00.co.uk.";
const SOA_MAILBOX: &str = "awsdns-hostmaster.amazon.com.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryType {
    A,
    Aaaa,
    Srv,
    Cname,
    Soa,
    /// Any other type: names that exist answer it with no records.
    Other(u16),
}

impl QueryType {
    pub fn from_name(name: &str) -> Option<QueryType> {
        Some(match name.to_ascii_uppercase().as_str() {
            "A" => QueryType::A,
            "AAAA" => QueryType::Aaaa,
            "SRV" => QueryType::Srv,
            "CNAME" => QueryType::Cname,
            "SOA" => QueryType::Soa,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum RecordData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Cname(String),
    Soa {
        primary: String,
        mailbox: String,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
}

impl RecordData {
    pub fn type_name(&self) -> &'static str {
        match self {
            RecordData::A(_) => "A",
            RecordData::Aaaa(_) => "AAAA",
            RecordData::Srv { .. } => "SRV",
            RecordData::Cname(_) => "CNAME",
            RecordData::Soa { .. } => "SOA",
        }
    }

    /// The record's data as a zone file writes it.
    pub fn text(&self) -> String {
        match self {
            RecordData::A(ip) => ip.to_string(),
            RecordData::Aaaa(ip) => ip.to_string(),
            RecordData::Srv {
                priority,
                weight,
                port,
                target,
            } => format!("{priority} {weight} {port} {target}"),
            RecordData::Cname(target) => target.clone(),
            RecordData::Soa {
                primary,
                mailbox,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => format!("{primary} {mailbox} {serial} {refresh} {retry} {expire} {minimum}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Fully qualified, with the final dot.
    pub name: String,
    pub ttl: u32,
    pub data: RecordData,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rcode {
    NoError,
    NxDomain,
    /// The name is in no DNS namespace: this server is not its authority.
    Refused,
}

impl Rcode {
    pub fn as_str(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::Refused => "REFUSED",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub rcode: Rcode,
    pub answers: Vec<Record>,
    /// The SOA of the zone, with a negative answer (NXDOMAIN, or NOERROR with no records).
    pub authority: Vec<Record>,
    /// The A and AAAA records of SRV targets.
    pub additional: Vec<Record>,
}

impl Answer {
    fn empty(rcode: Rcode) -> Answer {
        Answer {
            rcode,
            answers: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
        }
    }
}

fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

fn ttl(seconds: i64) -> u32 {
    u32::try_from(seconds.max(0)).unwrap_or(u32::MAX)
}

fn soa(namespace: &Namespace) -> Record {
    let minimum = namespace
        .described
        .properties
        .as_ref()
        .and_then(|p| p.dns_properties.as_ref())
        .and_then(|d| d.soa.as_ref())
        .and_then(|s| s.ttl)
        .unwrap_or(super::namespaces::DEFAULT_SOA_TTL);
    Record {
        name: fqdn(namespace.name()),
        ttl: ttl(minimum),
        data: RecordData::Soa {
            primary: SOA_PRIMARY.into(),
            mailbox: SOA_MAILBOX.into(),
            serial: 1,
            refresh: 7200,
            retry: 900,
            expire: 1_209_600,
            minimum: ttl(minimum),
        },
    }
}

/// The answer to `name` (any case, final dot or not) of type `query` at `now`; `seed` is the
/// simulation's, for the shuffles.
pub fn resolve(
    state: &ServiceDiscoveryState,
    seed: u64,
    now: f64,
    name: &str,
    query: QueryType,
) -> Answer {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let within = |zone: &str| name == zone || name.ends_with(&format!(".{zone}"));
    let Some(namespace) = state
        .namespaces
        .values()
        .filter(|n| n.is_dns() && within(&n.name().to_ascii_lowercase()))
        .max_by_key(|n| n.name().len())
    else {
        return Answer::empty(Rcode::Refused);
    };
    let zone = namespace.name().to_ascii_lowercase();
    let negative = |rcode| Answer {
        authority: vec![soa(namespace)],
        ..Answer::empty(rcode)
    };
    if name == zone {
        return match query {
            QueryType::Soa => Answer {
                answers: vec![soa(namespace)],
                ..Answer::empty(Rcode::NoError)
            },
            _ => negative(Rcode::NoError),
        };
    }
    let relative = &name[..name.len() - zone.len() - 1];
    let services: Vec<&Service> = state
        .services
        .values()
        .filter(|s| s.namespace_id() == namespace.id() && s.described.dns_config.is_some())
        .collect();
    if let Some(service) = services
        .iter()
        .find(|s| s.name().eq_ignore_ascii_case(relative))
    {
        let answer = service_answer(service, seed, now, &name, query);
        return if answer.answers.is_empty() {
            negative(Rcode::NoError)
        } else {
            answer
        };
    }
    // `<instance-id>.<service>`: the host an SRV record points at.
    if let Some((instance_id, service_name)) = relative.split_once('.') {
        let host = services.iter().find(|s| {
            s.name().eq_ignore_ascii_case(service_name)
                && s.record_types().contains(&RecordType::Srv)
        });
        if let Some((service, id)) = host.and_then(|s| {
            s.instances
                .keys()
                .find(|id| id.eq_ignore_ascii_case(instance_id))
                .map(|id| (s, id))
        }) {
            let records = host_records(service, id, &name, query);
            return if records.is_empty() {
                negative(Rcode::NoError)
            } else {
                Answer {
                    answers: records,
                    ..Answer::empty(Rcode::NoError)
                }
            };
        }
    }
    // A name above some service's (`_tcp` under `_web._tcp`) exists, with no records.
    let above_a_service = services.iter().any(|s| {
        s.name()
            .to_ascii_lowercase()
            .ends_with(&format!(".{relative}"))
    });
    negative(if above_a_service {
        Rcode::NoError
    } else {
        Rcode::NxDomain
    })
}

/// The records of the service's name for `query`: the instances that have an address of that
/// type, chosen by the routing policy among the healthy ones (among all when none is).
fn service_answer(service: &Service, seed: u64, now: f64, name: &str, query: QueryType) -> Answer {
    let config = service.described.dns_config.as_ref();
    let record_ttl = |wanted: RecordType| {
        config
            .and_then(|c| c.dns_records.as_ref())
            .and_then(|records| records.iter().find(|r| r.r#type == Some(wanted)))
            .and_then(|r| r.ttl)
            .map(ttl)
    };
    let types = service.record_types();
    // A CNAME answers every type of query.
    let (wanted, attribute) = match query {
        _ if types.contains(&RecordType::Cname) => (RecordType::Cname, CNAME),
        QueryType::A => (RecordType::A, IPV4),
        QueryType::Aaaa => (RecordType::Aaaa, IPV6),
        QueryType::Srv => (RecordType::Srv, PORT),
        _ => return Answer::empty(Rcode::NoError),
    };
    let Some(record_ttl) = record_ttl(wanted) else {
        return Answer::empty(Rcode::NoError);
    };
    let kind = service.health_kind();
    let mut candidates: Vec<(&String, &super::Instance)> = service
        .instances
        .iter()
        .filter(|(_, instance)| instance.attributes.contains_key(attribute))
        .collect();
    let healthy = |instance: &super::Instance| {
        kind == HealthKind::None
            || instance.health(kind, now) == crate::api::servicediscovery::HealthStatus::Healthy
    };
    if candidates.iter().any(|(_, i)| healthy(i)) {
        candidates.retain(|(_, i)| healthy(i));
    }
    let mut rng = answer_rng(
        seed,
        &format!("dns {name} {query:?}"),
        service.revision,
        now,
    );
    let weighted = config.and_then(|c| c.routing_policy) == Some(RoutingPolicy::Weighted);
    let chosen: Vec<(&String, &super::Instance)> = if weighted {
        if candidates.is_empty() {
            Vec::new()
        } else {
            let pick = (rng.next_u64() % candidates.len() as u64) as usize;
            vec![candidates[pick]]
        }
    } else {
        shuffle(&mut candidates, &mut rng);
        candidates.truncate(MULTIVALUE_RECORDS);
        candidates
    };
    let mut answer = Answer::empty(Rcode::NoError);
    for (id, instance) in chosen {
        let value = &instance.attributes[attribute];
        let data = match wanted {
            RecordType::A => value.parse().ok().map(RecordData::A),
            RecordType::Aaaa => value.parse().ok().map(RecordData::Aaaa),
            RecordType::Cname => Some(RecordData::Cname(fqdn(value))),
            RecordType::Srv => {
                let target = format!("{id}.{name}");
                answer
                    .additional
                    .extend(host_records(service, id, &target, QueryType::A));
                answer
                    .additional
                    .extend(host_records(service, id, &target, QueryType::Aaaa));
                value.parse().ok().map(|port| RecordData::Srv {
                    priority: 1,
                    weight: 1,
                    port,
                    target: fqdn(&target),
                })
            }
        };
        if let Some(data) = data {
            answer.answers.push(Record {
                name: fqdn(name),
                ttl: record_ttl,
                data,
            });
        }
    }
    answer
}

/// The A or AAAA record of instance `id`'s host name (SRV services), with the SRV record's TTL.
fn host_records(service: &Service, id: &str, host: &str, query: QueryType) -> Vec<Record> {
    let Some(instance) = service.instances.get(id) else {
        return Vec::new();
    };
    let srv_ttl = service
        .described
        .dns_config
        .as_ref()
        .and_then(|c| c.dns_records.as_ref())
        .and_then(|records| records.iter().find(|r| r.r#type == Some(RecordType::Srv)))
        .and_then(|r| r.ttl)
        .map_or(0, ttl);
    let data = match query {
        QueryType::A => instance
            .attributes
            .get(IPV4)
            .and_then(|ip| ip.parse().ok())
            .map(RecordData::A),
        QueryType::Aaaa => instance
            .attributes
            .get(IPV6)
            .and_then(|ip| ip.parse().ok())
            .map(RecordData::Aaaa),
        _ => None,
    };
    data.map(|data| Record {
        name: fqdn(host),
        ttl: srv_ttl,
        data,
    })
    .into_iter()
    .collect()
}
