import type { EventRecord } from './records.js';

/** A canonical string of an experiment definition, to tell whether a re-sent one changed. */
export function definitionFingerprint(definition: object): string {
  return JSON.stringify(definition, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

/**
 * The events of a commit group with each id once, sorted by id (the lock order), and the batch each
 * id is credited to: the first that sent it, so an id repeated across batches of one group is
 * accepted once and counted as a duplicate in the others, as if they had been committed one by one.
 */
export function firstSeen(batches: readonly (readonly EventRecord[])[]): {
  unique: EventRecord[];
  owner: Map<string, number>;
} {
  const owner = new Map<string, number>();
  const unique: EventRecord[] = [];
  batches.forEach((events, i) => {
    for (const e of events) {
      if (owner.has(e.id)) continue;
      owner.set(e.id, i);
      unique.push(e);
    }
  });
  unique.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { unique, owner };
}

/** Per batch: how many of the ids this group inserted are credited to it. */
export function acceptedPerBatch(
  batches: number,
  owner: ReadonlyMap<string, number>,
  inserted: Iterable<string>,
): number[] {
  const accepted = new Array<number>(batches).fill(0);
  for (const id of inserted) {
    const i = owner.get(id);
    if (i !== undefined) accepted[i] = (accepted[i] ?? 0) + 1;
  }
  return accepted;
}
