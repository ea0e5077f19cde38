// The installed `edgewise-server` bin runs from the repository root right after `npm ci`, before
// any build (the committed shim runs the sources through tsx until dist/ exists).
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { storedEvent } from './support/events.js';
import { repoRoot, TEST_EXPERIMENT } from './support/server.js';

const run = promisify(execFile);

describe('edgewise-server bin', () => {
  it('is linked to the committed shim and answers --help through npx', async () => {
    const bin = join(repoRoot, 'node_modules/.bin/edgewise-server');
    expect(realpathSync(bin)).toBe(join(repoRoot, 'packages/server/bin/edgewise-server.js'));
    // --no: never fall back to downloading a same-named package from the registry.
    const { stdout } = await run('npx', ['--no', '--', 'edgewise-server', '--help'], { cwd: repoRoot });
    expect(stdout).toContain('edgewise-server [--port 8080]');
  });

  it('rebuild-aggregates recomputes a SQLite file and quarantines what breaks the rules', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'edgewise-rebuild-')), 'edgewise.db');
    const store = new SqliteStore(db);
    await store.migrate();
    await store.experiments.put(TEST_EXPERIMENT);
    await store.events.ingest([storedEvent(), storedEvent({ arm: 'a' }), storedEvent({ arm: 'zzz' })]);
    await store.close();
    const cli = ['--no', '--', 'edgewise-server', 'rebuild-aggregates', '--db', db];
    const { stdout } = await run('npx', cli, { cwd: repoRoot });
    expect(stdout.split('\n')).toEqual(['experiment\tfolded\tquarantined', 'exp\t2\t1 (arm)', '']);
    const unknown = await run('npx', [...cli, '--experiment', 'nope'], { cwd: repoRoot }).catch((e) => e);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('experiment "nope" is not defined');
  });
});
