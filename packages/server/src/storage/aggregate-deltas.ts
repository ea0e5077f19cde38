import type { EventRecord } from './records.js';

/** Drops repeats of an id inside one batch (the first wins) and sorts by id for a stable lock order. */
export function uniqueById(events: readonly EventRecord[]): { unique: EventRecord[]; repeats: number } {
  const seen = new Map<string, EventRecord>();
  for (const e of events) if (!seen.has(e.id)) seen.set(e.id, e);
  const unique = [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { unique, repeats: events.length - unique.length };
}

/** A canonical string of an experiment definition, to tell whether a re-sent one changed. */
export function definitionFingerprint(definition: object): string {
  return JSON.stringify(definition, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}
