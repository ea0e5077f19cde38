import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentType, mountedFile, setIsolationHeaders } from './mount-path.js';

export interface StaticServer {
  url: string;
  /** Paths requested so far, in order, for tests that count network requests. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves folders under URL prefixes on 127.0.0.1. With `isolated`, every response carries
 * COOP/COEP/CORP so pages are cross-origin isolated (SharedArrayBuffer, WASM threads).
 */
export async function startStaticServer(options: {
  mounts: Record<string, string>;
  isolated: boolean;
}): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (options.isolated) setIsolationHeaders(res);
    const file = mountedFile(options.mounts, path);
    if (file === 404) return void res.writeHead(404).end('no mount');
    if (file === 403) return void res.writeHead(403).end();
    try {
      const info = await stat(file);
      if (!info.isFile()) return void res.writeHead(404).end();
      res.writeHead(200, {
        'Content-Type': contentType(file),
        'Content-Length': info.size,
        'Cache-Control': 'no-store',
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        // Keep-alive sockets would hold close() open, and a test that stops the server means "gone".
        server.closeAllConnections();
      }),
  };
}
