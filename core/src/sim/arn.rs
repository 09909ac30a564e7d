//! Amazon Resource Names, built one way for every service: `arn:<partition>:<service>:<region>:
//! <account>:<resource>`, the partition taken from the region as AWS assigns it.

use super::SimulationConfig;

/// The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, `aws` otherwise.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The ARN of `resource` (`cluster/prod`, `rule/nightly`) of `service` in the simulation's
/// region and account.
pub fn arn(config: &SimulationConfig, service: &str, resource: &str) -> String {
    format!(
        "arn:{}:{service}:{}:{}:{resource}",
        partition(&config.region),
        config.region,
        config.account_id
    )
}

/// The service and resource of an ARN (`("ecs", "cluster/prod")`), whatever its partition.
pub fn service_and_resource(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(service), Some(_region), Some(_account)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    Some((service, parts.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partition_follows_the_region() {
        let mut config = SimulationConfig::default();
        assert_eq!(
            arn(&config, "ecs", "cluster/a"),
            "arn:aws:ecs:us-east-1:123456789012:cluster/a"
        );
        config.region = "cn-north-1".into();
        assert!(arn(&config, "ecs", "cluster/a").starts_with("arn:aws-cn:ecs:cn-north-1:"));
        config.region = "us-gov-west-1".into();
        assert!(arn(&config, "events", "rule/r").starts_with("arn:aws-us-gov:events:"));
        assert_eq!(
            service_and_resource("arn:aws-cn:ecs:cn-north-1:1:cluster/a"),
            Some(("ecs", "cluster/a"))
        );
        assert_eq!(service_and_resource("cluster/a"), None);
    }
}
