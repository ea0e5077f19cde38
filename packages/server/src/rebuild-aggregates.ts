import { checkContent } from './collector/event-rules.js';
import { ServerError } from './errors.js';
import type { RebuildResult } from './storage/records.js';
import type { Store } from './storage/store.js';

/**
 * Recomputes every derived row from the stored events, holding them to today's rules and today's
 * experiment definitions: events accepted before a rule existed (an unbounded value, an arm the
 * experiment never had, an experiment never defined) move to `quarantined_events` and stop counting.
 * With `only`, just that experiment, which must be defined. Once retention has dropped raw events, a
 * rebuild would count only the events kept, so it is refused unless `partial` says that is meant.
 */
export async function rebuildAggregates(
  store: Store,
  only?: string,
  options: { partial?: boolean } = {},
): Promise<RebuildResult[]> {
  const dropped = await store.events.droppedBefore();
  if (dropped !== null && !options.partial) {
    throw new ServerError(
      'CONFLICT',
      `events before ${new Date(dropped).toISOString()} were dropped by the retention (EVENT_RETENTION_DAYS), and the counts still include them; a rebuild would count only the events kept since. Pass --partial to rebuild from those anyway`,
    );
  }
  const defined = new Map((await store.experiments.list()).map((e) => [e.key, e]));
  if (only !== undefined && !defined.has(only)) {
    throw new ServerError(
      'NOT_FOUND',
      `experiment "${only}" is not defined; define it first, or omit --experiment to rebuild all`,
    );
  }
  const keys =
    only !== undefined
      ? [only]
      : [...new Set([...defined.keys(), ...(await store.events.experimentsWithEvents())])].sort();
  const results: RebuildResult[] = [];
  for (const key of keys) results.push(await store.events.rebuild(key, (e) => checkContent(e, defined)));
  return results;
}
