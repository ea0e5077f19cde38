import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface Tarball {
  name: string;
  file: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

/** `npm pack` of every published package into `dir` (scripts/pack-packages.mjs). */
export function packWorkspace(dir: string): Tarball[] {
  const out = execFileSync('node', [join(repoRoot, 'scripts/pack-packages.mjs'), dir, '--json'], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Tarball[];
}

/**
 * An outsider's app in `dir`: e2e/packed-app's files, dependencies on the tarballs by path (the SDK
 * and what the registry would give it), and the repo's Vite version, installed from the warm cache.
 */
export function installApp(dir: string, tarballs: Tarball[], names: string[]): { ms: number } {
  cpSync(join(repoRoot, 'e2e/packed-app'), dir, {
    recursive: true,
    filter: (src) => !src.endsWith('baseline.json'),
  });
  const vite = (
    JSON.parse(readFileSync(join(repoRoot, 'node_modules/vite/package.json'), 'utf8')) as { version: string }
  ).version;
  const dependencies: Record<string, string> = { vite };
  for (const name of names) {
    const tarball = tarballs.find((t) => t.name === name);
    if (!tarball) throw new Error(`no tarball for ${name}`);
    dependencies[name] = `file:${tarball.file}`;
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'packed-app', private: true, type: 'module', dependencies }, null, 2),
  );
  const started = Date.now();
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { ms: Date.now() - started };
}

/** `vite build` in the app; returns what Vite printed (warnings included). */
export function buildApp(dir: string): string {
  return execFileSync('node', [join(dir, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
}

/** Every file under `dir`, relative, with its size. */
export function listFiles(dir: string, prefix = ''): Map<string, number> {
  const files = new Map<string, number>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [p, s] of listFiles(dir, path)) files.set(p, s);
    else files.set(path, statSync(join(dir, path)).size);
  }
  return files;
}

/** `du -sk`: what the install takes on disk, in KiB. */
export function diskKiB(dir: string): number {
  return Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]);
}
