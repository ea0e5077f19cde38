// WorkerHost's data plane against a worker made of a Node MessageChannel: the real host and the real
// serveRuns on the other end, the runtime replaced by a recording one, so a crash can be placed
// exactly where a browser cannot place it (after the batch is posted, before it is answered). The
// same paths run in Chromium in e2e/hot-path.e2e.ts.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '../../src/inference/engine-types.js';
import { memoryContent } from '../../src/inference/model-content.js';
import { type RunEndpoint, serveRuns } from '../../src/inference/run-channel.js';
import type { Tensor } from '../../src/inference/tensors.js';
import { WorkerHost } from '../../src/inference/worker-host.js';

const LOADED: LoadedModel = {
  backend: 'wasm',
  reason: 'test',
  threads: 1,
  runtime: 'recording',
  inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: [1, 2] }],
  failed: [],
};

interface FakeWorker {
  worker: Worker;
  /** Items each runMany received, per call. */
  batches: number[][][];
}

/** A worker whose runtime doubles its input; `dieOnBatch` makes it go silent and report an error instead. */
function fakeWorker(dieOnBatch: boolean): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  const batches: number[][][] = [];
  const errorListeners: ((event: { message: string; preventDefault(): void }) => void)[] = [];
  const double = (feeds: Record<string, Tensor>) => ({
    y: { data: Float32Array.from(feeds.x!.data as Float32Array, (v) => v * 2), dims: feeds.x!.dims },
  });
  const engine = {
    run: async (_id: string, feeds: Record<string, Tensor>) => double(feeds),
    runMany: async (_id: string, items: Record<string, Tensor>[]) => {
      batches.push(items.map((item) => Array.from(item.x!.data as Float32Array)));
      if (dieOnBatch) {
        for (const listener of errorListeners) listener({ message: 'died', preventDefault() {} });
        return new Promise<never>(() => {});
      }
      return items.map(double);
    },
  };
  Comlink.expose(
    {
      ready: () => true,
      begin: async () => undefined,
      receive: async () => undefined,
      abandon: () => undefined,
      load: async () => LOADED,
      dispose: async () => undefined,
      onEvent: () => undefined,
      crash: () => undefined,
    },
    port2 as unknown as Comlink.Endpoint,
  );
  serveRuns(port2 as unknown as RunEndpoint, engine);
  port1.start();
  const worker = {
    postMessage: (message: unknown, transfer: Transferable[]) =>
      port1.postMessage(message, transfer as never),
    addEventListener: (type: string, listener: never) => {
      if (type === 'error') errorListeners.push(listener);
      else (port1 as MessagePort).addEventListener(type as 'message', listener);
    },
    removeEventListener: (type: string, listener: never) =>
      (port1 as MessagePort).removeEventListener(type as 'message', listener),
    terminate: () => {
      port1.close();
    },
  };
  return { worker: worker as unknown as Worker, batches };
}

const request = {
  name: 'm',
  version: '1',
  content: memoryContent(new Uint8Array([1, 2, 3])),
  format: 'onnx' as const,
  candidates: [{ backend: 'wasm' as const, reason: 'test', threads: 1 }],
  runtimeBaseUrl: 'http://localhost/',
};

const item = (a: number, b: number): Record<string, Tensor> => ({
  x: { data: Float32Array.from([a, b]), dims: [1, 2] },
});

describe('WorkerHost runs', () => {
  it('packs a batch into one message, answers with each item, and leaves the inputs intact', async () => {
    const fake = fakeWorker(false);
    const host = new WorkerHost(() => fake.worker);
    await host.load('m', request);
    const items = [item(1, 2), item(3, 4), item(5, 6)];
    const outs = await host.runMany('m', items);
    expect(outs.map((o) => Array.from(o.y!.data as Float32Array))).toEqual([
      [2, 4],
      [6, 8],
      [10, 12],
    ]);
    expect(fake.batches).toEqual([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
    expect(items[0]!.x!.data.length).toBe(2);
    await host.close();
  });

  it('posts a single run before returning: the caller may overwrite its array at once', async () => {
    const fake = fakeWorker(false);
    const host = new WorkerHost(() => fake.worker);
    await host.load('m', request);
    const feeds = item(1, 2);
    const call = host.run('m', feeds);
    (feeds.x!.data as Float32Array).fill(100);
    expect(Array.from((await call).y!.data as Float32Array)).toEqual([2, 4]);
    expect(feeds.x!.data.length).toBe(2);
    await host.close();
  });

  it('retries a batch whose worker died holding it on a new worker, packed again from the intact items', async () => {
    const workers = [fakeWorker(true), fakeWorker(false)];
    let started = 0;
    const host = new WorkerHost(() => workers[started++]!.worker);
    const events: unknown[] = [];
    host.onEvent((e) => events.push(e));
    await host.load('m', request);
    const outs = await host.runMany('m', [item(1, 2), item(3, 4)]);
    expect(outs.map((o) => Array.from(o.y!.data as Float32Array))).toEqual([
      [2, 4],
      [6, 8],
    ]);
    expect(workers[0]!.batches).toHaveLength(1);
    expect(workers[1]!.batches).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(events).toMatchObject([{ type: 'worker-restarted', retried: 1, crashed: true }]);
    await host.close();
  });
});
