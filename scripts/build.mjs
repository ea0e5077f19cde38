// Builds every package in dependency order. Packages without a src/index.ts yet are skipped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const order = ['protocol', 'stats', 'sdk', 'model-tools', 'server', 'demo-app'];

for (const name of order) {
  const dir = join(root, 'packages', name);
  const entry = name === 'demo-app' ? join(dir, 'index.html') : join(dir, 'src', 'index.ts');
  if (!existsSync(entry)) continue;
  const started = Date.now();
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
