// The inference worker: runtimes load here, lazily, never on the main thread.
import * as Comlink from 'comlink';
import { EdgewiseError, isEdgewiseError } from '../errors.js';
import { InferenceEngine } from './engine.js';
import type { EngineEvent, LoadRequest } from './engine-types.js';
import { type ContentFile, memoryContent } from './model-content.js';
import { type Tensor, transferablesOf } from './tensors.js';

const engine = new InferenceEngine();

/** A model's files as they arrive from the host, chunk by chunk, before the model loads. */
const uploads = new Map<string, { files: readonly ContentFile[]; buffers: Uint8Array[] }>();

/** What the host sends to load a model whose bytes it uploaded first under `upload`. */
export type WorkerLoadRequest = Omit<LoadRequest, 'content'> & { upload: string };

function takeUpload(upload: string): LoadRequest['content'] {
  const entry = uploads.get(upload);
  uploads.delete(upload);
  if (!entry)
    throw new EdgewiseError('INTERNAL', `no bytes were uploaded as ${upload}; load the model again`);
  const [model = new Uint8Array(0), ...rest] = entry.buffers;
  return memoryContent(
    model,
    rest.map((data, i) => ({ path: entry.files[i + 1]?.path ?? '', data })),
  );
}

/**
 * A WebAssembly trap (an integer overflow, an out-of-bounds access, an abort) unwinds through the
 * runtime's C++ without running its destructors: its heap, locks and sessions are in an unknown
 * state, so every later answer from it would be suspect.
 */
function isRuntimeTrap(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
    if ((e as { name?: unknown }).name === 'RuntimeError') return true;
  }
  return false;
}

/** Errors cross as plain data with their code; the client turns them back into EdgewiseError. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isRuntimeTrap(error)) {
      // The worker ends itself instead of answering: the host sees it die, starts a fresh runtime,
      // reloads the models and retries the call once, as after any crash.
      const message = error instanceof Error ? error.message : String(error);
      setTimeout(() => {
        throw new Error(`the runtime trapped (${message}); this worker cannot be trusted any more`);
      });
      return new Promise<never>(() => {});
    }
    if (isEdgewiseError(error)) throw error.toJSON();
    throw new EdgewiseError('INTERNAL', error instanceof Error ? error.message : String(error)).toJSON();
  }
}

const api = {
  /** Answers once the worker's script has loaded: the host's proof that the worker started. */
  ready: () => true,
  /** Sets aside room for a model's files; `receive` fills it and `load` takes it. */
  begin: (upload: string, files: ContentFile[]) =>
    guarded(async () => {
      uploads.set(upload, { files, buffers: files.map((f) => new Uint8Array(f.bytes)) });
    }),
  receive: (upload: string, file: number, offset: number, data: Uint8Array) =>
    guarded(async () => {
      const target = uploads.get(upload)?.buffers[file];
      if (!target || offset + data.byteLength > target.byteLength) {
        throw new EdgewiseError(
          'INTERNAL',
          `a chunk of ${upload} does not fit its file; load the model again`,
        );
      }
      target.set(data, offset);
    }),
  /** Forgets an upload the host gave up on. */
  abandon: (upload: string) => {
    uploads.delete(upload);
  },
  load: (id: string, request: WorkerLoadRequest) =>
    guarded(() => {
      const { upload, ...rest } = request;
      return engine.load(id, { ...rest, content: takeUpload(upload) });
    }),
  run: (id: string, feeds: Record<string, Tensor>) =>
    guarded(async () => {
      const outputs = await engine.run(id, feeds);
      return Comlink.transfer(outputs, transferablesOf(outputs));
    }),
  runMany: (id: string, feedsList: Record<string, Tensor>[]) =>
    guarded(async () => {
      const outputs = await engine.runMany(id, feedsList);
      return Comlink.transfer(outputs, outputs.flatMap(transferablesOf));
    }),
  dispose: (id: string) => guarded(() => engine.dispose(id)),
  onEvent: (listener: (event: EngineEvent) => void) => engine.onEvent(listener),
  /** For tests of crash recovery: dies the way a runtime abort does, with an uncaught error. */
  crash: () => {
    setTimeout(() => {
      throw new Error('inference worker crashed on purpose');
    });
  },
};

export type InferenceWorkerApi = typeof api;

Comlink.expose(api);
