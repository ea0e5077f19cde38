// Packs the publishable workspace packages into one folder, as `npm publish` would upload them, and
// prints what each tarball weighs. Used by e2e/packed-app.e2e.ts; also handy before a release.
//   node scripts/pack-packages.mjs [destination] [--json]   (default: a fresh temp folder)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PUBLISHED = ['protocol', 'stats', 'sdk', 'model-tools', 'server'];

/** Packs every published package into `destination`; returns npm's report for each tarball. */
export function packPackages(destination) {
  mkdirSync(destination, { recursive: true });
  const root = join(import.meta.dirname, '..');
  // One npm process for all packages: each start costs about a second.
  const out = execFileSync(
    'npm',
    [
      'pack',
      '--json',
      '--pack-destination',
      destination,
      ...PUBLISHED.flatMap((name) => ['-w', `packages/${name}`]),
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out).map((entry) => ({
    name: entry.name,
    file: join(destination, entry.filename),
    size: entry.size,
    unpackedSize: entry.unpackedSize,
    files: entry.files.map((f) => f.path),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const folder = args.find((arg) => !arg.startsWith('--'));
  const destination = resolve(folder ?? mkdtempSync(join(tmpdir(), 'edgewise-pack-')));
  const packed = packPackages(destination);
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(packed)}\n`);
  else
    for (const p of packed) {
      console.log(
        `${p.name.padEnd(22)} ${(p.size / 1024).toFixed(0).padStart(7)} KiB packed ${(p.unpackedSize / 1024).toFixed(0).padStart(7)} KiB unpacked  ${p.file}`,
      );
    }
}
