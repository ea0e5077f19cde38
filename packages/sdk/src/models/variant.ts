import { EdgewiseError } from '../errors.js';
import type { Backend } from '../inference/backend-plan.js';
import type { ModelArtifact, ModelFormat, ModelVersion, Quantization } from './manifest-types.js';

/** The id `pickVariant` gives the version's own file (the one outside `variants`). */
export const BASE_VARIANT = 'base';

export interface VariantRequest {
  /** The backend the runtime chose; the pick favours files that suit it. */
  backend?: Backend;
  /** Only files of this format, e.g. 'tflite' for the TFLite runtime. */
  format?: ModelFormat;
  /** Force a file by id ('base', 'int8', 'tflite-int8', ...); skips the rule. */
  variant?: string;
  /**
   * Whether this device's WebGPU adapter has `shader-f16` (`BackendCapabilities.webgpu.shaderF16`).
   * onnxruntime-web runs fp16 files on WebGPU only with it, so `false` keeps fp16 files off the
   * webgpu backend (WASM still runs them); `true` or unknown leaves fp16 first for WebGPU.
   */
  shaderF16?: boolean | undefined;
}

export interface PickedVariant {
  variantId: string;
  artifact: ModelArtifact;
}

/**
 * Quantizations each backend runs best, best first. WASM has fast int8 kernels (MatMulInteger,
 * XNNPACK); WebGPU has none for int8 MatMulInteger but has fp16/fp32 and 4-bit MatMulNBits; remote
 * inference runs on a server where full precision costs little.
 */
const QUANTIZATION_RANK: Record<Backend | 'any', Quantization[]> = {
  wasm: ['int8', 'int8-dynamic', 'int8-qdq', 'int8-hybrid', 'int4', 'fp32', 'fp16'],
  webgpu: ['fp16', 'fp32', 'int4', 'int8-hybrid', 'int8-qdq', 'int8-dynamic', 'int8'],
  remote: ['fp32', 'fp16', 'int8-dynamic', 'int8-qdq', 'int8-hybrid', 'int8', 'int4'],
  any: ['fp32', 'fp16', 'int8-dynamic', 'int8-qdq', 'int8-hybrid', 'int8', 'int4'],
};

/**
 * Picks the file of a version to download. Pure; the rule, in order:
 * 1. A forced `variant` is taken as is (it must exist, and match `format` if both are given).
 * 2. Only files of the requested `format` remain.
 * 3. With a backend, a file whose `backends` list omits it is out (an int8 ONNX file marked
 *    ['wasm'] never goes to WebGPU); files that name the backend beat files that suit any.
 * 4. Without a format request, files of the base file's format beat the others.
 * 5. Then the backend's place in the file's `backends` list, then the backend's quantization rank.
 * 6. Ties go to the base file, then to the order of `variants`.
 * Whatever the rule, WebGPU without `shader-f16` (`shaderF16: false`) gets no fp16 ONNX file, not even
 * a forced one: the error says so, and placement moves on to the next backend (WASM runs fp16 files).
 */
export function pickVariant(
  name: string,
  version: string,
  info: ModelVersion,
  request: VariantRequest = {},
): PickedVariant {
  const all = candidates(info);
  if (request.variant !== undefined) {
    const found = all.find((c) => c.variantId === request.variant);
    if (!found) {
      throw new EdgewiseError(
        'VERSION_NOT_FOUND',
        `${name}@${version} has no variant '${request.variant}'; it has ${all.map((c) => `'${c.variantId}'`).join(', ')}.`,
        { details: { name, version, variant: request.variant } },
      );
    }
    if (request.format !== undefined && found.artifact.format !== request.format) {
      throw new EdgewiseError(
        'CONFIG',
        `Variant '${request.variant}' of ${name}@${version} is ${found.artifact.format}, not ${request.format}; drop one of the two options.`,
      );
    }
    if (noF16(request) && needsShaderF16(found.artifact)) {
      throw noShaderF16(name, version, `the forced variant '${found.variantId}' is fp16`, request);
    }
    return found;
  }
  const backend = request.backend;
  const rank = QUANTIZATION_RANK[backend ?? 'any'];
  const suitable = all
    .map((c, order) => ({ c, order }))
    .filter(({ c }) => request.format === undefined || c.artifact.format === request.format)
    .filter(
      ({ c }) =>
        backend === undefined || c.artifact.backends === undefined || c.artifact.backends.includes(backend),
    );
  const runnable = noF16(request) ? suitable.filter(({ c }) => !needsShaderF16(c.artifact)) : suitable;
  if (runnable.length === 0 && suitable.length > 0) {
    const files = suitable.map(({ c }) => `'${c.variantId}'`).join(', ');
    throw noShaderF16(name, version, `its only files for webgpu are fp16 (${files})`, request);
  }
  const ranked = runnable
    .map(({ c, order }) => {
      const position = backend === undefined ? -1 : (c.artifact.backends?.indexOf(backend) ?? -1);
      const quant = rank.indexOf(c.artifact.quantization);
      return {
        c,
        key: [
          position >= 0 ? 0 : 1,
          request.format === undefined && c.artifact.format !== info.format ? 1 : 0,
          Math.max(position, 0),
          quant >= 0 ? quant : rank.length,
          order,
        ],
      };
    })
    .sort((a, b) => compareKeys(a.key, b.key));
  const best = ranked[0];
  if (!best) {
    const wanted = [request.format && `format ${request.format}`, backend && `backend ${backend}`]
      .filter(Boolean)
      .join(' and ');
    throw new EdgewiseError(
      'VERSION_NOT_FOUND',
      `${name}@${version} has no file for ${wanted}; its files are ${all
        .map(
          (c) =>
            `'${c.variantId}' (${c.artifact.format}, ${c.artifact.backends?.join('/') ?? 'any backend'})`,
        )
        .join(', ')}. Ask for another format or backend, or force a variant.`,
      { details: { name, version, ...request, noMatchingFile: true } },
    );
  }
  return best.c;
}

/** WebGPU without shader-f16: onnxruntime-web cannot run an fp16 file there. */
function noF16(request: VariantRequest): boolean {
  return request.backend === 'webgpu' && request.shaderF16 === false;
}

/** An fp16 ONNX file: onnxruntime-web's WebGPU EP runs its f16 tensors in f16 shaders. */
function needsShaderF16(artifact: ModelArtifact): boolean {
  return artifact.format === 'onnx' && artifact.quantization === 'fp16';
}

/** A `noMatchingFile` error, so placement skips WebGPU for this model and moves on to WASM. */
function noShaderF16(name: string, version: string, what: string, request: VariantRequest): EdgewiseError {
  return new EdgewiseError(
    'VERSION_NOT_FOUND',
    `no shader-f16 on this WebGPU adapter, and for ${name}@${version} ${what}: onnxruntime-web runs fp16 files on WebGPU only with shader-f16; WASM can run them`,
    { details: { name, version, ...request, noMatchingFile: true, shaderF16: false } },
  );
}

function candidates(info: ModelVersion): PickedVariant[] {
  const base: ModelArtifact = {
    url: info.url,
    format: info.format,
    sha256: info.sha256,
    bytes: info.bytes,
    quantization: info.quantization,
    ...(info.backends ? { backends: info.backends } : {}),
    ...(info.metrics ? { metrics: info.metrics } : {}),
    ...(info.externalData ? { externalData: info.externalData } : {}),
  };
  const variants = Object.entries(info.variants ?? {}).map(([variantId, artifact]) => ({
    variantId,
    artifact,
  }));
  return [{ variantId: BASE_VARIANT, artifact: base }, ...variants];
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
