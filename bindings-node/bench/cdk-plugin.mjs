// The CDK plugin's cost at `cdk synth`: one app of 100 task definitions and 20 services (EC2 and
// Fargate, behind load balancers), synthesized plain, with ecsim's plugin (rules only), and with
// its simulation. Each synth runs in a fresh process, as `cdk synth` does; best of 3.
//   node bench/cdk-plugin.mjs        (from bindings-node/, after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'ecsim-bench-cdk-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const app = join(dir, 'app.mjs');
writeFileSync(app, `
import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(new URL('../package.json', import.meta.url).pathname)});
const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const elbv2 = require('aws-cdk-lib/aws-elasticloadbalancingv2');
const [mode, outdir] = process.argv.slice(2);
const app = new cdk.App({ outdir });
if (mode !== 'plain') {
  const { EcsimValidator } = await import(${JSON.stringify(new URL('../lib/cdk.js', import.meta.url).href)});
  const plugin = new EcsimValidator({ simulate: mode === 'simulate' });
  const validate = plugin.validate.bind(plugin);
  plugin.validate = (context) => {
    const start = process.hrtime.bigint();
    try { return validate(context); } finally { console.error('plugin ms', Number(process.hrtime.bigint() - start) / 1e6); }
  };
  cdk.Validations.of(app).addPlugins(plugin);
}
// Four stacks of 25 task definitions and 5 services each (a stack holds at most 500 resources).
for (let s = 0; s < 4; s++) {
const stack = new cdk.Stack(app, 'Big' + s, { env: { account: '123456789012', region: 'eu-west-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0 });
const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
cluster.addCapacity('Capacity', { instanceType: new ec2.InstanceType('m5.xlarge'), desiredCapacity: 4 });
const lb = new elbv2.ApplicationLoadBalancer(stack, 'LB', { vpc, internetFacing: true });
const listener = lb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
for (let i = 0; i < 25; i++) {
  const fargate = i % 2 === 0;
  const td = fargate
    ? new ecs.FargateTaskDefinition(stack, 'Td' + i, { cpu: 512, memoryLimitMiB: 1024 })
    : new ecs.Ec2TaskDefinition(stack, 'Td' + i);
  td.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx'), memoryLimitMiB: 256, portMappings: [{ containerPort: 80 }],
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'td' + i }), healthCheck: { command: ['CMD-SHELL', 'curl -f localhost || exit 1'] } });
  if (i < 5) {
    const service = fargate
      ? new ecs.FargateService(stack, 'Service' + i, { cluster, taskDefinition: td, desiredCount: 3 })
      : new ecs.Ec2Service(stack, 'Service' + i, { cluster, taskDefinition: td, desiredCount: 3 });
    listener.addTargets('T' + i, { port: 80, targets: [service], priority: i + 1, conditions: [elbv2.ListenerCondition.pathPatterns(['/s' + i + '/*'])] });
  }
}
}
app.synth();
`);

function synth(mode) {
  let best = Infinity;
  let plugin = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = process.hrtime.bigint();
    const out = spawnSync(process.execPath, [app, mode, mkdtempSync(join(dir, 'out-'))], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (out.status !== 0) throw new Error(`${mode}: ${out.stderr}`);
    best = Math.min(best, seconds);
    const measured = /plugin ms ([\d.]+)/.exec(out.stderr);
    if (measured) plugin = Math.min(plugin, Number(measured[1]));
  }
  return { best, plugin };
}

const plain = synth('plain');
console.log(`plain synth (aws-cdk-lib's own validation on): ${plain.best.toFixed(2)} s`);
for (const mode of ['rules', 'simulate']) {
  const { best, plugin } = synth(mode);
  console.log(`with ecsim (${mode}): ${best.toFixed(2)} s (+${((best / plain.best - 1) * 100).toFixed(0)}%), the plugin's validate ${plugin.toFixed(0)} ms`);
}
