import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/** What the server does with one path: serve these bytes, with or without Range support. */
export interface Served {
  body: Uint8Array;
  /** Answer `Accept-Ranges: bytes` + a strong ETag and honour `Range` / `If-Range`. */
  ranges?: boolean;
  /** Send only this many bytes of the next full or partial response, then cut the connection. */
  breakAfter?: number;
  /** Answer the next N requests with this status and no body. */
  failWith?: { status: number; times: number };
}

export interface ModelServer {
  url: string;
  /** Every request as `METHOD path [range] [if-range=validator]`, in order. */
  requests: string[];
  /** Paths served from memory; anything else comes from `root`. */
  files: Map<string, Served>;
  close(): Promise<void>;
}

/** A real HTTP server for the delivery tests: files from the repo's models/ plus in-memory ones. */
export async function startModelServer(root: string): Promise<ModelServer> {
  const files = new Map<string, Served>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = req.headers.range ? ` ${req.headers.range}` : '';
    const ifRange = req.headers['if-range'] ? ` if-range=${req.headers['if-range']}` : '';
    requests.push(`${req.method} ${path}${range}${ifRange}`);
    let served = files.get(path);
    if (!served && path.startsWith('/models/')) {
      const file = normalize(join(root, path.slice('/models/'.length)));
      if (!file.startsWith(root)) return void res.writeHead(403).end();
      const body = await readFile(file).catch(() => undefined);
      if (body) served = { body: new Uint8Array(body) };
    }
    if (!served) return void res.writeHead(404).end('not found');
    if (served.failWith && served.failWith.times > 0) {
      served.failWith.times--;
      return void res.writeHead(served.failWith.status).end();
    }
    const etag = `"${createHash('sha256').update(served.body).digest('hex').slice(0, 16)}"`;
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream' };
    let start = 0;
    let status = 200;
    if (served.ranges) {
      headers['Accept-Ranges'] = 'bytes';
      headers.ETag = etag;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const ifRange = req.headers['if-range'];
      if (range && (ifRange === undefined || ifRange === etag)) {
        start = Number(range[1]);
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${served.body.length - 1}/${served.body.length}`;
      }
    }
    const body = served.body.subarray(start);
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    if (served.breakAfter !== undefined) {
      const cut = served.breakAfter;
      served.breakAfter = undefined;
      res.write(body.subarray(0, cut), () => res.destroy());
      return;
    }
    res.end(body);
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    files,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
