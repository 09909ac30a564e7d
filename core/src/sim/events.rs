//! Amazon EventBridge rules that run ECS tasks on a schedule (scheduled tasks). A rule with a
//! `rate()` or six-field `cron()` expression fires on the virtual clock; each of its ECS
//! targets runs `TaskCount` tasks through RunTask, started by `events-rule/<rule name>`, and
//! what happened (tasks, failures) is kept as the rule's invocations (ecsim `ListInvocations`).
//!
//! Rules fire in UTC, as EventBridge rules do; the ecsim extension member
//! `ScheduleExpressionTimezone` (EventBridge Scheduler's name for it) evaluates cron() in an
//! IANA zone. Rates count from when the rule was put or enabled. Event patterns are not
//! simulated (no events are emitted yet): a rule needs a schedule.

use super::clock::Event;
use super::request::parse_request;
use super::Simulation;
use crate::api::ecs;
use crate::api::events::{self as api, shapes, RuleState};
use crate::error::{EcsimError, ErrorCode};
use crate::schedule::Schedule;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const TIMEZONE: &str = "ScheduleExpressionTimezone";

pub struct Rule {
    pub described: api::DescribeRuleResponse,
    schedule: Schedule,
    zone: TimeZone,
    /// Rates count from here.
    started: Timestamp,
    /// Bumped when the schedule changes or the rule is disabled: older fire events are stale.
    generation: u64,
    targets: BTreeMap<String, api::Target>,
}

#[derive(Default)]
pub struct EventsState {
    rules: BTreeMap<String, Rule>,
    invocations: Vec<Invocation>,
}

/// What one firing did for one target: the tasks RunTask started and its failures, or the
/// error it answered.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    rule: String,
    target_id: String,
    time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_arns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failures: Option<Vec<ecs::Failure>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<InvocationError>,
}

#[derive(Serialize)]
struct InvocationError {
    code: &'static str,
    message: String,
}

fn validation(message: impl Into<String>) -> EcsimError {
    EcsimError::new(ErrorCode::ValidationException, message)
}

fn no_rule(name: &str) -> EcsimError {
    EcsimError::new(
        ErrorCode::ResourceNotFoundException,
        format!("Rule {name} does not exist on EventBus default."),
    )
}

pub fn dispatch(sim: &mut Simulation, action: &str, input: Value) -> Result<Value, EcsimError> {
    match action {
        "PutRule" => put_rule(sim, input),
        "PutTargets" => put_targets(sim, input),
        "RemoveTargets" => {
            let (request, _): (api::RemoveTargetsRequest, _) =
                parse_request(input, &shapes::REMOVE_TARGETS_REQUEST, &[])?;
            let rule = rule_mut(sim, request.rule.as_deref())?;
            for id in request.ids.iter().flatten() {
                rule.targets.remove(id);
            }
            Ok(json!({ "FailedEntryCount": 0, "FailedEntries": [] }))
        }
        "DeleteRule" => {
            let (request, _): (api::DeleteRuleRequest, _) =
                parse_request(input, &shapes::DELETE_RULE_REQUEST, &[])?;
            let name = request.name.unwrap_or_default();
            if sim
                .events
                .rules
                .get(&name)
                .is_some_and(|r| !r.targets.is_empty())
            {
                return Err(validation("Rule can't be deleted since it has targets."));
            }
            sim.events.rules.remove(&name);
            Ok(json!({}))
        }
        "DescribeRule" => {
            let (request, _): (api::DescribeRuleRequest, _) =
                parse_request(input, &shapes::DESCRIBE_RULE_REQUEST, &[])?;
            Ok(json!(rule_mut(sim, request.name.as_deref())?.described))
        }
        "ListRules" => {
            let (request, _): (api::ListRulesRequest, _) =
                parse_request(input, &shapes::LIST_RULES_REQUEST, &[])?;
            let prefix = request.name_prefix.unwrap_or_default();
            let rules: Vec<&api::DescribeRuleResponse> = sim
                .events
                .rules
                .iter()
                .filter(|(name, _)| name.starts_with(&prefix))
                .map(|(_, rule)| &rule.described)
                .collect();
            Ok(json!({ "Rules": rules }))
        }
        "ListTargetsByRule" => {
            let (request, _): (api::ListTargetsByRuleRequest, _) =
                parse_request(input, &shapes::LIST_TARGETS_BY_RULE_REQUEST, &[])?;
            let rule = rule_mut(sim, request.rule.as_deref())?;
            let targets: Vec<&api::Target> = rule.targets.values().collect();
            Ok(json!({ "Targets": targets }))
        }
        "EnableRule" | "DisableRule" => {
            // The two requests have the same members.
            let (request, _): (api::EnableRuleRequest, _) =
                parse_request(input, &shapes::ENABLE_RULE_REQUEST, &[])?;
            let state = if action == "EnableRule" {
                RuleState::Enabled
            } else {
                RuleState::Disabled
            };
            let now = sim.now;
            let rule = rule_mut(sim, request.name.as_deref())?;
            if rule.described.state != Some(state) {
                rule.described.state = Some(state);
                rule.started = timestamp(now);
                let name = rule.described.name.clone().unwrap_or_default();
                schedule_next(sim, &name);
            }
            Ok(json!({}))
        }
        _ => Err(EcsimError::new(
            ErrorCode::UnknownOperationException,
            format!("events has no action '{action}'."),
        )),
    }
}

fn rule_mut<'a>(sim: &'a mut Simulation, name: Option<&str>) -> Result<&'a mut Rule, EcsimError> {
    let name = name.unwrap_or_default();
    sim.events.rules.get_mut(name).ok_or_else(|| no_rule(name))
}

fn timestamp(seconds: f64) -> Timestamp {
    Timestamp::from_second(seconds.floor() as i64).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn put_rule(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, extensions): (api::PutRuleRequest, Map<String, Value>) =
        parse_request(input, &shapes::PUT_RULE_REQUEST, &[TIMEZONE])?;
    let name = request.name.clone().unwrap_or_default();
    let valid_name = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !valid_name {
        return Err(validation(format!(
            "Rule name '{name}' must be 1 to 64 characters of letters, digits, '.', '-' and '_'."
        )));
    }
    if request.event_pattern.is_some() {
        return Err(validation(
            "ecsim simulates scheduled rules only: EventPattern is not supported.",
        ));
    }
    let expression = request.schedule_expression.clone().ok_or_else(|| {
        validation("Parameter ScheduleExpression is required (ecsim simulates scheduled rules).")
    })?;
    let schedule = match Schedule::parse(&expression) {
        Ok(Schedule::At(_)) => {
            return Err(validation(
                "Parameter ScheduleExpression is not valid: rules take rate() or cron(); at() is EventBridge Scheduler's.",
            ))
        }
        Ok(schedule) => schedule,
        Err(why) => return Err(validation(format!("Parameter ScheduleExpression is not valid: {why}"))),
    };
    let zone_name = extensions
        .get(TIMEZONE)
        .and_then(Value::as_str)
        .unwrap_or("UTC")
        .to_string();
    let zone = TimeZone::get(&zone_name)
        .map_err(|_| validation(format!("Unknown time zone '{zone_name}' ({TIMEZONE}).")))?;
    let (region, account) = (&sim.config.region, &sim.config.account_id);
    let arn = format!("arn:aws:events:{region}:{account}:rule/{name}");
    let described = api::DescribeRuleResponse {
        name: Some(name.clone()),
        arn: Some(arn.clone()),
        schedule_expression: Some(expression),
        state: Some(request.state.unwrap_or(RuleState::Enabled)),
        description: request.description,
        role_arn: request.role_arn,
        event_bus_name: Some("default".into()),
        created_by: Some(sim.config.account_id.clone()),
        ..api::DescribeRuleResponse::default()
    };
    let started = timestamp(sim.now);
    match sim.events.rules.get_mut(&name) {
        Some(rule) => {
            rule.described = described;
            rule.schedule = schedule;
            rule.zone = zone;
            rule.started = started;
        }
        None => {
            let rule = Rule {
                described,
                schedule,
                zone,
                started,
                generation: 0,
                targets: BTreeMap::new(),
            };
            sim.events.rules.insert(name.clone(), rule);
        }
    }
    schedule_next(sim, &name);
    Ok(json!({ "RuleArn": arn }))
}

fn put_targets(sim: &mut Simulation, input: Value) -> Result<Value, EcsimError> {
    let (request, _): (api::PutTargetsRequest, _) =
        parse_request(input, &shapes::PUT_TARGETS_REQUEST, &[])?;
    let targets = request.targets.unwrap_or_default();
    for target in &targets {
        let id = target.id.as_deref().unwrap_or_default();
        let arn = target.arn.as_deref().unwrap_or_default();
        let Some(ecs) = &target.ecs_parameters else {
            return Err(validation(format!(
                "Target {id}: ecsim simulates ECS targets only: give EcsParameters and a cluster ARN."
            )));
        };
        if !arn.starts_with("arn:aws:ecs:") || !arn.contains(":cluster/") {
            return Err(validation(format!(
                "Target {id}: Arn {arn} is not an ECS cluster ARN."
            )));
        }
        if target.role_arn.is_none() {
            return Err(validation(format!(
                "RoleArn is required for target arn {arn}."
            )));
        }
        if !(1..=10).contains(&ecs.task_count.unwrap_or(1)) {
            return Err(validation(format!(
                "Target {id}: TaskCount must be between 1 and 10."
            )));
        }
    }
    let rule = rule_mut(sim, request.rule.as_deref())?;
    // A target id already on the rule is replaced, not added.
    let ids: std::collections::BTreeSet<&str> = rule
        .targets
        .keys()
        .map(String::as_str)
        .chain(targets.iter().map(|t| t.id.as_deref().unwrap_or_default()))
        .collect();
    if ids.len() > 5 {
        return Err(EcsimError::new(
            ErrorCode::LimitExceededException,
            "The requested resource exceeds the maximum number allowed (5 targets per rule).",
        ));
    }
    for target in targets {
        rule.targets
            .insert(target.id.clone().unwrap_or_default(), target);
    }
    Ok(json!({ "FailedEntryCount": 0, "FailedEntries": [] }))
}

/// Puts the rule's next firing on the clock (none while it is disabled).
fn schedule_next(sim: &mut Simulation, name: &str) {
    let now = sim.now;
    let Some(rule) = sim.events.rules.get_mut(name) else {
        return;
    };
    rule.generation += 1;
    if rule.described.state != Some(RuleState::Enabled) {
        return;
    }
    let next = rule
        .schedule
        .next_after(timestamp(now), rule.started, &rule.zone);
    let generation = rule.generation;
    if let Some(at) = next {
        sim.clock.schedule(
            at.as_second() as f64,
            Event::RuleFires {
                rule: name.to_string(),
                generation,
            },
        );
    }
}

/// The rule fires (unless it changed since this firing was scheduled): each target runs its
/// tasks, and the next firing is scheduled.
pub fn fire(sim: &mut Simulation, name: &str, generation: u64) {
    let Some(rule) = sim.events.rules.get(name) else {
        return;
    };
    if rule.generation != generation {
        return;
    }
    let targets: Vec<api::Target> = rule.targets.values().cloned().collect();
    for target in targets {
        let ran = run_task_request(name, &target).and_then(|request| {
            let output = super::ecs::dispatch(sim, "RunTask", json!(request))?;
            reshape::<_, ecs::RunTaskResponse>(Some(output))
        });
        let mut invocation = Invocation {
            rule: name.to_string(),
            target_id: target.id.clone().unwrap_or_default(),
            time: sim.now,
            task_arns: None,
            failures: None,
            error: None,
        };
        match ran {
            Ok(response) => {
                let response = response.unwrap_or_default();
                let tasks = response.tasks.unwrap_or_default();
                invocation.task_arns = Some(tasks.into_iter().filter_map(|t| t.task_arn).collect());
                invocation.failures = Some(response.failures.unwrap_or_default());
            }
            Err(error) => {
                invocation.error = Some(InvocationError {
                    code: error.code.as_str(),
                    message: error.message,
                })
            }
        }
        sim.events.invocations.push(invocation);
    }
    schedule_next(sim, name);
}

/// The RunTask request an ECS target makes.
fn run_task_request(rule: &str, target: &api::Target) -> Result<ecs::RunTaskRequest, EcsimError> {
    let parameters = target.ecs_parameters.clone().unwrap_or_default();
    let network_configuration = parameters
        .network_configuration
        .and_then(|n| n.awsvpc_configuration)
        .map(|vpc| {
            Ok::<_, EcsimError>(ecs::NetworkConfiguration {
                awsvpc_configuration: Some(ecs::AwsVpcConfiguration {
                    subnets: vpc.subnets,
                    security_groups: vpc.security_groups,
                    assign_public_ip: reshape(vpc.assign_public_ip)?,
                }),
            })
        })
        .transpose()?;
    let tags = parameters.tags.map(|tags| {
        tags.into_iter()
            .map(|tag| ecs::Tag {
                key: tag.key,
                value: tag.value,
            })
            .collect()
    });
    Ok(ecs::RunTaskRequest {
        cluster: target.arn.clone(),
        task_definition: parameters.task_definition_arn,
        count: Some(parameters.task_count.unwrap_or(1)),
        started_by: Some(format!("events-rule/{rule}")),
        launch_type: reshape(parameters.launch_type)?,
        capacity_provider_strategy: reshape(parameters.capacity_provider_strategy)?,
        platform_version: parameters.platform_version,
        group: parameters.group,
        placement_constraints: reshape(parameters.placement_constraints)?,
        placement_strategy: reshape(parameters.placement_strategy)?,
        network_configuration,
        propagate_tags: reshape(parameters.propagate_tags)?,
        reference_id: parameters.reference_id,
        enable_ecs_managed_tags: parameters.enable_ecs_managed_tags,
        enable_execute_command: parameters.enable_execute_command,
        tags,
        ..ecs::RunTaskRequest::default()
    })
}

/// An EventBridge member as the ECS type of the same JSON (the same member names and enum
/// values in both models).
fn reshape<T: Serialize, U: DeserializeOwned>(value: Option<T>) -> Result<Option<U>, EcsimError> {
    value
        .map(|v| serde_json::to_value(v).and_then(serde_json::from_value))
        .transpose()
        .map_err(|e| EcsimError::invalid_parameter(format!("EcsParameters: {e}")))
}

/// ListInvocations (service `ecsim`): what each firing of a rule's targets did, oldest first:
/// `{"rule": "nightly"}` (optional) → `{"invocations": [{"rule", "targetId", "time",
/// "taskArns", "failures"} or {…, "error"}]}`.
pub fn list_invocations(sim: &Simulation, input: Value) -> Result<Value, EcsimError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Request {
        rule: Option<String>,
    }
    let request: Request = super::parse_input("ListInvocations", input)?;
    let invocations: Vec<&Invocation> = sim
        .events
        .invocations
        .iter()
        .filter(|i| request.rule.as_ref().is_none_or(|r| i.rule == *r))
        .collect();
    Ok(json!({ "invocations": invocations }))
}
