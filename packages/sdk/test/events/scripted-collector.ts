import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EdgewiseEvent } from '../../src/events/event-types.js';

/**
 * How the collector answers one request: an HTTP reply, a dropped connection, no answer at all, or a
 * batch stored whose answer is then lost (the case that makes the client send the same ids twice).
 */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'reset'
  | 'hang'
  | 'stored-then-reset';

export interface ReceivedBatch {
  authorization: string | undefined;
  contentType: string | undefined;
  events: EdgewiseEvent[];
}

/**
 * A real HTTP collector on 127.0.0.1 whose n-th answer comes from `script(n)` (default: 200). It keeps
 * every batch it received, and the ids of the batches it answered 2xx, like the server's dedupe table.
 */
export async function startScriptedCollector(script: (n: number) => Reply = () => ({ status: 200 })) {
  const received: ReceivedBatch[] = [];
  const stored = new Set<string>();
  let requests = 0;
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await read(req)) as { events: EdgewiseEvent[] };
    received.push({
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      events: body.events,
    });
    const reply = script(requests++);
    if (reply === 'hang') return;
    if (reply === 'reset') return void req.socket.destroy();
    if (reply === 'stored-then-reset') {
      for (const e of body.events) stored.add(e.id);
      return void req.socket.destroy();
    }
    if (reply.status >= 200 && reply.status < 300) for (const e of body.events) stored.add(e.id);
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
    res.end(reply.body ?? '{}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/events`,
    received,
    stored,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export type ScriptedCollector = Awaited<ReturnType<typeof startScriptedCollector>>;
