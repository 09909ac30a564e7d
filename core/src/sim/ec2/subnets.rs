//! CreateSubnet and DescribeSubnets over the simulation's subnets (`ecsim::subnets`, shared with
//! ecsim's CreateSubnet and the subnets FARGATE requests declare). VPCs are not simulated: any
//! VpcId names one.

use super::{api, invalid, page, read_filters, tags_for};
use crate::error::EcsimError;
use crate::sim::ecsim::subnets::{outside_region, Subnet};
use crate::sim::World;

pub fn create_subnet(
    world: &mut World,
    request: api::CreateSubnetRequest,
) -> Result<api::CreateSubnetResult, EcsimError> {
    let region = world.config.region.clone();
    if let Some(zone) = &request.availability_zone {
        if !zone.starts_with(&region) || zone.len() != region.len() + 1 {
            return Err(invalid(outside_region(zone, &region)));
        }
    }
    let cidr_block = request.cidr_block.clone();
    if let Some(cidr) = &cidr_block {
        addresses_in(cidr)
            .ok_or_else(|| invalid(format!("Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.")))?;
    }
    let vpc_id = request.vpc_id.clone().unwrap_or_default();
    // Drawn once every check has passed: a refused call leaves the RNG and the zones as they were.
    let subnet_id = format!("subnet-{}", world.random_hex(17));
    let availability_zone = match request.availability_zone {
        Some(zone) => zone.into(),
        None => world.ecsim.subnets.assign_zone(&region),
    };
    let subnet = Subnet {
        subnet_id,
        availability_zone,
        vpc_id,
        cidr_block,
    };
    let tags = tags_for(request.tag_specifications.as_deref(), "subnet");
    world.ec2.subnet_tags.insert(subnet.subnet_id.clone(), tags);
    let answer = to_api(world, &subnet);
    world.ecsim.subnets.insert(subnet);
    Ok(api::CreateSubnetResult {
        subnet: Some(answer),
    })
}

pub fn describe_subnets(
    world: &mut World,
    request: api::DescribeSubnetsRequest,
) -> Result<api::DescribeSubnetsResult, EcsimError> {
    let filters = read_filters(
        request.filters,
        &[
            "availability-zone",
            "subnet-id",
            "vpc-id",
            "cidr-block",
            "state",
            "tag:",
        ],
    )?;
    let wanted = request.subnet_ids.unwrap_or_default();
    if let Some(missing) = wanted
        .iter()
        .find(|id| world.ecsim.subnets.get(id).is_none())
    {
        return Err(api::Error::InvalidSubnetIDNotFound
            .with(format!("The subnet ID '{missing}' does not exist")));
    }
    let subnets: Vec<api::Subnet> = world
        .ecsim
        .subnets
        .all()
        .filter(|s| wanted.is_empty() || wanted.contains(&s.subnet_id))
        .filter(|s| {
            filters.pass(|name| match name {
                "availability-zone" => vec![s.availability_zone.to_string()],
                "subnet-id" => vec![s.subnet_id.clone()],
                "vpc-id" => vec![s.vpc_id.clone()],
                "cidr-block" => s.cidr_block.iter().cloned().collect(),
                "state" => vec!["available".into()],
                tag => tag_values(world, &s.subnet_id, tag),
            })
        })
        .map(|s| to_api(world, s))
        .collect();
    let (subnets, next_token) = page(subnets, request.max_results, request.next_token.as_deref())?;
    Ok(api::DescribeSubnetsResult {
        subnets: Some(subnets),
        next_token,
    })
}

fn tag_values(world: &World, subnet_id: &str, filter: &str) -> Vec<String> {
    let key = filter.strip_prefix("tag:").unwrap_or_default();
    world
        .ec2
        .subnet_tags
        .get(subnet_id)
        .into_iter()
        .flatten()
        .filter(|t| t.key.as_deref() == Some(key))
        .filter_map(|t| t.value.clone())
        .collect()
}

/// How many addresses a CIDR block holds, if it is one (a /16 to a /28, as EC2 accepts).
fn addresses_in(cidr: &str) -> Option<i32> {
    let (address, prefix) = cidr.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    address.parse::<std::net::Ipv4Addr>().ok()?;
    (16..=28).contains(&prefix).then(|| 1 << (32 - prefix))
}

fn to_api(world: &World, subnet: &Subnet) -> api::Subnet {
    // EC2 keeps five addresses of every subnet for itself.
    let available = subnet
        .cidr_block
        .as_deref()
        .and_then(addresses_in)
        .map(|n| n - 5);
    api::Subnet {
        subnet_id: Some(subnet.subnet_id.clone()),
        subnet_arn: Some(world.arn("ec2", &format!("subnet/{}", subnet.subnet_id))),
        availability_zone: Some(subnet.availability_zone.to_string()),
        availability_zone_id: Some(zone_id(&world.config.region, &subnet.availability_zone)),
        vpc_id: Some(subnet.vpc_id.clone()),
        cidr_block: subnet.cidr_block.clone(),
        available_ip_address_count: available,
        state: Some(api::SubnetState::Available),
        owner_id: Some(world.config.account_id.clone()),
        default_for_az: Some(false),
        map_public_ip_on_launch: Some(false),
        tags: world
            .ec2
            .subnet_tags
            .get(&subnet.subnet_id)
            .cloned()
            .filter(|t| !t.is_empty()),
        ..Default::default()
    }
}

/// A zone's id as EC2 shows it (`use1-az1` for us-east-1a): the region's short name and the
/// zone's letter as a number (AWS maps names to ids differently per account).
pub(crate) fn zone_id(region: &str, zone: &str) -> String {
    let short: String = region
        .split('-')
        .enumerate()
        .map(|(i, part)| match (i, part) {
            (0, _) => part.to_string(),
            (_, "southeast" | "northeast" | "southwest" | "northwest") => {
                format!("{}{}", &part[..1], &part[5..6])
            }
            _ if part.chars().all(|c| c.is_ascii_digit()) => part.to_string(),
            _ => part.chars().take(1).collect(),
        })
        .collect();
    let letter = zone.chars().last().unwrap_or('a');
    let number = (letter as u32).saturating_sub('a' as u32) + 1;
    format!("{short}-az{number}")
}
