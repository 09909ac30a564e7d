// A CDK app synthesized by the tests with ecsim's plugin: `node app.mjs <case> <outdir> [beta1]`.
//   passes        a Fargate service behind a load balancer, scaled on CPU, and an EC2 service that fits
//   bad-taskdef   a Fargate task definition of 256 CPU units with 4096 MiB (no such size)
//   unplaceable   an EC2 service whose tasks need more memory than a t3.micro has
//   acknowledged  unplaceable, with SIM001 acknowledged on the service
import cdk from 'aws-cdk-lib';
import ec2 from 'aws-cdk-lib/aws-ec2';
import ecs from 'aws-cdk-lib/aws-ecs';
import elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { EcsimValidator } from 'ecsim/cdk';

const [kind, outdir, beta1] = process.argv.slice(2);
const plugin = new EcsimValidator();
const app = new cdk.App({ outdir, ...(beta1 ? { policyValidationBeta1: [plugin] } : {}) });
if (!beta1) cdk.Validations.of(app).addPlugins(plugin);

const stack = new cdk.Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
cluster.addCapacity('Capacity', { instanceType: new ec2.InstanceType('t3.micro'), desiredCapacity: 2 });

const web = new ecs.FargateTaskDefinition(stack, 'Web', { cpu: 256, memoryLimitMiB: kind === 'bad-taskdef' ? 4096 : 512 });
web.addContainer('web', { image: ecs.ContainerImage.fromRegistry('nginx'), portMappings: [{ containerPort: 80 }] });
const service = new ecs.FargateService(stack, 'WebService', { cluster, taskDefinition: web, desiredCount: 2 });
const lb = new elbv2.ApplicationLoadBalancer(stack, 'LB', { vpc, internetFacing: true });
lb.addListener('Http', { port: 80 }).addTargets('Web', { port: 80, targets: [service] });
service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 6 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });

const worker = new ecs.Ec2TaskDefinition(stack, 'Worker');
const memory = kind === 'unplaceable' || kind === 'acknowledged' ? 2048 : 256;
worker.addContainer('worker', { image: ecs.ContainerImage.fromRegistry('busybox'), memoryLimitMiB: memory });
const workers = new ecs.Ec2Service(stack, 'WorkerService', { cluster, taskDefinition: worker, desiredCount: 2 });
if (kind === 'acknowledged') {
  cdk.Validations.of(workers).acknowledge({ id: 'ecsim::SIM001', reason: 'the capacity is raised by hand' });
}
app.synth();
