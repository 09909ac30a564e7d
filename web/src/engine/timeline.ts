// A scenario played on the virtual clock, with the way back: forks of the simulation kept at
// every step and every CHECKPOINT_SECONDS, so that scrubbing to any moment is a fork and at most
// CHECKPOINT_SECONDS of simulation. Acting at a moment in the past starts a new timeline there.
import type { Scenario, Step } from '../scenario/scenario';
import type { ClusterLayout, DnsAnswer, EngineState, Explanation, LogEntry, ServiceSummary } from './protocol';
import { describeOutcome } from './describe';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Api = any;
type Simulation = any;

export const CHECKPOINT_SECONDS = 60;
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
  private actions: LogEntry[] = [];
  private explanations = new Map<number, Explanation[]>();

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

  /** Runs the clock to `time`, leaving a checkpoint at every multiple of CHECKPOINT_SECONDS on the way. */
  private runTo(time: number): void {
    let next = this.start + (Math.floor((this.sim.now - this.start) / CHECKPOINT_SECONDS) + 1) * CHECKPOINT_SECONDS;
    while (next <= time) {
      this.sim.runUntil(next);
      this.checkpoint();
      next += CHECKPOINT_SECONDS;
    }
    this.sim.runUntil(time);
    this.horizon = Math.max(this.horizon, time);
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
      this.actions.push(...describeOutcome(step, output, time, this.instanceLabel()));
      if (output?.explanations) this.explanations.set(index, output.explanations);
    } catch (error) {
      this.actions.push({ time, kind: 'error', text: `${step.action}: ${(error as Error).name}: ${(error as Error).message}` });
    }
    this.applied = index + 1;
    this.checkpoint();
  }

  /** Container instance ARN (or id) → its EC2 instance id, as the board labels instances. */
  private instanceLabel(): (reference: string) => string {
    const layout = this.sim.call('ecsim', 'DescribeClusterLayout', { cluster: this.cluster }) as ClusterLayout;
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
    this.actions = this.actions.filter((a) => a.time <= now);
    for (const index of this.explanations.keys()) if (index >= this.applied) this.explanations.delete(index);
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

  state(): EngineState {
    const now = this.sim.now;
    const layout = this.sim.call('ecsim', 'DescribeClusterLayout', { cluster: this.cluster }) as ClusterLayout;
    const serviceEvents: LogEntry[] = (this.sim.events({ cluster: this.cluster }) as { createdAt: number; message: string }[])
      .map((e) => ({ time: e.createdAt, kind: 'service', text: e.message }));
    const log = [...this.actions.filter((a) => a.time <= now), ...serviceEvents]
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
    return {
      services,
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
