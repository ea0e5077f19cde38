import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.map': 'application/json',
};

/** The Content-Type the e2e servers send for a file; anything unknown is bytes. */
export function contentType(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}

/** COOP/COEP/CORP: pages served with them are cross-origin isolated (SharedArrayBuffer, WASM threads). */
export function setIsolationHeaders(res: ServerResponse): void {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/**
 * The file a URL path names under the longest matching mount prefix, or the status to answer: 404
 * when no mount matches, 403 for a path that climbs out of its mount.
 */
export function mountedFile(mounts: Record<string, string>, path: string): string | 403 | 404 {
  const mount = Object.entries(mounts)
    .sort((a, b) => b[0].length - a[0].length)
    .find(([prefix]) => path.startsWith(prefix));
  if (!mount) return 404;
  const root = resolve(mount[1]);
  const file = normalize(join(root, path.slice(mount[0].length) || 'index.html'));
  if (file !== root && !file.startsWith(root + sep)) return 403;
  return file;
}
