// One case of the hostile-input corpus (tests/hostile/corpus.json), run in its own process by
// hostile.test.mjs through the napi module or the package's WASM fallback; prints the outcome as JSON.

const [mode, caseJson] = process.argv.slice(2);
// `node --test test/` loads every file here: without a case, this one has nothing to do.
if (!caseJson) process.exit(0);
const testCase = JSON.parse(caseJson);
// The package itself, on the engine the mode names (its WASM fallback for 'wasm').
process.env.ECSIM_BACKEND = mode === 'wasm' ? 'wasm' : 'native';
const api = await import('../lib/index.js');

function build(value) {
  if (Array.isArray(value)) return value.map(build);
  if (value === null || typeof value !== 'object') return value;
  if ('$deep' in value) {
    const root = [];
    let node = root;
    for (let i = 0; i < value.$deep; i++) {
      const child = [];
      node.push(child);
      node = child;
    }
    return root;
  }
  if ('$cycle' in value) {
    const cyclic = {};
    cyclic.self = cyclic;
    return cyclic;
  }
  if ('$number' in value) return { nan: NaN, inf: Infinity, '-inf': -Infinity, '2**70': 2n ** 70n }[value.$number];
  if ('$repeat' in value) return value.$repeat.repeat(value.times) + (value.then ?? '');
  if ('$tags' in value) return Array.from({ length: value.$tags }, (_, i) => ({ key: `k${i}`, value: 'v' }));
  if ('$minified' in value) {
    const resources = {};
    for (let i = 0, size = 0; size < value.$minified; i++, size += 230) {
      resources[`TD${i}`] = { Type: 'AWS::ECS::TaskDefinition', Properties: { RequiresCompatibilities: ['FARGATE'], NetworkMode: 'awsvpc', Cpu: '256', Memory: '4096', ContainerDefinitions: [{ Name: 'app', Image: 'nginx', Essential: true }] } };
    }
    return JSON.stringify({ Resources: resources });
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, build(v)]));
}

const codes = (report) => [...new Set([...report.diagnostics, ...report.resources.flatMap((r) => r.diagnostics)].map((d) => d.code))].sort();
let outcome;
try {
  switch (testCase.run) {
    case 'call':
      new api.Simulation().call(testCase.service, testCase.action, build(testCase.input));
      outcome = { ok: true };
      break;
    case 'validate':
      api.validateTaskDefinition(build(testCase.input), testCase.options);
      outcome = { ok: true };
      break;
    case 'template':
      outcome = { findings: codes(api.validateTemplate(build(testCase.text))) };
      break;
    case 'advance':
      new api.Simulation().advance(testCase.seconds);
      outcome = { ok: true };
      break;
    case 'calls': {
      const sim = new api.Simulation(testCase.config ?? {});
      for (const [service, action, input] of testCase.calls) sim.call(service, action, input);
      sim.advance(testCase.advance);
      outcome = { ok: true };
      break;
    }
    case 'report':
      outcome = { lines: api.formatReport(api.validateTemplate(testCase.template), 'text', 'template').split('\n').filter(Boolean) };
      break;
    case 'restore-edited': {
      const sim = new api.Simulation({ seed: 1 });
      sim.client('ecs').createCluster({ clusterName: 'c' });
      const snapshot = sim.snapshot();
      snapshot.config.seed = 2;
      api.Simulation.restore(snapshot);
      outcome = { ok: true };
      break;
    }
  }
} catch (error) {
  // A refused option is the JS binding's type error: InvalidParameterException naming it.
  outcome = error.code ? { error: error.code, message: error.message, type_error: /options|config/.test(error.message) } : { thrown: String(error) };
}
console.log(JSON.stringify(outcome));
