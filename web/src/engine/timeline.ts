// A scenario played on the virtual clock, with the way back: forks of the simulation kept at
// every step and every CHECKPOINT_SECONDS, so that scrubbing to any moment is a fork and at most
// CHECKPOINT_SECONDS of simulation. Acting at a moment in the past starts a new timeline there.
import type { Scenario, Step } from '../scenario/scenario';
import type { ClusterLayout, DnsAnswer, EngineState, Explanation, LogEntry, ScalingChart, ServiceSample, ServiceSummary } from './protocol';
import { describeOutcome } from './describe';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Api = any;
type Simulation = any;

export const CHECKPOINT_SECONDS = 60;
/** The scaling charts' resolution: the period at which ECS publishes its service metrics here. */
export const SAMPLE_SECONDS = 20;
/** Points per chart line at most: longer histories are thinned evenly. */
const MAX_CHART_POINTS = 360;
/** Samples kept at most (a day at SAMPLE_SECONDS); past it the older half is thinned, as checkpoints are. */
const MAX_SAMPLES = 4320;
const MAX_CHECKPOINTS = 600;
const LOG_LIMIT = 400;
/** Actions whose answers carry placement explanations when asked with `explain`. */
const EXPLAINED = new Set(['ecs:RunTask', 'ecs:StartTask', 'ecsim:PlaceTasks']);
/**
 * Explanations name every instance for every task: 10,000 tasks on 1,000 instances would be
 * hundreds of megabytes. Larger placements run without them.
 */
const MAX_EXPLAINED_TASKS = 100;

interface Checkpoint { time: number; applied: number; sim: Simulation }

export class Timeline {
  readonly start: number;
  private sim: Simulation;
  private steps: Step[];
  private applied = 0;
  private horizon: number;
  private checkpoints: Checkpoint[] = [];
  /** What each applied step did, by step: a step played again after scrubbing back replaces its entries. */
  private actions = new Map<number, LogEntry[]>();
  private explanations = new Map<number, Explanation[]>();
  /** Every SAMPLE_SECONDS of the clock as it was played: each service's counts and CPU. */
  private samples = new Map<number, { services: Record<string, ServiceSample>; clusterCpu: number }>();

  constructor(private readonly api: Api, private readonly scenario: Scenario) {
    this.sim = api.Simulation.fromScenario({ ...scenario, steps: [] });
    this.start = this.sim.now;
    this.horizon = this.start;
    this.steps = scenario.steps ?? [];
    this.checkpoint();
  }

  get cluster(): string {
    return this.scenario.cluster ?? 'default';
  }

  get now(): number {
    return this.sim.now;
  }

  private stepTime(index: number): number {
    for (let i = index; i >= 0; i--) {
      const at = this.steps[i].at;
      if (at !== undefined) return this.start + at;
    }
    return this.start;
  }

  private checkpoint(): void {
    const { now } = this.sim;
    const last = this.checkpoints.at(-1);
    if (last && last.time === now && last.applied === this.applied) return;
    const at = this.checkpoints.findIndex((c) => c.time > now || (c.time === now && c.applied > this.applied));
    const entry = { time: now, applied: this.applied, sim: this.sim.fork() };
    if (at === -1) this.checkpoints.push(entry);
    else if (!(this.checkpoints[at - 1]?.time === now && this.checkpoints[at - 1]?.applied === this.applied)) this.checkpoints.splice(at, 0, entry);
    if (this.checkpoints.length > MAX_CHECKPOINTS) {
      // Thin the older half: every other one goes, the newest stay dense.
      const half = this.checkpoints.length >> 1;
      this.checkpoints = [...this.checkpoints.slice(0, half).filter((_, i) => i % 2 === 0), ...this.checkpoints.slice(half)];
    }
  }

  /**
   * Runs the clock to `time`, sampling the services every SAMPLE_SECONDS and leaving a checkpoint
   * at every multiple of CHECKPOINT_SECONDS on the way.
   */
  private runTo(time: number): void {
    for (;;) {
      const next = this.start + (Math.floor((this.sim.now - this.start) / SAMPLE_SECONDS) + 1) * SAMPLE_SECONDS;
      if (next > time) break;
      this.sim.runUntil(next);
      // Played again after scrubbing back: the same moment of the same timeline, already sampled.
      if (!this.samples.has(next)) this.sample();
      if (Math.round(next - this.start) % CHECKPOINT_SECONDS === 0) this.checkpoint();
    }
    this.sim.runUntil(time);
    this.horizon = Math.max(this.horizon, time);
  }

  /** What the scaling charts draw at this moment: each service's counts and the CPU its running tasks hold. */
  private sample(): void {
    // A cluster without services has nothing to chart: large placements pay nothing for the charts.
    const summaries = this.services();
    if (!summaries.length) return;
    const layout = this.layout();
    const runningCpu = new Map<string, number>();
    let clusterCpu = 0;
    layout.tasks.group.forEach((group, row) => {
      if (layout.tasks.lastStatus[row] !== 'RUNNING') return;
      runningCpu.set(group, (runningCpu.get(group) ?? 0) + layout.tasks.cpu[row]);
      if (layout.tasks.instance[row] < 0) clusterCpu += layout.tasks.cpu[row];
    });
    for (const instance of layout.instances) if (instance.status === 'ACTIVE') clusterCpu += instance.registered.cpu;
    const services: Record<string, ServiceSample> = {};
    for (const s of summaries) {
      services[s.serviceName] = { desired: s.desiredCount, running: s.runningCount, pending: s.pendingCount, cpu: runningCpu.get(`service:${s.serviceName}`) ?? 0 };
    }
    this.samples.set(this.sim.now, { services, clusterCpu });
    if (this.samples.size > MAX_SAMPLES) {
      const times = [...this.samples.keys()].sort((a, b) => a - b);
      times.slice(0, times.length >> 1).forEach((time, i) => i % 2 === 1 && this.samples.delete(time));
    }
  }

  private apply(index: number): void {
    const step = this.steps[index];
    const key = `${step.service}:${step.action}`;
    const count = Number((step.input as { count?: unknown } | undefined)?.count ?? 1);
    const explain = EXPLAINED.has(key) && count <= MAX_EXPLAINED_TASKS;
    const input = explain ? { ...step.input, explain: true } : step.input ?? {};
    const time = this.sim.now;
    try {
      const output = this.sim.call(step.service, step.action, input);
      this.actions.set(index, describeOutcome(step, output, time, this.instanceLabel()));
      if (output?.explanations) this.explanations.set(index, output.explanations);
    } catch (error) {
      this.actions.set(index, [{ time, kind: 'error', text: `${step.action}: ${(error as Error).name}: ${(error as Error).message}` }]);
    }
    this.applied = index + 1;
    this.checkpoint();
  }

  /** Container instance ARN (or id) → its EC2 instance id, as the board labels instances. */
  private instanceLabel(): (reference: string) => string {
    const layout = this.layout();
    const names = new Map<string, string>();
    for (const i of layout.instances) {
      names.set(i.containerInstanceArn, i.ec2InstanceId);
      names.set(i.containerInstanceArn.slice(i.containerInstanceArn.lastIndexOf('/') + 1), i.ec2InstanceId);
    }
    return (reference) => names.get(reference) ?? reference;
  }

  /** Plays the clock to `time`, applying the scenario's steps as their moments come. */
  advanceTo(time: number): void {
    while (this.applied < this.steps.length && this.stepTime(this.applied) <= time) {
      this.runTo(Math.max(this.sim.now, this.stepTime(this.applied)));
      this.apply(this.applied);
    }
    this.runTo(Math.max(this.sim.now, time));
  }

  /** Any moment between the start and the latest one reached (or a scripted step's). */
  seek(time: number): void {
    const target = Math.max(this.start, time);
    if (target >= this.sim.now) {
      this.advanceTo(target);
      return;
    }
    let best = this.checkpoints[0];
    for (const c of this.checkpoints) if (c.time <= target) best = c;
    this.sim = best.sim.fork();
    this.applied = best.applied;
    this.sim.runUntil(target);
  }

  /** A user's call, now: it becomes a step of the scenario; what came after this moment is dropped. */
  act(service: string, action: string, input: Record<string, unknown>): void {
    const now = this.sim.now;
    this.steps = this.steps.slice(0, this.applied);
    this.checkpoints = this.checkpoints.filter((c) => c.time < now || (c.time === now && c.applied <= this.applied));
    for (const index of this.explanations.keys()) if (index >= this.applied) this.explanations.delete(index);
    for (const index of this.actions.keys()) if (index >= this.applied) this.actions.delete(index);
    for (const time of this.samples.keys()) if (time > now) this.samples.delete(time);
    this.horizon = now;
    this.steps.push({ at: now - this.start, service: service as Step['service'], action, input });
    this.apply(this.steps.length - 1);
  }

  /** The scenario as played so far: every step up to now (shared links and exports replay it). */
  currentScenario(): Scenario {
    return { ...this.scenario, steps: this.steps.slice(0, Math.max(this.applied, 0)) };
  }

  /** The scenario with its scripted future too. */
  fullScenario(): Scenario {
    return { ...this.scenario, steps: this.steps };
  }

  lastStepTime(): number {
    return this.steps.length ? this.stepTime(this.steps.length - 1) : this.start;
  }

  /** Every page of an ECS List action. */
  private listAll(action: string, input: Record<string, unknown>, member: string): string[] {
    const all: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = this.sim.call('ecs', action, { ...input, maxResults: 100, ...(nextToken ? { nextToken } : {}) });
      all.push(...(page[member] ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  /** What DNS answers now (the ecsim client's ResolveDns: read-only, not an action). */
  resolve(name: string, recordType: string): DnsAnswer {
    return this.sim.call('ecsim', 'ResolveDns', { name, type: recordType }) as DnsAnswer;
  }

  /** The DNS names of the Cloud Map services (`<service>.<namespace>`). */
  dnsNames(): string[] {
    const discovery = (action: string, input: Record<string, unknown>) => this.sim.call('servicediscovery', action, input);
    const names: string[] = [];
    const namespaces = (discovery('ListNamespaces', {}).Namespaces ?? []) as { Id: string; Name: string; Type: string }[];
    for (const namespace of namespaces.filter((n) => n.Type !== 'HTTP')) {
      const filter = { Filters: [{ Name: 'NAMESPACE_ID', Values: [namespace.Id] }] };
      const services = (discovery('ListServices', filter).Services ?? []) as { Name: string; DnsConfig?: unknown }[];
      names.push(...services.filter((s) => s.DnsConfig).map((s) => `${s.Name}.${namespace.Name}`));
    }
    return names;
  }

  query(expression: string): string[] {
    return this.listAll('ListContainerInstances', { cluster: this.cluster, filter: expression }, 'containerInstanceArns');
  }

  private layout(): ClusterLayout {
    return this.sim.call('ecsim', 'DescribeClusterLayout', { cluster: this.cluster }) as ClusterLayout;
  }

  private services(): ServiceSummary[] {
    const serviceArns = this.listAll('ListServices', { cluster: this.cluster }, 'serviceArns');
    const services: ServiceSummary[] = [];
    for (let i = 0; i < serviceArns.length; i += 10) {
      const described = this.sim.call('ecs', 'DescribeServices', { cluster: this.cluster, services: serviceArns.slice(i, i + 10) });
      for (const s of described.services ?? []) {
        services.push({
          serviceName: s.serviceName, status: s.status, desiredCount: s.desiredCount, runningCount: s.runningCount, pendingCount: s.pendingCount,
          deployments: (s.deployments ?? []).map((d: any) => ({
            status: d.status, rolloutState: d.rolloutState, runningCount: d.runningCount, desiredCount: d.desiredCount,
            taskDefinition: String(d.taskDefinition ?? '').slice(String(d.taskDefinition ?? '').lastIndexOf('/') + 1),
          })),
        });
      }
    }
    return services;
  }

  /**
   * The scaling charts up to now: each service's desired, running and pending counts and the CPU
   * its running tasks hold, as sampled; its CPUUtilization as the engine published it in
   * CloudWatch (so the demand is utilization × that CPU); the cluster's CPU (ACTIVE instances and
   * Fargate tasks); and the target of each target tracking policy on the service.
   */
  scaling(): ScalingChart {
    const now = this.sim.now;
    const times = [...this.samples.keys()].filter((t) => t <= now).sort((a, b) => a - b);
    const step = Math.max(1, Math.ceil(times.length / MAX_CHART_POINTS));
    const kept = times.filter((_, i) => i % step === 0 || i === times.length - 1);
    const names = [...new Set(kept.flatMap((t) => Object.keys(this.samples.get(t)!.services)))].sort();
    const policies = (this.sim.call('application-autoscaling', 'DescribeScalingPolicies', { ServiceNamespace: 'ecs' }).ScalingPolicies ?? []) as
      { ResourceId: string; TargetTrackingScalingPolicyConfiguration?: { TargetValue: number; PredefinedMetricSpecification?: { PredefinedMetricType: string } } }[];
    const services = names.map((name) => {
      const utilization = this.sim.call('cloudwatch', 'GetMetricStatistics', {
        Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Period: 60, Statistics: ['Average'],
        Dimensions: [{ Name: 'ClusterName', Value: this.cluster }, { Name: 'ServiceName', Value: name }],
        StartTime: this.start, EndTime: now + 1,
      }).Datapoints as { Timestamp: number; Average: number }[];
      const target = policies.find((p) => p.ResourceId === `service/${this.cluster}/${name}`
        && p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType === 'ECSServiceAverageCPUUtilization');
      return {
        name,
        samples: kept.map((t) => ({ time: t, ...(this.samples.get(t)!.services[name] ?? { desired: 0, running: 0, pending: 0, cpu: 0 }) })),
        cpuUtilization: utilization.map((d) => ({ time: d.Timestamp, value: d.Average })).sort((a, b) => a.time - b.time),
        cpuTarget: target?.TargetTrackingScalingPolicyConfiguration?.TargetValue ?? null,
      };
    });
    return { start: this.start, time: now, clusterCpu: kept.map((t) => ({ time: t, value: this.samples.get(t)!.clusterCpu })), services };
  }

  /** Every Auto Scaling group's activities: a launch or a termination each, with the first sentence of its cause (why). */
  private capacityActivities(): LogEntry[] {
    const groups = (this.sim.call('autoscaling', 'DescribeAutoScalingGroups', { IncludeInstances: false }).AutoScalingGroups ?? []) as
      { AutoScalingGroupName: string }[];
    return groups.flatMap((group) => (this.sim.call('autoscaling', 'DescribeScalingActivities', { AutoScalingGroupName: group.AutoScalingGroupName })
      .Activities ?? []) as { StartTime: number; Description: string; Cause: string }[])
      .map((activity) => ({ time: activity.StartTime, kind: 'capacity' as const, text: `${activity.Description}. ${activity.Cause.split('  ')[0]}` }));
  }

  state(): EngineState {
    const now = this.sim.now;
    const layout = this.layout();
    const serviceEvents: LogEntry[] = (this.sim.events({ cluster: this.cluster }) as { createdAt: number; message: string }[])
      .map((e) => ({ time: e.createdAt, kind: 'service', text: e.message }));
    const log = [...[...this.actions.values()].flat().filter((a) => a.time <= now), ...serviceEvents, ...this.capacityActivities()]
      .sort((a, b) => a.time - b.time)
      .slice(-LOG_LIMIT);
    let explanations: Explanation[] = [];
    for (let i = this.applied - 1; i >= 0; i--) {
      const found = this.explanations.get(i);
      if (found) {
        explanations = found;
        break;
      }
    }
    return {
      services: this.services(),
      start: this.start,
      time: now,
      horizon: Math.max(this.horizon, this.lastStepTime(), now),
      layout,
      log,
      scenario: this.currentScenario(),
      explanations,
    };
  }
}
