// Applies a diagnostic's fix (the validator's edit at a JSON path) to a parsed value.
export interface Fix { kind: 'set' | 'remove' | 'rename'; title: string; path: string; value?: unknown; to?: string }

/** `$.containerDefinitions[0]["odd key"].memory` → ['containerDefinitions', 0, 'odd key', 'memory'] */
export function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = path.startsWith('$') ? 1 : 0;
  while (at < path.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(path);
    if (!match) throw new Error(`cannot read the path ${path}`);
    segments.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (JSON.parse(match[3]) as string)));
    at = pattern.lastIndex;
  }
  return segments;
}

/** The value with the fix applied (a copy); throws when the path is not in the value. */
export function applyFix(value: unknown, fix: Fix): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const segments = pathSegments(fix.path);
  const last = segments.pop();
  if (last === undefined) return fix.kind === 'set' ? fix.value : copy;
  let parent: Record<string | number, unknown> = copy;
  for (const segment of segments) {
    const next = parent[segment];
    if (typeof next !== 'object' || next === null) throw new Error(`${fix.path} is not in the task definition`);
    parent = next as Record<string | number, unknown>;
  }
  if (fix.kind === 'set') parent[last] = fix.value;
  else if (fix.kind === 'remove') {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  } else if (fix.kind === 'rename' && fix.to !== undefined) {
    // Rebuilt so that the renamed member keeps its place among the others.
    const entries = Object.entries(parent).map(([key, v]) => [key === last ? fix.to! : key, v]);
    for (const key of Object.keys(parent)) delete parent[key];
    Object.assign(parent, Object.fromEntries(entries));
  }
  return copy;
}
