// The conformance vector runner for JS, shared by the napi module and the WASM bundle: the same
// files and matching rules as core/tests/vectors.rs and bindings-python/tests/vectors.py.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MATH_PARAMETERS } from '../lib/api.js';

/** A vector's math input as the function's arguments (`...options` gathers the rest). */
function mathArguments(name, input) {
  const named = MATH_PARAMETERS[name].filter((p) => !p.startsWith('...'));
  return MATH_PARAMETERS[name].map((p) => (p.startsWith('...')
    ? Object.fromEntries(Object.entries(input).filter(([key]) => !named.includes(key)))
    : input[p]));
}

const VECTORS = fileURLToPath(new URL('../../tests/vectors/', import.meta.url));

export function vectorFiles(dir = VECTORS) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return vectorFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

/** `expected` matches when every member it gives matches; arrays element by element. */
export function matches(expected, actual) {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => matches(e, actual[i]));
  }
  if (expected !== null && typeof expected === 'object') {
    return actual !== null && typeof actual === 'object' && !Array.isArray(actual) &&
      Object.entries(expected).every(([k, v]) => k in actual && matches(v, actual[k]));
  }
  return expected === actual;
}

const byLocation = (list) =>
  [...list].sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '', 'en') || (a.code ?? '').localeCompare(b.code ?? '', 'en'));

function runStep(api, sim, step) {
  if ('advance' in step) {
    sim.advance(step.advance);
    return null;
  }
  const expect = step.expect;
  if ('math' in step) {
    // Through the functions, with their parameters in order.
    let result;
    try {
      result = api.math[step.math](...mathArguments(step.math, step.input));
    } catch (error) {
      if (!(error instanceof api.errors.EcsimError)) throw error;
      const got = { code: error.code, message: error.message };
      return expect.error && matches(expect.error, got) ? null : `error: got ${JSON.stringify(got)}`;
    }
    return !expect.error && matches(expect.result, result) ? null : `result: got ${JSON.stringify(result)}`;
  }
  if (step.validate === 'Template') {
    const report = api.validateTemplate(step.input, step.options);
    return matches(expect.report, report) ? null : `report: got ${JSON.stringify(report)}`;
  }
  if ('validate' in step) {
    const actual = byLocation(api.validateTaskDefinition(step.input, step.options));
    return matches(byLocation(expect.diagnostics), actual) ? null : `diagnostics: got ${JSON.stringify(actual)}`;
  }
  let output;
  try {
    output = sim.call(step.service, step.action, step.input);
  } catch (error) {
    if (!(error instanceof api.errors.EcsimError)) throw error;
    const got = { code: error.code, message: error.message, diagnostics: byLocation(error.diagnostics) };
    const wanted = { ...expect.error };
    if (wanted.diagnostics) wanted.diagnostics = byLocation(wanted.diagnostics);
    const ok = expect.error && matches(wanted, got) && error.name === error.code && error instanceof api.errors[error.code];
    return ok ? null : `error: got ${JSON.stringify(got)}`;
  }
  return expect.output && matches(expect.output, output) ? null : `output: got ${JSON.stringify(output)}`;
}

/** Replays one vector file; returns the list of failures. */
export function replay(api, file) {
  const vector = JSON.parse(readFileSync(file, 'utf8'));
  let sim = new api.Simulation({ ...vector.config, seed: vector.seed ?? 0 });
  const failures = [];
  vector.steps.forEach((step, index) => {
    if (step.restore) {
      // The simulation goes on from its snapshot, through JSON text.
      sim = api.Simulation.restore(JSON.parse(JSON.stringify(sim.snapshot())));
      return;
    }
    if (step.scenario) {
      // The simulation a scenario builds replaces the vector's.
      let problem = null;
      try {
        sim = api.Simulation.fromScenario(step.scenario);
        if (!matches(step.expect.outputs, sim.scenarioOutputs)) problem = `outputs: got ${JSON.stringify(sim.scenarioOutputs)}`;
      } catch (error) {
        if (!(error instanceof api.errors.EcsimError)) throw error;
        const got = { code: error.code, message: error.message };
        if (!step.expect.error || !matches(step.expect.error, got)) problem = `error: got ${JSON.stringify(got)}`;
      }
      if (problem) failures.push(`[${index}] scenario: ${problem}`);
      return;
    }
    const problem = runStep(api, sim, step);
    if (problem) failures.push(`[${index}] ${step.name ?? ''}: ${problem}`);
  });
  return failures;
}
