//! Health on the virtual clock: when a task's containers pass or fail their health checks,
//! when its load balancer target turns healthy or unhealthy, and what the service scheduler
//! makes of it.
//!
//! What the application does is declared per image (`ImageBehavior::unhealthy_after`): its
//! health checks, the container's and the load balancer's, pass until that many seconds after
//! RUNNING and fail from then on. Every time below is in seconds after the task is RUNNING.
//!
//! Container checks (Docker's rules, the ECS defaults interval 30, retries 3, startPeriod 0):
//! the first check runs one interval after the container starts, then one every interval; the
//! first passing check makes the container HEALTHY; `retries` failing checks in a row make it
//! UNHEALTHY, and a failure within `startPeriod` does not count. A failing check fails at once
//! (ecsim's choice: the `timeout` is not waited for). Target checks (ELB's rules): registered
//! when the task is RUNNING, checked every `HealthCheckIntervalSeconds`; healthy after
//! `HealthyThresholdCount` passing checks, unhealthy after `UnhealthyThresholdCount` failing ones.

use super::Task;
use crate::api::ecs::{self as api, HealthStatus};

/// When a check turns healthy and when it turns unhealthy (None: never).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Verdict {
    pub healthy: Option<f64>,
    pub unhealthy: Option<f64>,
}

impl Verdict {
    /// The status at `t`: UNHEALTHY once it failed, HEALTHY once it passed, UNKNOWN before.
    pub fn at(&self, t: f64) -> HealthStatus {
        if self.unhealthy.is_some_and(|u| u <= t) {
            HealthStatus::Unhealthy
        } else if self.healthy.is_some_and(|h| h <= t) {
            HealthStatus::Healthy
        } else {
            HealthStatus::Unknown
        }
    }

    /// All of `verdicts` at once: healthy when the last of them is, unhealthy when the first
    /// of them is.
    pub fn all(verdicts: impl IntoIterator<Item = Verdict>) -> Option<Verdict> {
        verdicts.into_iter().reduce(|a, b| Verdict {
            healthy: a.healthy.zip(b.healthy).map(|(x, y)| x.max(y)),
            unhealthy: match (a.unhealthy, b.unhealthy) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            },
        })
    }

    fn instants(&self) -> impl Iterator<Item = f64> {
        self.healthy.into_iter().chain(self.unhealthy)
    }
}

/// A periodic check: every `interval` seconds from one interval after the start; it turns
/// healthy after `to_healthy` passing checks and unhealthy after `to_unhealthy` failing ones,
/// failures at or before `ignored_until` not counting. The checked thing fails from
/// `fails_from` on.
pub struct Periodic {
    pub interval: f64,
    pub to_healthy: u32,
    pub to_unhealthy: u32,
    pub ignored_until: f64,
}

impl Periodic {
    /// A container's `healthCheck`, with ECS's defaults.
    pub fn container(check: &api::HealthCheck) -> Periodic {
        Periodic {
            interval: f64::from(check.interval.unwrap_or(30).max(1)),
            to_healthy: 1,
            to_unhealthy: check.retries.unwrap_or(3).max(1) as u32,
            ignored_until: f64::from(check.start_period.unwrap_or(0).max(0)),
        }
    }

    pub fn verdict(&self, fails_from: Option<f64>) -> Verdict {
        let check_time = |k: u64| k as f64 * self.interval;
        let healthy = Some(check_time(u64::from(self.to_healthy)))
            .filter(|&t| fails_from.is_none_or(|f| t < f));
        let unhealthy = fails_from.map(|f| {
            let first_failing = (f / self.interval).ceil().max(1.0) as u64;
            let first_counted = (self.ignored_until / self.interval).floor() as u64 + 1;
            let first = first_failing.max(first_counted);
            check_time(first + u64::from(self.to_unhealthy) - 1)
        });
        Verdict { healthy, unhealthy }
    }
}

/// How a task's health goes, fixed when it starts.
#[derive(Clone, Debug, Default)]
pub struct HealthPlan {
    /// Per container (by index): its health check's verdict, None without a health check.
    /// Shared by the tasks of one launch and between forks (it never changes).
    pub containers: std::sync::Arc<[Option<Verdict>]>,
    /// The essential containers with health checks, together (None: no such container).
    pub task: Option<Verdict>,
    /// Its load balancer targets, together (None: not behind a load balancer).
    pub target: Option<Verdict>,
    /// For a service's task, the service's healthCheckGracePeriodSeconds: unhealthy is ignored
    /// until then (None: a standalone task).
    pub grace: Option<f64>,
}

impl HealthPlan {
    /// Every moment at which the task's or its target's health changes.
    pub fn instants(&self) -> impl Iterator<Item = f64> + '_ {
        self.task
            .iter()
            .chain(&self.target)
            .flat_map(Verdict::instants)
    }
}

/// A task's health as the service scheduler sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceHealth {
    /// Counts towards minimumHealthyPercent and the steady state.
    Healthy,
    /// Failed its container or target health checks after the grace period: to be replaced.
    Failed { target: bool },
    /// Not RUNNING yet, or its checks have not passed yet (or failed within the grace period).
    Waiting,
}

impl Task {
    /// The container health ECS shows (UNKNOWN unless the task runs a health check).
    pub fn container_health(&self, index: usize, now: f64) -> Option<HealthStatus> {
        let verdict = self.plan.health.containers.get(index).copied().flatten()?;
        Some(self.checked_at(&verdict, now))
    }

    /// The task's healthStatus as DescribeTasks shows it.
    pub fn task_health(&self, now: f64) -> HealthStatus {
        match self.plan.health.task {
            Some(verdict) => self.checked_at(&verdict, now),
            None => HealthStatus::Unknown,
        }
    }

    /// The target health of the task behind a load balancer.
    pub fn target_health(&self, now: f64) -> HealthStatus {
        match self.plan.health.target {
            Some(verdict) => self.checked_at(&verdict, now),
            None => HealthStatus::Unknown,
        }
    }

    /// The verdict at `now`, or as it stood when the task was asked to stop.
    fn checked_at(&self, verdict: &Verdict, now: f64) -> HealthStatus {
        match self.started_at {
            Some(started) => verdict.at(self.stopping_at.unwrap_or(now).min(now) - started),
            None => HealthStatus::Unknown,
        }
    }

    /// The first moment after `now` at which `service_health` may change with time alone (the
    /// end of the wait for health, a check's verdict, the grace period), a hair early so that
    /// rounding cannot make a cached answer outlive it; None when only a change to the task
    /// can change it.
    pub fn next_health_change(&self, now: f64) -> Option<f64> {
        let (Some(started), "RUNNING") = (self.started_at, self.last_status) else {
            return None;
        };
        let health = &self.plan.health;
        std::iter::once(self.plan.steps.healthy_after_running)
            .chain(health.grace)
            .chain(health.instants())
            .map(|offset| {
                let at = started + offset;
                at - at.abs().max(1.0) * 4.0 * f64::EPSILON
            })
            .filter(|&at| at > now)
            .reduce(f64::min)
    }

    pub fn service_health(&self, now: f64) -> ServiceHealth {
        let (Some(started), "RUNNING") = (self.started_at, self.last_status) else {
            return ServiceHealth::Waiting;
        };
        let health = &self.plan.health;
        let t = now - started;
        let checks = [(health.task, false), (health.target, true)];
        let present = || {
            checks
                .iter()
                .filter_map(|(v, target)| Some(((*v)?, *target)))
        };
        if present().next().is_none() {
            return if t >= self.plan.steps.healthy_after_running {
                ServiceHealth::Healthy
            } else {
                ServiceHealth::Waiting
            };
        }
        if let Some((_, target)) = present().find(|(v, _)| v.at(t) == HealthStatus::Unhealthy) {
            return if t >= health.grace.unwrap_or(0.0) {
                ServiceHealth::Failed { target }
            } else {
                ServiceHealth::Waiting
            };
        }
        if present().all(|(v, _)| v.at(t) == HealthStatus::Healthy) {
            ServiceHealth::Healthy
        } else {
            ServiceHealth::Waiting
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(interval: i32, retries: i32, start_period: i32) -> Periodic {
        Periodic::container(&api::HealthCheck {
            interval: Some(interval),
            retries: Some(retries),
            start_period: Some(start_period),
            ..api::HealthCheck::default()
        })
    }

    #[test]
    fn a_passing_container_is_healthy_after_one_interval() {
        let verdict = container(30, 3, 0).verdict(None);
        assert_eq!(
            verdict,
            Verdict {
                healthy: Some(30.0),
                unhealthy: None
            }
        );
        assert_eq!(verdict.at(29.0), HealthStatus::Unknown);
        assert_eq!(verdict.at(30.0), HealthStatus::Healthy);
    }

    #[test]
    fn failures_count_after_the_start_period_and_need_every_retry() {
        // Fails from 70 s: checks at 90, 120, 150 fail; the third makes it UNHEALTHY.
        let verdict = container(30, 3, 0).verdict(Some(70.0));
        assert_eq!(
            verdict,
            Verdict {
                healthy: Some(30.0),
                unhealthy: Some(150.0)
            }
        );
        // Never passes; failures within the 60 s start period (30, 60) do not count.
        let verdict = container(30, 3, 60).verdict(Some(0.0));
        assert_eq!(
            verdict,
            Verdict {
                healthy: None,
                unhealthy: Some(150.0)
            }
        );
    }

    #[test]
    fn a_target_needs_its_threshold_of_passing_checks() {
        let target = Periodic {
            interval: 10.0,
            to_healthy: 5,
            to_unhealthy: 2,
            ignored_until: 0.0,
        };
        assert_eq!(target.verdict(None).healthy, Some(50.0));
        let failing = target.verdict(Some(45.0));
        assert_eq!(
            failing,
            Verdict {
                healthy: None,
                unhealthy: Some(60.0)
            }
        );
    }

    #[test]
    fn together_healthy_with_the_last_unhealthy_with_the_first() {
        let a = Verdict {
            healthy: Some(10.0),
            unhealthy: Some(100.0),
        };
        let b = Verdict {
            healthy: Some(30.0),
            unhealthy: None,
        };
        let c = Verdict {
            healthy: None,
            unhealthy: Some(50.0),
        };
        assert_eq!(
            Verdict::all([a, b]),
            Some(Verdict {
                healthy: Some(30.0),
                unhealthy: Some(100.0)
            })
        );
        assert_eq!(
            Verdict::all([a, c]),
            Some(Verdict {
                healthy: None,
                unhealthy: Some(50.0)
            })
        );
        assert_eq!(Verdict::all([]), None);
    }
}
