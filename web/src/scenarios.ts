// Example task definitions the playground offers; the first is the default scenario.
export interface Scenario {
  name: string;
  taskDefinition: unknown;
}

const webOnFargate = {
  family: 'web',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '512',
  memory: '1 GB',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [
    {
      name: 'app',
      image: 'public.ecr.aws/nginx/nginx:1.27',
      essential: true,
      memoryReservation: 768,
      portMappings: [{ containerPort: 80, protocol: 'tcp' }],
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 30, timeout: 5, retries: 3 },
    },
    {
      name: 'log-router',
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      essential: false,
      memoryReservation: 64,
    },
  ],
};

export const SCENARIOS: Scenario[] = [
  { name: 'Web app on Fargate (valid)', taskDefinition: webOnFargate },
  {
    name: 'Fargate size that does not exist',
    taskDefinition: { ...webOnFargate, cpu: '8 vCPU', memory: '17 GB' },
  },
  {
    name: 'awsvpc with a translated host port',
    taskDefinition: {
      family: 'api',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'api', image: 'my/api', memory: 512, portMappings: [{ containerPort: 8080, hostPort: 80 }] }],
    },
  },
  {
    name: 'CloudFormation shape with intrinsics',
    taskDefinition: {
      Family: 'worker',
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: { Ref: 'WorkerCpu' },
      Memory: '2 GB',
      ExecutionRoleArn: { 'Fn::GetAtt': ['ExecRole', 'Arn'] },
      ContainerDefinitions: [
        {
          Name: 'worker',
          Image: { 'Fn::Sub': '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/worker:latest' },
          Essential: 'true',
          Privileged: true,
          LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: 'Logs' }, 'awslogs-region': { Ref: 'AWS::Region' } } },
        },
      ],
    },
  },
  {
    name: 'Typos and missing pieces',
    taskDefinition: {
      family: 'batch job',
      networkMode: 'AWSVPC',
      containerDefinitions: [{ name: 'worker', esential: false, memory: 256, memoryReservation: 512 }],
    },
  },
];
