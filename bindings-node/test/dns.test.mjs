// The DNS server over the live registry (napi), asked with Node's own resolver (c-ares) while
// the simulation scales an ECS service; the browser build has no server.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { test } from 'node:test';
import * as ecsim from '../lib/index.js';

function webSimulation() {
  const sim = new ecsim.Simulation({ seed: 3 });
  const discovery = sim.client('servicediscovery');
  discovery.createPrivateDnsNamespace({ Name: 'local', Vpc: 'vpc-1' });
  const namespace = discovery.listNamespaces().Namespaces[0].Id;
  const registry = discovery.createService({
    Name: 'web', NamespaceId: namespace, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
  }).Service;
  const ecs = sim.client('ecs');
  ecs.createCluster({ clusterName: 'prod', capacityProviders: ['FARGATE'] });
  ecs.registerTaskDefinition({
    family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: 'web', image: 'web:1', portMappings: [{ containerPort: 80 }] }],
  });
  ecs.createService({
    cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 2, launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'] } },
    serviceRegistries: [{ registryArn: registry.Arn }],
  });
  return sim;
}

const registered = (sim) => sim.client('servicediscovery')
  .discoverInstances({ NamespaceName: 'local', ServiceName: 'web' })
  .Instances.map((i) => i.Attributes.AWS_INSTANCE_IPV4).sort();

test('napi: serveDns answers a real resolver from the live simulation', async () => {
  const sim = webSimulation();
  const server = sim.serveDns();
  try {
    assert.ok(server.port > 0);
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    await assert.rejects(resolver.resolve4('web.local'), { code: 'ENODATA' });
    sim.advance(60);
    assert.deepEqual((await resolver.resolve4('web.local')).sort(), registered(sim));
    sim.client('ecs').updateService({ cluster: 'prod', service: 'web', desiredCount: 4 });
    sim.advance(60);
    const four = (await resolver.resolve4('web.local', { ttl: true }));
    assert.equal(four.length, 4);
    assert.ok(four.every((record) => record.ttl === 10));
    assert.deepEqual(four.map((r) => r.address).sort(), registered(sim));
    await assert.rejects(resolver.resolve4('nothing.local'), { code: 'ENOTFOUND' });
    await assert.rejects(resolver.resolve4('example.org'), { code: 'EREFUSED' });
  } finally {
    server.stop();
  }
});

test('napi: serveDns refuses a port in use, naming it', () => {
  const sim = new ecsim.Simulation();
  const server = sim.serveDns({ port: 0 });
  try {
    assert.throws(() => sim.serveDns({ port: server.port }), /serveDns: cannot listen on 127\.0\.0\.1:\d+/);
  } finally {
    server.stop();
  }
});
