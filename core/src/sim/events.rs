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
use crate::api::events::{self as api, shapes, RuleState};
use crate::error::{EcsimError, ErrorCode};
use crate::schedule::Schedule;
use jiff::tz::TimeZone;
use jiff::Timestamp;
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
    invocations: Vec<Value>,
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
    if rule.targets.len() + targets.len() > 5 {
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
        let input = run_task_input(name, &target);
        let outcome = match super::ecs::dispatch(sim, "RunTask", input) {
            Ok(output) => json!({
                "taskArns": output["tasks"].as_array().into_iter().flatten().map(|t| t["taskArn"].clone()).collect::<Vec<_>>(),
                "failures": output["failures"],
            }),
            Err(error) => {
                json!({ "error": { "code": error.code.as_str(), "message": error.message } })
            }
        };
        let mut record = json!({
            "rule": name,
            "targetId": target.id,
            "time": sim.now,
        });
        if let (Some(record), Some(outcome)) = (record.as_object_mut(), outcome.as_object()) {
            record.extend(outcome.clone());
        }
        sim.events.invocations.push(record);
    }
    schedule_next(sim, name);
}

/// The RunTask request an ECS target makes.
fn run_task_input(rule: &str, target: &api::Target) -> Value {
    let ecs = target.ecs_parameters.clone().unwrap_or_default();
    let mut input = json!({
        "cluster": target.arn,
        "taskDefinition": ecs.task_definition_arn,
        "count": ecs.task_count.unwrap_or(1),
        "startedBy": format!("events-rule/{rule}"),
    });
    let optional = [
        ("launchType", json!(ecs.launch_type)),
        ("group", json!(ecs.group)),
        ("placementConstraints", json!(ecs.placement_constraints)),
        ("placementStrategy", json!(ecs.placement_strategy)),
        (
            "networkConfiguration",
            json!(ecs
                .network_configuration
                .and_then(|n| n.awsvpc_configuration)
                .map(|a| json!({
                    "awsvpcConfiguration": {
                        "subnets": a.subnets,
                        "securityGroups": a.security_groups,
                        "assignPublicIp": a.assign_public_ip,
                    }
                }))),
        ),
    ];
    for (key, value) in optional {
        if !value.is_null() {
            input[key] = strip_nulls(value);
        }
    }
    input
}

fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// ListInvocations (service `ecsim`): what each firing of a rule's targets did, oldest first:
/// `{"rule": "nightly"}` (optional) → `{"invocations": [{"rule", "targetId", "time",
/// "taskArns", "failures"} or {…, "error"}]}`.
pub fn list_invocations(sim: &Simulation, input: Value) -> Result<Value, EcsimError> {
    let rule = input.get("rule").and_then(Value::as_str);
    let invocations: Vec<&Value> = sim
        .events
        .invocations
        .iter()
        .filter(|i| rule.is_none_or(|r| i["rule"] == r))
        .collect();
    Ok(json!({ "invocations": invocations }))
}
