// DOM helpers. Text goes in as text nodes, never as HTML: names and attributes come from users
// and from shared links.
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | number | boolean | EventListener>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (name === 'class') element.className = String(value);
    else if (name in element && name !== 'list') (element as unknown as Record<string, unknown>)[name] = value;
    else element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

export function $(selector: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`missing element ${selector}`);
  return element;
}

/** `2025-01-01 00:05:30` from epoch seconds, in UTC (the simulation's clock has no zone). */
export function clockText(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** `+1h 05m 30s` from a duration in seconds. */
export function durationText(seconds: number): string {
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return hours ? `${hours}h ${String(minutes).padStart(2, '0')}m ${String(rest).padStart(2, '0')}s` : `${minutes}m ${String(rest).padStart(2, '0')}s`;
}

export const shortId = (arn: string | null | undefined): string => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '');
