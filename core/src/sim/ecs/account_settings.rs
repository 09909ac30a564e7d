//! PutAccountSetting, PutAccountSettingDefault, ListAccountSettings, DeleteAccountSetting: ECS's
//! opt-ins, per principal, with the account's default (the root user's own setting) behind a
//! principal's and AWS's default behind the account's. ecsim calls as the account's root user, so
//! a setting put without `principalArn` is the account's default. What they change:
//! `containerInsights` is the default of new clusters (`clusters.rs`); the others are kept and
//! answered as ECS answers them (docs/conventions.md, "Account settings").

use crate::api::ecs as api;
use crate::error::EcsimError;
use crate::sim::paging::Paging;
use crate::sim::World;
use api::SettingName as Name;
use std::collections::BTreeMap;

/// Each principal's own settings.
#[derive(Clone, Debug, Default)]
pub struct AccountSettings {
    /// By (principal ARN, setting name).
    set: BTreeMap<(String, &'static str), String>,
}

/// ListAccountSettings: 1 to 10 settings a page.
const PAGING: Paging = Paging {
    size_member: "maxResults",
    token_member: "nextToken",
    default: 10,
    max: 10,
};

/// Every setting, in the order ListAccountSettings answers them.
const NAMES: [Name; 11] = [
    Name::ServiceLongArnFormat,
    Name::TaskLongArnFormat,
    Name::ContainerInstanceLongArnFormat,
    Name::AwsvpcTrunking,
    Name::ContainerInsights,
    Name::FargateFIPSMode,
    Name::TagResourceAuthorization,
    Name::FargateTaskRetirementWaitPeriod,
    Name::GuardDutyActivate,
    Name::DefaultLogDriverMode,
    Name::FargateEventWindows,
];

/// The values a setting takes, the first one being AWS's default for an account that never
/// set it.
fn values(name: Name) -> &'static [&'static str] {
    match name {
        // Long ARNs have been the only format of new accounts since 2021.
        Name::ServiceLongArnFormat
        | Name::TaskLongArnFormat
        | Name::ContainerInstanceLongArnFormat => &["enabled", "disabled"],
        Name::AwsvpcTrunking | Name::FargateFIPSMode | Name::FargateEventWindows => {
            &["disabled", "enabled"]
        }
        Name::ContainerInsights => &["disabled", "enabled", "enhanced"],
        Name::TagResourceAuthorization => &["on", "off"],
        Name::GuardDutyActivate => &["off", "on"],
        Name::FargateTaskRetirementWaitPeriod => &["7", "0", "14"],
        Name::DefaultLogDriverMode => &["non-blocking", "blocking"],
    }
}

fn root(world: &World) -> String {
    format!(
        "arn:{}:iam::{}:root",
        crate::sim::arn::partition(&world.config.region),
        world.config.account_id
    )
}

impl AccountSettings {
    /// The value in force for `principal`: its own, else the account's, else AWS's default.
    fn effective(&self, world_root: &str, principal: &str, name: Name) -> (String, String) {
        for who in [principal, world_root] {
            if let Some(value) = self.set.get(&(who.to_string(), name.as_str())) {
                return (who.to_string(), value.clone());
            }
        }
        (world_root.to_string(), values(name)[0].to_string())
    }
}

/// The account's value of `name` (what a new resource of the root user gets).
pub(crate) fn account_value(world: &World, name: Name) -> String {
    let root = root(world);
    world.ecs.account_settings.effective(&root, &root, name).1
}

fn setting(name: Name, value: String, principal: String) -> api::Setting {
    let r#type = if name == Name::GuardDutyActivate {
        api::SettingType::AwsManaged
    } else {
        api::SettingType::User
    };
    api::Setting {
        name: Some(name),
        value: Some(value),
        principal_arn: Some(principal),
        r#type: Some(r#type),
    }
}

fn invalid(message: String) -> EcsimError {
    api::Error::InvalidParameterException.with(message)
}

/// The principal a request names (the root user when it names none), checked to be a user, a
/// role or the root user of the simulation's account.
fn principal(world: &World, given: Option<String>) -> Result<String, EcsimError> {
    let root = root(world);
    let Some(given) = given else {
        return Ok(root);
    };
    let prefix = root.trim_end_matches("root");
    let resource = given.strip_prefix(prefix).unwrap_or_default();
    let named = |kind: &str| {
        resource
            .strip_prefix(kind)
            .is_some_and(|rest| !rest.is_empty())
    };
    if resource == "root" || named("user/") || named("role/") {
        Ok(given)
    } else {
        Err(invalid(format!(
            "principalArn '{given}' is not the ARN of a user, a role or the root user of account {}.",
            world.config.account_id
        )))
    }
}

fn put(
    world: &mut World,
    name: Name,
    value: String,
    principal: String,
) -> Result<api::Setting, EcsimError> {
    let allowed = values(name);
    if name == Name::GuardDutyActivate {
        return Err(invalid(
            "guardDutyActivate is managed by AWS (it follows GuardDuty's ECS runtime monitoring) and cannot be put.".into(),
        ));
    }
    if !allowed.contains(&value.as_str()) {
        return Err(invalid(format!(
            "'{value}' is not a value of {}: it takes {}.",
            name.as_str(),
            allowed.join(", ")
        )));
    }
    if name == Name::FargateTaskRetirementWaitPeriod && principal != root(world) {
        return Err(invalid(
            "fargateTaskRetirementWaitPeriod is set by the root user only, for the whole account."
                .into(),
        ));
    }
    world
        .ecs
        .account_settings
        .set
        .insert((principal.clone(), name.as_str()), value.clone());
    Ok(setting(name, value, principal))
}

pub fn put_account_setting(
    world: &mut World,
    request: api::PutAccountSettingRequest,
) -> Result<api::PutAccountSettingResponse, EcsimError> {
    let principal = principal(world, request.principal_arn)?;
    let (Some(name), Some(value)) = (request.name, request.value) else {
        return Err(invalid("name and value are required.".into()));
    };
    Ok(api::PutAccountSettingResponse {
        setting: Some(put(world, name, value, principal)?),
    })
}

pub fn put_account_setting_default(
    world: &mut World,
    request: api::PutAccountSettingDefaultRequest,
) -> Result<api::PutAccountSettingDefaultResponse, EcsimError> {
    let (Some(name), Some(value)) = (request.name, request.value) else {
        return Err(invalid("name and value are required.".into()));
    };
    let root = root(world);
    Ok(api::PutAccountSettingDefaultResponse {
        setting: Some(put(world, name, value, root)?),
    })
}

pub fn list_account_settings(
    world: &mut World,
    request: api::ListAccountSettingsRequest,
) -> Result<api::ListAccountSettingsResponse, EcsimError> {
    if request.value.is_some() && request.name.is_none() {
        return Err(invalid(
            "value filters the settings of one name: give name too.".into(),
        ));
    }
    let principal = principal(world, request.principal_arn)?;
    let root = root(world);
    let state = &world.ecs.account_settings;
    let names = NAMES
        .into_iter()
        .filter(|name| request.name.is_none_or(|wanted| wanted == *name));
    let settings: Vec<api::Setting> = if request.effective_settings.unwrap_or(false) {
        names
            .map(|name| {
                let (from, value) = state.effective(&root, &principal, name);
                setting(name, value, from)
            })
            .collect()
    } else {
        names
            .filter_map(|name| {
                let value = state.set.get(&(principal.clone(), name.as_str()))?;
                Some(setting(name, value.clone(), principal.clone()))
            })
            .collect()
    };
    let settings = settings
        .into_iter()
        .filter(|s| request.value.is_none() || s.value == request.value)
        .collect();
    let (page, next_token) = super::page(
        &PAGING,
        settings,
        request.max_results,
        request.next_token.as_deref(),
    )?;
    Ok(api::ListAccountSettingsResponse {
        settings: Some(page),
        next_token,
    })
}

/// Deleting a setting the principal never put changes nothing and answers the value in force,
/// as for one it had put (docs/conventions.md).
pub fn delete_account_setting(
    world: &mut World,
    request: api::DeleteAccountSettingRequest,
) -> Result<api::DeleteAccountSettingResponse, EcsimError> {
    let principal = principal(world, request.principal_arn)?;
    let Some(name) = request.name else {
        return Err(invalid("name is required.".into()));
    };
    let root = root(world);
    let state = &mut world.ecs.account_settings;
    let value = match state.set.remove(&(principal.clone(), name.as_str())) {
        Some(value) => value,
        None => state.effective(&root, &principal, name).1,
    };
    Ok(api::DeleteAccountSettingResponse {
        setting: Some(setting(name, value, principal)),
    })
}
