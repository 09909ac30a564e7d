//! Amazon EventBridge rules on the default bus. A rule with a `rate()` or six-field `cron()`
//! expression fires on the virtual clock; a rule with an `EventPattern` runs when one of ECS's
//! events matches it (`bus.rs`, the pattern language in `crate::pattern`), delivered
//! `eventDeliveryDelay` after the event. Each of its ECS targets runs `TaskCount` tasks through
//! RunTask, started by `events-rule/<rule name>`, and what happened (tasks, failures) is kept as
//! the rule's invocations (ecsim `ListInvocations`).
//!
//! Rules fire in UTC, as EventBridge rules do; the ecsim extension member
//! `ScheduleExpressionTimezone` (EventBridge Scheduler's name for it) evaluates cron() in an
//! IANA zone. Rates count from when the rule was put or enabled.

pub mod bus;
mod ecs_target;

use super::clock::Event;
use super::request::Empty;
use super::World;
use crate::api::ecsim::{Invocation, InvocationError};
use crate::api::events::{self as api, RuleState};
use crate::error::EcsimError;
use crate::pattern::Pattern;
use crate::schedule::{timestamp, Schedule};
use bus::BusEvent;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

const TIMEZONE: &str = "ScheduleExpressionTimezone";

#[derive(Clone)]
pub struct Rule {
    pub described: api::DescribeRuleResponse,
    schedule: Option<Schedule>,
    pattern: Option<Pattern>,
    zone: TimeZone,
    /// Rates count from here.
    started: Timestamp,
    /// Bumped when the schedule changes or the rule is disabled: older fire events are stale.
    generation: u64,
    targets: BTreeMap<String, api::Target>,
}

#[derive(Clone, Default)]
pub struct EventsState {
    rules: BTreeMap<String, Rule>,
    invocations: Vec<Invocation>,
    /// The newest events (`eventBusRetention`), oldest first.
    bus: VecDeque<Arc<BusEvent>>,
    /// Events put on the bus so far.
    published: u64,
    /// Events on their way to a rule's targets, by delivery number.
    deliveries: BTreeMap<u64, (String, Arc<BusEvent>)>,
    pended: u64,
}

fn validation(message: impl Into<String>) -> EcsimError {
    api::Error::ValidationException.with(message)
}

fn no_rule(name: &str) -> EcsimError {
    api::Error::ResourceNotFoundException
        .with(format!("Rule {name} does not exist on EventBus default."))
}

/// The handlers the generated operation table (`sim/registry.rs`) calls.
pub(crate) mod handlers {
    pub(crate) use super::{
        delete_rule, describe_rule, disable_rule, enable_rule, list_rules, list_targets_by_rule,
        put_rule, put_targets, remove_targets, test_event_pattern,
    };
}

pub fn remove_targets(
    world: &mut World,
    request: api::RemoveTargetsRequest,
) -> Result<api::RemoveTargetsResponse, EcsimError> {
    let rule = rule_mut(world, request.rule.as_deref())?;
    for id in request.ids.iter().flatten() {
        rule.targets.remove(id);
    }
    Ok(api::RemoveTargetsResponse {
        failed_entry_count: Some(0),
        failed_entries: Some(Vec::new()),
    })
}

pub fn delete_rule(
    world: &mut World,
    request: api::DeleteRuleRequest,
) -> Result<Empty, EcsimError> {
    let name = request.name.unwrap_or_default();
    if world
        .events
        .rules
        .get(&name)
        .is_some_and(|r| !r.targets.is_empty())
    {
        return Err(validation("Rule can't be deleted since it has targets."));
    }
    world.events.rules.remove(&name);
    Ok(Empty {})
}

pub fn describe_rule(
    world: &mut World,
    request: api::DescribeRuleRequest,
) -> Result<api::DescribeRuleResponse, EcsimError> {
    Ok(rule_mut(world, request.name.as_deref())?.described.clone())
}

pub fn list_rules(
    world: &mut World,
    request: api::ListRulesRequest,
) -> Result<api::ListRulesResponse, EcsimError> {
    let prefix = request.name_prefix.unwrap_or_default();
    let rules = world
        .events
        .rules
        .iter()
        .filter(|(name, _)| name.starts_with(&prefix))
        .map(|(_, rule)| described_as_listed(&rule.described))
        .collect();
    let (page, next_token) = crate::sim::paging::EVENTS.page(
        rules,
        request.limit,
        request.next_token.as_deref(),
        validation,
    )?;
    Ok(api::ListRulesResponse {
        rules: Some(page),
        next_token,
    })
}

/// A rule as ListRules shows it: DescribeRule's members, the same values.
fn described_as_listed(described: &api::DescribeRuleResponse) -> api::Rule {
    api::Rule {
        name: described.name.clone(),
        arn: described.arn.clone(),
        event_pattern: described.event_pattern.clone(),
        state: described.state,
        description: described.description.clone(),
        schedule_expression: described.schedule_expression.clone(),
        role_arn: described.role_arn.clone(),
        managed_by: described.managed_by.clone(),
        event_bus_name: described.event_bus_name.clone(),
    }
}

pub fn list_targets_by_rule(
    world: &mut World,
    request: api::ListTargetsByRuleRequest,
) -> Result<api::ListTargetsByRuleResponse, EcsimError> {
    let rule = rule_mut(world, request.rule.as_deref())?;
    let (page, next_token) = crate::sim::paging::EVENTS.page(
        rule.targets.values().cloned().collect(),
        request.limit,
        request.next_token.as_deref(),
        validation,
    )?;
    Ok(api::ListTargetsByRuleResponse {
        targets: Some(page),
        next_token,
    })
}

pub fn enable_rule(
    world: &mut World,
    request: api::EnableRuleRequest,
) -> Result<Empty, EcsimError> {
    set_state(world, request.name.as_deref(), RuleState::Enabled)
}

pub fn disable_rule(
    world: &mut World,
    request: api::DisableRuleRequest,
) -> Result<Empty, EcsimError> {
    set_state(world, request.name.as_deref(), RuleState::Disabled)
}

fn set_state(world: &mut World, name: Option<&str>, state: RuleState) -> Result<Empty, EcsimError> {
    let now = world.now;
    let rule = rule_mut(world, name)?;
    if rule.described.state != Some(state) {
        rule.described.state = Some(state);
        rule.started = timestamp(now);
        let name = rule.described.name.clone().unwrap_or_default();
        schedule_next(world, &name);
    }
    Ok(Empty {})
}

fn rule_mut<'a>(world: &'a mut World, name: Option<&str>) -> Result<&'a mut Rule, EcsimError> {
    let name = name.unwrap_or_default();
    world
        .events
        .rules
        .get_mut(name)
        .ok_or_else(|| no_rule(name))
}

pub fn put_rule(
    world: &mut World,
    request: api::PutRuleRequest,
) -> Result<api::PutRuleResponse, EcsimError> {
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
    let pattern = request
        .event_pattern
        .as_deref()
        .map(Pattern::parse)
        .transpose()
        .map_err(|why| api::Error::InvalidEventPatternException.with(why))?;
    let schedule = request
        .schedule_expression
        .as_deref()
        .map(|expression| match Schedule::parse(expression) {
            Ok(Schedule::At(_)) => Err(validation(
                "Parameter ScheduleExpression is not valid: rules take rate() or cron(); at() is EventBridge Scheduler's.",
            )),
            Ok(schedule) => Ok(schedule),
            Err(why) => Err(validation(format!("Parameter ScheduleExpression is not valid: {why}"))),
        })
        .transpose()?;
    if schedule.is_none() && pattern.is_none() {
        return Err(validation(
            "Parameter(s) EventPattern or ScheduleExpression must be specified.",
        ));
    }
    let zone_name = request
        .schedule_expression_timezone
        .clone()
        .unwrap_or_else(|| "UTC".into());
    let zone = crate::schedule::zones::time_zone(&zone_name)
        .ok_or_else(|| validation(format!("Unknown time zone '{zone_name}' ({TIMEZONE}).")))?;
    let arn = world.arn("events", &format!("rule/{name}"));
    let described = api::DescribeRuleResponse {
        name: Some(name.clone()),
        arn: Some(arn.clone()),
        schedule_expression: request.schedule_expression.clone(),
        event_pattern: request.event_pattern.clone(),
        state: Some(request.state.unwrap_or(RuleState::Enabled)),
        description: request.description,
        role_arn: request.role_arn,
        event_bus_name: Some("default".into()),
        created_by: Some(world.config.account_id.clone()),
        ..api::DescribeRuleResponse::default()
    };
    let started = timestamp(world.now);
    match world.events.rules.get_mut(&name) {
        Some(rule) => {
            rule.described = described;
            rule.schedule = schedule;
            rule.pattern = pattern;
            rule.zone = zone;
            rule.started = started;
        }
        None => {
            let rule = Rule {
                described,
                schedule,
                pattern,
                zone,
                started,
                generation: 0,
                targets: BTreeMap::new(),
            };
            world.events.rules.insert(name.clone(), rule);
        }
    }
    schedule_next(world, &name);
    Ok(api::PutRuleResponse {
        rule_arn: Some(arn),
    })
}

pub fn put_targets(
    world: &mut World,
    request: api::PutTargetsRequest,
) -> Result<api::PutTargetsResponse, EcsimError> {
    let targets = request.targets.unwrap_or_default();
    for target in &targets {
        let id = target.id.as_deref().unwrap_or_default();
        let arn = target.arn.as_deref().unwrap_or_default();
        let Some(ecs) = &target.ecs_parameters else {
            return Err(validation(format!(
                "Target {id}: ecsim simulates ECS targets only: give EcsParameters and a cluster ARN."
            )));
        };
        let cluster_arn =
            crate::sim::arn::service_and_resource(arn).is_some_and(|(service, resource)| {
                service == "ecs" && resource.starts_with("cluster/")
            });
        if !cluster_arn {
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
    let rule = rule_mut(world, request.rule.as_deref())?;
    // A target id already on the rule is replaced, not added.
    let ids: std::collections::BTreeSet<&str> = rule
        .targets
        .keys()
        .map(String::as_str)
        .chain(targets.iter().map(|t| t.id.as_deref().unwrap_or_default()))
        .collect();
    if ids.len() > 5 {
        return Err(api::Error::LimitExceededException.with(
            "The requested resource exceeds the maximum number allowed (5 targets per rule).",
        ));
    }
    for target in targets {
        rule.targets
            .insert(target.id.clone().unwrap_or_default(), target);
    }
    Ok(api::PutTargetsResponse {
        failed_entry_count: Some(0),
        failed_entries: Some(Vec::new()),
    })
}

/// Puts the rule's next firing on the clock (none while it is disabled).
fn schedule_next(world: &mut World, name: &str) {
    let now = world.now;
    let Some(rule) = world.events.rules.get_mut(name) else {
        return;
    };
    rule.generation += 1;
    if rule.described.state != Some(RuleState::Enabled) {
        return;
    }
    let Some(schedule) = &rule.schedule else {
        return;
    };
    let next = schedule.next_after(timestamp(now), rule.started, &rule.zone);
    let generation = rule.generation;
    if let Some(at) = next {
        world.clock.schedule(
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
pub fn fire(world: &mut World, name: &str, generation: u64) {
    let Some(rule) = world.events.rules.get(name) else {
        return;
    };
    if rule.generation != generation {
        return;
    }
    run_targets(world, name, None);
    schedule_next(world, name);
}

/// An event reaches the rule it matched: the rule's targets run, if the rule is still there and
/// enabled.
pub fn deliver(world: &mut World, delivery: u64) {
    let Some((name, event)) = world.events.deliveries.remove(&delivery) else {
        return;
    };
    let enabled = world.events.rules.get(&name).is_some_and(|rule| {
        rule.pattern.is_some() && rule.described.state == Some(RuleState::Enabled)
    });
    if enabled {
        let id = event.id(&world.config);
        run_targets(world, &name, Some(id));
    }
}

fn run_targets(world: &mut World, name: &str, event_id: Option<String>) {
    let Some(rule) = world.events.rules.get(name) else {
        return;
    };
    let targets: Vec<api::Target> = rule.targets.values().cloned().collect();
    for target in targets {
        let ran = ecs_target::run_task_request(name, &target)
            .and_then(|request| super::ecs::handlers::run_task(world, request));
        let mut invocation = Invocation {
            rule: Some(name.to_string()),
            target_id: target.id.clone(),
            time: Some(world.now),
            event_id: event_id.clone(),
            ..Invocation::default()
        };
        match ran {
            Ok(output) => {
                let tasks = output.response.tasks.iter();
                invocation.task_arns = Some(tasks.map(|t| t.task().arn.to_string()).collect());
                invocation.failures = Some(output.response.failures);
            }
            Err(error) => {
                invocation.error = Some(InvocationError {
                    code: Some(error.code.as_str().to_string()),
                    message: Some(error.message),
                })
            }
        }
        world.events.invocations.push(invocation);
    }
}

/// TestEventPattern: whether an event (JSON text with EventBridge's members) matches a pattern.
pub fn test_event_pattern(
    _world: &mut World,
    request: api::TestEventPatternRequest,
) -> Result<api::TestEventPatternResponse, EcsimError> {
    let pattern = Pattern::parse(request.event_pattern.as_deref().unwrap_or_default())
        .map_err(|why| api::Error::InvalidEventPatternException.with(why))?;
    let event: serde_json::Value =
        serde_json::from_str(request.event.as_deref().unwrap_or_default())
            .map_err(|e| validation(format!("Parameter Event is not valid: {e}")))?;
    const REQUIRED: [&str; 7] = [
        "id",
        "account",
        "source",
        "time",
        "region",
        "resources",
        "detail-type",
    ];
    if let Some(missing) = REQUIRED.iter().find(|member| event.get(**member).is_none()) {
        return Err(validation(format!(
            "Parameter Event is not valid: it lacks the member '{missing}' (events need id, account, source, time, region, resources and detail-type)."
        )));
    }
    Ok(api::TestEventPatternResponse {
        result: Some(pattern.matches(&event)),
    })
}

impl EventsState {
    /// Whether ECS's events are worded at all: the bus keeps some, or a rule has a pattern.
    pub fn listening(&self, config: &crate::sim::config::SimulationConfig) -> bool {
        config.event_bus_retention > 0 || self.has_patterns()
    }

    fn has_patterns(&self) -> bool {
        self.rules.values().any(|rule| rule.pattern.is_some())
    }

    /// The enabled rules with a pattern.
    fn patterns(&self) -> impl Iterator<Item = (&str, &Pattern)> {
        self.rules
            .iter()
            .filter(|(_, rule)| rule.described.state == Some(RuleState::Enabled))
            .filter_map(|(name, rule)| Some((name.as_str(), rule.pattern.as_ref()?)))
    }

    /// Notes `event` on its way to `rule`; returns the delivery's number.
    fn pend(&mut self, rule: String, event: Arc<BusEvent>) -> u64 {
        self.pended += 1;
        self.deliveries.insert(self.pended, (rule, event));
        self.pended
    }

    /// What every firing of every rule's targets did, oldest first (ecsim ListInvocations).
    pub fn invocations(&self) -> &[Invocation] {
        &self.invocations
    }
}
