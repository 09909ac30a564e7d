import type { CallResult, Diagnostic, ValidationOptions, ValidationResult } from '../native.cjs';
import type { ServiceClients } from './types/index.js';

export type { Diagnostic, ValidationOptions };

/** The detail types of ECS's events on EventBridge. */
export type BusEventDetailType =
  | 'ECS Task State Change'
  | 'ECS Container Instance State Change'
  | 'ECS Service Action'
  | 'ECS Deployment State Change';

/** One of ECS's events as EventBridge delivers it (`detail` is the task, container instance or action). */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': BusEventDetailType;
  source: 'aws.ecs';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: JsonObject;
}

export interface ServiceEventRecord {
  createdAt: number;
  serviceArn: string;
  id: string;
  message: string;
}

// BEGIN GENERATED config (tools/gen_api.py)
export interface SimulationConfig {
  /** Every random choice draws from a generator seeded with this (0 unless given). */
  seed?: number;
  /** Seconds since the Unix epoch at which the virtual clock starts (2025-01-01T00:00:00Z unless given). */
  startTime?: number;
  /** The simulated region (us-east-1 unless given); ARNs take their partition from it. */
  region?: string;
  /** The account in every ARN (123456789012 unless given). */
  accountId?: string;
  /** A FARGATE request's subnet nobody declared: 'assign' (default) gives it zones a, b, c in turn; 'reject' refuses it as AWS would. */
  undeclaredSubnets?: 'assign' | 'reject';
  /** Seconds per task lifecycle step, or a preset. */
  taskTimings?: 'instant' | 'default' | { provisioning?: number; pull?: number; activating?: number; deactivating?: number; stopping?: number; deprovisioning?: number; healthyAfterRunning?: number };
  /** ECS's quotas (AWS's defaults unless given). */
  quotas?: { clusters?: number; containerInstancesPerCluster?: number; servicesPerCluster?: number; tasksPerService?: number; tasksPerServiceWithServiceDiscovery?: number };
  /** Seconds a STOPPED task stays in DescribeTasks and ListTasks before the simulation forgets it (3600, the hour ECS documents). */
  stoppedTaskRetention?: number;
  /** Seconds before a custom health status reported to Cloud Map takes effect (30, as Cloud Map documents). */
  customHealthDelay?: number;
  /** A target tracking policy's low alarm is below this fraction of the target (0.9: AWS scales in once the metric is 'usually more than 10%' below it). */
  scaleInThresholdRatio?: number;
  /** ECS's service throttle: a service whose tasks repeatedly fail to start waits longer between attempts, up to 27 minutes (true unless turned off). */
  serviceThrottle?: boolean;
  /** How many of ECS's EventBridge events the default bus keeps for reading (ecsim ListBusEvents, and the bindings' events with bus), the newest (10,000 unless given; 0 keeps none). */
  eventBusRetention?: number;
  /** Seconds between an event and its delivery to the targets of the rules whose patterns it matches (0.5 unless given; above 0). */
  eventDeliveryDelay?: number;
  /** Seconds an EC2 instance takes to boot, then for its ECS agent to register it, and to shut down (30, 15 and 30 unless given). */
  instanceTimings?: { boot?: number; agentRegistration?: number; shutdown?: number };
}

export type ServiceName = "ecs" | "elbv2" | "events" | "application-autoscaling" | "cloudwatch" | "servicediscovery" | "ec2" | "autoscaling" | "ecsim";

export type ErrorName = "ALPNPolicyNotSupportedException" | "AccessDeniedException" | "ActiveInstanceRefreshNotFoundFault" | "AllocationIdNotFoundException" | "AlreadyExistsFault" | "AttributeLimitExceededException" | "AvailabilityZoneNotSupportedException" | "BlockedException" | "CaCertificatesBundleNotFoundException" | "CapacityDecreaseRequestsLimitExceededException" | "CapacityReservationPendingException" | "CapacityUnitsLimitExceededException" | "CertificateNotFoundException" | "ClientException" | "ClusterContainsCapacityProviderException" | "ClusterContainsContainerInstancesException" | "ClusterContainsServicesException" | "ClusterContainsTasksException" | "ClusterNotFoundException" | "ConcurrentModificationException" | "ConcurrentUpdateException" | "ConflictException" | "CustomHealthNotFound" | "DaemonNotActiveException" | "DaemonNotFoundException" | "DashboardInvalidInputError" | "DashboardNotFoundError" | "DeleteAssociationSameAccountException" | "DuplicateListenerException" | "DuplicateLoadBalancerNameException" | "DuplicateRequest" | "DuplicateTagKeysException" | "DuplicateTargetGroupNameException" | "DuplicateTrustStoreNameException" | "FailedResourceAccessException" | "GatewayNotFoundException" | "HealthUnavailableException" | "IdempotentCallInProgressFault" | "IdempotentParameterMismatchError" | "IllegalStatusException" | "IncompatibleProtocolsException" | "InstanceNotFound" | "InstanceRefreshInProgressFault" | "InsufficientCapacityException" | "InternalException" | "InternalServiceException" | "InternalServiceFault" | "InvalidCaCertificatesBundleException" | "InvalidConfigurationRequestException" | "InvalidEventPatternException" | "InvalidFormatFault" | "InvalidInput" | "InvalidInstanceID.Malformed" | "InvalidInstanceID.NotFound" | "InvalidInstanceType" | "InvalidLaunchTemplateId.NotFound" | "InvalidLaunchTemplateId.VersionNotFound" | "InvalidLaunchTemplateName.AlreadyExistsException" | "InvalidLaunchTemplateName.NotFoundException" | "InvalidLoadBalancerActionException" | "InvalidNextToken" | "InvalidNextTokenException" | "InvalidParameterCombination" | "InvalidParameterCombinationException" | "InvalidParameterException" | "InvalidParameterValue" | "InvalidParameterValueException" | "InvalidRevocationContentException" | "InvalidSchemeException" | "InvalidSecurityGroupException" | "InvalidStateException" | "InvalidSubnetException" | "InvalidSubnetID.NotFound" | "InvalidTargetException" | "IrreversibleInstanceRefreshFault" | "KmsAccessDeniedException" | "KmsKeyDisabledException" | "KmsKeyNotFoundException" | "LimitExceededException" | "LimitExceededFault" | "ListenerNotFoundException" | "LoadBalancerNotFoundException" | "ManagedRuleException" | "MissingParameter" | "MissingRequiredParameterException" | "MissingVersionException" | "NamespaceAlreadyExists" | "NamespaceNotFound" | "NamespaceNotFoundException" | "NoUpdateAvailableException" | "ObjectNotFoundException" | "OperationDisabledException" | "OperationNotFound" | "OperationNotPermittedException" | "PlatformTaskDefinitionIncompatibilityException" | "PlatformUnknownException" | "PolicyLengthExceededException" | "PriorRequestNotCompleteException" | "PriorityInUseException" | "RequestLimitExceeded" | "ResourceAlreadyExistsException" | "ResourceConflict" | "ResourceContentionFault" | "ResourceInUse" | "ResourceInUseException" | "ResourceInUseFault" | "ResourceLimitExceeded" | "ResourceNotFound" | "ResourceNotFoundException" | "RevocationContentNotFoundException" | "RevocationIdNotFoundException" | "RuleNotFoundException" | "SSLPolicyNotFoundException" | "ScalingActivityInProgressFault" | "ServerException" | "ServiceAlreadyExists" | "ServiceAttributesLimitExceededException" | "ServiceDeploymentNotFoundException" | "ServiceLinkedRoleFailure" | "ServiceNotActiveException" | "ServiceNotFound" | "ServiceNotFoundException" | "SubnetNotFoundException" | "TargetGroupAssociationLimitException" | "TargetGroupNotFoundException" | "TargetNotConnectedException" | "TargetNotFoundException" | "TaskSetNotFoundException" | "ThrottlingException" | "TooManyActionsException" | "TooManyCertificatesException" | "TooManyListenersException" | "TooManyLoadBalancersException" | "TooManyRegistrationsForTargetIdException" | "TooManyRulesException" | "TooManyTagsException" | "TooManyTargetGroupsException" | "TooManyTargetsException" | "TooManyTrustStoreRevocationEntriesException" | "TooManyTrustStoresException" | "TooManyUniqueTargetGroupsPerLoadBalancerException" | "TrustStoreAssociationNotFoundException" | "TrustStoreInUseException" | "TrustStoreNotFoundException" | "TrustStoreNotReadyException" | "UnsupportedFeatureException" | "UnsupportedProtocolException" | "UpdateInProgressException" | "ValidationError" | "ValidationException" | "UnknownOperationException" | "UnknownServiceError" | "InternalError";
// END GENERATED config

/** A finding in a template, with its line and column when the template was text. */
export interface LocatedDiagnostic extends Diagnostic {
  line?: number;
  column?: number;
}

export interface ResourceReport {
  logicalId: string;
  /** `$.Resources.<logicalId>` */
  templatePath: string;
  /** The CDK construct path, from `aws:cdk:path` metadata. */
  cdkPath?: string;
  diagnostics: LocatedDiagnostic[];
}

export interface TemplateReport {
  resources: ResourceReport[];
  /** Findings about the template itself (it does not parse). */
  diagnostics: LocatedDiagnostic[];
}

export type ReportFormat = 'text' | 'json' | 'sarif';

/** A running DNS server (`serveDns`). */
export interface DnsServer {
  /** The port it answers on, UDP and TCP. */
  readonly port: number;
  /** Stops answering and frees the port. */
  stop(): void;
}

/** How `advanceAsync` and `runUntilAsync` share the event loop. */
export interface ClockOptions {
  /** Stops the clock between two moments and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Wall time per slice, in milliseconds (20); the clock is looked at every 64 moments. */
  sliceMs?: number;
}

/** What both the napi module and the WASM bundle provide. */
export interface NativeModule {
  math(name: string, inputJson: string): CallResult;
  validateTaskDefinition(taskDefinitionJson: string, options?: ValidationOptions): ValidationResult;
  validateTaskDefinitionText(text: string, options?: ValidationOptions): CallResult;
  validateTemplate(template: string | object, options?: ValidationOptions): CallResult;
  formatReport(report: object, format: string, filename: string): CallResult;
  errorCodes(): string[];
  services(): { name: string; operations: string[]; errors: string[] }[];
  instanceTypes(): InstanceTypeInfo[];
  /** Every rule ecsim reports, in code order. */
  rules(): RuleInfo[];
  installTimeZones?(bundle: Uint8Array): CallResult;
  _panicProbe(): CallResult;
  NativeSimulation: new (config: SimulationConfig) => {
    readonly seed: number;
    readonly now: number;
    advance(seconds: number): CallResult;
    runUntil(time: number): CallResult;
    runUntilFor(time: number, budgetMs: number): CallResult;
    /** Node only. */
    serveDns?(port: number): DnsServer;
    checkService(service: string): CallResult;
    forkFrom(other: unknown): CallResult;
    loadScenario(scenario: unknown): CallResult;
    call(service: string, action: string, inputJson: string): CallResult;
  };
}

/** Base of every error ecsim throws; `name` and `code` are the AWS error name. */
export declare class EcsimError extends Error {
  constructor(code: string, message: string, diagnostics?: Diagnostic[]);
  readonly code: string;
  readonly diagnostics: Diagnostic[];
}

export type ErrorClasses = { EcsimError: typeof EcsimError } & Record<string, typeof EcsimError>;

export type JsonObject = { [member: string]: unknown };

/** A client for one AWS service: every action of the service, in camelCase, takes and returns the AWS shapes. */
export type Client = ServiceClients[ServiceName];

export declare class Simulation {
  constructor(config?: SimulationConfig);
  readonly seed: number;
  readonly now: number;
  /** Runs the virtual clock forward by `seconds`, with everything that falls due. */
  advance(seconds: number): void;
  /** Runs the virtual clock to `time` (seconds since the Unix epoch, not before `now`). */
  runUntil(time: number): void;
  /**
   * `advance` without holding the event loop: the clock runs in slices of about `sliceMs` (20)
   * of wall time, with a turn of the event loop between them. Same answers as `advance`.
   */
  advanceAsync(seconds: number, options?: ClockOptions): Promise<void>;
  /** `runUntil` in slices, as `advanceAsync`. */
  runUntilAsync(time: number, options?: ClockOptions): Promise<void>;
  /**
   * A DNS server on 127.0.0.1 (`port` 0: a free one) answering UDP and TCP queries for the Cloud
   * Map DNS namespaces from the live simulation, as Route 53 would. Node only.
   */
  serveDns(options?: { port?: number }): DnsServer;
  /** The whole simulation as JSON-ready data: its configuration and every call and clock move. */
  snapshot(): JsonObject;
  /** An independent simulation in the same state (clock, RNG position, journal): same calls, same future. */
  fork(): Simulation;
  /** The simulation a snapshot() was taken of, in the same state, with the same future. */
  static restore(snapshot: JsonObject): Simulation;
  /** The simulation a scenario builds (config, fleet, task definitions, timed steps). */
  static fromScenario(scenario: Scenario): Simulation;
  /** After fromScenario: each step's answer, in order. */
  readonly scenarioOutputs?: JsonObject[];
  /** Every service event so far, oldest first, as ECS words them. */
  events(options?: { cluster?: string; since?: number; bus?: false }): ServiceEventRecord[];
  /** ECS's events on the default EventBridge bus, oldest first, as EventBridge hands them to targets. */
  events(options: { bus: true; since?: number; detailType?: BusEventDetailType; pattern?: JsonObject | string }): BusEvent[];
  call(service: string, action: string, input?: JsonObject): JsonObject;
  /** A typed client (boto3's `client(...)`): each simulated action in camelCase, AWS's member names. */
  client<S extends ServiceName>(service: S): ServiceClients[S];
}

/** A rule ecsim reports (docs/rules.md). */
export interface RuleInfo {
  code: string;
  name: string;
  severity: 'error' | 'warning' | 'security';
  summary: string;
  why: string;
  /** The AWS documentation the rule follows. */
  source: string;
}

/** An EC2 instance type of the catalog and what ECS registers for it. */
export interface InstanceTypeInfo {
  name: string;
  vcpus: number;
  memoryMiB: number;
  maxEnis: number;
  gpus: number;
  architecture: 'x86_64' | 'arm64';
  registeredCpu: number;
  registeredMemory: number;
}

/** A simulation as data: the format the playground shares and exports (docs/scenarios.md). */
export interface Scenario {
  version: 1;
  name?: string;
  config?: SimulationConfig;
  cluster?: string;
  fleet?: { instanceType: string; availabilityZone: string; count?: number; attributes?: Record<string, string> }[];
  taskDefinitions?: JsonObject[];
  steps?: { at?: number; service: ServiceName; action: string; input?: JsonObject }[];
}

/** AWS's StepAdjustment. */
export interface StepAdjustment { MetricIntervalLowerBound?: number; MetricIntervalUpperBound?: number; ScalingAdjustment: number }

/** The scaling math: the pure functions behind the simulation's decisions, in AWS's terms. */
export interface ScalingMath {
  /** ceil(capacity × metric / target); from 0 tasks a metric above the target proposes 1. */
  targetTrackingCapacity(capacity: number, metricValue: number, targetValue: number): number;
  /** The ScalingAdjustment of the step matching `metricValue` against the alarm `threshold`, or null. */
  stepAdjustment(stepAdjustments: StepAdjustment[], metricValue: number, threshold: number): number | null;
  /** The capacity an adjustment gives (percent changes rounded as documented); never below 0. */
  applyAdjustment(capacity: number, adjustment: number, adjustmentType: 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity', minAdjustmentMagnitude?: number): number;
  /** At least ceil(desired × minimumHealthyPercent / 100) healthy, at most floor(desired × maximumPercent / 100) in all. */
  rollingUpdateBounds(desiredCount: number, minimumHealthyPercent: number, maximumPercent: number): { minimum: number; maximum: number };
  /** Failed tasks that trip the deployment circuit breaker: ceil(desired / 2) within [3, 200]. */
  circuitBreakerThreshold(desiredCount: number): number;
  /** CapacityProviderReservation in percent (200 from zero instances with tasks waiting). */
  capacityProviderReservation(instancesNeeded: number, instancesRunning: number): number;
  /** How `total` tasks split over a strategy: bases first, then by weight, the leftover by largest remainder. */
  capacityProviderSplit(total: number, capacityProviderStrategy: { capacityProvider: string; base?: number; weight?: number }[]): Record<string, number>;
  /** Fire times (epoch seconds) of a schedule expression after `start` and up to `end`. */
  fireTimes(expression: string, start: number | string, end: number | string, timezone?: string): number[];
  /** Kubernetes HPA: ceil(current × metric / target), or current while the ratio is within the tolerance (0.1). */
  hpaDesiredReplicas(currentReplicas: number, metricValue: number, targetValue: number, tolerance?: number): number;
  /** The same CPU demand trace through the Kubernetes HPA algorithm: each change of the replicas, with its numbers. */
  hpaReplay(trace: { at: number; cpu: number }[], options: HpaReplayOptions): HpaChange[];
}

/** An HPA scaling policy: at most `value` pods or percent of change per `periodSeconds`. */
export interface HpaPolicy { type: 'Pods' | 'Percent'; value: number; periodSeconds: number }

/** `behavior.scaleUp` or `behavior.scaleDown` of an autoscaling/v2 HorizontalPodAutoscaler. */
export interface HpaScalingRules { stabilizationWindowSeconds?: number; selectPolicy?: 'Max' | 'Min' | 'Disabled'; policies?: HpaPolicy[]; tolerance?: number }

export interface HpaReplayOptions {
  /** Each pod's CPU request, in CPU units (the trace's unit). */
  podCpu: number;
  /** averageUtilization, percent of the request. */
  targetUtilization: number;
  /** Replicas at the trace's start. */
  replicas: number;
  minReplicas?: number;
  maxReplicas: number;
  behavior?: { scaleUp?: HpaScalingRules; scaleDown?: HpaScalingRules };
  /** The controller's --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance?: number;
  /** The controller's sync period, seconds (15). */
  syncPeriod?: number;
  /** Last sync, seconds (the trace's last point). */
  until?: number;
}

export interface HpaChange {
  at: number;
  from: number;
  to: number;
  utilization: number;
  desired: number;
  stabilized: number;
  limitedBy: 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas' | null;
}

export interface Api {
  math: ScalingMath;
  instanceTypes(): InstanceTypeInfo[];
  /** Every rule ecsim reports, in code order. */
  rules(): RuleInfo[];
  /** The browser bundle: installs the time zone database (tzdb.bin) it leaves out of its first load. */
  installTimeZones(bundle: Uint8Array): number;
  /** A task definition as JSON text: its diagnostics with line and column (throws InvalidParameterException when the text is not JSON). */
  validateTaskDefinitionText(text: string, options?: ValidationOptions): LocatedDiagnostic[];
  validateTaskDefinition(taskDefinition: unknown, options?: ValidationOptions): Diagnostic[];
  validateTemplate(template: string | object, options?: ValidationOptions): TemplateReport;
  formatReport(report: TemplateReport, format?: ReportFormat, filename?: string): string;
  Simulation: typeof Simulation;
  errors: ErrorClasses;
  _panicProbe(): void;
}

export declare function makeApi(native: NativeModule): Api;
