//! DescribeInstanceTypes from ecsim's catalog (`cluster::catalog`, EC2's published data at a
//! pinned version): what ECS registers for an instance follows from these figures.

use super::{api, invalid, read_filters};
use crate::cluster::catalog::{self, InstanceType};
use crate::error::EcsimError;
use crate::sim::paging::Paging;
use crate::sim::World;

/// DescribeInstanceTypes pages by 5 to 100 (EC2's API reference).
const PAGING: Paging = Paging {
    size_member: "MaxResults",
    token_member: "NextToken",
    default: 100,
    max: 100,
};

const FILTERS: &[&str] = &[
    "instance-type",
    "processor-info.supported-architecture",
    "vcpu-info.default-vcpus",
    "memory-info.size-in-mib",
    "burstable-performance-supported",
    "network-info.maximum-network-interfaces",
    "gpu-info.total-gpu-count",
];

pub fn describe_instance_types(
    _world: &mut World,
    request: api::DescribeInstanceTypesRequest,
) -> Result<api::DescribeInstanceTypesResult, EcsimError> {
    let filters = read_filters(request.filters, FILTERS)?;
    let named: Vec<&str> = request
        .instance_types
        .iter()
        .flatten()
        .map(|t| t.as_str())
        .collect();
    let unknown: Vec<&str> = named
        .iter()
        .copied()
        .filter(|name| catalog::instance_type(name).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(api::Error::InvalidInstanceType.with(format!(
            "The following supplied instance types do not exist: [{}]",
            unknown.join(", ")
        )));
    }
    let types: Vec<api::InstanceTypeInfo> = catalog::CATALOG
        .iter()
        .filter(|t| named.is_empty() || named.contains(&t.name))
        .filter(|t| filters.pass(|name| values(t, name)))
        .filter_map(to_api)
        .collect();
    let (types, next_token) = PAGING.page(
        types,
        request.max_results,
        request.next_token.as_deref(),
        invalid,
    )?;
    Ok(api::DescribeInstanceTypesResult {
        instance_types: Some(types),
        next_token,
    })
}

fn values(t: &InstanceType, filter: &str) -> Vec<String> {
    let value = match filter {
        "instance-type" => t.name.to_string(),
        "processor-info.supported-architecture" => t.architecture.as_str().to_string(),
        "vcpu-info.default-vcpus" => t.vcpus.to_string(),
        "memory-info.size-in-mib" => t.memory_mib.to_string(),
        "burstable-performance-supported" => t.burstable.to_string(),
        "network-info.maximum-network-interfaces" => t.max_enis.to_string(),
        _ => t.gpus.to_string(),
    };
    vec![value]
}

/// A catalog entry as EC2 describes it (None for a type the pinned model does not name).
fn to_api(t: &InstanceType) -> Option<api::InstanceTypeInfo> {
    let instance_type = api::InstanceType::from_name(t.name)?;
    let architecture = match t.architecture {
        catalog::Architecture::X86_64 => api::ArchitectureType::X86_64,
        catalog::Architecture::Arm64 => api::ArchitectureType::Arm64,
    };
    Some(api::InstanceTypeInfo {
        instance_type: Some(instance_type),
        v_cpu_info: Some(api::VCpuInfo {
            default_v_cpus: Some(t.vcpus as i32),
            ..Default::default()
        }),
        memory_info: Some(api::MemoryInfo {
            size_in_mi_b: Some(i64::from(t.memory_mib)),
        }),
        processor_info: Some(api::ProcessorInfo {
            supported_architectures: Some(vec![architecture]),
            ..Default::default()
        }),
        network_info: Some(api::NetworkInfo {
            maximum_network_interfaces: Some(t.max_enis as i32),
            ..Default::default()
        }),
        gpu_info: (t.gpus > 0).then(|| api::GpuInfo {
            gpus: Some(vec![api::GpuDeviceInfo {
                count: Some(t.gpus as i32),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        burstable_performance_supported: Some(t.burstable),
        ..Default::default()
    })
}
