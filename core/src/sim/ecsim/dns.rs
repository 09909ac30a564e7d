//! ResolveDns: the resolver of Cloud Map's DNS namespaces as a call, for the vectors, the
//! playground's discovery panel and anyone without a DNS client at hand.

use crate::api::ecsim as api;
use crate::error::EcsimError;
use crate::sim::dns::{resolve, QueryType, Record};
use crate::sim::World;

fn records(records: Vec<Record>) -> Vec<api::DnsRecord> {
    records
        .into_iter()
        .map(|record| api::DnsRecord {
            name: Some(record.name),
            r#type: Some(record.data.type_name().to_string()),
            ttl: Some(i64::from(record.ttl)),
            data: Some(record.data.text()),
        })
        .collect()
}

pub fn resolve_dns(
    world: &mut World,
    request: api::ResolveDnsRequest,
) -> Result<api::ResolveDnsResponse, EcsimError> {
    let type_name = request.r#type.as_deref().unwrap_or("A");
    let query = QueryType::from_name(type_name).ok_or_else(|| {
        api::Error::InvalidParameterException.with(format!(
            "type must be A, AAAA, SRV, CNAME or SOA, got '{type_name}'."
        ))
    })?;
    let answer = resolve(
        &world.servicediscovery,
        world.config.seed,
        world.now,
        request.name.as_deref().unwrap_or_default(),
        query,
    );
    Ok(api::ResolveDnsResponse {
        rcode: Some(answer.rcode.as_str().to_string()),
        answers: Some(records(answer.answers)),
        authority: Some(records(answer.authority)),
        additional: Some(records(answer.additional)),
    })
}
