import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rebuildAggregates } from './rebuild-aggregates.js';
import { openStore } from './storage/open-store.js';

const usage = `edgewise-server rebuild-aggregates [--experiment key] [--partial] [--db .edgewise-data/edgewise.db]
env: DATABASE_URL (Postgres; else SQLite at --db)
Recomputes the per-arm, per-user and per-decision rows from the stored events. Events that break
today's rules (unknown experiment or arm, a value outside the experiment's reward range, unsafe
text) move to the quarantined_events table. Ingest waits while it runs; clients retry.
Once EVENT_RETENTION_DAYS has dropped raw events (Postgres), the counts hold more than the events
kept: a rebuild is refused then, unless --partial says to count only what is kept.`;

/** `edgewise-server rebuild-aggregates …`: exits 0 with a table of what was rebuilt, 2 on bad usage. */
export async function rebuildCommand(args: string[]): Promise<number> {
  let values: { experiment?: string; db: string; partial?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args,
      options: {
        experiment: { type: 'string' },
        partial: { type: 'boolean' },
        db: { type: 'string', default: process.env.EDGEWISE_DB ?? '.edgewise-data/edgewise.db' },
        help: { type: 'boolean' },
      },
    }).values as typeof values;
  } catch (error) {
    console.error(`edgewise-server rebuild-aggregates: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const store = openStore(
    process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { sqlitePath: resolve(values.db) },
  );
  try {
    await store.migrate();
    const results = await rebuildAggregates(store, values.experiment, { partial: values.partial ?? false });
    console.log('experiment\tfolded\tquarantined');
    for (const r of results) {
      const moved = Object.entries(r.quarantined)
        .map(([field, n]) => `${n} (${field})`)
        .join(', ');
      console.log(`${r.experiment}\t${r.folded}\t${moved || 0}`);
    }
    return 0;
  } catch (error) {
    console.error(`edgewise-server rebuild-aggregates: ${(error as Error).message}`);
    const code = (error as { code?: string }).code;
    return code === 'NOT_FOUND' || code === 'CONFLICT' ? 2 : 1;
  } finally {
    await store.close();
  }
}
