import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';
import { contentType, mountedFile, setIsolationHeaders } from './mount-path.js';

export interface RangeServer {
  url: string;
  /** Body bytes sent per path since the last `resetCounts()`. */
  sent: Map<string, number>;
  /** Each request as `path [range] [if-range]`, in order. */
  requests: string[];
  resetCounts(): void;
  /** The next response for `path` sends this many body bytes, then nothing more (a stalled link). */
  stallAfter(path: string, bytes: number): void;
  /** Responses for `path` have the byte at `offset` flipped (a corrupted CDN copy), until undone. */
  corrupt(path: string, offset: number | undefined): void;
  close(): Promise<void>;
}

/**
 * A static server for large model files, as a CDN serves them: strong ETags, `Accept-Ranges`,
 * `Range` with `If-Range`, COOP/COEP, and a count of the body bytes it sent per path — so a test can
 * prove a resumed download fetched only the missing bytes. It can stall a response part way, which
 * is how a test catches a download at 50% to close its page.
 */
export async function startRangeServer(mounts: Record<string, string>): Promise<RangeServer> {
  const sent = new Map<string, number>();
  const requests: string[] = [];
  const stalls = new Map<string, number>();
  const corruptions = new Map<string, number>();
  const stalled = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push([path, req.headers.range, req.headers['if-range']].filter(Boolean).join(' '));
    setIsolationHeaders(res);
    res.setHeader('Cache-Control', 'no-store');
    const file = mountedFile(mounts, path);
    if (file === 404) return void res.writeHead(404).end('no mount');
    if (file === 403) return void res.writeHead(403).end();
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return void res.writeHead(404).end();
    const flip = corruptions.get(path);
    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}${flip === undefined ? '' : `-x${flip}`}"`;
    let start = 0;
    let end = info.size - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const partial = range !== null && (ifRange === undefined || ifRange === etag);
    if (partial) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(end, Number(range[2]));
      if (start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${info.size}` }).end();
        return;
      }
    }
    res.writeHead(partial ? 206 : 200, {
      'Content-Type': contentType(file),
      'Content-Length': end - start + 1,
      'Accept-Ranges': 'bytes',
      ETag: etag,
      ...(partial ? { 'Content-Range': `bytes ${start}-${end}/${info.size}` } : {}),
    });
    const stallAt = stalls.get(path);
    stalls.delete(path);
    let at = start;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        let out = chunk;
        if (flip !== undefined && flip >= at && flip < at + chunk.length) {
          out = Buffer.from(chunk);
          out[flip - at]! ^= 0x01;
        }
        if (stallAt !== undefined) {
          const already = at - start;
          if (already >= stallAt) return; // never calls done: the stream stops here
          if (already + out.length > stallAt) out = out.subarray(0, stallAt - already);
        }
        at += chunk.length;
        sent.set(path, (sent.get(path) ?? 0) + out.length);
        done(null, out);
      },
    });
    if (stallAt !== undefined) {
      stalled.add(res);
      res.on('close', () => stalled.delete(res));
    }
    createReadStream(file, { start, end }).pipe(meter).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    requests,
    resetCounts: () => {
      sent.clear();
      requests.length = 0;
    },
    stallAfter: (path, bytes) => stalls.set(path, bytes),
    corrupt: (path, offset) => {
      if (offset === undefined) corruptions.delete(path);
      else corruptions.set(path, offset);
    },
    close: () =>
      new Promise((done) => {
        for (const res of stalled) res.destroy();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
