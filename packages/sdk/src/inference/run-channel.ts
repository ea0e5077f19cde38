// The data plane between the host and the inference worker: predictions travel as flat messages with
// a numeric `run` id and transferred buffers, on the worker's own channel beside Comlink's (which
// ignores messages without its string `id`). Comlink stays for the control plane (load, dispose,
// events); per call it builds a proxy, a random string id and wire values for every argument, which on
// a sub-millisecond model is a measurable share of the call. A MessagePort of its own was measured
// too: in Chromium a round trip on one is slower than on the worker itself (bench/README.md).
import type { InferenceHost } from './engine-types.js';
import { type PackedItems, packedTransferables, packItems, unpackItems } from './packed-items.js';
import { type Tensor, transferablesOf } from './tensors.js';
import { failureReply } from './worker-guard.js';

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

/** The host's end: one message out and one back per call. Create it before Comlink wraps the worker. */
export class RunClient {
  #next = 0;
  readonly #waiting = new Map<number, Waiting>();
  readonly #onMessage = (event: MessageEvent) => {
    const reply = event.data as RunReply;
    if (!isRun(reply)) return;
    // Listening before Comlink, so its listener never sees (or inspects) a run.
    event.stopImmediatePropagation();
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

/**
 * The worker's end (call it before Comlink.expose): runs each request on the engine, in arrival order (the engine serializes), and
 * answers with plain promise callbacks: this is the per-call path, kept free of async wrappers.
 */
export function serveRuns(endpoint: RunEndpoint, engine: Pick<InferenceHost, 'run' | 'runMany'>): void {
  const fail = (run: number) => (error: unknown) => {
    const reply = failureReply(error);
    if (reply !== undefined) endpoint.postMessage({ run, error: reply } satisfies RunReply, []);
  };
  endpoint.addEventListener('message', (event: MessageEvent) => {
    const request = event.data as RunRequest;
    if (!isRun(request)) return;
    event.stopImmediatePropagation();
    const { run } = request;
    let work: Promise<Record<string, Tensor> | Record<string, Tensor>[]>;
    try {
      work =
        'feeds' in request
          ? engine.run(request.model, request.feeds, true)
          : engine.runMany(request.model, unpackItems(request.items), true);
    } catch (error) {
      fail(run)(error);
      return;
    }
    if ('feeds' in request) {
      (work as Promise<Record<string, Tensor>>).then(
        (outputs) => endpoint.postMessage({ run, outputs } satisfies RunReply, transferablesOf(outputs)),
        fail(run),
      );
    } else {
      (work as Promise<Record<string, Tensor>[]>).then((results) => {
        const items = packItems(results);
        endpoint.postMessage({ run, items } satisfies RunReply, packedTransferables(items));
      }, fail(run));
    }
  });
}
