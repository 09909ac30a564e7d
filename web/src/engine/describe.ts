// The event log's words for what a call did: the action, where its tasks went, why others did not.
import type { Step } from '../scenario/scenario';
import type { LogEntry } from './protocol';

/** Calls that break something on purpose: drawn as faults in the log. */
const FAULTS = new Set(['KillInstance', 'DisconnectAgent', 'ReconnectAgent', 'InterruptSpotTask', 'UpdateContainerInstancesState']);

/**
 * `label` names a container instance (ARN) the way the board does (its EC2 instance id); zones
 * (FARGATE tasks) are named as they are.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function describeOutcome(step: Step, output: any, time: number, label: (arn: string) => string): LogEntry[] {
  const input = (step.input ?? {}) as Record<string, any>;
  const target = input.containerInstance ?? input.containerInstances?.[0];
  const what = input.serviceName ?? input.service ?? input.taskDefinition ?? (target ? label(target) : '') ?? '';
  const entries: LogEntry[] = [{ time, kind: FAULTS.has(step.action) ? 'fault' : 'action', text: `${step.action} ${what}`.trim() }];
  const tasks: any[] = output?.tasks ?? [];
  const placements = output?.placements;
  const instances: string[] = placements
    ? placements.containerInstanceArn.map((arn: string | null, i: number) => arn ?? placements.availabilityZone[i])
    : tasks.filter((t) => t.containerInstanceArn || t.availabilityZone).map((t) => t.containerInstanceArn ?? t.availabilityZone);
  // Tasks on neither an instance nor a zone wait in PROVISIONING for their capacity provider's instances.
  const waiting = tasks.filter((t) => !t.containerInstanceArn && !t.availabilityZone);
  if (waiting.length) {
    const providers = [...new Set(waiting.map((t) => t.capacityProviderName))].join(', ');
    entries.push({ time, kind: 'capacity', text: `${waiting.length} task${waiting.length === 1 ? '' : 's'} PROVISIONING, waiting for ${providers}'s instances` });
  }
  if (instances.length) {
    const counts = new Map<string, number>();
    for (const where of instances) counts.set(where, (counts.get(where) ?? 0) + 1);
    const spread = [...counts].map(([where, n]) => `${label(where)}×${n}`).join(', ');
    entries.push({ time, kind: 'placement', text: `placed ${instances.length} task${instances.length === 1 ? '' : 's'}: ${spread}`, refs: [...counts.keys()] });
  }
  const failures: any[] = output?.failures ?? [];
  if (failures.length) {
    const reasons = new Map<string, number>();
    for (const f of failures) reasons.set(f.reason, (reasons.get(f.reason) ?? 0) + 1);
    const text = [...reasons].map(([reason, n]) => `${reason} on ${n}`).join(', ');
    entries.push({ time, kind: 'failure', text: `not placed: ${text}`, refs: failures.map((f) => f.arn) });
  }
  return entries;
}
