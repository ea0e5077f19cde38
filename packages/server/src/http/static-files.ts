import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Manifest } from '../registry/manifest-types.js';

/** True when some segment of the path starts with '.' (`.env`, `.git/config`), also percent-encoded. */
export function hasDotSegment(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true; // a malformed escape is not a file we serve
  }
  return decoded.split(/[/\\]/).some((segment) => segment.startsWith('.'));
}

/**
 * The files under `/models/` a browser may fetch: manifest.json and the model files it names.
 * Everything else in the folder (sources, scripts, tests, expected outputs) stays private.
 */
export function manifestFiles(manifest: Manifest | undefined): Set<string> {
  const files = new Set(['/manifest.json']);
  const add = (url: string) => {
    if (url.startsWith('/models/')) files.add(url.slice('/models'.length));
  };
  for (const entry of Object.values(manifest?.models ?? {})) {
    for (const version of Object.values(entry.versions ?? {})) {
      add(version.url);
      for (const variant of Object.values(version.variants ?? {})) add(variant.url);
    }
  }
  return files;
}

/** `--models`: only manifest-named files, immutable (their paths are versioned) except the manifest. */
export async function serveModels(app: FastifyInstance, root: string, manifest: Manifest | undefined) {
  const allowed = manifestFiles(manifest);
  await app.register(fastifyStatic, {
    root,
    prefix: '/models/',
    decorateReply: false,
    acceptRanges: true,
    etag: true,
    dotfiles: 'ignore',
    // Not in the manifest → 404, the same answer as a missing file, so nothing about the folder leaks.
    allowedPath: (path) => !hasDotSegment(path) && allowed.has(path),
    setHeaders: (reply, path) => {
      reply.header(
        'cache-control',
        path.endsWith('manifest.json') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
}

/** `--static`: the site at `/`, without dotfiles (`.env`, `.git/`), which a build folder may hold by accident. */
export async function serveStatic(app: FastifyInstance, root: string) {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: true,
    dotfiles: 'ignore',
    allowedPath: (path) => !hasDotSegment(path),
  });
}
