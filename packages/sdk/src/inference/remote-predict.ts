import { EdgewiseError } from '../errors.js';
import type { TensorDType } from '../models/manifest-types.js';
import type { Tensor, TensorData } from './tensors.js';

/** A tensor as JSON on the wire to the server's /v1/predict. */
export interface WireTensor {
  dtype: TensorDType;
  dims: number[];
  data: (number | string)[];
}

const DTYPE_OF: Record<string, TensorDType> = {
  Float32Array: 'float32',
  Uint16Array: 'float16',
  Int8Array: 'int8',
  Uint8Array: 'uint8',
  Int32Array: 'int32',
  BigInt64Array: 'int64',
};

const ARRAY_OF: Record<TensorDType, (values: (number | string)[]) => TensorData> = {
  float32: (v) => Float32Array.from(v as number[]),
  float16: (v) => Uint16Array.from(v as number[]),
  int8: (v) => Int8Array.from(v as number[]),
  uint8: (v) => Uint8Array.from(v as number[]),
  bool: (v) => Uint8Array.from(v as number[]),
  int32: (v) => Int32Array.from(v as number[]),
  int64: (v) => BigInt64Array.from(v, (x) => BigInt(x)),
};

export function toWire(t: Tensor): WireTensor {
  const dtype = DTYPE_OF[t.data.constructor.name] ?? 'float32';
  const data =
    t.data instanceof BigInt64Array ? Array.from(t.data, String) : Array.from(t.data as Float32Array);
  return { dtype, dims: t.dims, data };
}

export function fromWire(w: WireTensor): Tensor {
  const make = ARRAY_OF[w.dtype];
  if (!make || !Array.isArray(w.data) || !Array.isArray(w.dims)) {
    throw new EdgewiseError('INTERNAL', 'the server answered /v1/predict with a tensor Edgewise cannot read');
  }
  return { data: make(w.data), dims: w.dims };
}

/**
 * The remote backend: the server runs the model version and answers with named outputs. Used when no
 * on-device backend can, or when the app asks for it.
 */
export async function remotePredict(
  serverUrl: string,
  model: { name: string; version: string },
  feeds: Record<string, Tensor>,
  init: { fetch?: typeof fetch; headers?: Record<string, string> } = {},
): Promise<Record<string, Tensor>> {
  const inputs = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, toWire(t)]));
  let response: Response;
  try {
    response = await (init.fetch ?? fetch)(new URL('v1/predict', serverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: JSON.stringify({ model: model.name, version: model.version, inputs }),
    });
  } catch (error) {
    throw new EdgewiseError(
      'NETWORK',
      `the server at ${serverUrl} cannot be reached for remote inference: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const body = (await response.json().catch(() => ({}))) as {
    outputs?: Record<string, WireTensor>;
    message?: string;
    error?: string;
  };
  if (!response.ok || !body.outputs) {
    throw new EdgewiseError(
      response.status === 404 ? 'MODEL_NOT_FOUND' : response.status >= 500 ? 'NETWORK' : 'INPUT_SHAPE',
      `remote inference failed with HTTP ${response.status}: ${body.message ?? body.error ?? 'no message'}`,
      { details: { status: response.status } },
    );
  }
  return Object.fromEntries(Object.entries(body.outputs).map(([name, w]) => [name, fromWire(w)]));
}
