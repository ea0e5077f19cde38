import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyPaths, execForm, type Instruction, parseDockerfile, type Stage } from './support/dockerfile.js';
import { renderKustomization } from './support/kustomize.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCKERFILE = join(ROOT, 'deploy', 'Dockerfile');
const dockerfile = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const ignorePatterns = readFileSync(`${DOCKERFILE}.dockerignore`, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const serverPackage = JSON.parse(readFileSync(join(ROOT, 'packages', 'server', 'package.json'), 'utf8'));
const runtime = dockerfile.stages.at(-1)!;

function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

function last(stage: Stage, keyword: string): Instruction {
  const found = all(stage, keyword).at(-1);
  if (!found) throw new Error(`stage ${stage.name} has no ${keyword}`);
  return found;
}

// A .dockerignore glob as a regex: a leading double star and slash spans folders; `*` and `?` stay within one segment.
function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (pattern[i] === '*') {
      source += '[^/]*';
    } else if (pattern[i] === '?') {
      source += '[^/]';
    } else {
      source += '\\^$.|+()[]{}'.includes(pattern[i]!) ? `\\${pattern[i]}` : pattern[i];
    }
  }
  return new RegExp(`^${source}$`);
}

/** Whether Docker leaves `path` (or a folder above it) out of the build context. */
function ignored(path: string): boolean {
  const segments = path.split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  return ignorePatterns.some((pattern) =>
    candidates.some((candidate) => globToRegex(pattern).test(candidate)),
  );
}

/** Workspace packages imported by `name`'s sources, transitively; only value imports unless `types`. */
function workspaceImports(name: string, types = false, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [...seen];
  seen.add(name);
  const files = readdirSync(join(ROOT, 'packages', name, 'src'), { recursive: true, encoding: 'utf8' });
  for (const file of files.filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(ROOT, 'packages', name, 'src', file), 'utf8');
    const statics = [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'@edgewise\/([\w-]+)'/gm)]
      .filter((m) => types || !m[2])
      .map((m) => m[3]!);
    const dynamics = [...text.matchAll(/import\(\s*'@edgewise\/([\w-]+)'\s*\)/g)].map((m) => m[1]!);
    for (const dep of [...statics, ...dynamics]) workspaceImports(dep, types, seen);
  }
  return [...seen];
}

function deployment() {
  // biome-ignore lint/suspicious/noExplicitAny: walking rendered YAML by known paths.
  const objects = renderKustomization(join(ROOT, 'deploy', 'k8s', 'base')) as any[];
  return objects.find((o) => o.kind === 'Deployment');
}

describe('deploy/Dockerfile', () => {
  it('builds in stages and ships only the runtime stage', () => {
    const names = dockerfile.stages.map((s) => s.name);
    expect(names).toEqual(['manifests', 'build', 'deps', 'runtime']);
    for (const stage of dockerfile.stages) expect(stage.image).toMatch(/^node:20\.\d+-bookworm-slim$/);
    // Each COPY --from names a stage defined before it.
    dockerfile.stages.forEach((stage, index) => {
      for (const copy of all(stage, 'COPY').filter((c) => c.flags.from)) {
        expect(names.slice(0, index)).toContain(copy.flags.from);
      }
    });
    expect(all(runtime, 'RUN')).toEqual([]);
  });

  it('installs production dependencies only into the image', () => {
    const deps = dockerfile.stages.find((s) => s.name === 'deps')!;
    const install = all(deps, 'RUN').find((r) => /\bnpm ci\b/.test(r.rest))!;
    expect(install.rest).toMatch(/--omit=dev\b/);
    expect(install.rest).toMatch(/--workspace @edgewise\/server\b/);
    // The runtime takes the installed tree from `deps` and only compiled output from `build`.
    const copies = all(runtime, 'COPY');
    expect(copies.some((c) => c.flags.from === 'deps' && copyPaths(c).sources.includes('/app'))).toBe(true);
    for (const copy of copies.filter((c) => c.flags.from === 'build')) {
      for (const source of copyPaths(copy).sources) expect(source).toMatch(/^\/app\/packages\/[\w-]+\/dist$/);
    }
    expect(all(runtime, 'ENV').map((e) => e.rest)).toContain('NODE_ENV=production');
  });

  it('runs as the same non-root uid the Deployment requires', () => {
    const user = last(runtime, 'USER').rest;
    const [uid, gid] = user.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    const security = deployment().spec.template.spec.securityContext;
    expect(security.runAsUser).toBe(Number(uid));
    expect(security.runAsGroup).toBe(Number(gid));
    // Nothing after USER switches back.
    const index = runtime.instructions.indexOf(last(runtime, 'USER'));
    expect(runtime.instructions.slice(index + 1).some((i) => i.keyword === 'USER')).toBe(false);
  });

  it('starts node directly on the port the health check, EXPOSE and the Deployment use', () => {
    const entrypoint = execForm(last(runtime, 'ENTRYPOINT'));
    const cmd = execForm(last(runtime, 'CMD'));
    // Exec form: node is PID 1 and gets SIGTERM itself, which a shell or `npm start` would swallow.
    expect(entrypoint).toEqual(['node', 'packages/server/dist/cli.js']);
    // The bin is a shim that imports this same dist/cli.js once built (see packages/server/bin).
    expect(serverPackage.bin['edgewise-server']).toBe('./bin/edgewise-server.js');
    expect(existsSync(join(ROOT, 'packages', 'server', 'src', 'cli.ts'))).toBe(true);
    const port = cmd![cmd!.indexOf('--port') + 1];
    expect(cmd![cmd!.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(last(runtime, 'EXPOSE').rest).toBe(port);
    expect(last(runtime, 'STOPSIGNAL').rest).toBe('SIGTERM');

    const healthcheck = last(runtime, 'HEALTHCHECK');
    expect(healthcheck.flags.interval).toMatch(/^\d+s$/);
    expect(healthcheck.rest).toMatch(/^CMD \[/);
    const probe = JSON.parse(healthcheck.rest.slice('CMD '.length)) as string[];
    expect(probe[0]).toBe('node');
    expect(probe.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);

    const container = deployment().spec.template.spec.containers[0];
    expect(String(container.ports[0].containerPort)).toBe(port);
  });

  it('copies from the build context only paths that exist and are not ignored', () => {
    const copies = dockerfile.stages.flatMap((s) => all(s, 'COPY').filter((c) => !c.flags.from));
    const sources = copies.flatMap((c) => copyPaths(c).sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored(source), `${source} is excluded by Dockerfile.dockerignore`).toBe(false);
    }
    // What the build stage's `npm run build` reads inside the copied folders.
    for (const file of [
      'packages/server/src/cli.ts',
      'packages/server/tsconfig.build.json',
      'tsconfig.base.json',
    ]) {
      expect(ignored(file), file).toBe(false);
    }
    expect(ignored('packages/server/node_modules/fastify')).toBe(true);
    expect(ignored('packages/server/dist/cli.js')).toBe(true);
  });

  it('builds and ships every workspace package the server imports at run time', () => {
    const build = dockerfile.stages.find((s) => s.name === 'build')!;
    const built = all(build, 'RUN').map((r) => r.rest);
    const shipped = all(runtime, 'COPY').flatMap((c) => copyPaths(c).sources);
    const needed = workspaceImports('server');
    expect(needed).toContain('server');
    for (const name of needed) {
      expect(
        built.some((command) => command.includes(`--workspace @edgewise/${name}`)),
        name,
      ).toBe(true);
      expect(shipped, name).toContain(`/app/packages/${name}/dist`);
      // tsc in the build stage reads every imported workspace's sources, types included.
      expect(existsSync(join(ROOT, 'packages', name, 'src', 'index.ts')), name).toBe(true);
    }
    const copiedSources = dockerfile.stages
      .flatMap((s) => all(s, 'COPY').filter((c) => !c.flags.from))
      .flatMap((c) => copyPaths(c).sources);
    for (const name of workspaceImports('server', true))
      expect(copiedSources, name).toContain(`packages/${name}`);
  });
});
