//! One DNS exchange, without I/O: a query's bytes in, the answer's bytes out, from what the
//! simulation's resolver says. Answers that do not fit the transport are truncated (TC set), so
//! that the client asks again over TCP.

use ecsim_core::sim::dns::{Answer, QueryType, Rcode, Record, RecordData};
use hickory_proto::op::{Edns, Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, SOA, SRV};
use hickory_proto::rr::{Name, RData, RecordType};

/// What answers a question: the simulation's resolver, asked under its lock.
pub type Resolve = dyn Fn(&str, QueryType) -> Answer + Send + Sync;

/// The largest answer a UDP client without EDNS takes (RFC 1035).
const CLASSIC_UDP_LIMIT: usize = 512;

/// How the query came: over UDP an answer fits the client's payload size (512 bytes, or what
/// its EDNS record says), over TCP a whole message.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
}

fn query_type(record_type: RecordType) -> QueryType {
    match record_type {
        RecordType::A => QueryType::A,
        RecordType::AAAA => QueryType::Aaaa,
        RecordType::SRV => QueryType::Srv,
        RecordType::CNAME => QueryType::Cname,
        RecordType::SOA => QueryType::Soa,
        other => QueryType::Other(u16::from(other)),
    }
}

fn name(text: &str) -> Option<Name> {
    Name::from_ascii(text).ok()
}

fn record(record: &Record) -> Option<hickory_proto::rr::Record> {
    let data = match &record.data {
        RecordData::A(ip) => RData::A(A(*ip)),
        RecordData::Aaaa(ip) => RData::AAAA(AAAA(*ip)),
        RecordData::Cname(target) => RData::CNAME(CNAME(name(target)?)),
        RecordData::Srv {
            priority,
            weight,
            port,
            target,
        } => RData::SRV(SRV::new(*priority, *weight, *port, name(target)?)),
        RecordData::Soa {
            primary,
            mailbox,
            serial,
            refresh,
            retry,
            expire,
            minimum,
        } => RData::SOA(SOA::new(
            name(primary)?,
            name(mailbox)?,
            *serial,
            i32::try_from(*refresh).unwrap_or(i32::MAX),
            i32::try_from(*retry).unwrap_or(i32::MAX),
            i32::try_from(*expire).unwrap_or(i32::MAX),
            *minimum,
        )),
    };
    Some(hickory_proto::rr::Record::from_rdata(
        name(&record.name)?,
        record.ttl,
        data,
    ))
}

/// The answer to the query in `request`, truncated when it does not fit `transport`, or None
/// when `request` is not a DNS message at all.
pub fn respond(request: &[u8], resolve: &Resolve, transport: Transport) -> Option<Vec<u8>> {
    let request = Message::from_vec(request).ok()?;
    let mut response = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    response.add_queries(request.queries.iter().cloned());
    let limit = match transport {
        Transport::Udp => usize::from(request.max_payload()).max(CLASSIC_UDP_LIMIT),
        Transport::Tcp => usize::from(u16::MAX),
    };
    if let Some(edns) = &request.edns {
        let mut ours = Edns::new();
        ours.set_max_payload(edns.max_payload().max(512));
        response.set_edns(ours);
    }
    match (request.metadata.op_code, request.queries.as_slice()) {
        (OpCode::Query, [query]) => {
            let asked = query.name().to_ascii();
            let answer = resolve(&asked, query_type(query.query_type()));
            response.metadata.response_code = match answer.rcode {
                Rcode::NoError => ResponseCode::NoError,
                Rcode::NxDomain => ResponseCode::NXDomain,
                Rcode::Refused => ResponseCode::Refused,
            };
            response.metadata.authoritative = answer.rcode != Rcode::Refused;
            response.add_answers(answer.answers.iter().filter_map(record));
            for authority in answer.authority.iter().filter_map(record) {
                response.add_authority(authority);
            }
            for additional in answer.additional.iter().filter_map(record) {
                response.add_additional(additional);
            }
        }
        (OpCode::Query, _) => response.metadata.response_code = ResponseCode::FormErr,
        _ => response.metadata.response_code = ResponseCode::NotImp,
    }
    let bytes = response.to_vec().ok()?;
    if bytes.len() <= limit {
        return Some(bytes);
    }
    response.truncate().to_vec().ok()
}
