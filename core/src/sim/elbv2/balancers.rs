//! Load balancers, their listeners and the listeners' rules, as far as ECS's blue/green, linear
//! and canary deployments need them: a rule (or a listener's default rule) forwards to weighted
//! target groups, and a deployment shifts traffic by changing the weights (`shift_weights`).
//! No request is routed: conditions are kept and shown, never evaluated.

use super::{group_not_found, valid_name, validation, Elbv2State};
use crate::api::elbv2 as api;
use crate::error::EcsimError;
use crate::sim::ecsim::subnets::UndeclaredSubnets;
use crate::sim::World;

/// A listener's rule. The default one has no actions of its own: the listener's are its.
#[derive(Clone)]
pub struct Rule {
    pub listener_arn: String,
    pub described: api::Rule,
}

impl Rule {
    fn is_default(&self) -> bool {
        self.described.is_default == Some(true)
    }
}

/// A forward action's target groups with their weights.
pub(super) fn tuples(weights: &[(&str, i32)]) -> Vec<api::TargetGroupTuple> {
    weights
        .iter()
        .map(|(arn, weight)| api::TargetGroupTuple {
            target_group_arn: Some(arn.to_string()),
            weight: Some(*weight),
        })
        .collect()
}

/// ELB's limit on a forward action's weights (0 to 999).
const MAX_WEIGHT: i32 = 999;

fn load_balancer_not_found() -> EcsimError {
    api::Error::LoadBalancerNotFoundException.with("One or more load balancers not found")
}

fn listener_not_found() -> EcsimError {
    api::Error::ListenerNotFoundException.with("One or more listeners not found")
}

fn rule_not_found() -> EcsimError {
    api::Error::RuleNotFoundException.with("One or more rules not found")
}

impl Elbv2State {
    /// The actions of a rule, or of a listener (its default rule's), by ARN.
    pub fn actions(&self, rule_or_listener: &str) -> Option<&[api::Action]> {
        let listener = match self.rules.get(rule_or_listener) {
            Some(rule) if !rule.is_default() => return rule.described.actions.as_deref(),
            Some(rule) => &rule.listener_arn,
            None => rule_or_listener,
        };
        self.listeners.get(listener)?.default_actions.as_deref()
    }

    fn actions_mut(&mut self, rule_or_listener: &str) -> Option<&mut Vec<api::Action>> {
        let listener = match self.rules.get(rule_or_listener) {
            Some(rule) if !rule.is_default() => {
                let rule = self.rules.get_mut(rule_or_listener)?;
                return rule.described.actions.as_mut();
            }
            Some(rule) => rule.listener_arn.clone(),
            None => rule_or_listener.to_string(),
        };
        self.listeners.get_mut(&listener)?.default_actions.as_mut()
    }

    /// The target groups a rule or listener forwards to, with their weights.
    pub fn weights(&self, rule_or_listener: &str) -> Vec<(String, i32)> {
        self.actions(rule_or_listener)
            .unwrap_or_default()
            .iter()
            .filter_map(|a| a.forward_config.as_ref()?.target_groups.as_ref())
            .flatten()
            .map(|t| {
                (
                    t.target_group_arn.clone().unwrap_or_default(),
                    t.weight.unwrap_or(1),
                )
            })
            .collect()
    }

    /// Sets the weights of the rule's (or listener's) forward action to `weights`, as ECS does
    /// when it shifts traffic: the action forwards to these target groups and no other.
    pub fn shift_weights(&mut self, rule_or_listener: &str, weights: &[(&str, i32)]) {
        let Some(actions) = self.actions_mut(rule_or_listener) else {
            return;
        };
        let Some(forward) = actions
            .iter_mut()
            .find(|a| a.r#type == Some(api::ActionTypeEnum::Forward))
        else {
            return;
        };
        forward.target_group_arn = None;
        let config = forward.forward_config.get_or_insert_with(Default::default);
        config.target_groups = Some(tuples(weights));
    }

    /// Whether `arn` names a rule or a listener.
    pub fn routes(&self, arn: &str) -> bool {
        self.rules.contains_key(arn) || self.listeners.contains_key(arn)
    }

    /// The load balancers whose listeners or rules forward to a target group.
    pub fn balancers_of(&self, target_group_arn: &str) -> Vec<String> {
        let mut arns: Vec<String> = self
            .listeners
            .iter()
            .filter(|(arn, _)| {
                let rules = self.rules.values().filter(|r| &r.listener_arn == *arn);
                std::iter::once(arn.as_str())
                    .chain(rules.map(|r| r.described.rule_arn.as_deref().unwrap_or_default()))
                    .any(|routing| {
                        self.weights(routing)
                            .iter()
                            .any(|(group, _)| group == target_group_arn)
                    })
            })
            .filter_map(|(_, listener)| listener.load_balancer_arn.clone())
            .collect();
        arns.sort();
        arns.dedup();
        arns
    }

    fn rules_of(&self, listener_arn: &str) -> Vec<&Rule> {
        let mut rules: Vec<&Rule> = self
            .rules
            .values()
            .filter(|r| r.listener_arn == listener_arn)
            .collect();
        // By priority, the default rule last.
        rules.sort_by_key(|r| {
            r.described
                .priority
                .as_deref()
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        });
        rules
    }

    /// A rule as DescribeRules shows it (the default one with its listener's actions).
    fn describe_rule(&self, rule: &Rule) -> api::Rule {
        let mut described = rule.described.clone();
        if rule.is_default() {
            described.actions = self
                .listeners
                .get(&rule.listener_arn)
                .and_then(|l| l.default_actions.clone());
        }
        described
    }
}

/// Checks `actions` and fills in what ELB shows: a forward action to one target group also
/// forwards through its `ForwardConfig` with weight 1.
fn checked_actions(
    world: &World,
    actions: Option<Vec<api::Action>>,
) -> Result<Vec<api::Action>, EcsimError> {
    let actions = actions.unwrap_or_default();
    if actions.is_empty() {
        return Err(validation("At least one action must be specified"));
    }
    actions
        .into_iter()
        .map(|mut action| {
            if action.r#type != Some(api::ActionTypeEnum::Forward) {
                return Ok(action);
            }
            let config = action.forward_config.get_or_insert_with(Default::default);
            let groups = config.target_groups.get_or_insert_with(Vec::new);
            if let Some(arn) = &action.target_group_arn {
                match groups.as_slice() {
                    [] => groups.push(api::TargetGroupTuple {
                        target_group_arn: Some(arn.clone()),
                        weight: Some(1),
                    }),
                    [only] if only.target_group_arn.as_ref() == Some(arn) => {}
                    _ => {
                        return Err(validation(
                            "You cannot specify a target group ARN and a forward configuration with other target groups in the same action",
                        ))
                    }
                }
            }
            if groups.is_empty() {
                return Err(validation(
                    "A forward action must specify a target group ARN or a forward configuration",
                ));
            }
            for tuple in groups.iter_mut() {
                let arn = tuple.target_group_arn.as_deref().unwrap_or_default();
                if !world.elbv2.target_groups.contains_key(arn) {
                    return Err(group_not_found(arn));
                }
                let weight = *tuple.weight.get_or_insert(1);
                if !(0..=MAX_WEIGHT).contains(&weight) {
                    return Err(validation(format!(
                        "Target group weight '{weight}' must be between 0 and {MAX_WEIGHT}"
                    )));
                }
            }
            config
                .target_group_stickiness_config
                .get_or_insert(api::TargetGroupStickinessConfig {
                    enabled: Some(false),
                    duration_seconds: None,
                });
            Ok(action)
        })
        .collect()
}

/// `app/<name>/<id>` or `net/<name>/<id>`: the part of a load balancer's ARN its listeners and
/// rules repeat.
fn balancer_path(arn: &str) -> &str {
    arn.split_once(":loadbalancer/")
        .map_or("", |(_, path)| path)
}

pub fn create_load_balancer(
    world: &mut World,
    request: api::CreateLoadBalancerInput,
) -> Result<api::CreateLoadBalancerOutput, EcsimError> {
    let name = request.name.clone().unwrap_or_default();
    if !valid_name(&name) {
        return Err(validation(format!(
            "Load balancer name '{name}' cannot be longer than 32 characters, must contain only alphanumeric characters or hyphens, must not begin or end with a hyphen, and must not begin with 'internal-'"
        )));
    }
    if world
        .elbv2
        .load_balancers
        .values()
        .any(|b| b.load_balancer_name.as_deref() == Some(name.as_str()))
    {
        return Err(api::Error::DuplicateLoadBalancerNameException.with(format!(
            "A load balancer with the name '{name}' already exists"
        )));
    }
    let kind = request
        .r#type
        .unwrap_or(api::LoadBalancerTypeEnum::Application);
    let subnet_ids: Vec<String> = match (&request.subnets, &request.subnet_mappings) {
        (Some(ids), _) => ids.clone(),
        (None, Some(mappings)) => mappings
            .iter()
            .filter_map(|m| m.subnet_id.clone())
            .collect(),
        (None, None) => Vec::new(),
    };
    let policy = world.config.undeclared_subnets;
    if policy == UndeclaredSubnets::Reject {
        if let Some(unknown) = subnet_ids
            .iter()
            .find(|id| world.ecsim.subnets.get(id).is_none())
        {
            return Err(api::Error::SubnetNotFoundException
                .with(format!("The subnet ID '{unknown}' is not valid")));
        }
    }
    let region = world.config.region.clone();
    let subnets = world
        .ecsim
        .subnets
        .resolve(&subnet_ids, &region, policy)
        .map_err(|e| api::Error::SubnetNotFoundException.with(e.message))?;
    let (prefix, kind_path) = match kind {
        api::LoadBalancerTypeEnum::Network => ("net", "net"),
        api::LoadBalancerTypeEnum::Gateway => ("gwy", "gwy"),
        api::LoadBalancerTypeEnum::Application => ("app", "app"),
    };
    let id = world.random_hex(16);
    let arn = world.arn(
        "elasticloadbalancing",
        &format!("loadbalancer/{kind_path}/{name}/{id}"),
    );
    let scheme = request
        .scheme
        .unwrap_or(api::LoadBalancerSchemeEnum::InternetFacing);
    let internal = if scheme == api::LoadBalancerSchemeEnum::Internal {
        "internal-"
    } else {
        ""
    };
    let dns_digits = world.random_hex(10);
    let dns_name = match kind {
        api::LoadBalancerTypeEnum::Application => {
            format!("{internal}{name}-{dns_digits}.{region}.elb.amazonaws.com")
        }
        _ => format!("{name}-{dns_digits}.elb.{region}.amazonaws.com"),
    };
    let described = api::LoadBalancer {
        load_balancer_arn: Some(arn.clone()),
        dns_name: Some(dns_name),
        created_time: Some(world.now),
        load_balancer_name: Some(name),
        scheme: Some(scheme),
        vpc_id: subnets.first().map(|s| s.vpc_id.clone()),
        state: Some(api::LoadBalancerState {
            code: Some(api::LoadBalancerStateEnum::Active),
            reason: None,
        }),
        r#type: Some(kind),
        availability_zones: Some(
            subnets
                .iter()
                .map(|s| api::AvailabilityZone {
                    zone_name: Some(s.availability_zone.to_string()),
                    subnet_id: Some(s.subnet_id.clone()),
                    ..api::AvailabilityZone::default()
                })
                .collect(),
        ),
        security_groups: (prefix == "app")
            .then(|| request.security_groups.clone().unwrap_or_default()),
        ip_address_type: Some(request.ip_address_type.unwrap_or(api::IpAddressType::Ipv4)),
        ..api::LoadBalancer::default()
    };
    world
        .elbv2
        .load_balancers
        .insert(arn.clone(), described.clone());
    Ok(api::CreateLoadBalancerOutput {
        load_balancers: Some(vec![described]),
    })
}

pub fn describe_load_balancers(
    world: &mut World,
    request: api::DescribeLoadBalancersInput,
) -> Result<api::DescribeLoadBalancersOutput, EcsimError> {
    let all = &world.elbv2.load_balancers;
    let found: Vec<api::LoadBalancer> = match (&request.load_balancer_arns, &request.names) {
        (Some(arns), _) => arns
            .iter()
            .map(|arn| all.get(arn).cloned().ok_or_else(load_balancer_not_found))
            .collect::<Result<_, _>>()?,
        (None, Some(names)) => names
            .iter()
            .map(|name| {
                all.values()
                    .find(|b| b.load_balancer_name.as_deref() == Some(name.as_str()))
                    .cloned()
                    .ok_or_else(|| {
                        api::Error::LoadBalancerNotFoundException
                            .with(format!("Load balancers '[{name}]' not found"))
                    })
            })
            .collect::<Result<_, _>>()?,
        (None, None) => all.values().cloned().collect(),
    };
    let (page, next_marker) = crate::sim::paging::ELBV2.page(
        found,
        request.page_size,
        request.marker.as_deref(),
        validation,
    )?;
    Ok(api::DescribeLoadBalancersOutput {
        load_balancers: Some(page),
        next_marker,
    })
}

pub fn delete_load_balancer(
    world: &mut World,
    request: api::DeleteLoadBalancerInput,
) -> Result<api::DeleteLoadBalancerOutput, EcsimError> {
    let arn = request.load_balancer_arn.unwrap_or_default();
    // Deleting one that does not exist succeeds, as in ELB; its listeners and rules go with it.
    if world.elbv2.load_balancers.remove(&arn).is_some() {
        let state = &mut world.elbv2;
        let listeners: Vec<String> = state
            .listeners
            .iter()
            .filter(|(_, l)| l.load_balancer_arn.as_deref() == Some(arn.as_str()))
            .map(|(listener, _)| listener.clone())
            .collect();
        for listener in &listeners {
            state.listeners.remove(listener);
        }
        state
            .rules
            .retain(|_, rule| !listeners.contains(&rule.listener_arn));
    }
    Ok(api::DeleteLoadBalancerOutput {})
}

pub fn create_listener(
    world: &mut World,
    request: api::CreateListenerInput,
) -> Result<api::CreateListenerOutput, EcsimError> {
    let balancer_arn = request.load_balancer_arn.clone().unwrap_or_default();
    let balancer = world
        .elbv2
        .load_balancers
        .get(&balancer_arn)
        .ok_or_else(load_balancer_not_found)?;
    let application = balancer.r#type == Some(api::LoadBalancerTypeEnum::Application);
    let protocol = request.protocol.unwrap_or(if application {
        api::ProtocolEnum::Http
    } else {
        api::ProtocolEnum::Tcp
    });
    let port = request.port.unwrap_or(80);
    let taken = world.elbv2.listeners.values().any(|l| {
        l.load_balancer_arn.as_deref() == Some(balancer_arn.as_str()) && l.port == Some(port)
    });
    if taken {
        return Err(api::Error::DuplicateListenerException
            .with("A listener already exists on this port for this load balancer"));
    }
    let actions = checked_actions(world, request.default_actions)?;
    let path = balancer_path(&balancer_arn).to_string();
    let id = world.random_hex(16);
    let arn = world.arn("elasticloadbalancing", &format!("listener/{path}/{id}"));
    let rule_id = world.random_hex(16);
    let rule_arn = world.arn(
        "elasticloadbalancing",
        &format!("listener-rule/{path}/{id}/{rule_id}"),
    );
    let described = api::Listener {
        listener_arn: Some(arn.clone()),
        load_balancer_arn: Some(balancer_arn),
        port: Some(port),
        protocol: Some(protocol),
        certificates: request.certificates,
        ssl_policy: request.ssl_policy,
        default_actions: Some(actions),
        alpn_policy: request.alpn_policy,
        ..api::Listener::default()
    };
    let state = &mut world.elbv2;
    state.listeners.insert(arn.clone(), described.clone());
    state.rules.insert(
        rule_arn.clone(),
        Rule {
            listener_arn: arn,
            described: api::Rule {
                rule_arn: Some(rule_arn),
                priority: Some("default".into()),
                conditions: Some(Vec::new()),
                is_default: Some(true),
                ..api::Rule::default()
            },
        },
    );
    Ok(api::CreateListenerOutput {
        listeners: Some(vec![described]),
    })
}

pub fn describe_listeners(
    world: &mut World,
    request: api::DescribeListenersInput,
) -> Result<api::DescribeListenersOutput, EcsimError> {
    let state = &world.elbv2;
    let found: Vec<api::Listener> = match (&request.listener_arns, &request.load_balancer_arn) {
        (Some(arns), _) => arns
            .iter()
            .map(|arn| {
                state
                    .listeners
                    .get(arn)
                    .cloned()
                    .ok_or_else(listener_not_found)
            })
            .collect::<Result<_, _>>()?,
        (None, Some(balancer)) => {
            if !state.load_balancers.contains_key(balancer) {
                return Err(load_balancer_not_found());
            }
            state
                .listeners
                .values()
                .filter(|l| l.load_balancer_arn.as_ref() == Some(balancer))
                .cloned()
                .collect()
        }
        (None, None) => {
            return Err(validation(
                "You must specify either listener ARNs or a load balancer ARN",
            ))
        }
    };
    let (page, next_marker) = crate::sim::paging::ELBV2.page(
        found,
        request.page_size,
        request.marker.as_deref(),
        validation,
    )?;
    Ok(api::DescribeListenersOutput {
        listeners: Some(page),
        next_marker,
    })
}

pub fn modify_listener(
    world: &mut World,
    request: api::ModifyListenerInput,
) -> Result<api::ModifyListenerOutput, EcsimError> {
    let arn = request.listener_arn.clone().unwrap_or_default();
    let listener = world
        .elbv2
        .listeners
        .get(&arn)
        .ok_or_else(listener_not_found)?;
    if let Some(port) = request.port {
        let taken = world.elbv2.listeners.values().any(|l| {
            l.load_balancer_arn == listener.load_balancer_arn
                && l.port == Some(port)
                && l.listener_arn.as_deref() != Some(arn.as_str())
        });
        if taken {
            return Err(api::Error::DuplicateListenerException
                .with("A listener already exists on this port for this load balancer"));
        }
    }
    let actions = match request.default_actions {
        Some(actions) => Some(checked_actions(world, Some(actions))?),
        None => None,
    };
    let listener = world
        .elbv2
        .listeners
        .get_mut(&arn)
        .ok_or_else(listener_not_found)?;
    if let Some(port) = request.port {
        listener.port = Some(port);
    }
    if let Some(protocol) = request.protocol {
        listener.protocol = Some(protocol);
    }
    if let Some(actions) = actions {
        listener.default_actions = Some(actions);
    }
    Ok(api::ModifyListenerOutput {
        listeners: Some(vec![listener.clone()]),
    })
}

pub fn delete_listener(
    world: &mut World,
    request: api::DeleteListenerInput,
) -> Result<api::DeleteListenerOutput, EcsimError> {
    let arn = request.listener_arn.unwrap_or_default();
    let state = &mut world.elbv2;
    state
        .listeners
        .remove(&arn)
        .ok_or_else(listener_not_found)?;
    state.rules.retain(|_, rule| rule.listener_arn != arn);
    Ok(api::DeleteListenerOutput {})
}

pub fn create_rule(
    world: &mut World,
    request: api::CreateRuleInput,
) -> Result<api::CreateRuleOutput, EcsimError> {
    let listener_arn = request.listener_arn.clone().unwrap_or_default();
    if !world.elbv2.listeners.contains_key(&listener_arn) {
        return Err(listener_not_found());
    }
    let priority = request.priority.unwrap_or_default();
    if !(1..=50_000).contains(&priority) {
        return Err(validation(format!(
            "Priority '{priority}' must be between 1 and 50000"
        )));
    }
    let priority_text = priority.to_string();
    if world
        .elbv2
        .rules_of(&listener_arn)
        .iter()
        .any(|r| r.described.priority.as_deref() == Some(priority_text.as_str()))
    {
        return Err(api::Error::PriorityInUseException
            .with(format!("Priority '{priority}' is currently in use")));
    }
    let conditions = request.conditions.unwrap_or_default();
    if conditions.is_empty() {
        return Err(validation("A rule must have at least one condition"));
    }
    let actions = checked_actions(world, request.actions)?;
    let path = listener_arn
        .split_once(":listener/")
        .map_or("", |(_, path)| path)
        .to_string();
    let id = world.random_hex(16);
    let arn = world.arn(
        "elasticloadbalancing",
        &format!("listener-rule/{path}/{id}"),
    );
    let described = api::Rule {
        rule_arn: Some(arn.clone()),
        priority: Some(priority_text),
        conditions: Some(conditions),
        actions: Some(actions),
        is_default: Some(false),
        ..api::Rule::default()
    };
    world.elbv2.rules.insert(
        arn,
        Rule {
            listener_arn,
            described: described.clone(),
        },
    );
    Ok(api::CreateRuleOutput {
        rules: Some(vec![described]),
    })
}

pub fn describe_rules(
    world: &mut World,
    request: api::DescribeRulesInput,
) -> Result<api::DescribeRulesOutput, EcsimError> {
    let state = &world.elbv2;
    let found: Vec<api::Rule> = match (&request.rule_arns, &request.listener_arn) {
        (Some(arns), _) => arns
            .iter()
            .map(|arn| {
                let rule = state.rules.get(arn).ok_or_else(rule_not_found)?;
                Ok(state.describe_rule(rule))
            })
            .collect::<Result<_, EcsimError>>()?,
        (None, Some(listener)) => {
            if !state.listeners.contains_key(listener) {
                return Err(listener_not_found());
            }
            (state.rules_of(listener).into_iter())
                .map(|rule| state.describe_rule(rule))
                .collect()
        }
        (None, None) => {
            return Err(validation(
                "You must specify either listener ARNs or rule ARNs",
            ))
        }
    };
    let (page, next_marker) = crate::sim::paging::ELBV2.page(
        found,
        request.page_size,
        request.marker.as_deref(),
        validation,
    )?;
    Ok(api::DescribeRulesOutput {
        rules: Some(page),
        next_marker,
    })
}

pub fn modify_rule(
    world: &mut World,
    request: api::ModifyRuleInput,
) -> Result<api::ModifyRuleOutput, EcsimError> {
    let arn = request.rule_arn.clone().unwrap_or_default();
    let rule = world.elbv2.rules.get(&arn).ok_or_else(rule_not_found)?;
    if rule.is_default() && request.conditions.is_some() {
        return Err(api::Error::OperationNotPermittedException
            .with("Conditions cannot be set on a default rule"));
    }
    let actions = match request.actions {
        Some(actions) => Some(checked_actions(world, Some(actions))?),
        None => None,
    };
    if let Some(actions) = actions {
        *world.elbv2.actions_mut(&arn).ok_or_else(rule_not_found)? = actions;
    }
    let state = &mut world.elbv2;
    let rule = state.rules.get_mut(&arn).ok_or_else(rule_not_found)?;
    if let Some(conditions) = request.conditions {
        rule.described.conditions = Some(conditions);
    }
    let rule = &state.rules[&arn];
    Ok(api::ModifyRuleOutput {
        rules: Some(vec![state.describe_rule(rule)]),
    })
}

pub fn delete_rule(
    world: &mut World,
    request: api::DeleteRuleInput,
) -> Result<api::DeleteRuleOutput, EcsimError> {
    let arn = request.rule_arn.unwrap_or_default();
    let rule = world.elbv2.rules.get(&arn).ok_or_else(rule_not_found)?;
    if rule.is_default() {
        return Err(
            api::Error::OperationNotPermittedException.with("Default rules cannot be deleted")
        );
    }
    world.elbv2.rules.remove(&arn);
    Ok(api::DeleteRuleOutput {})
}
