// The service seam through a JS binding (napi or WASM): the generated lists equal the core's
// registry, every action is shape-checked alike, configuration members, and forks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVICES, ERROR_NAMES, CONFIG_MEMBERS } from '../lib/services.js';

const declarations = readFileSync(new URL('../lib/index.d.ts', import.meta.url), 'utf8');
const apiDeclarations = readFileSync(new URL('../lib/api.d.ts', import.meta.url), 'utf8');

export function seamTests(label, native, api, exported = undefined) {
  test(`${label}: the generated registry is the core's`, () => {
    const fromCore = Object.fromEntries(native.services().map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(fromCore), Object.keys(SERVICES));
    for (const [name, { operations, errors }] of Object.entries(SERVICES)) {
      assert.deepEqual(operations, fromCore[name].operations);
      assert.deepEqual(errors, fromCore[name].errors);
    }
    assert.deepEqual([...native.errorCodes()].sort(), [...ERROR_NAMES].sort());
    const serviceNames = apiDeclarations.match(/export type ServiceName = (.*);/)[1];
    assert.deepEqual(serviceNames.split(' | ').map((n) => JSON.parse(n)), Object.keys(SERVICES));
  });

  test(`${label}: every error class exists, is declared, and each client has its service's`, () => {
    for (const name of ERROR_NAMES) {
      assert.equal(api.errors[name].name, name);
      assert.ok(new api.errors[name](name, 'm') instanceof api.errors.EcsimError);
      // EC2's dotted codes (InvalidSubnetID.NotFound) are exported without their dots.
      const identifier = name.replaceAll('.', '');
      assert.match(declarations, new RegExp(`export declare const ${identifier}: ErrorClass;`));
      if (exported) assert.equal(exported[identifier], api.errors[name], name);
    }
    const sim = new api.Simulation();
    for (const [service, { errors }] of Object.entries(SERVICES)) {
      assert.deepEqual(Object.keys(sim.client(service).exceptions).sort(), ['EcsimError', ...errors].sort());
    }
  });

  test(`${label}: hostile inputs are refused naming where, and the simulation goes on`, () => {
    const sim = new api.Simulation();
    const ecs = sim.client('ecs');
    ecs.createCluster({ clusterName: 'c' });
    assert.throws(() => ecs.runTask({ cluster: 'c', taskDefinition: 'x', count: NaN }), { name: 'InvalidParameterException', message: /NaN at count is not a number/ });
    assert.throws(() => ecs.runTask({ cluster: 'c', taskDefinition: 'x', count: Infinity }), { name: 'InvalidParameterException' });
    assert.throws(() => ecs.runTask({ cluster: 'c', taskDefinition: 'x', count: 10n }), { name: 'InvalidParameterException' });
    const cyclic = { cluster: 'c' };
    cyclic.self = cyclic;
    assert.throws(() => ecs.listServices(cyclic), { name: 'InvalidParameterException' });
    let deep = [];
    for (let i = 0; i < 200000; i++) deep = [deep];
    assert.throws(() => ecs.listServices({ cluster: deep }), { name: 'InvalidParameterException' });
    let nested = [];
    for (let i = 0; i < 1000; i++) nested = [nested];
    assert.throws(() => ecs.listServices({ cluster: nested }), { name: 'InvalidParameterException', message: /not JSON|recursion/ });
    assert.deepEqual(ecs.listClusters().clusterArns, ['arn:aws:ecs:us-east-1:123456789012:cluster/c']);
    assert.throws(() => api.validateTaskDefinition({ family: 'x' }, { warnings: 'no' }), { name: 'InvalidParameterException', message: /warnings: invalid type/ });
    assert.throws(() => new api.Simulation({ seed: -1 }), /seed: invalid value/);
  });

  test(`${label}: advanceAsync gives advance's answers without holding the event loop, and stops when aborted`, async () => {
    const build = () => {
      const sim = new api.Simulation({ seed: 4 });
      sim.client('events').putRule({ Name: 'tick', ScheduleExpression: 'rate(1 minute)' });
      return sim;
    };
    const once = build();
    once.advance(7 * 86400);
    const sliced = build();
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    try {
      // A budget of 0 ms yields after every 64 moments: 10,080 minutes make some 157 slices.
      await sliced.advanceAsync(7 * 86400, { sliceMs: 0 });
    } finally {
      ticking = false;
    }
    assert.equal(sliced.now, once.now);
    assert.deepEqual(sliced.snapshot().journal.at(-1), once.snapshot().journal.at(-1));
    assert.ok(turns > 100, `the event loop turned while the clock ran (${turns} turns)`);

    const aborted = build();
    const controller = new AbortController();
    const running = aborted.advanceAsync(365 * 86400, { signal: controller.signal, sliceMs: 1 });
    setImmediate(() => controller.abort(new Error('enough')));
    await assert.rejects(running, /enough/);
    assert.ok(aborted.now < build().now + 365 * 86400, 'it stopped before the year was out');
    aborted.advance(60); // the simulation goes on from the moment reached
    await assert.rejects(build().advanceAsync(-1), { name: 'InvalidParameterException' });
  });

  test(`${label}: math, with Python's parameters in order, refusing bad arguments by name`, () => {
    assert.equal(api.math.targetTrackingCapacity(4, 80, 50), 7);
    assert.equal(api.math.applyAdjustment(4, 25, 'PercentChangeInCapacity', 2), 6);
    assert.deepEqual(api.math.rollingUpdateBounds(8, 50, 200), { minimum: 4, maximum: 16 });
    assert.equal(api.math.stepAdjustment([{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }], 40, 50), null);
    assert.deepEqual(api.math.fireTimes('rate(1 hour)', 0, 7200), [3600, 7200]);
    assert.throws(() => api.math.targetTrackingCapacity(4, 80, 0), { name: 'InvalidParameterException', message: /math\.targetTrackingCapacity: targetValue/ });
    assert.throws(() => api.math.targetTrackingCapacity(4, NaN, 50), { name: 'InvalidParameterException' });
  });

  test(`${label}: every action answers an unknown member with its service's validation error`, () => {
    for (const [service, { operations, errors }] of Object.entries(SERVICES)) {
      for (const action of operations) {
        const sim = new api.Simulation();
        assert.throws(() => sim.call(service, action, { ecsimUnknownMember: 1 }), (error) => {
          assert.ok(errors.includes(error.code), `${action}: ${error.code}`);
          const finding = error.diagnostics.filter((d) => d.path === '$.ecsimUnknownMember');
          assert.deepEqual(finding.map((d) => d.code), ['API001'], action);
          return true;
        });
      }
    }
  });

  test(`${label}: every configuration member is accepted and declared`, () => {
    const values = { seed: 3, startTime: 1_800_000_000, region: 'eu-west-1', accountId: '111122223333',
      undeclaredSubnets: 'reject', taskTimings: 'instant', quotas: { clusters: 5 },
      stoppedTaskRetention: 600, customHealthDelay: 10, scaleInThresholdRatio: 0.8, serviceThrottle: false,
      eventBusRetention: 100, eventDeliveryDelay: 1, instanceTimings: { boot: 10 } };
    assert.deepEqual(Object.keys(values).sort(), [...CONFIG_MEMBERS].sort());
    const sim = new api.Simulation(values);
    assert.equal(sim.now, 1_800_000_000);
    for (const member of CONFIG_MEMBERS) assert.match(apiDeclarations, new RegExp(`\\b${member}\\?:`));
    assert.throws(() => new api.Simulation({ sede: 3 }));
  });

  test(`${label}: a fork is independent and has the same future`, () => {
    const sim = new api.Simulation({ seed: 5 });
    const ecs = sim.client('ecs');
    ecs.createCluster({ clusterName: 'c' });
    ecs.registerContainerInstance({ cluster: 'c', instanceType: 'm5.large', availabilityZone: 'us-east-1a' });
    ecs.registerTaskDefinition({ family: 'w', containerDefinitions: [{ name: 'a', image: 'x', memory: 64 }] });
    const fork = sim.fork();
    const runs = [sim, fork].map((s) => s.client('ecs').runTask({ cluster: 'c', taskDefinition: 'w', count: 2 }));
    assert.deepEqual(runs[0], runs[1]);
    fork.advance(60);
    assert.equal(fork.now, sim.now + 60);
    assert.notDeepEqual(sim.snapshot(), fork.snapshot());
    sim.advance(60);
    assert.deepEqual(sim.snapshot(), fork.snapshot());
  });
}
