//! Volumes (EFS, FSx, configured at launch) and GPUs.

use crate::api::ecs::{EFSAuthorizationConfigIAM, EFSTransitEncryption, ResourceType};
use crate::diagnostics::{Diagnostic, Rule, Severity};
use crate::taskdef::TaskDef;

pub static EFS_ENCRYPTION: Rule = Rule {
    code: "TD701",
    name: "efs-transit-encryption",
    severity: Severity::Error,
    summary: "An EFS volume with IAM authorization or an access point enables `transitEncryption`.",
    why: "Both IAM authorization and access points work only over TLS, so ECS requires transit encryption with them.",
    invalid: r#"{"family": "web", "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "authorizationConfig": {"iam": "ENABLED"}}}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "ENABLED"}}}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSAuthorizationConfig.html",
};

pub static EFS_ROOT_WITH_ACCESS_POINT: Rule = Rule {
    code: "TD702",
    name: "efs-access-point-root-directory",
    severity: Severity::Error,
    summary: "An EFS volume with an access point leaves `rootDirectory` out or sets it to `/`.",
    why: "The access point's own path is the root; the API rejects another rootDirectory.",
    invalid: r#"{"family": "web", "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "rootDirectory": "/data", "transitEncryption": "ENABLED", "authorizationConfig": {"accessPointId": "fsap-1234"}}}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678", "rootDirectory": "/", "transitEncryption": "ENABLED", "authorizationConfig": {"accessPointId": "fsap-1234"}}}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source:
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html",
};

pub static ONE_VOLUME_KIND: Rule = Rule {
    code: "TD703",
    name: "volume-one-kind",
    severity: Severity::Error,
    summary: "A volume sets at most one of `host`, `dockerVolumeConfiguration`, `efsVolumeConfiguration`, `fsxWindowsFileServerVolumeConfiguration` and `s3filesVolumeConfiguration`.",
    why: "Each volume is of exactly one kind.",
    invalid: r#"{"family": "web", "volumes": [{"name": "data", "host": {"sourcePath": "/data"}, "efsVolumeConfiguration": {"fileSystemId": "fs-12345678"}}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-12345678"}}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html",
};

pub static GPU_VALUE: Rule = Rule {
    code: "TD704",
    name: "gpu-count",
    severity: Severity::Error,
    summary: "A `GPU` resource requirement's `value` is a whole number of GPUs, at least 1.",
    why: "ECS reserves that many physical GPUs for the container.",
    invalid: r#"{"family": "ml", "containerDefinitions": [{"name": "train", "image": "pytorch", "memory": 4096, "resourceRequirements": [{"type": "GPU", "value": "0.5"}]}]}"#,
    valid: r#"{"family": "ml", "containerDefinitions": [{"name": "train", "image": "pytorch", "memory": 4096, "resourceRequirements": [{"type": "GPU", "value": "1"}]}]}"#,
    source:
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ResourceRequirement.html",
};

pub static CONFIGURED_AT_LAUNCH: Rule = Rule {
    code: "TD705",
    name: "configured-at-launch-volume",
    severity: Severity::Error,
    summary: "At most one volume is `configuredAtLaunch`, and it sets no volume configuration of its own.",
    why: "The volume's configuration is given at RunTask, CreateService or UpdateService time, and ECS supports one such volume per task.",
    invalid: r#"{"family": "web", "volumes": [{"name": "a", "configuredAtLaunch": true}, {"name": "b", "configuredAtLaunch": true}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}"#,
    valid: r#"{"family": "web", "volumes": [{"name": "a", "configuredAtLaunch": true}], "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256, "mountPoints": [{"sourceVolume": "a", "containerPath": "/a"}]}]}"#,
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html#ECS-Type-Volume-configuredAtLaunch",
};

pub static RULES: [&Rule; 5] = [
    &EFS_ENCRYPTION,
    &EFS_ROOT_WITH_ACCESS_POINT,
    &ONE_VOLUME_KIND,
    &GPU_VALUE,
    &CONFIGURED_AT_LAUNCH,
];

pub fn check(task: &TaskDef, out: &mut Vec<Diagnostic>) {
    let mut at_launch = 0;
    for (index, volume) in task.request.volumes.iter().flatten().enumerate() {
        let at = |member: &str| format!("$.volumes[{index}].{member}");
        let kinds = [
            volume.host.is_some(),
            volume.docker_volume_configuration.is_some(),
            volume.efs_volume_configuration.is_some(),
            volume
                .fsx_windows_file_server_volume_configuration
                .is_some(),
            volume.s3files_volume_configuration.is_some(),
        ]
        .into_iter()
        .filter(|&set| set)
        .count();
        if kinds > 1 {
            out.push(ONE_VOLUME_KIND.at(
                format!("$.volumes[{index}]"),
                format!("Volume sets {kinds} kinds of volume configuration; it can have one."),
            ));
        }
        if volume.configured_at_launch == Some(true) {
            at_launch += 1;
            if at_launch > 1 {
                out.push(CONFIGURED_AT_LAUNCH.at(
                    at("configuredAtLaunch"),
                    "Only one volume can be configured at launch.",
                ));
            }
            if kinds > 0 {
                out.push(CONFIGURED_AT_LAUNCH.at(at("configuredAtLaunch"), "A volume configured at launch takes its configuration at launch, not in the task definition."));
            }
        }
        let Some(efs) = &volume.efs_volume_configuration else {
            continue;
        };
        let encrypted = efs.transit_encryption == Some(EFSTransitEncryption::Enabled);
        let authorization = efs.authorization_config.as_ref();
        let iam = authorization.and_then(|a| a.iam) == Some(EFSAuthorizationConfigIAM::Enabled);
        let access_point = authorization.is_some_and(|a| a.access_point_id.is_some());
        if (iam || access_point) && !encrypted {
            let why = if iam {
                "IAM authorization"
            } else {
                "An access point"
            };
            out.push(
                EFS_ENCRYPTION
                    .at(
                        at("efsVolumeConfiguration.transitEncryption"),
                        format!("{why} requires transitEncryption ENABLED."),
                    )
                    .with_help("Set \"transitEncryption\": \"ENABLED\".")
                    .fix_set("Set transitEncryption to ENABLED", "ENABLED"),
            );
        }
        if access_point
            && efs
                .root_directory
                .as_deref()
                .is_some_and(|root| root != "/")
        {
            out.push(
                EFS_ROOT_WITH_ACCESS_POINT
                    .at(
                        at("efsVolumeConfiguration.rootDirectory"),
                        "With an access point, rootDirectory must be omitted or set to '/'.",
                    )
                    .with_help("Set the path on the access point instead."),
            );
        }
    }
    for (index, container) in task.containers.iter().enumerate() {
        for (req_index, requirement) in container.resource_requirements.iter().flatten().enumerate()
        {
            if requirement.r#type != Some(ResourceType::Gpu) {
                continue;
            }
            let value = requirement.value.as_deref().unwrap_or("");
            if value.parse::<u32>().map_or(true, |count| count == 0) {
                out.push(GPU_VALUE.at(
                    format!(
                        "$.containerDefinitions[{index}].resourceRequirements[{req_index}].value"
                    ),
                    format!("GPU value '{value}' is not a whole number of GPUs of at least 1."),
                ));
            }
        }
    }
}
