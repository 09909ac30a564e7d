import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ecsim from '../lib/index.js';
import { replay, vectorFiles } from './replay.mjs';
import { seamTests } from './seam.mjs';
import { engine as native } from '../lib/native.js';

seamTests('napi', native, ecsim, ecsim);

test('the package runs on the napi addon where it loads', () => {
  assert.equal(ecsim.backend, 'native');
});

const TD = { family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512 }] };

for (const file of vectorFiles()) {
  test(`vector ${file.split('/tests/vectors/')[1]}`, () => {
    assert.deepEqual(replay(ecsim, file), []);
  });
}

test('validation returns diagnostics as plain objects', () => {
  const bad = { ...TD, networkMode: 'awsvpc', containerDefinitions: [{ ...TD.containerDefinitions[0], portMappings: [{ containerPort: 80, hostPort: 8080 }] }] };
  const [diagnostic, ...rest] = ecsim.validateTaskDefinition(bad);
  assert.equal(rest.length, 0);
  assert.equal(diagnostic.code, 'TD301');
  assert.equal(diagnostic.severity, 'error');
  assert.equal(diagnostic.path, '$.containerDefinitions[0].portMappings[0].hostPort');
  assert.deepEqual(ecsim.validateTaskDefinition(TD), []);
  assert.deepEqual(ecsim.validateTaskDefinition(undefined).map((d) => d.code), ['API002']);
});

test('clients use camelCase action names and the AWS shapes', () => {
  const sim = new ecsim.Simulation({ seed: 3 });
  const ecs = sim.client('ecs');
  const out = ecs.registerTaskDefinition(TD);
  assert.match(out.taskDefinition.taskDefinitionArn, /:task-definition\/web:1$/);
  assert.equal(ecs.describeTaskDefinition({ taskDefinition: 'web:1' }).taskDefinition.revision, 1);
  assert.equal(sim.seed, 3);
  assert.equal(ecs.then, undefined, 'a client is not a thenable');
});

test('errors are typed, named after AWS and carry diagnostics', () => {
  const sim = new ecsim.Simulation();
  const ecs = sim.client('ecs');
  assert.throws(
    () => ecs.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'app' }] }),
    (error) => {
      assert.ok(error instanceof ecs.exceptions.ClientException);
      assert.ok(error instanceof ecsim.EcsimError);
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'ClientException');
      assert.equal(error.code, 'ClientException');
      assert.equal(error.message, 'Container.image should not be null or empty.');
      assert.deepEqual(error.diagnostics.map((d) => d.code).sort(), ['TD104', 'TD205']);
      return true;
    },
  );
  assert.throws(() => ecs.describeTaskDefinition({ taskDefinition: 'web' }), { name: 'ClientException' });
  assert.throws(() => sim.client('s3'), { name: 'UnknownServiceError' });
  assert.throws(() => ecs.launchRocket(), { name: 'UnknownOperationException' });
  assert.throws(() => sim.advance(-5), { name: 'InvalidParameterException' });
  sim.runUntil(sim.now + 60);
  assert.throws(() => sim.runUntil(sim.now - 1), { name: 'InvalidParameterException' });
  assert.throws(() => new ecsim.Simulation({ taskTimings: { pull: -1 } }), /taskTimings.pull/);
  assert.throws(() => new ecsim.Simulation({ colour: 'blue' }), /colour/);
});

test('a panic in the core becomes an InternalError, not a crash', () => {
  assert.throws(() => ecsim._panicProbe(), (error) => error instanceof ecsim.InternalError && /deliberate panic/.test(error.message));
  assert.deepEqual(ecsim.validateTaskDefinition(TD), []);
});

test('templates: YAML text gives lines, reports render as SARIF and text', async () => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(new URL('../../tests/templates/api.template.yaml', import.meta.url), 'utf8');
  const report = ecsim.validateTemplate(text);
  const [first] = report.resources[0].diagnostics;
  assert.deepEqual([first.code, first.line, first.column], ['TD203', 12, 7]);
  const sarif = JSON.parse(ecsim.formatReport(report, 'sarif', 'api.template.yaml'));
  assert.equal(sarif.version, '2.1.0');
  assert.match(ecsim.formatReport(report), /^template:12:7: error TD203 \[Api\]/);
  assert.throws(() => ecsim.formatReport(report, 'html'), { name: 'InvalidParameterException' });
});

test('bulk placement through the ecsim client', () => {
  const sim = new ecsim.Simulation({ seed: 1 });
  const ecs = sim.client('ecs');
  ecs.createCluster({ clusterName: 'bulk' });
  for (const zone of ['us-east-1a', 'us-east-1b']) ecs.registerContainerInstance({ cluster: 'bulk', instanceType: 'm5.xlarge', availabilityZone: zone });
  ecs.registerTaskDefinition({ family: 'w', containerDefinitions: [{ name: 'a', image: 'x', memoryReservation: 256 }] });
  const out = sim.client('ecsim').placeTasks({ cluster: 'bulk', taskDefinition: 'w', count: 40, placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] });
  assert.equal(out.placements.taskArn.length, 40);
  assert.equal(out.placements.availabilityZone.filter((zone) => zone === 'us-east-1b').length, 20);
});

/** A service of two on one instance, a minute in (RUNNING at 11 s, healthy 40 s later). */
function webService() {
  const sim = new ecsim.Simulation({ seed: 4 });
  const ecs = sim.client('ecs');
  ecs.createCluster({ clusterName: 'c' });
  ecs.registerContainerInstance({ cluster: 'c', instanceType: 'm5.large', availabilityZone: 'us-east-1a' });
  ecs.registerTaskDefinition({ family: 'w', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] });
  ecs.createService({ cluster: 'c', serviceName: 'web', taskDefinition: 'w', desiredCount: 2 });
  sim.advance(60);
  return { sim, ecs };
}

test('service events read like ECS', () => {
  const { sim, ecs } = webService();
  const messages = sim.events({ cluster: 'c' }).map((event) => event.message);
  assert.match(messages[0], /^\(service web\) has started 2 tasks: \(task /);
  assert.equal(messages.at(-1), '(service web) has reached a steady state.');
  assert.throws(() => ecs.updateService({ cluster: 'c', service: 'nope', desiredCount: 1 }), { name: 'ServiceNotFoundException' });
});

test('the event bus reads as EventBridge events; a pattern narrows it', () => {
  const { sim } = webService();
  const deployments = sim.events({ bus: true, detailType: 'ECS Deployment State Change' });
  assert.deepEqual(deployments.map((e) => e.detail.eventName), ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']);
  const running = sim.events({ bus: true, pattern: { detail: { lastStatus: ['RUNNING'] } } });
  assert.equal(running.length, 2);
  assert.equal(running[0]['detail-type'], 'ECS Task State Change');
  assert.equal(sim.events({ bus: true, pattern: '{"detail":{"eventName":["SERVICE_STEADY_STATE"]}}' }).length, 1);
  assert.throws(() => sim.events({ bus: true, cluster: 'c' }), TypeError);
  assert.throws(() => sim.events({ pattern: {} }), TypeError);
  assert.throws(() => sim.events({ bus: true, pattern: { source: 'aws.ecs' } }), { name: 'InvalidParameterException' });
  const result = sim.client('events').testEventPattern({ EventPattern: '{"source":["aws.ecs"]}', Event: JSON.stringify(running[0]) });
  assert.equal(result.Result, true);
});

test('instanceTypes lists the catalog; text validation locates findings and carries fixes', async () => {
  const { instanceTypes, validateTaskDefinitionText, validateTaskDefinition, InvalidParameterException } = await import('../lib/index.js');
  const types = Object.fromEntries(instanceTypes().map((t) => [t.name, t]));
  assert.equal(types['m5.large'].registeredCpu, 2048);
  assert.equal(types['m7g.large'].architecture, 'arm64');
  assert.ok(Object.keys(types).length > 1000 && types['t3a.large'].burstable && !types['m5.large'].burstable);
  const text = '{\n  "family": "api",\n  "networkMode": "awsvpc",\n  "containerDefinitions": [{"name": "api", "image": "x", "memory": 512,\n    "portMappings": [{"containerPort": 8080, "hostPort": 80}]}]\n}';
  const [finding] = validateTaskDefinitionText(text);
  assert.deepEqual([finding.code, finding.line, finding.column], ['TD301', 5, 46]);
  assert.deepEqual(finding.fix, { kind: 'set', title: 'Set hostPort to 8080', path: '$.containerDefinitions[0].portMappings[0].hostPort', value: 8080 });
  assert.deepEqual(validateTaskDefinition(JSON.parse(text))[0].fix, finding.fix);
  assert.throws(() => validateTaskDefinitionText('{'), InvalidParameterException);
});

test('Date objects and SDK answers are taken as the AWS SDK takes them', () => {
  const sim = new ecsim.Simulation({ seed: 1 });
  const cw = sim.client('cloudwatch');
  cw.putMetricData({ Namespace: 'Shop', MetricData: [
    { MetricName: 'Orders', Value: 1, Timestamp: new Date('2025-01-01T00:00:30Z') },
    { MetricName: 'Orders', Value: 2, Timestamp: '2025-01-01T01:01:15+01:00' },
  ] });
  const stats = cw.getMetricStatistics({ Namespace: 'Shop', MetricName: 'Orders', StartTime: new Date('2025-01-01T00:00:00Z'),
    EndTime: 1735689600 + 300, Period: 60, Statistics: ['Sum'] });
  assert.deepEqual(stats.Datapoints.map((p) => [p.Timestamp, p.Sum]), [[1735689600, 1], [1735689660, 2]]);
  // A GetMetricData answer from the JS SDK v3 carries $metadata; replayed as a load it is ignored.
  const ecs = sim.client('ecs');
  ecs.createCluster({ clusterName: 'shop', capacityProviders: ['FARGATE'] });
  ecs.registerTaskDefinition({ family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'web', image: 'nginx' }] });
  ecs.createService({ cluster: 'shop', serviceName: 'web', taskDefinition: 'web', desiredCount: 2, launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } });
  const loaded = sim.client('ecsim').putServiceLoad({ cluster: 'shop', service: 'web', metricDataAs: 'cpu', metricData: {
    MetricDataResults: [{ Id: 'cpu', Timestamps: [new Date('2024-11-14T22:15:00Z'), new Date('2024-11-14T22:14:00Z')], Values: [512, 256] }],
    $metadata: { httpStatusCode: 200 } } });
  assert.equal(loaded.points, 2);
});
