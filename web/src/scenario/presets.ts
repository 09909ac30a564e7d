// The playground's preset scenarios; the first is what `./dev serve` opens. Each one is a script:
// its steps happen on the clock as the playground plays, so placement happens before your eyes.
import type { Scenario } from './scenario';

const zones = (region: string, letters: string) => [...letters].map((l) => `${region}${l}`);

const web = {
  family: 'web',
  networkMode: 'bridge',
  containerDefinitions: [
    { name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', essential: true, cpu: 256, memory: 512,
      portMappings: [{ containerPort: 80, hostPort: 0 }],
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 10, timeout: 5, retries: 3 } },
  ],
};

const worker = {
  family: 'worker',
  containerDefinitions: [{ name: 'worker', image: 'my/worker:2', essential: true, cpu: 1024, memory: 1536 }],
};

const spreadThenBinpack = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'binpack', field: 'memory' },
];

export const PRESETS: { id: string; title: string; scenario: Scenario }[] = [
  {
    id: 'web-tier',
    title: 'A web tier across three zones',
    scenario: {
      version: 1,
      name: 'A web tier across three zones',
      config: { seed: 7 },
      cluster: 'prod',
      fleet: [
        ...zones('us-east-1', 'abc').map((availabilityZone) => ({ instanceType: 'm6i.large', availabilityZone, count: 3, attributes: { tier: 'web' } })),
        ...zones('us-east-1', 'ab').map((availabilityZone) => ({ instanceType: 'c6i.xlarge', availabilityZone, attributes: { tier: 'jobs' } })),
      ],
      taskDefinitions: [web, worker],
      steps: [
        { at: 5, service: 'ecs', action: 'CreateService', input: { cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 9,
          placementStrategy: spreadThenBinpack, placementConstraints: [{ type: 'memberOf', expression: 'attribute:tier == web' }] } },
        { at: 60, service: 'ecs', action: 'RunTask', input: { cluster: 'prod', taskDefinition: 'worker', count: 6,
          placementStrategy: [{ type: 'binpack', field: 'cpu' }], placementConstraints: [{ type: 'memberOf', expression: 'attribute:tier == jobs' }] } },
        { at: 150, service: 'ecs', action: 'UpdateService', input: { cluster: 'prod', service: 'web', desiredCount: 15 } },
      ],
    },
  },
  {
    id: 'batch',
    title: 'A batch cluster',
    scenario: {
      version: 1,
      name: 'A batch cluster',
      config: { seed: 11 },
      cluster: 'batch',
      fleet: [
        { instanceType: 'c6i.2xlarge', availabilityZone: 'us-east-1a', count: 4 },
        { instanceType: 'c6i.xlarge', availabilityZone: 'us-east-1b', count: 4 },
      ],
      taskDefinitions: [worker],
      steps: [
        { at: 5, service: 'ecsim', action: 'PlaceTasks', input: { cluster: 'batch', taskDefinition: 'worker', count: 30, placementStrategy: [{ type: 'binpack', field: 'cpu' }] } },
      ],
    },
  },
  {
    id: 'graviton',
    title: 'A mixed Graviton fleet',
    scenario: {
      version: 1,
      name: 'A mixed Graviton fleet',
      config: { seed: 5 },
      cluster: 'mixed',
      fleet: [
        ...zones('us-east-1', 'ab').map((availabilityZone) => ({ instanceType: 'm7g.large', availabilityZone, count: 3 })),
        ...zones('us-east-1', 'ab').map((availabilityZone) => ({ instanceType: 'm6i.large', availabilityZone, count: 2 })),
      ],
      taskDefinitions: [
        { ...web, family: 'api-arm', runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' } },
        { ...web, family: 'legacy-x86', runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' } },
      ],
      steps: [
        { at: 5, service: 'ecs', action: 'CreateService', input: { cluster: 'mixed', serviceName: 'api', taskDefinition: 'api-arm', desiredCount: 10, placementStrategy: spreadThenBinpack } },
        { at: 30, service: 'ecs', action: 'CreateService', input: { cluster: 'mixed', serviceName: 'legacy', taskDefinition: 'legacy-x86', desiredCount: 6, placementStrategy: spreadThenBinpack } },
      ],
    },
  },
  {
    id: 'gpu',
    title: 'A GPU pool',
    scenario: {
      version: 1,
      name: 'A GPU pool',
      config: { seed: 3 },
      cluster: 'ml',
      fleet: [
        { instanceType: 'g4dn.xlarge', availabilityZone: 'us-east-1a', count: 3 },
        { instanceType: 'g5.12xlarge', availabilityZone: 'us-east-1b', count: 1 },
      ],
      taskDefinitions: [
        { family: 'trainer', containerDefinitions: [{ name: 'train', image: 'my/trainer', essential: true, cpu: 2048, memory: 8192,
          resourceRequirements: [{ type: 'GPU', value: '1' }] }] },
      ],
      steps: [
        { at: 5, service: 'ecs', action: 'RunTask', input: { cluster: 'ml', taskDefinition: 'trainer', count: 8, placementStrategy: [{ type: 'binpack', field: 'memory' }] } },
      ],
    },
  },
  {
    id: 'fargate',
    title: 'A Fargate-only cluster',
    scenario: {
      version: 1,
      name: 'A Fargate-only cluster',
      config: { seed: 9, undeclaredSubnets: 'reject' },
      cluster: 'serverless',
      taskDefinitions: [
        { family: 'api', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '512', memory: '1024',
          containerDefinitions: [{ name: 'api', image: 'my/api', essential: true, portMappings: [{ containerPort: 8080 }] }] },
      ],
      steps: [
        ...['a', 'b', 'c'].map((l) => ({ service: 'ecsim' as const, action: 'CreateSubnet', input: { subnetId: `subnet-${l}`, availabilityZone: `us-east-1${l}` } })),
        { service: 'ecs', action: 'PutClusterCapacityProviders', input: { cluster: 'serverless', capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 2, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }] } },
        // Cloud Map: the service's tasks answer for api.internal. The ids are the ones this seed gives.
        { service: 'servicediscovery', action: 'CreatePrivateDnsNamespace', input: { Name: 'internal', Vpc: 'vpc-0serverless' } },
        { service: 'servicediscovery', action: 'CreateService', input: { Name: 'api', NamespaceId: 'ns-1x0olqnjxbhniwwf',
          DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] } } },
        { at: 5, service: 'ecs', action: 'CreateService', input: { cluster: 'serverless', serviceName: 'api', taskDefinition: 'api', desiredCount: 8,
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b', 'subnet-c'] } },
          serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-58vc4kv9onzqupd5' }] } },
      ],
    },
  },
  {
    id: 'capacity',
    title: 'Cluster auto scaling from zero',
    scenario: {
      version: 1,
      name: 'Cluster auto scaling from zero',
      config: { seed: 13 },
      cluster: 'batch',
      taskDefinitions: [worker],
      steps: [
        // Instances whose user data names the cluster (`echo ECS_CLUSTER=batch >> /etc/ecs/ecs.config`, in base64).
        { service: 'ec2', action: 'CreateLaunchTemplate', input: { LaunchTemplateName: 'batch',
          LaunchTemplateData: { InstanceType: 'c6i.xlarge', UserData: 'IyEvYmluL2Jhc2gKZWNobyBFQ1NfQ0xVU1RFUj1iYXRjaCA+PiAvZXRjL2Vjcy9lY3MuY29uZmlnCg==' } } },
        { service: 'autoscaling', action: 'CreateAutoScalingGroup', input: { AutoScalingGroupName: 'batch', LaunchTemplate: { LaunchTemplateName: 'batch' },
          MinSize: 0, MaxSize: 12, DesiredCapacity: 0, AvailabilityZones: zones('us-east-1', 'abc'), NewInstancesProtectedFromScaleIn: true } },
        { service: 'ecs', action: 'CreateCapacityProvider', input: { name: 'batch', autoScalingGroupProvider: { autoScalingGroupArn: 'batch',
          managedScaling: { status: 'ENABLED', targetCapacity: 100 }, managedTerminationProtection: 'ENABLED' } } },
        { service: 'ecs', action: 'PutClusterCapacityProviders', input: { cluster: 'batch', capacityProviders: ['batch'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'batch', weight: 1 }] } },
        // Twenty jobs on a cluster with no instance: they wait in PROVISIONING while managed scaling launches instances.
        { at: 5, service: 'ecs', action: 'RunTask', input: { cluster: 'batch', taskDefinition: 'worker', count: 10 } },
        { at: 5, service: 'ecs', action: 'RunTask', input: { cluster: 'batch', taskDefinition: 'worker', count: 10 } },
      ],
    },
  },
  {
    id: 'autoscaling',
    title: 'Auto scaling through a load curve',
    scenario: {
      version: 1,
      name: 'Auto scaling through a load curve',
      config: { seed: 5 },
      cluster: 'shop',
      taskDefinitions: [
        { family: 'web', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
          containerDefinitions: [{ name: 'web', image: 'my/web', essential: true, portMappings: [{ containerPort: 8080 }] }] },
      ],
      steps: [
        ...['a', 'b', 'c'].map((l) => ({ service: 'ecsim' as const, action: 'CreateSubnet', input: { subnetId: `subnet-${l}`, availabilityZone: `us-east-1${l}` } })),
        { service: 'ecs', action: 'PutClusterCapacityProviders', input: { cluster: 'shop', capacityProviders: ['FARGATE'],
          defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] } },
        { at: 5, service: 'ecs', action: 'CreateService', input: { cluster: 'shop', serviceName: 'web', taskDefinition: 'web', desiredCount: 2,
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b', 'subnet-c'] } } } },
        { at: 5, service: 'application-autoscaling', action: 'RegisterScalableTarget', input: { ServiceNamespace: 'ecs', ResourceId: 'service/shop/web',
          ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 12 } },
        { at: 5, service: 'application-autoscaling', action: 'PutScalingPolicy', input: { ServiceNamespace: 'ecs', ResourceId: 'service/shop/web',
          ScalableDimension: 'ecs:service:DesiredCount', PolicyName: 'cpu50', PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } } },
        // An hour of traffic, in CPU units: quiet, a rise to a peak at 30 minutes, quiet again.
        { at: 5, service: 'ecsim', action: 'PutServiceLoad', input: { cluster: 'shop', service: 'web', repeatEvery: 3600,
          trace: [0, 150, 300, 600, 900, 1200, 1300, 1200, 900, 600, 300, 150].map((cpu, i) => ({ at: i * 300, cpu: cpu || 100 })) } },
      ],
    },
  },
];

export const DEFAULT_PRESET = PRESETS[0];
