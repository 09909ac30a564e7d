// The messages between the page and the engine's Web Worker. The worker owns the simulation;
// the page only draws what it is sent.
import type { InstanceTypeInfo } from '../../../bindings-node/lib/api.js';
import type { Scenario } from '../scenario/scenario';

export type { InstanceTypeInfo };

export interface LocatedDiagnostic {
  code: string;
  severity: string;
  path: string;
  message: string;
  help?: string;
  fix?: import('../editor/fixes').Fix;
  line?: number;
  column?: number;
}

export interface LayoutResources { cpu: number; memory: number; gpus: number; enis: number; ports: number }

export interface LayoutInstance {
  containerInstanceArn: string;
  ec2InstanceId: string;
  instanceType: string | null;
  availabilityZone: string | null;
  status: string;
  agentConnected: boolean;
  registered: LayoutResources;
  remaining: LayoutResources;
  runningTasksCount: number;
  pendingTasksCount: number;
  attributes: Record<string, string>;
}

/** DescribeClusterLayout's answer: tasks as columns, a row per task that is not STOPPED. */
export interface ClusterLayout {
  clusterArn: string;
  time: number;
  instances: LayoutInstance[];
  tasks: {
    taskArn: string[];
    instance: number[];
    availabilityZone: (string | null)[];
    group: string[];
    lastStatus: string[];
    desiredStatus: string[];
    healthStatus: string[];
    cpu: number[];
    memory: number[];
    capacityProviderName: (string | null)[];
    createdAt: number[];
  };
}

export interface Rejection { containerInstanceArn: string; reason: string }
export interface Explanation {
  containerInstanceArn: string | null;
  rejected: Rejection[];
  strategies: { type: string; field?: string; kept: string[] }[];
}

export interface LogEntry {
  time: number;
  kind: 'action' | 'placement' | 'failure' | 'service' | 'capacity' | 'fault' | 'error';
  text: string;
  /** Instances or tasks the entry is about, for the board to highlight. */
  refs?: string[];
}

export interface ServiceSummary {
  serviceName: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  deployments: { status: string; rolloutState?: string; runningCount: number; desiredCount: number; taskDefinition: string }[];
}

/** A service at one moment, as the scaling charts draw it. */
export interface ServiceSample { desired: number; running: number; pending: number; cpu: number }

/** The scaling panel's charts, up to now. */
export interface ScalingChart {
  start: number;
  time: number;
  /** CPU units of the cluster: its ACTIVE container instances' and its running Fargate tasks'. */
  clusterCpu: { time: number; value: number }[];
  services: {
    name: string;
    samples: ({ time: number } & ServiceSample)[];
    /** AWS/ECS CPUUtilization as published, per minute. */
    cpuUtilization: { time: number; value: number }[];
    /** The target of a target tracking policy on the service's CPU, if it has one. */
    cpuTarget: number | null;
  }[];
}

/** A record as the ecsim client's ResolveDns gives it (`data` as a zone file writes it). */
export interface DnsRecord { name: string; type: string; ttl: number; data: string }

/** What DNS answers now for a name in the Cloud Map DNS namespaces. */
export interface DnsAnswer {
  rcode: string;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

/** What the page sees after every change. */
export interface EngineState {
  start: number;
  time: number;
  /** The latest time reached in this timeline (scrubbing back keeps it until a new action). */
  horizon: number;
  layout: ClusterLayout;
  log: LogEntry[];
  scenario: Scenario;
  /** The explanations of the last placement the page asked for, one per task. */
  explanations: Explanation[];
  services: ServiceSummary[];
}

export type Request =
  | { type: 'load'; scenario: Scenario; time?: number }
  | { type: 'advance'; seconds: number }
  | { type: 'seek'; time: number }
  | { type: 'act'; service: string; action: string; input: Record<string, unknown> }
  | { type: 'query'; expression: string }
  | { type: 'validate'; text: string; security: boolean }
  | { type: 'catalog' }
  | { type: 'export' }
  | { type: 'resolve'; name: string; recordType: string }
  | { type: 'scaling' };

export type Response =
  | { type: 'state'; state: EngineState }
  | { type: 'query'; matches: string[]; error?: string }
  | { type: 'validate'; diagnostics: LocatedDiagnostic[]; error?: string }
  | { type: 'catalog'; types: InstanceTypeInfo[] }
  | { type: 'export'; scenario: Scenario; fullScenario: Scenario; time: number }
  | { type: 'resolve'; answer: DnsAnswer; names: string[] }
  | { type: 'scaling'; chart: ScalingChart }
  | { type: 'error'; message: string };
