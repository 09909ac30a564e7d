// The scenario format (docs/scenarios.md): what the playground shares by URL and exports, and
// what the Python and Node packages load with Simulation.from_scenario / fromScenario.
export type { Scenario } from '../../../bindings-node/lib/api.js';
import type { Scenario } from '../../../bindings-node/lib/api.js';

export type FleetGroup = NonNullable<Scenario['fleet']>[number];
export type Step = NonNullable<Scenario['steps']>[number];

/** A deep copy, so that the page never edits a scenario the worker holds. */
export function cloneScenario(scenario: Scenario): Scenario {
  return JSON.parse(JSON.stringify(scenario)) as Scenario;
}

/** The task definition families a scenario registers, in order, without repeats. */
export function families(scenario: Scenario): string[] {
  const names = (scenario.taskDefinitions ?? []).map((td) => String((td as { family?: unknown }).family ?? ''));
  return [...new Set(names.filter(Boolean))];
}
