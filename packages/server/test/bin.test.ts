// The installed `edgewise-server` bin runs from the repository root right after `npm ci`, before
// any build (the committed shim runs the sources through tsx until dist/ exists).
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/server.js';

const run = promisify(execFile);

describe('edgewise-server bin', () => {
  it('is linked to the committed shim and answers --help through npx', async () => {
    const bin = join(repoRoot, 'node_modules/.bin/edgewise-server');
    expect(realpathSync(bin)).toBe(join(repoRoot, 'packages/server/bin/edgewise-server.js'));
    // --no: never fall back to downloading a same-named package from the registry.
    const { stdout } = await run('npx', ['--no', '--', 'edgewise-server', '--help'], { cwd: repoRoot });
    expect(stdout).toContain('edgewise-server [--port 8080]');
  });
});
