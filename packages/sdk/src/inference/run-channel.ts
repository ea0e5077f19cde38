// The data plane between the host and the inference worker: predictions travel as flat messages with
// a numeric `run` id and transferred buffers, on the worker's own channel beside Comlink's (which
// ignores messages without its string `id`). Comlink stays for the control plane (load, dispose,
// events); per call it builds a proxy, a random string id and wire values for every argument, which on
// a sub-millisecond model is a measurable share of the call. A MessagePort of its own was measured
// too: in Chromium a round trip on one is slower than on the worker itself (bench/README.md).
import type { InferenceHost } from './engine-types.js';
import { type PackedItems, packedTransferables, packItems, unpackItems } from './packed-items.js';
import { type Tensor, transferablesOf } from './tensors.js';
import { guarded } from './worker-guard.js';

type RunRequest =
  | { run: number; model: string; feeds: Record<string, Tensor> }
  | { run: number; model: string; items: PackedItems };

type RunReply =
  | { run: number; outputs: Record<string, Tensor> }
  | { run: number; items: PackedItems }
  | { run: number; error: unknown };

/** A Worker on the host's side, the worker's global scope on the other (or a MessagePort, either side). */
export interface RunEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

function isRun(data: unknown): boolean {
  return typeof data === 'object' && data !== null && typeof (data as { run?: unknown }).run === 'number';
}

interface Waiting {
  resolve(reply: RunReply): void;
}

/** The host's end: one message out and one back per call. */
export class RunClient {
  #next = 0;
  readonly #waiting = new Map<number, Waiting>();
  readonly #onMessage = (event: MessageEvent) => {
    const reply = event.data as RunReply;
    if (!isRun(reply)) return;
    const waiting = this.#waiting.get(reply.run);
    if (!waiting) return;
    this.#waiting.delete(reply.run);
    waiting.resolve(reply);
  };

  constructor(private readonly endpoint: RunEndpoint) {
    endpoint.addEventListener('message', this.#onMessage);
  }

  #send(request: RunRequest, transfer: Transferable[]): Promise<RunReply> {
    return new Promise<RunReply>((resolve) => {
      this.#waiting.set(request.run, { resolve });
      this.endpoint.postMessage(request, transfer);
    });
  }

  /**
   * Runs one set of feeds, posted before this returns. Handed over, their buffers are transferred;
   * else the structured clone copies them, natively and in the same call (measured ~5% faster on
   * MNIST than a JS copy transferred).
   */
  async run(
    model: string,
    feeds: Record<string, Tensor>,
    handOver: boolean,
  ): Promise<Record<string, Tensor>> {
    const transfer = handOver ? transferablesOf(feeds) : [];
    const reply = await this.#send({ run: ++this.#next, model, feeds }, transfer);
    if ('error' in reply) throw reply.error;
    return (reply as { outputs: Record<string, Tensor> }).outputs;
  }

  /** Runs many items one after another in the worker; their outputs come back as views of one buffer per name. */
  async runMany(model: string, packed: PackedItems): Promise<Record<string, Tensor>[]> {
    const reply = await this.#send({ run: ++this.#next, model, items: packed }, packedTransferables(packed));
    if ('error' in reply) throw reply.error;
    return unpackItems((reply as { items: PackedItems }).items);
  }

  /** The worker is gone: calls still waiting are left to the host, which retries them on the next one. */
  close(): void {
    this.#waiting.clear();
    this.endpoint.removeEventListener('message', this.#onMessage);
  }
}

/** The worker's end: runs each request on the engine, in arrival order (the engine serializes). */
export function serveRuns(endpoint: RunEndpoint, engine: Pick<InferenceHost, 'run' | 'runMany'>): void {
  endpoint.addEventListener('message', async (event: MessageEvent) => {
    const request = event.data as RunRequest;
    if (!isRun(request)) return;
    try {
      if ('feeds' in request) {
        const outputs = await guarded(() => engine.run(request.model, request.feeds, true));
        endpoint.postMessage({ run: request.run, outputs } satisfies RunReply, transferablesOf(outputs));
      } else {
        const results = await guarded(() => engine.runMany(request.model, unpackItems(request.items), true));
        const items = packItems(results);
        endpoint.postMessage({ run: request.run, items } satisfies RunReply, packedTransferables(items));
      }
    } catch (error) {
      endpoint.postMessage({ run: request.run, error } satisfies RunReply, []);
    }
  });
}
