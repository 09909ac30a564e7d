// The event log, linked to the board: an entry that names instances or tasks lights them up.
import type { ClusterLayout, LogEntry } from '../engine/protocol';
import { durationText, h } from './dom';

/** The instances an entry is about: its refs, and the tasks and instances its text names. */
export function entryInstances(entry: LogEntry, layout: ClusterLayout): string[] {
  const arns = new Set<string>();
  const byId = new Map(layout.instances.map((i) => [i.containerInstanceArn.slice(i.containerInstanceArn.lastIndexOf('/') + 1), i.containerInstanceArn]));
  for (const ref of entry.refs ?? []) {
    if (layout.instances.some((i) => i.containerInstanceArn === ref)) arns.add(ref);
    for (const i of layout.instances) if (i.availabilityZone === ref) arns.add(i.containerInstanceArn);
  }
  for (const [, id] of entry.text.matchAll(/\(container-instance ([0-9a-f]+)\)/g)) {
    const arn = byId.get(id);
    if (arn) arns.add(arn);
  }
  for (const [, id] of entry.text.matchAll(/\(task ([0-9a-f]+)\)/g)) {
    const row = layout.tasks.taskArn.findIndex((arn) => arn.endsWith(`/${id}`));
    const instance = row >= 0 ? layout.instances[layout.tasks.instance[row]] : undefined;
    if (instance) arns.add(instance.containerInstanceArn);
  }
  // Auto Scaling activities name EC2 instances.
  for (const [id] of entry.text.matchAll(/\bi-[0-9a-f]{8,17}\b/g)) {
    const instance = layout.instances.find((i) => i.ec2InstanceId === id);
    if (instance) arns.add(instance.containerInstanceArn);
  }
  return [...arns];
}

export function renderLog(root: HTMLElement, log: LogEntry[], start: number, onPick: (entry: LogEntry) => void): void {
  const items = log.slice(-200).reverse().map((entry) =>
    h('li', { class: `entry ${entry.kind}`, tabindex: 0, onclick: () => onPick(entry), onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') onPick(entry); } },
      h('span', { class: 'at mono' }, `+${durationText(entry.time - start)}`), ' ', h('span', { class: 'text' }, entry.text)));
  root.replaceChildren(...items);
}
