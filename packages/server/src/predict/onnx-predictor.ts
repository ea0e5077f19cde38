import { createHash } from 'node:crypto';
import type * as ort from 'onnxruntime-web';
import { ServerError } from '../errors.js';
import { checkInputs, DEFAULT_MAX_INPUT_ELEMENTS } from './input-limits.js';
import { Lru } from './lru.js';
import type { ModelSource } from './model-source.js';
import { defaultOnnxRuntime, type OnnxRuntime } from './onnx-runtime.js';
import { fromOrtTensor, type TensorJson, toOrtTensor } from './tensor-json.js';

export interface PredictRequest {
  model: string;
  version?: string;
  channel?: string;
  inputs: Record<string, TensorJson>;
}

export interface PredictResponse {
  model: string;
  version: string;
  outputs: Record<string, { dims: number[]; dtype: string; data: (number | string)[] }>;
  cached: boolean;
}

export interface PredictorLimits {
  sessions: number;
  cachedPredictions: number;
  /** Budget for cached answers, estimated as the JS heap their arrays take (default 64 MiB). */
  cacheBytes?: number;
  /** Most elements in one input tensor (default 262,144). */
  maxInputElements?: number;
}

export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/** A JS number array costs 8 bytes an element; int64 strings are short heap strings (~32 bytes). */
function weighOutputs(outputs: PredictResponse['outputs']): number {
  let bytes = 64;
  for (const t of Object.values(outputs))
    bytes += 64 + t.dims.length * 8 + t.data.length * (t.dtype === 'int64' || t.dtype === 'uint64' ? 32 : 8);
  return bytes;
}

/** Which runtime serves predictions, as /healthz reports it. */
export type InferenceRuntimeInfo = Pick<OnnxRuntime, 'name' | 'version' | 'reason'>;

/**
 * Remote inference with onnxruntime-node (native CPU) when it is installed, else onnxruntime-web's
 * WASM build in Node (see chooseOnnxRuntime). Sessions and recent answers are kept in bounded LRUs
 * keyed by the model's sha256, so a new version never hits a stale entry.
 */
export class OnnxPredictor {
  private readonly sessions: Lru<string, Promise<ort.InferenceSession>>;
  private readonly answers: Lru<string, PredictResponse['outputs']>;
  private readonly runtime: () => Promise<OnnxRuntime>;
  private readonly maxInputElements: number;

  constructor(
    private readonly source: ModelSource,
    limits: PredictorLimits,
    /** Tests inject a runtime; by default the process-wide choice. */
    options: { runtime?: () => Promise<OnnxRuntime> } = {},
  ) {
    this.runtime = options.runtime ?? defaultOnnxRuntime;
    this.sessions = new Lru(limits.sessions, (s) => {
      s.then((session) => session.release()).catch(() => {});
    });
    this.answers = new Lru(limits.cachedPredictions, undefined, {
      max: limits.cacheBytes ?? DEFAULT_CACHE_BYTES,
      weigh: weighOutputs,
    });
    this.maxInputElements = limits.maxInputElements ?? DEFAULT_MAX_INPUT_ELEMENTS;
  }

  get cacheSize(): number {
    return this.answers.size;
  }

  /** Estimated bytes the cached answers hold. */
  get cacheBytes(): number {
    return this.answers.weight;
  }

  async describeRuntime(): Promise<InferenceRuntimeInfo> {
    const { name, version, reason } = await this.runtime();
    return { name, version, reason };
  }

  private session(
    sha256: string,
    load: () => Promise<Uint8Array>,
    label: string,
  ): Promise<ort.InferenceSession> {
    let session = this.sessions.get(sha256);
    if (!session) {
      session = Promise.all([load(), this.runtime()]).then(async ([bytes, runtime]) => {
        try {
          return await runtime.ort.InferenceSession.create(bytes);
        } catch (error) {
          throw new ServerError(
            'BAD_REQUEST',
            `${runtime.name} cannot load ${label}: ${(error as Error).message}`,
          );
        }
      });
      session.catch(() => {
        if (this.sessions.peek(sha256) === session) this.sessions.delete(sha256);
      });
      this.sessions.set(sha256, session);
    }
    return session;
  }

  async predict(request: PredictRequest): Promise<PredictResponse> {
    const model = await this.source.resolve(request.model, request.version, request.channel);
    const label = `${model.name}@${model.version}`;
    checkInputs(label, model.inputs, request.inputs, this.maxInputElements);
    const key = createHash('sha256')
      .update(model.sha256)
      .update(JSON.stringify(request.inputs))
      .digest('hex');
    const hit = this.answers.get(key);
    if (hit) return { model: model.name, version: model.version, outputs: hit, cached: true };

    const session = await this.session(model.sha256, model.load, label);
    const { ort } = await this.runtime();
    const given = Object.keys(request.inputs).sort();
    const wanted = [...session.inputNames].sort();
    if (given.join() !== wanted.join()) {
      throw new ServerError(
        'BAD_REQUEST',
        `body: inputs must be exactly ${wanted.join(', ')} for ${label}; got ${given.join(', ')}`,
      );
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of given) feeds[name] = toOrtTensor(ort, name, request.inputs[name] as TensorJson);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await session.run(feeds);
    } catch (error) {
      throw new ServerError('BAD_REQUEST', `${label} rejected the inputs: ${(error as Error).message}`);
    }
    const outputs: PredictResponse['outputs'] = {};
    for (const [name, tensor] of Object.entries(results)) outputs[name] = fromOrtTensor(tensor);
    this.answers.set(key, outputs);
    return { model: model.name, version: model.version, outputs, cached: false };
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }
}
